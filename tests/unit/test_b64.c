/* test_b64.c: base64 through GnuTLS. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"

#include "t.h"

/* RFC 4648 10 test vectors. */
static const struct {
	const char	*plain;
	const char	*enc;
} vec[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" }
};

static void
test_vectors(void)
{
	struct buf	 b;
	char		*s, name[64];
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		s = b64_encode(vec[i].plain, strlen(vec[i].plain));
		snprintf(name, sizeof name, "encode \"%s\"", vec[i].plain);
		EQ_STR(s, vec[i].enc, name);
		free(s);
		buf_reset(&b);
		snprintf(name, sizeof name, "decode \"%s\"", vec[i].enc);
		EQ_INT(b64_decode(vec[i].enc, strlen(vec[i].enc), &b), 0, name);
		EQ_MEM(b.data ? b.data : "", b.len, vec[i].plain,
		    strlen(vec[i].plain), name);
	}
	buf_free(&b);
}

static void
test_binary(void)
{
	struct buf	 b;
	unsigned char	 all[256];
	char		*s;
	size_t		 i;

	for (i = 0; i < sizeof all; i++)
		all[i] = (unsigned char)i;
	s = b64_encode(all, sizeof all);
	EQ_INT(strlen(s), 344, "256 bytes encode to 344 chars");
	OK(strchr(s, '\n') == NULL, "no line breaks in output");
	buf_init(&b);
	EQ_INT(b64_decode(s, strlen(s), &b), 0, "decode 256 bytes");
	EQ_MEM(b.data, b.len, all, sizeof all, "round trip binary");
	free(s);
	buf_reset(&b);

	s = b64_encode("\0user\0pass", 10);
	EQ_STR(s, "AHVzZXIAcGFzcw==", "AUTH PLAIN shape");
	free(s);
	EQ_INT(b64_decode("VXNlcm5hbWU6", 12, &b), 0, "Username: decodes");
	EQ_STR(buf_str(&b), "Username:", "Username: text");
	buf_free(&b);
}

static void
test_invalid(void)
{
	struct buf	b;
	static const char *const bad[] = {
		"Zg=", "Zg", "Z", "Zm9vY", "Z===", "Zg=a", "=Zg=", "Zm 9v",
		"Zm9v!A==", "Zm9v\x80\x80==", "Zg==Zg==", "====", "-_-_"
	};
	size_t		i;
	char		name[64];

	buf_init(&b);
	buf_addstr(&b, "keep");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(name, sizeof name, "invalid #%zu rejected", i);
		EQ_INT(b64_decode(bad[i], strlen(bad[i]), &b), -1, name);
	}
	EQ_STR(buf_str(&b), "keep", "out unchanged on error");
	EQ_INT(b64_decode("  Zm9v\r\n", 8, &b), 0, "surrounding blanks ok");
	EQ_STR(buf_str(&b), "keepfoo", "decode appends");
	EQ_INT(b64_decode("   ", 3, &b), 0, "blank is empty");
	EQ_STR(buf_str(&b), "keepfoo", "blank adds nothing");
	EQ_INT(b64_decode("Zm9vYmFy", 4, &b), 0, "length respected");
	EQ_STR(buf_str(&b), "keepfoofoo", "prefix decoded");
	buf_free(&b);
}

static void
test_is_text(void)
{
	OK(b64_is_text("VXNlcm5hbWU6", 12), "Username: is text");
	OK(b64_is_text("UGFzc3dvcmQ6", 12), "Password: is text");
	OK(b64_is_text("Q29udHJhc2XDsWE6", 16), "UTF-8 text is text");
	OK(!b64_is_text("AHVzZXIAcGFzcw==", 16), "NUL bytes are not text");
	OK(!b64_is_text("", 0), "empty is not text");
	OK(!b64_is_text("Ok", 2), "invalid is not text");
	OK(!b64_is_text("2.7.0", 5), "enhanced code is not text");
	OK(!b64_is_text("/w==", 4), "0xff is not text");
	OK(!b64_is_text("Gw==", 4), "ESC is not text");
}

int
main(void)
{
	test_vectors();
	test_binary();
	test_invalid();
	test_is_text();
	return t_done();
}
