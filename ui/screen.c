/*
 * screen.c: curses set-up and tear-down, the layout of the panes, the one
 * function that draws a frame, and the text cells every pane draws with.
 * Text reaches the terminal only through cells_add_raw (which sanitises)
 * or cells_add on text that was already sanitised.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <curses.h>
#include <langinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "smtpscope/buf.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

/* Empty the cells, keeping their memory. */
void
cells_reset(struct cells *c)
{
	c->n = 0;
}

void
cells_free(struct cells *c)
{
	free(c->wc);
	free(c->role);
	free(c->w);
	memset(c, 0, sizeof *c);
}

static void
cells_push(struct cells *c, wchar_t wc, int role, int w)
{
	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 256 : c->cap * 2;
		c->wc = xreallocarray(c->wc, c->cap, sizeof *c->wc);
		c->role = xreallocarray(c->role, c->cap, sizeof *c->role);
		c->w = xreallocarray(c->w, c->cap, sizeof *c->w);
	}
	c->wc[c->n] = wc;
	c->role[c->n] = (unsigned char)role;
	c->w[c->n] = (unsigned char)w;
	c->n++;
}

/* Append one safe character, replacing what this terminal cannot show. */
static void
cells_add_cp(struct cells *c, const struct ui *ui, unsigned int cp, int role)
{
	int	w;

	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
		cp = '?';	/* cannot happen after sanitize; be sure */
		role = R_ESCAPED;
	}
	if (cp >= 0x80 && (ui == NULL || !ui->utf8)) {
		cells_push(c, L'?', role, 1);
		return;
	}
	w = wcwidth((wchar_t)cp);
	if (w < 0 || w > 2) {
		cells_push(c, L'?', role, 1);
		return;
	}
	if (w == 0 && (c->n == 0 || c->w[c->n - 1] == 0)) {
		/* A combining mark with nothing to sit on. */
		cells_push(c, L'?', role, 1);
		return;
	}
	cells_push(c, (wchar_t)cp, role, w);
}

/* Append text that is already safe (sanitised or our own). */
void
cells_add(struct cells *c, const struct ui *ui, const char *s, size_t len,
    int role)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 at = 0;
	unsigned int		 cp;

	while (at < len) {
		at += utf8_decode((const char *)p + at, len - at, &cp);
		cells_add_cp(c, ui, cp, role);
	}
}

/*
 * Append bytes from the network: each character that sanitize() would pass
 * is drawn as is, anything else is drawn as its escaped form in R_ESCAPED.
 */
void
cells_add_raw(struct cells *c, const struct ui *ui, const char *s,
    size_t len, int role)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 at = 0, used, run;
	unsigned int		 cp;
	struct buf		 esc;

	buf_init(&esc);
	while (at < len) {
		/* Find a run of clean characters and add it in one go. */
		run = 0;
		while (at + run < len) {
			used = utf8_decode((const char *)p + at + run,
			    len - at - run, &cp);
			if (!sanitize_is_clean(s + at + run, used))
				break;
			run += used;
		}
		if (run > 0) {
			cells_add(c, ui, s + at, run, role);
			at += run;
			continue;
		}
		used = utf8_decode((const char *)p + at, len - at, &cp);
		buf_reset(&esc);
		sanitize(&esc, s + at, used);
		if (esc.len == 1 && esc.data[0] == ' ')
			cells_add(c, ui, " ", 1, role);
		else
			cells_add(c, ui, buf_str(&esc), esc.len, R_ESCAPED);
		at += used;
	}
	buf_free(&esc);
}

/* Columns taken by cells [from, to). */
size_t
cells_width(const struct cells *c, size_t from, size_t to)
{
	size_t	w = 0;

	for (; from < to && from < c->n; from++)
		w += c->w[from];
	return (w);
}

/* A row may end before cell i: after a space, or next to a wide character. */
static int
cells_breakable(const struct cells *c, size_t i)
{
	if (i == 0 || i >= c->n)
		return (1);
	if (c->w[i] == 0)
		return (0);	/* a combining mark stays with its base */
	return (c->wc[i - 1] == L' ' || c->wc[i] == L' ' || c->w[i] == 2 ||
	    c->w[i - 1] == 2);
}

/*
 * Word-wrap: the row that starts at cell from and fits in avail columns.
 * Returns where its visible part ends (trailing spaces left out) and sets
 * *next to where the following row starts (the spaces skipped).  Rows
 * break between words, never at or before cell lo (a prefix such as
 * "S: "); a token longer than the row (an address, a queue id, base64) is
 * cut at the width, and only then.
 */
size_t
cells_wrap(const struct cells *c, size_t from, size_t lo, int avail,
    size_t *next)
{
	size_t	i = from, brk = from, end;
	int	col = 0;

	if (avail < 1)
		avail = 1;
	while (i < c->n) {
		if (col + c->w[i] > avail && i > from)
			break;
		col += c->w[i];
		i++;
		while (i < c->n && c->w[i] == 0)
			i++;
		if (i < c->n && i > lo && cells_breakable(c, i))
			brk = i;
	}
	if (i >= c->n)
		end = c->n;
	else if (i > lo && cells_breakable(c, i))
		end = i;
	else if (brk > from)
		end = brk;
	else
		end = i;	/* one token wider than the row: cut it */
	*next = end;
	while (*next < c->n && c->wc[*next] == L' ')
		(*next)++;
	while (end > from && c->wc[end - 1] == L' ')
		end--;
	/* A row of spaces only still moves on. */
	if (*next == from)
		*next = from + 1 <= c->n ? from + 1 : c->n;
	return (end);
}

/* Draw cells [from, to) at y, x within maxw columns; returns columns used. */
int
screen_put_cells(struct ui *ui, int y, int x, int maxw,
    const struct cells *c, size_t from, size_t to, int extra)
{
	wchar_t	run[256];
	size_t	nrun, i;
	int	col = 0, role;

	if (maxw <= 0)
		return (0);
	move(y, x);
	i = from;
	while (i < to && i < c->n) {
		role = c->role[i];
		nrun = 0;
		while (i < to && i < c->n && c->role[i] == role &&
		    nrun < sizeof run / sizeof run[0] - 1) {
			if (col + c->w[i] > maxw)
				break;
			col += c->w[i];
			run[nrun++] = c->wc[i++];
		}
		if (nrun == 0)
			break;
		run[nrun] = L'\0';
		attrset(theme_attr(ui, role) | (attr_t)extra);
		addnwstr(run, (int)nrun);
	}
	attrset(A_NORMAL);
	return (col);
}

/* Draw network or local text (sanitised here) clipped to maxw columns. */
void
screen_put(struct ui *ui, int y, int x, int maxw, const char *s, size_t len,
    int role)
{
	struct cells	c;

	memset(&c, 0, sizeof c);
	cells_add_raw(&c, ui, s, len, role);
	screen_put_cells(ui, y, x, maxw, &c, 0, c.n, 0);
	cells_free(&c);
}

/* Blank a rectangle with the current attributes. */
void
screen_fill(int y, int x, int h, int w)
{
	int	i;

	for (i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
}

/* The terminal's modes before we started, put back by screen_end(). */
static struct termios	screen_tio;
static int		screen_tio_saved;

/*
 * Flow control off while the UI runs: Ctrl-S would freeze the screen
 * and Ctrl-Q is what nobody remembers.  Curses learns the new modes so
 * they come back after a suspend.
 */
static void
screen_no_flow_control(void)
{
	struct termios	t;

	if (!screen_tio_saved || tcgetattr(STDIN_FILENO, &t) == -1)
		return;
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
		def_prog_mode();
}

/*
 * Bracketed paste on or off: pasted text comes between ESC[200~ and
 * ESC[201~, which curses hands over as two keys of ours (paste.c).
 */
static void
screen_paste_mode(int on)
{
	if (on) {
		define_key("\033[200~", KEY_PASTE_BEGIN);
		define_key("\033[201~", KEY_PASTE_END);
	}
	fputs(on ? "\033[?2004h" : "\033[?2004l", stdout);
	fflush(stdout);
}

/* Start curses; returns 0, or -1 when there is no usable terminal. */
int
screen_init(struct ui *ui)
{
	SCREEN	*sc;
	const char *cs;

	cs = nl_langinfo(CODESET);
	ui->utf8 = (cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0));
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return (-1);
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	screen_tio_saved = (tcgetattr(STDIN_FILENO, &screen_tio) == 0);
	sc = newterm(NULL, stdout, stdin);
	if (sc == NULL)
		return (-1);
	set_term(sc);
	ui->active = 1;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	screen_no_flow_control();
	keypad(stdscr, TRUE);
	nav_keys_init(ui);
	nodelay(stdscr, TRUE);
	screen_paste_mode(1);
	/* mouse = off (config): the terminal keeps its own selection. */
	if (!ui->cfg_mouse_off)
		mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED,
		    NULL);
	mouseinterval(0);
	theme_init(ui);
	getmaxyx(stdscr, ui->rows, ui->cols);
	screen_layout(ui);
	ui->full = 1;
	ui->dirty = 1;
	return (0);
}

/* Give the terminal back as we found it. */
void
screen_end(struct ui *ui)
{
	if (!ui->active)
		return;
	ui->active = 0;
	mousemask(0, NULL);
	curs_set(1);
	endwin();
	screen_paste_mode(0);
	if (screen_tio_saved)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &screen_tio);
}

/* The sidebar width the config file asks for, leaving 40 columns. */
static int
screen_side_cfg(const struct ui *ui)
{
	int	sw;

	sw = ui->cfg_side_pct ? ui->cols * ui->cfg_side / 100 : ui->cfg_side;
	if (sw > ui->cols - 41)
		sw = ui->cols - 41;
	if (sw < 10)
		sw = 10;
	return (sw);
}

/* Place the panes for the current size. */
void
screen_layout(struct ui *ui)
{
	int	body, sw, sh, top;

	ui->too_small = (ui->rows < UI_MIN_ROWS || ui->cols < UI_MIN_COLS);
	if (ui->too_small)
		return;
	/* Row 1 is the frame's title row: which pane has focus. */
	top = 2;
	body = ui->rows - 4;
	ui->r_status = (struct rect){ 0, 0, 1, ui->cols };
	ui->r_title = (struct rect){ 1, 0, 1, ui->cols };
	ui->r_entry = (struct rect){ ui->rows - 2, 0, 1, ui->cols };
	ui->r_hint = (struct rect){ ui->rows - 1, 0, 1, ui->cols };
	ui->has_side = (ui->side_mode != SIDE_HIDDEN);
	ui->has_script = (ui->script != NULL);
	ui->side_below = 0;
	ui->r_side = (struct rect){ 0, 0, 0, 0 };
	ui->r_script = (struct rect){ 0, 0, 0, 0 };
	if (!ui->has_side && !ui->has_script) {
		ui->r_trans = (struct rect){ top, 0, body, ui->cols };
		return;
	}
	if (ui->cols >= UI_SIDE_COLS) {
		/* F4, < and > (side_wide) give it a bigger share. */
		sw = ui->cols * (36 + 14 * ui->side_wide) / 100;
		if (sw < 28)
			sw = 28;
		if (sw > 56 && ui->side_wide == 0)
			sw = 56;
		if (ui->cfg_side > 0)
			sw = screen_side_cfg(ui);
		if (sw > ui->cols - 24)
			sw = ui->cols - 24;
		ui->r_trans = (struct rect){ top, 0, body, ui->cols - sw - 1 };
		ui->r_side = (struct rect){ top, ui->cols - sw, body, sw };
	} else {
		/* Narrow: the sidebar folds under the transcript. */
		sh = ui->has_script && ui->has_side ? body / 2 : body / 3;
		if (ui->side_wide > 0)
			sh = body * (ui->side_wide + 1) / (ui->side_wide + 2);
		if (sh > body - 4)
			sh = body - 4;
		if (sh < 3)
			sh = 3;
		ui->side_below = 1;
		ui->r_trans = (struct rect){ top, 0, body - sh - 1, ui->cols };
		ui->r_side = (struct rect){ top + body - sh, 0, sh, ui->cols };
	}
	/* Step mode: the script takes the top of the side region. */
	if (ui->has_script)
		step_layout(ui, &ui->r_side);
}

/* Ask the terminal its size and re-lay everything. */
void
screen_resize(struct ui *ui)
{
	struct winsize	ws;

	if (!ui->active)
		return;
	/* resizeterm() queues a KEY_RESIZE: only call it on a real change. */
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, ui->rows, ui->cols);
	screen_layout(ui);
	ui->full = 1;
	ui->dirty = 1;
}

/* The notice drawn instead of the panes on a tiny terminal. */
static void
screen_too_small(struct ui *ui)
{
	const char	*lines[3];
	char		 size[48];
	int		 i, y, x, len;

	snprintf(size, sizeof size, "need %dx%d, have %dx%d", UI_MIN_COLS,
	    UI_MIN_ROWS, ui->cols, ui->rows);
	lines[0] = "terminal too small";
	lines[1] = size;
	lines[2] = "Ctrl-D quits";
	y = ui->rows / 2 - 1;
	if (y < 0)
		y = 0;
	for (i = 0; i < 3 && y + i < ui->rows; i++) {
		len = (int)strlen(lines[i]);
		x = (ui->cols - len) / 2;
		if (x < 0)
			x = 0;
		screen_put(ui, y + i, x, ui->cols - x, lines[i],
		    strlen(lines[i]), i == 0 ? R_ERRMSG : R_NORMAL);
	}
}

/* Draw a full frame: every pane, then the cursor; curses sends the diff. */
void
screen_draw(struct ui *ui)
{
	int	i;

	if (!ui->active)
		return;
	if (ui->full) {
		clearok(curscr, TRUE);
		ui->full = 0;
	}
	erase();
	ui->cur_show = 0;
	if (ui->too_small) {
		screen_too_small(ui);
		curs_set(0);
		refresh();
		ui->dirty = 0;
		return;
	}
	if (ui->classroom && ui->cr_id == 0) {
		classroom_draw(ui);
		if (ui->help)
			help_draw(ui);
		curs_set(0);
		refresh();
		ui->dirty = 0;
		return;
	}
	status_draw(ui);
	transcript_pane_draw(ui);
	if (ui->has_side || ui->has_script) {
		attrset(theme_attr(ui, R_BORDER));
		if (ui->side_below)
			mvhline(ui->r_trans.y + ui->r_trans.h, 0, ACS_HLINE,
			    ui->cols);
		else
			for (i = 0; i < ui->r_trans.h; i++)
				mvaddch(ui->r_trans.y + i, ui->r_trans.w,
				    ACS_VLINE);
		attrset(A_NORMAL);
		if (ui->has_script)
			step_draw(ui);
		if (ui->has_side && ui->r_side.h > 0)
			sidebar_draw(ui);
	}
	frame_draw(ui);
	entry_draw(ui);
	hint_draw(ui);
	if (ui->explain)
		explain_draw(ui);
	if (ui->help)
		help_draw(ui);
	if (ui->cur_show && !ui->help && !ui->explain) {
		curs_set(1);
		move(ui->cur_y, ui->cur_x);
	} else
		curs_set(0);
	refresh();
	ui->dirty = 0;
}
