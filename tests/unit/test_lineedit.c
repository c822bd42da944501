/* test_lineedit.c: the entry line editor without a terminal. */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/lineedit.h"
#include "t.h"

static const char *
text(struct lineedit *le)
{
	return (le->text.data == NULL ? "" : le->text.data);
}

static void
type(struct lineedit *le, const char *s)
{
	lineedit_insert(le, s, strlen(s));
}

static void
test_basic(void)
{
	struct lineedit	 le;
	char		*line;

	lineedit_init(&le, 0);
	EQ_STR(text(&le), "", "empty at start");
	EQ_INT(le.cursor, 0, "cursor 0 at start");
	lineedit_backspace(&le);
	lineedit_delete(&le);
	lineedit_left(&le);
	lineedit_right(&le);
	lineedit_kill_word(&le);
	EQ_STR(text(&le), "", "editing keys on empty text do nothing");

	type(&le, "EHLO me");
	EQ_STR(text(&le), "EHLO me", "insert");
	EQ_INT(le.cursor, 7, "cursor after insert");
	lineedit_home(&le);
	type(&le, "x");
	EQ_STR(text(&le), "xEHLO me", "insert at start");
	lineedit_backspace(&le);
	EQ_STR(text(&le), "EHLO me", "backspace");
	lineedit_delete(&le);
	EQ_STR(text(&le), "HLO me", "delete under cursor");
	lineedit_end(&le);
	lineedit_left(&le);
	lineedit_left(&le);
	type(&le, "-");
	EQ_STR(text(&le), "HLO -me", "insert in the middle");
	lineedit_kill_end(&le);
	EQ_STR(text(&le), "HLO -", "Ctrl-K");
	lineedit_left(&le);
	lineedit_kill_start(&le);
	EQ_STR(text(&le), "-", "Ctrl-U");
	EQ_INT(le.cursor, 0, "cursor at start after Ctrl-U");
	lineedit_set(&le, "MAIL FROM:<a@b>  ");
	EQ_INT(le.cursor, 17, "set puts cursor at end");
	lineedit_kill_word(&le);
	EQ_STR(text(&le), "MAIL ", "Ctrl-W eats spaces then a word");
	lineedit_kill_word(&le);
	EQ_STR(text(&le), "", "Ctrl-W again");

	lineedit_set(&le, "NOOP");
	line = lineedit_take(&le, 0);
	EQ_STR(line, "NOOP", "take returns the line");
	EQ_STR(text(&le), "", "take empties the editor");
	EQ_INT(le.nhist, 1, "take adds to history");
	free(line);
	lineedit_free(&le);
}

static void
test_utf8(void)
{
	struct lineedit	le;

	lineedit_init(&le, 0);
	type(&le, "a\xc3\xa9\xe4\xb8\xad");	/* a, e-acute, CJK */
	EQ_INT(le.cursor, 6, "bytes");
	EQ_INT(lineedit_cursor_col(&le), 4, "columns: 1 + 1 + 2");
	lineedit_left(&le);
	EQ_INT(le.cursor, 3, "left skips a 3-byte character");
	lineedit_left(&le);
	EQ_INT(le.cursor, 1, "left skips a 2-byte character");
	EQ_INT(lineedit_cursor_col(&le), 1, "column after moving");
	lineedit_right(&le);
	EQ_INT(le.cursor, 3, "right skips a 2-byte character");
	lineedit_backspace(&le);
	EQ_STR(text(&le), "a\xe4\xb8\xad", "backspace removes a whole character");
	lineedit_delete(&le);
	EQ_STR(text(&le), "a", "delete removes a whole character");
	lineedit_free(&le);
}

static void
test_history(void)
{
	struct lineedit	 le;
	char		*l;

	lineedit_init(&le, 3);
	lineedit_hist_prev(&le);
	EQ_STR(text(&le), "", "up with no history does nothing");
	lineedit_set(&le, "one");
	free(lineedit_take(&le, 0));
	lineedit_set(&le, "two");
	free(lineedit_take(&le, 0));
	lineedit_set(&le, "two");
	free(lineedit_take(&le, 0));
	EQ_INT(le.nhist, 2, "a repeat of the last line is not stored");
	free(lineedit_take(&le, 0));
	EQ_INT(le.nhist, 2, "an empty line is not stored");
	lineedit_set(&le, "secret");
	l = lineedit_take(&le, 1);
	EQ_STR(l, "secret", "secret line returned");
	free(l);
	EQ_INT(le.nhist, 2, "a secret is never stored");

	type(&le, "draft");
	lineedit_hist_prev(&le);
	EQ_STR(text(&le), "two", "up shows the last line");
	lineedit_hist_prev(&le);
	EQ_STR(text(&le), "one", "up again shows the one before");
	lineedit_hist_prev(&le);
	EQ_STR(text(&le), "one", "up at the oldest stays");
	lineedit_hist_next(&le);
	EQ_STR(text(&le), "two", "down");
	lineedit_hist_next(&le);
	EQ_STR(text(&le), "draft", "down past the end restores the draft");
	lineedit_hist_next(&le);
	EQ_STR(text(&le), "draft", "down at the end stays");

	lineedit_set(&le, "three");
	free(lineedit_take(&le, 0));
	lineedit_set(&le, "four");
	free(lineedit_take(&le, 0));
	EQ_INT(le.nhist, 3, "history is capped");
	EQ_STR(le.hist[0], "two", "the oldest was dropped");
	lineedit_free(&le);
}

static void
test_clear_wipes(void)
{
	struct lineedit	le;

	lineedit_init(&le, 0);
	type(&le, "hunter2");
	lineedit_clear(&le);
	EQ_INT(le.text.len, 0, "clear empties");
	OK(le.text.data == NULL || memchr(le.text.data, 'h', le.text.cap) ==
	    NULL, "clear wipes the old bytes");
	type(&le, "abcdef");
	lineedit_home(&le);
	lineedit_kill_end(&le);
	OK(memchr(le.text.data, 'c', le.text.cap) == NULL,
	    "killed bytes do not linger");
	lineedit_free(&le);
}

/* Readline extras: Ctrl-Y, word moves, Ctrl-R's look-up. */
static void
test_readline(void)
{
	struct lineedit	 le;
	char		*line;

	lineedit_init(&le, 0);
	lineedit_yank(&le);
	EQ_STR(text(&le), "", "yank with nothing killed does nothing");
	type(&le, "MAIL FROM:<a@example.org> SIZE=10");
	lineedit_word_left(&le);
	EQ_INT(le.cursor, 31, "word left: start of the last word");
	lineedit_word_left(&le);
	EQ_INT(le.cursor, 26, "word left again: SIZE");
	lineedit_home(&le);
	lineedit_word_right(&le);
	EQ_INT(le.cursor, 4, "word right: end of MAIL");
	lineedit_word_right(&le);
	EQ_INT(le.cursor, 9, "word right: end of FROM");
	lineedit_kill_end(&le);
	EQ_STR(text(&le), "MAIL FROM", "Ctrl-K kills to the end");
	lineedit_home(&le);
	lineedit_yank(&le);
	EQ_STR(text(&le), ":<a@example.org> SIZE=10MAIL FROM",
	    "Ctrl-Y puts the kill back at the cursor");
	lineedit_end(&le);
	lineedit_kill_word(&le);
	lineedit_yank(&le);
	lineedit_yank(&le);
	EQ_STR(text(&le), ":<a@example.org> SIZE=10MAIL FROMFROM",
	    "Ctrl-W kill, yanked twice");
	line = lineedit_take(&le, 0);
	free(line);

	type(&le, "EHLO one");
	free(lineedit_take(&le, 0));
	type(&le, "MAIL FROM:<x@y>");
	free(lineedit_take(&le, 0));
	type(&le, "EHLO two");
	free(lineedit_take(&le, 0));
	EQ_INT(lineedit_hist_find(&le, "ehlo", le.nhist), 3,
	    "find: newest match, case folded");
	EQ_INT(lineedit_hist_find(&le, "ehlo", 3), 1, "find: older match");
	EQ_INT(lineedit_hist_find(&le, "ehlo", 1), -1, "find: none older");
	EQ_INT(lineedit_hist_find(&le, "", le.nhist), 3,
	    "find: empty needle is the newest line");

	type(&le, "pa55word");
	lineedit_home(&le);
	lineedit_kill_end(&le);
	free(lineedit_take(&le, 1));
	lineedit_yank(&le);
	EQ_STR(text(&le), "", "a secret line's kill is gone after it");
	lineedit_free(&le);
}

int
main(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	test_basic();
	test_utf8();
	test_history();
	test_clear_wipes();
	test_readline();
	return t_done();
}
