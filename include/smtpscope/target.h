/*
 * target: a connection target, from the command line or typed in the UI
 * (:connect): smtp://, smtps://, submission://, lmtp://, mx://DOMAIN,
 * smtp:///PATH, lmtp:///PATH, HOST[:PORT], [ADDR6]:PORT or "HOST PORT".
 * With TARGET_DOMAIN_MX a bare domain name (no scheme, no port, not an
 * address, a dot in it) means its mail exchangers: mx://DOMAIN.
 */
#ifndef SMTPSCOPE_TARGET_H
#define SMTPSCOPE_TARGET_H

#include <stddef.h>

struct target {
	char	*store;		/* owns the strings below */
	char	*host;
	char	*port;
	char	*unix_path;	/* smtp:///PATH, lmtp:///PATH, or NULL */
	int	 implicit_tls;	/* smtps:// */
	int	 require_tls;	/* submission:// */
	int	 lmtp;
	int	 mx;
	char	 note[512];	/* what became of the name (an IDN), or "" */
};

/* How target_parse reads: the UI's and the command line's differences. */
#define TARGET_DOMAIN_MX	0x1	/* a bare domain is mx://DOMAIN */
#define TARGET_PORT_SHORT	0x2	/* a port has at most 9 characters */

/*
 * Parse argv[0] (and a port in argv[1]; more is an error).  Returns 0, or
 * -1 with err (and t empty).
 */
int	 target_parse(int, char **, int, struct target *, char *, size_t);
void	 target_free(struct target *);

#endif
