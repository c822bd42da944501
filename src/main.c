/*
 * main.c: pick a mode from the command line: the UI (on the practice
 * server when no target is given), --script (or, with --step, the UI
 * running the script a line at a time), --replay, --explain, --serve.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/intercept.h"
#include "smtpscope/lesson.h"
#include "smtpscope/net.h"
#include "smtpscope/proxyhdr.h"
#include "smtpscope/practice.h"
#include "smtpscope/mx.h"
#include "smtpscope/resolve.h"
#include "smtpscope/script.h"
#include "smtpscope/session.h"
#include "smtpscope/target.h"
#include "smtpscope/tls.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xclient.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui.h"

#include "src/main.h"

enum {
	OPT_SCRIPT = 256, OPT_EXPLAIN, OPT_SERVE, OPT_SERVE_SMTPS, OPT_MAILDIR,
	OPT_INSECURE, OPT_CA_FILE, OPT_TLS_PRIORITY, OPT_SNI, OPT_CERT,
	OPT_KEY, OPT_TIMEOUT, OPT_USER, OPT_PASSWORD_ENV, OPT_PASSWORD_FILE,
	OPT_LOG, OPT_SHOW_SECRETS, OPT_TIMING, OPT_NO_COLOR, OPT_STARTTLS, OPT_ALLOW_PLAINTEXT,
	OPT_HELP, OPT_VERSION, OPT_REPLAY, OPT_STEP, OPT_EXPORT_HTML,
	OPT_SERVE_REQUIRE_AUTH, OPT_SERVE_TLS_AUTH, OPT_SERVE_REQUIRE_TLS,
	OPT_SERVE_MAX_SESSIONS, OPT_SERVE_MAX_PER_ADDR, OPT_SERVE_IDLE,
	OPT_SERVE_MAX_TIME, OPT_SERVE_MAX_MEMORY, OPT_SERVE_LOG, OPT_SERVE_PLAIN,
	OPT_MAILDIR_QUOTA,
	OPT_MAX_TRANSCRIPT, OPT_LOG_MAX,
	OPT_THEME, OPT_LESSON,
	OPT_TLS_REPORT, OPT_MTA_STS, OPT_MTA_STS_MX,
	/* The one-shot send (src/send.c). */
	OPT_TO, OPT_FROM, OPT_HEADER, OPT_BODY, OPT_BODY_FILE, OPT_ATTACH,
	OPT_AUTH, OPT_EHLO, OPT_BDAT, OPT_BDAT_CHUNK, OPT_QUIT_AFTER,
	OPT_SMTPUTF8, OPT_REQUIRETLS, OPT_SIZE, OPT_DSN_RET, OPT_DSN_ENVID,
	OPT_DSN_NOTIFY, OPT_DSN_ORCPT,
	/* transports and admin extensions */
	OPT_XCLIENT, OPT_XFORWARD, OPT_PROXY_PROTOCOL, OPT_PROXY_SOURCE,
	OPT_PROXY_DEST, OPT_BIND, OPT_PIPE,
	/* Machine-readable output and named servers. */
	OPT_JSON, OPT_PROFILE,
	/* DNS: the resolver, its trust anchor, DANE */
	OPT_DNS, OPT_DNS_TRUST_ANCHOR, OPT_DANE,
	/* --intercept */
	OPT_INTERCEPT, OPT_ONCE, OPT_INTERCEPT_MAX_SESSIONS,
	OPT_INTERCEPT_IDLE
};

static const struct option longopts[] = {
	{ "script",		required_argument, NULL, OPT_SCRIPT },
	{ "lesson",		optional_argument, NULL, OPT_LESSON },
	{ "step",		no_argument,	   NULL, OPT_STEP },
	{ "replay",		required_argument, NULL, OPT_REPLAY },
	{ "export-html",	required_argument, NULL, OPT_EXPORT_HTML },
	{ "explain",		required_argument, NULL, OPT_EXPLAIN },
	{ "serve",		required_argument, NULL, OPT_SERVE },
	{ "serve-smtps",	required_argument, NULL, OPT_SERVE_SMTPS },
	{ "maildir",		required_argument, NULL, OPT_MAILDIR },
	{ "serve-require-auth",	no_argument,	   NULL, OPT_SERVE_REQUIRE_AUTH },
	{ "serve-tls-auth",	no_argument,	   NULL, OPT_SERVE_TLS_AUTH },
	{ "serve-require-tls",	no_argument,	   NULL, OPT_SERVE_REQUIRE_TLS },
	{ "serve-max-sessions",	required_argument, NULL, OPT_SERVE_MAX_SESSIONS },
	{ "serve-max-per-addr",	required_argument, NULL, OPT_SERVE_MAX_PER_ADDR },
	{ "serve-idle",		required_argument, NULL, OPT_SERVE_IDLE },
	{ "serve-max-time",	required_argument, NULL, OPT_SERVE_MAX_TIME },
	{ "serve-max-memory",	required_argument, NULL, OPT_SERVE_MAX_MEMORY },
	{ "serve-log",		required_argument, NULL, OPT_SERVE_LOG },
	{ "serve-plain",	no_argument,	   NULL, OPT_SERVE_PLAIN },
	{ "maildir-quota",	required_argument, NULL, OPT_MAILDIR_QUOTA },
	{ "insecure",		no_argument,	   NULL, OPT_INSECURE },
	{ "ca-file",		required_argument, NULL, OPT_CA_FILE },
	{ "tls-priority",	required_argument, NULL, OPT_TLS_PRIORITY },
	{ "sni",		required_argument, NULL, OPT_SNI },
	{ "cert",		required_argument, NULL, OPT_CERT },
	{ "key",		required_argument, NULL, OPT_KEY },
	{ "timeout",		required_argument, NULL, OPT_TIMEOUT },
	{ "user",		required_argument, NULL, OPT_USER },
	{ "password-env",	required_argument, NULL, OPT_PASSWORD_ENV },
	{ "password-file",	required_argument, NULL, OPT_PASSWORD_FILE },
	{ "log",		required_argument, NULL, OPT_LOG },
	{ "log-max",		required_argument, NULL, OPT_LOG_MAX },
	{ "max-transcript",	required_argument, NULL, OPT_MAX_TRANSCRIPT },
	{ "show-secrets",	no_argument,	   NULL, OPT_SHOW_SECRETS },
	{ "timing",		no_argument,	   NULL, OPT_TIMING },
	{ "no-color",		no_argument,	   NULL, OPT_NO_COLOR },
	{ "theme",		required_argument, NULL, OPT_THEME },
	{ "starttls",		no_argument,	   NULL, OPT_STARTTLS },
	{ "allow-plaintext",	no_argument,	   NULL, OPT_ALLOW_PLAINTEXT },
	{ "tls-report",		no_argument,	   NULL, OPT_TLS_REPORT },
	{ "mta-sts",		required_argument, NULL, OPT_MTA_STS },
	{ "mta-sts-mx",		required_argument, NULL, OPT_MTA_STS_MX },
	/* transports and admin extensions */
	{ "xclient",		required_argument, NULL, OPT_XCLIENT },
	{ "xforward",		required_argument, NULL, OPT_XFORWARD },
	{ "proxy-protocol",	required_argument, NULL, OPT_PROXY_PROTOCOL },
	{ "proxy-source",	required_argument, NULL, OPT_PROXY_SOURCE },
	{ "proxy-dest",		required_argument, NULL, OPT_PROXY_DEST },
	{ "bind",		required_argument, NULL, OPT_BIND },
	{ "pipe",		required_argument, NULL, OPT_PIPE },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "profile",		required_argument, NULL, OPT_PROFILE },
	/* --intercept */
	{ "intercept",		required_argument, NULL, OPT_INTERCEPT },
	{ "once",		no_argument,	   NULL, OPT_ONCE },
	{ "intercept-max-sessions", required_argument, NULL,
	    OPT_INTERCEPT_MAX_SESSIONS },
	{ "intercept-idle",	required_argument, NULL, OPT_INTERCEPT_IDLE },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	/* The one-shot send. */
	{ "to",			required_argument, NULL, OPT_TO },
	{ "from",		required_argument, NULL, OPT_FROM },
	{ "header",		required_argument, NULL, OPT_HEADER },
	{ "body",		required_argument, NULL, OPT_BODY },
	{ "body-file",		required_argument, NULL, OPT_BODY_FILE },
	{ "attach",		required_argument, NULL, OPT_ATTACH },
	{ "auth",		required_argument, NULL, OPT_AUTH },
	{ "ehlo",		required_argument, NULL, OPT_EHLO },
	{ "bdat",		no_argument,	   NULL, OPT_BDAT },
	{ "bdat-chunk",		required_argument, NULL, OPT_BDAT_CHUNK },
	{ "quit-after",		required_argument, NULL, OPT_QUIT_AFTER },
	{ "smtputf8",		no_argument,	   NULL, OPT_SMTPUTF8 },
	{ "requiretls",		no_argument,	   NULL, OPT_REQUIRETLS },
	{ "size",		no_argument,	   NULL, OPT_SIZE },
	{ "dsn-ret",		required_argument, NULL, OPT_DSN_RET },
	{ "dsn-envid",		required_argument, NULL, OPT_DSN_ENVID },
	{ "dsn-notify",		required_argument, NULL, OPT_DSN_NOTIFY },
	{ "dsn-orcpt",		no_argument,	   NULL, OPT_DSN_ORCPT },
	/* DNS */
	{ "dns",		required_argument, NULL, OPT_DNS },
	{ "dns-trust-anchor",	required_argument, NULL, OPT_DNS_TRUST_ANCHOR },
	{ "dane",		no_argument,	   NULL, OPT_DANE },
	{ NULL,			0,		   NULL, 0 }
};

#define SEND_USAGE \
"Sending (one message, no script; see SENDING in smtpscope(1)):\n" \
"  --to ADDR[,ADDR...]  send a message to these recipients (repeatable);\n" \
"                       a refused one is left out while one is accepted\n" \
"  --from ADDR          envelope sender and From (default USER@HOST);\n" \
"                       ADDR may be 'Name <a@b>', and so in --to\n" \
"  --header 'Name: value'  replace the default header of that name\n" \
"                       (Date, From, To, Subject, Message-ID, ...) or add one\n" \
"  --body TEXT, --body-file FILE|-  the body (default: a short text)\n" \
"  --attach FILE|-      attach FILE (repeatable; base64, multipart/mixed)\n" \
"  --auth MECH          AUTH with a :auth mechanism as --user\n" \
"  --ehlo NAME          the EHLO name (default: this host's name)\n" \
"  --bdat               send with BDAT chunks (needs CHUNKING offered)\n" \
"  --bdat-chunk SIZE    BDAT chunk size (default 64K; K, M)\n" \
"  --quit-after STAGE   QUIT after connect, banner, ehlo, tls, auth, mail\n" \
"                       or rcpt (works without --to up to mail)\n" \
"  --smtputf8           UTF-8 addresses and header as they are (SMTPUTF8)\n" \
"  --requiretls         MAIL ... REQUIRETLS (RFC 8689); refused if not\n" \
"                       offered\n" \
"  --size               MAIL ... SIZE=octets of the message\n" \
"  --dsn-ret full|hdrs, --dsn-envid ID, --dsn-notify never|LIST,\n" \
"  --dsn-orcpt          DSN parameters (RFC 3461), sent when offered\n" \
"\n"

static const char usage_text[] =
"usage: smtpscope [options] [HOST [PORT] | URL]\n"
"       smtpscope --to ADDR[,ADDR...] [send options] [HOST [PORT] | URL]\n"
"       smtpscope --script FILE [options] [HOST [PORT] | URL]\n"
"       smtpscope --script FILE --step [options] [HOST [PORT] | URL]\n"
"       smtpscope --replay FILE [--export-html OUT.html]\n"
"       smtpscope --explain CODE|KEYWORD\n"
"       smtpscope --serve [ADDR:]PORT [--serve-smtps [ADDR:]PORT]\n"
"       smtpscope --lesson [N|FILE]\n"
"       smtpscope --mta-sts DOMAIN [--mta-sts-mx HOST] [--ca-file FILE]\n"
"       smtpscope --intercept [smtps://]ADDR:PORT [options] URL\n"
"\n"
"A terminal UI for talking SMTP by hand.  With no target it opens on the\n"
"built-in practice server (offline, user demo, password demo).\n"
"\n"
"Targets:\n"
"  HOST [PORT]                plain TCP, port 25 by default\n"
"  smtp://HOST[:PORT]         plain (25); add --starttls to upgrade\n"
"  smtps://HOST[:PORT]        implicit TLS (465)\n"
"  submission://HOST[:PORT]   port 587, plain until STARTTLS\n"
"  lmtp://HOST[:PORT]         LMTP (24): LHLO, one reply per recipient\n"
"  smtp:///PATH, lmtp:///PATH  a unix domain socket\n"
"  --pipe 'COMMAND'           a program's stdin and stdout (no target)\n"
"  mx://DOMAIN[:PORT]         the domain's mail exchangers (MX, RFC 5321\n"
"                             5.1) in order of preference, port 25; the\n"
"                             TLS name is the exchanger's; its MTA-STS\n"
"                             policy and TLS-RPT record are checked too\n"
"\n"
"Modes:\n"
"  --script FILE        run FILE ('-' for stdin) without the UI, print the\n"
"                       transcript; the exit status tells what happened;\n"
"                       with no target, against a practice server\n"
"  --step               with --script: open the UI and run the script one\n"
"                       command per key press (Space or F6 steps, F5\n"
"                       continues, b sets a breakpoint in the script pane,\n"
"                       :break 5xx stops on such a reply); with no target,\n"
"                       on the built-in practice server\n"
"  --replay FILE        step through a saved transcript offline (ours, S:/C:\n"
"                       guides, swaks output or a telnet paste)\n"
"  --export-html OUT    with --replay: write OUT as an HTML page and exit\n"
"  --explain ARG        explain a reply code (250), enhanced code (5.7.8),\n"
"                       a pasted reply or an EHLO keyword, and exit\n"
"  --lesson [N|FILE]    list the lessons (with your progress), or learn\n"
"                       SMTP by doing lesson N (or a lesson file) on the\n"
"                       built-in practice server; :hint helps, :lesson\n"
"                       next goes on\n"
"  --mta-sts DOMAIN     look up _mta-sts.DOMAIN and _smtp._tls.DOMAIN (TXT),\n"
"                       fetch https://mta-sts.DOMAIN/.well-known/mta-sts.txt\n"
"                       (RFC 8461), check it and say what it means, and exit\n"
"  --mta-sts-mx HOST    with --mta-sts: does HOST match the policy's mx lines?\n"
"  --serve [ADDR:]PORT  run the practice server alone (port 0: any); on a\n"
"                       terminal, a classroom view of every session live\n"
"                       (Enter opens one read-only, q stops)\n"
"  --serve-plain        --serve on a terminal: print and log as without\n"
"                       one, no classroom view\n"
"  --serve-smtps [ADDR:]PORT  also listen for implicit TLS\n"
"  --maildir DIR        practice server: write accepted mail to DIR\n"
"  --serve-require-auth practice server: 530 for MAIL before AUTH\n"
"  --serve-tls-auth     practice server: 538 for PLAIN/LOGIN before TLS\n"
"  --serve-require-tls  practice server: 523 for MAIL or AUTH before TLS\n"
"  --serve-max-sessions N  sessions at once (default 1024, kept below the\n"
"                       descriptor limit; 1/8 kept for new addresses)\n"
"  --serve-max-per-addr N  sessions from one client address (default 32)\n"
"  --serve-idle SECS    close a session idle this long (default 300)\n"
"  --serve-max-time SECS  close a session open this long (default 3600)\n"
"  --serve-max-memory MB  messages held in memory, all sessions and the\n"
"                       inbox together; past it 452 4.3.1 (default 256)\n"
"  --serve-log FILE     log sessions to FILE (default: stderr, never\n"
"                       blocking: lines are dropped and counted instead)\n"
"  --maildir-quota MB   --maildir takes at most MB per run (default 100)\n"
"  --intercept LISTEN URL  relay an application's SMTP session to URL and\n"
"                       show it: listen on LISTEN ([ADDR:]PORT, loopback\n"
"                       by default; smtps://ADDR:PORT for implicit TLS),\n"
"                       offer STARTTLS with certificates from a local CA\n"
"                       ($XDG_DATA_HOME/smtpscope/intercept-ca.pem); the\n"
"                       upstream is verified as usual (--ca-file,\n"
"                       --insecure); --starttls upgrades it whatever the\n"
"                       client does.  On a terminal, a list of sessions\n"
"                       (Enter opens one, i holds each command and reply\n"
"                       for you); without one, every line printed, [ID]\n"
"                       first\n"
"  --once               --intercept: print the first session, then stop\n"
"  --intercept-max-sessions N  sessions at once (default 64; more get\n"
"                       421)\n"
"  --intercept-idle SECS  end a session whose client is idle this long\n"
"                       (default 300)\n"
"\n"
SEND_USAGE
"Options:\n"
"  --starttls           send STARTTLS right after the first EHLO\n"
"  --allow-plaintext    let AUTH and the envelope go without TLS on\n"
"                       submission:// and with --starttls, and :auth on a\n"
"                       plaintext connection in scripts (for testing that)\n"
"  --insecure           go on when the certificate does not verify\n"
"  --ca-file FILE       trust the certificates in FILE (PEM)\n"
"  --tls-priority STR   GnuTLS priority string\n"
"  --sni NAME           server name to send and check (default: HOST)\n"
"  --tls-report         after each handshake, write the TLS report (every\n"
"                       certificate sent, the trusted CA the path ends at,\n"
"                       OCSP stapling, what was negotiated) as # TLS: lines\n"
"  --cert FILE, --key FILE  client certificate (or server, with --serve)\n"
"  -4, -6               use IPv4 or IPv6 only\n"
"  --timeout SECS       connect and reply timeout (default 30)\n"
"  --user NAME          user name for :auth\n"
"  --password-env VAR   read the password from environment variable VAR\n"
"  --password-file FILE read the password from the first line of FILE\n"
"  --log FILE           append the transcript to FILE as it happens\n"
"  --log-max SIZE       stop the log after SIZE octets (K, M, G; default 1G)\n"
"  --max-transcript LINES[,SIZE]  keep at most LINES lines and SIZE octets\n"
"                       of transcript in memory (default 200000,64M); past\n"
"                       that the first and the latest lines are kept\n"
"  --show-secrets       write passwords in logs and saves\n"
"  --timing             show the time of each line\n"
"  --no-color           no colours (also when NO_COLOR is set)\n"
"  --theme NAME         colours: dark (default), light, high-contrast\n"
"Transports and admin commands:\n"
"  --pipe 'COMMAND'     talk to COMMAND (run by /bin/sh -c, without a\n"
"                       terminal) over its stdin and stdout; its stderr and\n"
"                       exit status become notes (sendmail -bs, exim -bh)\n"
"  --bind ADDR[:PORT]   connect from this local address ([IPv6]:PORT)\n"
"  --proxy-protocol 1|2 send a PROXY header (HAProxy's, v1 text or v2\n"
"                       binary) before the greeting\n"
"  --proxy-source ADDR:PORT  the client it names (default: our address)\n"
"  --proxy-dest ADDR:PORT    the server it names (default: the peer's)\n"
"  --xclient 'ATTR=VALUE ...'  send XCLIENT after EHLO (Postfix: ADDR,\n"
"                       NAME, PORT, PROTO, HELO, LOGIN, DESTADDR,\n"
"                       DESTPORT), then EHLO again; values plain\n"
"  --xforward 'ATTR=VALUE ...' send XFORWARD after EHLO (ADDR, NAME, PORT,\n"
"                       PROTO, HELO, IDENT, SOURCE)\n"
"  --json               with --script: print JSON Lines (one object per\n"
"                       transcript line, then a summary) instead of text\n"
"  --profile NAME       take the target and options from [profile NAME] in\n"
"                       ~/.config/smtpscope/config (the command line wins)\n"
"  --dns ADDR[:PORT]    ask this DNS server (default: /etc/resolv.conf;\n"
"                       also SMTPSCOPE_DNS_SERVER); [ADDR6]:PORT for IPv6\n"
"  --dns-trust-anchor FILE  DNSSEC trust anchor: DS or DNSKEY records\n"
"                       (default: the root key, " RESOLVE_ROOT_KEY ")\n"
"  --dane               where the TLSA records of the server are DNSSEC-\n"
"                       secure, they decide the certificate check: no\n"
"                       match (or bogus records) is a TLS error, a match\n"
"                       needs no CA (RFC 7672)\n"
"  --help, --version\n"
"\n"
"Script exit status: 0 all expectations held, 1 an :expect failed (a\n"
"one-shot send: the server refused a step, or lacks what it needs),\n"
"2 usage error, 3 connection error (also: the server flooded us with\n"
"replies nobody asked for), 4 TLS error, 5 timeout.\n"
"See smtpscope(1) for the command language.\n";

/* The long name of option c. */
static const char *
opt_name(int c)
{
	const struct option	*lo;

	for (lo = longopts; lo->name != NULL; lo++)
		if (lo->val == c)
			return lo->name;
	return "";
}

/*
 * A whole number from lo to hi for option name, or -1 after a usage
 * error (its exit code in *rc).
 */
static int
num_arg(const char *name, const char *arg, int lo, int hi, int *rc)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi ||
	    strspn(arg, "0123456789") != strlen(arg)) {
		fprintf(stderr, "smtpscope: %s wants a number from %d to %d, "
		    "not '%s'\n", name, lo, hi, arg);
		fputs("Try 'smtpscope --help' for more information.\n",
		    stderr);
		*rc = EXIT_USAGE;
		return -1;
	}
	return (int)v;
}

/* Print an error and the hint, return the usage exit code. */
int
usage_error(const char *fmt, const char *arg)
{
	char	*msg, *safe;

	/* The message may quote an argument: no escape reaches the tty. */
	msg = xprintf(fmt, arg);
	safe = sanitize_dup(msg, strlen(msg));
	fprintf(stderr, "smtpscope: %s\n", safe);
	fputs("Try 'smtpscope --help' for more information.\n", stderr);
	free(safe);
	free(msg);
	return EXIT_USAGE;
}

/*
 * A decimal number from min to max, digits only (no sign, no blanks, no
 * overflow: "4294967321" is not 25).  Returns 0, or -1 when s is not one.
 */
static int
parse_number(const char *s, long min, long max, long *out)
{
	long	v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 9)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < min || v > max)
		return -1;
	if (out != NULL)
		*out = v;
	return 0;
}

/*
 * A size: digits with an optional K, M or G (powers of 1024).  Returns
 * 0 and fills *out, or -1 when it is not one or is below min.
 */
static int
parse_size(const char *arg, unsigned long long min, unsigned long long *out)
{
	unsigned long long	 v = 0, mul = 1;
	const char		*p = arg;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (1ULL << 50))
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	switch (*p) {
	case 'k':
	case 'K':
		mul = 1ULL << 10;
		p++;
		break;
	case 'm':
	case 'M':
		mul = 1ULL << 20;
		p++;
		break;
	case 'g':
	case 'G':
		mul = 1ULL << 30;
		p++;
		break;
	}
	if (*p != '\0' || v > (1ULL << 50) / mul || v * mul < min)
		return -1;
	*out = v * mul;
	return 0;
}

/* --max-transcript LINES[,SIZE]; returns 0 or -1. */
static int
parse_budget(const char *arg, struct session_params *sp)
{
	unsigned long long	 lines, bytes;
	char			*copy, *comma;
	int			 rc = -1;

	copy = xstrdup(arg);
	if ((comma = strchr(copy, ',')) != NULL)
		*comma++ = '\0';
	if (strspn(copy, "0123456789") != strlen(copy) ||
	    parse_size(copy, TRANSCRIPT_MIN_LINES, &lines) == -1 ||
	    lines > SIZE_MAX)
		goto out;
	if (comma != NULL && (parse_size(comma, TRANSCRIPT_MIN_BYTES,
	    &bytes) == -1 || bytes > SIZE_MAX))
		goto out;
	sp->max_lines = (size_t)lines;
	if (comma != NULL)
		sp->max_bytes = (size_t)bytes;
	rc = 0;
out:
	free(copy);
	return rc;
}

/*
 * Understand the target: a URL or HOST [PORT], in target_parse's grammar
 * (as :connect's), with the command line's rules: a bare domain is that
 * host, not mx://, and a port is a number as the options' are.  Fills
 * host, port and the TLS mode; the strings are in *store.  Returns 0 or
 * -1 (message printed).
 */
static int
parse_target(struct opts *o, int argc, char **argv, char **store)
{
	struct target	 t;
	char		*err;
	size_t		 errlen;
	int		 rc = -1;

	/* The message may quote an argument whole, as usage_error does. */
	errlen = strlen(argv[0]) + (argc > 1 ? strlen(argv[1]) : 0) +
	    (argc > 2 ? strlen(argv[2]) : 0) + 512;
	err = xmalloc(errlen);
	if (target_parse(argc, argv, TARGET_PORT_SHORT, &t, err,
	    errlen) == -1) {
		usage_error("%s", err);
		goto out;
	}
	if (*t.note != '\0')
		fprintf(stderr, "smtpscope: %s\n", t.note);
	*store = t.store;
	o->sp.host = t.host;
	o->sp.port = t.port;
	o->sp.unix_path = t.unix_path;
	/* Set only: an option may have asked for one already. */
	if (t.implicit_tls)
		o->sp.implicit_tls = 1;
	if (t.require_tls)
		o->sp.require_tls = 1;
	if (t.lmtp)
		o->sp.lmtp = 1;
	if (t.mx)
		o->sp.mx = 1;
	rc = 0;
out:
	free(err);
	return rc;
}

/*
 * Read the password from the environment or a file, if asked to.  The
 * environment's copy is wiped in place (it is what /proc/PID/environ
 * shows) and the file is read with read(2) into one buffer, wiped after.
 */
int
read_password(const struct opts *o, char **out)
{
	char		*v, buf[4096];
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	*out = NULL;
	if (o->password_command != NULL)
		return opts_profile_password(out);
	if (o->password_env != NULL) {
		if ((v = getenv(o->password_env)) == NULL) {
			fprintf(stderr, "smtpscope: --password-env: the "
			    "variable %s is not set\n", o->password_env);
			return -1;
		}
		*out = xstrdup(v);
		wipe(v, strlen(v));
		/* Child processes need not see it. */
		unsetenv(o->password_env);
		return 0;
	}
	if (o->password_file != NULL) {
		if ((fd = open(o->password_file, O_RDONLY | O_CLOEXEC)) ==
		    -1) {
			fprintf(stderr, "smtpscope: --password-file: cannot "
			    "open %s: %s\n", o->password_file,
			    strerror(errno));
			return -1;
		}
		while (n < sizeof buf - 1 && (r = read(fd, buf + n,
		    sizeof buf - 1 - n)) != 0) {
			if (r == -1 && errno == EINTR)
				continue;
			if (r == -1)
				break;
			n += (size_t)r;
			if (memchr(buf, '\n', n) != NULL)
				break;
		}
		close(fd);
		buf[n] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0] == '\0') {
			wipe(buf, sizeof buf);
			fprintf(stderr, "smtpscope: --password-file: %s has no "
			    "password on its first line\n", o->password_file);
			return -1;
		}
		*out = xstrdup(buf);
		wipe(buf, sizeof buf);
	}
	return 0;
}

/*
 * Check the transport and admin options together, before anything
 * connects.  Returns 0, or -1 after a usage message.
 */
static int
check_transport(struct opts *o, int argc)
{
	struct sockaddr_storage	 ss, ps, pd;
	socklen_t		 len;
	char			 err[512];
	char			*line;
	int			 fam;

	if (o->sp.mx && (o->sp.unix_path != NULL || o->sp.bind != NULL ||
	    o->sp.pipe_cmd != NULL)) {
		usage_error("%s", "mx://DOMAIN looks up the domain's exchangers "
		    "over TCP: not with a socket path, --bind or --pipe");
		return -1;
	}
	if (o->sp.pipe_cmd != NULL) {
		if (argc > 0) {
			usage_error("--pipe talks to a program: no target "
			    "('%s') goes with it", o->sp.host);
			return -1;
		}
		if (*o->sp.pipe_cmd == '\0') {
			usage_error("%s", "--pipe wants a command");
			return -1;
		}
		if (o->lesson != NULL) {
			usage_error("%s", "--pipe does not go with --lesson");
			return -1;
		}
		/* What the status bar names. */
		o->sp.host = o->sp.pipe_cmd;
		o->sp.port = "";
	}
	if (o->sp.bind != NULL) {
		if (o->sp.pipe_cmd != NULL || o->sp.unix_path != NULL) {
			usage_error("%s", "--bind is for TCP: not with --pipe "
			    "or a unix socket");
			return -1;
		}
		if (argc == 0) {
			usage_error("%s", "--bind needs a target");
			return -1;
		}
		if ((fam = net_parse_bind(o->sp.bind, &ss, &len, err,
		    sizeof err)) == -1) {
			usage_error("--bind: %s", err);
			return -1;
		}
		if (o->sp.family != AF_UNSPEC && o->sp.family != fam) {
			usage_error("--bind %s is not of the family -4/-6 asks "
			    "for", o->sp.bind);
			return -1;
		}
	}
	if ((o->sp.proxy_src != NULL || o->sp.proxy_dst != NULL) &&
	    o->sp.proxy_version == 0) {
		usage_error("%s", "--proxy-source and --proxy-dest go with "
		    "--proxy-protocol 1|2");
		return -1;
	}
	if (o->sp.proxy_version != 0) {
		if (argc == 0 && o->sp.pipe_cmd == NULL) {
			usage_error("%s", "--proxy-protocol needs a target");
			return -1;
		}
		memset(&ps, 0, sizeof ps);
		memset(&pd, 0, sizeof pd);
		if (o->sp.proxy_src != NULL && proxyhdr_parse_addr(
		    o->sp.proxy_src, &ps, err, sizeof err) == -1) {
			usage_error("--proxy-source: %s", err);
			return -1;
		}
		if (o->sp.proxy_dst != NULL && proxyhdr_parse_addr(
		    o->sp.proxy_dst, &pd, err, sizeof err) == -1) {
			usage_error("--proxy-dest: %s", err);
			return -1;
		}
		if ((o->sp.unix_path != NULL || o->sp.pipe_cmd != NULL) &&
		    (o->sp.proxy_src == NULL || o->sp.proxy_dst == NULL)) {
			usage_error("%s", "--proxy-protocol over a unix socket "
			    "or --pipe has no addresses of its own: give "
			    "--proxy-source and --proxy-dest");
			return -1;
		}
		if (o->sp.proxy_src != NULL && o->sp.proxy_dst != NULL &&
		    ps.ss_family != pd.ss_family) {
			usage_error("%s", "--proxy-source and --proxy-dest must "
			    "be of one family (both IPv4 or both IPv6)");
			return -1;
		}
	}
	if (o->sp.xclient != NULL) {
		if ((line = xclient_build(XCLIENT_XCLIENT, o->sp.xclient, err,
		    sizeof err)) == NULL) {
			usage_error("--xclient: %s", err);
			return -1;
		}
		free(line);
	}
	if (o->sp.xforward != NULL) {
		if ((line = xclient_build(XCLIENT_XFORWARD, o->sp.xforward,
		    err, sizeof err)) == NULL) {
			usage_error("--xforward: %s", err);
			return -1;
		}
		free(line);
	}
	if ((o->sp.xclient != NULL || o->sp.xforward != NULL) && argc == 0 &&
	    o->sp.pipe_cmd == NULL) {
		usage_error("%s", "--xclient and --xforward need a target");
		return -1;
	}
	return 0;
}

/* --intercept LISTEN URL: check everything, then run. */
static int
intercept_main(struct opts *o, int argc, char **argv)
{
	struct intercept_params	 ip;
	char			*lstore = NULL, *tstore = NULL, perr[256];
	int			 rc;

	memset(&ip, 0, sizeof ip);
	if (o->script != NULL || o->replay != NULL || o->serve != NULL ||
	    o->lesson != NULL || o->step)
		return usage_error("%s", "--intercept does not go with "
		    "--script, --replay, --serve or --lesson");
	if (o->snd.active || o->json)
		return usage_error("%s", "--intercept does not go with --to, "
		    "the other send options or --json");
	if (o->sp.pipe_cmd != NULL || o->sp.bind != NULL ||
	    o->sp.proxy_version != 0 || o->sp.xclient != NULL ||
	    o->sp.xforward != NULL)
		return usage_error("%s", "--intercept relays to a TCP server: "
		    "--pipe, --bind, --proxy-protocol, --xclient and "
		    "--xforward do not go with it");
	if (o->sp.log_path != NULL || o->user != NULL ||
	    o->password_env != NULL || o->password_file != NULL)
		return usage_error("%s", "--log, --user and --password-* do not "
		    "go with --intercept (the application logs in; redirect "
		    "the output to keep it)");
	if (argc == 0)
		return usage_error("%s", "--intercept wants the upstream: "
		    "--intercept LISTEN URL (smtp://, smtps:// or "
		    "submission://)");
	if (intercept_parse_listen(o->intercept, &ip, &lstore) == -1) {
		free(lstore);
		return usage_error("--intercept wants [smtp://|smtps://]"
		    "[ADDR:]PORT, not '%s'", o->intercept);
	}
	if (parse_target(o, argc, argv, &tstore) == -1) {
		free(lstore);
		free(tstore);
		return EXIT_USAGE;
	}
	if (o->sp.lmtp || o->sp.unix_path != NULL || o->sp.mx || o->sp.dane) {
		free(lstore);
		free(tstore);
		return usage_error("%s", "--intercept relays SMTP over TCP to "
		    "one server: smtp://, smtps:// or submission://, without "
		    "--dane");
	}
	if ((o->sp.tls.sni == NULL || *o->sp.tls.sni == '\0'))
		o->sp.tls.sni = o->sp.host;
	tls_global_init();
	if (o->sp.tls.priority != NULL && tls_priority_check(
	    o->sp.tls.priority, perr, sizeof perr) == -1) {
		free(lstore);
		free(tstore);
		return usage_error("--tls-priority: %s", perr);
	}
	{
		struct rlimit	rl = { 0, 0 };

		setrlimit(RLIMIT_CORE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	ip.up_host = o->sp.host;
	ip.up_port = o->sp.port;
	ip.up_implicit_tls = o->sp.implicit_tls;
	ip.up_upgrade = o->sp.starttls;
	ip.up_require_tls = o->sp.require_tls;
	ip.allow_plaintext = o->sp.allow_plaintext;
	ip.up_tls = o->sp.tls;
	ip.family = o->sp.family;
	ip.timeout_ms = o->sp.timeout_ms;
	ip.max_sessions = o->intercept_max_sessions;
	ip.idle_s = o->intercept_idle;
	ip.max_lines = o->sp.max_lines;
	ip.max_bytes = o->sp.max_bytes;
	rc = run_intercept(o, &ip);
	free(lstore);
	free(tstore);
	return rc;
}

/*
 * --xclient and --xforward may be given more than once: the attributes
 * add up (a later one of the same name is what xclient_build judges).
 */
static char	*xclient_words, *xforward_words;

static const char *
opt_join(char **words, const char *arg)
{
	char	*joined;

	joined = *words == NULL ? xstrdup(arg) : xprintf("%s %s", *words, arg);
	free(*words);
	*words = joined;
	return joined;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	struct ui_params up;
	char		*target_store = NULL;
	const char	*nc;
	long		 num;
	int		 c, rc;
	/* DNS */
	const char	*dns_server = NULL, *dns_ta = NULL;
	char		 derr[256];

	memset(&o, 0, sizeof o);
	o.sp.family = AF_UNSPEC;
	o.sp.timeout_ms = 30000;
	nc = getenv("NO_COLOR");
	if (nc != NULL && *nc != '\0')
		o.no_color = 1;

	while ((c = getopt_long(argc, argv, "46h", longopts, NULL)) != -1) {
		switch (c) {
		case '4':
			o.sp.family = AF_INET;
			break;
		case '6':
			o.sp.family = AF_INET6;
			break;
		case OPT_SCRIPT:
			o.script = optarg;
			break;
		case OPT_STEP:
			o.step = 1;
			break;
		case OPT_REPLAY:
			o.replay = optarg;
			break;
		case OPT_EXPORT_HTML:
			o.export_html = optarg;
			break;
		case OPT_EXPLAIN:
			o.explain = optarg;
			break;
		case OPT_SERVE:
			o.serve = optarg;
			break;
		case OPT_LESSON:
			/* "--lesson 3" as well as "--lesson=3". */
			if (optarg == NULL && optind < argc &&
			    argv[optind][0] != '-')
				optarg = argv[optind++];
			o.lesson = optarg != NULL ? optarg : "";
			break;
		case OPT_SERVE_SMTPS:
			o.serve_smtps = optarg;
			break;
		case OPT_MAILDIR:
			o.maildir = optarg;
			break;
		case OPT_SERVE_REQUIRE_AUTH:
			o.require_auth = 1;
			break;
		case OPT_SERVE_TLS_AUTH:
			o.tls_auth_only = 1;
			break;
		case OPT_SERVE_REQUIRE_TLS:
			o.require_tls = 1;
			break;
		case OPT_SERVE_MAX_SESSIONS:
			if ((o.max_sessions = num_arg("--serve-max-sessions",
			    optarg, 1, 1000000, &rc)) == -1)
				return rc;
			o.serve_limits = 1;
			break;
		case OPT_SERVE_MAX_PER_ADDR:
			if ((o.max_per_addr = num_arg("--serve-max-per-addr",
			    optarg, 1, 1000000, &rc)) == -1)
				return rc;
			o.serve_limits = 1;
			break;
		case OPT_SERVE_IDLE:
			if ((o.idle_s = num_arg("--serve-idle", optarg, 1,
			    86400, &rc)) == -1)
				return rc;
			o.serve_limits = 1;
			break;
		case OPT_SERVE_MAX_TIME:
			if ((o.max_time_s = num_arg("--serve-max-time", optarg,
			    1, 604800, &rc)) == -1)
				return rc;
			o.serve_limits = 1;
			break;
		case OPT_SERVE_MAX_MEMORY:
			if ((o.max_memory_mb = num_arg("--serve-max-memory",
			    optarg, 1, 1048576, &rc)) == -1)
				return rc;
			o.serve_limits = 1;
			break;
		case OPT_SERVE_LOG:
			o.serve_log = optarg;
			o.serve_limits = 1;
			break;
		case OPT_SERVE_PLAIN:
			o.serve_plain = 1;
			o.serve_limits = 1;
			break;
		case OPT_MAILDIR_QUOTA:
			if ((o.maildir_quota_mb = num_arg("--maildir-quota",
			    optarg, 1, 1048576, &rc)) == -1)
				return rc;
			o.serve_limits = 1;
			break;
		case OPT_INSECURE:
			o.sp.tls.insecure = 1;
			break;
		case OPT_CA_FILE:
			o.sp.tls.ca_file = optarg;
			break;
		case OPT_TLS_PRIORITY:
			o.sp.tls.priority = optarg;
			break;
		case OPT_SNI:
			o.sp.tls.sni = optarg;
			break;
		case OPT_CERT:
			o.sp.tls.cert_file = optarg;
			break;
		case OPT_DNS:
			dns_server = optarg;
			break;
		case OPT_DNS_TRUST_ANCHOR:
			dns_ta = optarg;
			break;
		case OPT_DANE:
			o.sp.dane = 1;
			o.sp.tls.dane = 1;
			break;
		case OPT_KEY:
			o.sp.tls.key_file = optarg;
			break;
		case OPT_TIMEOUT:
			if (parse_number(optarg, 1, 3600, &num) == -1)
				return usage_error("--timeout wants seconds "
				    "(1-3600), not '%s'", optarg);
			o.sp.timeout_ms = (int)num * 1000;
			o.timeout_given = 1;
			break;
		case OPT_USER:
			o.user = optarg;
			break;
		case OPT_PASSWORD_ENV:
			o.password_env = optarg;
			break;
		case OPT_PASSWORD_FILE:
			o.password_file = optarg;
			break;
		case OPT_LOG:
			o.sp.log_path = optarg;
			break;
		case OPT_LOG_MAX:
			if (parse_size(optarg, TRANSCRIPT_MIN_BYTES,
			    &o.sp.log_max) == -1)
				return usage_error("--log-max wants a size of "
				    "at least 4096 octets (K, M, G allowed), "
				    "not '%s'", optarg);
			break;
		case OPT_MAX_TRANSCRIPT:
			if (parse_budget(optarg, &o.sp) == -1)
				return usage_error("--max-transcript wants "
				    "LINES[,SIZE]: at least 16 lines and 4096 "
				    "octets (SIZE may end in K, M or G), not "
				    "'%s'", optarg);
			break;
		case OPT_SHOW_SECRETS:
			o.show_secrets = 1;
			break;
		case OPT_TIMING:
			o.timing = 1;
			o.sp.log_timing = 1;
			break;
		case OPT_NO_COLOR:
			o.no_color = 1;
			break;
		case OPT_THEME:
			if (theme_select_cmdline(optarg) == -1)
				return usage_error("--theme wants dark, light "
				    "or high-contrast, not '%s'", optarg);
			break;
		case OPT_STARTTLS:
			o.sp.starttls = 1;
			o.sp.require_tls = 1;
			break;
		case OPT_ALLOW_PLAINTEXT:
			o.sp.allow_plaintext = 1;
			break;
		case OPT_TLS_REPORT:
			o.sp.tls_report = 1;
			break;
		case OPT_MTA_STS:
			o.mta_sts = optarg;
			break;
		case OPT_MTA_STS_MX:
			o.mta_sts_mx = optarg;
			break;
		case OPT_TO: case OPT_FROM: case OPT_HEADER: case OPT_BODY:
		case OPT_BODY_FILE: case OPT_ATTACH: case OPT_AUTH:
		case OPT_EHLO: case OPT_BDAT: case OPT_BDAT_CHUNK:
		case OPT_QUIT_AFTER: case OPT_SMTPUTF8: case OPT_REQUIRETLS:
		case OPT_SIZE: case OPT_DSN_RET: case OPT_DSN_ENVID:
		case OPT_DSN_NOTIFY: case OPT_DSN_ORCPT:
			/* The one-shot send's options: src/send_main.c. */
			if ((rc = send_option(&o, opt_name(c), optarg)) != 0) {
				send_opts_free(&o);
				return rc;
			}
			break;
		case OPT_XCLIENT:
			o.sp.xclient = opt_join(&xclient_words, optarg);
			break;
		case OPT_XFORWARD:
			o.sp.xforward = opt_join(&xforward_words, optarg);
			break;
		case OPT_PROXY_PROTOCOL:
			if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
				return usage_error("--proxy-protocol wants 1 or "
				    "2 (the version), not '%s'", optarg);
			o.sp.proxy_version = optarg[0] - '0';
			break;
		case OPT_PROXY_SOURCE:
			o.sp.proxy_src = optarg;
			break;
		case OPT_PROXY_DEST:
			o.sp.proxy_dst = optarg;
			break;
		case OPT_BIND:
			o.sp.bind = optarg;
			break;
		case OPT_PIPE:
			o.sp.pipe_cmd = optarg;
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_PROFILE:
			o.profile = optarg;
			break;
		/* --intercept */
		case OPT_INTERCEPT:
			o.intercept = optarg;
			break;
		case OPT_ONCE:
			o.intercept_once = 1;
			break;
		case OPT_INTERCEPT_MAX_SESSIONS:
			if ((o.intercept_max_sessions = num_arg(
			    "--intercept-max-sessions", optarg, 1, 100000,
			    &rc)) == -1)
				return rc;
			break;
		case OPT_INTERCEPT_IDLE:
			if ((o.intercept_idle = num_arg("--intercept-idle",
			    optarg, 1, 86400, &rc)) == -1)
				return rc;
			break;
		case 'h':
		case OPT_HELP:
			fputs(usage_text, stdout);
			return 0;
		case OPT_VERSION:
			printf("smtpscope %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fputs("Try 'smtpscope --help' for more information.\n",
			    stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	o.sp.show_secrets = o.show_secrets;
	if ((rc = opts_check_json_profile(&o)) != 0)
		return rc;
	if (o.profile != NULL && opts_apply_profile(&o, &argc, &argv) == -1)
		return EXIT_USAGE;
	if ((o.sp.tls.cert_file == NULL) != (o.sp.tls.key_file == NULL))
		return usage_error("%s", "--cert and --key go together");

	if (o.mta_sts_mx != NULL && o.mta_sts == NULL)
		return usage_error("%s", "--mta-sts-mx goes with --mta-sts "
		    "DOMAIN");
	if (o.mta_sts != NULL) {
		if (o.snd.active) {
			send_opts_free(&o);
			return usage_error("%s", "--mta-sts does not go with "
			    "--to and the other send options");
		}
		if (argc > 0)
			return usage_error("--mta-sts takes no target: '%s'",
			    argv[0]);
		if (dns_ta != NULL && access(dns_ta, R_OK) == -1) {
			snprintf(derr, sizeof derr, "%s: %s", dns_ta,
			    strerror(errno));
			return usage_error("--dns-trust-anchor %s", derr);
		}
		if (resolve_configure(dns_server, dns_ta, derr,
		    sizeof derr) == -1)
			return usage_error("%s", derr);
		return run_mta_sts(&o);
	}
	if (o.snd.active && (o.explain != NULL || o.serve != NULL ||
	    o.lesson != NULL || o.script != NULL || o.replay != NULL)) {
		send_opts_free(&o);
		return usage_error("%s", "--to and the other send options do "
		    "not go with --script, --replay, --serve, --lesson or "
		    "--explain");
	}
	if (o.explain != NULL) {
		if (argc > 0)
			return usage_error("--explain takes one argument; "
			    "quote a reply with spaces: '%s'", argv[0]);
		return run_explain(o.explain);
	}
	if (o.serve != NULL) {
		if (argc > 0)
			return usage_error("--serve takes no target: '%s'",
			    argv[0]);
		return run_serve(&o);
	}
	if ((o.intercept_once || o.intercept_max_sessions ||
	    o.intercept_idle) && o.intercept == NULL)
		return usage_error("%s", "--once, --intercept-max-sessions and "
		    "--intercept-idle go with --intercept");
	if (o.intercept != NULL)
		return intercept_main(&o, argc, argv);
	if (o.lesson != NULL) {
		if (argc > 0)
			return usage_error("--lesson runs on the built-in "
			    "practice server: no target ('%s')", argv[0]);
		if (o.script != NULL || o.replay != NULL)
			return usage_error("%s", "--lesson does not go with "
			    "--script or --replay");
		if (*o.lesson == '\0')
			return lesson_list();
		if (lesson_resolve(&o) == -1)
			return EXIT_USAGE;
	}
	if (o.serve_smtps != NULL || o.maildir != NULL || o.require_auth ||
	    o.tls_auth_only || o.require_tls || o.serve_limits)
		return usage_error("%s", "--serve-smtps, --maildir, "
		    "--maildir-quota and --serve-* options go with --serve");
	if (o.export_html != NULL && o.replay == NULL)
		return usage_error("%s", "--export-html goes with --replay FILE");
	if (o.step && o.script == NULL)
		return usage_error("%s", "--step goes with --script FILE");
	if (o.replay != NULL) {
		if (o.script != NULL)
			return usage_error("%s", "--replay and --script do not "
			    "go together");
		if (argc > 0)
			return usage_error("--replay takes no target: '%s'",
			    argv[0]);
		memset(&up, 0, sizeof up);
		up.no_color = o.no_color;
		up.timing = o.timing;
		return run_replay(&o, &up);
	}

	if (argc > 0 && parse_target(&o, argc, argv, &target_store) == -1) {
		free(target_store);
		return EXIT_USAGE;
	}
	if (check_transport(&o, argc) == -1) {
		free(target_store);
		return EXIT_USAGE;
	}
	/*
	 * An empty --sni still checks the certificate against the host; a
	 * socket path or a program has no name to check; for mx:// the
	 * exchanger chosen is the name (the session sets it).
	 */
	if ((o.sp.tls.sni == NULL || *o.sp.tls.sni == '\0') &&
	    o.sp.host != NULL && o.sp.unix_path == NULL &&
	    o.sp.pipe_cmd == NULL && !o.sp.mx)
		o.sp.tls.sni = o.sp.host;
	if (o.sp.mx && o.sp.tls.sni != NULL && *o.sp.tls.sni == '\0')
		o.sp.tls.sni = NULL;
	if (o.sp.mx && o.sp.implicit_tls)
		return usage_error("%s", "mx:// is plain SMTP on port 25 "
		    "(add --starttls)");
	if (dns_ta != NULL && access(dns_ta, R_OK) == -1) {
		free(target_store);
		snprintf(derr, sizeof derr, "%s: %s", dns_ta, strerror(errno));
		return usage_error("--dns-trust-anchor %s", derr);
	}
	if (resolve_configure(dns_server, dns_ta, derr, sizeof derr) == -1) {
		free(target_store);
		return usage_error("%s", derr);
	}
	/*
	 * Without a trust anchor every answer is "insecure" and --dane would
	 * quietly never apply: the downgrade it is there to catch.
	 */
	if (o.sp.dane && !resolve_anchored()) {
		free(target_store);
		return usage_error("--dane needs a DNSSEC trust anchor: %s is "
		    "missing (Debian package dns-root-data) and no "
		    "--dns-trust-anchor was given", RESOLVE_ROOT_KEY);
	}
	tls_global_init();
	/* Every option is checked before anything connects. */
	if (o.sp.tls.priority != NULL) {
		char	perr[256];

		if (tls_priority_check(o.sp.tls.priority, perr,
		    sizeof perr) == -1) {
			free(target_store);
			return usage_error("--tls-priority: %s", perr);
		}
	}
	/* A core file could hold the password. */
	{
		struct rlimit	rl = { 0, 0 };

		setrlimit(RLIMIT_CORE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);

	if (o.snd.active) {
		rc = run_send(&o, argc);
		send_opts_free(&o);
		free(target_store);
		return rc;
	}
	if (o.script != NULL && o.step) {
		struct script_file	sf;
		char			err[512];

		if (strcmp(o.script, "-") == 0) {
			free(target_store);
			return usage_error("%s", "--step reads keys from the "
			    "terminal: give the script as a file, not '-'");
		}
		if (script_file_load(&sf, o.script, err, sizeof err) == -1) {
			free(target_store);
			fprintf(stderr, "smtpscope: %s\n", err);
			return EXIT_USAGE;
		}
		memset(&up, 0, sizeof up);
		up.user = o.user;
		up.no_color = o.no_color;
		up.timing = o.timing;
		up.script = &sf;
		if (read_password(&o, &up.password) == -1) {
			script_file_free(&sf);
			free(target_store);
			return EXIT_USAGE;
		}
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fprintf(stderr, "smtpscope: --step needs a terminal; "
			    "without --step the script runs without one\n");
			rc = EXIT_USAGE;
		} else if (argc == 0 && o.sp.pipe_cmd == NULL)
			rc = run_practice_ui(&o, &up);
		else {
			up.sp = o.sp;
			rc = ui_run(&up);
		}
		free_secret(up.password);
		script_file_free(&sf);
		free(target_store);
		return rc;
	}
	if (o.script != NULL) {
		struct script_params	 sp;
		struct practice		*pr = NULL;
		char			 port[16];

		if (argc == 0 && o.sp.pipe_cmd == NULL) {
			/* No target: a practice server of its own. */
			if ((pr = start_script_practice(&o.sp, port,
			    sizeof port)) == NULL) {
				free(target_store);
				return EXIT_CONNECT;
			}
		}
		script_params_init(&sp, &o, o.script, pr);
		sp.user = o.user;
		if (read_password(&o, &sp.password) == -1) {
			practice_free(pr);
			free(target_store);
			return EXIT_USAGE;
		}
		rc = script_run(&sp);
		practice_free(pr);
		free(target_store);
		return rc;
	}

	memset(&up, 0, sizeof up);
	up.user = o.user;
	up.no_color = o.no_color;
	up.timing = o.timing;
	if (read_password(&o, &up.password) == -1) {
		free(target_store);
		return EXIT_USAGE;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "smtpscope: the UI needs a terminal; use "
		    "--script FILE to run without one\n");
		free_secret(up.password);
		free(target_store);
		return EXIT_USAGE;
	}
	up.lesson = o.lesson_l;
	up.lesson_num = o.lesson_num;
	if (argc == 0 && o.sp.pipe_cmd == NULL)
		rc = run_practice_ui(&o, &up);
	else {
		up.sp = o.sp;
		rc = ui_run(&up);
	}
	lesson_free(o.lesson_owned);
	free(target_store);
	return rc;
}
