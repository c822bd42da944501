/*
 * test_xclient.c: xtext encoding (RFC 3461 4) and the XCLIENT/XFORWARD
 * attribute lists checked before anything is sent.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtpscope/xclient.h"

#include "t.h"

static void
enc(const char *in, size_t len, const char *want, const char *name)
{
	char	*got = xtext_encode(in, len);

	EQ_STR(got, want, name);
	free(got);
}

static void
build(enum xclient_kind k, const char *in, const char *want,
    const char *name)
{
	char	 err[256], *got;

	err[0] = '\0';
	got = xclient_build(k, in, err, sizeof err);
	EQ_STR(got, want, name);
	if (got == NULL && want != NULL)
		printf("#   err: %s\n", err);
	OK(want != NULL || err[0] != '\0', "a refusal says why");
	free(got);
}

int
main(void)
{
	enc("", 0, "", "xtext: empty");
	enc("client.example", 14, "client.example", "xtext: plain stays");
	enc("a b", 3, "a+20b", "xtext: a blank");
	enc("a+b=c", 5, "a+2Bb+3Dc", "xtext: plus and equals");
	enc("\x7f\x80\xff", 3, "+7F+80+FF", "xtext: high and DEL");
	enc("a\0b", 3, "a+00b", "xtext: NUL");
	enc("!~", 2, "!~", "xtext: the ends of the range stay");
	enc("[UNAVAILABLE]", 13, "[UNAVAILABLE]", "xtext: brackets stay");

	build(XCLIENT_XCLIENT, "ADDR=192.0.2.1", "XCLIENT ADDR=192.0.2.1",
	    "IPv4 address");
	build(XCLIENT_XCLIENT, "ADDR=192.0.2.1 addr=192.0.2.2", NULL,
	    "an attribute given twice is refused");
	build(XCLIENT_XFORWARD, "NAME=a.example NAME=b.example", NULL,
	    "XFORWARD: an attribute given twice is refused");
	build(XCLIENT_XCLIENT, "addr=2001:db8::1 name=x.example",
	    "XCLIENT ADDR=2001:db8::1 NAME=x.example", "names upper-cased");
	build(XCLIENT_XCLIENT, "ADDR=IPV6:2001:db8::1",
	    "XCLIENT ADDR=IPV6:2001:db8::1", "Postfix's IPV6: form");
	build(XCLIENT_XCLIENT, "HELO=\"two words\" PORT=25 PROTO=esmtp",
	    "XCLIENT HELO=two+20words PORT=25 PROTO=esmtp", "quoted value");
	build(XCLIENT_XCLIENT, "NAME=[UNAVAILABLE] ADDR=[TEMPUNAVAIL]",
	    "XCLIENT NAME=[UNAVAILABLE] ADDR=[TEMPUNAVAIL]", "placeholders");
	build(XCLIENT_XCLIENT, "LOGIN=a+b DESTADDR=127.0.0.1 DESTPORT=587",
	    "XCLIENT LOGIN=a+2Bb DESTADDR=127.0.0.1 DESTPORT=587",
	    "LOGIN encoded, DEST*");
	build(XCLIENT_XCLIENT, "", NULL, "nothing: refused");
	build(XCLIENT_XCLIENT, "FOO=1", NULL, "unknown attribute");
	build(XCLIENT_XCLIENT, "IDENT=x", NULL, "XFORWARD's IDENT in XCLIENT");
	build(XCLIENT_XCLIENT, "ADDR", NULL, "no '='");
	build(XCLIENT_XCLIENT, "=1", NULL, "no name");
	build(XCLIENT_XCLIENT, "ADDR=192.0.2", NULL, "bad address");
	build(XCLIENT_XCLIENT, "PORT=65536", NULL, "port too large");
	build(XCLIENT_XCLIENT, "PORT=-1", NULL, "negative port");
	build(XCLIENT_XCLIENT, "PROTO=LMTP", NULL, "bad protocol");
	build(XCLIENT_XCLIENT, "NAME=", NULL, "empty value");
	build(XCLIENT_XFORWARD, "SOURCE=local IDENT=abc",
	    "XFORWARD SOURCE=local IDENT=abc", "XFORWARD SOURCE and IDENT");
	build(XCLIENT_XFORWARD, "SOURCE=there", NULL, "bad SOURCE");
	build(XCLIENT_XFORWARD, "LOGIN=x", NULL, "XCLIENT's LOGIN in XFORWARD");
	return t_done();
}
