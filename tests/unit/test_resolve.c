/*
 * test_resolve.c: what resolve answers without any DNS: literal addresses
 * (with and against -4/-6), names that cannot be asked for (empty label,
 * .invalid), ports by number and by service name; and dial on a literal,
 * reached and refused.  Names with several addresses, dead ones and slow
 * DNS are in tests/integration/connect.sh (a DNS server of its own).
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
	char		 err[256];

	/* No DNS server is reachable on this port: nothing may be asked. */
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
	unsetenv("SMTPSCOPE_DNS_SERVER");
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

int
main(void)
{
	test_literal();
	test_no_query();
	test_port();
	test_dial_literal();
	return t_done();
}
