/*
 * mtasts: SMTP MTA Strict Transport Security (RFC 8461) and the TLS-RPT
 * record (RFC 8460).  The parsers take text and fill plain records; they
 * never look anything up, so the caller brings the TXT records (from DNS,
 * or typed in).  mtasts_fetch() gets the policy over HTTPS with our own
 * small HTTP/1.1 client on tls.c (no redirects, 64 KiB at most, one
 * deadline); mtasts_check() puts it all together for one MX host.
 *
 * Strings in the records come from the network: sanitize them to show.
 */
#ifndef SMTPSCOPE_MTASTS_H
#define SMTPSCOPE_MTASTS_H

#include <stddef.h>

struct buf;
struct tls_params;

/* RFC 8461 3.3: the policy body is small; we read no more than this. */
#define MTASTS_MAX_BODY		(64 * 1024)
/* RFC 8461 3.2: max_age is at most 31557600 seconds (about a year). */
#define MTASTS_MAX_AGE		31557600L
#define MTASTS_MAX_MX		32

/* The _mta-sts TXT record (RFC 8461 3.1). */
struct mtasts_record {
	char	id[33];		/* 1 to 32 letters and digits */
};

/*
 * Parse one TXT record's text.  Returns 0, or -1 with err saying what is
 * wrong (not "v=STSv1" first, no id or a bad one, a field twice, ...).
 */
int	 mtasts_parse_record(const char *, struct mtasts_record *, char *,
	    size_t);
/*
 * Pick the record from all the TXT records of _mta-sts.DOMAIN: those not
 * starting with "v=STSv1" are not ours and are skipped; none is "no
 * policy", two or more is an error (RFC 8461 3.1).  Returns 0, or -1.
 */
int	 mtasts_pick_record(const char *const *, size_t,
	    struct mtasts_record *, char *, size_t);

enum mtasts_mode {
	MTASTS_ENFORCE,
	MTASTS_TESTING,
	MTASTS_NONE
};

struct mtasts_policy {
	enum mtasts_mode mode;
	long		 max_age;
	size_t		 nmx;
	char		 mx[MTASTS_MAX_MX][256];	/* lower case */
};

/*
 * Parse a policy body (RFC 8461 3.2): "key: value" lines ending in CRLF
 * or LF, version STSv1, mode, max_age, mx (several).  Unknown keys are
 * skipped.  Returns 0, or -1 with err naming the line and the trouble.
 */
int	 mtasts_parse_policy(const char *, size_t, struct mtasts_policy *,
	    char *, size_t);
/*
 * The first mx pattern host matches (RFC 8461 4.1: case-insensitive, a
 * trailing dot ignored, "*." stands for exactly one leftmost label), as
 * an index, or -1.
 */
int	 mtasts_match_mx(const struct mtasts_policy *, const char *);
/* 1 when one pattern matches host. */
int	 mtasts_pattern_match(const char *, const char *);
const char *mtasts_mode_name(enum mtasts_mode);

/* The _smtp._tls TXT record (RFC 8460 3). */
#define TLSRPT_MAX_RUA	8
struct tlsrpt_record {
	size_t	nrua;
	char	rua[TLSRPT_MAX_RUA][256];	/* mailto: or https: */
};
int	 tlsrpt_parse_record(const char *, struct tlsrpt_record *, char *,
	    size_t);

/*
 * The HTTP side, parsed from what arrived so far (eof: the peer closed).
 * Returns 1 with the body in *body when the response is complete and
 * acceptable (200, text/plain, no more than MTASTS_MAX_BODY), 0 when
 * more is needed, -1 with err otherwise (a redirect is refused: RFC 8461
 * 3.3 says not to follow it).
 */
int	 mtasts_http_parse(const char *, size_t, int, struct buf *, char *,
	    size_t);

/*
 * GET https://mta-sts.DOMAIN/.well-known/mta-sts.txt, the certificate
 * checked for mta-sts.DOMAIN with tp's trust (ca_file; sni is set here;
 * insecure is ignored: RFC 8461 3.3 wants a valid certificate), within
 * timeout_ms.  The port is 443, or SMTPSCOPE_MTASTS_PORT (a test hook).
 * Returns 0 with the body in *body, or -1 with err.
 */
int	 mtasts_fetch(const char *, const struct tls_params *, int,
	    struct buf *, char *, size_t);

/* What mtasts_check() found, for mtasts_result_lines(). */
struct mtasts_result {
	int			 have_record;	/* TXT records given */
	int			 record_ok;
	struct mtasts_record	 record;
	char			 record_err[256];
	int			 fetched;	/* the policy came */
	char			 fetch_err[512];
	int			 policy_ok;
	struct mtasts_policy	 policy;
	char			 policy_err[256];
	int			 checked_mx;	/* an MX host given */
	char			 mx[256];
	int			 mx_match;	/* pattern index, or -1 */
};

/*
 * mtasts_check(domain, mx, txts, ntxts, tp, timeout_ms, res, err, errlen):
 * for domain and (if not NULL) the MX host mx, pick the record among the
 * TXT records of _mta-sts.DOMAIN (txts NULL: not looked up, go on and
 * fetch; ntxts 0: looked up, none, so no policy and no fetch), fetch and
 * parse the policy, match the host.  Returns 0 when a valid policy came
 * and the host (if given) matches it (or the mode is none), -1
 * otherwise; res says everything and err the first trouble in one
 * sentence.  For more MX hosts of the same domain, match them against
 * res->policy with mtasts_match_mx() rather than fetching again.
 */
int	 mtasts_check(const char *, const char *, const char *const *,
	    size_t, const struct tls_params *, int, struct mtasts_result *,
	    char *, size_t);
/* Say a result in lines of words (no prefix, no newline). */
void	 mtasts_result_lines(const char *, const struct mtasts_result *,
	    void (*)(void *, const char *), void *);

/*
 * The whole of a domain: the TXT records of _mta-sts.DOMAIN and
 * _smtp._tls.DOMAIN asked for together (src/mtasts_dns.c, on resolve.c),
 * then the policy fetched and checked against mx (NULL: none) when the
 * record is there.
 */
enum tlsrpt_state {
	TLSRPT_NONE,		/* looked up: no v=TLSRPTv1 record */
	TLSRPT_OK,
	TLSRPT_BAD,		/* malformed, or more than one */
	TLSRPT_FAIL		/* the look-up failed */
};

struct mtasts_domain {
	int			 sts_dns_ok;	/* the TXT answer came */
	char			 sts_dns_err[256];
	int			 sts_rc;	/* mtasts_check's */
	struct mtasts_result	 sts;
	enum tlsrpt_state	 rpt_state;
	struct tlsrpt_record	 rpt;
	char			 rpt_err[256];
};

/*
 * mtasts_domain_check(domain, mx, tp, timeout_ms, abort_fd, d): each step
 * (the look-ups, the fetch) within timeout_ms; a readable abort_fd (-1:
 * none) ends the look-ups early.  Returns 0 when a valid policy applies
 * and mx (if given) matches it or the mode is none, 1 when the domain has
 * no MTA-STS record, -1 otherwise (d says what).
 */
int	 mtasts_domain_check(const char *, const char *,
	    const struct tls_params *, int, int, struct mtasts_domain *);
/* The TLS-RPT part in one line of words, and the whole in lines. */
void	 tlsrpt_line(const char *, const struct mtasts_domain *, char *,
	    size_t);
void	 mtasts_domain_lines(const char *, const struct mtasts_domain *,
	    void (*)(void *, const char *), void *);
/* "enforce, max_age 604800", "no policy", ... for the sidebar. */
void	 mtasts_domain_summary(const struct mtasts_domain *, char *,
	    size_t);

#endif
