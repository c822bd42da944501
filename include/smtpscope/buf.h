/*
 * buf: a growable byte buffer.  data[len] is always a NUL byte (so the
 * contents can be used as a C string when they hold no NUL), data may hold
 * any bytes.  A zeroed struct buf is an empty buffer.
 */
#ifndef SMTPSCOPE_BUF_H
#define SMTPSCOPE_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
/* Empty the buffer, keeping its memory. */
void	 buf_reset(struct buf *);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addstr(struct buf *, const char *);
void	 buf_addch(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Drop the first n bytes. */
void	 buf_consume(struct buf *, size_t);
/* Return the contents as a C string (never NULL, even when empty). */
const char *buf_str(const struct buf *);
/* Hand the contents to the caller (malloc'd, NUL-terminated); buf is reset. */
char	*buf_take(struct buf *);

#endif
