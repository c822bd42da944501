/*
 * entry_rl.c: the readline keys of the entry line that need more than the
 * editor: Ctrl-R searches the history backwards as the needle is typed
 * (Ctrl-R again: an older match; Enter sends the match, Esc keeps it for
 * editing, Ctrl-G puts the old line back), and Alt-b/Alt-f move by words.
 * Ctrl-Y and Ctrl-Left/Right are plain editing keys (pane_entry.c).
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/lineedit.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

#define CTRL(c)		((c) & 0x1f)

/* Show the newest match older than from; 0, or -1 when there is none. */
static int
rl_find(struct ui *ui, size_t from)
{
	long	i;

	i = lineedit_hist_find(&ui->le, buf_str(&ui->hs_needle), from);
	if (i == -1) {
		ui_say(ui, 1, "no %shistory line contains \"%s\"",
		    from < ui->le.nhist ? "older " : "",
		    buf_str(&ui->hs_needle));
		return (-1);
	}
	ui->hs_from = (size_t)i;
	lineedit_set(&ui->le, ui->le.hist[i]);
	return (0);
}

/* Leave the search: keep the match (keep 1) or put the old line back. */
static void
rl_end(struct ui *ui, int keep)
{
	if (!keep)
		lineedit_set(&ui->le, ui->hs_orig != NULL ? ui->hs_orig : "");
	free(ui->hs_orig);
	ui->hs_orig = NULL;
	buf_reset(&ui->hs_needle);
	ui->hsearch = 0;
	ui->le.hpos = ui->le.nhist;
	ui->entry_off = 0;
	ui->dirty = 1;
}

/* Drop the last character of the needle. */
static void
rl_needle_back(struct ui *ui)
{
	struct buf	*b = &ui->hs_needle;

	while (b->len > 0) {
		b->len--;
		if (((unsigned char)b->data[b->len] & 0xc0) != 0x80)
			break;
	}
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

/*
 * Ctrl-R, and every key while its search runs.  Returns 0 when the key
 * is not for it (after ending the search: the caller handles the key),
 * 1 when taken, 2 when the match is to be sent now.
 */
int
entry_rl_key(struct ui *ui, int type, wint_t ch)
{
	char	u[8];
	size_t	n;

	if (!ui->hsearch) {
		if (type == KEY_CODE_YES || ch != CTRL('R'))
			return (0);
		if (ui->le.nhist == 0) {
			ui_say(ui, 0, "no history yet: Ctrl-R searches the lines "
			    "sent before");
			return (1);
		}
		ui->hsearch = 1;
		ui->hs_orig = xstrndup(buf_str(&ui->le.text), ui->le.text.len);
		buf_reset(&ui->hs_needle);
		ui->hs_from = ui->le.nhist;
		ui->dirty = 1;
		return (1);
	}
	ui->dirty = 1;
	if (type == KEY_CODE_YES) {
		if (ch == KEY_ENTER) {
			rl_end(ui, 1);
			return (2);
		}
		if (ch == KEY_BACKSPACE) {
			rl_needle_back(ui);
			rl_find(ui, ui->le.nhist);
			return (1);
		}
		rl_end(ui, 1);
		return (0);
	}
	switch (ch) {
	case CTRL('R'):
		rl_find(ui, ui->hs_from);
		return (1);
	case CTRL('G'):
	case CTRL('C'):
		rl_end(ui, 0);
		return (1);
	case '\r':
	case '\n':
		rl_end(ui, 1);
		return (2);
	case 0x1b:
		rl_end(ui, 1);
		return (1);
	case CTRL('H'):
	case 0x7f:
		rl_needle_back(ui);
		rl_find(ui, ui->le.nhist);
		return (1);
	}
	if (ch < 0x20 || ch == 0x7f) {
		rl_end(ui, 1);
		return (0);
	}
	n = wctomb(u, (wchar_t)ch);
	if (n == (size_t)-1 || n > sizeof u)
		return (1);
	buf_add(&ui->hs_needle, u, n);
	rl_find(ui, ui->le.nhist);
	return (1);
}

/* Alt-b and Alt-f in an editor; returns 1 when taken. */
int
entry_rl_alt(struct ui *ui, struct lineedit *le, wint_t ch)
{
	switch (ch) {
	case 'b':
	case 'B':
		lineedit_word_left(le);
		break;
	case 'f':
	case 'F':
		lineedit_word_right(le);
		break;
	default:
		return (0);
	}
	ui->dirty = 1;
	return (1);
}

/* Free what the history search holds. */
void
entry_rl_free(struct ui *ui)
{
	free(ui->hs_orig);
	ui->hs_orig = NULL;
	buf_free(&ui->hs_needle);
}
