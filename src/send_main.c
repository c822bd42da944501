/*
 * send_main.c: the one-shot send's options.  Everything is checked and
 * the message is built (into a temporary file) before anything connects;
 * then src/send.c runs it through the script engine.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/socket.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/auth.h"
#include "smtpscope/message.h"
#include "smtpscope/practice.h"
#include "smtpscope/sasl.h"
#include "smtpscope/script.h"
#include "smtpscope/send.h"
#include "smtpscope/xmalloc.h"

#include "src/main.h"

#define SEND_CHUNK_DEFAULT	(64 * 1024)
#define SEND_CHUNK_MAX		(64 * 1024 * 1024)

static void
send_push(const char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

/* A size with K or M, 1 to max; 0 when it is not one. */
static size_t
send_size_arg(const char *arg, size_t max)
{
	unsigned long long	 v = 0;
	const char		*p = arg;

	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (unsigned long long)(*p - '0')) > max)
			return 0;
	if (*p == 'k' || *p == 'K') {
		v <<= 10;
		p++;
	} else if (*p == 'm' || *p == 'M') {
		v <<= 20;
		p++;
	}
	if (*p != '\0' || v == 0 || v > max)
		return 0;
	return (size_t)v;
}

/* --dsn-notify: NEVER alone, or SUCCESS, FAILURE, DELAY (RFC 3461 4.1). */
static char *
send_notify_arg(const char *arg)
{
	char	*copy = xstrdup(arg), *w, *save = NULL, *out;
	int	 never = 0, other = 0, seen = 0;

	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		if (strcasecmp(w, "never") == 0)
			never = 1;
		else if (strcasecmp(w, "success") == 0 && !(seen & 1))
			seen |= 1;
		else if (strcasecmp(w, "failure") == 0 && !(seen & 2))
			seen |= 2;
		else if (strcasecmp(w, "delay") == 0 && !(seen & 4))
			seen |= 4;
		else
			other = 1;
	}
	free(copy);
	if (other || (never && seen) || (!never && !seen) ||
	    arg[strlen(arg) - 1] == ',' || arg[0] == ',')
		return NULL;
	if (never)
		return xstrdup("NEVER");
	out = xprintf("%s%s%s%s%s", seen & 1 ? "SUCCESS" : "",
	    (seen & 1) && (seen & 6) ? "," : "", seen & 2 ? "FAILURE" : "",
	    (seen & 2) && (seen & 4) ? "," : "", seen & 4 ? "DELAY" : "");
	return out;
}

int
send_option(struct opts *o, const char *name, const char *arg)
{
	struct send_opts	*so = &o->snd;
	const char		*p, *end;
	char			*w;
	int			 v;

	so->active = 1;
	if (strcmp(name, "to") == 0) {
		/* Commas inside quotes or <> are the address's own. */
		for (p = arg; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
			end = msg_next_addr(p);
			p += strspn(p, " \t");
			if (p >= end)
				continue;
			w = xstrndup(p, (size_t)(end - p));
			send_push(&so->to, &so->nto, w);
			free(w);
		}
		if (so->nto == 0)
			return usage_error("--to wants an address, not '%s'",
			    arg);
	} else if (strcmp(name, "from") == 0)
		so->from = arg;
	else if (strcmp(name, "header") == 0)
		send_push(&so->headers, &so->nheaders, arg);
	else if (strcmp(name, "body") == 0) {
		if (so->body != NULL || so->body_file != NULL)
			return usage_error("%s", "give the body once: --body "
			    "TEXT or --body-file FILE, not both");
		so->body = arg;
	} else if (strcmp(name, "body-file") == 0) {
		if (so->body != NULL || so->body_file != NULL)
			return usage_error("%s", "give the body once: --body "
			    "TEXT or --body-file FILE, not both");
		so->body_file = arg;
	} else if (strcmp(name, "attach") == 0)
		send_push(&so->attach, &so->nattach, arg);
	else if (strcmp(name, "auth") == 0) {
		if (auth_mech_parse(arg) == -1)
			return usage_error("--auth: unknown mechanism '%s' (see "
			    ":auth in smtpscope(1))", arg);
		so->auth = arg;
	} else if (strcmp(name, "ehlo") == 0) {
		/* No blank, no control character (not echoed either). */
		for (p = arg; *p != '\0'; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7f)
				break;
		if (*arg == '\0' || *p != '\0')
			return usage_error("%s", "--ehlo wants a name without "
			    "blanks or control characters");
		so->ehlo = arg;
	} else if (strcmp(name, "bdat") == 0)
		so->bdat = 1;
	else if (strcmp(name, "bdat-chunk") == 0) {
		if ((so->chunk = send_size_arg(arg, SEND_CHUNK_MAX)) == 0)
			return usage_error("--bdat-chunk wants a size from 1 to "
			    "64M, not '%s'", arg);
		so->bdat = 1;
	} else if (strcmp(name, "quit-after") == 0) {
		if ((v = send_stage_parse(arg)) == -1)
			return usage_error("--quit-after wants connect, banner, "
			    "ehlo, tls, auth, mail or rcpt, not '%s'", arg);
		so->quit_after = v;
	} else if (strcmp(name, "smtputf8") == 0)
		so->smtputf8 = 1;
	else if (strcmp(name, "requiretls") == 0)
		so->requiretls = 1;
	else if (strcmp(name, "size") == 0)
		so->size = 1;
	else if (strcmp(name, "dsn-ret") == 0) {
		if (strcasecmp(arg, "full") == 0)
			so->dsn_ret = "FULL";
		else if (strcasecmp(arg, "hdrs") == 0)
			so->dsn_ret = "HDRS";
		else
			return usage_error("--dsn-ret wants full or hdrs, not "
			    "'%s'", arg);
	} else if (strcmp(name, "dsn-envid") == 0) {
		for (p = arg; *p != '\0'; p++)
			if (*p < ' ' || *p > '~')
				break;
		if (*arg == '\0' || *p != '\0' || strlen(arg) > 100)
			return usage_error("--dsn-envid wants printable ASCII, "
			    "at most 100 characters (RFC 3461 4.4), not '%s'",
			    arg);
		so->dsn_envid = arg;
	} else if (strcmp(name, "dsn-notify") == 0) {
		free((char *)so->dsn_notify);
		if ((so->dsn_notify = send_notify_arg(arg)) == NULL)
			return usage_error("--dsn-notify wants never, or a list "
			    "of success, failure and delay, not '%s'", arg);
	} else if (strcmp(name, "dsn-orcpt") == 0)
		so->dsn_orcpt = 1;
	return 0;
}

void
send_opts_free(struct opts *o)
{
	struct send_opts	*so = &o->snd;
	size_t			 i;

	for (i = 0; i < so->nto; i++) {
		free((char *)so->to[i]);
		if (so->to_addr != NULL) {
			free(so->to_addr[i]);
			free(so->to_name[i]);
		}
	}
	free(so->to_addr);
	free(so->to_name);
	free(so->from_name);
	for (i = 0; i < so->nheaders; i++)
		free((char *)so->headers[i]);
	for (i = 0; i < so->nattach; i++)
		free((char *)so->attach[i]);
	free(so->to);
	free(so->headers);
	free(so->attach);
	free((char *)so->dsn_notify);
	memset(so, 0, sizeof *so);
}

/*
 * A readable regular file or pipe (as <(command) or /dev/stdin make: it
 * is read once, while the message is built), or -1 after saying why not.
 */
static int
send_readable(const char *opt, const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1 || access(path, R_OK) == -1) {
		fprintf(stderr, "smtpscope: %s: cannot read %s: %s\n", opt,
		    path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		fprintf(stderr, "smtpscope: %s: %s is not a file\n", opt,
		    path);
		return -1;
	}
	return 0;
}

/* Every option, checked before anything connects; 0 or the exit code. */
static int
send_check(struct opts *o, char *from, size_t fromlen, char *host,
    size_t hostlen)
{
	struct send_opts	*so = &o->snd;
	struct passwd		*pw;
	char			 err[512], *addr;
	size_t			 i, stdin_users;
	int			 mech;

	if (so->nto == 0 && (so->quit_after == STAGE_ALL ||
	    so->quit_after == STAGE_RCPT || so->nheaders > 0 ||
	    so->body != NULL || so->body_file != NULL || so->nattach > 0 ||
	    so->bdat || so->size || so->dsn_notify != NULL ||
	    so->dsn_orcpt))
		return usage_error("%s", "--to ADDR is missing: the send "
		    "options (--header, --body, --attach, --bdat, --size, "
		    "...) go with it");
	if (gethostname(host, hostlen) == -1 || host[0] == '\0' ||
	    strpbrk(host, " \t\r\n<>@") != NULL)
		snprintf(host, hostlen, "localhost");
	host[hostlen - 1] = '\0';
	if (so->from == NULL) {
		pw = getpwuid(getuid());
		snprintf(from, fromlen, "%s@%s", pw != NULL ? pw->pw_name :
		    "smtpscope", host);
	} else {
		if (msg_parse_mailbox(so->from, 1, so->smtputf8, &addr,
		    &so->from_name, err, sizeof err) == -1)
			return usage_error("--from: %s", err);
		snprintf(from, fromlen, "%s", addr);
		free(addr);
	}
	if (msg_check_addr(from, 1, so->smtputf8, err, sizeof err) == -1)
		return usage_error("--from: %s", err);
	so->to_addr = xcalloc(so->nto + 1, sizeof *so->to_addr);
	so->to_name = xcalloc(so->nto + 1, sizeof *so->to_name);
	for (i = 0; i < so->nto; i++)
		if (msg_parse_mailbox(so->to[i], 0, so->smtputf8,
		    &so->to_addr[i], &so->to_name[i], err, sizeof err) == -1)
			return usage_error("--to: %s", err);
	for (i = 0; i < so->nheaders; i++)
		if (msg_check_header(so->headers[i], err, sizeof err) == -1)
			return usage_error("%s", err);
	if (so->body_file != NULL && strcmp(so->body_file, "-") != 0 &&
	    send_readable("--body-file", so->body_file) == -1)
		return EXIT_USAGE;
	stdin_users = so->body_file != NULL && strcmp(so->body_file, "-") == 0;
	for (i = 0; i < so->nattach; i++) {
		if (strcmp(so->attach[i], "-") == 0)
			stdin_users++;
		else if (send_readable("--attach", so->attach[i]) == -1)
			return EXIT_USAGE;
	}
	if (stdin_users > 1)
		return usage_error("%s", "standard input ('-') can be read "
		    "once: for --body-file or one --attach");
	if (so->auth != NULL) {
		mech = auth_mech_parse(so->auth);
		if (!(sasl_handles(mech) && !sasl_needs_secret(mech)) &&
		    (o->user == NULL || *o->user == '\0'))
			return usage_error("--auth %s needs --user NAME",
			    so->auth);
	}
	/* A profile's user waits for --auth; a --user alone is a slip. */
	if (o->user != NULL && so->auth == NULL && !o->user_from_profile)
		return usage_error("%s", "--user goes with --auth MECH in a "
		    "one-shot send");
	if (so->ehlo != NULL)
		snprintf(host, hostlen, "%s", so->ehlo);
	return 0;
}

/* Build the message into a temporary file; its path, or NULL. */
static char *
send_build(struct opts *o, const char *from, const char *host,
    struct msg_info *info)
{
	struct send_opts	*so = &o->snd;
	struct msg_spec		 ms;
	const char		*dir = getenv("TMPDIR");
	char			*path, err[512];
	FILE			*fp;
	int			 fd;

	/* The path goes to :send in quotes, which cannot hold a quote. */
	if (dir == NULL || *dir == '\0' || strchr(dir, '"') != NULL)
		dir = "/tmp";
	path = xprintf("%s/smtpscope-msg.XXXXXX", dir);
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w+")) == NULL) {
		fprintf(stderr, "smtpscope: cannot make a temporary file in "
		    "%s: %s\n", dir, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
		free(path);
		return NULL;
	}
	memset(&ms, 0, sizeof ms);
	ms.from = from;
	ms.from_name = so->from_name;
	ms.to = (const char *const *)so->to_addr;
	ms.to_names = (const char *const *)so->to_name;
	ms.nto = so->nto;
	ms.headers = so->headers;
	ms.nheaders = so->nheaders;
	ms.body = so->body;
	ms.body_file = so->body_file;
	ms.attach = so->attach;
	ms.nattach = so->nattach;
	ms.hostname = host;
	ms.utf8 = so->smtputf8;
	if (msg_write(&ms, fp, info, err, sizeof err) == -1) {
		fprintf(stderr, "smtpscope: %s\n", err);
		fclose(fp);
		unlink(path);
		free(path);
		return NULL;
	}
	if (fclose(fp) != 0) {
		fprintf(stderr, "smtpscope: writing %s: %s\n", path,
		    strerror(errno));
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

int
run_send(struct opts *o, int argc)
{
	struct send_opts	*so = &o->snd;
	struct send_params	 p;
	struct script_params	 sp;
	struct practice		*pr = NULL;
	char			 from[512], host[256], port[16];
	char			*msg = NULL;
	int			 rc;

	if ((rc = send_check(o, from, sizeof from, host, sizeof host)) != 0)
		return rc;
	memset(&p, 0, sizeof p);
	p.from = from;
	p.to = (const char *const *)so->to_addr;
	p.nto = so->nto;
	p.ehlo = host;
	p.lmtp = o->sp.lmtp;
	p.auth = so->auth;
	p.bdat = so->bdat;
	p.chunk = so->chunk > 0 ? so->chunk : SEND_CHUNK_DEFAULT;
	p.quit_after = (enum send_stage)so->quit_after;
	p.smtputf8 = so->smtputf8;
	p.requiretls = so->requiretls;
	p.size = so->size;
	p.dsn_ret = so->dsn_ret;
	p.dsn_envid = so->dsn_envid;
	p.dsn_notify = so->dsn_notify;
	p.dsn_orcpt = so->dsn_orcpt;
	/* submission:// and REQUIRETLS want STARTTLS; smtps:// has TLS. */
	if (!o->sp.implicit_tls && (o->sp.require_tls || so->requiretls)) {
		o->sp.starttls = 1;
		o->sp.require_tls = 1;
	}
	/* --quit-after ehlo stops before the STARTTLS that follows it. */
	if (p.quit_after == STAGE_EHLO)
		o->sp.starttls = 0;
	if (so->nto > 0 && p.quit_after == STAGE_ALL &&
	    (msg = send_build(o, from, host, &p.info)) == NULL)
		return EXIT_USAGE;
	p.msg_path = msg;

	if (argc == 0) {
		/* No target: a practice server of its own, as --script. */
		if ((pr = start_script_practice(&o->sp, port,
		    sizeof port)) == NULL) {
			rc = EXIT_CONNECT;
			goto out;
		}
	}
	script_params_init(&sp, o, "send", pr);
	sp.user = so->auth != NULL ? o->user : NULL;
	/* No AUTH, no password: a profile's password-command is not run. */
	if (so->auth != NULL && read_password(o, &sp.password) == -1) {
		rc = EXIT_USAGE;
		goto out;
	}
	rc = send_run(&sp, &p);
out:
	practice_free(pr);
	if (msg != NULL) {
		unlink(msg);
		free(msg);
	}
	return rc;
}
