/*
 * script.c: script mode.  The whole file is read and checked first (an
 * unknown ':' command is reported with its line number before anything is
 * sent), then each line is run in turn, waiting for the reply to each
 * command unless a :pipeline batch is open.  Every transcript line is
 * printed as it is added: as text, or with --json as one JSON object a
 * line, and then a summary object saying how the script ended.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/command.h"
#include "smtpscope/json.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/script.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"

struct script_state {
	struct script_params	*sp;
	struct session		*s;
	struct buf		 out;
	char			*reason;	/* the last error said, for --json */
	double			 wall_start;	/* wall clock at the session's start */
};

/*
 * Say why the script stops, on stderr as always; with --json the summary
 * repeats the last such reason.
 */
static void
script_err(struct script_state *st, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	free(st->reason);
	st->reason = xvprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "smtpscope: %s\n", st->reason);
}

/*
 * The same for a line of the script: "file:line: " before it.  Lines made
 * as the run goes (the one-shot send) are the user's options, not a file
 * of theirs, so no place is named.
 */
static void
script_err_at(struct script_state *st, size_t lineno, const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	va_start(ap, fmt);
	what = xvprintf(fmt, ap);
	va_end(ap);
	if (st->sp->next != NULL)
		script_err(st, "%s", what);
	else
		script_err(st, "%s:%zu: %s", st->sp->path, lineno, what);
	free(what);
}

/* The reason for the summary when line lineno's :expect did not hold. */
static void
script_expect_reason(struct script_state *st, size_t lineno)
{
	struct transcript	*t = session_transcript(st->s);
	const char		*what = "an expectation did not hold";
	char			*safe = NULL;
	size_t			 i;

	for (i = t->n; i > 0; i--) {
		if (t->lines[i - 1].dir == TDIR_WARN &&
		    strncmp(t->lines[i - 1].raw, "expectation failed", 18) == 0) {
			safe = sanitize_dup(t->lines[i - 1].raw,
			    t->lines[i - 1].len);
			what = safe;
			break;
		}
	}
	free(st->reason);
	st->reason = xprintf("%s:%zu: %s", st->sp->path, lineno, what);
	free(safe);
}

/* With --json: the summary object that ends the output. */
static void
script_summary(struct script_state *st, int rc)
{
	if (!st->sp->json)
		return;
	buf_reset(&st->out);
	json_summary(&st->out, rc, st->reason);
	buf_addch(&st->out, '\n');
	fwrite(st->out.data, 1, st->out.len, st->sp->out);
	fflush(st->sp->out);
}

/* Print each transcript line as it is added. */
static void
script_print(void *arg, size_t index)
{
	struct script_state	*st = arg;
	struct transcript	*t = session_transcript(st->s);
	unsigned int		 opts = TW_ANNOT;

	if (st->sp->json) {
		buf_reset(&st->out);
		json_line(&st->out, t, index, st->sp->show_secrets ?
		    JSON_SECRETS : 0, st->wall_start);
		buf_addch(&st->out, '\n');
		fwrite(st->out.data, 1, st->out.len, st->sp->out);
		fflush(st->sp->out);
		return;
	}
	if (st->sp->color)
		opts |= TW_COLOR;
	if (st->sp->timing)
		opts |= TW_TIMING;
	if (st->sp->show_secrets)
		opts |= TW_SECRETS;
	buf_reset(&st->out);
	transcript_format(&st->out, t, &t->lines[index], opts);
	buf_addch(&st->out, '\n');
	fwrite(st->out.data, 1, st->out.len, st->sp->out);
	fflush(st->sp->out);
}

/* Messages from ':' commands become notes, so they are printed in order. */
static void
script_say(void *arg, const char *text)
{
	struct script_state	*st = arg;
	const char		*p, *nl;

	for (p = text; *p != '\0' || p == text; p = nl + 1) {
		nl = strchr(p, '\n');
		session_note(st->s, TDIR_INFO, "%.*s",
		    (int)(nl != NULL ? (size_t)(nl - p) : strlen(p)), p);
		if (nl == NULL)
			break;
	}
}

/*
 * Ask for a secret on the controlling terminal, echo off.  read(2) into
 * one buffer on the stack, wiped after: no stdio buffer keeps a copy.
 */
static char *
script_ask_secret(void *arg, const char *prompt)
{
	struct termios	 old, raw;
	char		 line[1024], *s;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd, have_old;

	(void)arg;
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return NULL;
	(void)!write(fd, prompt, strlen(prompt));
	have_old = tcgetattr(fd, &old) == 0;
	if (have_old) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &raw);
	}
	while (n < sizeof line - 1) {
		r = read(fd, line + n, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	if (have_old)
		tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);	/* cosmetic: a failure changes nothing */
	close(fd);
	line[strcspn(line, "\r")] = '\0';
	s = xstrdup(line);
	wipe(line, sizeof line);
	return s;
}

/* Read every line of the script; returns the count or -1. */
static ssize_t
script_load(const char *path, struct script_line **out, char *err,
    size_t errlen)
{
	struct script_line	*lines = NULL;
	FILE			*fp;
	char			*line = NULL;
	size_t			 cap = 0, n = 0, alloc = 0, lineno = 0;
	ssize_t			 len;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "cannot open script %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			lines = xreallocarray(lines, alloc, sizeof *lines);
		}
		lines[n].text = xstrndup(line, (size_t)len);
		lines[n].len = strlen(lines[n].text);
		lines[n].lineno = lineno;
		if (lines[n].len != (size_t)len) {
			snprintf(err, errlen, "%s:%zu: the line holds a NUL "
			    "byte", path, lineno);
			n++;
			goto fail;
		}
		n++;
	}
	free(line);
	line = NULL;
	if (ferror(fp)) {
		snprintf(err, errlen, "reading %s: %s", path, strerror(errno));
		goto fail;
	}
	if (fp != stdin)
		fclose(fp);
	*out = lines;
	return (ssize_t)n;
fail:
	free(line);
	if (fp != stdin)
		fclose(fp);
	while (n > 0)
		free(lines[--n].text);
	free(lines);
	return -1;
}

/*
 * Check ':' commands before anything is sent.  Without a practice server
 * (the script has a target) :inbox could never work: refuse it here.
 */
static int
script_check(const char *path, struct script_line *lines, size_t n,
    int practice, char *err, size_t errlen)
{
	const struct command_entry	*ce;
	char				*name, why[384];
	size_t				 i;

	for (i = 0; i < n; i++) {
		if (lines[i].text[0] != ':')
			continue;
		name = xstrndup(lines[i].text + 1,
		    strcspn(lines[i].text + 1, " \t"));
		ce = command_find(name);
		if (ce == NULL || !(ce->flags & CMD_SCRIPT)) {
			snprintf(err, errlen, "%s:%zu: unknown command ':%s' "
			    "(see smtpscope(1) for the script language)",
			    path, lines[i].lineno, name);
			free(name);
			return -1;
		}
		free(name);
		if (strcmp(ce->name, "inbox") == 0 && !practice) {
			snprintf(err, errlen, "%s:%zu: :inbox only works on the "
			    "built-in practice server: run the script with no "
			    "target", path, lines[i].lineno);
			return -1;
		}
		if (command_check(lines[i].text, why, sizeof why) == -1) {
			snprintf(err, errlen, "%s:%zu: %s", path,
			    lines[i].lineno, why);
			return -1;
		}
	}
	return 0;
}

/* Read and check a script for step mode. */
int
script_file_load(struct script_file *sf, const char *path, char *err,
    size_t errlen)
{
	ssize_t	n;

	memset(sf, 0, sizeof *sf);
	if ((n = script_load(path, &sf->lines, err, errlen)) == -1)
		return -1;
	sf->n = (size_t)n;
	sf->path = xstrdup(path);
	/* Step mode on a target: :inbox says at run time that it cannot. */
	if (script_check(path, sf->lines, sf->n, 1, err, errlen) == -1) {
		script_file_free(sf);
		return -1;
	}
	return 0;
}

/* Free what script_file_load() read. */
void
script_file_free(struct script_file *sf)
{
	size_t	i;

	for (i = 0; i < sf->n; i++)
		free(sf->lines[i].text);
	free(sf->lines);
	free(sf->path);
	memset(sf, 0, sizeof *sf);
}

/* Map a session failure to an exit code. */
static int
script_exit_code(struct session *s)
{
	switch (session_errclass(s)) {
	case SERR_CONNECT:
		return EXIT_CONNECT;
	case SERR_TLS:
		return EXIT_TLS;
	case SERR_TIMEOUT:
		return EXIT_TIMEOUT;
	case SERR_LOCAL:
	case SERR_PROTO:
		return EXIT_USAGE;
	case SERR_NONE:
		break;
	}
	return EXIT_CONNECT;
}

int
script_run(struct script_params *sp)
{
	struct script_state	 st;
	struct command_ctx	 ctx;
	struct script_line	*lines = NULL;
	char			 err[512];
	const char		*what;
	ssize_t			 n;
	size_t			 i;
	int			 rc = EXIT_OK, sent_quit = 0;
	struct timespec		 now;

	if (sp->out == NULL)
		sp->out = stdout;
	memset(&st, 0, sizeof st);
	st.sp = sp;
	buf_init(&st.out);
	if (sp->next != NULL)
		n = 0;
	else if ((n = script_load(sp->path, &lines, err, sizeof err)) == -1) {
		script_err(&st, "%s", err);
		free_secret(sp->password);
		sp->password = NULL;
		n = 0;
		rc = EXIT_USAGE;
		goto out;
	}
	if (script_check(sp->path, lines, (size_t)n, sp->practice != NULL, err,
	    sizeof err) == -1) {
		script_err(&st, "%s", err);
		rc = EXIT_USAGE;
		goto out;
	}

	sp->sp.show_secrets = sp->show_secrets;
	st.s = session_new(&sp->sp);
	session_set_callback(st.s, script_print, &st);
	/* tline.t counts from the store's start, which is now. */
	clock_gettime(CLOCK_REALTIME, &now);
	st.wall_start = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	if (sp->practice != NULL)
		session_set_practice(st.s, sp->practice);

	memset(&ctx, 0, sizeof ctx);
	ctx.s = st.s;
	ctx.script = 1;
	ctx.user = sp->user;
	ctx.password = sp->password;
	ctx.ask_secret = script_ask_secret;
	ctx.say = script_say;
	ctx.arg = &st;
	ctx.practice = sp->practice;

	if (session_connect(st.s) == -1 || session_wait(st.s) == -1) {
		script_err(&st, "%s", session_error(st.s));
		rc = script_exit_code(st.s);
		goto done;
	}
	for (i = 0; ; i++) {
		const char	*text;
		int		 batch_end = 0;

		/* A made line takes the place of the file's line i. */
		if (sp->next != NULL) {
			char	*made = sp->next(sp->next_arg, st.s);

			if (made == NULL)
				break;
			lines = xreallocarray(lines, i + 1, sizeof *lines);
			lines[i].text = made;
			lines[i].len = strlen(made);
			lines[i].lineno = i + 1;
			n = (ssize_t)i + 1;
		} else if (i >= (size_t)n)
			break;
		text = lines[i].text;

		/* In a message, blank and '#' lines are content. */
		if ((lines[i].len == 0 || text[0] == '#') &&
		    session_info(st.s)->mode != SMODE_DATA)
			continue;
		if (session_fd(st.s) == -1 && text[0] != ':') {
			script_err_at(&st, lines[i].lineno, "the connection "
			    "is closed; the rest of the %s was not run",
			    sp->next != NULL ? "session" : "script");
			rc = sent_quit ? EXIT_OK : script_exit_code(st.s);
			if (rc == EXIT_OK && !sent_quit)
				rc = EXIT_CONNECT;
			goto done;
		}
		if (text[0] == ':') {
			if (command_run(&ctx, text) == -1) {
				if (ctx.failed) {
					rc = EXIT_EXPECT;
					script_expect_reason(&st, lines[i].lineno);
					if (session_fd(st.s) != -1 &&
					    session_info(st.s)->mode ==
					    SMODE_COMMAND) {
						session_input(st.s, "QUIT", 4);
						session_wait(st.s);
					}
					goto done;
				}
				/* A made line's text is ours: not shown. */
				script_err_at(&st, lines[i].lineno, "%s%s%s",
				    sp->next != NULL ? "" : text,
				    sp->next != NULL ? "" : " failed: ",
				    session_errclass(st.s) != SERR_NONE ?
				    session_error(st.s) : "see above");
				rc = session_errclass(st.s) != SERR_NONE ?
				    script_exit_code(st.s) : EXIT_USAGE;
				goto done;
			}
			if (ctx.quit) {
				if (session_info(st.s)->mode == SMODE_DATA)
					session_note(st.s, TDIR_WARN, ":quit "
					    "with the message not ended: it "
					    "was not sent (no final \".\"), "
					    "so the server discards it");
				break;
			}
			if (session_fd(st.s) != -1)
				sent_quit = 0;	/* :reconnect: a new session */
		} else {
			enum verb	v = VERB_NONE;

			if (session_info(st.s)->mode == SMODE_COMMAND)
				v = verb_of(text, lines[i].len);
			if (v == VERB_QUIT)
				sent_quit = 1;
			/*
			 * RFC 2920 3.1: these end a batch; the client must wait
			 * for their reply before it sends anything more.
			 */
			if (ctx.pipelining && (v == VERB_EHLO ||
			    v == VERB_HELO || v == VERB_STARTTLS ||
			    v == VERB_AUTH || v == VERB_DATA ||
			    v == VERB_BDAT || v == VERB_QUIT))
				batch_end = 1;
			if (session_input(st.s, text, lines[i].len) == -1) {
				script_err(&st, "%s",
				    session_error(st.s));
				rc = script_exit_code(st.s);
				goto done;
			}
		}
		/* After BDAT N the chunk follows before any reply. */
		if (session_info(st.s)->bdat_left > 0)
			continue;
		if ((!ctx.pipelining || batch_end) &&
		    session_wait(st.s) == -1) {
			/* The server closing after QUIT is no error. */
			if (sent_quit && session_errclass(st.s) == SERR_NONE)
				continue;
			script_err_at(&st, lines[i].lineno, "%s",
			    session_error(st.s));
			rc = script_exit_code(st.s);
			goto done;
		}
	}
	if (session_wait(st.s) == -1 && !sent_quit) {
		script_err(&st, "%s", session_error(st.s));
		rc = script_exit_code(st.s);
	}
done:
	session_free(st.s);
out:
	if (sp->finish != NULL && (what = sp->finish(sp->next_arg, &rc)) !=
	    NULL) {
		free(st.reason);
		st.reason = xstrdup(what);
	}
	script_summary(&st, rc);
	buf_free(&st.out);
	free(st.reason);
	for (i = 0; i < (size_t)n; i++)
		free(lines[i].text);
	free(lines);
	free_secret(sp->password);
	sp->password = NULL;
	return rc;
}
