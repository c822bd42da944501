/* practice.c: the built-in practice server, ESMTP on loopback. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/auth.h"
#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/data.h"
#include "smtpscope/net.h"
#include "smtpscope/practice.h"
#include "smtpscope/reply.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/tls.h"
#include "smtpscope/xmalloc.h"

#define PRACTICE_NAME		"practice.test"
#define PRACTICE_SLOW_MS	3000
/* RFC 5321 4.5.3.2.7: a server waits at least 5 minutes for a command. */
#define PRACTICE_IDLE_MS	(5 * 60 * 1000)
#define PRACTICE_SESSIONS_MAX	1024
/* RFC 5321 4.5.3.1.4: a command line is at most 512 octets with CRLF. */
#define CMD_LINE_MAX		510
/* RFC 5321 4.5.3.1.8: at least 100 recipients must be taken. */
#define RCPT_MAX		100
/*
 * Replies queued for one session (not yet taken by the kernel, or held for
 * slow@): past OUT_QUEUE_SOFT we stop reading from the client; a client
 * whose pipelined input (RFC 2920 3.1) alone pushes them past
 * OUT_QUEUE_MAX gets a 421 and is closed.
 */
#define OUT_QUEUE_SOFT		(256 * 1024)
#define OUT_QUEUE_MAX		(1024 * 1024)
/* Hand replies to the kernel in the middle of a read past this size. */
#define OUT_FLUSH_AT		(64 * 1024)
#define FLOOD_REPLY		"421 4.7.0 Too much pipelined input without " \
				"reading replies, closing"
#define GREYLIST_MAX		4096
/* Messages kept in memory, in octets, besides PRACTICE_KEEP_MAX. */
#define KEEP_BYTES_MAX		(64 * 1024 * 1024)
#define BUSY_REPLY		"421 4.7.0 Too many connections, try later\r\n"

enum auth_step {
	STEP_NONE,
	STEP_PLAIN,		/* waiting for the PLAIN response */
	STEP_LOGIN_USER,
	STEP_LOGIN_PASS,
	STEP_CRAM		/* waiting for the CRAM-MD5 digest */
};

enum data_mode {
	MODE_CMD,
	MODE_DATA,		/* between 354 and the lone dot */
	MODE_BDAT		/* reading a byte-counted chunk */
};

struct psess {
	struct practice	*p;
	struct conn	*c;
	unsigned int	 id;
	char		 peer[64];
	short		 revents;

	int		 handshaking;
	int		 greeted;
	int		 starttls_now;	/* STARTTLS accepted inside conn_read */
	int		 helo;		/* 0 none, 1 HELO, 2 EHLO */
	int		 authed;
	enum auth_step	 step;
	char		*login_user;
	char		*challenge;

	/* The mail transaction. */
	int		 mail;
	char		*from;
	char		**rcpt;
	size_t		 nrcpt;
	int		 big;		/* a big@ recipient was taken */
	int		 drop;		/* a drop@ recipient was taken */
	int		 chunking;	/* BDAT used in this transaction */
	int		 failed;	/* BDAT transaction already refused */

	enum data_mode	 mode;
	struct buf	 msg;
	size_t		 msglen;	/* octets received, even past the limit */
	int		 toolong;	/* a content line over 998 octets */
	int		 bare_lf;
	size_t		 bdat_left;
	int		 bdat_last;
	int		 bdat_bad;	/* 503 after this chunk */
	size_t		 lines;

	struct buf	 out;		/* replies of this read, one write */
	struct buf	 held;		/* replies behind a slow@ delay */
	long long	 hold_until;
	long long	 last;		/* last activity, for the idle timer */
	int		 close_after;	/* close once the replies are out */
	int		 dead;		/* close now */
};

struct practice {
	struct practice_params	 params;
	char			*name;
	int			 lfd;
	int			 tlsfd;
	struct tls_server_ctx	*tls;
	struct psess		**sess;
	size_t			 nsess;
	unsigned int		 next_id;

	struct practice_msg	**msgs;
	size_t			 nmsgs;
	size_t			 kept;		/* octets of msgs */
	unsigned long		 total;

	char			**grey;
	size_t			 ngrey;
};

static void	 say(struct psess *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 plog(struct psess *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 sess_line(void *, const char *, size_t, unsigned int);
static void	 cmd_line(struct psess *, const char *, size_t, unsigned int);

/* Monotonic time in milliseconds. */
static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Log one session event on stderr, only when asked to (--serve).  The
 * text may carry client bytes (addresses, names): it is sanitized whole,
 * so no control byte reaches the terminal.
 */
static void
plog(struct psess *s, const char *fmt, ...)
{
	va_list	 ap;
	char	*line, *safe;
	int	 n;

	if (!s->p->params.verbose)
		return;
	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n == -1)
		fatal("out of memory");
	safe = sanitize_dup(line, (size_t)n);
	fprintf(stderr, "practice[%u]: %s\n", s->id, safe);
	free(safe);
	free(line);
}

/* Queue one reply line (CRLF added), behind a pending delay if any. */
static void
say(struct psess *s, const char *fmt, ...)
{
	va_list		 ap;
	char		*line;
	struct buf	*b;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	b = s->hold_until != 0 ? &s->held : &s->out;
	buf_addstr(b, line);
	buf_add(b, "\r\n", 2);
	free(line);
}

/* Hold this and every later reply for the slow@ delay. */
static void
hold(struct psess *s)
{
	int	ms;

	ms = s->p->params.slow_ms > 0 ? s->p->params.slow_ms :
	    PRACTICE_SLOW_MS;
	if (s->hold_until == 0)
		s->hold_until = now_ms() + ms;
	else
		s->hold_until += ms;
}

/* Send what this read produced, in one write. */
static void
flush_out(struct psess *s)
{
	if (s->out.len == 0 || s->c == NULL)
		return;
	if (conn_write(s->c, s->out.data, s->out.len) == -1)
		s->dead = 1;
	buf_reset(&s->out);
}

/* Octets of replies this session holds: built, delayed or unsent. */
static size_t
out_queued(const struct psess *s)
{
	return (s->out.len + s->held.len +
	    (s->c != NULL ? conn_queued(s->c) : 0));
}

static void
msg_free(struct practice_msg *m)
{
	size_t	i;

	if (m == NULL)
		return;
	free(m->from);
	for (i = 0; i < m->nrcpt; i++)
		free(m->rcpt[i]);
	free(m->rcpt);
	free(m->data);
	free(m->id);
	free(m);
}

/* Forget the mail transaction (RSET, EHLO, end of message). */
static void
txn_reset(struct psess *s)
{
	size_t	i;

	free(s->from);
	s->from = NULL;
	for (i = 0; i < s->nrcpt; i++)
		free(s->rcpt[i]);
	free(s->rcpt);
	s->rcpt = NULL;
	s->nrcpt = 0;
	s->mail = s->big = s->drop = s->chunking = s->failed = 0;
	s->mode = MODE_CMD;
	buf_free(&s->msg);
	s->msglen = 0;
	s->toolong = s->bare_lf = 0;
	s->bdat_left = 0;
	s->bdat_last = s->bdat_bad = 0;
	s->lines = 0;
}

static void
auth_reset(struct psess *s)
{
	s->step = STEP_NONE;
	free_secret(s->login_user);
	s->login_user = NULL;
	free(s->challenge);
	s->challenge = NULL;
}

static void
sess_free(struct psess *s)
{
	txn_reset(s);
	auth_reset(s);
	if (s->c != NULL)
		conn_free(s->c);
	buf_free(&s->out);
	buf_free(&s->held);
	free(s);
}

/* 1 when the domain is one of ours (no relaying needed). */
static int
domain_is_local(struct practice *p, const char *d)
{
	size_t	len;

	len = strlen(d);
	if (len > 0 && d[len - 1] == '.')
		len--;
	if ((len == 9 && strncasecmp(d, "localhost", 9) == 0) ||
	    (len == 13 && strncasecmp(d, "practice.test", 13) == 0) ||
	    (len == strlen(p->name) && strncasecmp(d, p->name, len) == 0) ||
	    (len == 11 && strncmp(d, "[127.0.0.1]", 11) == 0) ||
	    (len == 11 && strncasecmp(d, "[IPv6:::1]", 10) == 0))
		return (1);
	return (0);
}

/*
 * Check a path's address: an empty one is fine when allowed, otherwise
 * local@domain without blanks or control bytes.  A source route (RFC 5321
 * 4.1.2 "@a,@b:") is skipped.  Returns the address start or NULL.
 */
static const char *
addr_check(const char *a, int empty_ok)
{
	const char	*at, *p;

	if (*a == '@' && (p = strchr(a, ':')) != NULL)
		a = p + 1;
	if (*a == '\0')
		return (empty_ok ? a : NULL);
	for (p = a; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return (NULL);
	at = strrchr(a, '@');
	if (at == NULL || at == a || at[1] == '\0')
		return (NULL);
	return (a);
}

/*
 * Split "KEYWORD:<path> params" after the verb: fill path (malloc'd) and
 * params.  Returns 0, or -1 when the shape is wrong.
 */
static int
parse_path(const char *args, const char *kw, char **path,
    const char **params)
{
	size_t		 kwlen;
	const char	*lt, *gt;

	kwlen = strlen(kw);
	if (*args != ' ')
		return (-1);
	args++;
	if (strncasecmp(args, kw, kwlen) != 0)
		return (-1);
	args += kwlen;
	while (*args == ' ')	/* lenient: "FROM: <a@b>" */
		args++;
	lt = args;
	if (*lt != '<' || (gt = strchr(lt, '>')) == NULL)
		return (-1);
	if (gt[1] != '\0' && gt[1] != ' ')
		return (-1);
	*path = xstrndup(lt + 1, gt - lt - 1);
	*params = gt + 1;
	while (**params == ' ')
		(*params)++;
	return (0);
}

static int
has_8bit(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return (1);
	return (0);
}

/* EHLO and HELO (RFC 5321 4.1.1.1); EHLO lists the extensions. */
static void
do_helo(struct psess *s, const char *args, int ehlo)
{
	struct practice	*p = s->p;

	if (*args != ' ' || args[1] == '\0') {
		say(s, "501 5.5.4 Syntax: %s hostname", ehlo ? "EHLO" : "HELO");
		return;
	}
	args++;
	/* RFC 5321 4.1.4: a new EHLO/HELO also ends any mail transaction. */
	txn_reset(s);
	s->helo = ehlo ? 2 : 1;
	if (!ehlo) {
		say(s, "250 %s", p->name);
		return;
	}
	say(s, "250-%s greets %s [%s]", p->name, args, s->peer);
	say(s, "250-PIPELINING");
	say(s, "250-SIZE %d", PRACTICE_SIZE_MAX);
	if (p->tls != NULL && !conn_is_tls(s->c))
		say(s, "250-STARTTLS");
	say(s, "250-AUTH PLAIN LOGIN CRAM-MD5");
	say(s, "250-ENHANCEDSTATUSCODES");
	say(s, "250-8BITMIME");
	say(s, "250-SMTPUTF8");
	say(s, "250-CHUNKING");
	say(s, "250 HELP");
}

/* Check MAIL parameters (RFC 1870, 6152, 6531); 0 when all are fine. */
static int
mail_params(struct psess *s, const char *params, int *utf8)
{
	char		*copy, *tok, *val, *last;
	int		 rc = 0;
	unsigned long long size;

	*utf8 = 0;
	copy = xstrdup(params);
	for (tok = strtok_r(copy, " ", &last); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, " ", &last)) {
		if ((val = strchr(tok, '=')) != NULL)
			*val++ = '\0';
		if (strcasecmp(tok, "SIZE") == 0) {
			if (val == NULL || *val == '\0' ||
			    strspn(val, "0123456789") != strlen(val) ||
			    strlen(val) > 19) {
				say(s, "501 5.5.4 Bad SIZE parameter");
				rc = -1;
				break;
			}
			size = strtoull(val, NULL, 10);
			if (size > PRACTICE_SIZE_MAX) {
				say(s, "552 5.3.4 Message size exceeds fixed "
				    "limit of %d octets", PRACTICE_SIZE_MAX);
				rc = -1;
			}
		} else if (strcasecmp(tok, "BODY") == 0) {
			if (val == NULL || (strcasecmp(val, "7BIT") != 0 &&
			    strcasecmp(val, "8BITMIME") != 0)) {
				say(s, "501 5.5.4 Bad BODY parameter");
				rc = -1;
			}
		} else if (strcasecmp(tok, "SMTPUTF8") == 0) {
			if (val != NULL) {
				say(s, "501 5.5.4 SMTPUTF8 takes no value");
				rc = -1;
			}
			*utf8 = 1;
		} else if (strcasecmp(tok, "AUTH") == 0) {
			if (val == NULL || *val == '\0') {
				say(s, "501 5.5.4 Bad AUTH parameter");
				rc = -1;
			}
		} else {
			/* RFC 5321 4.1.1.11: unknown parameters get 555. */
			say(s, "555 5.5.4 Unsupported parameter %s", tok);
			rc = -1;
		}
	}
	free(copy);
	return (rc);
}

/* MAIL FROM (RFC 5321 4.1.1.2): starts a transaction. */
static void
do_mail(struct psess *s, const char *args)
{
	char		*path = NULL;
	const char	*params, *a;
	int		 utf8;

	if (s->helo == 0) {
		say(s, "503 5.5.1 Error: send EHLO or HELO first");
		return;
	}
	if (s->p->params.require_auth && !s->authed) {
		say(s, "530 5.7.0 Authentication required");
		return;
	}
	if (s->mail) {
		say(s, "503 5.5.1 Error: nested MAIL command");
		return;
	}
	if (parse_path(args, "FROM:", &path, &params) == -1) {
		say(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
		return;
	}
	if ((a = addr_check(path, 1)) == NULL) {
		say(s, "501 5.1.7 Bad sender address syntax");
		goto out;
	}
	if (mail_params(s, params, &utf8) == -1)
		goto out;
	if (!utf8 && has_8bit(a)) {
		say(s, "553 5.6.7 Non-ASCII address needs SMTPUTF8 (RFC 6531)");
		goto out;
	}
	s->mail = 1;
	s->from = xstrdup(a);
	say(s, "250 2.1.0 Sender <%s> OK", a);
out:
	free(path);
}

/* Greylisting (first try per sender and recipient): 1 when to defer. */
static int
greylist(struct practice *p, const char *from, const char *rcpt)
{
	char	*key, *k;
	size_t	 i;

	key = xprintf("%s\n%s", from, rcpt);
	for (k = key; *k != '\0'; k++)
		*k = tolower((unsigned char)*k);
	for (i = 0; i < p->ngrey; i++) {
		if (strcmp(p->grey[i], key) == 0) {
			free(key);
			return (0);
		}
	}
	if (p->ngrey == GREYLIST_MAX) {
		for (i = 0; i < p->ngrey; i++)
			free(p->grey[i]);
		p->ngrey = 0;
	}
	p->grey = xreallocarray(p->grey, p->ngrey + 1, sizeof *p->grey);
	p->grey[p->ngrey++] = key;
	return (1);
}

static int
local_is(const char *a, size_t llen, const char *name)
{
	return (llen == strlen(name) && strncasecmp(a, name, llen) == 0);
}

/* RCPT TO (RFC 5321 4.1.1.3): the teaching scenarios live here. */
static void
do_rcpt(struct psess *s, const char *args)
{
	struct practice	*p = s->p;
	char		*path = NULL;
	const char	*params, *a, *at, *domain;
	size_t		 llen;
	int		 local;

	if (!s->mail) {
		say(s, "503 5.5.1 Error: need MAIL command");
		return;
	}
	if (parse_path(args, "TO:", &path, &params) == -1) {
		say(s, "501 5.5.4 Syntax: RCPT TO:<address>");
		return;
	}
	if (*params != '\0') {
		say(s, "555 5.5.4 Unsupported parameter %.*s",
		    (int)strcspn(params, " "), params);
		goto out;
	}
	/* RFC 5321 4.5.1: "postmaster" without a domain must work. */
	if (strcasecmp(path, "postmaster") == 0) {
		a = path;
		domain = p->name;
		llen = strlen(path);
	} else {
		if ((a = addr_check(path, 0)) == NULL) {
			say(s, "501 5.1.3 Bad recipient address syntax");
			goto out;
		}
		at = strrchr(a, '@');
		domain = at + 1;
		llen = at - a;
	}
	if (s->nrcpt >= RCPT_MAX) {
		say(s, "452 4.5.3 Too many recipients");
		goto out;
	}
	local = domain_is_local(p, domain);
	if (!local && (local_is(a, llen, "relay") || !s->authed)) {
		say(s, "554 5.7.1 <%s>: Relay access denied", a);
		goto out;
	}
	if (local && local_is(a, llen, "nouser")) {
		say(s, "550 5.1.1 <%s>: User unknown", a);
		goto out;
	}
	if (local && local_is(a, llen, "full")) {
		say(s, "452 4.2.2 <%s>: Mailbox full, try again later", a);
		goto out;
	}
	if (local && local_is(a, llen, "shutdown")) {
		say(s, "421 4.3.2 %s Service shutting down, closing "
		    "connection", p->name);
		s->close_after = 1;
		goto out;
	}
	if (local && local_is(a, llen, "greylist") &&
	    greylist(p, s->from, a)) {
		say(s, "451 4.7.1 <%s>: Greylisted, please try again later",
		    a);
		goto out;
	}
	if (local && local_is(a, llen, "big"))
		s->big = 1;
	if (local && local_is(a, llen, "drop"))
		s->drop = 1;
	if (local && local_is(a, llen, "slow"))
		hold(s);
	s->rcpt = xreallocarray(s->rcpt, s->nrcpt + 1, sizeof *s->rcpt);
	s->rcpt[s->nrcpt++] = xstrdup(a);
	say(s, "250 2.1.5 Recipient <%s> OK", a);
out:
	free(path);
}

/* Write one message as DIR/<n>-<time>.eml; 0 or -1. */
static int
maildir_write(struct practice *p, struct practice_msg *m, time_t t)
{
	const char	*dir = p->params.maildir;
	char		*path, *head;
	struct buf	 b;
	char		 date[64];
	int		 fd, k, rc = -1;
	size_t		 off;
	ssize_t		 n;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return (-1);
	fd = -1;
	path = NULL;
	for (k = 0; k < 100 && fd == -1; k++) {
		free(path);
		if (k == 0)
			path = xprintf("%s/%lu-%lld.eml", dir, p->total,
			    (long long)t);
		else
			path = xprintf("%s/%lu-%lld-%d.eml", dir, p->total,
			    (long long)t, k);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	if (fd == -1) {
		free(path);
		return (-1);
	}
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000",
	    gmtime(&t));
	buf_init(&b);
	head = xprintf("Return-Path: <%s>\r\nReceived: by %s (smtpscope "
	    "practice server) id %s; %s\r\n", m->from, p->name, m->id, date);
	buf_addstr(&b, head);
	free(head);
	buf_add(&b, m->data, m->len);
	for (off = 0; off < b.len; off += n) {
		n = write(fd, b.data + off, b.len - off);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0)
			goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	if (close(fd) == -1)
		rc = -1;
	if (rc == -1)
		unlink(path);	/* no half message left behind */
	free(path);
	return (rc);
}

/* Keep a message in memory, letting the oldest go past the limits. */
static void
keep(struct practice *p, struct practice_msg *m)
{
	while (p->nmsgs > 0 && (p->nmsgs >= PRACTICE_KEEP_MAX ||
	    p->kept + m->len > KEEP_BYTES_MAX)) {
		p->kept -= p->msgs[0]->len;
		msg_free(p->msgs[0]);
		memmove(p->msgs, p->msgs + 1,
		    (p->nmsgs - 1) * sizeof *p->msgs);
		p->nmsgs--;
	}
	p->msgs = xreallocarray(p->msgs, p->nmsgs + 1, sizeof *p->msgs);
	p->msgs[p->nmsgs++] = m;
	p->kept += m->len;
}

/* The message is complete: refuse it or keep it, then reply. */
static void
msg_done(struct psess *s)
{
	struct practice		*p = s->p;
	struct practice_msg	*m;
	time_t			 t;
	size_t			 i;

	if (s->big || s->msglen > PRACTICE_SIZE_MAX)
		say(s, "552 5.3.4 Message size exceeds fixed limit of %d "
		    "octets", PRACTICE_SIZE_MAX);
	else if (s->bare_lf)
		say(s, "550 5.6.0 Bare LF in message content is not allowed "
		    "(RFC 5321 2.3.8)");
	else if (s->toolong)
		say(s, "550 5.6.0 Message has a line over 998 octets "
		    "(RFC 5321 4.5.3.1.6)");
	else {
		t = time(NULL);
		m = xcalloc(1, sizeof *m);
		m->from = xstrdup(s->from);
		m->rcpt = xreallocarray(NULL, s->nrcpt, sizeof *m->rcpt);
		for (i = 0; i < s->nrcpt; i++)
			m->rcpt[i] = xstrdup(s->rcpt[i]);
		m->nrcpt = s->nrcpt;
		m->len = s->msg.len;
		m->data = buf_take(&s->msg);
		p->total++;
		m->id = xprintf("%lu-%lld", p->total, (long long)t);
		if (p->params.maildir != NULL &&
		    maildir_write(p, m, t) == -1) {
			p->total--;
			msg_free(m);
			say(s, "451 4.3.0 Local error writing the message");
		} else {
			say(s, "250 2.6.0 Message accepted, queued as %s",
			    m->id);
			plog(s, "accepted %s from <%s>, %zu octets", m->id,
			    m->from, m->len);
			keep(p, m);
		}
	}
	txn_reset(s);
}

/* Keep content bytes, counting them all but storing only up to the limit. */
static void
msg_add(struct psess *s, const char *b, size_t len)
{
	s->msglen += len;
	if (s->msglen <= PRACTICE_SIZE_MAX && !s->big)
		buf_add(&s->msg, b, len);
}

/* One line of DATA content (RFC 5321 4.5.2: undo dot-stuffing). */
static void
data_line(struct psess *s, const char *line, size_t len, unsigned int flags)
{
	if (s->drop) {
		plog(s, "drop@: closing in the middle of DATA");
		s->dead = 1;
		return;
	}
	/* Only CRLF "." CRLF ends the data: a bare LF never does. */
	if (!(flags & (LINE_BARE_LF | LINE_PARTIAL)) &&
	    data_is_end(line, len)) {
		msg_done(s);
		return;
	}
	s->lines++;
	if (flags & LINE_BARE_LF)
		s->bare_lf = 1;
	if (flags & (LINE_TOO_LONG | LINE_TRUNCATED))
		s->toolong = 1;
	data_unstuff_line(&line, &len);
	msg_add(s, line, len);
	msg_add(s, "\r\n", 2);
}

/* A BDAT chunk is complete (RFC 3030 2). */
static void
bdat_done(struct psess *s)
{
	s->mode = MODE_CMD;
	if (s->bdat_bad) {
		say(s, "503 5.5.1 Error: %s", s->mail ?
		    "no valid recipients" : "need MAIL command");
		s->bdat_bad = 0;
		return;
	}
	if (s->failed) {
		say(s, "554 5.5.1 Error: this transaction already failed, "
		    "send RSET");
		return;
	}
	if (s->msglen > PRACTICE_SIZE_MAX) {
		say(s, "552 5.3.4 Message size exceeds fixed limit of %d "
		    "octets", PRACTICE_SIZE_MAX);
		s->failed = 1;
		return;
	}
	if (s->bdat_last) {
		msg_done(s);
		return;
	}
	say(s, "250 2.0.0 %zu octets received", s->msglen);
}

/* Bytes of a BDAT chunk arrive as lines; rebuild them and count. */
static void
bdat_line(struct psess *s, const char *line, size_t len, unsigned int flags)
{
	const char	*eol;
	size_t		 eollen, take;

	if (s->drop && !s->bdat_bad && !s->failed) {
		plog(s, "drop@: closing in the middle of BDAT");
		s->dead = 1;
		return;
	}
	if (flags & LINE_TRUNCATED) {
		/* Octets were lost: the byte count can no longer be kept. */
		say(s, "500 5.5.2 Line too long inside a BDAT chunk, closing");
		s->close_after = 1;
		return;
	}
	eol = (flags & LINE_BARE_LF) ? "\n" : "\r\n";
	eollen = (flags & LINE_PARTIAL) ? 0 : strlen(eol);
	take = len < s->bdat_left ? len : s->bdat_left;
	if (!s->bdat_bad && !s->failed)
		msg_add(s, line, take);
	s->bdat_left -= take;
	if (take < len) {
		/* The chunk ended inside this line: the rest is a command. */
		bdat_done(s);
		cmd_line(s, line + take, len - take, flags);
		return;
	}
	take = eollen < s->bdat_left ? eollen : s->bdat_left;
	if (!s->bdat_bad && !s->failed)
		msg_add(s, eol, take);
	s->bdat_left -= take;
	if (s->bdat_left > 0)
		return;
	bdat_done(s);
	/* The chunk ended before this line end: an empty command follows. */
	if (take < eollen)
		cmd_line(s, "", 0, flags);
}

/*
 * A BDAT chunk may end inside a line, with the client waiting for our
 * reply before it sends more: take the octets of the unfinished line.
 */
static void
bdat_partial(struct psess *s)
{
	struct buf	b;
	size_t		n;

	if (s->mode != MODE_BDAT || s->bdat_left == 0)
		return;
	buf_init(&b);
	n = conn_take_partial(s->c, &b, s->bdat_left);
	if (n > 0 && !s->bdat_bad && !s->failed)
		msg_add(s, b.data, n);
	s->bdat_left -= n;
	buf_free(&b);
	if (n > 0 && s->bdat_left == 0)
		bdat_done(s);
}

/* DATA (RFC 5321 4.1.1.4): 354, then content until the lone dot. */
static void
do_data(struct psess *s, const char *args)
{
	if (*args != '\0') {
		say(s, "501 5.5.4 Syntax: DATA (no arguments)");
		return;
	}
	if (!s->mail) {
		say(s, "503 5.5.1 Error: need MAIL command");
		return;
	}
	if (s->nrcpt == 0) {
		say(s, "503 5.5.1 Error: need RCPT command (no valid "
		    "recipients)");
		return;
	}
	if (s->chunking) {
		/* RFC 3030 2: DATA may not follow BDAT. */
		say(s, "503 5.5.1 Error: DATA after BDAT in one transaction");
		return;
	}
	s->mode = MODE_DATA;
	buf_reset(&s->msg);
	s->msglen = 0;
	say(s, "354 End data with <CR><LF>.<CR><LF>");
}

/* BDAT size [LAST] (RFC 3030 2): a byte-counted chunk follows. */
static void
do_bdat(struct psess *s, const char *args)
{
	char			*end;
	unsigned long long	 n;
	int			 last = 0;

	if (*args != ' ' || !isdigit((unsigned char)args[1])) {
		say(s, "501 5.5.4 Syntax: BDAT size [LAST]");
		return;
	}
	errno = 0;
	n = strtoull(args + 1, &end, 10);
	if (errno != 0 || end - args > 20) {
		say(s, "501 5.5.4 Syntax: BDAT size [LAST]");
		return;
	}
	while (*end == ' ')
		end++;
	if (strcasecmp(end, "LAST") == 0)
		last = 1;
	else if (*end != '\0') {
		say(s, "501 5.5.4 Syntax: BDAT size [LAST]");
		return;
	}
	/* RFC 3030 2: the chunk is read in any case, then refused. */
	s->bdat_bad = !s->mail || s->nrcpt == 0;
	if (!s->bdat_bad && !s->chunking) {
		s->chunking = 1;
		buf_reset(&s->msg);
		s->msglen = 0;
	}
	s->bdat_last = last;
	s->bdat_left = n;
	s->mode = MODE_BDAT;
	if (n == 0)
		bdat_done(s);
}

/* STARTTLS (RFC 3207): 220 in clear, then the same conn turns TLS. */
static void
do_starttls(struct psess *s, const char *args)
{
	char	err[256];
	size_t	dropped = 0;

	if (*args != '\0') {
		say(s, "501 5.5.4 Syntax: STARTTLS (no arguments)");
		return;
	}
	if (conn_is_tls(s->c)) {
		say(s, "503 5.5.1 Error: TLS already active");
		return;
	}
	if (s->p->tls == NULL) {
		say(s, "454 4.7.0 TLS not available");
		return;
	}
	/* Whatever was delayed goes first; the 220 must be in clear text. */
	buf_add(&s->out, s->held.data, s->held.len);
	buf_reset(&s->held);
	s->hold_until = 0;
	say(s, "220 2.0.0 Ready to start TLS");
	flush_out(s);
	if (conn_start_tls(s->c, NULL, s->p->tls, &dropped, err,
	    sizeof err) == -1) {
		plog(s, "STARTTLS failed: %s", err);
		s->dead = 1;
		return;
	}
	if (dropped > 0)
		plog(s, "dropped %zu octets sent before the handshake",
		    dropped);
	/* RFC 3207 4.2: forget everything learnt before TLS. */
	s->helo = 0;
	s->authed = 0;
	auth_reset(s);
	txn_reset(s);
	s->handshaking = 1;
	s->starttls_now = 1;
}

/* 1 when the user and password are the demo credentials. */
static int
creds_ok(const char *user, const char *pass)
{
	return (user != NULL && pass != NULL &&
	    strcmp(user, PRACTICE_USER) == 0 &&
	    strcmp(pass, PRACTICE_PASSWORD) == 0);
}

/* End an AUTH exchange with 235 or 535 (RFC 4954 6). */
static void
auth_result(struct psess *s, int good, const char *user)
{
	s->step = STEP_NONE;
	if (good) {
		s->authed = 1;
		say(s, "235 2.7.0 Authentication successful");
		plog(s, "authenticated as %s", user);
	} else
		say(s, "535 5.7.8 Authentication credentials invalid");
	free_secret(s->login_user);
	s->login_user = NULL;
	free(s->challenge);
	s->challenge = NULL;
}

/* Decode a base64 answer into b (NUL-terminated); -1 when it is not base64. */
static int
auth_decode(struct psess *s, const char *text, size_t len, struct buf *b)
{
	buf_init(b);
	if (b64_decode(text, len, b) == -1) {
		s->step = STEP_NONE;
		say(s, "501 5.5.2 Cannot decode the base64 answer");
		return (-1);
	}
	return (0);
}

/* Check a PLAIN response (RFC 4616). */
static void
auth_plain_check(struct psess *s, const char *text, size_t len)
{
	struct buf	 b;
	const char	*authz, *user, *pass;
	size_t		 zl, ul;

	if (auth_decode(s, text, len, &b) == -1)
		return;
	/* RFC 4616 2: authzid NUL authcid NUL passwd. */
	authz = b.data != NULL ? b.data : "";
	zl = strnlen(authz, b.len);
	if (zl >= b.len) {
		auth_result(s, 0, NULL);
		goto out;
	}
	user = authz + zl + 1;
	ul = strnlen(user, b.len - zl - 1);
	if (zl + 1 + ul >= b.len) {
		auth_result(s, 0, NULL);
		goto out;
	}
	pass = user + ul + 1;
	if (memchr(pass, '\0', b.len - zl - ul - 2) != NULL ||
	    (zl > 0 && strcmp(authz, user) != 0))
		auth_result(s, 0, NULL);
	else
		auth_result(s, creds_ok(user, pass), user);
out:
	wipe(b.data, b.cap);
	buf_free(&b);
}

/* Check a CRAM-MD5 response against our challenge (RFC 2195). */
static void
auth_cram_check(struct psess *s, const char *text, size_t len)
{
	struct buf	 got, want;
	char		*exp;
	int		 good = 0;

	if (auth_decode(s, text, len, &got) == -1)
		return;
	buf_init(&want);
	exp = auth_cram_md5(PRACTICE_USER, PRACTICE_PASSWORD, s->challenge,
	    strlen(s->challenge));
	if (exp != NULL && b64_decode(exp, strlen(exp), &want) == 0 &&
	    got.len == want.len && got.len > 0 &&
	    memcmp(got.data, want.data, got.len) == 0)
		good = 1;
	free_secret(exp);
	auth_result(s, good, PRACTICE_USER);
	wipe(got.data, got.cap);
	buf_free(&got);
	buf_free(&want);
}

/* One answer line inside an AUTH exchange (RFC 4954 4). */
static void
auth_line(struct psess *s, const char *line, size_t len, unsigned int flags)
{
	struct buf	b;

	if (flags & LINE_TRUNCATED) {
		s->step = STEP_NONE;
		auth_reset(s);
		say(s, "500 5.5.6 Authentication exchange line is too long");
		return;
	}
	if (len == 1 && line[0] == '*') {
		auth_reset(s);
		say(s, "501 5.7.0 Authentication cancelled");
		return;
	}
	switch (s->step) {
	case STEP_PLAIN:
		auth_plain_check(s, line, len);
		break;
	case STEP_LOGIN_USER:
		if (auth_decode(s, line, len, &b) == -1)
			break;
		s->login_user = buf_take(&b);
		s->step = STEP_LOGIN_PASS;
		say(s, "334 UGFzc3dvcmQ6");
		break;
	case STEP_LOGIN_PASS:
		if (auth_decode(s, line, len, &b) == -1) {
			auth_reset(s);
			break;
		}
		auth_result(s, creds_ok(s->login_user, buf_str(&b)),
		    s->login_user);
		wipe(b.data, b.cap);
		buf_free(&b);
		break;
	case STEP_CRAM:
		auth_cram_check(s, line, len);
		break;
	case STEP_NONE:
		break;
	}
	if (s->step == STEP_NONE)
		auth_reset(s);
}

/* AUTH mechanism [initial-response] (RFC 4954 4). */
static void
do_auth(struct psess *s, const char *args)
{
	char		 mech[32], *b64;
	const char	*init;
	size_t		 mlen;

	if (s->helo != 2) {
		say(s, "503 5.5.1 Error: send EHLO first");
		return;
	}
	if (s->authed) {
		say(s, "503 5.5.1 Error: already authenticated");
		return;
	}
	if (s->mail) {
		say(s, "503 5.5.1 Error: AUTH not permitted during a mail "
		    "transaction");
		return;
	}
	if (*args != ' ' || args[1] == '\0') {
		say(s, "501 5.5.4 Syntax: AUTH mechanism [initial-response]");
		return;
	}
	args++;
	mlen = strcspn(args, " ");
	init = args[mlen] == ' ' ? args + mlen + 1 : NULL;
	if (mlen >= sizeof mech) {
		say(s, "504 5.5.4 Unrecognized authentication type");
		return;
	}
	memcpy(mech, args, mlen);
	mech[mlen] = '\0';
	if (strcasecmp(mech, "PLAIN") != 0 && strcasecmp(mech, "LOGIN") != 0 &&
	    strcasecmp(mech, "CRAM-MD5") != 0) {
		say(s, "504 5.5.4 Unrecognized authentication type");
		return;
	}
	if (strcasecmp(mech, "CRAM-MD5") != 0 && s->p->params.tls_auth_only &&
	    !conn_is_tls(s->c)) {
		say(s, "538 5.7.11 Encryption required for requested "
		    "authentication mechanism");
		return;
	}
	/* RFC 4954 4: "=" is an empty initial response. */
	if (init != NULL && strcmp(init, "=") == 0)
		init = "";
	if (strcasecmp(mech, "PLAIN") == 0) {
		s->step = STEP_PLAIN;
		if (init != NULL)
			auth_line(s, init, strlen(init), 0);
		else
			say(s, "334 ");
	} else if (strcasecmp(mech, "LOGIN") == 0) {
		s->step = STEP_LOGIN_USER;
		if (init != NULL)
			auth_line(s, init, strlen(init), 0);
		else
			say(s, "334 VXNlcm5hbWU6");
	} else {
		if (init != NULL) {
			say(s, "501 5.5.4 CRAM-MD5 takes no initial response");
			return;
		}
		/* RFC 2195 2: a unique "<digits.time@host>" challenge. */
		s->challenge = xprintf("<%ld.%lld@%s>", random(),
		    (long long)time(NULL), s->p->name);
		b64 = b64_encode(s->challenge, strlen(s->challenge));
		s->step = STEP_CRAM;
		say(s, "334 %s", b64);
		free(b64);
	}
}

/* HELP: the commands, the demo login and the teaching scenarios. */
static void
do_help(struct psess *s)
{
	const char	*n = s->p->name;
	int		 ms;

	ms = s->p->params.slow_ms > 0 ? s->p->params.slow_ms :
	    PRACTICE_SLOW_MS;
	say(s, "214-2.0.0 smtpscope practice server. Commands: HELO EHLO "
	    "MAIL RCPT DATA BDAT");
	say(s, "214-2.0.0   RSET NOOP VRFY HELP QUIT STARTTLS AUTH");
	say(s, "214-2.0.0 Demo login: user %s, password %s (AUTH PLAIN, "
	    "LOGIN or CRAM-MD5)", PRACTICE_USER, PRACTICE_PASSWORD);
	say(s, "214-2.0.0 Local domains: localhost, practice.test, %s", n);
	say(s, "214-2.0.0 Teaching scenarios, by recipient at a local "
	    "domain:");
	say(s, "214-2.0.0   greylist@  451 4.7.1 the first time, 250 when "
	    "you retry");
	say(s, "214-2.0.0   nouser@    550 5.1.1 user unknown");
	say(s, "214-2.0.0   full@      452 4.2.2 mailbox full");
	say(s, "214-2.0.0   big@       552 5.3.4 at the end of DATA "
	    "(message too big)");
	say(s, "214-2.0.0   slow@      the reply comes after %d.%d seconds",
	    ms / 1000, ms % 1000 / 100);
	say(s, "214-2.0.0   drop@      the connection closes in the middle "
	    "of DATA");
	say(s, "214-2.0.0   shutdown@  421 4.3.2 and the connection closes");
	say(s, "214-2.0.0   relay@elsewhere.example  554 5.7.1 relay "
	    "denied (any other");
	say(s, "214-2.0.0              domain is refused unless you "
	    "authenticated)");
	say(s, "214 2.0.0 Any other recipient at a local domain is accepted");
}

/* One command line: check, then dispatch on the verb. */
static void
cmd_line(struct psess *s, const char *line, size_t len, unsigned int flags)
{
	char		*cmd, *args;
	size_t		 vlen;
	int		 is_auth;

	if (flags & LINE_PARTIAL)
		return;
	is_auth = len >= 4 && strncasecmp(line, "AUTH", 4) == 0 &&
	    (len == 4 || line[4] == ' ');
	if ((flags & LINE_NUL) || memchr(line, '\0', len) != NULL) {
		say(s, "500 5.5.2 Error: NUL byte in command");
		return;
	}
	/* RFC 4954 4: AUTH lines may be longer than other commands. */
	if (is_auth && (flags & LINE_TRUNCATED)) {
		say(s, "500 5.5.6 Authentication exchange line is too long");
		return;
	}
	if (!is_auth && (len > CMD_LINE_MAX || (flags & LINE_TOO_LONG))) {
		say(s, "500 5.5.2 Error: line too long (RFC 5321 4.5.3.1.4)");
		return;
	}
	cmd = xstrndup(line, len);
	vlen = strcspn(cmd, " ");
	args = cmd + vlen;
	if (vlen == 0)
		say(s, "500 5.5.2 Error: bad syntax");
	else if (vlen == 4 && strncasecmp(cmd, "EHLO", 4) == 0)
		do_helo(s, args, 1);
	else if (vlen == 4 && strncasecmp(cmd, "HELO", 4) == 0)
		do_helo(s, args, 0);
	else if (vlen == 4 && strncasecmp(cmd, "MAIL", 4) == 0)
		do_mail(s, args);
	else if (vlen == 4 && strncasecmp(cmd, "RCPT", 4) == 0)
		do_rcpt(s, args);
	else if (vlen == 4 && strncasecmp(cmd, "DATA", 4) == 0)
		do_data(s, args);
	else if (vlen == 4 && strncasecmp(cmd, "BDAT", 4) == 0)
		do_bdat(s, args);
	else if (vlen == 4 && strncasecmp(cmd, "RSET", 4) == 0) {
		if (*args != '\0')
			say(s, "501 5.5.4 Syntax: RSET (no arguments)");
		else {
			txn_reset(s);
			say(s, "250 2.0.0 OK");
		}
	} else if (vlen == 4 && strncasecmp(cmd, "NOOP", 4) == 0)
		say(s, "250 2.0.0 OK");
	else if (vlen == 4 && strncasecmp(cmd, "VRFY", 4) == 0) {
		if (*args == '\0' || args[1] == '\0')
			say(s, "501 5.5.4 Syntax: VRFY address");
		else
			say(s, "252 2.0.0 Cannot VRFY user, but will accept "
			    "a message and attempt delivery");
	} else if (vlen == 4 && strncasecmp(cmd, "EXPN", 4) == 0)
		say(s, "502 5.5.1 EXPN is not implemented");
	else if (vlen == 4 && strncasecmp(cmd, "HELP", 4) == 0)
		do_help(s);
	else if (vlen == 4 && strncasecmp(cmd, "QUIT", 4) == 0) {
		say(s, "221 2.0.0 Bye");
		s->close_after = 1;
	} else if (vlen == 8 && strncasecmp(cmd, "STARTTLS", 8) == 0)
		do_starttls(s, args);
	else if (is_auth)
		do_auth(s, args);
	else
		say(s, "500 5.5.2 Error: command not recognized");
	free(cmd);
}

/*
 * The client keeps sending commands but does not read the replies: one
 * conn_read() hands over all the lines it read, so we cannot leave them
 * for later.  Say why and close rather than queue without end.
 */
static void
flooded(struct psess *s)
{
	plog(s, "%zu octets of replies unread: too much pipelined input, "
	    "closing", out_queued(s));
	buf_reset(&s->held);
	s->hold_until = 0;
	say(s, FLOOD_REPLY);
	flush_out(s);
	s->dead = 1;
}

/* conn_read() callback: route a line by the session's mode. */
static void
sess_line(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct psess	*s = arg;

	if (s->dead || s->close_after || s->starttls_now)
		return;
	if (s->out.len >= OUT_FLUSH_AT)
		flush_out(s);
	if (!s->dead && out_queued(s) > OUT_QUEUE_MAX)
		flooded(s);
	if (s->dead)
		return;
	s->last = now_ms();
	if (s->mode == MODE_DATA)
		data_line(s, line, len, flags);
	else if (s->mode == MODE_BDAT)
		bdat_line(s, line, len, flags);
	else if (s->step != STEP_NONE)
		auth_line(s, line, len, flags);
	else
		cmd_line(s, line, len, flags);
}

/* The 220 greeting (RFC 5321 4.3.1). */
static void
greet(struct psess *s)
{
	s->greeted = 1;
	say(s, "220 %s ESMTP smtpscope practice server", s->p->name);
	flush_out(s);
}

/* Drive the TLS handshake; greet after it on the implicit TLS port. */
static void
sess_handshake(struct psess *s)
{
	char	err[256];
	int	r;

	r = conn_handshake(s->c, err, sizeof err);
	if (r == -1) {
		plog(s, "TLS handshake failed: %s", err);
		s->dead = 1;
	} else if (r == 0) {
		s->handshaking = 0;
		plog(s, "TLS established");
		if (!s->greeted)
			greet(s);
	}
}

/* Everything one session does after poll() said it may. */
static void
sess_io(struct psess *s, short ev)
{
	char	err[256];
	int	r;

	if (s->handshaking && (ev & (POLLIN | POLLOUT | POLLHUP)))
		sess_handshake(s);
	if (s->dead || s->handshaking)
		goto out;
	if ((ev & POLLOUT) && conn_queued(s->c) > 0 &&
	    conn_flush(s->c) == -1) {
		s->dead = 1;
		goto out;
	}
	if ((ev & (POLLIN | POLLHUP | POLLERR)) || conn_pending(s->c)) {
		r = conn_read(s->c, sess_line, s, err, sizeof err);
		if (r == 0 && !s->dead)
			bdat_partial(s);
		flush_out(s);
		if (s->starttls_now) {
			s->starttls_now = 0;
			sess_handshake(s);
		} else if (r != 0) {
			plog(s, "%s", r == 1 ? "client closed" : err);
			s->dead = 1;
		}
	} else if (ev & (POLLERR | POLLNVAL))
		s->dead = 1;
out:
	if (s->dead && s->out.len > 0)
		flush_out(s);
}

/* Release delayed replies and close idle sessions. */
static void
sess_timers(struct psess *s, long long now)
{
	if (s->hold_until != 0 && now >= s->hold_until) {
		s->hold_until = 0;
		buf_add(&s->out, s->held.data, s->held.len);
		buf_reset(&s->held);
		flush_out(s);
	}
	if (now - s->last >= PRACTICE_IDLE_MS && s->handshaking)
		s->dead = 1;
	else if (now - s->last >= PRACTICE_IDLE_MS && !s->dead) {
		s->hold_until = 0;
		say(s, "421 4.4.2 %s Timeout, closing connection",
		    s->p->name);
		flush_out(s);
		s->dead = 1;
	}
}

/* Accept every waiting client of one listener. */
static void
accept_all(struct practice *p, int lfd, int implicit)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	struct psess		*s;
	char			 host[64], serv[16], err[256];
	size_t			 dropped;
	int			 fd;

	for (;;) {
		sl = sizeof ss;
		fd = accept(lfd, (struct sockaddr *)&ss, &sl);
		if (fd == -1)
			return;
		if (p->nsess >= PRACTICE_SESSIONS_MAX) {
			/* RFC 5321 3.8: 421 may come instead of a greeting. */
			(void)send(fd, BUSY_REPLY, sizeof BUSY_REPLY - 1,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		net_tune(fd);
		s = xcalloc(1, sizeof *s);
		s->p = p;
		s->id = ++p->next_id;
		s->last = now_ms();
		if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host,
		    serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0)
			snprintf(s->peer, sizeof s->peer, "%s", host);
		else
			snprintf(s->peer, sizeof s->peer, "unknown");
		s->c = conn_new(fd);
		p->sess = xreallocarray(p->sess, p->nsess + 1,
		    sizeof *p->sess);
		p->sess[p->nsess++] = s;
		plog(s, "connect from %s%s", s->peer,
		    implicit ? " (implicit TLS)" : "");
		if (implicit) {
			if (conn_start_tls(s->c, NULL, p->tls, &dropped, err,
			    sizeof err) == -1) {
				plog(s, "TLS start failed: %s", err);
				s->dead = 1;
				continue;
			}
			s->handshaking = 1;
			sess_handshake(s);
		} else
			greet(s);
	}
}

/* Free sessions that are done, keeping the order of the rest. */
static void
reap(struct practice *p)
{
	struct psess	*s;
	size_t		 i, j;

	for (i = j = 0; i < p->nsess; i++) {
		s = p->sess[i];
		if (!s->dead && s->close_after && s->hold_until == 0 &&
		    s->out.len == 0 && conn_queued(s->c) == 0)
			s->dead = 1;
		if (s->dead) {
			plog(s, "closed");
			sess_free(s);
		} else
			p->sess[j++] = s;
	}
	p->nsess = j;
}

/* A non-blocking listener on addr:port. */
static int
listen_on(const char *addr, const char *port, char *err, size_t errlen)
{
	int	fd;

	fd = net_listen(addr, port, err, errlen);
	if (fd == -1)
		return (-1);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return (fd);
}

struct practice *
practice_new(const struct practice_params *pp, char *err, size_t errlen)
{
	struct practice	*p;
	char		 e[256];

	p = xcalloc(1, sizeof *p);
	p->params = *pp;
	p->lfd = p->tlsfd = -1;
	p->name = xstrdup(pp->name != NULL ? pp->name : PRACTICE_NAME);
	srandom((unsigned int)time(NULL) ^ (unsigned int)getpid());
	tls_global_init();
	p->tls = tls_server_ctx_new(pp->cert_file, pp->key_file, e, sizeof e);
	if (p->tls == NULL && (pp->cert_file != NULL || pp->tls_port != NULL)) {
		snprintf(err, errlen, "TLS certificate: %s", e);
		goto fail;
	}
	p->lfd = listen_on(pp->addr, pp->port != NULL ? pp->port : "0", err,
	    errlen);
	if (p->lfd == -1)
		goto fail;
	if (pp->tls_port != NULL) {
		p->tlsfd = listen_on(pp->tls_addr != NULL ? pp->tls_addr :
		    pp->addr, pp->tls_port, err, errlen);
		if (p->tlsfd == -1)
			goto fail;
	}
	return (p);
fail:
	practice_free(p);
	return (NULL);
}

void
practice_free(struct practice *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nsess; i++)
		sess_free(p->sess[i]);
	free(p->sess);
	for (i = 0; i < p->nmsgs; i++)
		msg_free(p->msgs[i]);
	free(p->msgs);
	for (i = 0; i < p->ngrey; i++)
		free(p->grey[i]);
	free(p->grey);
	if (p->lfd != -1)
		close(p->lfd);
	if (p->tlsfd != -1)
		close(p->tlsfd);
	if (p->tls != NULL)
		tls_server_ctx_free(p->tls);
	free(p->name);
	free(p);
}

int
practice_port(const struct practice *p)
{
	return (net_local_port(p->lfd));
}

int
practice_tls_port(const struct practice *p)
{
	return (p->tlsfd == -1 ? -1 : net_local_port(p->tlsfd));
}

int
practice_write_cert(struct practice *p, const char *path)
{
	if (p->tls == NULL)
		return (-1);
	return (tls_server_ctx_write_cert(p->tls, path));
}

size_t
practice_pollfds(struct practice *p, struct pollfd *pfd, size_t max)
{
	struct psess	*s;
	size_t		 n = 0, i;

	if (n < max) {
		pfd[n].fd = p->lfd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	if (p->tlsfd != -1 && n < max) {
		pfd[n].fd = p->tlsfd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	for (i = 0; i < p->nsess && n < max; i++) {
		s = p->sess[i];
		pfd[n].fd = conn_fd(s->c);
		pfd[n].events = conn_events(s->c);
		if (!s->handshaking && out_queued(s) > OUT_QUEUE_SOFT)
			pfd[n].events &= ~POLLIN;
		pfd[n++].revents = 0;
	}
	return (n);
}

void
practice_handle(struct practice *p, const struct pollfd *pfd, size_t n)
{
	struct psess	*s;
	size_t		 i, k, j = 0, nsess;
	long long	 now;
	int		 acc = 0, acc_tls = 0;

	for (k = 0; k < p->nsess; k++)
		p->sess[k]->revents = 0;
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (pfd[i].fd == p->lfd) {
			acc = 1;
			continue;
		}
		if (pfd[i].fd == p->tlsfd && p->tlsfd != -1) {
			acc_tls = 1;
			continue;
		}
		/* Sessions were filled in order: look from the last match. */
		for (k = 0; k < p->nsess; k++) {
			s = p->sess[(j + k) % p->nsess];
			if (conn_fd(s->c) == pfd[i].fd) {
				s->revents |= pfd[i].revents;
				j = (j + k + 1) % p->nsess;
				break;
			}
		}
	}
	now = now_ms();
	nsess = p->nsess;
	for (k = 0; k < nsess; k++) {
		s = p->sess[k];
		if (s->revents != 0 || (!s->handshaking && conn_pending(s->c)))
			sess_io(s, s->revents);
		if (!s->dead)
			sess_timers(s, now);
	}
	reap(p);
	if (acc)
		accept_all(p, p->lfd, 0);
	if (acc_tls && p->tls != NULL)
		accept_all(p, p->tlsfd, 1);
	reap(p);
}

int
practice_timeout(const struct practice *p)
{
	struct psess	*s;
	long long	 now, next = -1, t;
	size_t		 i;

	now = now_ms();
	for (i = 0; i < p->nsess; i++) {
		s = p->sess[i];
		if (!s->handshaking && conn_pending(s->c))
			return (0);
		t = s->last + PRACTICE_IDLE_MS;
		if (s->hold_until != 0 && s->hold_until < t)
			t = s->hold_until;
		if (next == -1 || t < next)
			next = t;
	}
	if (next == -1)
		return (-1);
	if (next <= now)
		return (0);
	return (next - now > 0x7fffffff ? 0x7fffffff : (int)(next - now));
}

int
practice_run(struct practice *p, volatile sig_atomic_t *stop)
{
	struct pollfd	*pfd = NULL;
	size_t		 cap = 0, n, i;
	int		 timeout, r;

	while (!*stop) {
		if (cap < p->nsess + 2) {
			cap = p->nsess + 64;
			pfd = xreallocarray(pfd, cap, sizeof *pfd);
		}
		n = practice_pollfds(p, pfd, cap);
		timeout = practice_timeout(p);
		/* Wake now and then so a signal between checks is seen. */
		if (timeout == -1 || timeout > 500)
			timeout = 500;
		r = poll(pfd, n, timeout);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			free(pfd);
			return (-1);
		}
		practice_handle(p, pfd, n);
	}
	free(pfd);
	/* Tell whoever is still connected, as a real server would. */
	for (i = 0; i < p->nsess; i++) {
		if (p->sess[i]->handshaking || p->sess[i]->dead)
			continue;
		p->sess[i]->hold_until = 0;
		say(p->sess[i], "421 4.3.2 %s Service shutting down",
		    p->name);
		flush_out(p->sess[i]);
	}
	return (0);
}

size_t
practice_nmsgs(const struct practice *p)
{
	return (p->nmsgs);
}

const struct practice_msg *
practice_msg(const struct practice *p, size_t i)
{
	return (i < p->nmsgs ? p->msgs[i] : NULL);
}

unsigned long
practice_total(const struct practice *p)
{
	return (p->total);
}

size_t
practice_nsessions(const struct practice *p)
{
	return (p->nsess);
}
