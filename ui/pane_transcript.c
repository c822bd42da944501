/*
 * pane_transcript.c: the transcript pane.  The view is a scroll anchor
 * (top_line, top_row): the first drawn row is wrapped row top_row of line
 * top_line.  Drawing, scrolling and keeping the selection visible only lay
 * out the lines they touch, so the cost is O(visible rows) whether the
 * transcript holds a thousand lines or a million.
 */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/reply.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"


static int
show_secrets(const struct ui *ui)
{
	return (ui->p != NULL && ui->p->sp.show_secrets);
}

/* Lay out line i as cells; *indent is the hanging indent for wrapped rows. */
void
transcript_pane_line(struct ui *ui, size_t i, struct cells *c, int *indent)
{
	const struct tline	*tl = &ui->t->lines[i];
	char			 tbuf[32];
	const char		*prefix;
	int			 role, n;

	cells_reset(c);
	if (ui->timing) {
		n = snprintf(tbuf, sizeof tbuf, "[+%.3fs] ", tl->t);
		if (n > 0)
			cells_add(c, ui, tbuf, (size_t)n, R_DIM);
	}
	switch (tl->dir) {
	case TDIR_S:
		role = theme_role_of_code(tl->code);
		prefix = "S: ";
		break;
	case TDIR_C:
		role = R_CLIENT;
		prefix = "C: ";
		break;
	case TDIR_TLS:
		role = R_TLS;
		prefix = "# TLS: ";
		break;
	case TDIR_WARN:
		role = R_WARN;
		prefix = "# warning: ";
		break;
	default:
		role = R_INFO;
		prefix = "# ";
		break;
	}
	cells_add(c, ui, prefix, strlen(prefix), role);
	*indent = (int)cells_width(c, 0, c->n);

	if ((tl->flags & TL_SECRET) && !show_secrets(ui)) {
		const char	*m = transcript_masked(tl);

		cells_add_raw(c, ui, m, strlen(m), role);
		return;
	}
	cells_add_raw(c, ui, tl->raw, tl->len, role);
	if (tl->annot != NULL && tl->annot[0] != '\0') {
		cells_add(c, ui, "  (", 3, R_DIM);
		cells_add_raw(c, ui, tl->annot, strlen(tl->annot), R_DIM);
		cells_add(c, ui, ")", 1, R_DIM);
	}
	if ((tl->flags & TL_STUFFED) && tl->annot == NULL)
		cells_add(c, ui, "  [dot-stuffed]", 15, R_DIM);
	if (tl->flags & LINE_BARE_LF)
		cells_add(c, ui, "  [bare LF]", 11, R_WARN);
	if (tl->flags & LINE_BARE_CR)
		cells_add(c, ui, "  [bare CR]", 11, R_WARN);
	if (tl->flags & LINE_TOO_LONG)
		cells_add(c, ui, "  [over 998 octets]", 19, R_WARN);
	if (tl->flags & LINE_TRUNCATED)
		cells_add(c, ui, "  [truncated]", 13, R_WARN);
	if (tl->flags & LINE_PARTIAL)
		cells_add(c, ui, "  [no line end]", 15, R_WARN);
}

static int
wrap_indent(int indent, int width)
{
	return (indent > width / 2 ? 0 : indent);
}

/*
 * Rows the laid-out cells take at this width: words stay whole and the
 * continuation rows start under the text, indent columns in.
 */
static int
cells_rows(const struct cells *c, int indent, int width)
{
	size_t	at = 0, next;
	int	rows = 0, w;

	w = wrap_indent(indent, width);
	if (c->n == 0)
		return (1);
	while (at < c->n) {
		cells_wrap(c, at, rows == 0 ? (size_t)indent : at,
		    rows == 0 ? width : width - w, &next);
		at = next;
		rows++;
	}
	return (rows);
}

/* Rows line i takes at width. */
int
transcript_pane_rows(struct ui *ui, size_t i, int width)
{
	int	indent;

	if (!nav_visible(ui, i))
		return (0);	/* the filter hides it */
	transcript_pane_line(ui, i, &ui->cl, &indent);
	return (cells_rows(&ui->cl, indent, width));
}

/* The columns text may use: the last one is the explained-line gutter. */
static int
text_w(const struct rect *r, int side)
{
	if (r->w <= 0)
		return (80);
	return (side && r->w > 20 ? r->w - 1 : r->w);
}

static int
pane_w(const struct ui *ui)
{
	return (text_w(&ui->r_trans, ui->has_side));
}

static int
pane_h(const struct ui *ui)
{
	return (ui->r_trans.h > 0 ? ui->r_trans.h : 24);
}

/* Anchor the view so line last ends on the bottom row. */
static void
anchor_bottom_at(struct ui *ui, size_t last)
{
	int	h = pane_h(ui), w = pane_w(ui), used = 0, r;
	size_t	i = last + 1;

	while (i > 0) {
		i--;
		r = transcript_pane_rows(ui, i, w);
		if (used + r >= h) {
			ui->top_line = i;
			ui->top_row = used + r - h;
			return;
		}
		used += r;
	}
	ui->top_line = 0;
	ui->top_row = 0;
}

/* Rows from the anchor to the end, counting no further than limit. */
static int
rows_below_anchor(struct ui *ui, int limit)
{
	int	w = pane_w(ui), used;
	size_t	i = ui->top_line;

	if (ui->t->n == 0)
		return (0);
	used = transcript_pane_rows(ui, i, w) - ui->top_row;
	while (used <= limit && i + 1 < ui->t->n)
		used += transcript_pane_rows(ui, ++i, w);
	return (used);
}

/* Scroll by delta rows (negative: back in time). */
void
transcript_pane_scroll(struct ui *ui, int delta)
{
	int	w = pane_w(ui), r, d;
	size_t	n = ui->t->n;

	if (n == 0)
		return;
	if (ui->follow)
		anchor_bottom_at(ui, n - 1);
	if (ui->top_line >= n) {
		ui->top_line = n - 1;
		ui->top_row = 0;
	}
	while (delta < 0) {
		if (ui->top_row > 0) {
			d = ui->top_row < -delta ? ui->top_row : -delta;
			ui->top_row -= d;
			delta += d;
			continue;
		}
		if (ui->top_line == 0)
			break;
		ui->top_line--;
		r = transcript_pane_rows(ui, ui->top_line, w);
		ui->top_row = r > 0 ? r - 1 : 0;
		if (r > 0)
			delta++;
	}
	while (delta > 0) {
		r = transcript_pane_rows(ui, ui->top_line, w);
		if (ui->top_row + 1 < r) {
			d = r - 1 - ui->top_row;
			if (d > delta)
				d = delta;
			ui->top_row += d;
			delta -= d;
			continue;
		}
		if (ui->top_line + 1 >= n)
			break;
		ui->top_line++;
		ui->top_row = 0;
		if (r > 0)
			delta--;	/* a hidden line took no row */
	}
	/* Past the last full screen: back to following new lines. */
	ui->follow = (rows_below_anchor(ui, pane_h(ui)) <= pane_h(ui));
	ui->dirty = 1;
}

void
transcript_pane_top(struct ui *ui)
{
	ui->top_line = 0;
	ui->top_row = 0;
	ui->follow = (rows_below_anchor(ui, pane_h(ui)) <= pane_h(ui));
	ui->dirty = 1;
}

void
transcript_pane_bottom(struct ui *ui)
{
	ui->follow = 1;
	ui->dirty = 1;
}

/* Select line i and scroll just enough to show it whole. */
void
transcript_pane_select(struct ui *ui, size_t i)
{
	int	h = pane_h(ui), w = pane_w(ui), used;
	size_t	j;

	if (ui->t->n == 0)
		return;
	if (i >= ui->t->n)
		i = ui->t->n - 1;
	if ((j = nav_nearest(ui, i)) != (size_t)-1)
		i = j;
	ui->sel = i;
	ui->side_scroll = 0;
	ui->dirty = 1;
	if (ui->follow)
		anchor_bottom_at(ui, ui->t->n - 1);
	if (i < ui->top_line || (i == ui->top_line && ui->top_row > 0)) {
		ui->top_line = i;
		ui->top_row = 0;
		ui->follow = 0;
		return;
	}
	j = ui->top_line;
	used = transcript_pane_rows(ui, j, w) - ui->top_row;
	while (j < i && used <= h)
		used += transcript_pane_rows(ui, ++j, w);
	if (j == i && used <= h)
		goto pin;	/* already on screen */
	anchor_bottom_at(ui, i);
pin:
	/* Reading a line: new lines must not move it away. */
	if (i + 1 < ui->t->n)
		ui->follow = 0;
}

/* Move the selection by delta lines the filter shows. */
void
transcript_pane_select_move(struct ui *ui, int delta)
{
	size_t	n = ui->t->n, i = ui->sel, j;

	if (n == 0)
		return;
	if (i >= n)
		i = n - 1;
	while (delta != 0) {
		j = i;
		do {
			if (delta < 0 ? j == 0 : j + 1 >= n)
				break;
			j = delta < 0 ? j - 1 : j + 1;
		} while (!nav_visible(ui, j));
		if (j == i || !nav_visible(ui, j))
			break;
		i = j;
		delta += delta < 0 ? 1 : -1;
	}
	transcript_pane_select(ui, i);
}

/* A line was added: remember the newest reply and redraw. */
void
transcript_pane_on_add(struct ui *ui, size_t i)
{
	const struct tline	*tl;

	if (i >= ui->t->n)
		return;
	tl = &ui->t->lines[i];
	if (tl->dir == TDIR_S && !(tl->flags & TL_CONT)) {
		ui->last_reply = i;
		ui->have_reply = 1;
		if (ui->focus == FOCUS_ENTRY)
			ui->side_scroll = 0;
	}
	ui->dirty = 1;
}

/* Where a line index lands once [first, first + count) fold into first. */
static size_t
fold_index(size_t i, size_t first, size_t count)
{
	if (i >= first + count)
		return (i - (count - 1));
	if (i >= first)
		return (first);
	return (i);
}

/*
 * The store folded lines into its gap note: keep the selection, the view
 * and the newest reply on the lines they were on (or on the gap note).
 */
void
transcript_pane_on_drop(struct ui *ui, size_t first, size_t count)
{
	if (count == 0)
		return;
	ui->sel = fold_index(ui->sel, first, count);
	if (ui->top_line >= first && ui->top_line < first + count)
		ui->top_row = 0;
	ui->top_line = fold_index(ui->top_line, first, count);
	if (ui->have_reply) {
		if (ui->last_reply >= first && ui->last_reply < first + count)
			ui->have_reply = 0;
		else
			ui->last_reply = fold_index(ui->last_reply, first,
			    count);
	}
	ui->dirty = 1;
}

/*
 * The line the sidebar explains: the selection (in a replay always the
 * current line), else the newest reply.
 */
size_t
transcript_pane_target(struct ui *ui)
{
	if (ui->t->n == 0)
		return ((size_t)-1);
	if ((ui->focus == FOCUS_TRANSCRIPT || ui->replay) &&
	    ui->sel < ui->t->n)
		return (ui->sel);
	if (ui->have_reply && ui->last_reply < ui->t->n)
		return (ui->last_reply);
	return (ui->t->n - 1);
}

/* The line the sidebar explains now, or SIZE_MAX when it explains none. */
static size_t
explained_line(struct ui *ui)
{
	if (!ui->has_side || ui->r_side.h <= 0 || ui->pinned != NULL)
		return (SIZE_MAX);
	return (transcript_pane_target(ui));
}

/* Mark row y of the pane as the start of the line the sidebar explains. */
static void
mark_explained(struct ui *ui, int y, int sel)
{
	struct rect	*r = &ui->r_trans;
	struct cells	 c;
	const char	*m = ui->utf8 ? "\xe2\x97\x80" : "<";	/* ◀ */

	memset(&c, 0, sizeof c);
	cells_add(&c, ui, m, strlen(m), R_HEADING);
	screen_put_cells(ui, r->y + y, r->x + r->w - 1, 1, &c, 0, c.n,
	    sel ? (int)A_REVERSE : 0);
	cells_free(&c);
}

/* Draw the visible rows, starting at the anchor. */
void
transcript_pane_draw(struct ui *ui)
{
	struct rect	*r = &ui->r_trans;
	size_t		 i, at, end, next, n = ui->t->n, expl;
	int		 y = 0, row, indent, cont, avail, x, sel, skip, used;
	int		 tw, marked;
	attr_t		 extra;

	if (r->h <= 0 || r->w <= 0)
		return;
	if ((size_t)r->h > ui->nrowmap) {
		ui->rowmap = xreallocarray(ui->rowmap, (size_t)r->h,
		    sizeof *ui->rowmap);
		ui->nrowmap = (size_t)r->h;
	}
	for (row = 0; row < r->h; row++)
		ui->rowmap[row] = SIZE_MAX;
	if (n == 0)
		return;
	tw = pane_w(ui);
	expl = explained_line(ui);
	if (ui->follow)
		anchor_bottom_at(ui, n - 1);
	if (ui->top_line >= n) {
		ui->top_line = n - 1;
		ui->top_row = 0;
	}
	used = transcript_pane_rows(ui, ui->top_line, tw);
	if (ui->top_row >= used)
		ui->top_row = used > 0 ? used - 1 : 0;
	i = ui->top_line;
	skip = ui->top_row;
	while (y < r->h && i < n) {
		if (!nav_visible(ui, i)) {
			skip = 0;
			i++;
			continue;
		}
		transcript_pane_line(ui, i, &ui->cl, &indent);
		cont = wrap_indent(indent, tw);
		sel = ((ui->focus == FOCUS_TRANSCRIPT || ui->replay) &&
		    i == ui->sel);
		extra = sel ? A_REVERSE : A_NORMAL;
		marked = 0;
		at = 0;
		row = 0;
		while (at < ui->cl.n || (row == 0 && ui->cl.n == 0)) {
			avail = row == 0 ? tw : tw - cont;
			end = cells_wrap(&ui->cl, at, row == 0 ?
			    (size_t)indent : at, avail, &next);
			if (row >= skip) {
				x = r->x + (row == 0 ? 0 : cont);
				if (sel) {
					attrset(A_REVERSE);
					mvhline(r->y + y, r->x, ' ', r->w);
				}
				nav_put_row(ui, r->y + y, x, avail, &ui->cl,
				    at, end, (int)extra);
				if (i == expl && !marked && tw < r->w) {
					mark_explained(ui, y, sel);
					marked = 1;
				}
				ui->rowmap[y] = i;
				if (++y >= r->h)
					break;
			}
			row++;
			at = next;
			if (ui->cl.n == 0)
				break;
		}
		skip = 0;
		i++;
	}
	nav_draw_marks(ui);
	if (!ui->follow && r->w > 20 && i < n) {
		static const char more[] = " more below: End ";
		int len = (int)sizeof more - 1;

		attrset(theme_attr(ui, R_STATUS));
		mvaddnstr(r->y + r->h - 1, r->x + r->w - len, more, len);
		attrset(A_NORMAL);
	}
}
