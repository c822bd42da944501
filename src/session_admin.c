/*
 * session_admin.c: what a session does besides plain SMTP: Postfix's
 * XCLIENT and XFORWARD (sent after EHLO, for --xclient/--xforward or
 * :xclient/:xforward), LMTP's reply per recipient after the data (RFC
 * 2033 4.2), and the program behind --pipe (its stderr and its end).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/ehlo.h"
#include "smtpscope/pipecmd.h"
#include "smtpscope/reply.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/session.h"
#include "smtpscope/xclient.h"
#include "smtpscope/xmalloc.h"

#include "src/session_internal.h"

/* Program stderr lines noted per connection; the rest are counted. */
#define SESSION_PIPE_ERRLINES	500
/* How long a program may take to end by itself once its input is closed. */
#define SESSION_PIPE_GRACE_MS	500

/* Forget the recipients an LMTP transaction has had accepted. */
static void
session_lmtp_clear(struct session *s)
{
	size_t	i;

	for (i = 0; i < s->nlmtp_ok; i++)
		free(s->lmtp_ok[i]);
	s->nlmtp_ok = 0;
}

void
session_queue_clear(struct session *s)
{
	size_t	i;

	for (i = 0; i < s->qlen; i++) {
		free(s->q[(s->qhead + i) % s->qcap].rcpt);
		s->q[(s->qhead + i) % s->qcap].rcpt = NULL;
	}
	s->qlen = 0;
	s->qhead = 0;
	session_lmtp_clear(s);
	free(s->next_rcpt);
	s->next_rcpt = NULL;
	s->next_kind = PEND_PLAIN;
}

const char *
session_front_rcpt(const struct session *s)
{
	const struct pending	*p;

	if (s->qlen == 0)
		return NULL;
	p = &s->q[s->qhead];
	return p->kind == PEND_LMTP ? p->rcpt : NULL;
}

/* Queue one reply for the end of the data for recipient r. */
static void
session_lmtp_one(struct session *s, enum verb v, const char *r)
{
	free(s->next_rcpt);
	s->next_kind = PEND_LMTP;
	s->next_rcpt = xstrdup(r != NULL ? r : "");
	session_push(s, v);
}

/*
 * LMTP: the final dot (or BDAT ... LAST) gets one reply per recipient
 * accepted (RFC 2033 4.2).  Recipients whose RCPT is still unanswered
 * (a pipelined BDAT) are counted as if accepted; a refusal takes its
 * entry out again (session_popped).  Returns 1 when it queued the
 * replies, 0 when the caller queues the usual one.
 */
int
session_lmtp_push(struct session *s, enum verb v, int last)
{
	const struct pending	*p;
	size_t			 i, n, queued;

	if (!s->p.lmtp || !(v == VERB_DOT || (v == VERB_BDAT && last)))
		return 0;
	n = s->nlmtp_ok;
	for (i = 0; i < s->qlen; i++)
		if (s->q[(s->qhead + i) % s->qcap].verb == VERB_RCPT)
			n++;
	if (n == 0)
		return 0;
	for (i = 0; i < s->nlmtp_ok; i++)
		session_lmtp_one(s, v, s->lmtp_ok[i]);
	queued = s->qlen;
	for (i = 0; i < queued; i++) {
		p = &s->q[(s->qhead + i) % s->qcap];
		if (p->verb == VERB_RCPT)
			session_lmtp_one(s, v, p->rcpt);
	}
	if (n == s->nlmtp_ok)
		session_note(s, TDIR_INFO, "LMTP: %zu repl%s due, one for "
		    "each recipient accepted, in the order of the RCPT "
		    "commands (RFC 2033 4.2)", n, n == 1 ? "y is" : "ies are");
	else
		session_note(s, TDIR_INFO, "LMTP: up to %zu replies are due, "
		    "one for each recipient accepted, in the order of the RCPT "
		    "commands (RFC 2033 4.2); %zu RCPT repl%s still to come, "
		    "and a refused one has none", n, n - s->nlmtp_ok,
		    n - s->nlmtp_ok == 1 ? "y is" : "ies are");
	session_lmtp_clear(s);
	return 1;
}

/* A refused RCPT takes back the reply queued for it after the data. */
static void
session_lmtp_unqueue(struct session *s, const char *rcpt)
{
	struct pending	*p, *q;
	size_t		 i, j;

	for (i = 0; i < s->qlen; i++) {
		p = &s->q[(s->qhead + i) % s->qcap];
		if (p->kind != PEND_LMTP || p->rcpt == NULL || rcpt == NULL ||
		    strcmp(p->rcpt, rcpt) != 0)
			continue;
		free(p->rcpt);
		for (j = i; j + 1 < s->qlen; j++) {
			p = &s->q[(s->qhead + j) % s->qcap];
			q = &s->q[(s->qhead + j + 1) % s->qcap];
			*p = *q;
		}
		s->qlen--;
		s->info.waiting = s->qlen;
		return;
	}
}

/* Say what one recipient's reply after the data means. */
static void
session_lmtp_explain(struct session *s, const char *rcpt, int code)
{
	if (reply_class(code) == 2)
		s->info.lmtp_delivered++;
	else
		s->info.lmtp_failed++;
	switch (reply_class(code)) {
	case 2:
		session_note(s, TDIR_INFO, "LMTP: <%s> has the message "
		    "(delivered)", rcpt);
		break;
	case 4:
		session_note(s, TDIR_INFO, "LMTP: <%s> did not get the "
		    "message, for now (%d): try again later for this "
		    "recipient alone; the others are not affected", rcpt,
		    code);
		break;
	default:
		session_note(s, TDIR_INFO, "LMTP: <%s> did not get the "
		    "message (%d), for good: the others are not affected, so "
		    "send again to this recipient only (or bounce)", rcpt,
		    code);
		break;
	}
}

/* Send EHLO (or LHLO) again, as typed last. */
static void
session_ehlo_again(struct session *s)
{
	char	*line;

	if (s->last_ehlo != NULL)
		line = xstrdup(s->last_ehlo);
	else
		line = xstrdup(s->p.lmtp ? "LHLO localhost" :
		    "EHLO localhost");
	session_note(s, TDIR_INFO, "sending %.4s again: after XCLIENT the "
	    "session starts over", line);
	(void)session_command(s, line, strlen(line));
	free(line);
}

void
session_popped(struct session *s, const struct pending *pd,
    const struct reply *r)
{
	int	cls = reply_class(r->code);

	if (pd->verb == VERB_MAIL || pd->verb == VERB_RSET ||
	    pd->verb == VERB_EHLO || pd->verb == VERB_HELO)
		session_lmtp_clear(s);
	if (pd->verb == VERB_RCPT && s->p.lmtp) {
		if (cls == 2) {
			if (s->nlmtp_ok == s->lmtp_okcap) {
				s->lmtp_okcap = s->lmtp_okcap ?
				    s->lmtp_okcap * 2 : 8;
				s->lmtp_ok = xreallocarray(s->lmtp_ok,
				    s->lmtp_okcap, sizeof *s->lmtp_ok);
			}
			s->lmtp_ok[s->nlmtp_ok++] = xstrdup(pd->rcpt != NULL ?
			    pd->rcpt : "");
		} else
			session_lmtp_unqueue(s, pd->rcpt);
	}
	switch (pd->kind) {
	case PEND_LMTP:
		session_lmtp_explain(s, pd->rcpt != NULL ? pd->rcpt : "",
		    r->code);
		break;
	case PEND_XCLIENT_TYPED:
		if (r->code == 220)
			session_note(s, TDIR_INFO, "XCLIENT accepted: the "
			    "server now takes us for the client named and greets "
			    "anew (220): send EHLO again before anything else");
		else
			session_note(s, TDIR_WARN, "XCLIENT refused (%d)",
			    r->code);
		break;
	case PEND_XCLIENT:
		if (r->code == 220) {
			session_note(s, TDIR_INFO, "XCLIENT accepted: the "
			    "server now takes us for the client named; it "
			    "greets anew (220) and wants EHLO again");
			if (s->info.have_caps) {
				ehlo_free(&s->info.caps);
				s->info.have_caps = 0;
			}
			session_ehlo_again(s);
			break;
		}
		if (s->xclient_done == 1) {
			session_fail(s, SERR_PROTO, "XCLIENT refused with %d; "
			    "closing (--xclient does not go on as ourselves)",
			    r->code);
			session_drop_conn(s);
			phase_on_close(&s->info.ph);
			return;
		}
		session_note(s, TDIR_WARN, "XCLIENT refused (%d): the "
		    "session goes on as ourselves (the server must list our "
		    "address in smtpd_authorized_xclient_hosts)", r->code);
		break;
	case PEND_XFORWARD:
		if (cls == 2) {
			session_note(s, TDIR_INFO, "XFORWARD accepted: the "
			    "attributes go with the next message into the log "
			    "and the queue file");
			break;
		}
		if (s->xforward_done == 1) {
			session_fail(s, SERR_PROTO, "XFORWARD refused with %d; "
			    "closing (--xforward does not go on without it)",
			    r->code);
			session_drop_conn(s);
			phase_on_close(&s->info.ph);
			return;
		}
		session_note(s, TDIR_WARN, "XFORWARD refused (%d): the "
		    "server must list our address in "
		    "smtpd_authorized_xforward_hosts", r->code);
		break;
	case PEND_PLAIN:
		break;
	}
	if (pd->kind == PEND_XCLIENT && s->xclient_done == 1)
		s->xclient_done = 2;
	if (pd->kind == PEND_XFORWARD && s->xforward_done == 1)
		s->xforward_done = 2;
}

int
session_xclient(struct session *s, enum xclient_kind k, const char *attrs)
{
	const char	*name = k == XCLIENT_XCLIENT ? "XCLIENT" : "XFORWARD";
	char		*line, err[512];
	int		 rc;

	if (s->c == NULL) {
		session_fail(s, SERR_CONNECT, "not connected: nothing was sent "
		    "(use :reconnect)");
		return -1;
	}
	if ((line = xclient_build(k, attrs, err, sizeof err)) == NULL) {
		session_fail(s, SERR_LOCAL, "%s", err);
		return -1;
	}
	if (!s->info.have_caps) {
		session_fail(s, SERR_PROTO, "%s goes after EHLO, and only when "
		    "its reply lists %s: nothing was sent", name, name);
		free(line);
		return -1;
	}
	if (ehlo_find(&s->info.caps, name) == NULL) {
		session_fail(s, SERR_PROTO, "the server does not offer %s "
		    "(its EHLO reply does not list it, so our address is not "
		    "one it trusts for it): nothing was sent", name);
		free(line);
		return -1;
	}
	if (session_tls_gate(s, VERB_OTHER, line, strlen(line)) == -1) {
		free(line);
		return -1;
	}
	s->next_kind = k == XCLIENT_XCLIENT ? PEND_XCLIENT : PEND_XFORWARD;
	rc = session_send_line(s, line, strlen(line), VERB_OTHER, 0, NULL);
	free(line);
	return rc;
}

void
session_after_ehlo(struct session *s)
{
	/* submission://: they wait for the EHLO after STARTTLS. */
	if (s->p.require_tls && !s->info.tls &&
	    (s->p.xclient != NULL || s->p.xforward != NULL)) {
		if (!s->p.starttls && s->xclient_done == 0 &&
		    s->xforward_done == 0)
			session_note(s, TDIR_INFO, "%s waits for TLS: it goes "
			    "after STARTTLS and the EHLO that follows",
			    s->p.xclient != NULL ? "XCLIENT" : "XFORWARD");
		return;
	}
	if (s->p.xclient != NULL && s->xclient_done == 0) {
		s->xclient_done = 1;
		if (session_xclient(s, XCLIENT_XCLIENT, s->p.xclient) == -1) {
			session_drop_conn(s);
			phase_on_close(&s->info.ph);
		}
		return;
	}
	if (s->p.xforward != NULL && s->xforward_done == 0) {
		s->xforward_done = 1;
		if (session_xclient(s, XCLIENT_XFORWARD, s->p.xforward) ==
		    -1) {
			session_drop_conn(s);
			phase_on_close(&s->info.ph);
		}
	}
}

/* One line of the program's stderr, as a note. */
static void
session_pipe_errline(void *arg, const char *line, size_t len)
{
	struct session	*s = arg;
	char		*text;

	if (++s->pipe_errlines > SESSION_PIPE_ERRLINES) {
		if (s->pipe_errlines == SESSION_PIPE_ERRLINES + 1)
			session_note(s, TDIR_WARN, "the program writes more to "
			    "its stderr: not noted from here on");
		return;
	}
	text = sanitize_dup(line, len);
	session_note(s, TDIR_INFO, "program stderr: %s", text);
	free(text);
}

int
session_aux_fd(const struct session *s)
{
	return pipecmd_err_fd(s->pipe);
}

void
session_aux_io(struct session *s)
{
	if (s->pipe != NULL)
		(void)pipecmd_err_read(s->pipe, session_pipe_errline, s);
}

void
session_pipe_end(struct session *s)
{
	char	how[160];

	if (s->pipe == NULL)
		return;
	pipecmd_end(s->pipe, SESSION_PIPE_GRACE_MS, how, sizeof how);
	/* What it wrote to stderr before it ended. */
	(void)pipecmd_err_read(s->pipe, session_pipe_errline, s);
	session_note(s, TDIR_INFO, "the program (pid %ld) %s", (long)
	    pipecmd_pid(s->pipe), how);
	pipecmd_free(s->pipe);
	s->pipe = NULL;
}
