/*
 * command: the local ':' commands shared by the entry line and scripts.
 * One table holds each command's name, usage, help and handler.  Output
 * goes through the context's callbacks, so the same handler serves the UI
 * (a note in the transcript) and script mode (a line on stdout).
 */
#ifndef SMTPSCOPE_COMMAND_H
#define SMTPSCOPE_COMMAND_H

#include <stddef.h>

struct session;
struct transcript;

#define CMD_UI		0x01	/* makes sense in the UI */
#define CMD_SCRIPT	0x02	/* makes sense in a script */
#define CMD_OFFLINE	0x04	/* works without a session (--replay) */
#define CMD_FORCE	0x08	/* has a '!' form: replace an existing file */

struct command_ctx {
	struct session	*s;
	int		 script;	/* running from a script */
	int		 quit;		/* set by :quit */
	int		 failed;	/* an :expect did not hold */
	int		 pipelining;	/* between :pipeline and :sync */
	const char	*user;		/* --user */
	char		*password;	/* from --password-env/-file, or NULL */
	/* Ask the user for a secret; returns malloc'd text or NULL. */
	char		*(*ask_secret)(void *, const char *);
	/* Show a message (not a transcript line) to the user. */
	void		 (*say)(void *, const char *);
	/*
	 * Keep a result (:b64, :unb64) where it stays readable: the UI adds
	 * a transcript note.  NULL: say() is used.
	 */
	void		 (*note)(void *, const char *);
	/* Ask a yes/no question; 1 yes.  NULL (scripts): the answer is no. */
	int		 (*confirm)(void *, const char *);
	void		*arg;
	/*
	 * Offline (--replay): s is NULL, t is the transcript that :save and
	 * :export write, source says where it came from ("replayed from F")
	 * and show_secrets stands for --show-secrets.
	 */
	struct transcript *t;
	const char	*source;
	int		 show_secrets;
	/*
	 * :break CODE|off (step mode): returns 0, or -1 after saying why;
	 * NULL where there is nothing to break.
	 */
	int		 (*set_break)(void *, const char *);
	/*
	 * Set by command_run while a '!' form runs (:save! FILE): an
	 * existing file is replaced without asking.  Without it the UI asks
	 * (confirm) and a script refuses.
	 */
	int		 force;
	/* The built-in practice server, for :inbox; NULL elsewhere. */
	struct practice	*practice;
	/*
	 * Lessons (the UI): what is "lesson" (:lesson ARG), "hint" (:hint)
	 * or "explain" (:explain ARG ran, for a check to read); returns 0
	 * or -1 after saying why.  NULL: lessons run only in the UI.
	 */
	int		 (*lesson)(void *, const char *, const char *);
};

struct command_entry {
	const char	*name;
	const char	*usage;
	const char	*help;
	int		 flags;
	/* 0 done, -1 failed (a note says why). */
	int		(*fn)(struct command_ctx *, int, char **);
};

extern const struct command_entry command_table[];

/* Run a line that begins with ':'.  Returns 0 or -1. */
int	 command_run(struct command_ctx *, const char *);
const struct command_entry *command_find(const char *);
/*
 * Check a ':' line before a script runs (arguments, a mechanism smtpscope
 * knows, a file :send can read).  Returns 0, or -1 with a reason in err.
 */
int	 command_check(const char *, char *, size_t);
/*
 * Names beginning with prefix (without ':'): stores up to max of them in
 * out and returns how many matched.
 */
size_t	 command_complete(const char *, const char **, size_t);
/*
 * Does a reply with this code and enhanced code ("" for none) match a
 * pattern as :expect and :break take them: "250", "2xx", "25x",
 * "5.7.8" (enhanced) or "235 2.7.0"?  Returns 1 or 0.
 */
int	 command_code_match(const char *, int, const char *);

#endif
