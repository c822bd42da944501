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
	"## Keys: one grammar",
	"The entry line edits like readline; the panes that are read (the",
	"transcript after Tab, a replay, this help, an explanation) take",
	"less-style keys.  The hint line shows the keys that work right now.",
	"",
	"## Everywhere",
	"F1 or ?        this help (? on an empty smtp> line or in a pane)",
	"F2 / F4        sidebar on and off / wider (four widths, cycles)",
	"F3             per-line timing on/off",
	"PgUp / PgDn    scroll the transcript; the wheel scrolls the pane",
	"               under the pointer, a click selects a line",
	"Shift-PgUp/Dn  scroll the sidebar",
	"Ctrl-L         redraw the screen",
	"",
	"## Entry line (smtp>, data>, answer>)",
	"Enter          send the line (or run a :command)",
	"Up / Down      history; Ctrl-R searches it (again: older)",
	"Left / Right   a character; Ctrl-B / Ctrl-F too",
	"Alt-b / Alt-f  a word back / forward; Ctrl-Left / Ctrl-Right too",
	"Home / End     start / end of the line; Ctrl-A / Ctrl-E too",
	"Backspace/Del  delete; Ctrl-K/U/W kill to end/start/word",
	"Ctrl-Y         yank (put back) the last kill",
	"Tab            complete a :command, else the transcript pane",
	"On an empty smtp> line (never in a message or an answer):",
	"  /            search the transcript",
	"  [ ]          scroll the sidebar; < > narrow / widen it",
	"  Home / End   first / last transcript line",
	"Ctrl-D         quit (empty line at smtp>); or :quit, F10",
	"               in a message it says how to end it instead",
	"",
	"## Transcript pane (Tab) and replay",
	"j k, Up Down   select a line; the sidebar explains it",
	"g G, Home End  first / last line",
	"/ n N          search (wraps, matches highlighted); next /",
	"               previous match: older lines live, later in a replay",
	"e E            next / previous error: 4xx, 5xx or warning",
	"f              filter: errors only, client lines only, quiet (no",
	"               EHLO lists, no TLS details), everything",
	"y Y            copy the line / the whole reply (OSC 52; masked",
	"               lines copy masked unless --show-secrets)",
	"Enter          explain the line full screen (q or Esc closes)",
	"[ ] < >        scroll the sidebar; narrow / widen it",
	"q, Esc, Tab    back to the entry line (a replay: q quits)",
	":              back to the entry line to type a command",
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
	"  Space      run the next command (and its :expect lines)",
	"  c          continue to the end, a breakpoint or a :break",
	"             reply; c again pauses",
	"  b          breakpoint on the selected line (j/k, g/G)",
	"  / n N      search the transcript",
	"  q, Esc     back to the entry line",
	"Typed commands go to the server between steps as usual.",
	"\xe2\x96\xb6" " marks the next line, " "\xe2\x97\x8f" " a breakpoint.",
	"",
	"## Replay (--replay FILE)",
	"Space, Right      show the next line",
	"b, Left           back one line",
	"g G, Home End     first line / every line",
	"j k, Up Down      select a shown line to explain it",
	"/ n N, e E        search, errors: the whole file, shown as found",
	"p                 play at the recorded speed; any key pauses",
	"q                 quit (so does Ctrl-D)",
	"The entry line takes :commands only (:save, :export, :quit).",
	"",
	"## Classroom (--serve on a terminal)",
	"Up Down, j k      select a session (PgUp PgDn, g G)",
	"Enter             open it read-only: its transcript as the",
	"                  server saw it, the sidebar explains a line",
	"q, Esc            back to the table",
	"q in the table    stop the server (asks while sessions are live)",
	"?, F1             this help",
	"",
	"## Intercept (--intercept on a terminal)",
	"The same table and keys, a row per intercepted session.",
	"i                 intercept mode on/off: each command and reply",
	"                  waits; Enter sends the held line on, edit it",
	"                  first, or answer a command with a reply",
	"                  (451 4.7.1 ...); off sends on what is held",
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
	buf_addstr(b, "\nq, Esc or F1 closes this help; j/k, Space and b "
	    "scroll.\n");
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

/*
 * A key while the overlay is open; it takes every key.  Only q, Esc, F1
 * and ? close it: End, Space and the rest scroll or do nothing, so a key
 * meant for the help never lands in the pane behind it.
 */
int
help_key(struct ui *ui, int type, wint_t ch)
{
	int	page = ui->rows - 4 > 1 ? ui->rows - 4 : 1;

	ui->dirty = 1;
	if (type == KEY_CODE_YES) {
		if (ch == KEY_F(1))
			ch = 'q';
		else if ((ch = keys_pager_letter(ch)) == 0)
			return (1);
	}
	switch (ch) {
	case 'k':
		if (ui->help_scroll > 0)
			ui->help_scroll--;
		break;
	case 'j':
		ui->help_scroll++;
		break;
	case 'b':
		ui->help_scroll = ui->help_scroll > page ?
		    ui->help_scroll - page : 0;
		break;
	case ' ':
		ui->help_scroll += page;
		break;
	case 'g':
		ui->help_scroll = 0;
		break;
	case 'G':
		ui->help_scroll = 1 << 20;	/* help_draw clamps it */
		break;
	case 'q':
	case '?':
	case 0x1b:
		ui->help = 0;
		ui->help_scroll = 0;
		break;
	default:
		ui_say(ui, 0, "q or Esc closes the help; j/k, Space and b "
		    "scroll");
		break;
	}
	return (1);
}
