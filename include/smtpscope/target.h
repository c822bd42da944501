/*
 * target: a connection target typed in the UI (:connect), parsed as the
 * command line's URL is: smtp://, smtps://, submission://, lmtp://,
 * mx://DOMAIN, smtp:///PATH, HOST[:PORT], [ADDR6]:PORT or "HOST PORT".  A
 * bare domain name (no scheme, no port, not an address, a dot in it)
 * means its mail exchangers: mx://DOMAIN.
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

/* Parse argv[0] (and a port in argv[1]).  Returns 0, or -1 with err. */
int	 target_parse(int, char **, struct target *, char *, size_t);
void	 target_free(struct target *);

#endif
