/*
 * kb_ctx.c: a reply in its context.  What the session knew when the reply
 * came (TLS, AUTH, EHLO's offer, the open transaction, the answer just
 * given) is read back from the transcript, and data/diagnoses.txt turns
 * it into the likely cause and the next step.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/phase.h"
#include "smtpscope/reply.h"
#include "smtpscope/transcript.h"

#include "kb_internal.h"

/* 1 when base64 text s[0..len) decodes to text that is base64 again. */
static int
double_encoded(const char *s, size_t len)
{
	struct buf	b;
	int		yes;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len == 0 || (len == 1 && *s == '='))
		return 0;
	buf_init(&b);
	yes = b64_decode(s, len, &b) == 0 && b.len >= 4 &&
	    b64_is_text(b.data, b.len);
	if (b.data != NULL)
		memset(b.data, 0, b.len);
	buf_free(&b);
	return yes;
}


/* Word n (0-based) of line l: its start, its length in *n. */
static const char *
word(const struct tline *l, int which, size_t *n)
{
	const char	*s = l->raw, *end = l->raw + l->len;

	for (;;) {
		while (s < end && *s == ' ')
			s++;
		*n = 0;
		while (s + *n < end && s[*n] != ' ')
			(*n)++;
		if (which-- == 0 || s >= end)
			return s;
		s += *n;
	}
}


/* An EHLO keyword line: note STARTTLS, AUTH and its mechanisms, SIZE. */
static void
ehlo_line(struct kb_ctx *c, const struct tline *l)
{
	const char	*kw = l->raw + 4;
	size_t		 len = l->len > 4 ? l->len - 4 : 0;

	if (len >= 8 && strncasecmp(kw, "STARTTLS", 8) == 0)
		c->flags |= KB_CTX_OFFERS_STARTTLS;
	else if (len >= 4 && strncasecmp(kw, "AUTH", 4) == 0 &&
	    (len == 4 || kw[4] == ' ' || kw[4] == '=')) {
		c->flags |= KB_CTX_OFFERS_AUTH;
		if (len > 5)
			snprintf(c->mechs, sizeof c->mechs, " %.*s ",
			    (int)(len - 5), kw + 5);
	} else if (len > 5 && strncasecmp(kw, "SIZE ", 5) == 0)
		c->size = strtoul(kw + 5, NULL, 10);
}


/* Is mech one of the words in the " A B C " list? */
static int
mech_offered(const char *list, const char *mech)
{
	const char	*p = list;
	size_t		 n = strlen(mech);

	for (; (p = strchr(p, ' ')) != NULL && p[1] != '\0'; p++)
		if (strncasecmp(p + 1, mech, n) == 0 && p[1 + n] == ' ')
			return 1;
	return 0;
}


void
kb_ctx_build(struct kb_ctx *c, const struct transcript *t, size_t end)
{
	struct phase_state	 ps;
	const struct tline	*l;
	const char		*w;
	size_t			 i, n;

	memset(c, 0, sizeof *c);
	c->verb = -1;
	phase_init(&ps);
	for (i = 0; i < end && i < t->n; i++) {
		l = &t->lines[i];
		switch (l->dir) {
		case TDIR_TLS:
			if (l->len >= 14 && strncasecmp(l->raw,
			    "handshake done", 14) == 0) {
				phase_on_tls(&ps);
				/* What was offered before TLS no longer holds. */
				c->flags &= ~(KB_CTX_OFFERS_STARTTLS |
				    KB_CTX_OFFERS_AUTH);
				c->mechs[0] = '\0';
			}
			break;
		case TDIR_C:
			if (l->flags & TL_DATA)
				break;
			if ((l->flags & TL_ANSWER) || l->verb == VERB_ANSWER) {
				if (double_encoded(l->raw, l->len))
					c->flags |= KB_CTX_B64ANSWER;
				phase_on_command(&ps, VERB_ANSWER);
				break;
			}
			phase_on_command(&ps, (enum verb)l->verb);
			if (l->verb == VERB_AUTH) {
				c->flags &= ~(KB_CTX_B64ANSWER |
				    KB_CTX_MECH_NOT_OFFERED);
				w = word(l, 1, &n);
				snprintf(c->mech, sizeof c->mech, "%.*s",
				    (int)n, w);
				if (c->mechs[0] != '\0' && n > 0 &&
				    !mech_offered(c->mechs, c->mech))
					c->flags |= KB_CTX_MECH_NOT_OFFERED;
				w = word(l, 2, &n);
				if (n > 0 && double_encoded(w, n))
					c->flags |= KB_CTX_B64ANSWER;
				if (!ps.tls)
					c->flags |= KB_CTX_PLAINTEXT_AUTH;
			}
			break;
		case TDIR_S:
			if (l->verb == VERB_EHLO && !(l->flags & TL_CONT)) {
				c->flags &= ~(KB_CTX_OFFERS_STARTTLS |
				    KB_CTX_OFFERS_AUTH);
				c->mechs[0] = '\0';
				c->size = 0;
			} else if (l->verb == VERB_EHLO && l->code == 250)
				ehlo_line(c, l);
			if (l->flags & TL_REPLY_END)
				phase_on_reply(&ps, (enum verb)l->verb, l->code);
			break;
		default:
			break;
		}
	}
	if (ps.tls)
		c->flags |= KB_CTX_TLS;
	if (ps.authed)
		c->flags |= KB_CTX_AUTH;
	if (ps.helo)
		c->flags |= KB_CTX_EHLO;
	if (ps.mail)
		c->flags |= KB_CTX_MAIL;
	if (ps.nrcpt > 0)
		c->flags |= KB_CTX_RCPT;
	if (ps.greeted)
		c->flags |= KB_CTX_GREETED;
}


const struct kb_diag *
kb_diag_find(const struct reply *r, const char *enh, const struct kb_ctx *c)
{
	const struct kb_text	*hit[KB_MAXCATS];
	const struct kb_diag	*d;
	struct buf		 text;
	size_t			 n, k;

	if (r->code < 400)
		return NULL;	/* only failures get a diagnosis */
	buf_init(&text);
	kb_reply_text(&text, r);
	n = kb_text_match(buf_str(&text), text.len, r->code, enh, hit,
	    KB_MAXCATS);
	buf_free(&text);
	for (d = kb_diag_table; d->say != NULL; d++) {
		if (d->code != 0 && d->code != r->code)
			continue;
		if (d->cls != 0 && d->cls != r->code / 100)
			continue;
		if (d->verb != -1 && d->verb != c->verb)
			continue;
		if ((c->flags & d->need) != d->need || (c->flags & d->deny))
			continue;
		if (d->cat != NULL) {
			for (k = 0; k < n; k++)
				if (strcmp(kb_cat_table[hit[k]->cat].id,
				    d->cat) == 0)
					break;
			if (k == n)
				continue;
		}
		return d;
	}
	return NULL;
}


int
kb_diagnose(struct buf *out, const struct transcript *t, size_t i)
{
	const struct kb_diag	*d;
	struct kb_ctx		 c;
	struct reply		 r;
	size_t			 start;
	int			 verb;

	if (kb_tline_reply(t, i, &r, &start, &verb) == -1)
		return -1;
	kb_ctx_build(&c, t, start);
	c.verb = verb;
	d = kb_diag_find(&r, r.enh, &c);
	free(r.lines);
	if (d == NULL)
		return -1;
	buf_addstr(out, d->say);
	return 0;
}

int
kb_diagnose_last(struct buf *out, const struct transcript *t)
{
	size_t	i;

	for (i = t->n; i > 0; i--)
		if (t->lines[i - 1].dir == TDIR_S)
			return kb_diagnose(out, t, i - 1);
	return -1;
}
