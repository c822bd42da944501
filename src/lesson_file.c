/*
 * lesson_file.c: a lesson file read at run time (--lesson FILE), in the
 * stanza format of data/lessons.txt, and the learner's progress file.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/lesson.h"
#include "smtpscope/statefile.h"
#include "smtpscope/xmalloc.h"

#define LESSON_FILE_MAX		(256 * 1024)
#define LESSON_LIST_MAX		64
#define PROGRESS_MAX		(64 * 1024)

/* A lesson that owns its strings and arrays. */
struct lesson_owned {
	struct lesson	 l;		/* first: freed through it */
	char		*s[4];		/* id title goal hint */
	char		**lists[3];	/* check pass fail */
	size_t		 nlist[3];
};

static const char *const lf_one[] = { "lesson", "title", "goal", "hint" };
static const char *const lf_many[] = { "check", "pass", "fail" };

static char *
lf_trim(char *s)
{
	char	*e;

	s += strspn(s, " ");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Turn each "\\n" into a new line, in place (the examples' line breaks). */
static void
lf_unescape(char *s)
{
	char	*d = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*d++ = '\n';
			s++;
		} else
			*d++ = *s;
	}
	*d = '\0';
}

/* Append text to *dst, joined by one space. */
static void
lf_append(char **dst, const char *text)
{
	char	*n = xprintf("%s %s", *dst, text);

	free(*dst);
	*dst = n;
}

struct lesson *
lesson_parse(const char *text, const char *name, char *err, size_t errlen)
{
	struct lesson_owned	*o = xcalloc(1, sizeof *o);
	char			*copy = xstrdup(text), *line, *next, *v, *k;
	char			**last = NULL;
	size_t			 lineno = 0, i, started = 0;
	int			 found;

	for (line = copy; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strchr(line, '\t') != NULL) {
			snprintf(err, errlen, "%s:%zu: tab in a lesson file; "
			    "use spaces", name, lineno);
			goto fail;
		}
		if (line[0] == '#')
			continue;
		if (*lf_trim(line) == '\0') {
			if (started)
				break;	/* one lesson: the first stanza */
			continue;
		}
		if (line[0] == ' ') {
			if (last == NULL) {
				snprintf(err, errlen, "%s:%zu: continuation "
				    "line with nothing to continue", name,
				    lineno);
				goto fail;
			}
			lf_append(last, lf_trim(line));
			continue;
		}
		started = 1;
		if ((v = strchr(line, ':')) == NULL) {
			snprintf(err, errlen, "%s:%zu: expected \"key: "
			    "value\"", name, lineno);
			goto fail;
		}
		*v++ = '\0';
		k = line;
		v = lf_trim(v);
		found = 0;
		for (i = 0; i < 4 && !found; i++)
			if (strcmp(k, lf_one[i]) == 0) {
				if (o->s[i] != NULL) {
					snprintf(err, errlen, "%s:%zu: key "
					    "\"%s\" given twice", name, lineno,
					    k);
					goto fail;
				}
				o->s[i] = xstrdup(v);
				last = &o->s[i];
				found = 1;
			}
		for (i = 0; i < 3 && !found; i++)
			if (strcmp(k, lf_many[i]) == 0) {
				if (o->nlist[i] == LESSON_LIST_MAX) {
					snprintf(err, errlen, "%s:%zu: too many "
					    "%s lines", name, lineno, k);
					goto fail;
				}
				o->lists[i] = xreallocarray(o->lists[i],
				    o->nlist[i] + 2, sizeof (char *));
				o->lists[i][o->nlist[i]] = xstrdup(v);
				last = &o->lists[i][o->nlist[i]++];
				o->lists[i][o->nlist[i]] = NULL;
				found = 1;
			}
		if (!found) {
			snprintf(err, errlen, "%s:%zu: unknown key \"%s\"",
			    name, lineno, k);
			goto fail;
		}
	}
	free(copy);
	copy = NULL;
	for (i = 1; i < 3; i++)
		for (lineno = 0; lineno < o->nlist[i]; lineno++)
			lf_unescape(o->lists[i][lineno]);
	if (o->s[0] == NULL)
		o->s[0] = xstrdup("file");
	o->l.id = o->s[0];
	o->l.title = o->s[1];
	o->l.goal = o->s[2];
	o->l.hint = o->s[3];
	o->l.checks = (const char *const *)o->lists[0];
	o->l.pass = (const char *const *)o->lists[1];
	o->l.fail = (const char *const *)o->lists[2];
	if (lesson_validate(&o->l, err, errlen) == 0)
		return &o->l;
	{
		char	*why = xstrdup(err);

		snprintf(err, errlen, "%s: %s", name, why);
		free(why);
	}
fail:
	free(copy);
	lesson_free(&o->l);
	return NULL;
}

struct lesson *
lesson_load(const char *path, char *err, size_t errlen)
{
	struct lesson	*l;
	struct buf	 b;
	char		 chunk[8192];
	size_t		 n;
	FILE		*fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		buf_add(&b, chunk, n);
		if (b.len > LESSON_FILE_MAX) {
			snprintf(err, errlen, "%s: too big for a lesson", path);
			fclose(fp);
			buf_free(&b);
			return NULL;
		}
	}
	fclose(fp);
	if (memchr(buf_str(&b), '\0', b.len) != NULL) {
		snprintf(err, errlen, "%s: not a text file", path);
		buf_free(&b);
		return NULL;
	}
	l = lesson_parse(buf_str(&b), path, err, errlen);
	buf_free(&b);
	return l;
}

void
lesson_free(struct lesson *l)
{
	struct lesson_owned	*o = (struct lesson_owned *)l;
	size_t			 i, j;

	if (l == NULL)
		return;
	for (i = 0; i < 4; i++)
		free(o->s[i]);
	for (i = 0; i < 3; i++) {
		for (j = 0; j < o->nlist[i]; j++)
			free(o->lists[i][j]);
		free(o->lists[i]);
	}
	free(o);
}

char *
lesson_progress_path(void)
{
	return statefile_path("lessons");
}

/* Read the progress file (never through a link); NULL when there is none. */
static char *
progress_read(const char *path)
{
	struct stat	 st;
	struct buf	 b;
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	buf_init(&b);
	while (b.len < PROGRESS_MAX && (n = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	buf_addch(&b, '\0');
	return buf_take(&b);
}

int
lesson_progress_done(const char *path, const char *id)
{
	char	*text, *line, *next;
	int	 done = 0;

	if (path == NULL || (text = progress_read(path)) == NULL)
		return 0;
	for (line = text; line != NULL && !done; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		done = strcmp(line, id) == 0;
	}
	free(text);
	return done;
}

int
lesson_progress_mark(const char *path, const char *id, char *err,
    size_t errlen)
{
	struct buf	 b;
	char		*old;
	int		 rc;

	if (path == NULL) {
		snprintf(err, errlen, "no place for progress (set HOME or "
		    "XDG_STATE_HOME)");
		return -1;
	}
	if (strchr(id, '\n') != NULL || lesson_progress_done(path, id))
		return 0;
	buf_init(&b);
	if ((old = progress_read(path)) != NULL && old[0] != '\0')
		buf_printf(&b, "%s%s", old, old[strlen(old) - 1] == '\n' ? "" :
		    "\n");
	buf_printf(&b, "%s\n", id);
	rc = statefile_write(path, b.data, b.len, err, errlen);
	buf_free(&b);
	free(old);
	return rc;
}
