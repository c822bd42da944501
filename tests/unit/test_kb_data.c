/*
 * test_kb_data.c: the knowledge files in data/ as compiled in: every
 * enhanced code reads right for each class it can appear in, the library
 * of real-world texts is full and sound, and the corpus of real reply
 * lines in tests/fixtures/replies.tsv is explained specifically.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/phase.h"
#include "smtpscope/reply.h"
#include "smtpscope/replay.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#include "src/kb_internal.h"
#include "t.h"

/* Words that must never explain a success, and the reverse. */
static const char *const fail_words[] = {
	"refuse", "reject", "denied", "fail", "not exist", "does not",
	"cannot", "could not", "unable", "invalid", "bad ", "wrong",
	"malformed", "problem", "unavailable", "too many", "too large",
	"exceeded", "blocked", "error", NULL
};
static const char *const ok_words[] = {
	"success", "succeeded", "accepted", "worked", "went through",
	"all is well", NULL
};

/* The first word of list found in s (case-insensitive), or NULL. */
static const char *
any_word(const char *s, const char *const *list)
{
	size_t	i, n, k;

	for (i = 0; list[i] != NULL; i++) {
		n = strlen(list[i]);
		for (k = 0; s[k] != '\0'; k++)
			if (strncasecmp(s + k, list[i], n) == 0)
				return list[i];
	}
	return NULL;
}

/* The section of b that starts with "## Enhanced code", to its end. */
static char *
enh_section(const struct buf *b)
{
	const char	*s = strstr(buf_str(b), "## Enhanced code"), *e;

	if (s == NULL)
		return xstrdup("");
	e = strstr(s + 3, "\n## ");
	return e != NULL ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
}

/* Every registry entry, in every class: the wording fits the class. */
static void
test_class_wording(void)
{
	const struct kb_enh	*e;
	struct buf		 b;
	char			 code[32], line[128], name[256], *sec;
	const char		*w;
	int			 cls, bad = 0, n = 0;

	for (e = kb_enh_table; e->code != NULL; e++) {
		if (strlen(e->code) < 5)
			continue;	/* a subject */
		for (cls = 2; cls <= 5; cls++) {
			if (cls == 3)
				continue;
			n++;
			snprintf(code, sizeof code, "%d%s", cls, e->code + 1);
			/* The code alone, then inside a reply of its class. */
			snprintf(line, sizeof line, "%s", code);
			buf_init(&b);
			kb_explain_arg(&b, line);
			sec = enh_section(&b);
			w = any_word(sec, cls == 2 ? fail_words : ok_words);
			buf_free(&b);
			free(sec);
			if (w == NULL) {
				snprintf(line, sizeof line, "%d %s text",
				    cls == 2 ? 250 : cls * 100 + 50, code);
				buf_init(&b);
				kb_explain_arg(&b, line);
				sec = cls == 2 ? xstrdup(buf_str(&b)) :
				    enh_section(&b);
				w = any_word(sec, cls == 2 ? fail_words :
				    ok_words);
				buf_free(&b);
				free(sec);
			}
			if (w != NULL) {
				bad++;
				printf("# %s explained with \"%s\"\n", code, w);
			}
		}
	}
	snprintf(name, sizeof name, "%d enhanced codes x 3 classes: no "
	    "failure words in a success, no success words in a failure", n);
	OK(n > 200 && bad == 0, name);
	/* Every 2xx reply code, with a plain 2.0.0. */
	{
		const struct kb_reply	*r;

		bad = 0;
		for (r = kb_reply_table; r->code != 0; r++) {
			if (r->code / 100 != 2)
				continue;
			snprintf(line, sizeof line, "%d 2.0.0 ok", r->code);
			buf_init(&b);
			kb_explain_arg(&b, line);
			if ((w = any_word(buf_str(&b), fail_words)) != NULL) {
				bad++;
				printf("# %d explained with \"%s\"\n",
				    r->code, w);
			}
			buf_free(&b);
		}
		OK(bad == 0, "every 2xx reply code reads as a success");
	}
	/* The lines the issue named, word for word. */
	buf_init(&b);
	kb_explain_arg(&b, "250 2.6.0 Message accepted, queued as 4ABC");
	OK(strstr(buf_str(&b), "accepted") != NULL &&
	    any_word(buf_str(&b), fail_words) == NULL,
	    "250 2.6.0 reads as a message accepted");
	buf_free(&b);
	buf_init(&b);
	kb_explain_arg(&b, "235 2.7.0 Authentication successful");
	OK(any_word(buf_str(&b), fail_words) == NULL,
	    "235 2.7.0 reads as a success");
	buf_free(&b);
	buf_init(&b);
	kb_explain_arg(&b, "250 2.1.5 Recipient OK");
	OK(any_word(buf_str(&b), fail_words) == NULL &&
	    strstr(buf_str(&b), "ecipient") != NULL,
	    "250 2.1.5 reads as a recipient accepted");
	buf_free(&b);
	buf_init(&b);
	kb_explain_arg(&b, "250 2.1.0 Sender OK");
	OK(any_word(buf_str(&b), fail_words) == NULL,
	    "250 2.1.0 reads as a sender accepted");
	buf_free(&b);
}

/* The library of texts: big enough, every entry whole. */
static void
test_library(void)
{
	const struct kb_cat	*c;
	const struct kb_text	*x;
	char			 name[128];
	size_t			 ncat = 0, i, bad = 0, used;

	for (c = kb_cat_table; c->id != NULL; c++) {
		ncat++;
		if (*c->title == '\0' || *c->cause == '\0' || *c->try_ == '\0')
			bad++;
		if ((c->classes & (1 << 2)) &&
		    any_word(c->title, fail_words) != NULL)
			bad++;
		used = 0;
		for (x = kb_text_table; x->cat >= 0; x++)
			if (&kb_cat_table[x->cat] == c)
				used++;
		if (used == 0) {
			printf("# category %s has no texts\n", c->id);
			bad++;
		}
	}
	for (x = kb_text_table; x->cat >= 0; x++) {
		if (x->source == NULL || *x->source == '\0')
			bad++;
		for (i = 0; x->match != NULL && x->match[i] != NULL; i++)
			/* "*" alone is a catch-all, fine where codes limit it. */
			if (strcmp(x->match[i], "*") == 0 ? x->codes[0] == 0 :
			    strlen(x->match[i]) < 3) {
				printf("# pattern \"%s\" is too short\n",
				    x->match[i]);
				bad++;
			}
	}
	snprintf(name, sizeof name, "%zu real-world texts in %zu categories, "
	    "at least 300", kb_text_count, ncat);
	OK(kb_text_count >= 300, name);
	OK(bad == 0, "every category and text has its fields and is used");
}

/* Turn the two characters \n into a newline, in place. */
static void
unescape(char *s)
{
	char	*d = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*d++ = '\n';
			s++;
		} else
			*d++ = *s;
	}
	*d = '\0';
}

/* The corpus of real reply lines: the share explained specifically. */
static void
test_corpus(void)
{
	const char	*top = getenv("top_srcdir");
	char		 path[4096], line[8192], name[256], *f[4], *p, *w;
	struct buf	 b;
	FILE		*fp;
	size_t		 total = 0, good = 0, i;
	int		 ok;

	if (top == NULL || *top == '\0')
		top = TOP_SRCDIR;
	snprintf(path, sizeof path, "%s/tests/fixtures/replies.tsv", top);
	if ((fp = fopen(path, "r")) == NULL) {
		OK(0, "tests/fixtures/replies.tsv opens");
		return;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (i = 0, p = line; i < 4; i++) {
			f[i] = p;
			if (i < 3) {
				if ((p = strchr(p, '\t')) == NULL)
					break;
				*p++ = '\0';
			}
		}
		if (i < 4) {
			printf("# malformed corpus line: %s\n", line);
			total++;
			continue;
		}
		unescape(f[3]);
		buf_init(&b);
		ok = kb_explain_arg(&b, f[3]) == 0;
		for (p = f[2]; ok && (w = strsep(&p, "|")) != NULL; )
			if (*w != '\0' && any_word(buf_str(&b),
			    (const char *const[]){ w, NULL }) == NULL)
				ok = 0;
		if (!ok && getenv("KB_CORPUS_VERBOSE") != NULL)
			printf("# missed [%s] want \"%s\": %s\n", f[1], f[2],
			    f[3]);
		good += ok;
		total++;
		buf_free(&b);
	}
	fclose(fp);
	snprintf(name, sizeof name, "%zu of %zu real reply lines explained "
	    "specifically (%.1f%%), at least 95%% and 400 lines needed", good,
	    total, total ? 100.0 * (double)good / (double)total : 0.0);
	OK(total >= 400 && good * 100 >= total * 95, name);
}

/* Append a transcript line. */
static void
tl(struct transcript *t, enum tdir dir, const char *raw, uint32_t flags,
    int code, int verb)
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
}

static void
free_t(struct transcript *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		free(t->lines[i].raw);
	free(t->lines);
	memset(t, 0, sizeof *t);
}

/* A greeting and an EHLO reply offering STARTTLS and AUTH (or not). */
static void
greet(struct transcript *t, int auth)
{
	tl(t, TDIR_S, "220 mx.example ESMTP", TL_REPLY_END, 220, VERB_NONE);
	tl(t, TDIR_C, "EHLO me.example", 0, 0, VERB_EHLO);
	tl(t, TDIR_S, "250-mx.example", 0, 250, VERB_EHLO);
	tl(t, TDIR_S, "250-STARTTLS", TL_CONT, 250, VERB_EHLO);
	if (auth)
		tl(t, TDIR_S, "250-AUTH PLAIN LOGIN", TL_CONT, 250, VERB_EHLO);
	tl(t, TDIR_S, "250 SIZE 1000", TL_CONT | TL_REPLY_END, 250, VERB_EHLO);
}

/* The sidebar text of the last line, and whether it holds want. */
static void
sidebar_has(struct transcript *t, const char *want, const char *name)
{
	struct buf	b;

	buf_init(&b);
	kb_explain_tline(&b, t, t->n - 1);
	OK(strstr(buf_str(&b), want) != NULL, name);
	if (strstr(buf_str(&b), want) == NULL)
		printf("# wanted \"%s\" in:\n%s\n", want, buf_str(&b));
	buf_free(&b);
}

/* The diagnosis depends on what the session did before the reply. */
static void
test_context(void)
{
	struct transcript	t;
	struct buf		b;

	/* Relay denied, not logged in: log in first. */
	memset(&t, 0, sizeof t);
	greet(&t, 1);
	tl(&t, TDIR_C, "MAIL FROM:<a@example.org>", 0, 0, VERB_MAIL);
	tl(&t, TDIR_S, "250 2.1.0 Ok", TL_REPLY_END, 250, VERB_MAIL);
	tl(&t, TDIR_C, "RCPT TO:<b@example.net>", 0, 0, VERB_RCPT);
	tl(&t, TDIR_S, "554 5.7.1 <b@example.net>: Relay access denied",
	    TL_REPLY_END, 554, VERB_RCPT);
	sidebar_has(&t, "## Diagnosis", "relay denied: a Diagnosis section");
	sidebar_has(&t, "You have not logged in", "relay denied, no AUTH: "
	    "log in first");
	free_t(&t);

	/* The same after a login: the account may not relay there. */
	greet(&t, 1);
	tl(&t, TDIR_TLS, "handshake done: TLS1.3, AES", 0, 0, 0);
	tl(&t, TDIR_C, "EHLO me.example", 0, 0, VERB_EHLO);
	tl(&t, TDIR_S, "250-mx.example", 0, 250, VERB_EHLO);
	tl(&t, TDIR_S, "250 AUTH PLAIN", TL_CONT | TL_REPLY_END, 250,
	    VERB_EHLO);
	tl(&t, TDIR_C, "AUTH PLAIN AGEAYg==", TL_SECRET, 0, VERB_AUTH);
	tl(&t, TDIR_S, "235 2.7.0 Authentication successful", TL_REPLY_END,
	    235, VERB_AUTH);
	tl(&t, TDIR_C, "MAIL FROM:<a@example.org>", 0, 0, VERB_MAIL);
	tl(&t, TDIR_S, "250 2.1.0 Ok", TL_REPLY_END, 250, VERB_MAIL);
	tl(&t, TDIR_C, "RCPT TO:<b@example.net>", 0, 0, VERB_RCPT);
	tl(&t, TDIR_S, "554 5.7.1 <b@example.net>: Relay access denied",
	    TL_REPLY_END, 554, VERB_RCPT);
	sidebar_has(&t, "You are logged in and relaying is still refused",
	    "relay denied after AUTH: the account's rights");
	free_t(&t);

	/* 535 right after an answer that was base64 already. */
	greet(&t, 1);
	tl(&t, TDIR_C, "AUTH LOGIN", 0, 0, VERB_AUTH);
	tl(&t, TDIR_S, "334 VXNlcm5hbWU6", TL_REPLY_END, 334, VERB_AUTH);
	/* The user typed "ZGVtbw==" (base64 of "demo"); it went encoded. */
	tl(&t, TDIR_C, "WkdWdGJ3PT0=", TL_ANSWER, 0, VERB_ANSWER);
	tl(&t, TDIR_S, "334 UGFzc3dvcmQ6", TL_REPLY_END, 334, VERB_ANSWER);
	tl(&t, TDIR_C, "WkdWdGJ3PT0=", TL_ANSWER | TL_SECRET, 0,
	    VERB_ANSWER);
	tl(&t, TDIR_S, "535 5.7.8 Error: authentication failed",
	    TL_REPLY_END, 535, VERB_ANSWER);
	sidebar_has(&t, "encoded a second time", "535 after a base64 "
	    "answer: encoded twice, use :raw");
	free_t(&t);

	/* The same 535 after a plain answer: wrong credentials. */
	greet(&t, 1);
	tl(&t, TDIR_C, "AUTH LOGIN", 0, 0, VERB_AUTH);
	tl(&t, TDIR_S, "334 VXNlcm5hbWU6", TL_REPLY_END, 334, VERB_AUTH);
	tl(&t, TDIR_C, "ZGVtbw==", TL_ANSWER, 0, VERB_ANSWER);
	tl(&t, TDIR_S, "334 UGFzc3dvcmQ6", TL_REPLY_END, 334, VERB_ANSWER);
	tl(&t, TDIR_C, "eHl6", TL_ANSWER | TL_SECRET, 0, VERB_ANSWER);
	tl(&t, TDIR_S, "535 5.7.8 Error: authentication failed",
	    TL_REPLY_END, 535, VERB_ANSWER);
	buf_init(&b);
	kb_explain_tline(&b, &t, t.n - 1);
	OK(strstr(buf_str(&b), "encoded a second time") == NULL &&
	    strstr(buf_str(&b), "## Diagnosis") != NULL,
	    "535 after a plain answer: no double-encoding diagnosis");
	buf_free(&b);
	free_t(&t);

	/* 503 answering RCPT with no transaction open. */
	greet(&t, 0);
	tl(&t, TDIR_C, "RCPT TO:<b@example.org>", 0, 0, VERB_RCPT);
	tl(&t, TDIR_S, "503 5.5.1 Error: need MAIL command", TL_REPLY_END,
	    503, VERB_RCPT);
	sidebar_has(&t, "RCPT TO came before MAIL FROM", "503: RCPT before "
	    "MAIL");
	free_t(&t);

	/* 530 on a plaintext connection that offers STARTTLS. */
	greet(&t, 0);
	tl(&t, TDIR_C, "MAIL FROM:<a@example.org>", 0, 0, VERB_MAIL);
	tl(&t, TDIR_S, "530 5.7.0 Must issue a STARTTLS command first",
	    TL_REPLY_END, 530, VERB_MAIL);
	sidebar_has(&t, "STARTTLS", "530 without TLS: STARTTLS first");
	free_t(&t);

	/* A success in context: no diagnosis, no failure words. */
	greet(&t, 0);
	tl(&t, TDIR_C, ".", 0, 0, VERB_DOT);
	tl(&t, TDIR_S, "250 2.6.0 <x@example> Queued mail for delivery",
	    TL_REPLY_END, 250, VERB_DOT);
	buf_init(&b);
	kb_explain_tline(&b, &t, t.n - 1);
	OK(strstr(buf_str(&b), "Diagnosis") == NULL &&
	    any_word(buf_str(&b), fail_words) == NULL &&
	    strstr(buf_str(&b), "accepted") != NULL,
	    "250 2.6.0 after the dot: accepted, in the sidebar too");
	if (any_word(buf_str(&b), fail_words) != NULL)
		printf("# %s\n", buf_str(&b));
	buf_free(&b);
	free_t(&t);
}

/* Every diagnosis fires on its own example sessions, and only it. */
static void
test_diag_cases(void)
{
	const struct kb_diag	*d;
	struct transcript	 t;
	struct buf		 b;
	char			 err[256], name[512], *text;
	size_t			 i, k, last, ndiag = 0, ncase = 0, bad = 0;

	for (d = kb_diag_table; d->say != NULL; d++) {
		ndiag++;
		if (d->cases == NULL || d->cases[0] == NULL) {
			printf("# no case for: %.60s\n", d->say);
			bad++;
			continue;
		}
		for (k = 0; d->cases[k] != NULL; k++) {
			ncase++;
			text = xstrdup(d->cases[k]);
			unescape(text);
			transcript_init(&t);
			buf_init(&b);
			if (replay_load_mem(&t, text, strlen(text), NULL, err,
			    sizeof err) != 0) {
				printf("# case does not load (%s): %.60s\n",
				    err, d->say);
				bad++;
			} else {
				for (i = t.n, last = t.n; i > 0; i--)
					if (t.lines[i - 1].dir == TDIR_S) {
						last = i - 1;
						break;
					}
				if (last == t.n || kb_diagnose(&b, &t, last) != 0 ||
				    strcmp(buf_str(&b), d->say) != 0) {
					printf("# case of \"%.50s\" got \"%.70s\"\n",
					    d->say, buf_str(&b));
					bad++;
				}
			}
			buf_free(&b);
			transcript_free(&t);
			free(text);
		}
	}
	snprintf(name, sizeof name, "each of the %zu diagnoses fires on its "
	    "own example sessions (%zu cases)", ndiag, ncase);
	OK(bad == 0 && ndiag > 40, name);
}

int
main(void)
{
	test_diag_cases();
	test_context();
	test_class_wording();
	test_library();
	test_corpus();
	return t_done();
}
