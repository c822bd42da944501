/*
 * auth: SASL helpers for AUTH (RFC 4954).  Every function returns a
 * malloc'd base64 line ready to send, or NULL on bad input; the caller
 * wipes and frees it (free_secret) since it carries a secret.
 */
#ifndef SMTPSCOPE_AUTH_H
#define SMTPSCOPE_AUTH_H

#include <stddef.h>

struct buf;

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

/*
 * What credential n of an exchange carries (0: the first, be it the
 * initial response or the answer to the first 334), by its position in
 * the mechanism: LOGIN's first is the user name and every later one the
 * password; PLAIN's holds user and password; CRAM-MD5's a user and a
 * digest; XOAUTH2/OAUTHBEARER's a token.  Unknown mechanisms: a secret.
 */
enum auth_part {
	AUTH_PART_USER,
	AUTH_PART_SECRET,
	AUTH_PART_PLAIN,
	AUTH_PART_DIGEST,
	AUTH_PART_TOKEN
};
enum auth_part auth_part_of(const char *, int);
/* 1 when a part carries a secret that must be masked. */
int	 auth_part_is_secret(enum auth_part);
/*
 * 1 when credential n (base64, as sent) must be masked: its part is a
 * secret, or it is a CRAM-MD5 answer that is not user SP hex digest (a
 * password typed where the digest belongs).
 */
int	 auth_answer_secret(const char *, int, const char *, size_t);
/*
 * Credential n (base64, as sent) of mechanism mech as a learner needs it,
 * secrets masked: "authzid '', user 'alice', password ********".  Always
 * safe to show; malloc'd.
 */
char	*auth_describe(const char *, int, const char *, size_t);

/* How sound a 334 challenge is. */
enum auth_chal {
	AUTH_CHAL_OK,		/* base64 of text (or empty) */
	AUTH_CHAL_UNPADDED,	/* base64 without its '=' padding */
	AUTH_CHAL_NOT_BASE64,	/* not base64 at all: damaged */
	AUTH_CHAL_NOT_TEXT	/* decodes, but not to text */
};
/*
 * Decode challenge text into dec and judge it; for a damaged prompt,
 * *guess is what it probably meant ("Username:") or NULL.
 */
enum auth_chal auth_challenge_check(const char *, size_t, struct buf *,
	    const char **);
/* 1 when a typed answer is already base64 of printable text. */
int	 auth_looks_encoded(const char *, size_t);

#endif
