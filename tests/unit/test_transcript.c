/* test_transcript.c: the transcript store, its text form and files. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/phase.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#include "t.h"

static size_t	added[8];
static size_t	nadded;

static void
count_cb(void *arg, size_t index)
{
	struct transcript	*tr = arg;

	if (nadded < 8)
		added[nadded] = index;
	nadded++;
	/* The line is complete when we are told about it. */
	OK(tr->lines[index].raw != NULL, "on_add sees the stored line");
}

static char *
fmt(const struct transcript *tr, size_t i, unsigned int opts)
{
	struct buf	b;

	buf_init(&b);
	transcript_format(&b, tr, &tr->lines[i], opts);
	return buf_take(&b);
}

#define EQ_FMT(tr, i, opts, want, name) do {				\
	char *f_ = fmt((tr), (i), (opts));				\
	EQ_STR(f_, (want), (name));					\
	free(f_);							\
} while (0)

/* Read a whole file into a malloc'd string. */
static char *
slurp(const char *path)
{
	FILE		*fp;
	struct buf	 b;
	char		 chunk[512];
	size_t		 n;

	buf_init(&b);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	return buf_take(&b);
}

static void
test_add(void)
{
	struct transcript	 tr;
	struct tline		*tl;
	static const char	 nul[] = "250 a\0b";

	transcript_init(&tr);
	EQ_INT(tr.n, 0, "empty transcript");
	tr.on_add = count_cb;
	tr.arg = &tr;

	tl = transcript_add(&tr, TDIR_S, "550 5.7.1 denied", 16,
	    TL_REPLY_END, NULL);
	EQ_INT(tl->code, 550, "S line code parsed");
	EQ_STR(tl->enh, "5.7.1", "S line enh parsed");
	EQ_INT(tl->dir, TDIR_S, "dir stored");
	EQ_INT(tl->flags, TL_REPLY_END, "flags stored");
	OK(tl->t >= 0 && tl->t < 60, "time relative to start");
	OK(tl->annot == NULL, "no annot");
	EQ_INT(nadded, 1, "on_add called");
	EQ_INT(added[0], 0, "on_add index 0");

	tl = transcript_add(&tr, TDIR_S, "250-mx.example", 14, 0, NULL);
	EQ_INT(tl->code, 250, "continuation code");
	EQ_STR(tl->enh, "", "no enh");
	tl = transcript_add(&tr, TDIR_S, "garbage", 7, 0, NULL);
	EQ_INT(tl->code, 0, "garbage code 0");
	tl = transcript_add(&tr, TDIR_C, "MAIL FROM:<a@b>", 15, 0, NULL);
	EQ_INT(tl->code, 0, "C line has no code");
	EQ_INT(tl->verb, VERB_MAIL, "C line verb");
	tl = transcript_add(&tr, TDIR_C, "250 5.1.1 x", 11, 0, NULL);
	EQ_INT(tl->code, 0, "C line never parsed as reply");
	tl = transcript_add(&tr, TDIR_C, "dGVzdA==", 8, TL_ANSWER, "test");
	EQ_INT(tl->verb, VERB_ANSWER, "answer verb");
	EQ_STR(tl->annot, "test", "annot copied");
	tl = transcript_add(&tr, TDIR_S, nul, sizeof nul - 1, 0, NULL);
	EQ_INT(tl->len, 7, "raw length with NUL");
	OK(memcmp(tl->raw, nul, 7) == 0 && tl->raw[7] == '\0',
	    "raw bytes kept and NUL-ended");
	tl = transcript_add(&tr, TDIR_INFO, "", 0, 0, NULL);
	EQ_INT(tl->len, 0, "empty line");
	EQ_STR(tl->raw, "", "empty raw is a string");
	EQ_INT(nadded, 8, "on_add for each line");
	EQ_INT(tr.n, 8, "eight lines");

	tl = transcript_note(&tr, TDIR_TLS, "TLS%s %d", "1.3", 42);
	EQ_STR(tl->raw, "TLS1.3 42", "note formatted");
	EQ_INT(tl->dir, TDIR_TLS, "note dir");
	transcript_free(&tr);
	EQ_INT(tr.n, 0, "free resets");
	transcript_free(&tr);
}

static void
test_growth(void)
{
	struct transcript	tr;
	char			line[32];
	size_t			i;
	int			bad = 0;

	transcript_init(&tr);
	for (i = 0; i < 5000; i++) {
		snprintf(line, sizeof line, "250 line %zu", i);
		transcript_add(&tr, TDIR_S, line, strlen(line), 0, NULL);
	}
	EQ_INT(tr.n, 5000, "5000 lines");
	OK(tr.cap >= tr.n && tr.cap < 2 * tr.n + 64, "capacity doubles");
	for (i = 0; i < 5000; i++) {
		snprintf(line, sizeof line, "250 line %zu", i);
		if (strcmp(tr.lines[i].raw, line) != 0)
			bad++;
	}
	EQ_INT(bad, 0, "lines intact after growth");
	OK(tr.lines[4999].t >= tr.lines[0].t, "times do not go back");
	transcript_free(&tr);
	OK(sizeof(struct tline) <= 48, "struct tline stays small");
}

static void
test_format(void)
{
	struct transcript	 tr;
	struct tline		*tl;
	char			*f;

	transcript_init(&tr);
	transcript_add(&tr, TDIR_S, "220 mx ESMTP", 12, 0, NULL);
	transcript_add(&tr, TDIR_C, "EHLO me", 7, 0, NULL);
	transcript_add(&tr, TDIR_TLS, "TLS1.3 up", 9, 0, NULL);
	transcript_add(&tr, TDIR_INFO, "connected", 9, 0, NULL);
	transcript_add(&tr, TDIR_WARN, "bare LF", 7, 0, NULL);
	transcript_add(&tr, TDIR_C, "c2VjcmV0", 8, TL_ANSWER | TL_SECRET,
	    "secret");
	transcript_add(&tr, TDIR_C, "YWxpY2U=", 8, TL_ANSWER, "alice");
	transcript_add(&tr, TDIR_S, "334 VXNlcm5hbWU6", 16, TL_DECODED,
	    "Username:");
	transcript_add(&tr, TDIR_S, "250 \x1b[2J\tok\r", 12, 0, NULL);
	transcript_add(&tr, TDIR_C, "AUTH PLAIN AGFAAGI=", 19, TL_SECRET,
	    NULL);
	transcript_add(&tr, TDIR_S, "421 bye", 7, 0, NULL);
	transcript_add(&tr, TDIR_S, "354 go", 6, 0, NULL);
	transcript_add(&tr, TDIR_S, "hmm", 3, 0, NULL);

	EQ_FMT(&tr, 0, 0, "S: 220 mx ESMTP", "S prefix");
	EQ_FMT(&tr, 1, 0, "C: EHLO me", "C prefix");
	EQ_FMT(&tr, 2, 0, "# TLS: TLS1.3 up", "TLS prefix");
	EQ_FMT(&tr, 3, 0, "# connected", "INFO prefix");
	EQ_FMT(&tr, 4, 0, "# warning: bare LF", "WARN prefix");
	EQ_FMT(&tr, 5, 0, "C: ********", "secret answer masked");
	EQ_FMT(&tr, 5, TW_SECRETS, "C: c2VjcmV0", "secret shown on request");
	EQ_FMT(&tr, 5, TW_SECRETS | TW_ANNOT, "C: c2VjcmV0",
	    "secret annot never written");
	EQ_FMT(&tr, 6, 0, "C: YWxpY2U=", "answer: base64 only");
	EQ_FMT(&tr, 6, TW_ANNOT, "C: YWxpY2U=  (alice)",
	    "answer annot written beside it with TW_ANNOT");
	EQ_FMT(&tr, 7, 0, "S: 334 VXNlcm5hbWU6", "annot off by default");
	EQ_FMT(&tr, 7, TW_ANNOT, "S: 334 VXNlcm5hbWU6  (Username:)",
	    "annot with TW_ANNOT");
	EQ_FMT(&tr, 8, 0, "S: 250 \\e[2J ok\\r", "text sanitized");
	EQ_FMT(&tr, 9, 0, "C: ********", "secret command masked");

	/* Timing prefix. */
	tl = &tr.lines[0];
	tl->t = 0.0123;
	EQ_FMT(&tr, 0, TW_TIMING, "[+0.012s] S: 220 mx ESMTP", "timing");
	tl->t = 75.5;
	EQ_FMT(&tr, 0, TW_TIMING, "[+75.500s] S: 220 mx ESMTP", "timing 75s");
	tl->t = 0;
	EQ_FMT(&tr, 0, TW_TIMING, "[+0.000s] S: 220 mx ESMTP", "timing 0");
	tl->t = 0.9996;
	EQ_FMT(&tr, 0, TW_TIMING, "[+1.000s] S: 220 mx ESMTP", "timing rounds");
	tl->t = 3600.001;
	EQ_FMT(&tr, 0, TW_TIMING, "[+3600.001s] S: 220 mx ESMTP",
	    "timing an hour");
	tl->t = -1;
	EQ_FMT(&tr, 0, TW_TIMING, "[+0.000s] S: 220 mx ESMTP",
	    "negative time shown as 0");
	tl->t = 75.5;

	/* Colours: prefix and text only, reset at the end. */
	EQ_FMT(&tr, 0, TW_COLOR, "\033[32mS: 220 mx ESMTP\033[0m", "2xx green");
	EQ_FMT(&tr, 11, TW_COLOR, "\033[36mS: 354 go\033[0m", "3xx cyan");
	EQ_FMT(&tr, 10, TW_COLOR, "\033[33mS: 421 bye\033[0m", "4xx yellow");
	EQ_FMT(&tr, 1, TW_COLOR, "\033[1mC: EHLO me\033[0m", "C bold");
	EQ_FMT(&tr, 2, TW_COLOR, "\033[35m# TLS: TLS1.3 up\033[0m",
	    "TLS magenta");
	EQ_FMT(&tr, 3, TW_COLOR, "\033[2m# connected\033[0m", "INFO dim");
	EQ_FMT(&tr, 4, TW_COLOR, "\033[1;33m# warning: bare LF\033[0m",
	    "WARN bold yellow");
	EQ_FMT(&tr, 12, TW_COLOR, "S: hmm", "no code: no colour");
	EQ_FMT(&tr, 0, TW_COLOR | TW_TIMING,
	    "[+75.500s] \033[32mS: 220 mx ESMTP\033[0m", "timing uncoloured");
	transcript_add(&tr, TDIR_S, "554 no", 6, 0, NULL);
	EQ_FMT(&tr, 13, TW_COLOR, "\033[31mS: 554 no\033[0m", "5xx red");

	/* Appends to what is in the buffer. */
	{
		struct buf	b;

		buf_init(&b);
		buf_addstr(&b, ">>");
		transcript_format(&b, &tr, &tr.lines[1], 0);
		EQ_STR(buf_str(&b), ">>C: EHLO me", "format appends");
		buf_free(&b);
	}
	f = fmt(&tr, 8, TW_COLOR);
	OK(strstr(f, "\033[2J") == NULL, "no raw escape even in colour");
	free(f);
	transcript_free(&tr);
}

/* What on_drop reported, and a selection it keeps in step. */
static size_t	drop_calls, drop_first, drop_count, drop_sel;

static void
drop_cb(void *arg, size_t first, size_t count)
{
	(void)arg;
	drop_calls++;
	drop_first = first;
	drop_count = count;
	if (drop_sel >= first + count)
		drop_sel -= count - 1;
	else if (drop_sel >= first)
		drop_sel = first;
}

static void
test_budget(void)
{
	struct transcript	 tr;
	char			 line[64];
	size_t			 i, total = 100000;
	int			 bad = 0, notes = 0, over = 0;

	transcript_init(&tr);
	EQ_INT(tr.max_lines, TRANSCRIPT_MAX_LINES, "default line budget");
	EQ_INT(tr.max_bytes, TRANSCRIPT_MAX_BYTES, "default byte budget");
	transcript_set_budget(&tr, 1, 1);
	EQ_INT(tr.max_lines, TRANSCRIPT_MIN_LINES, "line budget floor");
	EQ_INT(tr.max_bytes, TRANSCRIPT_MIN_BYTES, "byte budget floor");
	transcript_set_budget(&tr, 1000, 1 << 20);
	EQ_INT(tr.max_lines, 1000, "line budget set");
	tr.on_drop = drop_cb;
	tr.arg = &tr;
	drop_sel = 700;		/* a line that will be folded */
	for (i = 0; i < total; i++) {
		snprintf(line, sizeof line, "250 line %zu", i);
		transcript_add(&tr, TDIR_S, line, strlen(line), 0,
		    i % 2 ? "annotation" : NULL);
		if (tr.n > 1000)
			over++;
	}
	EQ_INT(over, 0, "never more lines than the budget");
	OK(tr.trimmed, "the middle was dropped");
	EQ_INT(tr.gap, 500, "the head is half the budget");
	for (i = 0; i < tr.gap; i++) {
		snprintf(line, sizeof line, "250 line %zu", i);
		if (strcmp(tr.lines[i].raw, line) != 0)
			bad++;
	}
	EQ_INT(bad, 0, "the first lines are kept in order");
	OK(tr.lines[tr.gap].flags & TL_GAP, "the gap line is flagged");
	EQ_INT(tr.lines[tr.gap].dir, TDIR_INFO, "the gap line is a note");
	OK(strstr(tr.lines[tr.gap].raw, "lines (") != NULL &&
	    strstr(tr.lines[tr.gap].raw, "--max-transcript") != NULL,
	    "the gap line says what was dropped");
	snprintf(line, sizeof line, "%llu lines", tr.dropped_lines);
	OK(strncmp(tr.lines[tr.gap].raw, line, strlen(line)) == 0,
	    "the gap line counts the dropped lines");
	snprintf(line, sizeof line, "250 line %zu", total - 1);
	EQ_STR(tr.lines[tr.n - 1].raw, line, "the newest line is last");
	for (i = tr.gap + 1; i < tr.n; i++) {
		if (tr.lines[i].dir == TDIR_INFO) {
			notes++;
			continue;
		}
		if (i + 1 < tr.n && tr.lines[i + 1].dir == TDIR_S &&
		    strtoul(tr.lines[i].raw + 9, NULL, 10) + 1 !=
		    strtoul(tr.lines[i + 1].raw + 9, NULL, 10))
			bad++;
	}
	EQ_INT(bad, 0, "the tail is the latest lines, in order");
	/* The one note besides the gap: the budget was passed. */
	EQ_INT(tr.dropped_lines + tr.n - 1, total + 1,
	    "every line is kept or counted as dropped");
	EQ_INT(notes, 0, "the note about the budget has scrolled away");
	OK(drop_calls > 0 && drop_first == tr.gap, "on_drop names the gap");
	OK(drop_count > 1, "on_drop counts the folded lines");
	EQ_INT(drop_sel, tr.gap, "a folded selection lands on the gap");
	transcript_free(&tr);

	/* The byte budget holds for long lines as well. */
	transcript_init(&tr);
	transcript_set_budget(&tr, 0, 64 * 1024);
	memset(line, 'x', sizeof line);
	memcpy(line, "250 ", 4);
	for (i = 0; i < 20000; i++) {
		transcript_add(&tr, TDIR_S, line, sizeof line, 0, NULL);
		if (tr.bytes > 64 * 1024)
			over++;
	}
	EQ_INT(over, 0, "never more octets than the budget");
	OK(tr.n < 64 * 1024 / 64 + 2, "lines go with the octets");
	transcript_free(&tr);
}

static void
test_files(void)
{
	struct transcript	 tr;
	char			 dir[] = "/tmp/test_transcript.XXXXXX";
	char			 path[256], logpath[256], err[256], *s;

	if (mkdtemp(dir) == NULL) {
		OK(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/t.txt", dir);
	snprintf(logpath, sizeof logpath, "%s/log.txt", dir);

	transcript_init(&tr);
	err[0] = '\0';
	EQ_INT(transcript_open_log(&tr, logpath, 0, err, sizeof err), 0,
	    "open log");
	transcript_add(&tr, TDIR_S, "220 hi", 6, 0, NULL);
	s = slurp(logpath);
	EQ_STR(s, "S: 220 hi\n", "log written at once");
	free(s);
	transcript_add(&tr, TDIR_C, "cGFzcw==", 8, TL_ANSWER | TL_SECRET,
	    NULL);
	s = slurp(logpath);
	EQ_STR(s, "S: 220 hi\nC: ********\n", "log line by line, masked");
	free(s);
	transcript_add(&tr, TDIR_S, "250 a\nb", 7, 0, NULL);
	s = slurp(logpath);
	EQ_STR(s, "S: 220 hi\nC: ********\nS: 250 a\\nb\n",
	    "log keeps one record per line");
	free(s);

	EQ_INT(transcript_save(&tr, path, 0, err, sizeof err), 0, "save");
	s = slurp(path);
	EQ_STR(s, "S: 220 hi\nC: ********\nS: 250 a\\nb\n", "saved file");
	free(s);
	EQ_INT(transcript_save(&tr, path, TW_SECRETS, err, sizeof err), 0,
	    "save again replaces");
	s = slurp(path);
	EQ_STR(s, "S: 220 hi\nC: cGFzcw==\nS: 250 a\\nb\n",
	    "saved with secrets, replaced");
	free(s);

	err[0] = '\0';
	EQ_INT(transcript_save(&tr, "/nonexistent-dir/x.txt", 0, err,
	    sizeof err), -1, "save into missing dir fails");
	OK(strstr(err, "/nonexistent-dir/x.txt") != NULL, "error names path");
	OK(strstr(err, "No such file") != NULL, "error has strerror");
	err[0] = '\0';
	EQ_INT(transcript_open_log(&tr, "/nonexistent-dir/log", 0, err,
	    sizeof err), -1, "open log in missing dir fails");
	OK(strstr(err, "No such file") != NULL, "log error has strerror");
	OK(tr.log != NULL, "old log still open after failure");
	EQ_INT(transcript_save(&tr, dir, 0, err, sizeof err), -1,
	    "save onto a directory fails");
	if (access("/dev/full", W_OK) == 0) {
		EQ_INT(transcript_save(&tr, "/dev/full", 0, err, sizeof err),
		    -1, "save on a full device fails");
		OK(strstr(err, "No space") != NULL, "ENOSPC reported");
	}
	transcript_free(&tr);
	OK(tr.log == NULL, "free closes log");

	/* An empty transcript saves an empty file. */
	transcript_init(&tr);
	EQ_INT(transcript_save(&tr, path, 0, err, sizeof err), 0,
	    "save empty");
	s = slurp(path);
	EQ_STR(s, "", "empty file");
	free(s);
	/* The log appends to an existing file, with timing if asked. */
	EQ_INT(transcript_open_log(&tr, logpath, TW_TIMING, err, sizeof err),
	    0, "reopen log");
	transcript_add(&tr, TDIR_INFO, "again", 5, 0, NULL);
	s = slurp(logpath);
	OK(s != NULL && strncmp(s, "S: 220 hi\n", 10) == 0, "log appended");
	OK(s != NULL && strstr(s, "s] # again\n") != NULL &&
	    strstr(s, "\n[+0.") != NULL, "timed log line");
	free(s);
	transcript_free(&tr);

	unlink(path);
	unlink(logpath);
	rmdir(dir);
}

static void
test_log_cap(void)
{
	struct transcript	 tr;
	char			 dir[] = "/tmp/test_transcript.XXXXXX";
	char			 logpath[256], err[256], *s, *stop;
	size_t			 i;

	if (mkdtemp(dir) == NULL) {
		OK(0, "mkdtemp");
		return;
	}
	snprintf(logpath, sizeof logpath, "%s/log.txt", dir);
	transcript_init(&tr);
	transcript_set_log_max(&tr, 1000);
	EQ_INT(transcript_open_log(&tr, logpath, 0, err, sizeof err), 0,
	    "open a capped log");
	for (i = 0; i < 500; i++)
		transcript_add(&tr, TDIR_S, "250 flood", 9, 0, NULL);
	EQ_INT(tr.n, 500, "the store goes on past the log's cap");
	s = slurp(logpath);
	OK(s != NULL && strlen(s) <= 1000 + 200, "the log stays near its cap");
	stop = s != NULL ? strstr(s, "# the log stops here") : NULL;
	OK(stop != NULL, "the log says where it stops");
	OK(stop != NULL && strchr(stop, '\n') != NULL &&
	    strchr(stop, '\n')[1] == '\0', "nothing follows that line");
	OK(s != NULL && strncmp(s, "S: 250 flood\n", 13) == 0,
	    "the log has the start");
	free(s);
	transcript_free(&tr);
	unlink(logpath);
	rmdir(dir);
}

int
main(void)
{
	test_add();
	test_growth();
	test_budget();
	test_log_cap();
	test_format();
	test_files();
	return t_done();
}
