/*
 * practice_internal.h: the insides of the practice server, shared by
 * practice.c (listeners, poll loop, kept messages), practice_sess.c (one
 * session's replies, lines and timers), practice_smtp.c (commands),
 * practice_data.c (DATA and BDAT) and practice_auth.c (AUTH).
 */
#ifndef SMTPSCOPE_PRACTICE_INTERNAL_H
#define SMTPSCOPE_PRACTICE_INTERNAL_H

#include <stddef.h>

#include "smtpscope/buf.h"
#include "smtpscope/practice.h"

struct conn;
struct sasl;
struct plog;
struct tls_server_ctx;
struct transcript;

#define PRACTICE_NAME		"practice.test"
#define PRACTICE_SLOW_MS	3000
/*
 * Descriptors kept free besides the sessions: stdio, listeners, the spare,
 * the log, a maildir file, what GnuTLS may open.
 */
#define FD_RESERVE		16
/* How long the listeners rest after a 421 for being full. */
#define LISTEN_PAUSE_MS		100
/* RFC 5321 4.5.3.1.4: a command line is at most 512 octets with CRLF. */
#define CMD_LINE_MAX		510
/* RFC 5321 4.5.3.1.8: at least 100 recipients must be taken. */
#define RCPT_MAX		100
/*
 * Replies queued for one session (not yet taken by the kernel, or held for
 * slow@): past OUT_QUEUE_SOFT we stop reading from the client; a client
 * whose pipelined input (RFC 2920 3.1) alone pushes them past
 * OUT_QUEUE_MAX gets a 421 and is closed.
 */
#define OUT_QUEUE_SOFT		(256 * 1024)
#define OUT_QUEUE_MAX		(1024 * 1024)
/* Hand replies to the kernel in the middle of a read past this size. */
#define OUT_FLUSH_AT		(64 * 1024)
/*
 * Reading stopped and the client took none of its replies for this long:
 * it is writing without reading (its own writes then block on us, so the
 * queue never reaches OUT_QUEUE_MAX).  It is flooding.
 */
#define FLOOD_STALL_MS		2000
#define FLOOD_REPLY		"421 4.7.0 Too much pipelined input without " \
				"reading replies, closing"
#define GREYLIST_MAX		4096
/* Greylisting entries one client address may hold. */
#define GREYLIST_PER_ADDR	(GREYLIST_MAX / 16)
/* Messages kept in memory, in octets, besides PRACTICE_KEEP_MAX. */
#define KEEP_BYTES_MAX		(64 * 1024 * 1024)
#define BUSY_REPLY		"421 4.7.0 Too many connections, try later\r\n"
#define ADDR_BUSY_REPLY		"421 4.7.0 Too many connections from your " \
				"address, try later\r\n"
/* RFC 3463: X.3.1 "Mail system full". */
#define NOMEM_REPLY		"452 4.3.1 Insufficient system storage, try " \
				"again later"
#define QUOTA_REPLY		"452 4.3.1 Practice maildir quota reached, " \
				"try again later"
/* How long a closing session may take to hand over its last reply. */
#define LINGER_MS		5000
/* AUTH failures in one session before 421 (RFC 4954 4 allows it). */
#define AUTH_FAIL_MAX		3
/* RFC 5248: 523 with X.7.10 "Encryption Needed"; RFC 3207 5. */
#define NEED_TLS_REPLY		"523 5.7.10 Encryption needed: issue " \
				"STARTTLS first"

/* One greylisting triplet seen, and the address that brought it. */
struct grey {
	char	*key;
	char	 peer[64];
};

enum auth_step {
	STEP_NONE,
	STEP_PLAIN,		/* waiting for the PLAIN response */
	STEP_LOGIN_USER,
	STEP_LOGIN_PASS,
	STEP_CRAM,		/* waiting for the CRAM-MD5 digest */
	STEP_SASL		/* a practice_sasl.c exchange */
};

enum data_mode {
	MODE_CMD,
	MODE_DATA,		/* between 354 and the lone dot */
	MODE_BDAT		/* reading a byte-counted chunk */
};

struct psess {
	struct practice	*p;
	struct conn	*c;
	unsigned int	 id;
	char		 peer[64];
	short		 revents;

	int		 handshaking;
	int		 greeted;
	int		 starttls_now;	/* STARTTLS accepted inside conn_read */
	int		 helo;		/* 0 none, 1 HELO, 2 EHLO */
	int		 authed;
	enum auth_step	 step;
	char		*login_user;
	char		*challenge;
	struct sasl	*sasl;		/* STEP_SASL */
	int		 sasl_final;	/* sent the last 334, want "" */

	/* The mail transaction. */
	int		 mail;
	char		*from;
	char		**rcpt;
	size_t		 nrcpt;
	int		 big;		/* a big@ recipient was taken */
	int		 drop;		/* a drop@ recipient was taken */
	int		 chunking;	/* BDAT used in this transaction */
	int		 failed;	/* BDAT transaction already refused */

	enum data_mode	 mode;
	struct buf	 msg;
	size_t		 charged;	/* octets of msg counted in p->buffered */
	int		 nomem;		/* the memory budget refused this one */
	size_t		 msglen;	/* octets received, even past the limit */
	int		 toolong;	/* a content line over 998 octets */
	size_t		 linelen;	/* BDAT: octets of the current line */
	int		 utf8;		/* MAIL ... SMTPUTF8 */
	int		 bare_lf;
	size_t		 bdat_left;
	int		 bdat_last;
	int		 bdat_bad;	/* 503 after this chunk */
	size_t		 lines;

	struct buf	 out;		/* replies of this read, one write */
	struct buf	 held;		/* replies behind a slow@ delay */
	long long	 hold_until;
	long long	 last;		/* last activity, for the idle timer */
	long long	 start;		/* for the longest session */
	long long	 linger_until;	/* closing: give up on the replies */
	/*
	 * Reading stopped (replies past OUT_QUEUE_SOFT) since this time with
	 * stall_queued octets queued and none taken since; 0: not stalled.
	 */
	long long	 stall_since;
	size_t		 stall_queued;
	int		 auth_fail;
	int		 close_after;	/* close once the replies are out */
	int		 drain;		/* closing: FIN first, then drain input */
	int		 shut;		/* FIN sent */
	int		 dead;		/* close now */

	/* The classroom view (practice_view.c). */
	char		 peer_port[16];
	struct transcript *t;		/* params.transcripts, or NULL */
	char		 last_reply[80];	/* first line of the latest reply */
	int		 in_reply;	/* the latest reply goes on (250-) */
	int		 view_verb;	/* the command the next reply answers */
	unsigned long	 nmsgs;
};

/* A session that ended, kept a while for the classroom view. */
struct pended {
	struct practice_row	 row;
	struct transcript	*t;
	long long		 gone_at;
};

struct practice {
	struct practice_params	 params;
	char			*name;
	int			 lfd;
	int			 tlsfd;
	struct tls_server_ctx	*tls;
	struct psess		**sess;
	size_t			 nsess;
	unsigned int		 next_id;

	struct practice_msg	**msgs;
	size_t			 nmsgs;
	size_t			 kept;		/* octets of msgs */
	unsigned long		 total;

	struct grey		*grey;		/* oldest first */
	size_t			 ngrey;

	/* Limits, from the params and the descriptor limit. */
	size_t			 sess_max;
	size_t			 per_addr;
	size_t			 reserve;	/* slots kept for new addresses */
	long long		 idle_ms;
	long long		 life_ms;
	size_t			 budget;
	size_t			 buffered;	/* octets of unfinished messages */
	size_t			 keep_max;	/* octets of msgs at most */
	size_t			 quota;
	size_t			 written;	/* octets written to maildir */
	int			 spare;		/* a descriptor kept for EMFILE */
	long long		 lpause_until;	/* listeners rest till then */
	struct plog		*log;

	struct pended		 ended[PRACTICE_ENDED_MAX];	/* newest first */
	size_t			 nended;
	unsigned long		 changes;
};

/*
 * practice_log.c: a log that never blocks the server.  Lines wait in a
 * bounded buffer for the descriptor to take them; past it they are
 * dropped and counted, and the count is logged when there is room again.
 */
struct plog *plog_open(const char *, char *, size_t);
void	 plog_close(struct plog *);
void	 plog_line(struct plog *, const char *);
/* The descriptor to poll for POLLOUT when lines wait, or -1. */
int	 plog_pollfd(const struct plog *);
void	 plog_flush(struct plog *);

/* practice_sess.c: one session. */
void	 practice_slog(struct practice *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 practice_log(struct psess *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 practice_say(struct psess *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 practice_hold(struct psess *);
void	 practice_flush(struct psess *);
size_t	 practice_out_queued(const struct psess *);
void	 practice_txn_reset(struct psess *);
void	 practice_sess_free(struct psess *);
void	 practice_greet(struct psess *);
void	 practice_sess_handshake(struct psess *);
void	 practice_sess_io(struct psess *, short);
void	 practice_sess_timers(struct psess *, long long);
long long practice_sess_next(const struct psess *);
void	 practice_close_soon(struct psess *);

/* practice_view.c: what the classroom view shows of each session. */
void	 practice_view_start(struct psess *);
void	 practice_view_client(struct psess *, const char *, size_t);
void	 practice_view_reply(struct psess *, const char *);
void	 practice_view_note(struct psess *, const char *);
void	 practice_view_end(struct psess *);
void	 practice_view_expire(struct practice *, long long);
void	 practice_view_free(struct practice *);

/* practice.c: the message store. */
void	 practice_msg_free(struct practice_msg *);

/* practice_data.c: the memory budget of unfinished messages. */
void	 practice_msg_release(struct psess *);

/* practice_smtp.c: one command line. */
void	 practice_cmd_line(struct psess *, const char *, size_t,
	    unsigned int);

/* practice_data.c: DATA and BDAT. */
void	 practice_do_data(struct psess *, const char *);
void	 practice_do_bdat(struct psess *, const char *);
void	 practice_data_line(struct psess *, const char *, size_t,
	    unsigned int);
void	 practice_bdat_line(struct psess *, const char *, size_t,
	    unsigned int);
void	 practice_bdat_partial(struct psess *);

/* practice_auth.c: AUTH. */
void	 practice_do_auth(struct psess *, const char *);
void	 practice_auth_line(struct psess *, const char *, size_t,
	    unsigned int);
void	 practice_auth_reset(struct psess *);
void	 practice_auth_result(struct psess *, int, const char *);
/* practice_sasl.c: SCRAM-SHA-256[-PLUS] and EXTERNAL on GNU SASL. */
const char *practice_sasl_mechs(struct psess *);
int	 practice_sasl_offered(struct psess *, const char *);
void	 practice_sasl_start(struct psess *, const char *, const char *);
void	 practice_sasl_line(struct psess *, const char *, size_t);

#endif
