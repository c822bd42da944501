/*
 * kb_challenge.c: explaining the text of a 334 AUTH challenge: decoded
 * prompts, CRAM-MD5, SCRAM, NTLM and OAuth error documents.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/sasl.h"

#include "kb_internal.h"

/* Is s a CRAM-MD5 style challenge "<...@...>"? */
static int
looks_cram(const char *s, size_t len)
{
	return len >= 3 && s[0] == '<' && s[len - 1] == '>' &&
	    memchr(s, '@', len) != NULL;
}


/* Copy the string value of "key": "value" (or a bare value) in json. */
static int
json_value(const char *json, size_t len, const char *key, char *out,
    size_t outlen)
{
	char		 pat[64];
	const char	*p, *end = json + len;
	size_t		 n = 0;

	snprintf(pat, sizeof pat, "\"%s\"", key);
	for (p = json; p + strlen(pat) <= end; p++)
		if (memcmp(p, pat, strlen(pat)) == 0)
			break;
	if (p + strlen(pat) > end)
		return -1;
	p += strlen(pat);
	while (p < end && (*p == ' ' || *p == ':'))
		p++;
	if (p < end && *p == '"')
		p++;
	while (p < end && *p != '"' && *p != ',' && *p != '}' &&
	    n + 1 < outlen)
		out[n++] = *p++;
	out[n] = '\0';
	return 0;
}


/* Explain an XOAUTH2/OAUTHBEARER error document. */
static void
explain_oauth_error(struct buf *b, const char *d, size_t len,
    struct kb_refs *rs)
{
	char	status[64], schemes[64], scope[256];

	kb_section(b, "OAuth error from the server");
	if (json_value(d, len, "status", status, sizeof status) != 0)
		status[0] = '\0';
	if (json_value(d, len, "schemes", schemes, sizeof schemes) != 0)
		schemes[0] = '\0';
	if (json_value(d, len, "scope", scope, sizeof scope) != 0)
		scope[0] = '\0';
	if (strcmp(status, "401") == 0 || strcmp(status, "invalid_token") == 0)
		buf_printf(b, "Status %s: the token was refused: expired, "
		    "revoked, issued for another account than the user name "
		    "you gave, or lacking the mail scope.\n", status);
	else if (strcmp(status, "400") == 0 ||
	    strcmp(status, "invalid_request") == 0)
		buf_printf(b, "Status %s: the request was malformed: check the "
		    "user=...^Aauth=Bearer ...^A^A layout.\n", status);
	else if (strcmp(status, "403") == 0 ||
	    strcmp(status, "insufficient_scope") == 0)
		buf_printf(b, "Status %s: the token is valid but may not be "
		    "used for mail (wrong scope).\n", status);
	else if (status[0] != '\0')
		buf_printf(b, "Status %s.\n", status);
	if (schemes[0] != '\0')
		buf_printf(b, "- Accepted schemes: %s\n", schemes);
	if (scope[0] != '\0')
		buf_printf(b, "- Scope the server wants: %s\n", scope);
	kb_para(b, "The login has failed. Send an empty line to finish the "
	    "exchange; the server then answers with a 535 or 5.7.8 error. Get "
	    "a fresh access token and try again.");
	kb_refs_add(rs, "RFC 7628 3.2.2");
}


void
kb_add_challenge(struct buf *b, const char *text, size_t len,
    struct kb_refs *rs)
{
	struct buf	 d;
	const char	*guess;
	size_t		 i;
	int		 printable = 1;
	char		*detail;

	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
	    text[len - 1] == '\r' || text[len - 1] == '\n'))
		len--;
	kb_refs_add(rs, "RFC 4954 4");
	if (len == 0) {
		kb_section(b, "Empty challenge");
		kb_para(b, "The server sent 334 with nothing after it: it "
		    "waits for your first answer, for example the PLAIN "
		    "credentials (base64 of NUL user NUL password) when they "
		    "were not given with the AUTH command.");
		return;
	}
	buf_init(&d);
	switch (auth_challenge_check(text, len, &d, &guess)) {
	case AUTH_CHAL_NOT_BASE64:
		kb_section(b, "Damaged challenge: not base64");
		buf_addch(b, '"');
		kb_add_safe(b, text, len);
		buf_addstr(b, "\"\n");
		kb_para(b, "The text after 334 should be base64 but is not, so "
		    "it cannot be read. Some servers send a plain message here; "
		    "otherwise it was damaged on the way (or in a guide that "
		    "copied it). Answer by the mechanism's order, not by this "
		    "text: LOGIN asks for the user name first, the password "
		    "second.");
		buf_free(&d);
		return;
	case AUTH_CHAL_NOT_TEXT:
		kb_section(b, "Damaged challenge: decodes to bytes, not text");
		buf_addstr(b, "Decoded: \"");
		kb_add_safe(b, d.data, d.len);
		buf_addstr(b, "\"\n");
		if (guess != NULL)
			buf_printf(b, "It is probably a garbled \"%s\": a few "
			    "bits of the base64 were changed on the way.\n",
			    guess);
		kb_para(b, "Binary mechanisms (NTLM, GSSAPI) send such bytes on "
		    "purpose; a LOGIN prompt never does. Answer by the "
		    "mechanism's order, not by this text: LOGIN asks for the "
		    "user name first, the password second, and the second "
		    "answer is masked whatever the prompt says.");
		buf_free(&d);
		return;
	case AUTH_CHAL_UNPADDED:
		kb_section(b, "Challenge decoded (its '=' padding was missing)");
		break;
	case AUTH_CHAL_OK:
		kb_section(b, "Challenge decoded");
		break;
	}
	buf_addstr(b, "Decoded: \"");
	kb_add_safe(b, d.data, d.len);
	buf_addstr(b, "\"\n");
	for (i = 0; i < d.len; i++)
		if ((unsigned char)d.data[i] < 0x20 && d.data[i] != '\t')
			printable = 0;
	if (auth_prompt_is_password(d.data, d.len))
		kb_para(b, "The server asks for your password (AUTH LOGIN). "
		    "Type it; smtpscope encodes it in base64 and masks it. "
		    "Base64 is not encryption: only do this over TLS.");
	else if (auth_prompt_is_username(d.data, d.len))
		kb_para(b, "The server asks for your user name (AUTH LOGIN), "
		    "often the full e-mail address. Type it; smtpscope encodes "
		    "it in base64 for you.");
	else if (looks_cram(d.data, d.len)) {
		kb_para(b, "A CRAM-MD5 challenge: a string used once. Answer "
		    "with your user name, a space and the hex HMAC-MD5 of this "
		    "exact string keyed with your password, all in base64 "
		    "(:auth cram-md5 does this).");
		kb_refs_add(rs, "RFC 2195 2");
	} else if (d.len > 0 && d.data[0] == '{' &&
	    kb_ci_contains(d.data, d.len, "\"status\""))
		explain_oauth_error(b, d.data, d.len, rs);
	else if (d.len >= 8 && memcmp(d.data, "NTLMSSP", 8) == 0)
		kb_para(b, "An NTLM challenge message (binary): the server's "
		    "half of Microsoft's NTLM login.");
	else if (d.len > 4 && memcmp(d.data, "r=", 2) == 0 &&
	    kb_ci_contains(d.data, d.len, ",s=") &&
	    kb_ci_contains(d.data, d.len, ",i=")) {
		kb_para(b, "A SCRAM server-first message: r= the combined "
		    "nonce, s= the salt (base64), i= the iteration count used "
		    "to derive the key from your password.");
		kb_refs_add(rs, "RFC 5802 5.1");
	} else if (d.len >= 4 && memcmp(d.data, "v=", 2) == 0)
		kb_para(b, "A SCRAM server-final message: the server proves it "
		    "knew your password. Answer with an empty line.");
	else if (!printable)
		buf_printf(b, "%zu octets of binary data, as GSSAPI and "
		    "similar mechanisms exchange.\n", d.len);
	else
		kb_para(b, "A text challenge; the mechanism in use says how to "
		    "answer it.");
	/* SCRAM, DIGEST-MD5 and NTLM field by field (src/sasl_explain.c). */
	if ((detail = sasl_explain_guess(d.data, d.len)) != NULL) {
		buf_addstr(b, detail);
		buf_addch(b, '\n');
		free(detail);
	}
	buf_free(&d);
}


void
kb_explain_challenge(struct buf *b, const char *text, size_t len)
{
	struct kb_refs	rs;

	memset(&rs, 0, sizeof rs);
	kb_add_challenge(b, text, len, &rs);
	kb_refs_write(b, &rs);
}
