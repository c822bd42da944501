/*
 * session_io.c: a session's connection over time: the non-blocking I/O a
 * caller's poll() loop drives, the reply deadline (--timeout), and the
 * blocking wait script mode uses.  Connecting is in session_connect.c.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/conn.h"
#include "smtpscope/net.h"
#include "smtpscope/practice.h"
#include "smtpscope/session.h"
#include "smtpscope/target.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"

#include "src/session_internal.h"

void
session_set_abort_fd(struct session *s, int fd)
{
	s->abort_fd = fd;
}

int
session_reconnect(struct session *s)
{
	session_close(s);
	return session_connect(s);
}

int
session_retarget(struct session *s, struct target *t)
{
	struct target	*old = s->target;
	int		 sni_host;

	session_close(s);
	/* The TLS name followed the old host: it follows the new one. */
	sni_host = s->p.tls.sni == NULL || strcmp(s->p.tls.sni, s->p.host) ==
	    0;
	s->target = xmalloc(sizeof *s->target);
	*s->target = *t;
	memset(t, 0, sizeof *t);
	t = s->target;
	free((char *)s->p.host);
	free((char *)s->p.port);
	s->p.host = s->info.host = xstrdup(t->host);
	s->p.port = s->info.port = xstrdup(t->port);
	s->p.unix_path = t->unix_path;
	s->p.pipe_cmd = NULL;
	s->p.implicit_tls = t->implicit_tls;
	s->p.require_tls = t->require_tls || s->p.starttls;
	s->p.lmtp = t->lmtp;
	s->p.mx = t->mx;
	if (sni_host)
		s->p.tls.sni = t->mx || t->unix_path != NULL ? NULL : s->p.host;
	if (old != NULL) {
		target_free(old);
		free(old);
	}
	session_note(s, TDIR_INFO, "new target: %s%s%s%s", t->mx ? "mx://" :
	    t->implicit_tls ? "smtps://" : t->require_tls ? "submission://" :
	    t->lmtp ? "lmtp://" : "smtp://", t->unix_path != NULL ? "" :
	    t->host, t->unix_path != NULL ? t->unix_path : ":", t->unix_path
	    != NULL ? "" : t->port);
	return session_connect(s);
}

void
session_close(struct session *s)
{
	session_connect_cancel(s);
	if (s->c != NULL) {
		session_note(s, TDIR_INFO, "connection closed by us");
		session_drop_conn(s);
		phase_on_close(&s->info.ph);
	}
}

int
session_fd(const struct session *s)
{
	return s->c != NULL ? conn_fd(s->c) : -1;
}

short
session_poll_events(const struct session *s)
{
	short	ev;

	if (s->c == NULL)
		return 0;
	ev = conn_events(s->c);
	if (s->send_fp != NULL && conn_queued(s->c) < SEND_HIGH_WATER)
		ev |= POLLOUT;
	return ev;
}

int
session_pending(const struct session *s)
{
	return s->c != NULL && !s->in_handshake && conn_pending(s->c);
}

int
session_busy(const struct session *s)
{
	if (s->dial != NULL)
		return 1;
	return s->c != NULL && (s->in_handshake || s->send_fp != NULL ||
	    s->bdat_fp != NULL || conn_queued(s->c) > 0);
}

int
session_io(struct session *s, short revents)
{
	char	err[512];
	int	rc;

	if (s->c == NULL)
		return -1;
	if (revents & POLLOUT) {
		if (conn_flush(s->c) == -1) {
			session_fail(s, SERR_CONNECT, "write failed: %s",
			    conn_error(s->c));
			goto closed;
		}
	}
	if (s->in_handshake) {
		if (session_handshake(s) == -1)
			return -1;
		if (s->in_handshake)
			return 0;
	}
	if (s->send_fp != NULL && session_stream_pump(s) == -1)
		return -1;
	if (s->c == NULL)
		return -1;
	s->reading = 1;
	rc = conn_read(s->c, session_on_line, s, err, sizeof err);
	s->reading = 0;
	if (s->c_dead != NULL) {
		conn_free(s->c_dead);
		s->c_dead = NULL;
	}
	if (s->c == NULL)
		session_pipe_end(s);
	if (s->c == NULL)
		return -1;
	if (s->in_handshake)
		return session_handshake(s);
	if (rc == 1) {
		if (s->send_fp != NULL)
			session_fail(s, SERR_CONNECT, "the server closed the "
			    "connection while we were sending the message "
			    "content");
		else if (s->qlen > 0 && session_front(s) != VERB_QUIT)
			session_fail(s, SERR_CONNECT, "the server closed the "
			    "connection while a reply to %s was due",
			    session_front(s) == VERB_NONE ? "the connection "
			    "(greeting)" : verb_name(session_front(s)));
		else {
			session_note(s, TDIR_INFO,
			    "connection closed by the server");
			s->peer_closed = 1;
		}
		goto closed;
	}
	if (rc == -1) {
		/* A reset under TLS is a lost connection, a bad record is not. */
		session_fail(s, s->info.tls && !tls_lost(conn_tls(s->c)) ?
		    SERR_TLS : SERR_CONNECT, "connection lost: %s", err);
		goto closed;
	}
	return 0;
closed:
	session_drop_conn(s);
	phase_on_close(&s->info.ph);
	return -1;
}

void
session_set_practice(struct session *s, struct practice *pr)
{
	s->practice = pr;
}

/* Poll the connection once for up to ms milliseconds and do the I/O. */
int
session_poll_once(struct session *s, int ms)
{
	struct pollfd	pfd[3 + SESSION_PRACTICE_FDS];
	nfds_t		nfd = 1, npr = 0;
	int		n, pt, ab = -1, ax, ai = -1;

	if (session_pending(s))
		return session_io(s, 0);
	pfd[0].fd = session_fd(s);
	pfd[0].events = session_poll_events(s);
	pfd[0].revents = 0;
	if (s->abort_fd != -1) {
		ab = (int)nfd;
		pfd[nfd].fd = s->abort_fd;
		pfd[nfd].events = POLLIN;
		pfd[nfd++].revents = 0;
	}
	if ((ax = session_aux_fd(s)) != -1) {
		/* The stderr of the program behind --pipe. */
		ai = (int)nfd;
		pfd[nfd].fd = ax;
		pfd[nfd].events = POLLIN;
		pfd[nfd++].revents = 0;
	}
	if (s->practice != NULL) {
		/* The practice server behind a script lives in this loop. */
		npr = practice_pollfds(s->practice, pfd + nfd,
		    SESSION_PRACTICE_FDS);
		pt = practice_timeout(s->practice);
		if (pt >= 0 && pt < ms)
			ms = pt;
	}
	n = poll(pfd, nfd + npr, ms);
	if (n == -1) {
		if (errno == EINTR)
			return 0;
		session_fail(s, SERR_LOCAL, "poll: %s", strerror(errno));
		return -1;
	}
	if (s->practice != NULL)
		practice_handle(s->practice, pfd + nfd, npr);
	if (ai != -1 && pfd[ai].revents != 0)
		session_aux_io(s);
	if (pfd[0].fd == -1)
		return 0;
	if (ab != -1 && pfd[ab].revents != 0) {
		/* The user gave up (Ctrl-C in the UI) while we waited. */
		session_fail(s, SERR_LOCAL, "interrupted");
		session_drop_conn(s);
		phase_on_close(&s->info.ph);
		return -1;
	}
	if (pfd[0].revents == 0)
		return n == 0 ? 1 : 0;
	return session_io(s, pfd[0].revents) == -1 ? -1 : 0;
}

/* Is anything due from the server, or are we still sending? */
static int
session_expecting(const struct session *s)
{
	/* While a BDAT chunk is being typed, its reply is not due yet. */
	return s->c != NULL && (s->qlen > 0 || s->in_handshake ||
	    s->send_fp != NULL) && s->info.bdat_left == 0;
}

int
session_deadline_ms(const struct session *s)
{
	double	left;

	if (!session_expecting(s))
		return -1;
	left = s->progress + s->p.timeout_ms / 1000.0 - transcript_now();
	return left <= 0 ? 0 : (int)(left * 1000.0) + 1;
}

/* What the session waits for, in words, for a timeout message. */
static void
session_waiting_for(const struct session *s, char *dst, size_t len)
{
	if (s->in_handshake)
		snprintf(dst, len, "the TLS handshake");
	else if (s->qlen == 0)
		snprintf(dst, len, "the server to take our data");
	else if (session_front(s) == VERB_NONE)
		snprintf(dst, len, "the greeting");
	else
		snprintf(dst, len, "the reply to %s",
		    verb_name(session_front(s)));
}

int
session_tick(struct session *s)
{
	char	what[64];

	if (!session_expecting(s) || session_deadline_ms(s) > 0)
		return 0;
	session_waiting_for(s, what, sizeof what);
	session_fail(s, SERR_TIMEOUT, "no reply within %d s (waiting for %s); "
	    "closed the connection, :reconnect to start again",
	    s->p.timeout_ms / 1000, what);
	session_drop_conn(s);
	phase_on_close(&s->info.ph);
	return -1;
}

int
session_wait(struct session *s)
{
	unsigned long long	in, out, seen_out;
	double			last = transcript_now();
	char			what[64];
	size_t			seen = s->nreplies;
	int			rc;

	/*
	 * The clock restarts when a reply completes or our data moves on, not
	 * for every line: a server that trickles an endless multi-line reply
	 * still times out.
	 */
	seen_out = 0;
	if (s->c != NULL)
		conn_counts(s->c, &in, &seen_out);
	while (s->c != NULL && (s->qlen > 0 || session_busy(s))) {
		conn_counts(s->c, &in, &out);
		if (s->nreplies != seen || out != seen_out) {
			seen = s->nreplies;
			seen_out = out;
			last = transcript_now();
		}
		if (transcript_now() - last > s->p.timeout_ms / 1000.0) {
			session_waiting_for(s, what, sizeof what);
			session_fail(s, SERR_TIMEOUT, "no reply within %d s "
			    "(waiting for %s)", s->p.timeout_ms / 1000, what);
			return -1;
		}
		if ((rc = session_poll_once(s, 100)) == -1)
			return -1;
	}
	if (s->c == NULL && s->errclass != SERR_NONE)
		return -1;
	return 0;
}
