/*
 * explain.c: Enter on a transcript line opens its explanation full screen,
 * laid out by the sidebar's code over the whole body of the screen, so a
 * 60x20 terminal reads it in 16 rows instead of 4.  j/k and Space scroll;
 * q or Esc closes.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_internal.h"

#define CTRL(c)		((c) & 0x1f)

/* Open the view on the line the sidebar explains. */
void
explain_open(struct ui *ui)
{
	if (transcript_pane_target(ui) == (size_t)-1) {
		ui_say(ui, 0, "nothing to explain yet");
		return;
	}
	free(ui->pinned);
	ui->pinned = NULL;
	ui->explain = 1;
	ui->explain_scroll = 0;
	ui->dirty = 1;
}

/* Draw the view over every row but the status and hint bars. */
void
explain_draw(struct ui *ui)
{
	struct rect	save = ui->r_side;
	int		scroll = ui->side_scroll;
	char		title[96];

	if (ui->rows < 5)
		return;
	attrset(A_NORMAL);
	screen_fill(1, 0, ui->rows - 2, ui->cols);
	snprintf(title, sizeof title, "Explanation  (q or Esc closes, j/k "
	    "and Space scroll)");
	screen_put(ui, 1, 1, ui->cols - 2, title, strlen(title), R_HEADING);
	ui->r_side = (struct rect){ 2, 1, ui->rows - 4, ui->cols - 2 };
	ui->side_scroll = ui->explain_scroll;
	sidebar_draw(ui);
	ui->explain_scroll = ui->side_scroll;	/* clamped to the text */
	ui->side_scroll = scroll;
	ui->r_side = save;
}

/* A key while the view is open; it takes every key. */
int
explain_key(struct ui *ui, int type, wint_t ch)
{
	int	page = ui->rows > 6 ? ui->rows - 5 : 1;

	ui->dirty = 1;
	if (type == KEY_CODE_YES) {
		if (ch == KEY_F(1)) {
			ui->explain = 0;
			ui->help = 1;
			ui->help_scroll = 0;
			return (1);
		}
		if ((ch = keys_pager_letter(ch)) == 0)
			return (1);
	}
	switch (ch) {
	case 'j':
		ui->explain_scroll++;
		break;
	case 'k':
		if (ui->explain_scroll > 0)
			ui->explain_scroll--;
		break;
	case ' ':
		ui->explain_scroll += page;
		break;
	case 'b':
		ui->explain_scroll = ui->explain_scroll > page ?
		    ui->explain_scroll - page : 0;
		break;
	case 'g':
		ui->explain_scroll = 0;
		break;
	case 'G':
		ui->explain_scroll = 1 << 20;
		break;
	case 'q':
	case 0x1b:
	case '\r':
	case '\n':
	case CTRL('C'):
		ui->explain = 0;
		break;
	default:
		ui_say(ui, 0, "q or Esc closes the explanation; j/k and Space "
		    "scroll");
		break;
	}
	return (1);
}
