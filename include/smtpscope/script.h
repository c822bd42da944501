/*
 * script: run a file of command lines without the UI and print the
 * transcript.  Exit codes are documented in smtpscope(1).
 */
#ifndef SMTPSCOPE_SCRIPT_H
#define SMTPSCOPE_SCRIPT_H

#include <stdio.h>

#include "smtpscope/session.h"

#define EXIT_OK		0
#define EXIT_EXPECT	1	/* an :expect did not hold */
#define EXIT_USAGE	2	/* bad options or a bad script */
#define EXIT_CONNECT	3	/* could not connect, or connection lost */
#define EXIT_TLS	4	/* TLS handshake or verification failed */
#define EXIT_TIMEOUT	5	/* the server did not answer in time */

struct script_params {
	const char		*path;		/* "-" for stdin */
	struct session_params	 sp;
	const char		*user;
	char			*password;	/* owned, wiped */
	int			 color;		/* ANSI colour on stdout */
	int			 timing;	/* [+0.012s] prefixes */
	int			 show_secrets;
	int			 json;		/* JSON Lines, not text (--json) */
	FILE			*out;
	/*
	 * The built-in practice server when the script has no target (not
	 * owned): served while the script waits, and read by :inbox.  With
	 * NULL a script holding :inbox is refused before anything is sent.
	 */
	struct practice		*practice;
	/*
	 * Lines made as the run goes instead of a file (the one-shot send):
	 * called before each line, once the replies to the line before have
	 * come, it returns the next line (malloc'd) or NULL at the end.
	 * path then only names the run in messages.
	 */
	char			*(*next)(void *, struct session *);
	void			*next_arg;
	/*
	 * With next: called at the end, before the --json summary, with the
	 * exit status to change; returns the reason for the summary, or NULL
	 * to keep the script's own.
	 */
	const char		*(*finish)(void *, int *);
};

/* Run the script; returns an exit code. */
int	 script_run(struct script_params *);

/* One line of a script file, as read (no line end). */
struct script_line {
	char	*text;
	size_t	 len;
	size_t	 lineno;
};

/* A whole script, read and checked, for step mode (--step). */
struct script_file {
	char			*path;
	struct script_line	*lines;
	size_t			 n;
};

/*
 * Read path and check its ':' commands as script_run does, before anything
 * is sent.  Returns 0, or -1 with err naming the file and line.  Free the
 * result with script_file_free().
 */
int	 script_file_load(struct script_file *, const char *, char *, size_t);
void	 script_file_free(struct script_file *);

#endif
