/* test_reply.c: line assembly and the reply parser. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/reply.h"
#include "smtpscope/xmalloc.h"

#include "t.h"

#define MAXL 256

struct got {
	char		*text[MAXL];
	size_t		 len[MAXL];
	unsigned int	 flags[MAXL];
	size_t		 n;
};

static void
got_cb(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct got	*g = arg;

	if (g->n >= MAXL)
		return;
	g->text[g->n] = xmalloc(len + 1);
	memcpy(g->text[g->n], line, len);
	g->text[g->n][len] = '\0';
	g->len[g->n] = len;
	g->flags[g->n] = flags;
	g->n++;
}

static void
got_free(struct got *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		free(g->text[i]);
	memset(g, 0, sizeof *g);
}

/* Feed the whole input in one go, then finish. */
static void
feed_all(struct got *g, const char *s, size_t len, int finish)
{
	struct lineasm	la;

	memset(g, 0, sizeof *g);
	lineasm_init(&la);
	lineasm_feed(&la, s, len, got_cb, g);
	if (finish)
		lineasm_finish(&la, got_cb, g);
	lineasm_free(&la);
}

static void
test_lineasm_basic(void)
{
	struct got	g;
	struct lineasm	la;
	static const char nul[] = "25\0 x\r\n";

	feed_all(&g, "220 hi\r\n250 ok\r\n", 16, 0);
	EQ_INT(g.n, 2, "two CRLF lines");
	EQ_STR(g.text[0], "220 hi", "first line text");
	EQ_STR(g.text[1], "250 ok", "second line text");
	EQ_INT(g.flags[0], 0, "CRLF line has no flags");
	got_free(&g);

	feed_all(&g, "", 0, 1);
	EQ_INT(g.n, 0, "empty input gives no line");
	got_free(&g);

	feed_all(&g, "\r\n", 2, 1);
	EQ_INT(g.n, 1, "lone CRLF is an empty line");
	EQ_INT(g.len[0], 0, "empty line has length 0");
	EQ_INT(g.flags[0], 0, "empty line clean");
	got_free(&g);

	feed_all(&g, "a\nb\r\n", 5, 0);
	EQ_INT(g.n, 2, "bare LF ends a line");
	EQ_STR(g.text[0], "a", "bare LF line text");
	EQ_INT(g.flags[0], LINE_BARE_LF, "bare LF flagged");
	EQ_INT(g.flags[1], 0, "next line clean");
	got_free(&g);

	feed_all(&g, "a\rb\r\n", 5, 0);
	EQ_INT(g.n, 1, "bare CR does not end a line");
	EQ_MEM(g.text[0], g.len[0], "a\rb", 3, "bare CR kept in line");
	EQ_INT(g.flags[0], LINE_BARE_CR, "bare CR flagged");
	got_free(&g);

	feed_all(&g, "a\r\r\n", 4, 0);
	EQ_INT(g.n, 1, "CR CR LF is one line");
	EQ_MEM(g.text[0], g.len[0], "a\r", 2, "first CR kept");
	EQ_INT(g.flags[0], LINE_BARE_CR, "CR CR LF flags bare CR");
	got_free(&g);

	feed_all(&g, nul, sizeof nul - 1, 0);
	EQ_INT(g.n, 1, "line with NUL");
	EQ_MEM(g.text[0], g.len[0], "25\0 x", 5, "NUL kept");
	EQ_INT(g.flags[0], LINE_NUL, "NUL flagged");
	got_free(&g);

	feed_all(&g, "250 part", 8, 0);
	EQ_INT(g.n, 0, "no line without terminator");
	got_free(&g);
	feed_all(&g, "250 part", 8, 1);
	EQ_INT(g.n, 1, "finish hands over partial line");
	EQ_STR(g.text[0], "250 part", "partial text");
	EQ_INT(g.flags[0], LINE_PARTIAL, "partial flagged");
	got_free(&g);

	feed_all(&g, "250 x\r", 6, 1);
	EQ_INT(g.n, 1, "finish after CR");
	EQ_MEM(g.text[0], g.len[0], "250 x\r", 6, "trailing CR kept");
	EQ_INT(g.flags[0], LINE_PARTIAL | LINE_BARE_CR, "CR at end flags");
	got_free(&g);

	/* Discard drops what is buffered (after STARTTLS). */
	memset(&g, 0, sizeof g);
	lineasm_init(&la);
	lineasm_feed(&la, "250 ok\r\nINJECT\r", 15, got_cb, &g);
	EQ_INT(lineasm_discard(&la), 7, "discard counts buffered octets");
	lineasm_feed(&la, "\n220 x\r\n", 8, got_cb, &g);
	EQ_INT(g.n, 3, "after discard, LF is a bare empty line");
	EQ_INT(g.flags[1], LINE_BARE_LF, "leftover LF bare");
	EQ_STR(g.text[2], "220 x", "next line fine");
	EQ_INT(lineasm_discard(&la), 0, "nothing to discard");
	lineasm_finish(&la, got_cb, &g);
	EQ_INT(g.n, 3, "finish with nothing pending adds nothing");
	lineasm_free(&la);
	got_free(&g);
}

static void
test_lineasm_long(void)
{
	struct got	 g;
	char		*s;
	size_t		 i;

	s = xmalloc(LINE_CAP + 100);
	for (i = 0; i < LINE_CAP + 100; i++)
		s[i] = 'a' + i % 26;

	memcpy(s + LINE_MAX_OCTETS, "\r\n", 2);
	feed_all(&g, s, LINE_MAX_OCTETS + 2, 0);
	EQ_INT(g.len[0], LINE_MAX_OCTETS, "998 octets kept");
	EQ_INT(g.flags[0], 0, "998 octets is not too long");
	got_free(&g);

	s[LINE_MAX_OCTETS] = 'x';
	memcpy(s + LINE_MAX_OCTETS + 1, "\r\n", 2);
	feed_all(&g, s, LINE_MAX_OCTETS + 3, 0);
	EQ_INT(g.len[0], LINE_MAX_OCTETS + 1, "999 octets kept");
	EQ_INT(g.flags[0], LINE_TOO_LONG, "999 octets too long");
	got_free(&g);

	for (i = 0; i < LINE_CAP + 100; i++)
		s[i] = 'a' + i % 26;
	memcpy(s + LINE_CAP + 50, "\r\nok\r\n", 6);
	feed_all(&g, s, LINE_CAP + 56, 0);
	EQ_INT(g.n, 2, "over-long line still ends at CRLF");
	EQ_INT(g.len[0], LINE_CAP, "kept up to LINE_CAP");
	EQ_INT(g.flags[0], LINE_TOO_LONG | LINE_TRUNCATED, "truncated flags");
	OK(memcmp(g.text[0], s, LINE_CAP) == 0, "kept prefix is intact");
	EQ_STR(g.text[1], "ok", "line after the long one");
	EQ_INT(g.flags[1], 0, "line after the long one is clean");
	got_free(&g);
	free(s);
}

/* Feeding in two pieces split at every position gives the same lines. */
static void
test_lineasm_splits(void)
{
	static const char in[] =
	    "220 a\r\n250-b\n250 c\rx\r\n\r\n5\0\r\n354 end";
	struct got	 ref, g;
	struct lineasm	 la;
	size_t		 len = sizeof in - 1, cut, i;
	int		 same, bad = 0;

	feed_all(&ref, in, len, 1);
	EQ_INT(ref.n, 6, "reference line count");
	for (cut = 0; cut <= len; cut++) {
		memset(&g, 0, sizeof g);
		lineasm_init(&la);
		lineasm_feed(&la, in, cut, got_cb, &g);
		lineasm_feed(&la, in + cut, len - cut, got_cb, &g);
		lineasm_finish(&la, got_cb, &g);
		lineasm_free(&la);
		same = g.n == ref.n;
		for (i = 0; same && i < g.n; i++)
			same = g.len[i] == ref.len[i] &&
			    g.flags[i] == ref.flags[i] &&
			    memcmp(g.text[i], ref.text[i], g.len[i]) == 0;
		if (!same)
			bad++;
		got_free(&g);
	}
	EQ_INT(bad, 0, "split at every position gives same lines");

	/* Byte by byte. */
	memset(&g, 0, sizeof g);
	lineasm_init(&la);
	for (i = 0; i < len; i++)
		lineasm_feed(&la, in + i, 1, got_cb, &g);
	lineasm_finish(&la, got_cb, &g);
	lineasm_free(&la);
	same = g.n == ref.n;
	for (i = 0; same && i < g.n; i++)
		same = g.len[i] == ref.len[i] && g.flags[i] == ref.flags[i] &&
		    memcmp(g.text[i], ref.text[i], g.len[i]) == 0;
	OK(same, "byte by byte gives same lines");
	got_free(&g);

	EQ_INT(ref.flags[1], LINE_BARE_LF, "ref: bare LF");
	EQ_INT(ref.flags[2], LINE_BARE_CR, "ref: bare CR");
	EQ_INT(ref.len[3], 0, "ref: empty line");
	EQ_INT(ref.flags[4], LINE_NUL, "ref: NUL");
	EQ_INT(ref.flags[5], LINE_PARTIAL, "ref: partial");
	got_free(&ref);
}

static void
test_line_code(void)
{
	char	sep;
	size_t	off;

	EQ_INT(reply_line_code("250 ok", 6, &sep, &off), 250, "code 250");
	EQ_INT(sep, ' ', "space separator");
	EQ_INT(off, 4, "text at 4");
	EQ_INT(reply_line_code("250-ok", 6, &sep, &off), 250, "code 250-");
	EQ_INT(sep, '-', "dash separator");
	EQ_INT(reply_line_code("354", 3, &sep, &off), 354, "bare code");
	EQ_INT(sep, '\0', "bare code: no separator");
	EQ_INT(off, 3, "bare code: text at 3");
	EQ_INT(reply_line_code("250x", 4, &sep, &off), 250, "no sep code");
	EQ_INT(sep, 'x', "odd separator reported");
	EQ_INT(off, 3, "no sep: text at 3");
	EQ_INT(reply_line_code("25", 2, &sep, &off), 0, "short line");
	EQ_INT(off, 0, "short: off 0");
	EQ_INT(reply_line_code("", 0, NULL, NULL), 0, "empty line");
	EQ_INT(reply_line_code("2a0 x", 5, NULL, NULL), 0, "letter in code");
	EQ_INT(reply_line_code("650 x", 5, NULL, NULL), 0, "first digit 6");
	EQ_INT(reply_line_code("050 x", 5, NULL, NULL), 0, "first digit 0");
	EQ_INT(reply_line_code("599 x", 5, NULL, NULL), 599, "599");
	EQ_INT(reply_line_code("250 x", 2, NULL, NULL), 0, "len respected");

	EQ_INT(reply_class(250), 2, "class 2");
	EQ_INT(reply_class(354), 3, "class 3");
	EQ_INT(reply_class(421), 4, "class 4");
	EQ_INT(reply_class(599), 5, "class 5");
	EQ_INT(reply_class(0), 0, "class of 0");
	EQ_INT(reply_class(199), 0, "class of 1xx");
	EQ_INT(reply_class(600), 0, "class of 600");
	EQ_INT(reply_class(-250), 0, "class of negative");
}

static void
test_enhanced(void)
{
	char	enh[16];

	strcpy(enh, "junk");
	EQ_INT(reply_parse_enhanced("5.7.8 no", 8, enh), 6, "5.7.8 + space");
	EQ_STR(enh, "5.7.8", "5.7.8 parsed");
	EQ_INT(reply_parse_enhanced("2.0.0", 5, enh), 5, "at end of text");
	EQ_STR(enh, "2.0.0", "2.0.0 parsed");
	EQ_INT(reply_parse_enhanced("4.123.456 x", 11, enh), 10, "3 digits");
	EQ_STR(enh, "4.123.456", "long form");
	EQ_INT(reply_parse_enhanced("3.0.0 x", 7, enh), 0, "class 3 invalid");
	EQ_INT(reply_parse_enhanced("5.1234.1 x", 10, enh), 0,
	    "4-digit subject");
	EQ_INT(reply_parse_enhanced("5.1.1234", 8, enh), 0, "4-digit detail");
	EQ_INT(reply_parse_enhanced("5..1 x", 6, enh), 0, "empty subject");
	EQ_INT(reply_parse_enhanced("5.1. x", 6, enh), 0, "empty detail");
	EQ_INT(reply_parse_enhanced("5.1.1x", 6, enh), 0, "junk after");
	EQ_INT(reply_parse_enhanced("5.1", 3, enh), 0, "too short");
	EQ_INT(reply_parse_enhanced("", 0, enh), 0, "empty");
	EQ_INT(reply_parse_enhanced("Ok 5.1.1", 8, enh), 0, "not at start");
	EQ_INT(reply_parse_enhanced("5.7.8 x", 4, enh), 0, "len respected");
	EQ_INT(reply_parse_enhanced("5,7,8 x", 7, enh), 0, "commas");
}

/* Run lines through a parser; collect up to 8 replies. */
struct replies {
	struct reply	r[8];
	size_t		n;
};

static void
parse_lines(struct reply_parser *rp, struct replies *out, const char *in)
{
	const char	*p = in, *nl;
	struct reply	 r;

	while ((nl = strchr(p, '\n')) != NULL) {
		if (reply_parser_line(rp, p, (size_t)(nl - p), 0, &r)) {
			if (out->n < 8)
				out->r[out->n++] = r;
			else
				reply_free(&r);
		}
		p = nl + 1;
	}
}

static void
replies_free(struct replies *rs)
{
	size_t	i;

	for (i = 0; i < rs->n; i++)
		reply_free(&rs->r[i]);
	rs->n = 0;
}

static void
test_parser(void)
{
	struct reply_parser	rp;
	struct replies		rs;
	struct reply		r;

	memset(&rs, 0, sizeof rs);
	reply_parser_init(&rp);
	parse_lines(&rp, &rs, "220 mx.example ESMTP ready\n");
	EQ_INT(rs.n, 1, "single-line reply");
	EQ_INT(rs.r[0].code, 220, "code 220");
	EQ_INT(rs.r[0].nlines, 1, "one line");
	EQ_STR(rs.r[0].lines[0].text, "220 mx.example ESMTP ready", "text");
	EQ_INT(rs.r[0].flags, 0, "no faults");
	EQ_STR(rs.r[0].enh, "", "no enhanced code");
	replies_free(&rs);

	parse_lines(&rp, &rs, "250-mx.example\n250-PIPELINING\n");
	EQ_INT(rs.n, 0, "multi-line reply still open");
	OK(rp.open, "parser open");
	parse_lines(&rp, &rs, "250-SIZE 100\n250 HELP\n");
	EQ_INT(rs.n, 1, "multi-line reply complete");
	EQ_INT(rs.r[0].nlines, 4, "four lines");
	EQ_INT(rs.r[0].code, 250, "multi code");
	EQ_STR(rs.r[0].lines[3].text, "250 HELP", "last line");
	OK(!rp.open, "parser closed");
	replies_free(&rs);

	parse_lines(&rp, &rs, "354\n");
	EQ_INT(rs.n, 1, "bare code reply");
	EQ_INT(rs.r[0].code, 354, "bare code 354");
	EQ_INT(rs.r[0].flags, 0, "bare code is not a fault");
	replies_free(&rs);

	parse_lines(&rp, &rs, "550-5.1.1 no such user\n550 5.1.2 other\n");
	EQ_STR(rs.r[0].enh, "5.1.1", "enh from first line");
	replies_free(&rs);
	parse_lines(&rp, &rs, "550-no code here\n550 5.7.1 denied\n");
	EQ_STR(rs.r[0].enh, "5.7.1", "enh from first line having one");
	replies_free(&rs);

	parse_lines(&rp, &rs, "250-first\n251 second\n");
	EQ_INT(rs.n, 1, "mismatch still one reply");
	EQ_INT(rs.r[0].code, 250, "code of first line kept");
	OK(rs.r[0].flags & REPLY_MISMATCH, "mismatch flagged on reply");
	OK(rs.r[0].lines[1].flags & REPLY_MISMATCH, "mismatch on the line");
	OK(!(rs.r[0].lines[0].flags & REPLY_MISMATCH), "first line clean");
	replies_free(&rs);

	parse_lines(&rp, &rs, "250ok\n");
	EQ_INT(rs.n, 1, "no separator ends the reply");
	EQ_INT(rs.r[0].code, 250, "no separator code");
	OK(rs.r[0].flags & REPLY_NO_SEP, "no separator flagged");
	replies_free(&rs);

	parse_lines(&rp, &rs, "hello there\n");
	EQ_INT(rs.n, 1, "garbage line is a reply");
	EQ_INT(rs.r[0].code, 0, "garbage code 0");
	OK(rs.r[0].flags & REPLY_BAD_CODE, "bad code flagged");
	replies_free(&rs);

	parse_lines(&rp, &rs, "\n");
	EQ_INT(rs.n, 1, "empty line is a reply");
	OK(rs.r[0].flags & REPLY_BAD_CODE, "empty line bad code");
	EQ_INT(rs.r[0].lines[0].len, 0, "empty line length");
	replies_free(&rs);

	parse_lines(&rp, &rs, "250-a\nxyz\n250 b\n");
	EQ_INT(rs.n, 2, "bad line ends open reply");
	EQ_INT(rs.r[0].nlines, 2, "bad line joined the open reply");
	EQ_INT(rs.r[0].code, 250, "open reply keeps code");
	OK(rs.r[0].flags & REPLY_BAD_CODE, "open reply flagged bad code");
	EQ_INT(rs.r[1].code, 250, "next reply parsed");
	OK(!(rs.r[1].flags & REPLY_FAULTS), "next reply clean");
	replies_free(&rs);

	/* Line flags are carried. */
	OK(reply_parser_line(&rp, "250 x", 5, LINE_BARE_LF, &r), "flag line");
	EQ_INT(r.flags, LINE_BARE_LF, "line flags reach the reply");
	EQ_INT(r.lines[0].flags, LINE_BARE_LF, "and the line");
	reply_free(&r);
	/* Callers cannot inject reply faults. */
	OK(reply_parser_line(&rp, "250 x", 5, REPLY_MISMATCH, &r), "strip");
	EQ_INT(r.flags, 0, "reply fault bits from caller dropped");
	reply_free(&r);

	/* Free in the middle of a reply. */
	parse_lines(&rp, &rs, "250-a\n250-b\n");
	reply_parser_free(&rp);
	OK(!rp.open && rp.cur.nlines == 0, "free resets open parser");
	reply_parser_free(&rp);
}

static void
test_many_lines(void)
{
	struct reply_parser	rp;
	struct reply		r;
	char			line[32];
	int			i, done = 0, bad = 0;

	reply_parser_init(&rp);
	for (i = 0; i < 1000; i++) {
		snprintf(line, sizeof line, "250-line %d", i);
		done += reply_parser_line(&rp, line, strlen(line), 0, &r);
	}
	OK(reply_parser_line(&rp, "250 end", 7, 0, &r), "long reply ends");
	EQ_INT(done, 0, "no early completion");
	EQ_INT(r.nlines, 1001, "1001 lines kept");
	for (i = 0; i < 1000; i++) {
		snprintf(line, sizeof line, "250-line %d", i);
		if (strcmp(r.lines[i].text, line) != 0)
			bad++;
	}
	EQ_INT(bad, 0, "all lines intact");
	reply_free(&r);
	reply_parser_free(&rp);
}

/* Glue: lineasm into reply parser, as conn will do. */
struct glue {
	struct reply_parser	rp;
	struct replies		rs;
};

static void
glue_cb(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct glue	*g = arg;
	struct reply	 r;

	if (reply_parser_line(&g->rp, line, len, flags, &r)) {
		if (g->rs.n < 8)
			g->rs.r[g->rs.n++] = r;
		else
			reply_free(&r);
	}
}

static void
test_pipelining(void)
{
	static const char in[] =
	    "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550-5.1.1 <x@y>: Recipient\r\n"
	    "550 5.1.1 address rejected\r\n354 End data with <CR><LF>.<CR><LF>"
	    "\r\n";
	struct glue	 g;
	struct lineasm	 la;
	size_t		 i, len = sizeof in - 1;
	int		 pass;

	for (pass = 0; pass < 2; pass++) {
		memset(&g, 0, sizeof g);
		reply_parser_init(&g.rp);
		lineasm_init(&la);
		if (pass == 0)
			lineasm_feed(&la, in, len, glue_cb, &g);
		else
			for (i = 0; i < len; i++)
				lineasm_feed(&la, in + i, 1, glue_cb, &g);
		lineasm_finish(&la, glue_cb, &g);
		EQ_INT(g.rs.n, 4, pass ? "bytewise: 4 replies" :
		    "one feed: 4 replies");
		EQ_INT(g.rs.r[0].code, 250, "reply 1 code");
		EQ_STR(g.rs.r[0].enh, "2.1.0", "reply 1 enh");
		EQ_STR(g.rs.r[1].enh, "2.1.5", "reply 2 enh");
		EQ_INT(g.rs.r[2].code, 550, "reply 3 code");
		EQ_INT(g.rs.r[2].nlines, 2, "reply 3 two lines");
		EQ_STR(g.rs.r[2].lines[1].text, "550 5.1.1 address rejected",
		    "reply 3 last line");
		EQ_INT(g.rs.r[3].code, 354, "reply 4 code");
		EQ_STR(g.rs.r[3].enh, "", "reply 4 has no enh");
		replies_free(&g.rs);
		reply_parser_free(&g.rp);
		lineasm_free(&la);
	}
}

/* Random bytes in random chunks: same lines as one feed, replies end. */
static void
test_random(void)
{
	static const char	 alpha[] = "25 -\r\n\0x.";
	struct got		 ref, g;
	struct lineasm		 la;
	struct glue		 gl;
	char			 in[600];
	size_t			 i, j, step;
	unsigned int		 seed = 12345;
	int			 bad = 0, badr = 0, round;

	for (round = 0; round < 300; round++) {
		for (i = 0; i < sizeof in; i++) {
			seed = seed * 1103515245 + 12345;
			in[i] = alpha[(seed >> 16) % (sizeof alpha - 1)];
		}
		feed_all(&ref, in, sizeof in, 1);
		memset(&g, 0, sizeof g);
		lineasm_init(&la);
		for (i = 0; i < sizeof in; i += step) {
			seed = seed * 1103515245 + 12345;
			step = 1 + (seed >> 16) % 7;
			if (step > sizeof in - i)
				step = sizeof in - i;
			lineasm_feed(&la, in + i, step, got_cb, &g);
		}
		lineasm_finish(&la, got_cb, &g);
		lineasm_free(&la);
		if (g.n != ref.n)
			bad++;
		else
			for (j = 0; j < g.n; j++) {
				if (g.len[j] != ref.len[j] ||
				    g.flags[j] != ref.flags[j] ||
				    memcmp(g.text[j], ref.text[j], g.len[j]))
					bad++;
			}
		got_free(&g);
		got_free(&ref);

		/* Every line ends up in some reply once the stream ends. */
		memset(&gl, 0, sizeof gl);
		reply_parser_init(&gl.rp);
		lineasm_init(&la);
		lineasm_feed(&la, in, sizeof in, glue_cb, &gl);
		lineasm_finish(&la, glue_cb, &gl);
		for (j = 0; j < gl.rs.n; j++)
			if (gl.rs.r[j].nlines == 0)
				badr++;
		replies_free(&gl.rs);
		reply_parser_free(&gl.rp);
		lineasm_free(&la);
	}
	EQ_INT(bad, 0, "random chunking gives the same lines");
	EQ_INT(badr, 0, "random input: no empty replies");
}

static int take_lines;

static void
take_cb(void *arg, const char *line, size_t len, unsigned int flags)
{
	(void)flags;
	take_lines++;
	buf_add(arg, line, len);
}

/* lineasm_take: octets of an unfinished line, for BDAT chunks. */
static void
test_lineasm_take(void)
{
	struct lineasm	la;
	struct buf	out, lines;

	lineasm_init(&la);
	buf_init(&out);
	buf_init(&lines);
	lineasm_feed(&la, "hello w", 7, take_cb, &lines);
	EQ_INT(lineasm_take(&la, &out, 5), 5, "take 5 of 7 buffered");
	EQ_STR(buf_str(&out), "hello", "the first 5 octets");
	EQ_INT(lineasm_take(&la, &out, 100), 2, "take the other 2");
	EQ_STR(buf_str(&out), "hello w", "all 7 octets, in order");
	EQ_INT(lineasm_take(&la, &out, 100), 0, "nothing left");
	lineasm_feed(&la, "x\r", 2, take_cb, &lines);
	buf_reset(&out);
	EQ_INT(lineasm_take(&la, &out, 100), 2, "a pending CR is taken too");
	EQ_MEM(out.data, out.len, "x\r", 2, "x and CR");
	lineasm_feed(&la, "\nnext\r\n", 7, take_cb, &lines);
	EQ_INT(take_lines, 2, "the LF after a taken CR ends an empty line");
	EQ_STR(buf_str(&lines), "next", "then the next line is whole");
	lineasm_free(&la);
	buf_free(&out);
	buf_free(&lines);
}

int
main(void)
{
	test_lineasm_take();
	test_lineasm_basic();
	test_lineasm_long();
	test_lineasm_splits();
	test_line_code();
	test_enhanced();
	test_parser();
	test_many_lines();
	test_pipelining();
	test_random();
	return t_done();
}
