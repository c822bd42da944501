/*
 * sasl_explain.c: what the messages of SCRAM, DIGEST-MD5, NTLM, GSSAPI,
 * EXTERNAL and OAUTHBEARER say, in words, and client answers with their
 * password-derived parts masked.  No library here: these read bytes.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/sasl.h"
#include "smtpscope/xmalloc.h"

#define SASL_MASK	"********"

static int
is_scram(enum auth_mech m)
{
	return m == AUTH_SCRAM_SHA_1 || m == AUTH_SCRAM_SHA_1_PLUS ||
	    m == AUTH_SCRAM_SHA_256 || m == AUTH_SCRAM_SHA_256_PLUS;
}

/*
 * Find key=value in a comma-separated list (SCRAM attributes, DIGEST-MD5
 * directives, whose values may be quoted).  Returns the value's start and
 * length without quotes, or NULL.
 */
static const char *
kv_find(const char *d, size_t len, const char *key, size_t *vlen)
{
	size_t	 klen = strlen(key), i = 0, j;
	int	 quoted;

	while (i < len) {
		while (i < len && (d[i] == ' ' || d[i] == ','))
			i++;
		if (len - i > klen && memcmp(d + i, key, klen) == 0 &&
		    d[i + klen] == '=') {
			i += klen + 1;
			quoted = i < len && d[i] == '"';
			if (quoted)
				i++;
			for (j = i; j < len; j++) {
				if (quoted && d[j] == '\\' && j + 1 < len)
					j++;
				else if (quoted ? d[j] == '"' : d[j] == ',')
					break;
			}
			*vlen = j - i;
			return d + i;
		}
		/* Skip to the next directive, minding quotes. */
		quoted = 0;
		while (i < len && (quoted || d[i] != ',')) {
			if (d[i] == '"')
				quoted = !quoted;
			i++;
		}
	}
	return NULL;
}

/* Append " key=value" from d, sanitised, or nothing. */
static int
kv_add(struct buf *b, const char *label, const char *d, size_t len,
    const char *key)
{
	const char	*v;
	size_t		 n;

	if ((v = kv_find(d, len, key, &n)) == NULL)
		return 0;
	buf_printf(b, "- %s: ", label);
	sanitize(b, v, n);
	buf_addch(b, '\n');
	return 1;
}

static void
explain_scram(struct buf *b, const char *d, size_t len)
{
	const char	*v;
	struct buf	 salt;
	size_t		 n;

	if (len >= 2 && memcmp(d, "r=", 2) == 0) {
		buf_addstr(b, "SCRAM server-first message (RFC 5802 5.1):\n");
		kv_add(b, "nonce r= (ours, then the server's part)", d, len,
		    "r");
		if ((v = kv_find(d, len, "s", &n)) != NULL) {
			buf_init(&salt);
			buf_addstr(b, "- salt s=: ");
			sanitize(b, v, n);
			if (b64_decode(v, n, &salt) == 0)
				buf_printf(b, " (base64 of %zu octets)",
				    salt.len);
			else
				buf_addstr(b, " (not valid base64)");
			buf_addch(b, '\n');
			buf_free(&salt);
		}
		if ((v = kv_find(d, len, "i", &n)) != NULL) {
			buf_addstr(b, "- iteration count i=: ");
			sanitize(b, v, n);
			buf_addch(b, '\n');
		}
		buf_addstr(b, "The password is hashed with the salt that many "
		    "times (PBKDF2); only a proof made from the result, p=, "
		    "is sent, and it is masked here.");
	} else if (len >= 2 && memcmp(d, "v=", 2) == 0) {
		buf_addstr(b, "SCRAM server-final message: the server "
		    "signature v=");
		sanitize(b, d + 2, len - 2);
		buf_addstr(b, " proves the server knows the key derived from "
		    "your password (RFC 5802 5.1).");
	} else if (len >= 2 && memcmp(d, "e=", 2) == 0) {
		buf_addstr(b, "SCRAM error from the server: ");
		sanitize(b, d + 2, len - 2);
		buf_addstr(b, " (RFC 5802 7).");
	}
}

static void
explain_digest(struct buf *b, const char *d, size_t len)
{
	const char	*v;
	size_t		 n;

	if ((v = kv_find(d, len, "rspauth", &n)) != NULL) {
		buf_addstr(b, "DIGEST-MD5 rspauth=");
		sanitize(b, v, n);
		buf_addstr(b, ": the server's proof that it knows your "
		    "password (RFC 2831 2.1.3).");
		return;
	}
	buf_addstr(b, "DIGEST-MD5 challenge (RFC 2831 2.1.1):\n");
	kv_add(b, "realm", d, len, "realm");
	kv_add(b, "server nonce", d, len, "nonce");
	kv_add(b, "quality of protection offered", d, len, "qop");
	kv_add(b, "algorithm", d, len, "algorithm");
	buf_addstr(b, "The answer carries an MD5 digest of user, realm, "
	    "password and both nonces as response=, masked here.");
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* An NTLM security buffer at off: the field's bytes, or NULL. */
static const unsigned char *
ntlm_field(const unsigned char *p, size_t len, size_t off, size_t *flen)
{
	size_t	n, at;

	if (off + 8 > len)
		return NULL;
	n = (size_t)p[off] | (size_t)p[off + 1] << 8;
	at = le32(p + off + 4);
	if (at > len || n > len - at)
		return NULL;
	*flen = n;
	return p + at;
}

/* Append an NTLM name field, UTF-16LE or OEM, as printable text. */
static void
ntlm_add_name(struct buf *b, const unsigned char *p, size_t len,
    size_t off, int unicode)
{
	const unsigned char	*f;
	size_t			 n, i;

	buf_addch(b, '"');
	if ((f = ntlm_field(p, len, off, &n)) != NULL)
		for (i = 0; i < n; i += unicode ? 2 : 1) {
			unsigned char	c = f[i];

			if (unicode && i + 1 < n && f[i + 1] != 0)
				c = '?';
			buf_addch(b, c >= 0x20 && c < 0x7f ? (char)c : '?');
		}
	buf_addch(b, '"');
}

/* Message type of an NTLMSSP message, or 0. */
static uint32_t
ntlm_type(const unsigned char *p, size_t len)
{
	if (len < 12 || memcmp(p, "NTLMSSP", 8) != 0)
		return 0;
	return le32(p + 8);
}

static void
explain_ntlm(struct buf *b, const char *d, size_t len)
{
	const unsigned char	*p = (const unsigned char *)d;
	uint32_t		 flags;
	size_t			 i;

	if (ntlm_type(p, len) != 2 || len < 32) {
		buf_printf(b, "NTLM: %zu octets that are not a challenge "
		    "(type 2) message.", len);
		return;
	}
	flags = le32(p + 20);
	buf_addstr(b, "NTLM challenge message (type 2):\n- server "
	    "challenge: ");
	for (i = 24; i < 32; i++)
		buf_printf(b, "%02x", p[i]);
	buf_addstr(b, "\n- target: ");
	ntlm_add_name(b, p, len, 12, flags & 1);
	buf_printf(b, "\n- flags: 0x%08x\nThe answer (type 3) carries "
	    "responses computed from your password hash and this challenge; "
	    "they are masked here.", (unsigned int)flags);
}

char *
sasl_explain(enum auth_mech mech, const char *d, size_t len)
{
	struct buf	b;

	if (d == NULL)
		len = 0;
	buf_init(&b);
	if (is_scram(mech))
		explain_scram(&b, d, len);
	else if (mech == AUTH_DIGEST_MD5 && len > 0)
		explain_digest(&b, d, len);
	else if (mech == AUTH_NTLM && len > 0)
		explain_ntlm(&b, d, len);
	else if (mech == AUTH_OAUTHBEARER && len > 0) {
		buf_addstr(&b, "OAUTHBEARER error from the server: ");
		sanitize(&b, d, len);
		buf_addstr(&b, "\nThe token was refused; the client answers "
		    "with a single ^A and the server ends with an error "
		    "(RFC 7628 3.2.3).");
	} else if (mech == AUTH_GSSAPI && len > 0)
		buf_printf(&b, "GSSAPI: %zu octets of Kerberos token from the "
		    "server (RFC 4752).", len);
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

char *
sasl_explain_guess(const char *d, size_t len)
{
	size_t	n;

	if (d == NULL || len == 0)
		return NULL;
	if (len > 2 && d[1] == '=' && (d[0] == 'v' || d[0] == 'e' ||
	    (d[0] == 'r' && kv_find(d, len, "s", &n) != NULL &&
	    kv_find(d, len, "i", &n) != NULL)))
		return sasl_explain(AUTH_SCRAM_SHA_256, d, len);
	if (kv_find(d, len, "nonce", &n) != NULL &&
	    (kv_find(d, len, "realm", &n) != NULL ||
	    kv_find(d, len, "qop", &n) != NULL))
		return sasl_explain(AUTH_DIGEST_MD5, d, len);
	if (kv_find(d, len, "rspauth", &n) != NULL)
		return sasl_explain(AUTH_DIGEST_MD5, d, len);
	if (ntlm_type((const unsigned char *)d, len) == 2)
		return sasl_explain(AUTH_NTLM, d, len);
	return NULL;
}

/* Copy d to b sanitised, with the value of key (to sep) masked. */
static int
mask_value(struct buf *b, const char *d, size_t len, const char *key,
    char sep)
{
	size_t		 klen = strlen(key), i, j;

	for (i = 0; i + klen <= len; i++)
		if (memcmp(d + i, key, klen) == 0)
			break;
	if (i + klen > len) {
		sanitize(b, d, len);
		return 0;
	}
	sanitize(b, d, i + klen);
	buf_addstr(b, SASL_MASK);
	for (j = i + klen; j < len && d[j] != sep; j++)
		;
	sanitize(b, d + j, len - j);
	return 1;
}

static void
mask_ntlm(struct buf *b, const char *d, size_t len, int *secret)
{
	const unsigned char	*p = (const unsigned char *)d;
	int			 unicode;

	switch (ntlm_type(p, len)) {
	case 1:
		buf_printf(b, "NTLM negotiate message (type 1, %zu octets)",
		    len);
		break;
	case 3:
		unicode = len >= 64 && (le32(p + 60) & 1);
		buf_addstr(b, "NTLM authenticate message (type 3): user ");
		ntlm_add_name(b, p, len, 36, unicode);
		buf_addstr(b, ", domain ");
		ntlm_add_name(b, p, len, 28, unicode);
		buf_addstr(b, ", workstation ");
		ntlm_add_name(b, p, len, 44, unicode);
		buf_addstr(b, ", LM and NT responses " SASL_MASK);
		*secret = 1;
		break;
	default:
		buf_printf(b, "%zu octets " SASL_MASK, len);
		*secret = 1;
		break;
	}
}

char *
sasl_mask_answer(enum auth_mech mech, const char *d, size_t len,
    int *secret)
{
	struct buf	b;

	*secret = 0;
	if (d == NULL)
		len = 0;
	buf_init(&b);
	if (is_scram(mech))
		*secret = mask_value(&b, d, len, ",p=", ',');
	else if (mech == AUTH_DIGEST_MD5)
		*secret = mask_value(&b, d, len, "response=", ',');
	else if (mech == AUTH_OAUTHBEARER) {
		/* Anything but the lone ^A after an error is a secret. */
		*secret = mask_value(&b, d, len, "auth=Bearer ", '\001') ||
		    !(len == 1 && d[0] == '\001');
	} else if (mech == AUTH_NTLM)
		mask_ntlm(&b, d, len, secret);
	else if (mech == AUTH_EXTERNAL)
		buf_addstr(&b, len == 0 ? "empty: act as the identity of "
		    "the TLS client certificate" : "");
	else if (mech == AUTH_GSSAPI && len > 0) {
		buf_printf(&b, "GSSAPI token, %zu octets " SASL_MASK, len);
		*secret = 1;
	}
	if (mech == AUTH_EXTERNAL && len > 0) {
		buf_addstr(&b, "authorization identity ");
		sanitize(&b, d, len);
	}
	return buf_take(&b);
}
