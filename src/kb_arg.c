/*
 * kb_arg.c: explaining what the user typed after --explain or :explain:
 * a pasted reply, an enhanced code, a keyword or a mechanism.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/reply.h"
#include "smtpscope/xmalloc.h"

#include "kb_internal.h"

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

int
kb_explain_arg(struct buf *b, const char *arg)
{
	const struct kb_mech	*m;
	struct reply		 r;
	struct kb_refs		 rs;
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
			/* A pasted challenge: what it decodes to comes first. */
			if (r.code == 334 && r.nlines > 0 && r.lines[0].len > 4)
				kb_add_challenge(b, r.lines[0].text + 4,
				    r.lines[0].len - 4, &rs);
			kb_add_reply(b, &r, -1, &rs);
			rc = 0;
		}
		reply_free(&r);
	} else if (kb_parse_enh(word, n, &cls, &sj, &d) == n && n > 0) {
		rc = kb_add_enh(b, word, 0, &rs);
	} else if (n > 0) {
		rest = word + strcspn(word, " \t");
		if (*rest != '\0')
			*rest++ = '\0';
		if (kb_keyword(word) != NULL ||
		    strncasecmp(word, "AUTH=", 5) == 0) {
			kb_add_keyword(b, word, rest, &rs);
			rc = 0;
		} else if (*rest == '\0' && (m = kb_mech(word)) != NULL) {
			kb_add_mech(b, m, &rs);
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
	kb_refs_write(b, &rs);
	return 0;
}
