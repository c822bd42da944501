/*
 * ui: the terminal front end.  The only part of smtpscope that includes
 * curses; it never touches a socket, it drives a struct session.
 */
#ifndef SMTPSCOPE_UI_H
#define SMTPSCOPE_UI_H

#include "smtpscope/session.h"

struct intercept;
struct lesson;
struct practice;
struct script_file;
struct transcript;

struct ui_params {
	struct session_params	 sp;
	const char		*user;		/* --user */
	char			*password;	/* owned, wiped; or NULL */
	int			 no_color;	/* --no-color or NO_COLOR */
	int			 timing;	/* show per-line times */
	struct practice		*practice;	/* serve it in the same loop */
	const char		*welcome;	/* first note, or NULL */
	/* --lesson: the lesson to run (number 1.., or 0 for a file). */
	const struct lesson	*lesson;
	int			 lesson_num;

	/* --script FILE --step: run the script one line per key press. */
	struct script_file	*script;

	/*
	 * --replay FILE: no session and no socket; the UI steps through
	 * this transcript (owned by the caller).
	 */
	struct transcript	*replay;
	const char		*replay_path;
	const char		*replay_format;	/* replay_format_name() */
	int			 replay_timed;	/* lines carry recorded times */

	/*
	 * --serve on a terminal: the classroom view of practice (no session
	 * of our own).  Give the server ui_classroom_log as its log_cb.
	 */
	int			 classroom;
	const char		*classroom_listen;	/* "127.0.0.1:2525" */
	size_t			 classroom_budget;	/* memory budget */
	/*
	 * --intercept on a terminal: the same view, of the intercepted
	 * sessions (classroom is set too); served in the UI's loop.
	 */
	struct intercept	*intercept;
	const char		*intercept_upstream;	/* "host port 25" */
};

/*
 * Choose the colour theme before ui_run(): "dark" (the default), "light"
 * or "high-contrast".  Returns 0, or -1 for a name it does not know;
 * theme_names() lists the names for a message.
 */
int	 theme_select(const char *);
/* The same for --theme, which a config file's theme cannot change. */
int	 theme_select_cmdline(const char *);
const char *theme_names(void);

/* practice_params.log_cb for the classroom: lines for its log strip. */
void	 ui_classroom_log(void *, const char *);

/* Run the interactive UI until the user quits; returns an exit code. */
int	 ui_run(struct ui_params *);

#endif
