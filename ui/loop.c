/*
 * loop.c: ui_run() and the one poll() over the terminal, the session's
 * socket, a self-pipe for signals and (in practice mode) the practice
 * server's sockets; keys go to keys.c.  Also the command context's
 * callbacks: say() and the masked ask_secret() prompt.  With --replay
 * there is no session at all; with --step the script runs from here.
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
#include <strings.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/command.h"
#include "smtpscope/lineedit.h"
#include "smtpscope/practice.h"
#include "smtpscope/script.h"
#include "smtpscope/session.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui.h"
#include "ui/ui_internal.h"

#define UI_MAXFDS	64
#define UI_NSIGS	8

static struct ui	*ui_global;	/* for the signal and fatal hooks */
static int		 ui_sigfd = -1;

/* Show a one-line message in the hint bar until the next key. */
void
ui_say(struct ui *ui, int err, const char *fmt, ...)
{
	va_list	ap;
	char	*s;

	va_start(ap, fmt);
	s = xvprintf(fmt, ap);
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

/*
 * command_ctx.note: a result lands in the transcript as a local note; a
 * replay's transcript is the file's, so there it stays in the sidebar.
 */
static void
ui_ctx_note(void *arg, const char *text)
{
	struct ui	*ui = arg;

	if (ui->s != NULL) {
		/* It may encode a password: on screen, not in --log or :save. */
		session_note_private(ui->s, text);
		ui->follow = 1;
		ui->dirty = 1;
		return;
	}
	free(ui->pinned);
	ui->pinned = xstrdup(text);
	ui->side_scroll = 0;
	ui_say(ui, 0, "%s  (kept in the sidebar; Esc clears)", text);
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

/*
 * Ask a question in the entry line, not masked; returns the answer
 * (malloc'd) or NULL when it was cancelled or nobody can be asked.
 */
char *
ui_ask_plain(struct ui *ui, const char *question)
{
	char	*ans;

	if (!ui->active || ui->asking)
		return (NULL);
	ui->asking = 1;
	ui->ask_done = ui->ask_cancel = 0;
	ui->ask_prompt = xprintf("%s ", question);
	ui->ask_plain = 1;
	lineedit_init(&ui->ask_le, 0);
	ui->entry_off = 0;
	ui->dirty = 1;
	while (!ui->ask_done && !ui->ask_cancel && !ui->quit)
		ui_iterate(ui);
	ans = ui->ask_done && !ui->quit ? lineedit_take(&ui->ask_le, 1) :
	    NULL;
	lineedit_free(&ui->ask_le);
	free(ui->ask_prompt);
	ui->ask_prompt = NULL;
	ui->asking = 0;
	ui->ask_plain = 0;
	ui->entry_off = 0;
	ui->dirty = 1;
	return (ans);
}

/* command_ctx.confirm: a yes/no question in the entry line. */
static int
ui_ctx_confirm(void *arg, const char *question)
{
	char	*ans;
	int	 yes;

	ans = ui_ask_plain(arg, question);
	yes = ans != NULL && (strcasecmp(ans, "y") == 0 ||
	    strcasecmp(ans, "yes") == 0);
	free(ans);
	return yes;
}

static void
ui_on_line(void *arg, size_t index)
{
	transcript_pane_on_add(arg, index);
	step_on_line(arg, index);
	lesson_ui_update(arg, index);
}

/* The transcript folded lines to stay in its budget. */
static void
ui_on_drop(void *arg, size_t first, size_t count)
{
	transcript_pane_on_drop(arg, first, count);
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
		if (!paste_key(ui, type, ch))
			keys_dispatch(ui, type, ch);
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
			else if (sig[i] == SIGINT && ui->classroom)
				classroom_quit(ui);	/* asks when live */
			else if (sig[i] == SIGINT)
				exit_request(ui);	/* asks when connected */
			else {
				ui->quit = 1;
				/* Documented: 128 + the signal (SIGQUIT 131). */
				ui->exit_code = 128 + sig[i];
			}
		}
	}
}

/* Draw if needed, wait in poll() once, and handle what it reported. */
static void
ui_iterate(struct ui *ui)
{
	struct pollfd	*pfd;
	size_t		nfd = 0, npr = 0, prfirst = 0, ncn = 0, cnfirst = 0, k;
	size_t		nic = 0, icfirst = 0;
	size_t		want;
	int		timeout = -1, sfd = -1, sidx = -1, aidx = -1, pt, rc;
	short		ev;

	if (ui->dirty)
		screen_draw(ui);

	/* Room for every practice session too (a classroom has many). */
	want = UI_MAXFDS + (ui->p != NULL && ui->p->practice != NULL ?
	    practice_nsessions(ui->p->practice) + 4 : 0) +
	    (ui->p != NULL && ui->p->intercept != NULL ?
	    (intercept_nsessions(ui->p->intercept) + 1) *
	    INTERCEPT_FDS_PER_SESS + 4 : 0);
	if (ui->npfd < want) {
		ui->npfd = want + 32;
		ui->pfd = xreallocarray(ui->pfd, ui->npfd, sizeof *ui->pfd);
	}
	pfd = ui->pfd;

	pfd[nfd].fd = STDIN_FILENO;
	pfd[nfd++].events = POLLIN;
	pfd[nfd].fd = ui->sigpipe[0];
	pfd[nfd++].events = POLLIN;
	if (ui->s != NULL && session_connecting(ui->s)) {
		/* The look-up and the connection attempts (RFC 8305). */
		cnfirst = nfd;
		ncn = session_connect_pollfds(ui->s, pfd + nfd,
		    UI_MAXFDS - 8 - nfd);
		nfd += ncn;
		pt = session_connect_timeout_ms(ui->s);
		if (pt >= 0 && (timeout < 0 || pt < timeout))
			timeout = pt;
	}
	if (ui->s != NULL && (sfd = session_fd(ui->s)) != -1) {
		ev = session_poll_events(ui->s);
		sidx = (int)nfd;
		pfd[nfd].fd = sfd;
		pfd[nfd++].events = ev != 0 ? ev : POLLIN;
		if (session_pending(ui->s))
			timeout = 0;
		pt = session_deadline_ms(ui->s);
		if (pt >= 0 && (timeout < 0 || pt < timeout))
			timeout = pt;
		/* The status bar counts the tenths of a wait for a reply. */
		if (session_info(ui->s)->waiting > 0) {
			if (timeout < 0 || timeout > 100)
				timeout = 100;
			ui->dirty = 1;
		}
	}
	if (ui->s != NULL && session_aux_fd(ui->s) != -1) {
		/* The stderr of the program behind --pipe. */
		aidx = (int)nfd;
		pfd[nfd].fd = session_aux_fd(ui->s);
		pfd[nfd++].events = POLLIN;
	}
	if (ui->p != NULL && ui->p->practice != NULL) {
		prfirst = nfd;
		npr = practice_pollfds(ui->p->practice, pfd + nfd,
		    ui->npfd - nfd);
		nfd += npr;
		pt = practice_timeout(ui->p->practice);
		if (pt >= 0 && (timeout < 0 || pt < timeout))
			timeout = pt;
	}
	if (ui->p != NULL && ui->p->intercept != NULL) {
		icfirst = nfd;
		nic = intercept_pollfds(ui->p->intercept, pfd + nfd,
		    ui->npfd - nfd);
		nfd += nic;
		pt = intercept_timeout(ui->p->intercept);
		if (pt >= 0 && (timeout < 0 || pt < timeout))
			timeout = pt;
	}
	pt = replay_timeout(ui);
	if (pt >= 0 && (timeout < 0 || pt < timeout))
		timeout = pt;
	/* The classroom's clocks ("idle 12s") and ended rows move on. */
	if (ui->classroom && (timeout < 0 || timeout > 1000))
		timeout = 1000;

	rc = poll(pfd, nfd, timeout);
	if (rc == -1) {
		if (errno != EINTR && errno != EAGAIN)
			fatal("poll: %s", strerror(errno));
		for (k = 0; k < nfd; k++)
			pfd[k].revents = 0;
	}

	if (pfd[1].revents & POLLIN)
		ui_read_signals(ui);
	if (npr > 0)
		practice_handle(ui->p->practice, pfd + prfirst, npr);
	if (nic > 0)
		intercept_handle(ui->p->intercept, pfd + icfirst, nic);
	if (ui->classroom) {
		classroom_tick(ui);
		if (rc == 0)
			ui->dirty = 1;
	}
	if (ui->s != NULL && session_connecting(ui->s)) {
		if (session_connect_process(ui->s, pfd + cnfirst, ncn) == -1)
			ui_say(ui, 1, "%s", session_error(ui->s));
		else if (!session_connecting(ui->s)) {
			/* Connected: the key hints again. */
			free(ui->msg);
			ui->msg = NULL;
		}
		ui->dirty = 1;
	}
	if (aidx != -1 && pfd[aidx].revents != 0) {
		session_aux_io(ui->s);
		ui->dirty = 1;
	}
	if (sidx != -1 && (pfd[sidx].revents != 0 || session_pending(ui->s))) {
		if (session_io(ui->s, pfd[sidx].revents) == -1)
			ui->dirty = 1;
	}
	/* --timeout holds in the UI too: a silent server is given up on. */
	if (ui->s != NULL && session_tick(ui->s) == -1)
		ui->dirty = 1;
	if (pfd[0].revents & POLLIN)
		ui_read_keys(ui);
	else if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
		/* The terminal went away: nobody to talk to. */
		ui->quit = 1;
		ui->exit_code = 1;
	}
	replay_tick(ui);
	step_pump(ui);
	paste_pump(ui);
}

static void
ui_signals(struct sigaction *old, int install)
{
	/* Every signal that would end us: the terminal is restored first. */
	static const int	 sigs[UI_NSIGS] = { SIGWINCH, SIGTERM, SIGHUP,
	    SIGINT, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2 };
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
	struct sigaction	 old[UI_NSIGS];

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
	if (p->classroom)
		classroom_init(&ui);
	else if (p->replay != NULL) {
		replay_init(&ui);
		ui.cctx.t = p->replay;
		ui.cctx.source = ui.replay_source = xprintf("replayed from %s",
		    p->replay_path != NULL ? p->replay_path : "a file");
		ui.cctx.show_secrets = p->sp.show_secrets;
	} else {
		ui.s = session_new(&p->sp);
		ui.t = session_transcript(ui.s);
	}
	lineedit_init(&ui.le, 0);
	lineedit_init(&ui.search_le, 50);
	ui.cctx.s = ui.s;
	ui.cctx.user = p->user;
	ui.cctx.password = p->password;
	ui.cctx.ask_secret = ui_ctx_ask_secret;
	ui.cctx.confirm = ui_ctx_confirm;
	ui.cctx.say = ui_ctx_say;
	ui.cctx.note = ui_ctx_note;
	ui.cctx.practice = p->practice;
	ui.cctx.lesson = lesson_ui_cmd;
	ui.cctx.arg = &ui;

	if (p->script != NULL && ui.s != NULL)
		step_init(&ui);

	memory_start(&ui);	/* config file and history; before curses */
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
	if (ui.classroom) {
		memory_notes(&ui);
		while (!ui.quit)
			ui_iterate(&ui);
		screen_end(&ui);
		ui_signals(old, 0);
		goto out;
	}
	if (ui.replay) {
		ui_say(&ui, 0, "replay of %s: Space or Right shows the next "
		    "line, b goes back, p plays, q quits; F1 help",
		    p->replay_path);
		replay_show(&ui, 1);
		memory_notes(&ui);
		while (!ui.quit)
			ui_iterate(&ui);
		screen_end(&ui);
		ui_signals(old, 0);
		goto out;
	}
	session_set_callback(ui.s, ui_on_line, &ui);
	ui.t->on_drop = ui_on_drop;
	if (p->welcome != NULL)
		session_note(ui.s, TDIR_INFO, "%s", p->welcome);
	lesson_ui_init(&ui);
	memory_notes(&ui);
	if (p->script != NULL)
		session_note(ui.s, TDIR_INFO, "stepping through %s: Space (on "
		    "an empty line) runs the next command, F5 continues, Tab "
		    "reaches the script pane (b sets a breakpoint there)",
		    p->script->path);
	ui_say(&ui, 0, "connecting to %s port %s ...",
	    p->sp.host != NULL ? p->sp.host : "?",
	    p->sp.port != NULL ? p->sp.port : "25");
	screen_draw(&ui);		/* the first frame */

	session_set_abort_fd(ui.s, ui.sigpipe[0]);
	/* The loop below drives the connect: keys and Ctrl-C work meanwhile. */
	if (session_connect_start(ui.s) == -1)
		ui_say(&ui, 1, "%s", session_error(ui.s) != NULL ?
		    session_error(ui.s) : "connection failed");
	ui.dirty = 1;
	while (!ui.quit)
		ui_iterate(&ui);

	screen_end(&ui);
	ui_signals(old, 0);
out:
	fatal_set_hook(NULL);
	memory_end(&ui);
	ui_global = NULL;
	ui_sigfd = -1;
	step_free(&ui);
	if (ui.classroom)
		classroom_free(&ui);
	free(ui.pfd);
	free(ui.replay_source);
	free(ui.rp_lineno);
	session_free(ui.s);
	lineedit_free(&ui.le);
	lineedit_free(&ui.search_le);
	paste_free();
	entry_rl_free(&ui);
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
