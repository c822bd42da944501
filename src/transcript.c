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
/* Room for the text of the gap line. */
#define GAP_CAP		200

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
	memset(tr, 0, sizeof *tr);
	tr->start = transcript_now();
	tr->max_lines = TRANSCRIPT_MAX_LINES;
	tr->max_bytes = TRANSCRIPT_MAX_BYTES;
	tr->log_max = TRANSCRIPT_LOG_MAX;
}

void
transcript_set_budget(struct transcript *tr, size_t lines, size_t bytes)
{
	if (lines > 0)
		tr->max_lines = lines < TRANSCRIPT_MIN_LINES ?
		    TRANSCRIPT_MIN_LINES : lines;
	if (bytes > 0)
		tr->max_bytes = bytes < TRANSCRIPT_MIN_BYTES ?
		    TRANSCRIPT_MIN_BYTES : bytes;
}

void
transcript_set_log_max(struct transcript *tr, unsigned long long max)
{
	tr->log_max = max > 0 ? max : TRANSCRIPT_LOG_MAX;
}

/*
 * The size of a block of raw text: small budgets (a practice session's in
 * the classroom view) get small blocks, so a short session costs little.
 */
static size_t
arena_block(const struct transcript *tr)
{
	size_t	b = tr->max_bytes / 4;

	if (b < 1024)
		b = 1024;
	return (b < ARENA_BLOCK ? b : ARENA_BLOCK);
}

/* Room for n octets of raw text in the blocks at *ap, of block octets. */
static char *
transcript_alloc(struct transcript_arena **ap, size_t n, size_t block)
{
	struct transcript_arena	*a = *ap, *nb;
	char			*p;

	if (a != NULL && a->size - a->used >= n) {
		p = a->data + a->used;
		a->used += n;
		return p;
	}
	if (n > block / 4) {
		/* A big one gets its own block, behind the current one. */
		nb = xmalloc(sizeof *nb + n);
		nb->size = nb->used = n;
		if (a != NULL) {
			nb->next = a->next;
			a->next = nb;
		} else {
			nb->next = NULL;
			*ap = nb;
		}
		return nb->data;
	}
	nb = xmalloc(sizeof *nb + block);
	nb->size = block;
	nb->used = n;
	nb->next = a;
	*ap = nb;
	return nb->data;
}

/* Free a chain of blocks. */
static void
transcript_arena_free(struct transcript_arena *a)
{
	struct transcript_arena	*next;

	for (; a != NULL; a = next) {
		next = a->next;
		free(a);
	}
}

void
transcript_free(struct transcript *tr)
{
	size_t			 i;
	struct tline		*tl;

	for (i = 0; i < tr->n; i++) {
		tl = &tr->lines[i];
		if (tl->flags & TL_SECRET) {
			wipe(tl->raw, tl->len);
			free_secret(tl->annot);
		} else
			free(tl->annot);
	}
	free(tr->lines);
	transcript_arena_free(tr->arena);
	transcript_arena_free(tr->tail);
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
	if ((tl->flags & TL_PRIVATE) && !(opts & TW_SECRETS))
		buf_addstr(out, TRANSCRIPT_PRIVATE);
	else if ((tl->flags & TL_SECRET) && !(opts & TW_SECRETS)) {
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

/*
 * Append a line to the log, flushed; past the cap, write one line saying
 * the log stops there and nothing more.
 */
static void
transcript_log_line(struct transcript *tr, const struct tline *tl)
{
	struct buf	b;

	if (tr->log == NULL || tr->log_full)
		return;
	buf_init(&b);
	transcript_format(&b, tr, tl, tr->log_opts);
	buf_addch(&b, '\n');
	if (tr->log_bytes + b.len > tr->log_max) {
		tr->log_full = 1;
		buf_reset(&b);
		buf_printf(&b, "# the log stops here: it reached its cap of "
		    "%llu octets (--log-max); the session went on\n",
		    tr->log_max);
	}
	if (fwrite(b.data, 1, b.len, tr->log) == b.len)
		fflush(tr->log);
	tr->log_bytes += b.len;
	buf_free(&b);
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

/* Octets of text a line holds, as the budget counts them. */
static size_t
tline_cost(const struct tline *tl)
{
	return tl->len + (tl->annot != NULL ? strlen(tl->annot) : 0);
}

/* Forget a line that is folded into the gap; secrets are wiped. */
static void
tline_drop(struct transcript *tr, struct tline *tl)
{
	size_t	c = tline_cost(tl);

	tr->bytes -= c;
	tr->dropped_bytes += c;
	tr->dropped_lines++;
	if (tl->flags & TL_SECRET) {
		wipe(tl->raw, tl->len);
		free_secret(tl->annot);
	} else
		free(tl->annot);
	tl->annot = NULL;
}

/* Copy a line's raw text into the blocks at *ap. */
static void
tline_move(struct tline *tl, struct transcript_arena **ap, size_t block)
{
	char	*p;

	p = transcript_alloc(ap, (size_t)tl->len + 1, block);
	memcpy(p, tl->raw, (size_t)tl->len + 1);
	if (tl->flags & TL_SECRET)
		wipe(tl->raw, tl->len);
	tl->raw = p;
}

/* A budget in words: "64 MiB", "4 KiB" or "5000 octets". */
static void
transcript_size(char *out, size_t outlen, unsigned long long n)
{
	if (n >= (1ULL << 20) && n % (1ULL << 20) == 0)
		snprintf(out, outlen, "%llu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, outlen, "%llu KiB", n >> 10);
	else
		snprintf(out, outlen, "%llu octets", n);
}

/* Write what the gap line says; its room was taken when it was made. */
static void
transcript_gap_text(struct transcript *tr)
{
	struct tline	*g = &tr->lines[tr->gap];
	char		 size[32];
	int		 n;

	tr->bytes -= g->len;
	transcript_size(size, sizeof size, tr->max_bytes);
	n = snprintf(g->raw, GAP_CAP, "%llu lines (%llu octets) dropped here "
	    "to keep the transcript within its budget of %zu lines and %s "
	    "(--max-transcript)", tr->dropped_lines, tr->dropped_bytes,
	    tr->max_lines, size);
	if (n < 0)
		n = 0;
	if (n >= GAP_CAP)
		n = GAP_CAP - 1;
	g->len = (uint32_t)n;
	tr->bytes += g->len;
}

/*
 * Over budget: keep the head (up to half the budget, fixed the first
 * time) and the newest lines (up to a quarter), and fold the lines between
 * into the gap line.  Raw texts of the kept tail move to fresh blocks, so
 * the old ones are freed; each line is copied a bounded number of times
 * on average.  Returns 1 when this was the first fold.
 */
static int
transcript_trim(struct transcript *tr)
{
	struct transcript_arena	*head = NULL, *old;
	size_t			 h, first, k, tb, i, c, fold, count;
	double			 when;
	int			 firsttime = !tr->trimmed;

	if (firsttime) {
		c = 0;
		for (h = 0; h < tr->n && h < tr->max_lines / 2; h++) {
			if (c + tline_cost(&tr->lines[h]) > tr->max_bytes / 2)
				break;
			c += tline_cost(&tr->lines[h]);
		}
		first = h;
	} else
		first = tr->gap + 1;
	tb = 0;
	for (i = first; i < tr->n; i++)
		tb += tline_cost(&tr->lines[i]);
	k = 0;
	while (first + k < tr->n && (tr->n - first - k > tr->max_lines / 4 ||
	    tb > tr->max_bytes / 4)) {
		tb -= tline_cost(&tr->lines[first + k]);
		k++;
	}
	if (k == 0)
		return 0;	/* only the incoming line is too big */
	when = tr->lines[first].t;
	for (i = first; i < first + k; i++)
		tline_drop(tr, &tr->lines[i]);
	if (firsttime) {
		/* The head moves to blocks of its own, with the gap line. */
		for (i = 0; i < first; i++)
			tline_move(&tr->lines[i], &head,
			    arena_block(tr));
		old = tr->arena;
		tr->arena = head;
		memmove(&tr->lines[first + 1], &tr->lines[first + k],
		    (tr->n - first - k) * sizeof *tr->lines);
		tr->n = tr->n - k + 1;
		memset(&tr->lines[first], 0, sizeof *tr->lines);
		tr->lines[first].t = when;
		tr->lines[first].dir = TDIR_INFO;
		tr->lines[first].flags = TL_GAP;
		tr->lines[first].raw = transcript_alloc(&tr->arena, GAP_CAP,
		    arena_block(tr));
		tr->lines[first].raw[0] = '\0';
		tr->gap = first;
		tr->trimmed = 1;
		fold = first;
		count = k;
	} else {
		old = tr->tail;
		memmove(&tr->lines[first], &tr->lines[first + k],
		    (tr->n - first - k) * sizeof *tr->lines);
		tr->n -= k;
		fold = tr->gap;
		count = k + 1;
	}
	tr->tail = NULL;
	for (i = tr->gap + 1; i < tr->n; i++)
		tline_move(&tr->lines[i], &tr->tail, arena_block(tr));
	transcript_arena_free(old);
	transcript_gap_text(tr);
	if (tr->on_drop != NULL)
		tr->on_drop(tr->arg, fold, count);
	return firsttime;
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
	char		 sep, enh[16];
	size_t		 off, cost;
	int		 announce = 0;

	if (len > UINT32_MAX - 1)
		len = UINT32_MAX - 1;
	cost = len + (annot != NULL ? strlen(annot) : 0);
	if (tr->n + 1 > tr->max_lines || tr->bytes + cost > tr->max_bytes)
		announce = transcript_trim(tr);
	if (tr->n == tr->cap) {
		tr->cap = tr->cap == 0 ? 64 : tr->cap * 2;
		tr->lines = xreallocarray(tr->lines, tr->cap, sizeof *tl);
	}
	tl = &tr->lines[tr->n];
	memset(tl, 0, sizeof *tl);
	tl->t = transcript_now() - tr->start;
	tl->raw = transcript_alloc(tr->trimmed ? &tr->tail : &tr->arena,
	    len + 1, arena_block(tr));
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
	tr->bytes += cost;

	transcript_log_line(tr, tl);
	if (tr->on_add != NULL)
		tr->on_add(tr->arg, tr->n - 1);
	if (announce) {
		char	size[32];

		transcript_size(size, sizeof size, tr->max_bytes);
		transcript_note(tr, TDIR_INFO, "the transcript passed its "
		    "budget of %zu lines or %s (--max-transcript): from here "
		    "on only the first part and the latest lines stay in "
		    "memory, with a note at line %zu of what was dropped%s",
		    tr->max_lines, size, tr->gap + 1,
		    tr->log != NULL && !tr->log_full ? "; the log file "
		    "keeps every line" : "");
		tl = &tr->lines[tr->n - 2];
	}
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
	tr->log_bytes = 0;
	tr->log_full = 0;
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
