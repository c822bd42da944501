/*
 * session_data.c: message content.  Typed lines go through session_input;
 * here are whole messages (:msg) and files (:send), which are streamed in
 * chunks as the socket drains so no message is ever held whole.
 */
#include "config.h"

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
	free(s->pending_file);
	s->pending_file = xstrdup(path);
	return session_input(s, "DATA", 4);
}

int
session_send_message(struct session *s, const char *text)
{
	const char	*p, *nl;
	size_t		 len;

	if (s->info.mode != SMODE_DATA) {
		free(s->pending_text);
		s->pending_text = xstrdup(text);
		return session_input(s, "DATA", 4);
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
			if (session_input(s, "..", 2) == -1)
				return -1;
		} else if (session_input(s, p, len) == -1)
			return -1;
		if (*nl == '\0')
			break;
	}
	return session_input(s, ".", 1);
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
		return session_input(s, ".", 1);
	}
	free(s->send_path);
	s->send_path = xstrdup(path);
	data_enc_init(&s->enc);
	session_note(s, TDIR_INFO, "sending %s as the message content "
	    "(line ends made CRLF, leading dots doubled)", path);
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
