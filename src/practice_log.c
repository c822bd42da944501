/*
 * practice_log.c: the practice server's log (--serve), written so that it
 * never blocks the server: a terminal paused with Ctrl-S or a pipe nobody
 * reads must not stop the class.  Lines wait in a bounded buffer; the
 * descriptor is written without blocking when poll() says it may be;
 * lines that do not fit are dropped and counted.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/monotime.h"
#include "smtpscope/xmalloc.h"

#include "practice_internal.h"

/* Octets of log lines waiting at most. */
#define PLOG_BUF_MAX	(256 * 1024)
/* How long the last lines may take at exit. */
#define PLOG_CLOSE_MS	1000

enum plog_how {
	PLOG_WRITE,	/* our own non-blocking description, or a file */
	PLOG_SEND,	/* a socket: send(MSG_DONTWAIT) */
	PLOG_POLL	/* shared and blocking: write PIPE_BUF when poll says */
};

struct plog {
	int		 fd;
	int		 own;		/* we opened fd and close it */
	enum plog_how	 how;
	int		 broken;	/* a write failed for good: stop */
	struct buf	 q;
	int		 dropping;	/* till the queue is half empty */
	unsigned long	 dropped;
};

/*
 * Get a descriptor for stderr that cannot block us.  Setting O_NONBLOCK
 * on fd 2 itself would change it for the shell too (they share one open
 * file description), so a pipe or terminal is opened again by its
 * /proc/self/fd name; a socket is written with MSG_DONTWAIT; a regular
 * file is written as it is.
 */
static void
plog_stderr(struct plog *l)
{
	struct stat	st;
	int		fd;

	l->fd = STDERR_FILENO;
	l->how = PLOG_POLL;
	if (fstat(STDERR_FILENO, &st) == -1)
		return;
	if (S_ISREG(st.st_mode)) {
		l->how = PLOG_WRITE;
		return;
	}
	if (S_ISSOCK(st.st_mode)) {
		l->how = PLOG_SEND;
		return;
	}
	fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY | O_APPEND);
	if (fd != -1) {
		l->fd = fd;
		l->own = 1;
		l->how = PLOG_WRITE;
	}
}

/* Open the log: path, or stderr when path is NULL.  NULL with err. */
struct plog *
plog_open(const char *path, char *err, size_t errlen)
{
	struct plog	*l;
	int		 fd;

	l = xcalloc(1, sizeof *l);
	if (path == NULL) {
		plog_stderr(l);
		return (l);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK |
	    O_CLOEXEC | O_NOCTTY, 0644);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(l);
		return (NULL);
	}
	l->fd = fd;
	l->own = 1;
	l->how = PLOG_WRITE;
	return (l);
}

/*
 * Write what waits, for at most PLOG_CLOSE_MS (the server is stopping: a
 * reader may still come for it, but nobody waits for ever).
 */
void
plog_close(struct plog *l)
{
	struct pollfd	pfd;
	long long	end;
	int		left;

	if (l == NULL)
		return;
	end = monotime_ms() + PLOG_CLOSE_MS;
	plog_flush(l);
	while (l->q.len > 0 && !l->broken &&
	    (left = (int)(end - monotime_ms())) > 0) {
		pfd.fd = l->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, left) == -1 && errno != EINTR)
			break;
		plog_flush(l);
	}
	if (l->own)
		close(l->fd);
	buf_free(&l->q);
	free(l);
}

/* Queue text (at most half the buffer is in use when called). */
static void
plog_add(struct plog *l, const char *text, size_t len)
{
	buf_add(&l->q, text, len);
}

/* Write as much as the descriptor takes now, never waiting. */
void
plog_flush(struct plog *l)
{
	struct pollfd	pfd;
	ssize_t		n;
	size_t		len;
	char		note[80];
	int		nl;

again:
	while (l->q.len > 0 && !l->broken) {
		len = l->q.len;
		if (l->how == PLOG_POLL) {
			pfd.fd = l->fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLOUT))
				break;
			if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
				l->broken = 1;
				break;
			}
			/* A pipe takes up to PIPE_BUF octets whole when writable. */
			if (len > PIPE_BUF)
				len = PIPE_BUF;
			n = write(l->fd, l->q.data, len);
		} else if (l->how == PLOG_SEND)
			n = send(l->fd, l->q.data, len, MSG_DONTWAIT |
			    MSG_NOSIGNAL);
		else
			n = write(l->fd, l->q.data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			l->broken = 1;
			break;
		}
		buf_consume(&l->q, (size_t)n);
	}
	if (l->broken) {
		buf_reset(&l->q);
		return;
	}
	/* Room again after lines were dropped: say how many. */
	if (l->dropping && l->q.len <= PLOG_BUF_MAX / 2) {
		nl = snprintf(note, sizeof note, "practice: %lu log lines "
		    "dropped\n", l->dropped);
		plog_add(l, note, (size_t)nl);
		l->dropping = 0;
		l->dropped = 0;
		goto again;
	}
}

/* Log one line (without its newline): queued, written when it can be. */
void
plog_line(struct plog *l, const char *line)
{
	if (l == NULL || l->broken)
		return;
	plog_flush(l);
	if (l->dropping || l->q.len + strlen(line) + 1 > PLOG_BUF_MAX) {
		l->dropping = 1;
		l->dropped++;
		return;
	}
	buf_addstr(&l->q, line);
	buf_addch(&l->q, '\n');
	plog_flush(l);
}

int
plog_pollfd(const struct plog *l)
{
	if (l == NULL || l->broken || l->q.len == 0)
		return (-1);
	return (l->fd);
}
