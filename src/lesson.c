/*
 * lesson.c: the condition language of lesson checks (see lesson.h),
 * evaluated over a transcript and what the caller knows.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/command.h"
#include "smtpscope/lesson.h"
#include "smtpscope/phase.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#define LC_MAXW	16

/* A condition split into words, in a copy it owns. */
struct lc_words {
	char	*copy;
	char	*w[LC_MAXW];
	int	 n;
};

static int
lc_split(struct lc_words *lw, const char *cond)
{
	char	*p;

	lw->copy = xstrdup(cond);
	lw->n = 0;
	for (p = strtok(lw->copy, " \t"); p != NULL; p = strtok(NULL, " \t")) {
		if (lw->n == LC_MAXW)
			return -1;
		lw->w[lw->n++] = p;
	}
	return 0;
}

/* The verb named (EHLO, RCPT, DOT, ...), or -1. */
static int
lc_verb(const char *name)
{
	int	v;

	for (v = VERB_NONE; v <= VERB_UNASKED; v++)
		if (strcasecmp(name, verb_name(v)) == 0)
			return v;
	return -1;
}

/* A reply pattern as :expect takes it: 250, 5xx, 25x, 5.1.1. */
static int
lc_pattern_ok(const char *p)
{
	size_t	n = strlen(p);

	if (n == 3 && strchr("2345", p[0]) != NULL &&
	    (isdigit((unsigned char)p[1]) || p[1] == 'x') &&
	    (isdigit((unsigned char)p[2]) || p[2] == 'x'))
		return 1;
	if (n >= 5 && strchr("245", p[0]) != NULL && p[1] == '.' &&
	    strspn(p + 2, "0123456789.") == n - 2)
		return 1;
	return 0;
}

static int
lc_count_ok(const char *op, const char *num)
{
	return strcmp(op, ">=") == 0 && num[0] != '\0' &&
	    strspn(num, "0123456789") == strlen(num) && strlen(num) < 6;
}

/* Join words [from, to) with single spaces into out. */
static void
lc_join(const struct lc_words *lw, int from, int to, char *out, size_t len)
{
	size_t	used = 0;
	int	i, w;

	out[0] = '\0';
	for (i = from; i < to && used < len; i++) {
		w = snprintf(out + used, len - used, "%s%s", i > from ? " " : "",
		    lw->w[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static int	lc_eval(const struct lc_words *, int, const struct transcript *,
		    const struct lesson_ctx *, char *, size_t);

int
lesson_cond_check(const char *cond, char *err, size_t errlen)
{
	struct lc_words	lw;
	int		rc;

	if (lc_split(&lw, cond) == -1) {
		snprintf(err, errlen, "too many words in \"%s\"", cond);
		free(lw.copy);
		return -1;
	}
	rc = lc_eval(&lw, 0, NULL, NULL, err, errlen);
	free(lw.copy);
	return rc < 0 ? -1 : 0;
}

int
lesson_cond_holds(const char *cond, const struct transcript *t,
    const struct lesson_ctx *ctx)
{
	struct lc_words	lw;
	char		err[128];
	int		rc = -1;

	if (lc_split(&lw, cond) == 0)
		rc = lc_eval(&lw, 0, t, ctx, err, sizeof err);
	free(lw.copy);
	return rc == 1;
}

/* A command line of the client (not message content, not an answer). */
static int
lc_is_command(const struct tline *l)
{
	return l->dir == TDIR_C && !(l->flags & (TL_DATA | TL_ANSWER));
}

/* The last line of a server reply. */
static int
lc_is_reply(const struct tline *l)
{
	return l->dir == TDIR_S && (l->flags & TL_REPLY_END);
}

/* Does the command line begin with text (words compared loosely)? */
static int
lc_begins(const struct tline *l, const char *text)
{
	const char	*p = l->raw;

	p += strspn(p, " \t");
	return strncasecmp(p, text, strlen(text)) == 0;
}

/* Index of the first command beginning with text at or after from. */
static size_t
lc_find_sent(const struct transcript *t, size_t from, const char *text)
{
	size_t	i;

	for (i = from; i < t->n; i++)
		if (lc_is_command(&t->lines[i]) && lc_begins(&t->lines[i], text))
			return i;
	return (size_t)-1;
}

static int
lc_reply_matches(const struct tline *l, const char *pat, int verb)
{
	if (!lc_is_reply(l))
		return 0;
	if (verb >= 0 && l->verb != verb)
		return 0;
	return command_code_match(pat, l->code, l->enh);
}

static size_t
lc_count_replies(const struct transcript *t, const char *pat, int verb)
{
	size_t	i, n = 0;

	for (i = 0; i < t->n; i++)
		if (lc_reply_matches(&t->lines[i], pat, verb))
			n++;
	return n;
}

/* A command sent while the reply to an earlier one was still due. */
static int
lc_pipelined(const struct transcript *t)
{
	size_t	i, due = 0;
	int	v;

	for (i = 0; i < t->n; i++) {
		const struct tline	*l = &t->lines[i];

		if (lc_is_command(l)) {
			v = verb_of(l->raw, l->len);
			if (v == VERB_OTHER || v == VERB_NONE)
				continue;
			if (due > 0)
				return 1;
			due++;
		} else if (lc_is_reply(l) && due > 0)
			due--;
	}
	return 0;
}

static long
lc_inbox(const struct transcript *t, const struct lesson_ctx *ctx)
{
	if (ctx != NULL && ctx->inbox >= 0)
		return ctx->inbox;
	return (long)lc_count_replies(t, "2xx", VERB_DOT);
}

/* :explain ARG, as the caller noted it in the transcript. */
static int
lc_explained(const struct transcript *t, const char *arg)
{
	size_t	i, n = strlen(arg);

	for (i = 0; i < t->n; i++) {
		const struct tline	*l = &t->lines[i];

		if (l->dir == TDIR_INFO && l->len == n + 9 &&
		    strncmp(l->raw, ":explain ", 9) == 0 &&
		    strcasecmp(l->raw + 9, arg) == 0)
			return 1;
	}
	return 0;
}

/*
 * Check (t NULL) or evaluate the condition in words [at, n): -1 with a
 * reason in err when it is malformed, else 1 (holds) or 0.
 */
static int
lc_eval(const struct lc_words *lw, int at, const struct transcript *t,
    const struct lesson_ctx *ctx, char *err, size_t errlen)
{
	const char	*k;
	char		 a[256], b[256];
	int		 n = lw->n - at, i, verb = -1, rc;
	size_t		 x, y;
	unsigned long	 min = 1;

	if (n <= 0) {
		snprintf(err, errlen, "empty condition");
		return -1;
	}
	k = lw->w[at];
	if (strcmp(k, "not") == 0) {
		rc = lc_eval(lw, at + 1, t, ctx, err, errlen);
		return rc < 0 ? rc : (t == NULL ? 1 : !rc);
	}
	if (strcmp(k, "tls") == 0 || strcmp(k, "auth") == 0 ||
	    strcmp(k, "dot-stuffed") == 0 || strcmp(k, "pipelined") == 0) {
		if (n != 1)
			goto bad;
		if (t == NULL)
			return 1;
		if (k[0] == 't')
			return (ctx != NULL && ctx->tls) ||
			    lc_count_replies(t, "220", VERB_STARTTLS) > 0;
		if (k[0] == 'a')
			return (ctx != NULL && ctx->auth) ||
			    lc_count_replies(t, "235", -1) > 0;
		if (k[0] == 'p')
			return lc_pipelined(t);
		for (x = 0; x < t->n; x++)
			if (t->lines[x].flags & TL_STUFFED)
				return 1;
		return 0;
	}
	if (strcmp(k, "inbox") == 0) {
		if (n != 3 || !lc_count_ok(lw->w[at + 1], lw->w[at + 2]))
			goto bad;
		if (t == NULL)
			return 1;
		return lc_inbox(t, ctx) >= atol(lw->w[at + 2]);
	}
	if (strcmp(k, "explained") == 0) {
		if (n != 2)
			goto bad;
		return t == NULL ? 1 : lc_explained(t, lw->w[at + 1]);
	}
	if (strcmp(k, "enh") == 0) {
		if (n != 2 || !lc_pattern_ok(lw->w[at + 1]) ||
		    strchr(lw->w[at + 1], '.') == NULL)
			goto bad;
		return t == NULL ? 1 : lc_count_replies(t, lw->w[at + 1],
		    -1) > 0;
	}
	if (strcmp(k, "sent") == 0) {
		for (i = at + 1; i < lw->n; i++)
			if (strcmp(lw->w[i], "after") == 0)
				break;
		if (i == at + 1 || i == lw->n - 1)
			goto bad;
		lc_join(lw, at + 1, i, a, sizeof a);
		lc_join(lw, i + 1, lw->n, b, sizeof b);
		if (t == NULL)
			return 1;
		x = 0;
		if (b[0] != '\0') {
			if ((x = lc_find_sent(t, 0, b)) == (size_t)-1)
				return 0;
			x++;
		}
		return lc_find_sent(t, x, a) != (size_t)-1;
	}
	if (strcmp(k, "reply") == 0) {
		/* reply P [then Q] [to VERB] [>= N] */
		if (n < 2 || !lc_pattern_ok(lw->w[at + 1]))
			goto bad;
		i = at + 2;
		b[0] = '\0';
		if (i < lw->n && strcmp(lw->w[i], "then") == 0) {
			if (i + 1 >= lw->n || !lc_pattern_ok(lw->w[i + 1]))
				goto bad;
			snprintf(b, sizeof b, "%s", lw->w[i + 1]);
			i += 2;
		}
		if (i < lw->n && strcmp(lw->w[i], "to") == 0) {
			if (i + 1 >= lw->n || (verb = lc_verb(lw->w[i + 1])) < 0)
				goto bad;
			i += 2;
		}
		if (i < lw->n) {
			if (i + 2 != lw->n || !lc_count_ok(lw->w[i],
			    lw->w[i + 1]) || b[0] != '\0')
				goto bad;
			min = strtoul(lw->w[i + 1], NULL, 10);
		}
		if (b[0] != '\0' && verb < 0)
			goto bad;
		if (t == NULL)
			return 1;
		if (b[0] == '\0')
			return lc_count_replies(t, lw->w[at + 1], verb) >= min;
		for (x = 0; x < t->n; x++)
			if (lc_reply_matches(&t->lines[x], lw->w[at + 1], verb))
				break;
		for (y = x + 1; y < t->n; y++)
			if (lc_reply_matches(&t->lines[y], b, verb))
				return 1;
		return 0;
	}
	snprintf(err, errlen, "unknown condition \"%s\"", k);
	return -1;
bad:
	lc_join(lw, at, lw->n, a, sizeof a);
	snprintf(err, errlen, "malformed condition \"%s\"", a);
	return -1;
}

size_t
lesson_nchecks(const struct lesson *l)
{
	size_t	n = 0;

	while (l->checks != NULL && l->checks[n] != NULL)
		n++;
	return n;
}

size_t
lesson_nheld(const struct lesson *l, const struct transcript *t,
    const struct lesson_ctx *ctx)
{
	size_t	i, n = 0;

	for (i = 0; l->checks != NULL && l->checks[i] != NULL; i++)
		if (lesson_cond_holds(l->checks[i], t, ctx))
			n++;
	return n;
}

int
lesson_validate(const struct lesson *l, char *err, size_t errlen)
{
	char	why[256];
	size_t	i;

	if (l->title == NULL || l->goal == NULL || l->hint == NULL) {
		snprintf(err, errlen, "%s: needs title, goal and hint",
		    l->id != NULL ? l->id : "a lesson");
		return -1;
	}
	if (lesson_nchecks(l) == 0) {
		snprintf(err, errlen, "%s: no check", l->id);
		return -1;
	}
	for (i = 0; l->checks[i] != NULL; i++)
		if (lesson_cond_check(l->checks[i], why, sizeof why) == -1) {
			snprintf(err, errlen, "%s: %s", l->id, why);
			return -1;
		}
	return 0;
}
