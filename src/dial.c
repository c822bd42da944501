/*
 * dial.c: RFC 8305 connection set-up: parallel look-ups, interleaved
 * families, staggered attempts, first connection wins, one deadline.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/dial.h"
#include "smtpscope/monotime.h"
#include "smtpscope/resolve.h"
#include "smtpscope/xmalloc.h"

/* At most this many attempts in flight (a hostile answer may be long). */
#define DIAL_MAX_LIVE	(DIAL_MAXFDS - 16)
/* Addresses named in the note on a look-up's answer. */
#define DIAL_LIST_MAX	6

struct dial_try {
	int			 fd;
	struct resolve_addr	 a;
	char			 name[INET6_ADDRSTRLEN];
	long long		 started;
};

struct dial {
	struct dial_params	 p;
	char			*host;
	char			*port;
	struct resolve		*r;
	int			 literal;	/* no look-up was needed */
	enum dial_state		 state;
	long long		 start, deadline, next_at;
	long long		 v4_at;		/* A answer came, or -1 */
	int			 told[2];	/* answer noted: IPv6, IPv4 */
	size_t			 used[2];	/* addresses tried per family */
	int			 want;		/* family to try next */
	struct dial_try		 live[DIAL_MAX_LIVE];
	size_t			 nlive;
	size_t			 ntried;
	char			 last[INET6_ADDRSTRLEN]; /* last failed */
	int			 fd;		/* the winner, or -1 */
	char			 addr[INET6_ADDRSTRLEN];
	enum net_err		 worst;
	int			 worst_errno;
	enum net_err		 kind;
	char			 err[512];
	/* --bind's address, ours: the caller's may be gone. */
	struct sockaddr_storage	 bind_ss;
};

static void
dial_note(struct dial *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Tell the caller what is happening, in one sentence. */
static void
dial_note(struct dial *d, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[1024];

	if (d->p.note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	d->p.note(d->p.arg, buf);
}

void
dial_secs(char *out, size_t outlen, int ms)
{
	if (ms % 1000 == 0)
		snprintf(out, outlen, "%d s", ms / 1000);
	else
		snprintf(out, outlen, "%.1f s", ms / 1000.0);
}

/* Rank connect failures: the most telling one is reported. */
static int
dial_rank(enum net_err kind)
{
	switch (kind) {
	case NET_E_REFUSED:
		return 4;
	case NET_E_TIMEOUT:
		return 3;
	case NET_E_UNREACHABLE:
		return 2;
	case NET_E_OTHER:
		return 1;
	default:
		return 0;
	}
}

static enum net_err
dial_classify(int error)
{
	switch (error) {
	case ECONNREFUSED:
		return NET_E_REFUSED;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case EHOSTDOWN:
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT:
		return NET_E_UNREACHABLE;
	case ETIMEDOUT:
		return NET_E_TIMEOUT;
	default:
		return NET_E_OTHER;
	}
}

/* End the dial with kind and a sentence; closes every attempt. */
static void
dial_fail(struct dial *d, enum net_err kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
dial_fail(struct dial *d, enum net_err kind, const char *fmt, ...)
{
	va_list	ap;
	size_t	i;

	va_start(ap, fmt);
	vsnprintf(d->err, sizeof d->err, fmt, ap);
	va_end(ap);
	d->kind = kind;
	d->state = DIAL_FAILED;
	for (i = 0; i < d->nlive; i++)
		close(d->live[i].fd);
	d->nlive = 0;
}

/* Remember a failed attempt (its fd is already closed) and say so. */
static void
dial_failed_try(struct dial *d, const struct dial_try *t, int error)
{
	enum net_err	k = dial_classify(error);

	if (dial_rank(k) > dial_rank(d->worst)) {
		d->worst = k;
		d->worst_errno = error;
	}
	snprintf(d->last, sizeof d->last, "%s", t->name);
	if (k == NET_E_REFUSED)
		dial_note(d, "%s: connection refused", t->name);
	else
		dial_note(d, "%s: %s", t->name, strerror(error));
}

/* Connect with the winner: close the other attempts. */
static void
dial_won(struct dial *d, size_t winner)
{
	size_t	i;

	for (i = 0; i < d->nlive; i++)
		if (i != winner)
			close(d->live[i].fd);
	d->fd = d->live[winner].fd;
	snprintf(d->addr, sizeof d->addr, "%s", d->live[winner].name);
	d->nlive = 0;
	d->state = DIAL_DONE;
}

static int
dial_fam_index(int family)
{
	return family == AF_INET6 ? 0 : 1;
}

/*
 * The next address to try, interleaving the families (RFC 8305 section
 * 4), or NULL.  IPv4 waits for the AAAA answer up to the Resolution Delay.
 */
static const struct resolve_addr *
dial_next(struct dial *d, long long now)
{
	const struct resolve_addr	*v;
	size_t				 n;
	int				 fam[2], i, k;

	fam[0] = d->want;
	fam[1] = d->want == AF_INET6 ? AF_INET : AF_INET6;
	for (i = 0; i < 2; i++) {
		if (fam[i] == AF_INET && d->v4_at != -1 &&
		    resolve_status(d->r, AF_INET6, NULL) == RESOLVE_PENDING &&
		    now < d->v4_at + DIAL_RESOLUTION_DELAY_MS)
			continue;
		k = dial_fam_index(fam[i]);
		v = resolve_addrs(d->r, fam[i], &n);
		if (d->used[k] < n) {
			d->used[k]++;
			d->want = fam[i] == AF_INET6 ? AF_INET : AF_INET6;
			return &v[d->used[k] - 1];
		}
	}
	return NULL;
}

/* Are there addresses not tried yet, or answers still to come? */
static int
dial_more(const struct dial *d)
{
	size_t	n;
	int	i, fam;

	if (!resolve_done(d->r))
		return 1;
	for (i = 0; i < 2; i++) {
		fam = i == 0 ? AF_INET6 : AF_INET;
		(void)resolve_addrs(d->r, fam, &n);
		if (d->used[i] < n)
			return 1;
	}
	return 0;
}

/*
 * Bind an attempt's socket to --bind's address; on failure the whole dial
 * ends (every other attempt would fail alike) and -1 is returned.
 */
static int
dial_bind(struct dial *d, struct dial_try *t)
{
	char	name[INET6_ADDRSTRLEN];
	int	one = 1, e;

	/* Port 0: the kernel picks one when connecting. */
	(void)setsockopt(t->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(t->fd, d->p.bind, d->p.bind_len) == 0)
		return 0;
	e = errno;
	close(t->fd);
	/* A fixed port is taken by the attempt still running: try on. */
	if (d->nlive > 0) {
		dial_failed_try(d, t, e);
		return -1;
	}
	if (d->p.bind->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    d->p.bind)->sin_addr, name, sizeof name);
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    d->p.bind)->sin6_addr, name, sizeof name);
	dial_fail(d, NET_E_OTHER, "cannot bind to the local address %s "
	    "(--bind): %s", name, strerror(e));
	return -1;
}

/* Start one non-blocking connect; at once connected, pending or failed. */
static void
dial_begin(struct dial *d, const struct resolve_addr *a, long long now)
{
	struct dial_try	*t = &d->live[d->nlive];
	int		 flags, error;

	memset(t, 0, sizeof *t);
	t->a = *a;
	t->started = now;
	resolve_addr_str(a, t->name, sizeof t->name);
	if (!d->literal || d->ntried > 0) {
		if (d->nlive > 0)
			dial_note(d, "%s: no answer in %lld ms, trying %s",
			    d->live[d->nlive - 1].name,
			    now - d->live[d->nlive - 1].started, t->name);
		else
			dial_note(d, "trying %s port %s", t->name, d->port);
	}
	d->ntried++;
	d->next_at = now + d->p.delay_ms;

	t->fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (t->fd == -1) {
		dial_failed_try(d, t, errno);
		return;
	}
	if ((flags = fcntl(t->fd, F_GETFL)) == -1 ||
	    fcntl(t->fd, F_SETFL, flags | O_NONBLOCK) == -1)
		goto fail;
	if (d->p.bind != NULL && dial_bind(d, t) == -1)
		return;
	if (connect(t->fd, (const struct sockaddr *)&a->ss, a->len) == 0) {
		d->nlive++;
		dial_won(d, d->nlive - 1);
		return;
	}
	if (errno != EINPROGRESS && errno != EINTR)
		goto fail;
	d->nlive++;
	return;
fail:
	error = errno;
	close(t->fd);
	dial_failed_try(d, t, error);
}

/* Say what a family's look-up found, once, when it has answered. */
static void
dial_tell_answer(struct dial *d, int family, long long now)
{
	const struct resolve_addr	*v;
	enum resolve_status		 st;
	const char			*why, *fname;
	char				 list[512], one[INET6_ADDRSTRLEN];
	size_t				 n, i, len;
	int				 k = dial_fam_index(family);

	st = resolve_status(d->r, family, &why);
	if (st == RESOLVE_PENDING || d->told[k])
		return;
	d->told[k] = 1;
	if (family == AF_INET)
		d->v4_at = now;
	if (d->literal || (d->p.family != AF_UNSPEC &&
	    d->p.family != family))
		return;
	fname = family == AF_INET6 ? "IPv6" : "IPv4";
	switch (st) {
	case RESOLVE_OK:
		v = resolve_addrs(d->r, family, &n);
		list[0] = '\0';
		for (i = 0; i < n && i < DIAL_LIST_MAX; i++) {
			resolve_addr_str(&v[i], one, sizeof one);
			len = strlen(list);
			snprintf(list + len, sizeof list - len, "%s%s",
			    i > 0 ? ", " : "", one);
		}
		if (n > DIAL_LIST_MAX) {
			len = strlen(list);
			snprintf(list + len, sizeof list - len,
			    " and %zu more", n - DIAL_LIST_MAX);
		}
		dial_note(d, "%s has %s address%s %s (looked up in %lld ms)",
		    d->host, fname, n > 1 ? "es" : "", list, now - d->start);
		break;
	case RESOLVE_NODATA:
		/* Under -4 or -6 the error says it. */
		if (d->p.family == AF_UNSPEC)
			dial_note(d, "%s has no %s address", d->host, fname);
		break;
	case RESOLVE_NONAME:
		break;		/* the error says it */
	default:
		dial_note(d, "looking up the %s addresses of %s failed: %s",
		    fname, d->host, why);
		break;
	}
}

/* Nothing is left to try and nothing connected: say why, in one line. */
static void
dial_give_up(struct dial *d)
{
	enum resolve_status	 s6, s4;
	const char		*why6, *why4;

	s6 = resolve_status(d->r, AF_INET6, &why6);
	s4 = resolve_status(d->r, AF_INET, &why4);
	if (d->ntried == 0) {
		if (d->p.family != AF_UNSPEC && (d->p.family == AF_INET ?
		    s4 : s6) == RESOLVE_NODATA && (d->literal ||
		    (d->p.family == AF_INET ? s6 : s4) != RESOLVE_NONAME))
			dial_fail(d, NET_E_RESOLVE, "%s has no %s address "
			    "(%s)", d->host,
			    d->p.family == AF_INET ? "IPv4" : "IPv6",
			    d->p.bind != NULL ? "--bind names one of that "
			    "family" : d->p.family == AF_INET ? "-4 was given" :
			    "-6 was given");
		else if (s6 == RESOLVE_FAIL || s4 == RESOLVE_FAIL)
			dial_fail(d, NET_E_RESOLVE, "cannot look up %s: %s",
			    d->host, s6 == RESOLVE_FAIL ? why6 : why4);
		else if (s6 == RESOLVE_NODATA && s4 == RESOLVE_NODATA)
			dial_fail(d, NET_E_RESOLVE, "unknown host %s (the "
			    "name has no address)", d->host);
		else
			dial_fail(d, NET_E_RESOLVE, "unknown host %s",
			    d->host);
		return;
	}
	switch (d->worst) {
	case NET_E_REFUSED:
		dial_fail(d, NET_E_REFUSED, "connection refused by %s port %s "
		    "(nothing is listening there)", d->host, d->port);
		break;
	case NET_E_UNREACHABLE:
		dial_fail(d, NET_E_UNREACHABLE, "%s is unreachable", d->host);
		break;
	case NET_E_TIMEOUT:
		dial_fail(d, NET_E_TIMEOUT, "no answer from %s port %s",
		    d->host, d->port);
		break;
	default:
		dial_fail(d, NET_E_OTHER, "cannot connect to %s port %s: %s",
		    d->host, d->port, d->worst_errno ?
		    strerror(d->worst_errno) : "no usable address");
		break;
	}
}

/* The deadline has passed: name each attempt still waiting, then fail. */
static void
dial_expire(struct dial *d)
{
	char	secs[32];
	size_t	i;

	dial_secs(secs, sizeof secs, d->p.timeout_ms);
	if (d->ntried == 0) {
		dial_fail(d, NET_E_TIMEOUT, "looking up %s: no answer from "
		    "the DNS within %s", d->host, secs);
		return;
	}
	for (i = 0; i < d->nlive && !d->literal; i++)
		dial_note(d, "%s: no answer within %s", d->live[i].name, secs);
	if (d->nlive > 0 || dial_rank(d->worst) < dial_rank(NET_E_TIMEOUT))
		dial_fail(d, NET_E_TIMEOUT, "no answer from %s port %s "
		    "within %s", d->host, d->port, secs);
	else
		dial_give_up(d);
}

/* Start what is due now; decide the end when nothing is left. */
static void
dial_advance(struct dial *d)
{
	const struct resolve_addr	*a;
	long long			 now = monotime_ms();

	dial_tell_answer(d, AF_INET6, now);
	dial_tell_answer(d, AF_INET, now);
	while (d->state == DIAL_RUNNING) {
		if (d->nlive > 0 && now < d->next_at)
			break;
		if (d->nlive >= DIAL_MAX_LIVE)
			break;
		if ((a = dial_next(d, now)) == NULL)
			break;
		dial_begin(d, a, now);
	}
	if (d->state != DIAL_RUNNING)
		return;
	if (now >= d->deadline)
		dial_expire(d);
	else if (d->nlive == 0 && !dial_more(d))
		dial_give_up(d);
}

/* Is host an address already (then the notes need not repeat it)? */
static int
dial_is_literal(const char *host)
{
	struct in6_addr	a;

	return inet_pton(AF_INET, host, &a) == 1 ||
	    inet_pton(AF_INET6, host, &a) == 1;
}

struct dial *
dial_start(const struct dial_params *p)
{
	struct dial	*d;
	char		 err[256];

	d = xcalloc(1, sizeof *d);
	d->p = *p;
	d->host = xstrdup(p->host);
	d->port = xstrdup(p->port);
	d->p.host = d->host;
	d->p.port = d->port;
	if (p->bind != NULL) {
		if (p->bind_len > sizeof d->bind_ss)
			d->p.bind_len = sizeof d->bind_ss;
		memcpy(&d->bind_ss, p->bind, d->p.bind_len);
		d->p.bind = (const struct sockaddr *)&d->bind_ss;
	}
	if (d->p.delay_ms <= 0)
		d->p.delay_ms = DIAL_ATTEMPT_DELAY_MS;
	d->fd = -1;
	d->v4_at = -1;
	d->want = AF_INET6;
	d->state = DIAL_RUNNING;
	d->start = monotime_ms();
	/* No timeout: wait as long as the kernel does. */
	d->deadline = p->timeout_ms > 0 ? d->start + p->timeout_ms :
	    LLONG_MAX / 2;
	d->p.resolved = NULL;
	if (p->resolved != NULL) {
		/* The caller has said what the look-up found. */
		d->r = p->resolved;
		d->told[0] = resolve_status(d->r, AF_INET6, NULL) !=
		    RESOLVE_PENDING;
		d->told[1] = resolve_status(d->r, AF_INET, NULL) !=
		    RESOLVE_PENDING;
		if (resolve_status(d->r, AF_INET, NULL) != RESOLVE_PENDING)
			d->v4_at = d->start;
	} else
		d->r = resolve_start(p->host, p->port, p->family, err,
		    sizeof err);
	if (d->r == NULL) {
		dial_fail(d, NET_E_RESOLVE, "%s", err);
		return d;
	}
	d->literal = dial_is_literal(p->host);
	dial_advance(d);
	return d;
}

void
dial_free(struct dial *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nlive; i++)
		close(d->live[i].fd);
	if (d->fd != -1)
		close(d->fd);
	resolve_free(d->r);
	free(d->host);
	free(d->port);
	free(d);
}

enum dial_state
dial_state(const struct dial *d)
{
	return d->state;
}

size_t
dial_pollfds(const struct dial *d, struct pollfd *pfd, size_t n)
{
	size_t	k = 0, i;

	if (d->state != DIAL_RUNNING)
		return 0;
	if (d->r != NULL)
		k = resolve_pollfds(d->r, pfd, n);
	for (i = 0; i < d->nlive && k < n; i++, k++) {
		pfd[k].fd = d->live[i].fd;
		pfd[k].events = POLLOUT;
		pfd[k].revents = 0;
	}
	return k;
}

int
dial_timeout_ms(const struct dial *d)
{
	long long	now = monotime_ms(), due = d->deadline;
	int		rt;

	if (d->state != DIAL_RUNNING)
		return 0;
	/* Past next_at with nothing to start: wait for the resolver. */
	if (d->nlive > 0 && d->next_at > now && d->next_at < due &&
	    dial_more(d))
		due = d->next_at;
	if (d->v4_at != -1 && d->v4_at + DIAL_RESOLUTION_DELAY_MS < due &&
	    d->v4_at + DIAL_RESOLUTION_DELAY_MS > now)
		due = d->v4_at + DIAL_RESOLUTION_DELAY_MS;
	if (due - now > INT_MAX)
		due = now + INT_MAX;
	rt = resolve_timeout_ms(d->r);
	if (due <= now)
		return 0;
	if (rt >= 0 && rt < due - now)
		return rt;
	return (int)(due - now);
}

/* The attempt whose socket is fd, or -1. */
static int
dial_find(const struct dial *d, int fd)
{
	size_t	i;

	for (i = 0; i < d->nlive; i++)
		if (d->live[i].fd == fd)
			return (int)i;
	return -1;
}

/* The attempt i has an answer: win with it, or note why it failed. */
static void
dial_check_try(struct dial *d, size_t i, short revents)
{
	struct dial_try	 t;
	socklen_t	 len;
	int		 soerr = 0;

	len = sizeof soerr;
	if (getsockopt(d->live[i].fd, SOL_SOCKET, SO_ERROR, &soerr,
	    &len) == -1)
		soerr = errno;
	if (soerr == 0 && (revents & POLLOUT)) {
		dial_won(d, i);
		return;
	}
	if (soerr == 0)
		soerr = ECONNRESET;
	t = d->live[i];
	close(t.fd);
	d->live[i] = d->live[--d->nlive];
	dial_failed_try(d, &t, soerr);
}

enum dial_state
dial_process(struct dial *d, const struct pollfd *pfd, size_t n)
{
	struct pollfd	rp[DIAL_MAXFDS];
	size_t		i, nr = 0;
	int		k;

	if (d->state != DIAL_RUNNING)
		return d->state;
	for (i = 0; i < n && d->state == DIAL_RUNNING; i++) {
		if ((k = dial_find(d, pfd[i].fd)) != -1) {
			if (pfd[i].revents != 0)
				dial_check_try(d, (size_t)k, pfd[i].revents);
		} else if (nr < DIAL_MAXFDS)
			rp[nr++] = pfd[i];
	}
	if (d->state != DIAL_RUNNING)
		return d->state;
	resolve_process(d->r, rp, nr);
	dial_advance(d);
	return d->state;
}

enum dial_state
dial_run(struct dial *d, int abort_fd)
{
	struct pollfd	pfd[DIAL_MAXFDS + 1];
	size_t		n;
	int		r;

	while (d->state == DIAL_RUNNING) {
		n = dial_pollfds(d, pfd, DIAL_MAXFDS);
		if (abort_fd != -1) {
			pfd[n].fd = abort_fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
		}
		r = poll(pfd, n + (abort_fd != -1), dial_timeout_ms(d));
		if (r == -1 && errno != EINTR) {
			dial_fail(d, NET_E_OTHER, "poll: %s", strerror(errno));
			break;
		}
		if (r == -1)
			continue;
		if (abort_fd != -1 && pfd[n].revents != 0) {
			dial_fail(d, NET_E_OTHER, "connecting to %s port %s "
			    "was interrupted", d->host, d->port);
			break;
		}
		dial_process(d, pfd, n);
	}
	return d->state;
}

int
dial_take_fd(struct dial *d)
{
	int	fd = d->fd;

	d->fd = -1;
	return fd;
}

const char *
dial_addr(const struct dial *d)
{
	return d->addr;
}

const char *
dial_error(const struct dial *d, enum net_err *kind)
{
	if (kind != NULL)
		*kind = d->state == DIAL_FAILED ? d->kind : NET_OK;
	return d->err;
}
