/*
 * practice_view.c: what the classroom view (--serve on a terminal) shows
 * of each session: a small transcript as the server saw it, the phase, the
 * latest reply and the messages accepted.  Ended sessions stay listed for
 * a while, the last PRACTICE_ENDED_MAX of them.  Every transcript has a
 * small fixed budget, so the total is bounded by the session cap.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/conn.h"
#include "smtpscope/monotime.h"
#include "smtpscope/practice.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#include "practice_internal.h"

long long
practice_clock_ms(void)
{
	return (monotime_ms());
}

/* Give a new session its transcript, when the view is on. */
void
practice_view_start(struct psess *s)
{
	if (!s->p->params.transcripts)
		return;
	s->t = xcalloc(1, sizeof *s->t);
	transcript_init(s->t);
	transcript_set_budget(s->t, PRACTICE_SESS_LINES, PRACTICE_SESS_BYTES);
	s->p->changes++;
}

/*
 * A line from the client: an AUTH answer is kept as a secret (shown
 * masked), message content as data.
 */
void
practice_view_client(struct psess *s, const char *line, size_t len)
{
	struct tline	*tl;
	uint32_t	 flags = 0;

	s->p->changes++;
	if (s->t == NULL)
		return;
	if (s->step != STEP_NONE)
		flags |= TL_SECRET | TL_ANSWER;
	else if (s->mode == MODE_DATA || s->mode == MODE_BDAT)
		flags |= TL_DATA;
	tl = transcript_add(s->t, TDIR_C, line, len, flags, NULL);
	if (flags == 0)
		s->view_verb = tl->verb;
}

/* One reply line as queued; the first line of a reply is the row's. */
void
practice_view_reply(struct psess *s, const char *line)
{
	size_t		len = strlen(line);
	uint32_t	flags = 0;

	s->p->changes++;
	if (!s->in_reply)
		snprintf(s->last_reply, sizeof s->last_reply, "%s", line);
	else
		flags |= TL_CONT;
	s->in_reply = len >= 4 && line[3] == '-';
	if (!s->in_reply)
		flags |= TL_REPLY_END;
	if (s->t != NULL)
		transcript_add_verb(s->t, TDIR_S, line, len, flags, NULL,
		    s->view_verb);
}

/* An event of the session (connect, TLS, close) as a note. */
void
practice_view_note(struct psess *s, const char *text)
{
	s->p->changes++;
	if (s->t != NULL)
		transcript_add(s->t, strncmp(text, "TLS", 3) == 0 ? TDIR_TLS :
		    TDIR_INFO, text, strlen(text), 0, NULL);
}

/* Where a session is in the protocol, in a word. */
static const char *
view_phase(const struct psess *s)
{
	if (s->handshaking)
		return ("TLS handshake");
	if (s->dead || s->close_after)
		return ("closing");
	if (!s->greeted)
		return ("connect");
	if (s->mode == MODE_DATA)
		return ("DATA");
	if (s->mode == MODE_BDAT)
		return ("BDAT");
	if (s->step != STEP_NONE)
		return ("AUTH");
	if (s->nrcpt > 0)
		return ("RCPT");
	if (s->mail)
		return ("MAIL");
	if (s->helo == 2)
		return ("EHLO");
	if (s->helo == 1)
		return ("HELO");
	return ("greeting");
}

static void
view_row(const struct psess *s, struct practice_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = s->id;
	if (strchr(s->peer, ':') != NULL)
		snprintf(r->peer, sizeof r->peer, "[%s]:%s", s->peer,
		    s->peer_port);
	else
		snprintf(r->peer, sizeof r->peer, "%s:%s", s->peer,
		    s->peer_port);
	r->phase = view_phase(s);
	r->tls = s->c != NULL && conn_is_tls(s->c) && !s->handshaking;
	r->authed = s->authed;
	memcpy(r->last, s->last_reply, sizeof r->last);
	r->msgs = s->nmsgs;
	r->start_ms = s->start;
	r->last_ms = s->last;
}

/* The session is being freed: keep its row and transcript a while. */
void
practice_view_end(struct psess *s)
{
	struct practice	*p = s->p;
	struct pended	*e;

	p->changes++;
	if (!p->params.transcripts)
		return;
	if (p->nended == PRACTICE_ENDED_MAX) {
		e = &p->ended[PRACTICE_ENDED_MAX - 1];
		if (e->t != NULL)
			transcript_free(e->t);
		free(e->t);
		p->nended--;
	}
	memmove(&p->ended[1], &p->ended[0], p->nended * sizeof *p->ended);
	p->nended++;
	e = &p->ended[0];
	view_row(s, &e->row);
	e->row.ended = 1;
	e->row.phase = "ended";
	e->t = s->t;
	e->gone_at = monotime_ms();
	s->t = NULL;
}

/* Forget ended sessions older than PRACTICE_ENDED_MS. */
void
practice_view_expire(struct practice *p, long long now)
{
	struct pended	*e;

	while (p->nended > 0) {
		e = &p->ended[p->nended - 1];
		if (now - e->gone_at < PRACTICE_ENDED_MS)
			break;
		if (e->t != NULL)
			transcript_free(e->t);
		free(e->t);
		p->nended--;
		p->changes++;
	}
}

void
practice_view_free(struct practice *p)
{
	practice_view_expire(p, (long long)1 << 62);
}

size_t
practice_rows(struct practice *p, struct practice_row *rows, size_t max)
{
	size_t	i, n = 0;

	practice_view_expire(p, monotime_ms());
	for (i = 0; i < p->nsess; i++, n++)
		if (n < max)
			view_row(p->sess[i], &rows[n]);
	for (i = 0; i < p->nended; i++, n++)
		if (n < max)
			rows[n] = p->ended[i].row;
	return (n);
}

const struct transcript *
practice_sess_transcript(const struct practice *p, unsigned int id)
{
	size_t	i;

	for (i = 0; i < p->nsess; i++)
		if (p->sess[i]->id == id)
			return (p->sess[i]->t);
	for (i = 0; i < p->nended; i++)
		if (p->ended[i].row.id == id)
			return (p->ended[i].t);
	return (NULL);
}

unsigned long
practice_changes(const struct practice *p)
{
	return (p->changes);
}

/* Octets of one transcript: its text and its line records. */
static size_t
view_cost(const struct transcript *t)
{
	if (t == NULL)
		return (0);
	return (t->bytes + t->cap * sizeof *t->lines);
}

size_t
practice_view_mem(const struct practice *p)
{
	size_t	i, n = 0;

	for (i = 0; i < p->nsess; i++)
		n += view_cost(p->sess[i]->t);
	for (i = 0; i < p->nended; i++)
		n += view_cost(p->ended[i].t);
	return (n);
}
