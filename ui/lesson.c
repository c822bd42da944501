/*
 * lesson.c: the lesson pane, the top of the sidebar while a lesson runs:
 * its goal, the state of its check (read from the session after each
 * transcript line), the hint on request or after a refusal that brought
 * the check no closer, and the next lesson once it is done.  :lesson and
 * :hint reach here through command_ctx.lesson.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/lesson.h"
#include "smtpscope/session.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

/* The transcript since the lesson began (a view sharing its lines). */
static void
lesson_view(const struct ui *ui, struct transcript *v)
{
	memset(v, 0, sizeof *v);
	if (ui->lesson_from > ui->t->n)
		return;
	v->lines = ui->t->lines + ui->lesson_from;
	v->n = ui->t->n - ui->lesson_from;
}

static void
lesson_ctx_fill(const struct ui *ui, struct lesson_ctx *ctx)
{
	const struct session_info	*in = session_info(ui->s);

	memset(ctx, 0, sizeof *ctx);
	ctx->tls = in->tls;
	ctx->auth = in->auth_user != NULL;
	ctx->inbox = -1;
}

/* Start lesson l (number num, 0 for a file) from the next line on. */
static void
lesson_start(struct ui *ui, const struct lesson *l, int num)
{
	ui->lesson = l;
	ui->lesson_num = num;
	ui->lesson_done = 0;
	ui->lesson_hint = 0;
	ui->lesson_held = 0;
	ui->lesson_from = ui->t != NULL ? ui->t->n : 0;
	ui->side_scroll = 0;
	free(ui->pinned);
	ui->pinned = NULL;
	ui->dirty = 1;
}

void
lesson_ui_init(struct ui *ui)
{
	if (ui->p->lesson != NULL)
		lesson_start(ui, ui->p->lesson, ui->p->lesson_num);
}

/* Evaluate the check after a transcript line. */
void
lesson_ui_update(struct ui *ui, size_t index)
{
	struct transcript	 v;
	struct lesson_ctx	 ctx;
	const struct tline	*l;
	size_t			 held, n;
	char			 err[256], *path;

	if (ui->lesson == NULL || ui->lesson_done || ui->s == NULL)
		return;
	lesson_view(ui, &v);
	lesson_ctx_fill(ui, &ctx);
	held = lesson_nheld(ui->lesson, &v, &ctx);
	n = lesson_nchecks(ui->lesson);
	l = index < ui->t->n ? &ui->t->lines[index] : NULL;
	if (held == n) {
		ui->lesson_done = 1;
		ui->lesson_hint = 0;
		if (ui->lesson_num > 0 && (path =
		    lesson_progress_path()) != NULL) {
			if (lesson_progress_mark(path, ui->lesson->id, err,
			    sizeof err) == -1)
				ui_say(ui, 1, "progress not kept: %s", err);
			free(path);
		}
		if (!ui->msg_err)
			ui_say(ui, 0, "Lesson done! %s", ui->lesson_num > 0 &&
			    (size_t)ui->lesson_num < lesson_count ?
			    ":lesson next goes on" : "");
	} else if (l != NULL && l->dir == TDIR_S &&
	    (l->flags & TL_REPLY_END) && l->code >= 400 &&
	    held <= ui->lesson_held)
		ui->lesson_hint = 1;	/* refused, and no closer: help */
	ui->lesson_held = held;
	ui->dirty = 1;
}

/* The lesson's section on top of the sidebar. */
void
lesson_ui_section(struct ui *ui, struct buf *b)
{
	const struct lesson	*l = ui->lesson, *next;
	size_t			 n;

	if (l == NULL)
		return;
	if (ui->lesson_num > 0)
		buf_printf(b, "## Lesson %d: %s\n", ui->lesson_num, l->title);
	else
		buf_printf(b, "## Lesson: %s\n", l->title);
	buf_printf(b, "%s\n", l->goal);
	n = lesson_nchecks(l);
	if (ui->lesson_done) {
		buf_addstr(b, "- check: DONE, well done!\n");
		if (ui->lesson_num > 0 && (size_t)ui->lesson_num <
		    lesson_count) {
			next = &lesson_table[ui->lesson_num];
			buf_printf(b, "- next: Lesson %d: %s (:lesson next)\n",
			    ui->lesson_num + 1, next->title);
		} else if (ui->lesson_num > 0)
			buf_addstr(b, "- that was the last lesson: smtpscope "
			    "--lesson lists them all\n");
	} else
		buf_printf(b, "- check: not yet (%zu of %zu done); :hint "
		    "helps\n", ui->lesson_held, n);
	if (ui->lesson_hint && !ui->lesson_done)
		buf_printf(b, "## Hint\n%s\n", l->hint);
	buf_addch(b, '\n');
}

/* Switch to lesson "N", "next" or "again"; 0 or -1 after saying why. */
static int
lesson_ui_switch(struct ui *ui, const char *arg)
{
	char	*end;
	long	 num;

	if (arg == NULL || *arg == '\0') {
		ui_say(ui, 1, "usage: :lesson N|next (1 to %zu; smtpscope "
		    "--lesson lists them)", lesson_count);
		return -1;
	}
	if (strcmp(arg, "next") == 0) {
		if (ui->lesson_num <= 0 || (size_t)ui->lesson_num >=
		    lesson_count) {
			ui_say(ui, 1, "%s", ui->lesson_num > 0 ? "that was "
			    "the last lesson" : "no next lesson: :lesson 1 "
			    "starts");
			return -1;
		}
		num = ui->lesson_num + 1;
	} else {
		num = strtol(arg, &end, 10);
		if (*end != '\0' || num < 1 || (size_t)num > lesson_count) {
			ui_say(ui, 1, ":lesson: there are lessons 1 to %zu, "
			    "not '%s'", lesson_count, arg);
			return -1;
		}
	}
	lesson_start(ui, &lesson_table[num - 1], (int)num);
	ui_say(ui, 0, "Lesson %ld: %s", num, lesson_table[num - 1].title);
	return 0;
}

/* command_ctx.lesson: :lesson ARG, :hint, and :explain ARG noted. */
int
lesson_ui_cmd(void *arg, const char *what, const char *value)
{
	struct ui	*ui = arg;

	if (strcmp(what, "lesson") == 0)
		return lesson_ui_switch(ui, value);
	if (strcmp(what, "hint") == 0) {
		if (ui->lesson == NULL) {
			ui_say(ui, 1, "no lesson running: :lesson 1 starts "
			    "one");
			return -1;
		}
		ui->lesson_hint = 1;
		ui->side_scroll = 0;
		free(ui->pinned);
		ui->pinned = NULL;
		ui->dirty = 1;
		ui_say(ui, 0, "Hint: %s", ui->lesson->hint);
		return 0;
	}
	/* "explain": noted so that a check can read it. */
	if (ui->lesson != NULL && ui->s != NULL && value != NULL)
		session_note(ui->s, TDIR_INFO, ":explain %s", value);
	return 0;
}
