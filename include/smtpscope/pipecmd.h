/*
 * pipecmd: a program to talk SMTP with over its stdin and stdout (--pipe,
 * as "sendmail -bs" or "exim -bh ADDR").  It runs under /bin/sh -c in a
 * session of its own (no controlling terminal); its stdin and stdout are
 * one end of a socket pair, so the session sees a socket like any other
 * and STARTTLS would work too.  Its stderr comes back through a pipe, a
 * line at a time, for notes.  Ending it closes the socket, waits briefly,
 * then sends SIGTERM and SIGKILL, and always reaps it: no zombie stays.
 */
#ifndef SMTPSCOPE_PIPECMD_H
#define SMTPSCOPE_PIPECMD_H

#include <sys/types.h>

#include <stddef.h>

struct pipecmd;

/*
 * Start command.  Returns the child, or NULL with err.  *sock is our end
 * of the socket pair (non-blocking, close-on-exec), now the caller's.
 */
struct pipecmd *pipecmd_start(const char *, int *, char *, size_t);
/* The read end of the program's stderr (non-blocking), or -1 at its end. */
int	 pipecmd_err_fd(const struct pipecmd *);
/*
 * Read what stderr has now and hand each complete line to fn (at its
 * end, an unfinished one too).  Returns 1 while stderr is open, 0 after.
 */
int	 pipecmd_err_read(struct pipecmd *, void (*)(void *, const char *,
	    size_t), void *);
/* The process id (for notes). */
pid_t	 pipecmd_pid(const struct pipecmd *);
/*
 * If the program has ended, describe how ("exited with status 0",
 * "was killed by signal 9") into out and return 1; 0 while it runs.
 */
int	 pipecmd_poll_exit(struct pipecmd *, char *, size_t);
/*
 * End it: wait up to grace_ms for it to exit on its own (its stdin is
 * already closed), then SIGTERM, then SIGKILL; reap it and describe how
 * it ended (with "(ended by us)" when we had to).  Frees nothing.
 */
void	 pipecmd_end(struct pipecmd *, int, char *, size_t);
/* End it (if still running, as pipecmd_end with no grace) and free. */
void	 pipecmd_free(struct pipecmd *);

#endif
