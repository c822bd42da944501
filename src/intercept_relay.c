/*
 * intercept_relay.c: one intercepted session.  Client lines go to the
 * upstream as they arrive (held only while the upstream is not ready:
 * before its greeting, during a TLS upgrade), upstream replies go back;
 * both are recorded, AUTH answers masked by their place in the mechanism.
 * The relay answers STARTTLS towards the client itself, rewrites the
 * EHLO reply it relays (STARTTLS as it can honour it, no CHUNKING: it
 * relays lines), and says in the transcript each time it acts on its own.
 */
#include "config.h"

#include <sys/socket.h>

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/auth.h"
#include "smtpscope/conn.h"
#include "smtpscope/dial.h"
#include "smtpscope/lint.h"
#include "smtpscope/net.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xmalloc.h"

#include "src/intercept_internal.h"

static void	up_line(void *, const char *, size_t, unsigned int);
static void	client_line(void *, const char *, size_t, unsigned int);
static void	release_held(struct isess *);
static void	client_command(struct isess *, const char *, size_t,
		    unsigned int, int);

static void
note(struct isess *s, enum tdir dir, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) == -1)
		text = NULL;
	va_end(ap);
	if (text == NULL)
		return;
	transcript_add(&s->t, dir, text, strlen(text), 0, NULL);
	free(text);
}

static void
on_add(void *arg, size_t index)
{
	struct isess			*s = arg;
	const struct intercept_params	*p = intercept_params(s->ic);

	intercept_changed(s->ic);
	if (p->on_line != NULL)
		p->on_line(p->arg, s->id, &s->t, index);
}

/*
 * What goes to each side is gathered and written once per round (a
 * multi-line reply in one TLS record, not one per line).
 */
static void
cout_add(struct isess *s, const char *p, size_t n)
{
	if (s->c != NULL)
		buf_add(&s->cout, p, n);
}

static void
cout_line(struct isess *s, const char *line, size_t len)
{
	cout_add(s, line, len);
	cout_add(s, "\r\n", 2);
}

void
isess_flush(struct isess *s)
{
	if (s->c != NULL && s->cout.len > 0)
		(void)conn_write(s->c, s->cout.data, s->cout.len);
	buf_reset(&s->cout);
	if (s->u != NULL && s->uout.len > 0)
		(void)conn_write(s->u, s->uout.data, s->uout.len);
	/* It held what the client sent: AUTH answers too. */
	if (s->uout.data != NULL)
		wipe(s->uout.data, s->uout.len);
	buf_reset(&s->uout);
}

static void
upstream_note(void *arg, const char *msg)
{
	note(arg, TDIR_INFO, "upstream: %s", msg);
}

/* Send a reply of our own to the client (a relay note says so). */
static void
say_client(struct isess *s, const char *line)
{
	note(s, TDIR_INFO, "relay: smtpscope answers the client itself: %s",
	    line);
	if (s->c != NULL) {
		cout_line(s, line, strlen(line));
	}
}

void
isess_end(struct isess *s, const char *fmt, ...)
{
	va_list	 ap;
	char	 why[256];

	if (s->dead)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	note(s, TDIR_INFO, "relay: session ended: %s", why);
	if (s->result[0] == '\0' || strcmp(s->result, "open") == 0)
		snprintf(s->result, sizeof s->result, "%.*s",
		    (int)sizeof s->result - 1, why);
	s->dead = 1;
	isess_flush(s);
	if (s->c != NULL && !s->c_hs && conn_flush(s->c) == 1)
		s->linger_until = intercept_now_ms() + 2000;
}

/*
 * An ended session's last replies (a 421, the 221) still queued for a
 * slow client: sent for up to two seconds before the socket closes, so
 * a close does not throw them away.
 */
int
isess_lingering(struct isess *s, long long now)
{
	if (s->linger_until == 0 || s->c == NULL)
		return 0;
	/* Outside any callback now: the upstream can go at once. */
	if (s->u != NULL) {
		conn_free(s->u);
		s->u = NULL;
	}
	if (s->dial != NULL) {
		dial_free(s->dial);
		s->dial = NULL;
	}
	if (now >= s->linger_until || conn_queued(s->c) == 0) {
		s->linger_until = 0;
		return 0;
	}
	return 1;
}

/* End with a 421 to the client first (RFC 5321 3.8). */
static void
end_421(struct isess *s, const char *why)
{
	char	line[300];

	if (s->dead)
		return;
	if (s->c != NULL && !s->quit_ok) {
		snprintf(line, sizeof line, "421 4.4.2 smtpscope: %s", why);
		say_client(s, line);
	}
	isess_end(s, "%s", why);
}

void
isess_stop(struct isess *s)
{
	end_421(s, "smtpscope is stopping");
}

void
isess_start(struct isess *s)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	struct dial_params		 dp;

	transcript_init(&s->t);
	transcript_set_budget(&s->t, p->max_lines != 0 ? p->max_lines :
	    INTERCEPT_LINES_DEFAULT, p->max_bytes != 0 ? p->max_bytes :
	    INTERCEPT_BYTES_DEFAULT);
	s->t.on_add = on_add;
	s->t.arg = s;
	reply_parser_init(&s->rp);
	phase_init(&s->ph);
	buf_init(&s->ehlo);
	buf_init(&s->held);
	buf_init(&s->hreply);
	buf_init(&s->cout);
	buf_init(&s->uout);
	s->up_fd_idx = -1;
	snprintf(s->result, sizeof s->result, "open");
	note(s, TDIR_INFO, "relay: client %s connected%s; relaying to %s "
	    "port %s%s", s->client, p->implicit_tls ? " (implicit TLS)" : "",
	    p->up_host, p->up_port, p->up_implicit_tls ? " (implicit TLS)" :
	    "");
	memset(&dp, 0, sizeof dp);
	dp.host = p->up_host;
	dp.port = p->up_port;
	dp.family = p->family;
	dp.timeout_ms = p->timeout_ms;
	dp.note = upstream_note;
	dp.arg = s;
	s->dial = dial_start(&dp);
	s->ust = UP_DIAL;
	s->up_ms = intercept_now_ms();
}

void
isess_free(struct isess *s)
{
	if (s->dial != NULL)
		dial_free(s->dial);
	if (s->u != NULL)
		conn_free(s->u);
	if (s->c != NULL)
		conn_free(s->c);
	reply_parser_free(&s->rp);
	if (s->have_caps)
		ehlo_free(&s->caps);
	buf_free(&s->ehlo);
	free(s->hcmd);
	buf_free(&s->hreply);
	buf_free(&s->cout);
	if (s->uout.data != NULL)
		wipe(s->uout.data, s->uout.cap);
	buf_free(&s->uout);
	if (s->held.data != NULL)
		wipe(s->held.data, s->held.cap);
	buf_free(&s->held);
	free(s->last_ehlo);
}

/* A line to the upstream, ended as the client ended it. */
static void
to_up(struct isess *s, const char *line, size_t len, unsigned int flags)
{
	if (s->u == NULL)
		return;
	buf_add(&s->uout, line, len);
	if (flags & LINE_BARE_LF)
		buf_addch(&s->uout, '\n');
	else
		buf_add(&s->uout, "\r\n", 2);
}

/* A command went upstream: its reply is due. */
static int
push_verb(struct isess *s, enum verb v)
{
	if (s->npend == ISESS_PENDING_MAX) {
		end_421(s, "over 512 commands wait for their replies: limit "
		    "hit");
		return -1;
	}
	if (s->npend == 0)
		s->up_ms = intercept_now_ms();
	s->pend[(s->pend_head + s->npend++) % ISESS_PENDING_MAX] = (uint8_t)v;
	return 0;
}

static enum verb
peek_verb(const struct isess *s)
{
	return s->npend > 0 ? (enum verb)s->pend[s->pend_head] : VERB_UNASKED;
}

static void
pop_verb(struct isess *s)
{
	if (s->npend == 0)
		return;
	s->pend_head = (s->pend_head + 1) % ISESS_PENDING_MAX;
	s->npend--;
}

/* Warnings about a client command, as a session typed by hand has them. */
static void
lint(struct isess *s, const char *line, size_t len)
{
	const struct lint_warning	*w[8];
	struct lint_ctx			 lc;
	size_t				 n, i;

	memset(&lc, 0, sizeof lc);
	lc.tls = s->c_tls;
	lc.greeted = s->ph.greeted;
	lc.helo = s->ph.helo;
	lc.ehlo = s->ph.ehlo;
	lc.mail = s->ph.mail;
	lc.nrcpt = s->ph.nrcpt;
	lc.quit = s->ph.phase == PHASE_QUIT;
	lc.pending = s->npend;
	if (s->have_caps) {
		lc.caps = s->caps.flags;
		lc.size_max = s->caps.size_max;
		/* What the client saw: STARTTLS as the relay offered it. */
		lc.caps &= ~(unsigned int)EHLO_STARTTLS;
		if (!s->c_tls && (s->u_tls || (s->caps.flags &
		    EHLO_STARTTLS)))
			lc.caps |= EHLO_STARTTLS;
	}
	n = lint_command(&lc, line, len, w, 8);
	for (i = 0; i < n; i++)
		note(s, TDIR_WARN, "%s (%s)", w[i]->text, w[i]->ref);
}

/* Send STARTTLS upstream (why: for the note). */
static void
up_starttls(struct isess *s, const char *why)
{
	note(s, TDIR_INFO, "relay: smtpscope sends STARTTLS to the upstream "
	    "(%s)", why);
	s->up_tried_tls = 1;
	transcript_add_verb(&s->t, TDIR_C, "STARTTLS", 8, 0, NULL,
	    VERB_STARTTLS);
	buf_add(&s->uout, "STARTTLS\r\n", 10);
	s->ust = UP_STARTTLS;
	s->up_ms = intercept_now_ms();
}

/* The client asked for STARTTLS: answer it here and upgrade both legs. */
static void
client_starttls(struct isess *s)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	char				 err[256];
	size_t				 dropped = 0;

	if (p->ca == NULL || s->c_tls) {
		say_client(s, "454 4.7.0 smtpscope: TLS not available");
		return;
	}
	say_client(s, "220 2.0.0 Ready to start TLS (smtpscope intercept)");
	/* The 220 goes in clear, before the handshake. */
	isess_flush(s);
	if (conn_start_tls(s->c, NULL, intercept_sctx(s->ic), &dropped, err,
	    sizeof err) == -1) {
		isess_end(s, "client TLS: %s", err);
		return;
	}
	if (dropped > 0)
		note(s, TDIR_WARN, "%zu octets from the client followed its "
		    "STARTTLS before the handshake and were discarded "
		    "(RFC 3207 5)", dropped);
	note(s, TDIR_TLS, "client leg: TLS handshake begins");
	s->c_hs = 1;
	/* RFC 3207 4.2: all knowledge from before TLS is void. */
	s->ph.helo = s->ph.ehlo = 0;
	if (!s->u_tls && s->have_caps && (s->caps.flags & EHLO_STARTTLS))
		up_starttls(s, "the client's leg is going TLS");
	else if (!s->u_tls)
		note(s, TDIR_WARN, "the upstream leg stays plaintext: the "
		    "upstream does not offer STARTTLS, yet the client now "
		    "believes its session is encrypted");
}

/* Hold a client line until the upstream is ready for it. */
static void
hold(struct isess *s, const char *line, size_t len, unsigned int flags)
{
	uint32_t	hdr[2];

	if (s->held.len + len + sizeof hdr > INTERCEPT_HELD_MAX) {
		end_421(s, "the client sent over 256 KiB before the upstream "
		    "was ready: limit hit");
		return;
	}
	hdr[0] = (uint32_t)len;
	hdr[1] = flags;
	buf_add(&s->held, hdr, sizeof hdr);
	buf_add(&s->held, line, len);
	s->nheld++;
}

/* An AUTH command: masked by position, refused if it would leak. */
static void
client_auth(struct isess *s, const char *line, size_t len,
    unsigned int flags)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	const char			*m, *ir;
	char				*shown = NULL, *desc;
	size_t				 mlen, i;
	uint32_t			 tf = 0;

	for (i = 4; i < len && line[i] == ' '; i++)
		;
	m = line + i;
	for (mlen = 0; i < len && line[i] != ' '; i++, mlen++)
		;
	for (; i < len && line[i] == ' '; i++)
		;
	ir = i < len ? line + i : NULL;
	snprintf(s->mech, sizeof s->mech, "%.*s", (int)(mlen < 31 ? mlen : 31),
	    m);
	if (ir != NULL) {
		desc = auth_describe(s->mech, 0, ir, len - i);
		shown = xprintf("AUTH %s %s", s->mech, desc);
		free(desc);
		tf = TL_SECRET;
	}
	transcript_add_verb(&s->t, TDIR_C, line, len, tf | (flags &
	    LINE_FAULTS), shown, VERB_AUTH);
	free(shown);
	if (!s->u_tls && (s->c_tls || p->up_require_tls) &&
	    !p->allow_plaintext) {
		note(s, TDIR_WARN, "AUTH not relayed: the upstream leg is not "
		    "encrypted%s, and credentials would cross it in clear "
		    "(--allow-plaintext relays them)", s->c_tls ? " while the "
		    "client's is" : "");
		say_client(s, "538 5.7.11 smtpscope: the upstream leg is not "
		    "encrypted; AUTH not relayed");
		return;
	}
	s->auth = 1;
	s->auth_n = ir != NULL ? 1 : 0;
	phase_on_command(&s->ph, VERB_AUTH);
	to_up(s, line, len, flags);
	(void)push_verb(s, VERB_AUTH);
}

/* One line from the client. */
static void
client_line(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct isess			*s = arg;
	char				*desc;
	int				 secret;

	if (s->dead)
		return;
	s->client_ms = intercept_now_ms();
	if (flags & LINE_TRUNCATED) {
		transcript_add(&s->t, TDIR_C, line, len, flags, NULL);
		end_421(s, "a client line is over 8192 octets: limit hit");
		return;
	}
	if (flags & LINE_PARTIAL) {
		transcript_add(&s->t, TDIR_C, line, len, flags, NULL);
		note(s, TDIR_INFO, "relay: the client closed in the middle of "
		    "a line; it is not relayed");
		return;
	}
	if (s->ust != UP_READY || s->nheld > 0 || s->c_hs ||
	    s->hcmd != NULL) {
		hold(s, line, len, flags);
		return;
	}
	if (s->data) {
		transcript_add(&s->t, TDIR_C, line, len, TL_DATA |
		    (flags & LINE_FAULTS), NULL);
		to_up(s, line, len, flags);
		if (len == 1 && line[0] == '.') {
			s->data = 0;
			(void)push_verb(s, VERB_DOT);
		}
		return;
	}
	if (s->auth_answer) {
		s->auth_answer = 0;
		secret = auth_answer_secret(s->mech, s->auth_n, line, len);
		desc = auth_describe(s->mech, s->auth_n, line, len);
		s->auth_n++;
		transcript_add_verb(&s->t, TDIR_C, line, len, TL_ANSWER |
		    (secret ? TL_SECRET : 0) | (flags & LINE_FAULTS), desc,
		    VERB_ANSWER);
		free(desc);
		to_up(s, line, len, flags);
		(void)push_verb(s, VERB_ANSWER);
		return;
	}
	client_command(s, line, len, flags, 0);
}

/* A command line from the client (or released by the user: bypass). */
static void
client_command(struct isess *s, const char *line, size_t len,
    unsigned int flags, int bypass)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	enum verb			 v;

	/* AUTH may carry a secret: it is never put on the entry line. */
	if (!bypass && intercept_holding(s->ic) &&
	    verb_of(line, len) != VERB_AUTH) {
		s->hcmd = xstrndup(line, len);
		s->hcmd_len = len;
		s->hcmd_flags = flags;
		snprintf(s->hfirst, sizeof s->hfirst, "%.*s",
		    (int)(len < sizeof s->hfirst - 1 ? len :
		    sizeof s->hfirst - 1), line);
		s->hseq++;
		note(s, TDIR_INFO, "relay: intercept mode holds the client's "
		    "command for you (send it, edit it, or answer it with a "
		    "reply)");
		return;
	}
	v = verb_of(line, len);
	if (v == VERB_AUTH) {
		lint(s, line, len);
		client_auth(s, line, len, flags);
		return;
	}
	transcript_add_verb(&s->t, TDIR_C, line, len, flags & LINE_FAULTS,
	    NULL, v);
	lint(s, line, len);
	switch (v) {
	case VERB_STARTTLS:
		/*
		 * Ours to answer when we offered it: the upstream offers it
		 * too, or its leg is TLS already.  Else the upstream says.
		 */
		if (s->u_tls || (s->have_caps &&
		    (s->caps.flags & EHLO_STARTTLS))) {
			client_starttls(s);
			return;
		}
		break;
	case VERB_EHLO:
	case VERB_HELO:
		free(s->last_ehlo);
		s->last_ehlo = xstrndup(line, len);
		break;
	case VERB_MAIL:
	case VERB_RCPT:
	case VERB_DATA:
	case VERB_BDAT:
		if (!s->u_tls && p->up_require_tls && !p->allow_plaintext) {
			note(s, TDIR_WARN, "not relayed: the upstream leg must "
			    "be TLS (submission://) and is not");
			say_client(s, "530 5.7.0 smtpscope: the upstream leg is "
			    "not encrypted");
			return;
		}
		break;
	default:
		break;
	}
	phase_on_command(&s->ph, v);
	to_up(s, line, len, flags);
	(void)push_verb(s, v);
}

/* Relay held client lines now that the upstream is ready. */
static void
release_held(struct isess *s)
{
	uint32_t	 hdr[2];
	size_t		 off = 0;
	char		*line;

	while (s->nheld > 0 && !s->dead && s->ust == UP_READY && !s->c_hs &&
	    s->hcmd == NULL) {
		memcpy(hdr, s->held.data + off, sizeof hdr);
		line = s->held.data + off + sizeof hdr;
		off += sizeof hdr + hdr[0];
		s->nheld--;
		/* Keep it held when a line inside makes us wait again. */
		{
			size_t	n = s->nheld;

			s->nheld = 0;
			client_line(s, line, hdr[0], hdr[1]);
			s->nheld += n;
		}
	}
	if (off > 0) {
		wipe(s->held.data, off);
		buf_consume(&s->held, off);
	}
	if (s->nheld == 0)
		buf_reset(&s->held);
}

/* The keyword of an EHLO reply line ("250-STARTTLS" -> STARTTLS). */
static int
ehlo_kw_is(const char *line, size_t len, const char *kw)
{
	size_t	n = strlen(kw);

	if (len < 4 + n || strncasecmp(line + 4, kw, n) != 0)
		return 0;
	return len == 4 + n || line[4 + n] == ' ' || line[4 + n] == '=';
}

/*
 * Relay a held EHLO reply to the client: STARTTLS offered only while its
 * leg is plaintext, CHUNKING and BINARYMIME left out (BDAT chunks are not
 * lines, and the relay works in lines).
 */
static void
relay_ehlo(struct isess *s, int code)
{
	struct buf	 out;
	const char	*p = s->ehlo.data, *end = p + s->ehlo.len, *nl;
	char		 sep;
	int		 offer, had = 0, cut = 0, first = 1;
	size_t		 n;
	struct {
		const char	*l;
		size_t		 n;
	}		 keep[256];
	size_t		 nkeep = 0, i;

	buf_init(&out);
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)(nl - p);
		if (!first && (ehlo_kw_is(p, n, "STARTTLS") ||
		    ehlo_kw_is(p, n, "CHUNKING") ||
		    ehlo_kw_is(p, n, "BINARYMIME"))) {
			if (ehlo_kw_is(p, n, "STARTTLS"))
				had = 1;
			else
				cut = 1;
		} else if (nkeep < 256) {
			keep[nkeep].l = p;
			keep[nkeep++].n = n;
		}
		first = 0;
	}
	/* Mirror the upstream: offered when it offers it or is TLS. */
	offer = code == 250 && !s->c_tls && intercept_params(s->ic)->ca !=
	    NULL && (had || s->u_tls);
	for (i = 0; i < nkeep; i++) {
		sep = i + 1 < nkeep || offer ? '-' : ' ';
		if (keep[i].n >= 4) {
			buf_add(&out, keep[i].l, 3);
			buf_addch(&out, sep);
			buf_add(&out, keep[i].l + 4, keep[i].n - 4);
		} else
			buf_add(&out, keep[i].l, keep[i].n);
		buf_add(&out, "\r\n", 2);
	}
	if (offer)
		buf_printf(&out, "%d STARTTLS\r\n", code);
	if (code == 250 && (had || offer || cut))
		note(s, TDIR_INFO, "relay: the EHLO reply goes to the client "
		    "%s%s", offer && had ? "with the upstream's STARTTLS, which "
		    "smtpscope answers itself (it then upgrades both legs)" :
		    offer ? "with STARTTLS offered by smtpscope (the upstream "
		    "leg is TLS already)" : had ? "without STARTTLS (the "
		    "client's leg is TLS already)" : "as it is", cut ?
		    ", without CHUNKING/BINARYMIME (the relay works line by "
		    "line)" : "");
	cout_add(s, out.data, out.len);
	buf_free(&out);
	buf_reset(&s->ehlo);
}

/* The upstream's EHLO reply is complete: relay it, or upgrade first. */
static void
ehlo_done(struct isess *s, const struct reply *r)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	int				 offered;
	const char			*why = NULL;

	if (s->have_caps)
		ehlo_free(&s->caps);
	s->have_caps = ehlo_parse(&s->caps, r) == 0;
	offered = s->have_caps && (s->caps.flags & EHLO_STARTTLS);
	if (r->code == 250 && !s->u_tls && !s->up_tried_tls) {
		if (s->c_tls)
			why = "the client's leg is TLS";
		else if (p->up_upgrade)
			why = "--starttls";
		else if (p->up_require_tls)
			why = "submission:// wants TLS";
	}
	if (why != NULL && offered) {
		note(s, TDIR_INFO, "relay: this EHLO reply is held back; the "
		    "upstream leg is upgraded first");
		buf_reset(&s->ehlo);
		s->resend_ehlo = 1;
		up_starttls(s, why);
		return;
	}
	if (why != NULL && p->up_require_tls && !p->allow_plaintext) {
		buf_reset(&s->ehlo);
		end_421(s, "the upstream does not offer STARTTLS, and "
		    "submission:// wants TLS");
		return;
	}
	if (why != NULL)
		note(s, TDIR_WARN, "the upstream does not offer STARTTLS: its "
		    "leg stays plaintext although %s", why);
	relay_ehlo(s, r->code);
}

/* Compare the two legs' TLS once both are up. */
static void
compare_tls(struct isess *s)
{
	if (!s->c_tls || !s->u_tls)
		return;
	if (strcmp(s->c_ver, s->u_ver) != 0 ||
	    strcmp(s->c_cipher, s->u_cipher) != 0)
		note(s, TDIR_TLS, "the legs differ: the client's TLS is %s %s, "
		    "the upstream's %s %s", s->c_ver, s->c_cipher, s->u_ver,
		    s->u_cipher);
	else
		note(s, TDIR_TLS, "both legs use %s %s", s->c_ver,
		    s->c_cipher);
}

/* Record a finished handshake of one leg. */
static void
tls_done(struct isess *s, int client)
{
	struct tls_info	ti;

	tls_get_info(conn_tls(client ? s->c : s->u), &ti);
	note(s, TDIR_TLS, "%s leg: handshake done: %s, %s", client ?
	    "client" : "upstream", ti.version, ti.cipher);
	if (client) {
		note(s, TDIR_TLS, "client leg: our certificate: %s (names: "
		    "%s), issued by %s", ti.subject, ti.altnames[0] != '\0' ?
		    ti.altnames : "none", ti.issuer);
		snprintf(s->c_ver, sizeof s->c_ver, "%s", ti.version);
		snprintf(s->c_cipher, sizeof s->c_cipher, "%s", ti.cipher);
		s->c_tls = 1;
	} else {
		note(s, TDIR_TLS, "upstream leg: certificate: %s", ti.subject);
		note(s, TDIR_TLS, "upstream leg: issuer: %s", ti.issuer);
		note(s, TDIR_TLS, "upstream leg: valid from %s to %s",
		    ti.not_before, ti.not_after);
		if (ti.altnames[0] != '\0')
			note(s, TDIR_TLS, "upstream leg: names: %s",
			    ti.altnames);
		note(s, TDIR_TLS, "upstream leg: verification: %s%s",
		    ti.verified ? "verified" : ti.verdict, ti.verified ? "" :
		    " (accepted because of --insecure)");
		snprintf(s->u_ver, sizeof s->u_ver, "%s", ti.version);
		snprintf(s->u_cipher, sizeof s->u_cipher, "%s", ti.cipher);
		s->u_tls = 1;
		phase_on_tls(&s->ph);
		if (s->have_caps) {
			ehlo_free(&s->caps);
			s->have_caps = 0;
		}
	}
	compare_tls(s);
}

/* The upstream leg is up and greeted, or back from a TLS upgrade. */
static void
up_ready(struct isess *s)
{
	s->ust = UP_READY;
	if (s->resend_ehlo && s->last_ehlo != NULL) {
		s->resend_ehlo = 0;
		note(s, TDIR_INFO, "relay: smtpscope says the client's EHLO "
		    "again on the upgraded leg; its reply goes to the client");
		transcript_add_verb(&s->t, TDIR_C, s->last_ehlo,
		    strlen(s->last_ehlo), 0, NULL, VERB_EHLO);
		to_up(s, s->last_ehlo, strlen(s->last_ehlo), 0);
		(void)push_verb(s, VERB_EHLO);
	}
	release_held(s);
}

/* A complete reply from the upstream. */
static void
up_reply(struct isess *s, const struct reply *r, enum verb v)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	char				 err[256];
	size_t				 dropped = 0;

	snprintf(s->last, sizeof s->last, "%.*s", (int)(r->nlines > 0 ?
	    r->lines[0].len : 0), r->nlines > 0 ? r->lines[0].text : "");
	if (v != VERB_UNASKED)
		phase_on_reply(&s->ph, v == VERB_ANSWER ? VERB_AUTH : v,
		    r->code);
	switch (v) {
	case VERB_NONE:
		up_ready(s);
		return;
	case VERB_EHLO:
		ehlo_done(s, r);
		return;
	case VERB_STARTTLS:
		if (s->ust != UP_STARTTLS)
			break;
		if (r->code == 220) {
			isess_flush(s);
			if (conn_start_tls(s->u, &p->up_tls, NULL, &dropped,
			    err, sizeof err) == -1) {
				end_421(s, "upstream TLS could not start");
				return;
			}
			if (dropped > 0)
				note(s, TDIR_WARN, "%zu octets from the "
				    "upstream after its 220 were discarded "
				    "(possible injection; RFC 3207 5)",
				    dropped);
			note(s, TDIR_TLS, "upstream leg: TLS handshake begins");
			s->ust = UP_TLS;
			return;
		}
		note(s, TDIR_WARN, "the upstream refused STARTTLS: its leg "
		    "stays plaintext");
		if (p->up_require_tls && !p->allow_plaintext) {
			end_421(s, "the upstream refused STARTTLS, and "
			    "submission:// wants TLS");
			return;
		}
		/* The client still waits for an EHLO reply: say it again. */
		up_ready(s);
		return;
	case VERB_DATA:
		if (r->code == 354)
			s->data = 1;
		break;
	case VERB_AUTH:
	case VERB_ANSWER:
		if (r->code == 334)
			s->auth_answer = 1;
		else
			s->auth = s->auth_answer = 0;
		break;
	case VERB_DOT:
		if (r->code / 100 == 2) {
			s->msgs++;
			snprintf(s->result, sizeof s->result, "sent %lu "
			    "message%s", s->msgs, s->msgs == 1 ? "" : "s");
		}
		break;
	case VERB_QUIT:
		if (r->code == 221)
			s->quit_ok = 1;
		break;
	default:
		break;
	}
}

/* One line from the upstream. */
static void
up_line(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct isess	*s = arg;
	struct reply	 r;
	enum verb	 v = peek_verb(s);
	uint32_t	 tf = 0;
	int		 done;

	if (s->dead)
		return;
	s->up_ms = intercept_now_ms();
	if (s->ust == UP_GREETING)
		v = VERB_NONE;
	else if (s->ust == UP_STARTTLS)
		v = VERB_STARTTLS;
	if (flags & LINE_TRUNCATED) {
		transcript_add_verb(&s->t, TDIR_S, line, len, flags, NULL, v);
		end_421(s, "an upstream line is over 8192 octets: limit hit");
		return;
	}
	if (s->in_reply > 0)
		tf |= TL_CONT;
	done = reply_parser_line(&s->rp, line, len, flags, &r);
	if (done)
		tf |= TL_REPLY_END;
	s->in_reply = done ? 0 : s->in_reply + 1;
	transcript_add_verb(&s->t, TDIR_S, line, len, tf | flags, NULL, v);
	/* Held: an EHLO reply (rewritten) and our STARTTLS's reply. */
	if (v == VERB_EHLO && s->ust == UP_READY) {
		if (s->ehlo.len + len + 1 > ISESS_EHLO_MAX) {
			if (done)
				reply_free(&r);
			end_421(s, "the upstream's EHLO reply is over 16 KiB: "
			    "limit hit");
			return;
		}
		buf_add(&s->ehlo, line, len);
		buf_addch(&s->ehlo, '\n');
	} else if (v != VERB_STARTTLS || s->ust != UP_STARTTLS) {
		if (s->hreply.len > 0 || (intercept_holding(s->ic) &&
		    !(tf & TL_CONT))) {
			/* Intercept mode: the reply waits for the user. */
			if (s->hreply.len == 0) {
				snprintf(s->hfirst, sizeof s->hfirst, "%.*s",
				    (int)(len < sizeof s->hfirst - 1 ? len :
				    sizeof s->hfirst - 1), line);
				s->hreply_code = done ? r.code :
				    atoi(s->hfirst);
			}
			if (s->hreply.len + len + 2 > INTERCEPT_HELD_MAX) {
				if (done)
					reply_free(&r);
				end_421(s, "over 256 KiB of replies held: "
				    "limit hit");
				return;
			}
			buf_add(&s->hreply, line, len);
			buf_add(&s->hreply, "\r\n", 2);
			if (done && !s->hreply_held) {
				s->hreply_held = 1;
				s->hseq++;
				note(s, TDIR_INFO, "relay: intercept mode holds "
				    "the upstream's reply for you (send it, or "
				    "edit it within its class)");
			}
		} else if (s->c != NULL) {
			cout_line(s, line, len);
		}
	}
	if (!done)
		return;
	if (s->ust != UP_GREETING && s->ust != UP_STARTTLS)
		pop_verb(s);
	up_reply(s, &r, v);
	reply_free(&r);
}

/* The dial finished: take the socket, or give up. */
static void
up_connected(struct isess *s)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	enum net_err			 kind;
	char				 err[256];
	size_t				 dropped;
	int				 fd;

	if (dial_state(s->dial) == DIAL_FAILED) {
		snprintf(err, sizeof err, "cannot reach the upstream: %s",
		    dial_error(s->dial, &kind));
		end_421(s, err);
		return;
	}
	fd = dial_take_fd(s->dial);
	net_tune(fd);	/* TCP_NODELAY: each line is a small write */
	note(s, TDIR_INFO, "upstream: connected to %s", dial_addr(s->dial));
	dial_free(s->dial);
	s->dial = NULL;
	s->u = conn_new(fd);
	s->up_ms = intercept_now_ms();
	if (p->up_implicit_tls) {
		if (conn_start_tls(s->u, &p->up_tls, NULL, &dropped, err,
		    sizeof err) == -1) {
			end_421(s, "upstream TLS could not start");
			return;
		}
		s->ust = UP_HANDSHAKE;
	} else
		s->ust = UP_GREETING;
}

/* Drive one leg's handshake. */
static void
handshake(struct isess *s, int client)
{
	char	err[512];
	int	rc;

	rc = conn_handshake(client ? s->c : s->u, err, sizeof err);
	if (rc == TLS_AGAIN)
		return;
	if (rc == -1) {
		if (client) {
			note(s, TDIR_TLS, "client leg: TLS handshake failed: "
			    "%s", err);
			s->c_hs = 0;
			conn_free(s->c);
			s->c = NULL;
			isess_end(s, "the client's TLS handshake failed (does "
			    "it trust the intercept CA?)");
		} else {
			note(s, TDIR_TLS, "upstream leg: TLS handshake failed: "
			    "%s", err);
			end_421(s, strstr(err, "verif") != NULL ? "upstream "
			    "certificate not verified (--ca-file or "
			    "--insecure)" : "upstream TLS handshake failed");
		}
		return;
	}
	if (client) {
		s->c_hs = 0;
		tls_done(s, 1);
		release_held(s);
	} else {
		tls_done(s, 0);
		if (s->ust == UP_HANDSHAKE)
			s->ust = UP_GREETING;
		else
			up_ready(s);
	}
}

size_t
isess_pollfds(struct isess *s, struct pollfd *pfd, size_t max)
{
	size_t	n = 0;
	short	ev;

	s->up_fd_idx = -1;
	if (s->dead) {
		if (s->linger_until == 0 || s->c == NULL || max == 0)
			return 0;
		pfd[0].fd = conn_fd(s->c);
		pfd[0].events = POLLOUT;
		pfd[0].revents = 0;
		return 1;
	}
	if (s->c != NULL && max > 0) {
		ev = conn_events(s->c);
		/* Back-pressure: a slow upstream stops the client. */
		if (s->u != NULL && conn_queued(s->u) > INTERCEPT_QUEUE_MAX)
			ev &= ~POLLIN;
		pfd[n].fd = conn_fd(s->c);
		pfd[n].events = ev;
		pfd[n++].revents = 0;
	}
	if (s->dial != NULL)
		n += dial_pollfds(s->dial, pfd + n, max - n);
	else if (s->u != NULL && n < max) {
		ev = conn_events(s->u);
		if (s->c != NULL && conn_queued(s->c) > INTERCEPT_QUEUE_MAX)
			ev &= ~POLLIN;
		s->up_fd_idx = (int)n;
		pfd[n].fd = conn_fd(s->u);
		pfd[n].events = ev;
		pfd[n++].revents = 0;
	}
	return n;
}

/* Read one leg; returns 0, or -1 when it ended. */
static int
leg_read(struct isess *s, int client, short ev)
{
	struct conn	*c = client ? s->c : s->u;
	char		 err[256];
	int		 r;

	if (ev & POLLOUT) {
		if (conn_queued(c) > 0 && conn_flush(c) == -1) {
			isess_end(s, "%s: %s", client ? "client" : "upstream",
			    conn_error(c));
			return -1;
		}
	}
	if (!(ev & (POLLIN | POLLHUP | POLLERR)) && !conn_pending(c))
		return 0;
	r = conn_read(c, client ? client_line : up_line, s, err, sizeof err);
	if (s->dead)
		return -1;
	if (r == 0 && client && conn_partial_truncated(c) > 0) {
		end_421(s, "a client line is over 8192 octets: limit hit");
		return -1;
	}
	if (r == 0)
		return 0;
	if (client) {
		if (r == -1)
			isess_end(s, "client: %s", err);
		else
			isess_end(s, s->quit_ok ? "the client closed after QUIT" :
			    "the client closed the connection");
	} else {
		if (r == -1)
			end_421(s, "the upstream connection failed");
		else if (s->quit_ok)
			isess_end(s, "the upstream closed after QUIT");
		else
			end_421(s, "the upstream closed the connection");
	}
	return -1;
}

void
isess_io(struct isess *s, const struct pollfd *pfd, size_t n)
{
	short	cev = 0, uev = 0;
	size_t	i = 0;

	if (s->dead) {
		if (s->linger_until != 0 && s->c != NULL && n > 0 &&
		    pfd[0].revents != 0 && conn_flush(s->c) == -1)
			s->linger_until = 0;
		return;
	}
	if (s->c != NULL && n > 0)
		cev = pfd[i++].revents;
	if (s->dial != NULL) {
		if (dial_process(s->dial, pfd + i, n - i) != DIAL_RUNNING)
			up_connected(s);
	} else if (s->up_fd_idx >= 0 && (size_t)s->up_fd_idx < n)
		uev = pfd[s->up_fd_idx].revents;
	if (s->dead)
		return;
	if (s->u != NULL && (uev != 0 || conn_pending(s->u) ||
	    s->ust == UP_HANDSHAKE || s->ust == UP_TLS)) {
		if (s->ust == UP_HANDSHAKE || s->ust == UP_TLS) {
			if (uev != 0 || s->ust == UP_HANDSHAKE)
				handshake(s, 0);
		} else if (leg_read(s, 0, uev) == -1)
			return;
	}
	if (s->dead || s->c == NULL)
		return;
	if (s->c_hs) {
		if (cev != 0)
			handshake(s, 1);
	} else if ((cev != 0 || conn_pending(s->c)) &&
	    leg_read(s, 1, cev) == -1)
		return;
	isess_flush(s);
	/* Lines queued while a handshake ran go out now. */
	if (s->c != NULL && !s->c_hs && conn_queued(s->c) > 0)
		(void)conn_flush(s->c);
	if (s->u != NULL && conn_queued(s->u) > 0 && s->ust != UP_TLS &&
	    s->ust != UP_HANDSHAKE)
		(void)conn_flush(s->u);
}

/* What waits on the upstream: its greeting, a reply, a handshake. */
static int
up_waiting(const struct isess *s)
{
	return s->ust == UP_GREETING || s->ust == UP_STARTTLS ||
	    s->ust == UP_TLS || s->ust == UP_HANDSHAKE || s->npend > 0;
}

int
isess_timeout(const struct isess *s, long long now)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	long long			 due, idle;
	int				 ms;

	if (s->dead)
		return s->linger_until == 0 ? -1 : s->linger_until <= now ?
		    0 : (int)(s->linger_until - now);
	idle = (long long)(p->idle_s != 0 ? p->idle_s :
	    INTERCEPT_IDLE_DEFAULT) * 1000;
	due = s->client_ms + idle;
	if (s->c_hs && s->client_ms + p->timeout_ms < due)
		due = s->client_ms + p->timeout_ms;
	if (up_waiting(s) && s->up_ms + p->timeout_ms < due)
		due = s->up_ms + p->timeout_ms;
	if (s->dial != NULL && dial_timeout_ms(s->dial) >= 0 &&
	    now + dial_timeout_ms(s->dial) < due)
		due = now + dial_timeout_ms(s->dial);
	ms = due - now < 0 ? 0 : due - now > 3600000 ? 3600000 :
	    (int)(due - now);
	return ms;
}

void
isess_timers(struct isess *s, long long now)
{
	const struct intercept_params	*p = intercept_params(s->ic);
	long long			 idle;

	if (s->dead)
		return;
	idle = (long long)(p->idle_s != 0 ? p->idle_s :
	    INTERCEPT_IDLE_DEFAULT) * 1000;
	if (s->c_hs && now - s->client_ms >= p->timeout_ms) {
		note(s, TDIR_TLS, "client leg: the TLS handshake did not "
		    "complete in %d s", p->timeout_ms / 1000);
		conn_free(s->c);
		s->c = NULL;
		s->c_hs = 0;
		isess_end(s, "the client's TLS handshake timed out");
	} else if (s->dial == NULL && up_waiting(s) &&
	    now - s->up_ms >= p->timeout_ms)
		end_421(s, "the upstream did not answer in time");
	else if (now - s->client_ms >= idle)
		end_421(s, "the client was idle too long");
}

/* "250 ...", "451-..." or "354": a reply the user typed, and its code. */
static int
typed_reply(const char *text)
{
	if (strlen(text) < 3 || text[0] < '2' || text[0] > '5' ||
	    text[1] < '0' || text[1] > '9' || text[2] < '0' || text[2] > '9' ||
	    (text[3] != '\0' && text[3] != ' '))
		return 0;
	return (text[0] - '0') * 100 + (text[1] - '0') * 10 + text[2] - '0';
}

int
isess_release(struct isess *s, const char *text, char *err, size_t errlen)
{
	char	*line;
	size_t	 len;
	int	 code;

	if (s->hcmd != NULL) {
		line = s->hcmd;
		len = s->hcmd_len;
		s->hcmd = NULL;
		if (text != NULL && (code = typed_reply(text)) != 0) {
			transcript_add_verb(&s->t, TDIR_C, line, len,
			    s->hcmd_flags & LINE_FAULTS, NULL,
			    verb_of(line, len));
			note(s, TDIR_INFO, "relay: you answered the client; "
			    "the upstream never saw this command");
			say_client(s, text);
		} else if (text != NULL && (strlen(text) != len ||
		    memcmp(text, line, len) != 0)) {
			note(s, TDIR_INFO, "relay: you edited the client's "
			    "command before it went on");
			client_command(s, text, strlen(text), 0, 1);
		} else
			client_command(s, line, len, s->hcmd_flags, 1);
		free(line);
		release_held(s);
		return 0;
	}
	if (!s->hreply_held) {
		snprintf(err, errlen, "nothing is held in this session");
		return -1;
	}
	if (text != NULL && strcmp(text, s->hfirst) != 0) {
		code = typed_reply(text);
		if (code == 0 || code / 100 != s->hreply_code / 100) {
			snprintf(err, errlen, "a %dxx reply stays %dxx: another "
			    "class would leave the client and the upstream in "
			    "different states (to answer a command yourself, "
			    "hold the command)", s->hreply_code / 100,
			    s->hreply_code / 100);
			return -1;
		}
		note(s, TDIR_INFO, "relay: you replaced the upstream's reply: "
		    "the client gets: %s", text);
		if (s->c != NULL) {
			cout_line(s, text, strlen(text));
		}
	} else if (s->c != NULL)
		cout_add(s, s->hreply.data, s->hreply.len);
	buf_reset(&s->hreply);
	s->hreply_held = 0;
	return 0;
}
