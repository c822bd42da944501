/*
 * test_net.c: connect and listen on loopback only.  Every failure is
 * produced on this machine: a closed loopback port, a full accept queue, a
 * host name the resolver rejects without asking anyone (an empty label,
 * a name under .invalid).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/net.h"

#include "t.h"

static void
skip(const char *name, const char *why)
{
	char	buf[512];

	snprintf(buf, sizeof buf, "%s # SKIP %s", name, why);
	OK(1, buf);
}

/* Accept one connection within two seconds, or -1. */
static int
accept_wait(int lfd)
{
	struct pollfd	pfd;

	pfd.fd = lfd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 2000) != 1)
		return -1;
	return accept(lfd, NULL, NULL);
}

/* Read exactly n bytes within two seconds. */
static int
read_wait(int fd, char *p, size_t n)
{
	struct pollfd	pfd;
	ssize_t		r;
	size_t		got = 0;

	while (got < n) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 2000) != 1)
			return -1;
		r = read(fd, p + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Listen, connect, check the socket options, pass bytes both ways. */
static void
round_trip(const char *addr)
{
	enum net_err	 kind;
	char		 err[256], port[16], name[128], b[8];
	socklen_t	 len;
	int		 lfd, cfd, sfd, port_n, nodelay = 0;

	lfd = net_listen(addr, "0", err, sizeof err);
	snprintf(name, sizeof name, "listen on %s", addr);
	OK(lfd != -1, name);
	if (lfd == -1) {
		printf("# %s\n", err);
		return;
	}
	port_n = net_local_port(lfd);
	OK(port_n > 0 && port_n < 65536, "net_local_port gives the port");
	OK(fcntl(lfd, F_GETFL) & O_NONBLOCK, "listener is non-blocking");
	snprintf(port, sizeof port, "%d", port_n);

	cfd = net_connect(addr, port, AF_UNSPEC, 2000, &kind, err,
	    sizeof err);
	snprintf(name, sizeof name, "connect to %s", addr);
	OK(cfd != -1, name);
	if (cfd == -1) {
		printf("# %s\n", err);
		close(lfd);
		return;
	}
	EQ_INT(kind, NET_OK, "kind is NET_OK");
	OK(fcntl(cfd, F_GETFL) & O_NONBLOCK, "connected fd is non-blocking");
	len = sizeof nodelay;
	getsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len);
	OK(nodelay != 0, "TCP_NODELAY is set");
	net_quickack(cfd);	/* must not fail or disturb anything */

	sfd = accept_wait(lfd);
	OK(sfd != -1, "listener accepts");
	if (sfd != -1) {
		net_tune(sfd);
		OK(fcntl(sfd, F_GETFL) & O_NONBLOCK,
		    "net_tune sets O_NONBLOCK");
		OK(write(cfd, "ping", 4) == 4, "client writes");
		OK(read_wait(sfd, b, 4) == 0 && memcmp(b, "ping", 4) == 0,
		    "server reads what the client wrote");
		OK(write(sfd, "pong", 4) == 4, "server writes");
		OK(read_wait(cfd, b, 4) == 0 && memcmp(b, "pong", 4) == 0,
		    "client reads what the server wrote");
		close(sfd);
	}
	close(cfd);
	close(lfd);
}

static void
test_refused(void)
{
	enum net_err	 kind;
	char		 err[256], port[16], want[256];
	int		 lfd, fd;

	/* A port that was free a moment ago and has nobody listening now. */
	lfd = net_listen(NULL, "0", err, sizeof err);
	OK(lfd != -1, "listen on a free port");
	if (lfd == -1)
		return;
	snprintf(port, sizeof port, "%d", net_local_port(lfd));
	close(lfd);

	fd = net_connect("127.0.0.1", port, AF_INET, 2000, &kind, err,
	    sizeof err);
	EQ_INT(fd, -1, "connect to a closed port fails");
	EQ_INT(kind, NET_E_REFUSED, "kind is NET_E_REFUSED");
	snprintf(want, sizeof want, "connection refused by 127.0.0.1 port %s "
	    "(nothing is listening there)", port);
	EQ_STR(err, want, "refusal message");
}

static void
test_in_use(void)
{
	char	err[256], port[16];
	int	a, b;

	a = net_listen("127.0.0.1", "0", err, sizeof err);
	if (a == -1) {
		OK(0, "listen for the in-use test");
		return;
	}
	snprintf(port, sizeof port, "%d", net_local_port(a));
	b = net_listen("127.0.0.1", port, err, sizeof err);
	EQ_INT(b, -1, "second listener on the same port fails");
	OK(strstr(err, "already in use") != NULL, "and says the port is used");
	if (b != -1)
		close(b);
	close(a);
}

/*
 * A listener whose accept queue is full drops further SYNs, so a connect
 * gets no answer: a timeout without leaving the machine.
 */
static void
test_timeout(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	enum net_err		 kind;
	char			 err[256], port[16];
	int			 lfd, fds[8], n = 0, fd, i;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd == -1 || bind(lfd, (struct sockaddr *)&sin, sizeof sin) ||
	    listen(lfd, 0) || getsockname(lfd, (struct sockaddr *)&sin,
	    &len)) {
		OK(0, "set up a listener with a tiny queue");
		return;
	}
	snprintf(port, sizeof port, "%d", ntohs(sin.sin_port));
	/* Fill the queue: with backlog 0 it takes one or two. */
	fd = -1;
	for (i = 0; i < 8; i++) {
		fd = net_connect("127.0.0.1", port, AF_INET, 300, &kind, err,
		    sizeof err);
		if (fd == -1)
			break;
		fds[n++] = fd;
	}
	if (fd != -1)
		skip("connect to a full accept queue times out",
		    "this kernel accepts beyond the backlog");
	else {
		EQ_INT(kind, NET_E_TIMEOUT, "full accept queue: timeout");
		OK(strncmp(err, "no answer from 127.0.0.1 port ", 30) == 0 &&
		    strstr(err, " within 0.3 s") != NULL, "timeout message");
		if (kind != NET_E_TIMEOUT)
			printf("# %s\n", err);
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	close(lfd);
}

static void
test_unknown_host(void)
{
	enum net_err	 kind;
	char		 err[256];
	const char	*name = "smtpscope-test.invalid";
	int		 fd;

	/* An empty label cannot be put in a query: it fails locally. */
	fd = net_connect("no..such.invalid", "25", AF_UNSPEC, 2000, &kind,
	    err, sizeof err);
	EQ_INT(fd, -1, "malformed host name fails");
	EQ_INT(kind, NET_E_RESOLVE, "kind is NET_E_RESOLVE");
	EQ_STR(err, "unknown host no..such.invalid", "unknown host message");

	/* RFC 6761 6.4: answered locally, no query is sent. */
	fd = net_connect(name, "25", AF_UNSPEC, 2000, &kind, err, sizeof err);
	EQ_INT(fd, -1, "a .invalid name does not resolve");
	EQ_INT(kind, NET_E_RESOLVE, "kind is NET_E_RESOLVE (.invalid)");
	OK(strncmp(err, "unknown host smtpscope-test.invalid", 35) == 0,
	    "unknown host message (.invalid)");
}

static void
test_family(void)
{
	enum net_err	 kind;
	char		 err[256];
	int		 fd;

	/* Asking for IPv6 with an IPv4 literal cannot resolve. */
	fd = net_connect("127.0.0.1", "25", AF_INET6, 1000, &kind, err,
	    sizeof err);
	EQ_INT(fd, -1, "IPv4 literal with -6 fails");
	EQ_INT(kind, NET_E_RESOLVE, "as a resolution failure");
}

int
main(void)
{
	char	err[256];
	int	fd;

	round_trip("127.0.0.1");
	fd = net_listen("::1", "0", err, sizeof err);
	if (fd == -1)
		skip("listen and connect on ::1", "no IPv6 loopback here");
	else {
		close(fd);
		round_trip("::1");
	}
	test_refused();
	test_in_use();
	test_timeout();
	test_unknown_host();
	test_family();
	EQ_INT(net_local_port(-1), -1, "net_local_port(-1) is -1");
	return t_done();
}
