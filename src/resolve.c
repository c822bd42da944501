/*
 * resolve.c: non-blocking DNS look-ups with libunbound.  Each look-up has
 * its own context whose worker thread does the asking; its pipe (ub_fd)
 * goes into the caller's poll() and ub_process() delivers the answers.
 * Address look-ups ask AAAA and A at once without validation; record
 * look-ups (MX, TLSA, TXT) validate, for DANE.
 *
 * One DNS library, not two: c-ares was lighter for addresses alone, but
 * DANE needs a validating resolver, and libunbound is one (with the same
 * asynchronous shape: a descriptor to poll, a call to process it).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unbound.h>
#include <unistd.h>

#include "smtpscope/monotime.h"
#include "smtpscope/resolve.h"
#include "smtpscope/xmalloc.h"

/* One family's question and answer. */
struct resolve_fam {
	struct resolve		*r;
	int			 family;
	enum resolve_status	 st;
	char			 why[256];
	struct resolve_addr	*v;
	size_t			 n;
};

struct resolve {
	struct ub_ctx		*ctx;		/* NULL: nothing to ask */
	int			 port;
	struct resolve_fam	 fam[2];	/* IPv6, then IPv4 */
};

struct resolve_query {
	struct ub_ctx		*ctx;		/* NULL: answered at once */
	enum resolve_rr		 type;
	enum resolve_status	 st;
	enum resolve_sec	 sec;
	char			 why[512];
	char			 bogus[512];
	struct resolve_mx	*mx;
	struct resolve_tlsa	*tlsa;
	struct resolve_txt	*txt;
	size_t			 n;
};

/* resolve_configure()'s choices; NULL: the defaults. */
static char	*resolve_server;
static char	*resolve_ta;

/*
 * ADDR, ADDR:PORT or [ADDR6]:PORT into libunbound's ADDR@PORT in out.
 * Returns 0, or -1 with err set.
 */
static int
resolve_fwd_text(const char *server, char *out, size_t outlen, char *err,
    size_t errlen)
{
	struct in6_addr	 a;
	char		*copy, *p, *addr, *port = NULL;
	long		 n;

	copy = xstrdup(server);
	addr = copy;
	if (*addr == '[') {
		if ((port = strchr(addr, ']')) == NULL)
			goto bad;
		*port++ = '\0';
		addr++;
		if (*port == ':')
			port++;
		else if (*port == '\0')
			port = NULL;
		else
			goto bad;
	} else if ((port = strchr(addr, ':')) != NULL &&
	    strchr(port + 1, ':') == NULL)
		*port++ = '\0';
	else
		port = NULL;
	if (inet_pton(AF_INET, addr, &a) != 1 &&
	    inet_pton(AF_INET6, addr, &a) != 1)
		goto bad;
	if (port != NULL) {
		n = strtol(port, &p, 10);
		if (*port == '\0' || *p != '\0' || n < 1 || n > 65535)
			goto bad;
	}
	snprintf(out, outlen, "%s%s%s", addr, port != NULL ? "@" : "",
	    port != NULL ? port : "");
	free(copy);
	return 0;
bad:
	snprintf(err, errlen, "bad DNS server '%s' (use ADDR, ADDR:PORT or "
	    "[ADDR6]:PORT)", server);
	free(copy);
	return -1;
}

/*
 * Does the trust anchor file hold a DS or DNSKEY record?  libunbound
 * takes an empty file (or one of other records) without a word, and then
 * nothing validates: every answer is "insecure", the very downgrade DANE
 * is there to see.  The check is of the record type's word only; the
 * records themselves libunbound reads.
 */
static int
resolve_ta_has_key(const char *file)
{
	FILE	*f;
	char	 line[4096], *p, *tok, *save;
	int	 found = 0;

	if ((f = fopen(file, "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof line, f) != NULL) {
		if ((p = strchr(line, ';')) != NULL)
			*p = '\0';
		for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t\r\n", &save))
			if (strcasecmp(tok, "DS") == 0 ||
			    strcasecmp(tok, "DNSKEY") == 0) {
				found = 1;
				break;
			}
	}
	fclose(f);
	return found;
}

int
resolve_configure(const char *server, const char *ta_file, char *err,
    size_t errlen)
{
	char	fwd[128], err2[256];

	if (server != NULL && resolve_fwd_text(server, fwd, sizeof fwd, err2,
	    sizeof err2) == -1) {
		snprintf(err, errlen, "--dns: %s", err2);
		return -1;
	}
	if (ta_file != NULL && !resolve_ta_has_key(ta_file)) {
		snprintf(err, errlen, "--dns-trust-anchor %s: no DS or DNSKEY "
		    "record in it (without one nothing validates)", ta_file);
		return -1;
	}
	free(resolve_server);
	resolve_server = server != NULL ? xstrdup(fwd) : NULL;
	free(resolve_ta);
	resolve_ta = ta_file != NULL ? xstrdup(ta_file) : NULL;
	return 0;
}

int
resolve_anchored(void)
{
	return resolve_ta != NULL || access(RESOLVE_ROOT_KEY, R_OK) == 0;
}

/*
 * A context that asks the configured servers, from a worker thread (so
 * there is one descriptor to poll); validating with the trust anchor when
 * validate is set.
 */
static struct ub_ctx *
resolve_ctx(int validate, char *err, size_t errlen)
{
	struct ub_ctx	*ctx;
	const char	*server, *env, *ta;
	char		 fwd[128], err2[256];
	int		 rc;

	server = resolve_server;
	env = getenv("SMTPSCOPE_DNS_SERVER");
	if (server == NULL && env != NULL && *env != '\0') {
		if (resolve_fwd_text(env, fwd, sizeof fwd, err2,
		    sizeof err2) == -1) {
			snprintf(err, errlen, "SMTPSCOPE_DNS_SERVER: %s", err2);
			return NULL;
		}
		server = fwd;
	}
	if ((ctx = ub_ctx_create()) == NULL) {
		snprintf(err, errlen, "cannot start the resolver");
		return NULL;
	}
	if ((rc = ub_ctx_async(ctx, 1)) != 0)
		goto fail;
	/* A resolver on loopback (the tests', systemd's) is a fine one. */
	if ((rc = ub_ctx_set_option(ctx, "do-not-query-localhost:", "no")) != 0)
		goto fail;
	/*
	 * Keep the order of the answer: RFC 8305 section 4 sorts, and the
	 * server may have its reasons.  Wait for a first answer as long as
	 * c-ares did (a fresh context knows no server's speed, and its
	 * default of 376 ms makes a slow resolver answer a resent question
	 * only).
	 */
	if ((rc = ub_ctx_set_option(ctx, "rrset-roundrobin:", "no")) != 0 ||
	    (rc = ub_ctx_set_option(ctx, "unknown-server-time-limit:",
	    "1500")) != 0)
		goto fail;
	if (server != NULL) {
		if ((rc = ub_ctx_set_fwd(ctx, server)) != 0)
			goto fail;
	} else {
		/* Without resolv.conf libunbound recurses from the root. */
		(void)ub_ctx_resolvconf(ctx, NULL);
	}
	(void)ub_ctx_hosts(ctx, NULL);
	if (!validate) {
		if ((rc = ub_ctx_set_option(ctx, "module-config:",
		    "iterator")) != 0)
			goto fail;
	} else {
		ta = resolve_ta;
		if (ta == NULL && access(RESOLVE_ROOT_KEY, R_OK) == 0)
			ta = RESOLVE_ROOT_KEY;
		if (ta != NULL && (rc = ub_ctx_add_ta_file(ctx, ta)) != 0) {
			snprintf(err, errlen, "trust anchor %s: %s", ta,
			    rc == UB_READFILE ? strerror(errno) :
			    ub_strerror(rc));
			ub_ctx_delete(ctx);
			return NULL;
		}
	}
	/*
	 * The server named is asked about everything, the names of RFC
	 * 6761's .test included, which libunbound answers itself by
	 * default.  This must come last: it completes the set-up.
	 */
	if (server != NULL)
		(void)ub_ctx_zone_remove(ctx, "test.");
	return ctx;
fail:
	snprintf(err, errlen, "cannot set the resolver up: %s",
	    ub_strerror(rc));
	ub_ctx_delete(ctx);
	return NULL;
}

/* Append one address of the family to its list. */
static void
resolve_add(struct resolve_fam *f, const struct sockaddr *sa, socklen_t len)
{
	if (sa->sa_family != f->family || len > sizeof f->v[0].ss)
		return;
	f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
	memset(&f->v[f->n], 0, sizeof f->v[f->n]);
	memcpy(&f->v[f->n].ss, sa, len);
	f->v[f->n].len = len;
	f->v[f->n].family = f->family;
	f->n++;
}

/* An answer's rcode in words. */
static const char *
resolve_rcode(int rcode)
{
	switch (rcode) {
	case 1:
		return "the DNS server says the query is malformed (FORMERR)";
	case 2:
		/* What an admin most often meets it for. */
		return "the DNS server failed (SERVFAIL; a validating "
		    "resolver also answers so when the zone's DNSSEC fails)";
	case 4:
		return "the DNS server does not do this (NOTIMP)";
	case 5:
		return "the DNS server refused (REFUSED)";
	default:
		return "the DNS server answered an error";
	}
}

/*
 * Why an answer is bogus, in libunbound's words; and when they say the
 * signatures or keys never came, what that usually means: a resolver (or
 * a middlebox) between us and the zone that drops DNSSEC, so that every
 * signed answer looks forged.  An admin should hear that rather than
 * suspect the zone.
 */
static void
resolve_bogus_text(const struct ub_result *res, const char *prefix,
    char *why, size_t len)
{
	const char	*w = res->why_bogus != NULL ? res->why_bogus :
			    "no reason given";

	snprintf(why, len, "%s%s%s", prefix, w,
	    strstr(w, "no signatures") != NULL ||
	    strstr(w, "no DNSKEY rrset") != NULL ||
	    strstr(w, "no DS") != NULL ? " (the resolver returned no DNSSEC "
	    "signatures: it strips DNSSEC or cannot get it; use a "
	    "DNSSEC-aware resolver, --dns ADDR)" : "");
}

/*
 * The status an answer gives; why gets the reason for RESOLVE_FAIL.
 * libunbound answers SERVFAIL without data for a bogus answer.
 */
static enum resolve_status
resolve_judge(int err, const struct ub_result *res, char *why, size_t len)
{
	if (err != 0) {
		snprintf(why, len, "%s", ub_strerror(err));
		return RESOLVE_FAIL;
	}
	if (res->bogus) {
		resolve_bogus_text(res, "DNSSEC validation failed (bogus): ",
		    why, len);
		return RESOLVE_FAIL;
	}
	if (res->nxdomain)
		return RESOLVE_NONAME;
	if (res->rcode != 0) {
		snprintf(why, len, "%s", resolve_rcode(res->rcode));
		return RESOLVE_FAIL;
	}
	return res->havedata ? RESOLVE_OK : RESOLVE_NODATA;
}

/* libunbound calls this (from ub_process) with one family's answer. */
static void
resolve_cb(void *arg, int err, struct ub_result *res)
{
	struct resolve_fam	*f = arg;
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	int			 i;

	f->st = resolve_judge(err, res, f->why, sizeof f->why);
	for (i = 0; f->st == RESOLVE_OK && res->data[i] != NULL; i++) {
		if (f->family == AF_INET && res->len[i] == 4) {
			memset(&sin, 0, sizeof sin);
			sin.sin_family = AF_INET;
			sin.sin_port = htons((unsigned short)f->r->port);
			memcpy(&sin.sin_addr, res->data[i], 4);
			resolve_add(f, (struct sockaddr *)&sin, sizeof sin);
		} else if (f->family == AF_INET6 && res->len[i] == 16) {
			memset(&sin6, 0, sizeof sin6);
			sin6.sin6_family = AF_INET6;
			sin6.sin6_port = htons((unsigned short)f->r->port);
			memcpy(&sin6.sin6_addr, res->data[i], 16);
			resolve_add(f, (struct sockaddr *)&sin6, sizeof sin6);
		}
	}
	if (f->st == RESOLVE_OK && f->n == 0)
		f->st = RESOLVE_NODATA;
	if (res != NULL)
		ub_resolve_free(res);
}

/*
 * Can the name go into a DNS query at all?  Empty or overlong labels
 * cannot, and ".invalid" never resolves (RFC 6761 section 6.4): both are
 * answered here, without asking anyone.
 */
static int
resolve_name_ok(const char *host)
{
	const char	*p, *dot;
	size_t		 len = strlen(host), n;

	if (len > 0 && host[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return 0;
	for (p = host; p < host + len; p = dot + 1) {
		dot = memchr(p, '.', (size_t)(host + len - p));
		if (dot == NULL)
			dot = host + len;
		n = (size_t)(dot - p);
		if (n == 0 || n > 63)
			return 0;
		if (dot == host + len && n == 7 &&
		    strncasecmp(p, "invalid", 7) == 0)
			return 0;
	}
	return 1;
}

/* The port in host order, or -1: digits, else a service of /etc/services. */
static int
resolve_port(const char *port)
{
	struct servent	*se;
	char		*end;
	long		 n;

	n = strtol(port, &end, 10);
	if (*port != '\0' && *end == '\0')
		return n >= 0 && n <= 65535 ? (int)n : -1;
	if ((se = getservbyname(port, "tcp")) == NULL)
		return -1;
	return ntohs((unsigned short)se->s_port);
}

/* Answer a literal address at once; 0 when host is not one. */
static int
resolve_literal(struct resolve *r, const char *host, int port, int family)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;

	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((unsigned short)port);
		if (family != AF_INET6)
			resolve_add(&r->fam[1], (struct sockaddr *)&sin,
			    sizeof sin);
	} else if (inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((unsigned short)port);
		if (family != AF_INET)
			resolve_add(&r->fam[0], (struct sockaddr *)&sin6,
			    sizeof sin6);
	} else
		return 0;
	r->fam[0].st = r->fam[0].n > 0 ? RESOLVE_OK : RESOLVE_NODATA;
	r->fam[1].st = r->fam[1].n > 0 ? RESOLVE_OK : RESOLVE_NODATA;
	return 1;
}

struct resolve *
resolve_start(const char *host, const char *port, int family, char *err,
    size_t errlen)
{
	struct resolve	*r;
	int		 pnum, i, rc;

	if ((pnum = resolve_port(port)) == -1) {
		snprintf(err, errlen, "unknown port %s", port);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->port = pnum;
	r->fam[0].family = AF_INET6;
	r->fam[1].family = AF_INET;
	r->fam[0].r = r->fam[1].r = r;
	if (resolve_literal(r, host, pnum, family))
		return r;
	for (i = 0; i < 2; i++)
		r->fam[i].st = family == AF_UNSPEC ||
		    family == r->fam[i].family ? RESOLVE_PENDING :
		    RESOLVE_NODATA;
	if (!resolve_name_ok(host)) {
		for (i = 0; i < 2; i++)
			if (r->fam[i].st == RESOLVE_PENDING)
				r->fam[i].st = RESOLVE_NONAME;
		return r;
	}
	if ((r->ctx = resolve_ctx(0, err, errlen)) == NULL) {
		resolve_free(r);
		return NULL;
	}
	/* AAAA first (RFC 8305 section 3). */
	for (i = 0; i < 2; i++) {
		if (r->fam[i].st != RESOLVE_PENDING)
			continue;
		rc = ub_resolve_async(r->ctx, host,
		    r->fam[i].family == AF_INET6 ? 28 : 1, 1, &r->fam[i],
		    resolve_cb, NULL);
		if (rc != 0) {
			r->fam[i].st = RESOLVE_FAIL;
			snprintf(r->fam[i].why, sizeof r->fam[i].why, "%s",
			    ub_strerror(rc));
		}
	}
	return r;
}

void
resolve_free(struct resolve *r)
{
	if (r == NULL)
		return;
	/* Deleting the context stops its worker and drops what is due. */
	if (r->ctx != NULL)
		ub_ctx_delete(r->ctx);
	free(r->fam[0].v);
	free(r->fam[1].v);
	free(r);
}

size_t
resolve_pollfds(const struct resolve *r, struct pollfd *pfd, size_t n)
{
	if (r->ctx == NULL || resolve_done(r) || n == 0)
		return 0;
	pfd[0].fd = ub_fd(r->ctx);
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	return 1;
}

int
resolve_timeout_ms(const struct resolve *r)
{
	/* The worker keeps its own timers; the caller's deadline bounds it. */
	(void)r;
	return -1;
}

void
resolve_process(struct resolve *r, const struct pollfd *pfd, size_t n)
{
	size_t	i;
	int	fd;

	if (r->ctx == NULL || resolve_done(r))
		return;
	fd = ub_fd(r->ctx);
	for (i = 0; i < n; i++)
		if (pfd[i].fd == fd && pfd[i].revents != 0) {
			(void)ub_process(r->ctx);
			break;
		}
}

enum resolve_status
resolve_status(const struct resolve *r, int family, const char **why)
{
	const struct resolve_fam	*f;

	f = &r->fam[family == AF_INET6 ? 0 : 1];
	if (why != NULL)
		*why = f->why[0] != '\0' ? f->why : "no answer";
	return f->st;
}

int
resolve_done(const struct resolve *r)
{
	return r->fam[0].st != RESOLVE_PENDING &&
	    r->fam[1].st != RESOLVE_PENDING;
}

const struct resolve_addr *
resolve_addrs(const struct resolve *r, int family, size_t *n)
{
	const struct resolve_fam	*f;

	f = &r->fam[family == AF_INET6 ? 0 : 1];
	*n = f->n;
	return f->v;
}

void
resolve_addr_str(const struct resolve_addr *a, char *buf, size_t len)
{
	const void	*p;

	if (a->family == AF_INET6)
		p = &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
	else
		p = &((const struct sockaddr_in *)&a->ss)->sin_addr;
	if (inet_ntop(a->family, p, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/*
 * A domain name in wire form (uncompressed, as libunbound gives rdata) to
 * text without the final dot; bytes other than letters, digits, '-' and
 * '_' are written \DDD (RFC 1035 section 5.1), so the text is safe to
 * show.  Returns the octets used, or -1 when the name is malformed.
 */
static int
resolve_wire_name(const unsigned char *p, size_t len, char *out,
    size_t outlen)
{
	size_t	i = 0, o = 0, n, k;
	char	esc[8];

	out[0] = '\0';
	for (;;) {
		if (i >= len)
			return -1;
		n = p[i++];
		if (n == 0)
			break;
		if (n > 63 || i + n > len)
			return -1;
		if (o > 0 && o + 1 < outlen) {
			out[o++] = '.';
			out[o] = '\0';
		}
		for (k = 0; k < n; k++, i++) {
			if ((p[i] >= 'a' && p[i] <= 'z') ||
			    (p[i] >= 'A' && p[i] <= 'Z') ||
			    (p[i] >= '0' && p[i] <= '9') || p[i] == '-' ||
			    p[i] == '_')
				snprintf(esc, sizeof esc, "%c", p[i]);
			else
				snprintf(esc, sizeof esc, "\\%03u", p[i]);
			if (o + strlen(esc) + 1 > outlen)
				return -1;
			memcpy(out + o, esc, strlen(esc) + 1);
			o += strlen(esc);
		}
	}
	return (int)i;
}

/* Keep the records of a record query's answer. */
static void
resolve_query_keep(struct resolve_query *q, const struct ub_result *res)
{
	const unsigned char	*p;
	size_t			 len, i, k, n = 0;

	for (n = 0; res->data[n] != NULL; n++)
		;
	for (i = 0; i < n; i++) {
		p = (const unsigned char *)res->data[i];
		len = (size_t)res->len[i];
		switch (q->type) {
		case RESOLVE_MX:
			if (len < 3)
				continue;
			q->mx = xreallocarray(q->mx, q->n + 1, sizeof *q->mx);
			q->mx[q->n].pref = (unsigned int)(p[0] << 8 | p[1]);
			if (resolve_wire_name(p + 2, len - 2, q->mx[q->n].host,
			    sizeof q->mx[q->n].host) == -1)
				continue;
			break;
		case RESOLVE_TLSA:
			if (len < 3)
				continue;
			q->tlsa = xreallocarray(q->tlsa, q->n + 1,
			    sizeof *q->tlsa);
			q->tlsa[q->n].usage = p[0];
			q->tlsa[q->n].selector = p[1];
			q->tlsa[q->n].mtype = p[2];
			q->tlsa[q->n].len = len - 3;
			q->tlsa[q->n].data = xmalloc(len - 3 + 1);
			memcpy(q->tlsa[q->n].data, p + 3, len - 3);
			break;
		case RESOLVE_TXT:
			/* Character strings, joined (RFC 7208 3.3 does). */
			q->txt = xreallocarray(q->txt, q->n + 1,
			    sizeof *q->txt);
			q->txt[q->n].text = xmalloc(len + 1);
			q->txt[q->n].len = 0;
			for (k = 0; k < len; k += 1 + p[k]) {
				if (k + 1 + p[k] > len)
					break;
				memcpy(q->txt[q->n].text + q->txt[q->n].len,
				    p + k + 1, p[k]);
				q->txt[q->n].len += p[k];
			}
			q->txt[q->n].text[q->txt[q->n].len] = '\0';
			break;
		}
		q->n++;
	}
	if (q->n == 0 && q->st == RESOLVE_OK)
		q->st = RESOLVE_NODATA;
}

/* libunbound calls this (from ub_process) with a record query's answer. */
static void
resolve_query_cb(void *arg, int err, struct ub_result *res)
{
	struct resolve_query	*q = arg;

	q->st = resolve_judge(err, res, q->why, sizeof q->why);
	if (err == 0 && res != NULL) {
		if (res->bogus) {
			q->sec = RESOLVE_BOGUS;
			resolve_bogus_text(res, "", q->bogus, sizeof q->bogus);
		} else if (res->secure)
			q->sec = RESOLVE_SECURE;
		if (q->st == RESOLVE_OK)
			resolve_query_keep(q, res);
	}
	if (res != NULL)
		ub_resolve_free(res);
}

static struct resolve_query *
resolve_query_new(const char *name, enum resolve_rr type, int validate,
    char *err, size_t errlen)
{
	struct resolve_query	*q;
	int			 rc;

	q = xcalloc(1, sizeof *q);
	q->type = type;
	q->st = RESOLVE_PENDING;
	if (!resolve_name_ok(name)) {
		q->st = RESOLVE_NONAME;
		return q;
	}
	if ((q->ctx = resolve_ctx(validate, err, errlen)) == NULL) {
		free(q);
		return NULL;
	}
	if ((rc = ub_resolve_async(q->ctx, name, (int)type, 1, q,
	    resolve_query_cb, NULL)) != 0) {
		q->st = RESOLVE_FAIL;
		snprintf(q->why, sizeof q->why, "%s", ub_strerror(rc));
	}
	return q;
}

struct resolve_query *
resolve_query_start(const char *name, enum resolve_rr type, char *err,
    size_t errlen)
{
	return resolve_query_new(name, type, 1, err, errlen);
}

struct resolve_query *
resolve_query_start_unchecked(const char *name, enum resolve_rr type,
    char *err, size_t errlen)
{
	return resolve_query_new(name, type, 0, err, errlen);
}

void
resolve_query_free(struct resolve_query *q)
{
	size_t	i;

	if (q == NULL)
		return;
	if (q->ctx != NULL)
		ub_ctx_delete(q->ctx);
	for (i = 0; i < q->n; i++) {
		if (q->tlsa != NULL)
			free(q->tlsa[i].data);
		if (q->txt != NULL)
			free(q->txt[i].text);
	}
	free(q->mx);
	free(q->tlsa);
	free(q->txt);
	free(q);
}

size_t
resolve_query_pollfds(const struct resolve_query *q, struct pollfd *pfd,
    size_t n)
{
	if (q->ctx == NULL || q->st != RESOLVE_PENDING || n == 0)
		return 0;
	pfd[0].fd = ub_fd(q->ctx);
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	return 1;
}

void
resolve_query_process(struct resolve_query *q, const struct pollfd *pfd,
    size_t n)
{
	size_t	i;
	int	fd;

	if (q->ctx == NULL || q->st != RESOLVE_PENDING)
		return;
	fd = ub_fd(q->ctx);
	for (i = 0; i < n; i++)
		if (pfd[i].fd == fd && pfd[i].revents != 0) {
			(void)ub_process(q->ctx);
			break;
		}
}

int
resolve_query_done(const struct resolve_query *q)
{
	return q->st != RESOLVE_PENDING;
}

int
resolve_query_wait(struct resolve_query *q, int timeout_ms, int abort_fd)
{
	struct pollfd	 pfd[2];
	long long	 end = monotime_ms() + timeout_ms, left;
	size_t		 n;
	int		 rc;

	while (!resolve_query_done(q)) {
		n = resolve_query_pollfds(q, pfd, 1);
		if (abort_fd != -1) {
			pfd[n].fd = abort_fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
		}
		left = end - monotime_ms();
		if (timeout_ms > 0 && left <= 0)
			return -1;
		rc = poll(pfd, n + (abort_fd != -1), timeout_ms > 0 ?
		    (int)left : -1);
		if (rc == -1 && errno != EINTR)
			return -1;
		if (rc <= 0)
			continue;
		if (abort_fd != -1 && pfd[n].revents != 0)
			return -1;
		resolve_query_process(q, pfd, n);
	}
	return 0;
}

enum resolve_status
resolve_query_status(const struct resolve_query *q, const char **why)
{
	if (why != NULL)
		*why = q->why[0] != '\0' ? q->why : "no answer";
	return q->st;
}

enum resolve_sec
resolve_query_sec(const struct resolve_query *q, const char **why)
{
	if (why != NULL)
		*why = q->bogus;
	return q->sec;
}

const struct resolve_mx *
resolve_query_mx(const struct resolve_query *q, size_t *n)
{
	*n = q->type == RESOLVE_MX ? q->n : 0;
	return q->mx;
}

const struct resolve_tlsa *
resolve_query_tlsa(const struct resolve_query *q, size_t *n)
{
	*n = q->type == RESOLVE_TLSA ? q->n : 0;
	return q->tlsa;
}

const struct resolve_txt *
resolve_query_txt(const struct resolve_query *q, size_t *n)
{
	*n = q->type == RESOLVE_TXT ? q->n : 0;
	return q->txt;
}

const char *
resolve_sec_name(enum resolve_sec sec)
{
	switch (sec) {
	case RESOLVE_SECURE:
		return "secure";
	case RESOLVE_BOGUS:
		return "bogus";
	default:
		return "insecure";
	}
}
