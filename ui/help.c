/*
 * help.c: the help overlay (F1 or ?): every key, then every ':' command
 * with its usage and help line, taken from the command table, then the
 * keys of step mode and replay.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/command.h"
#include "ui/ui_internal.h"

static const char *help_keys[] = {
	"## Keys",
	"Enter          send the line (or run a :command)",
	"Up / Down      history (entry); select a line (transcript)",
	"Left / Right   move in the line; Home/End, Ctrl-A/E too",
	"Backspace/Del  delete; Ctrl-K/U/W kill to end/start/word",
	"Tab            complete a :command, else switch focus",
	"PgUp / PgDn    scroll the transcript; mouse wheel too",
	"Home / End     first / last line (transcript, empty entry)",
	"/ n N          search; next older / newer match",
	"[ ]            scroll the sidebar (Shift-PgUp/PgDn too)",
	"F1 or ?        this help; F2 sidebar on/off",
	"F3             per-line timing on/off",
	"Ctrl-L         redraw the screen",
	"Ctrl-D         quit (empty line at smtp>); or :quit, F10",
	"               in a message it says how to end it instead",
	"",
	"## Modes",
	"smtp>    lines go to the server as typed, CRLF added",
	"data>    after 354: message content, a lone . ends it;",
	"         lines typed before the 354 wait for it",
	"answer>  after 334: base64-encoded for you (:raw to paste)",
	"",
	"## Commands",
	NULL
};

/* After the commands: the keys of step mode and replay. */
static const char *help_more[] = {
	"",
	"## Step mode (--script FILE --step)",
	"Tab cycles focus: entry, script pane, transcript",
	"Space        on an empty entry line: run the next command",
	"F6 / F5      step / continue, whatever has focus",
	"In the script pane (Tab):",
	"  Space, n   run the next command (and its :expect lines)",
	"  c          continue to the end, a breakpoint or a :break",
	"             reply; c again pauses",
	"  b          breakpoint on the selected line (Up/Down, j/k)",
	"  Esc/Enter  back to the entry line; typing goes there too",
	"Typed commands go to the server between steps as usual.",
	"\xe2\x96\xb6" " marks the next line, " "\xe2\x97\x8f" " a breakpoint.",
	"",
	"## Replay (--replay FILE)",
	"Space, n, Right   show the next line",
	"b, Left           back one line",
	"Home / End        first / last line",
	"Up / Down         select a shown line to explain it",
	"p                 play at the recorded speed; any key pauses",
	"The entry line takes :commands only (:save, :export, :quit).",
	NULL
};

/* Add text as rows of at most width columns, wrapped at spaces. */
static void
help_wrap(struct buf *b, const char *indent, const char *s, int width)
{
	size_t	len, cut, avail;

	avail = width > (int)strlen(indent) + 8 ?
	    (size_t)width - strlen(indent) : 8;
	while (*s != '\0') {
		len = strlen(s);
		cut = len;
		if (len > avail) {
			cut = avail;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = avail;
		}
		buf_printf(b, "%s%.*s\n", indent, (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
	}
}

/* Build the overlay's text, one entry per row. */
static void
help_text(struct buf *b, int width)
{
	const struct command_entry	*ce;
	const char			*names[64];
	size_t				 i, n;

	for (i = 0; help_keys[i] != NULL; i++)
		buf_printf(b, "%s\n", help_keys[i]);
	n = command_complete("", names, sizeof names / sizeof names[0]);
	for (i = 0; i < n; i++) {
		ce = command_find(names[i]);
		if (ce == NULL)
			continue;
		if (ce->usage != NULL && ce->usage[0] == ':')
			buf_printf(b, "%s\n", ce->usage);
		else
			buf_printf(b, ":%s %s\n", ce->name,
			    ce->usage != NULL ? ce->usage : "");
		if (ce->help != NULL)
			help_wrap(b, "    ", ce->help, width);
	}
	for (i = 0; help_more[i] != NULL; i++)
		buf_printf(b, "%s\n", help_more[i]);
	buf_addstr(b, "\nEsc, q or F1 closes this help.\n");
}

/* Draw the overlay in a box over the panes. */
void
help_draw(struct ui *ui)
{
	struct buf	 b;
	const char	*s, *nl;
	int		 h, w, y0, x0, row, y, total = 0;
	size_t		 len;

	h = ui->rows - 2;
	w = ui->cols - 4 > 76 ? 76 : ui->cols - 4;
	if (h < 3 || w < 10)
		return;
	y0 = 1;
	x0 = (ui->cols - w) / 2;
	attrset(A_NORMAL);
	screen_fill(y0, x0, h, w);
	attrset(theme_attr(ui, R_BORDER));
	mvhline(y0, x0, ACS_HLINE, w);
	mvhline(y0 + h - 1, x0, ACS_HLINE, w);
	mvvline(y0, x0, ACS_VLINE, h);
	mvvline(y0, x0 + w - 1, ACS_VLINE, h);
	mvaddch(y0, x0, ACS_ULCORNER);
	mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
	attrset(theme_attr(ui, R_HEADING));
	mvaddstr(y0, x0 + 2, " smtpscope help ");
	attrset(A_NORMAL);

	buf_init(&b);
	help_text(&b, w - 4);
	for (s = buf_str(&b); *s != '\0'; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			break;
		total++;
	}
	if (ui->help_scroll > total - (h - 2))
		ui->help_scroll = total - (h - 2) > 0 ? total - (h - 2) : 0;
	row = 0;
	for (s = buf_str(&b); *s != '\0'; s = nl + 1, row++) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			break;
		y = row - ui->help_scroll;
		if (y < 0 || y >= h - 2)
			continue;
		len = (size_t)(nl - s);
		if (len >= 3 && strncmp(s, "## ", 3) == 0)
			screen_put(ui, y0 + 1 + y, x0 + 2, w - 4, s + 3,
			    len - 3, R_HEADING);
		else
			screen_put(ui, y0 + 1 + y, x0 + 2, w - 4, s, len,
			    s[0] == ':' ? R_CLIENT : R_NORMAL);
	}
	buf_free(&b);
}

/* A key while the overlay is open; returns 1 (it takes every key). */
int
help_key(struct ui *ui, int type, wint_t ch)
{
	int	page = ui->rows - 4 > 1 ? ui->rows - 4 : 1;

	ui->dirty = 1;
	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_UP:
			if (ui->help_scroll > 0)
				ui->help_scroll--;
			return (1);
		case KEY_DOWN:
			ui->help_scroll++;
			return (1);
		case KEY_PPAGE:
			ui->help_scroll = ui->help_scroll > page ?
			    ui->help_scroll - page : 0;
			return (1);
		case KEY_NPAGE:
			ui->help_scroll += page;
			return (1);
		case KEY_HOME:
			ui->help_scroll = 0;
			return (1);
		case KEY_RESIZE:
			return (1);
		}
	}
	if (type != KEY_CODE_YES && (ch == 'k' || ch == 'j')) {
		if (ch == 'k' && ui->help_scroll > 0)
			ui->help_scroll--;
		else if (ch == 'j')
			ui->help_scroll++;
		return (1);
	}
	ui->help = 0;
	ui->help_scroll = 0;
	return (1);
}
