/*
 * nav.c: one grammar for the panes that are read, not typed into: the
 * transcript with focus (Tab), a replay, the script pane.  j/k and the
 * arrows select, g/G go to the first and last line, / searches and n/N
 * repeat it (both ways, wrapping, matches highlighted), e/E jump between
 * errors (4xx, 5xx, warnings), f filters what the pane shows, y/Y copy,
 * Enter explains the line full screen.  A replay searches the whole file
 * and reveals the lines up to a match.
 */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "smtpscope/lineedit.h"
#include "smtpscope/phase.h"
#include "smtpscope/session.h"
#include "smtpscope/transcript.h"
#include "ui/ui_internal.h"

#define NAV_TERM_MAX	256
#define SIDE_STEP	3
#define SIDE_WIDE_MAX	3

static const char *filter_names[NAV_NFILTERS] = {
	"everything",
	"errors only (4xx, 5xx, warnings)",
	"client lines only",
	"no EHLO lists, no TLS details"
};

/* Ctrl-Left/Right: the terminal's own codes, else ones we define. */
static int
nav_key_code(const char *cap, const char *seq, int mine)
{
	char	*s;
	int	 code;

	s = tigetstr(cap);
	if (s != NULL && s != (char *)-1 && (code = key_defined(s)) > 0)
		return (code);
	if ((code = key_defined(seq)) > 0)
		return (code);
	define_key(seq, mine);
	return (mine);
}

/* Teach curses the keys it may not know; after keypad() is on. */
void
nav_keys_init(struct ui *ui)
{
	ui->key_cleft = nav_key_code("kLFT5", "\033[1;5D", KEY_MAX + 40);
	ui->key_cright = nav_key_code("kRIT5", "\033[1;5C", KEY_MAX + 41);
}

/* The lines a search or an error jump may reach (a replay: all of them). */
static size_t
nav_total(const struct ui *ui)
{
	return (ui->replay ? ui->rp_full->n : ui->t->n);
}

static int
nav_is_error(const struct tline *tl)
{
	return ((tl->dir == TDIR_S && tl->code >= 400 && tl->code < 600) ||
	    tl->dir == TDIR_WARN);
}

/* TLS lines kept by the quiet filter: the handshake and the verdict. */
static int
nav_tls_summary(const struct tline *tl)
{
	return ((tl->len >= 14 && strncmp(tl->raw, "handshake done", 14) ==
	    0) || (tl->len >= 12 && strncmp(tl->raw, "verification", 12) == 0));
}

/* Does the filter let line i show? */
int
nav_visible(const struct ui *ui, size_t i)
{
	const struct tline	*tl = &ui->t->lines[i];

	switch (ui->filter) {
	case NAV_ERRORS:
		return (nav_is_error(tl));
	case NAV_CLIENT:
		return (tl->dir == TDIR_C);
	case NAV_QUIET:
		if (tl->dir == TDIR_TLS)
			return (nav_tls_summary(tl));
		return (!(tl->dir == TDIR_S && tl->verb == VERB_EHLO &&
		    (tl->flags & TL_CONT) && tl->code / 100 == 2));
	default:
		return (1);
	}
}

/* Line i if it shows, else the nearest older one, else newer; or -1. */
size_t
nav_nearest(const struct ui *ui, size_t i)
{
	size_t	j, n = ui->t->n;

	if (n == 0)
		return ((size_t)-1);
	if (i >= n)
		i = n - 1;
	for (j = i + 1; j > 0; j--)
		if (nav_visible(ui, j - 1))
			return (j - 1);
	for (j = i + 1; j < n; j++)
		if (nav_visible(ui, j))
			return (j);
	return ((size_t)-1);
}

/* Select line i, revealing it first in a replay. */
static void
nav_goto(struct ui *ui, size_t i)
{
	if (ui->replay && i >= ui->t->n)
		replay_show(ui, i + 1);
	else
		transcript_pane_select(ui, i);
	if (!ui->replay)
		ui->focus = FOCUS_TRANSCRIPT;
	ui->dirty = 1;
}

/*
 * The next line in direction dir from the selection (from the edge when
 * nothing is selected) that pred accepts, wrapping once round; -1 when
 * none.  *wrapped says whether it went past an end.
 */
static long
nav_find(struct ui *ui, int dir, int (*pred)(struct ui *, size_t),
    int *wrapped)
{
	size_t	n = nav_total(ui), at, i, k;
	int	edge = !(ui->focus == FOCUS_TRANSCRIPT || ui->replay);

	*wrapped = 0;
	if (n == 0)
		return (-1);
	if (edge)
		at = dir > 0 ? n - 1 : 0;
	else
		at = ui->sel < n ? ui->sel : n - 1;
	for (k = 1; k <= n; k++) {
		if (dir > 0) {
			i = (at + k) % n;
			if (!edge && at + k >= n)
				*wrapped = 1;
		} else {
			i = (at + n - (k % n)) % n;
			if (!edge && k > at)
				*wrapped = 1;
		}
		if (nav_visible(ui, i) && pred(ui, i))
			return ((long)i);
	}
	return (-1);
}

/* The search term as folded wide characters; returns its length. */
static size_t
nav_wterm(const struct ui *ui, wchar_t *w, size_t max)
{
	size_t	n, i;

	if (ui->search_term == NULL)
		return (0);
	n = mbstowcs(w, ui->search_term, max - 1);
	if (n == (size_t)-1)
		return (0);
	for (i = 0; i < n; i++)
		w[i] = (wchar_t)towlower((wint_t)w[i]);
	return (n);
}

/* The first match of w[0..wn) in the cells at or after from, or -1. */
static size_t
nav_cells_find(const struct cells *c, size_t from, const wchar_t *w,
    size_t wn)
{
	size_t	i, k;

	if (wn == 0)
		return ((size_t)-1);
	for (i = from; i + wn <= c->n; i++) {
		for (k = 0; k < wn; k++)
			if ((wchar_t)towlower((wint_t)c->wc[i + k]) != w[k])
				break;
		if (k == wn)
			return (i);
	}
	return ((size_t)-1);
}

/* Does line i, as the pane shows it (secrets masked), hold the term? */
static int
nav_pred_search(struct ui *ui, size_t i)
{
	static struct cells	c;
	wchar_t			w[NAV_TERM_MAX];
	size_t			wn;
	int			indent;

	wn = nav_wterm(ui, w, NAV_TERM_MAX);
	transcript_pane_line(ui, i, &c, &indent);
	return (nav_cells_find(&c, 0, w, wn) != (size_t)-1);
}

/* The first line of a 4xx or 5xx reply, or a warning. */
static int
nav_pred_error(struct ui *ui, size_t i)
{
	const struct tline	*tl = &ui->t->lines[i];

	return (nav_is_error(tl) && !(tl->flags & TL_CONT));
}

/* Search in direction dir and say how it went. */
static void
nav_search_go(struct ui *ui, int dir)
{
	long	i;
	int	wrapped;

	i = nav_find(ui, dir, nav_pred_search, &wrapped);
	if (i == -1) {
		ui_say(ui, 1, "not found: %s", ui->search_term);
		return;
	}
	nav_goto(ui, (size_t)i);
	if (wrapped)
		ui_say(ui, 0, "search wrapped: passed the %s, went on from the "
		    "%s", dir > 0 ? "last line" : "first line", dir > 0 ?
		    "first" : "last");
}

/* Open the search prompt. */
void
nav_search_start(struct ui *ui)
{
	ui->searching = 1;
	ui->entry_off = 0;
	lineedit_clear(&ui->search_le);
	ui->dirty = 1;
}

/*
 * The prompt gave term (taken over; empty: the last term again).  A live
 * view searches up from the newest line, a replay down from the current.
 */
void
nav_search_found(struct ui *ui, const char *term)
{
	if (term != NULL && *term != '\0') {
		free(ui->search_term);
		ui->search_term = strdup(term);
		ui->search_dir = ui->replay ? 1 : -1;
	}
	if (ui->search_term == NULL)
		return;
	if (ui->search_dir == 0)
		ui->search_dir = ui->replay ? 1 : -1;
	nav_search_go(ui, ui->search_dir);
}

/* n (same: 1) and N (same: 0): the search again, either way. */
void
nav_search_again(struct ui *ui, int same)
{
	if (ui->search_term == NULL) {
		nav_search_start(ui);
		return;
	}
	if (ui->search_dir == 0)
		ui->search_dir = ui->replay ? 1 : -1;
	nav_search_go(ui, same ? ui->search_dir : -ui->search_dir);
}

/* e and E: the next or previous error. */
static void
nav_error(struct ui *ui, int dir)
{
	long	i;
	int	wrapped;

	i = nav_find(ui, dir, nav_pred_error, &wrapped);
	if (i == -1) {
		ui_say(ui, 0, "no 4xx, 5xx or warning %s", ui->replay ?
		    "in the file" : ui->filter != NAV_ALL ? "the filter shows" :
		    "so far");
		return;
	}
	nav_goto(ui, (size_t)i);
	if (wrapped)
		ui_say(ui, 0, "no more errors %s; went on from the %s",
		    dir > 0 ? "below" : "above", dir > 0 ? "first line" :
		    "last line");
}

/* f: the next filter; the selection stays on the nearest shown line. */
static void
nav_filter_next(struct ui *ui)
{
	size_t	i;

	ui->filter = (ui->filter + 1) % NAV_NFILTERS;
	ui->dirty = 1;
	i = nav_nearest(ui, ui->sel);
	if (i == (size_t)-1) {
		ui_say(ui, 0, "filter: %s; no line matches yet (f: next "
		    "filter)", filter_names[ui->filter]);
		return;
	}
	if (ui->focus == FOCUS_TRANSCRIPT || ui->replay)
		transcript_pane_select(ui, i);
	else
		ui->sel = i;
	ui_say(ui, 0, "filter: %s (f: next filter)",
	    filter_names[ui->filter]);
}

/* Do [, ], < and > mean the sidebar here (not text being typed)? */
int
nav_side_keys_ok(const struct ui *ui)
{
	if (ui->focus != FOCUS_ENTRY)
		return (1);
	if (ui->le.text.len != 0 || ui->searching || ui->asking ||
	    ui->hsearch)
		return (0);
	if (ui->s == NULL)
		return (1);
	return (session_info(ui->s)->mode == SMODE_COMMAND &&
	    !session_info(ui->s)->data_pending && session_info(ui->s)->held ==
	    0);
}

/* [ and ] scroll the sidebar; > widens it and < narrows it back. */
void
nav_side_key(struct ui *ui, wint_t ch)
{
	switch (ch) {
	case '[':
		ui->side_scroll = ui->side_scroll > SIDE_STEP ?
		    ui->side_scroll - SIDE_STEP : 0;
		break;
	case ']':
		ui->side_scroll += SIDE_STEP;
		break;
	case '>':
	case '<':
		if (ch == '>' && ui->side_wide < SIDE_WIDE_MAX)
			ui->side_wide++;
		else if (ch == '<' && ui->side_wide > 0)
			ui->side_wide--;
		else {
			ui_say(ui, 0, "the sidebar is as %s as it gets",
			    ch == '>' ? "wide" : "narrow");
			break;
		}
		if (ui->side_mode == SIDE_HIDDEN)
			ui->side_mode = SIDE_AUTO;
		screen_layout(ui);
		ui->full = 1;
		break;
	}
	ui->dirty = 1;
}

/* Keys of a read-only pane; returns 1 when the key was one. */
int
nav_key(struct ui *ui, int type, wint_t ch)
{
	size_t	n = ui->t->n;

	ui->dirty = 1;
	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_UP:
			transcript_pane_select_move(ui, -1);
			return (1);
		case KEY_DOWN:
			transcript_pane_select_move(ui, 1);
			return (1);
		case KEY_HOME:
			transcript_pane_select(ui, 0);
			return (1);
		case KEY_END:
			if (n > 0)
				transcript_pane_select(ui, n - 1);
			return (1);
		case KEY_ENTER:
			explain_open(ui);
			return (1);
		}
		return (0);
	}
	switch (ch) {
	case 'k':
		transcript_pane_select_move(ui, -1);
		return (1);
	case 'j':
		transcript_pane_select_move(ui, 1);
		return (1);
	case 'g':
		transcript_pane_select(ui, 0);
		return (1);
	case 'G':
		if (n > 0)
			transcript_pane_select(ui, n - 1);
		return (1);
	case '/':
		nav_search_start(ui);
		return (1);
	case 'n':
	case 'N':
		nav_search_again(ui, ch == 'n');
		return (1);
	case 'e':
	case 'E':
		nav_error(ui, ch == 'e' ? 1 : -1);
		return (1);
	case 'f':
		nav_filter_next(ui);
		return (1);
	case 'y':
	case 'Y':
		copy_selection(ui, ch == 'Y');
		return (1);
	case '\r':
	case '\n':
		explain_open(ui);
		return (1);
	case '?':
		ui->help = 1;
		ui->help_scroll = 0;
		return (1);
	case '[':
	case ']':
	case '<':
	case '>':
		nav_side_key(ui, ch);
		return (1);
	}
	return (0);
}

/*
 * Draw cells [from, to) like screen_put_cells, with the matches of the
 * search term highlighted.  Returns the columns used.
 */
int
nav_put_row(struct ui *ui, int y, int x, int maxw, const struct cells *c,
    size_t from, size_t to, int extra)
{
	wchar_t	w[NAV_TERM_MAX];
	size_t	wn, m, at = from, end;
	int	col = 0, hl;

	wn = nav_wterm(ui, w, NAV_TERM_MAX);
	if (wn == 0)
		return (screen_put_cells(ui, y, x, maxw, c, from, to, extra));
	hl = (int)(A_BOLD | A_UNDERLINE | ((extra & (int)A_REVERSE) ? 0 :
	    A_REVERSE));
	m = nav_cells_find(c, from >= wn - 1 ? from - (wn - 1) : 0, w, wn);
	while (at < to && col < maxw) {
		if (m == (size_t)-1 || m >= to) {
			col += screen_put_cells(ui, y, x + col, maxw - col, c,
			    at, to, extra);
			break;
		}
		if (m > at) {
			col += screen_put_cells(ui, y, x + col, maxw - col, c,
			    at, m, extra);
			at = m;
		}
		end = m + wn < to ? m + wn : to;
		if (end > at) {
			col += screen_put_cells(ui, y, x + col, maxw - col, c,
			    at, end, extra | hl);
			at = end;
		}
		m = nav_cells_find(c, m + wn, w, wn);
	}
	return (col);
}

/* The filter in force, in the pane's top right corner. */
void
nav_draw_marks(struct ui *ui)
{
	static const char	*short_names[NAV_NFILTERS] = {
		"", " filter: errors (f) ", " filter: client lines (f) ",
		" filter: quiet (f) "
	};
	struct rect		*r = &ui->r_trans;
	size_t			 i;
	int			 len, any = 0;

	if (ui->filter == NAV_ALL || r->h <= 0)
		return;
	len = (int)strlen(short_names[ui->filter]);
	if (len < r->w)
		screen_put(ui, r->y, r->x + r->w - len, len,
		    short_names[ui->filter], (size_t)len, R_STATUS);
	for (i = 0; i < ui->t->n && !any; i++)
		any = nav_visible(ui, i);
	if (!any && r->h > 2)
		screen_put(ui, r->y + r->h / 2, r->x + 2, r->w - 2,
		    "no line matches this filter; f shows the next one", 49,
		    R_DIM);
}
