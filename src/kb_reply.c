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
 * Explain an enhanced code: class, subject, detail (or the fallback for
 * an unregistered detail).  Returns -1 when the code is not one.
 */
int
kb_add_enh(struct buf *b, const char *code, int rcls, struct kb_refs *rs)
{
	const struct kb_enh	*subj, *det;
	const struct kb_class	*c;
	char			 title[128];
	int			 cls, s, d;

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
	/* Inside a reply the basic code already explained the class. */
	if (rcls == 0 && cls != 0 && (c = kb_class_of(cls)) != NULL &&
	    c->enh_meaning != NULL)
		buf_printf(b, "- Class %d.X.X, %s: %s\n", cls, c->name,
		    c->enh_meaning);
	if (subj != NULL)
		buf_printf(b, "- Subject X.%d, %s: %s\n", s, subj->title,
		    subj->meaning);
	else
		buf_printf(b, "- Subject X.%d is not registered.\n", s);
	if (det != NULL) {
		buf_printf(b, "- Detail: %s\n", det->meaning);
		kb_refs_add(rs, det->ref);
	} else if (d >= 0) {
		buf_printf(b, "- Detail .%d is not in the registry (a vendor's "
		    "own code); read the text, and go by the subject and "
		    "class.\n", d);
		kb_refs_add(rs, subj != NULL ? subj->ref : "RFC 3463");
	} else if (subj != NULL)
		kb_refs_add(rs, subj->ref);
	if (rcls != 0 && cls != 0 && rcls != cls && rcls >= 2)
		buf_printf(b, "- Its class (%d) disagrees with the reply "
		    "code's (%d); the reply code is the one that counts.\n",
		    cls, rcls);
	kb_refs_add(rs, "RFC 3463 2");
	return 0;
}


/* Does one hint apply to a reply with this code, enh and text? */
static int
hint_matches(const struct kb_hint *h, int code, const char *enh,
    const char *text, size_t len)
{
	int	have_enh = 0, enh_ok = 0, have_pat, pat_ok = 0, i;

	if (h->cls != 0 && code / 100 != h->cls)
		return 0;
	if (h->codes[0] != 0) {
		for (i = 0; i < 4 && h->codes[i] != 0; i++)
			if (h->codes[i] == code)
				break;
		if (i == 4 || h->codes[i] == 0)
			return 0;
	}
	for (i = 0; i < 4 && h->enh[i] != NULL; i++) {
		have_enh = 1;
		if (h->enh[i][0] == 'X' ? (enh[0] != '\0' &&
		    strcmp(h->enh[i] + 1, enh + 1) == 0) :
		    strcmp(h->enh[i], enh) == 0)
			enh_ok = 1;
	}
	have_pat = h->pat[0] != NULL;
	for (i = 0; i < 10 && h->pat[i] != NULL; i++)
		if (kb_ci_contains(text, len, h->pat[i])) {
			pat_ok = 1;
			break;
		}
	for (i = 0; i < 4 && h->unless[i] != NULL; i++)
		if (kb_ci_contains(text, len, h->unless[i]))
			return 0;
	if (h->either)
		return enh_ok || pat_ok;
	return (!have_enh || enh_ok) && (!have_pat || pat_ok);
}


/* Append the hints that apply; returns how many. */
static size_t
add_hints(struct buf *b, int code, const char *enh, const char *text,
    size_t len, struct kb_refs *rs)
{
	const struct kb_hint	*h, *g;
	char			 title[160];
	size_t			 n = 0;

	for (h = kb_hint_table; h->id != NULL; h++) {
		if (!hint_matches(h, code, enh, text, len))
			continue;
		for (g = kb_hint_table; g != h; g++)
			if (strcmp(g->id, h->id) == 0 &&
			    hint_matches(g, code, enh, text, len))
				break;
		if (g != h)
			continue;	/* same hint already given */
		snprintf(title, sizeof title, "Hint: %s", h->title);
		kb_section(b, title);
		kb_para(b, h->text);
		kb_refs_add(rs, h->ref);
		n++;
	}
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


/* Text of a reply line after "NNN-" and an enhanced code. */
static const char *
line_text(const struct reply_line *l, size_t *len)
{
	const char	*s = l->text;
	size_t		 n = l->len;
	int		 c, sj, d;
	size_t		 used;

	if (n >= 3 && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2])) {
		s += 3;
		n -= 3;
		if (n > 0 && (*s == ' ' || *s == '-')) {
			s++;
			n--;
		}
		if ((used = kb_parse_enh(s, n, &c, &sj, &d)) != 0 && d >= 0) {
			s += used;
			n -= used;
			while (n > 0 && *s == ' ') {
				s++;
				n--;
			}
		}
	}
	*len = n;
	return s;
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


/* The whole explanation of a reply; verb is what it answers, or < 0. */
void
kb_add_reply(struct buf *b, const struct reply *r, int verb,
    struct kb_refs *rs)
{
	const struct kb_reply	*kr;
	const struct kb_class	*c;
	const struct kb_category *cat;
	const char		*ctx, *t;
	struct buf		 text;
	char			 title[160], enh[16];
	size_t			 i, tlen;
	int			 cls, ec, es, ed;

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
	if (verb >= 0 && (ctx = context_text(verb, cls)) != NULL)
		kb_para(b, ctx);
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

	/* The enhanced code: from the reply, or from its first line. */
	snprintf(enh, sizeof enh, "%s", r->enh);
	if (enh[0] == '\0' && r->nlines > 0) {
		t = r->lines[0].text;
		tlen = r->lines[0].len;
		if (tlen > 4 && kb_parse_enh(t + 4, tlen - 4, &ec, &es,
		    &ed) != 0 && ed >= 0)
			snprintf(enh, sizeof enh, "%.*s", (int)strcspn(t + 4,
			    " \r\n"), t + 4);
	}
	if (enh[0] != '\0')
		kb_add_enh(b, enh, cls, rs);

	if (r->code == 250 && (verb == VERB_EHLO || (verb < 0 &&
	    kb_looks_like_ehlo(r))))
		kb_ehlo_summary(b, r);

	/* Hints look at every line's text. */
	buf_init(&text);
	for (i = 0; i < r->nlines; i++) {
		t = line_text(&r->lines[i], &tlen);
		buf_add(&text, t, tlen);
		buf_addch(&text, ' ');
	}
	if (cls == 4 || cls == 5)
		add_hints(b, r->code, enh, buf_str(&text), text.len, rs);
	buf_free(&text);

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
	kb_add_reply(b, r, -1, &rs);
	kb_refs_write(b, &rs);
}
