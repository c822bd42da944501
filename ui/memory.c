/*
 * memory.c: what the UI keeps across runs.  At start the config file
 * (theme, sidebar width, timestamps, mouse, history on/off; warnings go
 * to stderr and the transcript) and the entry history; at the end the
 * history again.  Command-line options win over the file.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/history.h"
#include "smtpscope/prefs.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

/* Read the config file and the history; before curses starts. */
void
memory_start(struct ui *ui)
{
	struct prefs	 pr;
	char		*path, err[512];

	path = prefs_path();
	prefs_load(&pr, path);
	if (pr.theme != NULL && theme_select(pr.theme) == -1)
		prefs_warn(&pr, "%s: theme: unknown theme '%s' (dark, light "
		    "or high-contrast)", path, pr.theme);
	if (pr.sidebar == 0)
		ui->side_mode = SIDE_HIDDEN;
	else if (pr.sidebar > 0) {
		ui->cfg_side = pr.sidebar;
		ui->cfg_side_pct = pr.sidebar_pct;
	}
	if (pr.timestamps != -1 && !ui->p->timing)
		ui->timing = pr.timestamps;
	ui->cfg_mouse_off = (pr.mouse == 0);
	if (pr.history != 0)
		ui->hist_path = history_path();
	if (ui->hist_path != NULL && history_load(&ui->le, ui->hist_path,
	    err, sizeof err) == -1)
		prefs_warn(&pr, "history: %s", err);
	if (pr.warnings != NULL) {
		fprintf(stderr, "smtpscope: config: %s\n", pr.warnings);
		ui->cfg_warnings = pr.warnings;
		pr.warnings = NULL;
	}
	prefs_free(&pr);
	free(path);
}

/* Show the warnings where the user looks: a note in the transcript. */
void
memory_notes(struct ui *ui)
{
	char	*line, *next;

	if (ui->cfg_warnings == NULL)
		return;
	for (line = ui->cfg_warnings; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (ui->s != NULL)
			session_note(ui->s, TDIR_WARN, "config: %s", line);
		else
			ui_say(ui, 1, "config: %s", line);
	}
	free(ui->cfg_warnings);
	ui->cfg_warnings = NULL;
}

/* Write the history back; after curses has ended. */
void
memory_end(struct ui *ui)
{
	char	err[512];

	if (ui->hist_path != NULL && history_save(&ui->le, ui->hist_path,
	    err, sizeof err) == -1)
		fprintf(stderr, "smtpscope: history not saved: %s\n", err);
	free(ui->hist_path);
	ui->hist_path = NULL;
	free(ui->cfg_warnings);
	ui->cfg_warnings = NULL;
}
