/*
 * dane: check a server's certificate chain against TLSA records the way
 * RFC 7672 (SMTP) and RFC 7671/6698 say.  DANE-EE (3) matches the server's
 * own certificate or public key and ignores names and dates; DANE-TA (2)
 * matches a certificate of the chain, which then anchors an ordinary
 * check of the chain below it and of the server's name; PKIX-TA (0) and
 * PKIX-EE (1) are unusable for SMTP (RFC 7672 section 3.1.3).  The caller
 * gives only records whose answer was DNSSEC-secure.
 *
 * We match ourselves rather than through GnuTLS's libdane: the records
 * come validated from our resolver already, and libdane would look them
 * up again through its own libunbound context.
 */
#ifndef SMTPSCOPE_DANE_H
#define SMTPSCOPE_DANE_H

#include <stddef.h>

#include "smtpscope/resolve.h"

struct dane_cert {
	const unsigned char	*der;
	size_t			 len;
};

struct dane_result {
	int	 usable;	/* records of usages 2 and 3 we understand */
	int	 ok;		/* one of them matched */
	/* Which record matched and how, or why none did. */
	char	 text[384];
};

/*
 * Check the chain (chain[0] is the server's certificate) against the n
 * records; name is the host name DANE-TA checks (the MX host).
 */
void	 dane_check(const struct resolve_tlsa *, size_t,
	    const struct dane_cert *, size_t, const char *,
	    struct dane_result *);
/* "3 1 1 1a2b3c4d..." (data cut after 16 hex digits), for notes. */
void	 dane_record_str(const struct resolve_tlsa *, char *, size_t);

#endif
