/* phase.c: follow an SMTP session through its phases from commands and replies. */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/phase.h"
#include "smtpscope/reply.h"

static const char *const phase_names[] = {
	"CONNECT", "GREETING", "EHLO", "TLS", "AUTH", "MAIL", "RCPT", "DATA",
	"QUIT", "CLOSED"
};

static const char *const verb_names[] = {
	"NONE", "HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA",
	"BDAT", "RSET", "NOOP", "VRFY", "EXPN", "HELP", "QUIT", "OTHER",
	"DOT", "ANSWER", "UNASKED"
};

/* Command words; MAIL and RCPT are matched on their first word only. */
static const struct {
	const char	*word;
	enum verb	 verb;
} verb_table[] = {
	{ "HELO", VERB_HELO },
	{ "EHLO", VERB_EHLO },
	{ "LHLO", VERB_EHLO },	/* LMTP's EHLO (RFC 2033 4.1) */
	{ "STARTTLS", VERB_STARTTLS },
	{ "AUTH", VERB_AUTH },
	{ "MAIL", VERB_MAIL },
	{ "RCPT", VERB_RCPT },
	{ "DATA", VERB_DATA },
	{ "BDAT", VERB_BDAT },
	{ "RSET", VERB_RSET },
	{ "NOOP", VERB_NOOP },
	{ "VRFY", VERB_VRFY },
	{ "EXPN", VERB_EXPN },
	{ "HELP", VERB_HELP },
	{ "QUIT", VERB_QUIT }
};

const char *
phase_name(enum phase p)
{
	if ((size_t)p >= sizeof phase_names / sizeof phase_names[0])
		return "?";
	return phase_names[p];
}

const char *
verb_name(enum verb v)
{
	if ((size_t)v >= sizeof verb_names / sizeof verb_names[0])
		return "?";
	return verb_names[v];
}

/*
 * The verb is the first word, ended by a space, a colon (for "MAIL FROM:"
 * written without a space, as some people type it) or the line end.
 * Leading blanks are skipped; an empty line is VERB_NONE.
 */
enum verb
verb_of(const char *line, size_t len)
{
	size_t	i, start, n;

	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	start = i;
	for (; i < len && line[i] != ' ' && line[i] != '\t' &&
	    line[i] != ':' && line[i] != '\r' && line[i] != '\n'; i++)
		;
	n = i - start;
	if (n == 0)
		return VERB_NONE;
	for (i = 0; i < sizeof verb_table / sizeof verb_table[0]; i++) {
		if (strlen(verb_table[i].word) == n &&
		    strncasecmp(verb_table[i].word, line + start, n) == 0)
			return verb_table[i].verb;
	}
	return VERB_OTHER;
}

/*
 * RFC 5321 4.3.2 lists the replies of each command.  Any command may also
 * get 500, 501, 502 or 421, and extensions add their own failures (530,
 * 534, 554 5.7.1, ...), so every 4xx and 5xx fits; positive replies are
 * checked where the list is short and firm.  A line without a code cannot
 * be judged and fits (it is reported as malformed).
 */
int
phase_reply_fits(enum verb v, int code)
{
	int	cls = code / 100;

	if (code == 0 || cls == 4 || cls == 5)
		return 1;
	if (cls != 2 && cls != 3)
		return 0;	/* no command has a 1xx reply */
	switch (v) {
	case VERB_NONE:		/* the greeting (RFC 5321 3.1) */
	case VERB_STARTTLS:	/* RFC 3207 4 */
		return code == 220;
	case VERB_HELO:
	case VERB_EHLO:
	case VERB_MAIL:
	case VERB_DOT:
	case VERB_BDAT:		/* RFC 3030 3 */
		return code == 250;
	case VERB_RCPT:
		return code == 250 || code == 251;
	case VERB_DATA:
		return code == 354;
	case VERB_RSET:
	case VERB_NOOP:
	case VERB_VRFY:
	case VERB_EXPN:
	case VERB_HELP:
	case VERB_QUIT:
		/*
		 * The RFC names 250, 252, 214 or 221 here, but servers answer
		 * HELP with 250 and QUIT with 250 in the wild: any success
		 * will do, so such a server does not leave us waiting.
		 */
		return cls == 2;
	case VERB_AUTH:
	case VERB_ANSWER:	/* RFC 4954 4 */
		return code == 235 || code == 334;
	case VERB_UNASKED:
		return 0;
	case VERB_OTHER:
		break;		/* XCLIENT answers 220: anything goes */
	}
	return 1;
}

void
phase_init(struct phase_state *ps)
{
	ps->phase = PHASE_CONNECT;
	ps->greeted = 0;
	ps->ehlo = 0;
	ps->helo = 0;
	ps->tls = 0;
	ps->authed = 0;
	ps->mail = 0;
	ps->nrcpt = 0;
	ps->nmsg = 0;
}

/* The phase the session rests in, given what has been accepted so far. */
static enum phase
phase_rest(const struct phase_state *ps)
{
	if (ps->mail)
		return ps->nrcpt > 0 ? PHASE_RCPT : PHASE_MAIL;
	if (ps->helo)
		return PHASE_EHLO;
	if (ps->greeted)
		return PHASE_GREETING;
	return PHASE_CONNECT;
}

static void
phase_reset_transaction(struct phase_state *ps)
{
	ps->mail = 0;
	ps->nrcpt = 0;
}

void
phase_on_command(struct phase_state *ps, enum verb v)
{
	if (ps->phase == PHASE_CLOSED)
		return;
	switch (v) {
	case VERB_STARTTLS:
		ps->phase = PHASE_TLS;
		break;
	case VERB_AUTH:
		ps->phase = PHASE_AUTH;
		break;
	case VERB_QUIT:
		ps->phase = PHASE_QUIT;
		break;
	default:
		break;
	}
}

void
phase_on_reply(struct phase_state *ps, enum verb v, int code)
{
	int	ok;

	if (ps->phase == PHASE_CLOSED)
		return;
	/* RFC 5321 3.8: 421 may come at any time; the server is closing. */
	if (code == 421 || code == 221 || ps->phase == PHASE_QUIT) {
		ps->phase = PHASE_QUIT;
		return;
	}
	ok = reply_class(code) == 2;
	switch (v) {
	case VERB_NONE:
		/* RFC 5321 3.1: 220 greets; 554 refuses (only QUIT then). */
		if (ps->phase == PHASE_CONNECT) {
			if (code == 220)
				ps->greeted = 1;
			ps->phase = PHASE_GREETING;
		}
		break;
	case VERB_HELO:
	case VERB_EHLO:
		if (ok) {
			/* RFC 5321 4.1.4: EHLO also resets the transaction. */
			ps->helo = 1;
			ps->ehlo = v == VERB_EHLO;
			phase_reset_transaction(ps);
		}
		ps->phase = phase_rest(ps);
		break;
	case VERB_STARTTLS:
		/* After 220 the handshake follows; phase_on_tls moves on. */
		if (code == 220)
			ps->phase = PHASE_TLS;
		else
			ps->phase = phase_rest(ps);
		break;
	case VERB_AUTH:
	case VERB_ANSWER:
		if (code == 334)
			ps->phase = PHASE_AUTH;
		else {
			if (code == 235)
				ps->authed = 1;
			ps->phase = phase_rest(ps);
		}
		break;
	case VERB_MAIL:
		if (ok) {
			ps->mail = 1;
			ps->nrcpt = 0;
		}
		ps->phase = phase_rest(ps);
		break;
	case VERB_RCPT:
		/* RFC 5321 4.1.1.3: 250 or 251 accept the recipient. */
		if (ok && ps->mail)
			ps->nrcpt++;
		ps->phase = phase_rest(ps);
		break;
	case VERB_DATA:
		if (code == 354)
			ps->phase = PHASE_DATA;
		else
			ps->phase = phase_rest(ps);
		break;
	case VERB_BDAT:
		/* RFC 3030: chunks keep the session in the content phase. */
		if (ok)
			ps->phase = PHASE_DATA;
		else {
			phase_reset_transaction(ps);
			ps->phase = phase_rest(ps);
		}
		break;
	case VERB_DOT:
		/* RFC 5321 4.1.1.4: the transaction ends either way. */
		if (ok)
			ps->nmsg++;
		phase_reset_transaction(ps);
		ps->phase = phase_rest(ps);
		break;
	case VERB_RSET:
		if (ok)
			phase_reset_transaction(ps);
		ps->phase = phase_rest(ps);
		break;
	default:
		/* NOOP, VRFY, HELP and the like change nothing. */
		break;
	}
}

/* RFC 3207 4.2: after the handshake the client forgets what EHLO said. */
void
phase_on_tls(struct phase_state *ps)
{
	if (ps->phase == PHASE_CLOSED || ps->phase == PHASE_QUIT)
		return;
	ps->tls = 1;
	ps->helo = 0;
	ps->ehlo = 0;
	ps->authed = 0;
	phase_reset_transaction(ps);
	ps->phase = phase_rest(ps);
}

void
phase_on_close(struct phase_state *ps)
{
	ps->phase = PHASE_CLOSED;
}
