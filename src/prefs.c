/* prefs.c: the config file (see prefs.h). */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/prefs.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xmalloc.h"

#define PREFS_FILE_MAX	(64 * 1024)

char *
prefs_path(void)
{
	const char	*conf = getenv("XDG_CONFIG_HOME"), *home;

	if (conf != NULL && conf[0] == '/')
		return (xprintf("%s/smtpscope/config", conf));
	home = getenv("HOME");
	if (home != NULL && home[0] == '/')
		return (xprintf("%s/.config/smtpscope/config", home));
	return (NULL);
}

void
prefs_warn(struct prefs *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*line, *all;

	va_start(ap, fmt);
	line = xvprintf(fmt, ap);
	va_end(ap);
	all = xprintf("%s%s%s", p->warnings != NULL ? p->warnings : "",
	    p->warnings != NULL ? "\n" : "", line);
	free(line);
	free(p->warnings);
	p->warnings = all;
}

void
prefs_free(struct prefs *p)
{
	free(p->theme);
	free(p->warnings);
	p->theme = p->warnings = NULL;
}

/* on/off and its friends; -1 for anything else. */
static int
prefs_bool(const char *v)
{
	if (strcasecmp(v, "on") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
		return (1);
	if (strcasecmp(v, "off") == 0 || strcasecmp(v, "no") == 0 ||
	    strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return (0);
	return (-1);
}

/* "40" columns, "35%" or "off"; returns 0 or -1. */
static int
prefs_sidebar(struct prefs *p, const char *v)
{
	size_t	digits = strspn(v, "0123456789");
	long	n;

	if (strcasecmp(v, "off") == 0 || strcasecmp(v, "hidden") == 0) {
		p->sidebar = 0;
		p->sidebar_pct = 0;
		return (0);
	}
	if (digits == 0 || digits > 3 || (v[digits] != '\0' &&
	    strcmp(v + digits, "%") != 0))
		return (-1);
	n = strtol(v, NULL, 10);
	if (v[digits] == '%' ? (n < 10 || n > 80) : (n < 10 || n > 200))
		return (-1);
	p->sidebar = (int)n;
	p->sidebar_pct = (v[digits] == '%');
	return (0);
}

char *
prefs_trim(char *s)
{
	char	*e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return (s);
}

/* One "key = value" line (number lineno of path). */
static void
prefs_line(struct prefs *p, const char *path, int lineno, char *line)
{
	char	*eq, *key, *val, *safe;
	int	 b;

	eq = strchr(line, '=');
	if (eq == NULL) {
		safe = sanitize_dup(line, strlen(line));
		prefs_warn(p, "%s:%d: not \"key = value\": %s", path, lineno,
		    safe);
		free(safe);
		return;
	}
	*eq = '\0';
	key = prefs_trim(line);
	val = prefs_trim(eq + 1);
	safe = sanitize_dup(val, strlen(val));
	if (strcasecmp(key, "theme") == 0) {
		free(p->theme);
		p->theme = xstrdup(val);
	} else if (strcasecmp(key, "sidebar") == 0) {
		if (prefs_sidebar(p, val) == -1)
			prefs_warn(p, "%s:%d: sidebar: '%s' is not a width "
			    "(10 to 200 columns, 10%% to 80%%, or off)", path,
			    lineno, safe);
	} else if (strcasecmp(key, "timestamps") == 0 ||
	    strcasecmp(key, "mouse") == 0 || strcasecmp(key, "history") == 0) {
		if ((b = prefs_bool(val)) == -1)
			prefs_warn(p, "%s:%d: %s: '%s' is neither on nor off",
			    path, lineno, key, safe);
		else if (strcasecmp(key, "timestamps") == 0)
			p->timestamps = b;
		else if (strcasecmp(key, "mouse") == 0)
			p->mouse = b;
		else
			p->history = b;
	} else {
		free(safe);
		safe = sanitize_dup(key, strlen(key));
		prefs_warn(p, "%s:%d: unknown key '%s' (known: theme, sidebar, "
		    "timestamps, mouse, history)", path, lineno, safe);
	}
	free(safe);
}

int
prefs_load(struct prefs *p, const char *path)
{
	struct stat	 st;
	char		*text, *line, *next;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, lineno = 0, warned = 0, in_profile = 0;

	memset(p, 0, sizeof *p);
	p->sidebar = p->timestamps = p->mouse = p->history = -1;
	if (path == NULL)
		return (0);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno != ENOENT)
			prefs_warn(p, "cannot read %s: %s", path,
			    strerror(errno));
		return (p->warnings != NULL);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		prefs_warn(p, "%s is not a file", path);
		close(fd);
		return (1);
	}
	text = xmalloc(PREFS_FILE_MAX + 1);
	while (len < PREFS_FILE_MAX &&
	    (n = read(fd, text + len, PREFS_FILE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	text[len] = '\0';
	if (len == PREFS_FILE_MAX)
		prefs_warn(p, "%s: only the first %d KiB are read", path,
		    PREFS_FILE_MAX / 1024);
	for (line = text; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		line = prefs_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if (*line == '[') {
			/* [profile NAME]: for profiles, not read here. */
			if (strncmp(prefs_trim(line + 1), "profile", 7) != 0) {
				char	*safe = sanitize_dup(line, strlen(line));

				prefs_warn(p, "%s:%d: unknown section %s (only "
				    "[profile NAME] is known)", path, lineno,
				    safe);
				free(safe);
			}
			in_profile = 1;
			continue;
		}
		if (!in_profile)
			prefs_line(p, path, lineno, line);
	}
	free(text);
	for (line = p->warnings; line != NULL; line = strchr(line + 1, '\n'))
		warned++;
	return (warned);
}
