/*
 * phase: where an SMTP session is, tracked from the commands the client
 * sent and the replies that answered them.
 */
#ifndef SMTPSCOPE_PHASE_H
#define SMTPSCOPE_PHASE_H

#include <stddef.h>

enum phase {
	PHASE_CONNECT,	/* connecting, no greeting yet */
	PHASE_GREETING,	/* greeting seen, no EHLO/HELO accepted */
	PHASE_EHLO,	/* EHLO/HELO accepted */
	PHASE_TLS,	/* STARTTLS in progress */
	PHASE_AUTH,	/* AUTH exchange in progress */
	PHASE_MAIL,	/* MAIL FROM accepted */
	PHASE_RCPT,	/* at least one RCPT TO accepted */
	PHASE_DATA,	/* sending message content */
	PHASE_QUIT,	/* QUIT sent or 221/421 received */
	PHASE_CLOSED	/* connection closed */
};

enum verb {
	VERB_NONE, VERB_HELO, VERB_EHLO, VERB_STARTTLS, VERB_AUTH,
	VERB_MAIL, VERB_RCPT, VERB_DATA, VERB_BDAT, VERB_RSET, VERB_NOOP,
	VERB_VRFY, VERB_EXPN, VERB_HELP, VERB_QUIT, VERB_OTHER,
	VERB_DOT,	/* end of DATA: a reply to the message itself */
	VERB_ANSWER,	/* an AUTH continuation line */
	VERB_UNASKED	/* of an S line: a reply that answers no command */
};

const char	*phase_name(enum phase);
const char	*verb_name(enum verb);
/* The verb of a command line (case-insensitive; VERB_OTHER if unknown). */
enum verb	 verb_of(const char *, size_t);

struct phase_state {
	enum phase	 phase;
	int		 greeted;	/* 220 greeting received */
	int		 ehlo;		/* EHLO (not HELO) accepted */
	int		 helo;		/* HELO or EHLO accepted */
	int		 tls;		/* TLS is on */
	int		 authed;	/* 235 received */
	int		 mail;		/* MAIL accepted, transaction open */
	int		 nrcpt;		/* RCPTs accepted in this transaction */
	int		 nmsg;		/* messages accepted (250 after DATA) */
};

void	 phase_init(struct phase_state *);
/* A command was sent. */
void	 phase_on_command(struct phase_state *, enum verb);
/*
 * 1 when a reply with code can answer the command with verb (VERB_NONE:
 * the greeting), from RFC 5321 4.3.2; 0 when it cannot (a 220 to EHLO, a
 * 354 to anything but DATA), and the reply must not be paired with it.
 */
int	 phase_reply_fits(enum verb, int);
/* A reply with code arrived for the command with verb (VERB_NONE: greeting). */
void	 phase_on_reply(struct phase_state *, enum verb, int);
/* TLS came up on the connection (implicit or after STARTTLS). */
void	 phase_on_tls(struct phase_state *);
void	 phase_on_close(struct phase_state *);

#endif
