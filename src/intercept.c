/*
 * intercept.c: the listener of --intercept, its sessions and the list the
 * UI shows.  Limits fail closed: past the session cap a client gets a 421
 * and is closed at once; lines, queues and transcripts of each session
 * have their own caps (src/intercept_relay.c), so memory is bounded by
 * the cap times the per-session budget.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/conn.h"
#include "smtpscope/monotime.h"
#include "smtpscope/net.h"
#include "smtpscope/xmalloc.h"

#include "src/intercept_internal.h"

#define BUSY_REPLY	"421 4.7.0 smtpscope: too many intercepted sessions " \
	"at once, try again later\r\n"

struct iended {
	struct intercept_row	 row;
	struct transcript	*t;
};

struct intercept {
	struct intercept_params	 p;
	int			 lfd;
	struct tls_server_ctx	*sctx;
	struct isess		**sess;
	size_t			 nsess;
	struct iended		 ended[INTERCEPT_ENDED_MAX];
	size_t			 nended;
	unsigned long		 total_ended;
	unsigned int		 next_id;
	unsigned long		 changes;
	unsigned long		 refused;
	long long		 pause_until;	/* out of descriptors */
	int			 hold;
};

const struct intercept_params *
intercept_params(const struct intercept *ic)
{
	return &ic->p;
}

struct tls_server_ctx *
intercept_sctx(const struct intercept *ic)
{
	return ic->sctx;
}

void
intercept_changed(struct intercept *ic)
{
	ic->changes++;
}

struct intercept *
intercept_new(const struct intercept_params *p, char *err, size_t errlen)
{
	struct intercept	*ic;

	ic = xcalloc(1, sizeof *ic);
	ic->p = *p;
	if (ic->p.max_sessions <= 0)
		ic->p.max_sessions = INTERCEPT_SESSIONS_DEFAULT;
	if (ic->p.timeout_ms <= 0)
		ic->p.timeout_ms = 30000;
	ic->lfd = net_listen(p->addr, p->port, err, errlen);
	if (ic->lfd == -1) {
		free(ic);
		return NULL;
	}
	fcntl(ic->lfd, F_SETFL, fcntl(ic->lfd, F_GETFL) | O_NONBLOCK);
	fcntl(ic->lfd, F_SETFD, FD_CLOEXEC);
	if (p->ca != NULL)
		ic->sctx = tls_server_ctx_ca(p->ca);
	/* Two descriptors a session: take what the hard limit allows. */
	{
		struct rlimit	rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	return ic;
}

/* Keep an ended session's row and transcript for the list. */
static void
keep_ended(struct intercept *ic, struct isess *s)
{
	struct iended	*e;

	if (!ic->p.keep)
		return;
	if (ic->nended == INTERCEPT_ENDED_MAX) {
		e = &ic->ended[INTERCEPT_ENDED_MAX - 1];
		transcript_free(e->t);
		free(e->t);
		ic->nended--;
	}
	memmove(&ic->ended[1], &ic->ended[0], ic->nended * sizeof *ic->ended);
	ic->nended++;
	e = &ic->ended[0];
	e->t = xmalloc(sizeof *e->t);
	/* The store moves whole: its lines and arenas are the same. */
	*e->t = s->t;
	e->t->on_add = NULL;
	e->t->arg = NULL;
	transcript_init(&s->t);
	memset(&e->row, 0, sizeof e->row);
}

static void
fill_row(const struct isess *s, struct intercept_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = s->id;
	snprintf(r->client, sizeof r->client, "%s", s->client);
	r->start_ms = s->start_ms;
	snprintf(r->last, sizeof r->last, "%s", s->last);
	snprintf(r->result, sizeof r->result, "%s", s->result);
	r->ended = s->dead;
	r->client_tls = s->c_tls;
	r->up_tls = s->u_tls;
	r->held = s->hcmd != NULL ? ICPT_HELD_COMMAND : s->hreply_held ?
	    ICPT_HELD_REPLY : ICPT_HELD_NONE;
}

static void
reap(struct intercept *ic)
{
	struct isess	*s;
	size_t		 i, j;
	long long	 now = monotime_ms();

	for (i = j = 0; i < ic->nsess; i++) {
		s = ic->sess[i];
		if (!s->dead || (s->linger_until != 0 &&
		    isess_lingering(s, now))) {
			ic->sess[j++] = s;
			continue;
		}
		if (s->c != NULL)
			(void)conn_flush(s->c);
		ic->total_ended++;
		ic->changes++;
		if (ic->p.on_end != NULL)
			ic->p.on_end(ic->p.arg, s->id, s->quit_ok);
		if (ic->p.keep) {
			struct intercept_row	row;

			fill_row(s, &row);
			keep_ended(ic, s);
			ic->ended[0].row = row;
		}
		isess_free(s);
		transcript_free(&s->t);
		free(s);
	}
	ic->nsess = j;
}

void
intercept_free(struct intercept *ic)
{
	size_t	i;

	if (ic == NULL)
		return;
	for (i = 0; i < ic->nsess; i++) {
		isess_stop(ic->sess[i]);
		ic->sess[i]->linger_until = 0;	/* no time left to linger */
	}
	reap(ic);
	free(ic->sess);
	for (i = 0; i < ic->nended; i++) {
		transcript_free(ic->ended[i].t);
		free(ic->ended[i].t);
	}
	tls_server_ctx_free(ic->sctx);
	if (ic->lfd != -1)
		close(ic->lfd);
	free(ic);
}

int
intercept_port(const struct intercept *ic)
{
	return net_local_port(ic->lfd);
}

int
intercept_loopback(const struct intercept *ic)
{
	struct sockaddr_storage		 ss;
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	socklen_t			 sl = sizeof ss;

	if (getsockname(ic->lfd, (struct sockaddr *)&ss, &sl) == -1)
		return 0;
	if (ss.ss_family == AF_INET) {
		sin = (const struct sockaddr_in *)&ss;
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss.ss_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)&ss;
		if (IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) &&
		    sin6->sin6_addr.s6_addr[12] == 127;
	}
	return 0;
}

static void
accept_all(struct intercept *ic)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	struct isess		*s;
	char			 host[64], serv[16], err[256];
	size_t			 dropped;
	int			 fd;

	for (;;) {
		sl = sizeof ss;
		fd = accept(ic->lfd, (struct sockaddr *)&ss, &sl);
		if (fd == -1) {
			/* Rest a second rather than spin on a full table. */
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				ic->pause_until = monotime_ms() + 1000;
			break;
		}
		if (ic->nsess >= (size_t)ic->p.max_sessions) {
			/* Fail closed, at once: no session, no upstream. */
			(void)!write(fd, BUSY_REPLY, sizeof BUSY_REPLY - 1);
			close(fd);
			ic->refused++;
			continue;
		}
		if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host,
		    serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
			snprintf(host, sizeof host, "unknown");
			serv[0] = '\0';
		}
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		net_tune(fd);
		s = xcalloc(1, sizeof *s);
		s->ic = ic;
		s->id = ++ic->next_id;
		s->start_ms = s->client_ms = monotime_ms();
		if (strchr(host, ':') != NULL)
			snprintf(s->client, sizeof s->client, "[%s]:%s", host,
			    serv);
		else
			snprintf(s->client, sizeof s->client, "%s:%s", host,
			    serv);
		s->c = conn_new(fd);
		ic->sess = xreallocarray(ic->sess, ic->nsess + 1,
		    sizeof *ic->sess);
		ic->sess[ic->nsess++] = s;
		ic->changes++;
		isess_start(s);
		if (ic->refused > 0) {
			transcript_note(&s->t, TDIR_WARN, "relay: %lu clients "
			    "were refused (421) before this one: at most %d "
			    "sessions at once (--intercept-max-sessions)",
			    ic->refused, ic->p.max_sessions);
			ic->refused = 0;
		}
		if (ic->p.implicit_tls && ic->sctx != NULL) {
			if (conn_start_tls(s->c, NULL, ic->sctx, &dropped,
			    err, sizeof err) == -1) {
				isess_end(s, "client TLS: %s", err);
				continue;
			}
			s->c_hs = 1;
			transcript_note(&s->t, TDIR_TLS, "client leg: implicit "
			    "TLS handshake begins");
		}
	}
}

size_t
intercept_pollfds(struct intercept *ic, struct pollfd *pfd, size_t max)
{
	size_t	n = 0, i, k;

	if (max == 0)
		return 0;
	if (ic->pause_until != 0 && monotime_ms() >= ic->pause_until)
		ic->pause_until = 0;
	pfd[n].fd = ic->pause_until != 0 ? -1 : ic->lfd;
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	for (i = 0; i < ic->nsess; i++) {
		k = isess_pollfds(ic->sess[i], pfd + n, max - n);
		ic->sess[i]->pfd_first = (int)n;
		ic->sess[i]->pfd_n = (int)k;
		n += k;
	}
	return n;
}

void
intercept_handle(struct intercept *ic, const struct pollfd *pfd, size_t n)
{
	struct isess	*s;
	size_t		 i, nsess = ic->nsess;
	long long	 now;

	for (i = 0; i < nsess; i++) {
		s = ic->sess[i];
		if ((size_t)(s->pfd_first + s->pfd_n) <= n)
			isess_io(s, pfd + s->pfd_first, (size_t)s->pfd_n);
		s->pfd_n = 0;
	}
	now = monotime_ms();
	for (i = 0; i < nsess; i++)
		isess_timers(ic->sess[i], now);
	reap(ic);
	if (n > 0 && pfd[0].fd == ic->lfd && (pfd[0].revents & POLLIN))
		accept_all(ic);
	reap(ic);
}

int
intercept_timeout(const struct intercept *ic)
{
	struct isess	*s;
	long long	now = monotime_ms();
	size_t		i;
	int		t, next = -1;

	if (ic->pause_until != 0)
		next = ic->pause_until > now ? (int)(ic->pause_until - now) : 0;
	for (i = 0; i < ic->nsess; i++) {
		if ((t = isess_timeout(ic->sess[i], now)) < 0)
			continue;
		s = ic->sess[i];
		if (!s->dead && s->c != NULL && !s->c_hs && conn_pending(s->c))
			t = 0;
		if (next == -1 || t < next)
			next = t;
	}
	return next;
}

size_t
intercept_nsessions(const struct intercept *ic)
{
	return ic->nsess;
}

unsigned long
intercept_nended(const struct intercept *ic)
{
	return ic->total_ended;
}

size_t
intercept_rows(struct intercept *ic, struct intercept_row *rows, size_t max)
{
	size_t	i, n = 0;

	for (i = 0; i < ic->nsess; i++, n++)
		if (n < max)
			fill_row(ic->sess[i], &rows[n]);
	for (i = 0; i < ic->nended; i++, n++)
		if (n < max)
			rows[n] = ic->ended[i].row;
	return n;
}

struct transcript *
intercept_transcript(struct intercept *ic, unsigned int id)
{
	size_t	i;

	for (i = 0; i < ic->nsess; i++)
		if (ic->sess[i]->id == id)
			return &ic->sess[i]->t;
	for (i = 0; i < ic->nended; i++)
		if (ic->ended[i].row.id == id)
			return ic->ended[i].t;
	return NULL;
}

unsigned long
intercept_changes(const struct intercept *ic)
{
	return ic->changes;
}

int
intercept_holding(const struct intercept *ic)
{
	return ic->hold;
}

int
intercept_hold(const struct intercept *ic)
{
	return ic->hold;
}

void
intercept_set_hold(struct intercept *ic, int on)
{
	char	err[128];
	size_t	i;

	ic->hold = on;
	ic->changes++;
	if (on)
		return;
	for (i = 0; i < ic->nsess; i++)
		while (ic->sess[i]->hcmd != NULL || ic->sess[i]->hreply_held)
			if (isess_release(ic->sess[i], NULL, err,
			    sizeof err) == -1)
				break;
	for (i = 0; i < ic->nsess; i++)
		isess_flush(ic->sess[i]);
}

static struct isess *
find_sess(struct intercept *ic, unsigned int id)
{
	size_t	i;

	for (i = 0; i < ic->nsess; i++)
		if (ic->sess[i]->id == id && !ic->sess[i]->dead)
			return ic->sess[i];
	return NULL;
}

enum intercept_held
intercept_held(struct intercept *ic, unsigned int id, const char **text,
    unsigned long *seq)
{
	struct isess	*s = find_sess(ic, id);

	if (s == NULL || (s->hcmd == NULL && !s->hreply_held))
		return ICPT_HELD_NONE;
	*text = s->hfirst;
	*seq = s->hseq;
	return s->hcmd != NULL ? ICPT_HELD_COMMAND : ICPT_HELD_REPLY;
}

int
intercept_release(struct intercept *ic, unsigned int id, const char *text,
    char *err, size_t errlen)
{
	struct isess	*s = find_sess(ic, id);
	int		 rc;

	if (s == NULL) {
		snprintf(err, errlen, "session #%u has ended", id);
		return -1;
	}
	rc = isess_release(s, text, err, errlen);
	isess_flush(s);
	ic->changes++;
	return rc;
}
