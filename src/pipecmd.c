/*
 * pipecmd.c: a child program as the SMTP peer, spoken to over a socket
 * pair (its stdin and stdout), its stderr read through a pipe.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/pipecmd.h"
#include "smtpscope/xmalloc.h"

/* A stderr line longer than this is handed over in pieces. */
#define PIPECMD_LINE_MAX	1000

struct pipecmd {
	pid_t		 pid;
	int		 errfd;
	struct buf	 errline;
	int		 reaped;
	int		 status;
	int		 ended_by_us;
};

static void
pipecmd_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* In the child: wire the descriptors up and run the shell; never returns. */
static void
pipecmd_child(const char *cmd, int sock, int errw)
{
	static const int	 sigs[] = { SIGPIPE, SIGINT, SIGQUIT, SIGTERM,
				    SIGHUP, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU,
				    SIGWINCH, SIGUSR1, SIGUSR2 };
	sigset_t		 set;
	size_t			 i;
	int			 fd, maxfd;

	/* No controlling terminal: it cannot read the user's keys. */
	(void)setsid();
	if (dup2(sock, STDIN_FILENO) == -1 ||
	    dup2(sock, STDOUT_FILENO) == -1 ||
	    dup2(errw, STDERR_FILENO) == -1)
		_exit(127);
	maxfd = (int)sysconf(_SC_OPEN_MAX);
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	for (fd = 3; fd < maxfd; fd++)
		(void)close(fd);
	/* Whatever we ignore or block, the program gets the defaults. */
	(void)sigemptyset(&set);
	(void)sigprocmask(SIG_SETMASK, &set, NULL);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

struct pipecmd *
pipecmd_start(const char *cmd, int *sock, char *err, size_t errlen)
{
	struct pipecmd	*pc;
	int		 sv[2], ep[2];
	pid_t		 pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return NULL;
	}
	if (pipe2(ep, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return NULL;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		close(ep[0]);
		close(ep[1]);
		return NULL;
	}
	if (pid == 0)
		pipecmd_child(cmd, sv[1], ep[1]);
	close(sv[1]);
	close(ep[1]);
	pipecmd_nonblock(sv[0]);
	pipecmd_nonblock(ep[0]);
	pc = xcalloc(1, sizeof *pc);
	pc->pid = pid;
	pc->errfd = ep[0];
	buf_init(&pc->errline);
	*sock = sv[0];
	return pc;
}

int
pipecmd_err_fd(const struct pipecmd *pc)
{
	return pc != NULL ? pc->errfd : -1;
}

pid_t
pipecmd_pid(const struct pipecmd *pc)
{
	return pc->pid;
}

/* Hand over the stderr line collected so far (without its newline). */
static void
pipecmd_err_line(struct pipecmd *pc, void (*fn)(void *, const char *,
    size_t), void *arg)
{
	size_t	len = pc->errline.len;

	if (len > 0 && pc->errline.data[len - 1] == '\r')
		len--;
	fn(arg, pc->errline.data != NULL ? pc->errline.data : "", len);
	pc->errline.len = 0;
}

int
pipecmd_err_read(struct pipecmd *pc, void (*fn)(void *, const char *,
    size_t), void *arg)
{
	char	chunk[4096];
	ssize_t	n, i;
	int	rounds;

	if (pc == NULL || pc->errfd == -1)
		return 0;
	for (rounds = 0; rounds < 64; rounds++) {
		n = read(pc->errfd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n <= 0) {
			if (pc->errline.len > 0)
				pipecmd_err_line(pc, fn, arg);
			close(pc->errfd);
			pc->errfd = -1;
			return 0;
		}
		for (i = 0; i < n; i++) {
			if (chunk[i] == '\n') {
				pipecmd_err_line(pc, fn, arg);
				continue;
			}
			buf_add(&pc->errline, &chunk[i], 1);
			if (pc->errline.len >= PIPECMD_LINE_MAX)
				pipecmd_err_line(pc, fn, arg);
		}
	}
	return 1;
}

/* Say how the child ended, from its wait status. */
static void
pipecmd_describe(const struct pipecmd *pc, char *out, size_t len)
{
	if (WIFEXITED(pc->status))
		snprintf(out, len, "exited with status %d",
		    WEXITSTATUS(pc->status));
	else if (WIFSIGNALED(pc->status))
		snprintf(out, len, "was killed by signal %d (%s)%s",
		    WTERMSIG(pc->status), strsignal(WTERMSIG(pc->status)),
		    pc->ended_by_us ? ", ended by us" : "");
	else
		snprintf(out, len, "ended");
}

int
pipecmd_poll_exit(struct pipecmd *pc, char *out, size_t len)
{
	pid_t	r;

	if (!pc->reaped) {
		do
			r = waitpid(pc->pid, &pc->status, WNOHANG);
		while (r == -1 && errno == EINTR);
		if (r == 0)
			return 0;
		pc->reaped = 1;
		if (r == -1)
			pc->status = 0;
	}
	pipecmd_describe(pc, out, len);
	return 1;
}

/* Wait up to ms for the child to end; 1 when it did. */
static int
pipecmd_wait_ms(struct pipecmd *pc, int ms)
{
	struct timespec	ts = { 0, 10 * 1000 * 1000 };
	char		tmp[8];
	int		waited;

	for (waited = 0;; waited += 10) {
		if (pipecmd_poll_exit(pc, tmp, sizeof tmp))
			return 1;
		if (waited >= ms)
			return 0;
		nanosleep(&ts, NULL);
	}
}

/* Wait up to ms for the process group to empty; 1 if it did not. */
static int
pipecmd_group_wait(pid_t pgid, int ms)
{
	struct timespec	ts = { 0, 10 * 1000 * 1000 };
	int		waited;

	for (waited = 0; kill(-pgid, 0) == 0; waited += 10) {
		if (waited >= ms)
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

void
pipecmd_end(struct pipecmd *pc, int grace_ms, char *out, size_t len)
{
	if (!pipecmd_wait_ms(pc, grace_ms)) {
		pc->ended_by_us = 1;
		/* The shell's children too: the child leads its group. */
		(void)kill(-pc->pid, SIGTERM);
		(void)kill(pc->pid, SIGTERM);
		if (!pipecmd_wait_ms(pc, 500)) {
			(void)kill(-pc->pid, SIGKILL);
			(void)kill(pc->pid, SIGKILL);
			while (waitpid(pc->pid, &pc->status, 0) == -1 &&
			    errno == EINTR)
				;
			pc->reaped = 1;
		}
		/*
		 * The shell may have gone while a program it started ignores
		 * SIGTERM: what is left of the group (the id stays taken
		 * while any member lives) gets SIGKILL after a moment.
		 */
		if (pipecmd_group_wait(pc->pid, 500))
			(void)kill(-pc->pid, SIGKILL);
	}
	pipecmd_describe(pc, out, len);
}

void
pipecmd_free(struct pipecmd *pc)
{
	char	tmp[128];

	if (pc == NULL)
		return;
	if (!pc->reaped)
		pipecmd_end(pc, 0, tmp, sizeof tmp);
	if (pc->errfd != -1)
		close(pc->errfd);
	buf_free(&pc->errline);
	free(pc);
}
