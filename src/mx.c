/*
 * mx.c: from a domain to a connection with one of its mail exchangers
 * (RFC 5321 section 5.1, RFC 7505), with the TLSA records DANE needs.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <idn2.h>

#include "smtpscope/dial.h"
#include "smtpscope/monotime.h"
#include "smtpscope/mx.h"
#include "smtpscope/resolve.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xmalloc.h"

/* Octets of a greeting peeked at; a longer one is taken as it is. */
#define MX_PEEK_MAX	4096
/* How often a greeting that came in part is looked at again. */
#define MX_PEEK_AGAIN_MS 20

enum mx_step {
	MX_STEP_MX,		/* waiting for the MX records */
	MX_STEP_ADDRS,		/* waiting for the exchangers' addresses */
	MX_STEP_DIAL,		/* dialling exchanger cur */
	MX_STEP_GREET,		/* connected: waiting for the greeting */
	MX_STEP_TLSA,		/* greeted: waiting for the TLSA records */
	MX_STEP_END
};

struct mx {
	struct mx_params	 p;
	char			*domain;
	char			*port;
	enum mx_step		 step;
	enum mx_state		 state;
	long long		 start, deadline;
	struct resolve_query	*q;		/* MX, then TLSA */
	struct mx_host		 hosts[MX_MAX_HOSTS];
	struct resolve		*r[MX_MAX_HOSTS];
	size_t			 n;
	size_t			 cur;
	struct dial		*dial;
	int			 fd;
	int			 partial;	/* greeting came in part */
	char			 addr[64];
	struct mx_dane		 dane;
	enum mx_fail		 fail;
	char			 err[512];
};

static void
mx_note(struct mx *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
mx_note(struct mx *m, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[1024];

	if (m->p.note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	m->p.note(m->p.arg, buf);
}

static void
mx_fail(struct mx *m, enum mx_fail kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
mx_fail(struct mx *m, enum mx_fail kind, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(m->err, sizeof m->err, fmt, ap);
	va_end(ap);
	m->fail = kind;
	m->state = MX_FAILED;
	m->step = MX_STEP_END;
	if (m->fd != -1) {
		close(m->fd);
		m->fd = -1;
	}
}

/* "MX 10 mx1.example" or "mx.example (no MX)", for notes. */
static void
mx_label(const struct mx_host *h, char *out, size_t outlen)
{
	if (h->implicit)
		snprintf(out, outlen, "%s", h->host);
	else
		snprintf(out, outlen, "MX %u %s", h->pref, h->host);
}

/* Sort by preference; equal ones were shuffled before (RFC 5321 5.1). */
static int
mx_cmp(const void *a, const void *b)
{
	const struct mx_host	*x = a, *y = b;

	return (x->pref > y->pref) - (x->pref < y->pref);
}

/* Order the exchangers: shuffle, then a stable sort by preference. */
static void
mx_order(struct mx_host *v, size_t n)
{
	struct mx_host	 tmp;
	unsigned int	 seed;
	size_t		 i, j, k;

	seed = (unsigned int)monotime_ms() ^ (unsigned int)getpid();
	for (i = n; i > 1; i--) {
		seed = seed * 1103515245U + 12345U;
		j = (seed >> 8) % i;
		tmp = v[i - 1];
		v[i - 1] = v[j];
		v[j] = tmp;
	}
	/* Insertion sort keeps the shuffle among equals; n is small. */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && mx_cmp(&v[k - 1], &v[k]) > 0; k--) {
			tmp = v[k];
			v[k] = v[k - 1];
			v[k - 1] = tmp;
		}
}

/* An MX target that is written like an address ("192.0.2.1"). */
static int
mx_is_address(const char *host)
{
	struct in6_addr	a;

	return inet_pton(AF_INET, host, &a) == 1 ||
	    inet_pton(AF_INET6, host, &a) == 1;
}

/* Start looking up every exchanger's addresses at once. */
static void
mx_start_addrs(struct mx *m)
{
	char	err[256];
	size_t	i;

	m->step = MX_STEP_ADDRS;
	m->deadline = monotime_ms() + m->p.timeout_ms;
	for (i = 0; i < m->n; i++) {
		snprintf(m->hosts[i].state, sizeof m->hosts[i].state,
		    "not tried");
		m->r[i] = resolve_start(m->hosts[i].host, m->port,
		    m->p.family, err, sizeof err);
		if (m->r[i] == NULL)
			snprintf(m->hosts[i].state, sizeof m->hosts[i].state,
			    "%.150s", err);
	}
}

/* The MX answer is in: list the exchangers, or end. */
static void
mx_got_mx(struct mx *m)
{
	const struct resolve_mx	*v;
	struct mx_host		*all;
	enum resolve_status	 st;
	const char		*why, *bogus, *sec;
	size_t			 n, i, k, nulls = 0;

	st = resolve_query_status(m->q, &why);
	m->dane.mx_sec = resolve_query_sec(m->q, &bogus);
	/* "insecure" would hide that nothing could be validated. */
	sec = resolve_anchored() ? resolve_sec_name(m->dane.mx_sec) :
	    "not checked, no trust anchor";
	switch (st) {
	case RESOLVE_NONAME:
		mx_fail(m, MX_FAIL_DNS, "no such domain: %s", m->domain);
		return;
	case RESOLVE_FAIL:
	case RESOLVE_PENDING:
		mx_fail(m, MX_FAIL_DNS, "cannot look up the MX records of "
		    "%s: %s", m->domain, why);
		return;
	case RESOLVE_NODATA:
		mx_note(m, "%s has no MX: using the address record (RFC 5321 "
		    "5.1; DNSSEC: %s)", m->domain, sec);
		m->n = 1;
		m->hosts[0].implicit = 1;
		snprintf(m->hosts[0].host, sizeof m->hosts[0].host, "%s",
		    m->domain);
		break;
	case RESOLVE_OK:
		v = resolve_query_mx(m->q, &n);
		for (i = 0; i < n; i++)
			if (v[i].host[0] == '\0')
				nulls++;
		if (nulls > 0 && nulls == n) {
			mx_fail(m, MX_FAIL_NULL, "%s: this domain accepts no "
			    "mail (null MX \"0 .\", RFC 7505)", m->domain);
			return;
		}
		mx_note(m, "%s has %zu MX record%s (looked up in %lld ms; "
		    "DNSSEC: %s)", m->domain, n, n > 1 ? "s" : "",
		    monotime_ms() - m->start, sec);
		if (nulls > 0)
			mx_note(m, "a null MX (\".\") beside other MX records "
			    "is ignored (RFC 7505 section 3)");
		/*
		 * All of them ordered first, then the most preferred kept:
		 * the answer's order is the resolver's (often rotated).
		 */
		all = xcalloc(n, sizeof *all);
		for (i = 0, k = 0; i < n; i++) {
			if (v[i].host[0] == '\0')
				continue;
			if (mx_is_address(v[i].host)) {
				mx_note(m, "MX %u %s names an address, not a "
				    "host (RFC 1035 3.3.9): mail servers "
				    "ignore it, and so do we", v[i].pref,
				    v[i].host);
				continue;
			}
			all[k].pref = v[i].pref;
			snprintf(all[k].host, sizeof all[k].host, "%s",
			    v[i].host);
			k++;
		}
		mx_order(all, k);
		if (k > MX_MAX_HOSTS)
			mx_note(m, "only the %d most preferred of the %zu MX "
			    "records are tried", MX_MAX_HOSTS, k);
		m->n = k > MX_MAX_HOSTS ? MX_MAX_HOSTS : k;
		memcpy(m->hosts, all, m->n * sizeof *all);
		free(all);
		if (m->n == 0) {
			mx_fail(m, MX_FAIL_CONNECT, "no mail exchanger of %s "
			    "names a host", m->domain);
			return;
		}
		break;
	}
	resolve_query_free(m->q);
	m->q = NULL;
	mx_start_addrs(m);
}

/*
 * Why exchanger i has no address, when it is more than "none": the look-up
 * could not start, failed (a SERVFAIL, say: a validating resolver answers
 * so for a zone it finds bogus), or the name does not exist.  NULL when
 * the name simply has no address (of the family asked).
 */
static const char *
mx_addr_why(struct mx *m, size_t i)
{
	const char	*why;
	int		 f, fam, noname = 0, asked = 0;

	if (m->r[i] == NULL)
		return m->hosts[i].state;
	for (f = 0; f < 2; f++) {
		fam = f == 0 ? AF_INET6 : AF_INET;
		if (m->p.family != AF_UNSPEC && m->p.family != fam)
			continue;
		asked++;
		switch (resolve_status(m->r[i], fam, &why)) {
		case RESOLVE_FAIL:
			return why;
		case RESOLVE_NONAME:
			noname++;
			break;
		default:
			break;
		}
	}
	return asked > 0 && noname == asked ? "no such host" : NULL;
}

/* Every exchanger's addresses are in (or the time is up): list them. */
static void
mx_got_addrs(struct mx *m)
{
	const struct resolve_addr	*v;
	struct mx_host			*h;
	const char			*why;
	char				 one[64], label[300];
	size_t				 i, k, n, len;
	int				 f, fam;

	for (i = 0; i < m->n; i++) {
		h = &m->hosts[i];
		h->addrs[0] = '\0';
		for (f = 0; f < 2 && m->r[i] != NULL; f++) {
			fam = f == 0 ? AF_INET6 : AF_INET;
			v = resolve_addrs(m->r[i], fam, &n);
			for (k = 0; k < n; k++) {
				resolve_addr_str(&v[k], one, sizeof one);
				len = strlen(h->addrs);
				snprintf(h->addrs + len, sizeof h->addrs - len,
				    "%s%s", len > 0 ? ", " : "", one);
			}
		}
		mx_label(h, label, sizeof label);
		if (h->addrs[0] != '\0')
			mx_note(m, "%s: %s", label, h->addrs);
		else if (m->r[i] != NULL && !resolve_done(m->r[i]))
			mx_note(m, "%s: no address within the time", label);
		else if ((why = mx_addr_why(m, i)) != NULL)
			mx_note(m, "%s: no address: %s", label, why);
		else
			mx_note(m, "%s: no %saddress", label,
			    m->p.family == AF_INET ? "IPv4 (-4) " :
			    m->p.family == AF_INET6 ? "IPv6 (-6) " : "");
	}
	m->cur = 0;
	m->step = MX_STEP_DIAL;
}

/* Give up on the current exchanger (why in words) and go on. */
static void
mx_next(struct mx *m, const char *why)
{
	struct mx_host	*h = &m->hosts[m->cur];
	char		 label[300];

	mx_label(h, label, sizeof label);
	snprintf(h->state, sizeof h->state, "%.150s", why);
	if (m->fd != -1) {
		close(m->fd);
		m->fd = -1;
	}
	dial_free(m->dial);
	m->dial = NULL;
	resolve_query_free(m->q);
	m->q = NULL;
	m->cur++;
	m->step = MX_STEP_DIAL;
	mx_note(m, "%s: %s%s", label, why, m->cur < m->n ?
	    "; trying the next" : "");
}

/* dial's notes: addresses tried, failures. */
static void
mx_dial_note(void *arg, const char *msg)
{
	struct mx	*m = arg;

	if (m->p.note != NULL)
		m->p.note(m->p.arg, msg);
}

/* Start dialling the current exchanger (and asking for its TLSA). */
static void
mx_dial(struct mx *m)
{
	struct dial_params	 dp;
	struct mx_host		*h;
	char			 label[300], err[256];

	while (m->cur < m->n && m->hosts[m->cur].addrs[0] == '\0')
		mx_next(m, "no address to connect to");
	if (m->cur >= m->n) {
		mx_fail(m, MX_FAIL_CONNECT, "no mail exchanger of %s could "
		    "be used (%zu tried)", m->domain, m->n);
		return;
	}
	h = &m->hosts[m->cur];
	mx_label(h, label, sizeof label);
	mx_note(m, "trying %s", label);
	memset(&dp, 0, sizeof dp);
	dp.host = h->host;
	dp.port = m->port;
	dp.family = m->p.family;
	dp.timeout_ms = m->p.timeout_ms;
	dp.note = mx_dial_note;
	dp.arg = m;
	/* The addresses listed are the ones tried: no second look-up. */
	dp.resolved = m->r[m->cur];
	m->r[m->cur] = NULL;
	m->dial = dial_start(&dp);
	/* RFC 7672 2.2.1: TLSA records count only under a secure MX. */
	if (m->p.tlsa && m->dane.mx_sec == RESOLVE_SECURE) {
		snprintf(m->dane.name, sizeof m->dane.name, "_%s._tcp.%s",
		    m->port, h->host);
		m->q = resolve_query_start(m->dane.name, RESOLVE_TLSA, err,
		    sizeof err);
	}
}

/* Peek at the greeting: 1 complete (code in *code), 0 not yet, -1 gone. */
static int
mx_peek(struct mx *m, int *code, char *line, size_t linelen)
{
	char		 buf[MX_PEEK_MAX + 1], *p, *nl, *sane;
	ssize_t		 n;
	size_t		 len;

	n = recv(m->fd, buf, MX_PEEK_MAX, MSG_PEEK);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The last line of a reply has a space (or nothing) after the code. */
	for (p = buf; (nl = memchr(p, '\n', (size_t)(buf + n - p))) != NULL;
	    p = nl + 1) {
		len = (size_t)(nl - p);
		if (len >= 3 && (len == 3 || p[3] != '-'))
			break;
	}
	if (nl == NULL && n < MX_PEEK_MAX) {
		m->partial = 1;
		return 0;
	}
	*code = (buf[0] >= '2' && buf[0] <= '5' && buf[1] >= '0' &&
	    buf[1] <= '9' && buf[2] >= '0' && buf[2] <= '9') ?
	    (buf[0] - '0') * 100 + (buf[1] - '0') * 10 + buf[2] - '0' : 0;
	len = strcspn(buf, "\r\n");
	if (len > 120)
		len = 120;
	sane = sanitize_dup(buf, len);
	snprintf(line, linelen, "%s", sane);
	free(sane);
	return 1;
}

/* The current exchanger greeted (or not): choose it, or go on. */
static void
mx_greet(struct mx *m)
{
	char	line[200], why[300];
	int	code = 0, rc;

	m->partial = 0;
	rc = mx_peek(m, &code, line, sizeof line);
	if (rc == 0)
		return;
	if (rc == -1) {
		mx_next(m, "closed the connection without a greeting");
		return;
	}
	if (code / 100 != 2) {
		snprintf(why, sizeof why, "greeted with \"%s\"%s", line,
		    code / 100 == 4 ? " (try later: RFC 5321 3.8)" :
		    code / 100 == 5 ? " (no service)" : "");
		/* Best effort: the server may have closed already. */
		(void)send(m->fd, "QUIT\r\n", 6, MSG_NOSIGNAL | MSG_DONTWAIT);
		mx_next(m, why);
		return;
	}
	m->step = MX_STEP_TLSA;
	m->deadline = monotime_ms() + m->p.timeout_ms;
}

/* The chosen exchanger's TLSA answer (or none): keep it and finish. */
static void
mx_finish(struct mx *m)
{
	struct mx_host			*h = &m->hosts[m->cur];
	const struct resolve_tlsa	*v;
	const char			*why, *bogus;
	char				 label[300];
	size_t				 i, n;

	mx_label(h, label, sizeof label);
	snprintf(h->state, sizeof h->state, "chosen");
	if (m->p.tlsa && m->dane.mx_sec != RESOLVE_SECURE)
		mx_note(m, "the MX answer of %s is not DNSSEC-secure (%s): "
		    "DANE does not apply (RFC 7672 2.2.1)", m->domain,
		    resolve_sec_name(m->dane.mx_sec));
	if (m->q != NULL) {
		m->dane.looked_up = 1;
		m->dane.st = resolve_query_status(m->q, &why);
		m->dane.sec = resolve_query_sec(m->q, &bogus);
		if (m->dane.sec == RESOLVE_BOGUS)
			snprintf(m->dane.why, sizeof m->dane.why, "%s", bogus);
		else
			snprintf(m->dane.why, sizeof m->dane.why, "%s",
			    m->dane.st == RESOLVE_PENDING ?
			    "no answer within the time" : why);
		v = resolve_query_tlsa(m->q, &n);
		if (n > 0) {
			m->dane.recs = xcalloc(n, sizeof *m->dane.recs);
			for (i = 0; i < n; i++) {
				m->dane.recs[i] = v[i];
				m->dane.recs[i].data = xmalloc(v[i].len + 1);
				memcpy(m->dane.recs[i].data, v[i].data,
				    v[i].len);
			}
			m->dane.n = n;
		}
		resolve_query_free(m->q);
		m->q = NULL;
	}
	mx_note(m, "using %s (%s)", label, m->addr);
	m->state = MX_DONE;
	m->step = MX_STEP_END;
}

/* Move on as far as can be done now. */
static void
mx_advance(struct mx *m)
{
	enum net_err	 kind;
	const char	*err;
	char		 secs[32], why[600];
	size_t		 i;
	int		 alldone;

	for (;;) {
		switch (m->step) {
		case MX_STEP_MX:
			if (!resolve_query_done(m->q)) {
				if (monotime_ms() < m->deadline)
					return;
				dial_secs(secs, sizeof secs, m->p.timeout_ms);
				mx_fail(m, MX_FAIL_TIMEOUT, "looking up the MX "
				    "records of %s: no answer from the DNS "
				    "within %s", m->domain, secs);
				return;
			}
			mx_got_mx(m);
			break;
		case MX_STEP_ADDRS:
			alldone = 1;
			for (i = 0; i < m->n; i++)
				if (m->r[i] != NULL && !resolve_done(m->r[i]))
					alldone = 0;
			if (!alldone && monotime_ms() < m->deadline)
				return;
			mx_got_addrs(m);
			break;
		case MX_STEP_DIAL:
			if (m->dial == NULL) {
				mx_dial(m);
				if (m->state != MX_RUNNING)
					return;
			}
			switch (dial_state(m->dial)) {
			case DIAL_RUNNING:
				return;
			case DIAL_DONE:
				m->fd = dial_take_fd(m->dial);
				snprintf(m->addr, sizeof m->addr, "%s",
				    dial_addr(m->dial));
				dial_free(m->dial);
				m->dial = NULL;
				m->step = MX_STEP_GREET;
				m->deadline = monotime_ms() + m->p.timeout_ms;
				break;
			case DIAL_FAILED:
				err = dial_error(m->dial, &kind);
				snprintf(why, sizeof why, "%s", err);
				mx_next(m, why);
				break;
			}
			break;
		case MX_STEP_GREET:
			mx_greet(m);
			if (m->step == MX_STEP_GREET) {
				if (monotime_ms() < m->deadline)
					return;
				dial_secs(secs, sizeof secs, m->p.timeout_ms);
				snprintf(why, sizeof why, "no greeting within "
				    "%s", secs);
				mx_next(m, why);
			}
			break;
		case MX_STEP_TLSA:
			if (m->q != NULL && !resolve_query_done(m->q) &&
			    monotime_ms() < m->deadline)
				return;
			mx_finish(m);
			return;
		case MX_STEP_END:
			return;
		}
		if (m->state != MX_RUNNING)
			return;
	}
}

int
mx_domain_check(char **domainp, const char *what, char *note, size_t notelen,
    char *err, size_t errlen)
{
	struct in6_addr	 a;
	const char	*p, *dot;
	char		*domain = *domainp, *safe, *ace;
	size_t		 len;
	int		 ascii = 1, chars = 1, labels = 1, v6, rc = IDN2_OK;

	if (note != NULL && notelen > 0)
		*note = '\0';
	len = strlen(domain);
	/* "example.org." is "example.org": the root's dot changes nothing. */
	if (len > 1 && domain[len - 1] == '.')
		domain[--len] = '\0';
	if (inet_pton(AF_INET, domain, &a) == 1 ||
	    inet_pton(AF_INET6, domain, &a) == 1) {
		v6 = strchr(domain, ':') != NULL;
		snprintf(err, errlen, "%s wants a domain, not an address "
		    "('%s'): for the server at an address use smtp://%s%s%s",
		    what, domain, v6 ? "[" : "", domain, v6 ? "]" : "");
		return -1;
	}
	for (p = domain; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80)
			ascii = 0;
	}
	/*
	 * An internationalised name is asked about as its A-label (RFC
	 * 5890, IDNA2008 as libidn2 does it, as for --to and --from); the
	 * A-label is longer, so the string is replaced.  What IDNA refuses
	 * is left to the checks below to be refused.
	 */
	if (!ascii && (rc = idn2_to_ascii_8z(domain, &ace, IDN2_NFC_INPUT |
	    IDN2_NONTRANSITIONAL)) == IDN2_OK) {
		if (note != NULL && notelen > 0) {
			safe = sanitize_dup(domain, len);
			snprintf(note, notelen, "%s is %s (IDNA)", safe, ace);
			free(safe);
		}
		free(domain);
		*domainp = domain = xstrdup(ace);
		idn2_free(ace);
		len = strlen(domain);
		ascii = 1;
	}
	for (p = domain; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x80 && !isalnum((unsigned char)*p) &&
		    *p != '-' && *p != '.' && *p != '_')
			chars = 0;
	}
	for (p = domain; labels && p < domain + len; p = dot + 1) {
		if ((dot = strchr(p, '.')) == NULL)
			dot = domain + len;
		if (dot == p || dot - p > 63)
			labels = 0;
	}
	if (ascii && chars && labels && len > 0 && len <= 253) {
		for (p = domain; *p != '\0'; p++)
			domain[p - domain] = (char)tolower((unsigned char)*p);
		return 0;
	}
	safe = sanitize_dup(domain, len);
	if (!ascii)
		snprintf(err, errlen, "%s wants a domain name: '%s' is not "
		    "a valid internationalised one (%s)", what, safe,
		    idn2_strerror(rc));
	else
		snprintf(err, errlen, "%s wants a domain name, not '%s' "
		    "(letters, digits and '-', in labels of 1 to 63 between "
		    "dots)", what, safe);
	free(safe);
	return -1;
}

struct mx *
mx_start(const struct mx_params *p)
{
	struct mx	*m;
	char		 err[256];

	m = xcalloc(1, sizeof *m);
	m->p = *p;
	m->domain = xstrdup(p->domain);
	m->port = xstrdup(p->port != NULL ? p->port : "25");
	m->p.domain = m->domain;
	m->p.port = m->port;
	if (m->p.timeout_ms <= 0)
		m->p.timeout_ms = 30000;
	m->fd = -1;
	m->state = MX_RUNNING;
	m->start = monotime_ms();
	m->deadline = m->start + m->p.timeout_ms;
	m->step = MX_STEP_MX;
	mx_note(m, "looking up the MX records of %s", m->domain);
	m->q = resolve_query_start(m->domain, RESOLVE_MX, err, sizeof err);
	if (m->q == NULL) {
		mx_fail(m, MX_FAIL_DNS, "%s", err);
		return m;
	}
	mx_advance(m);
	return m;
}

void
mx_free(struct mx *m)
{
	size_t	i;

	if (m == NULL)
		return;
	resolve_query_free(m->q);
	for (i = 0; i < MX_MAX_HOSTS; i++)
		resolve_free(m->r[i]);
	dial_free(m->dial);
	if (m->fd != -1)
		close(m->fd);
	for (i = 0; i < m->dane.n; i++)
		free(m->dane.recs[i].data);
	free(m->dane.recs);
	free(m->domain);
	free(m->port);
	free(m);
}

enum mx_state
mx_state(const struct mx *m)
{
	return m->state;
}

size_t
mx_pollfds(const struct mx *m, struct pollfd *pfd, size_t n)
{
	size_t	k = 0, i;

	if (m->state != MX_RUNNING)
		return 0;
	if (m->q != NULL)
		k += resolve_query_pollfds(m->q, pfd + k, n - k);
	switch (m->step) {
	case MX_STEP_ADDRS:
		for (i = 0; i < m->n && k < n; i++)
			if (m->r[i] != NULL)
				k += resolve_pollfds(m->r[i], pfd + k, n - k);
		break;
	case MX_STEP_DIAL:
		if (m->dial != NULL)
			k += dial_pollfds(m->dial, pfd + k, n - k);
		break;
	case MX_STEP_GREET:
		if (!m->partial && k < n) {
			pfd[k].fd = m->fd;
			pfd[k].events = POLLIN;
			pfd[k].revents = 0;
			k++;
		}
		break;
	default:
		break;
	}
	return k;
}

int
mx_timeout_ms(const struct mx *m)
{
	long long	now = monotime_ms(), due;
	int		t;

	if (m->state != MX_RUNNING)
		return 0;
	if (m->step == MX_STEP_DIAL && m->dial != NULL)
		return dial_timeout_ms(m->dial);
	due = m->deadline - now;
	if (due < 0)
		due = 0;
	t = due > INT_MAX ? INT_MAX : (int)due;
	if (m->step == MX_STEP_GREET && m->partial && t > MX_PEEK_AGAIN_MS)
		t = MX_PEEK_AGAIN_MS;
	return t;
}

enum mx_state
mx_process(struct mx *m, const struct pollfd *pfd, size_t n)
{
	size_t	i;

	if (m->state != MX_RUNNING)
		return m->state;
	if (m->q != NULL)
		resolve_query_process(m->q, pfd, n);
	switch (m->step) {
	case MX_STEP_ADDRS:
		for (i = 0; i < m->n; i++)
			if (m->r[i] != NULL)
				resolve_process(m->r[i], pfd, n);
		break;
	case MX_STEP_DIAL:
		if (m->dial != NULL)
			(void)dial_process(m->dial, pfd, n);
		break;
	default:
		break;
	}
	mx_advance(m);
	return m->state;
}

enum mx_state
mx_run(struct mx *m, int abort_fd)
{
	struct pollfd	pfd[DIAL_MAXFDS + MX_MAX_HOSTS + 2];
	size_t		n, max = DIAL_MAXFDS + MX_MAX_HOSTS;
	int		r;

	while (m->state == MX_RUNNING) {
		n = mx_pollfds(m, pfd, max);
		if (abort_fd != -1) {
			pfd[n].fd = abort_fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
		}
		r = poll(pfd, n + (abort_fd != -1), mx_timeout_ms(m));
		if (r == -1 && errno != EINTR) {
			mx_fail(m, MX_FAIL_CONNECT, "poll: %s",
			    strerror(errno));
			break;
		}
		if (r == -1)
			continue;
		if (abort_fd != -1 && pfd[n].revents != 0) {
			mx_fail(m, MX_FAIL_CONNECT, "reaching the mail "
			    "exchangers of %s was interrupted", m->domain);
			break;
		}
		mx_process(m, pfd, n);
	}
	return m->state;
}

int
mx_take_fd(struct mx *m)
{
	int	fd = m->fd;

	m->fd = -1;
	return fd;
}

const char *
mx_addr(const struct mx *m)
{
	return m->addr;
}

const char *
mx_host_chosen(const struct mx *m)
{
	return m->state == MX_DONE ? m->hosts[m->cur].host : "";
}

const char *
mx_error(const struct mx *m, enum mx_fail *kind)
{
	if (kind != NULL)
		*kind = m->fail;
	return m->err;
}

const struct mx_host *
mx_hosts(const struct mx *m, size_t *n)
{
	*n = m->n;
	return m->hosts;
}

const struct mx_dane *
mx_dane(const struct mx *m)
{
	return &m->dane;
}
