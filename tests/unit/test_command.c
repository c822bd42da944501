/* test_command.c: the ':' command table, completion and the local-only
 * commands that need no connection. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/command.h"
#include "smtpscope/session.h"
#include "t.h"

static struct buf said;

static void
say(void *arg, const char *text)
{
	(void)arg;
	buf_reset(&said);
	buf_addstr(&said, text);
}

int
main(void)
{
	struct session_params	 sp;
	struct command_ctx	 ctx;
	const char		*names[16];
	size_t			 n;

	buf_init(&said);
	memset(&sp, 0, sizeof sp);
	sp.allow_plaintext = 1;	/* these checks are about the password */
	memset(&ctx, 0, sizeof ctx);
	ctx.s = session_new(&sp);
	ctx.say = say;

	OK(command_find("auth") != NULL, "find auth");
	OK(command_find("AUTH") != NULL, "find is case-insensitive");
	OK(command_find("nope") == NULL, "unknown name not found");

	n = command_complete(":s", names, 16);
	EQ_INT(n, 3, "three commands start with s (save send sync)");
	n = command_complete("unb", names, 16);
	EQ_INT(n, 1, "one completion for unb");
	EQ_STR(names[0], "unb64", "unb completes to unb64");
	n = command_complete("", names, 2);
	OK(n > 2, "empty prefix counts every command even past max");

	EQ_INT(command_run(&ctx, ":b64 alice"), 0, ":b64 runs");
	OK(strstr(buf_str(&said), "YWxpY2U=") != NULL, ":b64 shows base64");
	EQ_INT(command_run(&ctx, ":b64 two words"), 0, ":b64 takes the rest");
	OK(strstr(buf_str(&said), "dHdvIHdvcmRz") != NULL,
	    ":b64 encodes the whole rest of the line");
	EQ_INT(command_run(&ctx, ":unb64 VXNlcm5hbWU6"), 0, ":unb64 runs");
	OK(strstr(buf_str(&said), "\"Username:\"") != NULL,
	    ":unb64 shows the decoded text");
	EQ_INT(command_run(&ctx, ":unb64 !!notbase64"), -1,
	    ":unb64 refuses bad base64");
	OK(strstr(buf_str(&said), "not valid base64") != NULL,
	    "bad base64 is said");
	EQ_INT(command_run(&ctx, ":unb64 G1szMW1YG10wO3B3bmVkBw=="), 0,
	    ":unb64 of escape sequences runs");
	OK(strchr(buf_str(&said), '\033') == NULL,
	    ":unb64 never shows a raw ESC");

	/* With a note callback the results are kept there, not said. */
	ctx.note = say;
	ctx.say = NULL;
	buf_reset(&said);
	EQ_INT(command_run(&ctx, ":b64 demo"), 0, ":b64 with a note hook");
	OK(strstr(buf_str(&said), "ZGVtbw==") != NULL, ":b64 result is a note");
	buf_reset(&said);
	EQ_INT(command_run(&ctx, ":unb64 ZGVtbw=="), 0, ":unb64 too");
	OK(strstr(buf_str(&said), "\"demo\"") != NULL,
	    ":unb64 result is a note");
	ctx.note = NULL;
	ctx.say = say;

	EQ_INT(command_run(&ctx, ":frob"), -1, "unknown command fails");
	OK(strstr(buf_str(&said), "unknown command ':frob'") != NULL,
	    "unknown command is named");
	EQ_INT(command_run(&ctx, ":auth"), -1, ":auth without args fails");
	OK(strstr(buf_str(&said), "usage: :auth") != NULL, "usage shown");
	EQ_INT(command_run(&ctx, ":auth kerberos5 bob"), -1,
	    "unknown mechanism refused");
	OK(strstr(buf_str(&said), "unknown mechanism") != NULL,
	    "unknown mechanism said");
	EQ_INT(command_run(&ctx, ":auth plain bob"), -1,
	    ":auth without a password source fails");
	OK(strstr(buf_str(&said), "--password-env") != NULL,
	    "no password: the way out is named");
	EQ_INT(command_run(&ctx, ":expect 250"), -1,
	    ":expect with no reply fails");
	OK(ctx.failed, ":expect failure is recorded");
	EQ_INT(command_run(&ctx, ":explain 5.7.8"), 0, ":explain runs");
	OK(strstr(buf_str(&said), "5.7.8") != NULL, ":explain explains");
	EQ_INT(command_run(&ctx, ":quit"), 0, ":quit runs");
	OK(ctx.quit, ":quit sets quit");
	EQ_INT(command_run(&ctx, ":help"), 0, ":help runs");
	OK(strstr(buf_str(&said), ":auth") != NULL, ":help lists :auth");

	session_free(ctx.s);
	buf_free(&said);
	return t_done();
}
