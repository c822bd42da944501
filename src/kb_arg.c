/*
 * kb_arg.c: explaining whatever the user pasted after --explain or
 * :explain: one reply or several, EHLO keyword lines, a bounce (its
 * delivery status fields and the remote server's words), an enhanced
 * code, a keyword, a mechanism, or a reply's free text alone.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/phase.h"
#include "smtpscope/reply.h"
#include "smtpscope/xmalloc.h"

#include "kb_internal.h"

/* At most this many replies are explained from one paste. */
#define ARG_MAX_REPLIES	16

/* Strip a transcript or swaks prefix from a pasted line. */
static const char *
strip_prefix(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '>')
		s++;
	if (strncmp(s, "S:", 2) == 0 || strncmp(s, "<-", 2) == 0 ||
	    strncmp(s, "<~", 2) == 0 || strncmp(s, "<<<", 3) == 0) {
		s += s[1] == '<' ? 3 : 2;
		while (*s == ' ' || *s == '\t')
			s++;
	}
	return s;
}


/* The reply code at s (three digits then space, dash or end), or 0. */
static int
code_at(const char *s, size_t n)
{
	if (n < 3 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
	    (n > 3 && s[3] != ' ' && s[3] != '-' && s[3] != '\t'))
		return 0;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}


static void
reply_add_line(struct reply *r, const char *s, size_t n)
{
	r->lines = xreallocarray(r->lines, r->nlines + 1, sizeof *r->lines);
	r->lines[r->nlines].text = xstrndup(s, n);
	r->lines[r->nlines].len = n;
	r->lines[r->nlines].flags = 0;
	r->nlines++;
}


/*
 * Explain one reply as pasted: a lone EHLO keyword line ("250-AUTH PLAIN")
 * or a keyword list gets each keyword explained, anything else the whole
 * reply.  verb is what it answered, or -1.
 */
static void
explain_one(struct buf *b, struct reply *r, int verb, struct kb_refs *rs)
{
	struct kb_ctx	 ctx;
	char		*kw, *sp;
	size_t		 i, first;

	memset(&ctx, 0, sizeof ctx);
	ctx.verb = verb;
	if (r->code == 250 && r->nlines > 0 && r->lines[0].len > 4) {
		kw = xstrndup(r->lines[0].text + 4, r->lines[0].len - 4);
		kw[strcspn(kw, " =")] = '\0';
		first = kb_keyword(kw) != NULL ||
		    strncasecmp(r->lines[0].text + 4, "AUTH=", 5) == 0 ? 0 :
		    kb_looks_like_ehlo(r) ? 1 : r->nlines;
		free(kw);
		if (first < r->nlines) {
			if (first == 1)
				kb_add_reply(b, r, verb >= 0 ? &ctx : NULL, rs);
			for (i = first; i < r->nlines; i++) {
				if (r->lines[i].len < 5)
					continue;
				kw = xstrndup(r->lines[i].text + 4,
				    r->lines[i].len - 4);
				if ((sp = strchr(kw, ' ')) != NULL)
					*sp++ = '\0';
				kb_add_keyword(b, kw, sp, rs);
				free(kw);
			}
			return;
		}
	}
	if (r->code == 334 && r->nlines > 0 && r->lines[0].len > 4)
		kb_add_challenge(b, r->lines[0].text + 4, r->lines[0].len - 4,
		    rs);
	kb_add_reply(b, r, verb >= 0 ? &ctx : NULL, rs);
}


/* The verb of "(in reply to RCPT TO command)" or "after RCPT TO:". */
static int
verb_named(const char *s)
{
	static const struct {
		const char	*w;
		int		 verb;
	} v[] = {
		{ "end of data", VERB_DOT }, { "end of message", VERB_DOT },
		{ "data", VERB_DATA }, { "rcpt", VERB_RCPT },
		{ "mail", VERB_MAIL }, { "ehlo", VERB_EHLO },
		{ "helo", VERB_HELO }, { "auth", VERB_AUTH },
		{ "starttls", VERB_STARTTLS }, { "bdat", VERB_BDAT },
		{ "initial connection", VERB_NONE }, { "greeting", VERB_NONE },
	};
	size_t	i;

	while (*s == ' ')
		s++;
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		if (strncasecmp(s, v[i].w, strlen(v[i].w)) == 0)
			return v[i].verb;
	return -1;
}


/* A delivery status field name at the start of s ("Status"), or NULL. */
static const char *
dsn_field(const char *s, size_t *vlen, const char **val)
{
	static const char *const f[] = {
		"Diagnostic-Code", "Status", "Action", "Final-Recipient",
		"Original-Recipient", "Remote-MTA", "Reporting-MTA",
		"Last-Attempt-Date", "Will-Retry-Until", NULL
	};
	size_t	i, n;

	for (i = 0; f[i] != NULL; i++) {
		n = strlen(f[i]);
		if (strncasecmp(s, f[i], n) == 0 && s[n] == ':') {
			*val = s + n + 1;
			while (**val == ' ' || **val == '\t')
				(*val)++;
			*vlen = strlen(*val);
			return f[i];
		}
	}
	return NULL;
}


static const char *
action_meaning(const char *a)
{
	if (strncasecmp(a, "failed", 6) == 0)
		return "failed: the message was not delivered to this "
		    "recipient and will not be retried";
	if (strncasecmp(a, "delayed", 7) == 0)
		return "delayed: not delivered yet; the sending server keeps "
		    "trying";
	if (strncasecmp(a, "delivered", 9) == 0)
		return "delivered: it reached the recipient's mailbox";
	if (strncasecmp(a, "relayed", 7) == 0)
		return "relayed: passed on to a system that sends no reports";
	if (strncasecmp(a, "expanded", 8) == 0)
		return "expanded: delivered to a list or alias, which sent it on";
	return "not a standard action";
}


/*
 * A bounce: the delivery status fields (RFC 3464) and any remote reply
 * quoted in the human-readable part.  lines[] are the pasted lines.
 */
static int
explain_dsn(struct buf *b, char **lines, size_t n, struct kb_refs *rs)
{
	struct reply	 r;
	struct buf	 diag;
	const char	*name, *val, *said, *intro;
	char		 enh[16], *tail;
	size_t		 i, vlen, nrep = 0, fields;
	int		 verb = -1, code, cls, sj, d, shown_status = 0;

	kb_section(b, "Delivery status notification (a bounce)");
	fields = b->len;
	buf_init(&diag);
	for (i = 0; i < n; i++) {
		if ((name = dsn_field(lines[i], &vlen, &val)) == NULL) {
			/* Postfix: "... said: 550 5.1.1 ... (in reply to". */
			said = strstr(lines[i], " said: ");
			if (said != NULL && code_at(said + 7,
			    strlen(said + 7)) != 0 && diag.len == 0) {
				buf_addstr(&diag, said + 7);
				while (i + 1 < n && (lines[i + 1][0] == ' ' ||
				    lines[i + 1][0] == '\t')) {
					buf_addch(&diag, ' ');
					buf_addstr(&diag, lines[++i]);
				}
			}
			/* Exchange: "Remote Server returned '550 5.7.1 ...'". */
			if ((said = strstr(lines[i], "returned '")) != NULL &&
			    code_at(said + 10, strlen(said + 10)) != 0 &&
			    diag.len == 0) {
				buf_add(&diag, said + 10, strcspn(said + 10,
				    "'"));
			}
			/* Gmail and others: the reply on the lines after. */
			if (diag.len == 0 && (strstr(lines[i], "response was:") !=
			    NULL || strstr(lines[i], "server returned was:") !=
			    NULL || strstr(lines[i], "remote server was:") !=
			    NULL) && i + 1 < n) {
				val = lines[i + 1];
				while (*val == ' ' || *val == '\t')
					val++;
				if (code_at(val, strlen(val)) != 0) {
					buf_addstr(&diag, val);
					i++;
				}
			}
			if ((said = strstr(lines[i], "in reply to ")) != NULL)
				verb = verb_named(said + 12);
			if ((said = strstr(lines[i], "error from remote mail "
			    "server after ")) != NULL) {
				/* Exim: the reply follows, indented. */
				verb = verb_named(said + 35);
				if (i + 1 < n && diag.len == 0) {
					val = lines[i + 1];
					while (*val == ' ' || *val == '\t')
						val++;
					if (code_at(val, strlen(val)) != 0) {
						buf_addstr(&diag, val);
						i++;
					}
				}
			}
			continue;
		}
		if (strcmp(name, "Diagnostic-Code") == 0) {
			/* "smtp; 550 5.1.1 ..." folded over several lines. */
			buf_free(&diag);
			buf_init(&diag);
			if ((said = memchr(val, ';', vlen)) != NULL)
				val = said + 1;
			while (*val == ' ')
				val++;
			buf_addstr(&diag, val);
			while (i + 1 < n && (lines[i + 1][0] == ' ' ||
			    lines[i + 1][0] == '\t')) {
				buf_addch(&diag, ' ');
				buf_addstr(&diag, lines[++i]);
			}
		} else if (strcmp(name, "Action") == 0)
			buf_printf(b, "- Action: %s\n", action_meaning(val));
		else if (strcmp(name, "Status") == 0 && !shown_status) {
			buf_printf(b, "- Status: %.*s\n", (int)strcspn(val,
			    " ("), val);
			shown_status = 1;
		} else if (strcmp(name, "Final-Recipient") == 0 ||
		    strcmp(name, "Remote-MTA") == 0) {
			buf_printf(b, "- %s: ", strcmp(name, "Remote-MTA") == 0
			    ? "The server that refused it" : "Recipient");
			if ((said = memchr(val, ';', vlen)) != NULL)
				val = said + 1;
			while (*val == ' ')
				val++;
			kb_add_safe(b, val, strlen(val));
			buf_addch(b, '\n');
		}
	}
	/* The words before the fields, now that it is known which came. */
	intro = b->len > fields ? "A report from the sending side's mail "
	    "server about one message. The fields are its machine-readable "
	    "part; the Diagnostic-Code holds the receiving server's own "
	    "reply." : "A report from the sending side's mail server about "
	    "one message, quoting the receiving server's reply.";
	tail = xstrdup(b->data + fields);
	b->len = fields;
	b->data[fields] = '\0';
	kb_para(b, intro);
	buf_addstr(b, tail);
	free(tail);
	kb_refs_add(rs, "RFC 3464 2.3");
	if (diag.len > 0 && (code = code_at(buf_str(&diag), diag.len)) != 0) {
		memset(&r, 0, sizeof r);
		r.code = code;
		reply_add_line(&r, buf_str(&diag), diag.len);
		explain_one(b, &r, verb, rs);
		reply_free(&r);
		nrep++;
	}
	/* No reply quoted: the Status code alone. */
	for (i = 0; nrep == 0 && i < n; i++)
		if ((name = dsn_field(lines[i], &vlen, &val)) != NULL &&
		    strcmp(name, "Status") == 0 &&
		    kb_parse_enh(val, strcspn(val, " ("), &cls, &sj, &d) != 0) {
			snprintf(enh, sizeof enh, "%.*s", (int)strcspn(val,
			    " ("), val);
			kb_add_enh(b, enh, cls, rs);
			nrep++;
		}
	buf_free(&diag);
	return 0;
}


/* Pasted replies, one after the other; returns how many. */
static size_t
explain_replies(struct buf *b, char **lines, size_t n, struct kb_refs *rs)
{
	struct reply	 r;
	size_t		 i, len, count = 0;
	int		 code, open = 0;

	memset(&r, 0, sizeof r);
	for (i = 0; i < n && count < ARG_MAX_REPLIES; i++) {
		while (*lines[i] == ' ' || *lines[i] == '\t')
			lines[i]++;
		len = strlen(lines[i]);
		code = code_at(lines[i], len);
		if (code == 0) {
			/* A line a mail client wrapped: part of the reply. */
			if (open)
				reply_add_line(&r, lines[i], len);
			continue;
		}
		if (!open) {
			memset(&r, 0, sizeof r);
			r.code = code;
			open = 1;
		} else if (code != r.code)
			r.flags |= REPLY_MISMATCH;
		reply_add_line(&r, lines[i], len);
		if (len == 3 || lines[i][3] != '-') {
			explain_one(b, &r, -1, rs);
			reply_free(&r);
			open = 0;
			count++;
		}
	}
	if (open) {
		explain_one(b, &r, -1, rs);
		reply_free(&r);
		count++;
	}
	return count;
}


/* Free text alone: the causes it names, as if a server had failed. */
static int
explain_text(struct buf *b, const char *s, struct kb_refs *rs)
{
	const struct kb_text	*hit[KB_MAXCATS];
	const struct kb_cat	*c;
	char			 title[160];
	size_t			 n, i;

	(void)rs;
	n = kb_text_match(s, strlen(s), 0, NULL, hit, KB_MAXCATS);
	for (i = 0; i < n; i++) {
		c = &kb_cat_table[hit[i]->cat];
		snprintf(title, sizeof title, "Hint: %s", c->title);
		kb_section(b, title);
		kb_para(b, hit[i]->cause != NULL ? hit[i]->cause : c->cause);
		buf_printf(b, "Try: %s\n", hit[i]->try_ != NULL ?
		    hit[i]->try_ : c->try_);
	}
	return n > 0 ? 0 : -1;
}


int
kb_explain_arg(struct buf *b, const char *arg)
{
	const struct kb_mech	*m;
	struct kb_refs		 rs;
	char			*copy, *line, *save, **lines = NULL, *word,
				*rest;
	const char		*val;
	size_t			 start = b->len, n = 0, i, len, vlen;
	int			 cls, sj, d, rc = -1, dsn = 0, code;

	memset(&rs, 0, sizeof rs);
	copy = xstrdup(arg);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		len = strlen(line);
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
		/* Folded header lines keep their leading blank. */
		if (line[0] != ' ' && line[0] != '\t')
			line = (char *)strip_prefix(line);
		else if (n == 0)
			line = (char *)strip_prefix(line);
		if (*line == '\0')
			continue;
		/* A reply that quotes another ("... said: 550") is a reply. */
		if (dsn_field(line, &vlen, &val) != NULL ||
		    (strstr(line, " said: ") != NULL &&
		    code_at(line, strlen(line)) == 0) ||
		    strstr(line, "error from remote mail server") != NULL ||
		    strstr(line, "Remote Server returned '") != NULL ||
		    strstr(line, "response was:") != NULL ||
		    strstr(line, "server returned was:") != NULL ||
		    strstr(line, "remote server was:") != NULL)
			dsn = 1;
		lines = xreallocarray(lines, n + 1, sizeof *lines);
		lines[n++] = line;
	}

	if (n == 0)
		;
	else if (dsn)
		rc = explain_dsn(b, lines, n, &rs);
	else if ((code = code_at(lines[0], strlen(lines[0]))) != 0) {
		/* 200 to 599, second digit 0 to 5 (RFC 5321 4.2.1). */
		if (code >= 200 && code <= 599 && (code / 10) % 10 <= 5 &&
		    explain_replies(b, lines, n, &rs) > 0)
			rc = 0;
	} else if (n == 1) {
		word = lines[0];
		len = strlen(word);
		rest = word + strcspn(word, " \t");
		if (kb_parse_enh(word, len, &cls, &sj, &d) == len)
			rc = kb_add_enh(b, word, 0, &rs);
		else {
			if (*rest != '\0')
				*rest++ = '\0';
			if (kb_keyword(word) != NULL ||
			    strncasecmp(word, "AUTH=", 5) == 0) {
				kb_add_keyword(b, word, rest, &rs);
				rc = 0;
			} else if (*rest == '\0' &&
			    (m = kb_mech(word)) != NULL) {
				kb_add_mech(b, m, &rs);
				rc = 0;
			} else if (*rest != '\0')
				rest[-1] = ' ';
		}
	}
	/* Words alone, as a server might have written them. */
	for (i = 0; rc != 0 && i < n; i++)
		if (explain_text(b, lines[i], &rs) == 0)
			rc = 0;
	free(lines);
	free(copy);
	if (rc != 0) {
		b->len = start;
		if (b->data != NULL)
			b->data[start] = '\0';
		buf_printf(b, "nothing known about this: not a reply, code, "
		    "keyword, mechanism or a text smtpscope knows: %s", arg);
		return -1;
	}
	kb_refs_write(b, &rs);
	return 0;
}
