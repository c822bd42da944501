/* data.c: message content on the wire: CRLF, dot-stuffing, a test message. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/data.h"
#include "smtpscope/xmalloc.h"

/* RFC 5321 4.5.2: a line that starts with a dot gets one more in front. */
int
data_stuff_line(struct buf *out, const char *line, size_t len)
{
	int	stuffed = 0;

	if (len > 0 && line[0] == '.') {
		buf_addch(out, '.');
		stuffed = 1;
	}
	buf_add(out, line, len);
	buf_add(out, "\r\n", 2);
	return stuffed;
}

/* RFC 5321 4.5.2: a dot followed by more characters loses the dot. */
int
data_unstuff_line(const char **line, size_t *len)
{
	if (*len >= 2 && (*line)[0] == '.') {
		(*line)++;
		(*len)--;
		return 1;
	}
	return 0;
}

int
data_is_end(const char *line, size_t len)
{
	return len == 1 && line[0] == '.';
}

void
data_enc_init(struct data_enc *de)
{
	memset(de, 0, sizeof *de);
	de->bol = 1;
}

static void
data_enc_eol(struct data_enc *de, struct buf *out)
{
	buf_add(out, "\r\n", 2);
	de->total += 2;
	if (de->linelen > de->longest)
		de->longest = de->linelen;
	de->linelen = 0;
	de->bol = 1;
}

/*
 * CRLF, bare LF and bare CR all end a line; a CR is held until the next
 * byte shows which it was, so input may be split anywhere.
 */
void
data_enc_feed(struct data_enc *de, const char *p, size_t len, struct buf *out)
{
	const char	*end = p + len, *q;
	size_t		 n, i;

	while (p < end) {
		if (de->cr) {
			de->cr = 0;
			if (*p == '\n') {
				p++;
				data_enc_eol(de, out);
				continue;
			}
			de->bare_lf++;
			de->bare_cr++;
			data_enc_eol(de, out);
		}
		if (*p == '\r') {
			de->cr = 1;
			p++;
			continue;
		}
		if (*p == '\n') {
			de->bare_lf++;
			data_enc_eol(de, out);
			p++;
			continue;
		}
		if (de->bol && *p == '.') {
			buf_addch(out, '.');
			de->stuffed++;
			de->linelen++;
			de->total++;
		}
		de->bol = 0;
		for (q = p; q < end && *q != '\r' && *q != '\n'; q++)
			;
		n = (size_t)(q - p);
		if (!de->eightbit)
			for (i = 0; i < n; i++)
				if ((unsigned char)p[i] >= 0x80) {
					de->eightbit = 1;
					break;
				}
		buf_add(out, p, n);
		de->linelen += n;
		de->total += n;
		p = q;
	}
}

void
data_enc_finish(struct data_enc *de, struct buf *out)
{
	if (de->cr) {
		de->cr = 0;
		de->bare_lf++;
		de->bare_cr++;
		data_enc_eol(de, out);
	}
	if (!de->bol)
		data_enc_eol(de, out);
	buf_add(out, ".\r\n", 3);
	de->total += 3;
}

/* Copy s into b with CR and LF made spaces (no header injection). */
static void
data_header_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		buf_addch(b, (*s == '\r' || *s == '\n') ? ' ' : *s);
}

/* An address header: bare addresses get angle brackets. */
static void
data_header_addr(struct buf *b, const char *name, const char *addr)
{
	buf_addstr(b, name);
	buf_addstr(b, ": ");
	if (strchr(addr, '<') == NULL) {
		buf_addch(b, '<');
		data_header_text(b, addr);
		buf_addch(b, '>');
	} else
		data_header_text(b, addr);
	buf_addch(b, '\n');
}

/* RFC 5322 3.3: "Tue, 05 Mar 2024 14:03:07 +0100", in English always. */
void
data_date(struct buf *b, time_t now)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm	 tm;
	long		 off;
	char		 sign = '+';

	if (localtime_r(&now, &tm) == NULL) {
		gmtime_r(&now, &tm);
		tm.tm_gmtoff = 0;
	}
	off = tm.tm_gmtoff / 60;
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, sign,
	    off / 60, off % 60);
}

char *
data_compose(const char *from, const char *to, const char *subject,
    const char *hostname)
{
	static unsigned int	 counter;
	struct buf		 b;
	struct timespec		 ts;
	time_t			 now;

	if (from == NULL || *from == '\0')
		from = "smtpscope@localhost";
	if (to == NULL || *to == '\0')
		to = "postmaster@localhost";
	if (subject == NULL)
		subject = "smtpscope test message";
	if (hostname == NULL || *hostname == '\0' ||
	    strpbrk(hostname, "<>@ \t\r\n") != NULL)
		hostname = "localhost";
	clock_gettime(CLOCK_REALTIME, &ts);
	now = ts.tv_sec;

	buf_init(&b);
	data_header_addr(&b, "From", from);
	data_header_addr(&b, "To", to);
	buf_addstr(&b, "Subject: ");
	data_header_text(&b, subject);
	buf_addstr(&b, "\nDate: ");
	data_date(&b, now);
	/* RFC 5322 3.6.4: unique left part, a domain on the right. */
	buf_printf(&b, "\nMessage-ID: <%lld.%09ld.%ld.%u@%s>\n",
	    (long long)ts.tv_sec, (long)ts.tv_nsec, (long)getpid(),
	    counter++, hostname);
	buf_addstr(&b, "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=us-ascii\n\n"
	    "This is a test message sent by hand with smtpscope.\n");
	return buf_take(&b);
}
