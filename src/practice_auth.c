/*
 * practice_auth.c: AUTH on the practice server: PLAIN, LOGIN and
 * CRAM-MD5 against the demo credentials (RFC 4954).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/practice.h"
#include "smtpscope/reply.h"
#include "smtpscope/sasl.h"
#include "smtpscope/xmalloc.h"

#include "practice_internal.h"

void
practice_auth_reset(struct psess *s)
{
	s->step = STEP_NONE;
	free_secret(s->login_user);
	s->login_user = NULL;
	free(s->challenge);
	s->challenge = NULL;
	sasl_free(s->sasl);
	s->sasl = NULL;
	s->sasl_final = 0;
}

/* 1 when the user and password are the demo credentials. */
static int
creds_ok(const char *user, const char *pass)
{
	return (user != NULL && pass != NULL &&
	    strcmp(user, PRACTICE_USER) == 0 &&
	    strcmp(pass, PRACTICE_PASSWORD) == 0);
}

/* Log a failed AUTH; after AUTH_FAIL_MAX of them say 421 and close. */
static void
auth_failed(struct psess *s, const char *user)
{
	s->auth_fail++;
	practice_log(s, "AUTH failed%s%s (%d of %d)", user != NULL ?
	    " for " : "", user != NULL ? user : "", s->auth_fail,
	    AUTH_FAIL_MAX);
	if (s->auth_fail >= AUTH_FAIL_MAX) {
		practice_log(s, "too many failed AUTH attempts, closing");
		practice_say(s, "421 4.7.0 %s Too many failed authentications, "
		    "closing connection", s->p->name);
		practice_close_soon(s);
	}
}

/* End an AUTH exchange with 235 or 535 (RFC 4954 6). */
void
practice_auth_result(struct psess *s, int good, const char *user)
{
	s->step = STEP_NONE;
	if (good) {
		s->authed = 1;
		practice_say(s, "235 2.7.0 Authentication successful");
		practice_log(s, "authenticated as %s", user);
	} else {
		practice_say(s, "535 5.7.8 Authentication credentials invalid");
		auth_failed(s, user);
	}
	free_secret(s->login_user);
	s->login_user = NULL;
	free(s->challenge);
	s->challenge = NULL;
}

/* Decode a base64 answer into b (NUL-terminated); -1 when it is not base64. */
static int
auth_decode(struct psess *s, const char *text, size_t len, struct buf *b)
{
	buf_init(b);
	if (b64_decode(text, len, b) == -1) {
		s->step = STEP_NONE;
		practice_say(s, "501 5.5.2 Cannot decode the base64 answer");
		auth_failed(s, NULL);
		return (-1);
	}
	return (0);
}

/* Check a PLAIN response (RFC 4616). */
static void
auth_plain_check(struct psess *s, const char *text, size_t len)
{
	struct buf	 b;
	const char	*authz, *user, *pass;
	size_t		 zl, ul;

	if (auth_decode(s, text, len, &b) == -1)
		return;
	/* RFC 4616 2: authzid NUL authcid NUL passwd. */
	authz = b.data != NULL ? b.data : "";
	zl = strnlen(authz, b.len);
	if (zl >= b.len) {
		practice_auth_result(s, 0, NULL);
		goto out;
	}
	user = authz + zl + 1;
	ul = strnlen(user, b.len - zl - 1);
	if (zl + 1 + ul >= b.len) {
		practice_auth_result(s, 0, NULL);
		goto out;
	}
	pass = user + ul + 1;
	if (memchr(pass, '\0', b.len - zl - ul - 2) != NULL ||
	    (zl > 0 && strcmp(authz, user) != 0))
		practice_auth_result(s, 0, NULL);
	else
		practice_auth_result(s, creds_ok(user, pass), user);
out:
	wipe(b.data, b.cap);
	buf_free(&b);
}

/* Check a CRAM-MD5 response against our challenge (RFC 2195). */
static void
auth_cram_check(struct psess *s, const char *text, size_t len)
{
	struct buf	 got, want;
	char		*exp;
	int		 good = 0;

	if (auth_decode(s, text, len, &got) == -1)
		return;
	buf_init(&want);
	exp = auth_cram_md5(PRACTICE_USER, PRACTICE_PASSWORD, s->challenge,
	    strlen(s->challenge));
	if (exp != NULL && b64_decode(exp, strlen(exp), &want) == 0 &&
	    got.len == want.len && got.len > 0 &&
	    memcmp(got.data, want.data, got.len) == 0)
		good = 1;
	free_secret(exp);
	practice_auth_result(s, good, PRACTICE_USER);
	wipe(got.data, got.cap);
	buf_free(&got);
	buf_free(&want);
}

/* One answer line inside an AUTH exchange (RFC 4954 4). */
void
practice_auth_line(struct psess *s, const char *line, size_t len,
    unsigned int flags)
{
	struct buf	b;

	if (flags & LINE_TRUNCATED) {
		s->step = STEP_NONE;
		practice_auth_reset(s);
		practice_say(s, "500 5.5.6 Authentication exchange line is too "
		    "long");
		return;
	}
	if (len == 1 && line[0] == '*') {
		practice_auth_reset(s);
		practice_say(s, "501 5.7.0 Authentication cancelled");
		return;
	}
	switch (s->step) {
	case STEP_PLAIN:
		auth_plain_check(s, line, len);
		break;
	case STEP_LOGIN_USER:
		if (auth_decode(s, line, len, &b) == -1)
			break;
		s->login_user = buf_take(&b);
		s->step = STEP_LOGIN_PASS;
		practice_say(s, "334 UGFzc3dvcmQ6");
		break;
	case STEP_LOGIN_PASS:
		if (auth_decode(s, line, len, &b) == -1) {
			practice_auth_reset(s);
			break;
		}
		practice_auth_result(s, creds_ok(s->login_user, buf_str(&b)),
		    s->login_user);
		wipe(b.data, b.cap);
		buf_free(&b);
		break;
	case STEP_CRAM:
		auth_cram_check(s, line, len);
		break;
	case STEP_SASL:
		practice_sasl_line(s, line, len);
		break;
	case STEP_NONE:
		break;
	}
	if (s->step == STEP_NONE)
		practice_auth_reset(s);
}

/* AUTH mechanism [initial-response] (RFC 4954 4). */
void
practice_do_auth(struct psess *s, const char *args)
{
	char		 mech[32], *b64;
	const char	*init;
	size_t		 mlen;

	if (s->helo != 2) {
		practice_say(s, "503 5.5.1 Error: send EHLO first");
		return;
	}
	if (s->authed) {
		practice_say(s, "503 5.5.1 Error: already authenticated");
		return;
	}
	if (s->mail) {
		practice_say(s, "503 5.5.1 Error: AUTH not permitted during a "
		    "mail transaction");
		return;
	}
	if (*args != ' ' || args[1] == '\0') {
		practice_say(s, "501 5.5.4 Syntax: AUTH mechanism "
		    "[initial-response]");
		return;
	}
	args++;
	mlen = strcspn(args, " ");
	init = args[mlen] == ' ' ? args + mlen + 1 : NULL;
	if (mlen >= sizeof mech) {
		practice_say(s, "504 5.5.4 Unrecognized authentication type");
		return;
	}
	memcpy(mech, args, mlen);
	mech[mlen] = '\0';
	if (strcasecmp(mech, "PLAIN") != 0 && strcasecmp(mech, "LOGIN") != 0 &&
	    strcasecmp(mech, "CRAM-MD5") != 0 &&
	    !practice_sasl_offered(s, mech)) {
		practice_say(s, "504 5.5.4 Unrecognized authentication type");
		return;
	}
	if (s->p->params.require_tls && !conn_is_tls(s->c)) {
		practice_say(s, NEED_TLS_REPLY);
		return;
	}
	/* CRAM-MD5 and SCRAM never show the password. */
	if (strcasecmp(mech, "CRAM-MD5") != 0 &&
	    strncasecmp(mech, "SCRAM-", 6) != 0 &&
	    s->p->params.tls_auth_only && !conn_is_tls(s->c)) {
		practice_say(s, "538 5.7.11 Encryption required for requested "
		    "authentication mechanism");
		return;
	}
	/* RFC 4954 4: "=" is an empty initial response. */
	if (init != NULL && strcmp(init, "=") == 0)
		init = "";
	if (practice_sasl_offered(s, mech))
		practice_sasl_start(s, mech, init);
	else if (strcasecmp(mech, "PLAIN") == 0) {
		s->step = STEP_PLAIN;
		if (init != NULL)
			practice_auth_line(s, init, strlen(init), 0);
		else
			practice_say(s, "334 ");
	} else if (strcasecmp(mech, "LOGIN") == 0) {
		s->step = STEP_LOGIN_USER;
		if (init != NULL)
			practice_auth_line(s, init, strlen(init), 0);
		else
			practice_say(s, "334 VXNlcm5hbWU6");
	} else {
		if (init != NULL) {
			practice_say(s, "501 5.5.4 CRAM-MD5 takes no initial "
			    "response");
			return;
		}
		/* RFC 2195 2: a unique "<digits.time@host>" challenge. */
		s->challenge = xprintf("<%ld.%lld@%s>", random(),
		    (long long)time(NULL), s->p->name);
		b64 = b64_encode(s->challenge, strlen(s->challenge));
		s->step = STEP_CRAM;
		practice_say(s, "334 %s", b64);
		free(b64);
	}
}
