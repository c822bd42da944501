/*
 * paste.c: bracketed paste.  The terminal wraps pasted text in ESC[200~
 * and ESC[201~ (screen.c asks for that and names the two as keys); what
 * comes between is collected here instead of being typed.  One line is
 * inserted where the cursor is.  Several lines in command mode are sent
 * only after a yes, each after the reply to the one before; in a message
 * (or while DATA waits for its 354) they are message lines and go at once,
 * the session holding them for the 354.
 * Prompts (search, questions, secrets) take the first line only.
 */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/lineedit.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

#define PASTE_MAX	(1024 * 1024)	/* octets kept of one paste */

static struct buf	paste_buf;
static int		paste_on;	/* between the two markers */
static int		paste_cut;	/* over PASTE_MAX: the rest dropped */
static struct buf	paste_queue;	/* lines agreed to, not sent yet */
static size_t		paste_nqueued;

/* Forget the queued lines. */
static void
paste_drop(void)
{
	if (paste_queue.data != NULL)
		wipe(paste_queue.data, paste_queue.cap);
	buf_reset(&paste_queue);
	paste_nqueued = 0;
}

/* Free what a paste left (at the end of ui_run). */
void
paste_free(void)
{
	if (paste_buf.data != NULL)
		wipe(paste_buf.data, paste_buf.cap);
	buf_free(&paste_buf);
	paste_on = paste_cut = 0;
	paste_drop();
	buf_free(&paste_queue);
}

/* Add one pasted character; line ends of any kind become '\n'. */
static void
paste_add(wint_t ch)
{
	char	u[4];
	size_t	n;

	if (ch == '\r')
		ch = '\n';
	if (ch > 0x10ffff || (ch >= 0xd800 && ch < 0xe000))
		return;
	if (ch < 0x80) {
		u[0] = (char)ch;
		n = 1;
	} else if (ch < 0x800) {
		u[0] = (char)(0xc0 | (ch >> 6));
		u[1] = (char)(0x80 | (ch & 0x3f));
		n = 2;
	} else if (ch < 0x10000) {
		u[0] = (char)(0xe0 | (ch >> 12));
		u[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
		u[2] = (char)(0x80 | (ch & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (ch >> 18));
		u[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
		u[3] = (char)(0x80 | (ch & 0x3f));
		n = 4;
	}
	if (paste_buf.len + n > PASTE_MAX) {
		paste_cut = 1;
		return;
	}
	buf_add(&paste_buf, u, n);
}

/* Insert text into le, leaving out control characters (tabs: a space). */
static void
paste_insert(struct lineedit *le, const char *s, size_t len)
{
	size_t	i, run = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && (unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
			continue;
		lineedit_insert(le, s + run, i - run);
		if (i < len && s[i] == '\t')
			lineedit_insert(le, " ", 1);
		run = i + 1;
	}
}

/* 1 when pasted lines are message content (or wait to be). */
static int
paste_in_message(const struct ui *ui)
{
	const struct session_info	*in = session_info(ui->s);

	return (in->mode == SMODE_DATA || in->data_pending || in->held > 0);
}

/*
 * Submit one line as if typed, keeping whatever the user is typing
 * meanwhile.
 */
static void
paste_submit(struct ui *ui, const char *s, size_t len)
{
	char	*kept;
	size_t	 cursor = ui->le.cursor;

	kept = xstrdup(buf_str(&ui->le.text));
	lineedit_clear(&ui->le);
	paste_insert(&ui->le, s, len);
	keys_submit(ui);
	lineedit_clear(&ui->le);
	lineedit_insert(&ui->le, kept, strlen(kept));
	ui->le.cursor = cursor <= ui->le.text.len ? cursor : ui->le.text.len;
	wipe(kept, strlen(kept));
	free(kept);
}

/*
 * Send queued pasted lines: commands one at a time, each after the reply
 * to the one before (as a script would; no unasked pipelining), message
 * lines at once.  Called from the loop after the session's I/O.
 */
void
paste_pump(struct ui *ui)
{
	const struct session_info	*in;
	const char			*text, *nl;
	size_t				 n;

	while (paste_queue.len > 0 && !ui->quit && !ui->asking &&
	    ui->s != NULL) {
		in = session_info(ui->s);
		if (!in->connected) {
			ui_say(ui, 1, "not connected: %zu pasted line%s not "
			    "sent", paste_nqueued, paste_nqueued == 1 ? "" :
			    "s");
			paste_drop();
			return;
		}
		if (in->waiting > 0 && !paste_in_message(ui))
			return;
		text = buf_str(&paste_queue);
		nl = memchr(text, '\n', paste_queue.len);
		n = nl != NULL ? (size_t)(nl - text) : paste_queue.len;
		paste_submit(ui, text, n);
		buf_consume(&paste_queue, n + (nl != NULL));
		paste_nqueued--;
		ui->dirty = 1;
	}
}

/* The paste has ended: decide where its text goes. */
static void
paste_finish(struct ui *ui)
{
	struct lineedit	*le = &ui->le;
	const char	*text = buf_str(&paste_buf), *end, *nl, *last;
	char		*q;
	size_t		 nlines = 0, len = paste_buf.len;
	int		 yes;

	end = text + len;
	for (nl = text; (nl = memchr(nl, '\n', (size_t)(end - nl))) != NULL;
	    nl++)
		nlines++;
	if (paste_cut)
		ui_say(ui, 1, "the paste was cut at %d KiB", PASTE_MAX / 1024);
	if (ui->asking)
		le = &ui->ask_le;
	else if (ui->searching)
		le = &ui->search_le;
	else
		ui->focus = FOCUS_ENTRY;
	nl = memchr(text, '\n', len);
	ui->dirty = 1;
	/* One line, or a place that takes one line: insert it, send nothing. */
	if (nl == NULL || le != &ui->le || ui->s == NULL ||
	    session_info(ui->s)->mode == SMODE_ANSWER ||
	    (nlines == 1 && nl + 1 == end)) {
		paste_insert(le, text, nl != NULL ? (size_t)(nl - text) : len);
		if (nl != NULL && nl + 1 < end)
			ui_say(ui, 1, "only the first of the %zu pasted lines "
			    "is taken here", nlines + (end[-1] != '\n'));
		return;
	}
	/* What follows the last line end stays in the entry, unsent. */
	last = text + len;
	while (last > text && last[-1] != '\n')
		last--;
	if (!paste_in_message(ui)) {
		q = xprintf("Send these %zu lines as commands? (yes/no)",
		    nlines);
		yes = ui->cctx.confirm != NULL &&
		    ui->cctx.confirm(ui->cctx.arg, q);
		free(q);
		if (!yes) {
			ui_say(ui, 0, "nothing sent: the %zu pasted lines were "
			    "dropped", nlines);
			return;
		}
	}
	/*
	 * The first line joins what was typed before the paste and goes
	 * now; the others queue for paste_pump(); what follows the last
	 * line end stays in the entry, unsent.
	 */
	paste_insert(&ui->le, text, (size_t)(nl - text));
	keys_submit(ui);
	paste_drop();
	buf_add(&paste_queue, nl + 1, (size_t)(last - (nl + 1)));
	paste_nqueued = nlines - 1;
	lineedit_clear(&ui->le);
	paste_insert(&ui->le, last, (size_t)(end - last));
	paste_pump(ui);
}

/*
 * A key while reading the terminal: returns 1 when the paste took it (a
 * marker, or a character between the markers), 0 for an ordinary key.
 */
int
paste_key(struct ui *ui, int type, wint_t ch)
{
	if (type == KEY_CODE_YES && ch == KEY_PASTE_BEGIN) {
		paste_on = 1;
		paste_cut = 0;
		if (paste_buf.data != NULL)
			wipe(paste_buf.data, paste_buf.cap);
		buf_reset(&paste_buf);
		return (1);
	}
	if (type == KEY_CODE_YES && ch == KEY_PASTE_END) {
		if (paste_on) {
			paste_on = 0;
			paste_finish(ui);
			if (paste_buf.data != NULL)
				wipe(paste_buf.data, paste_buf.cap);
			buf_reset(&paste_buf);
		}
		return (1);
	}
	if (!paste_on)
		return (0);
	if (type == KEY_CODE_YES) {
		if (ch == KEY_ENTER)
			paste_add('\n');
		return (1);	/* other keys do not belong in text */
	}
	paste_add(ch);
	return (1);
}
