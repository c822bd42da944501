/*
 * loop.c: ui_run() and the one poll() over the terminal, the session's
 * socket, a self-pipe for signals and (in practice mode) the practice
 * server's sockets.  Keys are dispatched here to the overlay, the search
 * or secret prompt, the transcript or the entry line.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/command.h"
#include "smtpscope/lineedit.h"
#include "smtpscope/practice.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui.h"
#include "ui/ui_internal.h"

#define CTRL(c)		((c) & 0x1f)
#define UI_MAXFDS	64
#define WHEEL_ROWS	3

static struct ui	*ui_global;	/* for the signal and fatal hooks */
static int		 ui_sigfd = -1;

/* Mark the screen for a redraw. */
void
ui_dirty(struct ui *ui)
{
	ui->dirty = 1;
}

/* Show a one-line message in the hint bar until the next key. */
void
ui_say(struct ui *ui, int err, const char *fmt, ...)
{
	va_list	ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	free(ui->msg);
	ui->msg = s;
	ui->msg_err = err;
	ui->dirty = 1;
}

static void
ui_signal(int sig)
{
	unsigned char	c = (unsigned char)sig;
	int		saved = errno;

	if (ui_sigfd != -1)
		(void)write(ui_sigfd, &c, 1);
	errno = saved;
}

/* fatal() calls this first, so the terminal is usable for its message. */
static void
ui_fatal_hook(void)
{
	if (ui_global != NULL)
		screen_end(ui_global);
}

/* command_ctx.say: one line to the hint bar; longer text to the sidebar. */
static void
ui_ctx_say(void *arg, const char *text)
{
	struct ui	*ui = arg;
	const char	*nl;

	nl = strchr(text, '\n');
	if (nl != NULL && nl[1] != '\0') {
		free(ui->pinned);
		ui->pinned = xstrdup(text);
		ui->side_scroll = 0;
		ui_say(ui, 0, "%.*s  (more in the sidebar; Esc clears)",
		    (int)(nl - text), text);
	} else
		ui_say(ui, 0, "%.*s", nl != NULL ? (int)(nl - text) :
		    (int)strlen(text), text);
}

static void	ui_iterate(struct ui *);

/* command_ctx.ask_secret: a masked prompt in the entry line. */
static char *
ui_ctx_ask_secret(void *arg, const char *prompt)
{
	struct ui	*ui = arg;
	char		*res = NULL;

	if (!ui->active || ui->asking)
		return (NULL);
	ui->asking = 1;
	ui->ask_done = ui->ask_cancel = 0;
	ui->ask_prompt = xprintf("%s%s", prompt, *prompt != '\0' &&
	    prompt[strlen(prompt) - 1] == ' ' ? "" : " ");
	lineedit_init(&ui->ask_le, 1);
	ui->entry_off = 0;
	ui->dirty = 1;
	while (!ui->ask_done && !ui->ask_cancel && !ui->quit)
		ui_iterate(ui);
	if (ui->ask_done && !ui->quit)
		res = lineedit_take(&ui->ask_le, 1);
	lineedit_free(&ui->ask_le);
	free(ui->ask_prompt);
	ui->ask_prompt = NULL;
	ui->asking = 0;
	ui->entry_off = 0;
	ui->dirty = 1;
	return (res);
}

static void
ui_on_line(void *arg, size_t index)
{
	transcript_pane_on_add(arg, index);
}

/* Send the entry line to the session or run it as a command. */
static void
ui_submit(struct ui *ui)
{
	const struct session_info	*in = session_info(ui->s);
	char				*line, *sp;
	int				 secret, is_cmd = 0;

	secret = (in->mode == SMODE_ANSWER && in->answer_secret);
	line = lineedit_take(&ui->le, secret);
	ui->entry_off = 0;
	ui->follow = 1;
	if (line[0] == ':') {
		is_cmd = 1;
		if (in->mode == SMODE_DATA) {
			/* Content may begin with ':'; only real commands run. */
			sp = strchr(line, ' ');
			if (sp != NULL)
				*sp = '\0';
			is_cmd = (command_find(line + 1) != NULL);
			if (sp != NULL)
				*sp = ' ';
		}
	}
	if (is_cmd) {
		if (strcmp(line, ":help") == 0) {
			ui->help = 1;
			ui->help_scroll = 0;
		} else if (strcmp(line, ":sync") == 0) {
			/* Replies show up as they come; never block here. */
			ui->cctx.pipelining = 0;
			ui_say(ui, 0, "replies appear as they arrive");
		} else {
			ui->cctx.quit = 0;
			command_run(&ui->cctx, line);
			if (ui->cctx.quit)
				ui->quit = 1;
		}
	} else if (session_input(ui->s, line, strlen(line)) == -1)
		ui_say(ui, 1, "not sent: %s", session_error(ui->s) != NULL ?
		    session_error(ui->s) : "not connected (:reconnect)");
	if (secret)
		free_secret(line);
	else
		free(line);
	ui->dirty = 1;
}

/* Keys while a search prompt is open. */
static void
ui_key_search(struct ui *ui, int type, wint_t ch)
{
	char	*term;

	if (type != KEY_CODE_YES && (ch == '\r' || ch == '\n')) {
		term = lineedit_take(&ui->search_le, 0);
		ui->searching = 0;
		ui->entry_off = 0;
		if (*term != '\0') {
			free(ui->search_term);
			ui->search_term = term;
		} else
			free(term);
		if (ui->search_term != NULL &&
		    transcript_pane_search(ui, ui->search_term, -1) == -1)
			ui_say(ui, 1, "not found: %s", ui->search_term);
		ui->dirty = 1;
		return;
	}
	if ((type != KEY_CODE_YES && ch == 0x1b) ||
	    (type != KEY_CODE_YES && ch == CTRL('C'))) {
		lineedit_clear(&ui->search_le);
		ui->searching = 0;
		ui->entry_off = 0;
		ui->dirty = 1;
		return;
	}
	if (type == KEY_CODE_YES && ch == KEY_ENTER) {
		ui_key_search(ui, OK, '\r');
		return;
	}
	entry_key(ui, &ui->search_le, type, ch);
}

static void
ui_start_search(struct ui *ui)
{
	ui->searching = 1;
	ui->entry_off = 0;
	lineedit_clear(&ui->search_le);
	ui->dirty = 1;
}

static void
ui_search_again(struct ui *ui, int dir)
{
	if (ui->search_term == NULL) {
		ui_start_search(ui);
		return;
	}
	if (transcript_pane_search(ui, ui->search_term, dir) == -1)
		ui_say(ui, 1, "no %s match for \"%s\"", dir < 0 ? "older" :
		    "newer", ui->search_term);
}

/* Keys that mean the same in both focuses; returns 1 when handled. */
static int
ui_key_global(struct ui *ui, int type, wint_t ch)
{
	int	page = ui->r_trans.h > 2 ? ui->r_trans.h - 1 : 1;

	if (type != KEY_CODE_YES) {
		if (ch == CTRL('L')) {
			ui->full = 1;
			ui->dirty = 1;
			return (1);
		}
		return (0);
	}
	switch (ch) {
	case KEY_F(1):
		ui->help = 1;
		ui->help_scroll = 0;
		break;
	case KEY_F(2):
		ui->side_mode = ui->side_mode == SIDE_HIDDEN ? SIDE_AUTO :
		    SIDE_HIDDEN;
		screen_layout(ui);
		break;
	case KEY_F(3):
		ui->timing = !ui->timing;
		ui_say(ui, 0, "timing %s", ui->timing ? "on" : "off");
		break;
	case KEY_F(10):
		ui->quit = 1;
		break;
	case KEY_PPAGE:
		if (ui->focus == FOCUS_TRANSCRIPT)
			transcript_pane_select_move(ui, -page);
		else
			transcript_pane_scroll(ui, -page);
		break;
	case KEY_NPAGE:
		if (ui->focus == FOCUS_TRANSCRIPT)
			transcript_pane_select_move(ui, page);
		else
			transcript_pane_scroll(ui, page);
		break;
	case KEY_SPREVIOUS:
		ui->side_scroll = ui->side_scroll > 5 ? ui->side_scroll - 5 : 0;
		break;
	case KEY_SNEXT:
		ui->side_scroll += 5;
		break;
	case KEY_RESIZE:
		screen_resize(ui);
		break;
	default:
		return (0);
	}
	ui->dirty = 1;
	return (1);
}

/* The mouse: the wheel scrolls, a click selects a transcript line. */
static void
ui_mouse(struct ui *ui)
{
	MEVENT	ev;
	int	row;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		transcript_pane_scroll(ui, -WHEEL_ROWS);
	else if (ev.bstate & BUTTON5_PRESSED)
		transcript_pane_scroll(ui, WHEEL_ROWS);
	else if (ev.bstate & BUTTON1_PRESSED) {
		row = ev.y - ui->r_trans.y;
		if (row >= 0 && row < ui->r_trans.h && ev.x >= ui->r_trans.x &&
		    ev.x < ui->r_trans.x + ui->r_trans.w &&
		    (size_t)row < ui->nrowmap && ui->rowmap[row] != SIZE_MAX) {
			ui->focus = FOCUS_TRANSCRIPT;
			transcript_pane_select(ui, ui->rowmap[row]);
		} else if (ev.y == ui->r_entry.y)
			ui->focus = FOCUS_ENTRY;
	}
	ui->dirty = 1;
}

/* Give focus to the transcript, selecting the newest reply. */
static void
ui_focus_transcript(struct ui *ui)
{
	size_t	target;

	target = transcript_pane_target(ui);
	if (target == (size_t)-1) {
		ui_say(ui, 0, "nothing to select yet");
		return;
	}
	ui->focus = FOCUS_TRANSCRIPT;
	free(ui->pinned);
	ui->pinned = NULL;
	transcript_pane_select(ui, target);
}

/* Keys while the transcript has focus. */
static void
ui_key_transcript(struct ui *ui, int type, wint_t ch)
{
	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_UP:
			transcript_pane_select_move(ui, -1);
			return;
		case KEY_DOWN:
			transcript_pane_select_move(ui, 1);
			return;
		case KEY_HOME:
			transcript_pane_select(ui, 0);
			return;
		case KEY_END:
			if (ui->t->n > 0)
				transcript_pane_select(ui, ui->t->n - 1);
			return;
		case KEY_ENTER:
		case KEY_BTAB:
			ui->focus = FOCUS_ENTRY;
			ui->dirty = 1;
			return;
		}
		return;
	}
	switch (ch) {
	case 'k':
		transcript_pane_select_move(ui, -1);
		return;
	case 'j':
		transcript_pane_select_move(ui, 1);
		return;
	case 'g':
		transcript_pane_select(ui, 0);
		return;
	case 'G':
		if (ui->t->n > 0)
			transcript_pane_select(ui, ui->t->n - 1);
		return;
	case '/':
		ui_start_search(ui);
		return;
	case 'n':
		ui_search_again(ui, -1);
		return;
	case 'N':
		ui_search_again(ui, 1);
		return;
	case '?':
		ui->help = 1;
		ui->dirty = 1;
		return;
	case '[':
		ui->side_scroll = ui->side_scroll > 3 ? ui->side_scroll - 3 : 0;
		ui->dirty = 1;
		return;
	case ']':
		ui->side_scroll += 3;
		ui->dirty = 1;
		return;
	case '\t':
	case '\r':
	case '\n':
	case 0x1b:
		ui->focus = FOCUS_ENTRY;
		ui->dirty = 1;
		return;
	}
	/* Typing goes back to the entry line. */
	if (ch >= 0x20 && ch != 0x7f) {
		ui->focus = FOCUS_ENTRY;
		entry_key(ui, &ui->le, type, ch);
	}
}

/* Keys while the entry line has focus. */
static void
ui_key_entry(struct ui *ui, int type, wint_t ch)
{
	int	empty = (ui->le.text.len == 0);

	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_ENTER:
			ui_submit(ui);
			return;
		case KEY_UP:
			lineedit_hist_prev(&ui->le);
			ui->dirty = 1;
			return;
		case KEY_DOWN:
			lineedit_hist_next(&ui->le);
			ui->dirty = 1;
			return;
		case KEY_HOME:
			if (empty) {
				transcript_pane_top(ui);
				return;
			}
			break;
		case KEY_END:
			if (empty) {
				transcript_pane_bottom(ui);
				return;
			}
			break;
		case KEY_BTAB:
			ui_focus_transcript(ui);
			return;
		}
		entry_key(ui, &ui->le, type, ch);
		return;
	}
	switch (ch) {
	case '\r':
	case '\n':
		ui_submit(ui);
		return;
	case '\t':
		if (!entry_complete(ui))
			ui_focus_transcript(ui);
		ui->dirty = 1;
		return;
	case CTRL('D'):
		if (empty) {
			ui->quit = 1;
			return;
		}
		break;
	case 0x1b:
		if (ui->pinned != NULL) {
			free(ui->pinned);
			ui->pinned = NULL;
			ui->dirty = 1;
		}
		return;
	case '/':
	case '?':
		if (empty) {
			if (ch == '/')
				ui_start_search(ui);
			else
				ui->help = 1;
			ui->dirty = 1;
			return;
		}
		break;
	}
	entry_key(ui, &ui->le, type, ch);
}

/* Dispatch one key. */
static void
ui_key(struct ui *ui, int type, wint_t ch)
{
	if (ui->msg != NULL) {
		free(ui->msg);
		ui->msg = NULL;
		ui->dirty = 1;
	}
	if (type == KEY_CODE_YES && ch == KEY_MOUSE) {
		ui_mouse(ui);
		return;
	}
	if (type == KEY_CODE_YES && ch == KEY_RESIZE) {
		/* Curses has already taken the new size. */
		getmaxyx(stdscr, ui->rows, ui->cols);
		screen_layout(ui);
		ui->dirty = 1;
		return;
	}
	if (ui->too_small) {
		if (type != KEY_CODE_YES && ch == CTRL('D') && !ui->asking)
			ui->quit = 1;
		if (type != KEY_CODE_YES && ch == CTRL('L'))
			ui->full = ui->dirty = 1;
		return;
	}
	if (ui->help) {
		help_key(ui, type, ch);
		return;
	}
	if (ui->asking) {
		if ((type != KEY_CODE_YES && (ch == '\r' || ch == '\n')) ||
		    (type == KEY_CODE_YES && ch == KEY_ENTER))
			ui->ask_done = 1;
		else if (type != KEY_CODE_YES && (ch == 0x1b ||
		    ch == CTRL('C')))
			ui->ask_cancel = 1;
		else if (!ui_key_global(ui, type, ch) || ch == KEY_F(10))
			entry_key(ui, &ui->ask_le, type, ch);
		ui->dirty = 1;
		return;
	}
	if (ui->searching) {
		ui_key_search(ui, type, ch);
		return;
	}
	if (ui_key_global(ui, type, ch))
		return;
	if (ui->focus == FOCUS_TRANSCRIPT)
		ui_key_transcript(ui, type, ch);
	else
		ui_key_entry(ui, type, ch);
}

/* Read every key curses has for us. */
static void
ui_read_keys(struct ui *ui)
{
	wint_t	ch;
	int	type, n = 0;

	while (!ui->quit && n++ < 4096) {
		type = get_wch(&ch);
		if (type == ERR)
			break;
		ui_key(ui, type, ch);
		if (ui->asking && ui->ask_done)
			break;
	}
}

/* Handle signals the self-pipe delivered. */
static void
ui_read_signals(struct ui *ui)
{
	unsigned char	sig[32];
	ssize_t		n, i;

	while ((n = read(ui->sigpipe[0], sig, sizeof sig)) > 0) {
		for (i = 0; i < n; i++) {
			if (sig[i] == SIGWINCH)
				screen_resize(ui);
			else {
				ui->quit = 1;
				ui->exit_code = sig[i] == SIGINT ? 0 :
				    128 + sig[i];
			}
		}
	}
}

/* Draw if needed, wait in poll() once, and handle what it reported. */
static void
ui_iterate(struct ui *ui)
{
	struct pollfd	pfd[UI_MAXFDS];
	size_t		nfd = 0, npr = 0, prfirst = 0;
	int		timeout = -1, sfd = -1, sidx = -1, pt, rc;
	short		ev;

	if (ui->dirty)
		screen_draw(ui);

	pfd[nfd].fd = STDIN_FILENO;
	pfd[nfd++].events = POLLIN;
	pfd[nfd].fd = ui->sigpipe[0];
	pfd[nfd++].events = POLLIN;
	if (ui->s != NULL && (sfd = session_fd(ui->s)) != -1) {
		ev = session_poll_events(ui->s);
		sidx = (int)nfd;
		pfd[nfd].fd = sfd;
		pfd[nfd++].events = ev != 0 ? ev : POLLIN;
		if (session_pending(ui->s))
			timeout = 0;
	}
	if (ui->p != NULL && ui->p->practice != NULL) {
		prfirst = nfd;
		npr = practice_pollfds(ui->p->practice, pfd + nfd,
		    UI_MAXFDS - nfd);
		nfd += npr;
		pt = practice_timeout(ui->p->practice);
		if (pt >= 0 && (timeout < 0 || pt < timeout))
			timeout = pt;
	}

	rc = poll(pfd, nfd, timeout);
	if (rc == -1) {
		if (errno != EINTR && errno != EAGAIN)
			fatal("poll: %s", strerror(errno));
		for (size_t i = 0; i < nfd; i++)
			pfd[i].revents = 0;
	}

	if (pfd[1].revents & POLLIN)
		ui_read_signals(ui);
	if (npr > 0)
		practice_handle(ui->p->practice, pfd + prfirst, npr);
	if (sidx != -1 && (pfd[sidx].revents != 0 || session_pending(ui->s))) {
		if (session_io(ui->s, pfd[sidx].revents) == -1)
			ui->dirty = 1;
	}
	if (pfd[0].revents & POLLIN)
		ui_read_keys(ui);
	else if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
		/* The terminal went away: nobody to talk to. */
		ui->quit = 1;
		ui->exit_code = 1;
	}
}

static void
ui_signals(struct sigaction *old, int install)
{
	static const int	 sigs[] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT };
	struct sigaction	 sa;
	size_t			 i;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		if (install) {
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = ui_signal;
			sigemptyset(&sa.sa_mask);
			sa.sa_flags = SA_RESTART;
			sigaction(sigs[i], &sa, &old[i]);
		} else
			sigaction(sigs[i], &old[i], NULL);
	}
}

/* Make the self-pipe: both ends non-blocking and closed on exec. */
static int
ui_pipe(int fds[2])
{
	int	i;

	if (pipe(fds) == -1)
		return (-1);
	for (i = 0; i < 2; i++) {
		fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
		fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	}
	return (0);
}

/* Run the interactive UI until the user quits; returns an exit code. */
int
ui_run(struct ui_params *p)
{
	struct ui		 ui;
	struct sigaction	 old[4];

	memset(&ui, 0, sizeof ui);
	ui.p = p;
	ui.timing = p->timing;
	ui.follow = 1;
	ui.focus = FOCUS_ENTRY;
	ui.sigpipe[0] = ui.sigpipe[1] = -1;
	setlocale(LC_ALL, "");
	if (getenv("NO_COLOR") != NULL && *getenv("NO_COLOR") != '\0')
		p->no_color = 1;

	if (ui_pipe(ui.sigpipe) == -1) {
		fprintf(stderr, "smtpscope: pipe: %s\n", strerror(errno));
		return (1);
	}
	ui.s = session_new(&p->sp);
	ui.t = session_transcript(ui.s);
	lineedit_init(&ui.le, 0);
	lineedit_init(&ui.search_le, 50);
	ui.cctx.s = ui.s;
	ui.cctx.user = p->user;
	ui.cctx.password = p->password;
	ui.cctx.ask_secret = ui_ctx_ask_secret;
	ui.cctx.say = ui_ctx_say;
	ui.cctx.arg = &ui;

	ui_global = &ui;
	ui_sigfd = ui.sigpipe[1];
	ui_signals(old, 1);
	if (screen_init(&ui) == -1) {
		ui_signals(old, 0);
		fprintf(stderr, "smtpscope: the interactive mode needs a "
		    "terminal (use --script for pipes)\n");
		ui.exit_code = 2;
		goto out;
	}
	fatal_set_hook(ui_fatal_hook);
	session_set_callback(ui.s, ui_on_line, &ui);
	if (p->welcome != NULL)
		session_note(ui.s, TDIR_INFO, "%s", p->welcome);
	ui_say(&ui, 0, "connecting to %s port %s ...",
	    p->sp.host != NULL ? p->sp.host : "?",
	    p->sp.port != NULL ? p->sp.port : "25");
	screen_draw(&ui);		/* the first frame, before the wait */

	free(ui.msg);
	ui.msg = NULL;
	if (session_connect(ui.s) == -1)
		ui_say(&ui, 1, "%s", session_error(ui.s) != NULL ?
		    session_error(ui.s) : "connection failed");
	ui.dirty = 1;
	while (!ui.quit)
		ui_iterate(&ui);

	screen_end(&ui);
	ui_signals(old, 0);
out:
	fatal_set_hook(NULL);
	ui_global = NULL;
	ui_sigfd = -1;
	session_free(ui.s);
	lineedit_free(&ui.le);
	lineedit_free(&ui.search_le);
	cells_free(&ui.cl);
	free(ui.rowmap);
	free(ui.msg);
	free(ui.pinned);
	free(ui.search_term);
	close(ui.sigpipe[0]);
	close(ui.sigpipe[1]);
	if (p->password != NULL) {
		free_secret(p->password);
		p->password = NULL;
	}
	return (ui.exit_code);
}
