/*
 * practice.c: the built-in practice server, ESMTP on loopback: its
 * listeners, accepting and reaping sessions, the poll loop and the
 * messages it keeps.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/conn.h"
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

/* Accept every waiting client of one listener. */
static void
accept_all(struct practice *p, int lfd, int implicit)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	struct psess		*s;
	char			 host[64], serv[16], err[256];
	size_t			 dropped;
	int			 fd;

	for (;;) {
		sl = sizeof ss;
		fd = accept(lfd, (struct sockaddr *)&ss, &sl);
		if (fd == -1)
			return;
		if (p->nsess >= PRACTICE_SESSIONS_MAX) {
			/* RFC 5321 3.8: 421 may come instead of a greeting. */
			(void)send(fd, BUSY_REPLY, sizeof BUSY_REPLY - 1,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		net_tune(fd);
		s = xcalloc(1, sizeof *s);
		s->p = p;
		s->id = ++p->next_id;
		s->last = practice_now_ms();
		if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host,
		    serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0)
			snprintf(s->peer, sizeof s->peer, "%s", host);
		else
			snprintf(s->peer, sizeof s->peer, "unknown");
		s->c = conn_new(fd);
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
}

/* Free sessions that are done, keeping the order of the rest. */
static void
reap(struct practice *p)
{
	struct psess	*s;
	size_t		 i, j;

	for (i = j = 0; i < p->nsess; i++) {
		s = p->sess[i];
		if (!s->dead && s->close_after && s->hold_until == 0 &&
		    s->out.len == 0 && conn_queued(s->c) == 0)
			s->dead = 1;
		if (s->dead) {
			practice_log(s, "closed");
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

struct practice *
practice_new(const struct practice_params *pp, char *err, size_t errlen)
{
	struct practice	*p;
	char		 e[256];

	p = xcalloc(1, sizeof *p);
	p->params = *pp;
	p->lfd = p->tlsfd = -1;
	p->name = xstrdup(pp->name != NULL ? pp->name : PRACTICE_NAME);
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
	for (i = 0; i < p->nmsgs; i++)
		practice_msg_free(p->msgs[i]);
	free(p->msgs);
	for (i = 0; i < p->ngrey; i++)
		free(p->grey[i]);
	free(p->grey);
	if (p->lfd != -1)
		close(p->lfd);
	if (p->tlsfd != -1)
		close(p->tlsfd);
	if (p->tls != NULL)
		tls_server_ctx_free(p->tls);
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

	if (n < max) {
		pfd[n].fd = p->lfd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	if (p->tlsfd != -1 && n < max) {
		pfd[n].fd = p->tlsfd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	for (i = 0; i < p->nsess && n < max; i++) {
		s = p->sess[i];
		pfd[n].fd = conn_fd(s->c);
		pfd[n].events = conn_events(s->c);
		if (!s->handshaking && practice_out_queued(s) > OUT_QUEUE_SOFT)
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
		if (pfd[i].revents == 0)
			continue;
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
	now = practice_now_ms();
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

	now = practice_now_ms();
	for (i = 0; i < p->nsess; i++) {
		s = p->sess[i];
		if (!s->handshaking && conn_pending(s->c))
			return (0);
		t = s->last + PRACTICE_IDLE_MS;
		if (s->hold_until != 0 && s->hold_until < t)
			t = s->hold_until;
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
	size_t		 cap = 0, n, i;
	int		 timeout, r;

	while (!*stop) {
		if (cap < p->nsess + 2) {
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
	/* Tell whoever is still connected, as a real server would. */
	for (i = 0; i < p->nsess; i++) {
		if (p->sess[i]->handshaking || p->sess[i]->dead)
			continue;
		p->sess[i]->hold_until = 0;
		practice_say(p->sess[i], "421 4.3.2 %s Service shutting down",
		    p->name);
		practice_flush(p->sess[i]);
	}
	return (0);
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
