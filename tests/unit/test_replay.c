/* test_replay.c: reading saved sessions back (replay.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/phase.h"
#include "smtpscope/replay.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#include "t.h"

#define CMP_FLAGS (TL_CONT | TL_REPLY_END | TL_DATA | TL_ANSWER | \
    TL_SECRET | TL_STUFFED)

/* Add a line as the live session would, with a verb and a time. */
static struct tline *
add(struct transcript *t, enum tdir dir, const char *raw, uint32_t flags,
    const char *annot, int verb, double when)
{
	struct tline	*tl;

	tl = transcript_add_verb(t, dir, raw, strlen(raw), flags, annot, verb);
	tl->t = when;
	return tl;
}

/* A session like the practice server gives, built by hand. */
static void
build_session(struct transcript *t)
{
	add(t, TDIR_INFO, "connecting to mx.example.net port 25", 0, NULL, -1,
	    0);
	add(t, TDIR_INFO, "connected to mx.example.net port 25", 0, NULL, -1,
	    0.001);
	add(t, TDIR_S, "220 mx.example.net ESMTP", TL_REPLY_END, NULL,
	    VERB_NONE, 0.012);
	add(t, TDIR_C, "EHLO me.example", 0, NULL, VERB_EHLO, 0.013);
	add(t, TDIR_S, "250-mx.example.net", 0, NULL, VERB_EHLO, 0.020);
	add(t, TDIR_S, "250-PIPELINING", TL_CONT, NULL, VERB_EHLO, 0.020);
	add(t, TDIR_S, "250-STARTTLS", TL_CONT, NULL, VERB_EHLO, 0.020);
	add(t, TDIR_S, "250-AUTH PLAIN LOGIN", TL_CONT, NULL, VERB_EHLO,
	    0.020);
	add(t, TDIR_S, "250 SIZE 1000000", TL_CONT | TL_REPLY_END, NULL,
	    VERB_EHLO, 0.021);
	add(t, TDIR_C, "STARTTLS", 0, NULL, VERB_STARTTLS, 0.030);
	add(t, TDIR_S, "220 2.0.0 Ready to start TLS", TL_REPLY_END, NULL,
	    VERB_STARTTLS, 0.031);
	add(t, TDIR_TLS, "handshake done: TLS1.3, TLS_AES_256_GCM_SHA384", 0,
	    NULL, -1, 0.055);
	add(t, TDIR_C, "EHLO me.example", 0, NULL, VERB_EHLO, 0.056);
	add(t, TDIR_S, "250-mx.example.net", 0, NULL, VERB_EHLO, 0.060);
	add(t, TDIR_S, "250 AUTH PLAIN LOGIN", TL_CONT | TL_REPLY_END, NULL,
	    VERB_EHLO, 0.060);
	add(t, TDIR_C, "AUTH LOGIN", 0, NULL, VERB_AUTH, 0.070);
	add(t, TDIR_S, "334 VXNlcm5hbWU6", TL_REPLY_END | TL_DECODED,
	    "Username:", VERB_AUTH, 0.071);
	add(t, TDIR_C, "ZGVtbw==", TL_ANSWER | TL_DECODED, "demo",
	    VERB_ANSWER, 0.072);
	add(t, TDIR_S, "334 UGFzc3dvcmQ6", TL_REPLY_END | TL_DECODED,
	    "Password:", VERB_ANSWER, 0.073);
	add(t, TDIR_C, "ZGVtbw==", TL_ANSWER | TL_DECODED | TL_SECRET,
	    "********", VERB_ANSWER, 0.074);
	add(t, TDIR_S, "535 5.7.8 Authentication failed", TL_REPLY_END, NULL,
	    VERB_ANSWER, 0.080);
	add(t, TDIR_C, "AUTH PLAIN AGRlbW8AZGVtbw==", TL_SECRET,
	    "AUTH PLAIN ********", VERB_AUTH, 0.090);
	add(t, TDIR_S, "235 2.7.0 Authentication successful", TL_REPLY_END,
	    NULL, VERB_AUTH, 0.091);
	add(t, TDIR_WARN, "MAIL FROM without angle brackets (RFC 5321 4.1.2)",
	    0, NULL, -1, 0.100);
	add(t, TDIR_C, "MAIL FROM:a@b.example", 0, NULL, VERB_MAIL, 0.100);
	add(t, TDIR_C, "RCPT TO:<c@d.example>", 0, NULL, VERB_RCPT, 0.100);
	add(t, TDIR_C, "DATA", 0, NULL, VERB_DATA, 0.100);
	add(t, TDIR_S, "250 2.1.0 Ok", TL_REPLY_END, NULL, VERB_MAIL, 0.110);
	add(t, TDIR_S, "250 2.1.5 Ok", TL_REPLY_END, NULL, VERB_RCPT, 0.110);
	add(t, TDIR_S, "354 End data with <CR><LF>.<CR><LF>", TL_REPLY_END,
	    NULL, VERB_DATA, 0.111);
	add(t, TDIR_C, "Subject: hi", TL_DATA, NULL, VERB_DATA, 0.112);
	add(t, TDIR_C, "", TL_DATA, NULL, VERB_DATA, 0.112);
	add(t, TDIR_C, "..dotted", TL_DATA | TL_STUFFED,
	    "dot-stuffed: a '.' was added in front", VERB_DATA, 0.112);
	add(t, TDIR_C, "250 not a reply", TL_DATA, NULL, VERB_DATA, 0.112);
	add(t, TDIR_C, ".", TL_DATA, NULL, VERB_DOT, 0.113);
	add(t, TDIR_S, "250 2.0.0 Ok: queued as ABC", TL_REPLY_END, NULL,
	    VERB_DOT, 0.150);
	add(t, TDIR_C, "QUIT", 0, NULL, VERB_QUIT, 0.160);
	add(t, TDIR_S, "221 2.0.0 Bye", TL_REPLY_END, NULL, VERB_QUIT, 1.25);
	add(t, TDIR_INFO, "connection closed by the server", 0, NULL, -1,
	    1.25);
}

/* Compare what a replay rebuilt with what was recorded. */
static void
compare(const struct transcript *a, const struct transcript *b,
    int timed, const char *what)
{
	struct buf	 fa, fb;
	size_t		 i;
	int		 text = 1, dir = 1, code = 1, enh = 1, verb = 1, flags = 1;
	int		 annot = 1, times = 1;
	char		 name[160];

	EQ_INT(b->n, a->n, what);
	buf_init(&fa);
	buf_init(&fb);
	for (i = 0; i < a->n && i < b->n; i++) {
		const struct tline *x = &a->lines[i], *y = &b->lines[i];

		buf_reset(&fa);
		buf_reset(&fb);
		transcript_format(&fa, a, x, 0);
		transcript_format(&fb, b, y, 0);
		if (strcmp(buf_str(&fa), buf_str(&fb)) != 0) {
			if (text)
				printf("# line %zu: \"%s\" vs \"%s\"\n", i,
				    buf_str(&fa), buf_str(&fb));
			text = 0;
		}
		dir &= x->dir == y->dir;
		code &= x->code == y->code;
		enh &= strcmp(x->enh, y->enh) == 0;
		if (x->verb != y->verb && verb) {
			printf("# line %zu verb %d vs %d\n", i, x->verb,
			    y->verb);
			verb = 0;
		}
		if ((x->flags & CMP_FLAGS) != (y->flags & CMP_FLAGS) && flags) {
			printf("# line %zu flags %x vs %x\n", i,
			    x->flags & CMP_FLAGS, y->flags & CMP_FLAGS);
			flags = 0;
		}
		if (!(x->flags & TL_SECRET) && (x->annot == NULL ?
		    y->annot != NULL : y->annot == NULL ||
		    strcmp(x->annot, y->annot) != 0)) {
			if (annot)
				printf("# line %zu annot %s vs %s\n", i,
				    x->annot ? x->annot : "-",
				    y->annot ? y->annot : "-");
			annot = 0;
		}
		if (timed && (x->t - y->t > 0.0006 || y->t - x->t > 0.0006))
			times = 0;
	}
	buf_free(&fa);
	buf_free(&fb);
	snprintf(name, sizeof name, "%s: same text", what);
	OK(text, name);
	snprintf(name, sizeof name, "%s: same directions, codes, enhanced",
	    what);
	OK(dir && code && enh, name);
	snprintf(name, sizeof name, "%s: same verbs", what);
	OK(verb, name);
	snprintf(name, sizeof name, "%s: same reply grouping and flags", what);
	OK(flags, name);
	snprintf(name, sizeof name, "%s: same annotations", what);
	OK(annot, name);
	if (timed) {
		snprintf(name, sizeof name, "%s: same times", what);
		OK(times, name);
	}
}

/* Format every line with opts, one per line, as a file would hold it. */
static char *
format_all(const struct transcript *t, unsigned int opts)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < t->n; i++) {
		transcript_format(&b, t, &t->lines[i], opts);
		buf_addch(&b, '\n');
	}
	return buf_take(&b);
}

static void
test_round_trips(void)
{
	struct transcript	 orig, back;
	struct replay_info	 ri;
	char			 path[] = "/tmp/test_replay.XXXXXX", err[256];
	char			*text;
	int			 fd;

	transcript_init(&orig);
	build_session(&orig);

	fd = mkstemp(path);
	OK(fd != -1, "temp file");
	close(fd);
	EQ_INT(transcript_save(&orig, path, 0, err, sizeof err), 0, "save");
	transcript_init(&back);
	EQ_INT(replay_load_info(&back, path, &ri, err, sizeof err), 0,
	    "load saved file");
	EQ_INT(ri.format, REPLAY_NATIVE, "saved file is native");
	EQ_INT(ri.timed, 0, "saved file is untimed");
	EQ_INT(ri.warnings, 0, "native: no warnings added");
	compare(&orig, &back, 0, "save/load");
	transcript_free(&back);

	EQ_INT(transcript_save(&orig, path, TW_TIMING, err, sizeof err), 0,
	    "save with timing");
	transcript_init(&back);
	EQ_INT(replay_load_info(&back, path, &ri, err, sizeof err), 0,
	    "load timed file");
	EQ_INT(ri.timed, 1, "timed file is timed");
	compare(&orig, &back, 1, "timed save/load");
	OK(replay_delay(&back, 0) == 0, "delay of the first line is 0");
	OK(replay_delay(&back, 2) > 0.0105 && replay_delay(&back, 2) < 0.0115,
	    "delay before the greeting is 11 ms");
	OK(replay_delay(&back, back.n) == 0, "delay past the end is 0");
	transcript_free(&back);
	unlink(path);

	/* Script mode prints annotations, timing and sometimes colour. */
	text = format_all(&orig, TW_ANNOT | TW_TIMING);
	transcript_init(&back);
	EQ_INT(replay_load_mem(&back, text, strlen(text), &ri, err,
	    sizeof err), 0, "load script output");
	compare(&orig, &back, 1, "script output");
	transcript_free(&back);
	free(text);

	text = format_all(&orig, TW_ANNOT | TW_COLOR);
	OK(strchr(text, '\033') != NULL, "coloured output has escapes");
	transcript_init(&back);
	EQ_INT(replay_load_mem(&back, text, strlen(text), &ri, err,
	    sizeof err), 0, "load coloured output");
	compare(&orig, &back, 0, "coloured output");
	transcript_free(&back);
	free(text);

	/* Shown secrets are masked again on the way back in. */
	text = format_all(&orig, TW_SECRETS);
	OK(strstr(text, "AUTH PLAIN AGRlbW8AZGVtbw==") != NULL,
	    "TW_SECRETS writes the secret");
	transcript_init(&back);
	EQ_INT(replay_load_mem(&back, text, strlen(text), NULL, err,
	    sizeof err), 0, "load file with secrets");
	EQ_INT(back.n, orig.n, "same line count with secrets");
	OK(back.lines[19].flags & TL_SECRET, "password answer is secret");
	EQ_STR(back.lines[19].raw, "ZGVtbw==", "password answer raw kept");
	OK(back.lines[21].flags & TL_SECRET, "AUTH PLAIN is secret");
	EQ_STR(back.lines[21].annot, "AUTH PLAIN authzid '', user 'demo', "
	    "password ********", "AUTH PLAIN masked form, in its parts");
	transcript_free(&back);
	free(text);

	transcript_free(&orig);
}

/* Path of a fixture file. */
static char *
fixture(const char *name)
{
	const char	*top = getenv("top_srcdir");

	return xprintf("%s/tests/fixtures/replay/%s", top != NULL ? top : ".",
	    name);
}

/* Index of the first line of dir whose raw starts with text, or -1. */
static long
find(const struct transcript *t, enum tdir dir, const char *text)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		if (t->lines[i].dir == dir &&
		    strncmp(t->lines[i].raw, text, strlen(text)) == 0)
			return (long)i;
	return -1;
}

/* Does a warning line mention text? */
static int
has_warning(const struct transcript *t, const char *text)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		if (t->lines[i].dir == TDIR_WARN &&
		    strstr(t->lines[i].raw, text) != NULL)
			return 1;
	return 0;
}

static size_t
count_dir(const struct transcript *t, enum tdir dir)
{
	size_t	i, n = 0;

	for (i = 0; i < t->n; i++)
		n += t->lines[i].dir == dir;
	return n;
}

/* Checks every foreign sample shares: EHLO grouping and AUTH LOGIN. */
static void
check_auth_login(const struct transcript *t, const char *fmt,
    const char *user)
{
	long	i;
	char	name[128];

	i = find(t, TDIR_S, "334 VXNlcm5hbWU6");
	snprintf(name, sizeof name, "%s: 334 username challenge", fmt);
	OK(i > 0, name);
	if (i <= 0 || (size_t)i + 3 >= t->n)
		return;
	snprintf(name, sizeof name, "%s: challenge decoded", fmt);
	EQ_STR(t->lines[i].annot, "Username:", name);
	snprintf(name, sizeof name, "%s: challenge answers AUTH", fmt);
	EQ_INT(t->lines[i].verb, VERB_AUTH, name);
	snprintf(name, sizeof name, "%s: user answer decoded", fmt);
	OK((t->lines[i + 1].flags & TL_ANSWER) &&
	    (t->lines[i + 1].flags & TL_DECODED) &&
	    !(t->lines[i + 1].flags & TL_SECRET), name);
	snprintf(name, sizeof name, "%s: user is %s", fmt, user);
	EQ_STR(t->lines[i + 1].annot, user, name);
	snprintf(name, sizeof name, "%s: password answer is secret", fmt);
	OK((t->lines[i + 3].flags & (TL_ANSWER | TL_SECRET)) ==
	    (TL_ANSWER | TL_SECRET), name);
	snprintf(name, sizeof name, "%s: password not in annotation", fmt);
	EQ_STR(t->lines[i + 3].annot, "********", name);
	snprintf(name, sizeof name, "%s: 235 answers the answer", fmt);
	OK(t->lines[i + 4].code == 235 &&
	    t->lines[i + 4].verb == VERB_ANSWER, name);
}

/* The first EHLO reply: first line open, the rest TL_CONT, last ends. */
static void
check_ehlo(const struct transcript *t, const char *fmt, size_t want)
{
	long	i;
	size_t	k, n = 0;
	int	grouped = 1;
	char	name[128];

	i = find(t, TDIR_C, "EHLO");
	snprintf(name, sizeof name, "%s: EHLO found", fmt);
	OK(i >= 0, name);
	if (i < 0)
		return;
	for (k = (size_t)i + 1; k < t->n && t->lines[k].dir == TDIR_S; k++) {
		n++;
		grouped &= t->lines[k].verb == VERB_EHLO;
		grouped &= (k == (size_t)i + 1) ==
		    !(t->lines[k].flags & TL_CONT);
		grouped &= (k + 1 < t->n && t->lines[k + 1].dir == TDIR_S) ==
		    !(t->lines[k].flags & TL_REPLY_END);
	}
	snprintf(name, sizeof name, "%s: EHLO reply has %zu lines", fmt, want);
	EQ_INT(n, want, name);
	snprintf(name, sizeof name, "%s: EHLO reply grouped", fmt);
	OK(grouped, name);
}

static void
test_fixtures(void)
{
	struct transcript	 t;
	struct replay_info	 ri;
	char			*p, err[256], host[128];
	long			 i;

	/* swaks */
	p = fixture("swaks.txt");
	transcript_init(&t);
	EQ_INT(replay_load_info(&t, p, &ri, err, sizeof err), 0, "swaks loads");
	EQ_INT(ri.format, REPLAY_SWAKS, "swaks detected");
	check_ehlo(&t, "swaks", 7);
	check_auth_login(&t, "swaks", "alice");
	OK(find(&t, TDIR_TLS, "started with cipher TLSv1.3") > 0,
	    "swaks: TLS line");
	i = find(&t, TDIR_S, "550 5.1.1");
	OK(i > 0 && t.lines[i].verb == VERB_RCPT &&
	    strcmp(t.lines[i].enh, "5.1.1") == 0, "swaks: <~* error reply");
	i = find(&t, TDIR_C, "..and a line");
	OK(i > 0 && (t.lines[i].flags & TL_STUFFED) &&
	    (t.lines[i].flags & TL_DATA), "swaks: stuffed content line");
	i = find(&t, TDIR_S, "250 2.0.0 Ok: queued");
	OK(i > 0 && t.lines[i].verb == VERB_DOT, "swaks: 250 answers the dot");
	EQ_INT(count_dir(&t, TDIR_WARN), 0, "swaks: no warnings (TLS on)");
	OK(replay_host(&t, host, sizeof host) == 0, "swaks: host found");
	EQ_STR(host, "127.0.0.1", "swaks: host from Connected to");
	transcript_free(&t);
	free(p);

	/* guide */
	p = fixture("guide.txt");
	transcript_init(&t);
	EQ_INT(replay_load_info(&t, p, &ri, err, sizeof err), 0, "guide loads");
	EQ_INT(ri.format, REPLAY_GUIDE, "guide detected");
	check_ehlo(&t, "guide", 5);
	check_auth_login(&t, "guide", "carol");
	OK(has_warning(&t, "AUTH on a connection without TLS"),
	    "guide: AUTH without TLS warned");
	EQ_INT(ri.warnings, count_dir(&t, TDIR_WARN), "guide: warnings counted");
	i = find(&t, TDIR_S, "550 No such user");
	OK(i > 0 && t.lines[i].verb == VERB_RCPT, "guide: 550 answers RCPT");
	OK(find(&t, TDIR_INFO, "Below, S: is the server") == 0,
	    "guide: prose became a note");
	i = find(&t, TDIR_S, "250 OK");
	OK(i > 0 && t.lines[i].verb == VERB_MAIL, "guide: 250 answers MAIL");
	OK(replay_host(&t, host, sizeof host) == 0 &&
	    strcmp(host, "mail.example.com") == 0, "guide: host from greeting");
	transcript_free(&t);
	free(p);

	/* telnet */
	p = fixture("telnet.txt");
	transcript_init(&t);
	EQ_INT(replay_load_info(&t, p, &ri, err, sizeof err), 0,
	    "telnet loads");
	EQ_INT(ri.format, REPLAY_TELNET, "telnet detected");
	check_ehlo(&t, "telnet", 10);
	check_auth_login(&t, "telnet", "alice");
	EQ_INT(t.lines[0].dir, TDIR_INFO, "telnet: shell prompt is a note");
	OK(find(&t, TDIR_INFO, "Escape character is") > 0,
	    "telnet: escape line is a note");
	OK(find(&t, TDIR_INFO, "Connection closed by foreign host") > 0,
	    "telnet: closing line is a note");
	OK(has_warning(&t, "AUTH on a connection without TLS"),
	    "telnet: AUTH without TLS warned");
	OK(has_warning(&t, "without angle brackets"),
	    "telnet: MAIL without brackets warned");
	i = find(&t, TDIR_C, "250 is just text");
	OK(i > 0 && (t.lines[i].flags & TL_DATA), "telnet: code in DATA is "
	    "content");
	i = find(&t, TDIR_C, "Subject: hello");
	OK(i > 0 && t.lines[i + 1].dir == TDIR_C && t.lines[i + 1].len == 0 &&
	    (t.lines[i + 1].flags & TL_DATA), "telnet: blank content line");
	i = find(&t, TDIR_S, "501 5.1.7");
	OK(i > 0 && t.lines[i].verb == VERB_MAIL, "telnet: 501 answers MAIL");
	OK(replay_host(&t, host, sizeof host) == 0 &&
	    strcmp(host, "mail.example.net") == 0, "telnet: host");
	transcript_free(&t);
	free(p);

	/* arrows (curl -v) */
	p = fixture("arrows.txt");
	transcript_init(&t);
	EQ_INT(replay_load_info(&t, p, &ri, err, sizeof err), 0,
	    "arrows load");
	EQ_INT(ri.format, REPLAY_ARROWS, "arrows detected");
	check_ehlo(&t, "arrows", 3);
	i = find(&t, TDIR_C, "AUTH PLAIN");
	OK(i > 0 && (t.lines[i].flags & TL_SECRET), "arrows: AUTH PLAIN "
	    "initial response is secret");
	OK(i > 0 && t.lines[i].annot != NULL &&
	    strcmp(t.lines[i].annot, "AUTH PLAIN authzid '', user 'alice', "
	    "password ********") == 0, "arrows: masked form, in its parts");
	OK(find(&t, TDIR_INFO, "Trying 127.0.0.1:587") == 0,
	    "arrows: * lines are notes");
	OK(replay_host(&t, host, sizeof host) == 0 &&
	    strcmp(host, "smtp.example.net") == 0, "arrows: host");
	transcript_free(&t);
	free(p);
}

/* Load text from memory; returns the format or -1. */
static int
load(struct transcript *t, const char *text, char *err, size_t errlen)
{
	struct replay_info	ri;

	transcript_init(t);
	if (replay_load_mem(t, text, strlen(text), &ri, err, errlen) == -1)
		return -1;
	return (int)ri.format;
}

static void
test_variants(void)
{
	struct transcript	 t;
	char			 err[256];
	long			 i;

	/* <<< / >>> with the server on the >>> side. */
	EQ_INT(load(&t, ">>> 220 mx ready\n<<< EHLO a\n>>> 250-mx\n"
	    ">>> 250 8BITMIME\n<<< QUIT\n>>> 221 bye\n", err, sizeof err),
	    REPLAY_ARROWS, ">>> <<< detected");
	EQ_INT(t.n, 6, ">>> <<< lines");
	OK(t.lines[0].dir == TDIR_S && t.lines[1].dir == TDIR_C,
	    "server side found by its reply codes");
	OK((t.lines[3].flags & (TL_CONT | TL_REPLY_END)) ==
	    (TL_CONT | TL_REPLY_END), ">>> multi-line grouped");
	transcript_free(&t);

	/* Lower case, CRLF, Markdown fence, no greeting. */
	EQ_INT(load(&t, "```\r\nc: EHLO x\r\ns: 250-mx\r\ns: 250 SIZE 10\r\n"
	    "c: NOOP\r\ns: 250 ok\r\n```\r\n", err, sizeof err), REPLAY_GUIDE,
	    "lower case guide with CRLF");
	EQ_INT(t.n, 5, "fences dropped");
	EQ_INT(t.lines[1].verb, VERB_EHLO, "no greeting: 250 answers EHLO");
	EQ_INT(t.lines[4].verb, VERB_NOOP, "next reply answers NOOP");
	EQ_STR(t.lines[0].raw, "EHLO x", "CR removed");
	transcript_free(&t);

	/* Pipelining: replies matched in order. */
	EQ_INT(load(&t, "S: 220 x\nC: EHLO a\nS: 250-x\nS: 250 PIPELINING\n"
	    "C: MAIL FROM:<a@b>\nC: RCPT TO:<c@d>\nC: DATA\nS: 250 ok\n"
	    "S: 550 no\nS: 554 no valid recipients\nC: QUIT\nS: 221 bye\n",
	    err, sizeof err), REPLAY_GUIDE, "pipelined guide");
	EQ_INT(t.lines[7].verb, VERB_MAIL, "pipelined: MAIL");
	EQ_INT(t.lines[8].verb, VERB_RCPT, "pipelined: RCPT");
	EQ_INT(t.lines[9].verb, VERB_DATA, "pipelined: DATA");
	EQ_INT(t.lines[10].dir, TDIR_C, "554 to DATA: QUIT is a command");
	EQ_INT(t.lines[10].flags & TL_DATA, 0, "QUIT is not content");
	OK(!has_warning(&t, "PIPELINING"), "PIPELINING offered: no warning");
	transcript_free(&t);

	EQ_INT(load(&t, "S: 220 x\nC: EHLO a\nS: 250 SIZE 10\n"
	    "C: MAIL FROM:<a@b>\nC: RCPT TO:<c@d>\nS: 250 ok\nS: 250 ok\n",
	    err, sizeof err), REPLAY_GUIDE, "pipelined without PIPELINING");
	OK(has_warning(&t, "PIPELINING"), "pipelining not offered: warned");
	transcript_free(&t);

	/* AUTH PLAIN after an empty 334, and a cancelled exchange. */
	EQ_INT(load(&t, "S: 220 x\nC: AUTH PLAIN\nS: 334 \n"
	    "C: AGFsaWNlAHMzY3JldA==\nS: 235 ok\nC: AUTH LOGIN\n"
	    "S: 334 VXNlcm5hbWU6\nC: *\nS: 501 cancelled\nC: NOOP\n"
	    "S: 250 ok\n", err, sizeof err), REPLAY_GUIDE, "AUTH PLAIN guide");
	i = find(&t, TDIR_C, "AGFsaWNl");
	OK(i > 0 && (t.lines[i].flags & (TL_ANSWER | TL_SECRET)) ==
	    (TL_ANSWER | TL_SECRET), "PLAIN credentials are secret");
	OK(i > 0 && strstr(t.lines[i].annot, "s3cret") == NULL,
	    "password not shown");
	i = find(&t, TDIR_C, "*");
	OK(i > 0 && (t.lines[i].flags & TL_ANSWER) && t.lines[i].annot == NULL,
	    "* cancels, not decoded");
	i = find(&t, TDIR_C, "NOOP");
	OK(i > 0 && t.lines[i].verb == VERB_NOOP &&
	    !(t.lines[i].flags & TL_ANSWER), "back in command mode");
	transcript_free(&t);

	/* swaks --suppress-data style. */
	EQ_INT(load(&t, "<-  220 x\n -> DATA\n<-  354 go\n -> 12 lines sent\n"
	    "<-  250 queued\n -> QUIT\n<-  221 bye\n", err, sizeof err),
	    REPLAY_SWAKS, "swaks with data suppressed");
	i = find(&t, TDIR_INFO, "12 lines sent");
	OK(i > 0, "lines sent is a note");
	OK(i > 0 && t.lines[i + 1].verb == VERB_DOT,
	    "the 250 answers the message");
	OK(i > 0 && t.lines[i + 2].verb == VERB_QUIT &&
	    !(t.lines[i + 2].flags & TL_DATA), "QUIT after it is a command");
	transcript_free(&t);

	/* Reconnect in our own format resets the FIFO. */
	EQ_INT(load(&t, "# connecting to a port 25\nS: 220 a\nC: NOOP\n"
	    "# connecting to a port 25\n# connected to a port 25\nS: 220 b\n",
	    err, sizeof err), REPLAY_NATIVE, "native with reconnect");
	EQ_INT(t.lines[5].verb, VERB_NONE, "second greeting after reconnect");
	EQ_INT(count_dir(&t, TDIR_WARN), 0, "native: no warnings added");
	transcript_free(&t);

	/* Detection on its own. */
	EQ_INT(replay_detect("S: 220 x\n# note\n", 16), REPLAY_NATIVE,
	    "detect native");
	EQ_INT(replay_detect("220 x\nEHLO y\n", 13), REPLAY_TELNET,
	    "detect telnet");
	EQ_INT(replay_detect("hello\nworld\n", 12), REPLAY_NONE,
	    "detect nothing");
	EQ_STR(replay_format_name(REPLAY_SWAKS), "swaks", "format name");
}

static void
test_bad_input(void)
{
	struct transcript	 t;
	char			 err[256], *big;
	int			 rc;

	rc = load(&t, "S: 220 x\nC: EHLO\nS: 250 \001\002\003\n", err,
	    sizeof err);
	EQ_INT(rc, -1, "binary refused");
	OK(strstr(err, "line 3") != NULL && strstr(err, "binary") != NULL,
	    "binary message names line 3");
	EQ_INT(t.n, 0, "nothing added on failure");

	transcript_init(&t);
	rc = replay_load_mem(&t, "S: 220 x\nC: NO\0OP\n", 18, NULL, err,
	    sizeof err);
	EQ_INT(rc, -1, "NUL byte refused");
	OK(strstr(err, "line 2") != NULL, "NUL message names line 2");

	rc = load(&t, "Dear team,\n\nthe mail does not arrive.\nThanks\n", err,
	    sizeof err);
	EQ_INT(rc, -1, "prose refused");
	OK(strstr(err, "line 1") != NULL &&
	    strstr(err, "not part of an SMTP session") != NULL,
	    "prose message names line 1");

	rc = load(&t, "\n\n  \n", err, sizeof err);
	EQ_INT(rc, -1, "blank input refused");
	OK(strstr(err, "empty") != NULL, "blank input message");

	big = xmalloc(REPLAY_MAX_LINE + 20);
	memset(big, 'A', REPLAY_MAX_LINE + 10);
	memcpy(big, "S: 220 x\nS: ", 12);
	big[REPLAY_MAX_LINE + 10] = '\n';
	big[REPLAY_MAX_LINE + 11] = '\0';
	rc = load(&t, big, err, sizeof err);
	EQ_INT(rc, -1, "over-long line refused");
	OK(strstr(err, "line 2") != NULL && strstr(err, "octets long") !=
	    NULL, "over-long message names line 2");
	free(big);

	/* A stray line makes it a guide: the line becomes a note. */
	rc = load(&t, "# connecting to x port 25\nS: 220 x\nC: EHLO y\n"
	    "this is not ours\n", err, sizeof err);
	EQ_INT(rc, REPLAY_GUIDE, "stray line: read as a guide");
	EQ_INT(t.n, 4, "stray line: kept");
	EQ_INT(t.lines[3].dir, TDIR_INFO, "stray line: a note");
	transcript_free(&t);

	transcript_init(&t);
	rc = replay_load(&t, "/nonexistent/dir/x.txt", err, sizeof err);
	EQ_INT(rc, -1, "missing file refused");
	OK(strstr(err, "/nonexistent/dir/x.txt") != NULL &&
	    strstr(err, "cannot open") != NULL, "missing file message");

	rc = replay_load(&t, "/", err, sizeof err);
	EQ_INT(rc, -1, "directory refused");
	OK(strstr(err, "/") != NULL, "directory message");
	EQ_INT(t.n, 0, "still nothing added");
	transcript_free(&t);
}

/* A second greeting in a saved session answers nothing; pairs stay put. */
static void
test_unasked(void)
{
	static const char	 text[] = "S: 220 mx ESMTP\nC: EHLO me\n"
	    "S: 220 mx again\nS: 250-mx\nS: 250 8BITMIME\n"
	    "C: MAIL FROM:<a@example.com>\nS: 250 2.1.0 ok\n";
	struct transcript	 t;
	char			 err[256];
	size_t			 i;
	int			 got = 0;

	transcript_init(&t);
	EQ_INT(replay_load_mem(&t, text, strlen(text), NULL, err,
	    sizeof err), 0, "a session with a second greeting loads");
	for (i = 0; i < t.n; i++) {
		if (strcmp(t.lines[i].raw, "220 mx again") == 0 &&
		    t.lines[i].verb == VERB_UNASKED)
			got |= 1;
		if (strcmp(t.lines[i].raw, "250-mx") == 0 &&
		    t.lines[i].verb == VERB_EHLO)
			got |= 2;
		if (strcmp(t.lines[i].raw, "250 2.1.0 ok") == 0 &&
		    t.lines[i].verb == VERB_MAIL)
			got |= 4;
	}
	EQ_INT(got, 7, "the second 220 is unasked; EHLO and MAIL keep "
	    "their replies");
	transcript_free(&t);
}


/* Does a note (TDIR_INFO) contain text? */
static int
has_note(const struct transcript *t, const char *text)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		if (t->lines[i].dir == TDIR_INFO &&
		    strstr(t->lines[i].raw, text) != NULL)
			return 1;
	return 0;
}

/* Does any line, raw or annotation, shown unmasked, contain text? */
static int
shows(const struct transcript *t, const char *text)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		const struct tline *l = &t->lines[i];

		if (!(l->flags & TL_SECRET) && strstr(l->raw, text) != NULL)
			return 1;
		if (l->annot != NULL && strstr(l->annot, text) != NULL)
			return 1;
	}
	return 0;
}

/* The verb of the reply whose first line starts with text, or -1. */
static int
verb_at(const struct transcript *t, const char *text)
{
	long	i = find(t, TDIR_S, text);

	return i < 0 ? -1 : t->lines[i].verb;
}

/*
 * Is the answer line starting with text a masked secret?  Its shown form
 * is ******** or its parts with the secret as ******** ("user 'alice',
 * token ********").
 */
static int
masked(const struct transcript *t, const char *text)
{
	long	i = find(t, TDIR_C, text);

	return i >= 0 && (t->lines[i].flags & (TL_ANSWER | TL_SECRET)) ==
	    (TL_ANSWER | TL_SECRET) && t->lines[i].annot != NULL &&
	    strstr(t->lines[i].annot, "********") != NULL;
}

static struct transcript *
load_fixture(struct transcript *t, const char *name, struct replay_info *ri)
{
	char	*p = fixture(name), err[256], msg[128];

	transcript_init(t);
	snprintf(msg, sizeof msg, "%s loads", name);
	EQ_INT(replay_load_info(t, p, ri, err, sizeof err), 0, msg);
	free(p);
	return t;
}

static void check_auth_login_short(const struct transcript *);

/* Guides that print the server's lines only, or leave client lines out. */
static void
test_guide_omissions(void)
{
	struct transcript	 t;
	struct replay_info	 ri;
	char			 err[256];
	long			 i;

	load_fixture(&t, "guide_server_only.txt", &ri);
	EQ_INT(ri.format, REPLAY_TELNET, "server-only: a bare paste");
	EQ_INT(count_dir(&t, TDIR_C), 0, "server-only: no client line made up");
	EQ_INT(count_dir(&t, TDIR_WARN), 0, "server-only: no warnings");
	EQ_INT(verb_at(&t, "220 mail"), VERB_NONE, "server-only: greeting");
	EQ_INT(verb_at(&t, "250-mail.example.com"), VERB_EHLO,
	    "server-only: the 250 list answers an EHLO");
	i = find(&t, TDIR_S, "250-SIZE");
	OK(i > 0 && (t.lines[i].flags & TL_CONT) &&
	    t.lines[i].verb == VERB_EHLO, "server-only: 250-SIZE is a keyword "
	    "line, not the host name");
	OK(!has_note(&t, "first line of this EHLO"),
	    "server-only: the whole EHLO reply is there");
	EQ_INT(verb_at(&t, "334 VXNlcm5hbWU6"), VERB_AUTH,
	    "server-only: first 334 answers AUTH");
	EQ_INT(verb_at(&t, "334 UGFzc3dvcmQ6"), VERB_ANSWER,
	    "server-only: 334 UGFzc3dvcmQ6 is the server's, answering an answer");
	EQ_INT(verb_at(&t, "235"), VERB_ANSWER, "server-only: 235 answers");
	EQ_INT(verb_at(&t, "250 2.1.0"), VERB_MAIL, "server-only: 2.1.0 MAIL");
	EQ_INT(verb_at(&t, "250 2.1.5"), VERB_RCPT, "server-only: 2.1.5 RCPT");
	EQ_INT(verb_at(&t, "354"), VERB_DATA, "server-only: 354 answers DATA");
	i = find(&t, TDIR_S, "250 2.0.0 Ok: queued");
	OK(i > 0 && t.lines[i].verb == VERB_DOT &&
	    !(t.lines[i].flags & TL_DATA), "server-only: the line after 354 "
	    "is the reply to the message, not content");
	EQ_INT(verb_at(&t, "221"), VERB_QUIT, "server-only: 221 answers QUIT");
	OK(has_note(&t, "the transcript omits the client's EHLO"),
	    "server-only: EHLO omitted, said");
	OK(has_note(&t, "the transcript omits the client's AUTH"),
	    "server-only: AUTH omitted, said");
	OK(has_note(&t, "the transcript omits the client's answer"),
	    "server-only: answers omitted, said");
	OK(has_note(&t, "the transcript omits the message content"),
	    "server-only: content omitted, said");
	transcript_free(&t);

	/* A guide that cut the EHLO reply's first line. */
	EQ_INT(load(&t, "S: 220 mx\nC: EHLO me\nS: 250-SIZE 1000\n"
	    "S: 250-AUTH LOGIN\nS: 250 8BITMIME\nC: QUIT\nS: 221 bye\n", err,
	    sizeof err), REPLAY_GUIDE, "cut EHLO reply");
	i = find(&t, TDIR_S, "250-SIZE");
	OK(i > 0 && (t.lines[i].flags & TL_CONT) && t.lines[i].verb ==
	    VERB_EHLO && t.lines[i - 1].dir == TDIR_INFO,
	    "cut EHLO reply: 250-SIZE is a keyword, not the host name");
	OK(has_note(&t, "the transcript omits the first line of this EHLO"),
	    "cut EHLO reply: said");
	transcript_free(&t);

	load_fixture(&t, "guide_client_omitted.txt", &ri);
	OK(has_note(&t, "the transcript omits the client's EHLO"),
	    "client-omitted: EHLO omitted, said");
	EQ_INT(verb_at(&t, "250-smtp.example.org"), VERB_EHLO,
	    "client-omitted: EHLO reply paired");
	check_auth_login_short(&t);
	OK(has_note(&t, "the transcript omits the client's answer"),
	    "client-omitted: password answer omitted, said");
	EQ_INT(verb_at(&t, "235"), VERB_ANSWER,
	    "client-omitted: 235 is a reply, not an answer");
	EQ_INT(verb_at(&t, "250 OK id="), VERB_DOT,
	    "client-omitted: the reply after 354 answers the message");
	i = find(&t, TDIR_C, "QUIT");
	OK(i > 0 && t.lines[i].verb == VERB_QUIT &&
	    !(t.lines[i].flags & TL_DATA), "client-omitted: QUIT is a command");
	EQ_INT(verb_at(&t, "221"), VERB_QUIT, "client-omitted: 221 to QUIT");
	OK(!has_warning(&t, "PIPELINING") && !has_warning(&t, "nobody asked"),
	    "client-omitted: no pipelining or unasked warnings");
	EQ_INT(count_dir(&t, TDIR_WARN), 1,
	    "client-omitted: only the true AUTH-without-TLS warning");
	transcript_free(&t);
}

/* The user answer of the client-omitted guide is shown, decoded. */
static void
check_auth_login_short(const struct transcript *t)
{
	long	i = find(t, TDIR_C, "YW5uQGV4YW1wbGUub3Jn");

	OK(i > 0 && (t->lines[i].flags & TL_ANSWER) &&
	    !(t->lines[i].flags & TL_SECRET) && t->lines[i].annot != NULL &&
	    strcmp(t->lines[i].annot, "ann@example.org") == 0,
	    "client-omitted: user answer decoded");
}

/* Pastes from telnet, openssl s_client and curl -v. */
static void
test_guide_tools(void)
{
	struct transcript	 t;
	struct replay_info	 ri;
	char			 host[128];
	long			 i;

	load_fixture(&t, "guide_telnet.txt", &ri);
	EQ_INT(ri.format, REPLAY_TELNET, "telnet guide: a bare paste");
	EQ_INT(count_dir(&t, TDIR_WARN), 0, "telnet guide: no warnings");
	EQ_INT(t.lines[0].dir, TDIR_INFO, "telnet guide: prompt is a note");
	i = find(&t, TDIR_INFO, "user@laptop:~$ telnet");
	OK(i == 0 && find(&t, TDIR_C, "user@laptop") < 0,
	    "telnet guide: no prompt became a command");
	OK(find(&t, TDIR_INFO, "$") == (long)t.n - 1,
	    "telnet guide: the final $ is a note");
	i = find(&t, TDIR_C, "$ this line");
	OK(i > 0 && (t.lines[i].flags & TL_DATA),
	    "telnet guide: a $ line inside the message is content");
	EQ_INT(verb_at(&t, "250-mail.example.com"), VERB_EHLO,
	    "telnet guide: second connection's EHLO paired");
	OK(find(&t, TDIR_INFO, "telnet> quit") > 0, "telnet guide: telnet> "
	    "is a note");
	OK(replay_host(&t, host, sizeof host) == 0 &&
	    strcmp(host, "mail.example.com") == 0, "telnet guide: host");
	transcript_free(&t);

	load_fixture(&t, "guide_s_client.txt", &ri);
	EQ_INT(ri.format, REPLAY_TELNET, "s_client: a bare paste");
	EQ_INT(count_dir(&t, TDIR_WARN), 0,
	    "s_client: no warnings (no AUTH without TLS)");
	OK(find(&t, TDIR_TLS, "handshake done: New, TLSv1.3") > 0,
	    "s_client: TLS line from the preamble");
	OK(has_note(&t, "the transcript omits the greeting, EHLO and STARTTLS"),
	    "s_client: the pre-TLS exchange is said to be omitted");
	OK(!shows(&t, "BEGIN CERTIFICATE") && !shows(&t, "Session-ID") &&
	    !shows(&t, "read R BLOCK") && !shows(&t, "Post-Handshake") &&
	    !shows(&t, "DONE") && !shows(&t, "depth="),
	    "s_client: preamble, ticket and chatter dropped");
	i = find(&t, TDIR_C, "EHLO laptop");
	OK(i > 0 && t.lines[i].verb == VERB_EHLO, "s_client: EHLO a command");
	EQ_INT(verb_at(&t, "250-mail.example.com"), VERB_EHLO,
	    "s_client: EHLO reply paired");
	OK(masked(&t, "Q29ycjNjdC1Ib3JzZQ=="), "s_client: password masked");
	OK(!shows(&t, "Corr3ct-Horse"), "s_client: password not shown");
	EQ_INT(count_dir(&t, TDIR_S) + count_dir(&t, TDIR_C) +
	    count_dir(&t, TDIR_TLS), 32, "s_client: SMTP lines kept");
	transcript_free(&t);

	load_fixture(&t, "guide_curl.txt", &ri);
	EQ_INT(ri.format, REPLAY_ARROWS, "curl: accepted (CR in the meter)");
	EQ_INT(count_dir(&t, TDIR_WARN), 0, "curl: no warnings");
	OK(!shows(&t, "% Total") && !shows(&t, "--:--:--") &&
	    !shows(&t, "bytes data]") && !shows(&t, "TLS handshake"),
	    "curl: meter, records and handshake chatter dropped");
	OK(find(&t, TDIR_INFO, "Trying 192.0.2.10:587") > 0,
	    "curl: the Trying line after the meter is kept");
	OK(find(&t, TDIR_TLS, "handshake done: SSL connection using") > 0,
	    "curl: TLS line");
	OK(masked(&t, "AGFsaWNl"), "curl: PLAIN answer masked");
	OK(!shows(&t, "Corr3ct-Horse"), "curl: password on the command line "
	    "masked");
	OK(has_note(&t, "the transcript omits the message content"),
	    "curl: content omitted, said");
	EQ_INT(verb_at(&t, "250 2.0.0 Ok: queued"), VERB_DOT,
	    "curl: 250 answers the message");
	transcript_free(&t);
}

/* The IIS 6 guide's damaged challenges; answers masked by position. */
static void
test_guide_masking(void)
{
	struct transcript	 t;
	struct replay_info	 ri;
	char			 err[256], *text;
	long			 i;

	load_fixture(&t, "guide_iis6.txt", &ri);
	EQ_INT(ri.format, REPLAY_TELNET, "IIS 6: C:\\> is no C: marker");
	EQ_INT(t.lines[0].dir, TDIR_INFO, "IIS 6: the prompt is a note");
	i = find(&t, TDIR_C, "YWRtaW5pc3RyYXRvcg==");
	OK(i > 0 && !(t.lines[i].flags & TL_SECRET) &&
	    strcmp(t.lines[i].annot, "administrator") == 0,
	    "IIS 6: the user answer is decoded");
	OK(masked(&t, "VHIwdWI0ZG9yJjM="), "IIS 6: damaged challenge, "
	    "password answer masked by position");
	OK(!shows(&t, "Tr0ub4dor"), "IIS 6: password nowhere in clear");
	/* :save writes what the screen shows. */
	text = format_all(&t, 0);
	OK(strstr(text, "VHIwdWI0ZG9yJjM=") == NULL &&
	    strstr(text, "Tr0ub4dor") == NULL && strstr(text, "C: ********\n")
	    != NULL, "IIS 6: saved text has the password masked");
	free(text);
	transcript_free(&t);

	/* "Username:" twice: the second answer is still the password. */
	EQ_INT(load(&t, "220 mx\nAUTH LOGIN\n334 VXNlcm5hbWU6\nYWxpY2U=\n"
	    "334 VXNlcm5hbWU6\nczNjcmV0\n235 ok\n", err, sizeof err),
	    REPLAY_TELNET, "Username: twice");
	OK(masked(&t, "czNjcmV0"), "Username: twice: second answer masked");
	OK(!shows(&t, "s3cret"), "Username: twice: password not shown");
	transcript_free(&t);

	/* The second 334 left out of the guide. */
	EQ_INT(load(&t, "220 mx\nAUTH LOGIN\n334 VXNlcm5hbWU6\nYWxpY2U=\n"
	    "czNjcmV0\n235 ok\nMAIL FROM:<a@b.example>\n250 ok\n", err,
	    sizeof err), REPLAY_TELNET, "missing second 334");
	OK(masked(&t, "czNjcmV0"), "missing 334: password masked");
	OK(has_note(&t, "the transcript omits the server's 334"),
	    "missing 334: said");
	EQ_INT(verb_at(&t, "235"), VERB_ANSWER, "missing 334: 235 answers");
	EQ_INT(verb_at(&t, "250 ok"), VERB_MAIL, "missing 334: MAIL paired");
	transcript_free(&t);

	/* A password typed in clear (not base64) at LOGIN's second step. */
	EQ_INT(load(&t, "S: 220 mx\nC: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\n"
	    "C: YWxpY2U=\nS: 334 UGFzc3dvcmQ6\nC: hunter2!\nS: 535 no\n", err,
	    sizeof err), REPLAY_GUIDE, "password typed in clear");
	OK(masked(&t, "hunter2!"), "clear password masked");
	OK(!shows(&t, "hunter2"), "clear password not shown");
	transcript_free(&t);

	/* LOGIN with the user name as initial response: next is the password. */
	EQ_INT(load(&t, "S: 220 mx\nC: AUTH LOGIN YWxpY2U=\n"
	    "S: 334 VXNlcm5hbWU6\nC: czNjcmV0\nS: 235 ok\n", err, sizeof err),
	    REPLAY_GUIDE, "LOGIN with initial response");
	OK(masked(&t, "czNjcmV0"), "LOGIN initial response: next answer "
	    "masked whatever the challenge says");
	transcript_free(&t);

	/* XOAUTH2 and OAUTHBEARER tokens after an empty 334. */
	EQ_INT(load(&t, "S: 220 mx\nC: AUTH XOAUTH2\nS: 334 \n"
	    "C: dXNlcj1hbGljZQFhdXRoPUJlYXJlciB5YTI5LnRva2VuAQE=\n"
	    "S: 235 ok\nC: AUTH OAUTHBEARER\nS: 334 \n"
	    "C: bixhPWFsaWNlLAFhdXRoPUJlYXJlciB0b2sBAQ==\nS: 235 ok\n", err,
	    sizeof err), REPLAY_GUIDE, "token mechanisms");
	OK(masked(&t, "dXNlcj1h"), "XOAUTH2 token masked");
	OK(find(&t, TDIR_C, "dXNlcj1h") > 0 && strcmp(t.lines[find(&t,
	    TDIR_C, "dXNlcj1h")].annot, "user 'alice', token ********") == 0,
	    "XOAUTH2: the user shown, the token masked");
	OK(masked(&t, "bixhPWFs"), "OAUTHBEARER token masked");
	OK(!shows(&t, "ya29.token"), "token not shown");
	transcript_free(&t);

	/* CRAM-MD5's digest is no secret: still shown decoded. */
	EQ_INT(load(&t, "S: 220 mx\nC: AUTH CRAM-MD5\n"
	    "S: 334 PDEyMzQ1QG14Pg==\n"
	    "C: YWxpY2UgMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n"
	    "S: 235 ok\n", err, sizeof err), REPLAY_GUIDE, "CRAM-MD5");
	i = find(&t, TDIR_C, "YWxpY2Ug");
	OK(i > 0 && !(t.lines[i].flags & TL_SECRET), "CRAM-MD5 answer shown");
	transcript_free(&t);

	/* s_client that shows only the tail of the EHLO reply. */
	EQ_INT(load(&t, "CONNECTED(00000003)\n---\nNew, TLSv1.3, Cipher is "
	    "TLS_AES_256_GCM_SHA384\nVerify return code: 0 (ok)\n---\n"
	    "250 SMTPUTF8\nAUTH PLAIN AGFsaWNlAHMzY3JldA==\n235 ok\n", err,
	    sizeof err), REPLAY_TELNET, "s_client with a reply tail");
	EQ_INT(verb_at(&t, "250 SMTPUTF8"), VERB_EHLO,
	    "s_client tail: answers an EHLO");
	i = find(&t, TDIR_S, "250 SMTPUTF8");
	OK(i > 0 && (t.lines[i].flags & TL_CONT) &&
	    t.lines[i - 1].dir == TDIR_INFO, "s_client tail: a keyword line, "
	    "not the server's name");
	OK(has_note(&t, "the first line of this EHLO reply"),
	    "s_client tail: the cut is said");
	EQ_INT(count_dir(&t, TDIR_WARN), 0, "s_client tail: no warnings");
	OK(!shows(&t, "AGFsaWNlAHMzY3JldA=="), "s_client tail: PLAIN masked");
	transcript_free(&t);

	/* Windows and bracketed prompts; secrets on a swaks command line. */
	EQ_INT(load(&t, "[me@box ~]$ swaks --to b@example.net --server mx "
	    "--auth-user alice --auth-password s3cret\n=== Trying mx:25...\n"
	    "<-  220 mx\n -> QUIT\n<-  221 bye\n", err, sizeof err),
	    REPLAY_SWAKS, "swaks with its command line");
	OK(find(&t, TDIR_INFO, "[me@box ~]$ swaks") == 0,
	    "bracketed prompt is a note");
	OK(!shows(&t, "s3cret"), "swaks --auth-password masked");
	transcript_free(&t);
}

int
main(void)
{
	test_round_trips();
	test_fixtures();
	test_variants();
	test_bad_input();
	test_unasked();
	test_guide_omissions();
	test_guide_tools();
	test_guide_masking();
	return t_done();
}
