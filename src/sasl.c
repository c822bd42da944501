/*
 * sasl.c: SASL exchanges on GNU SASL, client and server side; OAUTHBEARER
 * by hand.  The one file that includes <gsasl.h>.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsasl.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/sasl.h"
#include "smtpscope/xmalloc.h"

#define SM_SECRET	0x01	/* needs a password or token */
#define SM_CB		0x02	/* needs channel binding data */
#define SM_FIRST	0x04	/* client speaks first (initial response) */
#define SM_OWN		0x08	/* our code, not GNU SASL's */
#define SM_READABLE	0x10	/* the secret crosses the wire as is */
#define SM_PROVES	0x20	/* the server proves it knows the password */

static const struct sasl_mech {
	enum auth_mech	 mech;
	const char	*name;		/* GNU SASL's name */
	int		 flags;
} sasl_mechs[] = {
	{ AUTH_SCRAM_SHA_1, "SCRAM-SHA-1", SM_SECRET | SM_FIRST | SM_PROVES },
	{ AUTH_SCRAM_SHA_1_PLUS, "SCRAM-SHA-1-PLUS",
	  SM_SECRET | SM_FIRST | SM_PROVES | SM_CB },
	{ AUTH_SCRAM_SHA_256, "SCRAM-SHA-256",
	  SM_SECRET | SM_FIRST | SM_PROVES },
	{ AUTH_SCRAM_SHA_256_PLUS, "SCRAM-SHA-256-PLUS",
	  SM_SECRET | SM_FIRST | SM_PROVES | SM_CB },
	/* RFC 2831: the server speaks first. */
	{ AUTH_DIGEST_MD5, "DIGEST-MD5", SM_SECRET | SM_PROVES },
	{ AUTH_NTLM, "NTLM", SM_SECRET | SM_FIRST },
	{ AUTH_OAUTHBEARER, "OAUTHBEARER",
	  SM_SECRET | SM_FIRST | SM_OWN | SM_READABLE },
	{ AUTH_EXTERNAL, "EXTERNAL", SM_FIRST },
	{ AUTH_GSSAPI, "GSSAPI", SM_FIRST }
};

struct sasl {
	const struct sasl_mech	*m;
	int			 server;
	Gsasl_session		*gs;
	char			*user;
	char			*secret;
	char			*host;
	char			*cnonce;	/* SCRAM: our nonce, to explain */
	int			 step;
	int			 proved;
	int			 done;		/* said SASL_DONE already */
};

/* No mechanism here needs more rounds than this (NTLM and GSSAPI most). */
#define SASL_MAX_STEPS	16
/*
 * SCRAM: the server picks the iteration count (RFC 5802 5.1, i=) and the
 * client hashes the password that many times in one call nothing can
 * interrupt: i=4294967295 would hold smtpscope, the UI included, for
 * hours, past any --timeout.  Servers ask for 4096 (RFC 7677 4) up to some
 * hundred thousand; past this the exchange is cancelled.
 */
#define SCRAM_ITER_MAX	1000000

static Gsasl	*sasl_ctx;
static int	 sasl_init_rc = GSASL_OK;

static const struct sasl_mech *
sasl_find(enum auth_mech mech)
{
	size_t	i;

	for (i = 0; i < sizeof sasl_mechs / sizeof sasl_mechs[0]; i++)
		if (sasl_mechs[i].mech == mech)
			return &sasl_mechs[i];
	return NULL;
}

static int
sasl_flag(enum auth_mech mech, int flag)
{
	const struct sasl_mech	*m = sasl_find(mech);

	return m != NULL && (m->flags & flag) != 0;
}

int
sasl_handles(enum auth_mech mech)
{
	return sasl_find(mech) != NULL;
}

int
sasl_needs_secret(enum auth_mech mech)
{
	return sasl_flag(mech, SM_SECRET);
}

int
sasl_needs_cb(enum auth_mech mech)
{
	return sasl_flag(mech, SM_CB);
}

int
sasl_secret_readable(enum auth_mech mech)
{
	return sasl_flag(mech, SM_READABLE);
}

/*
 * GNU SASL asks for what it was not given.  Clients are given everything
 * up front; the server side hands out the password only for its one user,
 * and accepts EXTERNAL only for the name the certificate proved.
 */
static int
sasl_callback(Gsasl *ctx, Gsasl_session *gs, Gsasl_property prop)
{
	struct sasl	*s = gsasl_session_hook_get(gs);
	const char	*authid, *authzid;

	(void)ctx;
	if (s == NULL || !s->server)
		return GSASL_NO_CALLBACK;
	switch (prop) {
	case GSASL_PASSWORD:
		authid = gsasl_property_fast(gs, GSASL_AUTHID);
		if (s->secret == NULL || authid == NULL ||
		    strcmp(authid, s->user) != 0)
			return GSASL_NO_CALLBACK;
		return gsasl_property_set(gs, GSASL_PASSWORD, s->secret);
	case GSASL_VALIDATE_EXTERNAL:
		/* RFC 4422 A.1: an empty authzid means "who I proved". */
		authzid = gsasl_property_fast(gs, GSASL_AUTHZID);
		if (s->user == NULL || *s->user == '\0')
			return GSASL_AUTHENTICATION_ERROR;
		if (authzid != NULL && *authzid != '\0' &&
		    strcmp(authzid, s->user) != 0)
			return GSASL_AUTHENTICATION_ERROR;
		return GSASL_OK;
	default:
		return GSASL_NO_CALLBACK;
	}
}

/* gsasl_init once for the process; -1 with err when it failed. */
static int
sasl_global(char *err, size_t errlen)
{
	if (sasl_ctx == NULL && sasl_init_rc == GSASL_OK) {
		sasl_init_rc = gsasl_init(&sasl_ctx);
		if (sasl_init_rc == GSASL_OK)
			gsasl_callback_set(sasl_ctx, sasl_callback);
		else
			sasl_ctx = NULL;
	}
	if (sasl_ctx == NULL) {
		snprintf(err, errlen, "GNU SASL: %s",
		    gsasl_strerror(sasl_init_rc));
		return -1;
	}
	return 0;
}

void
sasl_step_clear(struct sasl_step *st)
{
	if (st->out != NULL)
		wipe(st->out, st->outlen);
	free(st->out);
	free(st->shown);
	free(st->note);
	memset(st, 0, sizeof *st);
}

void
sasl_free(struct sasl *s)
{
	if (s == NULL)
		return;
	if (s->gs != NULL)
		gsasl_finish(s->gs);
	free_secret(s->secret);
	free(s->user);
	free(s->host);
	free(s->cnonce);
	free(s);
}

/* Fill in how the bytes to send look to a person. */
static void
sasl_show(struct sasl *s, struct sasl_step *st)
{
	int	masked = 0;

	st->shown = sasl_mask_answer(s->m->mech, st->out, st->outlen,
	    &masked);
	st->secret = masked;
}

/* Take GNU SASL's output into st (a copy we can wipe). */
static void
sasl_take(struct sasl_step *st, char *out, size_t outlen)
{
	st->out = xmalloc(outlen + 1);
	if (outlen > 0)
		memcpy(st->out, out, outlen);
	st->out[outlen] = '\0';
	st->outlen = outlen;
	st->has_out = 1;
	if (out != NULL) {
		wipe(out, outlen);
		gsasl_free(out);
	}
}

/* Append one RFC 7628 saslname, "," and "=" escaped (RFC 5801 4). */
static void
sasl_add_saslname(struct buf *b, const char *name)
{
	for (; *name != '\0'; name++) {
		if (*name == ',')
			buf_addstr(b, "=2C");
		else if (*name == '=')
			buf_addstr(b, "=3D");
		else
			buf_addch(b, *name);
	}
}

/* OAUTHBEARER (RFC 7628 3.1), which GNU SASL does not have. */
static void
sasl_oauthbearer(struct sasl *s, const char *in, size_t inlen,
    struct sasl_step *st)
{
	struct buf	b;

	buf_init(&b);
	if (s->step++ == 0) {
		buf_addstr(&b, "n,a=");
		sasl_add_saslname(&b, s->user);
		buf_addstr(&b, ",\001");
		if (s->host != NULL && *s->host != '\0')
			buf_printf(&b, "host=%s\001", s->host);
		buf_printf(&b, "auth=Bearer %s\001\001", s->secret);
		st->status = SASL_MORE;
	} else {
		/* RFC 7628 3.2.3: an error document; answer with ^A. */
		(void)in;
		(void)inlen;
		buf_addch(&b, '\001');
		st->status = SASL_MORE;
	}
	st->outlen = b.len;
	st->out = buf_take(&b);
	st->has_out = 1;
}

/* Remember SCRAM's client nonce from our client-first message. */
static void
sasl_keep_cnonce(struct sasl *s, const char *out, size_t len)
{
	const char	*p, *end = out + len;

	for (p = out; p + 3 <= end; p++)
		if ((p == out || p[-1] == ',') && p[0] == 'r' && p[1] == '=') {
			const char	*v = p + 2, *e = v;

			while (e < end && *e != ',')
				e++;
			free(s->cnonce);
			s->cnonce = xstrndup(v, (size_t)(e - v));
			return;
		}
}

/* A note on a SCRAM server-first message, with what we know. */
static char *
sasl_scram_note(struct sasl *s, const char *in, size_t len)
{
	char	*base, *note;
	size_t	 n;

	base = sasl_explain(s->m->mech, in, len);
	if (base == NULL || s->cnonce == NULL || len < 2 ||
	    memcmp(in, "r=", 2) != 0)
		return base;
	n = strlen(s->cnonce);
	if (len - 2 >= n && memcmp(in + 2, s->cnonce, n) == 0)
		note = xprintf("%s\nThe nonce starts with ours (%s); the "
		    "server added the rest.", base, s->cnonce);
	else
		note = xprintf("%s\nThe nonce does not start with ours (%s): "
		    "a broken or replayed exchange.", base, s->cnonce);
	free(base);
	return note;
}

static int
sasl_is_scram(const struct sasl *s)
{
	return s->m->mech == AUTH_SCRAM_SHA_1 ||
	    s->m->mech == AUTH_SCRAM_SHA_256 ||
	    s->m->mech == AUTH_SCRAM_SHA_1_PLUS ||
	    s->m->mech == AUTH_SCRAM_SHA_256_PLUS;
}

/*
 * The iteration count of a SCRAM server-first message: 0 when there is
 * none, SCRAM_ITER_MAX + 1 for anything past SCRAM_ITER_MAX.
 */
static unsigned long
sasl_scram_iter(const char *in, size_t len)
{
	const char	*p, *end = in + len;
	unsigned long	 n = 0;

	if (len < 2 || memcmp(in, "r=", 2) != 0)
		return 0;
	for (p = in + 1; p + 2 <= end; p++) {
		if (p[-1] != ',' || p[0] != 'i' || p[1] != '=')
			continue;
		for (p += 2; p < end && *p >= '0' && *p <= '9'; p++) {
			n = n * 10 + (unsigned long)(*p - '0');
			if (n > SCRAM_ITER_MAX)
				return SCRAM_ITER_MAX + 1;
		}
		return n;
	}
	return 0;
}

/* One gsasl_step, the result in st. */
static void
sasl_gstep(struct sasl *s, const char *in, size_t inlen,
    struct sasl_step *st)
{
	char	*out = NULL;
	size_t	 outlen = 0;
	int	 rc;

	rc = gsasl_step(s->gs, in, inlen, &out, &outlen);
	s->step++;
	if (rc == GSASL_OK || rc == GSASL_NEEDS_MORE) {
		sasl_take(st, out, outlen);
		st->status = rc == GSASL_OK ? SASL_DONE : SASL_MORE;
		if (rc == GSASL_OK && inlen > 0 && (s->m->flags & SM_PROVES))
			s->proved = 1;
		return;
	}
	if (out != NULL)
		gsasl_free(out);
	st->status = SASL_FAIL;
	if ((s->m->flags & SM_PROVES) && !s->server && s->step > 2 &&
	    rc == GSASL_AUTHENTICATION_ERROR)
		snprintf(st->err, sizeof st->err, "the server's proof does not "
		    "match: it does not know your password (an impostor, or "
		    "a damaged message)");
	else
		snprintf(st->err, sizeof st->err, "%s: %s", s->m->name,
		    gsasl_strerror(rc));
}

/* Copy the parameters both sides keep. */
static struct sasl *
sasl_alloc(const struct sasl_params *sp, int server)
{
	struct sasl	*s;

	s = xcalloc(1, sizeof *s);
	s->m = sasl_find(sp->mech);
	s->server = server;
	s->user = xstrdup(sp->user != NULL ? sp->user : "");
	if (sp->secret != NULL)
		s->secret = xstrdup(sp->secret);
	if (sp->host != NULL)
		s->host = xstrdup(sp->host);
	return s;
}

/* Hand channel binding data to GNU SASL, base64 as it wants it. */
static int
sasl_set_cb(struct sasl *s, const struct sasl_params *sp, char *err,
    size_t errlen)
{
	char	*b64;

	if (sp->cb == NULL || sp->cblen == 0 || sp->cbname == NULL) {
		snprintf(err, errlen, "%s needs TLS channel binding data: "
		    "send STARTTLS first", s->m->name);
		return -1;
	}
	b64 = b64_encode(sp->cb, sp->cblen);
	gsasl_property_set(s->gs, strcmp(sp->cbname, "tls-exporter") == 0 ?
	    GSASL_CB_TLS_EXPORTER : GSASL_CB_TLS_UNIQUE, b64);
	free(b64);
	return 0;
}

struct sasl *
sasl_client_new(const struct sasl_params *sp, struct sasl_step *st)
{
	struct sasl	*s;
	int		 rc;

	memset(st, 0, sizeof *st);
	if (sasl_find(sp->mech) == NULL) {
		snprintf(st->err, sizeof st->err, "%s is not a GNU SASL "
		    "mechanism here", auth_mech_name(sp->mech));
		return NULL;
	}
	s = sasl_alloc(sp, 0);
	if ((s->m->flags & SM_SECRET) && s->secret == NULL) {
		snprintf(st->err, sizeof st->err, "%s needs a %s",
		    s->m->name, (s->m->flags & SM_READABLE) ? "token" :
		    "password");
		goto fail;
	}
	if (s->m->flags & SM_OWN) {
		sasl_oauthbearer(s, NULL, 0, st);
		sasl_show(s, st);
		return s;
	}
	if (sasl_global(st->err, sizeof st->err) == -1)
		goto fail;
	if ((rc = gsasl_client_start(sasl_ctx, s->m->name, &s->gs)) !=
	    GSASL_OK) {
		s->gs = NULL;
		snprintf(st->err, sizeof st->err, "GNU SASL cannot start %s: "
		    "%s", s->m->name, gsasl_strerror(rc));
		goto fail;
	}
	gsasl_session_hook_set(s->gs, s);
	/* EXTERNAL's name is whom to act as; the certificate proves. */
	if (*s->user != '\0')
		gsasl_property_set(s->gs, s->m->mech == AUTH_EXTERNAL ?
		    GSASL_AUTHZID : GSASL_AUTHID, s->user);
	if (s->secret != NULL)
		gsasl_property_set(s->gs, GSASL_PASSWORD, s->secret);
	gsasl_property_set(s->gs, GSASL_SERVICE, "smtp");
	if (s->host != NULL)
		gsasl_property_set(s->gs, GSASL_HOSTNAME, s->host);
	/* Only -PLUS gets binding data: with it SCRAM would send "y". */
	if ((s->m->flags & SM_CB) &&
	    sasl_set_cb(s, sp, st->err, sizeof st->err) == -1)
		goto fail;
	if (!(s->m->flags & SM_FIRST)) {
		st->status = SASL_MORE;
		return s;
	}
	sasl_gstep(s, NULL, 0, st);
	if (st->status == SASL_FAIL)
		goto fail;
	if (s->m->mech != AUTH_DIGEST_MD5)
		sasl_keep_cnonce(s, st->out, st->outlen);
	sasl_show(s, st);
	return s;

fail:
	st->status = SASL_FAIL;
	sasl_free(s);
	return NULL;
}

void
sasl_client_step(struct sasl *s, const char *in, size_t inlen,
    struct sasl_step *st)
{
	memset(st, 0, sizeof *st);
	if (s->done || s->step >= SASL_MAX_STEPS) {
		st->status = SASL_FAIL;
		snprintf(st->err, sizeof st->err, "the server asks for more "
		    "after the exchange %s", s->done ? "ended on our side" :
		    "went on too long");
		return;
	}
	if (sasl_is_scram(s))
		st->note = sasl_scram_note(s, in, inlen);
	else
		st->note = sasl_explain(s->m->mech, in, inlen);
	if (sasl_is_scram(s) && sasl_scram_iter(in, inlen) > SCRAM_ITER_MAX) {
		st->status = SASL_FAIL;
		snprintf(st->err, sizeof st->err, "the server asks for more "
		    "than %d iterations (i=): hashing the password that often "
		    "would hold smtpscope for minutes or hours",
		    SCRAM_ITER_MAX);
		return;
	}
	if (s->m->flags & SM_OWN)
		sasl_oauthbearer(s, in, inlen, st);
	else
		sasl_gstep(s, in, inlen, st);
	if (st->status != SASL_FAIL)
		sasl_show(s, st);
	if (st->status == SASL_DONE)
		s->done = 1;
}

int
sasl_server_proved(const struct sasl *s)
{
	return s != NULL && s->proved;
}

struct sasl *
sasl_server_new(const struct sasl_params *sp, char *err, size_t errlen)
{
	struct sasl	*s;
	int		 rc;

	if (sasl_find(sp->mech) == NULL || (sasl_find(sp->mech)->flags &
	    SM_OWN)) {
		snprintf(err, errlen, "%s: not offered here",
		    auth_mech_name(sp->mech));
		return NULL;
	}
	if (sasl_global(err, errlen) == -1)
		return NULL;
	s = sasl_alloc(sp, 1);
	if ((rc = gsasl_server_start(sasl_ctx, s->m->name, &s->gs)) !=
	    GSASL_OK) {
		s->gs = NULL;
		snprintf(err, errlen, "GNU SASL cannot serve %s: %s",
		    s->m->name, gsasl_strerror(rc));
		sasl_free(s);
		return NULL;
	}
	gsasl_session_hook_set(s->gs, s);
	gsasl_property_set(s->gs, GSASL_SERVICE, "smtp");
	if (s->host != NULL)
		gsasl_property_set(s->gs, GSASL_HOSTNAME, s->host);
	if ((s->m->flags & SM_CB) && sasl_set_cb(s, sp, err, errlen) == -1) {
		sasl_free(s);
		return NULL;
	}
	return s;
}

void
sasl_server_step(struct sasl *s, const char *in, size_t inlen,
    struct sasl_step *st)
{
	memset(st, 0, sizeof *st);
	sasl_gstep(s, in, inlen, st);
}
