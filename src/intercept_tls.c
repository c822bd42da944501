/*
 * intercept_tls.c: TLS on both legs of an intercepted session.  The relay
 * answers STARTTLS towards the client itself, upgrades the upstream leg
 * when the client's is TLS (or when asked), rewrites the EHLO reply it
 * relays (STARTTLS as it can honour it, no CHUNKING: it relays lines),
 * and records both handshakes and whether they differ.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/conn.h"
#include "smtpscope/monotime.h"
#include "smtpscope/xmalloc.h"

#include "src/intercept_internal.h"

/* Send STARTTLS upstream (why: for the note). */
void
ic_up_starttls(struct isess *s, const char *why)
{
	ic_note(s, TDIR_INFO, "relay: smtpscope sends STARTTLS to the upstream "
	    "(%s)", why);
	s->up_tried_tls = 1;
	transcript_add_verb(&s->t, TDIR_C, "STARTTLS", 8, 0, NULL,
	    VERB_STARTTLS);
	buf_add(&s->uout, "STARTTLS\r\n", 10);
	s->ust = UP_STARTTLS;
	s->up_ms = monotime_ms();
}

/* The client asked for STARTTLS: answer it here and upgrade both legs. */
void
ic_client_starttls(struct isess *s)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	char				 err[256];
	size_t				 dropped = 0;

	if (p->ca == NULL || s->c_tls) {
		ic_say(s, "454 4.7.0 smtpscope: TLS not available");
		return;
	}
	ic_say(s, "220 2.0.0 Ready to start TLS (smtpscope intercept)");
	/* The 220 goes in clear, before the handshake. */
	isess_flush(s);
	if (conn_start_tls(s->c, NULL, intercept_sctx(s->ic), &dropped, err,
	    sizeof err) == -1) {
		isess_end(s, "client TLS: %s", err);
		return;
	}
	if (dropped > 0)
		ic_note(s, TDIR_WARN, "%zu octets from the client followed its "
		    "STARTTLS before the handshake and were discarded "
		    "(RFC 3207 5)", dropped);
	ic_note(s, TDIR_TLS, "client leg: TLS handshake begins");
	s->c_hs = 1;
	/* RFC 3207 4.2: all knowledge from before TLS is void. */
	s->ph.helo = s->ph.ehlo = 0;
	if (!s->u_tls && s->have_caps && (s->caps.flags & EHLO_STARTTLS))
		ic_up_starttls(s, "the client's leg is going TLS");
	else if (!s->u_tls)
		ic_note(s, TDIR_WARN, "the upstream leg stays plaintext: the "
		    "upstream does not offer STARTTLS, yet the client now "
		    "believes its session is encrypted");
}

/* The keyword of an EHLO reply line ("250-STARTTLS" -> STARTTLS). */
static int
ehlo_kw_is(const char *line, size_t len, const char *kw)
{
	size_t	n = strlen(kw);

	if (len < 4 + n || strncasecmp(line + 4, kw, n) != 0)
		return 0;
	return len == 4 + n || line[4 + n] == ' ' || line[4 + n] == '=';
}

/*
 * Relay a held EHLO reply to the client: STARTTLS offered only while its
 * leg is plaintext, CHUNKING and BINARYMIME left out (BDAT chunks are not
 * lines, and the relay works in lines).
 */
static void
relay_ehlo(struct isess *s, int code)
{
	struct buf	 out;
	const char	*p = s->ehlo.data, *end = p + s->ehlo.len, *nl;
	char		 sep;
	int		 offer, had = 0, cut = 0, first = 1;
	size_t		 n;
	struct {
		const char	*l;
		size_t		 n;
	}		 keep[256];
	size_t		 nkeep = 0, i;

	buf_init(&out);
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)(nl - p);
		if (!first && (ehlo_kw_is(p, n, "STARTTLS") ||
		    ehlo_kw_is(p, n, "CHUNKING") ||
		    ehlo_kw_is(p, n, "BINARYMIME"))) {
			if (ehlo_kw_is(p, n, "STARTTLS"))
				had = 1;
			else
				cut = 1;
		} else if (nkeep < 256) {
			keep[nkeep].l = p;
			keep[nkeep++].n = n;
		}
		first = 0;
	}
	/* Mirror the upstream: offered when it offers it or is TLS. */
	offer = code == 250 && !s->c_tls && intercept_params(s->ic)->ca !=
	    NULL && (had || s->u_tls);
	for (i = 0; i < nkeep; i++) {
		sep = i + 1 < nkeep || offer ? '-' : ' ';
		if (keep[i].n >= 4) {
			buf_add(&out, keep[i].l, 3);
			buf_addch(&out, sep);
			buf_add(&out, keep[i].l + 4, keep[i].n - 4);
		} else
			buf_add(&out, keep[i].l, keep[i].n);
		buf_add(&out, "\r\n", 2);
	}
	if (offer)
		buf_printf(&out, "%d STARTTLS\r\n", code);
	if (code == 250 && (had || offer || cut))
		ic_note(s, TDIR_INFO, "relay: the EHLO reply goes to the "
		    "client %s%s", offer && had ? "with the upstream's "
		    "STARTTLS, which smtpscope answers itself (it then "
		    "upgrades both legs)" : offer ? "with STARTTLS offered by "
		    "smtpscope (the upstream leg is TLS already)" : had ?
		    "without STARTTLS (the client's leg is TLS already)" : "as "
		    "it is", cut ? ", without CHUNKING/BINARYMIME (the relay "
		    "works line by line)" : "");
	ic_cout(s, out.data, out.len);
	buf_free(&out);
	buf_reset(&s->ehlo);
}

/* The upstream's EHLO reply is complete: relay it, or upgrade first. */
void
ic_ehlo_done(struct isess *s, const struct reply *r)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	int				 offered;
	const char			*why = NULL;

	if (s->have_caps)
		ehlo_free(&s->caps);
	s->have_caps = ehlo_parse(&s->caps, r) == 0;
	offered = s->have_caps && (s->caps.flags & EHLO_STARTTLS);
	if (r->code == 250 && !s->u_tls && !s->up_tried_tls) {
		if (s->c_tls)
			why = "the client's leg is TLS";
		else if (p->up_upgrade)
			why = "--starttls";
		else if (p->up_require_tls)
			why = "submission:// wants TLS";
	}
	if (why != NULL && offered) {
		ic_note(s, TDIR_INFO, "relay: this EHLO reply is held back; "
		    "the upstream leg is upgraded first");
		buf_reset(&s->ehlo);
		s->resend_ehlo = 1;
		ic_up_starttls(s, why);
		return;
	}
	if (why != NULL && p->up_require_tls && !p->allow_plaintext) {
		buf_reset(&s->ehlo);
		ic_end421(s, "the upstream does not offer STARTTLS, and "
		    "submission:// wants TLS");
		return;
	}
	if (why != NULL)
		ic_note(s, TDIR_WARN, "the upstream does not offer STARTTLS: "
		    "its leg stays plaintext although %s", why);
	relay_ehlo(s, r->code);
}

/* Compare the two legs' TLS once both are up. */
static void
compare_tls(struct isess *s)
{
	if (!s->c_tls || !s->u_tls)
		return;
	if (strcmp(s->c_ver, s->u_ver) != 0 ||
	    strcmp(s->c_cipher, s->u_cipher) != 0)
		ic_note(s, TDIR_TLS, "the legs differ: the client's TLS is %s "
		    "%s, the upstream's %s %s", s->c_ver, s->c_cipher, s->u_ver,
		    s->u_cipher);
	else
		ic_note(s, TDIR_TLS, "both legs use %s %s", s->c_ver,
		    s->c_cipher);
}

/* Record a finished handshake of one leg. */
static void
tls_done(struct isess *s, int client)
{
	struct tls_info	ti;

	tls_get_info(conn_tls(client ? s->c : s->u), &ti);
	ic_note(s, TDIR_TLS, "%s leg: handshake done: %s, %s", client ?
	    "client" : "upstream", ti.version, ti.cipher);
	if (client) {
		/* Without SNI it is made for the address (an IP altname). */
		if (ti.altnames[0] != '\0')
			ic_note(s, TDIR_TLS, "client leg: our certificate: %s "
			    "(names: %s), issued by %s", ti.subject,
			    ti.altnames, ti.issuer);
		else
			ic_note(s, TDIR_TLS, "client leg: our certificate: %s "
			    "(for the address: the client sent no name), "
			    "issued by %s", ti.subject, ti.issuer);
		snprintf(s->c_ver, sizeof s->c_ver, "%s", ti.version);
		snprintf(s->c_cipher, sizeof s->c_cipher, "%s", ti.cipher);
		s->c_tls = 1;
	} else {
		ic_note(s, TDIR_TLS, "upstream leg: certificate: %s",
		    ti.subject);
		ic_note(s, TDIR_TLS, "upstream leg: issuer: %s", ti.issuer);
		ic_note(s, TDIR_TLS, "upstream leg: valid from %s to %s",
		    ti.not_before, ti.not_after);
		if (ti.altnames[0] != '\0')
			ic_note(s, TDIR_TLS, "upstream leg: names: %s",
			    ti.altnames);
		ic_note(s, TDIR_TLS, "upstream leg: verification: %s%s",
		    ti.verified ? "verified" : ti.verdict, ti.verified ? "" :
		    " (accepted because of --insecure)");
		snprintf(s->u_ver, sizeof s->u_ver, "%s", ti.version);
		snprintf(s->u_cipher, sizeof s->u_cipher, "%s", ti.cipher);
		s->u_tls = 1;
		phase_on_tls(&s->ph);
		if (s->have_caps) {
			ehlo_free(&s->caps);
			s->have_caps = 0;
		}
	}
	compare_tls(s);
}

/* Drive one leg's handshake. */
void
ic_handshake(struct isess *s, int client)
{
	char	err[512];
	int	rc;

	rc = conn_handshake(client ? s->c : s->u, err, sizeof err);
	if (rc == TLS_AGAIN)
		return;
	if (rc == -1) {
		if (client) {
			ic_note(s, TDIR_TLS, "client leg: TLS handshake "
			    "failed: %s", err);
			/* Most often the application lacks the CA. */
			if (intercept_params(s->ic)->ca != NULL)
				ic_note(s, TDIR_TLS, "client leg: an "
				    "application that does not trust the "
				    "intercept CA fails so: give it %s",
				    tls_ca_path(intercept_params(s->ic)->ca));
			s->c_hs = 0;
			conn_free(s->c);
			s->c = NULL;
			isess_end(s, "the client's TLS handshake failed (does "
			    "it trust the intercept CA?)");
		} else {
			ic_note(s, TDIR_TLS, "upstream leg: TLS handshake "
			    "failed: %s", err);
			ic_end421(s, strstr(err, "verif") != NULL ? "upstream "
			    "certificate not verified (--ca-file or "
			    "--insecure)" : "upstream TLS handshake failed");
		}
		return;
	}
	if (client) {
		s->c_hs = 0;
		tls_done(s, 1);
		ic_release_held(s);
	} else {
		tls_done(s, 0);
		if (s->ust == UP_HANDSHAKE)
			s->ust = UP_GREETING;
		else
			ic_up_ready(s);
	}
}
