/*
 * resolve.c: non-blocking look-ups of a host's addresses with c-ares, one
 * query per family so that each answer can be used as soon as it arrives.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ares.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/resolve.h"
#include "smtpscope/xmalloc.h"

/* One family's question and answer. */
struct resolve_fam {
	int			 family;
	enum resolve_status	 st;
	const char		*why;
	struct resolve_addr	*v;
	size_t			 n;
};

struct resolve {
	ares_channel		 ch;		/* NULL: nothing to ask */
	struct resolve_fam	 fam[2];	/* IPv6, then IPv4 */
};

/* ares_library_init is due once per process. */
static int	resolve_lib_ready;

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

/* c-ares calls this once per query with the answer (or the reason). */
static void
resolve_cb(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct resolve_fam		*f = arg;
	struct ares_addrinfo_node	*node;

	(void)timeouts;
	switch (status) {
	case ARES_SUCCESS:
		for (node = res != NULL ? res->nodes : NULL; node != NULL;
		    node = node->ai_next)
			resolve_add(f, node->ai_addr, node->ai_addrlen);
		f->st = f->n > 0 ? RESOLVE_OK : RESOLVE_NODATA;
		break;
	case ARES_ENODATA:
		f->st = RESOLVE_NODATA;
		break;
	case ARES_ENOTFOUND:
	case ARES_ENONAME:
	case ARES_EBADNAME:
		f->st = RESOLVE_NONAME;
		break;
	case ARES_EDESTRUCTION:
	case ARES_ECANCELLED:
		/* resolve_free() is tearing the channel down. */
		break;
	default:
		f->st = RESOLVE_FAIL;
		f->why = ares_strerror(status);
		break;
	}
	if (res != NULL)
		ares_freeaddrinfo(res);
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

/* Make the channel, pointed at SMTPSCOPE_DNS_SERVER when that is set. */
static int
resolve_channel(struct resolve *r, char *err, size_t errlen)
{
	const char	*server;
	int		 rc;

	if (!resolve_lib_ready) {
		if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) !=
		    ARES_SUCCESS) {
			snprintf(err, errlen, "cannot start the resolver: %s",
			    ares_strerror(rc));
			return -1;
		}
		resolve_lib_ready = 1;
	}
	if ((rc = ares_init(&r->ch)) != ARES_SUCCESS) {
		r->ch = NULL;
		snprintf(err, errlen, "cannot start the resolver: %s",
		    ares_strerror(rc));
		return -1;
	}
	server = getenv("SMTPSCOPE_DNS_SERVER");
	if (server != NULL && *server != '\0' &&
	    (rc = ares_set_servers_ports_csv(r->ch, server)) != ARES_SUCCESS) {
		snprintf(err, errlen, "SMTPSCOPE_DNS_SERVER=%s: %s", server,
		    ares_strerror(rc));
		return -1;
	}
	return 0;
}

struct resolve *
resolve_start(const char *host, const char *port, int family, char *err,
    size_t errlen)
{
	struct ares_addrinfo_hints	 hints;
	struct resolve			*r;
	char				 digits[8];
	int				 pnum, i;

	if ((pnum = resolve_port(port)) == -1) {
		snprintf(err, errlen, "unknown port %s", port);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->fam[0].family = AF_INET6;
	r->fam[1].family = AF_INET;
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
	if (resolve_channel(r, err, errlen) == -1) {
		resolve_free(r);
		return NULL;
	}
	snprintf(digits, sizeof digits, "%d", pnum);
	/* AAAA first (RFC 8305 section 3); either may answer at once. */
	for (i = 0; i < 2; i++) {
		if (r->fam[i].st != RESOLVE_PENDING)
			continue;
		memset(&hints, 0, sizeof hints);
		hints.ai_family = r->fam[i].family;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_protocol = IPPROTO_TCP;
		hints.ai_flags = ARES_AI_NUMERICSERV;
		ares_getaddrinfo(r->ch, host, digits, &hints, resolve_cb,
		    &r->fam[i]);
	}
	return r;
}

void
resolve_free(struct resolve *r)
{
	if (r == NULL)
		return;
	if (r->ch != NULL)
		ares_destroy(r->ch);
	free(r->fam[0].v);
	free(r->fam[1].v);
	free(r);
}

size_t
resolve_pollfds(const struct resolve *r, struct pollfd *pfd, size_t n)
{
	ares_socket_t	socks[ARES_GETSOCK_MAXNUM];
	unsigned int	bits, rd, wr;
	size_t		k = 0;
	int		i;

	if (r->ch == NULL || resolve_done(r))
		return 0;
	/*
	 * The bit mask is read as unsigned: ARES_GETSOCK_WRITABLE shifts a
	 * signed 1 into the sign bit for the last socket.
	 */
	bits = (unsigned int)ares_getsock(r->ch, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM && k < n; i++) {
		rd = bits & (1U << i);
		wr = bits & (1U << (i + ARES_GETSOCK_MAXNUM));
		if (!rd && !wr)
			continue;
		pfd[k].fd = socks[i];
		pfd[k].events = (rd ? POLLIN : 0) | (wr ? POLLOUT : 0);
		pfd[k].revents = 0;
		k++;
	}
	return k;
}

int
resolve_timeout_ms(const struct resolve *r)
{
	struct timeval	tv, *tvp;

	if (r->ch == NULL || resolve_done(r))
		return -1;
	if ((tvp = ares_timeout(r->ch, NULL, &tv)) == NULL)
		return -1;
	return (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
}

void
resolve_process(struct resolve *r, const struct pollfd *pfd, size_t n)
{
	size_t	i;

	if (r->ch == NULL || resolve_done(r))
		return;
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		ares_process_fd(r->ch, pfd[i].revents &
		    (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd : ARES_SOCKET_BAD,
		    pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
	}
	/* Retransmissions and the resolver's own timeouts. */
	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

enum resolve_status
resolve_status(const struct resolve *r, int family, const char **why)
{
	const struct resolve_fam	*f;

	f = &r->fam[family == AF_INET6 ? 0 : 1];
	if (why != NULL)
		*why = f->why != NULL ? f->why : "no answer";
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
