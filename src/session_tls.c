/*
 * session_tls.c: TLS on a session: implicit (smtps://) or after a 220 to
 * STARTTLS (RFC 3207), the handshake driven without blocking, and its
 * result written to the transcript in words.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/session.h"
#include "smtpscope/tls_report.h"
#include "smtpscope/xmalloc.h"

#include "src/session_internal.h"

static void
session_report_line(void *arg, const char *text)
{
	session_note(arg, TDIR_TLS, "report: %s", text);
}

int
session_tls_report_notes(struct session *s)
{
	if (s->info.tls_report == NULL)
		return -1;
	tls_report_lines(s->info.tls_report, 0, session_report_line, s);
	return 0;
}

/*
 * Keep the details of the handshake just finished or failed; with
 * --tls-report they go into the transcript as well.
 */
static void
session_tls_keep_report(struct session *s)
{
	struct tls_report	*r;

	free(s->info.tls_report);
	s->info.tls_report = NULL;
	r = xcalloc(1, sizeof *r);
	if (tls_get_report(conn_tls(s->c), r) == -1) {
		free(r);
		return;
	}
	s->info.tls_report = r;
	if (s->p.tls_report)
		(void)session_tls_report_notes(s);
}

/* Record the TLS handshake result as TLS lines. */
void
session_tls_done(struct session *s)
{
	struct tls_info	*ti = &s->info.tls_info;

	tls_get_info(conn_tls(s->c), ti);
	s->info.have_tls_info = 1;
	s->info.tls = 1;
	phase_on_tls(&s->info.ph);
	if (s->info.have_caps) {
		ehlo_free(&s->info.caps);
		s->info.have_caps = 0;
	}
	session_note(s, TDIR_TLS, "handshake done: %s, %s", ti->version,
	    ti->cipher);
	session_note(s, TDIR_TLS, "certificate: %s", ti->subject);
	session_note(s, TDIR_TLS, "issuer: %s", ti->issuer);
	session_note(s, TDIR_TLS, "valid from %s to %s", ti->not_before,
	    ti->not_after);
	if (ti->altnames[0] != '\0')
		session_note(s, TDIR_TLS, "names: %s", ti->altnames);
	session_note(s, TDIR_TLS, "SHA-256 fingerprint: %s", ti->sha256);
	if (ti->dane[0] != '\0')
		session_note(s, ti->dane_ok ? TDIR_TLS : TDIR_WARN, "DANE: %s",
		    ti->dane);
	if (ti->verified)
		session_note(s, TDIR_TLS, "verification: verified");
	else if (s->p.dane && ti->dane_ok)
		session_note(s, TDIR_TLS, "verification: %s (the DANE match "
		    "stands instead: RFC 7672 section 3)", ti->verdict);
	else
		session_note(s, TDIR_TLS,
		    "verification: %s (accepted because of --insecure)",
		    ti->verdict);
	session_tls_keep_report(s);
	/* With --starttls the session says EHLO again by itself. */
	if (s->auto_ehlo_after_tls && s->last_ehlo != NULL) {
		char	*again = xstrdup(s->last_ehlo);

		s->auto_ehlo_after_tls = 0;
		session_command(s, again, strlen(again));
		free(again);
	}
}

/* Start TLS on the connection and drive what can be done now. */
int
session_start_tls(struct session *s)
{
	char	err[256];
	size_t	dropped = 0;

	if (conn_start_tls(s->c, &s->p.tls, NULL, &dropped, err,
	    sizeof err) == -1) {
		session_fail(s, SERR_TLS, "TLS: %s", err);
		session_drop_conn(s);
		phase_on_close(&s->info.ph);
		return -1;
	}
	if (dropped > 0)
		session_note(s, TDIR_WARN, "%zu octets arrived after the 220 "
		    "to STARTTLS before the handshake and were discarded "
		    "(possible injection; RFC 3207 5)", dropped);
	s->in_handshake = 1;
	s->progress = transcript_now();
	return session_handshake(s);
}

/* Drive a TLS handshake in progress: 0 done or pending, -1 failed. */
int
session_handshake(struct session *s)
{
	char	err[512];
	int	rc;

	rc = conn_handshake(s->c, err, sizeof err);
	if (rc == TLS_AGAIN)
		return 0;
	s->in_handshake = 0;
	if (rc == -1) {
		if (conn_tls(s->c) != NULL) {
			struct tls_info	*ti = &s->info.tls_info;

			tls_get_info(conn_tls(s->c), ti);
			if (ti->subject[0] != '\0') {
				s->info.have_tls_info = 1;
				session_note(s, TDIR_TLS, "certificate: %s",
				    ti->subject);
				session_note(s, TDIR_TLS, "issuer: %s",
				    ti->issuer);
				session_note(s, TDIR_TLS,
				    "SHA-256 fingerprint: %s", ti->sha256);
				session_tls_keep_report(s);
			}
		}
		session_fail(s, SERR_TLS, "TLS handshake failed: %s%s", err,
		    strstr(err, "verif") != NULL && strstr(err, "DANE") ==
		    NULL ? " (use --ca-file to "
		    "trust this certificate, or --insecure to go on anyway)" :
		    "");
		session_drop_conn(s);
		phase_on_close(&s->info.ph);
		return -1;
	}
	session_tls_done(s);
	return 0;
}

/* Block until the handshake in progress is over. */
int
session_wait_handshake(struct session *s)
{
	double	deadline = transcript_now() + s->p.timeout_ms / 1000.0;
	int	rc;

	while (s->c != NULL && s->in_handshake) {
		if (transcript_now() > deadline) {
			session_fail(s, SERR_TIMEOUT, "TLS handshake timed "
			    "out after %d s", s->p.timeout_ms / 1000);
			session_drop_conn(s);
			return -1;
		}
		if ((rc = session_poll_once(s, 100)) == -1)
			return -1;
	}
	return s->c != NULL ? 0 : -1;
}
