/*
 * frame.c: the frame's titles.  Row 1 names the transcript pane and, when
 * the sidebar sits beside it, the sidebar; a narrow screen names the
 * sidebar in the rule above it.  The pane that has focus is named in
 * brackets and drawn in its own style, and the sidebar's title says which
 * line it explains (the line that carries the same mark in the
 * transcript's right-hand gutter), so neither depends on colour.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "smtpscope/transcript.h"
#include "ui/ui_internal.h"

/* A rule from x over w columns with a title near its left end. */
static void
frame_title(struct ui *ui, int y, int x, int w, const char *label,
    int focused)
{
	char	s[160];

	if (w <= 0)
		return;
	attrset(theme_attr(ui, R_BORDER));
	mvhline(y, x, ACS_HLINE, w);
	attrset(A_NORMAL);
	if (w < 6)
		return;
	snprintf(s, sizeof s, focused ? "[ %s ]" : " %s ", label);
	screen_put(ui, y, x + 1, w - 2, s, strlen(s),
	    focused ? R_TITLE_FOCUS : R_TITLE);
}

/* The sidebar's title: what it shows now. */
static void
side_label(struct ui *ui, char *s, size_t len)
{
	const char	*mark = ui->utf8 ? "\xe2\x97\x80" : "<";	/* ◀ */
	size_t		 target;

	if (ui->has_script) {
		snprintf(s, len, "Script");
		return;
	}
	if (ui->pinned != NULL) {
		snprintf(s, len, "Sidebar: note (Esc clears)");
		return;
	}
	target = transcript_pane_target(ui);
	if (target == (size_t)-1) {
		snprintf(s, len, "Sidebar");
		return;
	}
	if (ui->replay)
		snprintf(s, len, "Sidebar: line %zu of %zu %s",
		    replay_file_line(ui, target + 1),
		    replay_file_line(ui, ui->rp_full->n), mark);
	else
		snprintf(s, len, "Sidebar: line %zu of %zu %s", target + 1,
		    ui->t->n, mark);
}

/* Draw the titles: after the panes' borders, before the cursor moves. */
void
frame_draw(struct ui *ui)
{
	char	side[96];
	int	side_focus;

	if (ui->r_title.h <= 0)
		return;
	side_focus = (ui->focus == FOCUS_SCRIPT);
	side_label(ui, side, sizeof side);
	if (!ui->has_side && !ui->has_script) {
		frame_title(ui, ui->r_title.y, 0, ui->cols, "Transcript",
		    ui->focus == FOCUS_TRANSCRIPT);
		return;
	}
	if (ui->side_below) {
		frame_title(ui, ui->r_title.y, 0, ui->cols, "Transcript",
		    ui->focus == FOCUS_TRANSCRIPT);
		frame_title(ui, ui->r_trans.y + ui->r_trans.h, 0, ui->cols,
		    side, side_focus);
		return;
	}
	frame_title(ui, ui->r_title.y, 0, ui->r_trans.w, "Transcript",
	    ui->focus == FOCUS_TRANSCRIPT);
	attrset(theme_attr(ui, R_BORDER));
	mvaddch(ui->r_title.y, ui->r_trans.w, ACS_TTEE);
	attrset(A_NORMAL);
	frame_title(ui, ui->r_title.y, ui->r_trans.w + 1,
	    ui->cols - ui->r_trans.w - 1, side, side_focus);
}
