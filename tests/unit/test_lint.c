/* test_lint.c: every protocol warning fires when it should, only then. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "smtpscope/ehlo.h"
#include "smtpscope/lint.h"
#include "smtpscope/reply.h"

#include "t.h"

#define MAXW	8

/* A session after EHLO on TLS with a transaction and one recipient. */
static struct lint_ctx
good_ctx(void)
{
	struct lint_ctx	c;

	memset(&c, 0, sizeof c);
	c.tls = c.greeted = c.helo = c.ehlo = c.mail = 1;
	c.nrcpt = 1;
	c.caps = EHLO_PIPELINING | EHLO_STARTTLS | EHLO_8BITMIME | EHLO_AUTH |
	    EHLO_SIZE;
	c.size_max = 1000;
	return c;
}

static int
has_id(const struct lint_warning **w, size_t n, enum lint_id id)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (w[i]->id == id)
			return 1;
	return 0;
}

/* Does a command raise id under c? */
static int
cmd(const struct lint_ctx *c, const char *line, enum lint_id id)
{
	const struct lint_warning	*w[MAXW];
	size_t				 n;

	n = lint_command(c, line, strlen(line), w, MAXW);
	return has_id(w, n, id);
}

static size_t
cmd_count(const struct lint_ctx *c, const char *line)
{
	const struct lint_warning	*w[MAXW];

	return lint_command(c, line, strlen(line), w, MAXW);
}

static int
data(const struct lint_ctx *c, const char *line, size_t len,
    unsigned int flags, enum lint_id id)
{
	const struct lint_warning	*w[MAXW];
	size_t				 n;

	n = lint_data_line(c, line, len, flags, w, MAXW);
	return has_id(w, n, id);
}

static void
test_table(void)
{
	const struct lint_warning	*w;
	char				 name[64];
	int				 i;

	for (i = 0; i < LINT_COUNT; i++) {
		w = lint_get((enum lint_id)i);
		snprintf(name, sizeof name, "warning %d has text and ref", i);
		OK(w != NULL && w->id == (enum lint_id)i && w->text != NULL &&
		    strlen(w->text) > 20 && w->ref != NULL &&
		    strncmp(w->ref, "RFC ", 4) == 0, name);
	}
	OK(lint_get(LINT_COUNT) == NULL, "out of range");
}

static void
test_commands(void)
{
	struct lint_ctx	c = good_ctx(), x;
	const struct lint_warning *w[1];
	char		long_line[1200];

	/* A clean session raises nothing. */
	EQ_INT(cmd_count(&c, "EHLO me.example"), 0, "EHLO clean");
	EQ_INT(cmd_count(&c, "AUTH PLAIN AGFsaWNlAHNlY3JldA=="), 0,
	    "AUTH over TLS clean");
	EQ_INT(cmd_count(&c, "MAIL FROM:<a@example.org> SIZE=500 "
	    "BODY=8BITMIME"), 0, "MAIL clean");
	EQ_INT(cmd_count(&c, "MAIL FROM: <a@example.org>"), 0,
	    "MAIL with a space clean");
	EQ_INT(cmd_count(&c, "MAIL FROM:<>"), 0, "null sender clean");
	EQ_INT(cmd_count(&c, "RCPT TO:<b@example.org>"), 0, "RCPT clean");
	EQ_INT(cmd_count(&c, "DATA"), 0, "DATA clean");
	EQ_INT(cmd_count(&c, "QUIT"), 0, "QUIT clean");

	x = c;
	x.tls = 0;
	OK(cmd(&x, "AUTH PLAIN AGFsaWNlAHNlY3JldA==",
	    LINT_AUTH_PLAINTEXT), "AUTH without TLS");
	OK(cmd(&x, "auth login", LINT_AUTH_PLAINTEXT), "auth, lower case");
	OK(!cmd(&x, "AUTHX", LINT_AUTH_PLAINTEXT), "AUTHX is not AUTH");

	x = c;
	x.helo = x.ehlo = 0;
	OK(cmd(&x, "MAIL FROM:<a@example.org>", LINT_MAIL_BEFORE_EHLO),
	    "MAIL before EHLO");
	x.helo = 1;
	OK(!cmd(&x, "MAIL FROM:<a@example.org>", LINT_MAIL_BEFORE_EHLO),
	    "MAIL after HELO fine");

	x = c;
	x.mail = 0;
	x.nrcpt = 0;
	OK(cmd(&x, "RCPT TO:<b@example.org>", LINT_RCPT_BEFORE_MAIL),
	    "RCPT before MAIL");
	OK(cmd(&x, "DATA", LINT_DATA_BEFORE_RCPT), "DATA before RCPT");
	OK(cmd(&x, "BDAT 10 LAST", LINT_DATA_BEFORE_RCPT), "BDAT before RCPT");

	OK(cmd(&c, "MAIL FROM:a@example.org", LINT_MAIL_NO_BRACKETS),
	    "MAIL without brackets");
	OK(cmd(&c, "MAIL FROM: a@example.org", LINT_MAIL_NO_BRACKETS),
	    "MAIL without brackets, space");
	OK(cmd(&c, "RCPT TO:b@example.org", LINT_RCPT_NO_BRACKETS),
	    "RCPT without brackets");
	OK(!cmd(&c, "RCPT TO:<b@example.org>", LINT_RCPT_NO_BRACKETS),
	    "RCPT with brackets fine");

	OK(cmd(&c, "NOOP\nNOOP", LINT_BARE_LF), "bare LF in a command");
	OK(!cmd(&c, "NOOP", LINT_BARE_LF), "no bare LF");

	memset(long_line, 'a', sizeof long_line - 1);
	long_line[sizeof long_line - 1] = '\0';
	memcpy(long_line, "VRFY ", 5);
	OK(cmd(&c, long_line, LINT_LINE_TOO_LONG), "over-long command");
	long_line[998] = '\0';
	OK(!cmd(&c, long_line, LINT_LINE_TOO_LONG), "998 octets fine");

	OK(cmd(&c, "MAIL FROM:<a@example.org> SIZE=5000", LINT_SIZE_EXCEEDED),
	    "declared SIZE over the limit");
	x = c;
	x.size_max = 0;
	OK(!cmd(&x, "MAIL FROM:<a@example.org> SIZE=5000", LINT_SIZE_EXCEEDED),
	    "no limit announced");

	x = c;
	x.caps &= ~EHLO_8BITMIME;
	OK(cmd(&x, "MAIL FROM:<a@example.org> BODY=8BITMIME",
	    LINT_8BIT_NO_8BITMIME), "BODY=8BITMIME not offered");

	x = c;
	x.quit = 1;
	OK(cmd(&x, "NOOP", LINT_AFTER_QUIT), "command after QUIT");

	x = c;
	x.tls = 0;
	x.caps &= ~EHLO_STARTTLS;
	OK(cmd(&x, "STARTTLS", LINT_STARTTLS_NOT_OFFERED),
	    "STARTTLS not offered");
	x.caps |= EHLO_STARTTLS;
	OK(!cmd(&x, "STARTTLS", LINT_STARTTLS_NOT_OFFERED),
	    "STARTTLS offered fine");
	OK(cmd(&c, "STARTTLS", LINT_STARTTLS_NOT_OFFERED),
	    "STARTTLS on TLS already");

	x = c;
	x.caps &= ~EHLO_AUTH;
	OK(cmd(&x, "AUTH LOGIN", LINT_AUTH_NOT_OFFERED), "AUTH not offered");
	x = c;
	x.ehlo = 0;
	OK(cmd(&x, "AUTH LOGIN", LINT_AUTH_NOT_OFFERED), "AUTH after HELO");

	x = c;
	x.pending = 1;
	OK(!cmd(&x, "RCPT TO:<c@example.org>", LINT_PIPELINING_NOT_OFFERED),
	    "pipelining offered fine");
	x.caps &= ~EHLO_PIPELINING;
	OK(cmd(&x, "RCPT TO:<c@example.org>", LINT_PIPELINING_NOT_OFFERED),
	    "pipelining not offered");

	/* The output array is bounded. */
	x = c;
	x.quit = 1;
	x.tls = 0;
	EQ_INT(lint_command(&x, "AUTH PLAIN", 10, w, 1), 1, "max respected");
}

static void
test_data(void)
{
	struct lint_ctx	c = good_ctx(), x;
	const struct lint_warning *w[MAXW];
	char		big[1100];

	OK(!data(&c, "Hello", 5, 0, LINT_BARE_LF), "plain line clean");
	EQ_INT(lint_data_line(&c, "Hello", 5, 0, w, MAXW), 0,
	    "plain line: nothing");
	OK(data(&c, "Hello", 5, LINE_BARE_LF, LINT_BARE_LF), "flagged bare LF");
	OK(data(&c, "a\nb", 3, 0, LINT_BARE_LF), "embedded LF");
	OK(data(&c, "a\rb", 3, 0, LINT_BARE_LF), "embedded CR");

	memset(big, 'x', sizeof big);
	OK(data(&c, big, 999, 0, LINT_LINE_TOO_LONG), "999 octets");
	OK(!data(&c, big, 998, 0, LINT_LINE_TOO_LONG), "998 octets fine");

	OK(!data(&c, "Gr\xc3\xbc\xc3\x9f" "e", 7, 0, LINT_8BIT_NO_8BITMIME),
	    "8-bit with 8BITMIME fine");
	x = c;
	x.caps &= ~EHLO_8BITMIME;
	OK(data(&x, "Gr\xc3\xbc\xc3\x9f" "e", 7, 0, LINT_8BIT_NO_8BITMIME),
	    "8-bit without 8BITMIME");
	OK(!data(&x, "Gruesse", 7, 0, LINT_8BIT_NO_8BITMIME),
	    "7-bit without 8BITMIME fine");

	EQ_INT(lint_data_end(&c, 1001, w, MAXW), 1, "over SIZE at the end");
	OK(w[0]->id == LINT_SIZE_EXCEEDED, "it is SIZE_EXCEEDED");
	EQ_INT(lint_data_end(&c, 1000, w, MAXW), 0, "at SIZE fine");
	x = c;
	x.size_max = 0;
	EQ_INT(lint_data_end(&x, 1ULL << 40, w, MAXW), 0, "no SIZE: fine");
}

/* Pipelined commands still waiting for replies count as sent. */
static void
test_pipelined(void)
{
	const struct lint_warning	*w[8];
	struct lint_ctx			 c;

	memset(&c, 0, sizeof c);
	c.greeted = c.helo = c.ehlo = 1;
	c.caps = EHLO_PIPELINING;
	c.pending = 1;
	c.mail_pending = 1;
	EQ_INT(lint_command(&c, "RCPT TO:<a@b.example>", 21, w, 8), 0,
	    "RCPT right after a pipelined MAIL: no warning");
	c.rcpt_pending = 1;
	EQ_INT(lint_command(&c, "DATA", 4, w, 8), 0,
	    "DATA right after a pipelined RCPT: no warning");
	c.mail_pending = c.rcpt_pending = 0;
	c.pending = 0;
	OK(lint_command(&c, "RCPT TO:<a@b.example>", 21, w, 8) == 1 &&
	    w[0]->id == LINT_RCPT_BEFORE_MAIL,
	    "RCPT with no MAIL at all still warned about");
}

int
main(void)
{
	test_pipelined();
	test_table();
	test_commands();
	test_data();
	return t_done();
}
