/*
 * kb.c: looking codes, keywords and mechanisms up in the knowledge base,
 * and the helpers every explanation uses to lay its text out.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"

#include "kb_internal.h"

void
kb_refs_add(struct kb_refs *rs, const char *ref)
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
void
kb_section(struct buf *b, const char *title)
{
	if (b->len > 0) {
		if (b->data[b->len - 1] != '\n')
			buf_addch(b, '\n');
		if (b->len < 2 || b->data[b->len - 2] != '\n')
			buf_addch(b, '\n');
	}
	buf_printf(b, "## %s\n", title);
}


void
kb_para(struct buf *b, const char *text)
{
	buf_addstr(b, text);
	buf_addch(b, '\n');
}


void
kb_refs_write(struct buf *b, const struct kb_refs *rs)
{
	size_t	i;

	if (rs->n == 0)
		return;
	kb_section(b, rs->n == 1 ? "Reference" : "References");
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
void
kb_add_safe(struct buf *b, const char *s, size_t len)
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
int
kb_ci_contains(const char *hay, size_t len, const char *needle)
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
size_t
kb_parse_enh(const char *s, size_t len, int *cls, int *subj, int *det)
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

	if (code == NULL || kb_parse_enh(code, strlen(code), &cls, &subj,
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


const struct kb_class *
kb_class_of(int cls)
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
	const struct kb_class	*c = kb_class_of(cls);

	return c != NULL ? c->name : "unknown";
}
