/*
 * target.c: parse a target, on the command line or typed in the UI
 * (:connect), into strings the caller then owns: one grammar for both.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtpscope/mx.h"
#include "smtpscope/target.h"
#include "smtpscope/xmalloc.h"

static const struct {
	const char	*name;
	const char	*port;
	int		 implicit_tls, require_tls, lmtp, mx;
} schemes[] = {
	{ "smtp",	"25",	0, 0, 0, 0 },
	{ "smtps",	"465",	1, 0, 0, 0 },
	{ "submission",	"587",	0, 1, 0, 0 },
	{ "lmtp",	"24",	0, 0, 1, 0 },
	{ "mx",		"25",	0, 0, 0, 1 },
};

/* TARGET_PORT_SHORT: at most 9 characters, as the command line's numbers. */
static int
port_ok(const char *p, int flags)
{
	char	*end;
	long	 v;

	if (*p < '0' || *p > '9')
		return 0;
	if ((flags & TARGET_PORT_SHORT) && strlen(p) > 9)
		return 0;
	v = strtol(p, &end, 10);
	return *end == '\0' && v >= 1 && v <= 65535;
}

/* A name as the DNS has them, with a dot: a domain, not an address. */
static int
bare_domain(const char *s)
{
	struct in_addr	a4;
	size_t		n = strlen(s);

	if (inet_pton(AF_INET, s, &a4) == 1 || strchr(s, '.') == NULL)
		return 0;
	return n < 254 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == n && *s != '.' &&
	    *s != '-' && strstr(s, "..") == NULL;
}

int
target_parse(int argc, char **argv, int flags, struct target *t, char *err,
    size_t errlen)
{
	const char	*arg, *rest, *defport = "25";
	char		*p, *end, *host, merr[512];
	size_t		 i, len;
	int		 scheme = 0;

	memset(t, 0, sizeof *t);
	if (argc < 1) {
		snprintf(err, errlen, "one target: a URL, HOST [PORT] or a "
		    "domain");
		return -1;
	}
	arg = argv[0];
	if ((rest = strstr(arg, "://")) != NULL) {
		len = (size_t)(rest - arg);
		for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
			if (strlen(schemes[i].name) == len &&
			    strncasecmp(arg, schemes[i].name, len) == 0)
				break;
		if (i == sizeof schemes / sizeof schemes[0]) {
			snprintf(err, errlen, "unknown URL scheme in '%s' (use "
			    "smtp://, smtps://, submission://, lmtp:// or "
			    "mx://)", arg);
			return -1;
		}
		if (argc > 1) {
			snprintf(err, errlen, "a URL already names the port: "
			    "'%s' is one argument too many", argv[1]);
			return -1;
		}
		defport = schemes[i].port;
		t->implicit_tls = schemes[i].implicit_tls;
		t->require_tls = schemes[i].require_tls;
		t->lmtp = schemes[i].lmtp;
		t->mx = schemes[i].mx;
		scheme = 1;
		arg = rest + 3;
		if (*arg == '/') {
			if (strcasecmp(schemes[i].name, "smtp") != 0 &&
			    !t->lmtp) {
				snprintf(err, errlen, "a unix socket goes with "
				    "smtp:// or lmtp:// ('%s')", argv[0]);
				return -1;
			}
			if (arg[1] == '\0') {
				snprintf(err, errlen, "no socket path in '%s'",
				    argv[0]);
				return -1;
			}
			t->store = xstrdup(arg);
			t->unix_path = t->host = t->store;
			t->port = t->store + strlen(t->store);
			return 0;
		}
	} else if (argc > 2) {
		snprintf(err, errlen, "too many arguments: '%s'", argv[2]);
		return -1;
	}
	t->store = p = xmalloc(strlen(arg) + 2);
	memcpy(p, arg, strlen(arg) + 1);
	p[strcspn(p, "/")] = '\0';
	if ((end = strrchr(p, '@')) != NULL)	/* user@host: the host */
		memmove(p, end + 1, strlen(end + 1) + 1);
	if (*p == '[') {
		if ((end = strchr(p, ']')) == NULL) {
			snprintf(err, errlen, "missing ']' in '%s'", arg);
			goto bad;
		}
		*end = '\0';
		t->host = p + 1;
		t->port = end[1] == ':' ? end + 2 : NULL;
	} else if ((end = strchr(p, ':')) != NULL &&
	    strchr(end + 1, ':') == NULL) {
		*end = '\0';
		t->host = p;
		t->port = end + 1;
	} else
		t->host = p;
	if (argc == 2)
		t->port = argv[1];
	if (*t->host == '\0') {
		snprintf(err, errlen, "no host in '%s'", argv[0]);
		goto bad;
	}
	/* A domain alone: where its mail goes. */
	if ((flags & TARGET_DOMAIN_MX) && !scheme && t->port == NULL &&
	    bare_domain(t->host))
		t->mx = 1;
	if (t->port == NULL)
		t->port = (char *)defport;
	if (!port_ok(t->port, flags)) {
		snprintf(err, errlen, "bad port '%s' (1-65535)", t->port);
		goto bad;
	}
	/*
	 * An IDN's A-label is longer than the name typed: a copy of its own.
	 * The check's message is cut at 512 bytes whatever errlen is, as it
	 * always was on the command line.
	 */
	host = xstrdup(t->host);
	if (t->mx && mx_domain_check(&host, "mx://", t->note, sizeof t->note,
	    merr, sizeof merr) == -1) {
		snprintf(err, errlen, "%s", merr);
		free(host);
		goto bad;
	}
	/* The port may point into argv or the table: keep a copy. */
	len = strlen(host);
	end = xmalloc(len + strlen(t->port) + 2);
	memcpy(end, host, len + 1);
	memcpy(end + len + 1, t->port, strlen(t->port) + 1);
	free(host);
	free(t->store);
	t->store = end;
	t->host = end;
	t->port = end + len + 1;
	return 0;
bad:
	target_free(t);
	return -1;
}

void
target_free(struct target *t)
{
	free(t->store);
	memset(t, 0, sizeof *t);
}
