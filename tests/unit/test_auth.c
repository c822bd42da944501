/* test_auth.c: SASL answers and prompt detection. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/xmalloc.h"

#include "t.h"

#define PW(s)	auth_prompt_is_password((s), strlen(s))
#define USER(s)	auth_prompt_is_username((s), strlen(s))

/* Decode s (which must be valid) into b. */
static void
decode(struct buf *b, const char *s)
{
	buf_reset(b);
	if (s == NULL || b64_decode(s, strlen(s), b) != 0)
		buf_addstr(b, "(invalid)");
}

static void
test_mechs(void)
{
	EQ_INT(auth_mech_parse("plain"), AUTH_PLAIN, "plain");
	EQ_INT(auth_mech_parse("LOGIN"), AUTH_LOGIN, "LOGIN");
	EQ_INT(auth_mech_parse("Cram-MD5"), AUTH_CRAM_MD5, "Cram-MD5");
	EQ_INT(auth_mech_parse("xoauth2"), AUTH_XOAUTH2, "xoauth2");
	EQ_INT(auth_mech_parse("kerberos5"), -1, "unknown");
	EQ_INT(auth_mech_parse("scram-sha-256"), AUTH_SCRAM_SHA_256,
	    "scram-sha-256");
	EQ_INT(auth_mech_parse("GSSAPI"), AUTH_GSSAPI, "GSSAPI");
	EQ_INT(auth_mech_parse(""), -1, "empty");
	EQ_INT(auth_mech_parse(NULL), -1, "NULL");
	EQ_INT(auth_mech_parse("plainx"), -1, "no prefix match");
	EQ_STR(auth_mech_name(AUTH_PLAIN), "PLAIN", "name PLAIN");
	EQ_STR(auth_mech_name(AUTH_CRAM_MD5), "CRAM-MD5", "name CRAM-MD5");
	EQ_STR(auth_mech_name(AUTH_XOAUTH2), "XOAUTH2", "name XOAUTH2");
	EQ_STR(auth_mech_name((enum auth_mech)42), "?", "name out of range");
}

static void
test_answers(void)
{
	struct buf	 b;
	char		*s;

	buf_init(&b);
	s = auth_plain("alice", "secret");
	EQ_STR(s, "AGFsaWNlAHNlY3JldA==", "PLAIN alice/secret");
	free_secret(s);
	s = auth_plain("", "");
	EQ_STR(s, "AAA=", "PLAIN empty user and password");
	free_secret(s);
	s = auth_plain("tim", "p\xc3\xa4ss");
	decode(&b, s);
	EQ_MEM(b.data, b.len, "\0tim\0p\xc3\xa4ss", 10, "PLAIN UTF-8 kept");
	free_secret(s);
	OK(auth_plain(NULL, "x") == NULL, "PLAIN NULL user");
	OK(auth_plain("x", NULL) == NULL, "PLAIN NULL password");

	/* RFC 2195 2 example. */
	s = auth_cram_md5("tim", "tanstaaftanstaaf",
	    "<1896.697170952@postoffice.reston.mci.net>", 42);
	decode(&b, s);
	EQ_STR(buf_str(&b), "tim b913a602c7eda7a495b4e6e7334d3890",
	    "CRAM-MD5 RFC 2195 vector");
	EQ_STR(s, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw",
	    "CRAM-MD5 RFC 2195 base64");
	free_secret(s);
	s = auth_cram_md5("u", "", "", 0);
	decode(&b, s);
	/* HMAC-MD5 with empty key and message (RFC 2104 construction). */
	EQ_STR(buf_str(&b), "u 74e6f7298a9c2d168935f58c001bad88",
	    "CRAM-MD5 empty key and challenge");
	free_secret(s);
	OK(auth_cram_md5(NULL, "p", "c", 1) == NULL, "CRAM NULL user");
	OK(auth_cram_md5("u", NULL, "c", 1) == NULL, "CRAM NULL pass");
	OK(auth_cram_md5("u", "p", NULL, 0) == NULL, "CRAM NULL challenge");

	s = auth_xoauth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg");
	EQ_STR(s, "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5Ln"
	    "ZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==",
	    "XOAUTH2 documented example");
	free_secret(s);
	s = auth_xoauth2("u", "t");
	decode(&b, s);
	EQ_STR(buf_str(&b), "user=u\001auth=Bearer t\001\001", "XOAUTH2 form");
	free_secret(s);
	OK(auth_xoauth2(NULL, "t") == NULL, "XOAUTH2 NULL user");
	OK(auth_xoauth2("u", NULL) == NULL, "XOAUTH2 NULL token");
	buf_free(&b);
}

static void
test_prompts(void)
{
	static const char *const pw[] = {
		"Password:", "password", "PASSWORD:", "Passwort:",
		"Mot de passe :", "Contrase\xc3\xb1" "a:", "CONTRASE\xc3\x91" "A",
		"Senha:", "Wachtwoord:", "L\xc3\xb6senord:", "L\xc3\x96SENORD",
		"passwd", "Enter passphrase", "Has\xc5\x82o:", "HAS\xc5\x81O",
		"\xd0\x9f\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c:",
		"\xd0\x9f\xd0\x90\xd0\xa0\xd0\x9e\xd0\x9b\xd0\xac",
		"Password for user alice:", "Login password:", "Parola:"
	};
	static const char *const user[] = {
		"Username:", "username", "USERNAME:", "User Name", "User:",
		"Benutzername:", "Nom d'utilisateur :", "Usuario:",
		"Usu\xc3\xa1rio:", "login", "Login:", "Gebruikersnaam:",
		"Anv\xc3\xa4ndarnamn:", "E-mail address:"
	};
	static const char *const neither[] = {
		"", "Go ahead", "<1896.697170952@postoffice.reston.mci.net>",
		"{\"status\":\"401\",\"schemes\":\"Bearer\"}", "ok"
	};
	char	name[80];
	size_t	i;

	for (i = 0; i < sizeof pw / sizeof pw[0]; i++) {
		snprintf(name, sizeof name, "password prompt %zu", i);
		OK(PW(pw[i]), name);
		snprintf(name, sizeof name, "password prompt %zu not user", i);
		OK(!USER(pw[i]), name);
	}
	for (i = 0; i < sizeof user / sizeof user[0]; i++) {
		snprintf(name, sizeof name, "user prompt %zu", i);
		OK(USER(user[i]), name);
		snprintf(name, sizeof name, "user prompt %zu not password", i);
		OK(!PW(user[i]), name);
	}
	for (i = 0; i < sizeof neither / sizeof neither[0]; i++) {
		snprintf(name, sizeof name, "neither prompt %zu", i);
		OK(!PW(neither[i]) && !USER(neither[i]), name);
	}
	OK(auth_prompt_is_password("x\0Password:", 11), "NUL before word");
	OK(!auth_prompt_is_password("Password:", 4), "length respected");
	OK(!auth_prompt_is_password(NULL, 0), "NULL text");
}

/* describe(mech, n, b64) == want */
static void
describe_is(const char *mech, int n, const char *b64, const char *want,
    const char *name)
{
	char	*got = auth_describe(mech, n, b64, strlen(b64));

	EQ_STR(got, want, name);
	free(got);
}

/* Masking by position, never by what a challenge says. */
static void
test_positions(void)
{
	EQ_INT(auth_part_of("LOGIN", 0), AUTH_PART_USER, "LOGIN 1st: user");
	EQ_INT(auth_part_of("login", 1), AUTH_PART_SECRET,
	    "LOGIN 2nd: the password");
	EQ_INT(auth_part_of("LOGIN", 2), AUTH_PART_SECRET,
	    "LOGIN 3rd (a repeated Username:): still masked");
	EQ_INT(auth_part_of("PLAIN", 0), AUTH_PART_PLAIN, "PLAIN: both");
	EQ_INT(auth_part_of("XOAUTH2", 0), AUTH_PART_TOKEN, "XOAUTH2 token");
	EQ_INT(auth_part_of("OAUTHBEARER", 0), AUTH_PART_TOKEN,
	    "OAUTHBEARER token");
	EQ_INT(auth_part_of("CRAM-MD5", 0), AUTH_PART_DIGEST, "CRAM digest");
	EQ_INT(auth_part_of("FROB", 0), AUTH_PART_SECRET,
	    "unknown mechanism: masked");
	OK(auth_part_is_secret(AUTH_PART_PLAIN) &&
	    auth_part_is_secret(AUTH_PART_TOKEN) &&
	    !auth_part_is_secret(AUTH_PART_USER), "which parts are secret");

	/* "\0alice\0secret" and friends. */
	describe_is("PLAIN", 0, "AGFsaWNlAHNlY3JldA==",
	    "authzid '', user 'alice', password ********", "PLAIN structure");
	describe_is("PLAIN", 0, "Ym9zcwBhbGljZQBzZWNyZXQ=",
	    "authzid 'boss', user 'alice', password ********",
	    "PLAIN with an authzid");
	describe_is("PLAIN", 0, "c2VjcmV0",
	    "******** (not PLAIN's form authzid NUL user NUL password)",
	    "PLAIN without NULs: masked whole");
	describe_is("LOGIN", 0, "YWxpY2U=", "user 'alice'", "LOGIN user");
	describe_is("LOGIN", 1, "c2VjcmV0", "********", "LOGIN password");
	describe_is("CRAM-MD5", 0,
	    "YWxpY2UgYjkxM2E2MDJjN2VkYTdhNDk1YjRlNmU3MzM0ZDM4OTA=",
	    "user 'alice', digest b913a602c7eda7a495b4e6e7334d3890",
	    "CRAM-MD5 user and digest");
	/* "alice hunter2pw": a password typed where the digest belongs. */
	describe_is("CRAM-MD5", 0, "YWxpY2UgaHVudGVyMnB3",
	    "******** (not CRAM-MD5's form user SP 32 hex digits)",
	    "CRAM-MD5 answer without a digest: masked whole");
	describe_is("CRAM-MD5", 0, "aHVudGVyMnB3",
	    "******** (not CRAM-MD5's form user SP 32 hex digits)",
	    "CRAM-MD5 answer without a space: masked whole");
	OK(auth_answer_secret("CRAM-MD5", 0, "YWxpY2UgaHVudGVyMnB3", 20),
	    "CRAM-MD5 answer without a digest is a secret");
	OK(!auth_answer_secret("CRAM-MD5", 0,
	    "YWxpY2UgYjkxM2E2MDJjN2VkYTdhNDk1YjRlNmU3MzM0ZDM4OTA=", 52),
	    "CRAM-MD5 user and digest: no secret");
	OK(!auth_answer_secret("CRAM-MD5", 0, "*", 1), "CRAM-MD5 cancel");
	OK(auth_answer_secret("LOGIN", 1, "YWxpY2U=", 8), "LOGIN 2nd: secret");
	OK(!auth_answer_secret("LOGIN", 0, "YWxpY2U=", 8), "LOGIN 1st: none");
	describe_is("XOAUTH2", 0,
	    "dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2tlbgEB",
	    "user 'alice', token ********", "XOAUTH2 user, token masked");
	describe_is("LOGIN", 1, "not base64!", "******** (not valid base64)",
	    "a damaged secret answer stays masked");
	describe_is("LOGIN", 0, "*", "* (cancels the exchange)", "cancel");
}

/* Challenges: sound, unpadded, damaged. */
static void
test_challenges(void)
{
	struct buf	 d;
	const char	*guess;

	buf_init(&d);
	EQ_INT(auth_challenge_check("VXNlcm5hbWU6", 12, &d, &guess),
	    AUTH_CHAL_OK, "Username: is sound");
	buf_reset(&d);
	EQ_INT(auth_challenge_check("VXNlcm5hbWU", 11, &d, &guess),
	    AUTH_CHAL_UNPADDED, "unpadded base64 decodes, with a note");
	EQ_MEM(d.data, d.len, "Username", 8, "unpadded: what it says");
	buf_reset(&d);
	EQ_INT(auth_challenge_check("VXNlcm57uWU6", 12, &d, &guess),
	    AUTH_CHAL_NOT_TEXT, "IIS 6 guide's damaged challenge");
	EQ_STR(guess, "Username:", "its near miss is Username:");
	buf_reset(&d);
	EQ_INT(auth_challenge_check("go ahead!", 9, &d, &guess),
	    AUTH_CHAL_NOT_BASE64, "not base64 at all");
	buf_free(&d);
	OK(auth_looks_encoded("YWxpY2U=", 8), "base64 of text: encoded");
	OK(!auth_looks_encoded("alice", 5), "a name: not encoded");
	OK(!auth_looks_encoded("demo", 4), "demo decodes to bytes: no");
	OK(auth_looks_encoded("c2VjcmV0", 8), "base64 of a password: encoded");
	OK(!auth_looks_encoded("abc def=", 8), "blanks: not base64");
	OK(auth_looks_encoded("AGFsaWNlAHNlY3JldA==", 20),
	    "PLAIN's wire form (NUL user NUL password) counts as encoded");
}

int
main(void)
{
	test_positions();
	test_challenges();
	test_mechs();
	test_answers();
	test_prompts();
	return t_done();
}
