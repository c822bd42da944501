/* history.c: the entry line's history across runs (see history.h). */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/history.h"
#include "smtpscope/lineedit.h"
#include "smtpscope/statefile.h"
#include "smtpscope/xmalloc.h"

char *
history_path(void)
{
	return (statefile_path("history"));
}

int
history_is_secret(const char *line)
{
	const char	*p = line;

	p += strspn(p, " \t");
	if (strncasecmp(p, "AUTH", 4) != 0 || (p[4] != ' ' && p[4] != '\t'))
		return (0);
	p += 4;
	p += strspn(p, " \t");		/* the mechanism */
	p += strcspn(p, " \t");
	p += strspn(p, " \t");		/* an initial response? */
	return (*p != '\0');
}

/* Add each complete, short enough line of text[0..len) to le. */
static void
history_take_lines(struct lineedit *le, char *text, size_t len)
{
	char	*p = text, *end = text + len, *nl;
	size_t	 n;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		*nl = '\0';
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			p[--n] = '\0';
		/* Not too long, no NUL inside, never a secret. */
		if (n <= HISTORY_LINE_MAX && strlen(p) == n &&
		    !history_is_secret(p))
			lineedit_hist_add(le, p);
		p = nl + 1;
	}
}

int
history_load(struct lineedit *le, const char *path, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		*text = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	off_t		 skip = 0;
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT)
			return (0);
		snprintf(err, errlen, "cannot read %s: %s", path,
		    errno == ELOOP ? "it is a symbolic link" :
		    strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a file", path);
		close(fd);
		return (-1);
	}
	/* Only the newest end of an overgrown file. */
	if (st.st_size > HISTORY_FILE_MAX)
		skip = st.st_size - HISTORY_FILE_MAX;
	if (skip > 0 && lseek(fd, skip, SEEK_SET) == -1)
		skip = 0;
	text = xmalloc(HISTORY_FILE_MAX + 1);
	while (len < HISTORY_FILE_MAX &&
	    (n = read(fd, text + len, HISTORY_FILE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (skip > 0) {
		/* The first line is likely cut: drop it. */
		char	*nl = memchr(text, '\n', len);

		if (nl != NULL) {
			len -= (size_t)(nl + 1 - text);
			memmove(text, nl + 1, len);
		} else
			len = 0;
	}
	history_take_lines(le, text, len);
	free(text);
	return (0);
}

int
history_save(const struct lineedit *le, const char *path, char *err,
    size_t errlen)
{
	struct buf	b;
	size_t		i;
	int		rc;

	buf_init(&b);
	for (i = 0; i < le->nhist; i++) {
		if (strlen(le->hist[i]) > HISTORY_LINE_MAX ||
		    strchr(le->hist[i], '\n') != NULL ||
		    history_is_secret(le->hist[i]))
			continue;
		buf_printf(&b, "%s\n", le->hist[i]);
	}
	rc = statefile_write(path, b.data != NULL ? b.data : "", b.len, err,
	    errlen);
	buf_free(&b);
	return (rc);
}
