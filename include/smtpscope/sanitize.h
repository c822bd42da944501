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
/* 1 when raw[0..len) would pass through sanitize unchanged. */
int	 sanitize_is_clean(const char *, size_t);

#endif
