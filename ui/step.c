/*
 * step.c: --script FILE --step.  The script sits in a pane above the
 * sidebar with the next line marked.  A step runs one command, then the
 * :expect lines after it once its reply is in (message content after a
 * 354 goes with its DATA); 'c' runs on to the end, to a line with a
 * breakpoint, or until a reply matches a :break pattern.  Nothing here
 * blocks: step_pump() runs a line only when no reply is due, and the loop
 * calls it again after every event.
 */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/auth.h"
#include "smtpscope/command.h"
#include "smtpscope/phase.h"
#include "smtpscope/script.h"
#include "smtpscope/session.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

static void	step_add_text(struct cells *, const struct ui *,
		    const struct script_line *, int);

#define CTRL(c)		((c) & 0x1f)

/* Lines that script mode skips: empty ones and comments. */
static int
step_blank(const struct script_line *l)
{
	return (l->len == 0 || l->text[0] == '#');
}

/* Is the line the ':' command name? */
static int
step_is_cmd(const char *text, const char *name)
{
	size_t	len = strlen(name);

	return (text[0] == ':' && strncasecmp(text + 1, name, len) == 0 &&
	    (text[1 + len] == '\0' || text[1 + len] == ' ' ||
	    text[1 + len] == '\t'));
}

/*
 * Move the next line past blank lines and comments, unless they may be
 * message content: in data mode, or while a reply (perhaps a 354) is due.
 */
static void
step_skip(struct ui *ui)
{
	const struct session_info	*in;

	if (ui->s != NULL) {
		in = session_info(ui->s);
		if (in->mode == SMODE_DATA || in->waiting > 0)
			return;
	}
	while (ui->sc_next < ui->script->n &&
	    step_blank(&ui->script->lines[ui->sc_next]))
		ui->sc_next++;
}

/* Take the script from the parameters; nothing runs before a key. */
void
step_init(struct ui *ui)
{
	ui->script = ui->p->script;
	ui->sc_bp = xcalloc(ui->script->n > 0 ? ui->script->n : 1, 1);
	ui->cctx.set_break = step_set_break;
	step_skip(ui);
	ui->sc_sel = ui->sc_next < ui->script->n ? ui->sc_next : 0;
}

/* Forget the breakpoints and :break patterns. */
void
step_free(struct ui *ui)
{
	size_t	i;

	for (i = 0; i < ui->nbrk; i++)
		free(ui->brk[i]);
	free(ui->brk);
	free(ui->sc_bp);
	ui->brk = NULL;
	ui->nbrk = 0;
	ui->sc_bp = NULL;
}

/* Stop running lines until the next key. */
static void
step_stop(struct ui *ui)
{
	ui->sc_run = STEP_IDLE;
	ui->sc_queued = 0;
}

/* May the next line run now: no reply due and nothing left to write? */
static int
step_idle(struct ui *ui)
{
	const struct session_info	*in = session_info(ui->s);

	if (ui->cctx.pipelining)
		return (1);	/* a :pipeline batch goes out at once */
	return (in->waiting == 0 && !session_busy(ui->s));
}

/*
 * Run one script line.  Returns 0, -1 when it ran and failed (stop), or
 * -2 when it could not run at all (stop and stay on it).
 */
static int
step_exec(struct ui *ui, const struct script_line *l)
{
	const char	*text = l->text;
	int		 rc;

	if (text[0] == ':') {
		if (step_is_cmd(text, "sync")) {
			/* Replies show up as they come; never block here. */
			ui->cctx.pipelining = 0;
			return (0);
		}
		if (step_is_cmd(text, "quit")) {
			session_note(ui->s, TDIR_INFO, "the script ends with "
			    ":quit at line %zu (:quit leaves smtpscope)",
			    l->lineno);
			ui->sc_next = ui->script->n;
			return (0);
		}
		ui->cctx.failed = 0;
		ui->cctx.quit = 0;
		rc = command_run(&ui->cctx, text);
		if (ui->cctx.failed) {
			ui_say(ui, 1, "line %zu: the expectation failed; "
			    "Space or c goes on anyway", l->lineno);
			return (-1);
		}
		if (rc == -1) {
			if (ui->msg == NULL)
				ui_say(ui, 1, "line %zu: %s failed", l->lineno,
				    text);
			return (-1);
		}
		return (0);
	}
	if (session_fd(ui->s) == -1) {
		ui_say(ui, 1, "line %zu not sent: the connection is closed "
		    "(:reconnect, then step again)", l->lineno);
		return (-2);
	}
	if (session_input(ui->s, text, l->len) == -1) {
		ui_say(ui, 1, "line %zu not sent: %s", l->lineno,
		    session_error(ui->s) != NULL ? session_error(ui->s) :
		    "not connected");
		return (-2);
	}
	return (0);
}

/* Run script lines for as long as the current request allows. */
void
step_pump(struct ui *ui)
{
	const struct script_line	*l;
	size_t				 at;
	int				 rc, more;

	if (ui->script == NULL || ui->s == NULL || ui->sc_busy || ui->asking)
		return;
	ui->sc_busy = 1;
	while (ui->sc_run != STEP_IDLE && !ui->quit) {
		if (!step_idle(ui))
			break;
		step_skip(ui);
		if (ui->sc_next >= ui->script->n) {
			step_stop(ui);
			ui->sc_done = 1;
			ui_say(ui, 0, "end of the script; type commands as "
			    "usual");
			break;
		}
		l = &ui->script->lines[ui->sc_next];
		/*
		 * One step is one command: after it, only its :expect checks
		 * and the content of a message (data mode) or of a :pipeline
		 * batch run without another key.
		 */
		more = step_is_cmd(l->text, "expect") || ui->cctx.pipelining ||
		    session_info(ui->s)->mode == SMODE_DATA;
		if (ui->sc_run == STEP_ONE && ui->sc_ran > 0 && !more) {
			if (ui->sc_queued == 0) {
				step_stop(ui);
				break;
			}
			ui->sc_queued--;
			ui->sc_ran = 0;
		}
		if (ui->sc_run == STEP_CONT && ui->sc_ran > 0 &&
		    ui->sc_bp[ui->sc_next]) {
			step_stop(ui);
			ui_say(ui, 0, "breakpoint at line %zu; Space steps, c "
			    "continues", l->lineno);
			break;
		}
		at = ui->sc_next++;
		ui->sc_ran++;
		rc = step_exec(ui, l);
		if (rc == -2) {
			ui->sc_next = at;
			step_stop(ui);
			break;
		}
		if (rc == -1) {
			step_stop(ui);
			break;
		}
	}
	step_skip(ui);
	if (ui->sc_next >= ui->script->n)
		ui->sc_done = 1;
	if (ui->focus != FOCUS_SCRIPT && ui->sc_next < ui->script->n)
		ui->sc_sel = ui->sc_next;
	ui->sc_busy = 0;
	ui->dirty = 1;
}

/* A key asked for a step (STEP_ONE) or to continue (STEP_CONT). */
void
step_request(struct ui *ui, enum step_run how)
{
	if (ui->script == NULL)
		return;
	if (ui->sc_run == STEP_CONT) {
		step_stop(ui);
		ui_say(ui, 0, "paused; Space steps, c continues");
		return;
	}
	if (ui->sc_run == STEP_ONE) {
		/* Still waiting for a reply: remember the key. */
		if (how == STEP_CONT)
			ui->sc_run = STEP_CONT;
		else
			ui->sc_queued++;
		return;
	}
	step_skip(ui);
	if (ui->sc_next >= ui->script->n) {
		ui_say(ui, 0, "the script has ended; type commands as usual");
		return;
	}
	ui->sc_run = how;
	ui->sc_ran = 0;
	ui->sc_queued = 0;
	if (how == STEP_CONT)
		ui_say(ui, 0, "continuing; c pauses");
	step_pump(ui);
}

/* A line arrived: while continuing, stop on a reply :break names. */
void
step_on_line(struct ui *ui, size_t i)
{
	const struct tline	*tl;
	size_t			 k;

	if (ui->script == NULL || ui->nbrk == 0 || ui->sc_run != STEP_CONT ||
	    i >= ui->t->n)
		return;
	tl = &ui->t->lines[i];
	if (tl->dir != TDIR_S || !(tl->flags & TL_REPLY_END))
		return;
	for (k = 0; k < ui->nbrk; k++) {
		if (!command_code_match(ui->brk[k], tl->code, tl->enh))
			continue;
		step_stop(ui);
		ui_say(ui, 0, "break: reply %03d%s%s matches :break %s; Space "
		    "steps, c continues", tl->code, tl->enh[0] != '\0' ?
		    " " : "", tl->enh, ui->brk[k]);
		return;
	}
}

/* A pattern :break accepts: 5xx, 55x, 550, or an enhanced code. */
static int
step_valid_pattern(const char *p)
{
	size_t	i, n;
	int	parts;

	if (strlen(p) == 3 && p[0] >= '2' && p[0] <= '5') {
		for (i = 1; i < 3; i++)
			if (!(p[i] >= '0' && p[i] <= '9') && p[i] != 'x' &&
			    p[i] != 'X')
				return (0);
		return (1);
	}
	if (p[0] != '2' && p[0] != '4' && p[0] != '5')
		return (0);
	if (p[1] != '.')
		return (0);
	/* RFC 3463 2: class.subject.detail, up to three digits each. */
	for (i = 2, parts = 1; ; parts++) {
		n = strspn(p + i, "0123456789");
		if (n < 1 || n > 3)
			return (0);
		i += n;
		if (p[i] == '\0')
			return (parts == 3);
		if (p[i] != '.')
			return (0);
		i++;
	}
}

/* :break CODE|off, or without an argument list the patterns. */
int
step_set_break(void *arg, const char *pat)
{
	struct ui	*ui = arg;
	struct buf	 b;
	size_t		 i;

	if (pat == NULL) {
		if (ui->nbrk == 0) {
			ui_say(ui, 0, "no :break patterns; :break 5xx stops "
			    "continuing at any 5xx reply");
			return (0);
		}
		buf_init(&b);
		for (i = 0; i < ui->nbrk; i++)
			buf_printf(&b, " %s", ui->brk[i]);
		ui_say(ui, 0, "continuing stops at replies matching:%s",
		    buf_str(&b));
		buf_free(&b);
		return (0);
	}
	if (strcasecmp(pat, "off") == 0) {
		for (i = 0; i < ui->nbrk; i++)
			free(ui->brk[i]);
		ui->nbrk = 0;
		ui_say(ui, 0, "reply breakpoints cleared");
		return (0);
	}
	if (!step_valid_pattern(pat)) {
		ui_say(ui, 1, ":break wants a reply code such as 5xx, 550, "
		    "55x or 4.7.1, or off; not '%s'", pat);
		return (-1);
	}
	for (i = 0; i < ui->nbrk; i++)
		if (strcasecmp(ui->brk[i], pat) == 0) {
			ui_say(ui, 0, "already breaking on %s", pat);
			return (0);
		}
	ui->brk = xreallocarray(ui->brk, ui->nbrk + 1, sizeof *ui->brk);
	ui->brk[ui->nbrk++] = xstrdup(pat);
	ui_say(ui, 0, "continuing (c) stops when a reply matches %s", pat);
	return (0);
}

/* Split the side region: the script on top, the sidebar under it. */
void
step_layout(struct ui *ui, struct rect *side)
{
	int	h;

	ui->r_script = *side;
	if (!ui->has_side) {
		side->h = 0;
		return;
	}
	h = (int)ui->script->n + 1;
	if (h > side->h / 2)
		h = side->h / 2;
	if (h < 3)
		h = side->h < 3 ? side->h : 3;
	ui->r_script.h = h;
	side->y += h + 1;
	side->h -= h + 1;
	if (side->h < 0)
		side->h = 0;
}

/* Draw the script pane: breakpoints, the next line, what already ran. */
void
step_draw(struct ui *ui)
{
	const struct script_file	*sf = ui->script;
	const struct script_line	*l;
	struct rect			*r = &ui->r_script;
	struct cells			 c;
	char				 head[256], num[16];
	const char			*state, *bp, *next, *name;
	size_t				 anchor, i;
	int				 rows, row, y, digits, role;
	attr_t				 extra;

	if (!ui->has_script || r->h <= 0 || r->w <= 4)
		return;
	bp = ui->utf8 ? "\xe2\x97\x8f" : "*";		/* ● */
	next = ui->utf8 ? "\xe2\x96\xb6" : ">";		/* ▶ */
	if (ui->sc_run == STEP_CONT)
		state = "running";
	else if (ui->sc_run == STEP_ONE)
		state = "waiting";
	else if (ui->sc_next >= sf->n)
		state = "done";
	else
		state = "paused";
	name = strrchr(sf->path, '/');
	name = name != NULL && name[1] != '\0' ? name + 1 : sf->path;
	snprintf(head, sizeof head, "script %s  line %zu/%zu  %s",
	    name, ui->sc_next < sf->n ? sf->lines[ui->sc_next].lineno :
	    sf->n, sf->n, state);
	screen_put(ui, r->y, r->x + 1, r->w - 1, head, strlen(head),
	    R_HEADING);
	if (ui->has_side && ui->r_side.h > 0) {
		attrset(theme_attr(ui, R_BORDER));
		mvhline(r->y + r->h, r->x, ACS_HLINE, r->w);
		attrset(A_NORMAL);
	}
	rows = r->h - 1;
	if (rows <= 0 || sf->n == 0)
		return;

	/* Keep the selection (script focus) or the next line in view. */
	anchor = ui->focus == FOCUS_SCRIPT ? ui->sc_sel : ui->sc_next;
	if (anchor >= sf->n)
		anchor = sf->n - 1;
	if (anchor < ui->sc_top)
		ui->sc_top = anchor;
	if (anchor + 2 > ui->sc_top + (size_t)rows)
		ui->sc_top = anchor + 2 > (size_t)rows ?
		    anchor + 2 - (size_t)rows : 0;
	if (ui->sc_top + (size_t)rows > sf->n)
		ui->sc_top = sf->n > (size_t)rows ? sf->n - (size_t)rows : 0;

	digits = snprintf(num, sizeof num, "%zu", sf->lines[sf->n - 1].lineno);
	memset(&c, 0, sizeof c);
	for (row = 0; row < rows; row++) {
		i = ui->sc_top + (size_t)row;
		if (i >= sf->n)
			break;
		l = &sf->lines[i];
		y = r->y + 1 + row;
		cells_reset(&c);
		if (ui->sc_bp[i])
			cells_add(&c, ui, bp, strlen(bp), R_ERRMSG);
		else
			cells_add(&c, ui, " ", 1, R_NORMAL);
		if (i == ui->sc_next)
			cells_add(&c, ui, next, strlen(next), R_HEADING);
		else
			cells_add(&c, ui, " ", 1, R_NORMAL);
		snprintf(num, sizeof num, " %*zu ", digits, l->lineno);
		cells_add(&c, ui, num, strlen(num), R_DIM);
		if (step_blank(l))
			role = R_DIM;
		else if (i < ui->sc_next)
			role = R_DIM;
		else if (l->text[0] == ':')
			role = R_INFO;
		else
			role = i == ui->sc_next ? R_CLIENT : R_NORMAL;
		step_add_text(&c, ui, l, role);
		extra = A_NORMAL;
		if (i == ui->sc_next)
			extra |= A_REVERSE;
		if (ui->focus == FOCUS_SCRIPT && i == ui->sc_sel)
			extra |= i == ui->sc_next ? A_BOLD : A_UNDERLINE;
		if (extra & A_REVERSE) {
			attrset(A_REVERSE);
			mvhline(y, r->x, ' ', r->w);
			attrset(A_NORMAL);
		}
		screen_put_cells(ui, y, r->x, r->w, &c, 0, c.n, (int)extra);
	}
	cells_free(&c);
}

/*
 * Is script line i an AUTH answer that carries a secret?  Answers are the
 * lines after an AUTH line that are no SMTP command (':' lines, blank
 * lines and comments in between do not count); what each one carries
 * follows from its place in the mechanism, as in the session.
 */
static int
step_answer_secret(const struct ui *ui, size_t i)
{
	const struct script_line	*l = &ui->script->lines[i];
	char				 mech[32];
	size_t				 j, k, n = 0;

	if (step_blank(l) || l->text[0] == ':' ||
	    verb_of(l->text, l->len) != VERB_OTHER)
		return (0);
	for (j = i; j-- > 0; ) {
		l = &ui->script->lines[j];
		if (step_blank(l) || l->text[0] == ':')
			continue;
		if (verb_of(l->text, l->len) == VERB_OTHER) {
			n++;
			continue;
		}
		if (verb_of(l->text, l->len) != VERB_AUTH)
			return (0);
		/* "AUTH MECH [initial response]" */
		for (k = 4; k < l->len && isspace((unsigned char)l->text[k]);
		    k++)
			;
		snprintf(mech, sizeof mech, "%.*s", (int)strcspn(l->text + k,
		    " \t"), l->text + k);
		k += strcspn(l->text + k, " \t");
		while (k < l->len && isspace((unsigned char)l->text[k]))
			k++;
		if (k < l->len)
			n++;	/* the initial response came first */
		return (auth_part_is_secret(auth_part_of(mech, (int)n)));
	}
	return (0);
}

/* A script line as shown: AUTH initial responses and secret answers masked. */
static void
step_add_text(struct cells *c, const struct ui *ui,
    const struct script_line *l, int role)
{
	size_t	i = 0, words = 0, keep = 0;

	if (step_answer_secret(ui, (size_t)(l - ui->script->lines))) {
		cells_add(c, ui, "********", 8, role);
		return;
	}

	if (verb_of(l->text, l->len) == VERB_AUTH) {
		while (i < l->len && words < 3) {
			while (i < l->len && isspace((unsigned char)l->text[i]))
				i++;
			if (i == l->len)
				break;
			if (++words == 3)
				break;
			while (i < l->len &&
			    !isspace((unsigned char)l->text[i]))
				i++;
			keep = i;
		}
		if (words == 3) {
			cells_add_raw(c, ui, l->text, keep, role);
			cells_add(c, ui, " ********", 9, role);
			return;
		}
	}
	cells_add_raw(c, ui, l->text, l->len, role);
}

/* Toggle the breakpoint on the selected line. */
static void
step_toggle(struct ui *ui)
{
	const struct script_line	*l;

	if (ui->sc_sel >= ui->script->n)
		return;
	l = &ui->script->lines[ui->sc_sel];
	if (step_blank(l)) {
		ui_say(ui, 0, "line %zu runs nothing; pick a command line",
		    l->lineno);
		return;
	}
	ui->sc_bp[ui->sc_sel] = !ui->sc_bp[ui->sc_sel];
	ui_say(ui, 0, "breakpoint %s at line %zu", ui->sc_bp[ui->sc_sel] ?
	    "set" : "cleared", l->lineno);
}

/* Move the script pane's selection by delta lines. */
static void
step_select(struct ui *ui, long delta)
{
	long	i = (long)ui->sc_sel + delta;

	if (ui->script->n == 0)
		return;
	if (i < 0)
		i = 0;
	if (i >= (long)ui->script->n)
		i = (long)ui->script->n - 1;
	ui->sc_sel = (size_t)i;
}

/*
 * Step keys; returns 1 when the key was taken.  F5 continues and F6 steps
 * anywhere; on an empty entry line Space steps (outside data mode, where a
 * leading space may begin a folded header); the script pane (Tab) takes
 * Space, n, c, b and the arrows.
 */
int
step_key(struct ui *ui, int type, wint_t ch)
{
	const struct session_info	*in;
	size_t				 target;

	if (ui->script == NULL)
		return (0);
	if (type == KEY_CODE_YES && (ch == KEY_F(5) || ch == KEY_F(6))) {
		step_request(ui, ch == KEY_F(5) ? STEP_CONT : STEP_ONE);
		ui->dirty = 1;
		return (1);
	}
	if (ui->focus == FOCUS_ENTRY) {
		in = session_info(ui->s);
		if (type != KEY_CODE_YES && ch == ' ' &&
		    ui->le.text.len == 0 && in->mode != SMODE_DATA) {
			step_request(ui, STEP_ONE);
			ui->dirty = 1;
			return (1);
		}
		return (0);
	}
	if (ui->focus != FOCUS_SCRIPT)
		return (0);
	ui->dirty = 1;
	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_UP:
			step_select(ui, -1);
			break;
		case KEY_DOWN:
			step_select(ui, 1);
			break;
		case KEY_HOME:
			step_select(ui, -(long)ui->script->n);
			break;
		case KEY_END:
			step_select(ui, (long)ui->script->n);
			break;
		case KEY_ENTER:
		case KEY_BTAB:
			ui->focus = FOCUS_ENTRY;
			break;
		default:
			return (0);
		}
		return (1);
	}
	switch (ch) {
	case ' ':
		step_request(ui, STEP_ONE);
		return (1);
	case 'n':
	case 'N':
		/* One grammar: n is the next match, as in the transcript. */
		nav_search_again(ui, ch == 'n');
		return (1);
	case '/':
		nav_search_start(ui);
		return (1);
	case 'g':
		step_select(ui, -(long)ui->script->n);
		return (1);
	case 'G':
		step_select(ui, (long)ui->script->n);
		return (1);
	case 'c':
		step_request(ui, STEP_CONT);
		return (1);
	case 'b':
		step_toggle(ui);
		return (1);
	case 'k':
		step_select(ui, -1);
		return (1);
	case 'j':
		step_select(ui, 1);
		return (1);
	case '?':
		ui->help = 1;
		ui->help_scroll = 0;
		return (1);
	case '\t':
		/* Focus cycles entry, script, transcript. */
		target = transcript_pane_target(ui);
		if (target == (size_t)-1) {
			ui->focus = FOCUS_ENTRY;
			return (1);
		}
		ui->focus = FOCUS_TRANSCRIPT;
		free(ui->pinned);
		ui->pinned = NULL;
		transcript_pane_select(ui, target);
		return (1);
	case '\r':
	case '\n':
	case 0x1b:
	case 'q':
		ui->focus = FOCUS_ENTRY;
		return (1);
	case CTRL('L'):
		return (0);
	}
	/* Typing goes back to the entry line. */
	if (ch >= 0x20 && ch != 0x7f) {
		ui->focus = FOCUS_ENTRY;
		entry_key(ui, &ui->le, type, ch);
		return (1);
	}
	return (1);
}
