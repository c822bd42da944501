/*
 * net.c: blocking TCP connect (dial does the work), listeners, socket
 * options.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
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

int
net_parse_bind(const char *arg, struct sockaddr_storage *ss, socklen_t *len,
    char *err, size_t errlen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[INET6_ADDRSTRLEN + 2];
	const char		*port = NULL, *p;
	size_t			 hl;
	long			 pn = 0;

	memset(ss, 0, sizeof *ss);
	if (arg[0] == '[') {
		if ((p = strchr(arg, ']')) == NULL || (p[1] != '\0' &&
		    p[1] != ':'))
			goto bad;
		hl = (size_t)(p - arg - 1);
		if (hl >= sizeof host)
			goto bad;
		memcpy(host, arg + 1, hl);
		host[hl] = '\0';
		if (p[1] == ':')
			port = p + 2;
	} else if ((p = strchr(arg, ':')) != NULL && strchr(p + 1, ':') ==
	    NULL) {
		hl = (size_t)(p - arg);
		if (hl >= sizeof host)
			goto bad;
		memcpy(host, arg, hl);
		host[hl] = '\0';
		port = p + 1;
	} else {
		if (strlen(arg) >= sizeof host)
			goto bad;
		snprintf(host, sizeof host, "%s", arg);
	}
	if (port != NULL) {
		if (*port == '\0' || strlen(port) > 5 ||
		    strspn(port, "0123456789") != strlen(port))
			goto bad;
		pn = strtol(port, NULL, 10);
		if (pn > 65535)
			goto bad;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)pn);
		*len = sizeof *sin;
		return AF_INET;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)pn);
		*len = sizeof *sin6;
		return AF_INET6;
	}
bad:
	snprintf(err, errlen, "'%s' is not a local address: ADDR or ADDR:PORT "
	    "(IPv4), [IPv6] or [IPv6]:PORT; no names", arg);
	return -1;
}

int
net_connect_unix(const char *path, enum net_err *kind, char *err,
    size_t errlen)
{
	struct sockaddr_un	sun;
	int			fd, e;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		*kind = NET_E_OTHER;
		snprintf(err, errlen, "%s: the socket path is too long (at "
		    "most %zu octets)", path, sizeof sun.sun_path - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		*kind = NET_E_OTHER;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* A local connect is done at once or refused at once. */
	while (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		if (errno == EINTR)
			continue;
		e = errno;
		close(fd);
		*kind = e == ECONNREFUSED || e == ENOENT ? NET_E_REFUSED :
		    NET_E_OTHER;
		if (e == ENOENT)
			snprintf(err, errlen, "%s: no such socket", path);
		else if (e == ECONNREFUSED)
			snprintf(err, errlen, "%s: connection refused (nothing "
			    "listens on it)", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -1;
	}
	(void)net_set_nonblock(fd);
	*kind = NET_OK;
	return fd;
}
