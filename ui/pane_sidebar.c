/*
 * pane_sidebar.c: the sidebar explains the selected transcript line (by
 * default the newest reply) with the knowledge base's text, says what the
 * entry mode means, and lists the session's facts.  The text uses the kb
 * layout: "## " headings, "- " items, paragraphs wrapped to the width.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/mtasts.h"
#include "smtpscope/phase.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/session.h"
#include "smtpscope/tls_report.h"
#include "smtpscope/transcript.h"
#include "ui/ui_internal.h"

struct side_state {
	struct ui	*ui;
	int		 row;		/* rows laid out so far */
	int		 blank;		/* the last row was blank */
	int		 draw;		/* 0: only count the rows */
	int		 h;		/* rows to draw into */
	struct cells	 c;
};

/* Draw cells [from, to) as the next row, if it is in the visible part. */
static void
side_emit(struct side_state *st, size_t from, size_t to, int indent)
{
	struct ui	*ui = st->ui;
	struct rect	*r = &ui->r_side;
	int		 y = st->row - ui->side_scroll;

	if (st->draw && y >= 0 && y < st->h)
		screen_put_cells(ui, r->y + y, r->x + 1 + indent,
		    r->w - 1 - indent, &st->c, from, to, 0);
	st->row++;
	st->blank = (from == to);
}

/*
 * Word-wrap the cells to the width: the first row at column first, the
 * others at rest, so continuations sit under the text; no row breaks at
 * or before cell lo (an item's "- ").
 */
static void
side_wrap(struct side_state *st, int first, int rest, size_t lo)
{
	const struct cells	*c = &st->c;
	int			 width = st->ui->r_side.w - 1;
	int			 indent = first, avail;
	size_t			 at = 0, end, next;

	while (at < c->n) {
		avail = width - indent;
		if (avail < 4) {
			indent = 0;
			avail = width > 0 ? width : 1;
		}
		end = cells_wrap(c, at, at == 0 ? lo : at, avail, &next);
		side_emit(st, at, end, indent);
		at = next;
		indent = rest;
	}
}

/* Lay out one line of kb text. */
static void
side_line(struct side_state *st, const char *s, size_t len)
{
	struct ui	*ui = st->ui;

	cells_reset(&st->c);
	if (len == 0) {
		if (st->row > 0 && !st->blank)
			side_emit(st, 0, 0, 0);
		return;
	}
	if (len >= 3 && strncmp(s, "## ", 3) == 0) {
		if (st->row > 0 && !st->blank)
			side_emit(st, 0, 0, 0);
		cells_add_raw(&st->c, ui, s + 3, len - 3, R_HEADING);
		side_wrap(st, 0, 0, 0);
		return;
	}
	if (len >= 2 && strncmp(s, "- ", 2) == 0) {
		cells_add(&st->c, ui, "- ", 2, R_DIM);
		cells_add_raw(&st->c, ui, s + 2, len - 2, R_NORMAL);
		side_wrap(st, 0, 2, 2);
		return;
	}
	cells_add_raw(&st->c, ui, s, len, R_NORMAL);
	side_wrap(st, 0, 0, 0);
}

/* Lay out a whole text, line by line. */
static void
side_text(struct side_state *st, const char *s, size_t len)
{
	const char	*nl;
	size_t		 n;

	while (len > 0) {
		nl = memchr(s, '\n', len);
		n = nl != NULL ? (size_t)(nl - s) : len;
		side_line(st, s, n);
		if (nl == NULL)
			break;
		s += n + 1;
		len -= n + 1;
	}
}

/* What the entry mode means, on top when it is not plain command mode. */
static void
side_mode(struct ui *ui, const struct session_info *in, struct buf *b)
{
	if (ui->asking && ui->ask_plain) {
		buf_printf(b, "## Question\n%s\nType yes or no. Enter "
		    "confirms, Esc cancels (no).\n\n",
		    ui->ask_prompt != NULL ? ui->ask_prompt : "");
		return;
	}
	if (ui->asking) {
		buf_printf(b, "## Secret\n%s\nTyping is masked and never kept "
		    "in history. Enter confirms, Esc cancels.\n\n",
		    ui->ask_prompt != NULL ? ui->ask_prompt : "");
		return;
	}
	if (in == NULL)
		return;
	if (in->data_pending || in->held > 0) {
		buf_printf(b, "## Waiting for the 354\nThe reply to DATA has "
		    "not come. Lines typed now wait (%zu so far) and go out "
		    "as the message once the 354 arrives; if DATA is "
		    "refused, none of them is sent.\n\n", in->held);
	} else if (in->mode == SMODE_ANSWER) {
		buf_addstr(b, "## Answer mode (334)\n");
		if (in->challenge != NULL)
			buf_printf(b, "decoded: \"%s\"\n", in->challenge);
		if (in->answer_raw)
			buf_addstr(b, "The next line goes out as typed "
			    "(:raw): paste base64.\n");
		else if (in->answer_hint != NULL)
			buf_printf(b, "%s\n", in->answer_hint);
		else if (in->answer_secret)
			buf_addstr(b, "This answer may carry a secret: it is "
			    "masked and base64-encoded for you.\n");
		else
			buf_addstr(b, "Type the answer; it is base64-encoded "
			    "for you. :raw sends the next one as typed.\n");
		buf_addch(b, '\n');
	} else if (in->mode == SMODE_DATA) {
		buf_printf(b, "## Data mode (354)\nLines are message "
		    "content; a line starting with \".\" is dot-stuffed. "
		    "A lone \".\" ends the message.\n- %llu octets sent\n\n",
		    in->data_octets);
	}
}

/* mx://: the exchangers in the order tried, and what DANE said. */
static void
side_mx(const struct session_info *in, struct buf *b)
{
	const struct mx_host	*h;
	size_t			 i;

	if (in->mx_n == 0 && in->dane[0] == '\0')
		return;
	if (in->mx_n > 0)
		buf_addstr(b, "\n## Mail exchangers\n");
	for (i = 0; i < in->mx_n; i++) {
		h = &in->mx_hosts[i];
		if (h->implicit)
			buf_printf(b, "- %s (no MX)", h->host);
		else
			buf_printf(b, "- %u %s", h->pref, h->host);
		buf_printf(b, " [%s]: %s", h->addrs[0] != '\0' ? h->addrs :
		    "no address", h->state);
		if (in->mtasts_policy != NULL)
			buf_printf(b, "; MTA-STS %s",
			    mtasts_match_mx(in->mtasts_policy, h->host) >= 0 ?
			    "mx matches" : "mx not listed");
		buf_addstr(b, "\n");
	}
	if (in->dane[0] != '\0')
		buf_printf(b, "- DANE: %s\n", in->dane);
	if (in->mtasts[0] != '\0')
		buf_printf(b, "- MTA-STS: %s\n", in->mtasts);
	if (in->tlsrpt[0] != '\0')
		buf_printf(b, "- TLS-RPT: %s\n", in->tlsrpt);
	if (in->have_tls_info && in->tls_info.dane[0] != '\0')
		buf_printf(b, "- DANE check: %s\n", in->tls_info.dane);
}

/* The session's facts at the bottom. */
static void
side_facts(const struct session_info *in, struct buf *b)
{
	buf_addstr(b, "\n## Session\n");
	if (!in->connected)
		buf_addstr(b, "- not connected (:reconnect)\n");
	buf_printf(b, "- phase: %s\n", phase_name(in->ph.phase));
	if (in->tls)
		buf_printf(b, "- TLS: %s%s%s\n", in->have_tls_info ?
		    in->tls_info.version : "on", in->have_tls_info ? ", " : "",
		    in->have_tls_info ? in->tls_info.verdict : "");
	else if (in->connected)
		buf_addstr(b, "- TLS: off (plaintext)\n");
	if (in->auth_user != NULL)
		buf_printf(b, "- authenticated as %s\n", in->auth_user);
	if (in->ph.mail)
		buf_printf(b, "- transaction open, %d recipient%s\n",
		    in->ph.nrcpt, in->ph.nrcpt == 1 ? "" : "s");
	if (in->ph.nmsg > 0)
		buf_printf(b, "- messages accepted: %d\n", in->ph.nmsg);
	if (in->waiting > 0)
		buf_printf(b, "- waiting for %zu repl%s\n", in->waiting,
		    in->waiting == 1 ? "y" : "ies");
	side_mx(in, b);
}

/*
 * Under a TLS line, the report of the handshake in full (a replay has no
 * live session, so its TLS lines show only what they say).
 */
static void
side_tls_report(struct ui *ui, const struct session_info *in, size_t target,
    struct buf *b)
{
	if (in == NULL || in->tls_report == NULL || ui->replay ||
	    target >= ui->t->n || ui->t->lines[target].dir != TDIR_TLS)
		return;
	buf_addch(b, '\n');
	tls_report_text(in->tls_report, b);
}

/* Draw the sidebar. */
void
sidebar_draw(struct ui *ui)
{
	const struct session_info	*in = NULL;
	struct side_state		 st;
	struct buf			 b;
	size_t				 target;
	char				 mark[64];
	int				 total, h;

	if (ui->r_side.h <= 0 || ui->r_side.w <= 2)
		return;
	if (ui->s != NULL)
		in = session_info(ui->s);
	buf_init(&b);
	lesson_ui_section(ui, &b);
	side_mode(ui, in, &b);
	if (ui->pinned != NULL) {
		buf_addstr(&b, ui->pinned);
		buf_addch(&b, '\n');
	} else {
		target = transcript_pane_target(ui);
		if (target != (size_t)-1) {
			if (ui->replay)
				buf_printf(&b, "line %zu of %zu\n",
				    replay_file_line(ui, target + 1),
				    replay_file_line(ui, ui->rp_full->n));
			else if (ui->focus == FOCUS_TRANSCRIPT)
				buf_printf(&b, "line %zu of %zu\n", target + 1,
				    ui->t->n);
			kb_explain_tline(&b, ui->t, target);
			side_tls_report(ui, in, target, &b);
		} else
			buf_addstr(&b, "## smtpscope\nType an SMTP command "
			    "(EHLO me) and press Enter. F1 lists keys and "
			    ":commands.\n");
	}
	if (in != NULL)
		side_facts(in, &b);

	/* Count the rows first, so an overflow keeps a row for its mark. */
	memset(&st, 0, sizeof st);
	st.ui = ui;
	side_text(&st, b.data == NULL ? "" : b.data, b.len);
	total = st.row;
	h = ui->r_side.h;
	if (total > h && h > 2)
		h--;
	if (ui->side_scroll > total - h)
		ui->side_scroll = total - h > 0 ? total - h : 0;
	st.row = st.blank = 0;
	st.draw = 1;
	st.h = h;
	side_text(&st, b.data == NULL ? "" : b.data, b.len);
	if (h < ui->r_side.h) {
		/* Only keys that work here: ] types a bracket mid-line. */
		if (ui->explain)
			snprintf(mark, sizeof mark, "-- %d more: j or Space --",
			    total - h - ui->side_scroll);
		else
			snprintf(mark, sizeof mark, "-- %d more: %s --",
			    total - h - ui->side_scroll,
			    nav_side_keys_ok(ui) ? "] or Shift-PgDn" :
			    "Shift-PgDn");
		if (total - h - ui->side_scroll <= 0)
			snprintf(mark, sizeof mark, "-- end: %s --",
			    ui->explain ? "k or g" : nav_side_keys_ok(ui) ?
			    "[ or Shift-PgUp" : "Shift-PgUp");
		screen_put(ui, ui->r_side.y + h, ui->r_side.x + 1,
		    ui->r_side.w - 1, mark, strlen(mark), R_DIM);
	}
	cells_free(&st.c);
	buf_free(&b);
}
