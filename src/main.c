/*
 * main.c: pick a mode from the command line: the UI (on the practice
 * server when no target is given), --script (or, with --step, the UI
 * running the script a line at a time), --replay, --explain, --serve.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/script.h"
#include "smtpscope/session.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui.h"

#include "src/main.h"

enum {
	OPT_SCRIPT = 256, OPT_EXPLAIN, OPT_SERVE, OPT_SERVE_SMTPS, OPT_MAILDIR,
	OPT_INSECURE, OPT_CA_FILE, OPT_TLS_PRIORITY, OPT_SNI, OPT_CERT,
	OPT_KEY, OPT_TIMEOUT, OPT_USER, OPT_PASSWORD_ENV, OPT_PASSWORD_FILE,
	OPT_LOG, OPT_SHOW_SECRETS, OPT_TIMING, OPT_NO_COLOR, OPT_STARTTLS,
	OPT_HELP, OPT_VERSION, OPT_REPLAY, OPT_STEP, OPT_EXPORT_HTML,
	OPT_SERVE_REQUIRE_AUTH, OPT_SERVE_TLS_AUTH, OPT_SERVE_REQUIRE_TLS,
	OPT_MAX_TRANSCRIPT, OPT_LOG_MAX
};

static const struct option longopts[] = {
	{ "script",		required_argument, NULL, OPT_SCRIPT },
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
	{ "starttls",		no_argument,	   NULL, OPT_STARTTLS },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	{ NULL,			0,		   NULL, 0 }
};

static const char usage_text[] =
"usage: smtpscope [options] [HOST [PORT] | URL]\n"
"       smtpscope --script FILE [options] [HOST [PORT] | URL]\n"
"       smtpscope --script FILE --step [options] [HOST [PORT] | URL]\n"
"       smtpscope --replay FILE [--export-html OUT.html]\n"
"       smtpscope --explain CODE|KEYWORD\n"
"       smtpscope --serve [ADDR:]PORT [--serve-smtps [ADDR:]PORT]\n"
"\n"
"A terminal UI for talking SMTP by hand.  With no target it opens on the\n"
"built-in practice server (offline, user demo, password demo).\n"
"\n"
"Targets:\n"
"  HOST [PORT]                plain TCP, port 25 by default\n"
"  smtp://HOST[:PORT]         plain (25); add --starttls to upgrade\n"
"  smtps://HOST[:PORT]        implicit TLS (465)\n"
"  submission://HOST[:PORT]   port 587, plain until STARTTLS\n"
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
"  --serve [ADDR:]PORT  run the practice server alone (port 0: any)\n"
"  --serve-smtps [ADDR:]PORT  also listen for implicit TLS\n"
"  --maildir DIR        practice server: write accepted mail to DIR\n"
"  --serve-require-auth practice server: 530 for MAIL before AUTH\n"
"  --serve-tls-auth     practice server: 538 for PLAIN/LOGIN before TLS\n"
"  --serve-require-tls  practice server: 523 for MAIL or AUTH before TLS\n"
"\n"
"Options:\n"
"  --starttls           send STARTTLS right after the first EHLO\n"
"  --insecure           go on when the certificate does not verify\n"
"  --ca-file FILE       trust the certificates in FILE (PEM)\n"
"  --tls-priority STR   GnuTLS priority string\n"
"  --sni NAME           server name to send and check (default: HOST)\n"
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
"  --help, --version\n"
"\n"
"Script exit status: 0 all expectations held, 1 an :expect failed,\n"
"2 usage error, 3 connection error (also: the server flooded us with\n"
"replies nobody asked for), 4 TLS error, 5 timeout.\n"
"See smtpscope(1) for the command language.\n";

/* Print an error and the hint, return the usage exit code. */
int
usage_error(const char *fmt, const char *arg)
{
	fputs("smtpscope: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'smtpscope --help' for more information.\n", stderr);
	return EXIT_USAGE;
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
 * Understand the target: a URL or HOST [PORT].  Fills host, port and the
 * TLS mode.  Returns 0 or -1 (message printed).
 */
static int
parse_target(struct opts *o, int argc, char **argv, char **store)
{
	const char	*arg = argv[0], *defport = "25", *rest;
	char		*copy, *p, *hostend;
	size_t		 schemelen;

	rest = strstr(arg, "://");
	if (rest != NULL) {
		schemelen = (size_t)(rest - arg);
		if (schemelen == 4 && strncasecmp(arg, "smtp", 4) == 0)
			defport = "25";
		else if (schemelen == 5 && strncasecmp(arg, "smtps", 5) == 0) {
			defport = "465";
			o->sp.implicit_tls = 1;
		} else if (schemelen == 10 &&
		    strncasecmp(arg, "submission", 10) == 0)
			defport = "587";
		else {
			usage_error("unknown URL scheme in '%s' (use smtp://, "
			    "smtps:// or submission://)", arg);
			return -1;
		}
		if (argc > 1) {
			usage_error("a URL already names the port: '%s' is one "
			    "argument too many", argv[1]);
			return -1;
		}
		arg = rest + 3;
	} else if (argc > 2) {
		usage_error("too many arguments: '%s'", argv[2]);
		return -1;
	}
	copy = xstrdup(arg);
	*store = copy;
	if ((p = strchr(copy, '/')) != NULL)
		*p = '\0';
	if ((p = strrchr(copy, '@')) != NULL)	/* user@host: ignore user */
		memmove(copy, p + 1, strlen(p + 1) + 1);
	if (copy[0] == '[') {
		hostend = strchr(copy, ']');
		if (hostend == NULL) {
			usage_error("missing ']' in '%s'", arg);
			return -1;
		}
		*hostend = '\0';
		o->sp.host = copy + 1;
		p = hostend + 1;
		o->sp.port = *p == ':' ? p + 1 : defport;
	} else if ((p = strchr(copy, ':')) != NULL && strchr(p + 1, ':') ==
	    NULL) {
		*p = '\0';
		o->sp.host = copy;
		o->sp.port = p + 1;
	} else {
		o->sp.host = copy;
		o->sp.port = defport;
	}
	if (rest == NULL && argc == 2)
		o->sp.port = argv[1];
	if (*o->sp.host == '\0') {
		usage_error("no host in '%s'", argv[0]);
		return -1;
	}
	if (*o->sp.port == '\0' ||
	    strspn(o->sp.port, "0123456789") != strlen(o->sp.port) ||
	    atoi(o->sp.port) < 1 || atoi(o->sp.port) > 65535) {
		usage_error("bad port '%s' (1-65535)", o->sp.port);
		return -1;
	}
	return 0;
}

/* Read the password from the environment or a file, if asked to. */
static int
read_password(const struct opts *o, char **out)
{
	const char	*v;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 len;
	FILE		*fp;

	*out = NULL;
	if (o->password_env != NULL) {
		if ((v = getenv(o->password_env)) == NULL) {
			fprintf(stderr, "smtpscope: --password-env: the "
			    "variable %s is not set\n", o->password_env);
			return -1;
		}
		*out = xstrdup(v);
		/* Child processes need not see it. */
		unsetenv(o->password_env);
		return 0;
	}
	if (o->password_file != NULL) {
		if ((fp = fopen(o->password_file, "r")) == NULL) {
			fprintf(stderr, "smtpscope: --password-file: cannot "
			    "open %s: %s\n", o->password_file,
			    strerror(errno));
			return -1;
		}
		len = getline(&line, &cap, fp);
		fclose(fp);
		if (len < 0) {
			free(line);
			fprintf(stderr, "smtpscope: --password-file: %s is "
			    "empty\n", o->password_file);
			return -1;
		}
		line[strcspn(line, "\r\n")] = '\0';
		*out = xstrdup(line);
		wipe(line, cap);
		free(line);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	struct ui_params up;
	char		*target_store = NULL;
	const char	*nc;
	int		 c, rc;

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
		case OPT_KEY:
			o.sp.tls.key_file = optarg;
			break;
		case OPT_TIMEOUT:
			if (atoi(optarg) < 1 || atoi(optarg) > 3600 ||
			    strspn(optarg, "0123456789") != strlen(optarg))
				return usage_error("--timeout wants seconds "
				    "(1-3600), not '%s'", optarg);
			o.sp.timeout_ms = atoi(optarg) * 1000;
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
		case OPT_STARTTLS:
			o.sp.starttls = 1;
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
	if ((o.sp.tls.cert_file == NULL) != (o.sp.tls.key_file == NULL))
		return usage_error("%s", "--cert and --key go together");

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
	if (o.serve_smtps != NULL || o.maildir != NULL || o.require_auth ||
	    o.tls_auth_only || o.require_tls)
		return usage_error("%s", "--serve-smtps, --maildir and "
		    "--serve-* options go with --serve");
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
	/* An empty --sni still checks the certificate against the host. */
	if ((o.sp.tls.sni == NULL || *o.sp.tls.sni == '\0') &&
	    o.sp.host != NULL)
		o.sp.tls.sni = o.sp.host;
	tls_global_init();
	/* A core file could hold the password. */
	{
		struct rlimit	rl = { 0, 0 };

		setrlimit(RLIMIT_CORE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);

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
		} else if (argc == 0)
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
		struct script_params	sp;

		pid_t			child = -1;
		char			port[16];

		if (argc == 0) {
			/* No target: a practice server of its own. */
			if ((child = spawn_practice(port, sizeof port)) == -1) {
				free(target_store);
				return EXIT_CONNECT;
			}
			o.sp.host = "127.0.0.1";
			o.sp.port = port;
			o.sp.tls.insecure = 1;	/* made up at start */
			if (o.sp.tls.sni == NULL || *o.sp.tls.sni == '\0')
				o.sp.tls.sni = "localhost";
		}
		memset(&sp, 0, sizeof sp);
		sp.path = o.script;
		sp.sp = o.sp;
		sp.user = o.user;
		if (read_password(&o, &sp.password) == -1) {
			free(target_store);
			return EXIT_USAGE;
		}
		sp.color = !o.no_color && isatty(STDOUT_FILENO);
		sp.timing = o.timing;
		sp.show_secrets = o.show_secrets;
		sp.out = stdout;
		rc = script_run(&sp);
		if (child != -1) {
			kill(child, SIGTERM);
			waitpid(child, NULL, 0);
		}
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
	if (argc == 0)
		rc = run_practice_ui(&o, &up);
	else {
		up.sp = o.sp;
		rc = ui_run(&up);
	}
	free(target_store);
	return rc;
}
