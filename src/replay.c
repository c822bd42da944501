/*
 * replay.c: read a saved session (smtpscope's own text, S:/C: guides,
 * arrows, swaks output, telnet pastes) back into a transcript.  Reading
 * happens in two passes: the first (replay_lines.c) cleans and checks
 * every line and picks the format, so bad input fails before anything is
 * added; the second, here, feeds the lines through a small model of the
 * live session.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/ehlo.h"
#include "smtpscope/lint.h"
#include "smtpscope/phase.h"
#include "smtpscope/reply.h"
#include "smtpscope/replay.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#include "src/replay_internal.h"

#define REPLAY_MASK	"********"
/* The session's note on a stuffed content line. */
#define STUFFED_NOTE	"dot-stuffed: a '.' was added in front"

enum rmode {
	RMODE_COMMAND,
	RMODE_DATA,
	RMODE_ANSWER
};

/*
 * The mechanism of the AUTH exchange under way, for masking answers by
 * their position in it (never by what a challenge says).
 */
enum rmech {
	RMECH_NONE,
	RMECH_PLAIN,	/* the one answer holds the password */
	RMECH_LOGIN,	/* the second credential is the password */
	RMECH_CRAM,	/* user and digest: no secret */
	RMECH_TOKEN,	/* XOAUTH2, OAUTHBEARER: a bearer token */
	RMECH_OTHER,	/* SCRAM, NTLM, ...: no password in the clear */
	RMECH_UNKNOWN	/* the AUTH line was left out: mask every answer */
};

/* The model of a live session that the lines are fed through. */
struct rstate {
	struct transcript	*t;
	int			 native;	/* our own format */
	int			 lint;		/* add warnings ourselves */
	double			 now;
	size_t			 warnings;
	struct reply_parser	 rp;
	enum verb		*q;		/* replies due, oldest first */
	size_t			 qhead, qlen, qcap;
	int			 cur_unasked;	/* it answers nothing */
	int			 seen;		/* S or C line since reset */
	int			 seen_server;
	struct phase_state	 ph;
	int			 tls;
	int			 have_caps;
	struct ehlo_caps	 caps;
	enum rmode		 mode;
	int			 answer_secret;
	unsigned long long	 data_octets;
	size_t			 data_lines;	/* content lines shown */
	int			 data_told;	/* swaks said "N lines sent" */
	enum rmech		 mech;
	int			 auth_active;	/* AUTH sent, no final reply */
	int			 auth_step;	/* credentials sent so far */
	char			 mech_name[32];	/* as the AUTH line named it */
	int			 tls_first;	/* a tool's TLS came before SMTP */
	int			 ehlo_partial;	/* the reply's first lines are cut */
	int			 inferred;	/* this reply's command is */
	const char		*dot_ahead;	/* per line: a lone "." follows */
	size_t			 cur;		/* the line being fed */
};

static void
rs_push(struct rstate *rs, enum verb v)
{
	if (rs->qhead + rs->qlen == rs->qcap) {
		if (rs->qhead > 0) {
			memmove(rs->q, rs->q + rs->qhead,
			    rs->qlen * sizeof *rs->q);
			rs->qhead = 0;
		} else {
			rs->qcap = rs->qcap == 0 ? 16 : rs->qcap * 2;
			rs->q = xreallocarray(rs->q, rs->qcap, sizeof *rs->q);
		}
	}
	rs->q[rs->qhead + rs->qlen++] = v;
}

static enum verb
rs_pop(struct rstate *rs)
{
	enum verb	v;

	if (rs->qlen == 0)
		return VERB_NONE;
	v = rs->q[rs->qhead++];
	if (--rs->qlen == 0)
		rs->qhead = 0;
	return v;
}

static enum verb
rs_front(const struct rstate *rs)
{
	return rs->qlen == 0 ? VERB_NONE : rs->q[rs->qhead];
}

static void
rs_forget_caps(struct rstate *rs)
{
	if (rs->have_caps)
		ehlo_free(&rs->caps);
	rs->have_caps = 0;
}

/* A new connection: the greeting is the first reply due. */
static void
rs_reset(struct rstate *rs)
{
	rs->qhead = rs->qlen = 0;
	rs_push(rs, VERB_NONE);
	rs->seen = rs->seen_server = 0;
	phase_init(&rs->ph);
	rs->tls = 0;
	rs_forget_caps(rs);
	rs->mode = RMODE_COMMAND;
	rs->answer_secret = 0;
	rs->mech = RMECH_NONE;
	rs->auth_active = rs->auth_step = 0;
	rs->tls_first = 0;
	reply_parser_free(&rs->rp);
	reply_parser_init(&rs->rp);
}

/* Add a line with its verb (-1: the store's own guess). */
static struct tline *
rs_add(struct rstate *rs, enum tdir dir, const char *raw, size_t len,
    uint32_t flags, const char *annot, int verb)
{
	struct tline	*tl;

	tl = transcript_add_verb(rs->t, dir, raw, len, flags, annot, verb);
	tl->t = rs->now;
	return tl;
}

static void
rs_warn_text(struct rstate *rs, const char *text)
{
	rs_add(rs, TDIR_WARN, text, strlen(text), TL_ADDED, NULL, -1);
	rs->warnings++;
}

/* A note on what the transcript leaves out ("the transcript omits ..."). */
static void
rs_omits(struct rstate *rs, const char *what)
{
	char	*s = xprintf("the transcript omits %s", what);

	rs_add(rs, TDIR_INFO, s, strlen(s), TL_ADDED, NULL, -1);
	free(s);
}

/* Add warning lines as the live session does: "text (ref)". */
static void
rs_warn(struct rstate *rs, const struct lint_warning **w, size_t n)
{
	size_t	 i;
	char	*s;

	for (i = 0; i < n; i++) {
		s = xprintf("%s (%s)", w[i]->text, w[i]->ref);
		rs_warn_text(rs, s);
		free(s);
	}
}

static void
rs_lint_ctx(const struct rstate *rs, struct lint_ctx *lc)
{
	size_t	i;

	memset(lc, 0, sizeof *lc);
	lc->tls = rs->tls;
	lc->greeted = rs->ph.greeted;
	lc->helo = rs->ph.helo;
	lc->ehlo = rs->ph.ehlo;
	lc->mail = rs->ph.mail;
	lc->nrcpt = rs->ph.nrcpt;
	lc->quit = rs->ph.phase == PHASE_QUIT || rs->ph.phase == PHASE_CLOSED;
	if (rs->have_caps) {
		lc->caps = rs->caps.flags;
		lc->size_max = rs->caps.size_max;
	} else if (rs->ph.ehlo)
		lc->caps = ~0U;	/* a cut EHLO list: nothing is "not offered" */
	/*
	 * Pipelining: commands still waiting for their replies are taken as
	 * accepted, so RCPT right after MAIL is not "RCPT before MAIL".
	 */
	for (i = 0; i < rs->qlen; i++) {
		switch (rs->q[rs->qhead + i]) {
		case VERB_EHLO:
			lc->ehlo = 1;
			/* FALLTHROUGH */
		case VERB_HELO:
			lc->helo = 1;
			break;
		case VERB_MAIL:
			lc->mail = 1;
			break;
		case VERB_RCPT:
			lc->nrcpt++;
			break;
		default:
			break;
		}
	}
	/* Replies still due when this command went out. */
	if (rs->seen_server)
		lc->pending = rs->qlen;
}

static void
rs_tls_on(struct rstate *rs)
{
	if (rs->tls)
		return;
	rs->tls = 1;
	phase_on_tls(&rs->ph);
	rs_forget_caps(rs);
}

/* A whole reply has arrived: move the model on, as the session does. */
static void
rs_reply(struct rstate *rs, struct reply *r)
{
	enum verb	 v;
	struct buf	 dec;
	const char	*text = "";
	size_t		 off = 0;
	char		 sep;

	if (rs->cur_unasked) {
		/* As the session does: said, not paired. */
		if (rs->lint) {
			char	*s = xprintf("a reply nobody asked for: a %03d "
			    "cannot answer %s (RFC 5321 4.3.2), so it is not "
			    "taken as its reply", r->code,
			    rs_front(rs) == VERB_NONE ? "the connection" :
			    verb_name(rs_front(rs)));

			rs_warn_text(rs, s);
			free(s);
		}
		return;
	}
	v = rs_pop(rs);
	phase_on_reply(&rs->ph, v, r->code);
	if (rs->lint && (r->flags & REPLY_FAULTS)) {
		char	*s;

		s = xprintf("malformed reply: %s%s%s",
		    (r->flags & REPLY_BAD_CODE) ? "a line without a 3-digit "
		    "code " : "", (r->flags & REPLY_NO_SEP) ? "a code not "
		    "followed by space or '-' " : "",
		    (r->flags & REPLY_MISMATCH) ? "codes differ inside one "
		    "multi-line reply " : "");
		rs_warn_text(rs, s);
		free(s);
	}
	if (r->code == 334) {
		/* RFC 4954 4: the challenge is base64 after "334 ". */
		if (r->nlines > 0) {
			reply_line_code(r->lines[0].text, r->lines[0].len,
			    &sep, &off);
			text = r->lines[0].text + off;
		}
		buf_init(&dec);
		rs->answer_secret = b64_decode(text, strlen(text), &dec) == 0 &&
		    auth_prompt_is_password(dec.data != NULL ? dec.data : "",
		    dec.len);
		buf_free(&dec);
		rs->mode = RMODE_ANSWER;
		return;
	}
	if (v == VERB_AUTH || v == VERB_ANSWER) {
		rs->mode = RMODE_COMMAND;
		rs->answer_secret = 0;
		rs->auth_active = 0;
	}
	switch (v) {
	case VERB_EHLO:
		if (reply_class(r->code) == 2) {
			rs_forget_caps(rs);
			/* A cut list is no list of what is offered. */
			rs->have_caps = !rs->ehlo_partial &&
			    ehlo_parse(&rs->caps, r) == 0;
		}
		break;
	case VERB_STARTTLS:
		if (r->code == 220)
			rs_tls_on(rs);
		break;
	case VERB_DATA:
		if (r->code == 354) {
			rs->mode = RMODE_DATA;
			rs->data_octets = 0;
			rs->data_lines = 0;
			rs->data_told = 0;
		}
		break;
	default:
		break;
	}
	if (rs->lint && r->code == 421) {
		static const char note[] = "the server is closing the "
		    "connection (421)";

		rs_add(rs, TDIR_INFO, note, sizeof note - 1, 0, NULL,
		    -1);
	}
}

/* The message ended without its "." being shown (swaks, guides). */
static void
rs_end_data(struct rstate *rs)
{
	if (rs->lint && !rs->data_told)
		rs_omits(rs, rs->data_lines == 0 ? "the message content and "
		    "the \".\" that ends it" : "the \".\" that ends the "
		    "message");
	rs->mode = RMODE_COMMAND;
	rs_push(rs, VERB_DOT);
	phase_on_command(&rs->ph, VERB_DOT);
}

/* The decoded text of a 334 line (RFC 4954 4), or NULL. */
static char *
challenge_text(const char *line, size_t len)
{
	struct buf	 dec;
	char		*s = NULL, sep;
	size_t		 off = 0;

	if (reply_line_code(line, len, &sep, &off) != 334)
		return NULL;
	buf_init(&dec);
	if (off < len && b64_decode(line + off, len - off, &dec) == 0 &&
	    dec.len > 0)
		s = sanitize_dup(dec.data, dec.len);
	buf_free(&dec);
	return s;
}

/* The subject and detail of an enhanced code after the reply code, or -1. */
static void
enh_parts(const char *line, size_t len, int *subj, int *detail)
{
	size_t	 off = 0;
	char	 sep, *end;
	char	 tmp[16];
	long	 a, b;

	*subj = *detail = -1;
	if (reply_line_code(line, len, &sep, &off) <= 0 || off + 5 > len)
		return;
	snprintf(tmp, sizeof tmp, "%.*s", (int)(len - off < 15 ? len - off :
	    15), line + off);
	if (tmp[0] < '2' || tmp[0] > '5' || tmp[1] != '.')
		return;
	a = strtol(tmp + 2, &end, 10);
	if (end == tmp + 2 || *end != '.')
		return;
	b = strtol(end + 1, &end, 10);
	*subj = (int)a;
	*detail = (int)b;
}

/*
 * The command a reply answers when the transcript shows none: from the
 * code, the enhanced code and where the session is.
 */
static enum verb
rs_infer(const struct rstate *rs, const char *line, size_t len, int code)
{
	int	subj, detail;

	switch (code) {
	case 334:
	case 235:
		return rs->auth_active ? VERB_ANSWER : VERB_AUTH;
	case 354:
		return VERB_DATA;
	case 221:
		return VERB_QUIT;
	case 220:
		return rs->ph.greeted ? VERB_STARTTLS : VERB_NONE;
	default:
		break;
	}
	if (!rs->ph.helo)
		return VERB_EHLO;
	enh_parts(line, len, &subj, &detail);
	/* RFC 3463: X.1.0 and X.1.7/8 are about the sender, the rest of X.1 */
	if (subj == 1 && (detail == 0 || detail == 7 || detail == 8))
		return VERB_MAIL;
	if (subj == 1)
		return VERB_RCPT;
	if (rs->auth_active)
		return VERB_ANSWER;
	return rs->ph.mail ? VERB_RCPT : VERB_MAIL;
}

/* How a note names an omitted command. */
static const char *
omitted_name(enum verb v, int one_line)
{
	switch (v) {
	case VERB_EHLO:
		return one_line ? "the client's EHLO (or HELO)" :
		    "the client's EHLO";
	case VERB_MAIL:
		return "the client's MAIL FROM";
	case VERB_RCPT:
		return "the client's RCPT TO";
	case VERB_DATA:
		return "the client's DATA";
	case VERB_QUIT:
		return "the client's QUIT";
	case VERB_STARTTLS:
		return "the client's STARTTLS";
	case VERB_AUTH:
		return "the client's AUTH command (its mechanism is unknown, "
		    "so every answer is masked)";
	case VERB_ANSWER:
		return "the client's answer to the 334 challenge";
	default:
		return "the command this reply answers";
	}
}

/* Before a tool's TLS (openssl s_client -starttls) came SMTP we never saw. */
static void
rs_tool_started(struct rstate *rs)
{
	rs->tls_first = 0;
	rs->qhead = rs->qlen = 0;
	phase_on_reply(&rs->ph, VERB_NONE, 220);
	rs_omits(rs, "the greeting, EHLO and STARTTLS that the tool exchanged "
	    "before TLS");
}

/*
 * A reply begins and the transcript shows nothing it answers: a guide
 * left the client's lines out.  Say so and let the model go on as if the
 * command had been sent.
 */
static void
rs_reply_start(struct rstate *rs, const char *line, size_t len)
{
	enum verb	 v;
	int		 code;
	char		 sep = ' ';

	rs->inferred = 0;
	if (!rs->lint)
		return;		/* our own files show every line */
	code = reply_line_code(line, len, &sep, NULL);
	if (rs->tls_first && !rs->seen_server && code != 220)
		rs_tool_started(rs);
	rs->tls_first = 0;
	if (rs->mode == RMODE_ANSWER) {
		/* No answer can hold a space: the answer was left out. */
		rs_omits(rs, omitted_name(VERB_ANSWER, 0));
		rs->mode = RMODE_COMMAND;
		rs->auth_step++;
		rs_push(rs, VERB_ANSWER);
		phase_on_command(&rs->ph, VERB_ANSWER);
		return;
	}
	if (code <= 0)
		return;
	if (!rs->seen_server && rs->qlen == 1 && rs_front(rs) == VERB_NONE &&
	    code != 220 && !phase_reply_fits(VERB_NONE, code)) {
		rs_omits(rs, "the server's greeting");
		rs->qhead = rs->qlen = 0;
		phase_on_reply(&rs->ph, VERB_NONE, 220);
	}
	/* RFC 5321 3.8: a 421 may come at any time; it answers nothing. */
	if (rs->qlen > 0 || code == 421)
		return;
	v = rs_infer(rs, line, len, code);
	if (v == VERB_NONE) {
		rs_push(rs, v);
		return;
	}
	rs_omits(rs, omitted_name(v, sep != '-'));
	rs->inferred = 1;
	if (v == VERB_AUTH) {
		rs->mech = RMECH_UNKNOWN;
		rs->auth_active = 1;
		rs->auth_step = 0;
	} else if (v == VERB_ANSWER)
		rs->auth_step++;
	rs_push(rs, v);
	phase_on_command(&rs->ph, v);
}

/*
 * Does an EHLO reply start with a keyword line ("250-SIZE 1000")?  Then
 * the guide cut off its first line, the server's name (RFC 5321 4.1.1.1).
 */
static int
ehlo_cut(const char *line, size_t len, int inferred)
{
	static const char	*kw[] = {
		"PIPELINING", "STARTTLS", "8BITMIME", "SMTPUTF8", "CHUNKING",
		"ENHANCEDSTATUSCODES", "DSN", "AUTH", "SIZE", "BINARYMIME",
		"VRFY", "ETRN", "HELP", "TURN", "ATRN", "DELIVERBY", "EXPN",
		"REQUIRETLS", "MT-PRIORITY", "XCLIENT", "XFORWARD", "BURL"
	};
	size_t			 off = 0, n, i;
	char			 sep = ' ';

	/* "250 SIZE 10" alone may be a server's odd name; "250-SIZE" not. */
	if (reply_line_code(line, len, &sep, &off) != 250 || off >= len ||
	    (sep != '-' && !inferred))
		return 0;
	for (n = off; n < len && line[n] != ' ' && line[n] != '='; n++)
		;
	for (i = 0; i < sizeof kw / sizeof kw[0]; i++)
		if (n - off == strlen(kw[i]) &&
		    strncasecmp(line + off, kw[i], n - off) == 0)
			return 1;
	return 0;
}

static void
rs_server(struct rstate *rs, const char *line, size_t len)
{
	struct reply	 r;
	unsigned int	 lflags = 0;
	int		 was_open, done;
	char		*annot;

	if (rs->mode == RMODE_DATA)
		rs_end_data(rs);
	if (len > LINE_MAX_OCTETS)
		lflags |= LINE_TOO_LONG;
	was_open = rs->rp.open;
	if (!was_open)
		rs_reply_start(rs, line, len);
	rs->seen = rs->seen_server = 1;
	if (!was_open)
		rs->cur_unasked = rs->qlen > 0 && !phase_reply_fits(
		    rs_front(rs), reply_line_code(line, len, NULL, NULL));
	if (!was_open) {
		rs->ehlo_partial = rs->lint && !rs->cur_unasked &&
		    rs_front(rs) == VERB_EHLO && ehlo_cut(line, len,
		    rs->inferred);
		if (rs->ehlo_partial) {
			/* The note keeps the keyword line from joining others. */
			rs_omits(rs, "the first line of this EHLO reply (the "
			    "server's name); what follows are keywords");
		}
	}
	memset(&r, 0, sizeof r);
	done = reply_parser_line(&rs->rp, line, len, lflags, &r);
	annot = challenge_text(line, len);
	rs_add(rs, TDIR_S, line, len, lflags |
	    (was_open || rs->ehlo_partial ? TL_CONT : 0) |
	    (done ? TL_REPLY_END | (r.flags & REPLY_FAULTS) : 0) |
	    (annot != NULL ? TL_DECODED : 0), annot, rs->cur_unasked ?
	    VERB_UNASKED : (int)rs_front(rs));
	free(annot);
	if (rs->lint && (lflags & LINE_TOO_LONG))
		rs_warn_text(rs, "the server sent a line longer than 998 "
		    "octets (RFC 5321 4.5.3.1.6)");
	if (done) {
		rs_reply(rs, &r);
		reply_free(&r);
	}
}

/* Where "AUTH MECH" ends when an initial response follows, else 0. */
static size_t
auth_initial(const char *line, size_t len)
{
	size_t	i;

	for (i = 0; i < len && line[i] != ' '; i++)
		;
	while (i < len && line[i] == ' ')
		i++;
	while (i < len && line[i] != ' ')
		i++;
	return i < len ? i : 0;
}

/* Copy the mechanism word of an AUTH line into out. */
static void
mech_name_of(const char *line, size_t len, char *out, size_t outlen)
{
	size_t	i, w;

	for (i = 0; i < len && line[i] != ' '; i++)
		;
	while (i < len && line[i] == ' ')
		i++;
	for (w = i; i < len && line[i] != ' '; i++)
		;
	snprintf(out, outlen, "%.*s", (int)(i - w), line + w);
}

/* The mechanism named on an AUTH line. */
static enum rmech
mech_of(const char *line, size_t len)
{
	static const struct {
		const char	*name;
		enum rmech	 mech;
	} mechs[] = {
		{ "PLAIN", RMECH_PLAIN }, { "LOGIN", RMECH_LOGIN },
		{ "CRAM-MD5", RMECH_CRAM }, { "XOAUTH2", RMECH_TOKEN },
		{ "OAUTHBEARER", RMECH_TOKEN }
	};
	size_t	i, w, n;

	for (i = 0; i < len && line[i] != ' '; i++)
		;
	while (i < len && line[i] == ' ')
		i++;
	for (w = i; i < len && line[i] != ' '; i++)
		;
	for (n = 0; n < sizeof mechs / sizeof mechs[0]; n++)
		if (i - w == strlen(mechs[n].name) &&
		    strncasecmp(line + w, mechs[n].name, i - w) == 0)
			return mechs[n].mech;
	return RMECH_OTHER;
}

/*
 * Is the answer at this position a secret?  RFC 4616: PLAIN's one
 * message holds the password; LOGIN's second credential is the password
 * whatever its challenge says; XOAUTH2 and OAUTHBEARER send a bearer
 * token; an exchange whose AUTH line is missing is all masked.
 */
static int
rs_position_secret(const struct rstate *rs)
{
	switch (rs->mech) {
	case RMECH_PLAIN:
	case RMECH_TOKEN:
	case RMECH_UNKNOWN:
		return 1;
	case RMECH_LOGIN:
		return rs->auth_step >= 1;
	case RMECH_NONE:
		return 1;	/* an answer outside any AUTH: be safe */
	case RMECH_CRAM:
	case RMECH_OTHER:
		break;
	}
	return 0;
}

static void
rs_command(struct rstate *rs, const char *line, size_t len)
{
	const struct lint_warning	*w[8];
	struct lint_ctx			 lc;
	enum verb			 v;
	size_t				 n, cut;
	char				*mask = NULL;
	uint32_t			 flags = 0;

	if (memmem(line, len, REPLAY_MASK, strlen(REPLAY_MASK)) != NULL) {
		/*
		 * Saved masked ("AUTH PLAIN ********", or only ********):
		 * the only command with credentials on it is AUTH.
		 */
		v = verb_of(line, len);
		if (v != VERB_AUTH && len == strlen(REPLAY_MASK))
			v = VERB_AUTH;
		flags = TL_SECRET;
		mask = xstrndup(line, len);
	} else {
		v = verb_of(line, len);
		if (rs->lint) {
			rs_lint_ctx(rs, &lc);
			n = lint_command(&lc, line, len, w, 8);
			rs_warn(rs, w, n);
		}
		if (v == VERB_AUTH && (cut = auth_initial(line, len)) > 0) {
			char	*d;

			/* Shown in its parts: authzid '', user 'a', ... */
			mech_name_of(line, len, rs->mech_name,
			    sizeof rs->mech_name);
			d = auth_describe(rs->mech_name, 0, line + cut + 1,
			    len - cut - 1);
			flags = TL_SECRET;
			mask = strstr(d, REPLAY_MASK) != NULL ?
			    xprintf("%.*s %s", (int)cut, line, d) :
			    xprintf("%.*s " REPLAY_MASK, (int)cut, line);
			free(d);
		}
	}
	rs_add(rs, TDIR_C, line, len, flags, mask, (int)v);
	free(mask);
	if (v == VERB_AUTH) {
		mech_name_of(line, len, rs->mech_name, sizeof rs->mech_name);
		rs->mech = mech_of(line, len);
		rs->auth_active = 1;
		rs->auth_step = auth_initial(line, len) > 0 ? 1 : 0;
	}
	if (v != VERB_NONE) {
		rs_push(rs, v);
		phase_on_command(&rs->ph, v);
	}
}

static void
rs_data(struct rstate *rs, const char *line, size_t len)
{
	const struct lint_warning	*w[8];
	struct lint_ctx			 lc;
	size_t				 n;
	int				 stuffed;

	if (len == 1 && line[0] == '.') {
		if (rs->lint) {
			rs_lint_ctx(rs, &lc);
			n = lint_data_end(&lc, rs->data_octets, w, 8);
			rs_warn(rs, w, n);
		}
		rs->mode = RMODE_COMMAND;
		rs_add(rs, TDIR_C, ".", 1, TL_DATA, NULL, VERB_DOT);
		rs_push(rs, VERB_DOT);
		phase_on_command(&rs->ph, VERB_DOT);
		return;
	}
	if (rs->lint) {
		rs_lint_ctx(rs, &lc);
		n = lint_data_line(&lc, line, len, 0, w, 8);
		rs_warn(rs, w, n);
	}
	/* RFC 5321 4.5.2: on the wire a leading dot is always a stuffed one. */
	stuffed = len > 0 && line[0] == '.';
	rs_add(rs, TDIR_C, line, len, TL_DATA | (stuffed ? TL_STUFFED : 0),
	    stuffed ? STUFFED_NOTE : NULL, VERB_DATA);
	rs->data_octets += len + 2;
	rs->data_lines++;
}

static void
rs_answer(struct rstate *rs, const char *line, size_t len)
{
	struct buf	 dec;
	uint32_t	 flags = TL_ANSWER;
	char		*annot = NULL;
	int		 cancel, decoded, secret;

	rs->mode = RMODE_COMMAND;
	buf_init(&dec);
	cancel = len == 1 && line[0] == '*';
	decoded = !cancel && b64_decode(line, len, &dec) == 0;
	/*
	 * By position first; the challenge's text and PLAIN's NUL bytes can
	 * only add masking, never take it away.
	 */
	secret = !cancel && (rs_position_secret(rs) || rs->answer_secret ||
	    (decoded && dec.len > 0 && memchr(dec.data, '\0', dec.len) !=
	    NULL) || (len == strlen(REPLAY_MASK) &&
	    memcmp(line, REPLAY_MASK, len) == 0));
	if (secret && decoded && rs->mech != RMECH_UNKNOWN &&
	    auth_part_is_secret(auth_part_of(rs->mech_name, rs->auth_step))) {
		/* In its parts where the mechanism says what they are. */
		flags |= TL_SECRET;
		annot = auth_describe(rs->mech_name, rs->auth_step, line, len);
	} else if (secret) {
		flags |= TL_SECRET | (decoded ? TL_DECODED : 0);
		annot = xstrdup(REPLAY_MASK);
	} else if (decoded && rs->mech == RMECH_CRAM) {
		/* No user SP digest: perhaps a password typed in its place. */
		if (auth_answer_secret("CRAM-MD5", 0, line, len))
			flags |= TL_SECRET;
		annot = auth_describe("CRAM-MD5", 0, line, len);
	} else if (decoded) {
		flags |= TL_DECODED;
		annot = sanitize_dup(dec.data != NULL ? dec.data : "", dec.len);
	}
	if (dec.data != NULL)
		wipe(dec.data, dec.len);
	buf_free(&dec);
	rs_add(rs, TDIR_C, line, len, flags, annot, VERB_ANSWER);
	free(annot);
	rs->answer_secret = 0;
	if (!cancel)
		rs->auth_step++;
	rs_push(rs, VERB_ANSWER);
	phase_on_command(&rs->ph, VERB_ANSWER);
}

/* Could the line be a base64 AUTH answer (and no command)? */
static int
looks_b64(const char *line, size_t len)
{
	size_t	i;

	if (len < 4 || verb_of(line, len) != VERB_OTHER)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)line[i]) && line[i] != '+' &&
		    line[i] != '/' && line[i] != '=')
			return 0;
	return 1;
}

static void
rs_client(struct rstate *rs, const char *line, size_t len)
{
	/* A transcript that starts after the greeting: none is due. */
	if (rs->tls_first && !rs->seen_server)
		rs_tool_started(rs);
	if (!rs->seen_server && rs->qlen == 1 && rs_front(rs) == VERB_NONE)
		rs->qhead = rs->qlen = 0;
	rs->seen = 1;
	/*
	 * A second answer in a row inside AUTH: the 334 between them was
	 * left out.  It answered the command still waiting.
	 */
	if (rs->lint && rs->mode == RMODE_COMMAND && rs->auth_active &&
	    rs->qlen == 1 && (rs_front(rs) == VERB_ANSWER ||
	    rs_front(rs) == VERB_AUTH) && looks_b64(line, len)) {
		rs_omits(rs, "the server's 334 challenge before this answer");
		phase_on_reply(&rs->ph, rs_pop(rs), 334);
		rs->mode = RMODE_ANSWER;
	}
	switch (rs->mode) {
	case RMODE_DATA:
		rs_data(rs, line, len);
		break;
	case RMODE_ANSWER:
		rs_answer(rs, line, len);
		break;
	case RMODE_COMMAND:
		rs_command(rs, line, len);
		break;
	}
}

/* A note; some of them say a connection starts or TLS came up. */
static void
rs_note(struct rstate *rs, enum tdir dir, const char *text, size_t len)
{
	if (dir == TDIR_INFO && rs->seen &&
	    (replay_has_iprefix(text, len, "connecting to ") ||
	    replay_has_iprefix(text, len, "connected to ") ||
	    replay_has_iprefix(text, len, "trying ")))
		rs_reset(rs);
	if (dir == TDIR_TLS && (replay_has_iprefix(text, len, "handshake done") ||
	    replay_has_iprefix(text, len, "started with cipher")))
		rs_tls_on(rs);
	rs_add(rs, dir, text, len, 0, NULL, -1);
}

/*
 * Script mode prints annotations after the text ("334 VXNlcm5hbWU6
 * (Username:)"): the length of the line without such a suffix when the
 * suffix is exactly what the line would be annotated with anyway.
 */
static size_t
rs_unannotate(const struct rstate *rs, int server, const char *line,
    size_t len)
{
	struct buf	 dec;
	const char	*p;
	char		*want;
	size_t		 cut, alen;
	int		 match;

	if (len < 5 || line[len - 1] != ')')
		return len;
	for (p = line; (p = memmem(p, len - (size_t)(p - line), "  (", 3)) !=
	    NULL; p++) {
		cut = (size_t)(p - line);
		alen = len - cut - 4;
		want = NULL;
		if (server)
			want = challenge_text(line, cut);
		else if (rs->mode == RMODE_DATA && cut > 0 && line[0] == '.')
			want = xstrdup(STUFFED_NOTE);
		else if (rs->mode == RMODE_ANSWER) {
			buf_init(&dec);
			if (b64_decode(line, cut, &dec) == 0)
				want = sanitize_dup(dec.data != NULL ?
				    dec.data : "", dec.len);
			buf_free(&dec);
		}
		match = want != NULL && strlen(want) == alen &&
		    memcmp(want, p + 3, alen) == 0;
		free(want);
		if (match)
			return cut;
	}
	return len;
}

/* A tool says TLS is up ("New, TLSv1.3, Cipher is ..."; curl's). */
static void
rs_tool_tls(struct rstate *rs, const char *text, size_t len)
{
	char	*s;

	if (!rs->seen)
		rs->tls_first = 1;
	rs_tls_on(rs);
	s = xprintf("handshake done: %.*s", (int)len, text);
	rs_add(rs, TDIR_TLS, s, strlen(s), 0, NULL, -1);
	free(s);
}

/* The programs whose command line starts a new connection. */
static int
connects(const char *cmd, size_t len)
{
	static const char	*tools[] = {
		"telnet ", "nc ", "ncat ", "netcat ", "openssl s_client",
		"curl ", "swaks ", "socat ", "smtpscope "
	};
	size_t			 i;

	for (i = 0; i < sizeof tools / sizeof tools[0]; i++)
		if (replay_has_iprefix(cmd, len, tools[i]))
			return 1;
	return 0;
}

/* A shell prompt line: a note with its secrets masked; maybe a new start. */
static void
rs_prompt(struct rstate *rs, const char *line, size_t len)
{
	size_t	 p = replay_prompt_len(line, len);
	char	*safe;

	if (rs->seen && connects(line + p, len - p))
		rs_reset(rs);
	safe = replay_mask_cmdline(line, len);
	rs_add(rs, TDIR_INFO, safe, len, 0, NULL, -1);
	free(safe);
}

/* Feed one classified line through the model. */
static void
rs_feed(struct rstate *rs, const struct rline *l)
{
	rs->now = l->t;
	switch (l->kind) {
	case RK_SKIP:
		break;
	case RK_S:
		rs_server(rs, l->p, rs->native ?
		    rs_unannotate(rs, 1, l->p, l->len) : l->len);
		break;
	case RK_C:
		rs_client(rs, l->p, rs->native ?
		    rs_unannotate(rs, 0, l->p, l->len) : l->len);
		break;
	case RK_TLS:
		rs_note(rs, TDIR_TLS, l->p, l->len);
		break;
	case RK_INFO:
		rs_note(rs, TDIR_INFO, l->p, l->len);
		break;
	case RK_WARN:
		rs_note(rs, TDIR_WARN, l->p, l->len);
		break;
	case RK_SENT:
		rs->data_told = 1;
		rs_note(rs, TDIR_INFO, l->p, l->len);
		break;
	case RK_NOISE:
		break;
	case RK_OMITTED:
		rs_note(rs, TDIR_INFO, l->p, l->len);
		break;
	case RK_TLS_UP:
		rs_tool_tls(rs, l->p, l->len);
		break;
	case RK_PROMPT:
		if (rs->mode == RMODE_DATA)
			rs_client(rs, l->p, l->len);
		else
			rs_prompt(rs, l->p, l->len);
		break;
	case RK_BLANK:
		if (rs->mode == RMODE_DATA)
			rs_client(rs, "", 0);
		break;
	case RK_CODE:
		/*
		 * A line with a code is the server's, but in a message it is
		 * content when a lone "." still follows; in an AUTH exchange
		 * no answer has a space, so it is the next reply.
		 */
		if (rs->mode == RMODE_DATA && rs->dot_ahead != NULL &&
		    rs->dot_ahead[rs->cur])
			rs_client(rs, l->p, l->len);
		else
			rs_server(rs, l->p, l->len);
		break;
	case RK_TEXT:
		/*
		 * Before the greeting: chatter, unless it is a command or a
		 * tool (s_client -starttls) already did the greeting.
		 */
		if (!rs->seen_server && rs->mode == RMODE_COMMAND &&
		    !rs->tls_first && verb_of(l->p, l->len) == VERB_OTHER)
			rs_note(rs, TDIR_INFO, l->p, l->len);
		else
			rs_client(rs, l->p, l->len);
		break;
	}
}

/*
 * For each line of a paste: does a lone "." follow before the next 354,
 * prompt or connection?  Then the code lines up to it are content.
 */
static char *
dots_ahead(const struct rline *rl, size_t n)
{
	char	*dot = xcalloc(n + 1, 1);
	char	 ahead = 0;
	size_t	 i;

	for (i = n; i-- > 0;) {
		dot[i] = ahead;
		if (rl[i].kind == RK_TEXT && rl[i].len == 1 && rl[i].p[0] == '.')
			ahead = 1;
		else if (rl[i].kind == RK_PROMPT || (rl[i].kind == RK_CODE &&
		    rl[i].len >= 3 && memcmp(rl[i].p, "354", 3) == 0) ||
		    (rl[i].kind == RK_INFO && (replay_has_iprefix(rl[i].p,
		    rl[i].len, "connected to ") || replay_has_iprefix(rl[i].p,
		    rl[i].len, "trying "))))
			ahead = 0;
	}
	return dot;
}

int
replay_load_mem(struct transcript *t, const char *data, size_t len,
    struct replay_info *info, char *err, size_t errlen)
{
	struct rline		*rl = NULL;
	struct rstate		 rs;
	struct replay_info	 ri;
	enum replay_format	 f;
	size_t			 n = 0, i;
	char			*copy, *dot;
	int			 timed = 0, rc = -1;

	memset(&ri, 0, sizeof ri);
	copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	if (replay_lines_read(copy, len, &rl, &n, &f, &timed, err,
	    errlen) == -1)
		goto out;
	memset(&rs, 0, sizeof rs);
	rs.t = t;
	rs.native = f == REPLAY_NATIVE;
	rs.lint = f != REPLAY_NATIVE;
	reply_parser_init(&rs.rp);
	rs_reset(&rs);
	dot = dots_ahead(rl, n);
	rs.dot_ahead = dot;
	for (i = 0; i < n; i++) {
		rs.cur = i;
		rs_feed(&rs, &rl[i]);
	}
	free(dot);
	rs_forget_caps(&rs);
	reply_parser_free(&rs.rp);
	free(rs.q);

	ri.format = f;
	ri.timed = timed;
	ri.input_lines = n;
	ri.warnings = rs.warnings;
	rc = 0;
out:
	if (info != NULL)
		*info = ri;
	free(rl);
	free(copy);
	return rc;
}

int
replay_load_info(struct transcript *t, const char *path,
    struct replay_info *info, char *err, size_t errlen)
{
	FILE		*fp;
	struct buf	 b;
	char		 chunk[65536], msg[256];
	size_t		 got;
	int		 rc = -1, saved;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	buf_init(&b);
	while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		buf_add(&b, chunk, got);
		if (b.len > REPLAY_MAX_FILE) {
			snprintf(err, errlen, "%s: larger than %lu MiB: not a "
			    "transcript", path, REPLAY_MAX_FILE >> 20);
			goto out;
		}
	}
	if (ferror(fp)) {
		saved = errno;
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(saved != 0 ? saved : EIO));
		goto out;
	}
	if (replay_load_mem(t, buf_str(&b), b.len, info, msg,
	    sizeof msg) == -1) {
		snprintf(err, errlen, "%s: %s", path, msg);
		goto out;
	}
	rc = 0;
out:
	fclose(fp);
	buf_free(&b);
	return rc;
}

int
replay_load(struct transcript *t, const char *path, char *err, size_t errlen)
{
	return replay_load_info(t, path, NULL, err, errlen);
}

double
replay_delay(const struct transcript *t, size_t i)
{
	double	d;

	if (t == NULL || i == 0 || i >= t->n)
		return 0;
	d = t->lines[i].t - t->lines[i - 1].t;
	return d > 0 ? d : 0;
}

/* Copy the word at s (up to a blank, ':' or a final '.') to out. */
static int
host_word(const char *s, size_t len, char *out, size_t outlen)
{
	size_t	n;
	char	*safe;

	n = replay_lead_blanks(s, len);
	s += n;
	len -= n;
	for (n = 0; n < len && s[n] != ' ' && s[n] != '\t' && s[n] != '\'' &&
	    s[n] != '"' && s[n] != '(' && s[n] != ','; n++)
		;
	while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ':'))
		n--;
	if (n == 0)
		return -1;
	safe = sanitize_dup(s, n);
	snprintf(out, outlen, "%s", safe);
	free(safe);
	return 0;
}

int
replay_host(const struct transcript *t, char *out, size_t outlen)
{
	const struct tline	*l;
	size_t			 i, off;
	char			 sep;
	static const char	*pfx[] = { "connecting to ", "connected to " };
	size_t			 k;

	if (outlen > 0)
		out[0] = '\0';
	if (t == NULL || outlen == 0)
		return -1;
	for (i = 0; i < t->n; i++) {
		l = &t->lines[i];
		if (l->dir != TDIR_INFO)
			continue;
		for (k = 0; k < 2; k++)
			if (replay_has_iprefix(l->raw, l->len, pfx[k]) &&
			    host_word(l->raw + strlen(pfx[k]),
			    l->len - strlen(pfx[k]), out, outlen) == 0)
				return 0;
	}
	for (i = 0; i < t->n; i++) {
		l = &t->lines[i];
		if (l->dir == TDIR_S && l->code == 220 &&
		    !(l->flags & TL_CONT)) {
			off = 0;
			reply_line_code(l->raw, l->len, &sep, &off);
			if (off > 0 && off < l->len &&
			    host_word(l->raw + off, l->len - off, out,
			    outlen) == 0)
				return 0;
			break;
		}
	}
	return -1;
}
