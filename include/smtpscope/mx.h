/*
 * mx: reach the mail exchanger of a domain the way RFC 5321 section 5.1
 * says.  The MX records are looked up (validated, for DANE); they are
 * tried in order of preference, equal ones in random order; a domain
 * without MX records is its own exchanger ("implicit MX"); a null MX (RFC
 * 7505: "0 .") means the domain takes no mail and nothing is connected.
 * Each exchanger's addresses are looked up at once, then the exchangers
 * are dialled one after another (dial.h), each within the timeout; one
 * that cannot be reached, or greets with anything but 2xx (a 421 says
 * "try later", RFC 5321 section 3.8), is left for the next, with the
 * reason noted.  The greeting is only peeked at: the connection handed
 * over still has it to read.  For the exchanger chosen the TLSA records
 * of _PORT._tcp.HOST are looked up (RFC 7672 section 2.2) when the MX
 * answer was DNSSEC-secure.
 *
 * Progress goes through the note callback in sentences, like dial.
 */
#ifndef SMTPSCOPE_MX_H
#define SMTPSCOPE_MX_H

#include <poll.h>
#include <stddef.h>

#include "smtpscope/net.h"
#include "smtpscope/resolve.h"

/* Exchangers taken from one answer; the rest are named and left. */
#define MX_MAX_HOSTS	16

struct mx;

enum mx_state {
	MX_RUNNING,
	MX_DONE,		/* connected to an exchanger: mx_take_fd */
	MX_FAILED		/* see mx_error */
};

/* Why the whole failed, beyond dial's kinds. */
enum mx_fail {
	MX_FAIL_CONNECT,	/* no exchanger could be used */
	MX_FAIL_NULL,		/* null MX: the domain accepts no mail */
	MX_FAIL_TIMEOUT,
	MX_FAIL_DNS		/* the MX look-up itself failed */
};

/* One exchanger as the sidebar shows it. */
struct mx_host {
	unsigned int	 pref;
	char		 host[256];
	int		 implicit;	/* the domain itself: no MX records */
	char		 addrs[160];	/* "127.0.0.2, ::1", or "" */
	char		 state[160];	/* "not tried", "chosen", why not */
};

/* What DANE needs to know of the exchanger chosen. */
struct mx_dane {
	enum resolve_sec	 mx_sec;	/* of the MX answer */
	int			 looked_up;	/* TLSA were asked for */
	enum resolve_status	 st;
	enum resolve_sec	 sec;
	char			 why[512];	/* failure or bogus reason */
	char			 name[300];	/* _25._tcp.HOST */
	struct resolve_tlsa	*recs;		/* owned by the mx */
	size_t			 n;
};

struct mx_params {
	const char	*domain;
	const char	*port;
	int		 family;
	int		 timeout_ms;	/* each step: look-up, dial, greeting */
	int		 tlsa;		/* look up TLSA for the one chosen */
	void		(*note)(void *, const char *);
	void		*arg;
};

/*
 * Is the target of mx:// (or --mta-sts: what names it in err) a domain
 * the DNS can be asked about?  Not an address, labels of 1 to 63; a
 * non-ASCII name (an IDN) becomes its A-label: *domain, a heap string,
 * is then freed and replaced, and note (if not NULL) says so.  The
 * domain is made lower case and loses a final dot, so that the names
 * shown and checked, the MTA-STS policy host (its URL, its certificate)
 * among them, are the usual ones.  Returns 0, or -1 with err set.
 */
int		 mx_domain_check(char **, const char *, char *, size_t, char *,
		     size_t);
struct mx	*mx_start(const struct mx_params *);
void		 mx_free(struct mx *);
enum mx_state	 mx_state(const struct mx *);
size_t		 mx_pollfds(const struct mx *, struct pollfd *, size_t);
int		 mx_timeout_ms(const struct mx *);
enum mx_state	 mx_process(struct mx *, const struct pollfd *, size_t);
/* Poll until done or failed, or abort_fd (-1: none) is readable. */
enum mx_state	 mx_run(struct mx *, int);
int		 mx_take_fd(struct mx *);
/* The address connected to, and the exchanger's name ("" before). */
const char	*mx_addr(const struct mx *);
const char	*mx_host_chosen(const struct mx *);
const char	*mx_error(const struct mx *, enum mx_fail *);
/* The exchangers, in the order tried. */
const struct mx_host *mx_hosts(const struct mx *, size_t *);
const struct mx_dane *mx_dane(const struct mx *);

#endif
