/*
 * replay_lines.c: the first pass of replay: cut the input into lines,
 * clean them (CR, ANSI colour), refuse what no transcript holds, pick the
 * format from the markers the lines carry and classify each line.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/replay.h"
#include "smtpscope/xmalloc.h"

#include "src/replay_internal.h"

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

int
replay_has_iprefix(const char *s, size_t len, const char *pfx)
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
size_t
replay_lead_blanks(const char *s, size_t len)
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
	/* "C:\>telnet ...", "C:/": a Windows path, not a marker. */
	if (len > 2 && (s[2] == '\\' || s[2] == '/'))
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
	size_t	b = replay_lead_blanks(s, len), n;

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

		if (rl[i].kind != RK_TEXT)
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
		b = replay_lead_blanks(s + tp, len - tp);
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
	b = replay_lead_blanks(l->p + tp, l->len - tp);
	if ((m = sc_marker(l->p + tp + b, l->len - tp - b)) != 0) {
		off = tp + b + 2;
		/* Exactly one space in our own format; any in a guide. */
		if (native) {
			if (off < l->len && l->p[off] == ' ')
				off++;
		} else
			off += replay_lead_blanks(l->p + off, l->len - off);
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
	set_line(l, replay_prompt_len(l->p, l->len) > 0 ? RK_PROMPT :
	    RK_INFO, 0);
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
		set_line(l, replay_prompt_len(l->p, l->len) > 0 ? RK_PROMPT :
		    RK_INFO, 0);
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
	else if (has_prefix(l->p, l->len, "{ [") ||
	    has_prefix(l->p, l->len, "} [") ||
	    has_prefix(l->p, l->len, "* TLSv") ||
	    has_prefix(l->p, l->len, "* SSLv"))
		set_line(l, RK_NOISE, 0);	/* curl: records, handshake */
	else if (has_prefix(l->p, l->len, "* SSL connection using "))
		set_line(l, RK_TLS_UP, 2);
	else if (has_prefix(l->p, l->len, "* Server certificate:") ||
	    (has_prefix(l->p, l->len, "*  ") && l->len > 3 &&
	    l->p[3] != ' '))
		set_line(l, RK_TLS, 2 + replay_lead_blanks(l->p + 2,
		    l->len - 2));
	else if (arrow_note(l->p, l->len))
		set_line(l, RK_INFO, 2 + replay_lead_blanks(l->p + 2, l->len - 2));
	else
		set_line(l, replay_prompt_len(l->p, l->len) > 0 ? RK_PROMPT :
		    RK_INFO, 0);
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
	else if (replay_prompt_len(l->p, l->len) > 0)
		set_line(l, RK_PROMPT, 0);
	else
		set_line(l, RK_TEXT, 0);
}

/* Append a line to rl, growing it. */
static struct rline *
add_line(struct rline **rl, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 256 : *cap * 2;
		*rl = xreallocarray(*rl, *cap, sizeof **rl);
	}
	return &(*rl)[(*n)++];
}

/*
 * Cut the copy into lines, cleaned and checked; -1 with err on bad input.
 * A CR inside a line (curl's progress meter redrawing itself) ends a
 * line as a terminal would show it; the meter itself is noise.
 */
static int
split_lines(char *copy, size_t len, struct rline **out, size_t *nout,
    char *err, size_t errlen)
{
	struct rline	*rl = NULL, *r;
	size_t		 n = 0, cap = 0, lineno = 0, start = 0, end, l;
	size_t		 pos, pend, m;
	char		*nl, *cr;
	int		 c, has_cr;

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
		has_cr = memchr(copy + start, '\r', l) != NULL;
		for (pos = start; pos <= start + l; pos = pend + 1) {
			cr = memchr(copy + pos, '\r', start + l - pos);
			pend = cr != NULL ? (size_t)(cr - copy) : start + l;
			if (has_cr && pend == pos)
				continue;
			if ((c = binary_byte(copy + pos, pend - pos)) != -1) {
				snprintf(err, errlen, "line %zu: holds the "
				    "control byte 0x%02x: a binary file, not a "
				    "transcript", lineno, c);
				free(rl);
				return -1;
			}
			r = add_line(&rl, &n, &cap);
			r->p = copy + pos;
			r->len = strip_ansi(copy + pos, pend - pos);
			r->t = 0;
			r->lineno = lineno;
			r->kind = (is_blank(r->p, r->len) ||
			    is_fence(r->p, r->len)) ? RK_SKIP : RK_TEXT;
			if (r->kind == RK_TEXT &&
			    (m = replay_meter_len(r->p, r->len)) > 0) {
				r->p += m;
				r->len -= m;
				if (r->len == 0 || is_blank(r->p, r->len))
					r->kind = RK_NOISE;
			}
		}
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
	if (split_lines(copy, len, &rl, &n, err, sizeof err) == 0) {
		replay_mark_sclient(rl, n);
		f = detect_lines(rl, n, &server);
	}
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
replay_lines_read(char *copy, size_t len, struct rline **out, size_t *nout,
    enum replay_format *fmt, int *timed, char *err, size_t errlen)
{
	struct rline		*rl = NULL;
	enum replay_format	 f;
	size_t			 n = 0, i;
	int			 server = '<';

	*out = NULL;
	*nout = 0;
	*timed = 0;
	if (split_lines(copy, len, &rl, &n, err, errlen) == -1)
		goto fail;
	replay_mark_sclient(rl, n);
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
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (rl[i].kind == RK_SKIP) {
			if (f == REPLAY_TELNET)
				rl[i].kind = rl[i].len == 0 ||
				    is_blank(rl[i].p, rl[i].len) ?
				    RK_BLANK : RK_SKIP;
			continue;
		}
		if (rl[i].kind != RK_TEXT)
			continue;	/* a tool's output, marked already */
		switch (f) {
		case REPLAY_NATIVE:
		case REPLAY_GUIDE:
			if (classify_sc(&rl[i], f == REPLAY_NATIVE) == -1) {
				snprintf(err, errlen, "line %zu: neither S:, "
				    "C: nor # at the start of a line of a "
				    "smtpscope transcript", rl[i].lineno);
				goto fail;
			}
			if (rl[i].t != 0)
				*timed = 1;
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

	*out = rl;
	*nout = n;
	*fmt = f;
	return 0;
fail:
	free(rl);
	return -1;
}
