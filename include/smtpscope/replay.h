/*
 * replay: read a saved SMTP session back into a struct transcript, so it
 * can be stepped through offline with the same explanations as a live
 * session.  The reader rebuilds what the live session would have recorded:
 * multi-line reply grouping (TL_CONT, TL_REPLY_END), the verb each reply
 * answers (a FIFO of commands, as with pipelining), decoded 334
 * challenges, AUTH answers (TL_ANSWER, decoded, secrets masked), message
 * content between 354 and a lone "." (TL_DATA), and, for files that do not
 * already carry them, protocol warnings from lint (TDIR_WARN lines).
 *
 * Formats, detected from the text (see replay_detect):
 *   native   smtpscope's own: "S: ", "C: ", "# TLS: ", "# warning: ",
 *            "# " lines, each optionally prefixed by "[+0.012s] ".
 *   guide    the "S: " / "C: " form of guides and RFCs (prose lines in
 *            between become notes).
 *   arrows   "<<< " / ">>> " or "< " / "> " (curl -v style, "* " lines are
 *            notes); the side whose lines carry reply codes is the server.
 *   swaks    swaks output: " -> " / " ~> " client, "<-  " / "<~  " server,
 *            "<** " / "<~* " server errors, "=== " notes, "*** " errors.
 *   telnet   a bare paste: a line starting with a 3-digit code followed by
 *            space, '-' or the end is the server's, everything else the
 *            client's (after 354, every line up to a lone "." is content);
 *            "Trying ...", "Connected to ...", "Escape character ..." and
 *            the like are notes.
 *
 * Detection: ANSI colour sequences, trailing CRs, blank lines and Markdown
 * fences are ignored; each remaining line is counted for every format
 * whose marker it carries; the format with the most lines wins (ties in
 * the order S:/C:, swaks, arrows), and a bare paste is chosen when no
 * line has a marker but some line starts with a reply code.  S:/C: lines
 * with "# " notes or "[+N.NNNs] " times and no other kind of line are
 * smtpscope's own (native); any other S:/C: file is a guide.
 *
 * Native files already hold the warnings the live session computed, so
 * none are added; script output's "  (annotation)" suffixes are taken off
 * when they match what the line decodes to.  For the other formats lint
 * runs as in a live session (commands still waiting for their reply count
 * as accepted, so pipelined MAIL, RCPT, DATA are not flagged).  A masked
 * client line (********) is a secret: AUTH with credentials in command
 * mode, a password answer after a 334.  Answers to a password prompt and
 * PLAIN credentials are flagged TL_SECRET even when the file shows them.
 *
 * Guides leave things out.  In the foreign formats a reply that nothing
 * shown asks for is paired with the command it must answer (from its
 * code, enhanced code and the phase) and a note "the transcript omits
 * ..." says so; likewise an AUTH answer or a 334 that is missing, the
 * message content, the greeting, the first line of an EHLO reply.  Shell
 * prompts are notes (secrets on a pasted command line masked); openssl
 * s_client's preamble and curl -v's meter and records are dropped, and
 * what they say about TLS is kept.  AUTH answers are secret by their
 * position in the mechanism (LOGIN's second, PLAIN's, XOAUTH2 and
 * OAUTHBEARER tokens, all answers of an AUTH left out), whatever the
 * challenge says.
 *
 * Known limits: the text format holds sanitised text, so escapes such as
 * \r or \x00 in a saved line come back as those characters, not the bytes;
 * a secret saved as ******** stays masked.
 */
#ifndef SMTPSCOPE_REPLAY_H
#define SMTPSCOPE_REPLAY_H

#include <stddef.h>

struct transcript;

enum replay_format {
	REPLAY_NONE,	/* nothing recognisable */
	REPLAY_NATIVE,
	REPLAY_GUIDE,
	REPLAY_SWAKS,
	REPLAY_ARROWS,
	REPLAY_TELNET
};

/* The longest input line accepted (a saved 8192-octet line, escaped). */
#define REPLAY_MAX_LINE		40000
/* The largest file accepted. */
#define REPLAY_MAX_FILE		(64UL * 1024 * 1024)

struct replay_info {
	enum replay_format	 format;
	int			 timed;		/* lines carry recorded times */
	size_t			 input_lines;	/* lines in the input */
	size_t			 warnings;	/* TDIR_WARN lines we added */
};

/* "smtpscope", "S:/C: guide", "swaks", "arrows", "telnet paste", "none". */
const char	*replay_format_name(enum replay_format);
/* The format replay_load would use for data[0..len). */
enum replay_format replay_detect(const char *, size_t);
/*
 * Append the session in file path to t (normally empty and fresh from
 * transcript_init).  Returns 0, or -1 with a message naming the file and
 * line in err; on failure t is left unchanged.
 */
int	 replay_load(struct transcript *, const char *, char *, size_t);
/* The same with what was found stored in info (may be NULL). */
int	 replay_load_info(struct transcript *, const char *,
	    struct replay_info *, char *, size_t);
/* The same from data[0..len) in memory (messages say "line N"). */
int	 replay_load_mem(struct transcript *, const char *, size_t,
	    struct replay_info *, char *, size_t);
/*
 * Seconds to wait before showing line i when playing at recorded speed:
 * its time minus the previous line's, 0 for the first line, untimed
 * input or time going backwards.
 */
double	 replay_delay(const struct transcript *, size_t);
/*
 * Guess the server's name from a transcript: a "connecting to HOST" or
 * "Connected to HOST" note, else the domain in the 220 greeting.  Writes
 * it (sanitised) to out and returns 0, or returns -1 with out "".
 */
int	 replay_host(const struct transcript *, char *, size_t);

#endif
