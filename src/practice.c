/*
 * practice.c: the built-in practice server, ESMTP on loopback: its
 * listeners, accepting and reaping sessions, the poll loop and the
 * messages it keeps.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/conn.h"
#include "smtpscope/monotime.h"
#include "smtpscope/net.h"
#include "smtpscope/practice.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"

#include "practice_internal.h"

void
practice_msg_free(struct practice_msg *m)
{
	size_t	i;

	if (m == NULL)
		return;
	free(m->from);
	for (i = 0; i < m->nrcpt; i++)
		free(m->rcpt[i]);
	free(m->rcpt);
	free(m->data);
	free(m->id);
	free(m);
}

enum { ADMIT_OK, ADMIT_FULL, ADMIT_ADDR };

/* Sessions open from one client address. */
static size_t
count_addr(const struct practice *p, const char *peer)
{
	size_t	i, n = 0;

	for (i = 0; i < p->nsess; i++)
		if (strcmp(p->sess[i]->peer, peer) == 0)
			n++;
	return (n);
}

/*
 * Whether a client from peer may have a session: ADMIT_OK, or why not.
 * An address that already holds sessions may not take the last slots,
 * kept for addresses not seen yet.
 */
static int
admit(struct practice *p, const char *peer)
{
	size_t	n;

	if (p->nsess >= p->sess_max)
		return (ADMIT_FULL);
	n = count_addr(p, peer);
	if (n >= p->per_addr)
		return (ADMIT_ADDR);
	if (n > 0 && p->nsess + p->reserve >= p->sess_max)
		return (ADMIT_FULL);
	return (ADMIT_OK);
}

/* Refuse a client with a 421 (RFC 5321 3.8: instead of the greeting). */
static void
refuse(int fd, const char *reply)
{
	(void)send(fd, reply, strlen(reply), MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

/*
 * Out of descriptors (EMFILE): the listener stays readable, so poll()
 * would return at once for ever.  Free the spare descriptor, take the
 * client with it to say 421, take the spare back, and let the listener
 * rest a while.
 */
static void
accept_exhausted(struct practice *p, int lfd)
{
	int	fd;

	p->lpause_until = monotime_ms() + LISTEN_PAUSE_MS;
	if (p->spare == -1)
		return;
	close(p->spare);
	fd = accept(lfd, NULL, NULL);
	if (fd != -1)
		refuse(fd, BUSY_REPLY);
	p->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	practice_slog(p, "out of descriptors with %zu sessions: client "
	    "refused", p->nsess);
}

/* Accept every waiting client of one listener. */
static void
accept_all(struct practice *p, int lfd, int implicit)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	struct psess		*s;
	char			 host[64], serv[16], err[256];
	size_t			 dropped, nfull = 0, naddr = 0;
	int			 fd, why;

	for (;;) {
		sl = sizeof ss;
		fd = accept(lfd, (struct sockaddr *)&ss, &sl);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				accept_exhausted(p, lfd);
			break;
		}
		if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host,
		    serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
			snprintf(host, sizeof host, "unknown");
		if ((why = admit(p, host)) != ADMIT_OK) {
			refuse(fd, why == ADMIT_FULL ? BUSY_REPLY :
			    ADDR_BUSY_REPLY);
			if (why == ADMIT_FULL)
				nfull++;
			else
				naddr++;
			continue;
		}
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		net_tune(fd);
		s = xcalloc(1, sizeof *s);
		s->p = p;
		s->id = ++p->next_id;
		s->last = s->start = monotime_ms();
		snprintf(s->peer, sizeof s->peer, "%s", host);
		snprintf(s->peer_port, sizeof s->peer_port, "%s", serv);
		s->c = conn_new(fd);
		practice_view_start(s);
		p->sess = xreallocarray(p->sess, p->nsess + 1,
		    sizeof *p->sess);
		p->sess[p->nsess++] = s;
		practice_log(s, "connect from %s%s", s->peer,
		    implicit ? " (implicit TLS)" : "");
		if (implicit) {
			if (conn_start_tls(s->c, NULL, p->tls, &dropped, err,
			    sizeof err) == -1) {
				practice_log(s, "TLS start failed: %s", err);
				s->dead = 1;
				continue;
			}
			s->handshaking = 1;
			practice_sess_handshake(s);
		} else
			practice_greet(s);
	}
	if (nfull > 0) {
		/* Full: rest rather than accept and refuse without end. */
		p->lpause_until = monotime_ms() + LISTEN_PAUSE_MS;
		practice_slog(p, "%zu sessions open: refused %zu clients",
		    p->nsess, nfull);
	}
	if (naddr > 0)
		practice_slog(p, "refused %zu clients: at most %zu sessions "
		    "from one address", naddr, p->per_addr);
}

/* Free sessions that are done, keeping the order of the rest. */
static void
reap(struct practice *p)
{
	struct psess	*s;
	size_t		 i, j;

	for (i = j = 0; i < p->nsess; i++) {
		s = p->sess[i];
		/*
		 * All replies are out: send FIN, then read (and drop) what
		 * the client still sends until it closes or the linger time
		 * ends.  Closing with unread input would send a RST, and a
		 * RST throws away the replies the client has not read yet.
		 */
		if (!s->dead && s->close_after && !s->shut &&
		    s->hold_until == 0 && s->out.len == 0 &&
		    conn_queued(s->c) == 0) {
			if (s->drain) {
				(void)shutdown(conn_fd(s->c), SHUT_WR);
				s->shut = 1;
			} else
				s->dead = 1;
		}
		if (s->dead) {
			practice_log(s, "closed");
			practice_view_end(s);
			practice_sess_free(s);
		} else
			p->sess[j++] = s;
	}
	p->nsess = j;
}

/* A non-blocking listener on addr:port. */
static int
listen_on(const char *addr, const char *port, char *err, size_t errlen)
{
	int	fd;

	fd = net_listen(addr, port, err, errlen);
	if (fd == -1)
		return (-1);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return (fd);
}

/*
 * Raise the soft descriptor limit to the hard one and size the session cap
 * below it, so that accept() does not run out of descriptors first.
 */
static void
size_limits(struct practice *p, const struct practice_params *pp)
{
	struct rlimit	rl;
	size_t		fds = PRACTICE_SESSIONS_DEFAULT + FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
			(void)getrlimit(RLIMIT_NOFILE, &rl);
		}
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)1 << 30)
			fds = rl.rlim_cur;
		else
			fds = (size_t)1 << 30;
	}
	p->sess_max = pp->max_sessions > 0 ? (size_t)pp->max_sessions :
	    PRACTICE_SESSIONS_DEFAULT;
	if (fds < FD_RESERVE + 2)
		p->sess_max = 1;
	else if (p->sess_max > fds - FD_RESERVE)
		p->sess_max = fds - FD_RESERVE;
	p->per_addr = pp->max_per_addr > 0 ? (size_t)pp->max_per_addr :
	    PRACTICE_PER_ADDR_DEFAULT;
	p->reserve = p->sess_max / PRACTICE_NEW_ADDR_SHARE;
	p->idle_ms = 1000LL * (pp->idle_s > 0 ? pp->idle_s :
	    PRACTICE_IDLE_DEFAULT);
	p->life_ms = 1000LL * (pp->max_time_s > 0 ? pp->max_time_s :
	    PRACTICE_MAX_TIME_DEFAULT);
	/* Behind the UI or a script (one user, no class): no longest session. */
	if (!pp->verbose && pp->max_time_s <= 0)
		p->life_ms = 1000LL * 3600 * 24 * 365;
	p->budget = pp->mem_budget > 0 ? pp->mem_budget : PRACTICE_MEM_DEFAULT;
	p->keep_max = p->budget / 4 < KEEP_BYTES_MAX ? p->budget / 4 :
	    KEEP_BYTES_MAX;
	p->quota = pp->maildir_quota > 0 ? pp->maildir_quota :
	    PRACTICE_QUOTA_DEFAULT;
}

struct practice *
practice_new(const struct practice_params *pp, char *err, size_t errlen)
{
	struct practice	*p;
	char		 e[256];

	p = xcalloc(1, sizeof *p);
	p->params = *pp;
	p->lfd = p->tlsfd = -1;
	p->spare = -1;
	p->name = xstrdup(pp->name != NULL ? pp->name : PRACTICE_NAME);
	size_limits(p, pp);
	if (pp->verbose && pp->log_cb == NULL &&
	    (p->log = plog_open(pp->log_path, err, errlen)) == NULL)
		goto fail;
	srandom((unsigned int)time(NULL) ^ (unsigned int)getpid());
	tls_global_init();
	p->tls = tls_server_ctx_new(pp->cert_file, pp->key_file, e, sizeof e);
	if (p->tls == NULL && (pp->cert_file != NULL || pp->tls_port != NULL)) {
		snprintf(err, errlen, "TLS certificate: %s", e);
		goto fail;
	}
	if (p->tls == NULL && pp->require_tls) {
		snprintf(err, errlen, "TLS required but not available: %s", e);
		goto fail;
	}
	p->lfd = listen_on(pp->addr, pp->port != NULL ? pp->port : "0", err,
	    errlen);
	if (p->lfd == -1)
		goto fail;
	if (pp->tls_port != NULL) {
		p->tlsfd = listen_on(pp->tls_addr != NULL ? pp->tls_addr :
		    pp->addr, pp->tls_port, err, errlen);
		if (p->tlsfd == -1)
			goto fail;
	}
	p->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	practice_slog(p, "limits: %zu sessions (%zu from one address, %zu "
	    "kept for new addresses), idle %llds, session %llds, memory "
	    "%zu MiB", p->sess_max, p->per_addr, p->reserve,
	    p->idle_ms / 1000, p->life_ms / 1000, p->budget >> 20);
	return (p);
fail:
	practice_free(p);
	return (NULL);
}

void
practice_free(struct practice *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nsess; i++)
		practice_sess_free(p->sess[i]);
	free(p->sess);
	practice_view_free(p);
	for (i = 0; i < p->nmsgs; i++)
		practice_msg_free(p->msgs[i]);
	free(p->msgs);
	for (i = 0; i < p->ngrey; i++)
		free(p->grey[i].key);
	free(p->grey);
	if (p->lfd != -1)
		close(p->lfd);
	if (p->tlsfd != -1)
		close(p->tlsfd);
	if (p->spare != -1)
		close(p->spare);
	if (p->tls != NULL)
		tls_server_ctx_free(p->tls);
	plog_close(p->log);
	free(p->name);
	free(p);
}

int
practice_port(const struct practice *p)
{
	return (net_local_port(p->lfd));
}

int
practice_tls_port(const struct practice *p)
{
	return (p->tlsfd == -1 ? -1 : net_local_port(p->tlsfd));
}

int
practice_write_cert(struct practice *p, const char *path)
{
	if (p->tls == NULL)
		return (-1);
	return (tls_server_ctx_write_cert(p->tls, path));
}

size_t
practice_pollfds(struct practice *p, struct pollfd *pfd, size_t max)
{
	struct psess	*s;
	size_t		 n = 0, i;
	int		 lfd_on, lf;

	lfd_on = p->lpause_until == 0 || monotime_ms() >= p->lpause_until;
	if (lfd_on)
		p->lpause_until = 0;
	/* Resting listeners still take a slot, with fd -1 (ignored). */
	if (n < max) {
		pfd[n].fd = lfd_on ? p->lfd : -1;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	if (p->tlsfd != -1 && n < max) {
		pfd[n].fd = lfd_on ? p->tlsfd : -1;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	if ((lf = plog_pollfd(p->log)) != -1 && n < max) {
		pfd[n].fd = lf;
		pfd[n].events = POLLOUT;
		pfd[n++].revents = 0;
	}
	for (i = 0; i < p->nsess && n < max; i++) {
		s = p->sess[i];
		pfd[n].fd = conn_fd(s->c);
		pfd[n].events = conn_events(s->c);
		/*
		 * Too much unread: stop reading, except from a session that is
		 * closing, whose input is read and dropped so that a client
		 * blocked writing to us gets to read its last replies.
		 */
		if (!s->handshaking && !s->close_after &&
		    practice_out_queued(s) > OUT_QUEUE_SOFT)
			pfd[n].events &= ~POLLIN;
		pfd[n++].revents = 0;
	}
	return (n);
}

void
practice_handle(struct practice *p, const struct pollfd *pfd, size_t n)
{
	struct psess	*s;
	size_t		 i, k, j = 0, nsess;
	long long	 now;
	int		 acc = 0, acc_tls = 0;

	for (k = 0; k < p->nsess; k++)
		p->sess[k]->revents = 0;
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0 || pfd[i].fd == -1)
			continue;
		if (p->log != NULL && pfd[i].fd == plog_pollfd(p->log) &&
		    (pfd[i].events & POLLOUT) && !(pfd[i].events & POLLIN)) {
			plog_flush(p->log);
			continue;
		}
		if (pfd[i].fd == p->lfd) {
			acc = 1;
			continue;
		}
		if (pfd[i].fd == p->tlsfd && p->tlsfd != -1) {
			acc_tls = 1;
			continue;
		}
		/* Sessions were filled in order: look from the last match. */
		for (k = 0; k < p->nsess; k++) {
			s = p->sess[(j + k) % p->nsess];
			if (conn_fd(s->c) == pfd[i].fd) {
				s->revents |= pfd[i].revents;
				j = (j + k + 1) % p->nsess;
				break;
			}
		}
	}
	now = monotime_ms();
	nsess = p->nsess;
	for (k = 0; k < nsess; k++) {
		s = p->sess[k];
		if (s->revents != 0 || (!s->handshaking && conn_pending(s->c)))
			practice_sess_io(s, s->revents);
		if (!s->dead)
			practice_sess_timers(s, now);
	}
	reap(p);
	if (acc)
		accept_all(p, p->lfd, 0);
	if (acc_tls && p->tls != NULL)
		accept_all(p, p->tlsfd, 1);
	reap(p);
}

int
practice_timeout(const struct practice *p)
{
	struct psess	*s;
	long long	 now, next = -1, t;
	size_t		 i;

	now = monotime_ms();
	if (p->lpause_until != 0)
		next = p->lpause_until;
	for (i = 0; i < p->nsess; i++) {
		s = p->sess[i];
		if (!s->handshaking && conn_pending(s->c))
			return (0);
		t = practice_sess_next(s);
		if (next == -1 || t < next)
			next = t;
	}
	if (next == -1)
		return (-1);
	if (next <= now)
		return (0);
	return (next - now > 0x7fffffff ? 0x7fffffff : (int)(next - now));
}

int
practice_run(struct practice *p, volatile sig_atomic_t *stop)
{
	struct pollfd	*pfd = NULL;
	size_t		 cap = 0, n;
	int		 timeout, r;

	while (!*stop) {
		if (cap < p->nsess + 3) {
			cap = p->nsess + 64;
			pfd = xreallocarray(pfd, cap, sizeof *pfd);
		}
		n = practice_pollfds(p, pfd, cap);
		timeout = practice_timeout(p);
		/* Wake now and then so a signal between checks is seen. */
		if (timeout == -1 || timeout > 500)
			timeout = 500;
		r = poll(pfd, n, timeout);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			free(pfd);
			return (-1);
		}
		practice_handle(p, pfd, n);
	}
	free(pfd);
	practice_shutdown(p);
	return (0);
}

/* Tell whoever is still connected, as a real server would. */
void
practice_shutdown(struct practice *p)
{
	size_t	i;

	for (i = 0; i < p->nsess; i++) {
		if (p->sess[i]->handshaking || p->sess[i]->dead)
			continue;
		p->sess[i]->hold_until = 0;
		practice_say(p->sess[i], "421 4.3.2 %s Service shutting down",
		    p->name);
		practice_flush(p->sess[i]);
	}
}

size_t
practice_nmsgs(const struct practice *p)
{
	return (p->nmsgs);
}

const struct practice_msg *
practice_msg(const struct practice *p, size_t i)
{
	return (i < p->nmsgs ? p->msgs[i] : NULL);
}

unsigned long
practice_total(const struct practice *p)
{
	return (p->total);
}

size_t
practice_nsessions(const struct practice *p)
{
	return (p->nsess);
}

size_t
practice_max_sessions(const struct practice *p)
{
	return (p->sess_max);
}

size_t
practice_mem_used(const struct practice *p)
{
	return (p->buffered + p->kept);
}
