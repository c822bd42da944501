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

/*
 * A hint recognised in the reply text.  Every condition given must hold:
 * code (one of codes[], or class cls), enhanced code (one of enh[],
 * "X.7.1" meaning any class) and text (one of pat[], case-insensitive
 * substring).  With either set, enh or pat alone is enough.
 */
struct kb_hint {
	const char	*id;
	int		 cls;
	int		 codes[4];
	const char	*enh[4];
	const char	*pat[10];
	const char	*unless[4];	/* none of these may appear */
	int		 either;
	const char	*title;
	const char	*text;
	const char	*ref;
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
extern const struct kb_hint	 kb_hint_table[];
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
/* verb is what the reply answers, -1 for none known, or KB_UNASKED. */
void	 kb_add_reply(struct buf *, const struct reply *, int,
	    struct kb_refs *);
void	 kb_add_challenge(struct buf *, const char *, size_t,
	    struct kb_refs *);

#endif
