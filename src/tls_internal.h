/*
 * tls_internal.h: the GnuTLS objects behind a struct tls, for the modules
 * that read a session's details with GnuTLS (tls_report.c) and nobody else.
 * The void pointers are a gnutls_session_t and a
 * gnutls_certificate_credentials_t; the session keeps owning both.
 */
#ifndef SMTPSCOPE_TLS_INTERNAL_H
#define SMTPSCOPE_TLS_INTERNAL_H

struct tls;

void	*tls_gnutls_session(struct tls *);
void	*tls_gnutls_cred(struct tls *);
/* 1 on the server side. */
int	 tls_is_server(const struct tls *);

#endif
