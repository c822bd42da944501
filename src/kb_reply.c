/*
 * kb_reply.c: explaining a whole reply: its code and class, the enhanced
 * code, what it means after the command it answers, hints read from the
 * text, faults in its form and whether to retry.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/phase.h"
#include "smtpscope/reply.h"

#include "kb_internal.h"

/*
 * Explain an enhanced code in the words of its class: a 2.X.X reads as a
 * success, a 4.X.X or 5.X.X as a failure; an X.X.X names both.  rcls is
 * the class of the reply holding it, 0 for none.  Returns -1 when the
 * code is not one.
 */
int
kb_add_enh(struct buf *b, const char *code, int rcls, struct kb_refs *rs)
{
	const struct kb_enh	*subj, *det;
	const struct kb_class	*c;
	char			 title[128];
	int			 cls, s, d, eff;

	if (kb_parse_enh(code, strlen(code), &cls, &s, &d) == 0)
		return -1;
	subj = kb_enh_subject(s);
	det = d >= 0 ? kb_enh(code) : NULL;
	if (det != NULL)
		snprintf(title, sizeof title, "Enhanced code %s: %s", code,
		    det->title);
	else
		snprintf(title, sizeof title, "Enhanced code %s", code);
	kb_section(b, title);
	/* The reply's class counts; a 3xx reply has none of its own. */
	eff = rcls == 2 || rcls == 4 || rcls == 5 ? rcls : cls;
	/* Inside a reply the basic code already explained the class. */
	if (rcls == 0 && cls != 0 && (c = kb_class_of(cls)) != NULL &&
	    c->enh_meaning != NULL)
		buf_printf(b, "- Class %d.X.X, %s: %s\n", cls, c->name,
		    c->enh_meaning);
	if (subj != NULL && det == NULL)
		buf_printf(b, "- Subject X.%d, %s: %s\n", s, subj->title,
		    eff == 2 ? subj->ok : subj->fail);
	else if (subj != NULL)
		buf_printf(b, "- Subject X.%d: %s\n", s, subj->title);
	else
		buf_printf(b, "- Subject X.%d is not registered.\n", s);
	if (det != NULL && eff == 0) {
		buf_printf(b, "- In a success reply (2.%d.%d): %s\n", s, d,
		    det->ok);
		buf_printf(b, "- In a failure reply (4.%d.%d or 5.%d.%d): "
		    "%s\n", s, d, s, d, det->fail);
	} else if (det != NULL)
		buf_printf(b, "- %s\n", eff == 2 ? det->ok : det->fail);
	else if (d >= 0)
		buf_printf(b, "- Detail .%d is not in the registry (a vendor's "
		    "own code); read the text, and go by the subject and "
		    "class.\n", d);
	kb_refs_add(rs, det != NULL ? det->ref : subj != NULL ? subj->ref :
	    "RFC 3463");
	if (rcls >= 2 && rcls != 3 && cls != 0 && rcls != cls)
		buf_printf(b, "- Its class (%d) disagrees with the reply "
		    "code's (%d); the reply code is the one that counts.\n",
		    cls, rcls);
	kb_refs_add(rs, "RFC 3463 2");
	return 0;
}


/* Append what the reply's text names; returns how many texts matched. */
static size_t
add_hints(struct buf *b, const struct reply *r, const char *enh,
    struct kb_refs *rs)
{
	const struct kb_text	*hit[KB_MAXCATS];
	const struct kb_cat	*c;
	struct buf		 text;
	char			 title[160];
	size_t			 n, i;

	buf_init(&text);
	kb_reply_text(&text, r);
	n = kb_text_match(buf_str(&text), text.len, r->code, enh, hit,
	    KB_MAXCATS);
	buf_free(&text);
	for (i = 0; i < n; i++) {
		c = &kb_cat_table[hit[i]->cat];
		snprintf(title, sizeof title, "Hint: %s", c->title);
		kb_section(b, title);
		kb_para(b, hit[i]->cause != NULL ? hit[i]->cause : c->cause);
		buf_printf(b, "Try: %s\n", hit[i]->try_ != NULL ?
		    hit[i]->try_ : c->try_);
		buf_printf(b, "(A text seen from %s.)\n", hit[i]->source);
	}
	(void)rs;
	return n;
}


/* The sentence about a reply of class cls answering verb, or NULL. */
static const char *
context_text(int verb, int cls)
{
	const struct kb_context	*c;

	for (c = kb_context_table; c->text != NULL; c++)
		if (c->verb == verb && c->cls == cls)
			return c->text;
	if (cls == 4 || cls == 5)
		for (c = kb_context_table; c->text != NULL; c++)
			if (c->verb == verb && c->cls == 0)
				return c->text;
	return NULL;
}


/* The faults a reply's flags record, as list items. */
static void
reply_faults(struct buf *b, unsigned int flags, struct kb_refs *rs)
{
	if ((flags & (REPLY_FAULTS | LINE_BARE_LF | LINE_TOO_LONG |
	    LINE_NUL | LINE_BARE_CR)) == 0)
		return;
	kb_section(b, "Malformed reply");
	if (flags & REPLY_BAD_CODE)
		kb_para(b, "- A line does not start with a three-digit code.");
	if (flags & REPLY_NO_SEP)
		kb_para(b, "- After the code comes neither a space nor a "
		    "dash.");
	if (flags & REPLY_MISMATCH)
		kb_para(b, "- The lines of this reply carry different codes; "
		    "all lines of one reply must share the code.");
	if (flags & LINE_BARE_LF)
		kb_para(b, "- A line ended with LF alone instead of CRLF.");
	if (flags & LINE_BARE_CR)
		kb_para(b, "- A line holds a CR that is not followed by LF.");
	if (flags & LINE_NUL)
		kb_para(b, "- A line holds NUL bytes.");
	if (flags & LINE_TOO_LONG)
		kb_para(b, "- A line is longer than the 512 octets a reply "
		    "line may have.");
	kb_refs_add(rs, "RFC 5321 4.2");
	kb_refs_add(rs, "RFC 5321 4.5.3.1.5");
}


/* The whole explanation of a reply in its context (ctx may be NULL). */
void
kb_add_reply(struct buf *b, const struct reply *r, const struct kb_ctx *ctx,
    struct kb_refs *rs)
{
	const struct kb_reply	*kr;
	const struct kb_class	*c;
	const struct kb_category *cat;
	const struct kb_diag	*d = NULL;
	const struct kb_enh	*e = NULL;
	const char		*ctxt;
	struct buf		 text;
	char			 title[160], enh[16];
	size_t			 nhints = 0;
	int			 cls, verb = ctx != NULL ? ctx->verb : -1;

	cls = r->code / 100;
	c = kb_class_of(cls);
	if (r->code < 200 || r->code > 599 || c == NULL) {
		kb_section(b, "Not a valid reply");
		kb_para(b, "A reply must start with a three-digit code from "
		    "200 to 599. This one cannot be classified; read the text "
		    "and suspect that you are not talking to an SMTP server "
		    "(or the connection is out of step).");
		reply_faults(b, r->flags, rs);
		kb_refs_add(rs, "RFC 5321 4.2");
		return;
	}
	kr = kb_reply(r->code);
	if (kr != NULL)
		snprintf(title, sizeof title, "%d %s", r->code, kr->title);
	else
		snprintf(title, sizeof title, "%d (not a registered code)",
		    r->code);
	kb_section(b, title);
	buf_printf(b, "Class %dxx, %s: %s\n", cls, c->name, c->meaning);
	if (verb >= 0 && (ctxt = context_text(verb, cls)) != NULL)
		kb_para(b, ctxt);
	else if (verb == KB_UNASKED)
		kb_para(b, "This reply answers no command: none was waiting, "
		    "or its code cannot answer the one that was (RFC 5321 "
		    "4.3.2 lists the replies of each command), so it is not "
		    "paired with it. A server sends one on its own just "
		    "before closing (a 421 on idle timeout or shutdown); "
		    "anything else means it is out of step with the "
		    "session.");
	if (kr != NULL)
		kb_para(b, kr->meaning);
	else {
		for (cat = kb_category_table; cat->meaning != NULL; cat++)
			if (cat->digit == (r->code / 10) % 10)
				break;
		buf_printf(b, "This code is not in the standards; go by its "
		    "class and the text.%s%s%s\n", cat->meaning ? " Category: "
		    : "", cat->meaning ? cat->meaning : "", cat->meaning ? "." :
		    "");
		kb_refs_add(rs, "RFC 5321 4.2.1");
	}
	if (kr != NULL)
		kb_refs_add(rs, kr->ref);

	/* The enhanced code: where the parser found it, or in the text. */
	snprintf(enh, sizeof enh, "%s", r->enh);
	if (enh[0] == '\0') {
		buf_init(&text);
		kb_reply_text_raw(&text, r);
		if (kb_find_enh(buf_str(&text), text.len, cls, enh) == -1)
			enh[0] = '\0';
		buf_free(&text);
	}

	/* What the session knew points at the likely cause first. */
	if (ctx != NULL && (d = kb_diag_find(r, enh, ctx)) != NULL) {
		kb_section(b, "Diagnosis");
		kb_para(b, d->say);
		kb_refs_add(rs, d->ref);
	}

	if (enh[0] != '\0') {
		kb_add_enh(b, enh, cls, rs);
		e = kb_enh(enh);
	}

	if (r->code == 250 && (verb == VERB_EHLO || (verb < 0 &&
	    kb_looks_like_ehlo(r))))
		kb_ehlo_summary(b, r);

	nhints = add_hints(b, r, enh, rs);
	if ((cls == 4 || cls == 5) && nhints == 0 && d == NULL &&
	    (e == NULL || strncmp(e->code, "X.0", 3) == 0 ||
	    strcmp(e->code + 3, ".0") == 0)) {
		kb_section(b, "The text");
		kb_para(b, "Nothing more specific is known about this text; "
		    "go by the code and read the server's words.");
	}

	reply_faults(b, r->flags, rs);

	kb_section(b, "Retry?");
	if (kr != NULL)
		kb_para(b, kr->retry);
	else if (cls == 4)
		kb_para(b, "Yes, later: a 4xx failure is temporary.");
	else if (cls == 5)
		kb_para(b, "No, not unchanged: a 5xx failure is permanent.");
	else
		kb_para(b, "Nothing to retry.");
	if (kr != NULL) {
		kb_section(b, "What to try next");
		kb_para(b, kr->next);
	}
}


void
kb_explain_reply(struct buf *b, const struct reply *r)
{
	struct kb_refs	rs;

	memset(&rs, 0, sizeof rs);
	kb_add_reply(b, r, NULL, &rs);
	kb_refs_write(b, &rs);
}
