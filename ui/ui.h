/*
 * ui: the terminal front end.  The only part of smtpscope that includes
 * curses; it never touches a socket, it drives a struct session.
 */
#ifndef SMTPSCOPE_UI_H
#define SMTPSCOPE_UI_H

#include "smtpscope/session.h"

struct practice;

struct ui_params {
	struct session_params	 sp;
	const char		*user;		/* --user */
	char			*password;	/* owned, wiped; or NULL */
	int			 no_color;	/* --no-color or NO_COLOR */
	int			 timing;	/* show per-line times */
	struct practice		*practice;	/* serve it in the same loop */
	const char		*welcome;	/* first note, or NULL */
};

/* Run the interactive UI until the user quits; returns an exit code. */
int	 ui_run(struct ui_params *);

#endif
