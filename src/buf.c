/* buf.c: a growable byte buffer that keeps a NUL after its contents. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/xmalloc.h"

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/*
 * Make room for n more bytes plus the NUL.  The old block is wiped before
 * it is freed: buffers hold passwords and tokens (the line editor, AUTH
 * answers), and realloc would leave a copy behind when it moves them.
 */
static void
buf_grow(struct buf *b, size_t n)
{
	size_t	 need, oldcap;
	char	*p;

	if (n > (size_t)-1 - b->len - 1)
		fatal("buffer too large");
	need = b->len + n + 1;
	if (need <= b->cap)
		return;
	oldcap = b->cap;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap = b->cap > ((size_t)-1) / 2 ? need : b->cap * 2;
	p = xmalloc(b->cap);
	if (b->data != NULL) {
		memcpy(p, b->data, b->len + 1);
		wipe(b->data, oldcap);
		free(b->data);
	}
	b->data = p;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("bad format string");
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		if (b->data != NULL)
			wipe(b->data, b->len);
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	/* Leave no stale copy behind the data (queued lines may be secret). */
	memset(b->data + b->len, 0, n);
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
buf_take(struct buf *b)
{
	char	*s;

	s = b->data != NULL ? b->data : xstrdup("");
	buf_init(b);
	return s;
}
