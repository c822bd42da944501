/*
 * tls.c: GnuTLS sessions for the client and the practice server.  This is
 * the one file that sees GnuTLS types; everyone else holds a struct tls.
 */
#include "config.h"

#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "smtpscope/dane.h"
#include "smtpscope/resolve.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"

#include "src/tls_internal.h"

enum tls_state {
	TLS_HANDSHAKING,
	TLS_OPEN,
	TLS_FAILED
};

struct tls {
	gnutls_session_t		 session;
	gnutls_certificate_credentials_t cred;	/* client: ours to free */
	int				 server;
	enum tls_state			 state;
	int				 want_write;
	size_t				 write_pending;	/* a stalled send */
	char				*sni;
	int				 insecure;
	int				 have_info;
	int				 verify_failed;	/* in the handshake */
	int				 lost;		/* the socket failed */
	struct tls_info			 info;
	struct tls_server_ctx		*ctx;		/* server side */
	char				 err[448];
	struct resolve_tlsa		*tlsa;		/* copies, for DANE */
	size_t				 ntlsa;
	int				 dane_required;
	struct dane_result		 dane;
	int				 dane_done;
};


static int	tls_inited;

void
tls_global_init(void)
{
	if (tls_inited)
		return;
	if (gnutls_global_init() == GNUTLS_E_SUCCESS)
		tls_inited = 1;
}

/* Copy a string into a fixed field, cutting it if need be. */
void
tls_copy(char *dst, size_t dstlen, const char *src)
{
	size_t	n;

	if (src == NULL)
		src = "";
	n = strlen(src);
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* A few GnuTLS failures deserve a hint about what probably happened. */
static const char *
tls_hint(int ret)
{
	switch (ret) {
	case GNUTLS_E_UNEXPECTED_PACKET_LENGTH:
	case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
	case GNUTLS_E_UNEXPECTED_PACKET:
		return " (is the peer really speaking TLS here?)";
	case GNUTLS_E_PREMATURE_TERMINATION:
		return " (the peer closed the connection)";
	case GNUTLS_E_NO_PRIORITIES_WERE_SET:
	case GNUTLS_E_INSUFFICIENT_CREDENTIALS:
	case GNUTLS_E_NO_CIPHER_SUITES:
	case GNUTLS_E_UNKNOWN_CIPHER_SUITE:
		return " (no protocol version or cipher in common)";
	default:
		return "";
	}
}

/*
 * The socket's own error behind a GnuTLS failure, or 0.  GnuTLS turns a
 * failed recv()/send() into a pull or push error (ECONNRESET on send into
 * a premature termination) and leaves errno as the call set it.
 */
static int
tls_socket_errno(int ret, int sys)
{
	switch (ret) {
	case GNUTLS_E_PULL_ERROR:
	case GNUTLS_E_PUSH_ERROR:
		return sys == EAGAIN || sys == EINTR ? 0 : sys;
	case GNUTLS_E_PREMATURE_TERMINATION:
		return sys == ECONNRESET || sys == EPIPE ? sys : 0;
	default:
		return 0;
	}
}

/*
 * Describe a fatal GnuTLS error in t->err, after "what: " unless what is
 * NULL; sys is errno as the failed call left it.
 */
static void
tls_set_error(struct tls *t, const char *what, int ret, int sys)
{
	char	msg[160];
	size_t	n;

	t->lost = ret == GNUTLS_E_PULL_ERROR || ret == GNUTLS_E_PUSH_ERROR ||
	    ret == GNUTLS_E_PREMATURE_TERMINATION;
	if ((sys = tls_socket_errno(ret, sys)) != 0)
		tls_copy(msg, sizeof msg, strerror(sys));
	else if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED ||
	    ret == GNUTLS_E_WARNING_ALERT_RECEIVED)
		snprintf(msg, sizeof msg, "the peer sent alert \"%s\"",
		    gnutls_alert_get_name(gnutls_alert_get(t->session)));
	else {
		/* GnuTLS ends its messages with a period; we add a hint. */
		tls_copy(msg, sizeof msg, gnutls_strerror(ret));
		n = strlen(msg);
		if (n > 0 && msg[n - 1] == '.')
			msg[n - 1] = '\0';
		n = strlen(msg);
		tls_copy(msg + n, sizeof msg - n, tls_hint(ret));
	}
	if (what != NULL)
		snprintf(t->err, sizeof t->err, "%s: %s", what, msg);
	else
		tls_copy(t->err, sizeof t->err, msg);
}

static int
tls_is_ip(const char *s)
{
	unsigned char	addr[16];

	return inet_pton(AF_INET, s, addr) == 1 ||
	    inet_pton(AF_INET6, s, addr) == 1;
}

/* Load trust anchors from a file, PEM or else DER. */
static int
tls_load_ca(gnutls_certificate_credentials_t cred, const char *path,
    char *err, size_t errlen)
{
	FILE	*f;
	int	 n;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "cannot open CA file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	fclose(f);
	n = gnutls_certificate_set_x509_trust_file(cred, path,
	    GNUTLS_X509_FMT_PEM);
	if (n <= 0 && gnutls_certificate_set_x509_trust_file(cred, path,
	    GNUTLS_X509_FMT_DER) > 0)
		return 0;
	if (n < 0) {
		snprintf(err, errlen, "cannot load CA file %s: %s", path,
		    gnutls_strerror(n));
		return -1;
	}
	if (n == 0) {
		snprintf(err, errlen, "no certificates found in CA file %s",
		    path);
		return -1;
	}
	return 0;
}

static struct tls *
tls_alloc(int server)
{
	struct tls	*t;

	t = xcalloc(1, sizeof *t);
	t->server = server;
	t->state = TLS_HANDSHAKING;
	return t;
}

int
tls_priority_check(const char *prio, char *err, size_t errlen)
{
	gnutls_priority_t	 p;
	const char		*errpos = NULL;
	int			 ret;

	tls_global_init();
	ret = gnutls_priority_init(&p, prio, &errpos);
	if (ret < 0) {
		if (errpos != NULL)
			snprintf(err, errlen, "bad TLS priority string near "
			    "\"%s\"", errpos);
		else
			snprintf(err, errlen, "TLS priority: %s",
			    gnutls_strerror(ret));
		return -1;
	}
	gnutls_priority_deinit(p);
	return 0;
}


static void	tls_cert_info(struct tls_info *, const gnutls_datum_t *, int *);
static void	tls_verdict(struct tls *, unsigned int, int);

/*
 * Verify the server's certificate inside the handshake, as soon as it
 * arrives: a failure ends the handshake there, before anything of ours
 * (a --cert client certificate) goes to an unverified peer.  The verdict
 * and the certificate's facts stay in t->info for the caller to show.
 */
/* Check the chain against the TLSA records, once (dane.h). */
static void
tls_dane(struct tls *t, const gnutls_datum_t *certs, unsigned int n)
{
	struct dane_cert	chain[16];
	unsigned int		i;

	if (t->ntlsa == 0 || t->dane_done)
		return;
	t->dane_done = 1;
	for (i = 0; i < n && i < 16; i++) {
		chain[i].der = certs[i].data;
		chain[i].len = certs[i].size;
	}
	dane_check(t->tlsa, t->ntlsa, chain, i, t->sni, &t->dane);
}

static int
tls_verify_cb(gnutls_session_t session)
{
	struct tls		*t = gnutls_session_get_ptr(session);
	const gnutls_datum_t	*certs;
	unsigned int		 n = 0, status = 0;
	int			 self_signed = 0, ret;

	if (t == NULL)
		return 0;
	certs = gnutls_certificate_get_peers(session, &n);
	tls_dane(t, certs, certs != NULL ? n : 0);
	/*
	 * RFC 7672 section 3: where DANE applies it decides, before anything
	 * of ours goes out; the PKIX result is only shown.
	 */
	if (t->dane_required && t->dane.usable > 0) {
		if (t->dane.ok)
			return 0;
		memset(&t->info, 0, sizeof t->info);
		t->have_info = 1;
		if (certs != NULL && n > 0)
			tls_cert_info(&t->info, &certs[0], &self_signed);
		snprintf(t->info.verdict, sizeof t->info.verdict,
		    "DANE: %.200s", t->dane.text);
		t->verify_failed = 1;
		return GNUTLS_E_CERTIFICATE_ERROR;
	}
	if (t->insecure)
		return 0;
	memset(&t->info, 0, sizeof t->info);
	t->have_info = 1;
	if (certs == NULL || n == 0) {
		tls_copy(t->info.verdict, sizeof t->info.verdict,
		    "no certificate received");
		t->verify_failed = 1;
		return GNUTLS_E_CERTIFICATE_ERROR;
	}
	tls_cert_info(&t->info, &certs[0], &self_signed);
	ret = gnutls_certificate_verify_peers3(session, t->sni, &status);
	if (ret < 0) {
		snprintf(t->info.verdict, sizeof t->info.verdict,
		    "cannot verify: %s", gnutls_strerror(ret));
		t->verify_failed = 1;
		return GNUTLS_E_CERTIFICATE_ERROR;
	}
	if (status != 0) {
		tls_verdict(t, status, self_signed);
		t->verify_failed = 1;
		return GNUTLS_E_CERTIFICATE_ERROR;
	}
	return 0;
}


struct tls *
tls_client_new(int fd, const struct tls_params *tp, char *err, size_t errlen)
{
	struct tls	*t;
	const char	*errpos = NULL;
	int		 ret;

	tls_global_init();
	t = tls_alloc(0);
	t->insecure = tp->insecure;
	if (tp->sni != NULL && *tp->sni != '\0')
		t->sni = xstrdup(tp->sni);
	if (tp->ntlsa > 0) {
		size_t	i;

		t->tlsa = xcalloc(tp->ntlsa, sizeof *t->tlsa);
		for (i = 0; i < tp->ntlsa; i++) {
			t->tlsa[i] = tp->tlsa[i];
			t->tlsa[i].data = xmalloc(tp->tlsa[i].len + 1);
			memcpy(t->tlsa[i].data, tp->tlsa[i].data,
			    tp->tlsa[i].len);
		}
		t->ntlsa = tp->ntlsa;
	}
	t->dane_required = tp->dane;

	if ((ret = gnutls_certificate_allocate_credentials(&t->cred)) < 0) {
		snprintf(err, errlen, "TLS set-up: %s", gnutls_strerror(ret));
		goto fail;
	}
	if (tp->ca_file != NULL) {
		if (tls_load_ca(t->cred, tp->ca_file, err, errlen) == -1)
			goto fail;
	} else {
		/*
		 * Only now: the system store costs ~20 ms.  A failure here is
		 * not fatal; verification will then name the missing trust.
		 */
		(void)gnutls_certificate_set_x509_system_trust(t->cred);
	}
	if (tp->cert_file != NULL) {
		ret = gnutls_certificate_set_x509_key_file(t->cred,
		    tp->cert_file, tp->key_file != NULL ? tp->key_file :
		    tp->cert_file, GNUTLS_X509_FMT_PEM);
		if (ret < 0) {
			snprintf(err, errlen, "cannot load client certificate "
			    "%s: %s", tp->cert_file, gnutls_strerror(ret));
			goto fail;
		}
	}

	/*
	 * Without GNUTLS_NO_STATUS_REQUEST the client asks for a stapled
	 * OCSP response (RFC 6066 8), which the TLS report describes.
	 */
	ret = gnutls_init(&t->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK |
	    GNUTLS_NO_SIGNAL);
	if (ret < 0) {
		t->session = NULL;
		snprintf(err, errlen, "TLS set-up: %s", gnutls_strerror(ret));
		goto fail;
	}
	if (tp->priority != NULL)
		ret = gnutls_priority_set_direct(t->session, tp->priority,
		    &errpos);
	else
		ret = gnutls_set_default_priority(t->session);
	if (ret < 0) {
		if (errpos != NULL)
			snprintf(err, errlen, "bad TLS priority string near "
			    "\"%s\"", errpos);
		else
			snprintf(err, errlen, "TLS priority: %s",
			    gnutls_strerror(ret));
		goto fail;
	}
	/* RFC 6066 section 3: SNI carries host names, never addresses. */
	if (t->sni != NULL && !tls_is_ip(t->sni)) {
		ret = gnutls_server_name_set(t->session, GNUTLS_NAME_DNS,
		    t->sni, strlen(t->sni));
		if (ret < 0) {
			snprintf(err, errlen, "TLS server name %s: %s", t->sni,
			    gnutls_strerror(ret));
			goto fail;
		}
	}
	ret = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE,
	    t->cred);
	if (ret < 0) {
		snprintf(err, errlen, "TLS set-up: %s", gnutls_strerror(ret));
		goto fail;
	}
	gnutls_session_set_ptr(t->session, t);
	gnutls_certificate_set_verify_function(t->cred, tls_verify_cb);
	gnutls_transport_set_int(t->session, fd);
	return t;

fail:
	tls_free(t);
	return NULL;
}

/* "2026-11-25 18:00 UTC" */
static void
tls_fmt_time(char *out, size_t outlen, time_t when)
{
	struct tm	tm;

	if (when == (time_t)-1 || gmtime_r(&when, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		tls_copy(out, outlen, "?");
}

/* Append "item" to a list in a fixed field, after sep if not empty. */
void
tls_append(char *dst, size_t dstlen, const char *sep, const char *item)
{
	size_t	len = strlen(dst);

	if (len > 0) {
		tls_copy(dst + len, dstlen - len, sep);
		len = strlen(dst);
	}
	tls_copy(dst + len, dstlen - len, item);
}

/* Fill the certificate fields of info from a DER certificate. */
static void
tls_cert_info(struct tls_info *info, const gnutls_datum_t *der,
    int *self_signed)
{
	gnutls_x509_crt_t	 crt;
	gnutls_datum_t		 dn;
	unsigned char		 md[32];
	char			 name[256];
	size_t			 mdlen = sizeof md, namelen, i;
	unsigned int		 critical, idx;
	int			 ret;

	*self_signed = 0;
	if (gnutls_x509_crt_init(&crt) < 0)
		return;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return;
	}
	if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
		tls_copy(info->subject, sizeof info->subject,
		    (const char *)dn.data);
		gnutls_free(dn.data);
	}
	if (gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) >= 0) {
		tls_copy(info->issuer, sizeof info->issuer,
		    (const char *)dn.data);
		gnutls_free(dn.data);
	}
	tls_fmt_time(info->not_before, sizeof info->not_before,
	    gnutls_x509_crt_get_activation_time(crt));
	tls_fmt_time(info->not_after, sizeof info->not_after,
	    gnutls_x509_crt_get_expiration_time(crt));
	if (gnutls_fingerprint(GNUTLS_DIG_SHA256, der, md, &mdlen) >= 0) {
		for (i = 0; i < mdlen; i++) {
			snprintf(name, sizeof name, "%02X", md[i]);
			tls_append(info->sha256, sizeof info->sha256, ":",
			    name);
		}
	}
	for (idx = 0;; idx++) {
		namelen = sizeof name - 1;
		ret = gnutls_x509_crt_get_subject_alt_name(crt, idx, name,
		    &namelen, &critical);
		if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (ret == GNUTLS_SAN_DNSNAME) {
			name[namelen < sizeof name ? namelen :
			    sizeof name - 1] = '\0';
			tls_append(info->altnames, sizeof info->altnames,
			    ", ", name);
		}
		if (idx > 64)
			break;
	}
	*self_signed = gnutls_x509_crt_check_issuer(crt, crt) != 0;
	gnutls_x509_crt_deinit(crt);
}

/* The "CN=" value of a DN, for a certificate without DNS altnames. */
static void
tls_dn_cn(const char *dn, char *out, size_t outlen)
{
	const char	*p;
	size_t		 n;

	*out = '\0';
	if ((p = strstr(dn, "CN=")) == NULL)
		return;
	p += 3;
	n = strcspn(p, ",+");
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Turn a verification status into words, several joined with "; ". */
static void
tls_verdict(struct tls *t, unsigned int status, int self_signed)
{
	struct tls_info	*info = &t->info;
	char		*v = info->verdict;
	size_t		 vlen = sizeof info->verdict;
	char		 item[512], names[256];

	*v = '\0';
	if (status == 0) {
		tls_copy(v, vlen, "verified");
		return;
	}
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
		tls_append(v, vlen, "; ", self_signed ?
		    "self-signed (not trusted)" :
		    "signed by an unknown authority");
	if (status & GNUTLS_CERT_EXPIRED) {
		snprintf(item, sizeof item, "expired on %s", info->not_after);
		tls_append(v, vlen, "; ", item);
	}
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		tls_append(v, vlen, "; ", "not yet valid");
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER) {
		if (*info->altnames != '\0')
			tls_copy(names, sizeof names, info->altnames);
		else
			tls_dn_cn(info->subject, names, sizeof names);
		snprintf(item, sizeof item, "name mismatch: certificate is "
		    "for %s, not %s", *names != '\0' ? names : "(no name)",
		    t->sni != NULL ? t->sni : "(none)");
		tls_append(v, vlen, "; ", item);
	}
	if (status & GNUTLS_CERT_REVOKED)
		tls_append(v, vlen, "; ", "revoked");
	if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		tls_append(v, vlen, "; ", "insecure algorithm");
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		tls_append(v, vlen, "; ", "bad signature");
	if (status & GNUTLS_CERT_SIGNER_NOT_CA)
		tls_append(v, vlen, "; ", "issuer is not a CA");
	if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE)
		tls_append(v, vlen, "; ", "issuer constraints violated");
	if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
		tls_append(v, vlen, "; ", "not meant for TLS servers");
	if (status & GNUTLS_CERT_MISMATCH)
		tls_append(v, vlen, "; ", "certificate mismatch");
	if (status & (GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED |
	    GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE |
	    GNUTLS_CERT_INVALID_OCSP_STATUS | GNUTLS_CERT_MISSING_OCSP_STATUS))
		tls_append(v, vlen, "; ", "bad revocation data");
	if (*v == '\0')
		tls_copy(v, vlen, "not trusted");
}

/* After the handshake: protocol facts, certificate, verification. */
static void
tls_collect(struct tls *t)
{
	struct tls_info		*info = &t->info;
	const gnutls_datum_t	*certs;
	const char		*s;
	char			*desc;
	unsigned int		 n = 0, status = 0;
	int			 self_signed = 0, ret;

	memset(info, 0, sizeof *info);
	t->have_info = 1;
	tls_copy(info->version, sizeof info->version,
	    gnutls_protocol_get_name(gnutls_protocol_get_version(t->session)));
	s = NULL;
#if GNUTLS_VERSION_NUMBER >= 0x030703
	s = gnutls_ciphersuite_get(t->session);
#endif
	if (s == NULL)
		s = gnutls_cipher_suite_get_name(gnutls_kx_get(t->session),
		    gnutls_cipher_get(t->session), gnutls_mac_get(t->session));
	if (s != NULL)
		tls_copy(info->cipher, sizeof info->cipher, s);
	else
		snprintf(info->cipher, sizeof info->cipher, "%s-%s-%s",
		    gnutls_kx_get_name(gnutls_kx_get(t->session)),
		    gnutls_cipher_get_name(gnutls_cipher_get(t->session)),
		    gnutls_mac_get_name(gnutls_mac_get(t->session)));
	if ((desc = gnutls_session_get_desc(t->session)) != NULL) {
		tls_copy(info->desc, sizeof info->desc, desc);
		gnutls_free(desc);
	}

	if (t->server) {
		/* Our own certificate; clients are not asked for one. */
		if ((certs = gnutls_certificate_get_ours(t->session)) != NULL)
			tls_cert_info(info, certs, &self_signed);
		tls_copy(info->verdict, sizeof info->verdict,
		    "server side (client not authenticated)");
		return;
	}
	certs = gnutls_certificate_get_peers(t->session, &n);
	if (certs == NULL || n == 0) {
		tls_copy(info->verdict, sizeof info->verdict,
		    "no certificate received");
		return;
	}
	tls_cert_info(info, &certs[0], &self_signed);
	tls_dane(t, certs, n);
	if (t->dane_done) {
		tls_copy(info->dane, sizeof info->dane, t->dane.text);
		info->dane_ok = t->dane.ok;
	}
	ret = gnutls_certificate_verify_peers3(t->session, t->sni, &status);
	if (ret < 0) {
		snprintf(info->verdict, sizeof info->verdict,
		    "cannot verify: %s", gnutls_strerror(ret));
		return;
	}
	tls_verdict(t, status, self_signed);
	info->verified = status == 0;
}

int
tls_handshake(struct tls *t, char *err, size_t errlen)
{
	int	ret, sys, tries;

	if (t->state == TLS_OPEN)
		return 0;
	if (t->state == TLS_FAILED) {
		snprintf(err, errlen, "%s", t->err);
		return -1;
	}
	for (tries = 0;; tries++) {
		errno = 0;
		ret = gnutls_handshake(t->session);
		sys = errno;
		if (ret == GNUTLS_E_SUCCESS)
			break;
		if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
			t->want_write =
			    gnutls_record_get_direction(t->session) == 1;
			return TLS_AGAIN;
		}
		/* A warning alert (unrecognized_name, say) is not the end. */
		if (!gnutls_error_is_fatal(ret) && tries < 32)
			continue;
		t->state = TLS_FAILED;
		if (t->verify_failed)
			snprintf(t->err, sizeof t->err, "certificate "
			    "verification failed: %s", t->info.verdict);
		else
			tls_set_error(t, NULL, ret, sys);
		snprintf(err, errlen, "%s", t->err);
		return -1;
	}
	t->want_write = 0;
	tls_collect(t);
	if (!t->server && !t->info.verified && !t->insecure &&
	    !(t->dane_required && t->dane.ok)) {
		t->state = TLS_FAILED;
		snprintf(t->err, sizeof t->err,
		    "certificate verification failed: %s", t->info.verdict);
		snprintf(err, errlen, "%s", t->err);
		return -1;
	}
	t->state = TLS_OPEN;
	return 0;
}

ssize_t
tls_read(struct tls *t, void *p, size_t len)
{
	ssize_t	ret;
	int	sys, tries;

	if (t->state != TLS_OPEN) {
		if (*t->err == '\0')
			tls_copy(t->err, sizeof t->err,
			    "TLS session is not open");
		return -1;
	}
	for (tries = 0; tries < 8; tries++) {
		errno = 0;
		ret = gnutls_record_recv(t->session, p, len);
		sys = errno;
		if (ret >= 0)
			return ret;
		if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
			t->want_write =
			    gnutls_record_get_direction(t->session) == 1;
			return TLS_AGAIN;
		}
		if (ret == GNUTLS_E_PREMATURE_TERMINATION &&
		    tls_socket_errno((int)ret, sys) == 0) {
			tls_copy(t->err, sizeof t->err, "the peer closed the "
			    "connection without a TLS close_notify");
			return 0;
		}
		if (ret == GNUTLS_E_REHANDSHAKE) {
			/* RFC 5746: we do not renegotiate; say so. */
			(void)gnutls_alert_send(t->session, GNUTLS_AL_WARNING,
			    GNUTLS_A_NO_RENEGOTIATION);
			continue;
		}
		if (!gnutls_error_is_fatal(ret))
			continue;
		tls_set_error(t, "TLS read", (int)ret, sys);
		return -1;
	}
	t->want_write = 0;
	return TLS_AGAIN;
}

ssize_t
tls_write(struct tls *t, const void *p, size_t len)
{
	ssize_t	ret;
	int	sys;

	if (t->state != TLS_OPEN) {
		if (*t->err == '\0')
			tls_copy(t->err, sizeof t->err,
			    "TLS session is not open");
		return -1;
	}
	if (len == 0)
		return 0;
	errno = 0;
	/*
	 * After GNUTLS_E_AGAIN GnuTLS wants the same call again; the caller
	 * keeps those bytes at the front, so flush the stalled record.
	 */
	if (t->write_pending > 0)
		ret = gnutls_record_send(t->session, NULL, 0);
	else
		ret = gnutls_record_send(t->session, p, len);
	sys = errno;
	if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
		if (t->write_pending == 0)
			t->write_pending = len;
		t->want_write = gnutls_record_get_direction(t->session) == 1;
		return TLS_AGAIN;
	}
	t->write_pending = 0;
	if (ret < 0) {
		tls_set_error(t, "TLS write", (int)ret, sys);
		return -1;
	}
	t->want_write = 0;
	return ret;
}

size_t
tls_pending(struct tls *t)
{
	if (t == NULL || t->session == NULL || t->state != TLS_OPEN)
		return 0;
	return gnutls_record_check_pending(t->session);
}

int
tls_want_write(struct tls *t)
{
	return t != NULL && t->want_write;
}

const char *
tls_error(struct tls *t)
{
	return t->err;
}

int
tls_lost(const struct tls *t)
{
	return t != NULL && t->lost;
}

void
tls_get_info(struct tls *t, struct tls_info *info)
{
	if (t->have_info) {
		*info = t->info;
		return;
	}
	memset(info, 0, sizeof *info);
	tls_copy(info->verdict, sizeof info->verdict,
	    "handshake not finished");
}

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	if (t->session != NULL) {
		/* Best effort: the fd is non-blocking, so this cannot hang. */
		if (t->state == TLS_OPEN)
			(void)gnutls_bye(t->session, GNUTLS_SHUT_WR);
		gnutls_deinit(t->session);
	}
	if (t->cred != NULL)
		gnutls_certificate_free_credentials(t->cred);
	free(t->sni);
	while (t->ntlsa > 0)
		free(t->tlsa[--t->ntlsa].data);
	free(t->tlsa);
	free(t);
}

int
tls_channel_binding(struct tls *t, enum tls_cb kind, unsigned char **out,
    size_t *outlen, const char **name)
{
	gnutls_datum_t	cb;
	int		ret;

	*out = NULL;
	*outlen = 0;
	if (t == NULL || t->state != TLS_OPEN)
		return -1;
	if (kind == TLS_CB_ANY)
		kind = gnutls_protocol_get_version(t->session) ==
		    GNUTLS_TLS1_3 ? TLS_CB_EXPORTER : TLS_CB_UNIQUE;
	/* RFC 9266 2: tls-exporter is the one TLS 1.3 has. */
	ret = gnutls_session_channel_binding(t->session,
	    kind == TLS_CB_EXPORTER ? GNUTLS_CB_TLS_EXPORTER :
	    GNUTLS_CB_TLS_UNIQUE, &cb);
	if (ret < 0 || cb.size == 0)
		return -1;
	*out = xmalloc(cb.size);
	memcpy(*out, cb.data, cb.size);
	*outlen = cb.size;
	*name = kind == TLS_CB_EXPORTER ? "tls-exporter" : "tls-unique";
	gnutls_free(cb.data);
	return 0;
}

int
tls_peer_name(struct tls *t, char *out, size_t outlen)
{
	const gnutls_datum_t	*certs;
	gnutls_x509_crt_t	 crt;
	unsigned int		 n = 0;
	size_t			 len = outlen;
	int			 ret;

	if (outlen > 0)
		out[0] = '\0';
	if (t == NULL || t->state != TLS_OPEN ||
	    (certs = gnutls_certificate_get_peers(t->session, &n)) == NULL ||
	    n == 0 || gnutls_x509_crt_init(&crt) < 0)
		return -1;
	ret = gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER);
	if (ret >= 0)
		ret = gnutls_x509_crt_get_dn_by_oid(crt,
		    GNUTLS_OID_X520_COMMON_NAME, 0, 0, out, &len);
	gnutls_x509_crt_deinit(crt);
	if (ret < 0) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

/* A fresh self-signed certificate for localhost, 127.0.0.1 and ::1. */
static int
tls_make_cert(gnutls_certificate_credentials_t cred, char *err,
    size_t errlen)
{
	gnutls_x509_privkey_t	 key = NULL;
	gnutls_x509_crt_t	 crt = NULL;
	unsigned char		 serial[16], keyid[64];
	unsigned char		 v4[4] = { 127, 0, 0, 1 };
	unsigned char		 v6[16] = { 0 };
	size_t			 keyidlen = sizeof keyid;
	time_t			 now = time(NULL);
	unsigned int		 usage;
	int			 ret, rsa = 0;

	v6[15] = 1;
	if ((ret = gnutls_x509_privkey_init(&key)) < 0)
		goto fail;
	ret = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	if (ret < 0) {
		rsa = 1;
		ret = gnutls_x509_privkey_generate(key, GNUTLS_PK_RSA, 2048,
		    0);
		if (ret < 0)
			goto fail;
	}
	if ((ret = gnutls_x509_crt_init(&crt)) < 0)
		goto fail;
	if ((ret = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial)) < 0)
		goto fail;
	serial[0] &= 0x7f;	/* RFC 5280 4.1.2.2: positive */
	serial[0] |= 0x01;	/* and not shortened by leading zeros */
	if ((ret = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
	    (ret = gnutls_x509_crt_set_serial(crt, serial,
	    sizeof serial)) < 0 ||
	    (ret = gnutls_x509_crt_set_activation_time(crt, now - 3600)) < 0 ||
	    (ret = gnutls_x509_crt_set_expiration_time(crt,
	    now + 365 * 24 * 3600)) < 0 ||
	    (ret = gnutls_x509_crt_set_dn_by_oid(crt,
	    GNUTLS_OID_X520_COMMON_NAME, 0, "localhost", 9)) < 0 ||
	    (ret = gnutls_x509_crt_set_key(crt, key)) < 0 ||
	    (ret = gnutls_x509_crt_set_subject_alt_name(crt,
	    GNUTLS_SAN_DNSNAME, "localhost", 9, GNUTLS_FSAN_APPEND)) < 0 ||
	    (ret = gnutls_x509_crt_set_subject_alt_name(crt,
	    GNUTLS_SAN_IPADDRESS, v4, sizeof v4, GNUTLS_FSAN_APPEND)) < 0 ||
	    (ret = gnutls_x509_crt_set_subject_alt_name(crt,
	    GNUTLS_SAN_IPADDRESS, v6, sizeof v6, GNUTLS_FSAN_APPEND)) < 0 ||
	    (ret = gnutls_x509_crt_set_basic_constraints(crt, 0, -1)) < 0 ||
	    (ret = gnutls_x509_crt_set_key_purpose_oid(crt,
	    GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
		goto fail;
	usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
	if (rsa)
		usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
	if ((ret = gnutls_x509_crt_set_key_usage(crt, usage)) < 0)
		goto fail;
	if (gnutls_x509_crt_get_key_id(crt, 0, keyid, &keyidlen) >= 0)
		(void)gnutls_x509_crt_set_subject_key_id(crt, keyid, keyidlen);
	if ((ret = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256,
	    0)) < 0)
		goto fail;
	if ((ret = gnutls_certificate_set_x509_key(cred, &crt, 1, key)) < 0)
		goto fail;
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return 0;

fail:
	snprintf(err, errlen, "cannot make a test certificate: %s",
	    gnutls_strerror(ret));
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	if (key != NULL)
		gnutls_x509_privkey_deinit(key);
	return -1;
}

struct tls_server_ctx *
tls_server_ctx_new(const char *cert_file, const char *key_file, char *err,
    size_t errlen)
{
	struct tls_server_ctx	*ctx;
	int			 ret;

	tls_global_init();
	ctx = xcalloc(1, sizeof *ctx);
	if ((ret = gnutls_certificate_allocate_credentials(&ctx->cred)) < 0) {
		ctx->cred = NULL;
		snprintf(err, errlen, "TLS set-up: %s", gnutls_strerror(ret));
		goto fail;
	}
	if (cert_file != NULL || key_file != NULL) {
		if (cert_file == NULL)
			cert_file = key_file;
		if (key_file == NULL)
			key_file = cert_file;
		ret = gnutls_certificate_set_x509_key_file(ctx->cred,
		    cert_file, key_file, GNUTLS_X509_FMT_PEM);
		if (ret < 0) {
			snprintf(err, errlen, "cannot load certificate %s "
			    "and key %s: %s", cert_file, key_file,
			    gnutls_strerror(ret));
			goto fail;
		}
	} else if (tls_make_cert(ctx->cred, err, errlen) == -1)
		goto fail;
	return ctx;

fail:
	tls_server_ctx_free(ctx);
	return NULL;
}

void
tls_server_ctx_free(struct tls_server_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->cred != NULL)
		gnutls_certificate_free_credentials(ctx->cred);
	free(ctx);
}

/*
 * After the client's hello: the certificate for the name it asked for,
 * issued now by the intercept CA (or taken from its cache).
 */
static int
tls_ca_hello(gnutls_session_t session)
{
	struct tls			*t = gnutls_session_get_ptr(session);
	gnutls_certificate_credentials_t cred;
	char				 name[256];
	size_t				 len = sizeof name - 1;
	unsigned int			 type;
	int				 ret;

	ret = gnutls_server_name_get(session, name, &len, &type, 0);
	if (ret < 0 || type != GNUTLS_NAME_DNS || len == 0)
		len = 0;
	name[len] = '\0';
	cred = tls_ca_cred(t->ctx->ca, len > 0 ? name : NULL,
	    gnutls_transport_get_int(session), t->err, sizeof t->err);
	if (cred == NULL)
		return GNUTLS_E_CERTIFICATE_ERROR;
	return gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
}

struct tls_server_ctx *
tls_server_ctx_ca(struct tls_ca *ca)
{
	struct tls_server_ctx	*ctx;

	tls_global_init();
	ctx = xcalloc(1, sizeof *ctx);
	ctx->ca = ca;
	return ctx;
}

struct tls *
tls_server_new(struct tls_server_ctx *ctx, int fd, char *err, size_t errlen)
{
	struct tls	*t;
	int		 ret;

	t = tls_alloc(1);
	ret = gnutls_init(&t->session, GNUTLS_SERVER | GNUTLS_NONBLOCK |
	    GNUTLS_NO_SIGNAL);
	if (ret < 0) {
		t->session = NULL;
		goto fail;
	}
	t->ctx = ctx;
	gnutls_session_set_ptr(t->session, t);
	if ((ret = gnutls_set_default_priority(t->session)) < 0)
		goto fail;
	if (ctx->ca != NULL)
		gnutls_handshake_set_post_client_hello_function(t->session,
		    tls_ca_hello);
	else if ((ret = gnutls_credentials_set(t->session,
	    GNUTLS_CRD_CERTIFICATE, ctx->cred)) < 0)
		goto fail;
	/* Asked, never required: a certificate is what EXTERNAL uses. */
	gnutls_certificate_server_set_request(t->session, GNUTLS_CERT_REQUEST);
	gnutls_transport_set_int(t->session, fd);
	return t;

fail:
	snprintf(err, errlen, "TLS set-up: %s", gnutls_strerror(ret));
	tls_free(t);
	return NULL;
}

int
tls_server_ctx_write_cert(struct tls_server_ctx *ctx, const char *path)
{
	gnutls_datum_t	 der, pem;
	FILE		*f;
	int		 ok;

	if (ctx->cred == NULL ||
	    gnutls_certificate_get_crt_raw(ctx->cred, 0, 0, &der) < 0)
		return -1;
	if (gnutls_pem_base64_encode2("CERTIFICATE", &der, &pem) < 0)
		return -1;
	if ((f = fopen(path, "w")) == NULL) {
		gnutls_free(pem.data);
		return -1;
	}
	ok = fwrite(pem.data, 1, pem.size, f) == pem.size;
	if (fclose(f) != 0)
		ok = 0;
	gnutls_free(pem.data);
	return ok ? 0 : -1;
}

/* For tls_report.c, which reads the details with GnuTLS itself. */
gnutls_session_t
tls_gnutls_session(struct tls *t)
{
	return t->session;
}

gnutls_certificate_credentials_t
tls_gnutls_cred(struct tls *t)
{
	return t->cred;
}

int
tls_is_server(const struct tls *t)
{
	return t->server;
}
