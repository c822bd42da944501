/*
 * data: message content for DATA (RFC 5321 4.5.2): CRLF line ends and
 * dot-stuffing, streamed so no message is ever held whole.
 */
#ifndef SMTPSCOPE_DATA_H
#define SMTPSCOPE_DATA_H

#include <stddef.h>
#include <time.h>

struct buf;

/*
 * Append the wire form of one message line (no line end given) to out,
 * with CRLF.  Returns 1 if a dot was added in front, else 0.
 */
int	 data_stuff_line(struct buf *, const char *, size_t);
/* Server side: the line without its stuffing dot; returns 1 if removed. */
int	 data_unstuff_line(const char **, size_t *);
/* 1 when the line is the lone "." that ends DATA. */
int	 data_is_end(const char *, size_t);

/* Streaming encoder for a whole file: any line ends in, CRLF out. */
struct data_enc {
	int	 bol;		/* at the beginning of a line */
	int	 cr;		/* previous input byte was CR */
	size_t	 linelen;	/* octets in the current output line */
	size_t	 longest;	/* longest line seen */
	size_t	 stuffed;	/* lines dot-stuffed */
	size_t	 bare_lf;	/* bare line ends (LF or CR) made CRLF */
	size_t	 bare_cr;	/* of those, bare CR (old Mac style) */
	size_t	 total;		/* octets produced */
	int	 eightbit;	/* saw a byte >= 0x80 */
};

void	 data_enc_init(struct data_enc *);
void	 data_enc_feed(struct data_enc *, const char *, size_t, struct buf *);
/* End the content: a CRLF if the last line lacked one, then ".CRLF". */
void	 data_enc_finish(struct data_enc *, struct buf *);

/*
 * A minimal message for :msg: From, To, Subject, Date, Message-ID and a
 * short body, lines ended by LF (the encoder turns them into CRLF).
 */
char	*data_compose(const char *, const char *, const char *, const char *);

/* RFC 5322 3.3 date-time of now, in English, local offset. */
void	 data_date(struct buf *, time_t);

#endif
