/*
 * auth_show.c: what each answer of an AUTH exchange carries, by its
 * position in the mechanism (never by what a challenge happens to say),
 * shown as a learner needs it with the secrets masked; and whether a 334
 * challenge is sound, repaired or damaged.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xmalloc.h"

#define AUTH_MASK	"********"

enum auth_part
auth_part_of(const char *mech, int n)
{
	if (mech == NULL || n < 0)
		return AUTH_PART_SECRET;
	if (strcasecmp(mech, "LOGIN") == 0)
		return n == 0 ? AUTH_PART_USER : AUTH_PART_SECRET;
	if (n > 0)
		return AUTH_PART_SECRET;	/* errors, retries: mask */
	if (strcasecmp(mech, "PLAIN") == 0)
		return AUTH_PART_PLAIN;
	if (strcasecmp(mech, "CRAM-MD5") == 0)
		return AUTH_PART_DIGEST;
	if (strcasecmp(mech, "XOAUTH2") == 0 ||
	    strcasecmp(mech, "OAUTHBEARER") == 0)
		return AUTH_PART_TOKEN;
	return AUTH_PART_SECRET;	/* unknown: assume the worst */
}

int
auth_part_is_secret(enum auth_part p)
{
	return p != AUTH_PART_USER && p != AUTH_PART_DIGEST;
}

/*
 * RFC 2195: "user SP digest", the digest 32 hex digits at the end.  Sets
 * *ulen to the user's length.  A password typed where the digest belongs
 * fails this and is then masked.
 */
static int
cram_form(const char *d, size_t len, size_t *ulen)
{
	size_t	i;

	if (len < 34 || d[len - 33] != ' ')
		return 0;
	for (i = len - 32; i < len; i++)
		if (!isxdigit((unsigned char)d[i]))
			return 0;
	*ulen = len - 33;
	return 1;
}

int
auth_answer_secret(const char *mech, int n, const char *b64, size_t len)
{
	enum auth_part	 part = auth_part_of(mech, n);
	struct buf	 d;
	size_t		 ulen;
	int		 secret;

	if (auth_part_is_secret(part))
		return 1;
	if (part != AUTH_PART_DIGEST || (len == 1 && b64[0] == '*'))
		return 0;
	buf_init(&d);
	secret = b64_decode(b64, len, &d) != 0 ||
	    !cram_form(d.data, d.len, &ulen);
	if (d.data != NULL)
		wipe(d.data, d.cap);
	buf_free(&d);
	return secret;
}

/* Append "'text'" sanitised. */
static void
quoted(struct buf *out, const char *s, size_t len)
{
	buf_addch(out, '\'');
	sanitize(out, s, len);
	buf_addch(out, '\'');
}

/* The value after key= up to the next ^A or ',' in an OAuth answer. */
static const char *
oauth_field(const char *s, size_t len, const char *key, size_t *vlen)
{
	size_t	klen = strlen(key), i;

	for (i = 0; i + klen <= len; i++) {
		if ((i == 0 || s[i - 1] == '\001' || s[i - 1] == ',') &&
		    strncmp(s + i, key, klen) == 0) {
			*vlen = strcspn(s + i + klen, "\001,");
			if (i + klen + *vlen > len)
				*vlen = len - i - klen;
			return s + i + klen;
		}
	}
	return NULL;
}

char *
auth_describe(const char *mech, int n, const char *b64, size_t len)
{
	enum auth_part	 part = auth_part_of(mech, n);
	struct buf	 d, out;
	const char	*p, *q, *end, *v;
	size_t		 vlen;

	while (len > 0 && (*b64 == ' ' || *b64 == '\t')) {
		b64++;
		len--;
	}
	buf_init(&out);
	if (len == 1 && b64[0] == '*') {
		buf_addstr(&out, "* (cancels the exchange)");
		return buf_take(&out);
	}
	buf_init(&d);
	if (b64_decode(b64, len, &d) != 0) {
		buf_printf(&out, "%s (not valid base64)",
		    auth_part_is_secret(part) ? AUTH_MASK : "as sent");
		goto done;
	}
	if (d.len == 0) {
		buf_addstr(&out, "(empty)");
		goto done;
	}
	end = d.data + d.len;
	switch (part) {
	case AUTH_PART_USER:
		buf_addstr(&out, "user ");
		quoted(&out, d.data, d.len);
		break;
	case AUTH_PART_PLAIN:
		/* RFC 4616: authzid NUL authcid NUL password. */
		p = memchr(d.data, '\0', d.len);
		q = p != NULL ? memchr(p + 1, '\0', (size_t)(end - p - 1)) :
		    NULL;
		if (p == NULL || q == NULL) {
			buf_addstr(&out, AUTH_MASK " (not PLAIN's form "
			    "authzid NUL user NUL password)");
			break;
		}
		buf_addstr(&out, "authzid ");
		quoted(&out, d.data, (size_t)(p - d.data));
		buf_addstr(&out, ", user ");
		quoted(&out, p + 1, (size_t)(q - p - 1));
		buf_addstr(&out, ", password " AUTH_MASK);
		break;
	case AUTH_PART_DIGEST:
		/*
		 * RFC 2195: user SP hex digest; the digest is not the secret,
		 * but anything else there may be (a password typed by hand).
		 */
		if (!cram_form(d.data, d.len, &vlen)) {
			buf_addstr(&out, AUTH_MASK " (not CRAM-MD5's form user "
			    "SP 32 hex digits)");
			break;
		}
		buf_addstr(&out, "user ");
		quoted(&out, d.data, vlen);
		buf_addstr(&out, ", digest ");
		sanitize(&out, d.data + vlen + 1, d.len - vlen - 1);
		break;
	case AUTH_PART_TOKEN:
		/* XOAUTH2 "user=U^A..."; OAUTHBEARER "n,a=U,^A...". */
		if ((v = oauth_field(d.data, d.len, "user=", &vlen)) == NULL)
			v = oauth_field(d.data, d.len, "a=", &vlen);
		if (v != NULL) {
			buf_addstr(&out, "user ");
			quoted(&out, v, vlen);
			buf_addstr(&out, ", token " AUTH_MASK);
		} else
			buf_addstr(&out, "token " AUTH_MASK);
		break;
	case AUTH_PART_SECRET:
		buf_addstr(&out, AUTH_MASK);
		break;
	}
done:
	if (d.data != NULL)
		wipe(d.data, d.cap);
	buf_free(&d);
	return buf_take(&out);
}

/* Levenshtein distance of two short strings, case-insensitive. */
static size_t
distance(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	row[64], i, j, prev, tmp, cost;

	if (blen >= sizeof row / sizeof row[0])
		return (size_t)-1;
	for (j = 0; j <= blen; j++)
		row[j] = j;
	for (i = 1; i <= alen; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= blen; j++) {
			tmp = row[j];
			cost = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]) ? 0 : 1;
			row[j] = row[j] + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (prev + cost < row[j])
				row[j] = prev + cost;
			prev = tmp;
		}
	}
	return row[blen];
}

/* The prompt a damaged LOGIN challenge most likely was, or NULL. */
static const char *
near_miss(const char *s, size_t len)
{
	static const char *const known[] = { "Username:", "Password:" };
	size_t	i, d, best = 4;
	const char *guess = NULL;

	if (len == 0 || len > 40)
		return NULL;
	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		d = distance(s, len, known[i], strlen(known[i]));
		if (d < best) {
			best = d;
			guess = known[i];
		}
	}
	return guess;
}

enum auth_chal
auth_challenge_check(const char *text, size_t len, struct buf *dec,
    const char **guess)
{
	struct buf	padded;
	size_t		i;
	int		rc;

	*guess = NULL;
	while (len > 0 && (*text == ' ' || *text == '\t'))
		text++, len--;
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
	    text[len - 1] == '\r'))
		len--;
	if (len == 0)
		return AUTH_CHAL_OK;
	if (b64_decode(text, len, dec) == 0)
		rc = AUTH_CHAL_OK;
	else if (len % 4 != 0) {
		/* Unpadded base64 (RFC 4648 3.2 allows it elsewhere). */
		buf_init(&padded);
		buf_add(&padded, text, len);
		while (padded.len % 4 != 0)
			buf_addch(&padded, '=');
		rc = b64_decode(padded.data, padded.len, dec) == 0 ?
		    AUTH_CHAL_UNPADDED : AUTH_CHAL_NOT_BASE64;
		buf_free(&padded);
	} else
		rc = AUTH_CHAL_NOT_BASE64;
	if (rc == AUTH_CHAL_NOT_BASE64) {
		buf_reset(dec);
		return rc;
	}
	/*
	 * Prompts are text; the caller lets binary mechanisms (NTLM,
	 * GSSAPI) through.  A damaged prompt is compared with LOGIN's two.
	 */
	for (i = 0; i < dec->len; i++)
		if ((unsigned char)dec->data[i] >= 0x80 ||
		    ((unsigned char)dec->data[i] < 0x20 &&
		    dec->data[i] != '\t'))
			break;
	if (i < dec->len) {
		*guess = near_miss(dec->data, dec->len);
		return AUTH_CHAL_NOT_TEXT;
	}
	return rc;
}

int
auth_looks_encoded(const char *line, size_t len)
{
	struct buf	d;
	size_t		i, printable = 0;
	int		yes;

	/* At least one base64 quantum, no blanks, the usual alphabet. */
	if (len < 4 || len % 4 != 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)line[i]) && line[i] != '+' &&
		    line[i] != '/' && line[i] != '=')
			return 0;
	/*
	 * ... that decodes to text, or to credentials in their wire form:
	 * PLAIN's NUL-separated fields, XOAUTH2's ^A-separated ones.
	 */
	buf_init(&d);
	yes = b64_decode(line, len, &d) == 0 && d.len > 0;
	for (i = 0; yes && i < d.len; i++) {
		if ((unsigned char)d.data[i] >= 0x20 &&
		    (unsigned char)d.data[i] < 0x7f)
			printable++;
		else if (d.data[i] != '\0' && d.data[i] != '\001' &&
		    d.data[i] != '\t' && (unsigned char)d.data[i] < 0x80)
			yes = 0;
		else if ((unsigned char)d.data[i] >= 0x80)
			yes = 0;
	}
	yes = yes && printable * 2 >= d.len;
	if (d.data != NULL)
		wipe(d.data, d.cap);
	buf_free(&d);
	return yes;
}
