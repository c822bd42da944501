/*
 * resolve: name look-ups that never block (c-ares lives here and nowhere
 * else).  IPv6 and IPv4 are asked for separately and each family's answer
 * is kept as it arrives (RFC 8305 section 3), so a caller can start
 * connecting before the slower family has answered.  The caller polls the
 * descriptors resolve_pollfds() gives, within resolve_timeout_ms(), and
 * calls resolve_process().  Literal addresses are answered at once without
 * any DNS.  SMTPSCOPE_DNS_SERVER=ADDR[:PORT] sends queries to that server
 * instead of those of /etc/resolv.conf (the tests use it).
 */
#ifndef SMTPSCOPE_RESOLVE_H
#define SMTPSCOPE_RESOLVE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <poll.h>
#include <stddef.h>

struct resolve;

enum resolve_status {
	RESOLVE_PENDING,	/* still waiting for the answer */
	RESOLVE_OK,		/* one address or more */
	RESOLVE_NODATA,		/* the name has no address of this family */
	RESOLVE_NONAME,		/* no such name */
	RESOLVE_FAIL		/* the servers failed or did not answer */
};

struct resolve_addr {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 family;
};

/*
 * Start looking up host (family AF_UNSPEC: IPv6 and IPv4) with the TCP
 * port (digits or a service name).  Returns the look-up, or NULL with err
 * set (unknown service, no resolver configuration).
 */
struct resolve	*resolve_start(const char *, const char *, int, char *,
		    size_t);
void		 resolve_free(struct resolve *);
/* Fill up to n pollfds to wait on; returns how many. */
size_t		 resolve_pollfds(const struct resolve *, struct pollfd *,
		    size_t);
/* Milliseconds until resolve_process() is due anyway, or -1. */
int		 resolve_timeout_ms(const struct resolve *);
/* Handle what poll() reported in pfd[0..n) (n may be 0: timers only). */
void		 resolve_process(struct resolve *, const struct pollfd *,
		    size_t);
/*
 * Where the look-up of family (AF_INET6 or AF_INET) stands; a family not
 * asked for is RESOLVE_NODATA.  For RESOLVE_FAIL, *why (if not NULL) gets
 * the resolver's reason in words.
 */
enum resolve_status resolve_status(const struct resolve *, int,
		    const char **);
/* 1 when every family asked for has its answer. */
int		 resolve_done(const struct resolve *);
/* The addresses of family found so far, in the order to try them. */
const struct resolve_addr *resolve_addrs(const struct resolve *, int,
		    size_t *);
/* Write addr as text ("192.0.2.1", "2001:db8::1") into buf. */
void		 resolve_addr_str(const struct resolve_addr *, char *,
		    size_t);

#endif
