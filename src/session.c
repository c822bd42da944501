/*
 * session.c: one SMTP client session.  Commands go out in one write each
 * and their verbs wait in a queue; each complete reply pops the verb it
 * answers, moves the phase on and may change the entry mode (354: data,
 * 334: answer) or upgrade the connection (220 to STARTTLS).
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/data.h"
#include "smtpscope/dial.h"
#include "smtpscope/kb.h"
#include "smtpscope/lint.h"
#include "smtpscope/mx.h"
#include "smtpscope/resolve.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/session.h"
#include "smtpscope/target.h"
#include "smtpscope/xmalloc.h"

#include "src/session_internal.h"



struct session *
session_new(const struct session_params *p)
{
	struct session	*s;

	s = xcalloc(1, sizeof *s);
	s->p = *p;
	s->p.host = xstrdup(p->host != NULL ? p->host : "127.0.0.1");
	s->p.port = xstrdup(p->port != NULL ? p->port : "25");
	s->p.log_path = p->log_path != NULL ? xstrdup(p->log_path) : NULL;
	if (s->p.timeout_ms <= 0)
		s->p.timeout_ms = 30000;
	transcript_init(&s->t);
	transcript_set_budget(&s->t, p->max_lines, p->max_bytes);
	transcript_set_log_max(&s->t, p->log_max);
	reply_parser_init(&s->rp);
	s->abort_fd = -1;
	s->info.host = s->p.host;
	s->info.port = s->p.port;
	s->info.last_latency_ms = -1;
	phase_init(&s->info.ph);
	return s;
}

/* Drop everything tied to one connection. */
void
session_drop_conn(struct session *s)
{
	if (s->c != NULL) {
		/*
		 * Inside conn_read's callback the connection is still in use:
		 * free it when conn_read has returned (session_io).
		 */
		if (s->reading)
			s->c_dead = s->c;
		else
			conn_free(s->c);
		s->c = NULL;
	}
	if (s->send_fp != NULL) {
		fclose(s->send_fp);
		s->send_fp = NULL;
	}
	if (s->bdat_fp != NULL) {
		fclose(s->bdat_fp);
		s->bdat_fp = NULL;
		free(s->bdat_path);
		s->bdat_path = NULL;
	}
	session_held_clear(s, "the connection is closed");
	free(s->pending_text);
	s->pending_text = NULL;
	free(s->pending_file);
	s->pending_file = NULL;
	session_queue_clear(s);
	s->cur_unasked = 0;
	s->unasked = 0;
	s->unasked_run = 0;
	s->in_handshake = 0;
	s->info.connected = 0;
	s->info.waiting = 0;
	s->info.data_pending = 0;
	s->info.mode = SMODE_COMMAND;
	s->info.answer_secret = 0;
	s->info.answer_raw = 0;
	reply_parser_free(&s->rp);
	reply_parser_init(&s->rp);
	session_auth_reset(s);
	/* A program's end is told once its socket is closed. */
	if (!s->reading)
		session_pipe_end(s);
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	session_held_clear(s, NULL);
	session_drop_conn(s);
	dial_free(s->dial);
	mx_free(s->mx);
	free(s->mx_sni);
	resolve_query_free(s->tlsa_q);
	free(s->mtasts);
	if (s->target != NULL) {
		target_free(s->target);
		free(s->target);
	}
	transcript_free(&s->t);
	reply_parser_free(&s->rp);
	if (s->have_last)
		reply_free(&s->last);
	if (s->info.have_caps)
		ehlo_free(&s->info.caps);
	free(s->info.tls_report);
	free(s->challenge);
	free((char *)s->p.host);
	free((char *)s->p.port);
	free((char *)s->p.log_path);
	free(s->auth_user_shown);
	free(s->last_ehlo);
	free(s->mail_from);
	free(s->rcpt_first);
	free(s->send_path);
	free(s->msg_name);
	free(s->lmtp_ok);
	free(s->next_rcpt);
	free(s->q);
	free(s->held);
	free(s);
}

void
session_set_callback(struct session *s, transcript_cb cb, void *arg)
{
	s->t.on_add = cb;
	s->t.arg = arg;
}

void
session_note(struct session *s, enum tdir dir, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	va_start(ap, fmt);
	text = xvprintf(fmt, ap);
	va_end(ap);
	transcript_add(&s->t, dir, text, strlen(text), 0, NULL);
	free(text);
}

void
session_note_private(struct session *s, const char *text)
{
	transcript_add(&s->t, TDIR_INFO, text, strlen(text), TL_PRIVATE,
	    NULL);
}

/* Record a failure: the reason for the caller and a note in the transcript. */
void
session_fail(struct session *s, enum session_err cls, const char *fmt, ...)
{
	va_list	 ap;
	char	 raw[sizeof s->err], *safe;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* Reasons may quote the server (certificate names): keep them safe. */
	safe = sanitize_dup(raw, strlen(raw));
	snprintf(s->err, sizeof s->err, "%s", safe);
	free(safe);
	s->errclass = cls;
	session_note(s, cls == SERR_TLS ? TDIR_TLS : TDIR_WARN, "%s", s->err);
}

const char *
session_error(const struct session *s)
{
	if (s->err[0] != '\0')
		return s->err;
	/* A close with nothing due (no error), then asked why it stopped. */
	return s->peer_closed ? "the server closed the connection" :
	    "no error";
}

enum session_err
session_errclass(const struct session *s)
{
	return s->errclass;
}

/* Note whether a DATA is among the verbs waiting for a reply. */
static void
session_queue_changed(struct session *s)
{
	size_t	i;

	s->info.waiting = s->qlen;
	s->info.data_pending = 0;
	for (i = 0; i < s->qlen; i++)
		if (s->q[(s->qhead + i) % s->qcap].verb == VERB_DATA)
			s->info.data_pending = 1;
}

/* Queue the verb whose reply we now wait for. */
void
session_push(struct session *s, enum verb v)
{
	size_t	i;

	if (s->qlen == s->qcap) {
		struct pending	*nq;
		size_t		 oldcap = s->qcap;

		s->qcap = oldcap ? oldcap * 2 : 16;
		nq = xreallocarray(NULL, s->qcap, sizeof *nq);
		for (i = 0; i < s->qlen; i++)
			nq[i] = s->q[(s->qhead + i) % oldcap];
		free(s->q);
		s->q = nq;
		s->qhead = 0;
	}
	s->q[(s->qhead + s->qlen) % s->qcap].verb = v;
	s->q[(s->qhead + s->qlen) % s->qcap].sent = transcript_now();
	s->q[(s->qhead + s->qlen) % s->qcap].kind = s->next_kind;
	s->q[(s->qhead + s->qlen) % s->qcap].rcpt = s->next_rcpt;
	s->next_kind = PEND_PLAIN;
	s->next_rcpt = NULL;
	s->qlen++;
	s->progress = transcript_now();
	session_queue_changed(s);
}

/*
 * Take the oldest verb waiting (all of it in *out, whose rcpt is now the
 * caller's); VERB_NONE when nothing was due.
 */
static enum verb
session_pop(struct session *s, double *sent, struct pending *out)
{
	struct pending	p;

	memset(out, 0, sizeof *out);
	if (s->qlen == 0) {
		*sent = -1;
		return VERB_NONE;
	}
	p = s->q[s->qhead];
	*out = p;
	s->qhead = (s->qhead + 1) % s->qcap;
	s->qlen--;
	session_queue_changed(s);
	*sent = p.sent;
	return p.verb;
}

/* The verb the next reply will answer. */
enum verb
session_front(const struct session *s)
{
	if (s->qlen == 0)
		return VERB_NONE;
	return s->q[s->qhead].verb;
}

/* Fill a lint context from what the session knows. */
static void
session_lint_ctx(const struct session *s, struct lint_ctx *lc)
{
	size_t	i;

	memset(lc, 0, sizeof *lc);
	lc->tls = s->info.tls;
	lc->greeted = s->info.ph.greeted;
	lc->pending = s->qlen;
	for (i = 0; i < s->qlen; i++) {
		enum verb	v = s->q[(s->qhead + i) % s->qcap].verb;

		if (v == VERB_MAIL)
			lc->mail_pending = 1;
		else if (v == VERB_RCPT)
			lc->rcpt_pending = 1;
	}
	lc->helo = s->info.ph.helo;
	lc->ehlo = s->info.ph.ehlo;
	lc->mail = s->info.ph.mail;
	lc->nrcpt = s->info.ph.nrcpt;
	lc->quit = s->info.ph.phase == PHASE_QUIT ||
	    s->info.ph.phase == PHASE_CLOSED;
	if (s->info.have_caps) {
		lc->caps = s->info.caps.flags;
		lc->size_max = s->info.caps.size_max;
	}
}

/* Add warning lines for what lint found. */
static void
session_warn(struct session *s, const struct lint_warning **w, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		session_note(s, TDIR_WARN, "%s (%s)", w[i]->text, w[i]->ref);
}

/* Write bytes; on failure close and say why. */
int
session_write(struct session *s, const char *data, size_t len)
{
	if (s->c == NULL) {
		session_fail(s, SERR_CONNECT, "not connected: use :reconnect");
		return -1;
	}
	if (conn_write(s->c, data, len) == -1) {
		session_fail(s, SERR_CONNECT, "write failed: %s",
		    conn_error(s->c));
		session_drop_conn(s);
		phase_on_close(&s->info.ph);
		return -1;
	}
	return 0;
}

/* Does "BDAT n LAST" end the message (RFC 3030 2)? */
static int
session_bdat_last(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return len >= 5 && strncasecmp(line + len - 5, " LAST", 5) == 0;
}

/* Send one command line (without CRLF) and record it. */
int
session_send_line(struct session *s, const char *line, size_t len,
    enum verb v, uint32_t flags, const char *annot)
{
	struct buf	 out;
	struct tline	*tl;
	int		 rc;

	buf_init(&out);
	buf_add(&out, line, len);
	buf_add(&out, "\r\n", 2);
	tl = transcript_add_verb(&s->t, TDIR_C, line, len, flags, annot,
	    (int)v);
	(void)tl;
	rc = session_write(s, out.data, out.len);
	wipe(out.data, out.len);
	buf_free(&out);
	if (rc == 0 && v != VERB_NONE) {
		if (v == VERB_RCPT) {
			free(s->next_rcpt);
			s->next_rcpt = session_addr_arg(line, len);
		}
		/* LMTP: one reply per accepted recipient (RFC 2033 4.2). */
		if (!session_lmtp_push(s, v, v == VERB_BDAT &&
		    session_bdat_last(line, len)))
			session_push(s, v);
		phase_on_command(&s->info.ph, v);
	}
	s->next_kind = PEND_PLAIN;
	free(s->next_rcpt);
	s->next_rcpt = NULL;
	return rc;
}

/*
 * Find the words of "AUTH MECH [response]": the mechanism's offset and
 * length, and where the response starts (len when there is none).
 */
void
session_auth_words(const char *line, size_t len, size_t *mech,
    size_t *mechlen, size_t *resp)
{
	size_t	i = 0;

	while (i < len && !isspace((unsigned char)line[i]))
		i++;
	while (i < len && isspace((unsigned char)line[i]))
		i++;
	*mech = i;
	while (i < len && !isspace((unsigned char)line[i]))
		i++;
	*mechlen = i - *mech;
	while (i < len && isspace((unsigned char)line[i]))
		i++;
	*resp = i;
}

/*
 * Would an unknown command now be a stray AUTH answer: typed before the
 * 334 came, or after the exchange ended without 235 (a script's or a
 * paste's next answer)?  Sent, it would go out and show as a command,
 * readable.  Returns the refusing reply's code, 334 while AUTH or an
 * answer waits for its reply, or 0.
 */
static int
session_stray_answer(const struct session *s, const char *line, size_t len)
{
	size_t	i;
	enum verb v;

	if (verb_of(line, len) != VERB_OTHER)
		return 0;
	for (i = 0; i < s->qlen; i++) {
		v = s->q[(s->qhead + i) % s->qcap].verb;
		if (v == VERB_AUTH || v == VERB_ANSWER)
			return 334;
	}
	return s->auth_refused;
}

int
session_line_is_secret(const struct session *s, const char *line,
    size_t len)
{
	size_t	mech, mechlen, resp;

	switch (s->info.mode) {
	case SMODE_ANSWER:
		return s->info.answer_secret || s->info.answer_raw;
	case SMODE_DATA:
		return 0;
	case SMODE_COMMAND:
		break;
	}
	if (session_stray_answer(s, line, len) != 0)
		return 1;
	if (verb_of(line, len) != VERB_AUTH)
		return 0;
	session_auth_words(line, len, &mech, &mechlen, &resp);
	return resp < len;
}

void
session_allow_plaintext(struct session *s)
{
	s->plaintext_ok = 1;
}

int
session_tls_up(const struct session *s)
{
	return s->info.tls;
}

/*
 * Fail closed: where TLS is required (submission://, --starttls), refuse
 * to send anything but EHLO, HELO, STARTTLS, NOOP, RSET and QUIT before
 * TLS is up, whatever the server offered or answered (a stripped STARTTLS,
 * a 454, a refused EHLO).  Returns 0, or -1 after session_fail(SERR_TLS).
 */
int
session_tls_gate(struct session *s, enum verb v, const char *line,
    size_t len)
{
	size_t	n;

	if (!s->p.require_tls || s->p.allow_plaintext || s->info.tls)
		return 0;
	switch (v) {
	case VERB_EHLO:
	case VERB_HELO:
	case VERB_STARTTLS:
	case VERB_NOOP:
	case VERB_RSET:
	case VERB_QUIT:
		return 0;
	default:
		break;
	}
	/* The verb alone: what follows may be credentials. */
	if ((n = strcspn(line, " \t:")) > len)
		n = len;
	session_fail(s, SERR_TLS, "not sending %.*s: TLS is not up, and %s "
	    "requires it first (the server may have hidden or refused "
	    "STARTTLS); --allow-plaintext sends it anyway", (int)n, line,
	    s->p.starttls ? "--starttls" : "submission://");
	return -1;
}

/*
 * An initial response that decodes to base64 text again was encoded
 * twice: say so before it goes (the server would refuse it).
 */
static void
session_ir_check(struct session *s, const char *ir, size_t len)
{
	struct buf	d;

	buf_init(&d);
	if (b64_decode(ir, len, &d) == 0 && auth_looks_encoded(d.data, d.len))
		session_note(s, TDIR_WARN, "the initial response is base64 of "
		    "base64: it was encoded twice, and the server will likely "
		    "refuse it (535); encode the credentials once");
	if (d.data != NULL)
		wipe(d.data, d.cap);
	buf_free(&d);
}

char *
session_ir_once(const char *line, size_t len)
{
	size_t		 mech, mechlen, resp;
	struct buf	 d;
	char		*fixed = NULL;

	if (verb_of(line, len) != VERB_AUTH)
		return NULL;
	session_auth_words(line, len, &mech, &mechlen, &resp);
	if (resp >= len)
		return NULL;
	buf_init(&d);
	if (b64_decode(line + resp, len - resp, &d) == 0 &&
	    auth_looks_encoded(d.data, d.len))
		fixed = xprintf("%.*s %.*s", (int)(mech + mechlen), line,
		    (int)d.len, d.data);
	if (d.data != NULL)
		wipe(d.data, d.cap);
	buf_free(&d);
	return fixed;
}

/* Send a command typed in command mode. */
int
session_command(struct session *s, const char *line, size_t len)
{
	const struct lint_warning	*w[8];
	struct lint_ctx			 lc;
	enum verb			 v;
	size_t				 n;

	v = verb_of(line, len);
	if (session_tls_gate(s, v, line, len) == -1)
		return -1;
	switch (session_stray_answer(s, line, len)) {
	case 0:
		break;
	case 334:
		session_fail(s, SERR_LOCAL, "this line looks like an AUTH "
		    "answer, but no 334 has asked for one yet: sent now it "
		    "would go out as a command, readable (answers go after "
		    "the 334)");
		return -1;
	default:
		session_fail(s, SERR_LOCAL, "this line looks like an AUTH "
		    "answer, but the AUTH exchange is over (the server "
		    "answered %d): sent now it would go out as a command, "
		    "readable", s->auth_refused);
		return -1;
	}
	if (v != VERB_OTHER)
		s->auth_refused = 0;
	/* XCLIENT and XFORWARD typed as is: their replies are explained. */
	if (v == VERB_OTHER && len > 8 && strncasecmp(line, "XCLIENT ", 8) == 0)
		s->next_kind = PEND_XCLIENT_TYPED;
	else if (v == VERB_OTHER && len > 9 &&
	    strncasecmp(line, "XFORWARD ", 9) == 0)
		s->next_kind = PEND_XFORWARD;
	session_lint_ctx(s, &lc);
	n = lint_command(&lc, line, len, w, 8);
	session_warn(s, w, n);

	if (v == VERB_EHLO || v == VERB_HELO) {
		const char	*wp = line;

		while (wp < line + len && (*wp == ' ' || *wp == '\t'))
			wp++;
		/* RFC 2033 4.1: LMTP greets with LHLO, never EHLO or HELO. */
		if (line + len - wp >= 4 && strncasecmp(wp, "LHLO", 4) == 0) {
			if (!s->p.lmtp)
				session_note(s, TDIR_WARN, "LHLO is LMTP's "
				    "greeting (RFC 2033 4.1); an SMTP server "
				    "wants EHLO");
		} else if (s->p.lmtp)
			session_note(s, TDIR_WARN, "this is LMTP: it greets "
			    "with LHLO (RFC 2033 4.1); %s goes out as typed "
			    "and an LMTP server may well refuse it",
			    v == VERB_EHLO ? "EHLO" : "HELO");
		free(s->last_ehlo);
		s->last_ehlo = xstrndup(line, len);
	}
	if (v == VERB_MAIL) {
		free(s->mail_from);
		s->mail_from = session_addr_arg(line, len);
		free(s->rcpt_first);
		s->rcpt_first = NULL;
	}
	if (v == VERB_RCPT && s->rcpt_first == NULL)
		s->rcpt_first = session_addr_arg(line, len);
	if (v == VERB_AUTH) {
		size_t	mech, mechlen, resp;
		char	*mask;

		/* AUTH MECH [initial-response]: the response may be secret. */
		session_auth_words(line, len, &mech, &mechlen, &resp);
		snprintf(s->typed_mech, sizeof s->typed_mech, "%.*s",
		    (int)mechlen, line + mech);
		s->auth_n = resp < len ? 1 : 0;
		s->raw_exchange = 0;
		if (resp < len) {
			char	*d;
			int	 secret;

			if (!s->auth_active)
				session_plain_user(s, line + resp, len - resp);
			session_ir_check(s, line + resp, len - resp);
			d = auth_describe(s->typed_mech, 0, line + resp,
			    len - resp);
			mask = xprintf("%.*s %s", (int)(mech + mechlen), line,
			    d);
			free(d);
			secret = auth_answer_secret(s->typed_mech, 0,
			    line + resp, len - resp);
			n = (size_t)session_send_line(s, line, len, v,
			    secret ? TL_SECRET : 0, mask);
			free(mask);
			return (int)n;
		}
	}
	if (v == VERB_BDAT) {
		unsigned long long	 size = 0;
		size_t			 k = 4;
		int			 rc;

		/* "BDAT size [LAST]": the chunk follows the command. */
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		while (k < len && line[k] >= '0' && line[k] <= '9' &&
		    size < 1000000000000ULL)
			size = size * 10 + (unsigned long long)(line[k++] - '0');
		rc = session_send_line(s, line, len, v, 0, NULL);
		if (rc == 0 && size > 0) {
			s->info.bdat_left = size;
			session_note(s, TDIR_INFO, "BDAT: the next %llu octets "
			    "you type are the chunk (each line with its CRLF; "
			    "no dot-stuffing)", size);
		}
		return rc;
	}
	return session_send_line(s, line, len, v, 0, NULL);
}

/* Send one line of message content. */
static int
session_data_line(struct session *s, const char *line, size_t len)
{
	const struct lint_warning	*w[8];
	struct lint_ctx			 lc;
	struct buf			 out;
	struct tline			*tl;
	size_t				 n;
	int				 stuffed, rc;

	if (data_is_end(line, len)) {
		session_lint_ctx(s, &lc);
		n = lint_data_end(&lc, s->info.data_octets, w, 8);
		session_warn(s, w, n);
		s->info.mode = SMODE_COMMAND;
		return session_send_line(s, ".", 1, VERB_DOT, TL_DATA, NULL);
	}
	session_lint_ctx(s, &lc);
	n = lint_data_line(&lc, line, len, 0, w, 8);
	session_warn(s, w, n);

	buf_init(&out);
	stuffed = data_stuff_line(&out, line, len);
	tl = transcript_add_verb(&s->t, TDIR_C, out.data, out.len - 2,
	    TL_DATA | (stuffed ? TL_STUFFED : 0),
	    stuffed ? "dot-stuffed: a '.' was added in front" : NULL,
	    VERB_DATA);
	(void)tl;
	s->info.data_octets += out.len;
	rc = session_write(s, out.data, out.len);
	buf_free(&out);
	return rc;
}

int
session_input(struct session *s, const char *line, size_t len)
{
	if (s->c == NULL) {
		session_fail(s, SERR_CONNECT, s->dial != NULL ?
		    "still connecting: nothing was sent" :
		    "not connected: nothing was sent (use :reconnect)");
		return -1;
	}
	/* Typed ahead of a 354: the line waits for it (session_data.c). */
	if (session_must_hold(s))
		return session_hold(s, line, len);
	return session_input_now(s, line, len);
}

/*
 * After BDAT N the next N octets are the chunk, counted, with no
 * dot-stuffing (RFC 3030 2): typed lines go out with their CRLF until the
 * count is reached; what a line has beyond it is not sent, and said.
 */
static int
session_bdat_line(struct session *s, const char *line, size_t len)
{
	struct buf	 out;
	size_t		 n;
	int		 rc;

	buf_init(&out);
	buf_add(&out, line, len);
	buf_add(&out, "\r\n", 2);
	n = out.len < s->info.bdat_left ? out.len :
	    (size_t)s->info.bdat_left;
	transcript_add_verb(&s->t, TDIR_C, out.data, n >= len ? len : n,
	    TL_DATA, NULL, VERB_BDAT);
	s->info.bdat_left -= n;
	s->info.data_octets += n;
	rc = session_write(s, out.data, n);
	if (n < out.len)
		session_note(s, TDIR_WARN, "BDAT counted its octets: the last "
		    "%zu octets of this line (%s) were not sent", out.len - n,
		    n >= len ? "its line end" : "text and line end");
	else if (s->info.bdat_left > 0)
		session_note(s, TDIR_INFO, "BDAT: %llu octets of the chunk "
		    "still to send", s->info.bdat_left);
	buf_free(&out);
	return rc;
}

/* Send a line in the current mode, held or not. */
int
session_input_now(struct session *s, const char *line, size_t len)
{
	if (s->c == NULL) {
		session_fail(s, SERR_CONNECT, "not connected: nothing was sent "
		    "(use :reconnect)");
		return -1;
	}
	if (s->info.bdat_left > 0)
		return session_bdat_line(s, line, len);
	switch (s->info.mode) {
	case SMODE_DATA:
		return session_data_line(s, line, len);
	case SMODE_ANSWER:
		return session_answer(s, line, len, s->info.answer_secret);
	case SMODE_COMMAND:
		break;
	}
	return session_command(s, line, len);
}

void
session_set_raw(struct session *s)
{
	s->info.answer_raw = 1;
}

/* Run lint over a command the session makes up itself. */
void
session_lint_command(struct session *s, const char *line)
{
	const struct lint_warning	*w[8];
	struct lint_ctx			 lc;
	size_t				 n;

	session_lint_ctx(s, &lc);
	n = lint_command(&lc, line, strlen(line), w, 8);
	session_warn(s, w, n);
}

/* Start streaming the queued file or text after a 354. */
static void
session_start_content(struct session *s)
{
	char	*text;

	if (s->pending_file != NULL) {
		char	*path = s->pending_file;

		s->pending_file = NULL;
		session_stream_open(s, path);
		free(path);
	} else if (s->pending_text != NULL) {
		text = s->pending_text;
		s->pending_text = NULL;
		session_send_message(s, text);
		free(text);
	}
}

/*
 * Note the likely cause of the failure just recorded, from the session so
 * far (kb_diagnose), so scripts and logs carry it too.
 */
static void
session_diagnose(struct session *s)
{
	struct buf	d;

	buf_init(&d);
	if (kb_diagnose_last(&d, &s->t) == 0)
		session_note(s, TDIR_INFO, "diagnosis: %s", buf_str(&d));
	buf_free(&d);
}


/*
 * A reply that answers nothing: none was waiting, or it cannot answer
 * the command at the head of the queue.  It is said and left unpaired,
 * so the replies after it stay with their commands; a run of them is a
 * flood, and the connection is closed.
 */
static void
session_on_unasked(struct session *s, const struct reply *r)
{
	char	*text;

	/* 421s count too: a server that says it closes and never does. */
	if (++s->unasked_run > SESSION_UNASKED_MAX) {
		session_fail(s, SERR_CONNECT, "the server sent more than %d "
		    "replies nobody asked for; closing the connection (a "
		    "flood)", SESSION_UNASKED_MAX);
		session_drop_conn(s);
		phase_on_close(&s->info.ph);
		return;
	}
	if (r->code == 421 && s->qlen == 0) {
		/* RFC 5321 3.8: a server may say 421 at any time, and close. */
		phase_on_reply(&s->info.ph, VERB_NONE, r->code);
		session_note(s, TDIR_INFO, "the server is closing the "
		    "connection (421)");
		return;
	}
	s->unasked++;
	if (s->unasked > SESSION_UNASKED_NOTES) {
		if (s->unasked == SESSION_UNASKED_NOTES + 1)
			session_note(s, TDIR_WARN, "more replies nobody asked "
			    "for: from here on they are not noted one by one");
		return;
	}
	text = sanitize_dup(r->nlines > 0 ? r->lines[0].text : "",
	    r->nlines > 0 ? r->lines[0].len : 0);
	if (strlen(text) > 60)
		memcpy(text + 57, "...", 4);
	if (s->qlen == 0)
		session_note(s, TDIR_WARN, "a reply nobody asked for: \"%s\" "
		    "came while no command was waiting; it answers nothing",
		    text);
	else
		session_note(s, TDIR_WARN, "a reply nobody asked for: a %03d "
		    "cannot answer %s (RFC 5321 4.3.2), so \"%s\" is not "
		    "taken as its reply; %s still waits", r->code,
		    session_front(s) == VERB_NONE ? "the connection (a "
		    "greeting is 220 or 554)" : verb_name(session_front(s)),
		    text, session_front(s) == VERB_NONE ? "the greeting" :
		    verb_name(session_front(s)));
	free(text);
}

/* React to a complete reply. */
static void
session_on_reply(struct session *s, struct reply *r)
{
	struct pending	 pd;
	enum verb	 v;
	double		 sent;
	int		 cls;

	if (s->cur_unasked) {
		session_on_unasked(s, r);
		return;
	}
	s->unasked_run = 0;
	v = session_pop(s, &sent, &pd);
	s->progress = transcript_now();
	if (sent >= 0)
		s->info.last_latency_ms = (transcript_now() - sent) * 1000.0;
	s->nreplies++;
	cls = reply_class(r->code);
	phase_on_reply(&s->info.ph, v, r->code);
	session_popped(s, &pd, r);
	free(pd.rcpt);
	if (s->c == NULL)
		goto done;
	if (r->flags & REPLY_FAULTS)
		session_note(s, TDIR_WARN, "malformed reply: %s%s%s",
		    (r->flags & REPLY_BAD_CODE) ? "a line without a 3-digit "
		    "code " : "", (r->flags & REPLY_NO_SEP) ? "a code not "
		    "followed by space or '-' " : "",
		    (r->flags & REPLY_MISMATCH) ? "codes differ inside one "
		    "multi-line reply " : "");

	if (r->code == 334) {
		const char	*text = "";
		size_t		 off = 0;
		char		 sep;

		if (r->nlines > 0) {
			reply_line_code(r->lines[0].text, r->lines[0].len,
			    &sep, &off);
			text = r->lines[0].text + off;
		}
		session_on_challenge(s, text, strlen(text));
		if (s->auth_active && s->qlen == 0)
			session_auth_answer(s);
		goto done;
	}
	if (v == VERB_AUTH || v == VERB_ANSWER) {
		/* An answer typed after this would be a stray one. */
		s->auth_refused = r->code != 235 ? r->code : 0;
		s->info.mode = SMODE_COMMAND;
		s->info.answer_secret = 0;
		s->info.answer_hint = NULL;
		if (r->code == 235) {
			free(s->auth_user_shown);
			s->auth_user_shown = s->auth_pending_user != NULL ?
			    xstrdup(s->auth_pending_user) : xstrdup("(yes)");
			s->info.auth_user = s->auth_user_shown;
		}
		session_auth_reset(s);
	}
	switch (v) {
	case VERB_EHLO:
		if (cls == 2) {
			if (s->info.have_caps)
				ehlo_free(&s->info.caps);
			s->info.have_caps = ehlo_parse(&s->info.caps, r) == 0;
			if (s->p.starttls && !s->info.tls &&
			    !s->starttls_sent) {
				s->starttls_sent = 1;
				if (!(s->info.caps.flags & EHLO_STARTTLS)) {
					/* Never fall back to plaintext. */
					session_fail(s, SERR_TLS, "the server "
					    "does not offer STARTTLS; closing "
					    "(--starttls never goes on in "
					    "plaintext)");
					session_drop_conn(s);
					phase_on_close(&s->info.ph);
					break;
				}
				s->auto_ehlo_after_tls = 1;
				session_command(s, "STARTTLS", 8);
			} else
				session_after_ehlo(s);
		}
		break;
	case VERB_STARTTLS:
		if (r->code == 220)
			session_start_tls(s);
		else if (s->p.starttls) {
			session_fail(s, SERR_TLS, "STARTTLS refused with %d; "
			    "closing (--starttls never goes on in plaintext)",
			    r->code);
			session_drop_conn(s);
			phase_on_close(&s->info.ph);
		}
		break;
	case VERB_DATA:
		if (r->code == 354) {
			s->info.mode = SMODE_DATA;
			s->info.data_octets = 0;
			session_start_content(s);
		} else {
			free(s->pending_file);
			s->pending_file = NULL;
			free(s->pending_text);
			s->pending_text = NULL;
			session_held_refused(s, r->code);
		}
		break;
	case VERB_BDAT:
		/* :bdat FILE: the next chunk, once this one is answered. */
		session_bdat_reply(s, r->code);
		break;
	case VERB_QUIT:
	default:
		break;
	}
	if (r->code == 421)
		session_note(s, TDIR_INFO, "the server is closing the "
		    "connection (421)");
	if (cls >= 4 && (v != VERB_NONE || s->nreplies == 1))
		session_diagnose(s);
done:
	if (s->have_last)
		reply_free(&s->last);
	s->last = *r;
	s->have_last = 1;
	memset(r, 0, sizeof *r);
	/* Lines typed ahead of this reply may go now (after a 354). */
	session_held_flush(s);
}

/* A line arrived from the server. */
/*
 * Where a server line quotes a secret we sent lately (an echo of our
 * masked answer or initial response): its offset and *qlen, or -1.  The
 * bytes are the server's, but decoded or shown they would be our secret.
 */
ssize_t
session_quotes_secret(const struct session *s, const char *line,
    size_t len, size_t *qlen)
{
	const struct tline	*tl;
	const char		*tok, *sp, *hit;
	size_t			 i, n;

	for (i = s->t.n, n = 0; i > 0 && n < 64; i--, n++) {
		tl = &s->t.lines[i - 1];
		if (tl->dir != TDIR_C || !(tl->flags & TL_SECRET))
			continue;
		/* An answer is all secret; a command, its last word. */
		tok = tl->raw;
		if (!(tl->flags & TL_ANSWER) && (sp = strrchr(tl->raw, ' ')) !=
		    NULL)
			tok = sp + 1;
		*qlen = tl->len - (size_t)(tok - tl->raw);
		if (*qlen >= 4 && (hit = memmem(line, len, tok, *qlen)) != NULL)
			return hit - line;
	}
	return -1;
}

void
session_on_line(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct session	*s = arg;
	struct reply	 r;
	struct tline	*tl;
	char		*annot = NULL, sep;
	size_t		 off = 0, qlen;
	ssize_t		 at;
	uint32_t	 secret = 0;
	int		 was_open, done;

	if (s->c == NULL)
		return;		/* the connection was dropped in this read */
	if (s->rp.open && s->rp.cur.nlines >= SESSION_REPLY_MAX_LINES) {
		session_fail(s, SERR_CONNECT, "the server sent a reply of more "
		    "than %d lines; giving up on this connection",
		    SESSION_REPLY_MAX_LINES);
		session_drop_conn(s);
		phase_on_close(&s->info.ph);
		return;
	}
	was_open = s->rp.open;
	if (!was_open) {
		/* The first line says whether the reply answers anything. */
		s->cur_unasked = s->qlen == 0 || !phase_reply_fits(
		    session_front(s), reply_line_code(line, len, &sep, &off));
	}
	memset(&r, 0, sizeof r);
	/*
	 * The stream ended inside this line: it is shown, but a cut-off
	 * line answers nothing ("250 2.6.0 que" is no proof of delivery),
	 * so the command still waits and the close is said as such.
	 */
	if (flags & LINE_PARTIAL)
		done = 0;
	else
		done = reply_parser_line(&s->rp, line, len, flags, &r);
	if ((at = session_quotes_secret(s, line, len, &qlen)) >= 0) {
		/* Our secret quoted back: masked, and never decoded. */
		annot = xprintf("%.*s********%.*s", (int)at, line,
		    (int)(len - (size_t)at - qlen), line + at + qlen);
		secret = TL_SECRET;
	} else if (!was_open && !s->cur_unasked &&
	    session_front_rcpt(s) != NULL) {
		/* LMTP: each reply after the data is one recipient's. */
		annot = xprintf("for <%s>", session_front_rcpt(s));
	} else if (reply_line_code(line, len, &sep, &off) == 334 &&
	    off < len) {
		/* A 334 carries base64: keep what it decodes to beside it. */
		struct buf	 dec;
		const char	*guess;
		enum auth_chal	 c;

		/* Damaged ones are shown escaped; unpadded ones decoded. */
		buf_init(&dec);
		c = auth_challenge_check(line + off, len - off, &dec, &guess);
		if (c != AUTH_CHAL_NOT_BASE64 && dec.len > 0)
			annot = sanitize_dup(dec.data, dec.len);
		buf_free(&dec);
	}
	tl = transcript_add_verb(&s->t, TDIR_S, line, len,
	    (flags & LINE_FAULTS) | (was_open ? TL_CONT : 0) |
	    (done ? TL_REPLY_END | (r.flags & REPLY_FAULTS) : 0) |
	    (annot != NULL && !secret ? TL_DECODED : 0) | secret, annot,
	    s->cur_unasked ? VERB_UNASKED : session_front(s));
	(void)tl;
	free(annot);
	if (secret)
		session_note(s, TDIR_WARN, "the server quoted back a secret "
		    "we sent; it is masked here, and not decoded");
	if (flags & LINE_TOO_LONG)
		session_note(s, TDIR_WARN, "the server sent a line longer than "
		    "998 octets%s (RFC 5321 4.5.3.1.6)",
		    (flags & LINE_TRUNCATED) ? "; only the start is kept" : "");
	if (flags & LINE_BARE_LF)
		session_note(s, TDIR_WARN, "the server ended a line with a "
		    "bare LF instead of CRLF (RFC 5321 2.3.8)");
	if (flags & LINE_NUL)
		session_note(s, TDIR_WARN, "the server sent NUL bytes");
	if (flags & LINE_PARTIAL)
		session_note(s, TDIR_WARN, "the connection ended in the "
		    "middle of this line (no CRLF): it completes no reply");
	if (done) {
		session_on_reply(s, &r);
		reply_free(&r);
	}
}

struct transcript *
session_transcript(struct session *s)
{
	return &s->t;
}

const struct session_info *
session_info(const struct session *s)
{
	return &s->info;
}

const struct reply *
session_last_reply(const struct session *s)
{
	return s->have_last ? &s->last : NULL;
}

size_t
session_reply_count(const struct session *s)
{
	return s->nreplies;
}

const char *
session_mail_from(const struct session *s)
{
	return s->mail_from;
}

const char *
session_rcpt_first(const struct session *s)
{
	return s->rcpt_first;
}

int
session_show_secrets(const struct session *s)
{
	return s->p.show_secrets;
}
