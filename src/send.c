/*
 * send.c: the one-shot send.  A small state machine makes each line once
 * the replies to the one before are in, so it can stop where the server
 * said no (a refused step ends the run with QUIT, exit 1), go on past a
 * refused recipient while one is accepted (as swaks does), and put on
 * MAIL and RCPT only the parameters the EHLO offered.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/buf.h"
#include "smtpscope/ehlo.h"
#include "smtpscope/send.h"
#include "smtpscope/session.h"
#include "smtpscope/xclient.h"
#include "smtpscope/xmalloc.h"

enum send_step {
	SS_BANNER, SS_EHLO, SS_AUTH, SS_MAIL, SS_RCPT, SS_MSG, SS_DONE
};

struct send_state {
	struct send_params	*p;
	enum send_step		 step;
	size_t			 rcpt;		/* RCPTs sent */
	size_t			 accepted;
	int			 failed;
	const char		*why;		/* the step refused, if failed */
	int			 stopped;	/* --quit-after reached */
	int			 helo;		/* fell back to HELO */
};

static const char *const stage_names[] = {
	"", "connect", "banner", "ehlo", "tls", "auth", "mail", "rcpt", NULL
};

int
send_stage_parse(const char *name)
{
	int	i;

	for (i = 1; stage_names[i] != NULL; i++)
		if (strcasecmp(name, stage_names[i]) == 0)
			return i;
	/* swaks' other names for the same stages. */
	if (strcasecmp(name, "helo") == 0)
		return STAGE_EHLO;
	if (strcasecmp(name, "from") == 0)
		return STAGE_MAIL;
	if (strcasecmp(name, "to") == 0)
		return STAGE_RCPT;
	if (strcasecmp(name, "first-helo") == 0)
		return STAGE_EHLO;
	return -1;
}

/* The last reply's code, or 0. */
static int
send_code(struct session *s)
{
	const struct reply	*r = session_last_reply(s);

	return r != NULL ? r->code : 0;
}

/* A step the server refused: say so and say goodbye. */
static char *
send_refused(struct send_state *st, struct session *s, const char *what)
{
	session_note(s, TDIR_WARN, "%s: not going on; QUIT ends the session "
	    "(exit status 1)", what);
	st->failed = 1;
	st->why = what;
	st->step = SS_DONE;
	return xstrdup("QUIT");
}

/* --quit-after reached. */
static char *
send_stop(struct send_state *st, struct session *s)
{
	session_note(s, TDIR_INFO, "--quit-after %s: stopping here with QUIT",
	    stage_names[st->p->quit_after]);
	st->stopped = 1;
	st->step = SS_DONE;
	return xstrdup("QUIT");
}

/* RFC 3461 4: xtext, as XCLIENT's values are. */
static void
send_xtext(struct buf *b, const char *s)
{
	char	*enc = xtext_encode(s, strlen(s));

	buf_addstr(b, enc);
	free(enc);
}

static int
send_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Does the message or envelope need SMTPUTF8 (RFC 6531 3.4)? */
static int
send_needs_utf8(const struct send_params *p)
{
	size_t	i;

	if (!send_ascii(p->from) || p->info.utf8_header)
		return 1;
	for (i = 0; i < p->nto; i++)
		if (!send_ascii(p->to[i]))
			return 1;
	return 0;
}

/* MAIL FROM with the parameters the EHLO allows; NULL after a refusal. */
static char *
send_mail(struct send_state *st, struct session *s)
{
	const struct session_info	*si = session_info(s);
	const struct ehlo_caps		*c = &si->caps;
	struct send_params		*p = st->p;
	struct buf			 b;
	int				 dsn = (c->flags & EHLO_DSN) != 0;

	if (p->requiretls) {
		if (!si->tls)
			return send_refused(st, s, "--requiretls: TLS is not up, "
			    "and REQUIRETLS mail must not go without it (RFC "
			    "8689 4.1)");
		if (ehlo_find(c, "REQUIRETLS") == NULL)
			return send_refused(st, s, "--requiretls: the server "
			    "does not offer REQUIRETLS, so it cannot promise "
			    "TLS on every hop; the message is not sent (RFC "
			    "8689 4.1)");
	}
	/* Checked before MAIL, so no transaction is opened for nothing. */
	if (p->bdat && p->msg_path != NULL && !(c->flags & EHLO_CHUNKING))
		return send_refused(st, s, "--bdat: the server does not offer "
		    "CHUNKING, so BDAT would be refused (RFC 3030 2); drop "
		    "--bdat to send with DATA");
	if (p->smtputf8 && !(c->flags & EHLO_SMTPUTF8)) {
		if (send_needs_utf8(p))
			return send_refused(st, s, "the addresses or header "
			    "need SMTPUTF8, which the server does not offer; "
			    "the message is not sent (RFC 6531 3.2)");
		session_note(s, TDIR_INFO, "--smtputf8: the server does not "
		    "offer SMTPUTF8; the message is all ASCII, so it goes "
		    "without");
	}
	buf_init(&b);
	buf_printf(&b, "MAIL FROM:<%s>", p->from);
	if (p->size && p->msg_path != NULL) {
		if (c->flags & EHLO_SIZE) {
			buf_printf(&b, " SIZE=%llu", p->info.size);
			session_note(s, TDIR_INFO, "SIZE=%llu: the message's "
			    "size, so a server with a smaller limit can say no "
			    "now rather than after the upload (RFC 1870)",
			    p->info.size);
		} else
			session_note(s, TDIR_INFO, "--size: the server does not "
			    "offer SIZE, so SIZE= is left out (it would be a "
			    "555 error)");
	}
	if (c->size_max > 0 && p->msg_path != NULL &&
	    p->info.size > c->size_max)
		session_note(s, TDIR_WARN, "the message (%llu octets) is larger "
		    "than the server's SIZE %llu: expect a 552",
		    p->info.size, c->size_max);
	if (p->info.eightbit && p->msg_path != NULL) {
		if (c->flags & EHLO_8BITMIME) {
			buf_addstr(&b, " BODY=8BITMIME");
			session_note(s, TDIR_INFO, "BODY=8BITMIME: the message "
			    "has 8-bit octets (RFC 6152)");
		} else
			session_note(s, TDIR_WARN, "the message has 8-bit "
			    "octets but the server does not offer 8BITMIME "
			    "(RFC 6152): it may mangle or refuse them");
	}
	if (p->smtputf8 && (c->flags & EHLO_SMTPUTF8)) {
		buf_addstr(&b, " SMTPUTF8");
		session_note(s, TDIR_INFO, "SMTPUTF8: addresses and header may "
		    "hold UTF-8 as it is (RFC 6531)");
	}
	if (p->requiretls) {
		buf_addstr(&b, " REQUIRETLS");
		session_note(s, TDIR_INFO, "REQUIRETLS: every hop must use "
		    "verified TLS, or the message bounces (RFC 8689)");
	}
	if (p->dsn_ret != NULL || p->dsn_envid != NULL) {
		if (!dsn)
			session_note(s, TDIR_INFO, "--dsn-ret/--dsn-envid: the "
			    "server does not offer DSN, so RET= and ENVID= are "
			    "left out (they would be a 555 error)");
		else {
			if (p->dsn_ret != NULL)
				buf_printf(&b, " RET=%s", p->dsn_ret);
			if (p->dsn_envid != NULL) {
				buf_addstr(&b, " ENVID=");
				send_xtext(&b, p->dsn_envid);
			}
			session_note(s, TDIR_INFO, "DSN (RFC 3461): RET= says "
			    "how much of the message a bounce returns (FULL or "
			    "HDRS), ENVID= is an id of ours the reports "
			    "quote");
		}
	}
	st->step = SS_RCPT;
	return buf_take(&b);
}

static char *
send_rcpt(struct send_state *st, struct session *s)
{
	const struct session_info	*si = session_info(s);
	struct send_params		*p = st->p;
	const char			*a = p->to[st->rcpt];
	struct buf			 b;
	int				 dsn = (si->caps.flags & EHLO_DSN) != 0;

	buf_init(&b);
	buf_printf(&b, "RCPT TO:<%s>", a);
	if ((p->dsn_notify != NULL || p->dsn_orcpt) && !dsn) {
		if (st->rcpt == 0)
			session_note(s, TDIR_INFO, "--dsn-notify/--dsn-orcpt: "
			    "the server does not offer DSN, so NOTIFY= and "
			    "ORCPT= are left out");
	} else {
		if (p->dsn_notify != NULL)
			buf_printf(&b, " NOTIFY=%s", p->dsn_notify);
		if (p->dsn_orcpt && send_ascii(a)) {
			buf_addstr(&b, " ORCPT=rfc822;");
			send_xtext(&b, a);
		}
		if (st->rcpt == 0 && (p->dsn_notify != NULL || p->dsn_orcpt))
			session_note(s, TDIR_INFO, "DSN (RFC 3461): NOTIFY= "
			    "asks for reports on failure, success or delay (or "
			    "NEVER), ORCPT= names the recipient as first "
			    "given");
	}
	st->rcpt++;
	return buf_take(&b);
}

/* The line after the RCPTs: the message, or a stop. */
static char *
send_after_rcpts(struct send_state *st, struct session *s)
{
	struct send_params		*p = st->p;

	if (st->accepted == 0)
		return send_refused(st, s, "no recipient was accepted");
	if (st->accepted < p->nto)
		session_note(s, TDIR_WARN, "%zu of %zu recipients refused: the "
		    "message goes to the %zu accepted (as swaks does)",
		    p->nto - st->accepted, p->nto, st->accepted);
	if (p->quit_after == STAGE_RCPT || p->msg_path == NULL)
		return send_stop(st, s);
	st->step = SS_MSG;
	if (p->info.qp)
		session_note(s, TDIR_INFO, "the body has lines longer than 998 "
		    "octets, which a message may not have (RFC 5322 2.1.1): it "
		    "goes as quoted-printable, which keeps every octet");
	session_name_message(s, "the message built from the options");
	if (p->bdat)
		return xprintf(":bdat \"%s\" %zu", p->msg_path, p->chunk);
	return xprintf(":send \"%s\"", p->msg_path);
}

static char *
send_next(void *arg, struct session *s)
{
	struct send_state		*st = arg;
	const struct session_info	*si = session_info(s);
	struct send_params		*p = st->p;
	int				 code = send_code(s);

	switch (st->step) {
	case SS_BANNER:
		if (code != 220)
			return send_refused(st, s, "the greeting was not 220");
		if (p->quit_after == STAGE_CONNECT ||
		    p->quit_after == STAGE_BANNER)
			return send_stop(st, s);
		st->step = SS_EHLO;
		return xprintf("%s %s", p->lmtp ? "LHLO" : "EHLO", p->ehlo);
	case SS_EHLO:
		/*
		 * An old server that knows no EHLO: HELO, as swaks does.
		 * LMTP has no such fallback (RFC 2033 4.1).
		 */
		if ((code == 500 || code == 502) && !st->helo && !p->lmtp) {
			st->helo = 1;
			session_note(s, TDIR_INFO, "the server does not know "
			    "EHLO: trying HELO (RFC 5321 3.2), with no "
			    "extensions");
			return xprintf("HELO %s", p->ehlo);
		}
		if (code != 250)
			return send_refused(st, s, p->lmtp ? "LHLO was "
			    "refused" : st->helo ? "HELO was refused" :
			    "EHLO was refused");
		if (p->quit_after == STAGE_EHLO)
			return send_stop(st, s);
		if (p->quit_after == STAGE_TLS) {
			if (!session_tls_up(s))
				session_note(s, TDIR_INFO, "no TLS was asked "
				    "for (smtps://, submission:// or "
				    "--starttls)");
			return send_stop(st, s);
		}
		if (p->auth != NULL) {
			st->step = SS_AUTH;
			return xprintf(":auth %s", p->auth);
		}
		if (p->quit_after == STAGE_AUTH)
			return send_stop(st, s);
		return send_mail(st, s);
	case SS_AUTH:
		if (code != 235)
			return send_refused(st, s, "AUTH did not succeed");
		if (p->quit_after == STAGE_AUTH)
			return send_stop(st, s);
		return send_mail(st, s);
	case SS_MAIL:
		return send_mail(st, s);
	case SS_RCPT:
		if (st->rcpt == 0) {
			if (code / 100 != 2)
				return send_refused(st, s, "MAIL FROM was "
				    "refused");
			if (p->quit_after == STAGE_MAIL)
				return send_stop(st, s);
		} else if (code / 100 == 2)
			st->accepted++;
		if (st->rcpt < p->nto)
			return send_rcpt(st, s);
		return send_after_rcpts(st, s);
	case SS_MSG:
		if (p->lmtp && si->lmtp_delivered + si->lmtp_failed > 0) {
			/* LMTP: one reply per recipient, the last no verdict. */
			if (si->lmtp_delivered == 0)
				return send_refused(st, s, "no recipient got "
				    "the message");
			if (si->lmtp_failed > 0)
				session_note(s, TDIR_WARN, "%zu of %zu "
				    "recipients did not get the message (the "
				    "rest did)", si->lmtp_failed,
				    si->lmtp_delivered + si->lmtp_failed);
			st->accepted = si->lmtp_delivered;
		} else if (code / 100 != 2)
			return send_refused(st, s, "the message was refused");
		session_note(s, TDIR_INFO, "the message was accepted (%llu "
		    "octets) for %zu recipient%s", p->info.size, st->accepted,
		    st->accepted == 1 ? "" : "s");
		st->step = SS_DONE;
		return xstrdup("QUIT");
	case SS_DONE:
		break;
	}
	return NULL;
}

/* The end: a refused step makes exit 1; the summary says what it was. */
static const char *
send_finish(void *arg, int *rc)
{
	struct send_state	*st = arg;

	if (*rc != EXIT_OK)
		return NULL;
	if (st->failed) {
		*rc = EXIT_EXPECT;
		return st->why;
	}
	if (st->stopped)
		return "stopped by --quit-after";
	if (st->step == SS_DONE)
		return "the message was accepted";
	return NULL;
}

int
send_run(struct script_params *sp, struct send_params *p)
{
	struct send_state	st;

	memset(&st, 0, sizeof st);
	st.p = p;
	st.step = SS_BANNER;
	sp->next = send_next;
	sp->next_arg = &st;
	sp->finish = send_finish;
	if (sp->path == NULL)
		sp->path = "send";
	return script_run(sp);
}
