/* test_sasl.c: GNU SASL exchanges, explanations and masking (src/sasl*.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/sasl.h"
#include "smtpscope/xmalloc.h"

#include "t.h"

static int
has(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

static void
test_table(void)
{
	OK(sasl_handles(AUTH_SCRAM_SHA_256), "SCRAM-SHA-256 is ours");
	OK(!sasl_handles(AUTH_PLAIN), "PLAIN stays in auth.c");
	OK(sasl_needs_secret(AUTH_DIGEST_MD5), "DIGEST-MD5 needs a password");
	OK(!sasl_needs_secret(AUTH_EXTERNAL), "EXTERNAL needs none");
	OK(sasl_needs_cb(AUTH_SCRAM_SHA_1_PLUS), "-PLUS needs binding");
	OK(!sasl_needs_cb(AUTH_SCRAM_SHA_1), "plain SCRAM does not");
	OK(sasl_secret_readable(AUTH_OAUTHBEARER), "a bearer token is readable");
	OK(!sasl_secret_readable(AUTH_SCRAM_SHA_256), "SCRAM hides the password");
}

static void
test_explain(void)
{
	const char	*sf = "r=abcXYZ,s=QSXCR+Q6sek8bf92,i=4096";
	const char	*dch = "realm=\"ex.org\",nonce=\"OA6MG9\","
	    "qop=\"auth,auth-int\",charset=utf-8,algorithm=md5-sess";
	char		*e;

	e = sasl_explain(AUTH_SCRAM_SHA_256, sf, strlen(sf));
	OK(has(e, "nonce") && has(e, "abcXYZ"), "SCRAM nonce named");
	OK(has(e, "QSXCR+Q6sek8bf92") && has(e, "12 octets"),
	    "SCRAM salt shown with its size");
	OK(has(e, "i=: 4096"), "SCRAM iteration count shown");
	free(e);
	e = sasl_explain(AUTH_SCRAM_SHA_1, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", 30);
	OK(has(e, "server signature"), "SCRAM v= explained");
	free(e);
	e = sasl_explain(AUTH_SCRAM_SHA_1, "e=invalid-proof", 15);
	OK(has(e, "invalid-proof"), "SCRAM e= explained");
	free(e);
	e = sasl_explain(AUTH_DIGEST_MD5, dch, strlen(dch));
	OK(has(e, "realm: ex.org") && has(e, "server nonce: OA6MG9") &&
	    has(e, "auth,auth-int") && has(e, "md5-sess"),
	    "DIGEST-MD5 challenge explained");
	free(e);
	e = sasl_explain(AUTH_DIGEST_MD5, "rspauth=ea40f60335c427b5527b84dbabc",
	    35);
	OK(has(e, "rspauth"), "DIGEST-MD5 rspauth explained");
	free(e);
	OK(sasl_explain(AUTH_EXTERNAL, "", 0) == NULL, "nothing to say");

	/* The sidebar does not know the mechanism: it guesses from the text. */
	e = sasl_explain_guess(sf, strlen(sf));
	OK(has(e, "i=: 4096"), "guess: SCRAM server-first");
	free(e);
	e = sasl_explain_guess(dch, strlen(dch));
	OK(has(e, "DIGEST-MD5 challenge"), "guess: DIGEST-MD5");
	free(e);
	OK(sasl_explain_guess("Username:", 9) == NULL, "guess: a prompt is not");
	{
		struct buf	 b;
		char		*b64 = b64_encode(sf, strlen(sf));

		buf_init(&b);
		kb_explain_challenge(&b, b64, strlen(b64));
		OK(has(buf_str(&b), "iteration count i=: 4096") &&
		    has(buf_str(&b), "salt s=: QSXCR+Q6sek8bf92"),
		    "sidebar: SCRAM fields explained");
		buf_free(&b);
		free(b64);
	}
}

/* An NTLM type 3 message with user "bob", domain "D", no workstation. */
static size_t
ntlm3(unsigned char *m)
{
	memset(m, 0, 96);
	memcpy(m, "NTLMSSP", 8);
	m[8] = 3;
	/* LM and NT responses: 8 octets each at 72 and 80. */
	m[12] = 8; m[14] = 8; m[16] = 72;
	m[20] = 8; m[22] = 8; m[24] = 80;
	/* Domain "D" at 64, user "bob" at 65, OEM (flags 0). */
	m[28] = 1; m[30] = 1; m[32] = 64;
	m[36] = 3; m[38] = 3; m[40] = 65;
	m[44] = 0; m[48] = 68;
	memcpy(m + 64, "Dbob", 4);
	memcpy(m + 72, "SECRETLMSECRETNT", 16);
	return 88;
}

static void
test_mask(void)
{
	const char	*cf = "c=biws,r=abcXYZ,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
	const char	*dg = "username=\"bob\",realm=\"ex.org\",nonce=\"OA6MG9\","
	    "response=d388dad90d4bbd760a152321f2143af7,qop=auth";
	const char	*ob = "n,a=bob,\001auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\001\001";
	unsigned char	 m[96];
	size_t		 n;
	char		*s;
	int		 secret;

	s = sasl_mask_answer(AUTH_SCRAM_SHA_256, cf, strlen(cf), &secret);
	OK(secret, "SCRAM client-final is a secret");
	OK(has(s, "p=********") && !has(s, "dHzbZap"), "SCRAM proof masked");
	OK(has(s, "r=abcXYZ"), "SCRAM nonce still shown");
	free(s);
	s = sasl_mask_answer(AUTH_SCRAM_SHA_256, "n,,n=bob,r=abc", 14, &secret);
	OK(!secret && has(s, "n=bob"), "SCRAM client-first shown as is");
	free(s);
	s = sasl_mask_answer(AUTH_DIGEST_MD5, dg, strlen(dg), &secret);
	OK(secret && has(s, "response=********,qop=auth") &&
	    !has(s, "d388dad9"), "DIGEST-MD5 response masked");
	free(s);
	s = sasl_mask_answer(AUTH_OAUTHBEARER, ob, strlen(ob), &secret);
	OK(secret && has(s, "Bearer ********") && !has(s, "vF9dft"),
	    "OAUTHBEARER token masked");
	free(s);
	s = sasl_mask_answer(AUTH_OAUTHBEARER, "\001", 1, &secret);
	OK(!secret, "OAUTHBEARER's ^A after an error is no secret");
	free(s);
	n = ntlm3(m);
	s = sasl_mask_answer(AUTH_NTLM, (const char *)m, n, &secret);
	OK(secret && has(s, "user \"bob\"") && has(s, "domain \"D\"") &&
	    !has(s, "SECRET"), "NTLM type 3: names shown, responses masked");
	free(s);
	s = sasl_mask_answer(AUTH_NTLM, "NTLMSSP\0\2\0\0\0", 12, &secret);
	OK(secret, "a short NTLM message is masked whole");
	free(s);
	s = sasl_mask_answer(AUTH_EXTERNAL, "", 0, &secret);
	OK(!secret && has(s, "certificate"), "EXTERNAL's empty answer said");
	free(s);
}

/*
 * Run client against server until both are done; returns 1 when the
 * server accepted and the client was satisfied.
 */
static int
run(struct sasl_params *cp, struct sasl_params *sp, int *proved)
{
	struct sasl		*c, *s;
	struct sasl_step	 cs, ss;
	char			 err[256];
	int			 i, ok = 0;

	*proved = 0;
	if ((c = sasl_client_new(cp, &cs)) == NULL)
		return 0;
	if ((s = sasl_server_new(sp, err, sizeof err)) == NULL) {
		sasl_step_clear(&cs);
		sasl_free(c);
		return 0;
	}
	for (i = 0; i < 6; i++) {
		sasl_server_step(s, cs.out, cs.outlen, &ss);
		sasl_step_clear(&cs);
		if (ss.status == SASL_FAIL)
			break;
		if (ss.status == SASL_DONE && ss.outlen == 0) {
			ok = 1;
			break;
		}
		sasl_client_step(c, ss.out, ss.outlen, &cs);
		if (ss.status == SASL_DONE) {
			ok = cs.status == SASL_DONE;
			break;
		}
		sasl_step_clear(&ss);
		if (cs.status == SASL_FAIL)
			break;
	}
	*proved = sasl_server_proved(c);
	sasl_step_clear(&ss);
	sasl_step_clear(&cs);
	sasl_free(c);
	sasl_free(s);
	return ok;
}

static void
test_exchanges(void)
{
	struct sasl_params	 cp, sp;
	struct sasl_step	 st;
	unsigned char		 cb1[32], cb2[32];
	int			 proved;

	memset(cb1, 7, sizeof cb1);
	memset(cb2, 8, sizeof cb2);
	memset(&cp, 0, sizeof cp);
	memset(&sp, 0, sizeof sp);
	cp.mech = sp.mech = AUTH_SCRAM_SHA_256;
	cp.user = sp.user = "demo";
	cp.secret = sp.secret = "demo";
	OK(run(&cp, &sp, &proved), "SCRAM-SHA-256 logs in");
	OK(proved, "SCRAM-SHA-256: the server's v= was checked");
	cp.mech = sp.mech = AUTH_SCRAM_SHA_1;
	OK(run(&cp, &sp, &proved) && proved, "SCRAM-SHA-1 logs in");
	cp.mech = sp.mech = AUTH_SCRAM_SHA_256;
	cp.secret = "wrong";
	OK(!run(&cp, &sp, &proved), "a wrong password fails");
	cp.secret = "demo";
	cp.user = "mallory";
	OK(!run(&cp, &sp, &proved), "another user gets no password");
	cp.user = "demo";

	cp.mech = sp.mech = AUTH_SCRAM_SHA_256_PLUS;
	cp.cb = sp.cb = cb1;
	cp.cblen = sp.cblen = sizeof cb1;
	cp.cbname = sp.cbname = "tls-exporter";
	OK(run(&cp, &sp, &proved) && proved, "SCRAM-SHA-256-PLUS logs in");
	sp.cb = cb2;
	OK(!run(&cp, &sp, &proved), "-PLUS: other channel data fail");
	cp.cb = NULL;
	OK(sasl_client_new(&cp, &st) == NULL && has(st.err, "STARTTLS"),
	    "-PLUS without binding data is refused");
	sasl_step_clear(&st);

	memset(&cp, 0, sizeof cp);
	cp.mech = AUTH_SCRAM_SHA_256;
	cp.user = "demo";
	OK(sasl_client_new(&cp, &st) == NULL && has(st.err, "password"),
	    "no password: refused before anything is sent");
	sasl_step_clear(&st);

	memset(&cp, 0, sizeof cp);
	memset(&sp, 0, sizeof sp);
	cp.mech = sp.mech = AUTH_EXTERNAL;
	cp.user = "";
	sp.user = "client.test";
	OK(run(&cp, &sp, &proved), "EXTERNAL as the certificate's name");
	cp.user = "someone-else";
	OK(!run(&cp, &sp, &proved), "EXTERNAL as another name fails");

	memset(&cp, 0, sizeof cp);
	cp.mech = AUTH_OAUTHBEARER;
	cp.user = "bob";
	cp.secret = "tok";
	cp.host = "mx.test";
	{
		struct sasl	*c = sasl_client_new(&cp, &st);

		OK(c != NULL && st.outlen == strlen(
		    "n,a=bob,\001host=mx.test\001auth=Bearer tok\001\001") &&
		    memcmp(st.out, "n,a=bob,\001host=mx.test\001auth=Bearer "
		    "tok\001\001", st.outlen) == 0, "OAUTHBEARER initial "
		    "response (RFC 7628 3.1)");
		OK(st.secret, "OAUTHBEARER initial response is a secret");
		sasl_step_clear(&st);
		sasl_free(c);
	}
}

/* A server that asks for billions of SCRAM iterations is refused at once. */
static void
test_scram_iterations(void)
{
	struct sasl_params	 cp;
	struct sasl_step	 st;
	struct sasl		*c;
	const char		*iters[] = { "4294967295",
				    "99999999999999999999999", "1000001" };
	char			 sf[256];
	size_t			 i;
	time_t			 t0;

	/* Without the limit the first would hash for an hour: fail instead. */
	alarm(10);
	for (i = 0; i < sizeof iters / sizeof iters[0]; i++) {
		memset(&cp, 0, sizeof cp);
		cp.mech = AUTH_SCRAM_SHA_256;
		cp.user = "demo";
		cp.secret = "demo";
		c = sasl_client_new(&cp, &st);
		OK(c != NULL && st.outlen > 8, "SCRAM client-first");
		if (c == NULL)
			continue;
		/* Our nonce, then the server's part (RFC 5802 5.1). */
		snprintf(sf, sizeof sf, "r=%.*sxyz,s=c2FsdHNhbHQ=,i=%s",
		    (int)(st.outlen - (strstr(st.out, "r=") + 2 - st.out)),
		    strstr(st.out, "r=") + 2, iters[i]);
		sasl_step_clear(&st);
		t0 = time(NULL);
		sasl_client_step(c, sf, strlen(sf), &st);
		OK(st.status == SASL_FAIL && has(st.err, "iterations") &&
		    time(NULL) - t0 < 2, "SCRAM: a huge i= is cancelled at once");
		sasl_step_clear(&st);
		sasl_free(c);
	}
	alarm(0);
}

int
main(void)
{
	test_table();
	test_explain();
	test_mask();
	test_exchanges();
	test_scram_iterations();
	return t_done();
}
