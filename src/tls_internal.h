/*
 * tls_internal.h: what src/tls.c and src/tls_ca.c share.  Only these two
 * files see GnuTLS types.
 */
#ifndef SMTPSCOPE_TLS_INTERNAL_H
#define SMTPSCOPE_TLS_INTERNAL_H

#include <gnutls/gnutls.h>

struct tls_ca;

struct tls_server_ctx {
	gnutls_certificate_credentials_t cred;	/* NULL when ca issues */
	struct tls_ca			*ca;	/* not owned */
};

/*
 * The credential for a session that asked for name (SNI) or, with name
 * NULL, connected to the local address of fd: issued by the CA at the
 * first use and kept for the CA's life.  NULL with err filled.
 */
gnutls_certificate_credentials_t tls_ca_cred(struct tls_ca *, const char *,
	    int, char *, size_t);

#endif
