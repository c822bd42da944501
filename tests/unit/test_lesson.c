/*
 * test_lesson.c: every built-in lesson is well formed and its check holds
 * on its example sessions that pass and on none that fail; the condition
 * language on its own; lesson files; the progress file.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/lesson.h"
#include "smtpscope/replay.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#include "t.h"

/* Load a session in transcript form; 0 or -1 after saying why. */
static int
load(struct transcript *t, const char *text)
{
	char	err[256];

	transcript_init(t);
	if (replay_load_mem(t, text, strlen(text), NULL, err,
	    sizeof err) != 0) {
		printf("# does not load (%s): %.60s\n", err, text);
		return -1;
	}
	return 0;
}

/* 1 when every check of l holds on text. */
static int
passes(const struct lesson *l, const char *text)
{
	struct transcript	t;
	struct lesson_ctx	ctx = { 0, 0, -1, NULL };
	int			rc = -1;

	if (load(&t, text) == 0)
		rc = lesson_nheld(l, &t, &ctx) == lesson_nchecks(l);
	transcript_free(&t);
	return rc;
}

static void
test_builtin(void)
{
	const struct lesson	*l;
	char			 err[256], name[256];
	size_t			 k, nbad = 0, ncase = 0;
	int			 r;

	OK(lesson_count >= 12, "at least twelve lessons");
	for (l = lesson_table; l->id != NULL; l++) {
		if (lesson_validate(l, err, sizeof err) == -1) {
			printf("# %s\n", err);
			nbad++;
			continue;
		}
		for (k = 0; l->pass[k] != NULL; k++, ncase++)
			if ((r = passes(l, l->pass[k])) != 1) {
				printf("# %s: pass case %zu %s\n", l->id, k + 1,
				    r < 0 ? "does not load" : "fails");
				nbad++;
			}
		for (k = 0; l->fail[k] != NULL; k++, ncase++)
			if ((r = passes(l, l->fail[k])) != 0) {
				printf("# %s: fail case %zu %s\n", l->id, k + 1,
				    r < 0 ? "does not load" : "passes");
				nbad++;
			}
		if (l->pass[0] == NULL || l->fail[0] == NULL) {
			printf("# %s: needs pass and fail cases\n", l->id);
			nbad++;
		}
	}
	snprintf(name, sizeof name, "each of the %zu lessons passes its pass "
	    "cases and fails its fail cases (%zu cases)", lesson_count, ncase);
	OK(nbad == 0, name);
}

static void
test_language(void)
{
	static const char *const good[] = {
		"sent EHLO", "sent AUTH LOGIN", "sent EHLO after STARTTLS",
		"reply 250", "reply 5xx to RCPT", "reply 2xx to RCPT >= 2",
		"reply 4xx then 250 to RCPT", "enh 5.1.1", "tls", "auth",
		"dot-stuffed", "pipelined", "inbox >= 1", "explained 550",
		"not auth", "reply 5.7.1 then 2xx to RCPT", NULL
	};
	static const char *const bad[] = {
		"", "sent", "send EHLO", "reply", "reply 6xx", "reply 250 to",
		"reply 250 to FOO", "reply 250 >= x", "reply 4xx then 250",
		"enh 5", "tls now", "inbox > 1", "explained", "not",
		"sent EHLO after", NULL
	};
	char		 err[256];
	size_t		 i, nbad = 0;
	struct transcript t;
	struct lesson_ctx ctx = { 0, 0, -1, NULL };

	for (i = 0; good[i] != NULL; i++)
		if (lesson_cond_check(good[i], err, sizeof err) != 0) {
			printf("# refused: %s (%s)\n", good[i], err);
			nbad++;
		}
	for (i = 0; bad[i] != NULL; i++)
		if (lesson_cond_check(bad[i], err, sizeof err) == 0) {
			printf("# accepted: \"%s\"\n", bad[i]);
			nbad++;
		}
	OK(nbad == 0, "the condition language accepts what it should, "
	    "refuses the rest");

	if (load(&t, "S: 220 x ESMTP\nC: EHLO me\nS: 250 x\n"
	    "C: MAIL FROM:<a@b>\nS: 250 ok\nC: DATA\n"
	    "S: 503 need RCPT\n") == 0) {
		OK(lesson_cond_holds("not auth", &t, &ctx), "not auth");
		OK(!lesson_cond_holds("inbox >= 1", &t, &ctx),
		    "inbox counted from the transcript");
		ctx.inbox = 2;
		ctx.auth = 1;
		OK(lesson_cond_holds("inbox >= 2", &t, &ctx) &&
		    lesson_cond_holds("auth", &t, &ctx),
		    "inbox and auth taken from the caller");
		OK(lesson_cond_holds("sent mail from:", &t, &ctx),
		    "sent: case does not matter");
		OK(!lesson_cond_holds("sent EHLO after MAIL", &t, &ctx),
		    "sent ... after: order counts");
		OK(lesson_cond_holds("reply 5xx to DATA", &t, &ctx) &&
		    !lesson_cond_holds("reply 5xx to MAIL", &t, &ctx),
		    "reply ... to VERB: the command answered");
	}
	transcript_free(&t);
}

static const char lesson_file_text[] =
    "# a teacher's lesson\n"
    "lesson: noop\n"
    "title: NOOP does nothing\n"
    "goal: Send NOOP and read\n"
    "  the 250.\n"
    "hint: Type NOOP.\n"
    "check: sent NOOP\n"
    "check: reply 250 to NOOP\n"
    "pass: S: 220 x\\nC: NOOP\\nS: 250 2.0.0 OK\n"
    "fail: S: 220 x\\nC: RSET\\nS: 250 2.0.0 OK\n"
    "\n"
    "lesson: ignored\n";

static void
test_file(void)
{
	struct lesson	*l;
	char		 err[256], path[] = "/tmp/test_lesson_XXXXXX";
	int		 fd;

	fd = mkstemp(path);
	OK(fd != -1 && write(fd, lesson_file_text, sizeof lesson_file_text
	    - 1) == (ssize_t)(sizeof lesson_file_text - 1), "write a file");
	close(fd);
	l = lesson_load(path, err, sizeof err);
	OK(l != NULL, "a lesson file loads");
	if (l != NULL) {
		EQ_STR(l->goal, "Send NOOP and read the 250.", "continued");
		EQ_INT(lesson_nchecks(l), 2, "two checks");
		OK(passes(l, l->pass[0]) == 1 && passes(l, l->fail[0]) == 0,
		    "its examples");
	}
	lesson_free(l);
	unlink(path);
	l = lesson_parse("lesson: x\ntitle: t\ngoal: g\nhint: h\n"
	    "check: reply 700\n", "f.txt", err, sizeof err);
	OK(l == NULL && strstr(err, "f.txt") != NULL &&
	    strstr(err, "reply 700") != NULL, "a bad condition is named");
	l = lesson_parse("lesson: x\ntitle: t\ncolour: red\n", "f.txt", err,
	    sizeof err);
	OK(l == NULL && strcmp(err, "f.txt:3: unknown key \"colour\"") == 0,
	    "an unknown key, with its line");
	l = lesson_parse("lesson: x\ntitle: t\ngoal: g\nhint: h\n", "f.txt",
	    err, sizeof err);
	OK(l == NULL, "no check: refused");
	OK(lesson_load("/nonexistent/l.txt", err, sizeof err) == NULL,
	    "a missing file");
}

static void
test_progress(void)
{
	char		 dir[] = "/tmp/test_lesson_st_XXXXXX", err[256], *path;
	char		*link;
	struct stat	 st;

	OK(mkdtemp(dir) != NULL, "temp dir");
	setenv("XDG_STATE_HOME", dir, 1);
	path = lesson_progress_path();
	OK(path != NULL && strstr(path, "/smtpscope/lessons") != NULL, "path");
	OK(!lesson_progress_done(path, "ehlo"), "nothing done at first");
	OK(lesson_progress_mark(path, "ehlo", err, sizeof err) == 0 &&
	    lesson_progress_mark(path, "data", err, sizeof err) == 0 &&
	    lesson_progress_mark(path, "ehlo", err, sizeof err) == 0, "mark");
	OK(lesson_progress_done(path, "ehlo") &&
	    lesson_progress_done(path, "data") &&
	    !lesson_progress_done(path, "bdat"), "done as marked");
	OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600");
	/* A link is never read nor written through. */
	unlink(path);
	link = xprintf("%s/target", dir);
	OK(symlink(link, path) == 0, "a symbolic link in its place");
	OK(!lesson_progress_done(path, "ehlo"), "a link is not read");
	OK(lesson_progress_mark(path, "ehlo", err, sizeof err) == 0 &&
	    lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(link, F_OK) == -1, "a link is replaced, not followed");
	unlink(path);
	free(link);
	free(path);
}

int
main(void)
{
	test_builtin();
	test_language();
	test_file();
	test_progress();
	return t_done();
}
