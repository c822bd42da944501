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
	RK_SENT,	/* swaks: "N lines sent" instead of the content */
	RK_NOISE,	/* tool chatter (s_client, curl meter): dropped */
	RK_TLS_UP,	/* a tool says TLS is up (s_client, curl) */
	RK_PROMPT,	/* a shell prompt line (content in DATA) */
	RK_OMITTED	/* a note that a tool's output was left out */
};

struct rline {
	const char	*p;	/* payload, inside the working copy */
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
/*
 * The length of a shell prompt at the start of s[0..len) ("$ ",
 * "user@host:~$ ", "C:\>", "PS C:\> "), blanks after it included, or 0.
 */
size_t	 replay_prompt_len(const char *, size_t);
/*
 * How much of s[0..len) is curl's progress meter (all of a heading line;
 * the numbers that curl -v runs straight into its next "* " line), or 0.
 */
size_t	 replay_meter_len(const char *, size_t);
/*
 * Mark openssl s_client's own output in rl[0..n): its preamble (a note,
 * the TLS result kept), session-ticket blocks and chatter (RK_NOISE).
 */
void	 replay_mark_sclient(struct rline *, size_t);
/* A malloc'd copy of a pasted command line with its secrets masked. */
char	*replay_mask_cmdline(const char *, size_t);

#endif
