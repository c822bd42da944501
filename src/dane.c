/*
 * dane.c: TLSA records against a certificate chain (RFC 6698, 7671, 7672).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "smtpscope/dane.h"

/* Longest chain looked at; a longer one is cut. */
#define DANE_MAX_CHAIN	16

void
dane_record_str(const struct resolve_tlsa *r, char *out, size_t outlen)
{
	char	hex[40];
	size_t	i;

	hex[0] = '\0';
	for (i = 0; i < r->len && i < 16; i++)
		snprintf(hex + 2 * i, sizeof hex - 2 * i, "%02x", r->data[i]);
	snprintf(out, outlen, "%u %u %u %s%s", r->usage, r->selector,
	    r->mtype, hex, r->len > 16 ? "..." : "");
}

/*
 * The octets selector picks from the certificate (0: all of it, 1: the
 * SubjectPublicKeyInfo) into *out (gnutls_free it when *alloc).
 */
static int
dane_select(unsigned int selector, const struct dane_cert *c,
    gnutls_datum_t *out, int *alloc)
{
	gnutls_x509_crt_t	crt;
	gnutls_pubkey_t		pk;
	gnutls_datum_t		der;
	int			rc = -1;

	*alloc = 0;
	if (selector == 0) {
		out->data = (unsigned char *)c->der;
		out->size = (unsigned int)c->len;
		return 0;
	}
	der.data = (unsigned char *)c->der;
	der.size = (unsigned int)c->len;
	if (gnutls_x509_crt_init(&crt) < 0)
		return -1;
	if (gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER) < 0)
		goto out;
	if (gnutls_pubkey_init(&pk) < 0)
		goto out;
	if (gnutls_pubkey_import_x509(pk, crt, 0) >= 0 &&
	    gnutls_pubkey_export2(pk, GNUTLS_X509_FMT_DER, out) >= 0) {
		*alloc = 1;
		rc = 0;
	}
	gnutls_pubkey_deinit(pk);
out:
	gnutls_x509_crt_deinit(crt);
	return rc;
}

/* 1 when the record's association data is that of the certificate. */
static int
dane_match(const struct resolve_tlsa *r, const struct dane_cert *c)
{
	gnutls_datum_t	sel;
	unsigned char	h[64];
	int		alloc, match = 0;

	if (dane_select(r->selector, c, &sel, &alloc) == -1)
		return 0;
	switch (r->mtype) {
	case 0:
		match = r->len == sel.size &&
		    memcmp(r->data, sel.data, sel.size) == 0;
		break;
	case 1:
		match = r->len == 32 && gnutls_hash_fast(GNUTLS_DIG_SHA256,
		    sel.data, sel.size, h) == 0 && memcmp(h, r->data, 32) == 0;
		break;
	case 2:
		match = r->len == 64 && gnutls_hash_fast(GNUTLS_DIG_SHA512,
		    sel.data, sel.size, h) == 0 && memcmp(h, r->data, 64) == 0;
		break;
	}
	if (alloc)
		gnutls_free(sel.data);
	return match;
}

/*
 * DANE-TA: chain[ta] matched.  Check the chain below it with it as the
 * only trust anchor, and the server's name.  0 ok, else -1 with why.
 */
static int
dane_ta_verify(const struct dane_cert *chain, size_t ta, const char *name,
    char *why, size_t whylen)
{
	gnutls_x509_trust_list_t	 tl = NULL;
	gnutls_x509_crt_t		 crts[DANE_MAX_CHAIN], anchor = NULL;
	gnutls_datum_t			 der;
	unsigned int			 status = 0;
	size_t				 i, n = 0;
	int				 rc = -1;

	for (i = 0; i <= ta; i++) {
		der.data = (unsigned char *)chain[i].der;
		der.size = (unsigned int)chain[i].len;
		if (gnutls_x509_crt_init(&crts[n]) < 0)
			goto out;
		n++;
		if (gnutls_x509_crt_import(crts[n - 1], &der,
		    GNUTLS_X509_FMT_DER) < 0) {
			snprintf(why, whylen, "certificate %zu cannot be "
			    "read", i);
			goto out;
		}
	}
	if (ta == 0) {
		/* The server's own certificate is the anchor. */
		status = 0;
	} else {
		if (gnutls_x509_trust_list_init(&tl, 0) < 0 ||
		    gnutls_x509_crt_init(&anchor) < 0)
			goto out;
		der.data = (unsigned char *)chain[ta].der;
		der.size = (unsigned int)chain[ta].len;
		if (gnutls_x509_crt_import(anchor, &der,
		    GNUTLS_X509_FMT_DER) < 0 ||
		    gnutls_x509_trust_list_add_cas(tl, &anchor, 1, 0) != 1)
			goto out;
		anchor = NULL;	/* the list owns it now */
		if (gnutls_x509_trust_list_verify_crt(tl, crts,
		    (unsigned int)ta, 0, &status, NULL) < 0) {
			snprintf(why, whylen, "the chain cannot be checked");
			goto out;
		}
	}
	if (status != 0) {
		gnutls_datum_t	out;

		if (gnutls_certificate_verification_status_print(status,
		    GNUTLS_CRT_X509, &out, 0) >= 0) {
			snprintf(why, whylen, "the chain below it does not "
			    "verify: %s", (char *)out.data);
			gnutls_free(out.data);
		} else
			snprintf(why, whylen, "the chain below it does not "
			    "verify");
		goto out;
	}
	if (name == NULL || *name == '\0' ||
	    !gnutls_x509_crt_check_hostname(crts[0], name)) {
		snprintf(why, whylen, "the server's certificate is not for "
		    "%s", name != NULL ? name : "(no name)");
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	if (anchor != NULL)
		gnutls_x509_crt_deinit(anchor);
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);
	return rc;
}

void
dane_check(const struct resolve_tlsa *recs, size_t nrecs,
    const struct dane_cert *chain, size_t nchain, const char *name,
    struct dane_result *res)
{
	char	rec[96], why[256], first_why[320];
	size_t	i, k;
	int	pkix = 0, unknown = 0;

	memset(res, 0, sizeof *res);
	first_why[0] = '\0';
	if (nchain > DANE_MAX_CHAIN)
		nchain = DANE_MAX_CHAIN;
	for (i = 0; i < nrecs && !res->ok; i++) {
		const struct resolve_tlsa	*r = &recs[i];

		if (r->usage == 0 || r->usage == 1) {
			pkix++;
			continue;
		}
		if (r->usage > 3 || r->selector > 1 || r->mtype > 2) {
			unknown++;
			continue;
		}
		res->usable++;
		dane_record_str(r, rec, sizeof rec);
		if (nchain == 0)
			continue;
		if (r->usage == 3) {
			if (dane_match(r, &chain[0])) {
				res->ok = 1;
				snprintf(res->text, sizeof res->text,
				    "matched TLSA %s (DANE-EE: the server's "
				    "%s; names and dates are not checked, RFC "
				    "7672 3.1.1)", rec, r->selector == 1 ?
				    "public key" : "certificate");
			}
			continue;
		}
		/* DANE-TA: the anchor is in the chain the server sent. */
		for (k = 0; k < nchain; k++) {
			if (!dane_match(r, &chain[k]))
				continue;
			if (dane_ta_verify(chain, k, name, why,
			    sizeof why) == 0) {
				res->ok = 1;
				snprintf(res->text, sizeof res->text,
				    "matched TLSA %s (DANE-TA: certificate %zu "
				    "of the chain is the anchor; the chain "
				    "and the name %s verify)", rec, k, name);
			} else if (first_why[0] == '\0')
				snprintf(first_why, sizeof first_why,
				    "TLSA %.60s matched certificate %zu, but "
				    "%.200s", rec, k, why);
			break;
		}
	}
	if (res->ok)
		return;
	if (res->usable == 0)
		snprintf(res->text, sizeof res->text, "no usable TLSA record "
		    "(%d PKIX-TA/PKIX-EE, unusable for SMTP by RFC 7672 "
		    "3.1.3; %d of unknown parameters)", pkix, unknown);
	else if (first_why[0] != '\0')
		snprintf(res->text, sizeof res->text, "no TLSA record matched: "
		    "%s", first_why);
	else
		snprintf(res->text, sizeof res->text, "no TLSA record matched "
		    "the server's chain (%d usable record%s%s)", res->usable,
		    res->usable > 1 ? "s" : "", pkix > 0 ?
		    "; PKIX-TA/PKIX-EE ones are unusable for SMTP, RFC 7672 "
		    "3.1.3" : "");
}
