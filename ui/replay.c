/*
 * replay.c: --replay FILE.  There is no session and no socket: rp_view is
 * a window on the loaded transcript that holds only its first n lines, so
 * the panes and the sidebar see exactly what a live session would have
 * had at that moment.  Keys step forward and back; 'p' plays the rest at
 * the recorded speed and any key pauses it.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/replay.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

#define PLAY_UNTIMED	0.5	/* seconds per line without recorded times */
#define PLAY_MAX_GAP	5.0	/* longer recorded pauses are cut to this */

/* Start on the first line of the transcript the caller loaded. */
void
replay_init(struct ui *ui)
{
	struct transcript	*full = ui->p->replay;
	size_t			 i;

	/* The counter counts the file's lines, not the notes we added. */
	ui->rp_lineno = xreallocarray(NULL, full->n + 1,
	    sizeof *ui->rp_lineno);
	ui->rp_lineno[0] = 0;
	for (i = 0; i < full->n; i++)
		ui->rp_lineno[i + 1] = ui->rp_lineno[i] +
		    !(full->lines[i].flags & TL_ADDED);
	ui->replay = 1;
	ui->rp_full = full;
	if (!ui->p->replay_timed)
		ui->timing = 0;		/* --timing: no times to show */
	ui->rp_view = *full;
	ui->rp_view.log = NULL;
	ui->rp_view.on_add = NULL;
	ui->rp_view.arg = NULL;
	ui->rp_view.n = full->n > 0 ? 1 : 0;
	ui->t = &ui->rp_view;
	ui->follow = 1;
	ui->sel = 0;
}

/*
 * F3 on a replay of a file without times: say so (and return 1) rather
 * than show "+0.000s" on every line.
 */
int
replay_untimed(struct ui *ui)
{
	if (!ui->replay || ui->p->replay_timed)
		return (0);
	ui->timing = 0;
	ui_say(ui, 0, "this file has no times: F3 has nothing to show "
	    "(a :save with --timing records them)");
	return (1);
}

/* How many lines of the file the first n transcript lines hold. */
size_t
replay_file_line(const struct ui *ui, size_t n)
{
	if (ui->rp_lineno == NULL)
		return (n);
	if (n > ui->rp_full->n)
		n = ui->rp_full->n;
	return (ui->rp_lineno[n]);
}

/* Show the first n lines (at least one) and select the last of them. */
void
replay_show(struct ui *ui, size_t n)
{
	size_t	total = ui->rp_full->n;

	if (n > total)
		n = total;
	if (n < 1 && total > 0)
		n = 1;
	ui->rp_view.n = n;
	free(ui->pinned);
	ui->pinned = NULL;
	ui->follow = 1;
	ui->side_scroll = 0;
	if (n > 0)
		transcript_pane_select(ui, n - 1);
	ui->dirty = 1;
}

/* Seconds to wait before line i shows while playing. */
static double
replay_gap(struct ui *ui, size_t i)
{
	double	d;

	if (!ui->p->replay_timed)
		return (PLAY_UNTIMED);
	d = replay_delay(ui->rp_full, i);
	if (d > PLAY_MAX_GAP)
		d = PLAY_MAX_GAP;
	return (d < 0 ? 0 : d);
}

static void
replay_next(struct ui *ui)
{
	size_t	n;

	if (ui->rp_view.n >= ui->rp_full->n) {
		ui_say(ui, 0, "end of the transcript (%zu lines); b goes back, "
		    "Home to the start", replay_file_line(ui, ui->rp_full->n));
		replay_show(ui, ui->rp_view.n);
		return;
	}
	n = ui->rp_view.n + 1;
	while (n < ui->rp_full->n && !nav_visible(ui, n - 1))
		n++;
	replay_show(ui, n);
}

static void
replay_back(struct ui *ui)
{
	if (ui->rp_view.n <= 1)
		ui_say(ui, 0, "this is the first line");
	replay_show(ui, ui->rp_view.n - 1);
}

static void
replay_play(struct ui *ui)
{
	if (ui->rp_view.n >= ui->rp_full->n) {
		ui_say(ui, 0, "already at the end; Home goes back to the start");
		return;
	}
	ui->playing = 1;
	ui->play_next = transcript_now() + replay_gap(ui, ui->rp_view.n);
	ui_say(ui, 0, "playing at the recorded speed%s; any key pauses",
	    ui->p->replay_timed ? "" : " (no times in the file: 0.5 s a line)");
}

/*
 * A key in replay mode; returns 1 when it was a replay key.  While playing
 * every key pauses.  While a ':' command is being typed in the entry line
 * the keys belong to the line editor.  A replay is a read-only view: with
 * the entry line empty the keys are nav.c's (j k / n N e E f y Y Enter),
 * plus Space or Right for the next line, b or Left for the one before,
 * g/Home and G/End for the first and the last, p to play, q to leave.
 */
int
replay_key(struct ui *ui, int type, wint_t ch)
{
	int	entry = (ui->focus == FOCUS_ENTRY);

	if (ui->playing) {
		ui->playing = 0;
		ui_say(ui, 0, "paused at line %zu of %zu; p plays on",
		    replay_file_line(ui, ui->rp_view.n),
		    replay_file_line(ui, ui->rp_full->n));
		return (1);
	}
	if (entry && ui->le.text.len > 0)
		return (0);
	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_RIGHT:
			replay_next(ui);
			return (1);
		case KEY_LEFT:
			replay_back(ui);
			return (1);
		case KEY_HOME:
			replay_show(ui, 1);
			return (1);
		case KEY_END:
			replay_show(ui, ui->rp_full->n);
			return (1);
		}
		return (nav_key(ui, type, ch));
	}
	switch (ch) {
	case ' ':
		replay_next(ui);
		return (1);
	case 'b':
		replay_back(ui);
		return (1);
	case 'g':
		replay_show(ui, 1);
		return (1);
	case 'G':
		replay_show(ui, ui->rp_full->n);
		return (1);
	case 'p':
		replay_play(ui);
		return (1);
	case 'q':
		ui->quit = 1;
		return (1);
	}
	if (nav_key(ui, type, ch))
		return (1);
	if (entry && ch >= 0x20 && ch != 0x7f && ch != ':') {
		ui_say(ui, 0, "a replay sends nothing: Space next line, b back, "
		    "/ n N search, e E errors, q quit; :save, :export");
		return (1);
	}
	return (0);
}

/* Milliseconds until the next line shows while playing, else -1. */
int
replay_timeout(struct ui *ui)
{
	double	d;

	if (!ui->replay || !ui->playing)
		return (-1);
	d = (ui->play_next - transcript_now()) * 1000.0;
	if (d < 0)
		return (0);
	return ((int)d + 1);
}

/* Show the lines whose time has come. */
void
replay_tick(struct ui *ui)
{
	double	now;

	if (!ui->replay || !ui->playing)
		return;
	now = transcript_now();
	while (ui->playing && now >= ui->play_next) {
		replay_show(ui, ui->rp_view.n + 1);
		if (ui->rp_view.n >= ui->rp_full->n) {
			ui->playing = 0;
			ui_say(ui, 0, "end of the transcript (%zu lines)",
			    replay_file_line(ui, ui->rp_full->n));
			break;
		}
		ui->play_next += replay_gap(ui, ui->rp_view.n);
	}
}
