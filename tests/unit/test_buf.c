/* test_buf.c: the growable byte buffer. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/xmalloc.h"

#include "t.h"

static void
test_empty(void)
{
	struct buf	 b;
	struct buf	 z = { NULL, 0, 0 };
	char		*s;

	buf_init(&b);
	EQ_INT(b.len, 0, "init: empty");
	EQ_STR(buf_str(&b), "", "init: buf_str is \"\"");
	EQ_STR(buf_str(&z), "", "zeroed struct is an empty buffer");
	buf_reset(&b);
	EQ_INT(b.len, 0, "reset of empty buffer");
	buf_consume(&b, 5);
	EQ_INT(b.len, 0, "consume on empty buffer");
	buf_add(&b, NULL, 0);
	EQ_INT(b.len, 0, "adding nothing");
	EQ_STR(buf_str(&b), "", "still empty string");
	s = buf_take(&z);
	EQ_STR(s, "", "take of empty buffer gives \"\"");
	free(s);
	buf_free(&b);
	buf_free(&b);
	OK(b.data == NULL && b.len == 0 && b.cap == 0, "free twice is fine");
}

static void
test_add(void)
{
	struct buf	 b;
	char		*s;
	int		 i, bad = 0;

	buf_init(&b);
	buf_addstr(&b, "hello");
	buf_addch(&b, ' ');
	buf_add(&b, "world!!", 5);
	EQ_STR(buf_str(&b), "hello world", "add, addch, addstr");
	EQ_INT(b.len, 11, "length 11");
	OK(b.data[b.len] == '\0', "NUL after contents");
	buf_add(&b, "\0x", 2);
	EQ_INT(b.len, 13, "NUL bytes counted");
	EQ_MEM(b.data, b.len, "hello world\0x", 13, "NUL bytes kept");
	buf_reset(&b);
	EQ_INT(b.len, 0, "reset empties");
	EQ_STR(buf_str(&b), "", "reset leaves a string");
	OK(b.cap > 0, "reset keeps memory");

	for (i = 0; i < 10000; i++)
		buf_addch(&b, (char)('a' + i % 26));
	EQ_INT(b.len, 10000, "grows to 10000");
	for (i = 0; i < 10000; i++)
		if (b.data[i] != (char)('a' + i % 26))
			bad++;
	EQ_INT(bad, 0, "contents intact after growth");
	OK(b.cap > b.len, "room for the NUL");
	OK(b.data[b.len] == '\0', "NUL after grown contents");

	s = buf_take(&b);
	EQ_INT(strlen(s), 10000, "take hands over contents");
	OK(b.data == NULL && b.len == 0, "take resets buffer");
	free(s);
	buf_addstr(&b, "again");
	EQ_STR(buf_str(&b), "again", "usable after take");
	buf_free(&b);
}

static void
test_printf(void)
{
	struct buf	 b;
	char		 big[3000];

	buf_init(&b);
	buf_printf(&b, "%d-%s", 42, "x");
	EQ_STR(buf_str(&b), "42-x", "printf");
	buf_printf(&b, "%s", "");
	EQ_STR(buf_str(&b), "42-x", "printf of nothing");
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_printf(&b, "[%s]", big);
	EQ_INT(b.len, 4 + 2 + sizeof big - 1, "printf grows");
	OK(b.data[4] == '[' && b.data[b.len - 1] == ']', "printf appended");
	OK(b.data[b.len] == '\0', "printf NUL");
	buf_free(&b);
}

static void
test_consume(void)
{
	struct buf	b;

	buf_init(&b);
	buf_addstr(&b, "220 hi\r\n250 ok\r\n");
	buf_consume(&b, 0);
	EQ_INT(b.len, 16, "consume 0");
	buf_consume(&b, 8);
	EQ_STR(buf_str(&b), "250 ok\r\n", "consume first line");
	buf_consume(&b, 7);
	EQ_STR(buf_str(&b), "\n", "consume all but one");
	buf_consume(&b, 1);
	EQ_INT(b.len, 0, "consume exactly all");
	EQ_STR(buf_str(&b), "", "consumed is empty string");
	buf_addstr(&b, "abc");
	buf_consume(&b, 100);
	EQ_INT(b.len, 0, "consume more than held");
	EQ_STR(buf_str(&b), "", "over-consume leaves empty string");
	buf_free(&b);
}

int
main(void)
{
	test_empty();
	test_add();
	test_printf();
	test_consume();
	return t_done();
}
