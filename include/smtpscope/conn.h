/*
 * conn: one connection: a socket, perhaps a TLS session over it, an output
 * queue and line assembly of what comes in.  STARTTLS upgrades in place:
 * conn_start_tls() drops any plaintext already buffered (those bytes could
 * have been injected before the handshake) and wraps the same fd.
 */
#ifndef SMTPSCOPE_CONN_H
#define SMTPSCOPE_CONN_H

#include <stddef.h>
#include <sys/types.h>

#include "smtpscope/reply.h"
#include "smtpscope/tls.h"

struct conn;

/* Take over a connected, non-blocking fd. */
struct conn *conn_new(int);
void	 conn_free(struct conn *);
int	 conn_fd(const struct conn *);
/*
 * Begin TLS as a client (tp) or server (sctx non-NULL); returns 0 or -1
 * with err.  Returns the count of plaintext bytes dropped in *dropped.
 * Called from inside a conn_read() callback (the usual case: on "220"
 * to STARTTLS), *dropped also counts the rest of that read, which is
 * thrown away; conn_read() then returns 0 and reads no more clear text.
 * Anything already queued for output (the server's "220 Ready") is still
 * sent in clear before the handshake.  Then call conn_handshake() at once
 * and whenever poll() reports any event, until it stops returning
 * TLS_AGAIN (conn_events() asks for POLLOUT until the first flight).
 */
int	 conn_start_tls(struct conn *, const struct tls_params *,
	    struct tls_server_ctx *, size_t *, char *, size_t);
/*
 * Drive the handshake: 0 done, TLS_AGAIN, -1 failed (err filled).  After
 * 0, tls_get_info(conn_tls(c), ...) holds the summary.  Lines given to
 * conn_write() during the handshake are sent when it completes.
 */
int	 conn_handshake(struct conn *, char *, size_t);
int	 conn_in_handshake(const struct conn *);
int	 conn_is_tls(const struct conn *);
struct tls *conn_tls(struct conn *);
/*
 * Queue bytes and try to send them at once (one write per call).
 * Returns 0, or -1 on a write error or failed handshake (conn_error()).
 */
int	 conn_write(struct conn *, const void *, size_t);
/* Try to send what is queued: 0 all sent, 1 some left, -1 error. */
int	 conn_flush(struct conn *);
size_t	 conn_queued(const struct conn *);
/* The poll() events this connection waits for now. */
short	 conn_events(const struct conn *);
/*
 * Read what can be read without blocking and hand each complete line to cb.
 * If cb calls conn_start_tls(), the rest of that plaintext is dropped
 * (counted as dropped) and conn_read returns 0 at once.
 * Returns 0 (maybe nothing read), 1 at end of stream (any partial line was
 * handed over flagged LINE_PARTIAL), or -1 on error (err filled).
 * It reads until the socket (or TLS) would block, at most 1 MiB a call.
 * During a handshake it reads nothing and returns 0.  At a TLS end
 * without close_notify it returns 1 and tls_error() notes it.
 */
int	 conn_read(struct conn *, line_cb, void *, char *, size_t);
/* 1 when TLS holds decrypted bytes that poll() cannot see. */
int	 conn_pending(const struct conn *);
/*
 * Octets read and written so far (for benchmarks and the status bar):
 * application bytes, i.e. plaintext inside TLS.
 */
void	 conn_counts(const struct conn *, unsigned long long *,
	    unsigned long long *);

/* Why the last conn_write()/conn_flush() failed. */
const char *conn_error(const struct conn *);
/* Plaintext octets dropped at STARTTLS so far (all conn_start_tls calls). */
size_t	 conn_dropped(const struct conn *);
/* Take up to max octets of an unfinished line (see lineasm_take). */
size_t	 conn_take_partial(struct conn *, struct buf *, size_t);
/*
 * An unfinished line that lost octets past LINE_CAP (lineasm_take cannot
 * hand it over): its length as received, or 0 when there is none.
 */
size_t	 conn_partial_truncated(const struct conn *);
/* Forget the unfinished line; returns its length as received. */
size_t	 conn_discard_partial(struct conn *);

#endif
