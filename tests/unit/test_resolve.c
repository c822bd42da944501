/*
 * test_resolve.c: what resolve answers without any DNS: literal addresses
 * (with and against -4/-6), names that cannot be asked for (empty label,
 * .invalid), ports by number and by service name; and dial on a literal,
 * reached and refused.  Names with several addresses, dead ones and slow
 * DNS are in tests/integration/connect.sh (a DNS server of its own).
 * With SMTPSCOPE_TEST_DNS_TA set (tests/integration/mx.sh runs it so,
 * with SMTPSCOPE_DNS_SERVER at the signed zones of tests/dns) the record
 * queries are checked too: TXT, MX, TLSA and their DNSSEC verdicts.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/dial.h"
#include "smtpscope/net.h"
#include "smtpscope/resolve.h"

#include "t.h"

static void
test_literal(void)
{
	const struct resolve_addr	*v;
	struct resolve			*r;
	char				 err[256], s[64];
	size_t				 n;

	r = resolve_start("127.0.0.1", "25", AF_UNSPEC, err, sizeof err);
	OK(r != NULL, "IPv4 literal starts");
	if (r == NULL)
		return;
	OK(resolve_done(r), "IPv4 literal: answered at once");
	EQ_INT(resolve_pollfds(r, NULL, 0), 0, "IPv4 literal: nothing to poll");
	EQ_INT(resolve_timeout_ms(r), -1, "IPv4 literal: no timer");
	EQ_INT(resolve_status(r, AF_INET, NULL), RESOLVE_OK, "A: ok");
	EQ_INT(resolve_status(r, AF_INET6, NULL), RESOLVE_NODATA,
	    "AAAA: none");
	v = resolve_addrs(r, AF_INET, &n);
	EQ_INT(n, 1, "one address");
	resolve_addr_str(&v[0], s, sizeof s);
	EQ_STR(s, "127.0.0.1", "the address as text");
	EQ_INT(ntohs(((const struct sockaddr_in *)&v[0].ss)->sin_port), 25,
	    "the port is set");
	resolve_free(r);

	r = resolve_start("::1", "587", AF_INET6, err, sizeof err);
	v = r != NULL ? resolve_addrs(r, AF_INET6, &n) : NULL;
	OK(v != NULL && n == 1, "IPv6 literal with -6");
	if (v != NULL) {
		resolve_addr_str(&v[0], s, sizeof s);
		EQ_STR(s, "::1", "IPv6 address as text");
	}
	resolve_free(r);

	r = resolve_start("::1", "25", AF_INET, err, sizeof err);
	OK(r != NULL && resolve_done(r) &&
	    resolve_status(r, AF_INET, NULL) == RESOLVE_NODATA,
	    "IPv6 literal with -4: no IPv4 address");
	resolve_free(r);
}

static void
test_no_query(void)
{
	struct resolve	*r;
	char		 err[256], *saved;

	/* No DNS server is reachable on this port: nothing may be asked. */
	saved = getenv("SMTPSCOPE_DNS_SERVER");
	saved = saved != NULL ? strdup(saved) : NULL;
	setenv("SMTPSCOPE_DNS_SERVER", "127.0.0.1:1", 1);
	r = resolve_start("no..such.invalid", "25", AF_UNSPEC, err,
	    sizeof err);
	OK(r != NULL && resolve_done(r) &&
	    resolve_status(r, AF_INET, NULL) == RESOLVE_NONAME,
	    "an empty label is no name, at once");
	resolve_free(r);
	r = resolve_start("mx.smtpscope.INVALID.", "25", AF_UNSPEC, err,
	    sizeof err);
	OK(r != NULL && resolve_done(r) &&
	    resolve_status(r, AF_INET6, NULL) == RESOLVE_NONAME,
	    ".invalid is no name, at once (RFC 6761)");
	resolve_free(r);
	if (saved != NULL)
		setenv("SMTPSCOPE_DNS_SERVER", saved, 1);
	else
		unsetenv("SMTPSCOPE_DNS_SERVER");
	free(saved);
}

static void
test_port(void)
{
	const struct resolve_addr	*v;
	struct resolve			*r;
	char				 err[256];
	size_t				 n;

	r = resolve_start("127.0.0.1", "no-such-service", AF_UNSPEC, err,
	    sizeof err);
	OK(r == NULL, "unknown service fails");
	EQ_STR(err, "unknown port no-such-service", "unknown port message");
	r = resolve_start("127.0.0.1", "smtp", AF_UNSPEC, err, sizeof err);
	if (r == NULL) {
		OK(1, "service name # SKIP no smtp in /etc/services");
		return;
	}
	v = resolve_addrs(r, AF_INET, &n);
	OK(n == 1 && ntohs(((const struct sockaddr_in *)&v[0].ss)->sin_port)
	    == 25, "service name smtp is port 25");
	resolve_free(r);
}

static void
test_dial_literal(void)
{
	struct dial_params	 dp;
	struct dial		*d;
	enum net_err		 kind;
	char			 err[256], port[16];
	int			 lfd;

	lfd = net_listen("127.0.0.1", "0", err, sizeof err);
	OK(lfd != -1, "listen on 127.0.0.1");
	if (lfd == -1)
		return;
	snprintf(port, sizeof port, "%d", net_local_port(lfd));
	memset(&dp, 0, sizeof dp);
	dp.host = "127.0.0.1";
	dp.port = port;
	dp.timeout_ms = 2000;
	d = dial_start(&dp);
	EQ_INT(dial_run(d, -1), DIAL_DONE, "dial a literal");
	EQ_STR(dial_addr(d), "127.0.0.1", "the address reached");
	dial_free(d);
	close(lfd);

	/* Nothing listens there now. */
	d = dial_start(&dp);
	EQ_INT(dial_run(d, -1), DIAL_FAILED, "dial a closed port");
	(void)dial_error(d, &kind);
	EQ_INT(kind, NET_E_REFUSED, "refused");
	dial_free(d);
}

/* Record queries against the zones of tests/dns (see the top). */
static void
test_records(const char *ta)
{
	const struct resolve_txt	*txt;
	const struct resolve_mx		*mx;
	const struct resolve_tlsa	*tlsa;
	struct resolve_query		*q;
	char				 err[256], name[128];
	size_t				 n;

	OK(resolve_configure(NULL, ta, err, sizeof err) == 0,
	    "trust anchor configured");
	q = resolve_query_start("_mta-sts.dane.test", RESOLVE_TXT, err,
	    sizeof err);
	OK(q != NULL && resolve_query_wait(q, 5000, -1) == 0, "TXT answered");
	if (q != NULL) {
		const char	*why;

		txt = resolve_query_txt(q, &n);
		EQ_INT(resolve_query_status(q, &why), RESOLVE_OK, "TXT ok");
		if (resolve_query_status(q, NULL) != RESOLVE_OK)
			printf("# %s\n", why);
		EQ_INT(resolve_query_sec(q, NULL), RESOLVE_SECURE,
		    "TXT secure");
		OK(n == 1 && strcmp(txt[0].text,
		    "v=STSv1; id=20261206T000000;") == 0, "TXT text");
	}
	resolve_query_free(q);
	q = resolve_query_start("_smtp._tls.dane.test", RESOLVE_TXT, err,
	    sizeof err);
	OK(q != NULL && resolve_query_wait(q, 5000, -1) == 0,
	    "TXT of two strings answered");
	if (q != NULL) {
		txt = resolve_query_txt(q, &n);
		OK(n == 1 && strcmp(txt[0].text,
		    "v=TLSRPTv1; rua=mailto:tlsrpt@dane.test") == 0,
		    "two strings are joined");
	}
	resolve_query_free(q);
	q = resolve_query_start("failover.dane.test", RESOLVE_MX, err,
	    sizeof err);
	OK(q != NULL && resolve_query_wait(q, 5000, -1) == 0, "MX answered");
	if (q != NULL) {
		mx = resolve_query_mx(q, &n);
		OK(n == 4, "four MX records");
		OK(n == 4 && mx[0].pref % 10 == 0 &&
		    strstr(mx[0].host, ".dane.test") != NULL &&
		    mx[0].host[strlen(mx[0].host) - 1] != '.',
		    "MX host without the final dot");
	}
	resolve_query_free(q);
	q = resolve_query_start("nomail.dane.test", RESOLVE_MX, err,
	    sizeof err);
	OK(q != NULL && resolve_query_wait(q, 5000, -1) == 0,
	    "null MX answered");
	if (q != NULL) {
		mx = resolve_query_mx(q, &n);
		OK(n == 1 && mx[0].pref == 0 && mx[0].host[0] == '\0',
		    "null MX: the root, as \"\"");
	}
	resolve_query_free(q);
	q = resolve_query_start("nosuch.dane.test", RESOLVE_TLSA, err,
	    sizeof err);
	OK(q != NULL && resolve_query_wait(q, 5000, -1) == 0 &&
	    resolve_query_status(q, NULL) == RESOLVE_NONAME &&
	    resolve_query_sec(q, NULL) == RESOLVE_SECURE,
	    "no such name, proved by NSEC: secure");
	resolve_query_free(q);
	q = resolve_query_start("mx.plain.test", RESOLVE_TLSA, err,
	    sizeof err);
	OK(q != NULL && resolve_query_wait(q, 5000, -1) == 0 &&
	    resolve_query_sec(q, NULL) == RESOLVE_INSECURE,
	    "unsigned zone: insecure");
	resolve_query_free(q);
	snprintf(name, sizeof name, "_%s._tcp.ee-mx.dane.test",
	    getenv("SMTPSCOPE_TEST_MX_PORT") != NULL ?
	    getenv("SMTPSCOPE_TEST_MX_PORT") : "25");
	q = resolve_query_start(name, RESOLVE_TLSA, err, sizeof err);
	OK(q != NULL && resolve_query_wait(q, 5000, -1) == 0, "TLSA answered");
	if (q != NULL) {
		tlsa = resolve_query_tlsa(q, &n);
		OK(n == 2 && tlsa[0].usage == 3 && (tlsa[0].len == 32 ||
		    tlsa[0].len == 64), "two DANE-EE records, digests whole");
		EQ_INT(resolve_query_sec(q, NULL), RESOLVE_SECURE,
		    "TLSA secure");
	}
	resolve_query_free(q);
	q = resolve_query_start("dane.test", RESOLVE_MX, err, sizeof err);
	OK(q != NULL && resolve_query_wait(q, 5000, -1) == 0 &&
	    resolve_query_status(q, NULL) == RESOLVE_NODATA,
	    "no MX at the apex: no data");
	resolve_query_free(q);
	(void)resolve_configure(NULL, NULL, err, sizeof err);
}

int
main(void)
{
	const char	*ta;

	test_literal();
	test_no_query();
	test_port();
	test_dial_literal();
	if ((ta = getenv("SMTPSCOPE_TEST_DNS_TA")) != NULL)
		test_records(ta);
	return t_done();
}
