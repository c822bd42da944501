/*
 * practice_sasl.c: the practice server's SCRAM-SHA-256, SCRAM-SHA-256-PLUS
 * (over TLS, bound to its tls-exporter or tls-unique data) and EXTERNAL
 * (over TLS, when the client showed a certificate), on src/sasl.c.
 *
 * EXTERNAL is honest about what it knows: the handshake proved the client
 * holds the key of the certificate it showed, and the practice server
 * trusts no CA, so any certificate logs in as its common name.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/practice.h"
#include "smtpscope/sasl.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"

#include "practice_internal.h"

/* The name the client's certificate proved, or -1. */
static int
peer_name(struct psess *s, char *name, size_t len)
{
	if (!conn_is_tls(s->c))
		return -1;
	if (tls_peer_name(conn_tls(s->c), name, len) == -1 || *name == '\0')
		return -1;
	return 0;
}

/* The mechanisms to add to "250-AUTH PLAIN LOGIN CRAM-MD5". */
const char *
practice_sasl_mechs(struct psess *s)
{
	char	name[256];

	if (!conn_is_tls(s->c))
		return " SCRAM-SHA-256";
	if (peer_name(s, name, sizeof name) == 0)
		return " SCRAM-SHA-256 SCRAM-SHA-256-PLUS EXTERNAL";
	return " SCRAM-SHA-256 SCRAM-SHA-256-PLUS";
}

int
practice_sasl_offered(struct psess *s, const char *mech)
{
	char	name[256];

	if (strcasecmp(mech, "SCRAM-SHA-256") == 0)
		return 1;
	if (strcasecmp(mech, "SCRAM-SHA-256-PLUS") == 0)
		return conn_is_tls(s->c);
	if (strcasecmp(mech, "EXTERNAL") == 0)
		return peer_name(s, name, sizeof name) == 0;
	return 0;
}

/* Send a step's output as a 334 challenge (RFC 4954 4). */
static void
say_challenge(struct psess *s, const struct sasl_step *st)
{
	char	*b64;

	b64 = b64_encode(st->out, st->outlen);
	practice_say(s, "334 %s", b64);
	free(b64);
}

void
practice_sasl_start(struct psess *s, const char *mech, const char *init)
{
	struct sasl_params	 sp;
	unsigned char		*cb = NULL;
	char			 name[256], err[256];

	memset(&sp, 0, sizeof sp);
	sp.mech = (enum auth_mech)auth_mech_parse(mech);
	sp.host = s->p->name;
	if (sp.mech == AUTH_EXTERNAL) {
		if (peer_name(s, name, sizeof name) == -1) {
			practice_say(s, "535 5.7.8 EXTERNAL needs a TLS client "
			    "certificate");
			return;
		}
		sp.user = name;
	} else {
		sp.user = PRACTICE_USER;
		sp.secret = PRACTICE_PASSWORD;
	}
	/* The same rule as the client: tls-exporter on TLS 1.3. */
	if (sasl_needs_cb(sp.mech) && tls_channel_binding(conn_tls(s->c),
	    TLS_CB_ANY, &cb, &sp.cblen, &sp.cbname) == -1) {
		practice_say(s, "454 4.7.0 No channel binding data for this "
		    "TLS session");
		return;
	}
	sp.cb = cb;
	s->sasl = sasl_server_new(&sp, err, sizeof err);
	free(cb);
	if (s->sasl == NULL) {
		practice_log(s, "AUTH %s: %s", mech, err);
		practice_say(s, "454 4.7.0 Temporary authentication failure");
		return;
	}
	free_secret(s->login_user);
	s->login_user = xstrdup(sp.user);
	s->step = STEP_SASL;
	s->sasl_final = 0;
	if (init != NULL)
		practice_sasl_line(s, init, strlen(init));
	else
		practice_say(s, "334 ");
}

void
practice_sasl_line(struct psess *s, const char *line, size_t len)
{
	struct sasl_step	 st;
	struct buf		 in;
	char			*user;

	buf_init(&in);
	if (b64_decode(line, len, &in) == -1) {
		buf_free(&in);
		s->step = STEP_NONE;
		practice_say(s, "501 5.5.2 Cannot decode the base64 answer");
		return;
	}
	if (s->sasl_final) {
		/* RFC 4954 4: the answer to our last 334 is empty. */
		user = xstrdup(s->login_user);
		practice_auth_result(s, in.len == 0, user);
		free(user);
		buf_free(&in);
		return;
	}
	/* Not NULL: an empty answer is not a missing one (RFC 4422 3.3). */
	sasl_server_step(s->sasl, in.data != NULL ? in.data : "", in.len, &st);
	wipe(in.data, in.len);
	buf_free(&in);
	switch (st.status) {
	case SASL_MORE:
		say_challenge(s, &st);
		break;
	case SASL_DONE:
		if (st.outlen > 0) {
			/* SCRAM's v=: the client checks it, then says "". */
			s->sasl_final = 1;
			say_challenge(s, &st);
			break;
		}
		user = xstrdup(s->login_user);
		practice_auth_result(s, 1, user);
		free(user);
		break;
	case SASL_FAIL:
		practice_log(s, "AUTH: %s", st.err);
		user = xstrdup(s->login_user);
		practice_auth_result(s, 0, user);
		free(user);
		break;
	}
	sasl_step_clear(&st);
}
