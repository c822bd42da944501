/*
 * session_data.c: message content.  Typed lines go through session_input;
 * here are whole messages (:msg) and files (:send), which are streamed in
 * chunks as the socket drains so no message is ever held whole, and the
 * lines typed (or pasted) while DATA still waits for its reply, which are
 * held until the 354 says they are content.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/lint.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"

#include "src/session_internal.h"

/* The address in "MAIL FROM:<a@b> ..." or "RCPT TO: a@b" (malloc'd). */
char *
session_addr_arg(const char *line, size_t len)
{
	const char	*p, *end = line + len, *q;

	p = memchr(line, ':', len);
	if (p == NULL)
		return NULL;
	p++;
	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '<') {
		p++;
		q = memchr(p, '>', (size_t)(end - p));
		if (q == NULL)
			q = end;
	} else {
		for (q = p; q < end && *q != ' '; q++)
			;
	}
	return xstrndup(p, (size_t)(q - p));
}

/* :msg and :send start a DATA of their own: not while one is unanswered. */
static int
session_data_busy(struct session *s)
{
	if (s->c == NULL || (!s->info.data_pending && s->nheld == 0 &&
	    s->send_fp == NULL && s->bdat_fp == NULL))
		return 0;
	session_fail(s, SERR_PROTO, "a DATA still waits for its reply: "
	    "nothing was sent (try again once it has come)");
	return -1;
}

int
session_send_file(struct session *s, const char *path)
{
	FILE	*fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(s->err, sizeof s->err, "cannot open %s: %s", path,
		    strerror(errno));
		s->errclass = SERR_LOCAL;
		session_note(s, TDIR_WARN, "%s", s->err);
		return -1;
	}
	fclose(fp);
	if (s->info.mode == SMODE_DATA)
		return session_stream_open(s, path);
	if (session_data_busy(s) == -1)
		return -1;
	free(s->pending_file);
	s->pending_file = xstrdup(path);
	return session_input_now(s, "DATA", 4);
}

int
session_send_message(struct session *s, const char *text)
{
	const char	*p, *nl;
	size_t		 len;

	if (s->info.mode != SMODE_DATA) {
		if (session_data_busy(s) == -1)
			return -1;
		free(s->pending_text);
		s->pending_text = xstrdup(text);
		return session_input_now(s, "DATA", 4);
	}
	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		/* A lone "." inside the text is content, so stuff it here. */
		if (len == 1 && p[0] == '.') {
			if (session_input_now(s, "..", 2) == -1)
				return -1;
		} else if (session_input_now(s, p, len) == -1)
			return -1;
		if (*nl == '\0')
			break;
	}
	return session_input_now(s, ".", 1);
}

void
session_name_message(struct session *s, const char *name)
{
	free(s->msg_name);
	s->msg_name = name != NULL ? xstrdup(name) : NULL;
}

/* The name of path in notes: the one given for it, or the path itself. */
static char *
session_message_name(struct session *s, const char *path)
{
	char	*name;

	if (s->msg_name == NULL)
		return xstrdup(path);
	name = s->msg_name;
	s->msg_name = NULL;
	return name;
}

int
session_stream_open(struct session *s, const char *path)
{
	if ((s->send_fp = fopen(path, "rb")) == NULL) {
		snprintf(s->err, sizeof s->err, "cannot open %s: %s", path,
		    strerror(errno));
		s->errclass = SERR_LOCAL;
		session_note(s, TDIR_WARN, "%s", s->err);
		/* End the DATA we started, so the session stays usable. */
		return session_input_now(s, ".", 1);
	}
	free(s->send_path);
	s->send_path = session_message_name(s, path);
	data_enc_init(&s->enc);
	session_note(s, TDIR_INFO, "sending %s as the message content "
	    "(line ends made CRLF, leading dots doubled)", s->send_path);
	return session_stream_pump(s);
}

/* The file is all sent: record the end and check the size. */
static void
session_stream_done(struct session *s)
{
	const struct lint_warning	*w;
	struct tline			*tl;

	fclose(s->send_fp);
	s->send_fp = NULL;
	s->info.data_octets = s->enc.total;
	session_note(s, TDIR_INFO, "sent %llu octets from %s: %zu lines "
	    "dot-stuffed, %zu bare line ends made CRLF, longest line %zu",
	    (unsigned long long)s->enc.total, s->send_path, s->enc.stuffed,
	    s->enc.bare_lf, s->enc.longest);
	if (s->enc.eightbit && !(s->info.have_caps &&
	    (s->info.caps.flags & EHLO_8BITMIME)) &&
	    (w = lint_get(LINT_8BIT_NO_8BITMIME)) != NULL)
		session_note(s, TDIR_WARN, "%s (%s)", w->text, w->ref);
	if (s->enc.longest > LINE_MAX_OCTETS &&
	    (w = lint_get(LINT_LINE_TOO_LONG)) != NULL)
		session_note(s, TDIR_WARN, "%s (%s)", w->text, w->ref);
	if (s->info.have_caps && s->info.caps.size_max > 0 &&
	    s->enc.total > s->info.caps.size_max &&
	    (w = lint_get(LINT_SIZE_EXCEEDED)) != NULL)
		session_note(s, TDIR_WARN, "%s (%s)", w->text, w->ref);
	tl = transcript_add_verb(&s->t, TDIR_C, ".", 1, TL_DATA, NULL,
	    VERB_DOT);
	(void)tl;
	s->info.mode = SMODE_COMMAND;
	if (!session_lmtp_push(s, VERB_DOT, 0))
		session_push(s, VERB_DOT);
	phase_on_command(&s->info.ph, VERB_DOT);
}

int
session_stream_pump(struct session *s)
{
	struct buf	 out;
	char		*chunk;
	size_t		 n;
	int		 rc = 0;

	if (s->send_fp == NULL || s->c == NULL)
		return 0;
	chunk = xmalloc(SEND_CHUNK);
	buf_init(&out);
	while (s->send_fp != NULL && conn_queued(s->c) < SEND_HIGH_WATER) {
		n = fread(chunk, 1, SEND_CHUNK, s->send_fp);
		buf_reset(&out);
		if (n > 0)
			data_enc_feed(&s->enc, chunk, n, &out);
		if (n < SEND_CHUNK) {
			if (ferror(s->send_fp))
				session_note(s, TDIR_WARN, "reading %s failed; "
				    "the message was cut short", s->send_path);
			data_enc_finish(&s->enc, &out);
		}
		if (out.len > 0 && conn_write(s->c, out.data, out.len) == -1) {
			/* The connection is gone: nothing more of it to read. */
			session_fail(s, SERR_CONNECT, "write failed: %s",
			    conn_error(s->c));
			session_drop_conn(s);
			phase_on_close(&s->info.ph);
			rc = -1;
			break;
		}
		s->progress = transcript_now();
		if (n < SEND_CHUNK)
			session_stream_done(s);
	}
	buf_free(&out);
	free(chunk);
	return rc;
}

/*
 * Hold typed lines while a DATA waits for its reply or a file is being
 * streamed: whether they are content or commands is not known yet, and
 * content sent before the 354 would reach the server as commands.
 */
int
session_must_hold(const struct session *s)
{
	return s->info.data_pending || s->send_fp != NULL ||
	    s->bdat_fp != NULL || s->nheld > 0;
}

/* Keep a line until the reply to DATA says what it is; 0 or -1. */
int
session_hold(struct session *s, const char *line, size_t len)
{
	if (s->nheld >= SESSION_HELD_MAX_LINES ||
	    s->held_bytes + len > SESSION_HELD_MAX_BYTES) {
		session_fail(s, SERR_LOCAL, "not sent: %zu lines already wait "
		    "for the reply to DATA (at most %d lines, %d KiB)",
		    s->nheld, SESSION_HELD_MAX_LINES,
		    SESSION_HELD_MAX_BYTES / 1024);
		return -1;
	}
	if (s->nheld == 0 && s->bdat_fp != NULL)
		session_note(s, TDIR_INFO, "BDAT chunks of %s are still going "
		    "out: lines typed now wait until the last one is answered",
		    s->bdat_path);
	else if (s->nheld == 0)
		session_note(s, TDIR_INFO, "DATA has not been answered yet: "
		    "lines typed now wait, and go out as message content "
		    "once the 354 comes (nothing is sent if DATA is "
		    "refused)");
	if (s->nheld == s->heldcap) {
		s->heldcap = s->heldcap ? s->heldcap * 2 : 16;
		s->held = xreallocarray(s->held, s->heldcap,
		    sizeof *s->held);
	}
	s->held[s->nheld++] = xstrndup(line, len);
	s->held_bytes += len;
	s->info.held = s->nheld;
	return 0;
}

/* Forget the first n held lines, wiping them. */
static void
session_held_drop(struct session *s, size_t n)
{
	size_t	i, len;

	for (i = 0; i < n; i++) {
		len = strlen(s->held[i]);
		s->held_bytes -= len;
		wipe(s->held[i], len);
		free(s->held[i]);
	}
	memmove(s->held, s->held + n, (s->nheld - n) * sizeof *s->held);
	s->nheld -= n;
	s->info.held = s->nheld;
}

/* Send what was held, in order, while nothing asks to hold again. */
void
session_held_flush(struct session *s)
{
	char	*line;
	int	 rc;

	if (s->flushing)
		return;
	s->flushing = 1;
	while (s->nheld > 0 && s->c != NULL && !s->info.data_pending &&
	    s->send_fp == NULL && s->bdat_fp == NULL) {
		line = s->held[0];
		s->held[0] = NULL;
		s->held_bytes -= strlen(line);
		memmove(s->held, s->held + 1,
		    (s->nheld - 1) * sizeof *s->held);
		s->info.held = --s->nheld;
		rc = session_input_now(s, line, strlen(line));
		wipe(line, strlen(line));
		free(line);
		if (rc == -1)
			break;
	}
	s->flushing = 0;
}

/*
 * DATA was refused: the held lines of the message (up to and including a
 * lone ".") are dropped, never sent as commands; lines after the "." were
 * meant as commands and go once nothing else is pending.
 */
void
session_held_refused(struct session *s, int code)
{
	size_t	n;

	if (s->nheld == 0)
		return;
	for (n = 0; n < s->nheld; n++)
		if (data_is_end(s->held[n], strlen(s->held[n])))
			break;
	if (n < s->nheld)
		n++;
	session_note(s, TDIR_WARN, "DATA was answered %03d, not 354: the %zu "
	    "line%s typed after it %s not sent (as commands they would have "
	    "confused the server)%s", code, n, n == 1 ? "" : "s",
	    n == 1 ? "was" : "were", n < s->nheld ? "; the lines after the "
	    "lone \".\" go out as commands" : "");
	session_held_drop(s, n);
}

/* Forget every held line; why (or NULL for silence) goes in a note. */
void
session_held_clear(struct session *s, const char *why)
{
	if (s->nheld > 0 && why != NULL)
		session_note(s, TDIR_WARN, "%zu line%s typed after DATA %s "
		    "not sent: %s", s->nheld, s->nheld == 1 ? "" : "s",
		    s->nheld == 1 ? "was" : "were", why);
	if (s->nheld > 0)
		session_held_drop(s, s->nheld);
}

/*
 * Send a file with BDAT (RFC 3030): chunks of at most bdat_chunk octets,
 * the last one "BDAT n LAST", each followed by its octets as they are (no
 * dot-stuffing, no line-end repair: BDAT counts octets).  The next chunk
 * goes when the reply to this one has come (session_bdat_reply), so at
 * most one chunk is queued and nothing blocks.
 */
static int
session_bdat_chunk(struct session *s)
{
	char	*blk, line[64];
	size_t	 n, want, i;
	int	 last, rc = 0;

	want = s->bdat_total - s->bdat_sent < s->bdat_chunk ?
	    (size_t)(s->bdat_total - s->bdat_sent) : s->bdat_chunk;
	blk = xmalloc(want > 0 ? want : 1);
	n = want > 0 ? fread(blk, 1, want, s->bdat_fp) : 0;
	if (n < want) {
		session_note(s, TDIR_WARN, "reading %s failed or it shrank: "
		    "the rest is not sent", s->bdat_path);
		s->bdat_total = s->bdat_sent + n;
	}
	last = s->bdat_sent + n >= s->bdat_total;
	for (i = 0; i < n; i++)
		if (blk[i] == '\n' && !(i > 0 ? blk[i - 1] == '\r' :
		    s->bdat_prevcr))
			s->bdat_bare++;
	s->bdat_prevcr = n > 0 && blk[n - 1] == '\r';
	snprintf(line, sizeof line, "BDAT %zu%s", n, last ? " LAST" : "");
	if (session_tls_gate(s, VERB_BDAT, line, strlen(line)) == -1 ||
	    session_send_line(s, line, strlen(line), VERB_BDAT, 0, NULL) ==
	    -1) {
		rc = -1;
		goto out;
	}
	s->bdat_k++;
	session_note(s, TDIR_INFO, "chunk %zu: octets %llu to %llu of %s "
	    "(%zu octets)%s", s->bdat_k, s->bdat_sent + (n > 0),
	    s->bdat_sent + n, s->bdat_path, n, last ? ", the last" : "");
	if (n > 0 && session_write(s, blk, n) == -1) {
		rc = -1;
		goto out;
	}
	s->bdat_sent += n;
	s->info.data_octets += n;
	s->progress = transcript_now();
out:
	free(blk);
	/* After the last chunk the file stays open until its reply. */
	if (last)
		s->bdat_last_sent = 1;
	if (rc == -1)
		session_bdat_end(s);
	return rc;
}

/* The file is all sent (or given up): close it and say what is worth it. */
void
session_bdat_end(struct session *s)
{
	if (s->bdat_fp == NULL)
		return;
	if (s->bdat_bare > 0)
		session_note(s, TDIR_WARN, "%s has %zu bare LF line ends; BDAT "
		    "sent them as they are, but RFC 5322 wants CRLF",
		    s->bdat_path, s->bdat_bare);
	fclose(s->bdat_fp);
	s->bdat_fp = NULL;
	free(s->bdat_path);
	s->bdat_path = NULL;
}

/* The reply to one of our chunks: the next chunk, or stop. */
void
session_bdat_reply(struct session *s, int code)
{
	if (s->bdat_fp == NULL)
		return;
	if (s->bdat_last_sent) {
		session_bdat_end(s);
		return;
	}
	if (code / 100 != 2) {
		session_note(s, TDIR_WARN, "the chunk was refused: the rest of "
		    "%s (%llu octets) is not sent", s->bdat_path,
		    s->bdat_total - s->bdat_sent);
		session_bdat_end(s);
		return;
	}
	session_bdat_chunk(s);
}

int
session_send_bdat(struct session *s, const char *path, size_t chunk)
{
	FILE		*fp;
	struct stat	 st;

	if (s->c == NULL) {
		session_fail(s, SERR_CONNECT, "not connected: nothing was sent "
		    "(use :reconnect)");
		return -1;
	}
	if (s->info.mode != SMODE_COMMAND || session_data_busy(s) == -1 ||
	    s->info.bdat_left > 0 || s->bdat_fp != NULL) {
		session_fail(s, SERR_PROTO, "a message is already being sent: "
		    "BDAT was not started");
		return -1;
	}
	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &st) == -1 ||
	    !S_ISREG(st.st_mode)) {
		snprintf(s->err, sizeof s->err, "cannot read %s: %s", path,
		    fp == NULL ? strerror(errno) : "not a file");
		if (fp != NULL)
			fclose(fp);
		session_name_message(s, NULL);
		s->errclass = SERR_LOCAL;
		session_note(s, TDIR_WARN, "%s", s->err);
		return -1;
	}
	s->bdat_fp = fp;
	s->bdat_path = session_message_name(s, path);
	s->bdat_chunk = chunk > 0 ? chunk : 1;
	s->bdat_total = (unsigned long long)st.st_size;
	s->bdat_sent = 0;
	s->bdat_k = s->bdat_bare = 0;
	s->bdat_prevcr = s->bdat_last_sent = 0;
	session_note(s, TDIR_INFO, "sending %s with BDAT: %llu octets in "
	    "chunks of at most %zu, sent as they are (BDAT counts octets: "
	    "no dot-stuffing, no end-of-data line); each chunk goes once the "
	    "one before is answered", s->bdat_path, s->bdat_total,
	    s->bdat_chunk);
	return session_bdat_chunk(s);
}
