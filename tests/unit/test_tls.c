/*
 * test_tls.c: both ends of TLS in one process over loopback TCP: a server
 * context with a generated certificate, clients that trust it or not, line
 * exchange through struct conn, and STARTTLS in place with injected
 * plaintext that must be dropped.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/conn.h"
#include "smtpscope/net.h"
#include "smtpscope/reply.h"
#include "smtpscope/tls.h"

#include "t.h"

static struct tls_server_ctx	*sctx;
static char			 certpath[256];
static char			 tmpdir[200];

/* Lines seen by one side, and what its callback should do. */
struct side {
	struct conn	*c;
	char		 lines[16][256];
	unsigned int	 flags[16];
	int		 n;
	/* STARTTLS: on this line start TLS (and first write reply). */
	const char	*upgrade_on;
	const char	*reply;
	int		 server;
	struct tls_params tp;
	size_t		 dropped;
	int		 upgrade_rc;
};

static void
on_line(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct side	*s = arg;
	char		 err[256];

	if (s->upgrade_on != NULL && len == strlen(s->upgrade_on) &&
	    memcmp(line, s->upgrade_on, len) == 0) {
		if (s->reply != NULL)
			conn_write(s->c, s->reply, strlen(s->reply));
		s->upgrade_rc = conn_start_tls(s->c, s->server ? NULL : &s->tp,
		    s->server ? sctx : NULL, &s->dropped, err, sizeof err);
		if (s->upgrade_rc == -1)
			printf("# start_tls: %s\n", err);
	}
	/* Recorded after the upgrade: the line must still be intact. */
	if (s->n < 16) {
		snprintf(s->lines[s->n], sizeof s->lines[s->n], "%.*s",
		    (int)len, line);
		s->flags[s->n] = flags;
		s->n++;
	}
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A connected loopback TCP pair. */
static int
tcp_pair(int *cfd, int *sfd)
{
	struct pollfd	 pfd;
	enum net_err	 kind;
	char		 err[256], port[16];
	int		 lfd;

	if ((lfd = net_listen(NULL, "0", err, sizeof err)) == -1)
		return -1;
	snprintf(port, sizeof port, "%d", net_local_port(lfd));
	*cfd = net_connect("127.0.0.1", port, AF_INET, 2000, &kind, err,
	    sizeof err);
	pfd.fd = lfd;
	pfd.events = POLLIN;
	if (*cfd == -1 || poll(&pfd, 1, 2000) != 1) {
		close(lfd);
		return -1;
	}
	*sfd = accept(lfd, NULL, NULL);
	close(lfd);
	if (*sfd == -1)
		return -1;
	net_tune(*sfd);
	return 0;
}

/*
 * Drive both handshakes until each is done or failed (a failed client
 * ends it: the server would wait for it forever).
 */
static void
drive(struct conn *c, int *rc, char *cerr, struct conn *s, int *rs,
    char *serr)
{
	struct pollfd	pfd[2];
	double		deadline = now() + 5;

	*rc = *rs = TLS_AGAIN;
	while (now() < deadline) {
		if (*rc == TLS_AGAIN)
			*rc = conn_handshake(c, cerr, 256);
		if (*rs == TLS_AGAIN)
			*rs = conn_handshake(s, serr, 256);
		if (*rc == -1 || (*rc != TLS_AGAIN && *rs != TLS_AGAIN))
			return;
		pfd[0].fd = conn_fd(c);
		pfd[0].events = *rc == TLS_AGAIN ? conn_events(c) : 0;
		pfd[1].fd = conn_fd(s);
		pfd[1].events = *rs == TLS_AGAIN ? conn_events(s) : 0;
		poll(pfd, 2, 100);
	}
}

/* Read on one side until it has want lines, within two seconds. */
static int
read_lines(struct side *sd, int want)
{
	struct pollfd	pfd;
	double		deadline = now() + 2;
	char		err[256];
	int		r;

	while (sd->n < want && now() < deadline) {
		if (!conn_pending(sd->c)) {
			pfd.fd = conn_fd(sd->c);
			pfd.events = POLLIN;
			poll(&pfd, 1, 100);
		}
		r = conn_read(sd->c, on_line, sd, err, sizeof err);
		if (r == -1) {
			printf("# read: %s\n", err);
			return -1;
		}
		if (r == 1)
			return sd->n >= want ? 0 : 1;
		if (sd->upgrade_rc != 0 || conn_in_handshake(sd->c))
			break;
	}
	return sd->n >= want ? 0 : -1;
}

/* Flush a connection's queue within two seconds. */
static int
flush_all(struct conn *c)
{
	struct pollfd	pfd;
	double		deadline = now() + 2;
	int		r;

	while ((r = conn_flush(c)) == 1 && now() < deadline) {
		pfd.fd = conn_fd(c);
		pfd.events = conn_events(c);
		poll(&pfd, 1, 100);
	}
	return r;
}

static void
side_init(struct side *sd, int fd, int server)
{
	memset(sd, 0, sizeof *sd);
	sd->c = conn_new(fd);
	sd->server = server;
}

/*
 * Handshake over a fresh pair with these client parameters.  Returns the
 * client's result; the sides stay open for the caller (free them).
 */
/* The server side's result of the last handshake(). */
static int	last_server_rc;

static int
handshake(const struct tls_params *tp, struct side *cl, struct side *sv,
    char *cerr, struct tls_info *ci, struct tls_info *si)
{
	char	err[256], serr[256];
	size_t	dropped = 99;
	int	cfd, sfd, rc, rs;

	*cerr = '\0';
	if (tcp_pair(&cfd, &sfd) == -1) {
		OK(0, "loopback pair");
		return -3;
	}
	side_init(cl, cfd, 0);
	side_init(sv, sfd, 1);
	if (conn_start_tls(cl->c, tp, NULL, &dropped, cerr, 256) == -1)
		return -4;
	EQ_INT(dropped, 0, "nothing dropped on a quiet start");
	if (conn_start_tls(sv->c, NULL, sctx, NULL, err, sizeof err) == -1) {
		OK(0, err);
		return -3;
	}
	OK(conn_events(cl->c) & POLLOUT, "client wants to send its hello");
	drive(cl->c, &rc, cerr, sv->c, &rs, serr);
	last_server_rc = rs;
	tls_get_info(conn_tls(cl->c), ci);
	tls_get_info(conn_tls(sv->c), si);
	return rc;
}

static void
side_free(struct side *sd)
{
	conn_free(sd->c);
	sd->c = NULL;
}

static int
is_date(const char *s)
{
	int	y, mo, d, h, mi;
	char	utc[4];

	return sscanf(s, "%4d-%2d-%2d %2d:%2d %3s", &y, &mo, &d, &h, &mi,
	    utc) == 6 && strcmp(utc, "UTC") == 0 && strlen(s) == 20;
}

static void
test_verified(void)
{
	struct tls_params	 tp;
	struct tls_info		 ci, si;
	struct side		 cl, sv;
	unsigned long long	 in, out;
	char			 cerr[256];
	int			 rc;

	memset(&tp, 0, sizeof tp);
	tp.sni = "localhost";
	tp.ca_file = certpath;
	rc = handshake(&tp, &cl, &sv, cerr, &ci, &si);
	EQ_INT(rc, 0, "handshake with the certificate as CA file");
	if (rc != 0)
		printf("# %s\n", cerr);
	EQ_INT(ci.verified, 1, "verified");
	EQ_STR(ci.verdict, "verified", "verdict: verified");
	OK(strncmp(ci.version, "TLS1.", 5) == 0, "version is TLS1.x");
	printf("# %s | %s | %s\n", ci.version, ci.cipher, ci.desc);
	OK(*ci.cipher != '\0' && *ci.desc != '\0', "cipher and desc set");
	EQ_STR(ci.subject, "CN=localhost", "subject");
	EQ_STR(ci.issuer, "CN=localhost", "issuer (self-signed)");
	EQ_STR(ci.altnames, "localhost", "DNS altnames");
	OK(is_date(ci.not_before) && is_date(ci.not_after),
	    "validity dates as YYYY-MM-DD HH:MM UTC");
	OK(strcmp(ci.not_before, ci.not_after) < 0, "not_before < not_after");
	EQ_INT(strlen(ci.sha256), 95, "SHA-256 fingerprint length");
	OK(ci.sha256[2] == ':' && ci.sha256[94] != ':', "fingerprint form");
	EQ_STR(si.version, ci.version, "server sees the same version");
	EQ_STR(si.sha256, ci.sha256, "server describes its own certificate");
	OK(strstr(si.verdict, "server side") != NULL, "server verdict");

	/* Lines both ways through conn_write / conn_read. */
	OK(conn_write(cl.c, "EHLO client.example\r\n", 21) == 0,
	    "client writes");
	OK(flush_all(cl.c) == 0, "client queue drained");
	OK(read_lines(&sv, 1) == 0, "server reads a line");
	EQ_STR(sv.lines[0], "EHLO client.example", "server got EHLO");
	OK(conn_write(sv.c, "250-hello\r\n250 SIZE 100\r\n", 25) == 0,
	    "server writes");
	OK(flush_all(sv.c) == 0, "server queue drained");
	OK(read_lines(&cl, 2) == 0, "client reads two lines");
	EQ_STR(cl.lines[0], "250-hello", "first line");
	EQ_STR(cl.lines[1], "250 SIZE 100", "second line");
	conn_counts(cl.c, &in, &out);
	EQ_INT(out, 21, "client counted 21 octets out");
	EQ_INT(in, 25, "client counted 25 octets in");

	/* A clean close: close_notify, then a partial line at the end. */
	conn_write(sv.c, "partial", 7);
	flush_all(sv.c);
	side_free(&sv);
	EQ_INT(read_lines(&cl, 3), 0, "client sees end of stream");
	EQ_STR(cl.lines[2], "partial", "partial line handed over");
	OK(cl.flags[2] & LINE_PARTIAL, "flagged LINE_PARTIAL");
	EQ_STR(tls_error(conn_tls(cl.c)), "", "clean close: no note");
	side_free(&cl);
}

static void
test_mismatch(void)
{
	struct tls_params	 tp;
	struct tls_info		 ci, si;
	struct side		 cl, sv;
	char			 cerr[256];
	int			 rc;

	memset(&tp, 0, sizeof tp);
	tp.sni = "wrong.example";
	tp.ca_file = certpath;
	rc = handshake(&tp, &cl, &sv, cerr, &ci, &si);
	EQ_INT(rc, -1, "wrong name fails");
	EQ_STR(cerr, "certificate verification failed: name mismatch: "
	    "certificate is for localhost, not wrong.example",
	    "mismatch error");
	/* Checked inside the handshake: the server never saw it finish. */
	OK(last_server_rc != 0, "mismatch: the handshake stopped on the "
	    "server's side too (verified before the client's Finished)");
	EQ_INT(ci.verified, 0, "not verified");
	OK(*ci.subject != '\0', "info still available after the failure");
	OK(conn_write(cl.c, "x\r\n", 3) == -1, "no writes after failure");
	side_free(&cl);
	side_free(&sv);

	tp.insecure = 1;
	rc = handshake(&tp, &cl, &sv, cerr, &ci, &si);
	EQ_INT(rc, 0, "wrong name with insecure goes on");
	EQ_INT(ci.verified, 0, "but not verified");
	OK(strncmp(ci.verdict, "name mismatch", 13) == 0, "verdict says so");
	side_free(&cl);
	side_free(&sv);

	/* An address is checked against the IP altnames. */
	tp.insecure = 0;
	tp.sni = "127.0.0.1";
	rc = handshake(&tp, &cl, &sv, cerr, &ci, &si);
	EQ_INT(rc, 0, "127.0.0.1 matches the IP altname");
	if (rc != 0)
		printf("# %s\n", cerr);
	side_free(&cl);
	side_free(&sv);
}

static void
test_untrusted(void)
{
	struct tls_params	 tp;
	struct tls_info		 ci, si;
	struct side		 cl, sv;
	char			 cerr[256];
	int			 rc;

	/* The system store does not know our fresh certificate. */
	memset(&tp, 0, sizeof tp);
	tp.sni = "localhost";
	rc = handshake(&tp, &cl, &sv, cerr, &ci, &si);
	EQ_INT(rc, -1, "self-signed fails against the system store");
	EQ_STR(cerr, "certificate verification failed: self-signed "
	    "(not trusted)", "self-signed error");
	side_free(&cl);
	side_free(&sv);

	tp.insecure = 1;
	rc = handshake(&tp, &cl, &sv, cerr, &ci, &si);
	EQ_INT(rc, 0, "insecure accepts it");
	EQ_STR(ci.verdict, "self-signed (not trusted)", "verdict in words");

	/* The server goes away without close_notify. */
	shutdown(conn_fd(sv.c), SHUT_WR);
	EQ_INT(read_lines(&cl, 1), 1, "end without close_notify is an end");
	OK(strstr(tls_error(conn_tls(cl.c)), "close_notify") != NULL,
	    "and is noted");
	side_free(&cl);
	side_free(&sv);
}

/* A client that starts TLS against a peer answering in clear text. */
static void
test_not_tls(void)
{
	struct tls_params	 tp;
	struct conn		*c;
	struct pollfd		 pfd;
	char			 err[256];
	double			 deadline = now() + 5;
	int			 cfd, sfd, r = TLS_AGAIN;

	if (tcp_pair(&cfd, &sfd) == -1) {
		OK(0, "loopback pair");
		return;
	}
	c = conn_new(cfd);
	memset(&tp, 0, sizeof tp);
	tp.sni = "localhost";
	tp.ca_file = certpath;
	OK(conn_start_tls(c, &tp, NULL, NULL, err, sizeof err) == 0,
	    "start TLS against a plain peer");
	OK(write(sfd, "500 5.5.1 what?\r\n", 17) == 17,
	    "peer answers in clear");
	while (r == TLS_AGAIN && now() < deadline) {
		r = conn_handshake(c, err, sizeof err);
		pfd.fd = conn_fd(c);
		pfd.events = conn_events(c);
		if (r == TLS_AGAIN)
			poll(&pfd, 1, 100);
	}
	EQ_INT(r, -1, "handshake fails");
	printf("# %s\n", err);
	OK(strstr(err, "really speaking TLS") != NULL, "and says why");
	OK(strstr(err, "handshake failed") == NULL,
	    "without the caller's own \"handshake failed\"");
	EQ_INT(conn_read(c, on_line, NULL, err, sizeof err), -1,
	    "reads fail afterwards");
	conn_free(c);
	close(sfd);
}

static void
test_params(void)
{
	struct tls_params	 tp;
	struct conn		*c;
	char			 err[256], path[300];
	size_t			 dropped;
	FILE			*f;
	int			 cfd, sfd;

	if (tcp_pair(&cfd, &sfd) == -1) {
		OK(0, "loopback pair");
		return;
	}
	c = conn_new(cfd);
	memset(&tp, 0, sizeof tp);
	tp.ca_file = "/nonexistent/ca.pem";
	OK(conn_start_tls(c, &tp, NULL, &dropped, err, sizeof err) == -1,
	    "missing CA file fails");
	OK(strstr(err, "cannot open CA file /nonexistent/ca.pem") != NULL,
	    "and says which");

	snprintf(path, sizeof path, "%s/empty.pem", tmpdir);
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	tp.ca_file = path;
	OK(conn_start_tls(c, &tp, NULL, &dropped, err, sizeof err) == -1,
	    "empty CA file fails");
	OK(strstr(err, "no certificates found in CA file") != NULL ||
	    strstr(err, "cannot load CA file") != NULL, "with a reason");
	printf("# %s\n", err);
	unlink(path);

	tp.ca_file = certpath;
	tp.priority = "NORMAL:-NONSENSE-THING";
	OK(conn_start_tls(c, &tp, NULL, &dropped, err, sizeof err) == -1,
	    "bad priority string fails");
	OK(strstr(err, "priority") != NULL, "and names the priority");
	OK(!conn_is_tls(c), "still plain after failures");
	conn_free(c);
	close(sfd);

	OK(tls_server_ctx_new("/nonexistent/c.pem", "/nonexistent/k.pem",
	    err, sizeof err) == NULL, "server ctx from missing files fails");
	OK(strstr(err, "/nonexistent/c.pem") != NULL, "and names the file");
}

/*
 * STARTTLS in place.  The client pipelines a command after STARTTLS and
 * the server's 220 is followed by a forged reply in the same segment:
 * each side must drop the plaintext that came after the line that started
 * TLS (RFC 3207 section 6).
 */
static void
test_starttls(void)
{
	struct side	 cl, sv;
	struct tls_info	 ci;
	const char	*inj_c = "MAIL FROM:<evil@example>\r\n";
	const char	*inj_s = "250 forged\r\n";
	char		 cerr[256], serr[256], buf[128];
	int		 cfd, sfd, rc, rs;

	if (tcp_pair(&cfd, &sfd) == -1) {
		OK(0, "loopback pair");
		return;
	}
	side_init(&cl, cfd, 0);
	side_init(&sv, sfd, 1);
	cl.tp.sni = "localhost";
	cl.tp.ca_file = certpath;
	cl.upgrade_on = "220 2.0.0 go ahead";
	sv.upgrade_on = "STARTTLS";
	snprintf(buf, sizeof buf, "220 2.0.0 go ahead\r\n%s", inj_s);
	sv.reply = buf;

	conn_write(sv.c, "220 test ESMTP\r\n", 16);
	OK(read_lines(&cl, 1) == 0, "greeting in clear");
	EQ_STR(cl.lines[0], "220 test ESMTP", "greeting text");

	conn_write(cl.c, "STARTTLS\r\n", 10);
	conn_write(cl.c, inj_c, strlen(inj_c));
	OK(flush_all(cl.c) == 0, "STARTTLS and the injection sent");
	read_lines(&sv, 1);
	EQ_INT(sv.n, 1, "server saw one line only");
	EQ_STR(sv.lines[0], "STARTTLS", "that line is STARTTLS");
	EQ_INT(sv.upgrade_rc, 0, "server started TLS");
	/* Both lines were sent at once; a split would show up here. */
	EQ_INT(sv.dropped, strlen(inj_c), "server dropped the injection");
	OK(conn_in_handshake(sv.c), "server is in the handshake");

	read_lines(&cl, 2);
	EQ_INT(cl.n, 2, "client saw greeting and 220 only");
	EQ_STR(cl.lines[1], "220 2.0.0 go ahead", "the 220");
	EQ_INT(cl.upgrade_rc, 0, "client started TLS");
	EQ_INT(cl.dropped, strlen(inj_s), "client dropped the forged reply");
	EQ_INT(conn_dropped(cl.c), strlen(inj_s), "conn_dropped agrees");

	/* Written during the handshake: must go out encrypted after it. */
	OK(conn_write(cl.c, "EHLO again\r\n", 12) == 0,
	    "queue during handshake");
	OK(conn_queued(cl.c) == 12, "held back while handshaking");

	drive(cl.c, &rc, cerr, sv.c, &rs, serr);
	EQ_INT(rc, 0, "client handshake done");
	EQ_INT(rs, 0, "server handshake done");
	if (rc != 0 || rs != 0)
		printf("# %s / %s\n", cerr, serr);
	tls_get_info(conn_tls(cl.c), &ci);
	EQ_INT(ci.verified, 1, "upgraded session verified");
	OK(flush_all(cl.c) == 0, "queued EHLO sent");

	sv.upgrade_on = NULL;
	read_lines(&sv, 2);
	EQ_INT(sv.n, 2, "server has exactly one more line");
	EQ_STR(sv.lines[1], "EHLO again", "first line over TLS is EHLO");
	conn_write(sv.c, "250 ok\r\n", 8);
	flush_all(sv.c);
	read_lines(&cl, 3);
	EQ_STR(cl.lines[2], "250 ok", "reply over TLS");
	OK(conn_start_tls(cl.c, &cl.tp, NULL, NULL, cerr, sizeof cerr) == -1,
	    "no second STARTTLS");
	side_free(&cl);
	side_free(&sv);
}

/* Counts lines of a bulk transfer and checks each one's number. */
struct bulk {
	int	n;
	int	bad;
};

static void
on_bulk(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct bulk	*b = arg;
	char		 want[16];

	snprintf(want, sizeof want, "%06d ", b->n);
	if (len != 990 || memcmp(line, want, 7) != 0 || flags != 0)
		b->bad++;
	b->n++;
}

/*
 * Megabytes through a socket that fills up: writes must stall with
 * TLS_AGAIN and resume with the same record, reads must drain GnuTLS.
 */
static void
test_bulk(int use_tls)
{
	struct tls_params	 tp;
	struct tls_info		 ci, si;
	struct side		 cl, sv;
	struct pollfd		 pfd[2];
	struct bulk		 b = { 0, 0 };
	unsigned long long	 in, out;
	char			 line[992], err[256], cerr[256];
	double			 deadline;
	int			 i, rc, r, cfd, sfd, stalled = 0;
	int			 small = 65536;
	const int		 nlines = 3000;

	if (use_tls) {
		memset(&tp, 0, sizeof tp);
		tp.sni = "localhost";
		tp.ca_file = certpath;
		rc = handshake(&tp, &cl, &sv, cerr, &ci, &si);
		EQ_INT(rc, 0, "bulk: TLS handshake");
		if (rc != 0) {
			printf("# %s\n", cerr);
			return;
		}
	} else {
		if (tcp_pair(&cfd, &sfd) == -1) {
			OK(0, "loopback pair");
			return;
		}
		side_init(&cl, cfd, 0);
		side_init(&sv, sfd, 1);
	}
	/* Small socket buffers, so the queue must back up. */
	setsockopt(conn_fd(cl.c), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	memset(line, 'x', sizeof line);
	line[990] = '\r';
	line[991] = '\n';
	for (i = 0; i < nlines; i++) {
		snprintf(line, 8, "%06d ", i);
		line[7] = 'x';
		if (conn_write(cl.c, line, sizeof line) == -1)
			break;
		if (conn_queued(cl.c) > 0)
			stalled = 1;
	}
	OK(stalled, use_tls ? "bulk: TLS writes stall" :
	    "bulk: plain writes stall");
	deadline = now() + 10;
	while (b.n < nlines && now() < deadline) {
		pfd[0].fd = conn_fd(cl.c);
		pfd[0].events = conn_events(cl.c);
		pfd[1].fd = conn_fd(sv.c);
		pfd[1].events = POLLIN;
		if (!conn_pending(sv.c))
			poll(pfd, 2, 100);
		if (conn_flush(cl.c) == -1) {
			printf("# flush: %s\n", conn_error(cl.c));
			break;
		}
		r = conn_read(sv.c, on_bulk, &b, err, sizeof err);
		if (r != 0) {
			printf("# read %d: %s\n", r, err);
			break;
		}
	}
	EQ_INT(b.n, nlines, use_tls ? "bulk: all lines over TLS" :
	    "bulk: all lines in clear");
	EQ_INT(b.bad, 0, "bulk: every line intact and in order");
	conn_counts(cl.c, &in, &out);
	EQ_INT(out, (unsigned long long)nlines * sizeof line,
	    "bulk: octets out counted");
	conn_counts(sv.c, &in, &out);
	EQ_INT(in, (unsigned long long)nlines * sizeof line,
	    "bulk: octets in counted");
	side_free(&cl);
	side_free(&sv);
}

static void
test_tls12(void)
{
	struct tls_params	 tp;
	struct tls_info		 ci, si;
	struct side		 cl, sv;
	char			 cerr[256];
	int			 rc;

	memset(&tp, 0, sizeof tp);
	tp.sni = "localhost";
	tp.ca_file = certpath;
	tp.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
	rc = handshake(&tp, &cl, &sv, cerr, &ci, &si);
	EQ_INT(rc, 0, "TLS 1.2 by priority string");
	if (rc != 0)
		printf("# %s\n", cerr);
	EQ_STR(ci.version, "TLS1.2", "version TLS1.2");
	printf("# %s | %s\n", ci.cipher, ci.desc);
	OK(*ci.cipher != '\0', "TLS 1.2 cipher named");
	EQ_STR(si.cipher, ci.cipher, "server names the same suite");
	EQ_INT(ci.verified, 1, "TLS 1.2 verified");
	side_free(&cl);
	side_free(&sv);
}

/*
 * Make a key and a self-signed certificate valid between two dates with
 * certtool (from gnutls-bin); 0 on success, -1 when it cannot be done.
 */
static int
make_dated_cert(const char *tag, const char *from, const char *until,
    char *cert, char *key, size_t len)
{
	char	 tmpl[300], cmd[1600];
	FILE	*f;

	if (system("certtool --version >/dev/null 2>&1") != 0)
		return -1;
	snprintf(tmpl, sizeof tmpl, "%s/%s.cfg", tmpdir, tag);
	snprintf(cert, len, "%s/%s-cert.pem", tmpdir, tag);
	snprintf(key, len, "%s/%s-key.pem", tmpdir, tag);
	if ((f = fopen(tmpl, "w")) == NULL)
		return -1;
	fprintf(f, "cn = \"localhost\"\ndns_name = \"localhost\"\n"
	    "serial = 7\nactivation_date = \"%s\"\n"
	    "expiration_date = \"%s\"\ntls_www_server\nsigning_key\n",
	    from, until);
	fclose(f);
	snprintf(cmd, sizeof cmd, "certtool --generate-privkey "
	    "--key-type=ecdsa --outfile %s >/dev/null 2>&1 && "
	    "certtool --generate-self-signed --load-privkey %s "
	    "--template %s --outfile %s >/dev/null 2>&1", key, key, tmpl,
	    cert);
	if (system(cmd) != 0)
		return -1;
	unlink(tmpl);
	return 0;
}

/* A server certificate from files that is out of its validity period. */
static void
dated(const char *tag, const char *from, const char *until,
    const char *want)
{
	struct tls_server_ctx	*saved = sctx;
	struct tls_params	 tp;
	struct tls_info		 ci, si;
	struct side		 cl, sv;
	char			 cert[300], key[300], err[256], cerr[256];
	char			 name[128];
	int			 rc;

	if (make_dated_cert(tag, from, until, cert, key, sizeof cert) == -1) {
		snprintf(name, sizeof name, "%s certificate # SKIP "
		    "certtool is not available", tag);
		OK(1, name);
		return;
	}
	sctx = tls_server_ctx_new(cert, key, err, sizeof err);
	snprintf(name, sizeof name, "server ctx from %s files", tag);
	OK(sctx != NULL, name);
	if (sctx == NULL) {
		printf("# %s\n", err);
		sctx = saved;
		return;
	}
	memset(&tp, 0, sizeof tp);
	tp.sni = "localhost";
	tp.ca_file = cert;
	rc = handshake(&tp, &cl, &sv, cerr, &ci, &si);
	snprintf(name, sizeof name, "%s certificate fails", tag);
	EQ_INT(rc, -1, name);
	snprintf(name, sizeof name, "%s verdict", tag);
	EQ_STR(ci.verdict, want, name);
	side_free(&cl);
	side_free(&sv);
	tls_server_ctx_free(sctx);
	sctx = saved;
	unlink(cert);
	unlink(key);
}

int
main(void)
{
	char	 err[256];
	char	*base;

	tls_global_init();
	tls_global_init();
	base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/test_tls.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		printf("1..0 # SKIP cannot make a temporary directory\n");
		return 0;
	}
	snprintf(certpath, sizeof certpath, "%s/cert.pem", tmpdir);

	sctx = tls_server_ctx_new(NULL, NULL, err, sizeof err);
	OK(sctx != NULL, "generate a self-signed certificate");
	if (sctx == NULL) {
		printf("# %s\n", err);
		return t_done();
	}
	OK(tls_server_ctx_write_cert(sctx, certpath) == 0, "write it as PEM");
	OK(tls_server_ctx_write_cert(sctx, "/nonexistent/x.pem") == -1,
	    "writing to a bad path fails");

	test_verified();
	test_mismatch();
	test_untrusted();
	test_params();
	test_not_tls();
	test_starttls();
	test_bulk(0);
	test_bulk(1);
	test_tls12();
	dated("expired", "2019-01-01 00:00:00", "2020-01-01 00:00:00",
	    "expired on 2020-01-01 00:00 UTC");
	dated("future", "2090-01-01 00:00:00", "2091-01-01 00:00:00",
	    "not yet valid");

	tls_server_ctx_free(sctx);
	unlink(certpath);
	rmdir(tmpdir);
	return t_done();
}
