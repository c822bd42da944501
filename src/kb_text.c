/*
 * kb_text.c: reading the free text of a reply: the real-world texts of
 * data/reply-texts.txt, and enhanced codes wherever servers put them.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/reply.h"

#include "kb_internal.h"

/* Texts longer than this are read only this far (a hostile server). */
#define KB_TEXT_MAX	4096

/*
 * Find pattern segment p[0..plen) (no '*') in the folded text t from
 * offset from; blanks in p match the one space folding left.  Returns the
 * offset just past the match, or -1.
 */
static long
find_seg(const char *t, size_t tlen, size_t from, const char *p, size_t plen)
{
	size_t	i, j, k;

	while (plen > 0 && isspace((unsigned char)*p)) {
		p++;
		plen--;
	}
	while (plen > 0 && isspace((unsigned char)p[plen - 1]))
		plen--;
	if (plen == 0)
		return (long)from;
	for (i = from; i < tlen; i++) {
		for (j = 0, k = i; j < plen && k < tlen; k++) {
			if (isspace((unsigned char)p[j])) {
				if (t[k] != ' ')
					break;
				while (j < plen && isspace((unsigned char)p[j]))
					j++;
				continue;
			}
			if (tolower((unsigned char)p[j]) != t[k])
				break;
			j++;
		}
		if (j == plen)
			return (long)k;
	}
	return -1;
}


/* Does pattern pat ('*' any run) occur in folded text t? */
static int
glob_in(const char *t, size_t tlen, const char *pat)
{
	const char	*star;
	long		 at = 0;

	for (;;) {
		star = strchr(pat, '*');
		at = find_seg(t, tlen, (size_t)at, pat,
		    star != NULL ? (size_t)(star - pat) : strlen(pat));
		if (at < 0)
			return 0;
		if (star == NULL)
			return 1;
		pat = star + 1;
	}
}


/* Fold text for matching: lower case, every run of blanks one space. */
static size_t
fold(char *out, const char *s, size_t len)
{
	size_t	i, n = 0;

	if (len > KB_TEXT_MAX)
		len = KB_TEXT_MAX;
	for (i = 0; i < len; i++) {
		if (isspace((unsigned char)s[i]) || s[i] == '\0') {
			if (n > 0 && out[n - 1] != ' ')
				out[n++] = ' ';
			continue;
		}
		out[n++] = (char)tolower((unsigned char)s[i]);
	}
	out[n] = '\0';
	return n;
}


static int
code_ok(const struct kb_text *x, int code)
{
	const struct kb_cat	*c = &kb_cat_table[x->cat];
	int			 i;

	/* Text alone, no code: any cause of a failure. */
	if (code == 0)
		return (c->classes & ((1 << 4) | (1 << 5))) != 0;
	if (code < 200 || code > 599 || !(c->classes & (1 << (code / 100))))
		return 0;
	if (x->codes[0] == 0)
		return 1;
	for (i = 0; i < 8 && x->codes[i] != 0; i++)
		if (x->codes[i] == code || x->codes[i] == code / 100)
			return 1;
	return 0;
}


static int
enh_ok(const struct kb_text *x, const char *enh)
{
	size_t	i;

	if (x->enh == NULL)
		return 1;
	if (enh == NULL || enh[0] == '\0')
		return 0;
	for (i = 0; x->enh[i] != NULL; i++)
		if (x->enh[i][0] == 'X' ? strcmp(x->enh[i] + 1, enh + 1) == 0 :
		    strcmp(x->enh[i], enh) == 0)
			return 1;
	return 0;
}


size_t
kb_text_match(const char *text, size_t len, int code, const char *enh,
    const struct kb_text **out, size_t max)
{
	const struct kb_text	*x;
	char			 t[KB_TEXT_MAX + 1];
	size_t			 tlen, n = 0, i, k;
	int			 hit;

	tlen = fold(t, text, len);
	for (x = kb_text_table; x->cat >= 0; x++) {
		if (!code_ok(x, code) || !enh_ok(x, enh))
			continue;
		for (k = 0; k < n; k++)
			if (out[k]->cat == x->cat)
				break;
		if (k < n)
			continue;	/* one text per category */
		hit = x->match == NULL;
		for (i = 0; !hit && x->match[i] != NULL; i++)
			hit = glob_in(t, tlen, x->match[i]);
		for (i = 0; hit && x->unless != NULL && x->unless[i] != NULL;
		    i++)
			if (glob_in(t, tlen, x->unless[i]))
				hit = 0;
		if (hit && n < max)
			out[n++] = x;
	}
	return n;
}


/* Skip "NNN", a separator and a leading enhanced code of a reply line. */
static const char *
after_codes(const char *s, size_t *len)
{
	size_t	n = *len, used;
	int	c, sj, d;

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
		}
		while (n > 0 && *s == ' ') {
			s++;
			n--;
		}
	}
	*len = n;
	return s;
}


void
kb_reply_text(struct buf *out, const struct reply *r)
{
	const char	*s;
	size_t		 i, n;

	for (i = 0; i < r->nlines && out->len < KB_TEXT_MAX; i++) {
		n = r->lines[i].len;
		s = after_codes(r->lines[i].text, &n);
		if (out->len > 0)
			buf_addch(out, ' ');
		buf_add(out, s, n);
	}
	if (out->data == NULL)
		buf_addstr(out, "");
}


void
kb_reply_text_raw(struct buf *out, const struct reply *r)
{
	size_t	i, n;

	for (i = 0; i < r->nlines && out->len < KB_TEXT_MAX; i++) {
		n = r->lines[i].len;
		if (out->len > 0)
			buf_addch(out, ' ');
		if (n > 4)
			buf_add(out, r->lines[i].text + 4, n - 4);
	}
	if (out->data == NULL)
		buf_addstr(out, "");
}


/*
 * Is there an enhanced code at s[i]?  It must stand alone: not part of an
 * address, a version number or a dotted quad.  Subjects go to 7.
 */
static size_t
enh_at(const char *s, size_t len, size_t i, int *cls)
{
	size_t	used, end;
	int	sj, d;

	if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '.' ||
	    s[i - 1] == '-' || s[i - 1] == '_' || s[i - 1] == '/' ||
	    s[i - 1] == '@'))
		return 0;
	if (s[i] != '2' && s[i] != '4' && s[i] != '5')
		return 0;
	for (end = i; end < len && (isdigit((unsigned char)s[end]) ||
	    s[end] == '.'); end++)
		;
	/* Let a sentence end right after the code ("... 5.1.1."). */
	if (end > i && s[end - 1] == '.')
		end--;
	if (end < len && (isalnum((unsigned char)s[end]) || s[end] == '@' ||
	    s[end] == '-' || s[end] == '_'))
		return 0;
	used = kb_parse_enh(s + i, end - i, cls, &sj, &d);
	if (used != end - i || d < 0 || sj > 7)
		return 0;
	return used;
}


int
kb_find_enh(const char *s, size_t len, int want, char *out)
{
	size_t	i, n, first = 0, firstn = 0;
	int	cls;

	if (len > KB_TEXT_MAX)
		len = KB_TEXT_MAX;
	for (i = 0; i < len; i++) {
		if ((n = enh_at(s, len, i, &cls)) == 0)
			continue;
		if (cls == want || want == 0) {
			snprintf(out, 16, "%.*s", (int)n, s + i);
			return 0;
		}
		if (firstn == 0) {
			first = i;
			firstn = n;
		}
		i += n;
	}
	if (firstn == 0)
		return -1;
	snprintf(out, 16, "%.*s", (int)firstn, s + first);
	return 0;
}
