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
#include <strings.h>
#include <unistd.h>

#include "smtpscope/conn.h"
#include "smtpscope/dane.h"
#include "smtpscope/dial.h"
#include "smtpscope/mtasts.h"
#include "smtpscope/mx.h"
#include "smtpscope/net.h"
#include "smtpscope/pipecmd.h"
#include "smtpscope/proxyhdr.h"
#include "smtpscope/resolve.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"

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

/* The connection is up (fd, reached for name): the session starts. */
static int
session_connected(struct session *s, int fd, const char *name)
{
	if (strcmp(s->info.addr, name) == 0)
		session_note(s, TDIR_INFO, "connected to %s port %s",
		    name, s->p.port);
	else
		session_note(s, TDIR_INFO, "connected to %s port %s (%s)",
		    s->info.addr, s->p.port, name);
	return session_attach(s, fd);
}

/* Forget the last mx:// walk and its DANE facts. */
static void
session_mx_reset(struct session *s)
{
	mx_free(s->mx);
	s->mx = NULL;
	s->mx_running = 0;
	resolve_query_free(s->tlsa_q);
	s->tlsa_q = NULL;
	free(s->mtasts);
	s->mtasts = NULL;
	s->info.mtasts[0] = '\0';
	s->info.tlsrpt[0] = '\0';
	s->info.mtasts_policy = NULL;
	s->info.mx_hosts = NULL;
	s->info.mx_n = 0;
	s->info.mx_host = NULL;
	s->info.dane[0] = '\0';
	s->p.tls.tlsa = NULL;
	s->p.tls.ntlsa = 0;
	/* The exchanger chosen last time is no name to check now. */
	if (s->mx_sni != NULL && s->p.tls.sni == s->mx_sni)
		s->p.tls.sni = NULL;
}

/*
 * Say what the TLSA answer means for this connection and arm the TLS
 * check with its records.  Returns -1 (session failed, a TLS error) when
 * --dane cannot go on: the answer is bogus or the look-up failed (RFC
 * 7672 section 2.2: such a server is not to be used).
 */
static int
session_dane_arm(struct session *s, const char *name, enum resolve_status st,
    enum resolve_sec sec, const char *why, const struct resolve_tlsa *recs,
    size_t n)
{
	char	one[96];
	size_t	i, usable;

	if (sec == RESOLVE_BOGUS) {
		session_note(s, TDIR_WARN, "TLSA %s: DNSSEC validation failed "
		    "(bogus): %s", name, why);
		snprintf(s->info.dane, sizeof s->info.dane, "bogus TLSA");
		if (s->p.dane) {
			session_fail(s, SERR_TLS, "DANE: the TLSA records of "
			    "%s are bogus: %s", name, why);
			return -1;
		}
		return 0;
	}
	if (st == RESOLVE_FAIL || st == RESOLVE_PENDING) {
		session_note(s, TDIR_WARN, "TLSA %s: cannot look up: %s", name,
		    why);
		snprintf(s->info.dane, sizeof s->info.dane, "TLSA look-up "
		    "failed");
		if (s->p.dane) {
			session_fail(s, SERR_TLS, "DANE: cannot look up the "
			    "TLSA records of %s: %s", name, why);
			return -1;
		}
		return 0;
	}
	if (sec != RESOLVE_SECURE) {
		session_note(s, TDIR_INFO, "TLSA %s: no DNSSEC: DANE does not "
		    "apply", name);
		snprintf(s->info.dane, sizeof s->info.dane, "no DNSSEC: does "
		    "not apply");
		return 0;
	}
	if (st != RESOLVE_OK || n == 0) {
		session_note(s, TDIR_INFO, "TLSA %s: no records (DNSSEC: "
		    "secure): DANE does not apply", name);
		snprintf(s->info.dane, sizeof s->info.dane, "no TLSA: does not "
		    "apply");
		return 0;
	}
	for (i = 0; i < n; i++) {
		dane_record_str(&recs[i], one, sizeof one);
		session_note(s, TDIR_INFO, "TLSA %s: %s (DNSSEC: secure)",
		    name, one);
	}
	session_note(s, TDIR_INFO, "DANE applies: the certificate is checked "
	    "against %zu TLSA record%s after the TLS handshake%s", n,
	    n > 1 ? "s" : "", s->p.dane ? " (--dane: it decides)" : "");
	/*
	 * RFC 7672 section 2.2: secure TLSA records make TLS mandatory,
	 * even when none of them is usable (the server asked for TLS; it
	 * just cannot be authenticated by them).  Under --dane nothing of
	 * the envelope goes out before it is up.
	 */
	for (i = 0, usable = 0; i < n; i++)
		if ((recs[i].usage == 2 || recs[i].usage == 3) &&
		    recs[i].selector <= 1 && recs[i].mtype <= 2)
			usable++;
	if (s->p.dane && !s->p.require_tls) {
		s->p.require_tls = 1;
		session_note(s, TDIR_INFO, "--dane: TLS is required now%s; "
		    "nothing but EHLO, STARTTLS and the like goes out before "
		    "it", usable > 0 ? "" : " (the TLSA records ask for it, "
		    "though none of them is usable: RFC 7672 2.2)");
	}
	snprintf(s->info.dane, sizeof s->info.dane, "%zu TLSA record%s "
	    "(secure)", n, n > 1 ? "s" : "");
	s->p.tls.tlsa = recs;
	s->p.tls.ntlsa = n;
	return 0;
}

/* --dane without mx://: the TLSA records of _PORT._tcp.HOST, waited for. */
static int
session_dane_lookup(struct session *s)
{
	const struct resolve_tlsa	*recs;
	const char			*why, *bogus;
	enum resolve_status		 st;
	enum resolve_sec		 sec;
	char				 name[300], err[256];
	size_t				 n;

	snprintf(name, sizeof name, "_%s._tcp.%s", s->p.port, s->p.host);
	s->tlsa_q = resolve_query_start(name, RESOLVE_TLSA, err, sizeof err);
	if (s->tlsa_q == NULL) {
		session_fail(s, SERR_TLS, "DANE: %s", err);
		return -1;
	}
	(void)resolve_query_wait(s->tlsa_q, s->p.timeout_ms, s->abort_fd);
	st = resolve_query_status(s->tlsa_q, &why);
	sec = resolve_query_sec(s->tlsa_q, &bogus);
	recs = resolve_query_tlsa(s->tlsa_q, &n);
	return session_dane_arm(s, name, st, sec,
	    sec == RESOLVE_BOGUS ? bogus : st == RESOLVE_PENDING ?
	    "no answer within the time" : why, recs, n);
}


/* The lines quote TXT records and the policy server: keep them safe. */
static void
session_mtasts_line(void *arg, const char *text)
{
	char	*safe = sanitize_dup(text, strlen(text));

	session_note(arg, TDIR_INFO, "MTA-STS: %s", safe);
	free(safe);
}

/*
 * mx://: the domain's MTA-STS policy and TLS-RPT record, looked up and
 * fetched once the exchanger is chosen (each step within --timeout), and
 * the exchangers matched against the policy.  An enforce policy the
 * chosen exchanger does not match is a warning, not the end: a sender
 * would not deliver there, but the session is what we are here to see.
 */
static void
session_mtasts(struct session *s)
{
	struct mtasts_domain		*d;
	const struct mtasts_policy	*pol;
	const struct mx_host		*h;
	char				 list[1024], *safe;
	size_t				 i, at = 0;
	int				 w;

	free(s->mtasts);
	s->mtasts = d = xcalloc(1, sizeof *d);
	(void)mtasts_domain_check(s->p.host, s->info.mx_host, &s->p.tls,
	    s->p.timeout_ms, s->abort_fd, d);
	mtasts_domain_lines(s->p.host, d, session_mtasts_line, s);
	mtasts_domain_summary(d, s->info.mtasts, sizeof s->info.mtasts);
	/* The sidebar's word: the TLS-RPT line without the record name. */
	if (d->rpt_state == TLSRPT_OK)
		snprintf(list, sizeof list, "reports to %s%s", d->rpt.rua[0],
		    d->rpt.nrua > 1 ? " and more" : "");
	else
		snprintf(list, sizeof list, "%s", d->rpt_state ==
		    TLSRPT_NONE ? "none" : d->rpt_state == TLSRPT_BAD ?
		    "record not valid" : "look-up failed");
	safe = sanitize_dup(list, strlen(list));
	snprintf(s->info.tlsrpt, sizeof s->info.tlsrpt, "%s", safe);
	free(safe);
	if (!d->sts_dns_ok || !d->sts.record_ok || !d->sts.fetched ||
	    !d->sts.policy_ok)
		return;
	pol = s->info.mtasts_policy = &d->sts.policy;
	if (pol->mode == MTASTS_ENFORCE && d->sts.mx_match < 0)
		session_note(s, TDIR_WARN, "MTA-STS: the policy of %s is in "
		    "enforce mode and %s matches none of its mx lines: a "
		    "sender must not deliver there (smtpscope goes on with the "
		    "session)", s->p.host, s->info.mx_host);
	list[0] = '\0';
	for (i = 0; i < s->info.mx_n; i++) {
		h = &s->info.mx_hosts[i];
		if (strcasecmp(h->host, s->info.mx_host) == 0 ||
		    at >= sizeof list)
			continue;
		w = snprintf(list + at, sizeof list - at, "%s%s %s",
		    at > 0 ? ", " : "", h->host,
		    mtasts_match_mx(pol, h->host) >= 0 ? "matches" :
		    "does not");
		if (w > 0)
			at += (size_t)w;
	}
	if (at > 0)
		session_note(s, TDIR_INFO, "MTA-STS: the other exchangers: %s",
		    list);
}

/* The mx walk has ended: take its connection, or fail with its reason. */
static int
session_mx_end(struct session *s)
{
	const struct mx_dane	*d;
	enum mx_fail		 kind;
	const char		*err;
	int			 fd;

	s->mx_running = 0;
	s->info.mx_hosts = mx_hosts(s->mx, &s->info.mx_n);
	if (mx_state(s->mx) != MX_DONE) {
		err = mx_error(s->mx, &kind);
		session_fail(s, kind == MX_FAIL_TIMEOUT ? SERR_TIMEOUT :
		    SERR_CONNECT, "%s", err);
		return -1;
	}
	fd = mx_take_fd(s->mx);
	snprintf(s->info.addr, sizeof s->info.addr, "%s", mx_addr(s->mx));
	s->info.mx_host = mx_host_chosen(s->mx);
	/* RFC 7672 section 3.2.2: the name to check is the exchanger's. */
	if (s->p.tls.sni == NULL || *s->p.tls.sni == '\0') {
		free(s->mx_sni);
		s->mx_sni = xstrdup(s->info.mx_host);
		s->p.tls.sni = s->mx_sni;
	}
	d = mx_dane(s->mx);
	if (d->looked_up && session_dane_arm(s, d->name, d->st, d->sec,
	    d->why, d->recs, d->n) == -1) {
		close(fd);
		return -1;
	}
	if (!d->looked_up)
		snprintf(s->info.dane, sizeof s->info.dane, "MX not secure: "
		    "does not apply");
	session_mtasts(s);
	return session_connected(s, fd, s->info.mx_host);
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
	session_mx_reset(s);
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
	if (s->p.mx) {
		struct mx_params	 mp;

		session_note(s, TDIR_INFO, "connecting to the mail exchangers "
		    "of %s port %s", s->p.host, s->p.port);
		memset(&mp, 0, sizeof mp);
		mp.domain = s->p.host;
		mp.port = s->p.port;
		mp.family = s->p.family;
		mp.timeout_ms = s->p.timeout_ms;
		mp.tlsa = 1;
		mp.note = session_dial_note;
		mp.arg = s;
		s->mx = mx_start(&mp);
		s->mx_running = 1;
		return 0;
	}
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

	if (s->mx_running)
		return session_mx_end(s);
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
	if (s->p.dane && session_dane_lookup(s) == -1) {
		close(fd);
		return -1;
	}
	return session_connected(s, fd, s->p.host);
}

int
session_connect(struct session *s)
{
	int	r;

	if ((r = session_connect_begin(s)) == -1)
		return -1;
	if (r == 0) {
		if (s->mx_running)
			(void)mx_run(s->mx, s->abort_fd);
		else
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
	if (s->mx_running ? mx_state(s->mx) != MX_RUNNING :
	    dial_state(s->dial) != DIAL_RUNNING)
		return session_connect_end(s);
	return 0;
}

int
session_connecting(const struct session *s)
{
	return s->dial != NULL || s->mx_running;
}

size_t
session_connect_pollfds(const struct session *s, struct pollfd *pfd,
    size_t n)
{
	if (s->mx_running)
		return mx_pollfds(s->mx, pfd, n);
	return s->dial != NULL ? dial_pollfds(s->dial, pfd, n) : 0;
}

int
session_connect_timeout_ms(const struct session *s)
{
	if (s->mx_running)
		return mx_timeout_ms(s->mx);
	return s->dial != NULL ? dial_timeout_ms(s->dial) : -1;
}

int
session_connect_process(struct session *s, const struct pollfd *pfd,
    size_t n)
{
	if (s->mx_running) {
		if (mx_process(s->mx, pfd, n) == MX_RUNNING)
			return 0;
		return session_connect_end(s);
	}
	if (s->dial == NULL)
		return 0;
	if (dial_process(s->dial, pfd, n) == DIAL_RUNNING)
		return 0;
	return session_connect_end(s);
}

void
session_connect_cancel(struct session *s)
{
	if (s->mx_running) {
		s->mx_running = 0;
		session_note(s, TDIR_INFO, "connecting to the mail exchangers "
		    "of %s abandoned", s->p.host);
		return;
	}
	if (s->dial == NULL)
		return;
	dial_free(s->dial);
	s->dial = NULL;
	session_note(s, TDIR_INFO, "connecting to %s port %s abandoned",
	    s->p.host, s->p.port);
}
