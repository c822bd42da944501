/*
 * test_tls_report.c: the TLS report in words from a filled record: the
 * expiry phrases around their edges, each certificate's lines, the path's
 * end (verified, reached but failed, no anchor) and the OCSP staple.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/tls_report.h"

#include "t.h"

static void
collect(void *arg, const char *text)
{
	buf_printf(arg, "%s\n", text);
}

static void
test_expiry(void)
{
	char	s[64];
	time_t	now = 1000000000;

	tls_report_expiry(now + 30 * 86400 + 5, now, s, sizeof s);
	EQ_STR(s, "expires in 30 days", "expiry: 30 days");
	tls_report_expiry(now + 86400, now, s, sizeof s);
	EQ_STR(s, "expires in 1 day", "expiry: one day");
	tls_report_expiry(now + 60, now, s, sizeof s);
	EQ_STR(s, "expires within a day", "expiry: within a day");
	tls_report_expiry(now - 60, now, s, sizeof s);
	EQ_STR(s, "expired today", "expiry: just expired");
	tls_report_expiry(now - 3 * 86400, now, s, sizeof s);
	EQ_STR(s, "expired 3 days ago", "expiry: 3 days ago");
	tls_report_expiry((time_t)-1, now, s, sizeof s);
	EQ_STR(s, "expiry unknown", "expiry: unknown");
}

static void
test_lines(void)
{
	struct tls_report	r;
	struct buf		b;
	const char		*s;
	time_t			now = 1000000000;

	memset(&r, 0, sizeof r);
	snprintf(r.version, sizeof r.version, "TLS1.2");
	snprintf(r.cipher, sizeof r.cipher, "AES-128-GCM");
	snprintf(r.kx, sizeof r.kx, "ECDHE-RSA");
	snprintf(r.group, sizeof r.group, "X25519");
	snprintf(r.mac, sizeof r.mac, "AEAD");
	r.nsent = r.ncerts = 2;
	snprintf(r.certs[0].subject, sizeof r.certs[0].subject, "CN=mx.test");
	snprintf(r.certs[0].issuer, sizeof r.certs[0].issuer, "CN=Inter");
	snprintf(r.certs[0].key, sizeof r.certs[0].key, "RSA 2048");
	snprintf(r.certs[0].sig, sizeof r.certs[0].sig, "RSA-SHA256");
	snprintf(r.certs[0].names, sizeof r.certs[0].names,
	    "mx.test, IP 192.0.2.1");
	r.certs[0].expires = now + 10 * 86400;
	snprintf(r.certs[1].subject, sizeof r.certs[1].subject, "CN=Inter");
	r.certs[1].ca = 1;
	r.certs[1].expires = now - 2 * 86400;
	r.verified = 1;
	snprintf(r.anchor, sizeof r.anchor, "CN=Root");
	r.ocsp = TLS_OCSP_GOOD;
	snprintf(r.ocsp_this, sizeof r.ocsp_this, "2001-09-09 01:46 UTC");
	snprintf(r.ocsp_next, sizeof r.ocsp_next, "2001-09-16 01:46 UTC");

	buf_init(&b);
	tls_report_lines(&r, now, collect, &b);
	s = buf_str(&b);
	OK(strstr(s, "protocol TLS1.2, cipher AES-128-GCM, key exchange "
	    "ECDHE-RSA (group X25519), MAC AEAD\n") != NULL, "lines: protocol");
	OK(strstr(s, "new session (not resumed)\n") != NULL, "lines: resumed");
	OK(strstr(s, "certificates sent: 2\n") != NULL, "lines: count");
	OK(strstr(s, "[0] leaf: CN=mx.test\n") != NULL, "lines: leaf");
	OK(strstr(s, "[1] intermediate: CN=Inter\n") != NULL,
	    "lines: intermediate");
	OK(strstr(s, "(expires in 10 days)") != NULL, "lines: leaf expiry");
	OK(strstr(s, "(expired 2 days ago)") != NULL, "lines: expired");
	OK(strstr(s, "key RSA 2048, signed with RSA-SHA256\n") != NULL,
	    "lines: key");
	OK(strstr(s, ", a CA\n") != NULL, "lines: CA said");
	OK(strstr(s, "names: mx.test, IP 192.0.2.1\n") != NULL,
	    "lines: names with an IP");
	OK(strstr(s, "path: ends at the trusted CA CN=Root (from the trust "
	    "store)\n") != NULL, "lines: anchor");
	OK(strstr(s, "OCSP staple: good, this update 2001-09-09 01:46 UTC, "
	    "next update 2001-09-16 01:46 UTC\n") != NULL, "lines: OCSP good");

	r.verified = 0;
	snprintf(r.verdict, sizeof r.verdict, "expired on X");
	r.ocsp = TLS_OCSP_NONE;
	r.ocsp_this[0] = r.ocsp_next[0] = '\0';
	snprintf(r.version, sizeof r.version, "TLS1.0");
	buf_reset(&b);
	tls_report_lines(&r, now, collect, &b);
	s = buf_str(&b);
	OK(strstr(s, "path: reaches the trusted CA CN=Root, but: expired on "
	    "X\n") != NULL, "lines: anchor reached, not verified");
	OK(strstr(s, "OCSP staple: none stapled\n") != NULL, "lines: no OCSP");
	OK(strstr(s, "obsolete protocol version") != NULL,
	    "lines: old protocol named");

	r.anchor[0] = '\0';
	snprintf(r.verdict, sizeof r.verdict, "self-signed (not trusted)");
	r.nsent = 10;
	buf_reset(&b);
	tls_report_lines(&r, now, collect, &b);
	s = buf_str(&b);
	OK(strstr(s, "path: ends at no trusted CA: self-signed (not "
	    "trusted)\n") != NULL, "lines: no anchor");
	OK(strstr(s, "(8 more not shown)\n") != NULL, "lines: more sent");

	buf_reset(&b);
	tls_report_text(&r, &b);
	OK(strncmp(buf_str(&b), "## TLS report\n- ", 16) == 0,
	    "text: sidebar layout");
	buf_free(&b);
}

int
main(void)
{
	test_expiry();
	test_lines();
	return t_done();
}
