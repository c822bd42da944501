/*
 * lint.c: protocol warnings for what the user is about to send, judged
 * against what the session knows (TLS, EHLO, envelope, capabilities).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/ehlo.h"
#include "smtpscope/lint.h"
#include "smtpscope/reply.h"

/* Indexed by enum lint_id. */
static const struct lint_warning lint_table[LINT_COUNT] = {
	{ LINT_AUTH_PLAINTEXT,
	  "AUTH on a connection without TLS: the credentials cross the "
	  "network readable (base64 is not encryption). Use STARTTLS or "
	  "smtps:// first.",
	  "RFC 4954 4; RFC 8314" },
	{ LINT_MAIL_BEFORE_EHLO,
	  "MAIL before a successful EHLO or HELO: the server will answer "
	  "503. Greet first.",
	  "RFC 5321 4.1.4" },
	{ LINT_RCPT_BEFORE_MAIL,
	  "RCPT before an accepted MAIL FROM: there is no transaction to add "
	  "a recipient to, so expect 503.",
	  "RFC 5321 4.1.4; RFC 5321 3.3" },
	{ LINT_DATA_BEFORE_RCPT,
	  "DATA with no accepted recipient: expect 503 or 554 (no valid "
	  "recipients).",
	  "RFC 5321 3.3; RFC 5321 4.1.1.4" },
	{ LINT_MAIL_NO_BRACKETS,
	  "MAIL FROM without angle brackets: write MAIL FROM:<a@example.org>. "
	  "Strict servers answer 501.",
	  "RFC 5321 4.1.2" },
	{ LINT_RCPT_NO_BRACKETS,
	  "RCPT TO without angle brackets: write RCPT TO:<b@example.org>. "
	  "Strict servers answer 501.",
	  "RFC 5321 4.1.2" },
	{ LINT_BARE_LF,
	  "A bare LF or CR (not part of CRLF) in the line: servers may "
	  "reject it or read it differently (SMTP smuggling).",
	  "RFC 5321 2.3.8" },
	{ LINT_LINE_TOO_LONG,
	  "A line over 998 octets (1000 with CRLF): servers may refuse or "
	  "break it. Wrap long lines or use a transfer encoding.",
	  "RFC 5321 4.5.3.1.6" },
	{ LINT_8BIT_NO_8BITMIME,
	  "8-bit data but the server did not offer 8BITMIME: it may mangle "
	  "or refuse the message. Encode it (quoted-printable or base64).",
	  "RFC 6152" },
	{ LINT_SIZE_EXCEEDED,
	  "The message is larger than the SIZE the server announced in EHLO; "
	  "expect 552 or 5.3.4.",
	  "RFC 1870" },
	{ LINT_AFTER_QUIT,
	  "A command after QUIT or a 221 reply: the server is closing the "
	  "connection and will not answer it.",
	  "RFC 5321 4.1.1.10" },
	{ LINT_STARTTLS_NOT_OFFERED,
	  "STARTTLS was not in the EHLO reply (or TLS is already on): expect "
	  "454 or 502.",
	  "RFC 3207 4" },
	{ LINT_AUTH_NOT_OFFERED,
	  "AUTH was not in the EHLO reply: many servers only offer it after "
	  "STARTTLS, or only on port 587.",
	  "RFC 4954 3" },
	{ LINT_PIPELINING_NOT_OFFERED,
	  "A command sent before the previous reply arrived, but the server "
	  "did not offer PIPELINING: it may drop or refuse the early "
	  "command.",
	  "RFC 2920 3.1" },
};

const struct lint_warning *
lint_get(enum lint_id id)
{
	if ((int)id < 0 || id >= LINT_COUNT)
		return NULL;
	return &lint_table[id];
}

static void
add(enum lint_id id, const struct lint_warning **out, size_t max,
    size_t *n)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (out[i]->id == id)
			return;
	if (*n < max)
		out[(*n)++] = &lint_table[id];
}

/* Does line start with word (case-insensitive) followed by end or blank? */
static int
is_verb(const char *line, size_t len, const char *word)
{
	size_t	n = strlen(word);

	return len >= n && strncasecmp(line, word, n) == 0 &&
	    (len == n || line[n] == ' ' || line[n] == '\t' || line[n] == ':');
}

/* The argument of MAIL FROM:/RCPT TO: misses its angle brackets. */
static int
no_brackets(const char *line, size_t len)
{
	const char	*colon = memchr(line, ':', len);
	size_t		 i;

	if (colon == NULL)
		return 1;
	for (i = (size_t)(colon - line) + 1; i < len && line[i] == ' '; i++)
		;
	return i >= len || line[i] != '<';
}

/* Find a "NAME=value" parameter after the address; value or NULL. */
static const char *
param(const char *line, size_t len, const char *name, size_t *vlen)
{
	size_t	n = strlen(name), i;

	for (i = 0; i + n + 1 <= len; i++) {
		if ((i == 0 || line[i - 1] == ' ') &&
		    strncasecmp(line + i, name, n) == 0 && line[i + n] == '=') {
			i += n + 1;
			*vlen = strcspn(line + i, " \t\r\n");
			if (i + *vlen > len)
				*vlen = len - i;
			return line + i;
		}
	}
	return NULL;
}

static int
has_bare_lf(const char *line, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (line[i] == '\n' && (i == 0 || line[i - 1] != '\r'))
			return 1;
		if (line[i] == '\r' && (i + 1 == len || line[i + 1] != '\n'))
			return 1;
	}
	return 0;
}

size_t
lint_command(const struct lint_ctx *c, const char *line, size_t len,
    const struct lint_warning **out, size_t max)
{
	const char	*v;
	size_t		 n = 0, vlen;
	int		 auth, mail, rcpt;

	if (c->quit)
		add(LINT_AFTER_QUIT, out, max, &n);
	if (has_bare_lf(line, len))
		add(LINT_BARE_LF, out, max, &n);
	auth = is_verb(line, len, "AUTH");
	mail = is_verb(line, len, "MAIL");
	rcpt = is_verb(line, len, "RCPT");
	if (!auth && len > LINE_MAX_OCTETS)
		add(LINT_LINE_TOO_LONG, out, max, &n);
	if (c->pending > 0 && !(c->caps & EHLO_PIPELINING))
		add(LINT_PIPELINING_NOT_OFFERED, out, max, &n);
	if (auth) {
		if (!c->tls)
			add(LINT_AUTH_PLAINTEXT, out, max, &n);
		if ((c->ehlo && !(c->caps & EHLO_AUTH)) ||
		    (c->helo && !c->ehlo))
			add(LINT_AUTH_NOT_OFFERED, out, max, &n);
	} else if (is_verb(line, len, "STARTTLS")) {
		if (c->tls || (c->ehlo && !(c->caps & EHLO_STARTTLS)) ||
		    (c->helo && !c->ehlo))
			add(LINT_STARTTLS_NOT_OFFERED, out, max, &n);
	} else if (mail) {
		if (!c->helo)
			add(LINT_MAIL_BEFORE_EHLO, out, max, &n);
		if (no_brackets(line, len))
			add(LINT_MAIL_NO_BRACKETS, out, max, &n);
		if (c->size_max > 0 &&
		    (v = param(line, len, "SIZE", &vlen)) != NULL &&
		    strtoull(v, NULL, 10) > c->size_max)
			add(LINT_SIZE_EXCEEDED, out, max, &n);
		if ((v = param(line, len, "BODY", &vlen)) != NULL &&
		    vlen == 8 && strncasecmp(v, "8BITMIME", 8) == 0 &&
		    !(c->caps & EHLO_8BITMIME))
			add(LINT_8BIT_NO_8BITMIME, out, max, &n);
	} else if (rcpt) {
		/* Pipelined (RFC 2920): a MAIL in flight counts. */
		if (!c->mail && !c->mail_pending)
			add(LINT_RCPT_BEFORE_MAIL, out, max, &n);
		if (no_brackets(line, len))
			add(LINT_RCPT_NO_BRACKETS, out, max, &n);
	} else if (is_verb(line, len, "DATA") || is_verb(line, len, "BDAT")) {
		if (c->nrcpt == 0 && !c->rcpt_pending)
			add(LINT_DATA_BEFORE_RCPT, out, max, &n);
	}
	return n;
}

size_t
lint_data_line(const struct lint_ctx *c, const char *line, size_t len,
    unsigned int flags, const struct lint_warning **out, size_t max)
{
	size_t	n = 0, i;

	if ((flags & (LINE_BARE_LF | LINE_BARE_CR)) || has_bare_lf(line, len))
		add(LINT_BARE_LF, out, max, &n);
	if (len > LINE_MAX_OCTETS || (flags & LINE_TOO_LONG))
		add(LINT_LINE_TOO_LONG, out, max, &n);
	if (!(c->caps & EHLO_8BITMIME) && !(c->caps & EHLO_BINARYMIME))
		for (i = 0; i < len; i++)
			if ((unsigned char)line[i] >= 0x80) {
				add(LINT_8BIT_NO_8BITMIME, out, max, &n);
				break;
			}
	return n;
}

size_t
lint_data_end(const struct lint_ctx *c, unsigned long long total,
    const struct lint_warning **out, size_t max)
{
	size_t	n = 0;

	if (c->size_max > 0 && total > c->size_max)
		add(LINT_SIZE_EXCEEDED, out, max, &n);
	return n;
}
