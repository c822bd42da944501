/*
 * test_practice: the practice server inside a host poll() loop, as the UI
 * runs it: practice_pollfds/practice_handle/practice_timeout, the options
 * the command line does not reach (AUTH required, AUTH only over TLS, the
 * slow@ delay, TLS required), the address of the implicit TLS listener,
 * HELP and the messages kept in memory.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/practice.h"
#include "t.h"

static long long
ms_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
client(struct practice *p)
{
	struct sockaddr_in	sin;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)practice_port(p));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* 1 when b ends with a complete reply (a last line "NNN " or "NNN"). */
static int
reply_done(const struct buf *b)
{
	const char	*end, *start;

	if (b->len < 5 || b->data[b->len - 1] != '\n')
		return 0;
	end = b->data + b->len - 1;
	for (start = end; start > b->data && start[-1] != '\n'; start--)
		;
	return end - start >= 4 && start[3] != '-';
}

/* How many complete replies (last lines) b holds. */
static int
count_replies(const struct buf *b)
{
	const char	*q = b->data, *e;
	int		 n = 0;

	while ((e = strchr(q, '\n')) != NULL) {
		if (e - q >= 4 && q[3] != '-')
			n++;
		q = e + 1;
	}
	return n;
}

/*
 * Send text (may be empty) and run the server as a host loop would, until
 * nreplies complete replies came back or ms passed.  The replies go to out.
 */
static void
converse(struct practice *p, int fd, const char *text, int nreplies,
    int ms, struct buf *out)
{
	struct pollfd	 pfd[16];
	size_t		 n;
	long long	 deadline;
	char		 tmp[4096];
	ssize_t		 r;
	int		 got = 0, timeout;

	buf_reset(out);
	if (*text != '\0' &&
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return;
	deadline = ms_now() + ms;
	while (got < nreplies && ms_now() < deadline) {
		n = practice_pollfds(p, pfd, 15);
		pfd[n].fd = fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		timeout = practice_timeout(p);
		if (timeout == -1 || timeout > 50)
			timeout = 50;
		if (poll(pfd, n + 1, timeout) == -1 && errno != EINTR)
			return;
		practice_handle(p, pfd, n);
		while ((r = read(fd, tmp, sizeof tmp)) > 0) {
			buf_add(out, tmp, (size_t)r);
			if (reply_done(out))
				got = count_replies(out);
		}
		if (r == 0)
			return;
	}
}

/* 1 when this host can listen on ::1. */
static int
have_ipv6_loopback(void)
{
	struct sockaddr_in6	sin6;
	int			fd, ok;

	if ((fd = socket(AF_INET6, SOCK_STREAM, 0)) == -1)
		return 0;
	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	ok = bind(fd, (struct sockaddr *)&sin6, sizeof sin6) == 0;
	close(fd);
	return ok;
}

/* The numeric address the implicit TLS listener is bound to, or "". */
static void
tls_listener_addr(struct practice *p, char *host, size_t hostlen)
{
	struct pollfd		pfd[4];
	struct sockaddr_storage	ss;
	socklen_t		sl = sizeof ss;

	*host = '\0';
	/* practice_pollfds() gives the plain listener, then the TLS one. */
	if (practice_pollfds(p, pfd, 2) != 2)
		return;
	if (getsockname(pfd[1].fd, (struct sockaddr *)&ss, &sl) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, sl, host, hostlen, NULL, 0,
	    NI_NUMERICHOST) != 0)
		*host = '\0';
}

/* tls_addr puts the implicit TLS listener elsewhere than addr. */
static void
test_tls_addr(void)
{
	struct practice_params	 pp;
	struct practice		*p;
	char			 err[256], host[64];

	memset(&pp, 0, sizeof pp);
	pp.addr = "127.0.0.1";
	pp.port = "0";
	pp.tls_port = "0";
	p = practice_new(&pp, err, sizeof err);
	OK(p != NULL, "implicit TLS listener without tls_addr");
	if (p == NULL) {
		printf("# %s\n", err);
		return;
	}
	OK(practice_tls_port(p) > 0, "implicit TLS port picked");
	tls_listener_addr(p, host, sizeof host);
	EQ_STR(host, "127.0.0.1", "no tls_addr: the TLS listener uses addr");
	practice_free(p);

	if (!have_ipv6_loopback()) {
		OK(1, "tls_addr # SKIP no ::1 on this host");
		return;
	}
	pp.tls_addr = "::1";
	p = practice_new(&pp, err, sizeof err);
	OK(p != NULL, "practice_new with tls_addr ::1");
	if (p == NULL) {
		printf("# %s\n", err);
		return;
	}
	tls_listener_addr(p, host, sizeof host);
	EQ_STR(host, "::1", "the TLS listener is bound to tls_addr");
	OK(practice_port(p) > 0 && practice_tls_port(p) > 0,
	    "both ports picked");
	practice_free(p);
}

/* 1 when the text holds the line exactly once. */
static int
once(const char *text, const char *line)
{
	const char	*q;

	q = strstr(text, line);
	return q != NULL && strstr(q + 1, line) == NULL;
}

/*
 * require_tls: MAIL and AUTH of every mechanism before TLS get 523 5.7.10
 * (RFC 5248, RFC 3207 5); HELP names the policies and each local domain
 * once.
 */
static void
test_require_tls(void)
{
	struct practice_params	 pp;
	struct practice		*p;
	struct buf		 b;
	char			 err[256];
	int			 fd;

	buf_init(&b);
	memset(&pp, 0, sizeof pp);
	pp.port = "0";
	pp.require_tls = 1;
	pp.require_auth = 1;
	p = practice_new(&pp, err, sizeof err);
	OK(p != NULL, "practice_new with require_tls");
	if (p == NULL) {
		printf("# %s\n", err);
		return;
	}
	fd = client(p);
	converse(p, fd, "", 1, 3000, &b);
	converse(p, fd, "MAIL FROM:<a@b.example>\r\n", 1, 3000, &b);
	OK(strncmp(b.data, "503 5.5.1 ", 10) == 0,
	    "require_tls: MAIL before EHLO still 503");
	converse(p, fd, "EHLO t\r\n", 1, 3000, &b);
	OK(strstr(b.data, "250-STARTTLS\r\n") != NULL, "STARTTLS offered");
	converse(p, fd, "MAIL FROM:<a@b.example>\r\n", 1, 3000, &b);
	EQ_STR(buf_str(&b),
	    "523 5.7.10 Encryption needed: issue STARTTLS first\r\n",
	    "MAIL before STARTTLS: 523 5.7.10, ahead of 530");
	converse(p, fd, "AUTH PLAIN AGRlbW8AZGVtbw==\r\n", 1, 3000, &b);
	OK(strncmp(b.data, "523 5.7.10 ", 11) == 0, "AUTH PLAIN: 523");
	converse(p, fd, "AUTH LOGIN\r\n", 1, 3000, &b);
	OK(strncmp(b.data, "523 5.7.10 ", 11) == 0, "AUTH LOGIN: 523");
	converse(p, fd, "AUTH CRAM-MD5\r\n", 1, 3000, &b);
	OK(strncmp(b.data, "523 5.7.10 ", 11) == 0, "AUTH CRAM-MD5: 523");
	converse(p, fd, "RCPT TO:<x@localhost>\r\n", 1, 3000, &b);
	OK(strncmp(b.data, "503 ", 4) == 0, "no transaction was started");
	converse(p, fd, "NOOP\r\n", 1, 3000, &b);
	EQ_STR(buf_str(&b), "250 2.0.0 OK\r\n", "NOOP still works");
	converse(p, fd, "HELP\r\n", 1, 3000, &b);
	OK(strstr(b.data, "require TLS") != NULL &&
	    strstr(b.data, "523 5.7.10") != NULL, "HELP names require TLS");
	OK(strstr(b.data, "require AUTH") != NULL, "HELP names require AUTH");
	OK(strstr(b.data, "538") == NULL, "HELP omits inactive policies");
	OK(once(b.data, "214-2.0.0 Local domains: localhost, "
	    "practice.test\r\n"), "default name: each local domain once");
	OK(strstr(b.data, "practice.test, practice.test") == NULL,
	    "practice.test not repeated");
	close(fd);
	practice_free(p);

	/* Another name is listed after the fixed ones; no policies. */
	pp.require_tls = pp.require_auth = 0;
	pp.name = "Other.Example";
	p = practice_new(&pp, err, sizeof err);
	OK(p != NULL, "practice_new with a name");
	if (p == NULL)
		return;
	fd = client(p);
	converse(p, fd, "", 1, 3000, &b);
	converse(p, fd, "HELP\r\n", 1, 3000, &b);
	OK(strstr(b.data, "214-2.0.0 Local domains: localhost, practice.test, "
	    "Other.Example\r\n") != NULL, "own name listed third");
	OK(strstr(b.data, "Policies: none") != NULL, "HELP: no policies");
	converse(p, fd, "EHLO t\r\nMAIL FROM:<a@b.example>\r\n", 2, 3000, &b);
	OK(strstr(b.data, "\r\n250 2.1.0 ") != NULL,
	    "without require_tls MAIL in clear is fine");
	close(fd);
	practice_free(p);

	pp.name = "PRACTICE.TEST";
	p = practice_new(&pp, err, sizeof err);
	if (p != NULL) {
		fd = client(p);
		converse(p, fd, "", 1, 3000, &b);
		converse(p, fd, "HELP\r\n", 1, 3000, &b);
		OK(strstr(b.data, "Local domains: localhost, practice.test\r\n")
		    != NULL, "name equal to practice.test, any case: once");
		close(fd);
		practice_free(p);
	}
	buf_free(&b);
}

int
main(void)
{
	struct practice_params		 pp;
	struct practice			*p;
	const struct practice_msg	*m;
	struct buf			 b;
	char				 err[256];
	long long			 t0;
	int				 fd, fd2;

	buf_init(&b);
	memset(&pp, 0, sizeof pp);
	pp.port = "0";
	pp.require_auth = 1;
	pp.tls_auth_only = 1;
	pp.slow_ms = 400;
	pp.name = "unit.example";
	p = practice_new(&pp, err, sizeof err);
	OK(p != NULL, "practice_new");
	if (p == NULL) {
		printf("# %s\n", err);
		return t_done();
	}
	OK(practice_port(p) > 0, "a port was picked");
	EQ_INT(practice_tls_port(p), -1, "no implicit TLS listener");
	EQ_INT(practice_timeout(p), -1, "no timer without sessions");

	fd = client(p);
	OK(fd != -1, "client connects");
	converse(p, fd, "", 1, 3000, &b);
	EQ_STR(buf_str(&b),
	    "220 unit.example ESMTP smtpscope practice server\r\n",
	    "greeting names the server");
	EQ_INT(practice_nsessions(p), 1, "one session");
	OK(practice_timeout(p) > 0, "idle timer runs");

	converse(p, fd, "EHLO t\r\nMAIL FROM:<a@b.example>\r\n", 2, 3000, &b);
	OK(strstr(b.data, "\r\n530 5.7.0 ") != NULL, "530 5.7.0 before AUTH");
	converse(p, fd, "AUTH PLAIN AGRlbW8AZGVtbw==\r\n", 1, 3000, &b);
	OK(strncmp(b.data, "538 5.7.11 ", 11) == 0,
	    "538 5.7.11 for PLAIN without TLS");
	converse(p, fd, "AUTH LOGIN\r\n", 1, 3000, &b);
	OK(strncmp(b.data, "538 5.7.11 ", 11) == 0,
	    "538 5.7.11 for LOGIN without TLS");
	converse(p, fd, "AUTH CRAM-MD5\r\n", 1, 3000, &b);
	OK(strncmp(b.data, "334 ", 4) == 0, "CRAM-MD5 allowed in clear");
	converse(p, fd, "*\r\n", 1, 3000, &b);
	OK(strncmp(b.data, "501 5.7.0 ", 10) == 0, "* cancels");


	/* A message kept in memory, dot-stuffing undone. */
	practice_free(p);
	pp.require_auth = 0;
	p = practice_new(&pp, err, sizeof err);
	OK(p != NULL, "practice_new again");
	if (p == NULL)
		return t_done();
	fd = client(p);
	converse(p, fd, "", 1, 3000, &b);
	converse(p, fd, "EHLO t\r\nMAIL FROM:<a@b.example>\r\n", 2, 3000, &b);
	/* A second client is served while the first waits for slow@. */
	fd2 = client(p);
	converse(p, fd2, "", 1, 3000, &b);
	converse(p, fd, "RCPT TO:<slow@localhost>\r\n", 1, 100, &b);
	EQ_INT(b.len, 0, "slow@ reply not there after 100 ms");
	converse(p, fd2, "NOOP\r\n", 1, 3000, &b);
	EQ_STR(buf_str(&b), "250 2.0.0 OK\r\n",
	    "other client served meanwhile");
	t0 = ms_now();
	converse(p, fd, "", 1, 3000, &b);
	OK(strncmp(b.data, "250 2.1.5 ", 10) == 0, "slow reply came");
	OK(ms_now() - t0 < 1000, "delay bounded by slow_ms");
	converse(p, fd, "RSET\r\n", 1, 3000, &b);
	close(fd2);
	converse(p, fd, "MAIL FROM:<a@b.example>\r\n"
	    "RCPT TO:<one@localhost>\r\nRCPT TO:<two@unit.example>\r\n"
	    "DATA\r\n", 4, 3000, &b);
	OK(strstr(b.data, "354 ") != NULL, "354 after pipelined envelope");
	converse(p, fd, "Subject: s\r\n\r\n..x\r\n.\r\n", 1, 3000, &b);
	OK(strncmp(b.data, "250 2.6.0 ", 10) == 0, "message accepted");
	EQ_INT(practice_nmsgs(p), 1, "one message kept");
	EQ_INT(practice_total(p), 1, "total 1");
	m = practice_msg(p, 0);
	OK(m != NULL, "practice_msg 0");
	if (m != NULL) {
		EQ_STR(m->from, "a@b.example", "sender kept");
		EQ_INT(m->nrcpt, 2, "two recipients");
		EQ_STR(m->rcpt[1], "two@unit.example", "server name is local");
		EQ_MEM(m->data, m->len, "Subject: s\r\n\r\n.x\r\n", 18,
		    "content unstuffed, CRLF");
		OK(m->id != NULL && strstr(b.data, m->id) != NULL,
		    "queue id in the reply");
	}
	OK(practice_msg(p, 1) == NULL, "no second message");
	converse(p, fd, "QUIT\r\n", 1, 3000, &b);
	EQ_STR(buf_str(&b), "221 2.0.0 Bye\r\n", "QUIT");
	converse(p, fd, "", 1, 300, &b);
	EQ_INT(practice_nsessions(p), 0, "session gone after QUIT");
	close(fd);
	practice_free(p);
	buf_free(&b);

	test_tls_addr();
	test_require_tls();
	return t_done();
}
