/*
 * statefile: the small files smtpscope keeps across runs under
 * $XDG_STATE_HOME/smtpscope (default ~/.local/state/smtpscope): the entry
 * history, lesson progress.  They may hold user names, so they are private
 * (0600 in 0700 directories), never read or written through a symbolic
 * link, and replaced whole (a new file renamed over the old one).
 */
#ifndef SMTPSCOPE_STATEFILE_H
#define SMTPSCOPE_STATEFILE_H

#include <stddef.h>

/* The path of state file name (malloc'd), or NULL when there is no home. */
char	*statefile_path(const char *);
/*
 * Write len bytes as the whole new content of path, making the
 * directories above it.  Returns 0, or -1 with a reason in err.
 */
int	 statefile_write(const char *, const char *, size_t, char *, size_t);
/* mkdir -p for the directories above path, each new one 0700; 0 or -1. */
int	 statefile_mkdirs(const char *);

#endif
