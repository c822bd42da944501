/*
 * kb_internal.h: the tables kb_data.c defines and kb.c searches (every
 * table ends with an entry whose first member is NULL, or 0 for codes),
 * and the layout helpers and explainers the kb_*.c files share.
 */
#ifndef SMTPSCOPE_KB_INTERNAL_H
#define SMTPSCOPE_KB_INTERNAL_H

#include "smtpscope/kb.h"

/* One class of reply code (2xx..5xx) or of enhanced code (2.X.X..). */
struct kb_class {
	int		 cls;
	const char	*name;		/* "permanent failure" */
	const char	*meaning;
	const char	*enh_meaning;	/* as an enhanced code's class */
};

/* The second digit of a reply code (RFC 5321 4.2.1). */
struct kb_category {
	int		 digit;
	const char	*meaning;
};

/* A cause that real reply texts name (data/reply-texts.txt). */
struct kb_cat {
	const char	*id;		/* "rate-limit" */
	const char	*title;
	const char	*cause;
	const char	*try_;
	int		 classes;	/* bit 1 << class: 2, 4, 5 */
};

/*
 * One real-world reply text: any of match[] (case-insensitive, "*" any
 * run, blanks any blanks), none of unless[], the code one of codes[] (a
 * single digit is a class) and, when given, the enhanced code one of
 * enh[] ("X.7.1" meaning any class).
 */
struct kb_text {
	int			 cat;	/* index into kb_cat_table */
	const char *const	*match;
	const char *const	*unless;
	const char *const	*enh;
	int			 codes[8];
	const char		*source;
	const char		*cause;	/* NULL: the category's */
	const char		*try_;
};

/* What the session knew when a reply came (kb_ctx.c). */
#define KB_CTX_TLS		0x0001	/* TLS was up */
#define KB_CTX_AUTH		0x0002	/* AUTH succeeded */
#define KB_CTX_EHLO		0x0004	/* EHLO or HELO accepted */
#define KB_CTX_MAIL		0x0008	/* a transaction was open */
#define KB_CTX_RCPT		0x0010	/* a recipient was accepted */
#define KB_CTX_B64ANSWER	0x0020	/* the AUTH answer was base64 already */
#define KB_CTX_OFFERS_STARTTLS	0x0040	/* the last EHLO offered STARTTLS */
#define KB_CTX_OFFERS_AUTH	0x0080	/* ... and AUTH */
#define KB_CTX_MECH_NOT_OFFERED	0x0100	/* AUTH used a mechanism not offered */
#define KB_CTX_GREETED		0x0200	/* a 220 greeting came */
#define KB_CTX_PLAINTEXT_AUTH	0x0400	/* AUTH was tried without TLS */

struct kb_ctx {
	int		 verb;		/* what the reply answers, or -1 */
	unsigned int	 flags;		/* KB_CTX_* */
	char		 mech[32];	/* the AUTH mechanism tried */
	char		 mechs[256];	/* the mechanisms EHLO offered */
	unsigned long	 size;		/* EHLO SIZE, 0 when not given */
};

/*
 * A diagnosis: when the reply's text names category cat (NULL: any),
 * its code, class and verb match (0 / -1: any), every need flag is set
 * and no deny flag, say this (data/diagnoses.txt).
 */
struct kb_diag {
	const char	*cat;
	int		 code;
	int		 cls;
	int		 verb;
	unsigned int	 need;
	unsigned int	 deny;
	const char	*say;
	const char	*ref;
	/* Sessions (transcript form, \n escaped) that must get it. */
	const char *const *cases;
};

/* What a command does, for client lines. */
struct kb_verb {
	int		 verb;		/* enum verb */
	const char	*name;
	const char	*meaning;
	const char	*ref;
};

/* A sentence about a reply class answering a given verb. */
struct kb_context {
	int		 verb;		/* enum verb */
	int		 cls;		/* 2..5, 0: any */
	const char	*text;
};

extern const struct kb_reply	 kb_reply_table[];
/* Subjects ("X.7") and details ("X.7.8"). */
extern const struct kb_enh	 kb_enh_table[];
extern const struct kb_keyword	 kb_keyword_table[];
extern const struct kb_mech	 kb_mech_table[];
extern const struct kb_class	 kb_class_table[];
extern const struct kb_category	 kb_category_table[];
extern const struct kb_cat	 kb_cat_table[];
extern const struct kb_text	 kb_text_table[];
extern const size_t		 kb_text_count;
extern const struct kb_diag	 kb_diag_table[];
extern const struct kb_verb	 kb_verb_table[];
extern const struct kb_context	 kb_context_table[];

#define KB_MAXREFS	24
/* The verb of a reply that answers nothing (not the greeting). */
#define KB_UNASKED	(-2)

/* The references gathered while explaining, each written once. */
struct kb_refs {
	const char	*r[KB_MAXREFS];
	size_t		 n;
};

/* Layout (kb.c): sections, paragraphs, references, safe text. */
void	 kb_refs_add(struct kb_refs *, const char *);
void	 kb_section(struct buf *, const char *);
void	 kb_para(struct buf *, const char *);
void	 kb_refs_write(struct buf *, const struct kb_refs *);
void	 kb_add_safe(struct buf *, const char *, size_t);
int	 kb_ci_contains(const char *, size_t, const char *);
size_t	 kb_parse_enh(const char *, size_t, int *, int *, int *);
const struct kb_class *kb_class_of(int);

/* Explainers that append to a buffer and gather references. */
void	 kb_add_keyword(struct buf *, const char *, const char *,
	    struct kb_refs *);
void	 kb_add_mech(struct buf *, const struct kb_mech *, struct kb_refs *);
int	 kb_looks_like_ehlo(const struct reply *);
void	 kb_ehlo_summary(struct buf *, const struct reply *);
int	 kb_add_enh(struct buf *, const char *, int, struct kb_refs *);
/*
 * ctx->verb is what the reply answers, -1 for none known, or KB_UNASKED;
 * ctx NULL: nothing known.
 */
void	 kb_add_reply(struct buf *, const struct reply *,
	    const struct kb_ctx *, struct kb_refs *);

/* Reply texts (kb_text.c). */
#define KB_MAXCATS	8
/* The categories text[0..len) names for a reply with code and enh. */
size_t	 kb_text_match(const char *, size_t, int, const char *,
	    const struct kb_text **, size_t);
/* Every line's text after its codes, joined by spaces, into out. */
void	 kb_reply_text(struct buf *, const struct reply *);
/* The same with the enhanced codes kept (after "NNN-" only). */
void	 kb_reply_text_raw(struct buf *, const struct reply *);
/* Context (kb_ctx.c): what the transcript knew before line i. */
void	 kb_ctx_build(struct kb_ctx *, const struct transcript *, size_t);
/*
 * The reply transcript line i belongs to, in r (r->lines point into the
 * transcript: free only r->lines), its first line's index in *start and
 * the verb it answers (or KB_UNASKED) in *verb.  -1: not a server line.
 */
int	 kb_tline_reply(const struct transcript *, size_t, struct reply *,
	    size_t *, int *);
/* The diagnosis for a reply in context, or NULL. */
const struct kb_diag *kb_diag_find(const struct reply *, const char *,
	    const struct kb_ctx *);
void	 kb_add_challenge(struct buf *, const char *, size_t,
	    struct kb_refs *);

#endif
