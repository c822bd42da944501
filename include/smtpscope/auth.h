/*
 * auth: SASL helpers for AUTH (RFC 4954).  Every function returns a
 * malloc'd base64 line ready to send, or NULL on bad input; the caller
 * wipes and frees it (free_secret) since it carries a secret.
 */
#ifndef SMTPSCOPE_AUTH_H
#define SMTPSCOPE_AUTH_H

#include <stddef.h>

enum auth_mech {
	AUTH_PLAIN,
	AUTH_LOGIN,
	AUTH_CRAM_MD5,
	AUTH_XOAUTH2,
	/* Driven by src/sasl.c (GNU SASL). */
	AUTH_SCRAM_SHA_1,
	AUTH_SCRAM_SHA_1_PLUS,
	AUTH_SCRAM_SHA_256,
	AUTH_SCRAM_SHA_256_PLUS,
	AUTH_DIGEST_MD5,
	AUTH_NTLM,
	AUTH_OAUTHBEARER,
	AUTH_EXTERNAL,
	AUTH_GSSAPI
};

/* Parse a mechanism name ("plain", "SCRAM-SHA-256"); -1 when unknown. */
int	 auth_mech_parse(const char *);
const char *auth_mech_name(enum auth_mech);
/* RFC 4616: base64("" NUL user NUL pass). */
char	*auth_plain(const char *, const char *);
/* RFC 2195: base64(user SP hex(HMAC-MD5(pass, challenge))). */
char	*auth_cram_md5(const char *, const char *, const char *, size_t);
/* Vendor XOAUTH2: base64("user=" U ^A "auth=Bearer " T ^A ^A). */
char	*auth_xoauth2(const char *, const char *);
/*
 * Look at a decoded 334 challenge: 1 when it asks for a password (any
 * casing, common languages), 0 otherwise.
 */
int	 auth_prompt_is_password(const char *, size_t);
/* 1 when a decoded 334 challenge asks for a user name. */
int	 auth_prompt_is_username(const char *, size_t);

#endif
