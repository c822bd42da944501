/*
 * classroom.c: --serve on a terminal.  A table of the practice server's
 * sessions, live (a row each: peer, phase, latest reply, messages, lesson
 * check), its log in a strip at the bottom instead of stderr, and Enter to
 * open one session read-only: its transcript as the server saw it in the
 * transcript pane, with the sidebar's explanations (the replay view's
 * panes, on the session's own transcript).  The server runs in the UI's
 * one poll() loop; nothing here blocks.
 *
 * --intercept on a terminal shows its sessions the same way: a row each
 * (client, when it started, latest reply, result) and Enter to open one.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/lesson.h"
#include "smtpscope/practice.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

#define CTRL(c)		((c) & 0x1f)
/* Log lines kept for the strip, each cut to CR_LOG_WIDTH octets. */
#define CR_LOG_LINES	128
#define CR_LOG_WIDTH	240
/* Rows the log strip takes at most. */
#define CR_LOG_ROWS	6

/* The log: a ring filled by the server's log hook, before the UI starts. */
static char		 cr_log[CR_LOG_LINES][CR_LOG_WIDTH];
static size_t		 cr_log_n;	/* lines in the ring */
static size_t		 cr_log_next;	/* where the next one goes */
static unsigned long	 cr_log_seq;	/* lines ever logged */

/* practice_params.log_cb: keep a log line for the strip. */
void
ui_classroom_log(void *arg, const char *line)
{
	(void)arg;
	snprintf(cr_log[cr_log_next], CR_LOG_WIDTH, "%s", line);
	cr_log_next = (cr_log_next + 1) % CR_LOG_LINES;
	if (cr_log_n < CR_LOG_LINES)
		cr_log_n++;
	cr_log_seq++;
}

/* The i-th newest log line (0: the newest). */
static const char *
cr_log_line(size_t i)
{
	return (cr_log[(cr_log_next + CR_LOG_LINES - 1 - i) % CR_LOG_LINES]);
}

static struct practice *
cr_practice(const struct ui *ui)
{
	return (ui->p->practice);
}

static void	cr_held(struct ui *);

static struct intercept *
cr_icpt(const struct ui *ui)
{
	return (ui->p->intercept);
}

/* The transcript of session id, from the server or the interceptor. */
static const struct transcript *
cr_transcript(const struct ui *ui, unsigned int id)
{
	if (cr_icpt(ui) != NULL)
		return (intercept_transcript(cr_icpt(ui), id));
	return (practice_sess_transcript(cr_practice(ui), id));
}

static unsigned long
cr_changes(const struct ui *ui)
{
	if (cr_icpt(ui) != NULL)
		return (intercept_changes(cr_icpt(ui)));
	return (practice_changes(cr_practice(ui)));
}

static size_t
cr_nsessions(const struct ui *ui)
{
	if (cr_icpt(ui) != NULL)
		return (intercept_nsessions(cr_icpt(ui)));
	return (practice_nsessions(cr_practice(ui)));
}

/*
 * The interceptor's rows as the table's: the result stands in the phase
 * column (it points into ic_rows, read again with the rows).
 */
static size_t
cr_icpt_rows(struct ui *ui)
{
	struct practice_row	*r;
	struct intercept_row	*ir;
	size_t			 n, i;

	n = intercept_rows(cr_icpt(ui), ui->ic_rows, ui->ic_cap);
	if (n > ui->ic_cap) {
		ui->ic_cap = n + 16;
		ui->ic_rows = xreallocarray(ui->ic_rows, ui->ic_cap,
		    sizeof *ui->ic_rows);
		n = intercept_rows(cr_icpt(ui), ui->ic_rows, ui->ic_cap);
	}
	if (n > ui->cr_cap) {
		ui->cr_cap = n + 16;
		ui->cr_rows = xreallocarray(ui->cr_rows, ui->cr_cap,
		    sizeof *ui->cr_rows);
	}
	for (i = 0; i < n; i++) {
		ir = &ui->ic_rows[i];
		r = &ui->cr_rows[i];
		memset(r, 0, sizeof *r);
		r->id = ir->id;
		snprintf(r->peer, sizeof r->peer, "%s", ir->client);
		r->phase = ir->result;
		r->tls = ir->client_tls;
		r->authed = ir->up_tls;	/* the upstream leg's TLS */
		r->ended = ir->ended;
		snprintf(r->last, sizeof r->last, "%s", ir->last);
		r->start_ms = ir->start_ms;
	}
	return (n);
}

/* Read the rows again from the server. */
static void
cr_rows(struct ui *ui)
{
	size_t	n;

	if (cr_icpt(ui) != NULL) {
		ui->cr_nrows = cr_icpt_rows(ui);
		if (ui->cr_sel >= ui->cr_nrows)
			ui->cr_sel = ui->cr_nrows > 0 ? ui->cr_nrows - 1 : 0;
		return;
	}
	n = practice_rows(cr_practice(ui), ui->cr_rows, ui->cr_cap);
	if (n > ui->cr_cap) {
		ui->cr_cap = n + 16;
		ui->cr_rows = xreallocarray(ui->cr_rows, ui->cr_cap,
		    sizeof *ui->cr_rows);
		n = practice_rows(cr_practice(ui), ui->cr_rows, ui->cr_cap);
	}
	ui->cr_nrows = n;
	if (ui->cr_sel >= n)
		ui->cr_sel = n > 0 ? n - 1 : 0;
}

/* Back to the table. */
static void
cr_close(struct ui *ui)
{
	ui->cr_id = 0;
	ui->replay = 0;
	ui->explain = 0;
	ui->searching = 0;
	ui->t = &ui->cr_empty;
	ui->cctx.t = &ui->cr_empty;
	ui->rp_full = NULL;
	ui->sel = 0;
	ui->top_line = 0;
	ui->top_row = 0;
	ui->follow = 1;
	free(ui->pinned);
	ui->pinned = NULL;
	ui->full = ui->dirty = 1;
}

/*
 * Point the read-only view at the open session's transcript again: its
 * lines may have moved (grown, folded).  The session may be gone.
 */
static void
cr_sync(struct ui *ui)
{
	const struct transcript	*t;
	size_t			 before;

	if (ui->cr_id == 0)
		return;
	t = cr_transcript(ui, ui->cr_id);
	if (t == NULL) {
		ui_say(ui, 0, "session #%u has left the list", ui->cr_id);
		cr_close(ui);
		return;
	}
	before = ui->rp_view.n;
	/* Read-only: the view shares the lines, never adds or frees. */
	ui->rp_full = (struct transcript *)t;
	ui->rp_view = *t;
	ui->rp_view.log = NULL;
	ui->rp_view.on_add = NULL;
	ui->rp_view.on_drop = NULL;
	ui->rp_view.arg = NULL;
	ui->t = &ui->rp_view;
	ui->cctx.t = &ui->rp_view;
	if (ui->sel >= t->n)
		ui->sel = t->n > 0 ? t->n - 1 : 0;
	if (ui->top_line >= t->n) {
		ui->top_line = t->n > 0 ? t->n - 1 : 0;
		ui->top_row = 0;
	}
	if (t->n != before && ui->follow && t->n > 0) {
		ui->sel = t->n - 1;
		ui->side_scroll = 0;
	}
	ui->dirty = 1;
}

/* Open the selected session read-only. */
static void
cr_open(struct ui *ui)
{
	const struct practice_row	*r;

	if (ui->cr_nrows == 0) {
		ui_say(ui, 0, "no sessions yet: point a client at the address "
		    "on the top line");
		return;
	}
	r = &ui->cr_rows[ui->cr_sel];
	if (cr_transcript(ui, r->id) == NULL) {
		ui_say(ui, 1, "session #%u kept no transcript", r->id);
		return;
	}
	ui->cr_id = r->id;
	snprintf(ui->cr_peer, sizeof ui->cr_peer, "%s", r->peer);
	ui->replay = 1;
	ui->playing = 0;
	ui->focus = FOCUS_TRANSCRIPT;
	ui->rp_view.n = 0;
	ui->follow = 1;
	ui->sel = 0;
	ui->top_line = 0;
	ui->top_row = 0;
	cr_sync(ui);
	if (ui->cr_id != 0 && ui->t->n > 0)
		transcript_pane_select(ui, ui->t->n - 1);
	ui->ic_held_seq = 0;
	cr_held(ui);
	screen_layout(ui);
	ui_say(ui, 0, "session #%u from %s, read-only: Up/Down select a line "
	    "to explain it, q goes back", r->id, r->peer);
	ui->full = ui->dirty = 1;
}

/* Set the classroom up, before curses starts. */
void
classroom_init(struct ui *ui)
{
	ui->classroom = 1;
	transcript_init(&ui->cr_empty);
	ui->t = &ui->cr_empty;
	ui->cctx.t = &ui->cr_empty;
	ui->focus = FOCUS_TRANSCRIPT;
	cr_rows(ui);
	ui->cr_seen = cr_changes(ui);
	ui->cr_log_seen = cr_log_seq;
}

void
classroom_free(struct ui *ui)
{
	free(ui->cr_rows);
	ui->cr_rows = NULL;
	free(ui->ic_rows);
	ui->ic_rows = NULL;
	transcript_free(&ui->cr_empty);
}

/* After the server ran: redraw when something changed. */
void
classroom_tick(struct ui *ui)
{
	unsigned long	c = cr_changes(ui);
	size_t		before = ui->cr_nrows;

	cr_rows(ui);
	if (c != ui->cr_seen || cr_log_seq != ui->cr_log_seen ||
	    before != ui->cr_nrows) {
		ui->cr_seen = c;
		ui->cr_log_seen = cr_log_seq;
		ui->dirty = 1;
		cr_sync(ui);
		cr_held(ui);
	}
}

/* q, Ctrl-C: quit, asking first while sessions are live. */
void
classroom_quit(struct ui *ui)
{
	size_t	n = cr_nsessions(ui);

	if (n == 0 || ui->cr_confirm) {
		ui->quit = 1;
		return;
	}
	ui->cr_confirm = 1;
	ui->dirty = 1;
}

/* i: intercept mode on or off (off sends on what is held). */
static void
cr_toggle_hold(struct ui *ui)
{
	int	on;

	if (cr_icpt(ui) == NULL)
		return;
	on = !intercept_hold(cr_icpt(ui));
	intercept_set_hold(cr_icpt(ui), on);
	if (on)
		ui_say(ui, 0, "intercept mode on: each command and reply waits "
		    "for you (open the session: Enter sends it, edit it first, "
		    "or answer a command with a reply); i again ends it");
	else
		ui_say(ui, 0, "intercept mode off: what was held went on");
	ui->dirty = 1;
}

/*
 * The open session holds a new command or reply: put it on the entry
 * line for the user to send, edit or answer.
 */
static void
cr_held(struct ui *ui)
{
	const char		*text;
	unsigned long		 seq;
	enum intercept_held	 h;

	if (cr_icpt(ui) == NULL || ui->cr_id == 0)
		return;
	h = intercept_held(cr_icpt(ui), ui->cr_id, &text, &seq);
	if (h == ICPT_HELD_NONE || seq == ui->ic_held_seq)
		return;
	ui->ic_held_seq = seq;
	snprintf(ui->ic_held, sizeof ui->ic_held, "%s", text);
	lineedit_set(&ui->le, text);
	ui->focus = FOCUS_ENTRY;
	ui_say(ui, 0, "held %s: Enter sends it, edit it first%s", h ==
	    ICPT_HELD_COMMAND ? "the client's command" : "the upstream's "
	    "reply", h == ICPT_HELD_COMMAND ? ", or type a reply (451 4.7.1 "
	    "try later) to answer it yourself" : " (same class)");
	ui->dirty = 1;
}

int
classroom_typing(struct ui *ui)
{
	const char	*text;
	unsigned long	 seq;

	return (cr_icpt(ui) != NULL && ui->cr_id != 0 &&
	    ui->focus == FOCUS_ENTRY && intercept_held(cr_icpt(ui),
	    ui->cr_id, &text, &seq) != ICPT_HELD_NONE);
}

int
classroom_submit(struct ui *ui, const char *line)
{
	const char	*text;
	unsigned long	 seq;
	char		 err[256];

	if (cr_icpt(ui) == NULL || ui->cr_id == 0 ||
	    intercept_held(cr_icpt(ui), ui->cr_id, &text, &seq) ==
	    ICPT_HELD_NONE)
		return (0);
	if (intercept_release(cr_icpt(ui), ui->cr_id, strcmp(line,
	    ui->ic_held) == 0 ? NULL : line, err, sizeof err) == -1) {
		ui_say(ui, 1, "%s", err);
		lineedit_set(&ui->le, line);
		return (1);
	}
	ui_say(ui, 0, "sent on");
	ui->dirty = 1;
	return (1);
}

/* A key in the table; every key stops here. */
static void
cr_table_key(struct ui *ui, int type, wint_t ch)
{
	int	page = ui->rows - 6 > 1 ? ui->rows - 6 : 1;

	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_UP:
		case KEY_DOWN:
		case KEY_HOME:
		case KEY_END:
			ch = keys_pager_letter(ch);
			break;
		case KEY_ENTER:
			ch = '\r';
			break;
		case KEY_PPAGE:
			ui->cr_sel = ui->cr_sel > (size_t)page ?
			    ui->cr_sel - (size_t)page : 0;
			ui->dirty = 1;
			return;
		case KEY_NPAGE:
			ui->cr_sel += (size_t)page;
			if (ui->cr_sel >= ui->cr_nrows)
				ui->cr_sel = ui->cr_nrows > 0 ?
				    ui->cr_nrows - 1 : 0;
			ui->dirty = 1;
			return;
		case KEY_F(1):
			ch = '?';
			break;
		default:
			return;
		}
	}
	switch (ch) {
	case 'k':
		if (ui->cr_sel > 0)
			ui->cr_sel--;
		break;
	case 'j':
		if (ui->cr_sel + 1 < ui->cr_nrows)
			ui->cr_sel++;
		break;
	case 'g':
		ui->cr_sel = 0;
		break;
	case 'G':
		ui->cr_sel = ui->cr_nrows > 0 ? ui->cr_nrows - 1 : 0;
		break;
	case '\r':
	case '\n':
		cr_open(ui);
		break;
	case 'q':
	case CTRL('D'):
		classroom_quit(ui);
		break;
	case '?':
		ui->help = 1;
		ui->help_scroll = 0;
		break;
	case 'i':
		cr_toggle_hold(ui);
		break;
	case CTRL('L'):
		ui->full = 1;
		break;
	}
	ui->dirty = 1;
}

/*
 * A key in the classroom; returns 1 when it was taken.  The read-only
 * view of a session takes q and Esc (back) and keeps the line counter
 * of a replay out of the way; its other keys are the replay view's.
 */
int
classroom_key(struct ui *ui, int type, wint_t ch)
{
	if (ui->cr_confirm) {
		ui->cr_confirm = 0;
		if (type != KEY_CODE_YES && (ch == 'y' || ch == 'Y' ||
		    ch == 'q'))
			ui->quit = 1;
		else
			ui_say(ui, 0, "still serving");
		ui->dirty = 1;
		return (1);
	}
	if (ui->cr_id == 0) {
		cr_table_key(ui, type, ch);
		return (1);
	}
	if (ui->focus == FOCUS_ENTRY && ui->le.text.len > 0)
		return (0);
	/* A held item waits: keys type its replacement (i still toggles). */
	if (classroom_typing(ui) && !(type != KEY_CODE_YES && ch == 'i'))
		return (0);
	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_LEFT:
		case KEY_RIGHT:
			return (1);
		case KEY_HOME:
			transcript_pane_select(ui, 0);
			return (1);
		case KEY_END:
			transcript_pane_bottom(ui);
			if (ui->t->n > 0)
				transcript_pane_select(ui, ui->t->n - 1);
			return (1);
		}
		return (0);
	}
	switch (ch) {
	case 'i':
		if (cr_icpt(ui) == NULL)
			break;
		cr_toggle_hold(ui);
		return (1);
	case 'q':
	case 0x1b:
		cr_close(ui);
		return (1);
	case ' ':
	case 'b':
	case 'p':
		return (1);
	case 'g':
		transcript_pane_select(ui, 0);
		ui->dirty = 1;
		return (1);
	case 'G':
		transcript_pane_bottom(ui);
		if (ui->t->n > 0)
			transcript_pane_select(ui, ui->t->n - 1);
		return (1);
	}
	return (0);
}

/* Octets in words: "812 KiB", "3.4 MiB". */
static void
cr_size(char *s, size_t len, size_t n)
{
	if (n < 1024 * 1024)
		snprintf(s, len, "%zu KiB", (n + 1023) / 1024);
	else
		snprintf(s, len, "%.1f MiB", n / (1024.0 * 1024.0));
}

/* Text at y, x in at most w columns (escaped), with extra attributes. */
static int
cr_put(struct ui *ui, int y, int x, int w, const char *s, int role, int extra)
{
	struct cells	c;
	int		used;

	if (w <= 0)
		return (0);
	memset(&c, 0, sizeof c);
	cells_add_raw(&c, ui, s, strlen(s), role);
	used = screen_put_cells(ui, y, x, w, &c, 0, c.n, extra);
	cells_free(&c);
	return (used);
}

/* The top line: where we listen, sessions, messages, memory. */
static void
cr_draw_header(struct ui *ui)
{
	struct practice	*pr = cr_practice(ui);
	char		 s[512], used[32], budget[32], view[32];

	attrset(theme_attr(ui, R_STATUS));
	mvhline(0, 0, ' ', ui->cols);
	attrset(A_NORMAL);
	if (cr_icpt(ui) != NULL) {
		snprintf(s, sizeof s, "intercept%s  %s -> %s  sessions %zu  "
		    "ended %lu", intercept_hold(cr_icpt(ui)) ? " (holding)" :
		    "", ui->p->classroom_listen != NULL ?
		    ui->p->classroom_listen : "", ui->p->intercept_upstream !=
		    NULL ? ui->p->intercept_upstream : "",
		    intercept_nsessions(cr_icpt(ui)),
		    intercept_nended(cr_icpt(ui)));
		cr_put(ui, 0, 1, ui->cols - 2, s, R_STATUS, 0);
		return;
	}
	cr_size(used, sizeof used, practice_mem_used(pr));
	cr_size(budget, sizeof budget, ui->p->classroom_budget);
	cr_size(view, sizeof view, practice_view_mem(pr));
	snprintf(s, sizeof s, "classroom  %s  sessions %zu/%zu  messages %lu  "
	    "memory %s of %s  transcripts %s",
	    ui->p->classroom_listen != NULL ? ui->p->classroom_listen : "",
	    practice_nsessions(pr), practice_max_sessions(pr),
	    practice_total(pr), used, budget, view);
	cr_put(ui, 0, 1, ui->cols - 2, s, R_STATUS, 0);
}

/* How long ago, in a few characters. */
static void
cr_ago(char *s, size_t len, long long ms)
{
	long long	sec = ms > 0 ? ms / 1000 : 0;

	if (sec < 60)
		snprintf(s, len, "%llds", sec);
	else if (sec < 3600)
		snprintf(s, len, "%lldm", sec / 60);
	else
		snprintf(s, len, "%lldh", sec / 3600);
}

/*
 * The lesson column: the highest built-in lesson whose checks all hold in
 * this session's transcript ("L3"), or "-".
 */
static void
cr_lesson(struct ui *ui, const struct practice_row *r, char *out,
    size_t outlen)
{
	const struct transcript	*t;
	struct lesson_ctx	 c;
	size_t			 i, best = 0;

	snprintf(out, outlen, "-");
	if ((t = practice_sess_transcript(cr_practice(ui), r->id)) == NULL)
		return;
	memset(&c, 0, sizeof c);
	c.tls = r->tls;
	c.auth = r->authed;
	c.inbox = -1;
	for (i = 0; i < lesson_count; i++)
		if (lesson_nheld(&lesson_table[i], t, &c) ==
		    lesson_nchecks(&lesson_table[i]))
			best = i + 1;
	if (best > 0)
		snprintf(out, outlen, "L%zu", best);
}


/*
 * The session tables' rows from y0, h of them: scrolled so that the
 * selected one shows.  Without sessions, empty says what to do instead.
 * Returns 0 when there are no rows to draw.
 */
static int
cr_table_scroll(struct ui *ui, int y0, int h, const char *empty)
{
	if (h <= 0)
		return 0;
	if (ui->cr_nrows == 0) {
		cr_put(ui, y0 + 1, 2, ui->cols - 4, empty, R_DIM, 0);
		return 0;
	}
	if (ui->cr_sel < ui->cr_top)
		ui->cr_top = ui->cr_sel;
	if (ui->cr_sel >= ui->cr_top + (size_t)h)
		ui->cr_top = ui->cr_sel - (size_t)h + 1;
	return 1;
}

/* Row i at y: the selected one in reverse across the width, ended dim. */
static void
cr_table_row(struct ui *ui, size_t i, int y, int *extra, int *role)
{
	*extra = i == ui->cr_sel ? A_REVERSE : 0;
	*role = ui->cr_rows[i].ended ? R_DIM : R_NORMAL;
	if (*extra) {
		attrset(A_REVERSE);
		mvhline(y, 0, ' ', ui->cols);
		attrset(A_NORMAL);
	}
}

/* A row's latest reply, in the colour of its code ("-" before any). */
static void
cr_put_last(struct ui *ui, int y, int x, int w, const struct practice_row *r,
    int role, int extra)
{
	int	code = atoi(r->last);

	cr_put(ui, y, x, w, r->last[0] != '\0' ? r->last : "-",
	    r->last[0] != '\0' && code >= 200 ? theme_role_of_code(code) :
	    role, extra);
}

/* The interceptor's table: client, started, TLS, latest reply, result. */
static void
cr_draw_icpt(struct ui *ui, int y0, int h)
{
	const struct practice_row	*r;
	char				 id[16], ago[24], tls[24];
	long long			 now = practice_clock_ms();
	size_t				 i;
	int				 y, x = 1, extra, role, wpeer;
	int				 wlast, wres;

	wpeer = ui->cols >= 100 ? 26 : 22;
	wres = ui->cols >= 100 ? 30 : 20;
	wlast = ui->cols - (5 + wpeer + 8 + 10 + wres + 2);
	if (wlast < 8)
		wlast = 8;
	attrset(theme_attr(ui, R_HEADING));
	mvhline(y0, 0, ' ', ui->cols);
	attrset(A_NORMAL);
	cr_put(ui, y0, x, 4, "#", R_HEADING, 0);
	cr_put(ui, y0, x + 5, wpeer, "CLIENT", R_HEADING, 0);
	cr_put(ui, y0, x + 5 + wpeer, 8, "AGE", R_HEADING, 0);
	cr_put(ui, y0, x + 5 + wpeer + 8, 10, "TLS C/U", R_HEADING, 0);
	cr_put(ui, y0, x + 5 + wpeer + 18, wlast, "LAST REPLY", R_HEADING, 0);
	cr_put(ui, y0, x + 5 + wpeer + 18 + wlast + 1, wres, "RESULT",
	    R_HEADING, 0);
	h--;
	y0++;
	if (!cr_table_scroll(ui, y0, h, "No sessions yet. "
	    "Point the application at the address above."))
		return;
	for (i = ui->cr_top, y = y0; i < ui->cr_nrows && y < y0 + h;
	    i++, y++) {
		r = &ui->cr_rows[i];
		cr_table_row(ui, i, y, &extra, &role);
		snprintf(id, sizeof id, "%u", r->id);
		cr_ago(ago, sizeof ago, now - r->start_ms);
		snprintf(tls, sizeof tls, "%s/%s", r->tls ? "TLS" : "-",
		    r->authed ? "TLS" : "-");
		cr_put(ui, y, x, 4, id, role, extra);
		cr_put(ui, y, x + 5, wpeer - 1, r->peer, role, extra);
		cr_put(ui, y, x + 5 + wpeer, 7, ago, role, extra);
		cr_put(ui, y, x + 5 + wpeer + 8, 9, tls, role, extra);
		cr_put_last(ui, y, x + 5 + wpeer + 18, wlast, r, role, extra);
		cr_put(ui, y, x + 5 + wpeer + 18 + wlast + 1, wres,
		    ui->ic_rows[i].held == ICPT_HELD_COMMAND ? "HELD command" :
		    ui->ic_rows[i].held == ICPT_HELD_REPLY ? "HELD reply" :
		    r->phase, ui->ic_rows[i].held ? R_ERRMSG : role, extra);
	}
}

/* The table of sessions between rows y0 and y0 + h. */
static void
cr_draw_table(struct ui *ui, int y0, int h)
{
	const struct practice_row	*r;
	char				 phase[64], msgs[24], id[16], ago[24], lesson[24];
	long long			 now = practice_clock_ms();
	size_t				 i;
	int				 y, x, extra, role, wpeer, wlast;

	wpeer = ui->cols >= 100 ? 26 : 22;
	wlast = ui->cols - (5 + wpeer + 20 + 6 + 7 + 6);
	if (wlast < 8)
		wlast = 8;
	attrset(theme_attr(ui, R_HEADING));
	mvhline(y0, 0, ' ', ui->cols);
	attrset(A_NORMAL);
	x = 1;
	cr_put(ui, y0, x, 4, "#", R_HEADING, 0);
	cr_put(ui, y0, x + 5, wpeer, "PEER", R_HEADING, 0);
	cr_put(ui, y0, x + 5 + wpeer, 20, "PHASE", R_HEADING, 0);
	cr_put(ui, y0, x + 5 + wpeer + 20, wlast, "LAST REPLY", R_HEADING, 0);
	cr_put(ui, y0, x + 5 + wpeer + 20 + wlast + 1, 5, "MSGS", R_HEADING,
	    0);
	cr_put(ui, y0, x + 5 + wpeer + 20 + wlast + 7, 6, "LESSON",
	    R_HEADING, 0);
	h--;
	y0++;
	if (!cr_table_scroll(ui, y0, h, "No sessions yet. "
	    "Point a client at the address above: smtpscope HOST PORT, "
	    "swaks, a mail program."))
		return;
	for (i = ui->cr_top, y = y0; i < ui->cr_nrows && y < y0 + h;
	    i++, y++) {
		r = &ui->cr_rows[i];
		cr_table_row(ui, i, y, &extra, &role);
		snprintf(id, sizeof id, "%u", r->id);
		cr_ago(ago, sizeof ago, now - r->last_ms);
		if (r->ended)
			snprintf(phase, sizeof phase, "ended");
		else
			snprintf(phase, sizeof phase, "%s%s%s %s", r->phase,
			    r->tls ? " TLS" : "", r->authed ? " auth" : "",
			    ago);
		snprintf(msgs, sizeof msgs, "%lu", r->msgs);
		cr_put(ui, y, x, 4, id, role, extra);
		cr_put(ui, y, x + 5, wpeer - 1, r->peer, role, extra);
		cr_put(ui, y, x + 5 + wpeer, 19, phase, role, extra);
		cr_put_last(ui, y, x + 5 + wpeer + 20, wlast, r, role, extra);
		cr_put(ui, y, x + 5 + wpeer + 20 + wlast + 1, 5, msgs, role,
		    extra);
		cr_lesson(ui, r, lesson, sizeof lesson);
		cr_put(ui, y, x + 5 + wpeer + 20 + wlast + 7, 6, lesson, role,
		    extra);
	}
}

/* The log strip: the newest lines at the bottom. */
static void
cr_draw_log(struct ui *ui, int y0, int h)
{
	size_t	i, n;

	attrset(theme_attr(ui, R_BORDER));
	mvhline(y0, 0, ACS_HLINE, ui->cols);
	attrset(A_NORMAL);
	cr_put(ui, y0, 2, ui->cols - 4, " Log ", R_TITLE, 0);
	n = (size_t)(h - 1);
	if (n > cr_log_n)
		n = cr_log_n;
	for (i = 0; i < n; i++)
		cr_put(ui, y0 + h - 1 - (int)i, 1, ui->cols - 2,
		    cr_log_line(i), R_DIM, 0);
}

/* The last line: a question, a message, or the keys. */
static void
cr_draw_hint(struct ui *ui, int y)
{
	char	q[160];

	if (ui->cr_confirm) {
		snprintf(q, sizeof q, "%zu sessions are live: stop the %s "
		    "and close them? (y/n)", cr_nsessions(ui),
		    cr_icpt(ui) != NULL ? "interceptor" : "server");
		cr_put(ui, y, 1, ui->cols - 2, q, R_ERRMSG, 0);
		return;
	}
	if (ui->msg != NULL) {
		cr_put(ui, y, 1, ui->cols - 2, ui->msg, ui->msg_err ?
		    R_ERRMSG : R_MSG, 0);
		return;
	}
	cr_put(ui, y, 1, ui->cols - 2, cr_icpt(ui) != NULL ? "Up/Down "
	    "select  Enter open  i intercept mode  q quit  ? help" :
	    "Up/Down select  Enter open read-only  q quit  ? help", R_HINT, 0);
}

/* Draw the table view (the read-only view is the usual panes). */
void
classroom_draw(struct ui *ui)
{
	int	logh, tableh;

	logh = ui->rows / 4;
	if (logh > CR_LOG_ROWS + 1)
		logh = CR_LOG_ROWS + 1;
	if (logh < 2)
		logh = 2;
	tableh = ui->rows - 2 - logh;
	cr_draw_header(ui);
	if (cr_icpt(ui) != NULL)
		cr_draw_icpt(ui, 1, tableh);
	else
		cr_draw_table(ui, 1, tableh);
	cr_draw_log(ui, 1 + tableh, logh);
	cr_draw_hint(ui, ui->rows - 1);
}
