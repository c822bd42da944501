/*
 * tls_report: everything a finished (or failed) TLS handshake tells about
 * the server, gathered once into a plain record the UI and the files read:
 * each certificate the server sent, where the verification path ends, the
 * stapled OCSP answer and what was negotiated.  tls_report_lines() turns
 * it into lines of words; callers add their own prefix ("# TLS: ", "- ").
 * The strings come from the peer: render them through sanitize.
 */
#ifndef SMTPSCOPE_TLS_REPORT_H
#define SMTPSCOPE_TLS_REPORT_H

#include <stddef.h>
#include <time.h>

struct tls;

/* A server sending more than this is described up to here, then counted. */
#define TLS_REPORT_MAX_CERTS	8

struct tls_cert {
	char	 subject[256];
	char	 issuer[256];
	char	 not_before[32];	/* "2026-11-25 18:00 UTC" */
	char	 not_after[32];
	time_t	 expires;		/* not_after as a time */
	char	 key[40];		/* "RSA 2048", "ECDSA P-256" */
	char	 sig[40];		/* "RSA-SHA256" */
	char	 names[512];		/* "a.example, IP 192.0.2.1" */
	char	 sha256[100];		/* AA:BB:... */
	int	 self_signed;
	int	 ca;			/* basic constraints say CA */
};

enum tls_ocsp {
	TLS_OCSP_NONE,		/* nothing stapled */
	TLS_OCSP_GOOD,
	TLS_OCSP_REVOKED,
	TLS_OCSP_UNKNOWN,	/* the responder does not know the cert */
	TLS_OCSP_INVALID	/* stapled, but it did not check out */
};

struct tls_report {
	/* Negotiated. */
	char		 version[16];	/* "TLS1.3" */
	char		 cipher[48];	/* "AES-256-GCM" */
	char		 kx[32];	/* "ECDHE-RSA", or "(TLS1.3)" */
	char		 group[32];	/* "X25519", or "" */
	char		 mac[32];	/* "AEAD", "SHA1" */
	int		 resumed;
	/* What the server sent, leaf first. */
	size_t		 ncerts;	/* described */
	size_t		 nsent;		/* sent (may be more) */
	struct tls_cert	 certs[TLS_REPORT_MAX_CERTS];
	/* Verification: the anchor's DN, or "" when none was reached. */
	int		 verified;
	int		 anchor_sent;	/* the server sent it too */
	char		 anchor[256];
	char		 verdict[256];	/* tls_info's words */
	/* OCSP stapling (RFC 6066 8, RFC 6960). */
	enum tls_ocsp	 ocsp;
	char		 ocsp_this[32];	/* thisUpdate, or "" */
	char		 ocsp_next[32];	/* nextUpdate, or "" */
	char		 ocsp_why[128];	/* for TLS_OCSP_INVALID */
};

/*
 * Fill r from a client session whose handshake finished or failed in
 * verification.  Returns 0, or -1 when there is nothing to describe yet
 * (r then says why in verdict).
 */
int	 tls_get_report(struct tls *, struct tls_report *);

/*
 * Call line(arg, text) for each line of the report, in order, at time
 * now (for "expires in N days"; 0: the clock).  The text has no prefix
 * and no newline.
 */
void	 tls_report_lines(const struct tls_report *, time_t,
	    void (*)(void *, const char *), void *);

struct buf;
/* The report in the sidebar's layout: "## TLS report", "- " items. */
void	 tls_report_text(const struct tls_report *, struct buf *);

/* "expires in 30 days", "expires today", "expired 3 days ago". */
void	 tls_report_expiry(time_t, time_t, char *, size_t);

/* Words for an OCSP status: "none stapled", "good", ... */
const char *tls_ocsp_name(enum tls_ocsp);

#endif
