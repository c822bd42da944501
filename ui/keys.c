/*
 * keys.c: what each key does.  The help overlay, the search and secret
 * prompts take keys first; then the keys that mean the same everywhere
 * (F1, F2, F3, PgUp/PgDn, Ctrl-L); then the transcript (selection,
 * search) or the entry line (editing, history, Enter, Tab completion).
 */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/command.h"
#include "smtpscope/lineedit.h"
#include "smtpscope/script.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

#define CTRL(c)		((c) & 0x1f)
#define WHEEL_ROWS	3

static void	keys_dispatch_one(struct ui *, int, wint_t);

/*
 * 1 while lines are message content, or wait to be (DATA not answered
 * yet): a message is open, and '/', '?' and ':' lines may be its text.
 */
static int
ui_in_message(const struct ui *ui)
{
	const struct session_info	*in;

	if (ui->s == NULL)
		return (0);
	in = session_info(ui->s);
	return (in->mode == SMODE_DATA || in->data_pending || in->held > 0);
}

/*
 * Quit, unless a message is open: then say what would be lost and ask.
 * Nothing half-done is ever sent: the connection closes without the
 * final ".", so the server drops the message (RFC 5321 4.1.1.4).
 */
static void
ui_quit_request(struct ui *ui)
{
	const struct session_info	*in;
	int				 yes;

	if (ui->asking || !ui_in_message(ui) || ui->cctx.confirm == NULL) {
		ui->quit = 1;
		return;
	}
	in = session_info(ui->s);
	if (in->mode == SMODE_DATA)
		yes = ui->cctx.confirm(ui->cctx.arg, "Quit with the message "
		    "not ended? The server discards it.");
	else
		yes = ui->cctx.confirm(ui->cctx.arg, "Quit before DATA is "
		    "answered? The waiting lines are not sent.");
	if (yes)
		ui->quit = 1;
	else
		ui_say(ui, 0, "still in the message: a line with a lone . "
		    "ends it");
}

/* Ctrl-D on an empty line where it cannot mean "quit". */
static void
ui_ctrl_d_hint(struct ui *ui)
{
	const struct session_info	*in = session_info(ui->s);

	if (in->mode == SMODE_ANSWER)
		ui_say(ui, 0, "answering the server's 334: type the answer "
		    "(a lone * cancels the AUTH); Ctrl-D quits only at the "
		    "smtp> prompt");
	else if (in->mode == SMODE_DATA)
		ui_say(ui, 0, "in a message: a line with a lone . ends it; "
		    "Ctrl-D quits only at the smtp> prompt");
	else
		ui_say(ui, 0, "DATA waits for its reply: lines typed now go "
		    "out as the message after the 354; Ctrl-D quits only at "
		    "the smtp> prompt");
}

/* Replay: the entry line runs ':' commands only; nothing can be sent. */
static void
ui_submit_offline(struct ui *ui)
{
	char	*line;

	line = lineedit_take(&ui->le, 0);
	ui->entry_off = 0;
	if (ui->classroom && line[0] != ':' && classroom_submit(ui, line)) {
		free(line);
		ui->dirty = 1;
		return;
	}
	if (line[0] == ':') {
		if (strcmp(line, ":help") == 0) {
			ui->help = 1;
			ui->help_scroll = 0;
		} else {
			ui->cctx.quit = 0;
			command_run(&ui->cctx, line);
			if (ui->cctx.quit)
				ui_quit_request(ui);
		}
	} else if (line[0] != '\0')
		ui_say(ui, 1, "a replay sends nothing; the entry line takes "
		    ":commands (:save, :export, :explain, :quit)");
	free(line);
	ui->dirty = 1;
}

/* Send the entry line to the session or run it as a command. */
static void
ui_submit(struct ui *ui)
{
	char	*line, *sp;
	int	 secret, is_cmd = 0;

	if (ui->s == NULL) {
		ui_submit_offline(ui);
		return;
	}
	/*
	 * An AUTH initial response, a masked answer or a :b64/:unb64 (whose
	 * text may be a password) never enters history.
	 */
	secret = session_line_is_secret(ui->s, buf_str(&ui->le.text),
	    ui->le.text.len) || strncmp(buf_str(&ui->le.text), ":b64 ", 5) ==
	    0 || strncmp(buf_str(&ui->le.text), ":unb64 ", 7) == 0;
	line = lineedit_take(&ui->le, secret);
	ui->entry_off = 0;
	ui->follow = 1;
	if (line[0] == ':') {
		is_cmd = 1;
		if (ui_in_message(ui)) {
			/* Content may begin with ':'; only real commands run. */
			sp = strchr(line, ' ');
			if (sp != NULL)
				*sp = '\0';
			is_cmd = (command_find(line + 1) != NULL);
			if (sp != NULL)
				*sp = ' ';
		}
	}
	if (is_cmd) {
		if (strcmp(line, ":help") == 0) {
			ui->help = 1;
			ui->help_scroll = 0;
		} else if (strcmp(line, ":sync") == 0) {
			/* Replies show up as they come; never block here. */
			ui->cctx.pipelining = 0;
			ui_say(ui, 0, "replies appear as they arrive");
		} else {
			ui->cctx.quit = 0;
			command_run(&ui->cctx, line);
			if (ui->cctx.quit)
				ui_quit_request(ui);
		}
	} else {
		char	*once;

		/* An AUTH initial response encoded twice: offer it once. */
		if (session_info(ui->s)->mode == SMODE_COMMAND &&
		    !ui_in_message(ui) && ui->cctx.confirm != NULL &&
		    (once = session_ir_once(line, strlen(line))) != NULL) {
			if (ui->cctx.confirm(ui, "The initial response is "
			    "base64 of base64 (encoded twice); the server would "
			    "refuse it. Send it encoded once? (yes: fix it, no: "
			    "as typed)")) {
				free_secret(line);
				line = once;
				secret = 1;
			} else
				free_secret(once);
		}
		/* Base64 typed as an answer would go out encoded twice. */
		if (session_answer_encoded(ui->s, line, strlen(line)) &&
		    ui->cctx.confirm != NULL && ui->cctx.confirm(ui, "This "
		    "answer is base64 already; encoded again the server would "
		    "refuse it. Send it as typed? (yes: as typed, no: encode "
		    "it)"))
			session_set_raw(ui->s);
		if (session_input(ui->s, line, strlen(line)) == -1)
			ui_say(ui, 1, "not sent: %s", session_error(ui->s) !=
			    NULL ? session_error(ui->s) :
			    "not connected (:reconnect)");
	}
	if (secret)
		free_secret(line);
	else
		free(line);
	ui->dirty = 1;
}

/*
 * The letter a read-only view takes for a cursor key (less's grammar: k j
 * up and down, b and Space a page, g G the ends), or 0 for other keys.
 */
wint_t
keys_pager_letter(wint_t ch)
{
	switch (ch) {
	case KEY_UP:
		return ('k');
	case KEY_DOWN:
		return ('j');
	case KEY_PPAGE:
		return ('b');
	case KEY_NPAGE:
		return (' ');
	case KEY_HOME:
		return ('g');
	case KEY_END:
		return ('G');
	}
	return (0);
}

/* Keys while a search prompt is open. */
static void
ui_key_search(struct ui *ui, int type, wint_t ch)
{
	char	*term;

	if ((type != KEY_CODE_YES && (ch == '\r' || ch == '\n')) ||
	    (type == KEY_CODE_YES && ch == KEY_ENTER)) {
		term = lineedit_take(&ui->search_le, 0);
		ui->searching = 0;
		ui->entry_off = 0;
		nav_search_found(ui, term);
		free(term);
		ui->dirty = 1;
		return;
	}
	if ((type != KEY_CODE_YES && ch == 0x1b) ||
	    (type != KEY_CODE_YES && ch == CTRL('C'))) {
		lineedit_clear(&ui->search_le);
		ui->searching = 0;
		ui->entry_off = 0;
		ui->dirty = 1;
		return;
	}
	entry_key(ui, &ui->search_le, type, ch);
}

/* Keys that mean the same in both focuses; returns 1 when handled. */
static int
ui_key_global(struct ui *ui, int type, wint_t ch)
{
	int	page = ui->r_trans.h > 2 ? ui->r_trans.h - 1 : 1;

	if (type != KEY_CODE_YES) {
		if (ch == CTRL('L')) {
			ui->full = 1;
			ui->dirty = 1;
			return (1);
		}
		return (0);
	}
	switch (ch) {
	case KEY_F(1):
		ui->help = 1;
		ui->help_scroll = 0;
		break;
	case KEY_F(2):
		ui->side_mode = ui->side_mode == SIDE_HIDDEN ? SIDE_AUTO :
		    SIDE_HIDDEN;
		screen_layout(ui);
		break;
	case KEY_F(4):
		/* Wider, wider, widest, and back. */
		ui->side_wide = (ui->side_wide + 1) % 4;
		if (ui->side_mode == SIDE_HIDDEN)
			ui->side_mode = SIDE_AUTO;
		screen_layout(ui);
		ui->full = 1;
		break;
	case KEY_F(3):
		if (replay_untimed(ui))
			break;
		ui->timing = !ui->timing;
		ui_say(ui, 0, "timing %s", ui->timing ? "on" : "off");
		break;
	case KEY_F(10):
		exit_request(ui);	/* exit.c: asks on a live session */
		break;
	case KEY_PPAGE:
		if (ui->focus == FOCUS_TRANSCRIPT)
			transcript_pane_select_move(ui, -page);
		else
			transcript_pane_scroll(ui, -page);
		break;
	case KEY_NPAGE:
		if (ui->focus == FOCUS_TRANSCRIPT)
			transcript_pane_select_move(ui, page);
		else
			transcript_pane_scroll(ui, page);
		break;
	case KEY_SPREVIOUS:
		ui->side_scroll = ui->side_scroll > 5 ? ui->side_scroll - 5 : 0;
		break;
	case KEY_SNEXT:
		ui->side_scroll += 5;
		break;
	case KEY_RESIZE:
		screen_resize(ui);
		break;
	default:
		return (0);
	}
	ui->dirty = 1;
	return (1);
}

static int
ui_in_rect(const struct rect *r, int y, int x)
{
	return (r->h > 0 && r->w > 0 && y >= r->y && y < r->y + r->h &&
	    x >= r->x && x < r->x + r->w);
}

/* The wheel over whatever is under the pointer; dir -1 up, 1 down. */
static void
ui_wheel(struct ui *ui, const MEVENT *ev, int dir)
{
	if (ui->help) {
		ui->help_scroll += dir * WHEEL_ROWS;
		if (ui->help_scroll < 0)
			ui->help_scroll = 0;
	} else if (ui->explain) {
		ui->explain_scroll += dir * WHEEL_ROWS;
		if (ui->explain_scroll < 0)
			ui->explain_scroll = 0;
	} else if (ui->has_side && ui_in_rect(&ui->r_side, ev->y, ev->x)) {
		ui->side_scroll += dir * WHEEL_ROWS;
		if (ui->side_scroll < 0)
			ui->side_scroll = 0;
	} else if (ui->has_script && ui->script != NULL &&
	    ui_in_rect(&ui->r_script, ev->y, ev->x)) {
		ui->focus = FOCUS_SCRIPT;
		if (dir < 0)
			ui->sc_sel = ui->sc_sel > WHEEL_ROWS ?
			    ui->sc_sel - WHEEL_ROWS : 0;
		else if (ui->script->n > 0)
			ui->sc_sel = ui->sc_sel + WHEEL_ROWS < ui->script->n ?
			    ui->sc_sel + WHEEL_ROWS : ui->script->n - 1;
	} else
		transcript_pane_scroll(ui, dir * WHEEL_ROWS);
}

/*
 * The mouse acts on the pane under the pointer: the wheel scrolls it, a
 * click selects a transcript or script line or focuses the entry line.
 */
static void
ui_mouse(struct ui *ui)
{
	MEVENT	ev;
	int	row;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		ui_wheel(ui, &ev, -1);
	else if (ev.bstate & BUTTON5_PRESSED)
		ui_wheel(ui, &ev, 1);
	else if ((ev.bstate & BUTTON1_PRESSED) && !ui->help && !ui->explain) {
		row = ev.y - ui->r_trans.y;
		if (ui_in_rect(&ui->r_trans, ev.y, ev.x) &&
		    (size_t)row < ui->nrowmap && ui->rowmap[row] != SIZE_MAX) {
			ui->focus = FOCUS_TRANSCRIPT;
			transcript_pane_select(ui, ui->rowmap[row]);
		} else if (ui->has_script && ui->script != NULL &&
		    ui_in_rect(&ui->r_script, ev.y, ev.x) &&
		    ev.y > ui->r_script.y &&
		    ui->sc_top + (size_t)(ev.y - ui->r_script.y - 1) <
		    ui->script->n) {
			ui->focus = FOCUS_SCRIPT;
			ui->sc_sel = ui->sc_top +
			    (size_t)(ev.y - ui->r_script.y - 1);
		} else if (ev.y == ui->r_entry.y)
			ui->focus = FOCUS_ENTRY;
	}
	ui->dirty = 1;
}

/* Give focus to the transcript, selecting the newest reply. */
static void
ui_focus_transcript(struct ui *ui)
{
	size_t	target;

	target = transcript_pane_target(ui);
	if (target == (size_t)-1) {
		ui_say(ui, 0, "nothing to select yet");
		return;
	}
	ui->focus = FOCUS_TRANSCRIPT;
	free(ui->pinned);
	ui->pinned = NULL;
	transcript_pane_select(ui, target);
}

/*
 * Keys while the transcript has focus: a read-only pane (nav.c).  Letters
 * are keys here, never the start of a line: q, Esc and Tab go back to the
 * entry line, ':' goes there to start a command.
 */
static void
ui_key_transcript(struct ui *ui, int type, wint_t ch)
{
	if (nav_key(ui, type, ch))
		return;
	if (type == KEY_CODE_YES) {
		if (ch == KEY_BTAB) {
			ui->focus = FOCUS_ENTRY;
			ui->dirty = 1;
		}
		return;
	}
	switch (ch) {
	case '\t':
	case 0x1b:
	case 'q':
		ui->focus = FOCUS_ENTRY;
		ui->dirty = 1;
		return;
	case ':':
		ui->focus = FOCUS_ENTRY;
		entry_key(ui, &ui->le, type, ch);
		return;
	}
	if (ch >= 0x20 && ch != 0x7f)
		ui_say(ui, 0, "keys here: j k g G / n N e E f y Y Enter; q, Esc "
		    "or Tab go back to typing, : starts a command");
}

/* Keys while the entry line has focus. */
static void
ui_key_entry(struct ui *ui, int type, wint_t ch)
{
	int	empty = (ui->le.text.len == 0);

	switch (entry_rl_key(ui, type, ch)) {
	case 1:
		return;
	case 2:
		ui_submit(ui);
		return;
	}

	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_ENTER:
			ui_submit(ui);
			return;
		case KEY_UP:
			lineedit_hist_prev(&ui->le);
			ui->dirty = 1;
			return;
		case KEY_DOWN:
			lineedit_hist_next(&ui->le);
			ui->dirty = 1;
			return;
		case KEY_HOME:
			if (empty) {
				transcript_pane_top(ui);
				return;
			}
			break;
		case KEY_END:
			if (empty) {
				transcript_pane_bottom(ui);
				return;
			}
			break;
		case KEY_BTAB:
			ui_focus_transcript(ui);
			return;
		}
		entry_key(ui, &ui->le, type, ch);
		return;
	}
	switch (ch) {
	case '\r':
	case '\n':
		ui_submit(ui);
		return;
	case '\t':
		if (!entry_complete(ui)) {
			/* Step mode: focus cycles entry, script, transcript. */
			if (ui->script != NULL) {
				ui->focus = FOCUS_SCRIPT;
				ui->sc_sel = ui->sc_next < ui->script->n ?
				    ui->sc_next : ui->sc_sel;
			} else
				ui_focus_transcript(ui);
		}
		ui->dirty = 1;
		return;
	case CTRL('D'):
		if (!empty)
			break;
		/* Mid-message or mid-AUTH it would lose the exchange. */
		if (ui->s != NULL && (ui_in_message(ui) ||
		    session_info(ui->s)->mode == SMODE_ANSWER))
			ui_ctrl_d_hint(ui);
		else
			ui->quit = 1;
		return;
	case 0x1b:
		if (ui->pinned != NULL) {
			free(ui->pinned);
			ui->pinned = NULL;
			ui->dirty = 1;
		}
		return;
	case '/':
	case '?':
		/*
		 * Only in command mode: message content and AUTH answers
		 * (passwords) may begin with '/' or '?'.
		 */
		if (empty && (ui->s == NULL ||
		    (session_info(ui->s)->mode == SMODE_COMMAND &&
		    !ui_in_message(ui)))) {
			if (ch == '/')
				nav_search_start(ui);
			else
				ui->help = 1;
			ui->dirty = 1;
			return;
		}
		break;
	case '[':
	case ']':
	case '<':
	case '>':
		/* No SMTP command begins so: on an empty line, the sidebar. */
		if (nav_side_keys_ok(ui)) {
			nav_side_key(ui, ch);
			return;
		}
		break;
	}
	entry_key(ui, &ui->le, type, ch);
}

/*
 * Esc read: Alt-<key> when another key came with it (the terminal sends
 * them together).  Returns 1 when it was an Alt key and was handled.
 */
static int
ui_key_alt(struct ui *ui, int *type2, wint_t *ch2)
{
	struct lineedit	*le = NULL;

	*type2 = get_wch(ch2);
	if (*type2 == ERR)
		return (0);
	if (*type2 == OK && *ch2 >= 0x20 && *ch2 < 0x7f) {
		if (ui->asking)
			le = &ui->ask_le;
		else if (ui->searching)
			le = &ui->search_le;
		else if (ui->focus == FOCUS_ENTRY && !ui->help &&
		    !ui->explain && !ui->hsearch)
			le = &ui->le;
		if (le != NULL && entry_rl_alt(ui, le, *ch2))
			return (1);
	}
	return (0);
}

/* Dispatch one key to the overlay, a prompt, the transcript or the entry. */
void
keys_dispatch(struct ui *ui, int type, wint_t ch)
{
	int	type2;
	wint_t	ch2;

	if (type == OK && ch == 0x1b) {
		if (ui_key_alt(ui, &type2, &ch2))
			return;
		if (type2 != ERR) {
			/* A lone Esc, then another key: one after the other. */
			keys_dispatch_one(ui, type, ch);
			keys_dispatch(ui, type2, ch2);
			return;
		}
	}
	keys_dispatch_one(ui, type, ch);
}

/* One key, with Alt already told apart. */
static void
keys_dispatch_one(struct ui *ui, int type, wint_t ch)
{
	if (ui->msg != NULL) {
		free(ui->msg);
		ui->msg = NULL;
		ui->dirty = 1;
	}
	if (type == KEY_CODE_YES && ch == KEY_MOUSE) {
		ui_mouse(ui);
		return;
	}
	if (type == KEY_CODE_YES && ch == KEY_RESIZE) {
		/* Curses has already taken the new size. */
		getmaxyx(stdscr, ui->rows, ui->cols);
		screen_layout(ui);
		ui->dirty = 1;
		return;
	}
	if (ui->too_small) {
		/* Too small to ask: mid-message Ctrl-D does nothing. */
		if (type != KEY_CODE_YES && ch == CTRL('D') && !ui->asking &&
		    !ui_in_message(ui) && (ui->s == NULL ||
		    session_info(ui->s)->mode != SMODE_ANSWER))
			ui->quit = 1;
		if (type != KEY_CODE_YES && ch == CTRL('L'))
			ui->full = ui->dirty = 1;
		return;
	}
	if (ui->help) {
		help_key(ui, type, ch);
		return;
	}
	if (ui->explain) {
		explain_key(ui, type, ch);
		return;
	}
	if (ui->asking) {
		if ((type != KEY_CODE_YES && (ch == '\r' || ch == '\n')) ||
		    (type == KEY_CODE_YES && ch == KEY_ENTER))
			ui->ask_done = 1;
		else if (type != KEY_CODE_YES && (ch == 0x1b ||
		    ch == CTRL('C')))
			ui->ask_cancel = 1;
		else if (!ui_key_global(ui, type, ch) || ch == KEY_F(10))
			entry_key(ui, &ui->ask_le, type, ch);
		ui->dirty = 1;
		return;
	}
	if (ui->searching) {
		ui_key_search(ui, type, ch);
		return;
	}
	if (ui->hsearch) {
		ui_key_entry(ui, type, ch);
		return;
	}
	if (ui->replay && ui->playing) {
		replay_key(ui, type, ch);	/* any key pauses */
		return;
	}
	if (ui->classroom && classroom_key(ui, type, ch))
		return;
	if (ui_key_global(ui, type, ch))
		return;
	if (ui->replay && !(ui->classroom && classroom_typing(ui)) &&
	    replay_key(ui, type, ch)) {
		ui->dirty = 1;
		return;
	}
	if (step_key(ui, type, ch))
		return;
	if (ui->focus == FOCUS_TRANSCRIPT)
		ui_key_transcript(ui, type, ch);
	else
		ui_key_entry(ui, type, ch);
}

/* Quit as :quit does (asking only when a message is open); for exit.c. */
void
keys_quit(struct ui *ui)
{
	ui_quit_request(ui);
}

/* Submit the entry line as Enter does; for paste.c. */
void
keys_submit(struct ui *ui)
{
	ui_submit(ui);
}
