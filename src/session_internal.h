/*
 * session_internal.h: the insides of struct session, shared by session.c
 * (replies, modes, TLS) and session_data.c (message content).
 */
#ifndef SMTPSCOPE_SESSION_INTERNAL_H
#define SMTPSCOPE_SESSION_INTERNAL_H

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>

#include "smtpscope/data.h"
#include "smtpscope/session.h"

struct conn;
struct dial;
struct mx;
struct resolve_query;
struct sasl;

/* While streaming a file keep at most this much queued for the socket. */
#define SEND_HIGH_WATER	(256 * 1024)
#define SEND_CHUNK	(64 * 1024)
/* A reply longer than this is a hostile or broken server. */
#define SESSION_REPLY_MAX_LINES	10000
/*
 * Replies nobody asked for, in a row, before the server counts as
 * flooding and the connection is closed; only the first few get a note
 * each.  A real server sends none but a 421 before it closes.
 */
#define SESSION_UNASKED_MAX	100
#define SESSION_UNASKED_NOTES	10
/*
 * 334 challenges the AUTH helper answers in one exchange.  No mechanism
 * takes more than a few (GSSAPI the most); a server that goes on, even
 * after "*" (RFC 4954 4 wants a 501 then), would keep the helper answering
 * for ever, each reply restarting the clock.
 */
#define SESSION_AUTH_ROUNDS_MAX	16
/* Descriptors of a practice server served while waiting (a script's). */
#define SESSION_PRACTICE_FDS	16
/* Typed lines held while DATA waits for its reply: at most this much. */
#define SESSION_HELD_MAX_LINES	10000
#define SESSION_HELD_MAX_BYTES	(1024 * 1024)

/* What a queued reply answers besides its verb (session_admin.c). */
enum pend_kind {
	PEND_PLAIN,
	PEND_XCLIENT,	/* XCLIENT: a 220 greets us anew, EHLO again */
	PEND_XCLIENT_TYPED, /* typed as is: the user sends EHLO */
	PEND_XFORWARD,
	PEND_LMTP	/* LMTP: the reply for one recipient (rcpt) */
};

struct pending {
	enum verb	 verb;
	double		 sent;
	enum pend_kind	 kind;
	char		*rcpt;		/* RCPT's address, or LMTP's; owned */
};

struct session {
	struct session_params	 p;
	struct conn		*c;
	struct conn		*c_dead;	/* dropped during conn_read */
	int			 reading;	/* inside conn_read */
	int			 abort_fd;	/* ends a connect early, or -1 */
	struct dial		*dial;		/* connecting, or NULL */
	struct mx		*mx;		/* mx://: kept for its facts */
	int			 mx_running;	/* connecting through mx */
	char			*mx_sni;	/* the exchanger's name */
	struct resolve_query	*tlsa_q;	/* --dane without mx:// */
	struct mtasts_domain	*mtasts;	/* mx://: the domain's MTA-STS */
	struct target		*target;	/* :connect's, owned */
	double			 progress;	/* last sent command/reply */
	struct transcript	 t;
	int			 plaintext_ok;	/* user agreed to plaintext AUTH */
	struct reply_parser	 rp;
	struct reply		 last;
	int			 have_last;
	size_t			 nreplies;
	struct session_info	 info;

	/* Replies that answer nothing (RFC 5321 4.3.2). */
	int			 cur_unasked;	/* the reply read */
	size_t			 unasked;	/* on this connection */
	size_t			 unasked_run;	/* since a paired one */

	struct pending		*q;	/* ring of verbs awaiting replies */
	size_t			 qhead, qlen, qcap;

	char			 err[512];
	enum session_err	 errclass;
	int			 peer_closed;	/* the server closed, no error */
	int			 in_handshake;
	int			 starttls_sent;
	int			 auto_ehlo_after_tls;
	char			*last_ehlo;

	/* AUTH helper */
	int			 auth_active;
	enum auth_mech		 auth_mech;
	int			 auth_step;
	int			 auth_n;	/* credentials sent this exchange */
	int			 auth_rounds;	/* 334s the helper answered */
	int			 raw_exchange;	/* :raw all */
	int			 challenge_damaged; /* the last 334 was */
	char			*auth_pending_user;
	char			*auth_secret;
	char			*auth_user_shown;
	char			*challenge;	/* decoded last 334 */
	size_t			 challenge_len;	/* its octets (may hold NUL) */
	struct sasl		*sasl;		/* a src/sasl.c exchange */
	char			 typed_mech[32];/* mechanism of the last AUTH */
	int			 auth_refused;	/* its reply, when not 235/334 */

	/* envelope, for :msg defaults */
	char			*mail_from;
	char			*rcpt_first;

	/* message content waiting for 354, or being streamed */
	char			*pending_file;
	char			*pending_text;
	FILE			*send_fp;
	char			*send_path;	/* its name in notes */
	char			*msg_name;	/* session_name_message */
	struct data_enc		 enc;
	unsigned long long	 send_lines;

	/* :bdat FILE: the chunks still to go (session_data.c) */
	FILE			*bdat_fp;
	char			*bdat_path;
	size_t			 bdat_chunk;
	unsigned long long	 bdat_total, bdat_sent;
	size_t			 bdat_k, bdat_bare;
	int			 bdat_prevcr;
	int			 bdat_last_sent;	/* LAST went: its reply due */

	struct practice		*practice;	/* served while we wait */

	/* lines typed while DATA waits for its reply (session_data.c) */
	char			**held;
	size_t			  nheld, heldcap, held_bytes;
	int			  flushing;

	/* transports and admin commands (session_admin.c) */
	struct pipecmd		*pipe;		/* --pipe: the program */
	size_t			 pipe_errlines;	/* stderr lines noted */
	int			 xclient_done;	/* --xclient sent */
	int			 xforward_done;	/* --xforward sent */
	char			**lmtp_ok;	/* RCPTs accepted (LMTP) */
	size_t			 nlmtp_ok, lmtp_okcap;
	/* The kind and address of the next command pushed. */
	enum pend_kind		 next_kind;
	char			*next_rcpt;
};

/* session.c */
void	 session_fail(struct session *, enum session_err, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 session_drop_conn(struct session *);
int	 session_write(struct session *, const char *, size_t);
int	 session_send_line(struct session *, const char *, size_t, enum verb,
	    uint32_t, const char *);
int	 session_command(struct session *, const char *, size_t);
void	 session_auth_words(const char *, size_t, size_t *, size_t *,
	    size_t *);
void	 session_push(struct session *, enum verb);
enum verb session_front(const struct session *);
void	 session_on_line(void *, const char *, size_t, unsigned int);
ssize_t	 session_quotes_secret(const struct session *, const char *, size_t,
	    size_t *);
int	 session_poll_once(struct session *, int);
/* session_auth.c */
void	 session_auth_reset(struct session *);
/* A 334 arrived with this text after the code (session_auth.c). */
void	 session_on_challenge(struct session *, const char *, size_t);
void	 session_plain_user(struct session *, const char *, size_t);
int	 session_answer(struct session *, const char *, size_t, int);
void	 session_auth_answer(struct session *);
int	 session_answer_secret(const struct session *);
/* session_sasl.c: mechanisms of src/sasl.c */
int	 session_sasl_start(struct session *, enum auth_mech, const char *,
	    const char *);
void	 session_sasl_answer(struct session *);
/* session_tls.c */
void	 session_tls_done(struct session *);
int	 session_start_tls(struct session *);
int	 session_handshake(struct session *);
int	 session_wait_handshake(struct session *);
void	 session_lint_command(struct session *, const char *);
char	*session_addr_arg(const char *, size_t);
int	 session_stream_open(struct session *, const char *);
int	 session_stream_pump(struct session *);
int	 session_input_now(struct session *, const char *, size_t);
int	 session_must_hold(const struct session *);
int	 session_hold(struct session *, const char *, size_t);
void	 session_held_flush(struct session *);
void	 session_held_refused(struct session *, int);
void	 session_held_clear(struct session *, const char *);
void	 session_bdat_reply(struct session *, int);
void	 session_bdat_end(struct session *);

/* session_admin.c */
void	 session_queue_clear(struct session *);
void	 session_pushed(struct session *, struct pending *);
void	 session_popped(struct session *, const struct pending *,
	    const struct reply *);
void	 session_after_ehlo(struct session *);
int	 session_lmtp_push(struct session *, enum verb, int);
const char *session_front_rcpt(const struct session *);
void	 session_pipe_end(struct session *);

/* Refuse what must wait for TLS (see session.c); 0 or -1. */
int	 session_tls_gate(struct session *, enum verb, const char *, size_t);

#endif
