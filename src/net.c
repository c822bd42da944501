/*
 * net.c: blocking TCP connect (dial does the work), listeners, socket
 * options.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/dial.h"
#include "smtpscope/net.h"

static int
net_set_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return -1;
	if (flags & O_NONBLOCK)
		return 0;
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void
net_tune(int fd)
{
	int	one = 1;

	(void)net_set_nonblock(fd);
	/* Fails harmlessly on sockets that are not TCP. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void
net_quickack(int fd)
{
#ifdef TCP_QUICKACK
	int	one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#else
	(void)fd;
#endif
}

/* A descriptor that, once readable, abandons a connect in progress. */
static int	net_abort_fd = -1;

void
net_set_abort_fd(int fd)
{
	net_abort_fd = fd;
}

int
net_connect(const char *host, const char *port, int family, int timeout_ms,
    enum net_err *kind, char *err, size_t errlen)
{
	struct dial_params	 dp;
	struct dial		*d;
	enum net_err		 k;
	int			 fd = -1;

	memset(&dp, 0, sizeof dp);
	dp.host = host;
	dp.port = port;
	dp.family = family;
	dp.timeout_ms = timeout_ms;
	d = dial_start(&dp);
	if (dial_run(d, net_abort_fd) == DIAL_DONE) {
		fd = dial_take_fd(d);
		net_tune(fd);
		k = NET_OK;
	} else
		snprintf(err, errlen, "%s", dial_error(d, &k));
	dial_free(d);
	if (kind != NULL)
		*kind = k;
	return fd;
}

int
net_listen(const char *addr, const char *port, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, r, one = 1, error = 0;

	if (addr == NULL)
		addr = "127.0.0.1";
	if (port == NULL)
		port = "0";
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	r = getaddrinfo(addr, port, &hints, &res);
	if (r != 0) {
		snprintf(err, errlen, "cannot listen on %s port %s: %s", addr,
		    port, r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			error = errno;
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof one);
		if (ai->ai_family == AF_INET6)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
			    sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, SOMAXCONN) == 0 && net_set_nonblock(fd) == 0)
			break;
		error = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		if (error == EADDRINUSE)
			snprintf(err, errlen, "cannot listen on %s port %s: "
			    "the port is already in use", addr, port);
		else
			snprintf(err, errlen, "cannot listen on %s port %s: %s",
			    addr, port, error ? strerror(error) :
			    "no usable address");
		return -1;
	}
	return fd;
}

int
net_local_port(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}
