/*
 * exit.c: leaving without losing work.  Ctrl-C (SIGINT) and F10 on a
 * connected session ask first, in the entry line, and offer to save the
 * transcript; :quit and Ctrl-D, typed on purpose, do not ask.  While any
 * question is open Ctrl-C and F10 cancel it instead.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/command.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

/* A message is open or waits for its 354 (keys.c asks about that). */
static int
exit_in_message(const struct ui *ui)
{
	const struct session_info	*in = session_info(ui->s);

	return (in->mode == SMODE_DATA || in->data_pending || in->held > 0);
}

/* The answer names a save: "s FILE" or "save FILE"; returns FILE or NULL. */
static const char *
exit_save_target(const char *ans)
{
	size_t	n;

	n = strcspn(ans, " \t");
	if ((n == 1 && (ans[0] == 's' || ans[0] == 'S')) ||
	    (n == 4 && strncasecmp(ans, "save", 4) == 0)) {
		ans += n;
		ans += strspn(ans, " \t");
		return (ans);
	}
	return (NULL);
}

/* Ctrl-C or F10: quit, asking first when a live session would be lost. */
void
exit_request(struct ui *ui)
{
	const struct session_info	*in;
	const char			*file;
	char				*q, *ans, *cmd;
	int				 rc;

	if (ui->asking) {
		ui->ask_cancel = 1;
		ui->dirty = 1;
		return;
	}
	/*
	 * Nothing to lose before the server has said anything (a hanging
	 * connect or TLS handshake); too small to ask, the notice there says
	 * Ctrl-D quits; a message open: keys.c asks about that.
	 */
	if (ui->s == NULL || ui->too_small || !session_info(ui->s)->connected ||
	    session_reply_count(ui->s) == 0 || exit_in_message(ui)) {
		keys_quit(ui);
		return;
	}
	in = session_info(ui->s);
	q = xprintf("Close the connection to %s and quit? (yes, no, or "
	    "save FILE first)", in->host != NULL ? in->host : "the server");
	ans = ui_ask_plain(ui, q);
	free(q);
	if (ans == NULL || ui->quit) {
		free(ans);
		return;
	}
	if (strcasecmp(ans, "y") == 0 || strcasecmp(ans, "yes") == 0)
		ui->quit = 1;
	else if ((file = exit_save_target(ans)) != NULL) {
		if (*file == '\0')
			ui_say(ui, 1, "save what? answer \"save FILE\" to save "
			    "the transcript and quit");
		else {
			cmd = xprintf(":save %s", file);
			rc = command_run(&ui->cctx, cmd);
			free(cmd);
			if (rc == 0)
				ui->quit = 1;
		}
	} else
		ui_say(ui, 0, "still connected (:quit or Ctrl-D on an empty "
		    "line leaves without asking)");
	free(ans);
	ui->dirty = 1;
}
