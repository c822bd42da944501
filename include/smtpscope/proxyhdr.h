/*
 * proxyhdr: the header of HAProxy's PROXY protocol, which a client sends
 * first on a connection to tell the server whose connection it relays.
 * Version 1 is one text line ("PROXY TCP4 src dst sport dport\r\n"),
 * version 2 a binary block after a 12-octet signature.  Only TCP over
 * IPv4 and IPv6 is built; both addresses must be of one family.
 */
#ifndef SMTPSCOPE_PROXYHDR_H
#define SMTPSCOPE_PROXYHDR_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>

/* Version 1 needs at most 107 octets, version 2 with IPv6 52. */
#define PROXYHDR_MAX	108

/*
 * Parse "ADDR:PORT" or "[IPV6]:PORT" (a literal address, no names) into
 * ss.  Returns 0, or -1 with err.
 */
int	 proxyhdr_parse_addr(const char *, struct sockaddr_storage *,
	    char *, size_t);
/*
 * Build the header of version (1 or 2) for a connection from src to dst
 * into out (PROXYHDR_MAX octets).  Returns its length, or -1 with err
 * when the families differ or are not IPv4/IPv6.
 */
ssize_t	 proxyhdr_build(int, const struct sockaddr_storage *,
	    const struct sockaddr_storage *, unsigned char *, char *, size_t);
/* "ADDR:PORT" ("[::1]:25" for IPv6) of ss, for notes. */
void	 proxyhdr_addr_str(const struct sockaddr_storage *, char *, size_t);

#endif
