/*
 * kb: the knowledge base.  Every reply code, enhanced status code, EHLO
 * keyword and SASL mechanism smtpscope knows, explained for a person who is
 * debugging, with the RFC section each fact comes from.  Data is compiled
 * in (src/kb_data.c).  No curses, no I/O.
 *
 * Explanations are appended to a struct buf as plain UTF-8 text laid out
 * for a narrow pane: a line "## Title" starts a section, a line "- text"
 * is a list item, any other non-empty line is a paragraph to be wrapped,
 * and an empty line separates blocks.
 */
#ifndef SMTPSCOPE_KB_H
#define SMTPSCOPE_KB_H

#include <stddef.h>

struct buf;
struct reply;
struct transcript;

struct kb_reply {
	int		 code;
	const char	*title;		/* a few words */
	const char	*meaning;	/* what the server is saying */
	const char	*retry;		/* whether and when to try again */
	const char	*next;		/* what to try next */
	const char	*ref;		/* "RFC 5321 4.2.3" */
};

struct kb_enh {
	const char	*code;		/* "X.7.8", "X.7.0", or "X.7" subject */
	const char	*title;		/* neutral words */
	const char	*ok;		/* its meaning in a 2.X.X reply */
	const char	*fail;		/* in a 4.X.X or 5.X.X reply */
	const char	*ref;
};

struct kb_keyword {
	const char	*keyword;
	const char	*title;
	const char	*meaning;	/* including what parameters mean */
	const char	*ref;
};

struct kb_mech {
	const char	*name;
	const char	*usage;		/* COMMON, LIMITED, OBSOLETE */
	const char	*meaning;	/* incl. whether safe without TLS */
	int		 plaintext_safe;
	const char	*ref;
};

/* Exact lookups; NULL when unknown. */
const struct kb_reply	*kb_reply(int);
const struct kb_enh	*kb_enh(const char *);	/* "5.7.8" or "X.7.8" */
const struct kb_enh	*kb_enh_subject(int);	/* the X.N.* subject */
const struct kb_keyword	*kb_keyword(const char *);
const struct kb_mech	*kb_mech(const char *);
/* "success", "intermediate", "temporary failure", "permanent failure". */
const char		*kb_class_name(int);

/* Explain a whole reply (multi-line too), with vendor hints. */
void	 kb_explain_reply(struct buf *, const struct reply *);
/*
 * The diagnosis of transcript line i (a server line) from the session so
 * far: one or two sentences naming the likely cause and the next step,
 * appended to out.  Returns 0, or -1 when nothing specific is known.
 */
int	 kb_diagnose(struct buf *, const struct transcript *, size_t);
/* The same for the last server line; -1 also when there is none. */
int	 kb_diagnose_last(struct buf *, const struct transcript *);
/*
 * Find an enhanced code anywhere in reply text: after the code, behind a
 * vendor tag, in qmail's "(#5.1.1)".  Prefers one whose class is cls.
 * Writes "5.1.1" to out (16 octets); returns 0, or -1 when there is none.
 */
int	 kb_find_enh(const char *, size_t, int, char *);
/* Explain one EHLO keyword line ("SIZE 35882577", "AUTH PLAIN LOGIN"). */
void	 kb_explain_keyword(struct buf *, const char *, const char *);
/* Explain a 334 challenge's text: decoded base64, what it asks for. */
void	 kb_explain_challenge(struct buf *, const char *, size_t);
/*
 * Explain transcript line i with its context (the reply it belongs to,
 * the command it answers, the EHLO keyword on it, warnings): the
 * sidebar's text.
 */
void	 kb_explain_tline(struct buf *, const struct transcript *, size_t);
/*
 * A reply in a few fields, for machine-readable output (--json).  The
 * strings are the knowledge base's own (static) or NULL when unknown.
 */
struct kb_brief {
	int		 code;
	char		 enh[16];	/* parsed, or found in the text; or "" */
	const char	*class_name;	/* "permanent failure" */
	const char	*title;		/* the code's title, a few words */
	const char	*enh_title;	/* the enhanced code's title */
	const char	*category;	/* cause id ("rate-limit") its text names */
	const char	*category_title;	/* that cause in a few words */
};
/*
 * Fill b for the reply transcript line i belongs to.  Returns 0, or -1
 * when line i is no server line.
 */
int	 kb_brief(struct kb_brief *, const struct transcript *, size_t);
/*
 * --explain: "250", "5.7.8", "535 5.7.8 text", a pasted multi-line reply,
 * or a keyword/mechanism.  Returns 0, or -1 with a message in out.
 */
int	 kb_explain_arg(struct buf *, const char *);

#endif
