/* test_sanitize.c: bytes to safe text. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/sanitize.h"

#include "t.h"

/* Check sanitize, sanitize_dup and sanitize_is_clean on one input. */
static void
check(const char *in, size_t len, const char *want, const char *name)
{
	char	*s;
	int	 clean;

	s = sanitize_dup(in, len);
	EQ_STR(s, want, name);
	clean = strlen(want) == len && memcmp(want, in, len) == 0;
	EQ_INT(sanitize_is_clean(in, len), clean, name);
	free(s);
}

#define CHECK(in, want, name) check((in), sizeof(in) - 1, (want), (name))

static void
test_ascii(void)
{
	struct buf	b;

	CHECK("", "", "empty");
	CHECK("250 mx.example ESMTP", "250 mx.example ESMTP", "plain ASCII");
	CHECK("a\tb", "a b", "TAB becomes space");
	CHECK("a\r\n", "a\\r\\n", "CR LF escaped");
	CHECK("a\0b", "a\\0b", "NUL escaped");
	CHECK("\x1b", "\\e", "ESC escaped");
	CHECK("\x7f", "\\x7f", "DEL escaped");
	CHECK("\x01\x1f", "\\x01\\x1f", "other C0 escaped");
	CHECK("a\\b", "a\\b", "backslash stays one backslash");
	CHECK(" ~", " ~", "space and tilde pass");
	CHECK("\x1b[2J\x1b]0;pwned\x07", "\\e[2J\\e]0;pwned\\x07",
	    "ANSI escape injection neutralised");
	CHECK("\x9b" "31m", "\\x9b31m", "8-bit CSI escaped");

	/* sanitize appends. */
	buf_init(&b);
	buf_addstr(&b, "x=");
	sanitize(&b, "\x1b", 1);
	sanitize(&b, "", 0);
	EQ_STR(buf_str(&b), "x=\\e", "sanitize appends");
	buf_free(&b);
	OK(sanitize_is_clean("", 0), "empty is clean");
	EQ_INT(sanitize_is_clean("ab\x1b", 2), 1, "length respected");
}

static void
test_utf8(void)
{
	CHECK("caf\xc3\xa9", "caf\xc3\xa9", "2-byte UTF-8 passes");
	CHECK("\xe2\x82\xac", "\xe2\x82\xac", "euro sign passes");
	CHECK("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "emoji passes");
	CHECK("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "U+10FFFF passes");
	CHECK("\xc2\xa0", "\xc2\xa0", "U+00A0 passes");
	CHECK("\xed\x9f\xbf", "\xed\x9f\xbf", "U+D7FF passes");
	CHECK("\xee\x80\x80", "\xee\x80\x80", "U+E000 passes");

	CHECK("\xc2\x80", "\\xc2\\x80", "C1 U+0080 escaped");
	CHECK("\xc2\x9b", "\\xc2\\x9b", "C1 CSI U+009B escaped");
	CHECK("\xc2\x9f", "\\xc2\\x9f", "C1 U+009F escaped");
	CHECK("\xc0\xaf", "\\xc0\\xaf", "overlong 2-byte slash");
	CHECK("\xc1\xbf", "\\xc1\\xbf", "overlong C1 lead");
	CHECK("\xe0\x80\xaf", "\\xe0\\x80\\xaf", "overlong 3-byte");
	CHECK("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf", "overlong 4-byte");
	CHECK("\xed\xa0\x80", "\\xed\\xa0\\x80", "surrogate D800");
	CHECK("\xed\xbf\xbf", "\\xed\\xbf\\xbf", "surrogate DFFF");
	CHECK("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", "U+110000");
	CHECK("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80", "F5 lead");
	CHECK("\xff\xfe", "\\xff\\xfe", "FF FE");
	CHECK("\x80", "\\x80", "lone continuation");
	CHECK("\xc3", "\\xc3", "truncated at end");
	CHECK("\xe2\x82", "\\xe2\\x82", "truncated 3-byte at end");
	CHECK("\xe2\x82" "A", "\\xe2\\x82A", "truncated 3-byte then ASCII");
	CHECK("\xf0\x9f\x98" "\xc3\xa9", "\\xf0\\x9f\\x98\xc3\xa9",
	    "truncated 4-byte then valid");
	CHECK("\xc3\x28", "\\xc3(", "bad continuation");
	CHECK("a\xc3\xa9\x1b" "b", "a\xc3\xa9\\eb", "mixed");
	EQ_INT(sanitize_is_clean("\xc3\xa9", 1), 0, "split sequence unclean");
}

/* Whatever goes in, what comes out is clean and holds no control byte. */
static void
test_random(void)
{
	unsigned char	 in[64];
	char		*s;
	size_t		 i, j;
	unsigned int	 seed = 777;
	int		 bad = 0;

	for (i = 0; i < 20000; i++) {
		for (j = 0; j < sizeof in; j++) {
			seed = seed * 1103515245 + 12345;
			in[j] = (unsigned char)(seed >> 16);
		}
		s = sanitize_dup((const char *)in, sizeof in);
		if (!sanitize_is_clean(s, strlen(s)))
			bad++;
		for (j = 0; s[j] != '\0'; j++)
			if ((unsigned char)s[j] < 0x20 ||
			    (unsigned char)s[j] == 0x7f)
				bad++;
		free(s);
	}
	EQ_INT(bad, 0, "random bytes always come out clean");
}

/* utf8_decode: code points, and U+FFFD with 1 octet for bad input. */
static void
test_decode(void)
{
	unsigned int	cp;

	EQ_INT(utf8_decode("A", 1, &cp), 1, "ASCII: 1 octet");
	EQ_INT(cp, 'A', "ASCII code point");
	EQ_INT(utf8_decode("\xc3\xa9", 2, &cp), 2, "e-acute: 2 octets");
	EQ_INT(cp, 0xe9, "e-acute code point");
	EQ_INT(utf8_decode("\xe2\x82\xac", 3, &cp), 3, "euro: 3 octets");
	EQ_INT(cp, 0x20ac, "euro code point");
	EQ_INT(utf8_decode("\xf0\x9f\x93\xa7", 4, &cp), 4, "emoji: 4 octets");
	EQ_INT(cp, 0x1f4e7, "emoji code point");
	EQ_INT(utf8_decode("\xe2\x82", 2, &cp), 1, "truncated: 1 octet");
	EQ_INT(cp, 0xfffd, "truncated: U+FFFD");
	EQ_INT(utf8_decode("\xc0\xaf", 2, &cp), 1, "overlong: 1 octet");
	EQ_INT(utf8_decode("\xed\xa0\x80", 3, &cp), 1, "surrogate refused");
	EQ_INT(utf8_decode("\xc2\x9b", 2, &cp), 2, "C1 decodes (display escapes it)");
	EQ_INT(cp, 0x9b, "C1 code point");
}

int
main(void)
{
	test_decode();
	test_ascii();
	test_utf8();
	test_random();
	return t_done();
}
