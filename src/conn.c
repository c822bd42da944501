/*
 * conn.c: one connection: socket, optional TLS, output queue and line
 * assembly, with STARTTLS in place (RFC 3207).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/net.h"
#include "smtpscope/reply.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"

/* One read at most; a TLS record carries 16 KiB (RFC 8446 5.1). */
#define CONN_CHUNK	16384
/* Chunks per conn_read call, so a flood cannot starve the terminal. */
#define CONN_MAX_CHUNKS	64

struct conn {
	int			 fd;
	struct tls		*tls;
	int			 handshaking;
	int			 hs_started;
	int			 hs_failed;
	size_t			 plain_left;	/* queued before TLS */
	struct buf		 out;
	struct lineasm		 la;
	unsigned long long	 nread;
	unsigned long long	 nwritten;
	int			 eof;

	/* While conn_read feeds lines to a callback. */
	int			 in_read;
	size_t			 rest;		/* octets after the line */
	int			 upgraded;	/* cb started TLS */
	size_t			 dropped;	/* clear text dropped */

	char			 err[320];
};

struct conn *
conn_new(int fd)
{
	struct conn	*c;

	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	buf_init(&c->out);
	lineasm_init(&c->la);
	return c;
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	tls_free(c->tls);
	if (c->fd != -1)
		close(c->fd);
	/* The queue may have held an AUTH answer. */
	if (c->out.data != NULL)
		wipe(c->out.data, c->out.cap);
	buf_free(&c->out);
	lineasm_free(&c->la);
	free(c);
}

int
conn_fd(const struct conn *c)
{
	return c->fd;
}

int
conn_start_tls(struct conn *c, const struct tls_params *tp,
    struct tls_server_ctx *sctx, size_t *dropped, char *err, size_t errlen)
{
	size_t	n;

	if (dropped != NULL)
		*dropped = 0;
	if (c->tls != NULL) {
		snprintf(err, errlen, "TLS is already active");
		return -1;
	}
	if (sctx == NULL && tp == NULL) {
		snprintf(err, errlen, "no TLS parameters");
		return -1;
	}

	/*
	 * RFC 3207 section 6 (and CVE-2011-0411): whatever plaintext came
	 * in after the line that started TLS could have been injected, so it
	 * must never be read as if it arrived over TLS.
	 */
	if (c->in_read) {
		/*
		 * Inside the callback the assembler holds just the line being
		 * handed over (chunks are fed line by line) and clears itself
		 * when the callback returns; the line must stay intact.
		 */
		n = c->rest;
		c->rest = 0;
		c->upgraded = 1;
	} else
		n = lineasm_discard(&c->la);
	c->dropped += n;
	if (dropped != NULL)
		*dropped = n;

	if (sctx != NULL)
		c->tls = tls_server_new(sctx, c->fd, err, errlen);
	else
		c->tls = tls_client_new(c->fd, tp, err, errlen);
	if (c->tls == NULL)
		return -1;
	c->handshaking = 1;
	c->hs_started = 0;
	c->hs_failed = 0;
	/* What was queued so far (a "220 Ready") still goes out in clear. */
	c->plain_left = c->out.len;
	return 0;
}

/* Send queued plaintext that predates the TLS session: 0 done, 1 left, -1. */
static int
conn_flush_plain(struct conn *c, size_t limit)
{
	ssize_t	n;

	while (limit > 0) {
		n = send(c->fd, c->out.data, limit, MSG_NOSIGNAL);
		if (n == -1 && errno == ENOTSOCK)
			n = write(c->fd, c->out.data, limit);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 1;
			snprintf(c->err, sizeof c->err, "write: %s",
			    strerror(errno));
			return -1;
		}
		buf_consume(&c->out, (size_t)n);
		c->nwritten += (unsigned long long)n;
		limit -= (size_t)n;
		if (c->plain_left > 0)
			c->plain_left -= (size_t)n > c->plain_left ?
			    c->plain_left : (size_t)n;
	}
	return 0;
}

int
conn_handshake(struct conn *c, char *err, size_t errlen)
{
	int	r;

	if (c->tls == NULL || !c->handshaking) {
		if (c->hs_failed) {
			snprintf(err, errlen, "%s", c->err);
			return -1;
		}
		return 0;
	}
	if (c->plain_left > 0) {
		r = conn_flush_plain(c, c->plain_left);
		if (r == -1) {
			snprintf(err, errlen, "%s", c->err);
			return -1;
		}
		if (r == 1)
			return TLS_AGAIN;
	}
	c->hs_started = 1;
	r = tls_handshake(c->tls, c->err, sizeof c->err);
	if (r == TLS_AGAIN)
		return TLS_AGAIN;
	c->handshaking = 0;
	if (r == -1) {
		c->hs_failed = 1;
		snprintf(err, errlen, "%s", c->err);
		return -1;
	}
	/* Lines written during the handshake can go now. */
	if (c->out.len > 0 && conn_flush(c) == -1) {
		snprintf(err, errlen, "%s", c->err);
		return -1;
	}
	return 0;
}

int
conn_in_handshake(const struct conn *c)
{
	return c->handshaking;
}

int
conn_is_tls(const struct conn *c)
{
	return c->tls != NULL;
}

struct tls *
conn_tls(struct conn *c)
{
	return c->tls;
}

/* One write of the queue head: bytes sent, 0 when it would block, -1. */
static ssize_t
conn_write_once(struct conn *c)
{
	ssize_t	n;

	if (c->tls != NULL) {
		n = tls_write(c->tls, c->out.data, c->out.len);
		if (n == TLS_AGAIN)
			return 0;
		if (n < 0) {
			snprintf(c->err, sizeof c->err, "%s",
			    tls_error(c->tls));
			return -1;
		}
	} else {
		for (;;) {
			n = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
			if (n == -1 && errno == ENOTSOCK)
				n = write(c->fd, c->out.data, c->out.len);
			if (n != -1 || errno != EINTR)
				break;
		}
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			snprintf(c->err, sizeof c->err, "write: %s",
			    strerror(errno));
			return -1;
		}
	}
	buf_consume(&c->out, (size_t)n);
	c->nwritten += (unsigned long long)n;
	return n;
}

int
conn_flush(struct conn *c)
{
	ssize_t	n;
	int	r;

	if (c->fd == -1) {
		snprintf(c->err, sizeof c->err, "connection is closed");
		return -1;
	}
	if (c->plain_left > 0) {
		if ((r = conn_flush_plain(c, c->plain_left)) != 0)
			return r;
	}
	if (c->handshaking || c->hs_failed)
		return c->out.len > 0 ? 1 : 0;
	while (c->out.len > 0) {
		if ((n = conn_write_once(c)) == -1)
			return -1;
		if (n == 0)
			return 1;
	}
	return 0;
}

int
conn_write(struct conn *c, const void *p, size_t len)
{
	ssize_t	n;

	if (c->fd == -1) {
		snprintf(c->err, sizeof c->err, "connection is closed");
		return -1;
	}
	if (c->hs_failed)
		return -1;	/* c->err says why */
	buf_add(&c->out, p, len);
	if (c->plain_left > 0 || c->handshaking)
		return 0;
	/* One write: a command goes out in one segment (TCP_NODELAY). */
	n = conn_write_once(c);
	return n == -1 ? -1 : 0;
}

size_t
conn_queued(const struct conn *c)
{
	return c->out.len;
}

short
conn_events(const struct conn *c)
{
	short	ev;

	if (c->fd == -1)
		return 0;
	ev = POLLIN;
	if (c->hs_failed)
		return ev;	/* nothing more will be sent */
	if (c->out.len > 0 && (!c->handshaking || c->plain_left > 0))
		ev |= POLLOUT;
	if (c->handshaking && !c->hs_started)
		ev |= POLLOUT;	/* the first flight goes out at once */
	if (c->tls != NULL && tls_want_write(c->tls))
		ev |= POLLOUT;
	return ev;
}

/*
 * Feed a chunk to line assembly one line at a time, so that when the
 * callback starts TLS we know exactly how much plaintext follows.
 * Returns 1 when the callback started TLS.
 */
static int
conn_feed(struct conn *c, const char *p, size_t len, line_cb cb, void *arg)
{
	const char	*nl;
	size_t		 off = 0, seg;

	c->in_read = 1;
	c->upgraded = 0;
	while (off < len) {
		nl = memchr(p + off, '\n', len - off);
		seg = nl != NULL ? (size_t)(nl - (p + off)) + 1 : len - off;
		c->rest = len - off - seg;
		lineasm_feed(&c->la, p + off, seg, cb, arg);
		off += seg;
		if (c->upgraded)
			break;
	}
	c->in_read = 0;
	c->rest = 0;
	return c->upgraded;
}

int
conn_read(struct conn *c, line_cb cb, void *arg, char *err, size_t errlen)
{
	char	chunk[CONN_CHUNK];
	ssize_t	n;
	int	i;

	if (c->fd == -1) {
		snprintf(err, errlen, "connection is closed");
		return -1;
	}
	if (c->eof)
		return 1;
	if (c->handshaking)
		return 0;	/* conn_handshake() reads now */
	if (c->hs_failed) {
		snprintf(err, errlen, "%s", c->err);
		return -1;
	}
	net_quickack(c->fd);
	for (i = 0; i < CONN_MAX_CHUNKS; i++) {
		if (c->tls != NULL) {
			n = tls_read(c->tls, chunk, sizeof chunk);
			if (n == TLS_AGAIN)
				break;
			if (n < 0) {
				snprintf(err, errlen, "%s", tls_error(c->tls));
				return -1;
			}
		} else {
			n = read(c->fd, chunk, sizeof chunk);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK))
				break;
			if (n == -1) {
				snprintf(err, errlen, "read: %s",
				    strerror(errno));
				return -1;
			}
		}
		if (n == 0) {
			c->eof = 1;
			c->in_read = 1;
			lineasm_finish(&c->la, cb, arg);
			c->in_read = 0;
			c->rest = 0;
			return 1;
		}
		c->nread += (unsigned long long)n;
		if (conn_feed(c, chunk, (size_t)n, cb, arg))
			return 0;	/* TLS begins: no more clear text */
	}
	return 0;
}

int
conn_pending(const struct conn *c)
{
	return c->tls != NULL && !c->handshaking && tls_pending(c->tls) > 0;
}

void
conn_counts(const struct conn *c, unsigned long long *in,
    unsigned long long *out)
{
	if (in != NULL)
		*in = c->nread;
	if (out != NULL)
		*out = c->nwritten;
}

const char *
conn_error(const struct conn *c)
{
	return c->err;
}

size_t
conn_take_partial(struct conn *c, struct buf *out, size_t max)
{
	return lineasm_take(&c->la, out, max);
}

size_t
conn_dropped(const struct conn *c)
{
	return c->dropped;
}

size_t
conn_partial_truncated(const struct conn *c)
{
	return ((c->la.flags & LINE_TRUNCATED) ? c->la.total : 0);
}

size_t
conn_discard_partial(struct conn *c)
{
	return (lineasm_discard(&c->la));
}
