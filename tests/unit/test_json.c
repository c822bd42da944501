/* test_json.c: the JSON string escaper and the line objects of --json. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/json.h"
#include "smtpscope/transcript.h"

#include "t.h"

/* Escape s[0..len) and compare with want; returns the lossy flag. */
static int
esc(const char *s, size_t len, const char *want, const char *name)
{
	struct buf	b;
	int		lossy;

	buf_init(&b);
	lossy = json_string(&b, s, len);
	EQ_STR(buf_str(&b), want, name);
	buf_free(&b);
	return lossy;
}

static void
test_string(void)
{
	EQ_INT(esc("", 0, "\"\"", "empty string"), 0, "empty: not lossy");
	esc("250 OK", 6, "\"250 OK\"", "plain ASCII as is");
	esc("a\"b\\c", 5, "\"a\\\"b\\\\c\"", "quote and backslash escaped");
	esc("\r\n\t", 3, "\"\\r\\n\\t\"", "CR LF TAB short forms");
	esc("a\0b", 3, "\"a\\u0000b\"", "NUL as \\u0000");
	esc("\x1b]0;x\x07", 6, "\"\\u001b]0;x\\u0007\"",
	    "ESC and BEL escaped");
	esc("\x7f", 1, "\"\\u007f\"", "DEL escaped");
	esc("\xc2\x9b", 2, "\"\\u009b\"", "C1 control (CSI) escaped");
	esc("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"", "UTF-8 kept");
	esc("\xe2\x80\xa8", 3, "\"\\u2028\"", "U+2028 escaped");
	esc("\xf0\x9f\x93\xa7", 4, "\"\xf0\x9f\x93\xa7\"",
	    "4-octet UTF-8 kept");
	EQ_INT(esc("\xff\xfe ok", 5, "\"\\ufffd\\ufffd ok\"",
	    "invalid octets become U+FFFD"), 1, "invalid: lossy");
	EQ_INT(esc("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"",
	    "overlong form is invalid"), 1, "overlong: lossy");
	EQ_INT(esc("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"",
	    "UTF-16 surrogate is invalid"), 1, "surrogate: lossy");
	EQ_INT(esc("\xe2\x82", 2, "\"\\ufffd\\ufffd\"",
	    "truncated sequence is invalid"), 1, "truncated: lossy");
	EQ_INT(esc("ok", 2, "\"ok\"", "valid: not lossy"), 0,
	    "valid: flag clear");
}

static void
test_lines(void)
{
	struct transcript	 t;
	struct buf		 b;

	transcript_init(&t);
	buf_init(&b);
	transcript_add(&t, TDIR_S, "220 mx ESMTP", 12, TL_REPLY_END, NULL);
	transcript_add(&t, TDIR_C, "AUTH PLAIN AGEAYg==", 19, TL_SECRET,
	    NULL);
	transcript_add(&t, TDIR_S, "535 5.7.8 \xff bad\x1b[2J", 19,
	    TL_REPLY_END, NULL);
	transcript_note(&t, TDIR_INFO, "diagnosis: %s", "check the password");

	json_line(&b, &t, 0, 0, 0.0);
	OK(strstr(buf_str(&b), "\"type\":\"line\",\"direction\":\"server\"") != NULL,
	    "server line: type and dir");
	OK(strstr(buf_str(&b), "\"time\":\"1970-01-01T00:00:00.") != NULL,
	    "time in RFC 3339");
	OK(strstr(buf_str(&b), "\"code\":220") != NULL, "code given");
	OK(strstr(buf_str(&b), "\"class\":\"success\"") != NULL,
	    "class of the reply");

	buf_reset(&b);
	json_line(&b, &t, 1, 0, 0.0);
	OK(strstr(buf_str(&b), "AGEAYg") == NULL, "secret not written");
	OK(strstr(buf_str(&b), "\"masked\":true") != NULL, "marked masked");
	buf_reset(&b);
	json_line(&b, &t, 1, JSON_SECRETS, 0.0);
	OK(strstr(buf_str(&b), "AGEAYg") != NULL,
	    "JSON_SECRETS writes the secret");

	buf_reset(&b);
	json_line(&b, &t, 2, 0, 0.0);
	OK(strstr(buf_str(&b), "\\ufffd bad\\u001b[2J") != NULL,
	    "invalid octet and ESC escaped");
	OK(strstr(buf_str(&b), "\"raw_b64\":\"") != NULL,
	    "exact bytes in raw_b64");
	OK(strstr(buf_str(&b), "\"enhanced\":\"5.7.8\"") != NULL,
	    "enhanced code");
	OK(memchr(b.data, 0x1b, b.len) == NULL, "no raw ESC");

	buf_reset(&b);
	json_line(&b, &t, 3, 0, 0.0);
	OK(strstr(buf_str(&b), "\"direction\":\"diagnosis\",") != NULL,
	    "diagnosis is its own kind");
	OK(strstr(buf_str(&b), "\"text\":\"check the password\"") != NULL,
	    "diagnosis text without its prefix");

	buf_reset(&b);
	json_summary(&b, 1, "x:3: expectation \"failed\"");
	EQ_STR(buf_str(&b), "{\"type\":\"summary\",\"exit\":1,"
	    "\"status\":\"expect-failed\",\"reason\":\"x:3: expectation "
	    "\\\"failed\\\"\"}", "summary object");
	buf_free(&b);
	transcript_free(&t);
}

int
main(void)
{
	test_string();
	test_lines();
	return t_done();
}
