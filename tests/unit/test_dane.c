/*
 * test_dane.c: TLSA records against a chain (dane.c), on a self-signed
 * certificate for "localhost" made at start (the practice server's):
 * DANE-EE with every selector and matching type, a mismatch, DANE-TA on
 * the server's own certificate with the right and a wrong name, PKIX
 * usages and unknown parameters (unusable), no chain at all; and the
 * DNS server syntax of resolve_configure.  A chain with a CA is in
 * tests/integration/mx.sh.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "smtpscope/dane.h"
#include "smtpscope/resolve.h"
#include "smtpscope/tls.h"

#include "t.h"

static gnutls_datum_t	cert;		/* DER */
static gnutls_datum_t	spki;		/* DER SubjectPublicKeyInfo */

/* The practice server's fresh certificate, as DER, and its key's SPKI. */
static int
make_cert(void)
{
	struct tls_server_ctx	*ctx;
	gnutls_x509_crt_t	 crt;
	gnutls_pubkey_t		 pk;
	gnutls_datum_t		 pem;
	char			 path[] = "/tmp/test_dane.XXXXXX", err[256];
	FILE			*f;
	long			 len;
	int			 fd, rc = -1;

	tls_global_init();
	if ((ctx = tls_server_ctx_new(NULL, NULL, err, sizeof err)) == NULL)
		return -1;
	if ((fd = mkstemp(path)) == -1)
		goto out;
	close(fd);
	if (tls_server_ctx_write_cert(ctx, path) == -1 ||
	    (f = fopen(path, "r")) == NULL)
		goto out;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	pem.data = malloc((size_t)len);
	pem.size = (unsigned int)len;
	if (fread(pem.data, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		goto out;
	}
	fclose(f);
	if (gnutls_x509_crt_init(&crt) < 0)
		goto out;
	if (gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM) >= 0 &&
	    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &cert) >= 0 &&
	    gnutls_pubkey_init(&pk) >= 0) {
		if (gnutls_pubkey_import_x509(pk, crt, 0) >= 0 &&
		    gnutls_pubkey_export2(pk, GNUTLS_X509_FMT_DER, &spki) >= 0)
			rc = 0;
		gnutls_pubkey_deinit(pk);
	}
	gnutls_x509_crt_deinit(crt);
	free(pem.data);
out:
	unlink(path);
	tls_server_ctx_free(ctx);
	return rc;
}

/* A record of usage, selector, type over data (digested as type says). */
static void
record(struct resolve_tlsa *r, unsigned int usage, unsigned int sel,
    unsigned int mtype, unsigned char *buf)
{
	const gnutls_datum_t	*what = sel == 0 ? &cert : &spki;

	r->usage = usage;
	r->selector = sel;
	r->mtype = mtype;
	r->data = buf;
	switch (mtype) {
	case 1:
		gnutls_hash_fast(GNUTLS_DIG_SHA256, what->data, what->size,
		    buf);
		r->len = 32;
		break;
	case 2:
		gnutls_hash_fast(GNUTLS_DIG_SHA512, what->data, what->size,
		    buf);
		r->len = 64;
		break;
	default:
		memcpy(buf, what->data, what->size);
		r->len = what->size;
		break;
	}
}

static void
test_ee(void)
{
	struct resolve_tlsa	 r;
	struct dane_cert	 chain;
	struct dane_result	 res;
	unsigned char		 buf[4096];
	char			 name[64];
	unsigned int		 sel, mt;

	chain.der = cert.data;
	chain.len = cert.size;
	for (sel = 0; sel < 2; sel++)
		for (mt = 0; mt < 3; mt++) {
			record(&r, 3, sel, mt, buf);
			dane_check(&r, 1, &chain, 1, "any.name", &res);
			snprintf(name, sizeof name, "DANE-EE 3 %u %u matches, "
			    "whatever the name", sel, mt);
			OK(res.ok && res.usable == 1, name);
		}
	record(&r, 3, 1, 1, buf);
	OK(strstr(res.text, "matched TLSA 3 1 2 ") != NULL &&
	    strstr(res.text, "DANE-EE") != NULL, "the match is named");
	buf[5] ^= 1;
	dane_check(&r, 1, &chain, 1, "localhost", &res);
	OK(!res.ok && res.usable == 1, "one bit off: no match");
	OK(strstr(res.text, "no TLSA record matched the server's chain (1 "
	    "usable record)") != NULL, "the mismatch is said");
	record(&r, 3, 1, 1, buf);
	dane_check(&r, 1, &chain, 0, "localhost", &res);
	OK(!res.ok, "no chain: no match");
}

static void
test_ta_and_unusable(void)
{
	struct resolve_tlsa	 r[3];
	struct dane_cert	 chain;
	struct dane_result	 res;
	unsigned char		 b0[128], b1[128], b2[128];

	chain.der = cert.data;
	chain.len = cert.size;
	record(&r[0], 2, 0, 1, b0);
	dane_check(r, 1, &chain, 1, "localhost", &res);
	OK(res.ok, "DANE-TA on the server's own certificate, right name");
	dane_check(r, 1, &chain, 1, "mx.example", &res);
	OK(!res.ok && strstr(res.text, "not for mx.example") != NULL,
	    "DANE-TA checks the name");
	record(&r[0], 1, 1, 1, b0);
	record(&r[1], 0, 0, 1, b1);
	record(&r[2], 3, 1, 3, b2);	/* matching type 3: unknown */
	dane_check(r, 3, &chain, 1, "localhost", &res);
	OK(!res.ok && res.usable == 0, "PKIX usages and type 3: unusable");
	OK(strstr(res.text, "2 PKIX-TA/PKIX-EE, unusable for SMTP by RFC 7672 "
	    "3.1.3; 1 of unknown parameters") != NULL, "said why");
	record(&r[2], 3, 1, 1, b2);
	dane_check(r, 3, &chain, 1, "localhost", &res);
	OK(res.ok, "a usable record among unusable ones matches");
}

static void
test_configure(void)
{
	char	err[256];

	OK(resolve_configure("127.0.0.1", NULL, err, sizeof err) == 0,
	    "--dns ADDR");
	OK(resolve_configure("127.0.0.1:5353", NULL, err, sizeof err) == 0,
	    "--dns ADDR:PORT");
	OK(resolve_configure("::1", NULL, err, sizeof err) == 0,
	    "--dns ADDR6");
	OK(resolve_configure("[::1]:5353", NULL, err, sizeof err) == 0,
	    "--dns [ADDR6]:PORT");
	OK(resolve_configure("[::1]x", NULL, err, sizeof err) == -1,
	    "--dns [ADDR6]x: bad");
	OK(resolve_configure("127.0.0.1:0", NULL, err, sizeof err) == -1,
	    "--dns port 0: bad");
	OK(resolve_configure("127.0.0.1:99999", NULL, err, sizeof err) == -1,
	    "--dns port too big: bad");
	OK(resolve_configure("dns.example", NULL, err, sizeof err) == -1,
	    "--dns name: bad (a resolver is named by address)");
	EQ_STR(err, "--dns: bad DNS server 'dns.example' (use ADDR, "
	    "ADDR:PORT or [ADDR6]:PORT)", "the message");
	(void)resolve_configure(NULL, NULL, err, sizeof err);
}

int
main(void)
{
	if (make_cert() == -1) {
		OK(0, "make a certificate");
		return t_done();
	}
	test_ee();
	test_ta_and_unusable();
	test_configure();
	gnutls_free(cert.data);
	gnutls_free(spki.data);
	return t_done();
}
