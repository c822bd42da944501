/*
 * xclient.c: XCLIENT and XFORWARD attribute lists, checked and
 * xtext-encoded (Postfix's XCLIENT_README and XFORWARD_README).
 */
#include "config.h"

#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/buf.h"
#include "smtpscope/xclient.h"
#include "smtpscope/xmalloc.h"

/* A line longer than this is refused by Postfix's smtpd anyway. */
#define XCLIENT_MAX_LINE	2048

static const char *const xclient_names[] = {
	"ADDR", "NAME", "PORT", "PROTO", "HELO", "LOGIN", "DESTADDR",
	"DESTPORT", NULL
};
static const char *const xforward_names[] = {
	"ADDR", "NAME", "PORT", "PROTO", "HELO", "IDENT", "SOURCE", NULL
};

char *
xtext_encode(const char *p, size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct buf		 b;
	unsigned char		 c;
	size_t			 i;
	char			 e[3];

	buf_init(&b);
	for (i = 0; i < len; i++) {
		c = (unsigned char)p[i];
		if (c >= '!' && c <= '~' && c != '+' && c != '=') {
			buf_add(&b, &p[i], 1);
			continue;
		}
		e[0] = '+';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 0x0f];
		buf_add(&b, e, 3);
	}
	buf_add(&b, "", 1);
	return b.data;
}

/* The placeholders every attribute may take instead of a value. */
static int
xclient_placeholder(const char *v)
{
	return strcasecmp(v, "[UNAVAILABLE]") == 0 ||
	    strcasecmp(v, "[TEMPUNAVAIL]") == 0;
}

/* Is v an address: IPv4, IPv6, or IPv6 after "IPV6:" (Postfix's form)? */
static int
xclient_addr_ok(const char *v)
{
	struct in6_addr	a6;
	struct in_addr	a4;

	if (strncasecmp(v, "IPV6:", 5) == 0)
		return inet_pton(AF_INET6, v + 5, &a6) == 1;
	return inet_pton(AF_INET, v, &a4) == 1 ||
	    inet_pton(AF_INET6, v, &a6) == 1;
}

static int
xclient_port_ok(const char *v)
{
	long	n = 0;

	if (*v == '\0' || strlen(v) > 5 ||
	    strspn(v, "0123456789") != strlen(v))
		return 0;
	n = strtol(v, NULL, 10);
	return n >= 0 && n <= 65535;
}

/* Check one value for its attribute; 0, or -1 with err. */
static int
xclient_check(enum xclient_kind k, const char *name, const char *v,
    char *err, size_t errlen)
{
	if (xclient_placeholder(v))
		return 0;
	if ((strcmp(name, "ADDR") == 0 || strcmp(name, "DESTADDR") == 0) &&
	    !xclient_addr_ok(v)) {
		snprintf(err, errlen, "%s=%s is not an IPv4 or IPv6 address "
		    "(or [UNAVAILABLE])", name, v);
		return -1;
	}
	if ((strcmp(name, "PORT") == 0 || strcmp(name, "DESTPORT") == 0) &&
	    !xclient_port_ok(v)) {
		snprintf(err, errlen, "%s=%s is not a port number (0-65535)",
		    name, v);
		return -1;
	}
	if (strcmp(name, "PROTO") == 0 && strcasecmp(v, "SMTP") != 0 &&
	    strcasecmp(v, "ESMTP") != 0) {
		snprintf(err, errlen, "PROTO=%s: the protocol is SMTP or ESMTP",
		    v);
		return -1;
	}
	if (k == XCLIENT_XFORWARD && strcmp(name, "SOURCE") == 0 &&
	    strcasecmp(v, "LOCAL") != 0 && strcasecmp(v, "REMOTE") != 0) {
		snprintf(err, errlen, "SOURCE=%s: the source is LOCAL or "
		    "REMOTE", v);
		return -1;
	}
	if (*v == '\0') {
		snprintf(err, errlen, "%s= has no value (use [UNAVAILABLE] "
		    "for one that is not known)", name);
		return -1;
	}
	return 0;
}

/*
 * The next blank-separated word of *p, in place; a value may be quoted
 * (HELO="two words"), the quotes removed.  NULL at the end.
 */
static char *
xclient_word(char **p)
{
	char	*s = *p, *w, *o;
	int	 quoted = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return NULL;
	w = o = s;
	for (; *s != '\0'; s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (!quoted && (*s == ' ' || *s == '\t')) {
			s++;
			break;
		}
		*o++ = *s;
	}
	*o = '\0';
	*p = s;
	return w;
}

char *
xclient_build(enum xclient_kind k, const char *attrs, char *err,
    size_t errlen)
{
	const char *const	*names;
	const char		*cmd;
	struct buf		 line;
	char			*copy, *word, *next, *eq, *enc;
	size_t			 i, n = 0;
	unsigned int		 seen = 0;

	names = k == XCLIENT_XCLIENT ? xclient_names : xforward_names;
	cmd = k == XCLIENT_XCLIENT ? "XCLIENT" : "XFORWARD";
	buf_init(&line);
	buf_add(&line, cmd, strlen(cmd));
	copy = xstrdup(attrs);
	for (next = copy; (word = xclient_word(&next)) != NULL;) {
		if ((eq = strchr(word, '=')) == NULL || eq == word) {
			snprintf(err, errlen, "%s: '%s' is not ATTR=VALUE (quote "
			    "a value with blanks: HELO=\"a b\")", cmd, word);
			goto fail;
		}
		*eq++ = '\0';
		for (i = 0; names[i] != NULL; i++)
			if (strcasecmp(word, names[i]) == 0)
				break;
		if (names[i] == NULL) {
			snprintf(err, errlen, "%s has no attribute %s (it "
			    "knows %s)", cmd, word, k == XCLIENT_XCLIENT ?
			    "ADDR, NAME, PORT, PROTO, HELO, LOGIN, DESTADDR, "
			    "DESTPORT" : "ADDR, NAME, PORT, PROTO, HELO, IDENT, "
			    "SOURCE");
			goto fail;
		}
		/* Which one would the server take?  Say it, do not guess. */
		if (seen & (1U << i)) {
			snprintf(err, errlen, "%s: %s is given twice", cmd,
			    names[i]);
			goto fail;
		}
		seen |= 1U << i;
		if (xclient_check(k, names[i], eq, err, errlen) == -1) {
			/* err names the attribute; prefix the command. */
			char	tmp[512];

			snprintf(tmp, sizeof tmp, "%s: %s", cmd, err);
			snprintf(err, errlen, "%s", tmp);
			goto fail;
		}
		enc = xtext_encode(eq, strlen(eq));
		buf_add(&line, " ", 1);
		buf_add(&line, names[i], strlen(names[i]));
		buf_add(&line, "=", 1);
		buf_add(&line, enc, strlen(enc));
		free(enc);
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s wants at least one ATTR=VALUE", cmd);
		goto fail;
	}
	if (line.len > XCLIENT_MAX_LINE) {
		snprintf(err, errlen, "%s: the line would be %zu octets long "
		    "(at most %d)", cmd, line.len, XCLIENT_MAX_LINE);
		goto fail;
	}
	free(copy);
	buf_add(&line, "", 1);
	return line.data;
fail:
	free(copy);
	buf_free(&line);
	return NULL;
}
