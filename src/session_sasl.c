/*
 * session_sasl.c: :auth for the mechanisms of src/sasl.c (SCRAM, DIGEST-MD5,
 * NTLM, OAUTHBEARER, EXTERNAL, GSSAPI).  Each 334 is explained in notes
 * under it; each answer shows decoded with its password-derived parts
 * masked, and such lines are TL_SECRET so logs and saves mask them too.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/b64.h"
#include "smtpscope/conn.h"
#include "smtpscope/sasl.h"
#include "smtpscope/session.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"

#include "src/session_internal.h"

/* One note line per line of text. */
static void
session_sasl_notes(struct session *s, const char *text)
{
	const char	*nl;

	while (text != NULL && *text != '\0') {
		nl = strchr(text, '\n');
		session_note(s, TDIR_INFO, "%.*s", nl != NULL ?
		    (int)(nl - text) : (int)strlen(text), text);
		text = nl != NULL ? nl + 1 : NULL;
	}
}

/* The annotation of a line carrying st->out, and its flags. */
static char *
session_sasl_annot(const struct sasl_step *st, const char *prefix,
    uint32_t *flags)
{
	if (st->secret) {
		*flags |= TL_SECRET;
		return xprintf("%s******** (%s)", prefix, st->shown);
	}
	*flags |= TL_DECODED;
	if (st->shown == NULL || *st->shown == '\0')
		return xstrdup("an empty answer");
	return xstrdup(st->shown);
}

int
session_sasl_start(struct session *s, enum auth_mech mech, const char *user,
    const char *secret)
{
	struct sasl_params	 sp;
	struct sasl_step	 st;
	unsigned char		*cb = NULL;
	const char		*name = auth_mech_name(mech);
	char			*enc, *line, *annot, *prefix;
	uint32_t		 flags = 0;
	int			 rc;

	memset(&sp, 0, sizeof sp);
	sp.mech = mech;
	sp.user = user;
	sp.secret = secret;
	sp.host = s->p.tls.sni != NULL ? s->p.tls.sni : s->p.host;
	/* RFC 5802 6: -PLUS ties the login to this TLS channel. */
	if (sasl_needs_cb(mech) && (!s->info.tls ||
	    tls_channel_binding(conn_tls(s->c), TLS_CB_ANY, &cb, &sp.cblen,
	    &sp.cbname) == -1)) {
		session_fail(s, SERR_TLS, "%s binds the login to the TLS "
		    "channel: %s", name, s->info.tls ? "this TLS session "
		    "gives no channel binding data" : "send STARTTLS first");
		return -1;
	}
	sp.cb = cb;
	s->sasl = sasl_client_new(&sp, &st);
	free(cb);
	if (s->sasl == NULL) {
		session_fail(s, SERR_LOCAL, "%s", st.err);
		sasl_step_clear(&st);
		session_auth_reset(s);
		return -1;
	}
	s->auth_active = 1;
	s->auth_mech = mech;
	s->auth_pending_user = xstrdup(user != NULL ? user : "");
	snprintf(s->typed_mech, sizeof s->typed_mech, "%s", name);
	if (sp.cbname != NULL)
		session_note(s, TDIR_INFO, "%s: binding to this TLS session "
		    "with its %s data", name, sp.cbname);

	if (!st.has_out) {
		line = xprintf("AUTH %s", name);
		annot = NULL;
	} else if (st.outlen == 0) {
		/* RFC 4954 4: "=" is an empty initial response. */
		line = xprintf("AUTH %s =", name);
		flags |= TL_DECODED;
		annot = xstrdup(st.shown);
	} else {
		enc = b64_encode(st.out, st.outlen);
		line = xprintf("AUTH %s %s", name, enc);
		free_secret(enc);
		prefix = xprintf("AUTH %s ", name);
		annot = session_sasl_annot(&st, prefix, &flags);
		free(prefix);
	}
	sasl_step_clear(&st);
	session_lint_command(s, line);
	rc = session_send_line(s, line, strlen(line), VERB_AUTH, flags, annot);
	free_secret(line);
	if (flags & TL_SECRET)
		free_secret(annot);
	else
		free(annot);
	return rc;
}

void
session_sasl_answer(struct session *s)
{
	struct sasl_step	 st;
	const char		*name = auth_mech_name(s->auth_mech);
	char			*enc, *annot;
	uint32_t		 flags = TL_ANSWER;

	if (s->challenge == NULL) {
		/* Never compute an answer from a challenge that did not
		   decode. */
		session_note(s, TDIR_WARN, "%s: the challenge is not base64; "
		    "cancelling with *", name);
		session_answer(s, "*", 1, 0);
		return;
	}
	sasl_client_step(s->sasl, s->challenge, s->challenge_len, &st);
	session_sasl_notes(s, st.note);
	if (st.status == SASL_FAIL) {
		session_note(s, TDIR_WARN, "%s: %s; cancelling with *", name,
		    st.err);
		sasl_step_clear(&st);
		session_answer(s, "*", 1, 0);
		return;
	}
	if (st.status == SASL_DONE && sasl_server_proved(s->sasl))
		session_note(s, TDIR_INFO, "%s: checked: the server's proof "
		    "matches, so it knows your password", name);
	enc = b64_encode(st.out, st.outlen);
	annot = session_sasl_annot(&st, "", &flags);
	sasl_step_clear(&st);
	s->info.mode = SMODE_COMMAND;
	session_send_line(s, enc, strlen(enc), VERB_ANSWER, flags, annot);
	free_secret(enc);
	if (flags & TL_SECRET)
		free_secret(annot);
	else
		free(annot);
}
