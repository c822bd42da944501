/*
 * lineedit: the entry line's editor, without any terminal code so it can be
 * unit tested.  Text is UTF-8; the cursor is a byte offset that always sits
 * on a character boundary.  History keeps submitted lines (never secrets).
 */
#ifndef SMTPSCOPE_LINEEDIT_H
#define SMTPSCOPE_LINEEDIT_H

#include <stddef.h>

#include "smtpscope/buf.h"

struct lineedit {
	struct buf	  text;
	size_t		  cursor;
	char		**hist;
	size_t		  nhist;
	size_t		  hpos;	   /* == nhist when not browsing */
	struct buf	  saved;   /* the line being typed before browsing */
	size_t		  histmax;
	struct buf	  killed;  /* the last Ctrl-K/U/W, for Ctrl-Y */
};

void	 lineedit_init(struct lineedit *, size_t);
void	 lineedit_free(struct lineedit *);
void	 lineedit_insert(struct lineedit *, const char *, size_t);
void	 lineedit_left(struct lineedit *);
void	 lineedit_right(struct lineedit *);
void	 lineedit_home(struct lineedit *);
void	 lineedit_end(struct lineedit *);
void	 lineedit_backspace(struct lineedit *);
void	 lineedit_delete(struct lineedit *);
void	 lineedit_kill_end(struct lineedit *);	/* Ctrl-K */
void	 lineedit_kill_start(struct lineedit *);/* Ctrl-U */
void	 lineedit_kill_word(struct lineedit *);	/* Ctrl-W */
/* Put the last killed text back at the cursor (Ctrl-Y). */
void	 lineedit_yank(struct lineedit *);
/* Cursor to the start of this or the previous word (Alt-b, Ctrl-Left). */
void	 lineedit_word_left(struct lineedit *);
/* Cursor past the end of this or the next word (Alt-f, Ctrl-Right). */
void	 lineedit_word_right(struct lineedit *);
/*
 * The newest history line before index from that contains needle (case
 * folded for ASCII); returns its index or -1.  from == nhist searches all.
 */
long	 lineedit_hist_find(const struct lineedit *, const char *, size_t);
void	 lineedit_hist_prev(struct lineedit *);	/* Up */
void	 lineedit_hist_next(struct lineedit *);	/* Down */
/* Add a line to the history (a saved one, at start); never a secret. */
void	 lineedit_hist_add(struct lineedit *, const char *);
/* Replace the text; cursor to the end. */
void	 lineedit_set(struct lineedit *, const char *);
/*
 * Take the line (malloc'd) and clear the editor; add it to history unless
 * secret or empty or equal to the last entry.
 */
char	*lineedit_take(struct lineedit *, int);
/* Clear the text and wipe its memory (after a secret). */
void	 lineedit_clear(struct lineedit *);
/* Display columns of text[0..cursor) (wide characters count 2). */
size_t	 lineedit_cursor_col(const struct lineedit *);

#endif
