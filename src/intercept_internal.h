/*
 * intercept_internal.h: the session object shared by src/intercept.c (the
 * listener, the list, the poll loop) and src/intercept_relay.c (what one
 * session does with each line).
 */
#ifndef SMTPSCOPE_INTERCEPT_INTERNAL_H
#define SMTPSCOPE_INTERCEPT_INTERNAL_H

#include <stdint.h>

#include "smtpscope/buf.h"
#include "smtpscope/ehlo.h"
#include "smtpscope/intercept.h"
#include "smtpscope/phase.h"
#include "smtpscope/reply.h"
#include "smtpscope/transcript.h"

struct conn;
struct dial;

/* Commands relayed whose replies are still due (pipelining). */
#define ISESS_PENDING_MAX	512
/* Lines of one EHLO reply held to rewrite it. */
#define ISESS_EHLO_MAX		(16 * 1024)

enum up_state {
	UP_DIAL,		/* connecting */
	UP_HANDSHAKE,		/* implicit TLS handshake */
	UP_GREETING,		/* connected, waiting for the 220 */
	UP_READY,		/* client lines go through */
	UP_STARTTLS,		/* our STARTTLS sent, its reply due */
	UP_TLS,			/* handshake after STARTTLS */
	UP_CLOSED
};

struct isess {
	struct intercept	*ic;
	unsigned int		 id;
	char			 client[96];
	long long		 start_ms;
	long long		 client_ms;	/* last line from the client, or
						   the reply that gave it its
						   turn (the idle clock) */
	long long		 up_ms;		/* last sign of the upstream */

	struct conn		*c;		/* the client's leg */
	int			 c_hs;		/* its handshake runs */
	int			 c_tls;
	struct conn		*u;		/* the upstream leg */
	struct dial		*dial;
	enum up_state		 ust;
	int			 u_tls;
	int			 up_tried_tls;	/* our STARTTLS went up */
	int			 resend_ehlo;	/* after the upgrade */
	char			*last_ehlo;
	char			 c_ver[16], c_cipher[96];
	char			 u_ver[16], u_cipher[96];
	int			 pfd_first, pfd_n;	/* this poll round */
	int			 up_fd_idx;	/* -1: dialing */

	struct transcript	 t;
	struct reply_parser	 rp;
	struct phase_state	 ph;
	uint8_t			 pend[ISESS_PENDING_MAX];
	size_t			 pend_head, npend;
	int			 in_reply;	/* lines of a reply so far */
	int			 data;		/* the client sends content */
	int			 data_wait;	/* DATA sent, its reply due */
	int			 auth;		/* an AUTH exchange runs */
	int			 auth_answer;	/* the next line answers 334 */
	int			 auth_n;
	char			 mech[32];
	struct ehlo_caps	 caps;		/* the upstream's last EHLO */
	int			 have_caps;
	struct buf		 ehlo;		/* EHLO reply lines held */
	int			 ehlo_hold;
	struct buf		 held;		/* client lines held */
	struct buf		 cout;		/* to the client this round */
	struct buf		 uout;		/* to the upstream this round */
	size_t			 nheld;

	/* Intercept mode: a command or reply waiting for the user. */
	char			*hcmd;
	size_t			 hcmd_len;
	unsigned int		 hcmd_flags;
	struct buf		 hreply;	/* lines, CRLF-ended */
	int			 hreply_held;
	int			 hreply_code;
	char			 hfirst[256];	/* the first line, shown */
	unsigned long		 hseq;

	unsigned long		 msgs;
	int			 quit_ok;
	int			 up_421;	/* the upstream said 421 */
	int			 dead;
	long long		 linger_until;	/* dead; the client's queue
						   drains till then */
	char			 last[80];
	char			 result[128];
};

void	 isess_start(struct isess *);
void	 isess_free(struct isess *);
/* What poll() said for this session's fds; timers too. */
void	 isess_io(struct isess *, const struct pollfd *, size_t);
void	 isess_timers(struct isess *, long long);
int	 isess_timeout(const struct isess *, long long);
size_t	 isess_pollfds(struct isess *, struct pollfd *, size_t);
/* End the session: a note, a 421 to the client when it is still there. */
void	 isess_end(struct isess *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Shared by the files of a session: intercept_sess.c (its life),
 * intercept_relay.c (its lines), intercept_tls.c (TLS on both legs).
 */
void	 ic_note(struct isess *, enum tdir, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* A reply of the relay's own to the client, noted. */
void	 ic_say(struct isess *, const char *);
/* End with a 421 to the client first (RFC 5321 3.8). */
void	 ic_end421(struct isess *, const char *);
/* Bytes and lines for the client, written once per round. */
void	 ic_cout(struct isess *, const char *, size_t);
void	 ic_coutl(struct isess *, const char *, size_t);
/* A line for the upstream, ended as the client ended it. */
void	 ic_to_up(struct isess *, const char *, size_t, unsigned int);
void	 ic_up_starttls(struct isess *, const char *);
void	 ic_client_starttls(struct isess *);
void	 ic_ehlo_done(struct isess *, const struct reply *);
/* Drive the handshake of the client's leg (1) or the upstream's (0). */
void	 ic_handshake(struct isess *, int);
void	 ic_up_ready(struct isess *);
/* conn_read() callbacks of the two legs. */
void	 ic_up_line(void *, const char *, size_t, unsigned int);
void	 ic_client_line(void *, const char *, size_t, unsigned int);
void	 ic_release_held(struct isess *);
/* 1 while an ended session still sends its last lines to the client. */
int	 isess_lingering(struct isess *, long long);
/* Write what this round gathered for each side. */
void	 isess_flush(struct isess *);
/* Intercept mode (see intercept.h). */
int	 isess_release(struct isess *, const char *, char *, size_t);
int	 intercept_holding(const struct intercept *);

/* smtpscope stops: 421 to the client, then the end. */
void	 isess_stop(struct isess *);
const struct intercept_params *intercept_params(const struct intercept *);
struct tls_server_ctx *intercept_sctx(const struct intercept *);
void	 intercept_changed(struct intercept *);

#endif
