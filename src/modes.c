/*
 * modes.c: the modes main() dispatches to besides the UI and script mode
 * on a target: the practice server alone (--serve) or behind a UI or
 * script with no target (in the same process), --explain, and --replay.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/export.h"
#include "smtpscope/kb.h"
#include "smtpscope/lesson.h"
#include "smtpscope/practice.h"
#include "smtpscope/replay.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/script.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui.h"

#include "src/main.h"

static volatile sig_atomic_t	serve_stop;

static void
serve_signal(int sig)
{
	(void)sig;
	serve_stop = 1;
}

/*
 * Split "[ADDR:]PORT" or "[v6addr]:PORT"; returns 0 or -1.  The strings
 * point into a copy owned by *store.
 */
static int
split_addr_port(const char *arg, const char **addr, const char **port,
    char **store)
{
	char	*copy = xstrdup(arg), *colon;

	*store = copy;
	if (copy[0] == '[') {
		colon = strchr(copy, ']');
		if (colon == NULL || colon[1] != ':')
			return -1;
		*colon = '\0';
		*addr = copy + 1;
		*port = colon + 2;
	} else if ((colon = strrchr(copy, ':')) != NULL) {
		*colon = '\0';
		*addr = copy;
		*port = colon + 1;
	} else {
		*addr = NULL;
		*port = copy;
	}
	if (**port == '\0' || strspn(*port, "0123456789") != strlen(*port))
		return -1;
	return 0;
}

/* Print a listener's address as ADDR:PORT, or [ADDR]:PORT for IPv6. */
static void
serve_print(const char *what, const char *addr, int port)
{
	if (addr == NULL)
		addr = "127.0.0.1";
	if (strchr(addr, ':') != NULL)
		printf("%s [%s]:%d\n", what, addr, port);
	else
		printf("%s %s:%d\n", what, addr, port);
}

/* ADDR:PORT, or [ADDR]:PORT for IPv6, appended to b. */
static void
serve_addr(struct buf *b, const char *addr, int port)
{
	if (addr == NULL)
		addr = "127.0.0.1";
	if (strchr(addr, ':') != NULL)
		buf_printf(b, "[%s]:%d", addr, port);
	else
		buf_printf(b, "%s:%d", addr, port);
}

/* --serve on a terminal: the classroom view until q or a signal. */
static int
serve_classroom(struct opts *o, struct practice *pr,
    const struct practice_params *pp, const char *addr2)
{
	struct ui_params	up;
	struct buf		listen;
	int			rc;

	buf_init(&listen);
	serve_addr(&listen, pp->addr, practice_port(pr));
	if (o->serve_smtps != NULL) {
		buf_addstr(&listen, ", TLS ");
		serve_addr(&listen, addr2 != NULL ? addr2 : pp->addr,
		    practice_tls_port(pr));
	}
	buf_printf(&listen, "  login %s/%s", PRACTICE_USER,
	    PRACTICE_PASSWORD);
	memset(&up, 0, sizeof up);
	up.no_color = o->no_color;
	up.practice = pr;
	up.classroom = 1;
	up.classroom_listen = buf_str(&listen);
	up.classroom_budget = pp->mem_budget > 0 ? pp->mem_budget :
	    PRACTICE_MEM_DEFAULT;
	signal(SIGPIPE, SIG_IGN);
	rc = ui_run(&up);
	buf_free(&listen);
	/* The UI ends with 128 + the signal that stopped it: still a stop. */
	return rc >= 128 ? 0 : rc;
}

/* --serve: run the practice server until a signal. */
int
run_serve(struct opts *o)
{
	struct practice_params	 pp;
	struct practice		*pr;
	struct sigaction	 sa;
	char			 err[512], *s1 = NULL, *s2 = NULL;
	const char		*addr2 = NULL, *port2 = NULL;
	int			 rc, classroom;

	memset(&pp, 0, sizeof pp);
	if (split_addr_port(o->serve, &pp.addr, &pp.port, &s1) == -1) {
		free(s1);
		return usage_error("--serve wants [ADDR:]PORT, not '%s'",
		    o->serve);
	}
	if (o->serve_smtps != NULL) {
		if (split_addr_port(o->serve_smtps, &addr2, &port2,
		    &s2) == -1) {
			free(s1);
			free(s2);
			return usage_error("--serve-smtps wants [ADDR:]PORT, "
			    "not '%s'", o->serve_smtps);
		}
		pp.tls_port = port2;
		pp.tls_addr = addr2;
	}
	pp.cert_file = o->sp.tls.cert_file;
	pp.key_file = o->sp.tls.key_file;
	pp.maildir = o->maildir;
	pp.require_auth = o->require_auth;
	pp.tls_auth_only = o->tls_auth_only;
	pp.require_tls = o->require_tls;
	pp.max_sessions = o->max_sessions;
	pp.max_per_addr = o->max_per_addr;
	pp.idle_s = o->idle_s;
	pp.max_time_s = o->max_time_s;
	pp.mem_budget = (size_t)o->max_memory_mb << 20;
	pp.maildir_quota = (size_t)o->maildir_quota_mb << 20;
	pp.log_path = o->serve_log;
	pp.verbose = 1;
	/* On a terminal, unless asked to stay plain: the classroom view. */
	classroom = !o->serve_plain && o->serve_log == NULL &&
	    isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (classroom) {
		pp.transcripts = 1;
		pp.log_cb = ui_classroom_log;
	}
	if ((pr = practice_new(&pp, err, sizeof err)) == NULL) {
		fprintf(stderr, "smtpscope: practice server: %s\n", err);
		free(s1);
		free(s2);
		return EXIT_CONNECT;
	}
	if (classroom) {
		rc = serve_classroom(o, pr, &pp, addr2);
		practice_shutdown(pr);
		practice_free(pr);
		free(s1);
		free(s2);
		return rc;
	}
	serve_print("listening on", pp.addr, practice_port(pr));
	if (o->serve_smtps != NULL)
		serve_print("listening (implicit TLS) on", addr2 != NULL ?
		    addr2 : pp.addr, practice_tls_port(pr));
	printf("demo login: user %s, password %s\n", PRACTICE_USER,
	    PRACTICE_PASSWORD);
	fflush(stdout);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = serve_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = practice_run(pr, &serve_stop);
	practice_free(pr);
	free(s1);
	free(s2);
	return rc == 0 ? 0 : 1;
}

/* --explain: print the explanation. */
int
run_explain(const char *arg)
{
	struct buf	b;
	int		rc;

	buf_init(&b);
	rc = kb_explain_arg(&b, arg);
	if (rc == 0) {
		fputs(buf_str(&b), stdout);
		if (b.len > 0 && b.data[b.len - 1] != '\n')
			fputc('\n', stdout);
	} else {
		/* The message quotes the argument: keep it safe to print. */
		char	*safe = sanitize_dup(buf_str(&b), b.len);

		fprintf(stderr, "smtpscope: %s\n", safe);
		free(safe);
	}
	buf_free(&b);
	return rc == 0 ? 0 : EXIT_USAGE;
}

/*
 * --replay FILE: load the transcript (a bad file is reported with its line
 * before curses starts), then export it or open the UI on it.
 */
int
run_replay(struct opts *o, struct ui_params *up)
{
	struct transcript	 t;
	struct replay_info	 info;
	struct export_meta	 meta;
	char			 err[512], *source;
	unsigned int		 opts = 0;
	int			 rc;

	transcript_init(&t);
	if (replay_load_info(&t, o->replay, &info, err, sizeof err) == -1) {
		fprintf(stderr, "smtpscope: %s\n", err);
		transcript_free(&t);
		return EXIT_USAGE;
	}
	source = xprintf("replayed from %s", o->replay);
	if (o->export_html != NULL) {
		memset(&meta, 0, sizeof meta);
		meta.source = source;
		if (o->show_secrets)
			opts |= TW_SECRETS;
		if (o->timing && info.timed)
			opts |= TW_TIMING;
		rc = 0;
		if (export_html_meta(&t, o->export_html, &meta, opts, err,
		    sizeof err) == -1) {
			fprintf(stderr, "smtpscope: %s\n", err);
			rc = EXIT_USAGE;
		}
		goto out;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "smtpscope: --replay needs a terminal; "
		    "--export-html OUT.html converts without one\n");
		rc = EXIT_USAGE;
		goto out;
	}
	up->sp = o->sp;
	up->replay = &t;
	up->replay_path = o->replay;
	up->replay_format = replay_format_name(info.format);
	up->replay_timed = info.timed;
	rc = ui_run(up);
	up->replay = NULL;
out:
	free(source);
	transcript_free(&t);
	return rc;
}

/*
 * No target in script mode (--script, --send): the practice server in
 * this very process, on a free loopback port, and sp pointed at it; port
 * holds its number.  The script serves it while it waits for replies
 * (session_set_practice), so :inbox can read what it accepted.  Returns
 * it, or NULL after saying why.
 */
struct practice *
start_script_practice(struct session_params *sp, char *port, size_t portlen)
{
	struct practice_params	 pp;
	struct practice		*pr;
	char			 err[512];

	memset(&pp, 0, sizeof pp);
	pp.port = "0";
	if ((pr = practice_new(&pp, err, sizeof err)) == NULL) {
		fprintf(stderr, "smtpscope: cannot start the practice server: "
		    "%s\n", err);
		return NULL;
	}
	snprintf(port, portlen, "%d", practice_port(pr));
	sp->host = "127.0.0.1";
	sp->port = port;
	sp->tls.insecure = 1;	/* made up at start */
	/* The demo login never leaves this machine. */
	sp->allow_plaintext = 1;
	if (sp->tls.sni == NULL || *sp->tls.sni == '\0')
		sp->tls.sni = "localhost";
	return pr;
}

/*
 * A script run's parameters from the options (--script, --send): the
 * session's, the practice server if any, and how the output looks.  The
 * user and password are the caller's.
 */
void
script_params_init(struct script_params *sp, const struct opts *o,
    const char *path, struct practice *pr)
{
	memset(sp, 0, sizeof *sp);
	sp->path = path;
	sp->sp = o->sp;
	sp->practice = pr;
	/* JSON Lines are for programs: no colour in them. */
	sp->color = !o->no_color && !o->json && isatty(STDOUT_FILENO);
	sp->timing = o->timing;
	sp->show_secrets = o->show_secrets;
	sp->json = o->json;
	sp->out = stdout;
}

/* No target: the UI on a practice server in this very process. */
int
run_practice_ui(struct opts *o, struct ui_params *up)
{
	struct practice_params	 pp;
	struct practice		*pr;
	char			 err[512], port[16];
	char			*welcome;
	int			 rc;

	memset(&pp, 0, sizeof pp);
	pp.port = "0";
	if ((pr = practice_new(&pp, err, sizeof err)) == NULL) {
		fprintf(stderr, "smtpscope: cannot start the practice server: "
		    "%s\n", err);
		return EXIT_CONNECT;
	}
	snprintf(port, sizeof port, "%d", practice_port(pr));
	o->sp.host = "127.0.0.1";
	o->sp.port = port;
	o->sp.tls.insecure = 1;	/* its certificate is made up at start */
	/* The demo login never leaves this machine. */
	o->sp.allow_plaintext = 1;
	up->sp = o->sp;
	up->practice = pr;
	welcome = xprintf("This is the built-in practice server on 127.0.0.1 "
	    "port %s: nothing leaves this machine. Try: EHLO me, then "
	    "STARTTLS, then EHLO me again, AUTH LOGIN (user %s, password %s), "
	    "MAIL FROM:<you@example.com>, RCPT TO:<demo@localhost>, DATA. "
	    "Recipients greylist@, nouser@, full@, big@, slow@, drop@ and "
	    "shutdown@localhost misbehave on purpose; HELP lists them. "
	    "F1 shows every key.", port, PRACTICE_USER, PRACTICE_PASSWORD);
	up->welcome = welcome;
	if (up->user == NULL)
		up->user = PRACTICE_USER;
	rc = ui_run(up);
	free(welcome);
	practice_free(pr);
	return rc;
}

/* --lesson alone: the lessons, each marked done or not. */
int
lesson_list(void)
{
	char	*path = lesson_progress_path();
	size_t	 i, ndone = 0;
	int	 done;

	printf("Lessons (on the built-in practice server; smtpscope "
	    "--lesson N starts one):\n");
	for (i = 0; i < lesson_count; i++) {
		done = lesson_progress_done(path, lesson_table[i].id);
		ndone += done;
		printf("  %2zu  [%s]  %s\n", i + 1, done ? "done" : "    ",
		    lesson_table[i].title);
	}
	printf("%zu of %zu done.  A teacher's own lesson: smtpscope "
	    "--lesson FILE\n", ndone, lesson_count);
	free(path);
	return 0;
}

int
lesson_resolve(struct opts *o)
{
	const char	*arg = o->lesson;
	char		 err[512];
	long		 n;

	if (arg[0] != '\0' && strspn(arg, "0123456789") == strlen(arg)) {
		n = strtol(arg, NULL, 10);
		if (n < 1 || (size_t)n > lesson_count) {
			snprintf(err, sizeof err, "%zu", lesson_count);
			usage_error("--lesson: there are lessons 1 to %s "
			    "(smtpscope --lesson lists them)", err);
			return -1;
		}
		o->lesson_l = &lesson_table[n - 1];
		o->lesson_num = (int)n;
		return 0;
	}
	if ((o->lesson_owned = lesson_load(arg, err, sizeof err)) == NULL) {
		fprintf(stderr, "smtpscope: --lesson: %s\n", err);
		return -1;
	}
	o->lesson_l = o->lesson_owned;
	o->lesson_num = 0;
	return 0;
}
