/* statefile.c: private files kept across runs (see statefile.h). */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/statefile.h"
#include "smtpscope/xmalloc.h"

char *
statefile_path(const char *name)
{
	const char	*state = getenv("XDG_STATE_HOME"), *home;

	if (state != NULL && state[0] == '/')
		return xprintf("%s/smtpscope/%s", state, name);
	home = getenv("HOME");
	if (home != NULL && home[0] == '/')
		return xprintf("%s/.local/state/smtpscope/%s", home, name);
	return NULL;
}

int
statefile_mkdirs(const char *path)
{
	char	*dir = xstrdup(path), *p;
	int	 rc = 0;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

int
statefile_write(const char *path, const char *data, size_t len, char *err,
    size_t errlen)
{
	char	*tmp;
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd, saved = 0;

	if (statefile_mkdirs(path) == -1) {
		snprintf(err, errlen, "cannot make the directory for %s: %s",
		    path, strerror(errno));
		return -1;
	}
	/* A new file renamed over the old: never written through a link. */
	tmp = xprintf("%s.tmp", path);
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		snprintf(err, errlen, "cannot write %s: %s", tmp,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n == -1 ? errno : EIO;
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) == -1 && saved == 0)
		saved = errno;
	if (saved == 0 && rename(tmp, path) == -1)
		saved = errno;
	if (saved != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(saved));
		(void)unlink(tmp);
	}
	free(tmp);
	return saved != 0 ? -1 : 0;
}
