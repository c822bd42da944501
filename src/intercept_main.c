/*
 * intercept_main.c: --intercept without a terminal UI: open (or make) the
 * intercept CA, listen, and print every session's transcript as script
 * mode prints one, each line prefixed with its session's id, until SIGINT
 * or SIGTERM (or, with --once, the end of the first session).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/dial.h"
#include "smtpscope/intercept.h"
#include "smtpscope/script.h"
#include "smtpscope/xmalloc.h"

#include "ui/ui.h"

#include "src/main.h"

static volatile sig_atomic_t	icpt_stop;

static void
icpt_signal(int sig)
{
	(void)sig;
	icpt_stop = 1;
}

struct icpt_out {
	unsigned int	 opts;
	struct buf	 b;
	int		 once;
	int		 ended;
	int		 ok;
};

static void
icpt_line(void *arg, unsigned int id, struct transcript *t, size_t index)
{
	struct icpt_out	*o = arg;

	buf_reset(&o->b);
	buf_printf(&o->b, "[%u] ", id);
	transcript_format(&o->b, t, &t->lines[index], o->opts);
	buf_addch(&o->b, '\n');
	fwrite(o->b.data, 1, o->b.len, stdout);
	/* Nobody reads any more (| head): stop as SIGTERM would. */
	if (fflush(stdout) == EOF && errno == EPIPE)
		icpt_stop = 1;
}

static void
icpt_end(void *arg, unsigned int id, int ok)
{
	struct icpt_out	*o = arg;

	(void)id;
	if (o->ended++ == 0)
		o->ok = ok;
}

/*
 * LISTEN: [smtp://|smtps://]ADDR:PORT, [V6]:PORT or PORT.  Fills the
 * params; the strings point into *store.  Returns 0 or -1.
 */
int
intercept_parse_listen(const char *arg, struct intercept_params *p,
    char **store)
{
	char	*copy, *s, *colon;

	if (strncasecmp(arg, "smtps://", 8) == 0) {
		p->implicit_tls = 1;
		arg += 8;
	} else if (strncasecmp(arg, "smtp://", 7) == 0)
		arg += 7;
	else if (strstr(arg, "://") != NULL)
		return -1;
	copy = *store = xstrdup(arg);
	if ((s = strchr(copy, '/')) != NULL)
		*s = '\0';
	if (copy[0] == '[') {
		if ((colon = strchr(copy, ']')) == NULL || colon[1] != ':')
			return -1;
		*colon = '\0';
		p->addr = copy + 1;
		p->port = colon + 2;
	} else if ((colon = strrchr(copy, ':')) != NULL) {
		*colon = '\0';
		p->addr = copy;
		p->port = colon + 1;
	} else
		p->port = copy;
	if (p->addr != NULL && *p->addr == '\0')
		p->addr = NULL;
	if (*p->port == '\0' || strspn(p->port, "0123456789") !=
	    strlen(p->port) || strlen(p->port) > 5 || atoi(p->port) > 65535)
		return -1;
	return 0;
}

/* $XDG_DATA_HOME/smtpscope/NAME (default ~/.local/share); malloc'd. */
static char *
data_path(const char *name)
{
	const char	*d = getenv("XDG_DATA_HOME"), *home;

	if (d != NULL && d[0] == '/')
		return xprintf("%s/smtpscope/%s", d, name);
	home = getenv("HOME");
	if (home != NULL && home[0] == '/')
		return xprintf("%s/.local/share/smtpscope/%s", home, name);
	return NULL;
}

/* Say a line on stderr (without the UI). */
static void
icpt_stderr(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "%s\n", line);
}

/*
 * Open the intercept CA; when it is new, tell (through say, line by line)
 * where it is and how to trust it.
 */
struct tls_ca *
intercept_open_ca(char *err, size_t errlen, void (*say)(void *,
    const char *))
{
	struct tls_ca	*ca;
	char		*cert, *key, line[1024];
	int		 created;

	cert = data_path("intercept-ca.pem");
	key = data_path("intercept-ca-key.pem");
	if (cert == NULL || key == NULL) {
		snprintf(err, errlen, "no place for the intercept CA: set "
		    "HOME or XDG_DATA_HOME");
		free(cert);
		free(key);
		return NULL;
	}
	ca = tls_ca_open(cert, key, &created, err, errlen);
	if (ca != NULL && created) {
		snprintf(line, sizeof line, "smtpscope: made a local CA for "
		    "--intercept: %s", cert);
		say(NULL, line);
		snprintf(line, sizeof line, "  (key beside it, 0600; %s)",
		    tls_ca_fingerprint(ca));
		say(NULL, line);
		snprintf(line, sizeof line, "  trust it with: --ca-file %s "
		    "(smtpscope, swaks --tls-ca-path, curl --cacert, msmtp "
		    "tls_trust_file)", cert);
		say(NULL, line);
		snprintf(line, sizeof line, "  or system-wide: cp %s "
		    "/usr/local/share/ca-certificates/smtpscope-intercept.crt "
		    "&& update-ca-certificates", cert);
		say(NULL, line);
	} else if (ca != NULL) {
		/* Days later, where the file to trust is, in one line. */
		snprintf(line, sizeof line, "smtpscope: --intercept issues "
		    "client certificates from the local CA %s (the "
		    "application must trust it)", cert);
		say(NULL, line);
	}
	free(cert);
	free(key);
	return ca;
}

int
run_intercept(struct opts *o, struct intercept_params *ip)
{
	struct intercept	*ic;
	struct icpt_out		 out;
	struct sigaction	 sa;
	struct pollfd		*pfd;
	struct ui_params	 up;
	size_t			 max, n;
	char			 err[512], listen[128], upstream[300];
	char			 line[600];
	int			 t, rc, tty;

	memset(&out, 0, sizeof out);
	buf_init(&out.b);
	out.opts = TW_ANNOT;
	if (o->timing)
		out.opts |= TW_TIMING;
	if (o->show_secrets)
		out.opts |= TW_SECRETS;
	if (!o->no_color && isatty(STDOUT_FILENO))
		out.opts |= TW_COLOR;
	out.once = o->intercept_once;
	/* On a terminal, the list of sessions; else the plain output. */
	tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
	    !o->intercept_once;
	if (!tty) {
		ip->on_line = icpt_line;
		ip->on_end = icpt_end;
		ip->arg = &out;
	} else
		ip->keep = 1;
	if ((ip->ca = intercept_open_ca(err, sizeof err, tty ?
	    ui_classroom_log : icpt_stderr)) == NULL) {
		fprintf(stderr, "smtpscope: %s\n", err);
		return EXIT_USAGE;
	}
	if ((ic = intercept_new(ip, err, sizeof err)) == NULL) {
		fprintf(stderr, "smtpscope: --intercept: %s\n", err);
		tls_ca_free(ip->ca);
		return EXIT_CONNECT;
	}
	snprintf(listen, sizeof listen, "%s%s%s%s:%d", ip->implicit_tls ?
	    "smtps://" : "", ip->addr != NULL && strchr(ip->addr, ':') !=
	    NULL ? "[" : "", ip->addr != NULL ? ip->addr : "127.0.0.1",
	    ip->addr != NULL && strchr(ip->addr, ':') != NULL ? "]" : "",
	    intercept_port(ic));
	snprintf(upstream, sizeof upstream, "%s port %s", ip->up_host,
	    ip->up_port);
	/*
	 * Given on purpose, but worth a word: whoever reaches the port is
	 * relayed, and the logins of their applications are read here.
	 */
	if (!intercept_loopback(ic)) {
		snprintf(line, sizeof line, "smtpscope: warning: %s is not "
		    "a loopback address: other hosts can connect and are "
		    "relayed to %s", listen, upstream);
		(tty ? ui_classroom_log : icpt_stderr)(NULL, line);
	}
	if (tty) {
		memset(&up, 0, sizeof up);
		up.no_color = o->no_color;
		up.timing = o->timing;
		up.sp.show_secrets = o->show_secrets;
		up.classroom = 1;
		up.classroom_listen = listen;
		up.intercept = ic;
		up.intercept_upstream = upstream;
		rc = ui_run(&up);
		intercept_free(ic);
		tls_ca_free(ip->ca);
		buf_free(&out.b);
		return rc;
	}
	printf("intercepting on %s, relaying to %s\n", listen, upstream);
	fflush(stdout);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = icpt_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	max = 1 + (size_t)(ip->max_sessions > 0 ? ip->max_sessions :
	    INTERCEPT_SESSIONS_DEFAULT) * (DIAL_MAXFDS + 2);
	pfd = xreallocarray(NULL, max, sizeof *pfd);
	while (!icpt_stop && !(out.once && out.ended > 0)) {
		n = intercept_pollfds(ic, pfd, max);
		t = intercept_timeout(ic);
		if (poll(pfd, n, t) == -1 && errno != EINTR)
			break;
		if (icpt_stop)
			break;
		intercept_handle(ic, pfd, n);
	}
	free(pfd);
	intercept_free(ic);
	tls_ca_free(ip->ca);
	buf_free(&out.b);
	if (out.once)
		rc = out.ended > 0 && out.ok ? EXIT_OK : EXIT_CONNECT;
	else
		rc = EXIT_OK;
	return rc;
}
