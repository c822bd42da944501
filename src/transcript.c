/* transcript.c: the store of session lines, its text form and its log file. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/phase.h"
#include "smtpscope/reply.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#define TRANSCRIPT_MASK		"********"

/*
 * Raw texts live in large blocks rather than one malloc each: a million
 * short lines then cost their bytes plus 48 octets of struct tline.
 */
#define ARENA_BLOCK	65536

struct transcript_arena {
	struct transcript_arena	*next;
	size_t			 used;
	size_t			 size;
	char			 data[];
};

/* ANSI SGR sequences for TW_COLOR. */
#define SGR_RESET	"\033[0m"
#define SGR_BOLD	"\033[1m"
#define SGR_DIM		"\033[2m"
#define SGR_RED		"\033[31m"
#define SGR_GREEN	"\033[32m"
#define SGR_YELLOW	"\033[33m"
#define SGR_MAGENTA	"\033[35m"
#define SGR_CYAN	"\033[36m"
#define SGR_WARN	"\033[1;33m"

const char *
transcript_masked(const struct tline *tl)
{
	/* A masked form made by the session ("AUTH PLAIN ********"). */
	if (tl->annot != NULL && strstr(tl->annot, TRANSCRIPT_MASK) != NULL)
		return tl->annot;
	return TRANSCRIPT_MASK;
}

FILE *
transcript_fopen(const char *path, int append)
{
	FILE	*fp;
	int	 fd;

	struct stat	 st;

	/*
	 * Transcripts may hold user names and, when asked, secrets: never
	 * through a symbolic link someone planted, and 0600 even when the
	 * file was there before with a wider mode.
	 */
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    (append ? O_APPEND : O_TRUNC), 0600);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 077) != 0 && fchmod(fd, 0600) == -1) {
		close(fd);
		return NULL;
	}
	if ((fp = fdopen(fd, append ? "a" : "w")) == NULL)
		close(fd);
	return fp;
}

const char *
transcript_open_error(int errnum)
{
	if (errnum == ELOOP)
		return "it is a symbolic link (not followed, so a transcript "
		    "cannot be redirected)";
	return strerror(errnum);
}

double
transcript_now(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
transcript_init(struct transcript *tr)
{
	tr->lines = NULL;
	tr->n = 0;
	tr->cap = 0;
	tr->start = transcript_now();
	tr->log = NULL;
	tr->log_opts = 0;
	tr->on_add = NULL;
	tr->arg = NULL;
	tr->arena = NULL;
}

/* Room for n octets of raw text, kept until transcript_free. */
static char *
transcript_alloc(struct transcript *tr, size_t n)
{
	struct transcript_arena	*a = tr->arena, *nb;
	char			*p;

	if (a != NULL && a->size - a->used >= n) {
		p = a->data + a->used;
		a->used += n;
		return p;
	}
	if (n > ARENA_BLOCK / 4) {
		/* A big one gets its own block, behind the current one. */
		nb = xmalloc(sizeof *nb + n);
		nb->size = nb->used = n;
		if (a != NULL) {
			nb->next = a->next;
			a->next = nb;
		} else {
			nb->next = NULL;
			tr->arena = nb;
		}
		return nb->data;
	}
	nb = xmalloc(sizeof *nb + ARENA_BLOCK);
	nb->size = ARENA_BLOCK;
	nb->used = n;
	nb->next = a;
	tr->arena = nb;
	return nb->data;
}

void
transcript_free(struct transcript *tr)
{
	size_t			 i;
	struct tline		*tl;
	struct transcript_arena	*a;

	for (i = 0; i < tr->n; i++) {
		tl = &tr->lines[i];
		if (tl->flags & TL_SECRET) {
			wipe(tl->raw, tl->len);
			free_secret(tl->annot);
		} else
			free(tl->annot);
	}
	free(tr->lines);
	while ((a = tr->arena) != NULL) {
		tr->arena = a->next;
		free(a);
	}
	if (tr->log != NULL)
		fclose(tr->log);
	transcript_init(tr);
}

/* The colour of a line for TW_COLOR, or NULL for none. */
static const char *
transcript_color(const struct tline *tl)
{
	switch (tl->dir) {
	case TDIR_S:
		switch (reply_class(tl->code)) {
		case 2:
			return SGR_GREEN;
		case 3:
			return SGR_CYAN;
		case 4:
			return SGR_YELLOW;
		case 5:
			return SGR_RED;
		}
		return NULL;
	case TDIR_C:
		return SGR_BOLD;
	case TDIR_TLS:
		return SGR_MAGENTA;
	case TDIR_INFO:
		return SGR_DIM;
	case TDIR_WARN:
		return SGR_WARN;
	}
	return NULL;
}

static const char *
transcript_prefix(const struct tline *tl)
{
	switch (tl->dir) {
	case TDIR_S:
		return "S: ";
	case TDIR_C:
		return "C: ";
	case TDIR_TLS:
		return "# TLS: ";
	case TDIR_INFO:
		return "# ";
	case TDIR_WARN:
		return "# warning: ";
	}
	return "? ";
}

/* "[+12.345s] " without going through printf (saving a million lines). */
static void
transcript_timing(struct buf *out, double t)
{
	char			 tmp[40], *p = tmp + sizeof tmp;
	unsigned long long	 ms;
	int			 i;

	if (!(t >= 0))
		t = 0;
	if (t > 1e15)
		t = 1e15;
	ms = (unsigned long long)(t * 1000 + 0.5);
	*--p = ' ';
	*--p = ']';
	*--p = 's';
	for (i = 0; i < 3; i++) {
		*--p = (char)('0' + ms % 10);
		ms /= 10;
	}
	*--p = '.';
	do {
		*--p = (char)('0' + ms % 10);
		ms /= 10;
	} while (ms > 0);
	*--p = '+';
	*--p = '[';
	buf_add(out, p, (size_t)(tmp + sizeof tmp - p));
}

/*
 * The text form keeps the wire bytes so a replay sees what the server saw.
 * A secret is written as ******** unless TW_SECRETS; an AUTH answer is
 * written as its base64 only; other annotations only with TW_ANNOT, in
 * parentheses after the text.
 */
void
transcript_format(struct buf *out, const struct transcript *tr,
    const struct tline *tl, unsigned int opts)
{
	const char	*color = NULL;

	(void)tr;
	if (opts & TW_TIMING)
		transcript_timing(out, tl->t);
	if (opts & TW_COLOR)
		color = transcript_color(tl);
	if (color != NULL)
		buf_addstr(out, color);
	buf_addstr(out, transcript_prefix(tl));
	if ((tl->flags & TL_SECRET) && !(opts & TW_SECRETS)) {
		const char	*m = transcript_masked(tl);

		sanitize(out, m, strlen(m));
	} else {
		sanitize(out, tl->raw, tl->len);
		if ((opts & TW_ANNOT) && tl->annot != NULL &&
		    !(tl->flags & TL_SECRET)) {
			buf_add(out, "  (", 3);
			sanitize(out, tl->annot, strlen(tl->annot));
			buf_addch(out, ')');
		}
	}
	if (color != NULL)
		buf_addstr(out, SGR_RESET);
}

/* Write one formatted line and a newline to fp; 0, or -1 on error. */
static int
transcript_write(FILE *fp, const struct transcript *tr,
    const struct tline *tl, unsigned int opts, struct buf *scratch)
{
	buf_reset(scratch);
	transcript_format(scratch, tr, tl, opts);
	buf_addch(scratch, '\n');
	if (fwrite(scratch->data, 1, scratch->len, fp) != scratch->len)
		return -1;
	return 0;
}

/* The verb a client line carries, from its flags or its first word. */
static enum verb
transcript_verb(const char *raw, size_t len, uint32_t flags)
{
	if (flags & TL_ANSWER)
		return VERB_ANSWER;
	if (flags & TL_DATA)
		return VERB_NONE;
	return verb_of(raw, len);
}

struct tline *
transcript_add(struct transcript *tr, enum tdir dir, const char *raw,
    size_t len, uint32_t flags, const char *annot)
{
	return transcript_add_verb(tr, dir, raw, len, flags, annot, -1);
}

struct tline *
transcript_add_verb(struct transcript *tr, enum tdir dir, const char *raw,
    size_t len, uint32_t flags, const char *annot, int verb)
{
	struct tline	*tl;
	struct buf	 b;
	char		 sep, enh[16];
	size_t		 off;

	if (tr->n == tr->cap) {
		tr->cap = tr->cap == 0 ? 64 : tr->cap * 2;
		tr->lines = xreallocarray(tr->lines, tr->cap, sizeof *tl);
	}
	if (len > UINT32_MAX - 1)
		len = UINT32_MAX - 1;
	tl = &tr->lines[tr->n];
	memset(tl, 0, sizeof *tl);
	tl->t = transcript_now() - tr->start;
	tl->raw = transcript_alloc(tr, len + 1);
	if (len > 0)
		memcpy(tl->raw, raw, len);
	tl->raw[len] = '\0';
	tl->len = (uint32_t)len;
	tl->annot = annot != NULL ? xstrdup(annot) : NULL;
	tl->flags = flags;
	tl->dir = (uint8_t)dir;
	if (dir == TDIR_S) {
		tl->code = (int16_t)reply_line_code(raw, len, &sep, &off);
		if (tl->code != 0 && off == 4 &&
		    reply_parse_enhanced(raw + off, len - off, enh) > 0 &&
		    strlen(enh) < sizeof tl->enh)
			memcpy(tl->enh, enh, strlen(enh) + 1);
	} else if (dir == TDIR_C)
		tl->verb = (uint8_t)transcript_verb(raw, len, flags);
	if (verb >= 0)
		tl->verb = (uint8_t)verb;
	tr->n++;

	if (tr->log != NULL) {
		buf_init(&b);
		if (transcript_write(tr->log, tr, tl, tr->log_opts, &b) == 0)
			fflush(tr->log);
		buf_free(&b);
	}
	if (tr->on_add != NULL)
		tr->on_add(tr->arg, tr->n - 1);
	return tl;
}

struct tline *
transcript_note(struct transcript *tr, enum tdir dir, const char *fmt, ...)
{
	va_list		 ap;
	struct tline	*tl;
	char		*s;

	va_start(ap, fmt);
	s = xvprintf(fmt, ap);
	va_end(ap);
	tl = transcript_add(tr, dir, s, strlen(s), 0, NULL);
	free(s);
	return tl;
}

int
transcript_open_log(struct transcript *tr, const char *path,
    unsigned int opts, char *err, size_t errlen)
{
	FILE	*fp;

	if ((fp = transcript_fopen(path, 1)) == NULL) {
		snprintf(err, errlen, "cannot open log %s: %s", path,
		    transcript_open_error(errno));
		return -1;
	}
	if (tr->log != NULL)
		fclose(tr->log);
	tr->log = fp;
	tr->log_opts = opts;
	return 0;
}

int
transcript_save(const struct transcript *tr, const char *path,
    unsigned int opts, char *err, size_t errlen)
{
	FILE		*fp;
	struct buf	 b;
	size_t		 i;
	int		 failed = 0, saved;

	if ((fp = transcript_fopen(path, 0)) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    transcript_open_error(errno));
		return -1;
	}
	buf_init(&b);
	for (i = 0; i < tr->n && !failed; i++)
		if (transcript_write(fp, tr, &tr->lines[i], opts, &b) != 0)
			failed = 1;
	buf_free(&b);
	if (fflush(fp) != 0 || ferror(fp))
		failed = 1;
	saved = errno;
	if (fclose(fp) != 0 && !failed) {
		failed = 1;
		saved = errno;
	}
	if (failed) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(saved != 0 ? saved : EIO));
		return -1;
	}
	return 0;
}
