/*
 * practice: the built-in practice server.  An ESMTP server on loopback,
 * non-blocking, that runs inside another program's poll() loop (the UI, a
 * script) or alone (--serve).  It offers STARTTLS and implicit TLS with a
 * certificate made at start, AUTH PLAIN/LOGIN/CRAM-MD5 against demo
 * credentials, and teaching scenarios chosen by recipient address.
 */
#ifndef SMTPSCOPE_PRACTICE_H
#define SMTPSCOPE_PRACTICE_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>

#define PRACTICE_USER		"demo"
#define PRACTICE_PASSWORD	"demo"

struct practice;

struct practice_params {
	const char	*addr;		/* NULL: 127.0.0.1 */
	const char	*port;		/* "0": pick a free one */
	const char	*tls_port;	/* implicit TLS listener, or NULL */
	const char	*cert_file;	/* NULL: generate */
	const char	*key_file;
	const char	*maildir;	/* write accepted messages as .eml */
	int		 verbose;	/* log sessions on stderr (--serve) */
	/* Additions (zero keeps the defaults). */
	const char	*name;		/* host name in greeting; NULL: practice.test */
	int		 require_auth;	/* MAIL before AUTH: 530 5.7.0 */
	int		 tls_auth_only;	/* AUTH PLAIN/LOGIN in clear: 538 5.7.11 */
	int		 slow_ms;	/* delay of slow@ replies; 0: 3000 */
	const char	*tls_addr;	/* implicit TLS address; NULL: addr */
	int		 require_tls;	/* MAIL, AUTH before TLS: 523 5.7.10 */
	/* Classroom limits (zero keeps the defaults below). */
	int		 max_sessions;	/* at most, and below the fd limit */
	int		 max_per_addr;	/* sessions from one client address */
	int		 idle_s;	/* idle timeout, seconds */
	int		 max_time_s;	/* longest session, seconds */
	size_t		 mem_budget;	/* octets of messages held in memory */
	size_t		 maildir_quota;	/* octets written to maildir this run */
	const char	*log_path;	/* with verbose: log here, not stderr */
	/* The classroom view (--serve on a terminal). */
	int		 transcripts;	/* keep a small transcript per session */
	/* With verbose: each log line goes here instead of log_path. */
	void		(*log_cb)(void *, const char *);
	void		*log_arg;
};

/*
 * Defaults of the limits above.  The session cap is also kept below the
 * descriptor limit (whose soft value practice_new() raises to the hard
 * one), and a share of it (PRACTICE_NEW_ADDR_SHARE) is kept for client
 * addresses that hold no session yet.
 */
#define PRACTICE_SESSIONS_DEFAULT	1024
#define PRACTICE_PER_ADDR_DEFAULT	32
#define PRACTICE_IDLE_DEFAULT		300
#define PRACTICE_MAX_TIME_DEFAULT	3600
#define PRACTICE_MEM_DEFAULT		(256 * 1024 * 1024)
#define PRACTICE_QUOTA_DEFAULT		(100 * 1024 * 1024)
#define PRACTICE_NEW_ADDR_SHARE		8	/* 1/8 of the sessions */

/* The SIZE limit we advertise (RFC 1870). */
#define PRACTICE_SIZE_MAX	10485760

struct practice_msg {
	char		 *from;
	char		**rcpt;
	size_t		  nrcpt;
	char		 *data;		/* unstuffed, CRLF line ends */
	size_t		  len;
	char		 *id;		/* queue id given in the 250 2.6.0 reply */
};

struct practice *practice_new(const struct practice_params *, char *,
	    size_t);
void	 practice_free(struct practice *);
/* The port the plain (STARTTLS) listener got, and the implicit TLS one. */
int	 practice_port(const struct practice *);
int	 practice_tls_port(const struct practice *);
/* Write the server certificate as PEM (to trust it with --ca-file). */
int	 practice_write_cert(struct practice *, const char *);

/* For a host loop: fill up to max pollfds, returns how many. */
size_t	 practice_pollfds(struct practice *, struct pollfd *, size_t);
/*
 * After poll(): handle the revents of the pollfds it filled.  Call it after
 * every poll(), also when poll() timed out: timers run here.
 */
void	 practice_handle(struct practice *, const struct pollfd *, size_t);
/* Milliseconds until the next timer (slow replies), -1 for none. */
int	 practice_timeout(const struct practice *);
/* Run alone until *stop becomes non-zero; returns 0 or -1. */
int	 practice_run(struct practice *, volatile sig_atomic_t *);

/*
 * Messages accepted so far, in order.  Only the last PRACTICE_KEEP_MAX (and
 * at most 64 MiB, or a quarter of the memory budget, envelopes included)
 * stay in memory: older ones go and indexes then shift.
 * practice_total() counts all.
 */
#define PRACTICE_KEEP_MAX	1000
size_t	 practice_nmsgs(const struct practice *);
const struct practice_msg *practice_msg(const struct practice *, size_t);
unsigned long practice_total(const struct practice *);
/* Sessions open now, and the cap in force (after the descriptor limit). */
size_t	 practice_nsessions(const struct practice *);
size_t	 practice_max_sessions(const struct practice *);
/* Octets of messages held in memory now: being received and kept. */
size_t	 practice_mem_used(const struct practice *);

/* Say 421 to every client still connected (the server is stopping). */
void	 practice_shutdown(struct practice *);

/*
 * The classroom view: a row per session, live ones first in the order
 * they started, then the last PRACTICE_ENDED_MAX ended ones (newest
 * first) for PRACTICE_ENDED_MS.  With params.transcripts each session
 * keeps a transcript of at most PRACTICE_SESS_LINES lines and
 * PRACTICE_SESS_BYTES octets of text (the middle is folded), freed when
 * the session leaves the list: the cost is bounded by the session cap.
 */
#define PRACTICE_ENDED_MAX	16
#define PRACTICE_ENDED_MS	(120 * 1000)
#define PRACTICE_SESS_LINES	160
#define PRACTICE_SESS_BYTES	(12 * 1024)

struct practice_row {
	unsigned int	 id;
	char		 peer[96];	/* address:port */
	const char	*phase;		/* "EHLO", "MAIL", "DATA", "ended", ... */
	int		 tls;
	int		 authed;
	int		 ended;
	char		 last[80];	/* first line of the latest reply, raw */
	unsigned long	 msgs;		/* messages accepted in this session */
	long long	 start_ms;	/* monotime_ms() clock */
	long long	 last_ms;	/* last activity */
};

struct transcript;

/* Fill up to max rows; returns how many there are (may be more). */
size_t	 practice_rows(struct practice *, struct practice_row *, size_t);
/* The transcript of session id (live or ended), or NULL when gone. */
const struct transcript *practice_sess_transcript(const struct practice *,
	    unsigned int);
/* A counter that moves whenever a row or a transcript changed. */
unsigned long practice_changes(const struct practice *);
/* Octets the session transcripts hold now. */
size_t	 practice_view_mem(const struct practice *);
/* Monotonic milliseconds, the clock of the rows. */
long long practice_clock_ms(void);

#endif
