/*
 * intercept_sess.c: the life of one intercepted session: its start (the
 * upstream dialled), its I/O after poll(), its timers, and its end (a 421
 * to the client, whose last replies may linger a moment).
 */
#include "config.h"

#include <sys/socket.h>

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/conn.h"
#include "smtpscope/dial.h"
#include "smtpscope/monotime.h"
#include "smtpscope/net.h"
#include "smtpscope/xmalloc.h"

#include "src/intercept_internal.h"

static void
upstream_note(void *arg, const char *msg)
{
	ic_note(arg, TDIR_INFO, "upstream: %s", msg);
}

static void
on_add(void *arg, size_t index)
{
	struct isess			*s = arg;
	const struct intercept_params	*p = intercept_params(s->ic);

	intercept_changed(s->ic);
	if (p->on_line != NULL)
		p->on_line(p->arg, s->id, &s->t, index);
}

void
isess_end(struct isess *s, const char *fmt, ...)
{
	va_list	 ap;
	char	 why[256];

	if (s->dead)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	ic_note(s, TDIR_INFO, "relay: session ended: %s", why);
	if (s->result[0] == '\0' || strcmp(s->result, "open") == 0)
		snprintf(s->result, sizeof s->result, "%.*s",
		    (int)sizeof s->result - 1, why);
	s->dead = 1;
	isess_flush(s);
	if (s->c != NULL && !s->c_hs && conn_flush(s->c) == 1)
		s->linger_until = monotime_ms() + 2000;
}

/*
 * An ended session's last replies (a 421, the 221) still queued for a
 * slow client: sent for up to two seconds before the socket closes, so
 * a close does not throw them away.
 */
int
isess_lingering(struct isess *s, long long now)
{
	if (s->linger_until == 0 || s->c == NULL)
		return 0;
	/* Outside any callback now: the upstream can go at once. */
	if (s->u != NULL) {
		conn_free(s->u);
		s->u = NULL;
	}
	if (s->dial != NULL) {
		dial_free(s->dial);
		s->dial = NULL;
	}
	if (now >= s->linger_until || conn_queued(s->c) == 0) {
		s->linger_until = 0;
		return 0;
	}
	return 1;
}

/* End with a 421 to the client first (RFC 5321 3.8). */
void
ic_end421(struct isess *s, const char *why)
{
	char	line[300];

	if (s->dead)
		return;
	/* Not a second 421 after the upstream's own (passed on). */
	if (s->c != NULL && !s->quit_ok && !(s->up_421 && !s->hreply_held)) {
		snprintf(line, sizeof line, "421 4.4.2 smtpscope: %s", why);
		ic_say(s, line);
	}
	isess_end(s, "%s", why);
}

void
isess_stop(struct isess *s)
{
	ic_end421(s, "smtpscope is stopping");
}

void
isess_start(struct isess *s)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	struct dial_params		 dp;

	transcript_init(&s->t);
	transcript_set_budget(&s->t, p->max_lines != 0 ? p->max_lines :
	    INTERCEPT_LINES_DEFAULT, p->max_bytes != 0 ? p->max_bytes :
	    INTERCEPT_BYTES_DEFAULT);
	s->t.on_add = on_add;
	s->t.arg = s;
	reply_parser_init(&s->rp);
	phase_init(&s->ph);
	buf_init(&s->ehlo);
	buf_init(&s->held);
	buf_init(&s->hreply);
	buf_init(&s->cout);
	buf_init(&s->uout);
	s->up_fd_idx = -1;
	snprintf(s->result, sizeof s->result, "open");
	ic_note(s, TDIR_INFO, "relay: client %s connected%s; relaying to %s "
	    "port %s%s", s->client, p->implicit_tls ? " (implicit TLS)" : "",
	    p->up_host, p->up_port, p->up_implicit_tls ? " (implicit TLS)" :
	    "");
	memset(&dp, 0, sizeof dp);
	dp.host = p->up_host;
	dp.port = p->up_port;
	dp.family = p->family;
	dp.timeout_ms = p->timeout_ms;
	dp.note = upstream_note;
	dp.arg = s;
	s->dial = dial_start(&dp);
	s->ust = UP_DIAL;
	s->up_ms = monotime_ms();
}

void
isess_free(struct isess *s)
{
	if (s->dial != NULL)
		dial_free(s->dial);
	if (s->u != NULL)
		conn_free(s->u);
	if (s->c != NULL)
		conn_free(s->c);
	reply_parser_free(&s->rp);
	if (s->have_caps)
		ehlo_free(&s->caps);
	buf_free(&s->ehlo);
	free(s->hcmd);
	buf_free(&s->hreply);
	buf_free(&s->cout);
	if (s->uout.data != NULL)
		wipe(s->uout.data, s->uout.cap);
	buf_free(&s->uout);
	if (s->held.data != NULL)
		wipe(s->held.data, s->held.cap);
	buf_free(&s->held);
	free(s->last_ehlo);
}

/* The dial finished: take the socket, or give up. */
static void
up_connected(struct isess *s)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	enum net_err			 kind;
	char				 err[256];
	size_t				 dropped;
	int				 fd;

	if (dial_state(s->dial) == DIAL_FAILED) {
		snprintf(err, sizeof err, "cannot reach the upstream: %s",
		    dial_error(s->dial, &kind));
		ic_end421(s, err);
		return;
	}
	fd = dial_take_fd(s->dial);
	net_tune(fd);	/* TCP_NODELAY: each line is a small write */
	ic_note(s, TDIR_INFO, "upstream: connected to %s", dial_addr(s->dial));
	dial_free(s->dial);
	s->dial = NULL;
	s->u = conn_new(fd);
	s->up_ms = monotime_ms();
	if (p->up_implicit_tls) {
		if (conn_start_tls(s->u, &p->up_tls, NULL, &dropped, err,
		    sizeof err) == -1) {
			ic_end421(s, "upstream TLS could not start");
			return;
		}
		s->ust = UP_HANDSHAKE;
	} else
		s->ust = UP_GREETING;
}

size_t
isess_pollfds(struct isess *s, struct pollfd *pfd, size_t max)
{
	size_t	n = 0;
	short	ev;

	s->up_fd_idx = -1;
	if (s->dead) {
		if (s->linger_until == 0 || s->c == NULL || max == 0)
			return 0;
		pfd[0].fd = conn_fd(s->c);
		pfd[0].events = POLLOUT;
		pfd[0].revents = 0;
		return 1;
	}
	if (s->c != NULL && max > 0) {
		ev = conn_events(s->c);
		/* Back-pressure: a slow upstream stops the client. */
		if (s->u != NULL && conn_queued(s->u) > INTERCEPT_QUEUE_MAX)
			ev &= ~POLLIN;
		pfd[n].fd = conn_fd(s->c);
		pfd[n].events = ev;
		pfd[n++].revents = 0;
	}
	if (s->dial != NULL)
		n += dial_pollfds(s->dial, pfd + n, max - n);
	else if (s->u != NULL && n < max) {
		ev = conn_events(s->u);
		if (s->c != NULL && conn_queued(s->c) > INTERCEPT_QUEUE_MAX)
			ev &= ~POLLIN;
		s->up_fd_idx = (int)n;
		pfd[n].fd = conn_fd(s->u);
		pfd[n].events = ev;
		pfd[n++].revents = 0;
	}
	return n;
}

/* Read one leg; returns 0, or -1 when it ended. */
static int
leg_read(struct isess *s, int client, short ev)
{
	struct conn	*c = client ? s->c : s->u;
	char		 err[256];
	int		 r;

	if (ev & POLLOUT) {
		if (conn_queued(c) > 0 && conn_flush(c) == -1) {
			isess_end(s, "%s: %s", client ? "client" : "upstream",
			    conn_error(c));
			return -1;
		}
	}
	if (!(ev & (POLLIN | POLLHUP | POLLERR)) && !conn_pending(c))
		return 0;
	r = conn_read(c, client ? ic_client_line : ic_up_line, s, err,
	    sizeof err);
	if (s->dead)
		return -1;
	if (r == 0 && client && conn_partial_truncated(c) > 0) {
		ic_end421(s, "a client line is over 8192 octets: limit hit");
		return -1;
	}
	if (r == 0)
		return 0;
	if (client) {
		if (r == -1)
			isess_end(s, "client: %s", err);
		else
			isess_end(s, s->quit_ok ? "the client closed after "
			    "QUIT" : "the client closed the connection");
	} else {
		if (r == -1)
			ic_end421(s, "the upstream connection failed");
		else if (s->quit_ok)
			isess_end(s, "the upstream closed after QUIT");
		else if (s->up_421)
			ic_end421(s, "the upstream closed after its 421");
		else
			ic_end421(s, "the upstream closed the connection");
	}
	return -1;
}

void
isess_io(struct isess *s, const struct pollfd *pfd, size_t n)
{
	short	cev = 0, uev = 0;
	size_t	i = 0;

	if (s->dead) {
		if (s->linger_until != 0 && s->c != NULL && n > 0 &&
		    pfd[0].revents != 0 && conn_flush(s->c) == -1)
			s->linger_until = 0;
		return;
	}
	if (s->c != NULL && n > 0)
		cev = pfd[i++].revents;
	if (s->dial != NULL) {
		if (dial_process(s->dial, pfd + i, n - i) != DIAL_RUNNING)
			up_connected(s);
	} else if (s->up_fd_idx >= 0 && (size_t)s->up_fd_idx < n)
		uev = pfd[s->up_fd_idx].revents;
	if (s->dead)
		return;
	if (s->u != NULL && (uev != 0 || conn_pending(s->u) ||
	    s->ust == UP_HANDSHAKE || s->ust == UP_TLS)) {
		if (s->ust == UP_HANDSHAKE || s->ust == UP_TLS) {
			if (uev != 0 || s->ust == UP_HANDSHAKE)
				ic_handshake(s, 0);
		} else if (leg_read(s, 0, uev) == -1)
			return;
	}
	if (s->dead || s->c == NULL)
		return;
	if (s->c_hs) {
		if (cev != 0)
			ic_handshake(s, 1);
	} else if ((cev != 0 || conn_pending(s->c)) &&
	    leg_read(s, 1, cev) == -1)
		return;
	isess_flush(s);
	/* Lines queued while a handshake ran go out now. */
	if (s->c != NULL && !s->c_hs && conn_queued(s->c) > 0)
		(void)conn_flush(s->c);
	if (s->u != NULL && conn_queued(s->u) > 0 && s->ust != UP_TLS &&
	    s->ust != UP_HANDSHAKE)
		(void)conn_flush(s->u);
}

/* What waits on the upstream: its greeting, a reply, a handshake. */
static int
up_waiting(const struct isess *s)
{
	return s->ust == UP_GREETING || s->ust == UP_STARTTLS ||
	    s->ust == UP_TLS || s->ust == UP_HANDSHAKE || s->npend > 0;
}

/*
 * How long the upstream may take.  The reply to the final dot gets at
 * least the 10 minutes RFC 5321 4.5.3.2.6 gives it: a 421 from the relay
 * while the upstream still delivers would make the application send the
 * message again.
 */
static int
dot_due(const struct isess *s)
{
	return s->npend > 0 && s->pend[s->pend_head] == VERB_DOT;
}

static long long
up_limit_ms(const struct isess *s)
{
	const struct intercept_params	*p = intercept_params(s->ic);

	if (dot_due(s) && p->timeout_ms < 600000)
		return 600000;
	return p->timeout_ms;
}

int
isess_timeout(const struct isess *s, long long now)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	long long			 due, idle;
	int				 ms;

	if (s->dead)
		return s->linger_until == 0 ? -1 : s->linger_until <= now ?
		    0 : (int)(s->linger_until - now);
	idle = (long long)(p->idle_s != 0 ? p->idle_s :
	    INTERCEPT_IDLE_DEFAULT) * 1000;
	/* A client waiting for a reply is not idle: --timeout is. */
	due = s->npend > 0 ? now + 3600000 : s->client_ms + idle;
	if (s->c_hs && s->client_ms + p->timeout_ms < due)
		due = s->client_ms + p->timeout_ms;
	if (up_waiting(s) && s->up_ms + up_limit_ms(s) < due)
		due = s->up_ms + up_limit_ms(s);
	if (s->dial != NULL && dial_timeout_ms(s->dial) >= 0 &&
	    now + dial_timeout_ms(s->dial) < due)
		due = now + dial_timeout_ms(s->dial);
	ms = due - now < 0 ? 0 : due - now > 3600000 ? 3600000 :
	    (int)(due - now);
	return ms;
}

void
isess_timers(struct isess *s, long long now)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	long long			 idle;

	if (s->dead)
		return;
	idle = (long long)(p->idle_s != 0 ? p->idle_s :
	    INTERCEPT_IDLE_DEFAULT) * 1000;
	if (s->c_hs && now - s->client_ms >= p->timeout_ms) {
		ic_note(s, TDIR_TLS, "client leg: the TLS handshake did not "
		    "complete in %d s", p->timeout_ms / 1000);
		conn_free(s->c);
		s->c = NULL;
		s->c_hs = 0;
		isess_end(s, "the client's TLS handshake timed out");
	} else if (s->dial == NULL && up_waiting(s) &&
	    now - s->up_ms >= up_limit_ms(s))
		ic_end421(s, "the upstream did not answer in time");
	else if (now - s->client_ms >= idle && s->npend == 0)
		ic_end421(s, "the client was idle too long");
}
