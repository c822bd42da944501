/*
 * net: TCP connect and listen.  Errors come back as plain sentences in the
 * caller's buffer, one for each way a connection fails.
 */
#ifndef SMTPSCOPE_NET_H
#define SMTPSCOPE_NET_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>

enum net_err {
	NET_OK,
	NET_E_RESOLVE,		/* unknown host */
	NET_E_REFUSED,		/* nothing listens there */
	NET_E_UNREACHABLE,	/* no route */
	NET_E_TIMEOUT,		/* no answer in time */
	NET_E_OTHER
};

/*
 * Connect to host:port (family AF_UNSPEC, AF_INET or AF_INET6) as dial
 * does (RFC 8305: addresses raced, IPv6 first), look-up and all within
 * timeout_ms.  Returns a connected non-blocking fd with TCP_NODELAY set,
 * or -1 with *kind and err set.  timeout_ms <= 0 means no limit of our
 * own (the kernel's connect timeout applies).  When several addresses
 * fail, the most telling failure is reported (refused, then timeout, then
 * unreachable).  For progress notes and the address reached, use dial.
 */
int	 net_connect(const char *, const char *, int, int, enum net_err *,
	    char *, size_t);
/*
 * While fd (or -1: none) is readable, net_connect gives up at once ("was
 * interrupted"): the UI's signal pipe, so Ctrl-C ends a slow connect.
 */
void	 net_set_abort_fd(int);
/*
 * Listen on addr:port (addr NULL: 127.0.0.1, "::1" works too); port "0"
 * picks one.  Returns a non-blocking listening fd or -1 with err.
 */
int	 net_listen(const char *, const char *, char *, size_t);
/* The local port of a bound socket, or -1. */
int	 net_local_port(int);
/* Set O_NONBLOCK and TCP_NODELAY on an accepted or connected socket. */
void	 net_tune(int);
/*
 * Parse a --bind address: "ADDR", "ADDR:PORT", "[IPV6]" or "[IPV6]:PORT",
 * literal only (port 0 when none).  Returns AF_INET or AF_INET6 with ss
 * and *len filled, or -1 with err.
 */
int	 net_parse_bind(const char *, struct sockaddr_storage *, socklen_t *,
	    char *, size_t);
/*
 * Connect to the unix domain socket at path.  Returns a connected
 * non-blocking fd, or -1 with *kind and err ("no such socket"...).
 */
int	 net_connect_unix(const char *, enum net_err *, char *, size_t);
/* Ask the kernel to ACK at once (before a read we wait on). */
void	 net_quickack(int);

#endif
