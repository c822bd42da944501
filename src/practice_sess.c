/*
 * practice_sess.c: one session of the practice server: queueing and
 * delaying replies, logging, routing each line by mode, the TLS handshake,
 * idle and delay timers, and closing a client that floods us.
 */
#include "config.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/monotime.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#include "practice_internal.h"

/* Log one line as it is (already safe), when logging is on. */
static void
log_put(struct practice *p, const char *prefix, const char *text)
{
	char	*line, *safe;

	safe = sanitize_dup(text, strlen(text));
	line = xprintf("%s: %s", prefix, safe);
	if (p->params.log_cb != NULL)
		p->params.log_cb(p->params.log_arg, line);
	else
		plog_line(p->log, line);
	free(line);
	free(safe);
}

/* Log a server event (not tied to one session). */
void
practice_slog(struct practice *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	if (p->log == NULL && p->params.log_cb == NULL)
		return;
	va_start(ap, fmt);
	text = xvprintf(fmt, ap);
	va_end(ap);
	log_put(p, "practice", text);
	free(text);
}

/*
 * Log one session event, only when asked to (--serve), to the log that
 * never blocks.  The text may carry client bytes (addresses, names): it
 * is sanitized whole, so no control byte reaches the terminal.
 */
void
practice_log(struct psess *s, const char *fmt, ...)
{
	va_list	 ap;
	char	*text, prefix[32];

	if (s->p->log == NULL && s->p->params.log_cb == NULL && s->t == NULL)
		return;
	va_start(ap, fmt);
	text = xvprintf(fmt, ap);
	va_end(ap);
	practice_view_note(s, text);
	snprintf(prefix, sizeof prefix, "practice[%u]", s->id);
	if (s->p->log != NULL || s->p->params.log_cb != NULL)
		log_put(s->p, prefix, text);
	free(text);
}

/* Queue one reply line (CRLF added), behind a pending delay if any. */
void
practice_say(struct psess *s, const char *fmt, ...)
{
	va_list		 ap;
	char		*line;
	struct buf	*b;

	va_start(ap, fmt);
	line = xvprintf(fmt, ap);
	va_end(ap);
	practice_view_reply(s, line);
	b = s->hold_until != 0 ? &s->held : &s->out;
	buf_addstr(b, line);
	buf_add(b, "\r\n", 2);
	free(line);
}

/* Hold this and every later reply for the slow@ delay. */
void
practice_hold(struct psess *s)
{
	int	ms;

	ms = s->p->params.slow_ms > 0 ? s->p->params.slow_ms :
	    PRACTICE_SLOW_MS;
	if (s->hold_until == 0)
		s->hold_until = monotime_ms() + ms;
	else
		s->hold_until += ms;
}

/* Send what this read produced, in one write. */
void
practice_flush(struct psess *s)
{
	if (s->out.len == 0 || s->c == NULL)
		return;
	if (conn_write(s->c, s->out.data, s->out.len) == -1)
		s->dead = 1;
	buf_reset(&s->out);
}

/* Octets of replies this session holds: built, delayed or unsent. */
size_t
practice_out_queued(const struct psess *s)
{
	return (s->out.len + s->held.len +
	    (s->c != NULL ? conn_queued(s->c) : 0));
}

/* Forget the mail transaction (RSET, EHLO, end of message). */
void
practice_txn_reset(struct psess *s)
{
	size_t	i;

	free(s->from);
	s->from = NULL;
	for (i = 0; i < s->nrcpt; i++)
		free(s->rcpt[i]);
	free(s->rcpt);
	s->rcpt = NULL;
	s->nrcpt = 0;
	s->mail = s->big = s->drop = s->chunking = s->failed = 0;
	s->mode = MODE_CMD;
	practice_msg_release(s);
	s->nomem = 0;
	s->msglen = 0;
	s->toolong = s->bare_lf = 0;
	s->linelen = 0;
	s->utf8 = 0;
	s->bdat_left = 0;
	s->bdat_last = s->bdat_bad = 0;
	s->lines = 0;
}

/* Free a session and everything it holds. */
void
practice_sess_free(struct psess *s)
{
	practice_txn_reset(s);
	practice_auth_reset(s);
	if (s->t != NULL) {
		transcript_free(s->t);
		free(s->t);
	}
	if (s->c != NULL)
		conn_free(s->c);
	buf_free(&s->out);
	buf_free(&s->held);
	free(s);
}

/*
 * The client keeps sending commands but does not read the replies: one
 * conn_read() hands over all the lines it read, so we cannot leave them
 * for later.  Say why and close rather than queue without end.
 */
static void
flooded(struct psess *s)
{
	practice_log(s, "%zu octets of replies unread: too much pipelined "
	    "input, closing", practice_out_queued(s));
	buf_reset(&s->held);
	s->hold_until = 0;
	practice_say(s, FLOOD_REPLY);
	practice_close_soon(s);
}

/*
 * Close once the replies queued so far are out, reading nothing more, but
 * give up after LINGER_MS: a client that does not read must not keep its
 * slot.  Lets a 421 reach a client that reads it late.
 */
void
practice_close_soon(struct psess *s)
{
	practice_flush(s);
	s->close_after = 1;
	s->drain = 1;
	if (s->linger_until == 0)
		s->linger_until = monotime_ms() + LINGER_MS;
}

/* conn_read() callback: route a line by the session's mode. */
static void
sess_line(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct psess	*s = arg;

	if (s->dead || s->close_after || s->starttls_now)
		return;
	if (s->out.len >= OUT_FLUSH_AT)
		practice_flush(s);
	if (!s->dead && practice_out_queued(s) > OUT_QUEUE_MAX)
		flooded(s);
	if (s->dead || s->close_after)
		return;
	s->last = monotime_ms();
	practice_view_client(s, line, len);
	if (s->mode == MODE_DATA)
		practice_data_line(s, line, len, flags);
	else if (s->mode == MODE_BDAT)
		practice_bdat_line(s, line, len, flags);
	else if (s->step != STEP_NONE)
		practice_auth_line(s, line, len, flags);
	else
		practice_cmd_line(s, line, len, flags);
}

/* The 220 greeting (RFC 5321 4.3.1). */
void
practice_greet(struct psess *s)
{
	s->greeted = 1;
	practice_say(s, "220 %s ESMTP smtpscope practice server", s->p->name);
	practice_flush(s);
}

/* Drive the TLS handshake; greet after it on the implicit TLS port. */
void
practice_sess_handshake(struct psess *s)
{
	char	err[256];
	int	r;

	r = conn_handshake(s->c, err, sizeof err);
	if (r == -1) {
		practice_log(s, "TLS handshake failed: %s", err);
		s->dead = 1;
	} else if (r == 0) {
		s->handshaking = 0;
		practice_log(s, "TLS established");
		if (!s->greeted)
			practice_greet(s);
	}
}

/* Everything one session does after poll() said it may. */
void
practice_sess_io(struct psess *s, short ev)
{
	char	err[256];
	int	r;

	if (s->handshaking && (ev & (POLLIN | POLLOUT | POLLHUP)))
		practice_sess_handshake(s);
	if (s->dead || s->handshaking)
		goto out;
	if ((ev & POLLOUT) && conn_queued(s->c) > 0 &&
	    conn_flush(s->c) == -1) {
		s->dead = 1;
		goto out;
	}
	if ((ev & (POLLIN | POLLHUP | POLLERR)) || conn_pending(s->c)) {
		r = conn_read(s->c, sess_line, s, err, sizeof err);
		if (r == 0 && !s->dead)
			practice_bdat_partial(s);
		practice_flush(s);
		if (s->starttls_now) {
			s->starttls_now = 0;
			practice_sess_handshake(s);
		} else if (r != 0) {
			practice_log(s, "%s", r == 1 ? "client closed" : err);
			s->dead = 1;
		}
	} else if (ev & (POLLERR | POLLNVAL))
		s->dead = 1;
out:
	if (s->dead && s->out.len > 0)
		practice_flush(s);
}

/* Say 421 4.4.2 and close (RFC 5321 3.8, 4.5.3.2). */
static void
sess_expire(struct psess *s, const char *why)
{
	practice_log(s, "%s, closing", why);
	s->hold_until = 0;
	practice_say(s, "421 4.4.2 %s %s, closing connection", s->p->name,
	    why);
	practice_flush(s);
	s->dead = 1;
}

/*
 * A client that writes commands without reading the replies stops our
 * reading once OUT_QUEUE_SOFT are queued; its writes then block, so it
 * may never push the queue to OUT_QUEUE_MAX.  When it has taken none of
 * its replies for FLOOD_STALL_MS, it is flooding all the same.
 */
static void
sess_stall(struct psess *s, long long now)
{
	size_t	q;

	q = practice_out_queued(s);
	if (s->close_after || s->handshaking || q <= OUT_QUEUE_SOFT) {
		s->stall_since = 0;
		return;
	}
	if (s->stall_since == 0 || q < s->stall_queued) {
		s->stall_since = now;
		s->stall_queued = q;
	} else if (now - s->stall_since >= FLOOD_STALL_MS) {
		s->stall_since = 0;
		flooded(s);
	}
}

/*
 * Release delayed replies; close sessions idle too long or open too long
 * (every complete line resets the idle timer, so a client that drips a
 * line at a time meets the second), and closing ones that never take
 * their last reply.
 */
void
practice_sess_timers(struct psess *s, long long now)
{
	struct practice	*p = s->p;

	if (s->hold_until != 0 && now >= s->hold_until) {
		s->hold_until = 0;
		buf_add(&s->out, s->held.data, s->held.len);
		buf_reset(&s->held);
		practice_flush(s);
	}
	if (s->dead)
		return;
	sess_stall(s, now);
	if (s->close_after && s->linger_until == 0)
		s->linger_until = now + LINGER_MS;
	if (s->linger_until != 0 && now >= s->linger_until) {
		practice_log(s, "the client did not take its last reply");
		s->dead = 1;
	} else if (s->handshaking && (now - s->last >= p->idle_ms ||
	    now - s->start >= p->life_ms)) {
		practice_log(s, "TLS handshake timed out");
		s->dead = 1;
	} else if (s->close_after)
		return;
	else if (now - s->last >= p->idle_ms)
		sess_expire(s, "Timeout");
	else if (now - s->start >= p->life_ms)
		sess_expire(s, "Session too long");
}

/* The next time the timers of this session have something to do. */
long long
practice_sess_next(const struct psess *s)
{
	long long	t;

	t = s->last + s->p->idle_ms;
	if (s->start + s->p->life_ms < t)
		t = s->start + s->p->life_ms;
	if (s->hold_until != 0 && s->hold_until < t)
		t = s->hold_until;
	if (s->linger_until != 0 && s->linger_until < t)
		t = s->linger_until;
	if (s->stall_since != 0 && s->stall_since + FLOOD_STALL_MS < t)
		t = s->stall_since + FLOOD_STALL_MS;
	return (t);
}
