/*
 * session_connect.c: setting a session's connection up: dial (the look-up
 * and the raced attempts of RFC 8305), then for smtps:// the TLS
 * handshake.  session_connect() blocks (bounded by --timeout, ended early
 * by the abort fd); the UI drives the same steps from its own poll() loop
 * with session_connect_start() and session_connect_process().
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/conn.h"
#include "smtpscope/dial.h"
#include "smtpscope/net.h"
#include "smtpscope/session.h"

#include "src/session_internal.h"

/* dial's progress, as transcript notes. */
static void
session_dial_note(void *arg, const char *msg)
{
	session_note(arg, TDIR_INFO, "%s", msg);
}

/* Forget the last connection's state and start dialling. */
static int
session_connect_begin(struct session *s)
{
	struct dial_params	 dp;
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
	session_note(s, TDIR_INFO, "connecting to %s port %s%s", s->p.host,
	    s->p.port, s->p.implicit_tls ? " (implicit TLS)" : "");
	memset(&dp, 0, sizeof dp);
	dp.host = s->p.host;
	dp.port = s->p.port;
	dp.family = s->p.family;
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
	net_tune(fd);
	s->c = conn_new(fd);
	s->info.connected = 1;
	if (strcmp(s->info.addr, s->p.host) == 0)
		session_note(s, TDIR_INFO, "connected to %s port %s",
		    s->p.host, s->p.port);
	else
		session_note(s, TDIR_INFO, "connected to %s port %s (%s)",
		    s->info.addr, s->p.port, s->p.host);
	/* The greeting is the first reply due. */
	session_push(s, VERB_NONE);
	if (s->p.implicit_tls)
		return session_start_tls(s);
	return 0;
}

int
session_connect(struct session *s)
{
	if (session_connect_begin(s) == -1)
		return -1;
	(void)dial_run(s->dial, s->abort_fd);
	if (session_connect_end(s) == -1)
		return -1;
	if (s->in_handshake && session_wait_handshake(s) == -1)
		return -1;
	return 0;
}

int
session_connect_start(struct session *s)
{
	if (session_connect_begin(s) == -1)
		return -1;
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
