/*
 * practice_smtp.c: the practice server's SMTP commands: the dispatch on
 * the verb, EHLO/HELO, MAIL, RCPT with its teaching scenarios, STARTTLS
 * and HELP.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/practice.h"
#include "smtpscope/reply.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xmalloc.h"

#include "practice_internal.h"

/* 1 when the domain is one of ours (no relaying needed). */
static int
domain_is_local(struct practice *p, const char *d)
{
	size_t	len;

	len = strlen(d);
	if (len > 0 && d[len - 1] == '.')
		len--;
	if ((len == 9 && strncasecmp(d, "localhost", 9) == 0) ||
	    (len == 13 && strncasecmp(d, "practice.test", 13) == 0) ||
	    (len == strlen(p->name) && strncasecmp(d, p->name, len) == 0) ||
	    (len == 11 && strncmp(d, "[127.0.0.1]", 11) == 0) ||
	    (len == 11 && strncasecmp(d, "[IPv6:::1]", 10) == 0))
		return (1);
	return (0);
}

/*
 * Check a path's address: an empty one is fine when allowed, otherwise
 * local@domain without blanks or control bytes.  A source route (RFC 5321
 * 4.1.2 "@a,@b:") is skipped.  Returns the address start or NULL.
 */
static const char *
addr_check(const char *a, int empty_ok)
{
	const char	*at, *p;

	if (*a == '@' && (p = strchr(a, ':')) != NULL)
		a = p + 1;
	if (*a == '\0')
		return (empty_ok ? a : NULL);
	for (p = a; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return (NULL);
	at = strrchr(a, '@');
	if (at == NULL || at == a || at[1] == '\0')
		return (NULL);
	return (a);
}

/*
 * Split "KEYWORD:<path> params" after the verb: fill path (malloc'd) and
 * params.  Returns 0, or -1 when the shape is wrong.
 */
static int
parse_path(const char *args, const char *kw, char **path,
    const char **params)
{
	size_t		 kwlen;
	const char	*lt, *gt;

	kwlen = strlen(kw);
	if (*args != ' ')
		return (-1);
	args++;
	if (strncasecmp(args, kw, kwlen) != 0)
		return (-1);
	args += kwlen;
	while (*args == ' ')	/* lenient: "FROM: <a@b>" */
		args++;
	lt = args;
	if (*lt != '<' || (gt = strchr(lt, '>')) == NULL)
		return (-1);
	if (gt[1] != '\0' && gt[1] != ' ')
		return (-1);
	*path = xstrndup(lt + 1, gt - lt - 1);
	*params = gt + 1;
	while (**params == ' ')
		(*params)++;
	return (0);
}

static int
has_8bit(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return (1);
	return (0);
}

/* 1 when the 8-bit octets of a are valid UTF-8 (RFC 3629, RFC 6531 3.3). */
static int
utf8_valid(const char *a)
{
	size_t		len = strlen(a), n;
	unsigned int	cp;

	while (len > 0) {
		n = utf8_decode(a, len, &cp);
		if (n == 1 && (unsigned char)*a >= 0x80)
			return (0);
		a += n;
		len -= n;
	}
	return (1);
}

/* The EHLO argument as it may be echoed: control and 8-bit octets as '?'. */
static char *
helo_clean(const char *arg)
{
	char	*c, *q;

	c = xstrdup(arg);
	for (q = c; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f)
			*q = '?';
	return (c);
}

/* EHLO and HELO (RFC 5321 4.1.1.1); EHLO lists the extensions. */
static void
do_helo(struct psess *s, const char *args, int ehlo)
{
	struct practice	*p = s->p;
	char		*clean;

	if (*args != ' ' || args[1] == '\0') {
		practice_say(s, "501 5.5.4 Syntax: %s hostname", ehlo ? "EHLO" :
		    "HELO");
		return;
	}
	args++;
	/* RFC 5321 4.1.4: a new EHLO/HELO also ends any mail transaction. */
	practice_txn_reset(s);
	s->helo = ehlo ? 2 : 1;
	if (!ehlo) {
		practice_say(s, "250 %s", p->name);
		return;
	}
	clean = helo_clean(args);
	practice_say(s, "250-%s greets %s [%s]", p->name, clean, s->peer);
	free(clean);
	practice_say(s, "250-PIPELINING");
	practice_say(s, "250-SIZE %d", PRACTICE_SIZE_MAX);
	if (p->tls != NULL && !conn_is_tls(s->c))
		practice_say(s, "250-STARTTLS");
	practice_say(s, "250-AUTH PLAIN LOGIN CRAM-MD5%s",
	    practice_sasl_mechs(s));
	practice_say(s, "250-ENHANCEDSTATUSCODES");
	practice_say(s, "250-8BITMIME");
	practice_say(s, "250-SMTPUTF8");
	practice_say(s, "250-CHUNKING");
	practice_say(s, "250 HELP");
}

/* Check MAIL parameters (RFC 1870, 6152, 6531); 0 when all are fine. */
static int
mail_params(struct psess *s, const char *params, int *utf8)
{
	char		*copy, *tok, *val, *last;
	int		 rc = 0;
	unsigned long long size;

	*utf8 = 0;
	copy = xstrdup(params);
	for (tok = strtok_r(copy, " ", &last); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, " ", &last)) {
		if ((val = strchr(tok, '=')) != NULL)
			*val++ = '\0';
		if (strcasecmp(tok, "SIZE") == 0) {
			if (val == NULL || *val == '\0' ||
			    strspn(val, "0123456789") != strlen(val) ||
			    strlen(val) > 19) {
				practice_say(s, "501 5.5.4 Bad SIZE parameter");
				rc = -1;
				break;
			}
			size = strtoull(val, NULL, 10);
			if (size > PRACTICE_SIZE_MAX) {
				practice_say(s, "552 5.3.4 Message size "
				    "exceeds fixed limit of %d octets",
				    PRACTICE_SIZE_MAX);
				rc = -1;
			}
		} else if (strcasecmp(tok, "BODY") == 0) {
			if (val == NULL || (strcasecmp(val, "7BIT") != 0 &&
			    strcasecmp(val, "8BITMIME") != 0)) {
				practice_say(s, "501 5.5.4 Bad BODY parameter");
				rc = -1;
			}
		} else if (strcasecmp(tok, "SMTPUTF8") == 0) {
			if (val != NULL) {
				practice_say(s, "501 5.5.4 SMTPUTF8 takes no "
				    "value");
				rc = -1;
			}
			*utf8 = 1;
		} else if (strcasecmp(tok, "AUTH") == 0) {
			if (val == NULL || *val == '\0') {
				practice_say(s, "501 5.5.4 Bad AUTH parameter");
				rc = -1;
			}
		} else {
			/* RFC 5321 4.1.1.11: unknown parameters get 555. */
			practice_say(s, "555 5.5.4 Unsupported parameter %s",
			    tok);
			rc = -1;
		}
	}
	free(copy);
	return (rc);
}

/* MAIL FROM (RFC 5321 4.1.1.2): starts a transaction. */
static void
do_mail(struct psess *s, const char *args)
{
	char		*path = NULL;
	const char	*params, *a;
	int		 utf8;

	if (s->helo == 0) {
		practice_say(s, "503 5.5.1 Error: send EHLO or HELO first");
		return;
	}
	if (s->p->params.require_tls && !conn_is_tls(s->c)) {
		practice_say(s, NEED_TLS_REPLY);
		return;
	}
	if (s->p->params.require_auth && !s->authed) {
		practice_say(s, "530 5.7.0 Authentication required");
		return;
	}
	if (s->mail) {
		practice_say(s, "503 5.5.1 Error: nested MAIL command");
		return;
	}
	if (parse_path(args, "FROM:", &path, &params) == -1) {
		practice_say(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
		return;
	}
	if ((a = addr_check(path, 1)) == NULL) {
		practice_say(s, "501 5.1.7 Bad sender address syntax");
		goto out;
	}
	if (mail_params(s, params, &utf8) == -1)
		goto out;
	if (!utf8 && has_8bit(a)) {
		practice_say(s, "553 5.6.7 Non-ASCII address needs SMTPUTF8 "
		    "(RFC 6531)");
		goto out;
	}
	if (!utf8_valid(a)) {
		practice_say(s, "553 5.6.7 Address is not valid UTF-8 (RFC 6531 "
		    "3.3)");
		goto out;
	}
	s->utf8 = utf8;
	s->mail = 1;
	s->from = xstrdup(a);
	practice_say(s, "250 2.1.0 Sender <%s> OK", a);
out:
	free(path);
}

/* Forget greylisting entry i, keeping the order of the rest. */
static void
grey_forget(struct practice *p, size_t i)
{
	free(p->grey[i].key);
	memmove(p->grey + i, p->grey + i + 1,
	    (p->ngrey - i - 1) * sizeof *p->grey);
	p->ngrey--;
}

/*
 * Greylisting (first try per sender and recipient): 1 when to defer.  The
 * table is shared by the class: one address may fill only its share of
 * it, then its own oldest entries go; when full, the oldest entry goes.
 */
static int
greylist(struct psess *s, const char *from, const char *rcpt)
{
	struct practice	*p = s->p;
	char		*key, *k;
	size_t		 i, mine = 0, oldest = 0;

	key = xprintf("%s\n%s", from, rcpt);
	for (k = key; *k != '\0'; k++)
		*k = tolower((unsigned char)*k);
	for (i = 0; i < p->ngrey; i++) {
		if (strcmp(p->grey[i].key, key) == 0) {
			free(key);
			return (0);
		}
		if (strcmp(p->grey[i].peer, s->peer) == 0 && mine++ == 0)
			oldest = i;
	}
	if (mine >= GREYLIST_PER_ADDR)
		grey_forget(p, oldest);
	else if (p->ngrey == GREYLIST_MAX)
		grey_forget(p, 0);
	p->grey = xreallocarray(p->grey, p->ngrey + 1, sizeof *p->grey);
	p->grey[p->ngrey].key = key;
	snprintf(p->grey[p->ngrey].peer, sizeof p->grey[p->ngrey].peer, "%s",
	    s->peer);
	p->ngrey++;
	return (1);
}

static int
local_is(const char *a, size_t llen, const char *name)
{
	return (llen == strlen(name) && strncasecmp(a, name, llen) == 0);
}

/* RCPT TO (RFC 5321 4.1.1.3): the teaching scenarios live here. */
static void
do_rcpt(struct psess *s, const char *args)
{
	struct practice	*p = s->p;
	char		*path = NULL;
	const char	*params, *a, *at, *domain;
	size_t		 llen;
	int		 local;

	if (!s->mail) {
		practice_say(s, "503 5.5.1 Error: need MAIL command");
		return;
	}
	if (parse_path(args, "TO:", &path, &params) == -1) {
		practice_say(s, "501 5.5.4 Syntax: RCPT TO:<address>");
		return;
	}
	if (*params != '\0') {
		practice_say(s, "555 5.5.4 Unsupported parameter %.*s",
		    (int)strcspn(params, " "), params);
		goto out;
	}
	/* RFC 5321 4.5.1: "postmaster" without a domain must work. */
	if (strcasecmp(path, "postmaster") == 0) {
		a = path;
		domain = p->name;
		llen = strlen(path);
	} else {
		if ((a = addr_check(path, 0)) == NULL) {
			practice_say(s, "501 5.1.3 Bad recipient address "
			    "syntax");
			goto out;
		}
		at = strrchr(a, '@');
		domain = at + 1;
		llen = at - a;
	}
	if (has_8bit(a) && (!s->utf8 || !utf8_valid(a))) {
		practice_say(s, "553 5.6.7 %s", s->utf8 ? "Address is not "
		    "valid UTF-8 (RFC 6531 3.3)" : "Non-ASCII address needs "
		    "SMTPUTF8 (RFC 6531)");
		goto out;
	}
	if (s->nrcpt >= RCPT_MAX) {
		practice_say(s, "452 4.5.3 Too many recipients");
		goto out;
	}
	local = domain_is_local(p, domain);
	if (!local && (local_is(a, llen, "relay") || !s->authed)) {
		practice_say(s, "554 5.7.1 <%s>: Relay access denied", a);
		goto out;
	}
	if (local && local_is(a, llen, "nouser")) {
		practice_say(s, "550 5.1.1 <%s>: User unknown", a);
		goto out;
	}
	if (local && local_is(a, llen, "full")) {
		practice_say(s, "452 4.2.2 <%s>: Mailbox full, try again "
		    "later", a);
		goto out;
	}
	if (local && local_is(a, llen, "shutdown")) {
		practice_say(s, "421 4.3.2 %s Service shutting down, closing "
		    "connection", p->name);
		s->close_after = 1;
		goto out;
	}
	if (local && local_is(a, llen, "greylist") &&
	    greylist(s, s->from, a)) {
		practice_say(s, "451 4.7.1 <%s>: Greylisted, please try again "
		    "later", a);
		goto out;
	}
	if (local && local_is(a, llen, "big"))
		s->big = 1;
	if (local && local_is(a, llen, "drop"))
		s->drop = 1;
	if (local && local_is(a, llen, "slow"))
		practice_hold(s);
	s->rcpt = xreallocarray(s->rcpt, s->nrcpt + 1, sizeof *s->rcpt);
	s->rcpt[s->nrcpt++] = xstrdup(a);
	practice_say(s, "250 2.1.5 Recipient <%s> OK", a);
out:
	free(path);
}

/* STARTTLS (RFC 3207): 220 in clear, then the same conn turns TLS. */
static void
do_starttls(struct psess *s, const char *args)
{
	char	err[256];
	size_t	dropped = 0;

	if (*args != '\0') {
		practice_say(s, "501 5.5.4 Syntax: STARTTLS (no arguments)");
		return;
	}
	if (conn_is_tls(s->c)) {
		practice_say(s, "503 5.5.1 Error: TLS already active");
		return;
	}
	if (s->p->tls == NULL) {
		practice_say(s, "454 4.7.0 TLS not available");
		return;
	}
	/* Whatever was delayed goes first; the 220 must be in clear text. */
	buf_add(&s->out, s->held.data, s->held.len);
	buf_reset(&s->held);
	s->hold_until = 0;
	practice_say(s, "220 2.0.0 Ready to start TLS");
	practice_flush(s);
	if (conn_start_tls(s->c, NULL, s->p->tls, &dropped, err,
	    sizeof err) == -1) {
		practice_log(s, "STARTTLS failed: %s", err);
		s->dead = 1;
		return;
	}
	if (dropped > 0)
		practice_log(s, "dropped %zu octets sent before the handshake",
		    dropped);
	/* RFC 3207 4.2: forget everything learnt before TLS. */
	s->helo = 0;
	s->authed = 0;
	practice_auth_reset(s);
	practice_txn_reset(s);
	s->handshaking = 1;
	s->starttls_now = 1;
}

/* The HELP lines for the policies this server was started with. */
static void
help_policies(struct psess *s)
{
	const struct practice_params	*pp = &s->p->params;

	if (!pp->require_tls && !pp->require_auth && !pp->tls_auth_only) {
		practice_say(s, "214-2.0.0 Policies: none (MAIL works without "
		    "TLS or AUTH)");
		return;
	}
	practice_say(s, "214-2.0.0 Policies:");
	if (pp->require_tls)
		practice_say(s, "214-2.0.0   require TLS: MAIL and AUTH before "
		    "STARTTLS get 523 5.7.10");
	if (pp->require_auth)
		practice_say(s, "214-2.0.0   require AUTH: MAIL before AUTH "
		    "gets 530 5.7.0");
	if (pp->tls_auth_only)
		practice_say(s, "214-2.0.0   TLS for passwords: AUTH PLAIN or "
		    "LOGIN in clear gets 538 5.7.11");
}

/* HELP: the commands, the demo login and the teaching scenarios. */
static void
do_help(struct psess *s)
{
	const char	*n = s->p->name;
	int		 ms;

	ms = s->p->params.slow_ms > 0 ? s->p->params.slow_ms :
	    PRACTICE_SLOW_MS;
	practice_say(s, "214-2.0.0 smtpscope practice server. Commands: HELO "
	    "EHLO MAIL RCPT DATA BDAT");
	practice_say(s, "214-2.0.0   RSET NOOP VRFY HELP QUIT STARTTLS AUTH");
	practice_say(s, "214-2.0.0 Demo login: user %s, password %s (AUTH "
	    "PLAIN, LOGIN or CRAM-MD5)", PRACTICE_USER, PRACTICE_PASSWORD);
	if (strcasecmp(n, "localhost") == 0 ||
	    strcasecmp(n, PRACTICE_NAME) == 0)
		practice_say(s, "214-2.0.0 Local domains: localhost, %s",
		    PRACTICE_NAME);
	else
		practice_say(s, "214-2.0.0 Local domains: localhost, %s, %s",
		    PRACTICE_NAME, n);
	help_policies(s);
	practice_say(s, "214-2.0.0 Teaching scenarios, by recipient at a local "
	    "domain:");
	practice_say(s, "214-2.0.0   greylist@  451 4.7.1 the first time, 250 "
	    "when you retry");
	practice_say(s, "214-2.0.0   nouser@    550 5.1.1 user unknown");
	practice_say(s, "214-2.0.0   full@      452 4.2.2 mailbox full");
	practice_say(s, "214-2.0.0   big@       552 5.3.4 at the end of DATA "
	    "(message too big)");
	practice_say(s, "214-2.0.0   slow@      the reply comes after %d.%d "
	    "seconds", ms / 1000, ms % 1000 / 100);
	practice_say(s, "214-2.0.0   drop@      the connection closes in the "
	    "middle of DATA");
	practice_say(s, "214-2.0.0   shutdown@  421 4.3.2 and the connection "
	    "closes");
	practice_say(s, "214-2.0.0   relay@elsewhere.example  554 5.7.1 relay "
	    "denied (any other");
	practice_say(s, "214-2.0.0              domain is refused unless you "
	    "authenticated)");
	practice_say(s, "214 2.0.0 Any other recipient at a local domain is "
	    "accepted");
}

/* One command line: check, then dispatch on the verb. */
void
practice_cmd_line(struct psess *s, const char *line, size_t len,
    unsigned int flags)
{
	char		*cmd, *args;
	size_t		 vlen;
	int		 is_auth;

	if (flags & LINE_PARTIAL)
		return;
	is_auth = len >= 4 && strncasecmp(line, "AUTH", 4) == 0 &&
	    (len == 4 || line[4] == ' ');
	if ((flags & LINE_NUL) || memchr(line, '\0', len) != NULL) {
		practice_say(s, "500 5.5.2 Error: NUL byte in command");
		return;
	}
	/* RFC 5321 2.3.8: as in DATA, only CRLF ends a line. */
	if (flags & LINE_BARE_LF) {
		practice_say(s, "500 5.5.2 Error: bare LF in command, end "
		    "lines with CRLF (RFC 5321 2.3.8)");
		return;
	}
	/* RFC 4954 4: AUTH lines may be longer than other commands. */
	if (is_auth && (flags & LINE_TRUNCATED)) {
		practice_say(s, "500 5.5.6 Authentication exchange line is too "
		    "long");
		return;
	}
	if (!is_auth && (len > CMD_LINE_MAX || (flags & LINE_TOO_LONG))) {
		practice_say(s, "500 5.5.2 Error: line too long (RFC 5321 "
		    "4.5.3.1.4)");
		return;
	}
	cmd = xstrndup(line, len);
	vlen = strcspn(cmd, " ");
	args = cmd + vlen;
	if (vlen == 0)
		practice_say(s, "500 5.5.2 Error: bad syntax");
	else if (vlen == 4 && strncasecmp(cmd, "EHLO", 4) == 0)
		do_helo(s, args, 1);
	else if (vlen == 4 && strncasecmp(cmd, "HELO", 4) == 0)
		do_helo(s, args, 0);
	else if (vlen == 4 && strncasecmp(cmd, "MAIL", 4) == 0)
		do_mail(s, args);
	else if (vlen == 4 && strncasecmp(cmd, "RCPT", 4) == 0)
		do_rcpt(s, args);
	else if (vlen == 4 && strncasecmp(cmd, "DATA", 4) == 0)
		practice_do_data(s, args);
	else if (vlen == 4 && strncasecmp(cmd, "BDAT", 4) == 0)
		practice_do_bdat(s, args);
	else if (vlen == 4 && strncasecmp(cmd, "RSET", 4) == 0) {
		if (*args != '\0')
			practice_say(s, "501 5.5.4 Syntax: RSET (no "
			    "arguments)");
		else {
			practice_txn_reset(s);
			practice_say(s, "250 2.0.0 OK");
		}
	} else if (vlen == 4 && strncasecmp(cmd, "NOOP", 4) == 0)
		practice_say(s, "250 2.0.0 OK");
	else if (vlen == 4 && strncasecmp(cmd, "VRFY", 4) == 0) {
		if (*args == '\0' || args[1] == '\0')
			practice_say(s, "501 5.5.4 Syntax: VRFY address");
		else
			practice_say(s, "252 2.0.0 Cannot VRFY user, but will "
			    "accept a message and attempt delivery");
	} else if (vlen == 4 && strncasecmp(cmd, "EXPN", 4) == 0)
		practice_say(s, "502 5.5.1 EXPN is not implemented");
	else if (vlen == 4 && strncasecmp(cmd, "HELP", 4) == 0)
		do_help(s);
	else if (vlen == 4 && strncasecmp(cmd, "QUIT", 4) == 0) {
		practice_say(s, "221 2.0.0 Bye");
		s->close_after = 1;
	} else if (vlen == 8 && strncasecmp(cmd, "STARTTLS", 8) == 0)
		do_starttls(s, args);
	else if (is_auth)
		practice_do_auth(s, args);
	else
		practice_say(s, "500 5.5.2 Error: command not recognized");
	free(cmd);
}
