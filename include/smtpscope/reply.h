/*
 * reply: line assembly and the SMTP reply parser.
 *
 * struct lineasm cuts a byte stream into lines.  It accepts CRLF and (as a
 * flagged fault) bare LF, keeps NUL bytes (flagged), and keeps at most
 * LINE_CAP bytes of an over-long line (flagged truncated) while still
 * finding its end.  Bytes may arrive split anywhere across calls.
 *
 * struct reply_parser groups lines into replies (RFC 5321 4.2: "NNN-text"
 * continues, "NNN text" or a bare "NNN" ends).  Malformed lines never
 * crash it; they are flagged and a best effort reply is still produced.
 */
#ifndef SMTPSCOPE_REPLY_H
#define SMTPSCOPE_REPLY_H

#include <stddef.h>

#include "smtpscope/buf.h"

/* RFC 5321 4.5.3.1.6: a text line is at most 1000 octets with CRLF. */
#define LINE_MAX_OCTETS	998
/* How much of a longer line we keep. */
#define LINE_CAP	8192

/* Line flags (also used as transcript flags, see transcript.h). */
#define LINE_BARE_LF	0x0001	/* ended by LF without CR */
#define LINE_NUL	0x0002	/* held NUL bytes */
#define LINE_TOO_LONG	0x0004	/* longer than 998 octets */
#define LINE_TRUNCATED	0x0008	/* bytes past LINE_CAP were dropped */
#define LINE_BARE_CR	0x0010	/* a CR not followed by LF inside */
#define LINE_PARTIAL	0x0020	/* stream ended before the line did */
#define LINE_FAULTS	0x003f

/* Reply flags, on top of the line flags of its lines. */
#define REPLY_BAD_CODE	0x0100	/* line does not start with 3 digits */
#define REPLY_NO_SEP	0x0200	/* 4th octet neither ' ' nor '-' */
#define REPLY_MISMATCH	0x0400	/* code differs from the first line's */
#define REPLY_FAULTS	0x0700

typedef void (*line_cb)(void *arg, const char *line, size_t len,
    unsigned int flags);

struct lineasm {
	struct buf	 cur;
	unsigned int	 flags;
	size_t		 total;	/* octets of the current line seen */
	int		 cr;	/* last byte fed was a CR */
};

void	 lineasm_init(struct lineasm *);
void	 lineasm_free(struct lineasm *);
/* Feed bytes; cb gets each complete line, without its terminator. */
void	 lineasm_feed(struct lineasm *, const char *, size_t, line_cb,
	    void *);
/* At end of stream: hand over a started line flagged LINE_PARTIAL. */
void	 lineasm_finish(struct lineasm *, line_cb, void *);
/*
 * Move up to max octets of the line still being assembled (no line end
 * seen yet) to out and forget them; returns how many.  For byte-counted
 * data (BDAT) that need not end at a line end.
 */
size_t	 lineasm_take(struct lineasm *, struct buf *, size_t);
/* Drop anything buffered (after STARTTLS: never trust plaintext leftovers). */
size_t	 lineasm_discard(struct lineasm *);

struct reply_line {
	char		*text;	/* the whole line as received, NUL-terminated */
	size_t		 len;
	unsigned int	 flags;	/* LINE_* and REPLY_* for this line */
};

struct reply {
	int			 code;	  /* 100..599, or 0 when unparsable */
	char			 enh[16]; /* "5.7.8", or "" */
	struct reply_line	*lines;
	size_t			 nlines;
	unsigned int		 flags;	  /* OR of the lines' flags */
};

struct reply_parser {
	struct reply	 cur;
	int		 open;	/* a multi-line reply is in progress */
};

void	 reply_parser_init(struct reply_parser *);
void	 reply_parser_free(struct reply_parser *);
/*
 * Feed one line (as from lineasm).  Returns 1 when it completed a reply,
 * which is moved into *out (the caller frees it with reply_free), else 0.
 */
int	 reply_parser_line(struct reply_parser *, const char *, size_t,
	    unsigned int, struct reply *);
void	 reply_free(struct reply *);
/* Parse one line on its own: its code (or 0), separator and text start. */
int	 reply_line_code(const char *, size_t, char *sep, size_t *textoff);
/*
 * Parse an enhanced status code "c.sss.ddd" (RFC 3463) at the start of
 * text; on success store it in enh (>= 16 bytes) and return the octets it
 * used including one following space, else 0.
 */
size_t	 reply_parse_enhanced(const char *, size_t, char *);
/* 2..5 for a code, 0 otherwise. */
int	 reply_class(int);

#endif
