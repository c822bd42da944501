/*
 * test_target.c: the target parser (:connect's and the command line's):
 * every scheme with its default port, HOST[:PORT], "HOST PORT",
 * [ADDR6]:PORT, socket paths, a domain alone as mx://, and what is
 * refused; then the command line's rules.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/target.h"

#include "t.h"

static struct target	t;
static char		err[512];

static int
parse(const char *a, const char *b)
{
	char	*argv[2];

	argv[0] = (char *)a;
	argv[1] = (char *)b;
	target_free(&t);
	err[0] = '\0';
	return target_parse(b != NULL ? 2 : 1, argv, TARGET_DOMAIN_MX, &t, err,
	    sizeof err);
}

/* As the command line calls it: argc of the three, its flags. */
static int
parse_cli(int argc, const char *a, const char *b, const char *c)
{
	char	*argv[3];

	argv[0] = (char *)a;
	argv[1] = (char *)b;
	argv[2] = (char *)c;
	target_free(&t);
	err[0] = '\0';
	return target_parse(argc, argv, TARGET_PORT_SHORT, &t, err,
	    sizeof err);
}

int
main(void)
{
	EQ_INT(parse("smtp://mail.example.org", NULL), 0, "smtp://");
	EQ_STR(t.host, "mail.example.org", "smtp://: host");
	EQ_STR(t.port, "25", "smtp://: port 25");
	OK(!t.mx && !t.implicit_tls, "smtp://: plain");
	EQ_INT(parse("smtps://mail.example.org:4465", NULL), 0, "smtps://");
	EQ_STR(t.port, "4465", "smtps://: the port given");
	OK(t.implicit_tls, "smtps://: implicit TLS");
	EQ_INT(parse("submission://mail.example.org", NULL), 0, "submission");
	EQ_STR(t.port, "587", "submission://: 587");
	OK(t.require_tls, "submission://: TLS required");
	EQ_INT(parse("LMTP://127.0.0.1", NULL), 0, "lmtp://, any case");
	EQ_STR(t.port, "24", "lmtp://: 24");
	OK(t.lmtp, "lmtp://: LMTP");
	EQ_INT(parse("mx://example.org:2525", NULL), 0, "mx://");
	OK(t.mx, "mx://: mx");
	EQ_STR(t.port, "2525", "mx://: the port given");
	EQ_INT(parse("lmtp:///run/lmtp.sock", NULL), 0, "a socket path");
	EQ_STR(t.unix_path, "/run/lmtp.sock", "the socket path");
	OK(t.lmtp, "lmtp socket: LMTP");

	EQ_INT(parse("example.org", NULL), 0, "a domain alone");
	OK(t.mx, "a domain alone: mx://");
	EQ_STR(t.port, "25", "a domain alone: port 25");
	EQ_INT(parse("example.org:25", NULL), 0, "a name with a port");
	OK(!t.mx, "a name with a port: that host");
	EQ_INT(parse("example.org", "2525"), 0, "HOST PORT");
	OK(!t.mx, "HOST PORT: that host");
	EQ_STR(t.port, "2525", "HOST PORT: the port");
	EQ_INT(parse("192.0.2.1", NULL), 0, "an address");
	OK(!t.mx, "an address: not a domain");
	EQ_INT(parse("localhost", NULL), 0, "a name without a dot");
	OK(!t.mx, "no dot: a host");
	EQ_INT(parse("[2001:db8::1]:2525", NULL), 0, "[ADDR6]:PORT");
	EQ_STR(t.host, "2001:db8::1", "[ADDR6]: the address");
	EQ_STR(t.port, "2525", "[ADDR6]:PORT: the port");
	OK(!t.mx, "[ADDR6]: not a domain");
	EQ_INT(parse("2001:db8::1", NULL), 0, "a bare IPv6 address");
	OK(!t.mx, "a bare IPv6 address: a host");
	EQ_INT(parse("user@mail.example.org:26", NULL), 0, "user@host");
	EQ_STR(t.host, "mail.example.org", "user@host: the host");

	EQ_INT(parse("gopher://x", NULL), -1, "unknown scheme refused");
	OK(strstr(err, "unknown URL scheme") != NULL, "unknown scheme: said");
	EQ_INT(parse("smtp://x", "25"), -1, "URL and a port refused");
	EQ_INT(parse("mail.example.org:0", NULL), -1, "port 0 refused");
	EQ_INT(parse("mail.example.org:99999", NULL), -1, "port too big");
	EQ_INT(parse("mail.example.org:2x", NULL), -1, "port not a number");
	EQ_INT(parse("[2001:db8::1", NULL), -1, "a missing ] refused");
	EQ_INT(parse("smtps:///run/x", NULL), -1, "smtps:// socket refused");
	EQ_INT(parse("smtp:///", NULL), -1, "no socket path refused");
	EQ_INT(parse(":25", NULL), -1, "no host refused");
	OK(strstr(err, "no host") != NULL, "no host: said");

	/* mx:// wants a domain the DNS can be asked about. */
	EQ_INT(parse("mx://Mail.EXAMPLE.org.:2525", NULL), 0,
	    "mx://: upper case and a final dot");
	EQ_STR(t.host, "mail.example.org", "mx://: lower case, no final dot");
	EQ_INT(parse("EXAMPLE.ORG.", NULL), 0, "a domain alone, final dot");
	OK(t.mx, "a domain alone with a final dot: mx://");
	EQ_STR(t.host, "example.org", "a domain alone: made plain");
	EQ_INT(parse("mx://192.0.2.1", NULL), -1, "mx://ADDRESS refused");
	OK(strstr(err, "not an address") != NULL &&
	    strstr(err, "smtp://192.0.2.1") != NULL, "mx://ADDRESS: said");
	EQ_INT(parse("mx://[2001:db8::1]:25", NULL), -1,
	    "mx://[ADDR6] refused");
	OK(strstr(err, "smtp://[2001:db8::1]") != NULL, "mx://[ADDR6]: said");
	EQ_INT(parse("mx://B\xc3\xbc" "cher.Example.", NULL), 0,
	    "mx:// with an IDN");
	EQ_STR(t.host, "xn--bcher-kva.example", "an IDN: its A-label");
	EQ_STR(t.note, "B\xc3\xbc" "cher.Example is xn--bcher-kva.example "
	    "(IDNA)", "an IDN: the A-label said");
	EQ_STR(t.port, "25", "an IDN: the port kept");
	EQ_INT(parse("mx://b\xc3\xbc" "cher.example:2525", NULL), 0,
	    "mx:// with an IDN and a port");
	EQ_STR(t.port, "2525", "an IDN: the port given kept");
	EQ_INT(parse("mx://ab--\xc3\xbc" ".example", NULL), -1,
	    "mx:// with a name IDNA refuses");
	OK(strstr(err, "not a valid internationalised") != NULL,
	    "not an IDN: said");
	EQ_INT(parse("mx://\xff\xfe.example", NULL), -1,
	    "mx:// with bytes that are not UTF-8");
	OK(strchr(err, '\xff') == NULL, "not UTF-8: not echoed raw");
	EQ_INT(parse("mx://example.org", NULL), 0, "an ASCII name");
	EQ_STR(t.note, "", "an ASCII name: no note");
	EQ_INT(parse("mx://xn--bcher-kva.example", NULL), 0,
	    "mx:// with an A-label");
	EQ_INT(parse("mx://a..example", NULL), -1, "an empty label refused");
	EQ_INT(parse("mx://a\033[2Jb.example", NULL), -1,
	    "an escape refused");
	OK(strchr(err, '\033') == NULL, "the escape not echoed raw");

	/* The command line's rules: flags 0 and TARGET_PORT_SHORT. */
	EQ_INT(parse_cli(3, "mail.example.org", "25", "x"), -1,
	    "a third argument refused");
	EQ_STR(err, "too many arguments: 'x'", "a third argument: said");
	EQ_INT(parse_cli(3, "gopher://x", "25", "x"), -1,
	    "a third argument after an unknown scheme refused");
	OK(strstr(err, "unknown URL scheme in 'gopher://x'") == err,
	    "the unknown scheme said first");
	EQ_INT(parse_cli(3, "smtp://x", "25", "x"), -1,
	    "a URL with two more refused");
	EQ_STR(err, "a URL already names the port: '25' is one argument too "
	    "many", "a URL with two more: the first named");
	EQ_INT(parse_cli(1, "example.org", NULL, NULL), 0,
	    "command line: a domain alone");
	OK(!t.mx, "command line: a domain alone is that host");
	EQ_STR(t.port, "25", "command line: a domain alone, port 25");
	EQ_INT(parse_cli(1, "mail.example.org:000000025", NULL, NULL), 0,
	    "command line: a port of 9 characters");
	EQ_INT(parse_cli(2, "mail.example.org", "0000000025", NULL), -1,
	    "command line: a port of 10 characters refused");
	EQ_STR(err, "bad port '0000000025' (1-65535)",
	    "command line: the long port said");
	EQ_INT(parse("mail.example.org", "0000000025"), 0,
	    ":connect: a port of 10 characters");
	EQ_INT(parse_cli(1, "lmtp:///run/lmtp", NULL, NULL), 0,
	    "command line: a socket path");
	EQ_STR(t.unix_path, "/run/lmtp", "command line: the socket path");
	EQ_STR(t.port, "", "command line: a socket has no port");
	OK(t.lmtp, "command line: lmtp:// socket is LMTP");
	target_free(&t);
	return t_done();
}
