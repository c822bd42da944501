/*
 * pane_entry.c: the entry line.  The prompt names the mode (smtp>, data>,
 * answer>), the text scrolls sideways to keep the cursor in view, secrets
 * are drawn as one '*' per character, and Tab completes ':' commands.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/command.h"
#include "smtpscope/lineedit.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

#define CTRL(c)	((c) & 0x1f)

/* Add cells for text[0..len): as typed, or a '*' per character. */
static void
entry_cells(struct ui *ui, struct cells *c, const char *s, size_t len,
    int mask)
{
	size_t	i;

	if (!mask) {
		cells_add_raw(c, ui, s, len, R_NORMAL);
		return;
	}
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cells_add(c, ui, "*", 1, R_NORMAL);
}

/* Draw the entry line and say where the cursor goes. */
void
entry_draw(struct ui *ui)
{
	const struct session_info	*in = NULL;
	struct lineedit			*le = &ui->le;
	struct cells			 c;
	const char			*prompt = "smtp> ", *hint = "F1 help";
	const char			*text;
	char				 waiting[64], hsprompt[64];
	int				 mask = 0, y = ui->r_entry.y, x0, w;
	int				 hintw, curcol, promptw;
	size_t				 ncur, from, col;

	if (ui->s != NULL)
		in = session_info(ui->s);
	if (ui->asking) {
		le = &ui->ask_le;
		prompt = ui->ask_prompt;
		mask = !ui->ask_plain;
		hint = ui->ask_plain ? "[yes/no]" : "[secret: masked]";
	} else if (ui->searching) {
		le = &ui->search_le;
		prompt = "search: ";
		hint = "Enter find  Esc cancel";
	} else if (ui->hsearch) {
		snprintf(hsprompt, sizeof hsprompt, "(history: %.40s) ",
		    buf_str(&ui->hs_needle));
		prompt = hsprompt;
		hint = "[^R older  Esc edit  ^G cancel]";
	} else if (ui->classroom) {
		prompt = "read-only> ";
		hint = "[q back  :save FILE]  F1 help";
	} else if (ui->replay) {
		prompt = "replay> ";
		hint = "[:commands only]  F1 help";
	} else if (in != NULL && in->bdat_left > 0) {
		/* After BDAT N: the chunk, counted (RFC 3030). */
		prompt = "bdat> ";
		snprintf(waiting, sizeof waiting, "[chunk: %llu octets to go, "
		    "CRLF counts 2]", in->bdat_left);
		hint = waiting;
	} else if (in != NULL && (in->data_pending || in->held > 0)) {
		/* Typed ahead of the 354: the lines wait for it. */
		prompt = "data> ";
		if (in->held > 0) {
			snprintf(waiting, sizeof waiting, "[%zu line%s wait%s "
			    "%s]", in->held, in->held == 1 ? "" : "s",
			    in->held == 1 ? "s" : "", in->data_pending ?
			    "for the 354" : "to be sent");
			hint = waiting;
		} else
			hint = "[data: waits for the 354]";
	} else if (in != NULL && in->mode == SMODE_DATA) {
		prompt = "data> ";
		hint = "[data: a lone . ends]  F1 help";
	} else if (in != NULL && in->mode == SMODE_ANSWER) {
		prompt = "answer> ";
		mask = in->answer_secret;
		hint = in->answer_raw ? "[answer: raw]  F1 help" :
		    "[answer: base64 on]  F1 help";
	}

	memset(&c, 0, sizeof c);
	/* The prompt is bright only while typing goes to the entry. */
	cells_add_raw(&c, ui, prompt, strlen(prompt), ui->asking ||
	    ui->searching || ui->focus == FOCUS_ENTRY ? R_PROMPT : R_DIM);
	promptw = screen_put_cells(ui, y, 0, ui->cols / 2, &c, 0, c.n, 0);
	cells_reset(&c);
	x0 = promptw;
	hintw = (int)strlen(hint);
	if (ui->cols - x0 - hintw - 2 < 10)
		hintw = 0;
	else
		screen_put(ui, y, ui->cols - hintw - 1, hintw, hint,
		    strlen(hint), R_HINT);
	w = ui->cols - x0 - (hintw > 0 ? hintw + 2 : 0);
	if (w < 1)
		w = 1;

	text = le->text.data != NULL ? le->text.data : "";
	entry_cells(ui, &c, text, le->cursor, mask);
	ncur = c.n;
	entry_cells(ui, &c, text + le->cursor, le->text.len - le->cursor,
	    mask);
	curcol = (int)cells_width(&c, 0, ncur);
	if ((size_t)curcol < ui->entry_off)
		ui->entry_off = (size_t)curcol;
	if ((size_t)curcol >= ui->entry_off + (size_t)w)
		ui->entry_off = (size_t)curcol - (size_t)w + 1;
	for (from = 0, col = 0; from < c.n && col < ui->entry_off; from++)
		col += c.w[from];
	screen_put_cells(ui, y, x0, w, &c, from, c.n, 0);
	cells_free(&c);

	if (ui->asking || ui->searching || ui->focus == FOCUS_ENTRY) {
		ui->cur_show = 1;
		ui->cur_y = y;
		ui->cur_x = x0 + curcol - (int)col;
	}
}

/* Encode a code point as UTF-8 into out (4 bytes); returns the length. */
static size_t
utf8_encode(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/* An editing key for le; returns 1 when it was one. */
int
entry_key(struct ui *ui, struct lineedit *le, int type, wint_t ch)
{
	char	u[4];

	ui->dirty = 1;
	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_LEFT:
			lineedit_left(le);
			return (1);
		case KEY_RIGHT:
			lineedit_right(le);
			return (1);
		case KEY_HOME:
			lineedit_home(le);
			return (1);
		case KEY_END:
			lineedit_end(le);
			return (1);
		case KEY_BACKSPACE:
			lineedit_backspace(le);
			return (1);
		case KEY_DC:
			lineedit_delete(le);
			return (1);
		}
		if (ch == (wint_t)ui->key_cleft) {
			lineedit_word_left(le);
			return (1);
		}
		if (ch == (wint_t)ui->key_cright) {
			lineedit_word_right(le);
			return (1);
		}
		return (0);
	}
	switch (ch) {
	case CTRL('A'):
		lineedit_home(le);
		return (1);
	case CTRL('E'):
		lineedit_end(le);
		return (1);
	case CTRL('B'):
		lineedit_left(le);
		return (1);
	case CTRL('F'):
		lineedit_right(le);
		return (1);
	case CTRL('K'):
		lineedit_kill_end(le);
		return (1);
	case CTRL('U'):
		lineedit_kill_start(le);
		return (1);
	case CTRL('W'):
		lineedit_kill_word(le);
		return (1);
	case CTRL('Y'):
		lineedit_yank(le);
		return (1);
	case CTRL('H'):
	case 0x7f:
		lineedit_backspace(le);
		return (1);
	case CTRL('D'):
		lineedit_delete(le);
		return (1);
	}
	if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0) || ch > 0x10ffff ||
	    (ch >= 0xd800 && ch < 0xe000))
		return (0);
	lineedit_insert(le, u, utf8_encode((unsigned int)ch, u));
	return (1);
}

/* Complete a ':' command name; returns 0 when Tab means something else. */
int
entry_complete(struct ui *ui)
{
	const char	*names[64], *typed;
	struct buf	 b;
	size_t		 n, i, common, tlen;
	char		*line;

	typed = ui->le.text.data;
	if (typed == NULL || typed[0] != ':' || strchr(typed, ' ') != NULL)
		return (0);
	typed++;
	tlen = strlen(typed);
	n = command_complete(typed, names, sizeof names / sizeof names[0]);
	if (n == 0) {
		ui_say(ui, 1, "no command begins with \"%s\"", typed);
		return (1);
	}
	if (n == 1) {
		line = xprintf(":%s ", names[0]);
		lineedit_set(&ui->le, line);
		free(line);
		ui->dirty = 1;
		return (1);
	}
	common = strlen(names[0]);
	for (i = 1; i < n; i++) {
		size_t k = 0;

		while (k < common && names[i][k] == names[0][k])
			k++;
		common = k;
	}
	if (common > tlen) {
		line = xprintf(":%.*s", (int)common, names[0]);
		lineedit_set(&ui->le, line);
		free(line);
		ui->dirty = 1;
		return (1);
	}
	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s:%s", i ? " " : "", names[i]);
	ui_say(ui, 0, "%s", buf_str(&b));
	buf_free(&b);
	return (1);
}
