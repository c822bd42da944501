/*
 * replay.c: read a saved session (smtpscope's own text, S:/C: guides,
 * arrows, swaks output, telnet pastes) back into a transcript.  Reading
 * happens in two passes: the first cleans and checks every line and picks
 * the format, so bad input fails before anything is added; the second
 * feeds the lines through a small model of the live session.
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

#define REPLAY_MASK	"********"
/* The session's note on a stuffed content line. */
#define STUFFED_NOTE	"dot-stuffed: a '.' was added in front"

/* What the first pass made of a line. */
enum rkind {
	RK_SKIP,	/* blank, fence: nothing */
	RK_S,		/* server line */
	RK_C,		/* client line */
	RK_TLS,
	RK_INFO,
	RK_WARN,
	RK_CODE,	/* telnet: starts with a reply code */
	RK_TEXT,	/* telnet: anything else */
	RK_BLANK,	/* telnet: an empty line (content in DATA) */
	RK_SENT		/* swaks: "N lines sent" instead of the content */
};

struct rline {
	char		*p;	/* payload, inside the working copy */
	size_t		 len;
	double		 t;
	size_t		 lineno;
	enum rkind	 kind;
};

enum rmode {
	RMODE_COMMAND,
	RMODE_DATA,
	RMODE_ANSWER
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
	int			 seen;		/* S or C line since reset */
	int			 seen_server;
	struct phase_state	 ph;
	int			 tls;
	int			 have_caps;
	struct ehlo_caps	 caps;
	enum rmode		 mode;
	int			 answer_secret;
	unsigned long long	 data_octets;
};

const char *
replay_format_name(enum replay_format f)
{
	switch (f) {
	case REPLAY_NATIVE:
		return "smtpscope";
	case REPLAY_GUIDE:
		return "S:/C: guide";
	case REPLAY_SWAKS:
		return "swaks";
	case REPLAY_ARROWS:
		return "arrows";
	case REPLAY_TELNET:
		return "telnet paste";
	case REPLAY_NONE:
		break;
	}
	return "none";
}

/* ------------------------------------------------------------ first pass */

/* Remove ANSI escape sequences (colour from a terminal) in place. */
static size_t
strip_ansi(char *s, size_t len)
{
	size_t	i = 0, o = 0;

	while (i < len) {
		if (s[i] == '\033' && i + 1 < len && s[i + 1] == '[') {
			i += 2;
			while (i < len && !isalpha((unsigned char)s[i]))
				i++;
			if (i < len)
				i++;
			continue;
		}
		s[o++] = s[i++];
	}
	return o;
}

/* The first byte no text file holds, or -1. */
static int
binary_byte(const char *s, size_t len)
{
	size_t		i;
	unsigned char	c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\033') || c == 0x7f)
			return c;
	}
	return -1;
}

static int
is_blank(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* A Markdown code fence: ``` or ~~~, maybe with a language name. */
static int
is_fence(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	return len >= 3 && (strncmp(s, "```", 3) == 0 ||
	    strncmp(s, "~~~", 3) == 0);
}

static int
has_prefix(const char *s, size_t len, const char *pfx)
{
	size_t	n = strlen(pfx);

	return len >= n && memcmp(s, pfx, n) == 0;
}

static int
has_iprefix(const char *s, size_t len, const char *pfx)
{
	size_t	n = strlen(pfx);

	return len >= n && strncasecmp(s, pfx, n) == 0;
}

/* A "[+0.012s] " time prefix: its length (time in *t), or 0. */
static size_t
time_prefix(const char *s, size_t len, double *t)
{
	size_t	i = 1;
	char	num[32];

	if (len < 4 || s[0] != '[')
		return 0;
	if (s[i] == '+')
		i++;
	if (i >= len || !isdigit((unsigned char)s[i]))
		return 0;
	while (i < len && (isdigit((unsigned char)s[i]) || s[i] == '.'))
		i++;
	if (i + 2 > len || s[i] != 's' || s[i + 1] != ']')
		return 0;
	if (i - 1 >= sizeof num)
		return 0;
	memcpy(num, s + 1, i - 1);
	num[i - 1] = '\0';
	*t = strtod(num[0] == '+' ? num + 1 : num, NULL);
	i += 2;
	if (i < len && s[i] == ' ')
		i++;
	return i;
}

/* Does the line start with a reply code: 3 digits then ' ', '-' or end? */
static int
is_code_line(const char *s, size_t len)
{
	if (len < 3 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]))
		return 0;
	if (s[0] < '1' || s[0] > '5')
		return 0;
	return len == 3 || s[3] == ' ' || s[3] == '-';
}

/* Skip leading blanks; returns how many. */
static size_t
lead_blanks(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	return i;
}

/* "S:" or "C:" (any case) at s: 'S', 'C', or 0. */
static int
sc_marker(const char *s, size_t len)
{
	if (len < 2 || s[1] != ':')
		return 0;
	if (s[0] == 'S' || s[0] == 's')
		return 'S';
	if (s[0] == 'C' || s[0] == 'c')
		return 'C';
	return 0;
}

static const char *swaks_prefixes[] = {
	"=== ", "*** ", " -> ", " ~> ", "**> ", "*~> ", "  > ",
	"<-  ", "<~  ", "<** ", "<~* ", "<   "
};

static int
swaks_marker(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof swaks_prefixes / sizeof swaks_prefixes[0]; i++)
		if (has_prefix(s, len, swaks_prefixes[i]))
			return (int)i + 1;
	/* swaks writes "<-  " and " -> " even for empty lines: "<- ". */
	if ((len == 3 && (memcmp(s, " ->", 3) == 0 ||
	    memcmp(s, " ~>", 3) == 0)))
		return 3;
	return 0;
}

/* "<<<", ">>>", "<" or ">" then a space or the end: '<' or '>', else 0. */
static int
arrow_marker(const char *s, size_t len, size_t *off)
{
	size_t	b = lead_blanks(s, len), n;

	s += b;
	len -= b;
	if (has_prefix(s, len, "<<<") || has_prefix(s, len, ">>>"))
		n = 3;
	else if (len >= 1 && (s[0] == '<' || s[0] == '>') &&
	    (len == 1 || s[1] == ' ') && b == 0)
		n = 1;
	else
		return 0;
	if (len > n && s[n] != ' ')
		return 0;
	*off = b + n + (len > n ? 1 : 0);
	return s[0];
}

/* curl -v style side lines: "* note", "{ [5 bytes data]", "} [...]". */
static int
arrow_note(const char *s, size_t len)
{
	return has_prefix(s, len, "* ") || has_prefix(s, len, "{ [") ||
	    has_prefix(s, len, "} [");
}

static int
telnet_note(const char *s, size_t len)
{
	static const char *notes[] = {
		"Trying ", "Connected to ", "Escape character is",
		"Connection closed", "Connection to ", "telnet> ", "^]",
		"Connection refused", "telnet: "
	};
	size_t	i;

	for (i = 0; i < sizeof notes / sizeof notes[0]; i++)
		if (has_prefix(s, len, notes[i]))
			return 1;
	return 0;
}

/* Count the lines that carry each format's markers and pick one. */
static enum replay_format
detect_lines(struct rline *rl, size_t n, int *arrow_server)
{
	size_t	i, off, n_sc = 0, n_hash = 0, n_timed = 0, n_swaks = 0;
	size_t	n_arrow = 0, n_code = 0, n_other = 0, lt_code = 0, gt_code = 0;
	size_t	tp, b;
	double	t;
	int	a;

	for (i = 0; i < n; i++) {
		const char	*s = rl[i].p;
		size_t		 len = rl[i].len;

		if (rl[i].kind == RK_SKIP)
			continue;
		if (swaks_marker(s, len))
			n_swaks++;
		if ((a = arrow_marker(s, len, &off)) != 0) {
			n_arrow++;
			if (is_code_line(s + off, len - off))
				*(a == '<' ? &lt_code : &gt_code) += 1;
		} else if (arrow_note(s, len))
			n_arrow++;
		if (is_code_line(s, len))
			n_code++;
		tp = time_prefix(s, len, &t);
		if (tp > 0)
			n_timed++;
		b = lead_blanks(s + tp, len - tp);
		if (sc_marker(s + tp + b, len - tp - b))
			n_sc++;
		else if (s[tp] == '#')
			n_hash++;
		else
			n_other++;
	}
	*arrow_server = lt_code >= gt_code ? '<' : '>';
	if (n_sc > 0 && n_sc + n_hash >= n_swaks && n_sc + n_hash >= n_arrow) {
		if (n_other == 0 && (n_hash > 0 || n_timed > 0))
			return REPLAY_NATIVE;
		return REPLAY_GUIDE;
	}
	if (n_swaks > 0 && n_swaks >= n_arrow)
		return REPLAY_SWAKS;
	if (n_arrow > 0 && lt_code + gt_code > 0)
		return REPLAY_ARROWS;
	if (n_code > 0)
		return REPLAY_TELNET;
	return REPLAY_NONE;
}

/* Set a line's kind and payload from offset off. */
static void
set_line(struct rline *l, enum rkind k, size_t off)
{
	if (off > l->len)
		off = l->len;
	l->kind = k;
	l->p += off;
	l->len -= off;
}

/* A native or guide line; -1 when a native file has a stray line. */
static int
classify_sc(struct rline *l, int native)
{
	size_t	tp, b, off;
	double	t = 0;
	int	m;

	tp = time_prefix(l->p, l->len, &t);
	if (tp > 0)
		l->t = t;
	b = lead_blanks(l->p + tp, l->len - tp);
	if ((m = sc_marker(l->p + tp + b, l->len - tp - b)) != 0) {
		off = tp + b + 2;
		/* Exactly one space in our own format; any in a guide. */
		if (native) {
			if (off < l->len && l->p[off] == ' ')
				off++;
		} else
			off += lead_blanks(l->p + off, l->len - off);
		set_line(l, m == 'S' ? RK_S : RK_C, off);
		return 0;
	}
	if (l->p[tp] == '#') {
		off = tp + 1;
		if (has_prefix(l->p + off, l->len - off, " TLS: "))
			set_line(l, RK_TLS, off + 6);
		else if (has_prefix(l->p + off, l->len - off, " warning: "))
			set_line(l, RK_WARN, off + 10);
		else {
			if (off < l->len && l->p[off] == ' ')
				off++;
			set_line(l, RK_INFO, off);
		}
		return 0;
	}
	if (native)
		return -1;
	set_line(l, RK_INFO, 0);
	return 0;
}

static void
classify_swaks(struct rline *l)
{
	switch (swaks_marker(l->p, l->len)) {
	case 1:		/* ===; "=== TLS started ..." is a TLS event */
		if (has_prefix(l->p + 4, l->len - 4, "TLS "))
			set_line(l, RK_TLS, 8);
		else
			set_line(l, RK_INFO, 4);
		break;
	case 2:		/* *** */
		set_line(l, RK_WARN, 4);
		break;
	case 3: case 4: case 5: case 6:
		set_line(l, RK_C, 4);
		break;
	case 8: case 9: case 10: case 11:
		set_line(l, RK_S, 4);
		break;
	case 7: case 12:	/* raw dumps */
		set_line(l, RK_INFO, 0);
		break;
	default:
		set_line(l, RK_INFO, 0);
		break;
	}
}

static void
classify_arrows(struct rline *l, int server)
{
	size_t	off = 0;
	int	a;

	if ((a = arrow_marker(l->p, l->len, &off)) != 0)
		set_line(l, a == server ? RK_S : RK_C, off);
	else if (arrow_note(l->p, l->len))
		set_line(l, RK_INFO, 2 + lead_blanks(l->p + 2, l->len - 2));
	else
		set_line(l, RK_INFO, 0);
}

static void
classify_telnet(struct rline *l)
{
	if (l->len == 0 || is_blank(l->p, l->len))
		set_line(l, RK_BLANK, l->len);
	else if (is_code_line(l->p, l->len))
		set_line(l, RK_CODE, 0);
	else if (telnet_note(l->p, l->len))
		set_line(l, RK_INFO, 0);
	else
		set_line(l, RK_TEXT, 0);
}

/* ------------------------------------------------------- session model */

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
	rs_add(rs, TDIR_WARN, text, strlen(text), 0, NULL, -1);
	rs->warnings++;
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
	}
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
	}
	switch (v) {
	case VERB_EHLO:
		if (reply_class(r->code) == 2) {
			rs_forget_caps(rs);
			rs->have_caps = ehlo_parse(&rs->caps, r) == 0;
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

static void
rs_server(struct rstate *rs, const char *line, size_t len)
{
	struct reply	 r;
	unsigned int	 lflags = 0;
	int		 was_open, done;
	char		*annot;

	if (rs->mode == RMODE_DATA)
		rs_end_data(rs);
	rs->seen = rs->seen_server = 1;
	if (len > LINE_MAX_OCTETS)
		lflags |= LINE_TOO_LONG;
	was_open = rs->rp.open;
	memset(&r, 0, sizeof r);
	done = reply_parser_line(&rs->rp, line, len, lflags, &r);
	annot = challenge_text(line, len);
	rs_add(rs, TDIR_S, line, len, lflags | (was_open ? TL_CONT : 0) |
	    (done ? TL_REPLY_END | (r.flags & REPLY_FAULTS) : 0) |
	    (annot != NULL ? TL_DECODED : 0), annot, (int)rs_front(rs));
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
			flags = TL_SECRET;
			mask = xprintf("%.*s " REPLAY_MASK, (int)cut, line);
		}
	}
	rs_add(rs, TDIR_C, line, len, flags, mask, (int)v);
	free(mask);
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
}

static void
rs_answer(struct rstate *rs, const char *line, size_t len)
{
	struct buf	 dec;
	uint32_t	 flags = TL_ANSWER;
	char		*annot = NULL;

	rs->mode = RMODE_COMMAND;
	buf_init(&dec);
	if (len == strlen(REPLAY_MASK) && memcmp(line, REPLAY_MASK, len) == 0) {
		flags |= TL_SECRET;
		annot = xstrdup(REPLAY_MASK);
	} else if (!(len == 1 && line[0] == '*') &&
	    b64_decode(line, len, &dec) == 0) {
		flags |= TL_DECODED;
		/* A password prompt, or PLAIN's NUL-separated credentials. */
		if (rs->answer_secret ||
		    (dec.len > 0 && memchr(dec.data, '\0', dec.len) != NULL)) {
			flags |= TL_SECRET;
			annot = xstrdup(REPLAY_MASK);
		} else
			annot = sanitize_dup(dec.data != NULL ? dec.data : "",
			    dec.len);
	}
	if (dec.data != NULL)
		wipe(dec.data, dec.len);
	buf_free(&dec);
	rs_add(rs, TDIR_C, line, len, flags, annot, VERB_ANSWER);
	free(annot);
	rs->answer_secret = 0;
	rs_push(rs, VERB_ANSWER);
	phase_on_command(&rs->ph, VERB_ANSWER);
}

static void
rs_client(struct rstate *rs, const char *line, size_t len)
{
	/* A transcript that starts after the greeting: none is due. */
	if (!rs->seen_server && rs->qlen == 1 && rs_front(rs) == VERB_NONE)
		rs->qhead = rs->qlen = 0;
	rs->seen = 1;
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
	    (has_iprefix(text, len, "connecting to ") ||
	    has_iprefix(text, len, "connected to ") ||
	    has_iprefix(text, len, "trying ")))
		rs_reset(rs);
	if (dir == TDIR_TLS && (has_iprefix(text, len, "handshake done") ||
	    has_iprefix(text, len, "started with cipher")))
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
		rs_note(rs, TDIR_INFO, l->p, l->len);
		break;
	case RK_BLANK:
		if (rs->mode == RMODE_DATA)
			rs_client(rs, "", 0);
		break;
	case RK_CODE:
		if (rs->mode == RMODE_COMMAND || rs->rp.open)
			rs_server(rs, l->p, l->len);
		else
			rs_client(rs, l->p, l->len);
		break;
	case RK_TEXT:
		/* Before the greeting: a shell prompt or the like. */
		if (!rs->seen_server && rs->mode == RMODE_COMMAND)
			rs_note(rs, TDIR_INFO, l->p, l->len);
		else
			rs_client(rs, l->p, l->len);
		break;
	}
}

/* ---------------------------------------------------------------- driver */

/* Cut the copy into lines, cleaned and checked; -1 with err on bad input. */
static int
split_lines(char *copy, size_t len, struct rline **out, size_t *nout,
    char *err, size_t errlen)
{
	struct rline	*rl = NULL;
	size_t		 n = 0, cap = 0, lineno = 0, start = 0, end, l;
	char		*nl;
	int		 c;

	while (start < len) {
		nl = memchr(copy + start, '\n', len - start);
		end = nl != NULL ? (size_t)(nl - copy) : len;
		lineno++;
		l = end - start;
		if (l > 0 && copy[start + l - 1] == '\r')
			l--;
		if (l > REPLAY_MAX_LINE) {
			snprintf(err, errlen, "line %zu: %zu octets long, over "
			    "the %d a transcript line may have: not a "
			    "transcript", lineno, l, REPLAY_MAX_LINE);
			free(rl);
			return -1;
		}
		if ((c = binary_byte(copy + start, l)) != -1) {
			snprintf(err, errlen, "line %zu: holds the control "
			    "byte 0x%02x: a binary file, not a transcript",
			    lineno, c);
			free(rl);
			return -1;
		}
		if (n == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			rl = xreallocarray(rl, cap, sizeof *rl);
		}
		rl[n].p = copy + start;
		rl[n].len = strip_ansi(copy + start, l);
		rl[n].t = 0;
		rl[n].lineno = lineno;
		rl[n].kind = (is_blank(rl[n].p, rl[n].len) ||
		    is_fence(rl[n].p, rl[n].len)) ? RK_SKIP : RK_TEXT;
		n++;
		start = end + 1;
	}
	*out = rl;
	*nout = n;
	return 0;
}

enum replay_format
replay_detect(const char *data, size_t len)
{
	struct rline		*rl = NULL;
	size_t			 n = 0;
	char			*copy, err[8];
	enum replay_format	 f = REPLAY_NONE;
	int			 server;

	copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	if (split_lines(copy, len, &rl, &n, err, sizeof err) == 0)
		f = detect_lines(rl, n, &server);
	free(rl);
	free(copy);
	return f;
}

/* The first line that is not blank, for messages. */
static size_t
first_text_line(const struct rline *rl, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (rl[i].kind != RK_SKIP)
			return rl[i].lineno;
	return 1;
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
	char			*copy;
	int			 server = '<', timed = 0, rc = -1;

	memset(&ri, 0, sizeof ri);
	copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	if (split_lines(copy, len, &rl, &n, err, errlen) == -1)
		goto out;
	f = detect_lines(rl, n, &server);
	if (f == REPLAY_NONE) {
		for (i = 0; i < n && rl[i].kind == RK_SKIP; i++)
			;
		if (i == n)
			snprintf(err, errlen, "empty: no SMTP session in it");
		else
			snprintf(err, errlen, "line %zu: not part of an SMTP "
			    "session (expected S:/C: lines, swaks output or a "
			    "telnet paste with 3-digit reply codes)",
			    first_text_line(rl, n));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (rl[i].kind == RK_SKIP) {
			if (f == REPLAY_TELNET)
				rl[i].kind = rl[i].len == 0 ||
				    is_blank(rl[i].p, rl[i].len) ?
				    RK_BLANK : RK_SKIP;
			continue;
		}
		switch (f) {
		case REPLAY_NATIVE:
		case REPLAY_GUIDE:
			if (classify_sc(&rl[i], f == REPLAY_NATIVE) == -1) {
				snprintf(err, errlen, "line %zu: neither S:, "
				    "C: nor # at the start of a line of a "
				    "smtpscope transcript", rl[i].lineno);
				goto out;
			}
			if (rl[i].t != 0)
				timed = 1;
			break;
		case REPLAY_SWAKS:
			classify_swaks(&rl[i]);
			break;
		case REPLAY_ARROWS:
			classify_arrows(&rl[i], server);
			break;
		case REPLAY_TELNET:
			classify_telnet(&rl[i]);
			break;
		case REPLAY_NONE:
			break;
		}
	}
	/* swaks --suppress-data: " -> 12 lines sent" stands for the content. */
	if (f == REPLAY_SWAKS)
		for (i = 0; i < n; i++)
			if (rl[i].kind == RK_C && rl[i].len > 11 &&
			    isdigit((unsigned char)rl[i].p[0]) &&
			    memcmp(rl[i].p + rl[i].len - 11, " lines sent",
			    11) == 0)
				rl[i].kind = RK_SENT;

	memset(&rs, 0, sizeof rs);
	rs.t = t;
	rs.native = f == REPLAY_NATIVE;
	rs.lint = f != REPLAY_NATIVE;
	reply_parser_init(&rs.rp);
	rs_reset(&rs);
	for (i = 0; i < n; i++)
		rs_feed(&rs, &rl[i]);
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

	n = lead_blanks(s, len);
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
			if (has_iprefix(l->raw, l->len, pfx[k]) &&
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
