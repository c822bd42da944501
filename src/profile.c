/* profile.c: named servers in the config file (see profile.h). */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/monotime.h"
#include "smtpscope/prefs.h"
#include "smtpscope/profile.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xmalloc.h"

#define PROFILE_FILE_MAX	(64 * 1024)
#define PROFILE_NAME_MAX	64
#define PROFILE_PASSWORD_MAX	4096
/* Seconds a password-command has, unless password-timeout says. */
#define PROFILE_PASSWORD_TIMEOUT 120

/* The keys a profile knows, for the error message. */
#define PROFILE_KEYS	"url, user, password-command, password-file, " \
	"ca-file, cert, key, sni, tls-priority, timeout, starttls, insecure, " \
	"allow-plaintext, family"

/* The reading of one file: where we are and what we found. */
struct profile_reader {
	const char	*path;
	const char	*want;
	int		 lineno;
	int		 in_want;	/* in the section of the wanted one */
	int		 found;
	char		*names;		/* "\n"-joined names seen, for duplicates */
	char		*err;
	size_t		 errlen;
};

void
profile_free(struct profile *p)
{
	free(p->name);
	free(p->path);
	free(p->url);
	free(p->user);
	free(p->password_command);
	free(p->password_file);
	free(p->ca_file);
	free(p->cert);
	free(p->key);
	free(p->sni);
	free(p->tls_priority);
	memset(p, 0, sizeof *p);
}

static int
profile_fail(struct profile_reader *r, const char *what, const char *text)
{
	char	*safe = sanitize_dup(text, strlen(text));

	snprintf(r->err, r->errlen, "%s:%d: %s%s%s", r->path, r->lineno, what,
	    *safe != '\0' ? ": " : "", safe);
	free(safe);
	return -1;
}

/* yes/no and their friends; -1 for anything else. */
static int
profile_bool(const char *v)
{
	if (*v == '\0' || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "on") == 0 || strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		return 1;
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0 ||
	    strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return 0;
	return -1;
}

/* A file name with "~/" meaning the home directory. */
static char *
profile_file(const char *v)
{
	const char	*home = getenv("HOME");

	if (strncmp(v, "~/", 2) == 0 && home != NULL && *home == '/')
		return xprintf("%s/%s", home, v + 2);
	return xstrdup(v);
}

/* Set a string once: a key given twice in a profile is a mistake. */
static int
profile_set(struct profile_reader *r, char **slot, char *v, const char *key)
{
	if (*slot != NULL) {
		free(v);
		return profile_fail(r, "given twice in this profile", key);
	}
	*slot = v;
	return 0;
}

/* "[profile NAME]": the section starts; 0 or -1. */
static int
profile_section(struct profile_reader *r, char *line)
{
	char	*end, *name, *seen;
	size_t	 len;

	end = strrchr(line, ']');
	if (end == NULL || end[1] != '\0')
		return profile_fail(r, "a section line must end with ']'",
		    line);
	*end = '\0';
	name = prefs_trim(line + 1);
	if (strncmp(name, "profile", 7) != 0 || (name[7] != ' ' &&
	    name[7] != '\t'))
		return profile_fail(r, "unknown section (only "
		    "\"[profile NAME]\" is known)", name);
	name = prefs_trim(name + 7);
	len = strlen(name);
	if (len == 0 || len > PROFILE_NAME_MAX || name[0] == '-' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len)
		return profile_fail(r, "a profile name is 1 to 64 letters, "
		    "digits, '.', '_' or '-' (not first)", name);
	seen = r->names;
	while (seen != NULL && *seen != '\0') {
		size_t	n = strcspn(seen, "\n");

		if (n == len && strncmp(seen, name, len) == 0)
			return profile_fail(r, "a second profile of this "
			    "name", name);
		seen += n + (seen[n] == '\n');
	}
	seen = xprintf("%s%s\n", r->names != NULL ? r->names : "", name);
	free(r->names);
	r->names = seen;
	r->in_want = strcmp(name, r->want) == 0;
	if (r->in_want)
		r->found = 1;
	return 0;
}

/*
 * One "key = value" line in a profile.  Every profile is checked; only
 * the wanted one is kept (a scratch profile takes the others' values).
 */
static int
profile_line(struct profile_reader *r, struct profile *p, char *line)
{
	char	*eq, *key, *val, *end;
	long	 n;
	int	 b;

	if ((eq = strchr(line, '=')) != NULL) {
		*eq = '\0';
		val = prefs_trim(eq + 1);
	} else
		val = line + strlen(line);	/* a bare flag: "starttls" */
	key = prefs_trim(line);
	if (eq == NULL && (strcasecmp(key, "starttls") != 0 &&
	    strcasecmp(key, "insecure") != 0 &&
	    strcasecmp(key, "allow-plaintext") != 0))
		return profile_fail(r, "not \"key = value\"", key);
	if (eq != NULL && *val == '\0')
		return profile_fail(r, "no value for", key);

	if (strcasecmp(key, "url") == 0)
		return profile_set(r, &p->url, xstrdup(val), key);
	if (strcasecmp(key, "user") == 0)
		return profile_set(r, &p->user, xstrdup(val), key);
	if (strcasecmp(key, "password-command") == 0) {
		if (p->password_file != NULL)
			return profile_fail(r, "password-command and "
			    "password-file do not go together", "");
		return profile_set(r, &p->password_command, xstrdup(val), key);
	}
	if (strcasecmp(key, "password-file") == 0) {
		if (p->password_command != NULL)
			return profile_fail(r, "password-command and "
			    "password-file do not go together", "");
		return profile_set(r, &p->password_file, profile_file(val),
		    key);
	}
	if (strcasecmp(key, "ca-file") == 0)
		return profile_set(r, &p->ca_file, profile_file(val), key);
	if (strcasecmp(key, "cert") == 0)
		return profile_set(r, &p->cert, profile_file(val), key);
	if (strcasecmp(key, "key") == 0)
		return profile_set(r, &p->key, profile_file(val), key);
	if (strcasecmp(key, "sni") == 0)
		return profile_set(r, &p->sni, xstrdup(val), key);
	if (strcasecmp(key, "tls-priority") == 0)
		return profile_set(r, &p->tls_priority, xstrdup(val), key);
	if (strcasecmp(key, "timeout") == 0) {
		errno = 0;
		n = strtol(val, &end, 10);
		if (!isdigit((unsigned char)*val) || *end != '\0' ||
		    errno != 0 || n < 1 || n > 3600)
			return profile_fail(r, "timeout wants seconds "
			    "(1-3600), not", val);
		p->timeout = (int)n;
		return 0;
	}
	if (strcasecmp(key, "password-timeout") == 0) {
		errno = 0;
		n = strtol(val, &end, 10);
		if (!isdigit((unsigned char)*val) || *end != '\0' ||
		    errno != 0 || n < 1 || n > 3600)
			return profile_fail(r, "password-timeout wants seconds "
			    "(1-3600), not", val);
		p->password_timeout = (int)n;
		return 0;
	}
	if (strcasecmp(key, "family") == 0) {
		if (strcmp(val, "4") == 0 || strcasecmp(val, "ipv4") == 0)
			p->family = 4;
		else if (strcmp(val, "6") == 0 || strcasecmp(val, "ipv6") == 0)
			p->family = 6;
		else if (strcasecmp(val, "any") == 0)
			p->family = 0;
		else
			return profile_fail(r, "family wants ipv4, ipv6 or "
			    "any, not", val);
		return 0;
	}
	if (strcasecmp(key, "starttls") == 0 ||
	    strcasecmp(key, "insecure") == 0 ||
	    strcasecmp(key, "allow-plaintext") == 0) {
		if ((b = profile_bool(val)) == -1)
			return profile_fail(r, "wants yes or no, not", val);
		if (strcasecmp(key, "starttls") == 0)
			p->starttls = b;
		else if (strcasecmp(key, "insecure") == 0)
			p->insecure = b;
		else
			p->allow_plaintext = b;
		return 0;
	}
	{
		char	*safe = sanitize_dup(key, strlen(key));

		snprintf(r->err, r->errlen, "%s:%d: unknown key '%s' in a "
		    "profile (known: %s)", r->path, r->lineno, safe,
		    PROFILE_KEYS);
		free(safe);
	}
	return -1;
}

/* A file only its owner (or root) can change, as ssh wants its config. */
static int
profile_safe(const struct stat *st, const char *path, char *err,
    size_t errlen)
{
	if (st->st_uid != getuid() && st->st_uid != 0) {
		snprintf(err, errlen, "%s has a password-command but belongs "
		    "to someone else (uid %lu): refused", path,
		    (unsigned long)st->st_uid);
		return -1;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s has a password-command but others "
		    "may write it (mode %03o): refused; chmod go-w %s", path,
		    (unsigned int)(st->st_mode & 0777), path);
		return -1;
	}
	return 0;
}

int
profile_load(struct profile *p, const char *path, const char *name,
    char *err, size_t errlen)
{
	struct profile_reader	 r;
	struct profile		 scratch;
	struct stat		 st;
	char			*text = NULL, *line, *next;
	size_t			 len = 0;
	ssize_t			 n;
	int			 fd, in_profile = 0, rc = -1;

	memset(p, 0, sizeof *p);
	memset(&scratch, 0, sizeof scratch);
	p->starttls = -1;
	memset(&r, 0, sizeof r);
	r.path = path;
	r.want = name;
	r.err = err;
	r.errlen = errlen;
	if (path == NULL) {
		snprintf(err, errlen, "--profile: no config file (neither "
		    "XDG_CONFIG_HOME nor HOME is set)");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		snprintf(err, errlen, "--profile %s: cannot read %s: %s", name,
		    path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a file", path);
		close(fd);
		return -1;
	}
	text = xmalloc(PROFILE_FILE_MAX + 1);
	while (len < PROFILE_FILE_MAX &&
	    (n = read(fd, text + len, PROFILE_FILE_MAX - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "reading %s: %s", path,
			    strerror(errno));
			close(fd);
			goto out;
		}
		len += (size_t)n;
	}
	close(fd);
	text[len] = '\0';
	if (len == PROFILE_FILE_MAX) {
		snprintf(err, errlen, "%s is larger than %d KiB", path,
		    PROFILE_FILE_MAX / 1024);
		goto out;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "%s holds a NUL byte", path);
		goto out;
	}
	for (line = text; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		r.lineno++;
		line = prefs_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if (*line == '[') {
			if (profile_section(&r, line) == -1)
				goto out;
			in_profile = 1;
			if (!r.in_want) {
				profile_free(&scratch);
				scratch.starttls = -1;
			}
			continue;
		}
		if (in_profile && profile_line(&r, r.in_want ? p : &scratch,
		    line) == -1)
			goto out;
	}
	if (!r.found) {
		char	*list, *c, *safe = sanitize_dup(name, strlen(name));

		if (r.names == NULL) {
			snprintf(err, errlen, "--profile: no profile '%s' in "
			    "%s (it has none)", safe, path);
			free(safe);
			goto out;
		}
		list = xstrdup(r.names);
		list[strlen(list) - 1] = '\0';
		for (c = list; *c != '\0'; c++)
			if (*c == '\n')
				*c = ' ';
		snprintf(err, errlen, "--profile: no profile '%s' in %s (it "
		    "has: %s)", safe, path, list);
		free(list);
		free(safe);
		goto out;
	}
	if (p->password_command != NULL && profile_safe(&st, path, err,
	    errlen) == -1)
		goto out;
	if ((p->cert == NULL) != (p->key == NULL)) {
		snprintf(err, errlen, "%s: profile %s: cert and key go "
		    "together", path, name);
		goto out;
	}
	p->name = xstrdup(name);
	p->path = xstrdup(path);
	rc = 0;
out:
	profile_free(&scratch);
	free(r.names);
	free(text);
	return rc;
}

char *
profile_password(const struct profile *p, char *err, size_t errlen)
{
	char	 buf[PROFILE_PASSWORD_MAX], *pw = NULL;
	size_t	 n = 0;
	ssize_t	 r;
	pid_t	 pid;
	int	 fds[2], status, devnull, overflow = 0, timedout = 0;
	char	 sink[256];
	struct pollfd pfd;
	long long deadline, left;

	if (pipe(fds) == -1) {
		snprintf(err, errlen, "password-command: pipe: %s",
		    strerror(errno));
		return NULL;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "password-command: fork: %s",
		    strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		/* No terminal input: a command that asks would hang. */
		devnull = open("/dev/null", O_RDONLY);
		if (devnull != -1 && devnull != STDIN_FILENO) {
			dup2(devnull, STDIN_FILENO);
			close(devnull);
		}
		if (fds[1] != STDOUT_FILENO) {
			dup2(fds[1], STDOUT_FILENO);
			close(fds[1]);
		}
		close(fds[0]);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", p->password_command, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	deadline = monotime_ms() + 1000LL * (p->password_timeout > 0 ?
	    p->password_timeout : PROFILE_PASSWORD_TIMEOUT);
	/*
	 * Read it all (so the command never blocks), keep the first line;
	 * a command that neither answers nor ends within the time (a prompt
	 * nobody sees) is ended.  It keeps our process group: one that asks
	 * on /dev/tty must not be stopped as a background job.
	 */
	for (;;) {
		pfd.fd = fds[0];
		pfd.events = POLLIN;
		left = deadline - monotime_ms();
		if (left <= 0) {
			(void)kill(pid, SIGKILL);
			timedout = 1;
			break;
		}
		if (poll(&pfd, 1, (int)(left > 1000 ? 1000 : left)) <= 0)
			continue;	/* the time, or a signal: look again */
		if (n < sizeof buf - 1)
			r = read(fds[0], buf + n, sizeof buf - 1 - n);
		else {
			r = read(fds[0], sink, sizeof sink);
			if (r > 0 && memchr(buf, '\n', n) == NULL)
				overflow = 1;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (n < sizeof buf - 1)
			n += (size_t)r;
	}
	close(fds[0]);
	wipe(sink, sizeof sink);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (timedout)
		snprintf(err, errlen, "%s: profile %s: password-command gave "
		    "no password within %d s and was ended (a prompt nobody "
		    "sees?  password-timeout sets the time)", p->path, p->name,
		    p->password_timeout > 0 ? p->password_timeout :
		    PROFILE_PASSWORD_TIMEOUT);
	else if (status == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		if (status != -1 && WIFEXITED(status))
			snprintf(err, errlen, "%s: profile %s: "
			    "password-command failed (exit status %d%s)",
			    p->path, p->name, WEXITSTATUS(status),
			    WEXITSTATUS(status) == 127 ? ": command not found"
			    : "");
		else if (status != -1 && WIFSIGNALED(status))
			snprintf(err, errlen, "%s: profile %s: "
			    "password-command was killed by signal %d",
			    p->path, p->name, WTERMSIG(status));
		else
			snprintf(err, errlen, "%s: profile %s: "
			    "password-command failed", p->path, p->name);
	} else if (overflow)
		snprintf(err, errlen, "%s: profile %s: password-command "
		    "printed a first line longer than %d octets", p->path,
		    p->name, PROFILE_PASSWORD_MAX - 1);
	else if (n == 0)
		snprintf(err, errlen, "%s: profile %s: password-command "
		    "printed no password", p->path, p->name);
	else
		pw = xstrdup(buf);
	wipe(buf, sizeof buf);
	return pw;
}
