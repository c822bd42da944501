/* net.c: TCP connect with one overall deadline, and loopback listeners. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/net.h"

/* Milliseconds on a clock that never jumps. */
static long long
net_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

/* Rank connect failures: the most telling one is reported. */
static int
net_rank(enum net_err kind)
{
	switch (kind) {
	case NET_E_REFUSED:
		return 4;
	case NET_E_TIMEOUT:
		return 3;
	case NET_E_UNREACHABLE:
		return 2;
	case NET_E_OTHER:
		return 1;
	default:
		return 0;
	}
}

static enum net_err
net_classify(int error)
{
	switch (error) {
	case ECONNREFUSED:
		return NET_E_REFUSED;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case EHOSTDOWN:
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT:
		return NET_E_UNREACHABLE;
	case ETIMEDOUT:
		return NET_E_TIMEOUT;
	default:
		return NET_E_OTHER;
	}
}

/* A descriptor that, once readable, abandons a connect in progress. */
static int	net_abort_fd = -1;

void
net_set_abort_fd(int fd)
{
	net_abort_fd = fd;
}

/*
 * Try one address until the deadline: the fd, or -1 with *error set
 * (ETIMEDOUT when the deadline passed, ECANCELED when told to stop).
 */
static int
net_try(const struct addrinfo *ai, long long deadline, int *error)
{
	struct pollfd	pfd[2];
	socklen_t	len;
	long long	left;
	int		fd, r, soerr;
	nfds_t		n;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd == -1) {
		*error = errno;
		return -1;
	}
	if (net_set_nonblock(fd) == -1) {
		*error = errno;
		goto fail;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS && errno != EINTR) {
		*error = errno;
		goto fail;
	}
	for (;;) {
		left = deadline - net_now_ms();
		if (left <= 0) {
			*error = ETIMEDOUT;
			goto fail;
		}
		pfd[0].fd = fd;
		pfd[0].events = POLLOUT;
		pfd[0].revents = 0;
		n = 1;
		if (net_abort_fd != -1) {
			pfd[1].fd = net_abort_fd;
			pfd[1].events = POLLIN;
			pfd[1].revents = 0;
			n = 2;
		}
		r = poll(pfd, n, left > 0x7fffffff ? 0x7fffffff : (int)left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			*error = errno;
			goto fail;
		}
		if (n == 2 && pfd[1].revents != 0) {
			*error = ECANCELED;
			goto fail;
		}
		if (r == 0)
			continue;	/* deadline is checked above */
		break;
	}
	soerr = 0;
	len = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1) {
		*error = errno;
		goto fail;
	}
	if (soerr != 0) {
		*error = soerr;
		goto fail;
	}
	return fd;

fail:
	close(fd);
	return -1;
}

/* "5 s", or "0.5 s" for a timeout that is not whole seconds. */
static void
net_fmt_secs(char *out, size_t outlen, int ms)
{
	if (ms % 1000 == 0)
		snprintf(out, outlen, "%d s", ms / 1000);
	else
		snprintf(out, outlen, "%.1f s", ms / 1000.0);
}

/* Does host resolve in the family that was not asked for (numeric only)? */
static int
net_other_family(const char *host, const char *port, int family)
{
	struct addrinfo	 hints, *res;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family == AF_INET ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	/* Numeric only: never a second look-up on the network. */
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return 0;
	freeaddrinfo(res);
	return 1;
}

int
net_connect(const char *host, const char *port, int family, int timeout_ms,
    enum net_err *kind, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res, *ai;
	enum net_err	 worst = NET_OK, k;
	long long	 deadline;
	char		 secs[32];
	int		 fd, r, error, worst_errno = 0;

	if (kind != NULL)
		*kind = NET_OK;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0) {
		if (kind != NULL)
			*kind = NET_E_RESOLVE;
		if (family != AF_UNSPEC && net_other_family(host, port,
		    family))
			snprintf(err, errlen, "%s has no %s address (%s was "
			    "given)", host, family == AF_INET ? "IPv4" :
			    "IPv6", family == AF_INET ? "-4" : "-6");
		else if (r == EAI_NONAME || r == EAI_NODATA || r == EAI_FAIL ||
		    r == EAI_ADDRFAMILY)
			snprintf(err, errlen, "unknown host %s", host);
		else if (r == EAI_SERVICE)
			snprintf(err, errlen, "unknown port %s", port);
		else if (r == EAI_SYSTEM)
			snprintf(err, errlen, "unknown host %s (%s)", host,
			    strerror(errno));
		else
			snprintf(err, errlen, "unknown host %s (%s)", host,
			    gai_strerror(r));
		return -1;
	}

	/* No timeout: wait as long as the kernel does. */
	deadline = timeout_ms > 0 ? net_now_ms() + timeout_ms :
	    (long long)1 << 62;
	fd = -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = net_try(ai, deadline, &error);
		if (fd != -1)
			break;
		if (error == ECANCELED) {
			freeaddrinfo(res);
			if (kind != NULL)
				*kind = NET_E_OTHER;
			snprintf(err, errlen, "connecting to %s port %s was "
			    "interrupted", host, port);
			return -1;
		}
		k = net_classify(error);
		if (net_rank(k) > net_rank(worst)) {
			worst = k;
			worst_errno = error;
		}
		if (k == NET_E_TIMEOUT)
			break;	/* the one deadline is spent */
	}
	freeaddrinfo(res);
	if (fd != -1) {
		net_tune(fd);
		return fd;
	}

	if (kind != NULL)
		*kind = worst;
	switch (worst) {
	case NET_E_REFUSED:
		snprintf(err, errlen, "connection refused by %s port %s "
		    "(nothing is listening there)", host, port);
		break;
	case NET_E_UNREACHABLE:
		snprintf(err, errlen, "%s is unreachable", host);
		break;
	case NET_E_TIMEOUT:
		if (timeout_ms > 0) {
			net_fmt_secs(secs, sizeof secs, timeout_ms);
			snprintf(err, errlen, "no answer from %s port %s "
			    "within %s", host, port, secs);
		} else
			snprintf(err, errlen, "no answer from %s port %s",
			    host, port);
		break;
	default:
		if (kind != NULL)
			*kind = NET_E_OTHER;
		snprintf(err, errlen, "cannot connect to %s port %s: %s",
		    host, port, worst_errno ? strerror(worst_errno) :
		    "no usable address");
		break;
	}
	return -1;
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
