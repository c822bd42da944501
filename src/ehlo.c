/* ehlo.c: parse the capability lines of an EHLO reply. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/ehlo.h"
#include "smtpscope/reply.h"
#include "smtpscope/xmalloc.h"

static const struct {
	const char	*keyword;
	unsigned int	 flag;
} ehlo_flags[] = {
	{ "PIPELINING", EHLO_PIPELINING },
	{ "STARTTLS", EHLO_STARTTLS },
	{ "8BITMIME", EHLO_8BITMIME },
	{ "SMTPUTF8", EHLO_SMTPUTF8 },
	{ "CHUNKING", EHLO_CHUNKING },
	{ "ENHANCEDSTATUSCODES", EHLO_ENHANCED },
	{ "DSN", EHLO_DSN },
	{ "AUTH", EHLO_AUTH },
	{ "SIZE", EHLO_SIZE },
	{ "BINARYMIME", EHLO_BINARYMIME }
};

static const struct {
	const char	*name;
	unsigned int	 flag;
} ehlo_mechs[] = {
	{ "PLAIN", AUTHM_PLAIN },
	{ "LOGIN", AUTHM_LOGIN },
	{ "CRAM-MD5", AUTHM_CRAM_MD5 },
	{ "XOAUTH2", AUTHM_XOAUTH2 }
};

static int
ehlo_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The text of a reply line after "250-" or "250 ". */
static void
ehlo_text(const struct reply_line *rl, const char **p, size_t *len)
{
	size_t	off;

	reply_line_code(rl->text, rl->len, NULL, &off);
	*p = rl->text + off;
	*len = rl->len - off;
}

/*
 * The next blank-separated word at *p: its start, with its length in *n
 * and *p moved past it; NULL at the end.
 */
static const char *
ehlo_word(const char **p, size_t *n)
{
	const char	*start;

	while (ehlo_blank(**p))
		(*p)++;
	if (**p == '\0')
		return NULL;
	start = *p;
	while (**p != '\0' && !ehlo_blank(**p))
		(*p)++;
	*n = (size_t)(*p - start);
	return start;
}

/* Record the mechanisms listed in params. */
static void
ehlo_add_mechs(struct ehlo_caps *caps, const char *params)
{
	const char	*p = params, *start;
	size_t		 n, i;
	unsigned int	 flag;

	while ((start = ehlo_word(&p, &n)) != NULL) {
		flag = AUTHM_OTHER;
		for (i = 0; i < sizeof ehlo_mechs / sizeof ehlo_mechs[0]; i++)
			if (strlen(ehlo_mechs[i].name) == n &&
			    strncasecmp(ehlo_mechs[i].name, start, n) == 0)
				flag = ehlo_mechs[i].flag;
		caps->auth |= flag;
	}
}

/* RFC 1870: SIZE with an optional maximum; 0 when none or unreadable. */
static unsigned long long
ehlo_size(const char *params)
{
	unsigned long long	 v;
	char			*end;

	if (!isdigit((unsigned char)params[0]))
		return 0;
	errno = 0;
	v = strtoull(params, &end, 10);
	if (errno == ERANGE)
		return ULLONG_MAX;
	return v;
}

/*
 * Split one capability line.  RFC 5321 4.1.1.1: ehlo-keyword is letters,
 * digits and '-'; what follows after a space is the parameters.  The old
 * "AUTH=LOGIN PLAIN" form (before RFC 2554 was final) is read as AUTH
 * with parameters "LOGIN PLAIN".
 */
static void
ehlo_add_line(struct ehlo_caps *caps, const char *p, size_t len)
{
	struct ehlo_kw	*kw;
	size_t		 i, k, e;

	while (len > 0 && ehlo_blank(*p)) {
		p++;
		len--;
	}
	while (len > 0 && (ehlo_blank(p[len - 1]) || p[len - 1] == '\r'))
		len--;
	if (len == 0)
		return;
	for (k = 0; k < len && (isalnum((unsigned char)p[k]) || p[k] == '-');
	    k++)
		;
	if (k == 0 || (k < len && !ehlo_blank(p[k]) && p[k] != '='))
		for (k = 0; k < len && !ehlo_blank(p[k]); k++)
			;
	for (e = k; e < len && (ehlo_blank(p[e]) ||
	    (e == k && p[e] == '=')); e++)
		;

	caps->kw = xreallocarray(caps->kw, caps->nkw + 1, sizeof *caps->kw);
	kw = &caps->kw[caps->nkw++];
	kw->keyword = xstrndup(p, k);
	/* xstrndup stops at a NUL byte, so walk the copy, not k. */
	for (i = 0; kw->keyword[i] != '\0'; i++)
		kw->keyword[i] = (char)toupper((unsigned char)kw->keyword[i]);
	kw->params = xstrndup(p + e, len - e);

	for (i = 0; i < sizeof ehlo_flags / sizeof ehlo_flags[0]; i++)
		if (strcmp(kw->keyword, ehlo_flags[i].keyword) == 0)
			caps->flags |= ehlo_flags[i].flag;
	if (strcmp(kw->keyword, "AUTH") == 0)
		ehlo_add_mechs(caps, kw->params);
	else if (strcmp(kw->keyword, "SIZE") == 0 && caps->size_max == 0)
		caps->size_max = ehlo_size(kw->params);
}

int
ehlo_parse(struct ehlo_caps *caps, const struct reply *r)
{
	const char	*p;
	size_t		 len, i;

	memset(caps, 0, sizeof *caps);
	if (reply_class(r->code) != 2)
		return -1;
	if (r->nlines == 0) {
		caps->greeting = xstrdup("");
		return 0;
	}
	ehlo_text(&r->lines[0], &p, &len);
	caps->greeting = xstrndup(p, len);
	for (i = 1; i < r->nlines; i++) {
		ehlo_text(&r->lines[i], &p, &len);
		ehlo_add_line(caps, p, len);
	}
	return 0;
}

void
ehlo_free(struct ehlo_caps *caps)
{
	size_t	i;

	for (i = 0; i < caps->nkw; i++) {
		free(caps->kw[i].keyword);
		free(caps->kw[i].params);
	}
	free(caps->kw);
	free(caps->greeting);
	memset(caps, 0, sizeof *caps);
}

const struct ehlo_kw *
ehlo_find(const struct ehlo_caps *caps, const char *keyword)
{
	size_t	i;

	for (i = 0; i < caps->nkw; i++)
		if (strcasecmp(caps->kw[i].keyword, keyword) == 0)
			return &caps->kw[i];
	return NULL;
}

int
ehlo_has_mech(const struct ehlo_caps *caps, const char *mech)
{
	const char	*p, *start;
	size_t		 i, wn, n = strlen(mech);

	if (n == 0)
		return 0;
	for (i = 0; i < caps->nkw; i++) {
		if (strcmp(caps->kw[i].keyword, "AUTH") != 0)
			continue;
		p = caps->kw[i].params;
		while ((start = ehlo_word(&p, &wn)) != NULL)
			if (wn == n && strncasecmp(start, mech, n) == 0)
				return 1;
	}
	return 0;
}
