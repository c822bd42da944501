/*
 * ehlo: the capability list of an EHLO reply (RFC 5321 4.1.1.1): keyword
 * and parameters per line, with the ones smtpscope acts on decoded.
 */
#ifndef SMTPSCOPE_EHLO_H
#define SMTPSCOPE_EHLO_H

#include <stddef.h>

struct reply;

#define EHLO_PIPELINING		0x0001
#define EHLO_STARTTLS		0x0002
#define EHLO_8BITMIME		0x0004
#define EHLO_SMTPUTF8		0x0008
#define EHLO_CHUNKING		0x0010
#define EHLO_ENHANCED		0x0020	/* ENHANCEDSTATUSCODES */
#define EHLO_DSN		0x0040
#define EHLO_AUTH		0x0080
#define EHLO_SIZE		0x0100
#define EHLO_BINARYMIME		0x0200

#define AUTHM_PLAIN		0x01
#define AUTHM_LOGIN		0x02
#define AUTHM_CRAM_MD5		0x04
#define AUTHM_XOAUTH2		0x08
#define AUTHM_OTHER		0x80

struct ehlo_kw {
	char	*keyword;	/* upper-cased */
	char	*params;	/* the rest of the line, "" when none */
};

struct ehlo_caps {
	char		*greeting;	/* text of the first line (domain ...) */
	struct ehlo_kw	*kw;
	size_t		 nkw;
	unsigned int	 flags;		/* EHLO_* */
	unsigned int	 auth;		/* AUTHM_* */
	unsigned long long size_max;	/* SIZE parameter; 0: none given */
};

/* Fill caps from a 250 EHLO reply; returns 0, or -1 if it is not a 2xx. */
int	 ehlo_parse(struct ehlo_caps *, const struct reply *);
void	 ehlo_free(struct ehlo_caps *);
const struct ehlo_kw *ehlo_find(const struct ehlo_caps *, const char *);
/* Is the mechanism (case-insensitive) listed after AUTH? */
int	 ehlo_has_mech(const struct ehlo_caps *, const char *);

#endif
