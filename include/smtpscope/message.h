/*
 * message: build the message a one-shot send carries (RFC 5322 header,
 * MIME when there are attachments or non-ASCII text).  The message is
 * written to a stream with CRLF line ends; attachments are read and base64
 * encoded in small blocks, so a large file never sits in memory.
 */
#ifndef SMTPSCOPE_MESSAGE_H
#define SMTPSCOPE_MESSAGE_H

#include <stddef.h>
#include <stdio.h>

struct buf;

struct msg_spec {
	const char		*from;		/* envelope sender, or "" */
	const char *const	*to;		/* recipients */
	const char		*from_name;	/* display names, or NULL */
	const char *const	*to_names;
	size_t			 nto;
	const char *const	*headers;	/* "Name: value", checked */
	size_t			 nheaders;
	const char		*body;		/* --body TEXT, or NULL */
	const char		*body_file;	/* --body-file, "-": stdin */
	const char *const	*attach;	/* files to attach */
	size_t			 nattach;
	const char		*hostname;	/* for the Message-ID */
	int			 utf8;		/* --smtputf8: headers raw */
};

struct msg_info {
	unsigned long long	 size;		/* octets written */
	int			 eightbit;	/* a byte >= 0x80 in it */
	int			 utf8_header;	/* raw UTF-8 in the header */
	int			 qp;		/* long lines: body as QP */
};

/*
 * Is addr a mailbox we can put in MAIL FROM or RCPT TO (local@domain, or
 * "" for the null sender when empty_ok)?  Non-ASCII only with utf8.
 * Returns 0, or -1 with the reason in err.
 */
int	 msg_check_addr(const char *, int, int, char *, size_t);
/*
 * One item of --to or --from: "local@domain", "<local@domain>" or
 * "Display Name <local@domain>".  Sets the address and the name (NULL
 * when none; allocated) after msg_check_addr, or returns -1 with err.
 */
int	 msg_parse_mailbox(const char *, int, int, char **, char **, char *,
	    size_t);
/* Where the mailbox at p ends: its ',' (outside quotes and <>) or NUL. */
const char *msg_next_addr(const char *);
/* "Name <addr>" for a header, the name quoted when it needs it. */
void	 msg_add_mailbox(struct buf *, const char *, const char *);
/*
 * Is h a "Name: value" header line we may send: a name of printable
 * ASCII without ':' or blanks, and no CR, LF or NUL anywhere (a CR or LF
 * would start a header, or a message body, of the user's making)?
 */
int	 msg_check_header(const char *, char *, size_t);
/*
 * Append a header line (no CRLF at its end) to b, folded at a blank
 * where a line would pass 78 characters; CRLF folds in it are kept.
 */
void	 msg_fold(struct buf *, const char *, size_t);
/* The MIME type for a file name, by its extension. */
const char *msg_mime_type(const char *);
/*
 * Append an unstructured header value to b, as RFC 2047 encoded words
 * (UTF-8, base64, each at most 75 octets, folded) when it is not ASCII.
 * used is the column the value starts at.
 */
void	 msg_encode_words(struct buf *, const char *, size_t);
/*
 * Append the filename parameter for name: filename="name" when it is
 * ASCII, else RFC 2231 filename*=UTF-8''..., split into numbered sections
 * when long.  Each section is on its own folded line.
 */
void	 msg_filename_param(struct buf *, const char *);
/*
 * Base64 for a MIME body: lines of 76 characters, CRLF after each.
 * Feed any number of octets; finish writes the rest.
 */
struct msg_b64 {
	unsigned char	 in[3];
	size_t		 nin;
	size_t		 col;
};
void	 msg_b64_init(struct msg_b64 *);
void	 msg_b64_feed(struct msg_b64 *, const void *, size_t, struct buf *);
void	 msg_b64_finish(struct msg_b64 *, struct buf *);
/*
 * Write the whole message to out.  Returns 0, or -1 with the reason in
 * err (a file that cannot be read, a write error).
 */
int	 msg_write(const struct msg_spec *, FILE *, struct msg_info *, char *,
	    size_t);

#endif
