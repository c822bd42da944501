/*
 * session: one SMTP client session, the object both the UI and script mode
 * drive.  It owns the connection, parses replies, tracks the phase, keeps
 * the transcript, upgrades to TLS on a 220 to STARTTLS, runs AUTH helpers
 * and the entry modes (command, data after 354, answer after 334).
 *
 * It never prints and never blocks except in session_connect() and
 * session_wait(), which are bounded by the timeout.  The caller polls
 * session_fd() for session_poll_events() and calls session_io().
 */
#ifndef SMTPSCOPE_SESSION_H
#define SMTPSCOPE_SESSION_H

#include <poll.h>
#include <stddef.h>

#include "smtpscope/auth.h"
#include "smtpscope/ehlo.h"
#include "smtpscope/mx.h"
#include "smtpscope/phase.h"
#include "smtpscope/reply.h"
#include "smtpscope/tls.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xclient.h"

struct session;

enum session_mode {
	SMODE_COMMAND,	/* lines are SMTP commands */
	SMODE_DATA,	/* after 354: lines are message content */
	SMODE_ANSWER	/* after 334: lines are AUTH answers */
};

/* Failure classes; script mode maps them to exit codes. */
enum session_err {
	SERR_NONE,
	SERR_CONNECT,	/* could not connect, or connection lost */
	SERR_TLS,	/* handshake or verification failed */
	SERR_TIMEOUT,	/* no reply in time */
	SERR_PROTO,	/* nothing sensible to send in this state */
	SERR_LOCAL	/* a local problem: file, usage */
};

struct session_params {
	const char		*host;
	const char		*port;
	int			 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	int			 timeout_ms;	/* connect and each reply */
	int			 implicit_tls;	/* smtps:// */
	int			 starttls;	/* STARTTLS right after EHLO */
	/*
	 * submission:// and --starttls: before TLS is up only EHLO, HELO,
	 * STARTTLS, NOOP, RSET and QUIT go out (fail closed).
	 */
	int			 require_tls;
	/* --allow-plaintext: AUTH and the envelope may go without TLS. */
	int			 allow_plaintext;
	struct tls_params	 tls;
	const char		*log_path;	/* --log */
	int			 log_timing;	/* --timing: times in the log */
	int			 show_secrets;	/* in log and saves */
	size_t			 max_lines;	/* in memory; 0: default */
	size_t			 max_bytes;	/* octets; 0: default */
	unsigned long long	 log_max;	/* --log cap; 0: default */
	int			 tls_report;	/* --tls-report: as notes */

	/*
	 * Transports and admin extensions.  lmtp: LHLO and one reply per
	 * recipient after the data.  unix_path (smtp:///path, lmtp:///path)
	 * and pipe_cmd (--pipe) replace host/port, which then only name the
	 * peer in notes.  bind: a literal local address ("127.0.0.2",
	 * "[::1]:2525").  proxy_version 1 or 2 sends a PROXY header first;
	 * a NULL proxy_src or proxy_dst is the connection's own address.
	 * xclient/xforward: ATTR=VALUE words sent after EHLO.
	 */
	int			 lmtp;
	const char		*unix_path;
	const char		*pipe_cmd;
	const char		*bind;
	int			 proxy_version;
	const char		*proxy_src;
	const char		*proxy_dst;
	const char		*xclient;
	const char		*xforward;
	/*
	 * mx://: host is a mail domain; its exchangers are tried in turn
	 * (mx.h) and the one chosen is the TLS name unless tls.sni is set.
	 */
	int			 mx;
	/* --dane: where TLSA records apply, they decide (RFC 7672). */
	int			 dane;
};

struct tls_report;

/* What the status bar and sidebar read. */
struct session_info {
	const char		*host;
	const char		*port;
	int			 connected;
	char			 addr[48];	/* address reached, or "" */
	int			 tls;		/* TLS is up */
	int			 have_tls_info;
	struct tls_info		 tls_info;
	/* The last handshake in detail (chain, OCSP), or NULL. */
	struct tls_report	*tls_report;
	struct phase_state	 ph;
	const char		*auth_user;	/* after 235, else NULL */
	double			 last_latency_ms; /* < 0: none yet */
	int			 have_caps;
	struct ehlo_caps	 caps;		/* latest EHLO */
	size_t			 waiting;	/* replies still due */
	enum session_mode	 mode;
	int			 answer_secret;	/* answer mode wants masking */
	/* What the next answer is, by its place in the mechanism. */
	const char		*answer_hint;
	int			 answer_raw;	/* next answer sent verbatim */
	const char		*challenge;	/* decoded last 334 text, or NULL */
	unsigned long long	 data_octets;	/* message octets sent */
	/* LMTP: replies after the data, by recipient, since the start. */
	size_t			 lmtp_delivered;
	size_t			 lmtp_failed;
	/* After BDAT N: octets of the chunk still to send (RFC 3030 2). */
	unsigned long long	 bdat_left;
	/*
	 * A DATA waits for its reply: what is typed now is held (see
	 * session_input) and goes out as content once the 354 comes.
	 */
	int			 data_pending;
	size_t			 held;		/* lines held for the 354 */
	/* mx://: the exchangers in the order tried, and the one chosen. */
	const struct mx_host	*mx_hosts;
	size_t			 mx_n;
	const char		*mx_host;	/* NULL until chosen */
	/* DANE for this connection in a few words ("" when not asked). */
	char			 dane[160];
	/*
	 * mx://: the domain's MTA-STS and TLS-RPT in a few words ("" before
	 * they are looked up), and its valid policy to match each exchanger
	 * against (NULL: none).
	 */
	char			 mtasts[320];
	char			 tlsrpt[320];
	const struct mtasts_policy *mtasts_policy;
};

struct session *session_new(const struct session_params *);
/*
 * 1 when :auth with this mechanism would send a readable secret (PLAIN,
 * LOGIN, XOAUTH2) on a connection without TLS that nobody allowed.
 */
int	 session_auth_exposed(const struct session *, enum auth_mech);
/*
 * A note for the screen only (:b64 results, which may encode a password):
 * --log, :save and :export show a stand-in unless --show-secrets.
 */
void	 session_note_private(struct session *, const char *);
/* The user agreed to send credentials on this plaintext connection. */
void	 session_allow_plaintext(struct session *);
/* 1 when TLS is up on the connection. */
int	 session_tls_up(const struct session *);
void	 session_free(struct session *);
/* Call fn(arg, index) whenever a transcript line is added. */
void	 session_set_callback(struct session *, transcript_cb, void *);
/*
 * Connect (and for smtps:// handshake) within the timeout, which bounds
 * the look-up and every address tried (RFC 8305, see dial.h).  Returns 0,
 * or -1 with session_error()/session_errclass() set; the transcript notes
 * each address tried, each failure and the address reached.
 */
int	 session_connect(struct session *);
/*
 * The same without blocking, for a caller's own poll() loop: start, then
 * while session_connecting() poll the session_connect_pollfds() within
 * session_connect_timeout_ms() and hand what poll() said to
 * session_connect_process().  Both return 0 (connected, or still
 * connecting) or -1 as session_connect does.  Once connected, the
 * implicit TLS handshake runs in session_io() like the rest.
 */
int	 session_connect_start(struct session *);
int	 session_connecting(const struct session *);
size_t	 session_connect_pollfds(const struct session *, struct pollfd *,
	    size_t);
int	 session_connect_timeout_ms(const struct session *);
int	 session_connect_process(struct session *, const struct pollfd *,
	    size_t);
/* Give up connecting (a note says so); nothing when not connecting. */
void	 session_connect_cancel(struct session *);
/*
 * While fd is readable (the UI's signal pipe), session_connect gives up
 * at once instead of waiting for the timeout; -1 (the default): none.
 */
void	 session_set_abort_fd(struct session *, int);
/* Close and connect again with the same parameters. */
int	 session_reconnect(struct session *);
/*
 * :connect: close, take the new target (the session keeps it; *t is
 * emptied) and connect to it, with the same options otherwise.
 */
struct target;
int	 session_retarget(struct session *, struct target *);
void	 session_close(struct session *);
const char *session_error(const struct session *);
enum session_err session_errclass(const struct session *);

/* The fd to poll (-1 when closed) and the events to ask for. */
int	 session_fd(const struct session *);
short	 session_poll_events(const struct session *);
/*
 * A second descriptor to poll for POLLIN beside session_fd(): the stderr
 * of the program behind --pipe, or -1.  When it is readable, call
 * session_aux_io(), which turns what it reads into notes.
 */
int	 session_aux_fd(const struct session *);
void	 session_aux_io(struct session *);
/*
 * Send XCLIENT or XFORWARD with the ATTR=VALUE words (values plain; they
 * are xtext-encoded).  Only after an EHLO reply that lists the command;
 * after XCLIENT's 220 the session sends EHLO again by itself.  Returns 0,
 * or -1 with session_error() (nothing sent).
 */
int	 session_xclient(struct session *, enum xclient_kind, const char *);
/* 1 when bytes are already waiting (call session_io without polling). */
int	 session_pending(const struct session *);
/*
 * Do the I/O poll() reported (revents may be 0 to just drain pending).
 * Returns 0, or -1 when the connection ended or failed (see
 * session_error); the transcript says what happened.
 */
int	 session_io(struct session *, short);

/*
 * A line from the user or a script that does not begin with ':'.  In
 * command mode it is sent with CRLF; in data mode it is dot-stuffed and a
 * lone "." ends the message; in answer mode it is base64-encoded (unless
 * :raw) and masked when the challenge asks for a password.
 *
 * While a DATA waits for its reply (or a file is being streamed) the line
 * is held, not sent, and info.held counts it: after a 354 the held lines
 * go out as message content, in order; when DATA is refused the held
 * lines up to and including a lone "." are dropped with a note (never
 * sent as commands) and any after it go out as commands.
 *
 * Returns 0 (sent or held) or -1 (closed connection, or too much held:
 * session_error says why).
 */
int	 session_input(struct session *, const char *, size_t);
/*
 * 1 when the line, typed now, would carry a secret (an AUTH initial
 * response, an answer that is masked): keep it out of history.
 */
int	 session_line_is_secret(const struct session *, const char *, size_t);
/*
 * 1 when a line typed now is an AUTH answer that is base64 of text
 * already, so encoding it again would send it twice encoded: the UI asks
 * whether to send it as typed.
 */
int	 session_answer_encoded(const struct session *, const char *, size_t);
/*
 * An "AUTH MECH RESPONSE" line whose response is base64 of base64 (encoded
 * twice): the same line with it encoded once (malloc'd, a secret), or NULL.
 */
char	*session_ir_once(const char *, size_t);
/* :raw all: every answer of this AUTH exchange goes out as typed. */
void	 session_set_raw_exchange(struct session *);
/* The next answer goes out verbatim (:raw). */
void	 session_set_raw(struct session *);
/*
 * Run an AUTH exchange: sends "AUTH MECH [initial]" and answers each 334
 * from user/secret.  The secret is copied and wiped after use.
 */
int	 session_auth(struct session *, enum auth_mech, const char *,
	    const char *);
/*
 * Send a file as message content, streamed (after 354, or sends DATA
 * first and streams once 354 arrives).  Returns 0 or -1 (cannot open).
 */
int	 session_send_file(struct session *, const char *);
/*
 * Send a file with BDAT chunks of at most the given size (RFC 3030), the
 * last with LAST, waiting for each reply; the octets go as they are.
 * Returns 0 (the replies say how it went) or -1.
 */
int	 session_send_bdat(struct session *, const char *, size_t);
/*
 * What the transcript calls the next file sent with either of them, in
 * place of its path (a temporary file means nothing to the reader).
 */
void	 session_name_message(struct session *, const char *);
/* Send text (LF or CRLF lines) as a whole message, each line recorded. */
int	 session_send_message(struct session *, const char *);
/* 1 while a message or handshake is still being sent. */
int	 session_busy(const struct session *);
/* Add a local note (TDIR_INFO, TDIR_WARN or TDIR_TLS). */
void	 session_note(struct session *, enum tdir, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * Write the last handshake's TLS report (session_info's tls_report) into
 * the transcript as TLS notes ("report: ..."); -1 when there is none.
 */
int	 session_tls_report_notes(struct session *);

/*
 * For a caller's own poll() loop: milliseconds until the reply (or TLS
 * handshake, or data) we wait for times out, or -1 when nothing is due.
 */
int	 session_deadline_ms(const struct session *);
/*
 * Call after poll(): when the deadline has passed, the session fails with
 * SERR_TIMEOUT and closes; returns -1 then, else 0.
 */
int	 session_tick(struct session *);

/*
 * Block until every reply due has arrived (or the timeout passes, or the
 * connection ends).  Returns 0, or -1 with session_error set.
 */
int	 session_wait(struct session *);

struct transcript *session_transcript(struct session *);
const struct session_info *session_info(const struct session *);
/* The latest complete reply, or NULL. */
const struct reply *session_last_reply(const struct session *);
/* How many replies have arrived so far. */
size_t	 session_reply_count(const struct session *);
/* The envelope so far (addresses of MAIL and the first RCPT), or NULL. */
const char *session_mail_from(const struct session *);
const char *session_rcpt_first(const struct session *);
/* Whether saves and logs write secrets (--show-secrets). */
int	 session_show_secrets(const struct session *);
/*
 * Serve this practice server (not owned) while the session blocks in
 * session_connect() and session_wait(): a script with no target runs it
 * in the same process, so :inbox can read what it accepted.
 */
struct practice;
void	 session_set_practice(struct session *, struct practice *);

#endif
