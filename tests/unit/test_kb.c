/* test_kb.c: the knowledge base covers the registries and explains well. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/lint.h"
#include "smtpscope/phase.h"
#include "smtpscope/reply.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#include "t.h"

static int
filled(const char *s)
{
	return s != NULL && *s != '\0';
}

static int
has(const struct buf *b, const char *s)
{
	return strstr(buf_str(b), s) != NULL;
}

/* Open tests/fixtures/reference/NAME under $top_srcdir (or the build's). */
static FILE *
open_ref(const char *name)
{
	const char	*top = getenv("top_srcdir");
	char		 path[4096];
	FILE		*f;

	if (top == NULL || *top == '\0')
		top = TOP_SRCDIR;
	snprintf(path, sizeof path, "%s/tests/fixtures/reference/%s", top,
	    name);
	if ((f = fopen(path, "r")) == NULL)
		printf("# cannot open %s\n", path);
	return f;
}

/* Read the first column of each data row; calls fn for each. */
static int
each_row(const char *name, void (*fn)(const char *))
{
	FILE	*f = open_ref(name);
	char	 line[1024];
	int	 n = 0;

	if (f == NULL)
		return 0;
	if (fgets(line, sizeof line, f) == NULL) {	/* header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\t\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		fn(line);
		n++;
	}
	fclose(f);
	return n;
}

static void
cover_reply(const char *code)
{
	const struct kb_reply	*r = kb_reply(atoi(code));
	char			 name[128];
	struct buf		 b;

	snprintf(name, sizeof name, "reply %s explained", code);
	OK(r != NULL && filled(r->title) && filled(r->meaning) &&
	    filled(r->retry) && filled(r->next) && filled(r->ref), name);
	buf_init(&b);
	snprintf(name, sizeof name, "--explain %s", code);
	OK(kb_explain_arg(&b, code) == 0 && has(&b, "## ") &&
	    has(&b, "Retry?"), name);
	buf_free(&b);
}

static void
cover_enh(const char *code)
{
	const struct kb_enh	*e = kb_enh(code);
	char			 name[128], c[32];
	struct buf		 b;
	int			 i;

	snprintf(name, sizeof name, "enhanced %s explained", code);
	OK(e != NULL && filled(e->title) && filled(e->ok) &&
	    filled(e->fail) && filled(e->ref), name);
	OK(kb_enh_subject(atoi(code + 2)) != NULL, "its subject explained");
	for (i = 2; i <= 5; i++) {
		if (i == 3)
			continue;
		snprintf(c, sizeof c, "%d%s", i, code + 1);
		buf_init(&b);
		snprintf(name, sizeof name, "--explain %s has its detail", c);
		OK(kb_explain_arg(&b, c) == 0 && e != NULL &&
		    has(&b, e->title) && has(&b, i == 2 ? e->ok : e->fail),
		    name);
		buf_free(&b);
	}
}

static void
cover_keyword(const char *kw)
{
	const struct kb_keyword	*k = kb_keyword(kw);
	char			 name[128];

	snprintf(name, sizeof name, "keyword %s explained", kw);
	OK(k != NULL && filled(k->title) && filled(k->meaning) &&
	    filled(k->ref), name);
}

static void
cover_mech(const char *m)
{
	const struct kb_mech	*k = kb_mech(m);
	char			 name[128];

	snprintf(name, sizeof name, "mechanism %s explained", m);
	OK(k != NULL && filled(k->usage) && filled(k->meaning) &&
	    filled(k->ref), name);
}

static void
test_coverage(void)
{
	OK(each_row("reply-codes.tsv", cover_reply) >= 30,
	    "reply-codes.tsv read");
	OK(each_row("enhanced-status-codes.tsv", cover_enh) >= 80,
	    "enhanced-status-codes.tsv read");
	OK(each_row("smtp-extensions.tsv", cover_keyword) >= 30,
	    "smtp-extensions.tsv read");
	OK(each_row("sasl-mechanisms.tsv", cover_mech) >= 15,
	    "sasl-mechanisms.tsv read");
}

static void
test_lookups(void)
{
	OK(kb_reply(250) != NULL, "250 known");
	OK(kb_reply(299) == NULL, "299 unknown");
	OK(kb_enh("5.7.8") != NULL && kb_enh("5.7.8") == kb_enh("X.7.8"),
	    "5.7.8 is X.7.8");
	OK(kb_enh("5.7.999") == NULL, "5.7.999 not registered");
	OK(kb_enh("7.7.7") == NULL, "class 7 rejected");
	OK(kb_enh("nonsense") == NULL && kb_enh(NULL) == NULL, "junk");
	OK(kb_keyword("size") == kb_keyword("SIZE"), "keyword case");
	OK(kb_keyword("FROBNICATE") == NULL, "unknown keyword");
	OK(kb_mech("cram-md5") != NULL, "mechanism case");
	OK(kb_mech("PLAIN")->plaintext_safe == 0, "PLAIN unsafe in clear");
	OK(kb_mech("SCRAM-SHA-256")->plaintext_safe == 1, "SCRAM safe");
	EQ_STR(kb_class_name(2), "success", "class 2");
	EQ_STR(kb_class_name(3), "intermediate", "class 3");
	EQ_STR(kb_class_name(4), "temporary failure", "class 4");
	EQ_STR(kb_class_name(5), "permanent failure", "class 5");
	EQ_STR(kb_class_name(550), "permanent failure", "class of 550");
}

/* Explain arg and check that want appears (or, want == NULL, fails). */
static void
arg_has(const char *arg, const char *want, const char *name)
{
	struct buf	b;
	int		rc;

	buf_init(&b);
	rc = kb_explain_arg(&b, arg);
	OK(rc == 0 && has(&b, want), name);
	if (rc != 0 || !has(&b, want))
		printf("# output:\n%s\n", buf_str(&b));
	buf_free(&b);
}

static void
test_explain_arg(void)
{
	struct buf	b;

	arg_has("250", "## 250 OK", "250");
	arg_has("250", "Class 2xx, success", "250 class");
	arg_has("5.7.8", "Authentication credentials", "5.7.8");
	arg_has("5.7.8", "RFC 4954 6", "5.7.8 reference");
	arg_has("535 5.7.8 Error: authentication failed",
	    "## 535 Authentication credentials invalid", "535 5.7.8 text");
	arg_has("535 5.7.8 Error: authentication failed",
	    "Enhanced code 5.7.8", "535 5.7.8 enhanced part");
	arg_has("250-a\n250 b", "## 250 OK", "multi-line paste");
	arg_has("S: 250-mx.example\r\nS: 250-PIPELINING\r\n"
	    "S: 250 SIZE 10240000",
	    "- SIZE 10240000: Message size limit (10240000 octets = 9.8 MiB)",
	    "pasted EHLO reply lists extensions");
	arg_has("PIPELINING", "PIPELINING: Command pipelining", "PIPELINING");
	arg_has("size", "SIZE: Message size limit", "size, any case");
	arg_has("SIZE 35882577", "35882577 octets = 34.2 MiB",
	    "SIZE in human units");
	arg_has("SIZE 0", "no fixed limit", "SIZE 0");
	arg_has("AUTH PLAIN LOGIN CRAM-MD5",
	    "- PLAIN [COMMON]: Not safe without TLS", "AUTH PLAIN unsafe");
	arg_has("AUTH PLAIN LOGIN CRAM-MD5",
	    "- CRAM-MD5 [LIMITED]: Safe without TLS", "AUTH CRAM-MD5 safe");
	arg_has("AUTH=LOGIN", "old form of AUTH", "AUTH= form");
	arg_has("DSN", "NOTIFY=", "DSN parameters");
	arg_has("LIMITS RCPTMAX=100", "at most 100 recipients", "LIMITS");
	arg_has("CRAM-MD5", "SASL mechanism CRAM-MD5", "mechanism");
	arg_has("5.7.999", "Detail .999 is not in the registry",
	    "unknown detail falls back");
	arg_has("5.7.999", "Security or policy", "fallback names subject");
	arg_has("5.7.999", "Class 5.X.X, permanent failure", "fallback class");
	arg_has("X.1.1", "Destination mailbox address", "X.1.1");
	arg_has("259", "not a registered code", "unregistered 2xx");
	arg_has("250 5.0.0 odd", "disagrees", "class mismatch noted");

	buf_init(&b);
	OK(kb_explain_arg(&b, "554 5.7.1") == 0 && !has(&b, "disagrees"),
	    "matching classes: no mismatch note");
	buf_reset(&b);
	EQ_INT(kb_explain_arg(&b, "FROB"), -1, "unknown word fails");
	OK(strncmp(buf_str(&b), "nothing known about this", 24) == 0 &&
	    strstr(buf_str(&b), "FROB") != NULL, "unknown word message");
	buf_reset(&b);
	EQ_INT(kb_explain_arg(&b, "999"), -1, "999 fails");
	buf_reset(&b);
	EQ_INT(kb_explain_arg(&b, "7.1.1"), -1, "class 7 fails");
	buf_reset(&b);
	EQ_INT(kb_explain_arg(&b, ""), -1, "empty fails");
	buf_reset(&b);
	EQ_INT(kb_explain_arg(&b, "PLAIN extra"), -1, "mechanism+junk fails");
	buf_free(&b);
}

/* The hint title texts, as kb_data.c has them. */
static void
hint(const char *reply, const char *want, const char *name)
{
	char	title[256];

	snprintf(title, sizeof title, "Hint: %s", want);
	arg_has(reply, title, name);
}

static void
no_hint(const char *reply, const char *name)
{
	struct buf	b;

	buf_init(&b);
	OK(kb_explain_arg(&b, reply) == 0 && !has(&b, "Hint:"), name);
	if (has(&b, "Hint:"))
		printf("# output:\n%s\n", buf_str(&b));
	buf_free(&b);
}

static void
no_hint_of(const char *reply, const char *title, const char *name)
{
	struct buf	b;
	char		want[256];

	snprintf(want, sizeof want, "Hint: %s", title);
	buf_init(&b);
	OK(kb_explain_arg(&b, reply) == 0 && !has(&b, want), name);
	buf_free(&b);
}

static void
test_hints(void)
{
	const char	*g26 =
	    "550-5.7.26 This mail is unauthenticated, which poses a security "
	    "risk to the\n550-5.7.26 sender and Gmail users, and has been "
	    "blocked. The sender must\n550-5.7.26 authenticate with at least "
	    "one of SPF or DKIM. For this message,\n550-5.7.26 DKIM checks did "
	    "not pass and SPF check for [example.com] did not\n550 5.7.26 pass "
	    "with ip: [192.0.2.1]. - gsmtp";

	hint(g26, "DMARC policy", "Gmail 5.7.26");
	hint(g26, "SPF check failed", "Gmail 5.7.26 mentions SPF");
	hint(g26, "DKIM signature", "Gmail 5.7.26 mentions DKIM");
	hint("550-5.7.26 Unauthenticated email from example.com is not "
	    "accepted due to\n550 5.7.26 domain's DMARC policy. - gsmtp",
	    "DMARC policy", "Gmail DMARC");
	hint("421-4.7.0 [192.0.2.1      15] Our system has detected an "
	    "unusual rate of\n421 4.7.0 unsolicited mail originating from "
	    "your IP address. - gsmtp", "Sending too fast", "Gmail unusual rate");
	hint("421 4.7.28 Gmail has detected this message is likely "
	    "suspicious due to the very low reputation", "Sending too fast",
	    "Gmail 4.7.28");
	hint("451 4.7.1 Rate limited, try again later", "Sending too fast",
	    "rate limited text");
	hint("534-5.7.9 Application-specific password required. Learn more "
	    "at\n534 5.7.9 https://support.google.com/mail/?p="
	    "InvalidSecondFactor - gsmtp", "The provider wants a web login or an app password",
	    "Gmail app password");
	hint("535-5.7.8 Username and Password not accepted. For more "
	    "information, go to\n535 5.7.8  https://support.google.com/mail/"
	    "?p=BadCredentials - gsmtp", "Login failed: wrong user name",
	    "Gmail bad credentials");
	hint("550 5.7.1 [192.0.2.1] The IP you're using to send mail is not "
	    "authorized to send email directly to our servers.",
	    "Your IP address or domain is blocked",
	    "Gmail 5.7.1 not authorized");
	hint("530 5.7.57 Client not authenticated to send mail. "
	    "[AM0PR01CA0001.eurprd01.prod.exchangelabs.com]",
	    "Authentication required", "M365 5.7.57");
	hint("550 5.7.708 Service unavailable. Access denied, traffic not "
	    "accepted from this IP.", "Your IP address or domain is blocked",
	    "M365 5.7.708");
	hint("550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To "
	    "request removal from this list please visit "
	    "https://sender.office.com/", "Your IP address or domain is blocked",
	    "M365 5.7.606");
	hint("535 5.7.139 Authentication unsuccessful, "
	    "SmtpClientAuthentication is disabled for the Tenant.",
	    "That login method is not available", "M365 5.7.139");
	hint("554 5.7.1 <bob@example.net>: Relay access denied",
	    "Relaying refused", "Postfix relay denied");
	hint("454 4.7.1 <bob@example.net>: Relay access denied",
	    "Relaying refused", "Postfix deferred relay");
	hint("550 5.7.1 Unable to relay for bob@example.net",
	    "Relaying refused", "Exchange unable to relay");
	hint("550 relaying denied", "Relaying refused", "relaying denied");
	hint("553 sorry, that domain isn't in my list of allowed rcpthosts; "
	    "not permitted to relay", "Relaying refused",
	    "not permitted to relay");
	hint("450 4.2.0 <bob@example.org>: Recipient address rejected: "
	    "Greylisted, see http://postgrey.schweikert.ch/help/example.org."
	    "html", "Greylisted", "postgrey");
	hint("451 4.7.1 Please try again later", "Greylisted",
	    "451 4.7.1 try again later");
	hint("550 5.7.1 SPF fail - not authorized", "SPF check failed", "SPF fail");
	hint("550 5.7.23 Message rejected", "SPF check failed", "5.7.23");
	hint("550 5.7.20 Message rejected: no valid DKIM signature",
	    "DKIM signature", "DKIM");
	hint("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked "
	    "using zen.spamhaus.org; https://www.spamhaus.org/query/ip/"
	    "192.0.2.1", "Your IP address or domain is blocked", "Spamhaus");
	hint("550 5.7.1 Your IP 192.0.2.1 is listed at bl.spamcop.net",
	    "Your IP address or domain is blocked", "listed at");
	hint("552 5.2.2 <bob@example.org>: Recipient address rejected: "
	    "The mailbox is full", "The mailbox is full", "mailbox full");
	hint("452 4.2.2 The email account that you tried to reach is over "
	    "quota.", "The mailbox is full", "over quota");
	hint("550 5.1.1 <nobody@example.org>: Recipient address rejected: "
	    "User unknown in virtual mailbox table", "The recipient address does not exist",
	    "user unknown");
	hint("550 No such user here", "The recipient address does not exist", "no such user");
	hint("552 5.3.4 Message size exceeds fixed limit", "The message is too large",
	    "size exceeds");
	hint("552 Message too large", "The message is too large",
	    "message too large");
	hint("530 5.7.0 Must issue a STARTTLS command first", "Encryption required",
	    "must issue a STARTTLS");
	hint("530 5.7.0 TLS required", "Encryption required", "TLS required");

	/* Success reads as success, each failure as its own cause. */
	hint("250 2.0.0 Ok: queued as 4ABC123", "Message accepted for "
	    "delivery", "queued as: accepted");
	hint("503 5.5.1 Error: need RCPT command", "Commands in the wrong "
	    "order", "need RCPT: wrong order");
	hint("451 4.3.0 Error: queue file write error", "The server had an internal error",
	    "queue write error: the server's own");
	no_hint("554 5.5.0 Transaction failed", "554 5.5.0: nothing known");
	arg_has("554 5.5.0 Transaction failed", "Nothing more specific is "
	    "known", "554 5.5.0: says so in one line");
	no_hint_of("421 4.7.0 Try again later, closing connection. (EHLO)",
	    "Greylisted", "421 try again later: not greylisting");
	hint("550 5.7.1 Message rejected as spam by Content Filtering.",
	    "The message looks like spam", "content filter: spam");
	no_hint_of("550 5.4.5 Daily user sending quota exceeded.",
	    "mailbox is full", "sending quota: not mailbox full");
	hint("550 5.4.5 Daily user sending quota exceeded.",
	    "Sending quota exceeded", "sending quota");
	hint("221 2.0.0 Bye", "The server says goodbye", "221: goodbye");
}

static struct tline *
tl(struct transcript *t, enum tdir dir, const char *raw, uint32_t flags,
    int code, int verb, const char *enh)
{
	struct tline	*l;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->lines = xreallocarray(t->lines, t->cap, sizeof *t->lines);
	}
	l = &t->lines[t->n++];
	memset(l, 0, sizeof *l);
	l->raw = xstrdup(raw);
	l->len = (uint32_t)strlen(raw);
	l->flags = flags;
	l->code = (int16_t)code;
	l->dir = (uint8_t)dir;
	l->verb = (uint8_t)verb;
	snprintf(l->enh, sizeof l->enh, "%s", enh);
	return l;
}

static void
free_t(struct transcript *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		free(t->lines[i].raw);
		free(t->lines[i].annot);
	}
	free(t->lines);
}

static void
test_tline(void)
{
	struct transcript	 t;
	struct buf		 b;
	const char		*s, *k, *r;
	struct tline		*l;

	memset(&t, 0, sizeof t);
	tl(&t, TDIR_S, "220 mx.example ESMTP", TL_REPLY_END, 220, VERB_NONE,
	    "");
	tl(&t, TDIR_C, "EHLO me.example", 0, 0, VERB_EHLO, "");
	tl(&t, TDIR_S, "250-mx.example", 0, 250, VERB_EHLO, "");
	tl(&t, TDIR_S, "250-SIZE 35882577", TL_CONT, 250, VERB_EHLO, "");
	tl(&t, TDIR_S, "250-AUTH PLAIN LOGIN", TL_CONT, 250, VERB_EHLO, "");
	tl(&t, TDIR_S, "250 PIPELINING", TL_CONT | TL_REPLY_END, 250,
	    VERB_EHLO, "");
	tl(&t, TDIR_C, "AUTH LOGIN", 0, 0, VERB_AUTH, "");	/* 6 */
	tl(&t, TDIR_S, "334 VXNlcm5hbWU6", TL_REPLY_END, 334, VERB_AUTH, "");
	l = tl(&t, TDIR_C, "YWxpY2U=", TL_ANSWER | TL_DECODED, 0, VERB_ANSWER, "");
	l->annot = xstrdup("alice");
	tl(&t, TDIR_S, "334 UGFzc3dvcmQ6", TL_REPLY_END, 334, VERB_ANSWER, "");
	tl(&t, TDIR_C, "********", TL_ANSWER | TL_SECRET, 0, VERB_ANSWER,
	    "");						/* 10 */
	tl(&t, TDIR_S, "535-5.7.8 Username and Password not accepted.", 0,
	    535, VERB_ANSWER, "5.7.8");
	tl(&t, TDIR_S, "535 5.7.8 https://support.google.com/ - gsmtp",
	    TL_CONT | TL_REPLY_END, 535, VERB_ANSWER, "5.7.8");
	tl(&t, TDIR_C, "..leading dot", TL_DATA | TL_STUFFED, 0, VERB_NONE,
	    "");						/* 13 */
	tl(&t, TDIR_WARN, lint_get(LINT_AUTH_PLAINTEXT)->text, 0, 0,
	    VERB_NONE, "");
	tl(&t, TDIR_TLS, "TLS1.3 (ECDHE-X25519)-(RSA-PSS)-(AES-256-GCM)", 0,
	    0, VERB_NONE, "");					/* 15 */
	tl(&t, TDIR_C, "MAIL FROM:alice@example.org", 0, 0, VERB_MAIL, "");
	tl(&t, TDIR_S, "250 2.0.0 Ok: queued as 4ABC", TL_REPLY_END, 250,
	    VERB_DOT, "2.0.0");					/* 17 */
	tl(&t, TDIR_C, ".", TL_DATA, 0, VERB_DOT, "");
	tl(&t, TDIR_S, "421 4.4.2 mx.example Error: timeout exceeded",
	    TL_REPLY_END, 421, VERB_NONE, "4.4.2");		/* 19 */
	tl(&t, TDIR_S, "220 second greeting", TL_REPLY_END, 220,
	    VERB_UNASKED, "");					/* 20 */

	buf_init(&b);
	kb_explain_tline(&b, &t, 0);
	OK(has(&b, "## 220 Service ready") && has(&b, "greeting"),
	    "greeting explained");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 3);
	s = buf_str(&b);
	k = strstr(s, "SIZE: Message size limit");
	r = strstr(s, "## 250 OK");
	OK(k != NULL && r != NULL && k < r, "keyword line: keyword first");
	OK(has(&b, "34.2 MiB"), "keyword line: SIZE in MiB");
	OK(has(&b, "answers EHLO"), "keyword line: reply context");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 4);
	OK(has(&b, "- PLAIN [COMMON]: Not safe without TLS"),
	    "AUTH keyword line lists mechanisms");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 2);
	OK(!has(&b, "Message size limit\n") && has(&b, "## 250 OK") &&
	    has(&b, "Extensions offered"), "first EHLO line: reply only");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 7);
	OK(has(&b, "Decoded: \"Username:\"") && has(&b, "user name"),
	    "334 Username: decoded");
	buf_reset(&b);
	kb_explain_tline(&b, &t, 9);
	OK(has(&b, "Decoded: \"Password:\"") && has(&b, "password"),
	    "334 Password: decoded");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 8);
	OK(has(&b, "AUTH answer") && has(&b, "It encodes: \"alice\""),
	    "answer shows what it encodes");
	buf_reset(&b);
	kb_explain_tline(&b, &t, 10);
	OK(has(&b, "masked") && !has(&b, "It encodes"), "secret answer");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 12);
	OK(has(&b, "## 535 Authentication credentials invalid") &&
	    has(&b, "Hint: Login failed: wrong user name or password"),
	    "continuation line explains the whole reply");
	OK(has(&b, "Login failed."), "context of an AUTH answer");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 13);
	OK(has(&b, "dot-stuffing") && has(&b, "RFC 5321 4.5.2"),
	    "stuffed data line");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 14);
	OK(has(&b, "Protocol warning") && has(&b, "RFC 4954 4"),
	    "warning gets its reference");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 15);
	OK(has(&b, "## TLS") && has(&b, "AES-256-GCM"), "TLS line");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 16);
	OK(has(&b, "Command: MAIL FROM") && has(&b, "angle brackets"),
	    "MAIL without brackets");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 17);
	OK(has(&b, "message is accepted"), "250 after the dot");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 6);
	OK(has(&b, "Command: AUTH"), "AUTH command");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 18);
	OK(has(&b, "End of message") && !has(&b, "content line"),
	    "the final dot");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 19);
	OK(has(&b, "answers no command") && !has(&b, "greeting"),
	    "a reply nobody asked for");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 20);
	OK(has(&b, "answers no command") && has(&b, "4.3.2") &&
	    !has(&b, "Send EHLO next"),
	    "a reply the session flagged: not explained as a greeting");

	buf_reset(&b);
	kb_explain_tline(&b, &t, 99);
	EQ_INT(b.len, 0, "index out of range: nothing");
	buf_free(&b);
	free_t(&t);
}

static void
chal(const char *text, const char *want, const char *name)
{
	struct buf	b;

	buf_init(&b);
	kb_explain_challenge(&b, text, strlen(text));
	OK(has(&b, want), name);
	if (!has(&b, want))
		printf("# output:\n%s\n", buf_str(&b));
	buf_free(&b);
}

static void
test_challenge(void)
{
	chal("VXNlcm5hbWU6", "user name", "Username:");
	chal("dXNlcm5hbWU6", "user name", "username: lower case");
	chal("UGFzc3dvcmQ6", "your password", "Password:");
	chal("UEFTU1dPUkQ6", "your password", "PASSWORD:");
	chal("UGFzc3dvcnQ6", "your password", "Passwort: (German)");
	chal("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
	    "CRAM-MD5 challenge", "CRAM-MD5");
	chal("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
	    "<1896.697170952@postoffice.reston.mci.net>", "CRAM-MD5 decoded");
	/*
	 * {"status":"401","schemes":"bearer",
	 *  "scope":"https://mail.google.com/"}
	 */
	chal("eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRw"
	    "czovL21haWwuZ29vZ2xlLmNvbS8ifQ==", "Status 401: the token was "
	    "refused", "XOAUTH2 401");
	chal("eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRw"
	    "czovL21haWwuZ29vZ2xlLmNvbS8ifQ==", "Send an empty line",
	    "XOAUTH2 what next");
	chal("eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRw"
	    "czovL21haWwuZ29vZ2xlLmNvbS8ifQ==", "https://mail.google.com/",
	    "XOAUTH2 scope");
	chal("go ahead", "Damaged challenge: not base64", "plain text 334");
	chal("go ahead", "\"go ahead\"", "plain text shown");
	chal("", "Empty challenge", "empty 334");
	chal("  ", "Empty challenge", "blank 334");
}

int
main(void)
{
	test_coverage();
	test_lookups();
	test_explain_arg();
	test_hints();
	test_tline();
	test_challenge();
	{
		/* Found by fuzzing: a short line after a reply line. */
		struct buf	b;

		buf_init(&b);
		kb_explain_arg(&b, "250-mx\n1");
		OK(b.len > 0, "pasted reply with a 1-octet line explained");
		buf_free(&b);
	}
	return t_done();
}
