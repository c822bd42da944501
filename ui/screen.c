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
#include <stdlib.h>
#include <string.h>
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
	sc = newterm(NULL, stdout, stdin);
	if (sc == NULL)
		return (-1);
	set_term(sc);
	ui->active = 1;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nav_keys_init(ui);
	nodelay(stdscr, TRUE);
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
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
}

/* Place the panes for the current size. */
void
screen_layout(struct ui *ui)
{
	int	body, sw, sh;

	ui->too_small = (ui->rows < UI_MIN_ROWS || ui->cols < UI_MIN_COLS);
	if (ui->too_small)
		return;
	body = ui->rows - 3;
	ui->r_status = (struct rect){ 0, 0, 1, ui->cols };
	ui->r_entry = (struct rect){ ui->rows - 2, 0, 1, ui->cols };
	ui->r_hint = (struct rect){ ui->rows - 1, 0, 1, ui->cols };
	ui->has_side = (ui->side_mode != SIDE_HIDDEN);
	ui->has_script = (ui->script != NULL);
	ui->side_below = 0;
	ui->r_side = (struct rect){ 0, 0, 0, 0 };
	ui->r_script = (struct rect){ 0, 0, 0, 0 };
	if (!ui->has_side && !ui->has_script) {
		ui->r_trans = (struct rect){ 1, 0, body, ui->cols };
		return;
	}
	if (ui->cols >= UI_SIDE_COLS) {
		/* F4, < and > (side_wide) give it a bigger share. */
		sw = ui->cols * (36 + 14 * ui->side_wide) / 100;
		if (sw < 28)
			sw = 28;
		if (sw > 56 && ui->side_wide == 0)
			sw = 56;
		if (sw > ui->cols - 24)
			sw = ui->cols - 24;
		ui->r_trans = (struct rect){ 1, 0, body, ui->cols - sw - 1 };
		ui->r_side = (struct rect){ 1, ui->cols - sw, body, sw };
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
		ui->r_trans = (struct rect){ 1, 0, body - sh - 1, ui->cols };
		ui->r_side = (struct rect){ body - sh + 1, 0, sh, ui->cols };
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
