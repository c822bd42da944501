/*
 * tls_internal.h: what src/tls.c shares with src/tls_ca.c (the practice
 * CA) and src/tls_report.c (a session's details read with GnuTLS).  Only
 * these files see GnuTLS types.
 */
#ifndef SMTPSCOPE_TLS_INTERNAL_H
#define SMTPSCOPE_TLS_INTERNAL_H

#include <gnutls/gnutls.h>

struct tls;
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

/*
 * The GnuTLS objects behind a struct tls, for tls_report.c; the session
 * keeps owning them.  The credentials are NULL on the server side.
 */
gnutls_session_t tls_gnutls_session(struct tls *);
gnutls_certificate_credentials_t tls_gnutls_cred(struct tls *);
/* 1 on the server side. */
int	 tls_is_server(const struct tls *);
/* Fixed fields of tls_info and tls_report: a copy, a list, cut to fit. */
void	 tls_copy(char *, size_t, const char *);
void	 tls_append(char *, size_t, const char *, const char *);

#endif
