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

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
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

/* Send one AUTH answer, base64-encoded unless raw. */
int
session_answer(struct session *s, const char *line, size_t len, int secret)
{
	char	*enc, *shown;
	int	 rc;

	s->info.mode = SMODE_COMMAND;
	if (s->info.answer_raw || (len == 1 && line[0] == '*')) {
		s->info.answer_raw = 0;
		return session_send_line(s, line, len, VERB_ANSWER,
		    TL_ANSWER | (secret ? TL_SECRET : 0), NULL);
	}
	/* Remember who logs in, for the status bar after 235. */
	if (!s->auth_active && !secret && s->challenge != NULL &&
	    auth_prompt_is_username(s->challenge, strlen(s->challenge))) {
		free(s->auth_pending_user);
		s->auth_pending_user = xstrndup(line, len);
	}
	enc = b64_encode(line, len);
	if (secret)
		shown = xstrdup("********");
	else
		shown = sanitize_dup(line, len);
	rc = session_send_line(s, enc, strlen(enc), VERB_ANSWER,
	    TL_ANSWER | TL_DECODED | (secret ? TL_SECRET : 0), shown);
	free_secret(enc);
	free(shown);
	return rc;
}

/*
 * Is the answer to the current 334 a secret?  Only what is known to be
 * harmless is shown: a user name asked for by name, or a CRAM-MD5 digest.
 * An empty or unknown challenge (PLAIN, XOAUTH2, a pasted :raw answer)
 * counts as secret.
 */
int
session_answer_secret(const struct session *s)
{
	const char	*ch = s->challenge;

	if (ch != NULL && auth_prompt_is_password(ch, strlen(ch)))
		return 1;
	if (ch != NULL && auth_prompt_is_username(ch, strlen(ch)))
		return 0;
	if (strcasecmp(s->typed_mech, "CRAM-MD5") == 0)
		return 0;
	return 1;
}

/* The AUTH helper answers a 334 by itself. */
void
session_auth_answer(struct session *s)
{
	const char	*ch = s->challenge != NULL ? s->challenge : "";
	size_t		 chlen = strlen(ch);
	char		*resp;

	if (s->sasl != NULL) {
		session_sasl_answer(s);
		return;
	}
	switch (s->auth_mech) {
	case AUTH_LOGIN:
		if (auth_prompt_is_password(ch, chlen) ||
		    (!auth_prompt_is_username(ch, chlen) && s->auth_step > 0))
			session_answer(s, s->auth_secret,
			    strlen(s->auth_secret), 1);
		else
			session_answer(s, s->auth_pending_user,
			    strlen(s->auth_pending_user), 0);
		s->auth_step++;
		break;
	case AUTH_CRAM_MD5:
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
			struct buf	 dec;
			char		*shown;

			buf_init(&dec);
			b64_decode(resp, strlen(resp), &dec);
			shown = sanitize_dup(dec.data, dec.len);
			s->info.mode = SMODE_COMMAND;
			s->info.answer_raw = 0;
			session_send_line(s, resp, strlen(resp), VERB_ANSWER,
			    TL_ANSWER | TL_DECODED, shown);
			free(shown);
			buf_free(&dec);
		}
		free_secret(resp);
		s->auth_step++;
		break;
	case AUTH_PLAIN:
		if (s->auth_step == 0) {
			/* The server wanted no initial response. */
			resp = auth_plain(s->auth_pending_user,
			    s->auth_secret);
			s->info.mode = SMODE_COMMAND;
			session_send_line(s, resp, strlen(resp), VERB_ANSWER,
			    TL_ANSWER | TL_SECRET, NULL);
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
	if (resp != NULL) {
		line = xprintf("AUTH %s %s", auth_mech_name(mech), resp);
		mask = xprintf("AUTH %s ******** (user %s)",
		    auth_mech_name(mech), s->auth_pending_user);
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
