/*
 * lint: protocol warnings computed from the session as it goes, for
 * mistakes a server may forgive or punish: AUTH over plaintext, commands
 * out of order, bare LF, over-long lines, 8-bit data without 8BITMIME, a
 * message over the advertised SIZE, commands after 221.
 */
#ifndef SMTPSCOPE_LINT_H
#define SMTPSCOPE_LINT_H

#include <stddef.h>

enum lint_id {
	LINT_AUTH_PLAINTEXT,	/* AUTH before TLS */
	LINT_MAIL_BEFORE_EHLO,
	LINT_RCPT_BEFORE_MAIL,
	LINT_DATA_BEFORE_RCPT,
	LINT_MAIL_NO_BRACKETS,	/* MAIL FROM:user@x without < > */
	LINT_RCPT_NO_BRACKETS,
	LINT_BARE_LF,
	LINT_LINE_TOO_LONG,
	LINT_8BIT_NO_8BITMIME,
	LINT_SIZE_EXCEEDED,
	LINT_AFTER_QUIT,	/* command after 221 or QUIT */
	LINT_STARTTLS_NOT_OFFERED,
	LINT_AUTH_NOT_OFFERED,
	LINT_PIPELINING_NOT_OFFERED,
	LINT_COUNT
};

struct lint_warning {
	enum lint_id	 id;
	const char	*text;		/* one or two sentences */
	const char	*ref;		/* "RFC 4954 4" */
};

/* What lint needs to know about the session. */
struct lint_ctx {
	int			 tls;
	int			 greeted;
	int			 helo;		/* HELO or EHLO accepted */
	int			 ehlo;		/* EHLO accepted */
	int			 mail;		/* MAIL accepted */
	int			 nrcpt;		/* RCPT accepted */
	int			 quit;		/* QUIT sent or 221 received */
	unsigned int		 caps;		/* EHLO_* of the last EHLO */
	unsigned long long	 size_max;	/* 0: none */
	/* Added: replies still due when the command is sent (pipelining). */
	size_t			 pending;
	int			 mail_pending;	/* a MAIL still awaits its reply */
	int			 rcpt_pending;	/* a RCPT still awaits its reply */
};

const struct lint_warning *lint_get(enum lint_id);
/* Check a command line about to be sent; returns warnings found (<= max). */
size_t	 lint_command(const struct lint_ctx *, const char *, size_t,
	    const struct lint_warning **, size_t);
/* Check one message content line (flags: LINE_* of how it was typed). */
size_t	 lint_data_line(const struct lint_ctx *, const char *, size_t,
	    unsigned int, const struct lint_warning **, size_t);
/* Check a message's total size when it ends. */
size_t	 lint_data_end(const struct lint_ctx *, unsigned long long,
	    const struct lint_warning **, size_t);

#endif
