/*
 * kb.c: looking things up in the knowledge base and laying explanations out
 * as text for the sidebar and for --explain.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/lint.h"
#include "smtpscope/phase.h"
#include "smtpscope/reply.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#include "kb_internal.h"

#define KB_MAXREFS	24
/* The verb of a reply that answers nothing (not the greeting). */
#define KB_UNASKED	(-2)

/* The references gathered while explaining, each written once. */
struct refs {
	const char	*r[KB_MAXREFS];
	size_t		 n;
};

static void
refs_add(struct refs *rs, const char *ref)
{
	size_t	i;

	if (ref == NULL || *ref == '\0')
		return;
	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i], ref) == 0)
			return;
	if (rs->n < KB_MAXREFS)
		rs->r[rs->n++] = ref;
}

/* Start a section: an empty line before it unless it is the first. */
static void
section(struct buf *b, const char *title)
{
	if (b->len > 0) {
		if (b->data[b->len - 1] != '\n')
			buf_addch(b, '\n');
		if (b->len < 2 || b->data[b->len - 2] != '\n')
			buf_addch(b, '\n');
	}
	buf_printf(b, "## %s\n", title);
}

static void
para(struct buf *b, const char *text)
{
	buf_addstr(b, text);
	buf_addch(b, '\n');
}

static void
refs_write(struct buf *b, const struct refs *rs)
{
	size_t	i;

	if (rs->n == 0)
		return;
	section(b, rs->n == 1 ? "Reference" : "References");
	for (i = 0; i < rs->n; i++)
		buf_printf(b, "- %s\n", rs->r[i]);
}

/* 1 when s[0..len) is valid UTF-8. */
static int
valid_utf8(const unsigned char *s, size_t len)
{
	size_t	i, n, k;

	for (i = 0; i < len; i += n) {
		if (s[i] < 0x80)
			n = 1;
		else if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 2;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 3;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 4;
		else
			return 0;
		if (i + n > len)
			return 0;
		for (k = 1; k < n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/* Append bytes as safe text: control bytes and bad UTF-8 as \xNN. */
static void
add_safe(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	int			 utf8 = valid_utf8(u, len);
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (u[i] == '\\')
			buf_addstr(b, "\\\\");
		else if ((u[i] >= 0x20 && u[i] < 0x7f) ||
		    (u[i] >= 0x80 && utf8))
			buf_addch(b, (char)u[i]);
		else
			buf_printf(b, "\\x%02x", u[i]);
	}
}

/* Case-insensitive search for needle in hay[0..len). */
static int
ci_contains(const char *hay, size_t len, const char *needle)
{
	size_t	nlen = strlen(needle), i;

	if (nlen == 0 || nlen > len)
		return nlen == 0;
	for (i = 0; i + nlen <= len; i++)
		if (strncasecmp(hay + i, needle, nlen) == 0)
			return 1;
	return 0;
}

const struct kb_reply *
kb_reply(int code)
{
	const struct kb_reply	*r;

	for (r = kb_reply_table; r->code != 0; r++)
		if (r->code == code)
			return r;
	return NULL;
}

/*
 * Parse an enhanced code "c.s.d" (class 2/4/5 or X) at s; store class
 * (0 for X), subject and detail (-1 when only "c.s" was given).  Returns
 * the octets used, 0 when s does not hold one.
 */
static size_t
parse_enh(const char *s, size_t len, int *cls, int *subj, int *det)
{
	size_t	i = 0, start;
	int	n;

	if (len < 3)
		return 0;
	if (s[0] == 'X' || s[0] == 'x')
		*cls = 0;
	else if (s[0] == '2' || s[0] == '4' || s[0] == '5')
		*cls = s[0] - '0';
	else
		return 0;
	if (s[1] != '.')
		return 0;
	for (i = 2, start = i, n = 0; i < len && isdigit((unsigned char)s[i]) &&
	    i - start < 3; i++)
		n = n * 10 + (s[i] - '0');
	if (i == start || (i < len && isdigit((unsigned char)s[i])))
		return 0;
	*subj = n;
	*det = -1;
	if (i < len && s[i] == '.') {
		for (i++, start = i, n = 0; i < len &&
		    isdigit((unsigned char)s[i]) && i - start < 3; i++)
			n = n * 10 + (s[i] - '0');
		if (i == start || (i < len && isdigit((unsigned char)s[i])))
			return 0;
		*det = n;
	}
	if (i < len && !isspace((unsigned char)s[i]))
		return 0;
	return i;
}

const struct kb_enh *
kb_enh(const char *code)
{
	const struct kb_enh	*e;
	char			 key[16];
	int			 cls, subj, det;

	if (code == NULL || parse_enh(code, strlen(code), &cls, &subj,
	    &det) == 0)
		return NULL;
	if (det < 0)
		snprintf(key, sizeof key, "X.%d", subj);
	else
		snprintf(key, sizeof key, "X.%d.%d", subj, det);
	for (e = kb_enh_table; e->code != NULL; e++)
		if (strcmp(e->code, key) == 0)
			return e;
	return NULL;
}

const struct kb_enh *
kb_enh_subject(int subject)
{
	char	key[16];

	snprintf(key, sizeof key, "X.%d", subject);
	return kb_enh(key);
}

const struct kb_keyword *
kb_keyword(const char *kw)
{
	const struct kb_keyword	*k;

	if (kw == NULL)
		return NULL;
	for (k = kb_keyword_table; k->keyword != NULL; k++)
		if (strcasecmp(k->keyword, kw) == 0)
			return k;
	return NULL;
}

const struct kb_mech *
kb_mech(const char *name)
{
	const struct kb_mech	*m;

	if (name == NULL)
		return NULL;
	for (m = kb_mech_table; m->name != NULL; m++)
		if (strcasecmp(m->name, name) == 0)
			return m;
	return NULL;
}

static const struct kb_class *
class_of(int cls)
{
	const struct kb_class	*c;

	if (cls >= 100)
		cls /= 100;
	for (c = kb_class_table; c->name != NULL; c++)
		if (c->cls == cls)
			return c;
	return NULL;
}

const char *
kb_class_name(int cls)
{
	const struct kb_class	*c = class_of(cls);

	return c != NULL ? c->name : "unknown";
}

/* Write n octets in human units: "35882577 octets = 34.2 MiB". */
static void
add_size(struct buf *b, unsigned long long n)
{
	static const char	*unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double			 v = (double)n;
	int			 u = -1;

	buf_printf(b, "%llu octets", n);
	while (v >= 1024.0 && u < 3) {
		v /= 1024.0;
		u++;
	}
	if (u >= 0)
		buf_printf(b, " = %.1f %s", v, unit[u]);
}

/* A duration in seconds, with days or hours when that helps. */
static void
add_seconds(struct buf *b, unsigned long long s)
{
	buf_printf(b, "%llu seconds", s);
	if (s >= 86400)
		buf_printf(b, " (%.1f days)", (double)s / 86400.0);
	else if (s >= 3600)
		buf_printf(b, " (%.1f hours)", (double)s / 3600.0);
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Explain one SASL mechanism as a list item, for AUTH parameters. */
static void
mech_item(struct buf *b, const char *name, struct refs *rs)
{
	const struct kb_mech	*m = kb_mech(name);

	if (m == NULL) {
		buf_printf(b, "- %s: not a mechanism smtpscope knows; see the "
		    "server's documentation.\n", name);
		return;
	}
	buf_printf(b, "- %s [%s]: %s %s\n", m->name, m->usage,
	    m->plaintext_safe ? "Safe without TLS: the password is not sent." :
	    "Not safe without TLS.", m->meaning);
	refs_add(rs, m->ref);
}

/* The parameter details of a keyword line. */
static void
keyword_params(struct buf *b, const char *kw, const char *params,
    struct refs *rs)
{
	char	*copy, *tok, *save, *eq;

	if (strcasecmp(kw, "SIZE") == 0) {
		if (*params == '\0')
			para(b, "No number given: the server announces no "
			    "fixed limit and checks the size as the message "
			    "arrives.");
		else if (!all_digits(params))
			buf_printf(b, "The parameter \"%s\" is not a number of "
			    "octets, as it should be.\n", params);
		else if (strtoull(params, NULL, 10) == 0)
			para(b, "0: no fixed limit is announced.");
		else {
			buf_addstr(b, "Largest message accepted: ");
			add_size(b, strtoull(params, NULL, 10));
			buf_addstr(b, ". Remember that base64 attachments are "
			    "about a third bigger than the files.\n");
		}
		return;
	}
	if (*params == '\0')
		return;
	copy = xstrdup(params);
	if (strcasecmp(kw, "AUTH") == 0) {
		section(b, "Mechanisms offered");
		for (tok = strtok_r(copy, " \t", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t", &save))
			mech_item(b, tok, rs);
	} else if (strcasecmp(kw, "LIMITS") == 0) {
		section(b, "Limits announced");
		for (tok = strtok_r(copy, " \t", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t", &save)) {
			if ((eq = strchr(tok, '=')) != NULL)
				*eq++ = '\0';
			if (strcasecmp(tok, "RCPTMAX") == 0)
				buf_printf(b, "- RCPTMAX=%s: at most %s "
				    "recipients per transaction.\n", eq ? eq :
				    "?", eq ? eq : "?");
			else if (strcasecmp(tok, "MAILMAX") == 0)
				buf_printf(b, "- MAILMAX=%s: at most %s "
				    "transactions per connection.\n", eq ? eq :
				    "?", eq ? eq : "?");
			else if (strcasecmp(tok, "RCPTDOMAINMAX") == 0)
				buf_printf(b, "- RCPTDOMAINMAX=%s: at most %s "
				    "recipient domains per transaction.\n",
				    eq ? eq : "?", eq ? eq : "?");
			else
				buf_printf(b, "- %s: a limit not in RFC "
				    "9422.\n", tok);
		}
	} else if (strcasecmp(kw, "DELIVERBY") == 0 && all_digits(params)) {
		buf_addstr(b, "Shortest deliver-by time accepted: ");
		add_seconds(b, strtoull(params, NULL, 10));
		buf_addstr(b, ".\n");
	} else if (strcasecmp(kw, "FUTURERELEASE") == 0) {
		tok = strtok_r(copy, " \t", &save);
		if (tok != NULL && all_digits(tok)) {
			buf_addstr(b, "Longest hold: ");
			add_seconds(b, strtoull(tok, NULL, 10));
			buf_addstr(b, ".");
			if ((tok = strtok_r(NULL, " \t", &save)) != NULL)
				buf_printf(b, " Latest release time: %s.", tok);
			buf_addch(b, '\n');
		} else
			buf_printf(b, "Parameters: %s\n", params);
	} else if (strcasecmp(kw, "MT-PRIORITY") == 0)
		buf_printf(b, "Priority policy in use: %s.\n", params);
	else
		buf_printf(b, "Parameters given: %s\n", params);
	free(copy);
}

/* Explain a keyword line, gathering references into rs. */
static void
explain_keyword(struct buf *b, const char *kw, const char *params,
    struct refs *rs)
{
	const struct kb_keyword	*k;
	char			 title[256];

	if (params == NULL)
		params = "";
	while (*params == ' ' || *params == '\t')
		params++;
	if (strncasecmp(kw, "AUTH=", 5) == 0) {
		/* Old Outlook-era form of AUTH; same mechanisms. */
		section(b, "AUTH= (old form of AUTH)");
		para(b, "Some servers repeat the AUTH line as AUTH=... for "
		    "very old clients that expected that spelling. It lists "
		    "the same kind of mechanisms as AUTH.");
		if (kw[5] != '\0')
			mech_item(b, kw + 5, rs);
		keyword_params(b, "AUTH", params, rs);
		refs_add(rs, "RFC 4954 3");
		return;
	}
	k = kb_keyword(kw);
	if (k == NULL) {
		snprintf(title, sizeof title, "%s: unknown extension", kw);
		section(b, title);
		if (kw[0] == 'X' || kw[0] == 'x')
			para(b, "Keywords starting with X are private to one "
			    "vendor or site; see the server's documentation.");
		else
			para(b, "Not in the IANA registry of SMTP extensions: "
			    "a vendor extension, a newer one, or a typo.");
		if (*params != '\0')
			buf_printf(b, "Parameters given: %s\n", params);
		refs_add(rs, "RFC 5321 4.1.1.1");
		return;
	}
	snprintf(title, sizeof title, "%s: %s", k->keyword, k->title);
	section(b, title);
	para(b, k->meaning);
	keyword_params(b, k->keyword, params, rs);
	refs_add(rs, k->ref);
}

void
kb_explain_keyword(struct buf *b, const char *kw, const char *params)
{
	struct refs	rs;

	memset(&rs, 0, sizeof rs);
	explain_keyword(b, kw, params, &rs);
	refs_write(b, &rs);
}

static void
explain_mech(struct buf *b, const struct kb_mech *m, struct refs *rs)
{
	char	title[128];

	snprintf(title, sizeof title, "SASL mechanism %s", m->name);
	section(b, title);
	para(b, m->meaning);
	buf_printf(b, "- Usage (IANA): %s\n", m->usage);
	buf_printf(b, "- Without TLS: %s\n", m->plaintext_safe ?
	    "the password itself is not sent" :
	    "unsafe, credentials can be read or replayed");
	buf_printf(b, "- Use it with: AUTH %s\n", m->name);
	refs_add(rs, m->ref);
	refs_add(rs, "RFC 4954 4");
}

/*
 * Explain an enhanced code: class, subject, detail (or the fallback for
 * an unregistered detail).  Returns -1 when the code is not one.
 */
static int
explain_enh(struct buf *b, const char *code, int rcls, struct refs *rs)
{
	const struct kb_enh	*subj, *det;
	const struct kb_class	*c;
	char			 title[128];
	int			 cls, s, d;

	if (parse_enh(code, strlen(code), &cls, &s, &d) == 0)
		return -1;
	subj = kb_enh_subject(s);
	det = d >= 0 ? kb_enh(code) : NULL;
	if (det != NULL)
		snprintf(title, sizeof title, "Enhanced code %s: %s", code,
		    det->title);
	else
		snprintf(title, sizeof title, "Enhanced code %s", code);
	section(b, title);
	/* Inside a reply the basic code already explained the class. */
	if (rcls == 0 && cls != 0 && (c = class_of(cls)) != NULL &&
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
		refs_add(rs, det->ref);
	} else if (d >= 0) {
		buf_printf(b, "- Detail .%d is not in the registry (a vendor's "
		    "own code); read the text, and go by the subject and "
		    "class.\n", d);
		refs_add(rs, subj != NULL ? subj->ref : "RFC 3463");
	} else if (subj != NULL)
		refs_add(rs, subj->ref);
	if (rcls != 0 && cls != 0 && rcls != cls && rcls >= 2)
		buf_printf(b, "- Its class (%d) disagrees with the reply "
		    "code's (%d); the reply code is the one that counts.\n",
		    cls, rcls);
	refs_add(rs, "RFC 3463 2");
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
		if (ci_contains(text, len, h->pat[i])) {
			pat_ok = 1;
			break;
		}
	for (i = 0; i < 4 && h->unless[i] != NULL; i++)
		if (ci_contains(text, len, h->unless[i]))
			return 0;
	if (h->either)
		return enh_ok || pat_ok;
	return (!have_enh || enh_ok) && (!have_pat || pat_ok);
}

/* Append the hints that apply; returns how many. */
static size_t
add_hints(struct buf *b, int code, const char *enh, const char *text,
    size_t len, struct refs *rs)
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
		section(b, title);
		para(b, h->text);
		refs_add(rs, h->ref);
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
		if ((used = parse_enh(s, n, &c, &sj, &d)) != 0 && d >= 0) {
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
reply_faults(struct buf *b, unsigned int flags, struct refs *rs)
{
	if ((flags & (REPLY_FAULTS | LINE_BARE_LF | LINE_TOO_LONG |
	    LINE_NUL | LINE_BARE_CR)) == 0)
		return;
	section(b, "Malformed reply");
	if (flags & REPLY_BAD_CODE)
		para(b, "- A line does not start with a three-digit code.");
	if (flags & REPLY_NO_SEP)
		para(b, "- After the code comes neither a space nor a dash.");
	if (flags & REPLY_MISMATCH)
		para(b, "- The lines of this reply carry different codes; "
		    "all lines of one reply must share the code.");
	if (flags & LINE_BARE_LF)
		para(b, "- A line ended with LF alone instead of CRLF.");
	if (flags & LINE_BARE_CR)
		para(b, "- A line holds a CR that is not followed by LF.");
	if (flags & LINE_NUL)
		para(b, "- A line holds NUL bytes.");
	if (flags & LINE_TOO_LONG)
		para(b, "- A line is longer than the 512 octets a reply line "
		    "may have.");
	refs_add(rs, "RFC 5321 4.2");
	refs_add(rs, "RFC 5321 4.5.3.1.5");
}

/* Does this reply look like an EHLO capability list? */
static int
looks_like_ehlo(const struct reply *r)
{
	const struct kb_keyword	*k;
	const char		*t;
	char			 kw[64];
	size_t			 i, n, j;

	if (r->code != 250 || r->nlines < 2)
		return 0;
	for (i = 1; i < r->nlines; i++) {
		t = r->lines[i].text;
		n = r->lines[i].len;
		if (n < 5)
			continue;
		for (j = 0; j + 4 < n && j < sizeof kw - 1 && t[4 + j] != ' ' &&
		    t[4 + j] != '='; j++)
			kw[j] = t[4 + j];
		kw[j] = '\0';
		if ((k = kb_keyword(kw)) != NULL)
			return 1;
	}
	return 0;
}

/* A short list of the extensions in an EHLO reply. */
static void
ehlo_summary(struct buf *b, const struct reply *r)
{
	const struct kb_keyword	*k;
	char			*line, *sp;
	size_t			 i;

	section(b, "Extensions offered");
	for (i = 1; i < r->nlines; i++) {
		if (r->lines[i].len < 5)
			continue;
		line = xstrndup(r->lines[i].text + 4, r->lines[i].len - 4);
		if ((sp = strchr(line, ' ')) != NULL)
			*sp++ = '\0';
		k = kb_keyword(line);
		buf_printf(b, "- %s", line);
		if (sp != NULL && *sp != '\0')
			buf_printf(b, " %s", sp);
		if (k != NULL)
			buf_printf(b, ": %s", k->title);
		else if (strncasecmp(line, "AUTH=", 5) == 0)
			buf_addstr(b, ": old spelling of AUTH");
		else
			buf_addstr(b, ": not a registered extension");
		if (k != NULL && strcmp(k->keyword, "SIZE") == 0 &&
		    sp != NULL && all_digits(sp) &&
		    strtoull(sp, NULL, 10) > 0) {
			buf_addstr(b, " (");
			add_size(b, strtoull(sp, NULL, 10));
			buf_addch(b, ')');
		}
		buf_addch(b, '\n');
		free(line);
	}
}

/* The whole explanation of a reply; verb is what it answers, or < 0. */
static void
explain_reply(struct buf *b, const struct reply *r, int verb,
    struct refs *rs)
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
	c = class_of(cls);
	if (r->code < 200 || r->code > 599 || c == NULL) {
		section(b, "Not a valid reply");
		para(b, "A reply must start with a three-digit code from 200 "
		    "to 599. This one cannot be classified; read the text and "
		    "suspect that you are not talking to an SMTP server (or "
		    "the connection is out of step).");
		reply_faults(b, r->flags, rs);
		refs_add(rs, "RFC 5321 4.2");
		return;
	}
	kr = kb_reply(r->code);
	if (kr != NULL)
		snprintf(title, sizeof title, "%d %s", r->code, kr->title);
	else
		snprintf(title, sizeof title, "%d (not a registered code)",
		    r->code);
	section(b, title);
	buf_printf(b, "Class %dxx, %s: %s\n", cls, c->name, c->meaning);
	if (verb >= 0 && (ctx = context_text(verb, cls)) != NULL)
		para(b, ctx);
	else if (verb == KB_UNASKED)
		para(b, "No command was waiting for this reply: the server "
		    "sent it on its own, often just before closing the "
		    "connection (a 421 on idle timeout or shutdown).");
	if (kr != NULL)
		para(b, kr->meaning);
	else {
		for (cat = kb_category_table; cat->meaning != NULL; cat++)
			if (cat->digit == (r->code / 10) % 10)
				break;
		buf_printf(b, "This code is not in the standards; go by its "
		    "class and the text.%s%s%s\n", cat->meaning ? " Category: " :
		    "", cat->meaning ? cat->meaning : "", cat->meaning ? "." :
		    "");
		refs_add(rs, "RFC 5321 4.2.1");
	}
	if (kr != NULL)
		refs_add(rs, kr->ref);

	/* The enhanced code: from the reply, or from its first line. */
	snprintf(enh, sizeof enh, "%s", r->enh);
	if (enh[0] == '\0' && r->nlines > 0) {
		t = r->lines[0].text;
		tlen = r->lines[0].len;
		if (tlen > 4 && parse_enh(t + 4, tlen - 4, &ec, &es,
		    &ed) != 0 && ed >= 0)
			snprintf(enh, sizeof enh, "%.*s", (int)strcspn(t + 4,
			    " \r\n"), t + 4);
	}
	if (enh[0] != '\0')
		explain_enh(b, enh, cls, rs);

	if (r->code == 250 && (verb == VERB_EHLO || (verb < 0 &&
	    looks_like_ehlo(r))))
		ehlo_summary(b, r);

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

	section(b, "Retry?");
	if (kr != NULL)
		para(b, kr->retry);
	else if (cls == 4)
		para(b, "Yes, later: a 4xx failure is temporary.");
	else if (cls == 5)
		para(b, "No, not unchanged: a 5xx failure is permanent.");
	else
		para(b, "Nothing to retry.");
	if (kr != NULL) {
		section(b, "What to try next");
		para(b, kr->next);
	}
}

void
kb_explain_reply(struct buf *b, const struct reply *r)
{
	struct refs	rs;

	memset(&rs, 0, sizeof rs);
	explain_reply(b, r, -1, &rs);
	refs_write(b, &rs);
}

/* Is s a CRAM-MD5 style challenge "<...@...>"? */
static int
looks_cram(const char *s, size_t len)
{
	return len >= 3 && s[0] == '<' && s[len - 1] == '>' &&
	    memchr(s, '@', len) != NULL;
}

/* Copy the string value of "key": "value" (or a bare value) in json. */
static int
json_value(const char *json, size_t len, const char *key, char *out,
    size_t outlen)
{
	char		 pat[64];
	const char	*p, *end = json + len;
	size_t		 n = 0;

	snprintf(pat, sizeof pat, "\"%s\"", key);
	for (p = json; p + strlen(pat) <= end; p++)
		if (memcmp(p, pat, strlen(pat)) == 0)
			break;
	if (p + strlen(pat) > end)
		return -1;
	p += strlen(pat);
	while (p < end && (*p == ' ' || *p == ':'))
		p++;
	if (p < end && *p == '"')
		p++;
	while (p < end && *p != '"' && *p != ',' && *p != '}' &&
	    n + 1 < outlen)
		out[n++] = *p++;
	out[n] = '\0';
	return 0;
}

/* Explain an XOAUTH2/OAUTHBEARER error document. */
static void
explain_oauth_error(struct buf *b, const char *d, size_t len,
    struct refs *rs)
{
	char	status[64], schemes[64], scope[256];

	section(b, "OAuth error from the server");
	if (json_value(d, len, "status", status, sizeof status) != 0)
		status[0] = '\0';
	if (json_value(d, len, "schemes", schemes, sizeof schemes) != 0)
		schemes[0] = '\0';
	if (json_value(d, len, "scope", scope, sizeof scope) != 0)
		scope[0] = '\0';
	if (strcmp(status, "401") == 0 || strcmp(status, "invalid_token") == 0)
		buf_printf(b, "Status %s: the token was refused: expired, "
		    "revoked, issued for another account than the user name "
		    "you gave, or lacking the mail scope.\n", status);
	else if (strcmp(status, "400") == 0 ||
	    strcmp(status, "invalid_request") == 0)
		buf_printf(b, "Status %s: the request was malformed: check the "
		    "user=...^Aauth=Bearer ...^A^A layout.\n", status);
	else if (strcmp(status, "403") == 0 ||
	    strcmp(status, "insufficient_scope") == 0)
		buf_printf(b, "Status %s: the token is valid but may not be "
		    "used for mail (wrong scope).\n", status);
	else if (status[0] != '\0')
		buf_printf(b, "Status %s.\n", status);
	if (schemes[0] != '\0')
		buf_printf(b, "- Accepted schemes: %s\n", schemes);
	if (scope[0] != '\0')
		buf_printf(b, "- Scope the server wants: %s\n", scope);
	para(b, "The login has failed. Send an empty line to finish the "
	    "exchange; the server then answers with a 535 or 5.7.8 error. Get "
	    "a fresh access token and try again.");
	refs_add(rs, "RFC 7628 3.2.2");
}

static void
explain_challenge(struct buf *b, const char *text, size_t len,
    struct refs *rs)
{
	struct buf	 d;
	size_t		 i;
	int		 printable = 1;

	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
	    text[len - 1] == '\r' || text[len - 1] == '\n'))
		len--;
	refs_add(rs, "RFC 4954 4");
	if (len == 0) {
		section(b, "Empty challenge");
		para(b, "The server sent 334 with nothing after it: it waits "
		    "for your first answer, for example the PLAIN credentials "
		    "(base64 of NUL user NUL password) when they were not "
		    "given with the AUTH command.");
		return;
	}
	buf_init(&d);
	if (b64_decode(text, len, &d) != 0) {
		section(b, "Challenge: not base64, shown as sent");
		buf_addch(b, '"');
		add_safe(b, text, len);
		buf_addstr(b, "\"\n");
		para(b, "The text after 334 should be base64 but is not; some "
		    "servers send a plain message here. Answer as the "
		    "mechanism requires.");
		buf_free(&d);
		return;
	}
	section(b, "Challenge decoded");
	buf_addstr(b, "Decoded: \"");
	add_safe(b, d.data, d.len);
	buf_addstr(b, "\"\n");
	for (i = 0; i < d.len; i++)
		if ((unsigned char)d.data[i] < 0x20 && d.data[i] != '\t')
			printable = 0;
	if (auth_prompt_is_password(d.data, d.len))
		para(b, "The server asks for your password (AUTH LOGIN). Type "
		    "it; smtpscope encodes it in base64 and masks it. Base64 "
		    "is not encryption: only do this over TLS.");
	else if (auth_prompt_is_username(d.data, d.len))
		para(b, "The server asks for your user name (AUTH LOGIN), "
		    "often the full e-mail address. Type it; smtpscope encodes "
		    "it in base64 for you.");
	else if (looks_cram(d.data, d.len)) {
		para(b, "A CRAM-MD5 challenge: a string used once. Answer with "
		    "your user name, a space and the hex HMAC-MD5 of this "
		    "exact string keyed with your password, all in base64 "
		    "(:auth cram-md5 does this).");
		refs_add(rs, "RFC 2195 2");
	} else if (d.len > 0 && d.data[0] == '{' &&
	    ci_contains(d.data, d.len, "\"status\""))
		explain_oauth_error(b, d.data, d.len, rs);
	else if (d.len >= 8 && memcmp(d.data, "NTLMSSP", 8) == 0)
		para(b, "An NTLM challenge message (binary): the server's half "
		    "of Microsoft's NTLM login.");
	else if (d.len > 4 && memcmp(d.data, "r=", 2) == 0 &&
	    ci_contains(d.data, d.len, ",s=") &&
	    ci_contains(d.data, d.len, ",i=")) {
		para(b, "A SCRAM server-first message: r= the combined nonce, "
		    "s= the salt (base64), i= the iteration count used to "
		    "derive the key from your password.");
		refs_add(rs, "RFC 5802 5.1");
	} else if (d.len >= 4 && memcmp(d.data, "v=", 2) == 0)
		para(b, "A SCRAM server-final message: the server proves it "
		    "knew your password. Answer with an empty line.");
	else if (!printable)
		buf_printf(b, "%zu octets of binary data, as GSSAPI and "
		    "similar mechanisms exchange.\n", d.len);
	else
		para(b, "A text challenge; the mechanism in use says how to "
		    "answer it.");
	buf_free(&d);
}

void
kb_explain_challenge(struct buf *b, const char *text, size_t len)
{
	struct refs	rs;

	memset(&rs, 0, sizeof rs);
	explain_challenge(b, text, len, &rs);
	refs_write(b, &rs);
}

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
explain_client(struct buf *b, const struct tline *l, struct refs *rs)
{
	const struct kb_verb	*v;
	char			 title[128];
	size_t			 i;
	int			 eight = 0;

	if (l->verb == VERB_DOT) {
		v = verb_info(VERB_DOT);
		section(b, "End of message");
		para(b, v->meaning);
		refs_add(rs, v->ref);
		return;
	}
	if (l->flags & TL_DATA) {
		section(b, "Message content line");
		para(b, "A line of the message itself, sent after 354. The "
		    "server stores it; it is not a command.");
		if (l->flags & TL_STUFFED) {
			para(b, "It began with a dot, so a second dot was "
			    "added before sending (dot-stuffing): otherwise a "
			    "lone dot would end the message early. The server "
			    "removes the extra dot.");
			refs_add(rs, "RFC 5321 4.5.2");
		}
		for (i = 0; i < l->len; i++)
			if ((unsigned char)l->raw[i] >= 0x80)
				eight = 1;
		if (eight)
			para(b, "It holds 8-bit bytes: the server must offer "
			    "8BITMIME and MAIL FROM should say BODY=8BITMIME.");
		if (l->len > LINE_MAX_OCTETS || (l->flags & LINE_TOO_LONG)) {
			para(b, lint_get(LINT_LINE_TOO_LONG)->text);
			refs_add(rs, lint_get(LINT_LINE_TOO_LONG)->ref);
		}
		if (l->flags & (LINE_BARE_LF | LINE_BARE_CR)) {
			para(b, lint_get(LINT_BARE_LF)->text);
			refs_add(rs, lint_get(LINT_BARE_LF)->ref);
		}
		refs_add(rs, "RFC 5321 4.1.1.4");
		return;
	}
	if ((l->flags & TL_ANSWER) || l->verb == VERB_ANSWER) {
		v = verb_info(VERB_ANSWER);
		section(b, "AUTH answer");
		para(b, v->meaning);
		if (l->flags & TL_SECRET)
			para(b, "It carries a secret (a password or token), "
			    "so it is shown masked and saved as ******** "
			    "unless you ask otherwise.");
		else if (l->annot != NULL) {
			buf_addstr(b, "It encodes: \"");
			add_safe(b, l->annot, strlen(l->annot));
			buf_addstr(b, "\"\n");
		}
		refs_add(rs, v->ref);
		return;
	}
	v = verb_info(l->verb);
	if (v == NULL)
		v = verb_info(VERB_OTHER);
	snprintf(title, sizeof title, "Command: %s", v->name);
	section(b, title);
	para(b, v->meaning);
	if (l->verb == VERB_AUTH && (l->flags & TL_SECRET))
		para(b, "The initial response on this line carries credentials "
		    "and is shown masked.");
	if (l->verb == VERB_MAIL && missing_brackets(l->raw, l->len)) {
		para(b, lint_get(LINT_MAIL_NO_BRACKETS)->text);
		refs_add(rs, lint_get(LINT_MAIL_NO_BRACKETS)->ref);
	}
	if (l->verb == VERB_RCPT && missing_brackets(l->raw, l->len)) {
		para(b, lint_get(LINT_RCPT_NO_BRACKETS)->text);
		refs_add(rs, lint_get(LINT_RCPT_NO_BRACKETS)->ref);
	}
	refs_add(rs, v->ref);
}

/* A TLS event, local note or warning: the text and any reference. */
static void
explain_note(struct buf *b, const struct tline *l, struct refs *rs)
{
	const struct lint_warning	*w;
	int				 id;

	switch (l->dir) {
	case TDIR_TLS:
		section(b, "TLS");
		break;
	case TDIR_WARN:
		section(b, "Protocol warning");
		break;
	default:
		section(b, "Note");
		break;
	}
	add_safe(b, l->raw, l->len);
	buf_addch(b, '\n');
	if (l->annot != NULL) {
		add_safe(b, l->annot, strlen(l->annot));
		buf_addch(b, '\n');
	}
	if (l->dir == TDIR_TLS) {
		para(b, "An event of the TLS layer: handshake result, "
		    "protocol, cipher, certificate and whether it was "
		    "verified. Nothing here was sent as SMTP.");
		refs_add(rs, "RFC 3207 4.1");
		refs_add(rs, "RFC 8314");
	} else if (l->dir == TDIR_WARN) {
		for (id = 0; id < LINT_COUNT; id++) {
			w = lint_get((enum lint_id)id);
			if (w != NULL && w->text != NULL &&
			    ci_contains(l->raw, l->len, w->text)) {
				refs_add(rs, w->ref);
				break;
			}
		}
		if (id == LINT_COUNT)
			para(b, "smtpscope noticed something a server may "
			    "refuse or misread.");
	} else
		para(b, "A note from smtpscope itself; nothing was sent or "
		    "received.");
}

void
kb_explain_tline(struct buf *b, const struct transcript *t, size_t i)
{
	const struct tline	*l, *first;
	struct reply		 r;
	struct refs		 rs;
	char			*kw, *sp;
	size_t			 start, end, k;
	int			 verb;

	if (t == NULL || i >= t->n)
		return;
	memset(&rs, 0, sizeof rs);
	l = &t->lines[i];
	if (l->dir != TDIR_S) {
		if (l->dir == TDIR_C)
			explain_client(b, l, &rs);
		else
			explain_note(b, l, &rs);
		refs_write(b, &rs);
		return;
	}

	/* Gather the whole reply this line belongs to. */
	start = end = i;
	while (start > 0 && (t->lines[start].flags & TL_CONT) &&
	    t->lines[start - 1].dir == TDIR_S)
		start--;
	while (end + 1 < t->n && !(t->lines[end].flags & TL_REPLY_END) &&
	    t->lines[end + 1].dir == TDIR_S &&
	    (t->lines[end + 1].flags & TL_CONT))
		end++;
	first = &t->lines[start];
	memset(&r, 0, sizeof r);
	r.code = first->code;
	r.nlines = end - start + 1;
	r.lines = xcalloc(r.nlines, sizeof *r.lines);
	for (k = 0; k < r.nlines; k++) {
		r.lines[k].text = t->lines[start + k].raw;
		r.lines[k].len = t->lines[start + k].len;
		r.lines[k].flags = t->lines[start + k].flags;
		r.flags |= t->lines[start + k].flags &
		    (LINE_FAULTS | REPLY_FAULTS);
		if (r.enh[0] == '\0' && t->lines[start + k].enh[0] != '\0')
			snprintf(r.enh, sizeof r.enh, "%s",
			    t->lines[start + k].enh);
	}

	/* A reply with nothing asked after the greeting came on its own. */
	verb = first->verb;
	if (verb == VERB_NONE)
		for (k = 0; k < start; k++)
			if (t->lines[k].dir == TDIR_S) {
				verb = KB_UNASKED;
				break;
			}

	if (r.code == 334 && l->len >= 3)
		explain_challenge(b, l->raw + 3, l->len - 3, &rs);
	if (first->verb == VERB_EHLO && i != start && l->code == 250 &&
	    l->len > 4) {
		kw = xstrndup(l->raw + 4, l->len - 4);
		if ((sp = strchr(kw, ' ')) != NULL)
			*sp++ = '\0';
		explain_keyword(b, kw, sp, &rs);
		free(kw);
	}
	explain_reply(b, &r, verb, &rs);
	refs_write(b, &rs);
	free(r.lines);
}

/* Strip a transcript or swaks prefix from a pasted line. */
static const char *
strip_prefix(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "S:", 2) == 0 || strncmp(s, "<-", 2) == 0 ||
	    strncmp(s, "<~", 2) == 0 || strncmp(s, "<<<", 3) == 0) {
		s += s[1] == '<' ? 3 : 2;
		while (*s == ' ' || *s == '\t')
			s++;
	}
	return s;
}

/* Build a reply from pasted text; -1 when it does not start with a code. */
static int
parse_pasted_reply(const char *arg, struct reply *r)
{
	char		*copy, *line, *save;
	const char	*s;
	size_t		 n;
	int		 code;

	memset(r, 0, sizeof *r);
	copy = xstrdup(arg);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		s = strip_prefix(line);
		n = strlen(s);
		while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' ||
		    s[n - 1] == '\t'))
			n--;
		if (n == 0)
			continue;
		if (n < 3 || !isdigit((unsigned char)s[0]) ||
		    !isdigit((unsigned char)s[1]) ||
		    !isdigit((unsigned char)s[2]) ||
		    (n > 3 && s[3] != ' ' && s[3] != '-')) {
			if (r->nlines == 0)
				break;
			r->flags |= REPLY_BAD_CODE;
			code = 0;
		} else
			code = (s[0] - '0') * 100 + (s[1] - '0') * 10 +
			    (s[2] - '0');
		if (r->nlines == 0)
			r->code = code;
		else if (code != r->code && !(r->flags & REPLY_BAD_CODE))
			r->flags |= REPLY_MISMATCH;
		r->lines = xreallocarray(r->lines, r->nlines + 1,
		    sizeof *r->lines);
		r->lines[r->nlines].text = xstrndup(s, n);
		r->lines[r->nlines].len = n;
		r->lines[r->nlines].flags = 0;
		r->nlines++;
	}
	free(copy);
	if (r->nlines == 0)
		return -1;
	return 0;
}

static void
free_pasted_reply(struct reply *r)
{
	size_t	i;

	for (i = 0; i < r->nlines; i++)
		free(r->lines[i].text);
	free(r->lines);
	memset(r, 0, sizeof *r);
}

int
kb_explain_arg(struct buf *b, const char *arg)
{
	const struct kb_mech	*m;
	struct reply		 r;
	struct refs		 rs;
	char			*word, *rest;
	const char		*s;
	size_t			 start = b->len, n;
	int			 cls, sj, d, rc = -1;

	memset(&rs, 0, sizeof rs);
	s = arg;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	word = xstrndup(s, n);

	if (parse_pasted_reply(word, &r) == 0) {
		if (r.code >= 200 && r.code <= 599 && (r.code / 10) % 10 <= 5) {
			explain_reply(b, &r, -1, &rs);
			rc = 0;
		}
		free_pasted_reply(&r);
	} else if (parse_enh(word, n, &cls, &sj, &d) == n && n > 0) {
		rc = explain_enh(b, word, 0, &rs);
	} else if (n > 0) {
		rest = word + strcspn(word, " \t");
		if (*rest != '\0')
			*rest++ = '\0';
		if (kb_keyword(word) != NULL ||
		    strncasecmp(word, "AUTH=", 5) == 0) {
			explain_keyword(b, word, rest, &rs);
			rc = 0;
		} else if (*rest == '\0' && (m = kb_mech(word)) != NULL) {
			explain_mech(b, m, &rs);
			rc = 0;
		}
	}
	free(word);
	if (rc != 0) {
		b->len = start;
		if (b->data != NULL)
			b->data[start] = '\0';
		buf_printf(b, "not a reply code or keyword: %s", arg);
		return -1;
	}
	refs_write(b, &rs);
	return 0;
}
