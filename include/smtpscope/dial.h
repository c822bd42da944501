/*
 * dial: reach a host the way RFC 8305 (Happy Eyeballs v2) says.  The name
 * is looked up with resolve (AAAA and A at once); the addresses are tried
 * one after another interleaving the families, IPv6 first; the next
 * attempt starts when the last one has had 250 ms without an answer, or at
 * once when it fails; the first connection made wins and the others are
 * closed.  One deadline bounds the whole, look-up included.
 *
 * Progress is told in sentences through the note callback (which address
 * is tried, which one failed and why), for the transcript.  A caller with
 * its own poll() loop uses dial_pollfds, dial_timeout_ms and dial_process;
 * dial_run does that loop itself.  The dial owns every socket it opens
 * until dial_take_fd hands the winner over.
 */
#ifndef SMTPSCOPE_DIAL_H
#define SMTPSCOPE_DIAL_H

#include <sys/types.h>
#include <sys/socket.h>

#include <poll.h>
#include <stddef.h>

#include "smtpscope/net.h"

struct resolve;

/* RFC 8305 section 5: Connection Attempt Delay. */
#define DIAL_ATTEMPT_DELAY_MS	250
/* RFC 8305 section 3: how long an A answer waits for the AAAA one. */
#define DIAL_RESOLUTION_DELAY_MS 50
/* Enough pollfds for the resolver's sockets and every attempt. */
#define DIAL_MAXFDS		48

struct dial;

enum dial_state {
	DIAL_RUNNING,
	DIAL_DONE,		/* connected: dial_take_fd */
	DIAL_FAILED		/* see dial_error */
};

struct dial_params {
	const char	*host;
	const char	*port;
	int		 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	int		 timeout_ms;	/* all of it; <= 0: no limit of ours */
	int		 delay_ms;	/* between attempts; 0: the RFC's */
	void		(*note)(void *, const char *);	/* or NULL */
	void		*arg;
	/*
	 * Bind each attempt to this local address first (its family only is
	 * tried); NULL: the kernel picks.  A failed bind ends the dial.
	 */
	const struct sockaddr *bind;
	socklen_t	 bind_len;
	/*
	 * A look-up of host already made (resolve_start with the same port
	 * and family), which the dial then owns; its answers are not noted
	 * again.  NULL: the dial looks host up itself.
	 */
	struct resolve	*resolved;
};

/* Start (look-up and, for a literal, the first attempt); never NULL. */
struct dial	*dial_start(const struct dial_params *);
/* Close every socket still open and free the dial. */
void		 dial_free(struct dial *);
enum dial_state	 dial_state(const struct dial *);
/* Fill up to n pollfds for the look-up and the attempts; returns how many. */
size_t		 dial_pollfds(const struct dial *, struct pollfd *, size_t);
/* Milliseconds until dial_process is due even if nothing is ready, or -1. */
int		 dial_timeout_ms(const struct dial *);
/* Handle what poll() reported for the pollfds dial_pollfds filled. */
enum dial_state	 dial_process(struct dial *, const struct pollfd *, size_t);
/*
 * Poll until connected, failed or (abort_fd, -1 for none, readable) told
 * to give up ("was interrupted", NET_E_OTHER).
 */
enum dial_state	 dial_run(struct dial *, int);
/* The connected non-blocking socket, now the caller's; -1 if none. */
int		 dial_take_fd(struct dial *);
/* The address connected to, as text ("::1"); "" before that. */
const char	*dial_addr(const struct dial *);
/* Why the dial failed (one sentence) and the kind of failure. */
const char	*dial_error(const struct dial *, enum net_err *);
/* "5 s", or "0.5 s" for a time that is not whole seconds. */
void		 dial_secs(char *, size_t, int);

#endif
