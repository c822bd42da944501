/*
 * test_proxyhdr.c: the octets of PROXY protocol headers, versions 1 and 2
 * (HAProxy's proxy-protocol.txt 2.1 and 2.2), and address parsing.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <string.h>

#include "smtpscope/proxyhdr.h"

#include "t.h"

static struct sockaddr_storage
addr(const char *s)
{
	struct sockaddr_storage	ss;
	char			err[256];

	if (proxyhdr_parse_addr(s, &ss, err, sizeof err) == -1)
		printf("# %s\n", err);
	return ss;
}

int
main(void)
{
	static const unsigned char v2_4[] = {
		0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49,
		0x54, 0x0a, 0x21, 0x11, 0x00, 0x0c,
		192, 0, 2, 1, 127, 0, 0, 1, 0x30, 0x39, 0x00, 0x19
	};
	struct sockaddr_storage	 s4, d4, s6, d6, x;
	unsigned char		 out[PROXYHDR_MAX];
	char			 err[256], buf[64];
	ssize_t			 n;

	s4 = addr("192.0.2.1:12345");
	d4 = addr("127.0.0.1:25");
	s6 = addr("[2001:db8::1]:1024");
	d6 = addr("[::1]:587");

	n = proxyhdr_build(1, &s4, &d4, out, err, sizeof err);
	EQ_INT(n, 41, "v1 TCP4: length");
	OK(n > 0 && memcmp(out, "PROXY TCP4 192.0.2.1 127.0.0.1 12345 25\r\n",
	    (size_t)n) == 0, "v1 TCP4: the line");
	n = proxyhdr_build(1, &s6, &d6, out, err, sizeof err);
	OK(n > 0 && memcmp(out, "PROXY TCP6 2001:db8::1 ::1 1024 587\r\n",
	    (size_t)n) == 0, "v1 TCP6: the line");

	n = proxyhdr_build(2, &s4, &d4, out, err, sizeof err);
	EQ_INT(n, 28, "v2 TCP4: 16 + 12 octets");
	OK(n == 28 && memcmp(out, v2_4, 28) == 0, "v2 TCP4: the octets");
	n = proxyhdr_build(2, &s6, &d6, out, err, sizeof err);
	EQ_INT(n, 52, "v2 TCP6: 16 + 36 octets");
	OK(out[12] == 0x21 && out[13] == 0x21 && out[14] == 0 &&
	    out[15] == 36, "v2 TCP6: version, family, length");
	OK(out[16] == 0x20 && out[17] == 0x01 && out[47] == 1 &&
	    out[48] == 0x04 && out[49] == 0x00 && out[50] == 0x02 &&
	    out[51] == 0x4b, "v2 TCP6: addresses and ports");

	EQ_INT(proxyhdr_build(1, &s4, &d6, out, err, sizeof err), -1,
	    "mixed families refused");
	EQ_INT(proxyhdr_build(3, &s4, &d4, out, err, sizeof err), -1,
	    "version 3 refused");
	memset(&x, 0, sizeof x);
	EQ_INT(proxyhdr_build(2, &x, &x, out, err, sizeof err), -1,
	    "no address refused");

	EQ_INT(proxyhdr_parse_addr("192.0.2.1", &x, err, sizeof err), -1,
	    "parse: no port");
	EQ_INT(proxyhdr_parse_addr("host:25", &x, err, sizeof err), -1,
	    "parse: a name");
	EQ_INT(proxyhdr_parse_addr("::1:25", &x, err, sizeof err), -1,
	    "parse: IPv6 without brackets");
	EQ_INT(proxyhdr_parse_addr("[::1]:65536", &x, err, sizeof err), -1,
	    "parse: port too large");
	EQ_INT(proxyhdr_parse_addr("[192.0.2.1]:25", &x, err, sizeof err), -1,
	    "parse: IPv4 in brackets");
	EQ_INT(proxyhdr_parse_addr("192.0.2.1:0", &x, err, sizeof err), 0,
	    "parse: port 0");
	proxyhdr_addr_str(&s6, buf, sizeof buf);
	EQ_STR(buf, "[2001:db8::1]:1024", "IPv6 shown in brackets");
	return t_done();
}
