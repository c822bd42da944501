/*
 * kb_tline.c: explaining one transcript line: a client command or content
 * line, a TLS event or note, or the server reply the line belongs to.
 */
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

#include "kb_internal.h"

static const struct kb_verb *
verb_info(int verb)
{
	const struct kb_verb	*v;

	for (v = kb_verb_table; v->name != NULL; v++)
		if (v->verb == verb)
			return v;
	return NULL;
}


/* 1 when the argument after MAIL FROM:/RCPT TO: lacks angle brackets. */
static int
missing_brackets(const char *raw, size_t len)
{
	const char	*colon = memchr(raw, ':', len);
	size_t		 i;

	if (colon == NULL)
		return 0;
	for (i = (size_t)(colon - raw) + 1; i < len && raw[i] == ' '; i++)
		;
	return i < len && raw[i] != '<';
}


/* A client line: what the command does, masked secrets, data notes. */
static void
explain_client(struct buf *b, const struct tline *l, struct kb_refs *rs)
{
	const struct kb_verb	*v;
	char			 title[128];
	size_t			 i;
	int			 eight = 0;

	if (l->verb == VERB_DOT) {
		v = verb_info(VERB_DOT);
		kb_section(b, "End of message");
		kb_para(b, v->meaning);
		kb_refs_add(rs, v->ref);
		return;
	}
	if (l->flags & TL_DATA) {
		kb_section(b, "Message content line");
		kb_para(b, "A line of the message itself, sent after 354. The "
		    "server stores it; it is not a command.");
		if (l->flags & TL_STUFFED) {
			kb_para(b, "It began with a dot, so a second dot was "
			    "added before sending (dot-stuffing): otherwise a "
			    "lone dot would end the message early. The server "
			    "removes the extra dot.");
			kb_refs_add(rs, "RFC 5321 4.5.2");
		}
		for (i = 0; i < l->len; i++)
			if ((unsigned char)l->raw[i] >= 0x80)
				eight = 1;
		if (eight)
			kb_para(b, "It holds 8-bit bytes: the server must "
			    "offer 8BITMIME and MAIL FROM should say "
			    "BODY=8BITMIME.");
		if (l->len > LINE_MAX_OCTETS || (l->flags & LINE_TOO_LONG)) {
			kb_para(b, lint_get(LINT_LINE_TOO_LONG)->text);
			kb_refs_add(rs, lint_get(LINT_LINE_TOO_LONG)->ref);
		}
		if (l->flags & (LINE_BARE_LF | LINE_BARE_CR)) {
			kb_para(b, lint_get(LINT_BARE_LF)->text);
			kb_refs_add(rs, lint_get(LINT_BARE_LF)->ref);
		}
		kb_refs_add(rs, "RFC 5321 4.1.1.4");
		return;
	}
	if ((l->flags & TL_ANSWER) || l->verb == VERB_ANSWER) {
		v = verb_info(VERB_ANSWER);
		kb_section(b, "AUTH answer");
		kb_para(b, v->meaning);
		if (l->annot != NULL && !(l->flags & TL_DECODED)) {
			/* A described answer: "user 'alice', token ****". */
			buf_addstr(b, "It carries: ");
			kb_add_safe(b, l->annot, strlen(l->annot));
			buf_addch(b, '\n');
		}
		if (l->flags & TL_SECRET)
			kb_para(b, "It carries a secret (a password or token), "
			    "so it is shown masked and saved as ******** "
			    "unless you ask otherwise. What is masked follows "
			    "from the answer's place in the mechanism (LOGIN's "
			    "second answer is the password), not from what the "
			    "server's prompt says.");
		else if (l->annot != NULL && (l->flags & TL_DECODED)) {
			buf_addstr(b, "It encodes: \"");
			kb_add_safe(b, l->annot, strlen(l->annot));
			buf_addstr(b, "\"\n");
		}
		kb_refs_add(rs, v->ref);
		return;
	}
	v = verb_info(l->verb);
	if (v == NULL)
		v = verb_info(VERB_OTHER);
	snprintf(title, sizeof title, "Command: %s", v->name);
	kb_section(b, title);
	kb_para(b, v->meaning);
	if (l->verb == VERB_AUTH && (l->flags & TL_SECRET))
		kb_para(b, "The initial response on this line carries "
		    "credentials and is shown masked.");
	if (l->verb == VERB_MAIL && missing_brackets(l->raw, l->len)) {
		kb_para(b, lint_get(LINT_MAIL_NO_BRACKETS)->text);
		kb_refs_add(rs, lint_get(LINT_MAIL_NO_BRACKETS)->ref);
	}
	if (l->verb == VERB_RCPT && missing_brackets(l->raw, l->len)) {
		kb_para(b, lint_get(LINT_RCPT_NO_BRACKETS)->text);
		kb_refs_add(rs, lint_get(LINT_RCPT_NO_BRACKETS)->ref);
	}
	kb_refs_add(rs, v->ref);
}


/* A TLS event, local note or warning: the text and any reference. */
static void
explain_note(struct buf *b, const struct tline *l, struct kb_refs *rs)
{
	const struct lint_warning	*w;
	int				 id;

	switch (l->dir) {
	case TDIR_TLS:
		kb_section(b, "TLS");
		break;
	case TDIR_WARN:
		kb_section(b, "Protocol warning");
		break;
	default:
		kb_section(b, "Note");
		break;
	}
	kb_add_safe(b, l->raw, l->len);
	buf_addch(b, '\n');
	if (l->annot != NULL) {
		kb_add_safe(b, l->annot, strlen(l->annot));
		buf_addch(b, '\n');
	}
	if (l->dir == TDIR_TLS) {
		kb_para(b, "An event of the TLS layer: handshake result, "
		    "protocol, cipher, certificate and whether it was "
		    "verified. Nothing here was sent as SMTP.");
		kb_refs_add(rs, "RFC 3207 4.1");
		kb_refs_add(rs, "RFC 8314");
	} else if (l->dir == TDIR_WARN) {
		for (id = 0; id < LINT_COUNT; id++) {
			w = lint_get((enum lint_id)id);
			if (w != NULL && w->text != NULL &&
			    kb_ci_contains(l->raw, l->len, w->text)) {
				kb_refs_add(rs, w->ref);
				break;
			}
		}
		if (id == LINT_COUNT)
			kb_para(b, "smtpscope noticed something a server may "
			    "refuse or misread.");
	} else
		kb_para(b, "A note from smtpscope itself; nothing was sent or "
		    "received.");
}


int
kb_tline_reply(const struct transcript *t, size_t i, struct reply *r,
    size_t *startp, int *verbp)
{
	const struct tline	*first;
	size_t			 start, end, k;
	int			 verb;

	if (t == NULL || i >= t->n || t->lines[i].dir != TDIR_S)
		return -1;
	start = end = i;
	while (start > 0 && (t->lines[start].flags & TL_CONT) &&
	    t->lines[start - 1].dir == TDIR_S)
		start--;
	while (end + 1 < t->n && !(t->lines[end].flags & TL_REPLY_END) &&
	    t->lines[end + 1].dir == TDIR_S &&
	    (t->lines[end + 1].flags & TL_CONT))
		end++;
	first = &t->lines[start];
	memset(r, 0, sizeof *r);
	r->code = first->code;
	r->nlines = end - start + 1;
	r->lines = xcalloc(r->nlines, sizeof *r->lines);
	for (k = 0; k < r->nlines; k++) {
		r->lines[k].text = t->lines[start + k].raw;
		r->lines[k].len = t->lines[start + k].len;
		r->lines[k].flags = t->lines[start + k].flags;
		r->flags |= t->lines[start + k].flags &
		    (LINE_FAULTS | REPLY_FAULTS);
		if (r->enh[0] == '\0' && t->lines[start + k].enh[0] != '\0')
			snprintf(r->enh, sizeof r->enh, "%s",
			    t->lines[start + k].enh);
	}

	/* A reply with nothing asked after the greeting came on its own. */
	verb = first->verb;
	if (verb == VERB_UNASKED)
		verb = KB_UNASKED;	/* the session found so */
	else if (verb == VERB_NONE)
		for (k = 0; k < start; k++)
			if (t->lines[k].dir == TDIR_S) {
				verb = KB_UNASKED;
				break;
			}
	*startp = start;
	*verbp = verb;
	return 0;
}


void
kb_explain_tline(struct buf *b, const struct transcript *t, size_t i)
{
	const struct tline	*l;
	struct reply		 r;
	struct kb_refs		 rs;
	struct kb_ctx		 ctx;
	char			*kw, *sp;
	size_t			 start;
	int			 verb;

	if (t == NULL || i >= t->n)
		return;
	memset(&rs, 0, sizeof rs);
	l = &t->lines[i];
	if (kb_tline_reply(t, i, &r, &start, &verb) == -1) {
		if (l->dir == TDIR_C)
			explain_client(b, l, &rs);
		else
			explain_note(b, l, &rs);
		kb_refs_write(b, &rs);
		return;
	}
	kb_ctx_build(&ctx, t, start);
	ctx.verb = verb;

	/* A masked server line quotes our secret: never decoded here. */
	if (r.code == 334 && l->len >= 3 && !(l->flags & TL_SECRET))
		kb_add_challenge(b, l->raw + 3, l->len - 3, &rs);
	if (t->lines[start].verb == VERB_EHLO && i != start &&
	    l->code == 250 && l->len > 4) {
		kw = xstrndup(l->raw + 4, l->len - 4);
		if ((sp = strchr(kw, ' ')) != NULL)
			*sp++ = '\0';
		kb_add_keyword(b, kw, sp, &rs);
		free(kw);
	}
	kb_add_reply(b, &r, &ctx, &rs);
	kb_refs_write(b, &rs);
	free(r.lines);
}


int
kb_brief(struct kb_brief *b, const struct transcript *t, size_t i)
{
	const struct kb_text	*hit[KB_MAXCATS];
	const struct kb_reply	*kr;
	const struct kb_enh	*e;
	struct reply		 r;
	struct buf		 text;
	size_t			 start, n;
	int			 verb;

	memset(b, 0, sizeof *b);
	if (kb_tline_reply(t, i, &r, &start, &verb) == -1)
		return -1;
	b->code = r.code;
	snprintf(b->enh, sizeof b->enh, "%s", r.enh);
	buf_init(&text);
	if (b->enh[0] == '\0' && r.code >= 200 && r.code <= 599) {
		kb_reply_text_raw(&text, &r);
		if (kb_find_enh(buf_str(&text), text.len, r.code / 100,
		    b->enh) == -1)
			b->enh[0] = '\0';
		buf_reset(&text);
	}
	if (r.code >= 200 && r.code <= 599)
		b->class_name = kb_class_name(r.code / 100);
	if ((kr = kb_reply(r.code)) != NULL)
		b->title = kr->title;
	if (b->enh[0] != '\0' && (e = kb_enh(b->enh)) != NULL)
		b->enh_title = e->title;
	kb_reply_text(&text, &r);
	n = kb_text_match(buf_str(&text), text.len, r.code, b->enh, hit,
	    KB_MAXCATS);
	if (n > 0) {
		b->category = kb_cat_table[hit[0]->cat].id;
		b->category_title = kb_cat_table[hit[0]->cat].title;
	}
	buf_free(&text);
	free(r.lines);
	return 0;
}
