/*
 * sasl: AUTH mechanisms beyond PLAIN, LOGIN, CRAM-MD5 and XOAUTH2, on GNU
 * SASL (libgsasl): SCRAM-SHA-1/256 and their -PLUS forms, DIGEST-MD5, NTLM,
 * GSSAPI and EXTERNAL; OAUTHBEARER (RFC 7628), which GNU SASL lacks, is
 * our own code.  This is the one file that sees libgsasl's types.
 *
 * A struct sasl is one exchange, client or server side.  Each step takes
 * the decoded bytes from the other side and gives the bytes to send, plus
 * what a learner should see: an explanation of what came in and the
 * answer with its password-derived parts masked.  The caller owns the
 * step's strings (sasl_step_clear wipes them); the exchange owns its copy
 * of the secret and wipes it in sasl_free.
 */
#ifndef SMTPSCOPE_SASL_H
#define SMTPSCOPE_SASL_H

#include <stddef.h>

#include "smtpscope/auth.h"

struct sasl;

/* What a mechanism needs; NULL fields are not given. */
struct sasl_params {
	enum auth_mech		 mech;
	const char		*user;		/* authentication identity */
	const char		*secret;	/* password or bearer token */
	const char		*host;		/* server host name (DIGEST-MD5,
						   GSSAPI, OAUTHBEARER) */
	const unsigned char	*cb;		/* channel binding data (-PLUS) */
	size_t			 cblen;
	const char		*cbname;	/* "tls-unique", "tls-exporter" */
};

enum sasl_status {
	SASL_MORE,		/* send out; the server speaks next */
	SASL_DONE,		/* send out (may be empty); we are satisfied */
	SASL_FAIL		/* say err; cancel the exchange with "*" */
};

/* One step's result. */
struct sasl_step {
	enum sasl_status	 status;
	char			*out;	/* bytes to send, NUL-terminated */
	size_t			 outlen;
	int			 has_out;/* 0: no initial response at all */
	int			 secret;/* out carries password-derived parts */
	char			*shown;	/* out for people: masked, readable */
	char			*note;	/* what came in, explained; or NULL */
	char			 err[256];
};

/* 1 for the mechanisms this module drives (SCRAM, DIGEST-MD5, ...). */
int	 sasl_handles(enum auth_mech);
/* 1 when the mechanism needs a password or token from the user. */
int	 sasl_needs_secret(enum auth_mech);
/* 1 when it needs TLS channel binding data (-PLUS). */
int	 sasl_needs_cb(enum auth_mech);
/* 1 when the secret itself crosses the wire readable (OAUTHBEARER). */
int	 sasl_secret_readable(enum auth_mech);

/*
 * Start a client exchange and make its initial response (RFC 4954 4).
 * Returns NULL with the reason in st->err.  On success st says whether
 * there is an initial response (has_out) and what it is.
 */
struct sasl *sasl_client_new(const struct sasl_params *,
	    struct sasl_step *);
/* Answer one server challenge (decoded bytes). */
void	 sasl_client_step(struct sasl *, const char *, size_t,
	    struct sasl_step *);
/* 1 once the server proved itself (SCRAM v=, DIGEST-MD5 rspauth). */
int	 sasl_server_proved(const struct sasl *);

/*
 * Server side (the practice server): a mechanism it offers, for one user
 * and password.  sasl_server_step takes the client's decoded bytes (len 0
 * and in NULL: no initial response) and gives the challenge to send;
 * SASL_DONE means the client proved itself.  For EXTERNAL, user is the
 * name the TLS client certificate proved, and secret is NULL.
 */
struct sasl *sasl_server_new(const struct sasl_params *, char *, size_t);
void	 sasl_server_step(struct sasl *, const char *, size_t,
	    struct sasl_step *);

void	 sasl_step_clear(struct sasl_step *);
void	 sasl_free(struct sasl *);

/*
 * Explain a decoded challenge or answer of mechanism mech for a learner:
 * a malloc'd text of one or more lines, or NULL when there is nothing to
 * say.  Used for the transcript and the sidebar; never shows a secret.
 */
char	*sasl_explain(enum auth_mech, const char *, size_t);
/* The same for a challenge whose mechanism is not known (the sidebar). */
char	*sasl_explain_guess(const char *, size_t);
/*
 * A client answer with its password-derived parts replaced by ********
 * (SCRAM p=, DIGEST-MD5 response=, OAUTHBEARER's token, NTLM's
 * responses): malloc'd, printable.  *secret is set when something was
 * masked.
 */
char	*sasl_mask_answer(enum auth_mech, const char *, size_t, int *);

#endif
