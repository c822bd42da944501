/*
 * xclient: the attribute lists of Postfix's XCLIENT and XFORWARD commands
 * ("ADDR=192.0.2.1 NAME=client.example").  The user writes plain values;
 * they go out xtext-encoded (RFC 3461 4: "+" followed by two hex digits
 * for "+", "=", and octets outside "!" to "~").  Attribute names and the
 * shape of the values are checked before anything connects.
 */
#ifndef SMTPSCOPE_XCLIENT_H
#define SMTPSCOPE_XCLIENT_H

#include <stddef.h>

enum xclient_kind {
	XCLIENT_XCLIENT,
	XCLIENT_XFORWARD
};

/* xtext-encode len octets of p; returns a malloc'd string. */
char	*xtext_encode(const char *, size_t);
/*
 * Build the command line ("XCLIENT ADDR=... NAME=...", no CRLF) from
 * blank-separated ATTR=VALUE words (names in any case; values as they
 * should arrive).  Returns a malloc'd line, or NULL with err set (an
 * unknown attribute, a missing '=', a bad ADDR, PORT or PROTO).
 */
char	*xclient_build(enum xclient_kind, const char *, char *, size_t);

#endif
