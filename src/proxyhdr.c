/*
 * proxyhdr.c: PROXY protocol headers, versions 1 and 2 (HAProxy's
 * proxy-protocol.txt, sections 2.1 and 2.2).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/proxyhdr.h"

/* Section 2.2: the first 12 octets of every version 2 header. */
static const unsigned char proxyhdr_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

int
proxyhdr_parse_addr(const char *arg, struct sockaddr_storage *ss, char *err,
    size_t errlen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[64];
	const char		*colon, *port, *h;
	size_t			 hl;
	long			 p;
	char			*end;

	memset(ss, 0, sizeof *ss);
	if (arg[0] == '[') {
		if ((colon = strstr(arg, "]:")) == NULL)
			goto bad;
		h = arg + 1;
		hl = (size_t)(colon - h);
		port = colon + 2;
	} else {
		if ((colon = strrchr(arg, ':')) == NULL ||
		    memchr(arg, ':', (size_t)(colon - arg)) != NULL)
			goto bad;
		h = arg;
		hl = (size_t)(colon - arg);
		port = colon + 1;
	}
	if (hl == 0 || hl >= sizeof host || *port == '\0' ||
	    strspn(port, "0123456789") != strlen(port) || strlen(port) > 5)
		goto bad;
	p = strtol(port, &end, 10);
	if (p > 65535)
		goto bad;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (arg[0] != '[' && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)p);
		return 0;
	}
	if (arg[0] == '[' && inet_pton(AF_INET6, host, &sin6->sin6_addr) ==
	    1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)p);
		return 0;
	}
bad:
	snprintf(err, errlen, "'%s' is not ADDR:PORT (an IPv4 address, or "
	    "[IPv6] in brackets, and a port 0-65535)", arg);
	return -1;
}

void
proxyhdr_addr_str(const struct sockaddr_storage *ss, char *out, size_t len)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;
	char				 a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof a);
		snprintf(out, len, "%s:%u", a, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof a);
		snprintf(out, len, "[%s]:%u", a, ntohs(sin6->sin6_port));
	} else
		snprintf(out, len, "(no address)");
}

ssize_t
proxyhdr_build(int version, const struct sockaddr_storage *src,
    const struct sockaddr_storage *dst, unsigned char *out, char *err,
    size_t errlen)
{
	const struct sockaddr_in	*s4 = (const struct sockaddr_in *)src;
	const struct sockaddr_in	*d4 = (const struct sockaddr_in *)dst;
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)src;
	const struct sockaddr_in6	*d6 = (const struct sockaddr_in6 *)dst;
	char				 sa[INET6_ADDRSTRLEN];
	char				 da[INET6_ADDRSTRLEN];
	int				 fam = src->ss_family, n;
	size_t				 len;

	if (fam != dst->ss_family || (fam != AF_INET && fam != AF_INET6)) {
		snprintf(err, errlen, "the PROXY header needs a source and a "
		    "destination of one family, IPv4 or IPv6");
		return -1;
	}
	if (version == 1) {
		if (fam == AF_INET) {
			inet_ntop(AF_INET, &s4->sin_addr, sa, sizeof sa);
			inet_ntop(AF_INET, &d4->sin_addr, da, sizeof da);
		} else {
			inet_ntop(AF_INET6, &s6->sin6_addr, sa, sizeof sa);
			inet_ntop(AF_INET6, &d6->sin6_addr, da, sizeof da);
		}
		n = snprintf((char *)out, PROXYHDR_MAX, "PROXY %s %s %s %u "
		    "%u\r\n", fam == AF_INET ? "TCP4" : "TCP6", sa, da,
		    fam == AF_INET ? ntohs(s4->sin_port) : ntohs(s6->sin6_port),
		    fam == AF_INET ? ntohs(d4->sin_port) :
		    ntohs(d6->sin6_port));
		return n;
	}
	if (version != 2) {
		snprintf(err, errlen, "PROXY protocol version %d: there are "
		    "versions 1 and 2", version);
		return -1;
	}
	memcpy(out, proxyhdr_sig, sizeof proxyhdr_sig);
	out[12] = 0x21;		/* version 2, command PROXY */
	if (fam == AF_INET) {
		out[13] = 0x11;	/* AF_INET, STREAM */
		len = 12;
		memcpy(out + 16, &s4->sin_addr, 4);
		memcpy(out + 20, &d4->sin_addr, 4);
		memcpy(out + 24, &s4->sin_port, 2);
		memcpy(out + 26, &d4->sin_port, 2);
	} else {
		out[13] = 0x21;	/* AF_INET6, STREAM */
		len = 36;
		memcpy(out + 16, &s6->sin6_addr, 16);
		memcpy(out + 32, &d6->sin6_addr, 16);
		memcpy(out + 48, &s6->sin6_port, 2);
		memcpy(out + 50, &d6->sin6_port, 2);
	}
	out[14] = (unsigned char)(len >> 8);
	out[15] = (unsigned char)(len & 0xff);
	return (ssize_t)(16 + len);
}
