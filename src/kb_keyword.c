/*
 * kb_keyword.c: explaining EHLO keywords with their parameters and SASL
 * mechanisms, and summing up the extensions an EHLO reply offers.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/reply.h"
#include "smtpscope/xmalloc.h"

#include "kb_internal.h"

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
mech_item(struct buf *b, const char *name, struct kb_refs *rs)
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
	kb_refs_add(rs, m->ref);
}


/* The parameter details of a keyword line. */
static void
keyword_params(struct buf *b, const char *kw, const char *params,
    struct kb_refs *rs)
{
	char	*copy, *tok, *save, *eq;

	if (strcasecmp(kw, "SIZE") == 0) {
		if (*params == '\0')
			kb_para(b, "No number given: the server announces no "
			    "fixed limit and checks the size as the message "
			    "arrives.");
		else if (!all_digits(params))
			buf_printf(b, "The parameter \"%s\" is not a number of "
			    "octets, as it should be.\n", params);
		else if (strtoull(params, NULL, 10) == 0)
			kb_para(b, "0: no fixed limit is announced.");
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
		kb_section(b, "Mechanisms offered");
		for (tok = strtok_r(copy, " \t", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t", &save))
			mech_item(b, tok, rs);
	} else if (strcasecmp(kw, "LIMITS") == 0) {
		kb_section(b, "Limits announced");
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
void
kb_add_keyword(struct buf *b, const char *kw, const char *params,
    struct kb_refs *rs)
{
	const struct kb_keyword	*k;
	char			 title[256];

	if (params == NULL)
		params = "";
	while (*params == ' ' || *params == '\t')
		params++;
	if (strncasecmp(kw, "AUTH=", 5) == 0) {
		/* Old Outlook-era form of AUTH; same mechanisms. */
		kb_section(b, "AUTH= (old form of AUTH)");
		kb_para(b, "Some servers repeat the AUTH line as AUTH=... for "
		    "very old clients that expected that spelling. It lists "
		    "the same kind of mechanisms as AUTH.");
		if (kw[5] != '\0')
			mech_item(b, kw + 5, rs);
		keyword_params(b, "AUTH", params, rs);
		kb_refs_add(rs, "RFC 4954 3");
		return;
	}
	k = kb_keyword(kw);
	if (k == NULL) {
		snprintf(title, sizeof title, "%s: unknown extension", kw);
		kb_section(b, title);
		if (kw[0] == 'X' || kw[0] == 'x')
			kb_para(b, "Keywords starting with X are private to "
			    "one vendor or site; see the server's "
			    "documentation.");
		else
			kb_para(b, "Not in the IANA registry of SMTP "
			    "extensions: a vendor extension, a newer one, or a "
			    "typo.");
		if (*params != '\0')
			buf_printf(b, "Parameters given: %s\n", params);
		kb_refs_add(rs, "RFC 5321 4.1.1.1");
		return;
	}
	snprintf(title, sizeof title, "%s: %s", k->keyword, k->title);
	kb_section(b, title);
	kb_para(b, k->meaning);
	keyword_params(b, k->keyword, params, rs);
	kb_refs_add(rs, k->ref);
}


void
kb_explain_keyword(struct buf *b, const char *kw, const char *params)
{
	struct kb_refs	rs;

	memset(&rs, 0, sizeof rs);
	kb_add_keyword(b, kw, params, &rs);
	kb_refs_write(b, &rs);
}


void
kb_add_mech(struct buf *b, const struct kb_mech *m, struct kb_refs *rs)
{
	char	title[128];

	snprintf(title, sizeof title, "SASL mechanism %s", m->name);
	kb_section(b, title);
	kb_para(b, m->meaning);
	buf_printf(b, "- Usage (IANA): %s\n", m->usage);
	buf_printf(b, "- Without TLS: %s\n", m->plaintext_safe ?
	    "the password itself is not sent" :
	    "unsafe, credentials can be read or replayed");
	buf_printf(b, "- Use it with: AUTH %s\n", m->name);
	kb_refs_add(rs, m->ref);
	kb_refs_add(rs, "RFC 4954 4");
}


/* Does this reply look like an EHLO capability list? */
int
kb_looks_like_ehlo(const struct reply *r)
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
void
kb_ehlo_summary(struct buf *b, const struct reply *r)
{
	const struct kb_keyword	*k;
	char			*line, *sp;
	size_t			 i;

	kb_section(b, "Extensions offered");
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
