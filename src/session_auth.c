/*
 * session_auth.c: AUTH (RFC 4954).  Answers typed after a 334 are
 * base64-encoded and masked when the challenge asks for a password; the
 * :auth helper runs a whole PLAIN, LOGIN, CRAM-MD5 or XOAUTH2 exchange and
 * wipes its copy of the secret when the exchange ends.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/phase.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/sasl.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"

#include "src/session_internal.h"

/* Forget the AUTH helper's state and wipe its secret. */
void
session_auth_reset(struct session *s)
{
	free_secret(s->auth_secret);
	s->auth_secret = NULL;
	free(s->auth_pending_user);
	s->auth_pending_user = NULL;
	s->auth_active = 0;
	s->auth_step = 0;
	s->auth_rounds = 0;
	s->raw_exchange = 0;
	sasl_free(s->sasl);
	s->sasl = NULL;
}

/* Take the user name out of a typed AUTH PLAIN initial response. */
void
session_plain_user(struct session *s, const char *b64, size_t len)
{
	struct buf	 dec;
	const char	*nul;

	buf_init(&dec);
	if (b64_decode(b64, len, &dec) == 0 && dec.len > 0 &&
	    (nul = memchr(dec.data, '\0', dec.len)) != NULL) {
		const char	*user = nul + 1;
		const char	*end = memchr(user, '\0',
		    dec.len - (size_t)(user - dec.data));

		if (end != NULL) {
			free(s->auth_pending_user);
			s->auth_pending_user = sanitize_dup(user,
			    (size_t)(end - user));
		}
	}
	wipe(dec.data, dec.len);
	buf_free(&dec);
}

/* Is mech one that exchanges binary messages (no text prompts)? */
static int
binary_mech(const char *mech)
{
	return strcasecmp(mech, "NTLM") == 0 ||
	    strcasecmp(mech, "GSSAPI") == 0 ||
	    strncasecmp(mech, "GS2-", 4) == 0;
}

/*
 * A 334 arrived: judge its challenge, say when it is damaged (never
 * silently), keep what it decodes to, and set what the next answer is by
 * its place in the mechanism.
 */
void
session_on_challenge(struct session *s, const char *text, size_t len)
{
	static const char *const hints[] = {
		[AUTH_PART_USER] = "Type the user name (often the whole "
		    "address); it is base64-encoded for you.",
		[AUTH_PART_SECRET] = "Type the password; it is masked and "
		    "base64-encoded for you.",
		[AUTH_PART_PLAIN] = "PLAIN wants one answer, NUL user NUL "
		    "password: :raw and paste the base64, or * to cancel and "
		    ":auth plain USER.",
		[AUTH_PART_DIGEST] = "CRAM-MD5 wants your user name, a space "
		    "and the HMAC-MD5 of the challenge: :auth cram-md5 does it.",
		[AUTH_PART_TOKEN] = "An OAuth token answer: :raw and paste it, "
		    "or :auth xoauth2 USER.",
	};
	struct buf		 dec;
	const char		*guess;
	enum auth_chal		 c;
	enum auth_part		 part;
	size_t			 qlen;

	free(s->challenge);
	s->challenge = NULL;
	s->challenge_len = 0;
	buf_init(&dec);
	c = auth_challenge_check(text, len, &dec, &guess);
	/* NTLM's challenge holds NUL bytes: keep its length. */
	if (c != AUTH_CHAL_NOT_BASE64)
		s->challenge_len = dec.len;
	if (session_quotes_secret(s, text, len, &qlen) >= 0) {
		/* Our own secret quoted back: never decoded nor answered. */
		wipe(dec.data, dec.cap);
		buf_free(&dec);
		s->challenge_len = 0;
		c = AUTH_CHAL_NOT_TEXT;
		guess = NULL;
	} else switch (c) {
	case AUTH_CHAL_OK:
		s->challenge = buf_take(&dec);
		break;
	case AUTH_CHAL_UNPADDED:
		s->challenge = buf_take(&dec);
		session_note(s, TDIR_WARN, "the challenge is base64 without "
		    "its '=' padding; decoded as if the padding were there");
		break;
	case AUTH_CHAL_NOT_BASE64:
		buf_free(&dec);
		session_note(s, TDIR_WARN, "the challenge is damaged: it is "
		    "not valid base64, so it says nothing that can be read");
		break;
	case AUTH_CHAL_NOT_TEXT:
		if (binary_mech(s->typed_mech)) {
			s->challenge = buf_take(&dec);
			break;
		}
		buf_free(&dec);
		s->challenge_len = 0;
		if (guess != NULL)
			session_note(s, TDIR_WARN, "the challenge is damaged: "
			    "it decodes to bytes that are not text, probably a "
			    "garbled \"%s\"", guess);
		else
			session_note(s, TDIR_WARN, "the challenge is damaged: "
			    "it decodes to bytes that are not text");
		break;
	}
	s->challenge_damaged = c == AUTH_CHAL_NOT_BASE64 ||
	    c == AUTH_CHAL_NOT_TEXT;
	s->info.challenge = s->challenge;
	s->info.mode = SMODE_ANSWER;
	part = auth_part_of(s->typed_mech, s->auth_n);
	/*
	 * By position; a prompt that asks for the password (a server that
	 * wants it first) can only add masking, as in a replay.
	 */
	s->info.answer_secret = auth_part_is_secret(part) ||
	    (s->challenge != NULL && auth_prompt_is_password(s->challenge,
	    s->challenge_len));
	s->info.answer_hint = hints[part];
}

/* Send one AUTH answer, base64-encoded unless raw. */
int
session_answer(struct session *s, const char *line, size_t len, int secret)
{
	enum auth_part	 part = auth_part_of(s->typed_mech, s->auth_n);
	char		*enc, *shown;
	int		 rc;

	/* The place in the mechanism decides, whatever the caller knew. */
	secret = secret || auth_part_is_secret(part);
	s->info.mode = SMODE_COMMAND;
	s->auth_n++;
	if (s->info.answer_raw || s->raw_exchange ||
	    (len == 1 && line[0] == '*')) {
		s->info.answer_raw = 0;
		secret = secret || auth_answer_secret(s->typed_mech,
		    s->auth_n - 1, line, len);
		shown = auth_describe(s->typed_mech, s->auth_n - 1, line, len);
		rc = session_send_line(s, line, len, VERB_ANSWER,
		    TL_ANSWER | (secret ? TL_SECRET : 0), shown);
		free(shown);
		return rc;
	}
	enc = b64_encode(line, len);
	/* A CRAM-MD5 answer that is no user SP digest may be a password. */
	secret = secret || auth_answer_secret(s->typed_mech, s->auth_n - 1,
	    enc, strlen(enc));
	if (auth_looks_encoded(line, len)) {
		struct buf	d;

		buf_init(&d);
		b64_decode(line, len, &d);
		if (secret)
			session_note(s, TDIR_WARN, "this answer is base64 "
			    "already and is encoded a second time, so the "
			    "server will likely refuse it (535); :raw sends an "
			    "answer as typed");
		else {
			shown = sanitize_dup(d.data, d.len);
			session_note(s, TDIR_WARN, "this answer is base64 "
			    "already (of \"%s\") and is encoded a second "
			    "time, so the server will likely refuse it (535); "
			    ":raw sends an answer as typed", shown);
			free(shown);
		}
		wipe(d.data, d.cap);
		buf_free(&d);
	}
	/* Remember who logs in, for the status bar after 235. */
	if (!s->auth_active && part == AUTH_PART_USER && !secret) {
		free(s->auth_pending_user);
		s->auth_pending_user = xstrndup(line, len);
	}
	if (secret)
		shown = xstrdup("********");
	else if (part == AUTH_PART_DIGEST)
		shown = auth_describe(s->typed_mech, s->auth_n - 1, enc,
		    strlen(enc));
	else
		shown = sanitize_dup(line, len);
	rc = session_send_line(s, enc, strlen(enc), VERB_ANSWER,
	    TL_ANSWER | (secret || part == AUTH_PART_DIGEST ? 0 :
	    TL_DECODED) | (secret ? TL_SECRET : 0), shown);
	free_secret(enc);
	free(shown);
	return rc;
}

/* Is the answer to the current 334 a secret?  By its place only. */
int
session_answer_secret(const struct session *s)
{
	return auth_part_is_secret(auth_part_of(s->typed_mech, s->auth_n));
}

int
session_answer_encoded(const struct session *s, const char *line,
    size_t len)
{
	return s->info.mode == SMODE_ANSWER && !s->info.answer_raw &&
	    !s->raw_exchange && auth_looks_encoded(line, len);
}

void
session_set_raw_exchange(struct session *s)
{
	s->raw_exchange = 1;
}

/* The AUTH helper answers a 334 by itself. */
void
session_auth_answer(struct session *s)
{
	const char	*ch = s->challenge != NULL ? s->challenge : "";
	size_t		 chlen = strlen(ch);
	char		*resp;

	if (++s->auth_rounds > SESSION_AUTH_ROUNDS_MAX) {
		session_fail(s, SERR_CONNECT, "the server sent more than %d "
		    "334 challenges in one AUTH exchange; closing the "
		    "connection", SESSION_AUTH_ROUNDS_MAX);
		session_auth_reset(s);
		session_drop_conn(s);
		phase_on_close(&s->info.ph);
		return;
	}
	if (s->sasl != NULL) {
		session_sasl_answer(s);
		return;
	}
	switch (s->auth_mech) {
	case AUTH_LOGIN:
		/* By position: first the user name, then the password. */
		if (s->auth_step > 0)
			session_answer(s, s->auth_secret,
			    strlen(s->auth_secret), 1);
		else
			session_answer(s, s->auth_pending_user,
			    strlen(s->auth_pending_user), 0);
		s->auth_step++;
		break;
	case AUTH_CRAM_MD5:
		if (s->challenge == NULL || s->challenge_damaged) {
			/* Never an answer computed from nothing. */
			session_note(s, TDIR_WARN, "CRAM-MD5: the challenge "
			    "did not decode, so there is nothing to compute "
			    "the answer from; cancelling with *");
			session_answer(s, "*", 1, 0);
			s->auth_step++;
			break;
		}
		resp = auth_cram_md5(s->auth_pending_user, s->auth_secret,
		    ch, chlen);
		if (resp == NULL) {
			session_note(s, TDIR_WARN,
			    "CRAM-MD5: could not compute the answer; "
			    "cancelling with *");
			session_answer(s, "*", 1, 0);
			break;
		}
		s->info.answer_raw = 1;
		{
			char	*shown;

			shown = auth_describe("CRAM-MD5", 0, resp,
			    strlen(resp));
			s->info.mode = SMODE_COMMAND;
			s->info.answer_raw = 0;
			s->auth_n++;
			session_send_line(s, resp, strlen(resp), VERB_ANSWER,
			    TL_ANSWER, shown);
			free(shown);
		}
		free_secret(resp);
		s->auth_step++;
		break;
	case AUTH_PLAIN:
		if (s->auth_step == 0) {
			/* The server wanted no initial response. */
			char	*shown;

			resp = auth_plain(s->auth_pending_user,
			    s->auth_secret);
			shown = auth_describe("PLAIN", 0, resp, strlen(resp));
			s->info.mode = SMODE_COMMAND;
			s->auth_n++;
			session_send_line(s, resp, strlen(resp), VERB_ANSWER,
			    TL_ANSWER | TL_SECRET, shown);
			free(shown);
			free_secret(resp);
		} else
			session_answer(s, "*", 1, 0);
		s->auth_step++;
		break;
	case AUTH_XOAUTH2:
		/* A 334 here carries an error; an empty line ends it. */
		session_answer(s, "", 0, 0);
		s->auth_step++;
		break;
	default:
		session_answer(s, "*", 1, 0);
		break;
	}
}

int
session_auth_exposed(const struct session *s, enum auth_mech mech)
{
	if (s->info.tls || s->p.allow_plaintext || s->plaintext_ok)
		return 0;
	return mech == AUTH_PLAIN || mech == AUTH_LOGIN ||
	    mech == AUTH_XOAUTH2 || sasl_secret_readable(mech);
}


int
session_auth(struct session *s, enum auth_mech mech, const char *user,
    const char *secret)
{
	char	*resp = NULL, *line, *mask;
	int	 rc;

	if (s->c == NULL) {
		session_fail(s, SERR_CONNECT, "not connected");
		return -1;
	}
	if (session_tls_gate(s, VERB_AUTH, "AUTH", 4) == -1)
		return -1;
	/* :auth never sends a readable secret in plaintext unasked. */
	if (session_auth_exposed(s, mech)) {
		session_fail(s, SERR_TLS, "not sending credentials: the "
		    "connection is not encrypted and AUTH %s would send the "
		    "%s readable (send STARTTLS first, or --allow-plaintext "
		    "to send it anyway)", auth_mech_name(mech),
		    mech == AUTH_XOAUTH2 || mech == AUTH_OAUTHBEARER ?
		    "token" : "password");
		return -1;
	}
	session_auth_reset(s);
	if (sasl_handles(mech))
		return session_sasl_start(s, mech, user, secret);
	s->auth_active = 1;
	s->auth_mech = mech;
	s->auth_pending_user = xstrdup(user != NULL ? user : "");
	s->auth_secret = xstrdup(secret != NULL ? secret : "");
	snprintf(s->typed_mech, sizeof s->typed_mech, "%s",
	    auth_mech_name(mech));

	switch (mech) {
	case AUTH_PLAIN:
		resp = auth_plain(s->auth_pending_user, s->auth_secret);
		s->auth_step = 1;
		break;
	case AUTH_XOAUTH2:
		resp = auth_xoauth2(s->auth_pending_user, s->auth_secret);
		break;
	default:
		break;
	}
	s->auth_n = resp != NULL ? 1 : 0;
	if (resp != NULL) {
		char	*d = auth_describe(auth_mech_name(mech), 0, resp,
		    strlen(resp));

		line = xprintf("AUTH %s %s", auth_mech_name(mech), resp);
		mask = xprintf("AUTH %s %s", auth_mech_name(mech), d);
		free(d);
		session_lint_command(s, line);
		rc = session_send_line(s, line, strlen(line), VERB_AUTH,
		    TL_SECRET, mask);
		free_secret(line);
		free_secret(resp);
		free(mask);
		return rc;
	}
	line = xprintf("AUTH %s", auth_mech_name(mech));
	session_lint_command(s, line);
	rc = session_send_line(s, line, strlen(line), VERB_AUTH, 0, NULL);
	free(line);
	return rc;
}
