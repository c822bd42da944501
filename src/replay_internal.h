/*
 * replay_internal.h: what the two passes of replay share.  The first pass
 * (replay_lines.c) turns the input into classified lines; the second
 * (replay.c) feeds them through a model of the live session.
 */
#ifndef SMTPSCOPE_REPLAY_INTERNAL_H
#define SMTPSCOPE_REPLAY_INTERNAL_H

#include <stddef.h>

#include "smtpscope/replay.h"

/* What the first pass made of a line. */
enum rkind {
	RK_SKIP,	/* blank, fence: nothing */
	RK_S,		/* server line */
	RK_C,		/* client line */
	RK_TLS,
	RK_INFO,
	RK_WARN,
	RK_CODE,	/* telnet: starts with a reply code */
	RK_TEXT,	/* telnet: anything else */
	RK_BLANK,	/* telnet: an empty line (content in DATA) */
	RK_SENT		/* swaks: "N lines sent" instead of the content */
};

struct rline {
	char		*p;	/* payload, inside the working copy */
	size_t		 len;
	double		 t;
	size_t		 lineno;
	enum rkind	 kind;
};

/*
 * Cut copy[0..len) (modified in place) into classified lines and detect
 * the format.  Returns 0 with *out malloc'd (payloads point into copy),
 * or -1 with a message naming the line in err.
 */
int	 replay_lines_read(char *, size_t, struct rline **, size_t *,
	    enum replay_format *, int *, char *, size_t);
/* Does s[0..len) start with pfx, ignoring case? */
int	 replay_has_iprefix(const char *, size_t, const char *);
/* How many blanks (space, tab) s[0..len) starts with. */
size_t	 replay_lead_blanks(const char *, size_t);

#endif
