/* auth.c: SASL answers for AUTH and recognising what a 334 prompt asks. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/xmalloc.h"

static const char *const auth_names[] = {
	"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2",
	/* src/sasl.c */
	"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256",
	"SCRAM-SHA-256-PLUS", "DIGEST-MD5", "NTLM", "OAUTHBEARER", "EXTERNAL",
	"GSSAPI"
};

int
auth_mech_parse(const char *s)
{
	size_t	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof auth_names / sizeof auth_names[0]; i++)
		if (strcasecmp(s, auth_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
auth_mech_name(enum auth_mech m)
{
	if ((size_t)m >= sizeof auth_names / sizeof auth_names[0])
		return "?";
	return auth_names[m];
}

/* Encode a buffer holding a secret, then wipe and free the buffer. */
static char *
auth_encode(struct buf *b)
{
	char	*s;

	s = b64_encode(b->data, b->len);
	wipe(b->data, b->len);
	buf_free(b);
	return s;
}

/* RFC 4616 2: message = [authzid] UTF8NUL authcid UTF8NUL passwd. */
char *
auth_plain(const char *user, const char *pass)
{
	struct buf	b;

	if (user == NULL || pass == NULL)
		return NULL;
	buf_init(&b);
	buf_addch(&b, '\0');
	buf_addstr(&b, user);
	buf_addch(&b, '\0');
	buf_addstr(&b, pass);
	return auth_encode(&b);
}

/* RFC 2195 2: the answer is the user name, a space and the hex digest. */
char *
auth_cram_md5(const char *user, const char *pass, const char *challenge,
    size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 digest[16];
	struct buf		 b;
	size_t			 i;

	if (user == NULL || pass == NULL || challenge == NULL)
		return NULL;
	if (gnutls_hmac_fast(GNUTLS_MAC_MD5, pass, strlen(pass), challenge,
	    len, digest) != 0)
		return NULL;
	buf_init(&b);
	buf_addstr(&b, user);
	buf_addch(&b, ' ');
	for (i = 0; i < sizeof digest; i++) {
		buf_addch(&b, hex[digest[i] >> 4]);
		buf_addch(&b, hex[digest[i] & 0xf]);
	}
	wipe(digest, sizeof digest);
	return auth_encode(&b);
}

/* The vendor format: "user=" U ^A "auth=Bearer " T ^A ^A. */
char *
auth_xoauth2(const char *user, const char *token)
{
	struct buf	b;

	if (user == NULL || token == NULL)
		return NULL;
	buf_init(&b);
	buf_addstr(&b, "user=");
	buf_addstr(&b, user);
	buf_addstr(&b, "\001auth=Bearer ");
	buf_addstr(&b, token);
	buf_addstr(&b, "\001\001");
	return auth_encode(&b);
}

/*
 * Fold one character for a case-insensitive search: ASCII letters, and
 * the two-byte UTF-8 forms of Latin-1 capitals (U+00C0..U+00DE without
 * U+00D7), Greek and Cyrillic capitals that are one step from their small
 * letters.  Returns the octets consumed; out gets the folded octets.
 */
static size_t
auth_fold(const unsigned char *p, size_t len, unsigned char out[2])
{
	if (p[0] >= 'A' && p[0] <= 'Z') {
		out[0] = p[0] + ('a' - 'A');
		return 1;
	}
	if (p[0] < 0x80 || len < 2) {
		out[0] = p[0];
		return 1;
	}
	out[0] = p[0];
	out[1] = p[1];
	if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0x9e && p[1] != 0x97)
		out[1] = p[1] + 0x20;			/* Latin-1 */
	else if (p[0] == 0xc5 && p[1] == 0x81)
		out[1] = 0x82;				/* Polish L stroke */
	else if (p[0] == 0xd0 && p[1] >= 0x90 && p[1] <= 0x9f) {
		out[1] = p[1] + 0x20;			/* Cyrillic A..P */
	} else if (p[0] == 0xd0 && p[1] >= 0xa0 && p[1] <= 0xaf) {
		out[0] = 0xd1;				/* Cyrillic R..YA */
		out[1] = p[1] - 0x20;
	}
	return 2;
}

/* Fold a whole string into b. */
static void
auth_fold_all(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned char		 f[2];
	size_t			 i = 0, n;

	while (i < len) {
		n = auth_fold(p + i, len - i, f);
		buf_add(b, f, n);
		i += n;
	}
}

/* Is word somewhere in hay[0..len) (which may hold NUL bytes)? */
static int
auth_contains(const char *hay, size_t len, const char *word)
{
	size_t	n = strlen(word), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (memcmp(hay + i, word, n) == 0)
			return 1;
	return 0;
}

/* Does the folded text contain one of the (small-letter) words? */
static int
auth_match(const char *text, size_t len, const char *const *words)
{
	struct buf	b;
	size_t		i;
	int		found = 0;

	if (text == NULL || len == 0)
		return 0;
	buf_init(&b);
	auth_fold_all(&b, text, len);
	for (i = 0; words[i] != NULL && !found; i++)
		if (auth_contains(b.data, b.len, words[i]))
			found = 1;
	buf_free(&b);
	return found;
}

/* Words, in small letters, that prompts for a password use. */
static const char *const auth_password_words[] = {
	"password", "passwort", "passwd", "passphrase", "pass phrase",
	"mot de passe", "contrase\xc3\xb1" "a", "senha", "wachtwoord",
	"l\xc3\xb6senord", "losenord", "passord", "adgangskode",
	"salasana", "parola", "jelsz\xc3\xb3", "heslo", "has\xc5\x82o",
	"\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c",	/* Russian */
	"\xe5\xaf\x86\xe7\xa0\x81",				/* Chinese */
	"\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89",
	"secret", "pin:",
	NULL
};

/* Words, in small letters, that prompts for a user name use. */
static const char *const auth_username_words[] = {
	"username", "user name", "user", "benutzername", "benutzer",
	"nom d'utilisateur", "utilisateur", "usuario", "usu\xc3\xa1rio",
	"gebruikersnaam", "anv\xc3\xa4ndarnamn", "brukernavn", "brugernavn",
	"utente", "login", "account", "e-mail", "email",
	NULL
};

int
auth_prompt_is_password(const char *text, size_t len)
{
	return auth_match(text, len, auth_password_words);
}

/* A prompt naming both ("Password for user x") asks for the password. */
int
auth_prompt_is_username(const char *text, size_t len)
{
	if (auth_prompt_is_password(text, len))
		return 0;
	return auth_match(text, len, auth_username_words);
}
