/*
 * tls_report.c: read a TLS session's details with GnuTLS (the chain the
 * server sent, the trust anchor, the stapled OCSP answer, the algorithms)
 * into a struct tls_report, and say it in lines of words.  The session
 * stays tls.c's; this file only looks.
 */
#include "config.h"

#include <sys/types.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/ocsp.h>
#include <gnutls/x509.h>

#include "smtpscope/buf.h"
#include "smtpscope/tls.h"
#include "smtpscope/tls_report.h"

#include "src/tls_internal.h"

static void
rep_time(char *out, size_t outlen, time_t when)
{
	struct tm	tm;

	*out = '\0';
	if (when == (time_t)-1 || gmtime_r(&when, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		tls_copy(out, outlen, "(unknown)");
}

/* The curve's everyday name: "P-256" rather than "SECP256R1". */
static const char *
rep_curve(gnutls_ecc_curve_t curve)
{
	switch (curve) {
	case GNUTLS_ECC_CURVE_SECP256R1:
		return "P-256";
	case GNUTLS_ECC_CURVE_SECP384R1:
		return "P-384";
	case GNUTLS_ECC_CURVE_SECP521R1:
		return "P-521";
	default:
		return gnutls_ecc_curve_get_name(curve);
	}
}

/* "RSA 2048", "ECDSA P-256", "Ed25519". */
static void
rep_key(gnutls_x509_crt_t crt, char *out, size_t outlen)
{
	gnutls_ecc_curve_t	curve;
	unsigned int		bits = 0;
	int			pk;

	pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	switch (pk) {
	case GNUTLS_PK_RSA:
	case GNUTLS_PK_RSA_PSS:
		snprintf(out, outlen, "%s %u", pk == GNUTLS_PK_RSA ? "RSA" :
		    "RSA-PSS", bits);
		break;
	case GNUTLS_PK_ECDSA:
		if (gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, NULL,
		    NULL) >= 0)
			snprintf(out, outlen, "ECDSA %s", rep_curve(curve));
		else
			snprintf(out, outlen, "ECDSA %u bits", bits);
		break;
	case GNUTLS_PK_EDDSA_ED25519:
		tls_copy(out, outlen, "Ed25519");
		break;
	case GNUTLS_PK_EDDSA_ED448:
		tls_copy(out, outlen, "Ed448");
		break;
	case GNUTLS_PK_DSA:
		snprintf(out, outlen, "DSA %u", bits);
		break;
	default:
		tls_copy(out, outlen, pk >= 0 ? gnutls_pk_get_name(pk) :
		    "(unknown)");
		if (*out == '\0')
			tls_copy(out, outlen, "(unknown)");
		break;
	}
}

/* The subject alternative names: DNS names as they are, "IP " addresses. */
static void
rep_names(gnutls_x509_crt_t crt, char *out, size_t outlen)
{
	char		name[256], item[300], ip[INET6_ADDRSTRLEN];
	size_t		namelen;
	unsigned int	critical, idx;
	int		ret;

	*out = '\0';
	for (idx = 0; idx < 100; idx++) {
		namelen = sizeof name - 1;
		ret = gnutls_x509_crt_get_subject_alt_name(crt, idx, name,
		    &namelen, &critical);
		if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
			continue;
		if (ret < 0)
			break;
		switch (ret) {
		case GNUTLS_SAN_DNSNAME:
			name[namelen < sizeof name ? namelen :
			    sizeof name - 1] = '\0';
			tls_copy(item, sizeof item, name);
			break;
		case GNUTLS_SAN_IPADDRESS:
			if (namelen == 4)
				inet_ntop(AF_INET, name, ip, sizeof ip);
			else if (namelen == 16)
				inet_ntop(AF_INET6, name, ip, sizeof ip);
			else
				tls_copy(ip, sizeof ip, "(bad address)");
			snprintf(item, sizeof item, "IP %s", ip);
			break;
		case GNUTLS_SAN_RFC822NAME:
			name[namelen < sizeof name ? namelen :
			    sizeof name - 1] = '\0';
			snprintf(item, sizeof item, "email %s", name);
			break;
		case GNUTLS_SAN_URI:
			name[namelen < sizeof name ? namelen :
			    sizeof name - 1] = '\0';
			snprintf(item, sizeof item, "URI %s", name);
			break;
		default:
			continue;
		}
		tls_append(out, outlen, ", ", item);
	}
}

/* Describe one DER certificate. */
static void
rep_cert(const gnutls_datum_t *der, struct tls_cert *c)
{
	gnutls_x509_crt_t	crt;
	gnutls_datum_t		dn;
	unsigned char		md[32];
	size_t			mdlen = sizeof md, i;
	unsigned int		ca = 0;
	char			hex[4];
	int			sig;

	memset(c, 0, sizeof *c);
	if (gnutls_fingerprint(GNUTLS_DIG_SHA256, der, md, &mdlen) >= 0)
		for (i = 0; i < mdlen; i++) {
			snprintf(hex, sizeof hex, "%02X", md[i]);
			tls_append(c->sha256, sizeof c->sha256, ":", hex);
		}
	if (gnutls_x509_crt_init(&crt) < 0)
		return;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
		tls_copy(c->subject, sizeof c->subject, "(not an X.509 "
		    "certificate GnuTLS can read)");
		gnutls_x509_crt_deinit(crt);
		return;
	}
	if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
		tls_copy(c->subject, sizeof c->subject, (char *)dn.data);
		gnutls_free(dn.data);
	}
	if (gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) >= 0) {
		tls_copy(c->issuer, sizeof c->issuer, (char *)dn.data);
		gnutls_free(dn.data);
	}
	rep_time(c->not_before, sizeof c->not_before,
	    gnutls_x509_crt_get_activation_time(crt));
	c->expires = gnutls_x509_crt_get_expiration_time(crt);
	rep_time(c->not_after, sizeof c->not_after, c->expires);
	rep_key(crt, c->key, sizeof c->key);
	sig = gnutls_x509_crt_get_signature_algorithm(crt);
	tls_copy(c->sig, sizeof c->sig, sig >= 0 ?
	    gnutls_sign_get_name(sig) : NULL);
	if (*c->sig == '\0')
		tls_copy(c->sig, sizeof c->sig, "(unknown)");
	rep_names(crt, c->names, sizeof c->names);
	c->self_signed = gnutls_x509_crt_check_issuer(crt, crt) != 0;
	c->ca = gnutls_x509_crt_get_basic_constraints(crt, NULL, &ca,
	    NULL) >= 0 && ca;
	gnutls_x509_crt_deinit(crt);
}

/*
 * The trust anchor that vouches for the chain: walking up from the leaf,
 * the first certificate a trusted one issued (or that is itself trusted).
 */
static void
rep_anchor(gnutls_certificate_credentials_t cred, const gnutls_datum_t *certs,
    unsigned int n, struct tls_report *r)
{
	gnutls_x509_trust_list_t	 tl;
	gnutls_x509_crt_t		 crt, issuer;
	gnutls_datum_t			 dn;
	unsigned int			 i;
	int				 found = 0;

	if (cred == NULL)
		return;
	gnutls_certificate_get_trust_list(cred, &tl);
	for (i = 0; i < n && !found; i++) {
		if (gnutls_x509_crt_init(&crt) < 0)
			return;
		if (gnutls_x509_crt_import(crt, &certs[i],
		    GNUTLS_X509_FMT_DER) >= 0 &&
		    gnutls_x509_trust_list_get_issuer(tl, crt, &issuer,
		    GNUTLS_TL_GET_COPY) >= 0) {
			if (gnutls_x509_crt_get_dn3(issuer, &dn, 0) >= 0) {
				tls_copy(r->anchor, sizeof r->anchor,
				    (char *)dn.data);
				gnutls_free(dn.data);
			}
			/* The server sent the anchor itself as well. */
			r->anchor_sent = gnutls_x509_crt_equals(crt, issuer);
			gnutls_x509_crt_deinit(issuer);
			found = 1;
		}
		gnutls_x509_crt_deinit(crt);
	}
}

/* The stapled OCSP response, if any, and whether it checked out. */
static void
rep_ocsp(gnutls_session_t session, struct tls_report *r)
{
	gnutls_datum_t		resp_der;
	gnutls_ocsp_resp_t	resp;
	unsigned int		status;
	time_t			this_update, next_update, rtime;
	int			ret, checked;

	r->ocsp = TLS_OCSP_NONE;
	if (gnutls_ocsp_status_request_get2(session, 0, &resp_der) < 0 ||
	    resp_der.size == 0)
		return;
	checked = gnutls_ocsp_status_request_is_checked(session, 0) != 0;
	if (gnutls_ocsp_resp_init(&resp) < 0)
		return;
	ret = gnutls_ocsp_resp_import(resp, &resp_der);
	if (ret >= 0)
		ret = gnutls_ocsp_resp_get_single(resp, 0, NULL, NULL, NULL,
		    NULL, &status, &this_update, &next_update, &rtime, NULL);
	if (ret < 0) {
		r->ocsp = TLS_OCSP_INVALID;
		snprintf(r->ocsp_why, sizeof r->ocsp_why, "cannot read it: %s",
		    gnutls_strerror(ret));
		gnutls_ocsp_resp_deinit(resp);
		return;
	}
	rep_time(r->ocsp_this, sizeof r->ocsp_this, this_update);
	if (next_update != (time_t)-1)
		rep_time(r->ocsp_next, sizeof r->ocsp_next, next_update);
	switch (status) {
	case GNUTLS_OCSP_CERT_GOOD:
		r->ocsp = TLS_OCSP_GOOD;
		break;
	case GNUTLS_OCSP_CERT_REVOKED:
		r->ocsp = TLS_OCSP_REVOKED;
		break;
	default:
		r->ocsp = TLS_OCSP_UNKNOWN;
		break;
	}
	/*
	 * GnuTLS checks a staple while verifying: a "good" it did not
	 * accept (wrong signer, stale, for another certificate) is no good.
	 */
	if (!checked && r->ocsp == TLS_OCSP_GOOD) {
		r->ocsp = TLS_OCSP_INVALID;
		tls_copy(r->ocsp_why, sizeof r->ocsp_why, "says good, but "
		    "did not check out: another signer or certificate, or "
		    "out of date");
	}
	gnutls_ocsp_resp_deinit(resp);
}

int
tls_get_report(struct tls *t, struct tls_report *r)
{
	gnutls_session_t		 session;
	const gnutls_datum_t		*certs;
	struct tls_info			 info;
	const char			*s;
	unsigned int			 n = 0, i;
	int				 group;

	memset(r, 0, sizeof *r);
	if (t == NULL || (session = tls_gnutls_session(t)) == NULL) {
		tls_copy(r->verdict, sizeof r->verdict, "no TLS session");
		return -1;
	}
	tls_get_info(t, &info);
	tls_copy(r->verdict, sizeof r->verdict, info.verdict);
	r->verified = info.verified;
	certs = gnutls_certificate_get_peers(session, &n);
	if (tls_is_server(t) || certs == NULL || n == 0) {
		if (certs == NULL || n == 0)
			tls_copy(r->verdict, sizeof r->verdict,
			    "no certificate received");
		return -1;
	}
	r->nsent = n;
	for (i = 0; i < n && i < TLS_REPORT_MAX_CERTS; i++)
		rep_cert(&certs[i], &r->certs[i]);
	r->ncerts = i;
	rep_anchor(tls_gnutls_cred(t), certs, n, r);

	/* A failed handshake has a chain but nothing negotiated. */
	if (info.version[0] != '\0') {
		tls_copy(r->version, sizeof r->version,
		    gnutls_protocol_get_name(gnutls_protocol_get_version(
		    session)));
		tls_copy(r->cipher, sizeof r->cipher,
		    gnutls_cipher_get_name(gnutls_cipher_get(session)));
		tls_copy(r->mac, sizeof r->mac,
		    gnutls_mac_get_name(gnutls_mac_get(session)));
		if (gnutls_protocol_get_version(session) == GNUTLS_TLS1_3)
			tls_copy(r->kx, sizeof r->kx, "(EC)DHE (TLS1.3)");
		else if ((s = gnutls_kx_get_name(gnutls_kx_get(session))) !=
		    NULL)
			tls_copy(r->kx, sizeof r->kx, s);
		group = gnutls_group_get(session);
		if (group != 0 && (s = gnutls_group_get_name(group)) != NULL)
			tls_copy(r->group, sizeof r->group, s);
		r->resumed = gnutls_session_is_resumed(session) != 0;
	}
	/* The staple comes with the certificate: a revoked one fails. */
	rep_ocsp(session, r);
	return 0;
}

void
tls_report_expiry(time_t expires, time_t now, char *out, size_t outlen)
{
	long long	secs = (long long)expires - (long long)now;
	long long	days;

	if (expires == (time_t)-1) {
		tls_copy(out, outlen, "expiry unknown");
		return;
	}
	if (secs < 0) {
		days = -secs / 86400;
		if (days == 0)
			tls_copy(out, outlen, "expired today");
		else
			snprintf(out, outlen, "expired %lld day%s ago", days,
			    days == 1 ? "" : "s");
		return;
	}
	days = secs / 86400;
	if (days == 0)
		tls_copy(out, outlen, "expires within a day");
	else
		snprintf(out, outlen, "expires in %lld day%s", days,
		    days == 1 ? "" : "s");
}

const char *
tls_ocsp_name(enum tls_ocsp o)
{
	switch (o) {
	case TLS_OCSP_NONE:
		return "none stapled";
	case TLS_OCSP_GOOD:
		return "good";
	case TLS_OCSP_REVOKED:
		return "revoked";
	case TLS_OCSP_UNKNOWN:
		return "unknown to the responder";
	case TLS_OCSP_INVALID:
		return "not valid";
	}
	return "?";
}

/* Old protocols and ciphers deserve a word (RFC 8996, RFC 7465). */
static const char *
rep_weak(const struct tls_report *r)
{
	if (strcmp(r->version, "TLS1.0") == 0 ||
	    strcmp(r->version, "TLS1.1") == 0 ||
	    strncmp(r->version, "SSL", 3) == 0)
		return " -- an obsolete protocol version (RFC 8996)";
	if (strncmp(r->cipher, "ARCFOUR", 7) == 0 ||
	    strstr(r->cipher, "DES") != NULL)
		return " -- a weak cipher";
	return "";
}

void
tls_report_lines(const struct tls_report *r, time_t now,
    void (*line)(void *, const char *), void *arg)
{
	const struct tls_cert	*c;
	char			 text[1024], when[48];
	const char		*role;
	size_t			 i;

	if (now == 0)
		now = time(NULL);
	if (r->version[0] != '\0') {
		snprintf(text, sizeof text, "protocol %s, cipher %s, key "
		    "exchange %s%s%s%s, MAC %s%s", r->version, r->cipher,
		    r->kx, r->group[0] != '\0' ? " (group " : "", r->group,
		    r->group[0] != '\0' ? ")" : "", r->mac, rep_weak(r));
		line(arg, text);
		line(arg, r->resumed ? "session resumed (no certificate "
		    "exchange this time)" : "new session (not resumed)");
	}
	snprintf(text, sizeof text, "certificates sent: %zu", r->nsent);
	line(arg, text);
	for (i = 0; i < r->ncerts; i++) {
		c = &r->certs[i];
		if (i == 0)
			role = "leaf";
		else if (c->self_signed)
			role = "root";
		else
			role = "intermediate";
		snprintf(text, sizeof text, "[%zu] %s: %s", i, role,
		    c->subject[0] != '\0' ? c->subject : "(no subject)");
		line(arg, text);
		snprintf(text, sizeof text, "    issuer: %s", c->issuer);
		line(arg, text);
		tls_report_expiry(c->expires, now, when, sizeof when);
		snprintf(text, sizeof text, "    valid %s to %s (%s)",
		    c->not_before, c->not_after, when);
		line(arg, text);
		snprintf(text, sizeof text, "    key %s, signed with %s%s",
		    c->key, c->sig, c->ca ? ", a CA" : "");
		line(arg, text);
		if (c->names[0] != '\0') {
			snprintf(text, sizeof text, "    names: %s", c->names);
			line(arg, text);
		}
		snprintf(text, sizeof text, "    SHA-256 %s", c->sha256);
		line(arg, text);
	}
	if (r->nsent > r->ncerts) {
		snprintf(text, sizeof text, "(%zu more not shown)",
		    r->nsent - r->ncerts);
		line(arg, text);
	}
	if (r->verified)
		snprintf(text, sizeof text, "path: ends at the trusted CA %s%s",
		    r->anchor[0] != '\0' ? r->anchor : "(unnamed)",
		    r->anchor_sent ? " (the server sent it too)" :
		    " (from the trust store)");
	else if (r->anchor[0] != '\0')
		snprintf(text, sizeof text, "path: reaches the trusted CA %s, "
		    "but: %s", r->anchor, r->verdict);
	else
		snprintf(text, sizeof text, "path: ends at no trusted CA: %s",
		    r->verdict);
	line(arg, text);
	snprintf(text, sizeof text, "OCSP staple: %s%s%s%s%s%s%s%s",
	    tls_ocsp_name(r->ocsp), r->ocsp_why[0] != '\0' ? " (" : "",
	    r->ocsp_why, r->ocsp_why[0] != '\0' ? ")" : "",
	    r->ocsp_this[0] != '\0' ? ", this update " : "", r->ocsp_this,
	    r->ocsp_next[0] != '\0' ? ", next update " : "", r->ocsp_next);
	line(arg, text);
}

static void
rep_text_line(void *arg, const char *text)
{
	buf_printf(arg, "- %s\n", text);
}

void
tls_report_text(const struct tls_report *r, struct buf *b)
{
	buf_addstr(b, "## TLS report\n");
	tls_report_lines(r, 0, rep_text_line, b);
}
