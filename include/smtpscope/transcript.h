/*
 * transcript: the record of a session, one struct tline per line that
 * crossed the wire (or note we made), in order.  Lines keep their raw bytes;
 * display code sanitises at render time.  The store owns every string in
 * it.  Optionally each line is appended to a log file as it is added, and
 * flushed, so a crash loses nothing already recorded.
 *
 * Memory has a budget no server can break: past max_lines lines or
 * max_bytes octets of text the store keeps the first part of the session
 * and the latest part, and folds what lay between into one note line (its
 * index stays put; later indices move down, and on_drop says so).  The log
 * file keeps everything up to its own cap, log_max octets, and then one
 * line saying it stops there.
 *
 * Text file format (one line per record, as a person would write it):
 *   S: 250-mx.example          a server line
 *   C: EHLO me                 a client line (secrets as ********)
 *   # TLS: ...                 a TLS event
 *   # ...                      a local note
 *   # warning: ...             a protocol warning
 * with an optional "[+0.012s] " prefix when timing is written.
 */
#ifndef SMTPSCOPE_TRANSCRIPT_H
#define SMTPSCOPE_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "smtpscope/reply.h"

struct buf;
struct transcript_arena;

enum tdir {
	TDIR_S,		/* from the server */
	TDIR_C,		/* from the client (us) */
	TDIR_TLS,	/* TLS event */
	TDIR_INFO,	/* local note */
	TDIR_WARN	/* protocol warning */
};

/* Flags: LINE_* and REPLY_* from reply.h, plus these. */
#define TL_SECRET	0x001000	/* raw is a secret: shown masked */
#define TL_STUFFED	0x002000	/* a dot was added (data line) */
#define TL_DATA		0x004000	/* message content line */
#define TL_ANSWER	0x008000	/* AUTH answer, base64 of annot */
#define TL_REPLY_END	0x010000	/* last line of a server reply */
#define TL_CONT		0x020000	/* not the first line of its reply */
#define TL_DECODED	0x040000	/* annot is decoded base64 */
#define TL_GAP		0x080000	/* stands for dropped lines */
#define TL_ADDED	0x100000	/* added by the replay reader, not read */
#define TL_PRIVATE	0x200000	/* on screen only: files get a stand-in */
/* What files show for a TL_PRIVATE line (unless secrets are shown). */
#define TRANSCRIPT_PRIVATE	"(a :b64 or :unb64 result: shown on screen, " \
	"kept out of files)"

/* The budget's defaults: a real session fits many times over. */
#define TRANSCRIPT_MAX_LINES	200000
#define TRANSCRIPT_MAX_BYTES	(64ULL * 1024 * 1024)
#define TRANSCRIPT_LOG_MAX	(1024ULL * 1024 * 1024)
/* The smallest budget accepted (a smaller one is raised to it). */
#define TRANSCRIPT_MIN_LINES	16
#define TRANSCRIPT_MIN_BYTES	4096

struct tline {
	double		 t;	 /* seconds since the transcript began */
	char		*raw;	 /* bytes as on the wire, no CRLF; NUL-ended */
	char		*annot;	 /* decoded/masked form, or NULL */
	uint32_t	 len;	 /* octets in raw */
	uint32_t	 flags;	 /* LINE_*, REPLY_*, TL_* */
	int16_t		 code;	 /* reply code for S lines, else 0 */
	uint8_t		 dir;	 /* enum tdir */
	uint8_t		 verb;	 /* enum verb: of a C line, or the one an S answers */
	char		 enh[12];/* enhanced code of an S line, or "" */
};

typedef void (*transcript_cb)(void *arg, size_t index);
/*
 * Lines [first, first + count) were folded into the one note line now at
 * index first (TL_GAP); every later line moved down by count - 1.
 */
typedef void (*transcript_drop_cb)(void *arg, size_t first, size_t count);

struct transcript {
	struct tline	*lines;
	size_t		 n;
	size_t		 cap;
	double		 start;	 /* monotonic clock at creation */
	FILE		*log;
	unsigned int	 log_opts;
	transcript_cb	 on_add;
	transcript_drop_cb on_drop;	/* with arg too; or NULL */
	void		*arg;
	struct transcript_arena *arena;	/* raw texts (once trimmed: head) */
	struct transcript_arena *tail;	/* raw texts after the gap */

	/* The budget, and what it cost so far. */
	size_t		 max_lines;
	size_t		 max_bytes;
	size_t		 bytes;		/* octets of text kept */
	size_t		 gap;		/* index of the TL_GAP line */
	int		 trimmed;
	unsigned long long dropped_lines;
	unsigned long long dropped_bytes;

	/* The log's cap. */
	unsigned long long log_max;	/* octets; 0: the default */
	unsigned long long log_bytes;	/* octets written so far */
	int		 log_full;	/* the cap was reached */
};

/* Options for writing text. */
#define TW_TIMING	0x01	/* "[+0.012s] " prefix */
#define TW_SECRETS	0x02	/* write secrets instead of ******** */
#define TW_COLOR	0x04	/* ANSI colours (script mode on a terminal) */
#define TW_ANNOT	0x08	/* append "  (annotation)" to non-secret lines */

/* An empty store with the default budget. */
void	 transcript_init(struct transcript *);
void	 transcript_free(struct transcript *);
/*
 * Set the budget: lines and octets of text kept in memory (0: leave as
 * is; values below the minimum are raised to it).  Takes effect with the
 * next line added.
 */
void	 transcript_set_budget(struct transcript *, size_t, size_t);
/* Cap the log file at this many octets written (0: the default). */
void	 transcript_set_log_max(struct transcript *, unsigned long long);
/*
 * Append a line: raw[0..len) is copied; annot (may be NULL) is copied.
 * For TDIR_S the code and enhanced code are parsed from raw.  When the
 * budget would be passed, the middle is folded first (on_drop).  Writes
 * the log line and calls on_add.  Returns the new line, valid until the
 * next line is added.
 */
struct tline *transcript_add(struct transcript *, enum tdir, const char *,
	    size_t, uint32_t, const char *);
/* The same, with the verb given (for S lines: the command answered). */
struct tline *transcript_add_verb(struct transcript *, enum tdir,
	    const char *, size_t, uint32_t, const char *, int);
/* Append a formatted note of the given direction (TLS, INFO or WARN). */
struct tline *transcript_note(struct transcript *, enum tdir, const char *,
	    ...) __attribute__((format(printf, 3, 4)));
/*
 * Format one line as the text file has it (no newline), appending to out.
 * The text is the raw bytes, sanitised.  TL_SECRET lines read ********
 * unless TW_SECRETS; AUTH answers (TL_ANSWER) show their base64 only;
 * other annotations appear only with TW_ANNOT.
 */
void	 transcript_format(struct buf *, const struct transcript *,
	    const struct tline *, unsigned int);
/* Start appending every new line to path; 0, or -1 with err filled. */
int	 transcript_open_log(struct transcript *, const char *, unsigned int,
	    char *, size_t);
/* Write all lines to path (replacing it); 0, or -1 with err filled. */
int	 transcript_save(const struct transcript *, const char *,
	    unsigned int, char *, size_t);
/* What a secret line shows instead of its bytes ("AUTH PLAIN ********"). */
const char *transcript_masked(const struct tline *);
/* Open a file for a transcript, mode 0600 when created; NULL + errno. */
FILE	*transcript_fopen(const char *, int);
/* Why transcript_fopen failed, in words (a symbolic link, ...). */
const char	*transcript_open_error(int);
/* Monotonic seconds, as used for tline.t. */
double	 transcript_now(void);

#endif
