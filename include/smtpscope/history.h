/*
 * history: the entry line's history kept across runs, one line per entry
 * in $XDG_STATE_HOME/smtpscope/history (~/.local/state/smtpscope/history).
 * Only what the editor remembered is written, and never a secret: masked
 * answers, :raw answers and AUTH initial responses never enter it, and an
 * AUTH line with a response is left out again here.  The file is 0600,
 * never followed through a symbolic link, and bounded in size.
 */
#ifndef SMTPSCOPE_HISTORY_H
#define SMTPSCOPE_HISTORY_H

#include <stddef.h>

struct lineedit;

/* Longest line kept; longer ones are skipped. */
#define HISTORY_LINE_MAX	4096
/* Octets read from the file at most (its newest end). */
#define HISTORY_FILE_MAX	(1024 * 1024)

/*
 * The file's path (malloc'd), from $XDG_STATE_HOME when it is absolute,
 * else $HOME/.local/state; NULL when there is neither.
 */
char	*history_path(void);
/*
 * Add the file's lines to le's history.  Returns 0 (also when there is
 * no file yet), or -1 with a reason in err.
 */
int	 history_load(struct lineedit *, const char *, char *, size_t);
/*
 * Write le's history (its newest histmax lines) to the file, creating
 * the directories (0700).  Returns 0, or -1 with a reason in err.
 */
int	 history_save(const struct lineedit *, const char *, char *, size_t);
/* 1 for a line that must never be written: AUTH with a response. */
int	 history_is_secret(const char *);

#endif
