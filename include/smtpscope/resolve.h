/*
 * resolve: DNS look-ups that never block (libunbound lives here and
 * nowhere else).  Two kinds:
 *
 * - Addresses: IPv6 and IPv4 are asked for separately and each family's
 *   answer is kept as it arrives (RFC 8305 section 3), so a caller can
 *   start connecting before the slower family has answered.  Literal
 *   addresses are answered at once without any DNS.
 * - Records (MX, TLSA, TXT): one question, answered with its parsed
 *   records and the DNSSEC verdict (secure, insecure or bogus), which DANE
 *   needs (RFC 7672 section 2.1).
 *
 * The caller polls the descriptors *_pollfds() gives, within
 * *_timeout_ms(), and calls *_process(); resolve_query_wait() does that
 * loop for a caller that may block.  Queries go to the servers of
 * /etc/resolv.conf, or to the one resolve_configure() (--dns) or
 * SMTPSCOPE_DNS_SERVER=ADDR[:PORT] names.  Record look-ups validate with
 * the trust anchor of resolve_configure() or, by default, the root key of
 * /usr/share/dns/root.key; address look-ups do not validate, so a
 * resolver that strips DNSSEC cannot stop a plain connect.
 */
#ifndef SMTPSCOPE_RESOLVE_H
#define SMTPSCOPE_RESOLVE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <poll.h>
#include <stddef.h>

/* The root key from Debian's dns-root-data. */
#define RESOLVE_ROOT_KEY	"/usr/share/dns/root.key"

struct resolve;
struct resolve_query;

enum resolve_status {
	RESOLVE_PENDING,	/* still waiting for the answer */
	RESOLVE_OK,		/* one address or record or more */
	RESOLVE_NODATA,		/* the name has no address/record of this type */
	RESOLVE_NONAME,		/* no such name */
	RESOLVE_FAIL		/* the servers failed or did not answer */
};

/* What DNSSEC says of an answer (RFC 4035 section 4.3). */
enum resolve_sec {
	RESOLVE_INSECURE,	/* unsigned, or no trust anchor covers it */
	RESOLVE_SECURE,		/* validated from the trust anchor */
	RESOLVE_BOGUS		/* signed, but the signatures do not hold */
};

enum resolve_rr {
	RESOLVE_MX = 15,
	RESOLVE_TXT = 16,
	RESOLVE_TLSA = 52
};

struct resolve_addr {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 family;
};

struct resolve_mx {
	unsigned int	 pref;
	char		 host[256];	/* no trailing dot; "" is the root */
};

struct resolve_tlsa {
	unsigned int	 usage;		/* RFC 6698 section 2.1 */
	unsigned int	 selector;
	unsigned int	 mtype;
	unsigned char	*data;
	size_t		 len;
};

struct resolve_txt {
	char		*text;		/* the strings joined, NUL added */
	size_t		 len;		/* may hold NULs: use len */
};

/*
 * Where queries go and which trust anchor record look-ups use; call
 * before the first look-up.  server is ADDR[:PORT] or [ADDR6]:PORT (NULL:
 * SMTPSCOPE_DNS_SERVER, else /etc/resolv.conf); ta_file is a file of DS
 * or DNSKEY records in zone-file form (NULL: the root key, if installed).
 * Returns 0, or -1 with err set (bad address; a trust anchor file
 * without a DS or DNSKEY record, which would make every answer
 * "insecure" without a word).
 */
int		 resolve_configure(const char *, const char *, char *, size_t);
/*
 * Is there a trust anchor to validate with (the file given, or the root
 * key)?  Without one every answer is insecure and DANE never applies.
 */
int		 resolve_anchored(void);

/*
 * Start looking up host (family AF_UNSPEC: IPv6 and IPv4) with the TCP
 * port (digits or a service name).  Returns the look-up, or NULL with err
 * set (unknown service, no resolver configuration).
 */
struct resolve	*resolve_start(const char *, const char *, int, char *,
		    size_t);
void		 resolve_free(struct resolve *);
/* Fill up to n pollfds to wait on; returns how many. */
size_t		 resolve_pollfds(const struct resolve *, struct pollfd *,
		    size_t);
/* Milliseconds until resolve_process() is due anyway, or -1. */
int		 resolve_timeout_ms(const struct resolve *);
/* Handle what poll() reported in pfd[0..n) (n may be 0: timers only). */
void		 resolve_process(struct resolve *, const struct pollfd *,
		    size_t);
/*
 * Where the look-up of family (AF_INET6 or AF_INET) stands; a family not
 * asked for is RESOLVE_NODATA.  For RESOLVE_FAIL, *why (if not NULL) gets
 * the resolver's reason in words.
 */
enum resolve_status resolve_status(const struct resolve *, int,
		    const char **);
/* 1 when every family asked for has its answer. */
int		 resolve_done(const struct resolve *);
/* The addresses of family found so far, in the order to try them. */
const struct resolve_addr *resolve_addrs(const struct resolve *, int,
		    size_t *);
/* Write addr as text ("192.0.2.1", "2001:db8::1") into buf. */
void		 resolve_addr_str(const struct resolve_addr *, char *,
		    size_t);

/*
 * Start asking for the records of type of name (validated).  Returns the
 * query, or NULL with err set.  A name that cannot be in the DNS is
 * answered at once with RESOLVE_NONAME.
 */
struct resolve_query *resolve_query_start(const char *, enum resolve_rr,
		    char *, size_t);
/*
 * The same without validation (the verdict is always insecure): for
 * records that do not rely on DNSSEC, such as MTA-STS's TXT (RFC 8461
 * builds on HTTPS), so that a resolver that strips DNSSEC, which makes
 * signed answers bogus, does not hide them.
 */
struct resolve_query *resolve_query_start_unchecked(const char *,
		    enum resolve_rr, char *, size_t);
void		 resolve_query_free(struct resolve_query *);
size_t		 resolve_query_pollfds(const struct resolve_query *,
		    struct pollfd *, size_t);
void		 resolve_query_process(struct resolve_query *,
		    const struct pollfd *, size_t);
int		 resolve_query_done(const struct resolve_query *);
/*
 * Poll until answered, timeout_ms passed (<= 0: no limit) or abort_fd
 * (-1: none) is readable.  Returns 0 when answered, else -1.
 */
int		 resolve_query_wait(struct resolve_query *, int, int);
/*
 * The answer: its status (*why: the reason for RESOLVE_FAIL, which
 * includes a bogus answer) and its DNSSEC verdict (*why: why it is bogus).
 */
enum resolve_status resolve_query_status(const struct resolve_query *,
		    const char **);
enum resolve_sec resolve_query_sec(const struct resolve_query *,
		    const char **);
/* The records, in the order of the answer (none unless RESOLVE_OK). */
const struct resolve_mx *resolve_query_mx(const struct resolve_query *,
		    size_t *);
const struct resolve_tlsa *resolve_query_tlsa(const struct resolve_query *,
		    size_t *);
const struct resolve_txt *resolve_query_txt(const struct resolve_query *,
		    size_t *);
/* "secure", "insecure", "bogus". */
const char	*resolve_sec_name(enum resolve_sec);

#endif
