/*
 * pane_status.c: the status bar on top (where we are connected, TLS and
 * its verdict, the protocol phase, who is authenticated, how long the last
 * reply took) and the key-hint bar at the bottom, which also carries
 * messages from ':' commands.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/phase.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/session.h"
#include "ui/ui_internal.h"

/* Draw one field and a gap; returns the new column. */
static int
status_field(struct ui *ui, int x, const char *s, int role)
{
	struct cells	c;
	int		used;

	if (x >= ui->cols)
		return (x);
	memset(&c, 0, sizeof c);
	cells_add_raw(&c, ui, s, strlen(s), role);
	used = screen_put_cells(ui, 0, x, ui->cols - x, &c, 0, c.n, 0);
	cells_free(&c);
	return (x + used + 2);
}

/* Columns a field takes on the bar. */
static int
status_width(struct ui *ui, const char *s)
{
	struct cells	c;
	int		w;

	memset(&c, 0, sizeof c);
	cells_add_raw(&c, ui, s, strlen(s), R_STATUS);
	w = (int)cells_width(&c, 0, c.n);
	cells_free(&c);
	return (w);
}

/* How long the session has waited, and for how long it will, in words. */
static void
status_waiting(struct ui *ui, char *s, size_t len)
{
	int	left, limit;
	double	waited;

	limit = ui->p != NULL && ui->p->sp.timeout_ms > 0 ?
	    ui->p->sp.timeout_ms : 30000;
	left = session_deadline_ms(ui->s);
	if (left < 0) {
		snprintf(s, len, "waiting");
		return;
	}
	waited = (limit - left) / 1000.0;
	if (waited < 0)
		waited = 0;
	snprintf(s, len, "waiting %.1f s of %d s", waited, limit / 1000);
}

enum { SF_HOST, SF_TLS, SF_PHASE, SF_AUTH, SF_LATENCY, SF_WAIT, SF_MAX };

/*
 * The live session's fields.  When they do not fit, the TLS words give
 * way first (the verdict in short, then the version alone), then the
 * address reached, then the user name: the phase, the latency and the
 * wait stay to the end.
 */
static void
status_live(struct ui *ui, const struct session_info *in, int x)
{
	char	f[SF_MAX][300], tls_short[64], tls_min[32];
	int	role[SF_MAX], i, total, step;

	memset(f, 0, sizeof f);
	for (i = 0; i < SF_MAX; i++)
		role[i] = R_STATUS;
	tls_short[0] = tls_min[0] = '\0';
	/* A unix socket or a --pipe program has no port. */
	snprintf(f[SF_HOST], sizeof f[SF_HOST], "%s%s%s",
	    in->host != NULL ? in->host : "?", in->port != NULL &&
	    *in->port == '\0' ? "" : ":", in->port != NULL ? in->port : "?");
	if (!in->connected) {
		snprintf(f[SF_TLS], sizeof f[SF_TLS], "not connected");
		role[SF_TLS] = R_STATUS_BAD;
	} else if (in->tls) {
		const char *v = in->have_tls_info ? in->tls_info.version : "";
		const char *pre = strncmp(v, "TLS", 3) == 0 ? "" : "TLS ";

		if (in->have_tls_info) {
			snprintf(f[SF_TLS], sizeof f[SF_TLS], "%s%s (%s)", pre,
			    v, in->tls_info.verdict);
			snprintf(tls_short, sizeof tls_short, "%s%s (%s)", pre,
			    v, in->tls_info.verified ? "verified" :
			    "NOT verified");
			snprintf(tls_min, sizeof tls_min, "%s%s%s", pre, v,
			    in->tls_info.verified ? "" : "!");
		} else
			snprintf(f[SF_TLS], sizeof f[SF_TLS], "TLS");
		role[SF_TLS] = in->have_tls_info && !in->tls_info.verified ?
		    R_STATUS_BAD : R_STATUS_OK;
	} else
		snprintf(f[SF_TLS], sizeof f[SF_TLS], "plaintext");
	snprintf(f[SF_PHASE], sizeof f[SF_PHASE], "phase: %s",
	    phase_name(in->ph.phase));
	if (in->auth_user != NULL)
		snprintf(f[SF_AUTH], sizeof f[SF_AUTH], "auth: %s",
		    in->auth_user);
	if (in->last_latency_ms >= 0)
		snprintf(f[SF_LATENCY], sizeof f[SF_LATENCY],
		    in->last_latency_ms < 1.0 ? "%.2f ms last reply" :
		    "%.1f ms last reply", in->last_latency_ms);
	if (in->waiting > 0)
		status_waiting(ui, f[SF_WAIT], sizeof f[SF_WAIT]);

	for (step = 0; step < 4; step++) {
		total = x;
		for (i = 0; i < SF_MAX; i++)
			if (f[i][0] != '\0')
				total += status_width(ui, f[i]) + 2;
		if (total - 2 <= ui->cols)
			break;
		if (step == 0 && tls_short[0] != '\0')
			snprintf(f[SF_TLS], sizeof f[SF_TLS], "%s", tls_short);
		else if (step == 1 && tls_min[0] != '\0')
			snprintf(f[SF_TLS], sizeof f[SF_TLS], "%s", tls_min);
		else if (step == 2 && f[SF_AUTH][0] != '\0')
			snprintf(f[SF_AUTH], sizeof f[SF_AUTH], "auth");
		else if (step == 3 && in->last_latency_ms >= 0)
			snprintf(f[SF_LATENCY], sizeof f[SF_LATENCY], "%.1f ms",
			    in->last_latency_ms);
	}
	/* The address reached, when the host was a name, if there is room. */
	if (in->connected && in->addr[0] != '\0' && in->host != NULL &&
	    strcmp(in->addr, in->host) != 0 && total - 2 +
	    (int)strlen(in->addr) + 3 <= ui->cols)
		snprintf(f[SF_HOST] + strlen(f[SF_HOST]), sizeof f[SF_HOST] -
		    strlen(f[SF_HOST]), " [%s]", in->addr);
	for (i = 0; i < SF_MAX; i++)
		if (f[i][0] != '\0')
			x = status_field(ui, x, f[i], role[i]);
}

/* Draw the status bar. */
void
status_draw(struct ui *ui)
{
	const struct session_info	*in;
	char				 s[512];
	int				 x = 1;

	attrset(theme_attr(ui, R_STATUS));
	mvhline(0, 0, ' ', ui->cols);
	attrset(A_NORMAL);
	if (ui->classroom) {
		snprintf(s, sizeof s, "%s: session #%u", ui->p->intercept !=
		    NULL ? "intercept" : "classroom", ui->cr_id);
		x = status_field(ui, x, s, R_STATUS);
		x = status_field(ui, x, ui->cr_peer, R_STATUS);
		snprintf(s, sizeof s, "%zu lines", ui->t->n);
		x = status_field(ui, x, s, R_STATUS);
		status_field(ui, x, "read-only", R_STATUS_OK);
		return;
	}
	if (ui->replay) {
		const char	*path = ui->p->replay_path != NULL ?
		    ui->p->replay_path : "?";
		const char	*base = strrchr(path, '/');
		char		*safe;

		/* The file name only: a long path would crowd out the rest. */
		base = base != NULL && base[1] != '\0' ? base + 1 : path;
		safe = sanitize_dup(base, strlen(base));
		snprintf(s, sizeof s, "replay: %s", safe);
		free(safe);
		x = status_field(ui, x, s, R_STATUS);
		/* Lines of the file: the notes the reader added do not count. */
		snprintf(s, sizeof s, "line %zu/%zu",
		    replay_file_line(ui, ui->rp_view.n),
		    replay_file_line(ui, ui->rp_full->n));
		x = status_field(ui, x, s, R_STATUS);
		if (ui->p->replay_format != NULL)
			x = status_field(ui, x, ui->p->replay_format, R_STATUS);
		if (ui->playing)
			status_field(ui, x, "playing", R_STATUS_OK);
		return;
	}
	if (ui->s == NULL) {
		status_field(ui, x, "smtpscope", R_STATUS);
		return;
	}
	in = session_info(ui->s);
	status_live(ui, in, x);
}

struct hint {
	const char	*key;
	const char	*what;
};

/* Only keys that work in the focus and mode they are shown in. */
static const struct hint hints_classroom[] = {
	{ "q", "back" }, { "Up/Down", "select" }, { "Enter", "explain" },
	{ "/", "search" }, { "e", "errors" }, { "F1", "help" },
	{ NULL, NULL }
};
static const struct hint hints_entry[] = {
	{ "Enter", "send" }, { "Tab", "lines" }, { "/", "search" },
	{ "^R", "history" }, { "PgUp/PgDn", "scroll" }, { "F1", "help" },
	{ "^D", "quit" }, { NULL, NULL }
};
/* In a message (or waiting for its 354) and in answer mode ^D is no quit. */
static const struct hint hints_data[] = {
	{ "Enter", "send" }, { ".", "alone ends the message" },
	{ "Tab", "lines" }, { "PgUp/PgDn", "scroll" }, { "F1", "help" },
	{ NULL, NULL }
};
static const struct hint hints_answer[] = {
	{ "Enter", "send" }, { "*", "alone cancels the AUTH" },
	{ "Tab", "lines" }, { "PgUp/PgDn", "scroll" }, { "F1", "help" },
	{ NULL, NULL }
};
static const struct hint hints_trans[] = {
	{ "j/k", "select" }, { "/ n N", "search" }, { "e/E", "errors" },
	{ "f", "filter" }, { "y/Y", "copy" }, { "Enter", "explain" },
	{ "q", "back" }, { "F1", "help" }, { NULL, NULL }
};
static const struct hint hints_replay[] = {
	{ "Space", "next" }, { "b", "back" }, { "p", "play" },
	{ "/ n N", "search" }, { "e/E", "errors" }, { "f", "filter" },
	{ "y", "copy" }, { "Enter", "explain" }, { "q", "quit" },
	{ "F1", "help" }, { NULL, NULL }
};
static const struct hint hints_command[] = {
	{ "Enter", "run" }, { "Tab", "complete" }, { "^U", "clear" },
	{ NULL, NULL }
};
static const struct hint hints_step[] = {
	{ "Space", "step" }, { "F5", "continue" }, { "Tab", "script" },
	{ "Enter", "send" }, { "F1", "help" }, { "^D", "quit" },
	{ NULL, NULL }
};
static const struct hint hints_script[] = {
	{ "Space", "step" }, { "c", "continue" }, { "b", "breakpoint" },
	{ "j/k", "select" }, { "Tab", "lines" }, { "q", "entry" },
	{ NULL, NULL }
};
static const struct hint hints_ask[] = {
	{ "Enter", "confirm" }, { "Esc", "cancel" }, { NULL, NULL }
};
static const struct hint hints_hsearch[] = {
	{ "^R", "older" }, { "Enter", "send" }, { "Esc", "edit" },
	{ "^G", "cancel" }, { NULL, NULL }
};
static const struct hint hints_view[] = {
	{ "j/k", "scroll" }, { "Space", "page" }, { "g/G", "top/end" },
	{ "q", "close" }, { NULL, NULL }
};

/* Draw the key hints, or the current message instead. */
void
hint_draw(struct ui *ui)
{
	const struct session_info	*in = NULL;
	const struct hint		*h;
	const char			*msg;
	int				 x = 1, y = ui->r_hint.y, len;

	if (ui->msg != NULL) {
		/* Explanations are kb text: no "## " or "- " markers here. */
		msg = ui->msg;
		if (strncmp(msg, "## ", 3) == 0)
			msg += 3;
		else if (strncmp(msg, "- ", 2) == 0)
			msg += 2;
		screen_put(ui, y, 1, ui->cols - 2, msg, strlen(msg),
		    ui->msg_err ? R_ERRMSG : R_MSG);
		return;
	}
	if (ui->s != NULL)
		in = session_info(ui->s);
	if (ui->help || ui->explain)
		h = hints_view;
	else if (ui->asking || ui->searching)
		h = hints_ask;
	else if (ui->hsearch)
		h = hints_hsearch;
	else if (ui->classroom && ui->focus == FOCUS_TRANSCRIPT)
		h = hints_classroom;
	else if (ui->replay && ui->focus == FOCUS_ENTRY &&
	    ui->le.text.len > 0)
		h = hints_command;
	else if (ui->replay && ui->focus != FOCUS_SCRIPT)
		h = hints_replay;
	else if (ui->focus == FOCUS_SCRIPT)
		h = hints_script;
	else if (ui->script != NULL && ui->focus == FOCUS_ENTRY)
		h = hints_step;
	else if (ui->focus == FOCUS_TRANSCRIPT)
		h = hints_trans;
	else if (in != NULL && (in->mode == SMODE_DATA || in->data_pending ||
	    in->held > 0))
		h = hints_data;
	else if (in != NULL && in->mode == SMODE_ANSWER)
		h = hints_answer;
	else
		h = hints_entry;
	for (; h->key != NULL; h++) {
		len = (int)(strlen(h->key) + strlen(h->what) + 1);
		if (x + len >= ui->cols)
			break;
		screen_put(ui, y, x, ui->cols - x, h->key, strlen(h->key),
		    R_HINTKEY);
		x += (int)strlen(h->key) + 1;
		screen_put(ui, y, x, ui->cols - x, h->what, strlen(h->what),
		    R_HINT);
		x += (int)strlen(h->what) + 2;
	}
}
