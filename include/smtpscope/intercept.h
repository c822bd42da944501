/*
 * intercept: a relay between an application and its SMTP server that
 * records both legs.  Each client accepted on the listener gets its own
 * connection to the upstream; its lines are relayed as they arrive and
 * every line, both handshakes and the relay's own decisions go into one
 * transcript per session (C: the client, S: the upstream, notes).
 *
 * TLS is terminated on each leg separately: towards the client with
 * certificates from the intercept CA (STARTTLS, or implicit TLS on an
 * smtps:// listener), towards the upstream verified as everywhere else.
 * The STARTTLS offered to the client mirrors the upstream: offered when
 * the upstream offers it or its leg is TLS already.  The upstream leg is
 * upgraded when the client's is TLS, when asked (upgrade) and always
 * with require_tls; AUTH never goes upstream in clear when the client's
 * leg is TLS (the client believes it is private) or require_tls is set,
 * unless allow_plaintext.
 *
 * Runs inside the caller's poll() loop, like the practice server: fill
 * pollfds with intercept_pollfds(), hand the result to intercept_handle(),
 * and wake up for intercept_timeout().  It never prints: each new
 * transcript line is handed to on_line, each ended session to on_end.
 */
#ifndef SMTPSCOPE_INTERCEPT_H
#define SMTPSCOPE_INTERCEPT_H

#include <poll.h>
#include <stddef.h>

#include "smtpscope/tls.h"
#include "smtpscope/transcript.h"

struct intercept;

#define INTERCEPT_SESSIONS_DEFAULT	64
#define INTERCEPT_IDLE_DEFAULT		300	/* seconds */
#define INTERCEPT_LINES_DEFAULT		20000	/* per session transcript */
#define INTERCEPT_BYTES_DEFAULT		(4 * 1024 * 1024)
/* Client lines held while the upstream is not ready (greeting, TLS). */
#define INTERCEPT_HELD_MAX		(256 * 1024)
/* Past this many octets queued towards one side, the other is not read. */
#define INTERCEPT_QUEUE_MAX		(256 * 1024)
/* Ended sessions kept for the list. */
#define INTERCEPT_ENDED_MAX		32

struct intercept_params {
	const char	*addr;		/* listen address; NULL: 127.0.0.1 */
	const char	*port;		/* "0": any */
	int		 implicit_tls;	/* smtps:// listener */
	const char	*up_host;
	const char	*up_port;
	int		 up_implicit_tls;	/* smtps:// upstream */
	int		 up_upgrade;	/* STARTTLS upstream whatever the client */
	int		 up_require_tls;	/* submission:// : TLS or nothing */
	int		 allow_plaintext;
	struct tls_params up_tls;
	int		 family;
	int		 timeout_ms;	/* connect, handshakes, each reply */
	struct tls_ca	*ca;		/* not owned; NULL: no client TLS */
	int		 max_sessions;	/* 0: default */
	int		 idle_s;	/* 0: default */
	size_t		 max_lines;	/* per session; 0: default */
	size_t		 max_bytes;
	int		 keep;		/* keep ended sessions for a list */
	/* A line was added to session id's transcript. */
	void		(*on_line)(void *, unsigned int, struct transcript *,
			    size_t);
	/* Session id ended (ok: it ended with 221 after QUIT). */
	void		(*on_end)(void *, unsigned int, int);
	void		*arg;
};

/* Listen; NULL with err.  The port may be read with intercept_port(). */
struct intercept *intercept_new(const struct intercept_params *, char *,
	    size_t);
/* Close every session (421 to their clients) and free. */
void	 intercept_free(struct intercept *);
int	 intercept_port(const struct intercept *);
/* 1 when the listener takes loopback clients only. */
int	 intercept_loopback(const struct intercept *);
size_t	 intercept_pollfds(struct intercept *, struct pollfd *, size_t);
void	 intercept_handle(struct intercept *, const struct pollfd *, size_t);
/* Milliseconds until a timer is due, or -1. */
int	 intercept_timeout(const struct intercept *);
/* Sessions open now, ended so far. */
size_t	 intercept_nsessions(const struct intercept *);
unsigned long intercept_nended(const struct intercept *);
/* pollfds one session may need (a dial races several sockets). */
#define INTERCEPT_FDS_PER_SESS	50

/* One row of the list of sessions. */
struct intercept_row {
	unsigned int	 id;
	char		 client[96];	/* address:port */
	long long	 start_ms;
	char		 last[80];	/* first line of the latest reply */
	char		 result[128];	/* "open", "sent 1 message", ... */
	int		 ended;
	int		 client_tls;
	int		 up_tls;
	int		 held;		/* enum intercept_held */
};

/* Fill up to max rows, open sessions then ended ones; returns how many. */
size_t	 intercept_rows(struct intercept *, struct intercept_row *, size_t);
/* The transcript of session id, or NULL when gone. */
struct transcript *intercept_transcript(struct intercept *, unsigned int);
/* Moves whenever a row or a transcript changed. */
unsigned long intercept_changes(const struct intercept *);

/*
 * Intercept mode: while on, each client command (not message content,
 * not AUTH and its answers) and each upstream reply (not those to EHLO, whose
 * STARTTLS the relay rewrites) waits in its session for the user, and
 * what follows it waits behind it.  Turning it off releases everything
 * held, unchanged.
 */
void	 intercept_set_hold(struct intercept *, int);
int	 intercept_hold(const struct intercept *);
enum intercept_held {
	ICPT_HELD_NONE,
	ICPT_HELD_COMMAND,
	ICPT_HELD_REPLY
};
/*
 * What session id holds, its first line (*text, valid until the session
 * changes) and a number that moves with each new item held.
 */
enum intercept_held intercept_held(struct intercept *, unsigned int,
	    const char **, unsigned long *);
/*
 * Release what session id holds.  text NULL: as it is.  A held command
 * is replaced by text, or, when text is a reply ("451 4.7.1 try later"),
 * answered with it: the upstream never sees that command.  A held reply
 * is replaced by text, a reply of the same class (another class would
 * leave the client and the upstream in different states).  Returns 0, or
 * -1 with err.
 */
int	 intercept_release(struct intercept *, unsigned int, const char *,
	    char *, size_t);

#endif
