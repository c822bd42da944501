/* test_data.c: dot-stuffing, the streaming encoder and :msg messages. */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/data.h"

#include "t.h"

static void
test_lines(void)
{
	struct buf	 b;
	const char	*p;
	size_t		 len;

	buf_init(&b);
	EQ_INT(data_stuff_line(&b, "hello", 5), 0, "plain line not stuffed");
	EQ_STR(buf_str(&b), "hello\r\n", "plain line CRLF");
	buf_reset(&b);
	EQ_INT(data_stuff_line(&b, ".", 1), 1, "lone dot stuffed");
	EQ_STR(buf_str(&b), "..\r\n", "lone dot doubled");
	buf_reset(&b);
	EQ_INT(data_stuff_line(&b, ".hidden", 7), 1, "dot line stuffed");
	EQ_STR(buf_str(&b), "..hidden\r\n", "dot line");
	buf_reset(&b);
	EQ_INT(data_stuff_line(&b, "", 0), 0, "empty line");
	EQ_STR(buf_str(&b), "\r\n", "empty line is CRLF");
	buf_reset(&b);
	EQ_INT(data_stuff_line(&b, "a.b", 3), 0, "inner dot untouched");
	buf_free(&b);

	p = "..x";
	len = 3;
	EQ_INT(data_unstuff_line(&p, &len), 1, "unstuff ..x");
	EQ_MEM(p, len, ".x", 2, "unstuffed to .x");
	p = ".x";
	len = 2;
	EQ_INT(data_unstuff_line(&p, &len), 1, "unstuff .x");
	EQ_MEM(p, len, "x", 1, "unstuffed to x");
	p = "x.";
	len = 2;
	EQ_INT(data_unstuff_line(&p, &len), 0, "no leading dot");
	p = ".";
	len = 1;
	EQ_INT(data_unstuff_line(&p, &len), 0, "lone dot is not unstuffed");
	p = "";
	len = 0;
	EQ_INT(data_unstuff_line(&p, &len), 0, "empty line");

	OK(data_is_end(".", 1), "lone dot ends");
	OK(!data_is_end("..", 2), "two dots do not end");
	OK(!data_is_end(". ", 2), "dot space does not end");
	OK(!data_is_end("", 0), "empty does not end");
	OK(data_is_end(".x", 1), "length respected");
}

/* Encode in one go and compare. */
static void
enc_check(const char *in, size_t len, const char *want, size_t wlen,
    const char *name, struct data_enc *de)
{
	struct buf	b;

	buf_init(&b);
	data_enc_init(de);
	data_enc_feed(de, in, len, &b);
	data_enc_finish(de, &b);
	EQ_MEM(buf_str(&b), b.len, want, wlen, name);
	if (b.len != wlen || memcmp(buf_str(&b), want, b.len) != 0)
		printf("#   got \"%s\"\n", buf_str(&b));
	EQ_INT(de->total, b.len, "total counts every octet");
	buf_free(&b);
}

#define ENC(in, want, name, de) enc_check((in), sizeof(in) - 1, (want), \
	sizeof(want) - 1, (name), (de))

static void
test_encoder(void)
{
	struct data_enc	de;

	ENC("", ".\r\n", "empty message", &de);
	EQ_INT(de.longest, 0, "empty: longest 0");
	ENC("a\r\nb\r\n", "a\r\nb\r\n.\r\n", "CRLF kept", &de);
	EQ_INT(de.bare_lf, 0, "CRLF: no bare ends");
	ENC("a\nb\n", "a\r\nb\r\n.\r\n", "LF made CRLF", &de);
	EQ_INT(de.bare_lf, 2, "two bare LF");
	EQ_INT(de.bare_cr, 0, "no bare CR");
	ENC("a\rb\r", "a\r\nb\r\n.\r\n", "CR made CRLF", &de);
	EQ_INT(de.bare_lf, 2, "bare CR counted as bare ends");
	EQ_INT(de.bare_cr, 2, "two bare CR");
	ENC("a\r\n\r\nb", "a\r\n\r\nb\r\n.\r\n", "missing last CRLF added",
	    &de);
	ENC("a\n\nb\r\r\n", "a\r\n\r\nb\r\n\r\n.\r\n", "mixed ends", &de);
	ENC(".\n..x\nx.\n.", "..\r\n...x\r\nx.\r\n..\r\n.\r\n", "stuffing",
	    &de);
	EQ_INT(de.stuffed, 3, "three lines stuffed");
	EQ_INT(de.eightbit, 0, "ASCII only");
	ENC("caf\xc3\xa9\n", "caf\xc3\xa9\r\n.\r\n", "8-bit passed", &de);
	OK(de.eightbit, "8-bit seen");
	ENC("abc\n12345\n.x\n", "abc\r\n12345\r\n..x\r\n.\r\n", "longest",
	    &de);
	EQ_INT(de.longest, 5, "longest line counted");
	ENC("\n", "\r\n.\r\n", "one empty line", &de);
	ENC("x\0y\n", "x\0y\r\n.\r\n", "NUL passed through", &de);
}

/* Split input at every position: output and counters must not change. */
static void
test_splits(void)
{
	static const char in[] = ".a\r\nb\rc\n\r\n.\r\rd\xc3\xa9.\r";
	struct data_enc	 ref, de;
	struct buf	 rb, b;
	size_t		 len = sizeof in - 1, cut, i;
	int		 bad = 0;

	buf_init(&rb);
	data_enc_init(&ref);
	data_enc_feed(&ref, in, len, &rb);
	data_enc_finish(&ref, &rb);
	EQ_STR(buf_str(&rb), "..a\r\nb\r\nc\r\n\r\n..\r\n\r\nd\xc3\xa9.\r\n"
	    ".\r\n", "reference output");
	for (cut = 0; cut <= len; cut++) {
		buf_init(&b);
		data_enc_init(&de);
		data_enc_feed(&de, in, cut, &b);
		data_enc_feed(&de, in + cut, len - cut, &b);
		data_enc_finish(&de, &b);
		if (b.len != rb.len || memcmp(b.data, rb.data, b.len) != 0 ||
		    memcmp(&de, &ref, sizeof de) != 0)
			bad++;
		buf_free(&b);
	}
	EQ_INT(bad, 0, "split at every position: same result");
	buf_init(&b);
	data_enc_init(&de);
	for (i = 0; i < len; i++)
		data_enc_feed(&de, in + i, 1, &b);
	data_enc_finish(&de, &b);
	EQ_MEM(b.data, b.len, rb.data, rb.len, "byte by byte: same output");
	OK(memcmp(&de, &ref, sizeof de) == 0, "byte by byte: same counters");
	buf_free(&b);
	buf_free(&rb);
}

static int
matches(const char *s, const char *re)
{
	regex_t	r;
	int	m;

	if (regcomp(&r, re, REG_EXTENDED | REG_NEWLINE | REG_NOSUB) != 0)
		return 0;
	m = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

static void
test_compose(void)
{
	char	*m, *m2;

	m = data_compose("alice@example.org", "<bob@example.net>",
	    "hello\r\nBcc: evil@x", "client.example");
	OK(matches(m, "^From: <alice@example.org>$"), "From bracketed");
	OK(matches(m, "^To: <bob@example.net>$"), "To kept");
	OK(matches(m, "^Subject: hello  Bcc: evil@x$"), "no header injection");
	OK(!matches(m, "^Bcc:"), "no Bcc header");
	OK(matches(m, "^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
	    "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
	    "[0-9]{2}:[0-9]{2}:[0-9]{2} [-+][0-9]{4}$"), "RFC 5322 Date");
	OK(matches(m, "^Message-ID: <[0-9.]+@client\\.example>$"),
	    "Message-ID with host");
	OK(strstr(m, "\n\n") != NULL, "blank line before body");
	OK(strchr(m, '\r') == NULL, "LF line ends only");
	OK(m[strlen(m) - 1] == '\n', "ends with a line end");
	m2 = data_compose("alice@example.org", "bob@example.net", "x",
	    "client.example");
	OK(strstr(m2, "Message-ID") != NULL &&
	    strcmp(strstr(m, "Message-ID"), strstr(m2, "Message-ID")) != 0,
	    "Message-IDs differ");
	free(m);
	free(m2);

	m = data_compose(NULL, NULL, NULL, NULL);
	OK(matches(m, "^From: <[^>]+>$"), "default From");
	OK(matches(m, "^To: <[^>]+>$"), "default To");
	OK(matches(m, "^Subject: .+$"), "default Subject");
	OK(matches(m, "^Message-ID: <[0-9.]+@localhost>$"),
	    "default host");
	free(m);
	m = data_compose("a@b", "c@d", "", "bad host<x>");
	OK(matches(m, "^Message-ID: <[0-9.]+@localhost>$"),
	    "odd host replaced");
	OK(matches(m, "^Subject: $"), "empty subject kept");
	free(m);
}

int
main(void)
{
	test_lines();
	test_encoder();
	test_splits();
	test_compose();
	return t_done();
}
