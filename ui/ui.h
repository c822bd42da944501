/*
 * ui: the terminal front end.  The only part of smtpscope that includes
 * curses; it never touches a socket, it drives a struct session.
 */
#ifndef SMTPSCOPE_UI_H
#define SMTPSCOPE_UI_H

#include "smtpscope/session.h"

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
};

/* Run the interactive UI until the user quits; returns an exit code. */
int	 ui_run(struct ui_params *);

#endif
