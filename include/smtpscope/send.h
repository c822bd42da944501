/*
 * send: the one-shot send (smtpscope --to ADDR URL).  It makes the script
 * lines a user would type -- EHLO, :auth, MAIL, RCPT, :send or :bdat,
 * QUIT -- one at a time, each chosen from the replies so far, and hands
 * them to the script engine, so transcript, explanations, diagnosis,
 * fail-closed TLS rules, --log and exit statuses are those of --script.
 */
#ifndef SMTPSCOPE_SEND_H
#define SMTPSCOPE_SEND_H

#include <stddef.h>

#include "smtpscope/message.h"
#include "smtpscope/script.h"

/* --quit-after: stop after this stage (swaks' names). */
enum send_stage {
	STAGE_ALL,	/* no --quit-after: send the message */
	STAGE_CONNECT,
	STAGE_BANNER,
	STAGE_EHLO,
	STAGE_TLS,
	STAGE_AUTH,
	STAGE_MAIL,
	STAGE_RCPT
};

struct send_params {
	const char		*from;		/* "" for the null sender */
	const char *const	*to;
	size_t			 nto;
	const char		*ehlo;		/* name for EHLO */
	int			 lmtp;		/* LHLO, not EHLO (RFC 2033) */
	const char		*auth;		/* --auth MECH, or NULL */
	const char		*msg_path;	/* the built message, or NULL */
	struct msg_info		 info;
	int			 bdat;		/* --bdat */
	size_t			 chunk;		/* its chunk size */
	enum send_stage		 quit_after;
	int			 smtputf8;	/* --smtputf8 */
	int			 requiretls;	/* --requiretls */
	int			 size;		/* --size */
	const char		*dsn_ret;	/* FULL or HDRS */
	const char		*dsn_envid;
	const char		*dsn_notify;
	int			 dsn_orcpt;
};

/* The stage called name, or -1. */
int	 send_stage_parse(const char *);
/* Run it; returns a script exit status (1: a step was refused). */
int	 send_run(struct script_params *, struct send_params *);

#endif
