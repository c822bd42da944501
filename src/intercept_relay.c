/*
 * intercept_relay.c: the lines of one intercepted session.  Client lines
 * go to the upstream as they arrive (held only while the upstream is not
 * ready: before its greeting, during a TLS upgrade), upstream replies go
 * back; both are recorded, AUTH answers masked by their place in the
 * mechanism.  Intercept mode holds a command or reply for the user here.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/auth.h"
#include "smtpscope/conn.h"
#include "smtpscope/kb.h"
#include "smtpscope/lint.h"
#include "smtpscope/monotime.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xmalloc.h"

#include "src/intercept_internal.h"

static void	client_command(struct isess *, const char *, size_t,
		    unsigned int, int);

void
ic_note(struct isess *s, enum tdir dir, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) == -1)
		text = NULL;
	va_end(ap);
	if (text == NULL)
		return;
	transcript_add(&s->t, dir, text, strlen(text), 0, NULL);
	free(text);
}

/*
 * What goes to each side is gathered and written once per round (a
 * multi-line reply in one TLS record, not one per line).
 */
void
ic_cout(struct isess *s, const char *p, size_t n)
{
	if (s->c != NULL)
		buf_add(&s->cout, p, n);
}

void
ic_coutl(struct isess *s, const char *line, size_t len)
{
	ic_cout(s, line, len);
	ic_cout(s, "\r\n", 2);
}

void
isess_flush(struct isess *s)
{
	if (s->c != NULL && s->cout.len > 0)
		(void)conn_write(s->c, s->cout.data, s->cout.len);
	buf_reset(&s->cout);
	if (s->u != NULL && s->uout.len > 0)
		(void)conn_write(s->u, s->uout.data, s->uout.len);
	/* It held what the client sent: AUTH answers too. */
	if (s->uout.data != NULL)
		wipe(s->uout.data, s->uout.len);
	buf_reset(&s->uout);
}

/* Send a reply of our own to the client (a relay note says so). */
void
ic_say(struct isess *s, const char *line)
{
	ic_note(s, TDIR_INFO, "relay: smtpscope answers the client itself: %s",
	    line);
	if (s->c != NULL) {
		ic_coutl(s, line, strlen(line));
	}
}

/* A line to the upstream, ended as the client ended it. */
void
ic_to_up(struct isess *s, const char *line, size_t len, unsigned int flags)
{
	if (s->u == NULL)
		return;
	buf_add(&s->uout, line, len);
	if (flags & LINE_BARE_LF)
		buf_addch(&s->uout, '\n');
	else
		buf_add(&s->uout, "\r\n", 2);
}

/* A command went upstream: its reply is due. */
static int
push_verb(struct isess *s, enum verb v)
{
	if (s->npend == ISESS_PENDING_MAX) {
		ic_end421(s, "over 512 commands wait for their replies: limit "
		    "hit");
		return -1;
	}
	if (s->npend == 0)
		s->up_ms = monotime_ms();
	s->pend[(s->pend_head + s->npend++) % ISESS_PENDING_MAX] = (uint8_t)v;
	return 0;
}

static enum verb
peek_verb(const struct isess *s)
{
	return s->npend > 0 ? (enum verb)s->pend[s->pend_head] : VERB_UNASKED;
}

static void
pop_verb(struct isess *s)
{
	if (s->npend == 0)
		return;
	s->pend_head = (s->pend_head + 1) % ISESS_PENDING_MAX;
	s->npend--;
}

/* Warnings about a client command, as a session typed by hand has them. */
static void
lint(struct isess *s, const char *line, size_t len)
{
	const struct lint_warning	*w[8];
	struct lint_ctx			 lc;
	enum verb			 v;
	size_t				 n, i;

	memset(&lc, 0, sizeof lc);
	lc.tls = s->c_tls;
	lc.greeted = s->ph.greeted;
	lc.helo = s->ph.helo;
	lc.ehlo = s->ph.ehlo;
	lc.mail = s->ph.mail;
	lc.nrcpt = s->ph.nrcpt;
	lc.quit = s->ph.phase == PHASE_QUIT;
	lc.pending = s->npend;
	/* A pipelining client's RCPT and DATA follow a MAIL still due. */
	for (i = 0; i < s->npend; i++) {
		v = (enum verb)s->pend[(s->pend_head + i) % ISESS_PENDING_MAX];
		if (v == VERB_MAIL)
			lc.mail_pending = 1;
		else if (v == VERB_RCPT)
			lc.rcpt_pending = 1;
	}
	if (s->have_caps) {
		lc.caps = s->caps.flags;
		lc.size_max = s->caps.size_max;
		/* What the client saw: STARTTLS as the relay offered it. */
		lc.caps &= ~(unsigned int)EHLO_STARTTLS;
		if (!s->c_tls && (s->u_tls || (s->caps.flags &
		    EHLO_STARTTLS)))
			lc.caps |= EHLO_STARTTLS;
	}
	n = lint_command(&lc, line, len, w, 8);
	for (i = 0; i < n; i++)
		ic_note(s, TDIR_WARN, "%s (%s)", w[i]->text, w[i]->ref);
}

/* Hold a client line until the upstream is ready for it. */
static void
hold(struct isess *s, const char *line, size_t len, unsigned int flags)
{
	uint32_t	hdr[2];

	if (s->held.len + len + sizeof hdr > INTERCEPT_HELD_MAX) {
		ic_end421(s, "over 256 KiB of client lines wait for the "
		    "upstream: limit hit");
		return;
	}
	hdr[0] = (uint32_t)len;
	hdr[1] = flags;
	buf_add(&s->held, hdr, sizeof hdr);
	buf_add(&s->held, line, len);
	s->nheld++;
}

/* An AUTH command: masked by position, refused if it would leak. */
static void
client_auth(struct isess *s, const char *line, size_t len,
    unsigned int flags)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	const char			*m, *ir;
	char				*shown = NULL, *desc;
	size_t				 mlen, i;
	uint32_t			 tf = 0;

	for (i = 4; i < len && line[i] == ' '; i++)
		;
	m = line + i;
	for (mlen = 0; i < len && line[i] != ' '; i++, mlen++)
		;
	for (; i < len && line[i] == ' '; i++)
		;
	ir = i < len ? line + i : NULL;
	snprintf(s->mech, sizeof s->mech, "%.*s", (int)(mlen < 31 ? mlen : 31),
	    m);
	if (ir != NULL && !auth_answer_secret(s->mech, 0, ir, len - i)) {
		/* LOGIN's user name said at once: decoded beside it. */
		shown = auth_describe(s->mech, 0, ir, len - i);
	} else if (ir != NULL) {
		desc = auth_describe(s->mech, 0, ir, len - i);
		shown = xprintf("AUTH %s %s", s->mech, desc);
		free(desc);
		tf = TL_SECRET;
	}
	transcript_add_verb(&s->t, TDIR_C, line, len, tf | (flags &
	    LINE_FAULTS), shown, VERB_AUTH);
	free(shown);
	if (!s->u_tls && (s->c_tls || p->up_require_tls) &&
	    !p->allow_plaintext) {
		ic_note(s, TDIR_WARN, "AUTH not relayed: the upstream leg is "
		    "not encrypted%s, and credentials would cross it in clear "
		    "(--allow-plaintext relays them)", s->c_tls ? " while the "
		    "client's is" : "");
		ic_say(s, "538 5.7.11 smtpscope: the upstream leg is not "
		    "encrypted; AUTH not relayed");
		return;
	}
	s->auth = 1;
	s->auth_n = ir != NULL ? 1 : 0;
	phase_on_command(&s->ph, VERB_AUTH);
	ic_to_up(s, line, len, flags);
	(void)push_verb(s, VERB_AUTH);
}

/* One line from the client. */
void
ic_client_line(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct isess			*s = arg;
	char				*desc;
	uint32_t			 tf;
	int				 secret;

	if (s->dead)
		return;
	s->client_ms = monotime_ms();
	/* A cut line in an AUTH exchange may be (part of) a secret. */
	tf = s->auth || verb_of(line, len) == VERB_AUTH ? TL_SECRET : 0;
	if (flags & LINE_TRUNCATED) {
		transcript_add(&s->t, TDIR_C, line, len, flags | tf, NULL);
		ic_end421(s, "a client line is over 8192 octets: limit hit");
		return;
	}
	if (flags & LINE_PARTIAL) {
		transcript_add(&s->t, TDIR_C, line, len, flags | tf, NULL);
		ic_note(s, TDIR_INFO, "relay: the client closed in the middle "
		    "of a line; it is not relayed");
		return;
	}
	/*
	 * A line sent in an AUTH exchange before the upstream asked for
	 * it (334) waits for that reply: then it is known to be an answer
	 * (masked by its place) or, after 235/535, a command.  So does
	 * one sent after DATA before its 354: content, or after a 5xx a
	 * command, as the upstream will read it.  A pipelining client
	 * with more commands out than the relay tracks waits for replies.
	 */
	if (s->ust != UP_READY || s->nheld > 0 || s->c_hs ||
	    s->hcmd != NULL || (s->auth && !s->auth_answer) || s->data_wait ||
	    s->npend >= ISESS_PENDING_MAX) {
		hold(s, line, len, flags);
		return;
	}
	if (s->data) {
		transcript_add(&s->t, TDIR_C, line, len, TL_DATA |
		    (flags & LINE_FAULTS), NULL);
		ic_to_up(s, line, len, flags);
		if (len == 1 && line[0] == '.') {
			s->data = 0;
			(void)push_verb(s, VERB_DOT);
		}
		return;
	}
	if (s->auth_answer) {
		s->auth_answer = 0;
		secret = auth_answer_secret(s->mech, s->auth_n, line, len);
		desc = auth_describe(s->mech, s->auth_n, line, len);
		s->auth_n++;
		transcript_add_verb(&s->t, TDIR_C, line, len, TL_ANSWER |
		    (secret ? TL_SECRET : 0) | (flags & LINE_FAULTS), desc,
		    VERB_ANSWER);
		free(desc);
		ic_to_up(s, line, len, flags);
		(void)push_verb(s, VERB_ANSWER);
		return;
	}
	client_command(s, line, len, flags, 0);
}

/* A command line from the client (or released by the user: bypass). */
static void
client_command(struct isess *s, const char *line, size_t len,
    unsigned int flags, int bypass)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	enum verb			 v;

	/* AUTH may carry a secret: it is never put on the entry line. */
	if (!bypass && intercept_holding(s->ic) &&
	    verb_of(line, len) != VERB_AUTH) {
		s->hcmd = xstrndup(line, len);
		s->hcmd_len = len;
		s->hcmd_flags = flags;
		snprintf(s->hfirst, sizeof s->hfirst, "%.*s",
		    (int)(len < sizeof s->hfirst - 1 ? len :
		    sizeof s->hfirst - 1), line);
		s->hseq++;
		ic_note(s, TDIR_INFO, "relay: intercept mode holds the "
		    "client's command for you (send it, edit it, or answer it "
		    "with a reply)");
		return;
	}
	v = verb_of(line, len);
	if (v == VERB_AUTH) {
		lint(s, line, len);
		client_auth(s, line, len, flags);
		return;
	}
	transcript_add_verb(&s->t, TDIR_C, line, len, flags & LINE_FAULTS,
	    NULL, v);
	lint(s, line, len);
	switch (v) {
	case VERB_STARTTLS:
		/*
		 * Ours to answer when we offered it: the upstream offers it
		 * too, or its leg is TLS already.  Else the upstream says.
		 */
		if (s->u_tls || (s->have_caps &&
		    (s->caps.flags & EHLO_STARTTLS))) {
			ic_client_starttls(s);
			return;
		}
		break;
	case VERB_EHLO:
	case VERB_HELO:
		free(s->last_ehlo);
		s->last_ehlo = xstrndup(line, len);
		break;
	case VERB_BDAT:
		/*
		 * CHUNKING is never offered: the relay reads lines, and the
		 * chunk that follows would be taken for commands.  Better
		 * no message than a different one.
		 */
		ic_note(s, TDIR_WARN, "the client sent BDAT though the relay "
		    "did not offer CHUNKING; its chunk cannot be relayed line "
		    "by line (RFC 3030 2)");
		ic_end421(s, "BDAT without CHUNKING offered: not relayed");
		return;
	case VERB_MAIL:
	case VERB_RCPT:
	case VERB_DATA:
		if (!s->u_tls && p->up_require_tls && !p->allow_plaintext) {
			ic_note(s, TDIR_WARN, "not relayed: the upstream leg "
			    "must be TLS (submission://) and is not");
			ic_say(s, "530 5.7.0 smtpscope: the upstream leg is "
			    "not encrypted");
			return;
		}
		break;
	default:
		break;
	}
	phase_on_command(&s->ph, v);
	ic_to_up(s, line, len, flags);
	if (push_verb(s, v) == 0 && v == VERB_DATA)
		s->data_wait = 1;
}

/* Relay held client lines now that the upstream is ready. */
void
ic_release_held(struct isess *s)
{
	uint32_t	 hdr[2];
	size_t		 off = 0;
	char		*line;

	while (s->nheld > 0 && !s->dead && s->ust == UP_READY && !s->c_hs &&
	    s->hcmd == NULL && !(s->auth && !s->auth_answer) &&
	    !s->data_wait && s->npend < ISESS_PENDING_MAX) {
		memcpy(hdr, s->held.data + off, sizeof hdr);
		line = s->held.data + off + sizeof hdr;
		off += sizeof hdr + hdr[0];
		s->nheld--;
		/* Keep it held when a line inside makes us wait again. */
		{
			size_t	n = s->nheld;

			s->nheld = 0;
			ic_client_line(s, line, hdr[0], hdr[1]);
			s->nheld += n;
		}
	}
	if (off > 0) {
		wipe(s->held.data, off);
		buf_consume(&s->held, off);
	}
	if (s->nheld == 0)
		buf_reset(&s->held);
}

/* The upstream leg is up and greeted, or back from a TLS upgrade. */
void
ic_up_ready(struct isess *s)
{
	s->ust = UP_READY;
	if (s->resend_ehlo && s->last_ehlo != NULL) {
		s->resend_ehlo = 0;
		ic_note(s, TDIR_INFO, "relay: smtpscope says the client's EHLO "
		    "again on the upgraded leg; its reply goes to the client");
		transcript_add_verb(&s->t, TDIR_C, s->last_ehlo,
		    strlen(s->last_ehlo), 0, NULL, VERB_EHLO);
		ic_to_up(s, s->last_ehlo, strlen(s->last_ehlo), 0);
		(void)push_verb(s, VERB_EHLO);
	}
	ic_release_held(s);
}

/* A complete reply from the upstream. */
static void
up_reply(struct isess *s, const struct reply *r, enum verb v)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	char				 err[256];
	size_t				 dropped = 0;

	snprintf(s->last, sizeof s->last, "%.*s", (int)(r->nlines > 0 ?
	    r->lines[0].len : 0), r->nlines > 0 ? r->lines[0].text : "");
	if (v != VERB_UNASKED)
		phase_on_reply(&s->ph, v == VERB_ANSWER ? VERB_AUTH : v,
		    r->code);
	switch (v) {
	case VERB_NONE:
		ic_up_ready(s);
		return;
	case VERB_EHLO:
		ic_ehlo_done(s, r);
		return;
	case VERB_HELO:
		/* No EHLO, no STARTTLS: nothing can encrypt the upstream. */
		if (r->code / 100 == 2 && s->c_tls && !s->u_tls)
			ic_note(s, TDIR_WARN, "the client said HELO, so the "
			    "upstream leg cannot be upgraded: it stays "
			    "plaintext while the client's is TLS");
		break;
	case VERB_STARTTLS:
		if (s->ust != UP_STARTTLS)
			break;
		if (r->code == 220) {
			isess_flush(s);
			if (conn_start_tls(s->u, &p->up_tls, NULL, &dropped,
			    err, sizeof err) == -1) {
				ic_end421(s, "upstream TLS could not start");
				return;
			}
			if (dropped > 0)
				ic_note(s, TDIR_WARN, "%zu octets from the "
				    "upstream after its 220 were discarded "
				    "(possible injection; RFC 3207 5)",
				    dropped);
			ic_note(s, TDIR_TLS, "upstream leg: TLS handshake "
			    "begins");
			s->ust = UP_TLS;
			return;
		}
		ic_note(s, TDIR_WARN, "the upstream refused STARTTLS: its leg "
		    "stays plaintext");
		if (p->up_require_tls && !p->allow_plaintext) {
			ic_end421(s, "the upstream refused STARTTLS, and "
			    "submission:// wants TLS");
			return;
		}
		/* The client still waits for an EHLO reply: say it again. */
		ic_up_ready(s);
		return;
	case VERB_DATA:
		s->data_wait = 0;
		if (r->code == 354)
			s->data = 1;
		ic_release_held(s);
		break;
	case VERB_AUTH:
	case VERB_ANSWER:
		if (r->code == 334)
			s->auth_answer = 1;
		else
			s->auth = s->auth_answer = 0;
		ic_release_held(s);
		break;
	case VERB_DOT:
		if (r->code / 100 == 2) {
			s->msgs++;
			snprintf(s->result, sizeof s->result, "sent %lu "
			    "message%s", s->msgs, s->msgs == 1 ? "" : "s");
		}
		break;
	case VERB_QUIT:
		if (r->code == 221)
			s->quit_ok = 1;
		break;
	default:
		break;
	}
}

/*
 * The likely cause of the failure just relayed, noted as a session by
 * hand notes it, so the printed transcript and saved files carry it.
 */
static void
diagnose(struct isess *s)
{
	struct buf	d;

	buf_init(&d);
	if (kb_diagnose_last(&d, &s->t) == 0)
		ic_note(s, TDIR_INFO, "diagnosis: %s", buf_str(&d));
	buf_free(&d);
}

/* One line from the upstream. */
void
ic_up_line(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct isess	*s = arg;
	struct reply	 r;
	enum verb	 v = peek_verb(s);
	uint32_t	 tf = 0;
	int		 done;

	if (s->dead)
		return;
	s->up_ms = monotime_ms();
	if (s->ust == UP_GREETING)
		v = VERB_NONE;
	else if (s->ust == UP_STARTTLS)
		v = VERB_STARTTLS;
	if (flags & LINE_TRUNCATED) {
		transcript_add_verb(&s->t, TDIR_S, line, len, flags, NULL, v);
		ic_end421(s, "an upstream line is over 8192 octets: limit hit");
		return;
	}
	if (s->in_reply > 0)
		tf |= TL_CONT;
	done = reply_parser_line(&s->rp, line, len, flags, &r);
	if (done)
		tf |= TL_REPLY_END;
	s->in_reply = done ? 0 : s->in_reply + 1;
	transcript_add_verb(&s->t, TDIR_S, line, len, tf | flags, NULL, v);
	/* Held: an EHLO reply (rewritten) and our STARTTLS's reply. */
	if (v == VERB_EHLO && s->ust == UP_READY) {
		if (s->ehlo.len + len + 1 > ISESS_EHLO_MAX) {
			if (done)
				reply_free(&r);
			ic_end421(s, "the upstream's EHLO reply is over 16 "
			    "KiB: limit hit");
			return;
		}
		buf_add(&s->ehlo, line, len);
		buf_addch(&s->ehlo, '\n');
	} else if (v != VERB_STARTTLS || s->ust != UP_STARTTLS) {
		if (s->hreply.len > 0 || (intercept_holding(s->ic) &&
		    !(tf & TL_CONT))) {
			/* Intercept mode: the reply waits for the user. */
			if (s->hreply.len == 0) {
				snprintf(s->hfirst, sizeof s->hfirst, "%.*s",
				    (int)(len < sizeof s->hfirst - 1 ? len :
				    sizeof s->hfirst - 1), line);
				s->hreply_code = done ? r.code :
				    atoi(s->hfirst);
			}
			if (s->hreply.len + len + 2 > INTERCEPT_HELD_MAX) {
				if (done)
					reply_free(&r);
				ic_end421(s, "over 256 KiB of replies held: "
				    "limit hit");
				return;
			}
			buf_add(&s->hreply, line, len);
			buf_add(&s->hreply, "\r\n", 2);
			if (done && !s->hreply_held) {
				s->hreply_held = 1;
				s->hseq++;
				ic_note(s, TDIR_INFO, "relay: intercept mode "
				    "holds the upstream's reply for you (send "
				    "it, or edit it within its class)");
			}
		} else if (s->c != NULL) {
			ic_coutl(s, line, len);
		}
	}
	if (!done)
		return;
	/* The client's turn: its idle time counts from here. */
	s->client_ms = monotime_ms();
	if (r.code >= 400)
		diagnose(s);
	if (r.code == 421) {
		s->up_421 = 1;
		ic_note(s, TDIR_INFO, "the upstream is closing the connection "
		    "(421)");
	}
	if (s->ust != UP_GREETING && s->ust != UP_STARTTLS)
		pop_verb(s);
	up_reply(s, &r, v);
	reply_free(&r);
	/* Room for commands held back by the limit on those in flight. */
	if (s->nheld > 0 && s->npend < ISESS_PENDING_MAX)
		ic_release_held(s);
}

/* "250 ...", "451-..." or "354": a reply the user typed, and its code. */
static int
typed_reply(const char *text)
{
	if (strlen(text) < 3 || text[0] < '2' || text[0] > '5' ||
	    text[1] < '0' || text[1] > '9' || text[2] < '0' || text[2] > '9' ||
	    (text[3] != '\0' && text[3] != ' '))
		return 0;
	return (text[0] - '0') * 100 + (text[1] - '0') * 10 + text[2] - '0';
}

int
isess_release(struct isess *s, const char *text, char *err, size_t errlen)
{
	char	*line;
	size_t	 len;
	int	 code;

	if (s->hcmd != NULL) {
		/*
		 * The relay can stand in for a reply that ends the command,
		 * not one that begins an exchange the upstream never began
		 * (354, 334) or a TLS handshake (220 to STARTTLS).
		 */
		code = text != NULL ? typed_reply(text) : 0;
		if (code / 100 == 3 || (code / 100 == 2 && verb_of(s->hcmd,
		    s->hcmd_len) == VERB_STARTTLS)) {
			snprintf(err, errlen, "a %d reply would begin %s that "
			    "smtpscope cannot take over: answer with %s, or send "
			    "the command on", code, code / 100 == 3 ? "an "
			    "exchange the upstream never began" : "a TLS "
			    "handshake", code / 100 == 3 ? "2xx, 4xx or 5xx" :
			    "4xx or 5xx");
			return -1;
		}
		line = s->hcmd;
		len = s->hcmd_len;
		s->hcmd = NULL;
		if (code != 0) {
			transcript_add_verb(&s->t, TDIR_C, line, len,
			    s->hcmd_flags & LINE_FAULTS, NULL,
			    verb_of(line, len));
			ic_note(s, TDIR_INFO, "relay: you answered the client; "
			    "the upstream never saw this command");
			ic_say(s, text);
		} else if (text != NULL && (strlen(text) != len ||
		    memcmp(text, line, len) != 0)) {
			ic_note(s, TDIR_INFO, "relay: you edited the client's "
			    "command before it went on");
			client_command(s, text, strlen(text), 0, 1);
		} else
			client_command(s, line, len, s->hcmd_flags, 1);
		free(line);
		ic_release_held(s);
		return 0;
	}
	if (!s->hreply_held) {
		snprintf(err, errlen, "nothing is held in this session");
		return -1;
	}
	if (text != NULL && strcmp(text, s->hfirst) != 0) {
		code = typed_reply(text);
		if (code == 0 || code / 100 != s->hreply_code / 100) {
			snprintf(err, errlen, "a %dxx reply stays %dxx: "
			    "another class would leave the client and the "
			    "upstream in different states (to answer a command "
			    "yourself, hold the command)", s->hreply_code / 100,
			    s->hreply_code / 100);
			return -1;
		}
		ic_note(s, TDIR_INFO, "relay: you replaced the upstream's "
		    "reply: the client gets: %s", text);
		ic_coutl(s, text, strlen(text));
	} else if (s->c != NULL)
		ic_cout(s, s->hreply.data, s->hreply.len);
	buf_reset(&s->hreply);
	s->hreply_held = 0;
	return 0;
}
