/*
 * json: the transcript as JSON Lines (--json): one object per line that
 * enters the transcript, and a summary at the end.  Every object is valid
 * JSON whatever the server sent: control bytes are escaped, and octets
 * that are not UTF-8 become U+FFFD in "text" with the exact bytes beside
 * it in base64 ("raw_b64").  Secrets are masked as in the text output.
 */
#ifndef SMTPSCOPE_JSON_H
#define SMTPSCOPE_JSON_H

#include <stddef.h>

struct buf;
struct transcript;

/* Options for json_line(). */
#define JSON_SECRETS	0x01	/* write secrets instead of ******** */

/*
 * Append s[0..len) to out as a quoted JSON string.  Every C0 and C1
 * control, DEL, '"', '\\', U+2028 and U+2029 is escaped; an octet that
 * starts no valid UTF-8 sequence becomes \ufffd.  Returns 1 when such an
 * octet was replaced, else 0.
 */
int	 json_string(struct buf *, const char *, size_t);
/*
 * Append transcript line i as one JSON object (no newline) to out.
 * wall_start is the wall-clock time (seconds since the epoch) at which
 * the transcript began, for the "time" field.
 */
void	 json_line(struct buf *, const struct transcript *, size_t,
	    unsigned int, double);
/* Append the closing summary object: exit status and why. */
void	 json_summary(struct buf *, int, const char *);
/* A name for a script exit status ("ok", "expect-failed", ...). */
const char *json_status_name(int);

#endif
