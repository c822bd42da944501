/* lineedit.c: the entry line's editor, UTF-8 aware and terminal free. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "smtpscope/buf.h"
#include "smtpscope/lineedit.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xmalloc.h"

#define LINEEDIT_HISTMAX	500

/* Is c a UTF-8 continuation byte? */
static int
is_cont(unsigned char c)
{
	return ((c & 0xc0) == 0x80);
}

/* Move the text into the buffer, making sure data is never NULL. */
static void
le_settext(struct lineedit *le, const char *s, size_t len)
{
	buf_reset(&le->text);
	buf_add(&le->text, s, len);
	le->cursor = le->text.len;
}

/* Remove bytes [from, to) of the text and put the cursor at from. */
static void
le_cut(struct lineedit *le, size_t from, size_t to)
{
	struct buf	*b = &le->text;

	if (to <= from || to > b->len)
		return;
	memmove(b->data + from, b->data + to, b->len - to);
	b->len -= to - from;
	/* Scrub the tail so deleted secret bytes do not linger. */
	memset(b->data + b->len, 0, to - from);
	b->data[b->len] = '\0';
	le->cursor = from;
}

/* Remember bytes [from, to) as the last kill, then cut them. */
static void
le_kill(struct lineedit *le, size_t from, size_t to)
{
	if (to <= from || to > le->text.len)
		return;
	if (le->killed.data != NULL)
		wipe(le->killed.data, le->killed.cap);
	buf_reset(&le->killed);
	buf_add(&le->killed, le->text.data + from, to - from);
	le_cut(le, from, to);
}

/* A byte that belongs to a word: letters, digits, any non-ASCII byte. */
static int
is_word(unsigned char c)
{
	return (c >= 0x80 || (c >= '0' && c <= '9') ||
	    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
}

/* Set up an empty editor keeping at most histmax lines (0: a default). */
void
lineedit_init(struct lineedit *le, size_t histmax)
{
	memset(le, 0, sizeof *le);
	buf_init(&le->text);
	buf_init(&le->saved);
	buf_init(&le->killed);
	le->histmax = histmax ? histmax : LINEEDIT_HISTMAX;
}

/* Free the text (wiped first) and the history. */
void
lineedit_free(struct lineedit *le)
{
	size_t	i;

	lineedit_clear(le);
	buf_free(&le->text);
	if (le->saved.data != NULL)
		wipe(le->saved.data, le->saved.cap);
	buf_free(&le->saved);
	if (le->killed.data != NULL)
		wipe(le->killed.data, le->killed.cap);
	buf_free(&le->killed);
	for (i = 0; i < le->nhist; i++)
		free(le->hist[i]);
	free(le->hist);
	le->hist = NULL;
	le->nhist = le->hpos = 0;
}

/* Insert bytes at the cursor; the cursor ends after them. */
void
lineedit_insert(struct lineedit *le, const char *s, size_t len)
{
	struct buf	*b = &le->text;
	size_t		 tail;

	if (len == 0)
		return;
	tail = b->len - le->cursor;
	buf_add(b, s, len);		/* grow; contents fixed below */
	memmove(b->data + le->cursor + len, b->data + le->cursor, tail);
	memcpy(b->data + le->cursor, s, len);
	le->cursor += len;
}

/* One character left. */
void
lineedit_left(struct lineedit *le)
{
	while (le->cursor > 0) {
		le->cursor--;
		if (!is_cont((unsigned char)le->text.data[le->cursor]))
			break;
	}
}

/* One character right. */
void
lineedit_right(struct lineedit *le)
{
	if (le->cursor >= le->text.len)
		return;
	le->cursor++;
	while (le->cursor < le->text.len &&
	    is_cont((unsigned char)le->text.data[le->cursor]))
		le->cursor++;
}

/* Cursor to the start of the line. */
void
lineedit_home(struct lineedit *le)
{
	le->cursor = 0;
}

/* Cursor to the end of the line. */
void
lineedit_end(struct lineedit *le)
{
	le->cursor = le->text.len;
}

/* Delete the character before the cursor. */
void
lineedit_backspace(struct lineedit *le)
{
	size_t	end = le->cursor;

	lineedit_left(le);
	le_cut(le, le->cursor, end);
}

/* Delete the character under the cursor. */
void
lineedit_delete(struct lineedit *le)
{
	size_t	start = le->cursor;

	lineedit_right(le);
	le_cut(le, start, le->cursor);
}

/* Delete from the cursor to the end. */
void
lineedit_kill_end(struct lineedit *le)
{
	le_kill(le, le->cursor, le->text.len);
}

/* Delete from the start to the cursor. */
void
lineedit_kill_start(struct lineedit *le)
{
	le_kill(le, 0, le->cursor);
}

/* Delete the word before the cursor and the spaces after it. */
void
lineedit_kill_word(struct lineedit *le)
{
	size_t	 end = le->cursor, at = le->cursor;
	char	*d = le->text.data;

	while (at > 0 && (d[at - 1] == ' ' || d[at - 1] == '\t'))
		at--;
	while (at > 0 && d[at - 1] != ' ' && d[at - 1] != '\t')
		at--;
	le_kill(le, at, end);
}

/* Put the last killed text back at the cursor. */
void
lineedit_yank(struct lineedit *le)
{
	if (le->killed.len > 0)
		lineedit_insert(le, le->killed.data, le->killed.len);
}

/* Cursor to the start of this or the previous word. */
void
lineedit_word_left(struct lineedit *le)
{
	const unsigned char	*d = (const unsigned char *)le->text.data;
	size_t			 at = le->cursor;

	while (at > 0 && !is_word(d[at - 1]))
		at--;
	while (at > 0 && is_word(d[at - 1]))
		at--;
	le->cursor = at;
}

/* Cursor past the end of this or the next word. */
void
lineedit_word_right(struct lineedit *le)
{
	const unsigned char	*d = (const unsigned char *)le->text.data;
	size_t			 at = le->cursor, n = le->text.len;

	while (at < n && !is_word(d[at]))
		at++;
	while (at < n && is_word(d[at]))
		at++;
	le->cursor = at;
}

/* The newest history line before from that contains needle. */
long
lineedit_hist_find(const struct lineedit *le, const char *needle,
    size_t from)
{
	size_t	i = from > le->nhist ? le->nhist : from;

	while (i > 0) {
		i--;
		if (*needle == '\0' || strcasestr(le->hist[i], needle) != NULL)
			return ((long)i);
	}
	return (-1);
}

/* Show the previous history line, saving what was being typed. */
void
lineedit_hist_prev(struct lineedit *le)
{
	if (le->hpos == 0 || le->nhist == 0)
		return;
	if (le->hpos >= le->nhist) {
		le->hpos = le->nhist;
		buf_reset(&le->saved);
		buf_add(&le->saved, le->text.data == NULL ? "" :
		    le->text.data, le->text.len);
	}
	le->hpos--;
	le_settext(le, le->hist[le->hpos], strlen(le->hist[le->hpos]));
}

/* Show the next history line, or what was being typed past the end. */
void
lineedit_hist_next(struct lineedit *le)
{
	if (le->hpos >= le->nhist)
		return;
	le->hpos++;
	if (le->hpos == le->nhist) {
		le_settext(le, buf_str(&le->saved), le->saved.len);
		buf_reset(&le->saved);
	} else
		le_settext(le, le->hist[le->hpos], strlen(le->hist[le->hpos]));
}

/* Replace the text with s; cursor to the end. */
void
lineedit_set(struct lineedit *le, const char *s)
{
	lineedit_clear(le);
	le_settext(le, s, strlen(s));
}

/* Remember a line (not empty, not the last one again), oldest out. */
void
lineedit_hist_add(struct lineedit *le, const char *line)
{
	if (*line == '\0' || (le->nhist > 0 &&
	    strcmp(le->hist[le->nhist - 1], line) == 0))
		return;
	if (le->nhist >= le->histmax) {
		free(le->hist[0]);
		memmove(le->hist, le->hist + 1,
		    (le->nhist - 1) * sizeof *le->hist);
		le->nhist--;
	}
	le->hist = xreallocarray(le->hist, le->nhist + 1, sizeof *le->hist);
	le->hist[le->nhist++] = xstrdup(line);
	le->hpos = le->nhist;
}

/* Take the line and reset the editor, remembering it unless secret. */
char *
lineedit_take(struct lineedit *le, int secret)
{
	char	*line;
	size_t	 len = le->text.len;

	line = xstrndup(buf_str(&le->text), len);
	if (!secret)
		lineedit_hist_add(le, line);
	if (secret) {
		lineedit_clear(le);
		/* A kill made while typing a secret goes with it. */
		if (le->killed.data != NULL)
			wipe(le->killed.data, le->killed.cap);
		buf_reset(&le->killed);
	} else {
		buf_reset(&le->text);
		le->cursor = 0;
	}
	buf_reset(&le->saved);
	le->hpos = le->nhist;
	return (line);
}

/* Empty the text and wipe the memory that held it. */
void
lineedit_clear(struct lineedit *le)
{
	if (le->text.data != NULL)
		wipe(le->text.data, le->text.cap);
	le->text.len = 0;
	le->cursor = 0;
}

/* Display columns of the text before the cursor. */
size_t
lineedit_cursor_col(const struct lineedit *le)
{
	const unsigned char	*s = (const unsigned char *)le->text.data;
	size_t			 at = 0, col = 0, used;
	unsigned int		 cp;
	int			 w;

	while (s != NULL && at < le->cursor) {
		used = utf8_decode((const char *)s + at, le->cursor - at, &cp);
		at += used;
		w = wcwidth((wchar_t)cp);
		if (w < 0)
			w = 1;	/* shown as a one-column stand-in */
		col += (size_t)w;
	}
	return (col);
}
