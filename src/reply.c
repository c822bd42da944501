/* reply.c: cut a byte stream into lines and group lines into SMTP replies. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/reply.h"
#include "smtpscope/xmalloc.h"

void
lineasm_init(struct lineasm *la)
{
	buf_init(&la->cur);
	la->flags = 0;
	la->total = 0;
	la->cr = 0;
}

void
lineasm_free(struct lineasm *la)
{
	buf_free(&la->cur);
	lineasm_init(la);
}

/* Keep n more octets of the current line, up to LINE_CAP. */
static void
lineasm_keep(struct lineasm *la, const char *p, size_t n)
{
	size_t	room;

	if (n == 0)
		return;
	if (memchr(p, '\0', n) != NULL)
		la->flags |= LINE_NUL;
	la->total += n;
	/* RFC 5321 4.5.3.1.6: 998 octets plus CRLF at most. */
	if (la->total > LINE_MAX_OCTETS)
		la->flags |= LINE_TOO_LONG;
	room = LINE_CAP - la->cur.len;
	if (n > room) {
		la->flags |= LINE_TRUNCATED;
		n = room;
	}
	if (n > 0)
		buf_add(&la->cur, p, n);
}

/* Hand the current line to cb and start a new one. */
static void
lineasm_emit(struct lineasm *la, unsigned int extra, line_cb cb, void *arg)
{
	cb(arg, buf_str(&la->cur), la->cur.len, la->flags | extra);
	buf_reset(&la->cur);
	la->flags = 0;
	la->total = 0;
	la->cr = 0;
}

/*
 * A CR is held back until the next byte shows whether it ends the line.
 * A CR followed by anything but LF is kept in the line as a bare CR.
 */
void
lineasm_feed(struct lineasm *la, const char *p, size_t len, line_cb cb,
    void *arg)
{
	const char	*end = p + len, *q;

	while (p < end) {
		if (la->cr) {
			la->cr = 0;
			if (*p == '\n') {
				p++;
				lineasm_emit(la, 0, cb, arg);
				continue;
			}
			la->flags |= LINE_BARE_CR;
			lineasm_keep(la, "\r", 1);
		}
		/* The run of ordinary bytes up to the next CR or LF. */
		for (q = p; q < end && *q != '\r' && *q != '\n'; q++)
			;
		lineasm_keep(la, p, (size_t)(q - p));
		p = q;
		if (p == end)
			break;
		if (*p == '\r')
			la->cr = 1;
		else
			lineasm_emit(la, LINE_BARE_LF, cb, arg);
		p++;
	}
}

void
lineasm_finish(struct lineasm *la, line_cb cb, void *arg)
{
	if (la->cr) {
		la->cr = 0;
		la->flags |= LINE_BARE_CR;
		lineasm_keep(la, "\r", 1);
	}
	if (la->total > 0 || la->flags != 0)
		lineasm_emit(la, LINE_PARTIAL, cb, arg);
}

size_t
lineasm_take(struct lineasm *la, struct buf *out, size_t max)
{
	size_t	n;

	/* Only whole kept octets can be handed over (not a truncated line). */
	if (la->flags & LINE_TRUNCATED)
		return 0;
	n = la->cur.len < max ? la->cur.len : max;
	buf_add(out, la->cur.data, n);
	buf_consume(&la->cur, n);
	la->total -= n;
	if (la->cur.len == 0 && la->cr && n < max) {
		/* A CR seen last is still waiting for its LF: it is data too. */
		buf_addch(out, '\r');
		la->cr = 0;
		n++;
	}
	if (la->cur.len == 0 && !la->cr)
		la->flags = 0;
	return n;
}

size_t
lineasm_discard(struct lineasm *la)
{
	size_t	n;

	n = la->total + (la->cr ? 1 : 0);
	buf_reset(&la->cur);
	la->flags = 0;
	la->total = 0;
	la->cr = 0;
	return n;
}

void
reply_parser_init(struct reply_parser *rp)
{
	memset(&rp->cur, 0, sizeof rp->cur);
	rp->open = 0;
}

void
reply_free(struct reply *r)
{
	size_t	i;

	for (i = 0; i < r->nlines; i++)
		free(r->lines[i].text);
	free(r->lines);
	memset(r, 0, sizeof *r);
}

void
reply_parser_free(struct reply_parser *rp)
{
	reply_free(&rp->cur);
	rp->open = 0;
}

int
reply_class(int code)
{
	if (code < 200 || code > 599)
		return 0;
	return code / 100;
}

/*
 * RFC 5321 4.2: Reply-code = %x32-35 %x30-35 %x30-39.  We accept a first
 * digit of 1 too (RFC 821 positive preliminary replies) and any second
 * digit, so odd codes are still shown with their number.
 */
int
reply_line_code(const char *line, size_t len, char *sep, size_t *textoff)
{
	char	 s = '\0';
	size_t	 off = 0;
	int	 code = 0;

	if (len >= 3 && line[0] >= '1' && line[0] <= '5' &&
	    line[1] >= '0' && line[1] <= '9' &&
	    line[2] >= '0' && line[2] <= '9') {
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		off = 3;
		if (len > 3) {
			s = line[3];
			if (s == ' ' || s == '-')
				off = 4;
		}
	}
	if (sep != NULL)
		*sep = s;
	if (textoff != NULL)
		*textoff = off;
	return code;
}

/* Up to three digits at p; returns how many, 0 if none or too many. */
static size_t
reply_digits(const char *p, size_t len)
{
	size_t	n;

	for (n = 0; n < len && p[n] >= '0' && p[n] <= '9'; n++)
		if (n == 3)
			return 0;
	return n;
}

/* RFC 3463 2: class "." subject "." detail, class 2, 4 or 5. */
size_t
reply_parse_enhanced(const char *text, size_t len, char *enh)
{
	size_t	 i, n;

	if (len < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') ||
	    text[1] != '.')
		return 0;
	i = 2;
	if ((n = reply_digits(text + i, len - i)) == 0)
		return 0;
	i += n;
	if (i >= len || text[i] != '.')
		return 0;
	i++;
	if ((n = reply_digits(text + i, len - i)) == 0)
		return 0;
	i += n;
	if (i < len && text[i] != ' ')
		return 0;
	memcpy(enh, text, i);
	enh[i] = '\0';
	return i < len ? i + 1 : i;
}

/* Append a copy of one line to r. */
static void
reply_add_line(struct reply *r, const char *line, size_t len,
    unsigned int flags)
{
	struct reply_line	*rl;
	size_t			 n = r->nlines;

	/* Capacity is implied: 4, then the next power of two. */
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0))
		r->lines = xreallocarray(r->lines, n == 0 ? 4 : n * 2,
		    sizeof *r->lines);
	rl = &r->lines[n];
	rl->text = xmalloc(len + 1);
	if (len > 0)
		memcpy(rl->text, line, len);
	rl->text[len] = '\0';
	rl->len = len;
	rl->flags = flags;
	r->nlines++;
	r->flags |= flags;
}

/* Move the finished reply to out and reset the parser. */
static int
reply_parser_done(struct reply_parser *rp, struct reply *out)
{
	*out = rp->cur;
	memset(&rp->cur, 0, sizeof rp->cur);
	rp->open = 0;
	return 1;
}

/*
 * Rules for lines that break RFC 5321 4.2, chosen so a reply always ends:
 * - no valid code (REPLY_BAD_CODE): if a multi-line reply is open the line
 *   joins it and ends it (a server that stops speaking the format is not
 *   going to send a proper last line); otherwise it is a reply of its own
 *   with code 0;
 * - a code but no ' ' or '-' after it (REPLY_NO_SEP): the line is treated
 *   as a last line;
 * - a code that differs from the first line's (REPLY_MISMATCH): the line
 *   stays in the open reply, and its separator decides as usual.
 * The reply's code is the first line's; enh comes from the first line that
 * carries an enhanced code.
 */
int
reply_parser_line(struct reply_parser *rp, const char *line, size_t len,
    unsigned int lflags, struct reply *out)
{
	struct reply	*r = &rp->cur;
	char		 sep, enh[16];
	size_t		 off;
	int		 code, last;

	code = reply_line_code(line, len, &sep, &off);
	lflags &= ~REPLY_FAULTS;
	if (code == 0) {
		reply_add_line(r, line, len, lflags | REPLY_BAD_CODE);
		return reply_parser_done(rp, out);
	}
	last = 1;
	if (sep == '-')
		last = 0;
	else if (sep != ' ' && sep != '\0')
		lflags |= REPLY_NO_SEP;
	if (!rp->open)
		r->code = code;
	else if (code != r->code)
		lflags |= REPLY_MISMATCH;
	reply_add_line(r, line, len, lflags);
	if (r->enh[0] == '\0' && off == 4 &&
	    reply_parse_enhanced(line + off, len - off, enh) > 0)
		memcpy(r->enh, enh, sizeof r->enh);
	if (last)
		return reply_parser_done(rp, out);
	rp->open = 1;
	return 0;
}
