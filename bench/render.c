/*
 * bench/render.c: what the terminal UI costs as the transcript grows.
 *
 * For 1,000 and 1,000,000 transcript lines it times redrawing one screen
 * (whole frame, and the transcript pane alone) and scrolling a page, at
 * the bottom and in the middle, and prints the ratio between the two
 * sizes: the view is an anchor, so both should cost the same.  It also
 * reports the memory each stored line takes beyond its text, and the time
 * from starting smtpscope in a pseudo-terminal to its first frame.
 *
 * Usage: bench/render [PATH-TO-SMTPSCOPE]   (default ./smtpscope)
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"
#include "ui/ui.h"
#include "ui/ui_internal.h"

#define ROWS	40
#define COLS	120
#define REPS	100

struct result {
	size_t	n;
	double	fill_s;
	double	bytes_per_line;
	double	text_per_line;
	double	frame_bottom_us;
	double	pane_bottom_us;
	double	frame_middle_us;
	double	scroll_page_us;
	double	select_us;
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static size_t
heap_used(void)
{
	struct mallinfo2	mi = mallinfo2();

	return (mi.uordblks + mi.hblkhd);
}

/* A realistic mix: an EHLO reply, commands, a few long lines. */
static void
fill(struct transcript *t, size_t n, size_t *textbytes)
{
	static const char *ehlo[] = {
		"250-mx.example.net greets client.example.org [192.0.2.7]",
		"250-PIPELINING", "250-SIZE 35882577", "250-STARTTLS",
		"250-AUTH PLAIN LOGIN", "250-ENHANCEDSTATUSCODES",
		"250-8BITMIME", "250 SMTPUTF8"
	};
	char	line[256];
	size_t	i, k, len;

	*textbytes = 0;
	for (i = 0; i < n; i++) {
		k = i % 16;
		if (k == 0) {
			len = (size_t)snprintf(line, sizeof line, "EHLO "
			    "client%zu.example.org", i);
			transcript_add(t, TDIR_C, line, len, 0, NULL);
		} else if (k <= 8) {
			len = strlen(ehlo[k - 1]);
			transcript_add(t, TDIR_S, ehlo[k - 1], len,
			    (k > 1 ? TL_CONT : 0) | (k == 8 ? TL_REPLY_END :
			    0), NULL);
		} else if (k == 9) {
			len = (size_t)snprintf(line, sizeof line, "MAIL FROM:"
			    "<sender%zu@example.org> SIZE=1234", i);
			transcript_add(t, TDIR_C, line, len, 0, NULL);
		} else if (k == 10) {
			len = (size_t)snprintf(line, sizeof line, "250 2.1.0 "
			    "Ok");
			transcript_add(t, TDIR_S, line, len, TL_REPLY_END,
			    NULL);
		} else if (k == 11) {
			len = (size_t)snprintf(line, sizeof line, "RCPT TO:"
			    "<user%zu@example.net>", i);
			transcript_add(t, TDIR_C, line, len, 0, NULL);
		} else if (k == 12) {
			len = (size_t)snprintf(line, sizeof line, "550 5.1.1 "
			    "<user%zu@example.net>: Recipient address "
			    "rejected: User unknown in virtual mailbox table; "
			    "please check the address and try again later, "
			    "or ask the postmaster of example.net", i);
			transcript_add(t, TDIR_S, line, len, TL_REPLY_END,
			    NULL);
		} else if (k == 13) {
			len = (size_t)snprintf(line, sizeof line, "RSET");
			transcript_add(t, TDIR_C, line, len, 0, NULL);
		} else if (k == 14) {
			len = (size_t)snprintf(line, sizeof line, "250 2.0.0 "
			    "Ok");
			transcript_add(t, TDIR_S, line, len, TL_REPLY_END,
			    NULL);
		} else {
			len = (size_t)snprintf(line, sizeof line, "note %zu: "
			    "a local note about the session", i);
			transcript_add(t, TDIR_INFO, line, len, 0, NULL);
		}
		*textbytes += len;
	}
}

/* Microseconds per run of expr: the best of BATCHES batches of REPS. */
#define BATCHES	5
#define TIME_US(expr) __extension__ ({					\
	double best_ = -1, t0_, us_;					\
	for (int b_ = 0; b_ < BATCHES; b_++) {				\
		t0_ = now();						\
		for (int r_ = 0; r_ < REPS; r_++) {			\
			expr;						\
		}							\
		us_ = (now() - t0_) * 1e6 / REPS;			\
		if (best_ < 0 || us_ < best_)				\
			best_ = us_;					\
	}								\
	best_;								\
})

static void
frame(struct ui *ui)
{
	ui->full = 1;		/* repaint everything, not just a diff */
	ui->dirty = 1;
	screen_draw(ui);
}

static void
pane(struct ui *ui)
{
	erase();
	transcript_pane_draw(ui);
	refresh();
}

static void
scroll_pair(struct ui *ui, int page)
{
	transcript_pane_scroll(ui, -page);
	screen_draw(ui);
	transcript_pane_scroll(ui, page);
	screen_draw(ui);
}

static void
select_pair(struct ui *ui)
{
	transcript_pane_select_move(ui, -1);
	screen_draw(ui);
	transcript_pane_select_move(ui, 1);
	screen_draw(ui);
}

static void
run(size_t n, struct result *res)
{
	struct ui_params	p;
	struct ui		ui;
	struct transcript	t;
	size_t			before, text;
	double			t0;
	int			page;

	memset(&p, 0, sizeof p);
	memset(&ui, 0, sizeof ui);
	memset(res, 0, sizeof *res);
	res->n = n;

	before = heap_used();
	t0 = now();
	transcript_init(&t);
	/* Measure the store itself: a budget above n keeps every line. */
	transcript_set_budget(&t, n + 16, (size_t)n * 4096);
	fill(&t, n, &text);
	res->fill_s = now() - t0;
	res->bytes_per_line = (double)(heap_used() - before) / n;
	res->text_per_line = (double)text / n;

	ui.p = &p;
	ui.t = &t;
	ui.follow = 1;
	ui.active = 1;
	ui.utf8 = 1;
	ui.rows = ROWS;
	ui.cols = COLS;
	theme_init(&ui);
	screen_layout(&ui);
	page = ui.r_trans.h - 1;

	res->frame_bottom_us = TIME_US(frame(&ui));
	res->pane_bottom_us = TIME_US(pane(&ui));
	/* The middle: scroll there by selecting, then time from it. */
	ui.focus = FOCUS_TRANSCRIPT;
	/* The same kind of line (a 550) in both runs, so equal work. */
	transcript_pane_select(&ui, n / 2 - (n / 2) % 16 + 12);
	res->frame_middle_us = TIME_US(frame(&ui));
	res->scroll_page_us = TIME_US(scroll_pair(&ui, page)) / 2;
	res->select_us = TIME_US(select_pair(&ui)) / 2;

	cells_free(&ui.cl);
	free(ui.rowmap);
	ui.rowmap = NULL;
	transcript_free(&t);
}

/* Start smtpscope on a pty and time until its first frame arrives. */
static double
first_frame_ms(const char *path, int port)
{
	char		 portstr[16], buf[4096], seen[65536];
	struct pollfd	 pfd;
	size_t		 nseen = 0;
	double		 t0, t = -1;
	pid_t		 pid;
	ssize_t		 r;
	int		 fd, status;
	struct winsize	 ws = { ROWS, COLS, 0, 0 };

	snprintf(portstr, sizeof portstr, "%d", port);
	t0 = now();
	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid == -1)
		return (-1);
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		execl(path, path, "127.0.0.1", portstr, (char *)NULL);
		_exit(127);
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (now() - t0 < 5) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		r = read(fd, buf, sizeof buf);
		if (r <= 0)
			break;
		if (nseen + (size_t)r < sizeof seen) {
			memcpy(seen + nseen, buf, (size_t)r);
			nseen += (size_t)r;
		}
		/* The entry prompt is drawn as part of the first frame. */
		if (memmem(seen, nseen, "smtp>", 5) != NULL) {
			t = (now() - t0) * 1e3;
			break;
		}
	}
	kill(pid, SIGTERM);
	while (poll(&pfd, 1, 200) > 0 && read(fd, buf, sizeof buf) > 0)
		;
	waitpid(pid, &status, 0);
	close(fd);
	return (t);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static void
print_ratio(const char *what, double a, double b)
{
	printf("  %-30s %10.1f us %10.1f us   ratio %.2f\n", what, a, b,
	    a > 0 ? b / a : 0);
}

int
main(int argc, char **argv)
{
	struct result		 small, big;
	const char		*path = argc > 1 ? argv[1] : "./smtpscope";
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof sin;
	double			 ff[7];
	FILE			*devnull;
	SCREEN			*sc;
	int			 lfd, i, nff = 0;

	devnull = fopen("/dev/null", "w+");
	if (devnull == NULL)
		return (1);
	setenv("LANG", "C.UTF-8", 1);
	setlocale(LC_ALL, "C.UTF-8");
	sc = newterm("xterm-256color", devnull, devnull);
	if (sc == NULL) {
		fprintf(stderr, "render: no terminfo for xterm-256color\n");
		return (1);
	}
	set_term(sc);
	resizeterm(ROWS, COLS);

	run(1000, &small);		/* warm-up: caches, terminfo, pages */
	run(1000, &small);
	run(1000000, &big);
	endwin();
	delscreen(sc);

	/* A listener that accepts nothing: connect() still succeeds. */
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd == -1 || bind(lfd, (struct sockaddr *)&sin, sizeof sin) ==
	    -1 || listen(lfd, 16) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &slen) == -1) {
		fprintf(stderr, "render: listen: %s\n", strerror(errno));
		return (1);
	}
	if (access(path, X_OK) == 0)
		for (i = 0; i < 7; i++) {
			ff[nff] = first_frame_ms(path, ntohs(sin.sin_port));
			if (ff[nff] >= 0)
				nff++;
		}
	close(lfd);

	printf("bench/render: %dx%d terminal, best of %d batches of %d, "
	    "output to /dev/null\n\n", COLS, ROWS, BATCHES, REPS);
	printf("  %-30s %13s %13s\n", "", "1,000 lines", "1,000,000 lines");
	print_ratio("full frame at the bottom", small.frame_bottom_us,
	    big.frame_bottom_us);
	print_ratio("transcript pane alone", small.pane_bottom_us,
	    big.pane_bottom_us);
	print_ratio("full frame in the middle", small.frame_middle_us,
	    big.frame_middle_us);
	print_ratio("scroll one page + redraw", small.scroll_page_us,
	    big.scroll_page_us);
	print_ratio("move selection + redraw", small.select_us,
	    big.select_us);
	printf("\n  memory per stored line: %.1f bytes (text %.1f, so %.1f "
	    "beyond the text; struct tline is %zu)\n", big.bytes_per_line,
	    big.text_per_line, big.bytes_per_line - big.text_per_line,
	    sizeof(struct tline));
	printf("  filling 1,000,000 lines took %.2f s\n", big.fill_s);
	if (nff > 0) {
		qsort(ff, (size_t)nff, sizeof ff[0], cmp_double);
		printf("  time to first frame (smtpscope in a pty, median of "
		    "%d): %.1f ms (min %.1f, max %.1f)\n", nff, ff[nff / 2],
		    ff[0], ff[nff - 1]);
	} else
		printf("  time to first frame: not measured (%s not found)\n",
		    path);
	return (0);
}
