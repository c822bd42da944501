/*
 * practice_data.c: message content on the practice server: DATA with
 * dot-stuffing, BDAT chunks, the checks at the end of a message, and
 * keeping it in memory and in the maildir.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/conn.h"
#include "smtpscope/data.h"
#include "smtpscope/practice.h"
#include "smtpscope/reply.h"
#include "smtpscope/xmalloc.h"

#include "practice_internal.h"

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
	p->written += b.len;
out:
	buf_free(&b);
	if (close(fd) == -1)
		rc = -1;
	if (rc == -1)
		unlink(path);	/* no half message left behind */
	free(path);
	return (rc);
}

/* Octets a kept message holds: content and envelope. */
static size_t
msg_size(const struct practice_msg *m)
{
	size_t	n, i;

	n = sizeof *m + m->len + 1 + strlen(m->from) + 1 + strlen(m->id) + 1 +
	    m->nrcpt * sizeof *m->rcpt;
	for (i = 0; i < m->nrcpt; i++)
		n += strlen(m->rcpt[i]) + 1;
	return (n);
}

/* Keep a message in memory, letting the oldest go past the limits. */
static void
keep(struct practice *p, struct practice_msg *m)
{
	size_t	size;

	size = msg_size(m);
	while (p->nmsgs > 0 && (p->nmsgs >= PRACTICE_KEEP_MAX ||
	    p->kept + size > p->keep_max)) {
		p->kept -= msg_size(p->msgs[0]);
		practice_msg_free(p->msgs[0]);
		memmove(p->msgs, p->msgs + 1,
		    (p->nmsgs - 1) * sizeof *p->msgs);
		p->nmsgs--;
	}
	p->msgs = xreallocarray(p->msgs, p->nmsgs + 1, sizeof *p->msgs);
	p->msgs[p->nmsgs++] = m;
	p->kept += size;
}

/* Give the memory of the unfinished message back to the budget. */
void
practice_msg_release(struct psess *s)
{
	s->p->buffered -= s->charged;
	s->charged = 0;
	buf_free(&s->msg);
}

/* 1 when the maildir may take len more octets this run. */
static int
quota_ok(struct psess *s, size_t len)
{
	struct practice	*p = s->p;

	if (p->params.maildir == NULL || p->written + len <= p->quota)
		return (1);
	practice_log(s, "maildir quota of %zu MiB reached: message refused",
	    p->quota >> 20);
	return (0);
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
		practice_say(s, "552 5.3.4 Message size exceeds fixed limit of "
		    "%d octets", PRACTICE_SIZE_MAX);
	else if (s->nomem)
		practice_say(s, NOMEM_REPLY);
	else if (s->bare_lf)
		practice_say(s, "550 5.6.0 Bare LF in message content is not "
		    "allowed (RFC 5321 2.3.8)");
	else if (s->toolong)
		practice_say(s, "550 5.6.0 Message has a line over 998 octets "
		    "(RFC 5321 4.5.3.1.6)");
	else if (!quota_ok(s, s->msg.len))
		practice_say(s, QUOTA_REPLY);
	else {
		t = time(NULL);
		m = xcalloc(1, sizeof *m);
		m->from = xstrdup(s->from);
		m->rcpt = xreallocarray(NULL, s->nrcpt, sizeof *m->rcpt);
		for (i = 0; i < s->nrcpt; i++)
			m->rcpt[i] = xstrdup(s->rcpt[i]);
		m->nrcpt = s->nrcpt;
		m->len = s->msg.len;
		/* The inbox counts it now; keep no doubled capacity. */
		m->data = xrealloc(buf_take(&s->msg), m->len + 1);
		practice_msg_release(s);
		p->total++;
		m->id = xprintf("%lu-%lld", p->total, (long long)t);
		if (p->params.maildir != NULL &&
		    maildir_write(p, m, t) == -1) {
			p->total--;
			practice_msg_free(m);
			practice_say(s, "451 4.3.0 Local error writing the "
			    "message");
		} else {
			practice_say(s, "250 2.6.0 Message accepted, queued as "
			    "%s", m->id);
			practice_log(s, "accepted %s from <%s>, %zu octets",
			    m->id, m->from, m->len);
			s->nmsgs++;
			keep(p, m);
		}
	}
	practice_txn_reset(s);
}

/*
 * Keep content bytes, counting them all but storing only up to the size
 * limit and within the memory budget shared by every session (with the
 * kept messages): the buffer's whole capacity is counted.
 */
static void
msg_add(struct psess *s, const char *b, size_t len)
{
	struct practice	*p = s->p;
	size_t		 need, cap;

	s->msglen += len;
	if (s->msglen > PRACTICE_SIZE_MAX || s->big || s->nomem)
		return;
	need = s->msg.len + len + 1;
	if (need > s->msg.cap) {
		/* buf_add doubles the capacity from 64 until it fits. */
		cap = s->msg.cap == 0 ? 64 : s->msg.cap;
		while (cap < need)
			cap *= 2;
		if (p->buffered - s->charged + p->kept + cap > p->budget) {
			practice_log(s, "memory budget of %zu MiB reached: "
			    "message refused", p->budget >> 20);
			s->nomem = 1;
			practice_msg_release(s);
			return;
		}
	}
	buf_add(&s->msg, b, len);
	p->buffered += s->msg.cap - s->charged;
	s->charged = s->msg.cap;
}

/* One line of DATA content (RFC 5321 4.5.2: undo dot-stuffing). */
void
practice_data_line(struct psess *s, const char *line, size_t len,
    unsigned int flags)
{
	if (s->drop) {
		practice_log(s, "drop@: closing in the middle of DATA");
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
		practice_say(s, "503 5.5.1 Error: %s", s->mail ?
		    "no valid recipients" : "need MAIL command");
		s->bdat_bad = 0;
		return;
	}
	if (s->failed) {
		practice_say(s, "554 5.5.1 Error: this transaction already "
		    "failed, send RSET");
		return;
	}
	if (s->msglen > PRACTICE_SIZE_MAX) {
		practice_say(s, "552 5.3.4 Message size exceeds fixed limit of "
		    "%d octets", PRACTICE_SIZE_MAX);
		s->failed = 1;
		return;
	}
	if (s->nomem) {
		practice_say(s, NOMEM_REPLY);
		s->failed = 1;
		return;
	}
	if (s->bdat_last) {
		msg_done(s);
		return;
	}
	practice_say(s, "250 2.0.0 %zu octets received", s->msglen);
}

/*
 * Follow line lengths through BDAT content, across chunks: a line over
 * 998 octets (RFC 5321 4.5.3.1.6) fails the message as in DATA.
 */
static void
bdat_scan(struct psess *s, const char *b, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (b[i] == '\n')
			s->linelen = 0;
		else if (b[i] != '\r' && ++s->linelen > LINE_MAX_OCTETS)
			s->toolong = 1;
	}
}

/* Bytes of a BDAT chunk arrive as lines; rebuild them and count. */
void
practice_bdat_line(struct psess *s, const char *line, size_t len,
    unsigned int flags)
{
	const char	*eol;
	size_t		 eollen, take;

	if (s->drop && !s->bdat_bad && !s->failed) {
		practice_log(s, "drop@: closing in the middle of BDAT");
		s->dead = 1;
		return;
	}
	if (flags & LINE_TRUNCATED) {
		/* Octets were lost: the byte count can no longer be kept. */
		practice_say(s, "500 5.5.2 Line too long inside a BDAT chunk, "
		    "closing");
		practice_close_soon(s);
		return;
	}
	eol = (flags & LINE_BARE_LF) ? "\n" : "\r\n";
	eollen = (flags & LINE_PARTIAL) ? 0 : strlen(eol);
	take = len < s->bdat_left ? len : s->bdat_left;
	if (!s->bdat_bad && !s->failed) {
		msg_add(s, line, take);
		bdat_scan(s, line, take);
	}
	s->bdat_left -= take;
	if (take < len) {
		/* The chunk ended inside this line: the rest is a command. */
		bdat_done(s);
		practice_cmd_line(s, line + take, len - take, flags);
		return;
	}
	take = eollen < s->bdat_left ? eollen : s->bdat_left;
	if (!s->bdat_bad && !s->failed) {
		msg_add(s, eol, take);
		bdat_scan(s, eol, take);
	}
	s->bdat_left -= take;
	if (s->bdat_left > 0)
		return;
	bdat_done(s);
	/* The chunk ended before this line end: an empty command follows. */
	if (take < eollen)
		practice_cmd_line(s, "", 0, flags);
}

/*
 * A BDAT chunk may end inside a line, with the client waiting for our
 * reply before it sends more: take the octets of the unfinished line.
 */
void
practice_bdat_partial(struct psess *s)
{
	struct buf	b;
	size_t		n;

	if (s->mode != MODE_BDAT || s->bdat_left == 0)
		return;
	if ((n = conn_partial_truncated(s->c)) > 0) {
		/*
		 * Over LINE_CAP octets without a line end: octets were lost,
		 * so the message fails (the line is over 998 octets anyway),
		 * but the count holds while the chunk lasts.
		 */
		if (n > s->bdat_left) {
			practice_say(s, "500 5.5.2 Line too long inside a BDAT "
			    "chunk, closing");
			practice_close_soon(s);
			return;
		}
		conn_discard_partial(s->c);
		s->msglen += n;
		s->toolong = 1;
		s->linelen += n;
		s->bdat_left -= n;
		if (s->bdat_left == 0)
			bdat_done(s);
		return;
	}
	buf_init(&b);
	n = conn_take_partial(s->c, &b, s->bdat_left);
	if (n > 0 && !s->bdat_bad && !s->failed) {
		msg_add(s, b.data, n);
		bdat_scan(s, b.data, n);
	}
	s->bdat_left -= n;
	buf_free(&b);
	if (n > 0 && s->bdat_left == 0)
		bdat_done(s);
}

/* DATA (RFC 5321 4.1.1.4): 354, then content until the lone dot. */
void
practice_do_data(struct psess *s, const char *args)
{
	if (*args != '\0') {
		practice_say(s, "501 5.5.4 Syntax: DATA (no arguments)");
		return;
	}
	if (!s->mail) {
		practice_say(s, "503 5.5.1 Error: need MAIL command");
		return;
	}
	if (s->nrcpt == 0) {
		practice_say(s, "503 5.5.1 Error: need RCPT command (no valid "
		    "recipients)");
		return;
	}
	if (s->chunking) {
		/* RFC 3030 2: DATA may not follow BDAT. */
		practice_say(s, "503 5.5.1 Error: DATA after BDAT in one "
		    "transaction");
		return;
	}
	if (s->p->buffered + s->p->kept >= s->p->budget) {
		practice_log(s, "memory budget of %zu MiB reached: DATA "
		    "refused", s->p->budget >> 20);
		practice_say(s, NOMEM_REPLY);
		return;
	}
	s->mode = MODE_DATA;
	buf_reset(&s->msg);
	s->msglen = 0;
	practice_say(s, "354 End data with <CR><LF>.<CR><LF>");
}

/* BDAT size [LAST] (RFC 3030 2): a byte-counted chunk follows. */
void
practice_do_bdat(struct psess *s, const char *args)
{
	char			*end;
	unsigned long long	 n;
	int			 last = 0;

	if (*args != ' ' || !isdigit((unsigned char)args[1])) {
		practice_say(s, "501 5.5.4 Syntax: BDAT size [LAST]");
		return;
	}
	errno = 0;
	n = strtoull(args + 1, &end, 10);
	if (errno != 0 || end - args > 20) {
		practice_say(s, "501 5.5.4 Syntax: BDAT size [LAST]");
		return;
	}
	while (*end == ' ')
		end++;
	if (strcasecmp(end, "LAST") == 0)
		last = 1;
	else if (*end != '\0') {
		practice_say(s, "501 5.5.4 Syntax: BDAT size [LAST]");
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
