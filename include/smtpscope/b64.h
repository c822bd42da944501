/*
 * b64: base64 (RFC 4648) through GnuTLS, for AUTH exchanges.
 */
#ifndef SMTPSCOPE_B64_H
#define SMTPSCOPE_B64_H

#include <stddef.h>

struct buf;

/* Encode len bytes; returns a malloc'd NUL-terminated string ("" for 0). */
char	*b64_encode(const void *, size_t);
/*
 * Decode text (surrounding blanks ignored) and append the bytes to out.
 * Returns 0, or -1 when the text is not valid base64 (out unchanged).
 */
int	 b64_decode(const char *, size_t, struct buf *);
/* 1 when text is non-empty, valid base64 whose decoding is printable. */
int	 b64_is_text(const char *, size_t);

#endif
