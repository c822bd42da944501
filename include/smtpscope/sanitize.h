/*
 * sanitize: turn bytes from the network into text that is safe to draw.
 * Printable ASCII and valid UTF-8 (not C1 controls) pass through; TAB
 * becomes a space; other control bytes become \r, \n, \t, \e, \0 or \xNN;
 * invalid UTF-8 bytes become \xNN; a backslash stays one backslash.  Nothing
 * from the wire reaches a terminal unless it went through here.
 */
#ifndef SMTPSCOPE_SANITIZE_H
#define SMTPSCOPE_SANITIZE_H

#include <stddef.h>

struct buf;

/* Append the safe form of raw[0..len) to out. */
void	 sanitize(struct buf *, const char *, size_t);
/* Return a malloc'd safe form. */
char	*sanitize_dup(const char *, size_t);
/*
 * Decode the UTF-8 character at s (len > 0 octets left): returns the
 * octets it used and its code point in *cp, or 1 with *cp = U+FFFD when
 * the octets there are not valid UTF-8 (RFC 3629).
 */
size_t	 utf8_decode(const char *, size_t, unsigned int *);
/* 1 when raw[0..len) would pass through sanitize unchanged. */
int	 sanitize_is_clean(const char *, size_t);

#endif
