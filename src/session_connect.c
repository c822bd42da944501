/*
 * session_connect.c: setting a session's connection up: dial (the look-up
 * and the raced attempts of RFC 8305), then for smtps:// the TLS
 * handshake.  session_connect() blocks (bounded by --timeout, ended early
 * by the abort fd); the UI drives the same steps from its own poll() loop
 * with session_connect_start() and session_connect_process().
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/conn.h"
#include "smtpscope/dial.h"
#include "smtpscope/net.h"
#include "smtpscope/pipecmd.h"
#include "smtpscope/proxyhdr.h"
#include "smtpscope/session.h"

#include "src/session_internal.h"

/* dial's progress, as transcript notes. */
static void
session_dial_note(void *arg, const char *msg)
{
	session_note(arg, TDIR_INFO, "%s", msg);
}

/* The PROXY header, first on the connection (HAProxy's proxy protocol). */
static int
session_send_proxy(struct session *s, int fd)
{
	struct sockaddr_storage	 src, dst;
	socklen_t		 len;
	unsigned char		 hdr[PROXYHDR_MAX];
	char			 err[256], a[64], b[64];
	ssize_t			 n;

	memset(&src, 0, sizeof src);
	memset(&dst, 0, sizeof dst);
	len = sizeof src;
	if (s->p.proxy_src != NULL) {
		if (proxyhdr_parse_addr(s->p.proxy_src, &src, err,
		    sizeof err) == -1)
			goto fail;
	} else if (getsockname(fd, (struct sockaddr *)&src, &len) == -1)
		memset(&src, 0, sizeof src);
	len = sizeof dst;
	if (s->p.proxy_dst != NULL) {
		if (proxyhdr_parse_addr(s->p.proxy_dst, &dst, err,
		    sizeof err) == -1)
			goto fail;
	} else if (getpeername(fd, (struct sockaddr *)&dst, &len) == -1)
		memset(&dst, 0, sizeof dst);
	if ((n = proxyhdr_build(s->p.proxy_version, &src, &dst, hdr, err,
	    sizeof err)) == -1)
		goto fail;
	if (session_write(s, (const char *)hdr, (size_t)n) == -1)
		return -1;
	proxyhdr_addr_str(&src, a, sizeof a);
	proxyhdr_addr_str(&dst, b, sizeof b);
	if (s->p.proxy_version == 1)
		session_note(s, TDIR_INFO, "PROXY header sent (version 1, "
		    "before the greeting): %.*s", (int)n - 2, (char *)hdr);
	else
		session_note(s, TDIR_INFO, "PROXY header sent (version 2, %zd "
		    "octets, before the greeting): %s from %s to %s", n,
		    src.ss_family == AF_INET ? "TCP4" : "TCP6", a, b);
	return 0;
fail:
	session_fail(s, SERR_LOCAL, "PROXY header: %s", err);
	session_drop_conn(s);
	return -1;
}

/*
 * A connected socket: make it the session's connection, send the PROXY
 * header if asked, wait for the greeting (and for smtps:// start TLS).
 */
static int
session_attach(struct session *s, int fd)
{
	net_tune(fd);
	s->c = conn_new(fd);
	s->info.connected = 1;
	if (s->p.proxy_version != 0 && session_send_proxy(s, fd) == -1)
		return -1;
	/* The greeting is the first reply due. */
	session_push(s, VERB_NONE);
	if ((s->p.unix_path != NULL || s->p.pipe_cmd != NULL) &&
	    (s->p.starttls || s->p.implicit_tls) &&
	    (s->p.tls.sni == NULL || *s->p.tls.sni == '\0'))
		session_note(s, TDIR_INFO, "no server name for TLS here: the "
		    "certificate chain is checked, its name only with --sni "
		    "NAME (which is also sent)");
	if (s->p.implicit_tls)
		return session_start_tls(s);
	return 0;
}

/* --pipe: start the program; its stdin and stdout are the connection. */
static int
session_connect_pipe(struct session *s)
{
	char	err[512];
	int	fd;

	session_note(s, TDIR_INFO, "starting the program: /bin/sh -c %s",
	    s->p.pipe_cmd);
	if ((s->pipe = pipecmd_start(s->p.pipe_cmd, &fd, err,
	    sizeof err)) == NULL) {
		session_fail(s, SERR_CONNECT, "cannot start the program: %s",
		    err);
		return -1;
	}
	s->pipe_errlines = 0;
	session_note(s, TDIR_INFO, "the program runs as pid %ld; its stdin "
	    "and stdout are the connection, its stderr is noted here",
	    (long)pipecmd_pid(s->pipe));
	snprintf(s->info.addr, sizeof s->info.addr, "pipe");
	return session_attach(s, fd);
}

/* smtp:///path, lmtp:///path: a unix domain socket. */
static int
session_connect_unix(struct session *s)
{
	enum net_err	kind;
	char		err[512];
	int		fd;

	session_note(s, TDIR_INFO, "connecting to the unix socket %s%s",
	    s->p.unix_path, s->p.lmtp ? " (LMTP)" : "");
	if ((fd = net_connect_unix(s->p.unix_path, &kind, err,
	    sizeof err)) == -1) {
		session_fail(s, SERR_CONNECT, "%s", err);
		return -1;
	}
	snprintf(s->info.addr, sizeof s->info.addr, "unix");
	session_note(s, TDIR_INFO, "connected to %s", s->p.unix_path);
	return session_attach(s, fd);
}

/*
 * Forget the last connection's state and start: dial a host (returns 0,
 * the dial runs), or connect a local transport at once (returns 1 when
 * connected); -1 on failure.
 */
static int
session_connect_begin(struct session *s)
{
	struct dial_params	 dp;
	struct sockaddr_storage	 bss;
	socklen_t		 blen = 0;
	char			 err[512];

	session_drop_conn(s);
	dial_free(s->dial);
	s->dial = NULL;
	s->err[0] = '\0';
	s->errclass = SERR_NONE;
	s->peer_closed = 0;
	phase_init(&s->info.ph);
	s->info.tls = 0;
	s->info.have_tls_info = 0;
	free(s->info.tls_report);
	s->info.tls_report = NULL;
	s->info.auth_user = NULL;
	s->info.addr[0] = '\0';
	s->starttls_sent = 0;
	s->info.bdat_left = 0;
	s->auto_ehlo_after_tls = 0;
	s->xclient_done = 0;
	s->xforward_done = 0;
	if (s->info.have_caps) {
		ehlo_free(&s->info.caps);
		s->info.have_caps = 0;
	}
	if (s->p.log_path != NULL && s->t.log == NULL &&
	    transcript_open_log(&s->t, s->p.log_path,
	    (s->p.show_secrets ? TW_SECRETS : 0) |
	    (s->p.log_timing ? TW_TIMING : 0), err, sizeof err) == -1) {
		session_fail(s, SERR_LOCAL, "%s", err);
		return -1;
	}
	if (s->p.pipe_cmd != NULL)
		return session_connect_pipe(s) == -1 ? -1 : 1;
	if (s->p.unix_path != NULL)
		return session_connect_unix(s) == -1 ? -1 : 1;
	if (s->p.bind != NULL && net_parse_bind(s->p.bind, &bss, &blen, err,
	    sizeof err) == -1) {
		session_fail(s, SERR_LOCAL, "--bind: %s", err);
		return -1;
	}
	session_note(s, TDIR_INFO, "connecting to %s port %s%s%s", s->p.host,
	    s->p.port, s->p.implicit_tls ? " (implicit TLS)" : "",
	    s->p.lmtp ? " (LMTP)" : "");
	if (s->p.bind != NULL)
		session_note(s, TDIR_INFO, "binding to the local address %s "
		    "(--bind)", s->p.bind);
	memset(&dp, 0, sizeof dp);
	dp.host = s->p.host;
	dp.port = s->p.port;
	dp.family = s->p.family;
	if (s->p.bind != NULL) {
		/* Only addresses of the bound family can be reached. */
		dp.family = bss.ss_family;
		dp.bind = (const struct sockaddr *)&bss;
		dp.bind_len = blen;
	}
	dp.timeout_ms = s->p.timeout_ms;
	dp.note = session_dial_note;
	dp.arg = s;
	s->dial = dial_start(&dp);
	return 0;
}

/*
 * The dial has ended: take the connection (and start the implicit TLS
 * handshake), or fail with dial's reason.
 */
static int
session_connect_end(struct session *s)
{
	enum net_err	 kind;
	const char	*err;
	int		 fd = -1;

	if (dial_state(s->dial) == DIAL_DONE) {
		fd = dial_take_fd(s->dial);
		snprintf(s->info.addr, sizeof s->info.addr, "%s",
		    dial_addr(s->dial));
	} else {
		err = dial_error(s->dial, &kind);
		session_fail(s, kind == NET_E_TIMEOUT ? SERR_TIMEOUT :
		    SERR_CONNECT, "%s", err);
	}
	dial_free(s->dial);
	s->dial = NULL;
	if (fd == -1)
		return -1;
	if (strcmp(s->info.addr, s->p.host) == 0)
		session_note(s, TDIR_INFO, "connected to %s port %s",
		    s->p.host, s->p.port);
	else
		session_note(s, TDIR_INFO, "connected to %s port %s (%s)",
		    s->info.addr, s->p.port, s->p.host);
	return session_attach(s, fd);
}

int
session_connect(struct session *s)
{
	int	r;

	if ((r = session_connect_begin(s)) == -1)
		return -1;
	if (r == 0) {
		(void)dial_run(s->dial, s->abort_fd);
		if (session_connect_end(s) == -1)
			return -1;
	}
	if (s->in_handshake && session_wait_handshake(s) == -1)
		return -1;
	return 0;
}

int
session_connect_start(struct session *s)
{
	int	r;

	if ((r = session_connect_begin(s)) == -1)
		return -1;
	if (r == 1)
		return 0;
	if (dial_state(s->dial) != DIAL_RUNNING)
		return session_connect_end(s);
	return 0;
}

int
session_connecting(const struct session *s)
{
	return s->dial != NULL;
}

size_t
session_connect_pollfds(const struct session *s, struct pollfd *pfd,
    size_t n)
{
	return s->dial != NULL ? dial_pollfds(s->dial, pfd, n) : 0;
}

int
session_connect_timeout_ms(const struct session *s)
{
	return s->dial != NULL ? dial_timeout_ms(s->dial) : -1;
}

int
session_connect_process(struct session *s, const struct pollfd *pfd,
    size_t n)
{
	if (s->dial == NULL)
		return 0;
	if (dial_process(s->dial, pfd, n) == DIAL_RUNNING)
		return 0;
	return session_connect_end(s);
}

void
session_connect_cancel(struct session *s)
{
	if (s->dial == NULL)
		return;
	dial_free(s->dial);
	s->dial = NULL;
	session_note(s, TDIR_INFO, "connecting to %s port %s abandoned",
	    s->p.host, s->p.port);
}
