/*
 * copy.c: y copies the selected line, Y the whole reply it belongs to,
 * as the transcript file writes them (secrets masked unless
 * --show-secrets).  The mouse belongs to the panes, so the copy goes to
 * the terminal's clipboard with OSC 52, which xterm, kitty, foot, iTerm2,
 * WezTerm and tmux (set-clipboard on) honour; some terminals ignore it,
 * and the message says when that may be the case.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui_internal.h"

/* Terminals cut long OSC strings (xterm: about 100 kB); stay below. */
#define COPY_MAX	65536

/* Write all of s to the terminal, after what curses has buffered. */
static int
copy_write(const char *s, size_t len)
{
	ssize_t	n;

	fflush(stdout);
	while (len > 0) {
		n = write(STDOUT_FILENO, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (-1);
		s += n;
		len -= (size_t)n;
	}
	return (0);
}

/* What may stop the copy from arriving, or NULL when nothing we know. */
static const char *
copy_caveat(void)
{
	const char	*term = getenv("TERM");
	char		*ms;

	if (getenv("TMUX") != NULL)
		return ("inside tmux it needs set -g set-clipboard on");
	if (term != NULL && strncmp(term, "screen", 6) == 0)
		return ("GNU screen passes it on only with a matching outer "
		    "terminal");
	/* Ms: terminfo's own word that the terminal sets the selection. */
	ms = tigetstr("Ms");
	if (ms != NULL && ms != (char *)-1)
		return (NULL);
	if (term != NULL && (strncmp(term, "xterm", 5) == 0 ||
	    strstr(term, "kitty") != NULL || strncmp(term, "foot", 4) == 0 ||
	    strncmp(term, "alacritty", 9) == 0 ||
	    strncmp(term, "wezterm", 7) == 0 || strncmp(term, "tmux", 4) == 0))
		return (NULL);
	return ("this terminal may not support OSC 52 (VTE-based ones such "
	    "as GNOME Terminal do not)");
}

/* First and last line of the reply (or the line alone) around line i. */
static void
copy_span(const struct transcript *t, size_t i, int whole, size_t *first,
    size_t *last)
{
	*first = *last = i;
	if (!whole || t->lines[i].dir != TDIR_S)
		return;
	while (*first > 0 && (t->lines[*first].flags & TL_CONT) &&
	    t->lines[*first - 1].dir == TDIR_S)
		(*first)--;
	while (*last + 1 < t->n && !(t->lines[*last].flags & TL_REPLY_END) &&
	    t->lines[*last + 1].dir == TDIR_S &&
	    (t->lines[*last + 1].flags & TL_CONT))
		(*last)++;
}

/* y (whole 0) and Y (whole 1): copy the selection to the clipboard. */
void
copy_selection(struct ui *ui, int whole)
{
	const struct transcript	*t = ui->t;
	struct buf		 text, seq;
	const char		*caveat;
	char			*enc;
	size_t			 i, first, last;
	unsigned int		 opts = 0;

	i = transcript_pane_target(ui);
	if (i == (size_t)-1) {
		ui_say(ui, 0, "nothing to copy yet");
		return;
	}
	if (ui->p != NULL && ui->p->sp.show_secrets)
		opts |= TW_SECRETS;
	copy_span(t, i, whole, &first, &last);
	buf_init(&text);
	for (i = first; i <= last; i++) {
		/* A :b64 result is the user's own, shown: it copies whole. */
		transcript_format(&text, t, &t->lines[i], opts |
		    ((t->lines[i].flags & TL_PRIVATE) ? TW_SECRETS : 0));
		if (last > first)
			buf_addch(&text, '\n');
	}
	if (text.len > COPY_MAX) {
		ui_say(ui, 1, "not copied: %zu octets is more than a terminal "
		    "takes at once; :save writes the transcript", text.len);
		buf_free(&text);
		return;
	}
	enc = b64_encode(text.data != NULL ? text.data : "", text.len);
	buf_init(&seq);
	buf_printf(&seq, "\033]52;c;%s\a", enc);
	if (copy_write(seq.data, seq.len) == -1)
		ui_say(ui, 1, "not copied: the terminal could not be written");
	else {
		caveat = copy_caveat();
		if (first == last)
			ui_say(ui, 0, "copied %s (%zu octets)%s%s", whole &&
			    t->lines[first].dir != TDIR_S ? "the line (not a "
			    "reply)" : "the line", text.len, caveat != NULL ?
			    "; " : "", caveat != NULL ? caveat : "");
		else
			ui_say(ui, 0, "copied the reply, %zu lines%s%s",
			    last - first + 1, caveat != NULL ? "; " : "",
			    caveat != NULL ? caveat : "");
	}
	free(enc);
	buf_free(&seq);
	if (text.data != NULL)
		wipe(text.data, text.cap);
	buf_free(&text);
}
