/*
 * message.c: the message of a one-shot send.  Defaults (Date, From, To,
 * Subject, Message-ID) that a --header of the same name replaces, RFC 2047
 * words for non-ASCII header text (raw UTF-8 with SMTPUTF8), and with
 * attachments multipart/mixed whose parts are base64, read from the file
 * in blocks.  Everything goes to a stream with CRLF line ends; the session
 * streams it from there (dot-stuffing is the data path's business).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <idn2.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/data.h"
#include "smtpscope/message.h"
#include "smtpscope/xmalloc.h"

/* Octets of UTF-8 per encoded word: 45 make 60 of base64, 72 in all. */
#define MSG_WORD_OCTETS	45
/* A RFC 2231 section holds at most this much of the encoded name. */
#define MSG_SECTION	60
/* Header lines longer than this are folded at a blank (RFC 5322 2.1.1). */
#define MSG_FOLD	78
/* No line of a message may be longer (RFC 5322 2.1.1). */
#define MSG_LINE_MAX	998
/* Attachments are read in blocks of this (a multiple of 3). */
#define MSG_BLOCK	(57 * 1024)

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
msg_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Printable ASCII only: safe inside a quoted-string (a file name). */
static int
msg_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s > '~')
			return 0;
	return 1;
}

int
msg_check_addr(const char *a, int empty_ok, int utf8, char *err,
    size_t errlen)
{
	const char	*at, *p;

	if (*a == '\0') {
		if (empty_ok)
			return 0;
		snprintf(err, errlen, "an empty address");
		return -1;
	}
	/* A quoted local part (RFC 5321 4.1.2): "any text"@domain. */
	if (*a == '"') {
		for (p = a + 1; *p != '\0' && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if ((unsigned char)*p < ' ' || *p == 0x7f ||
			    ((unsigned char)*p >= 0x80 && !utf8))
				break;
		}
		if (*p != '"' || p == a + 1 || p[1] != '@') {
			snprintf(err, errlen, "'%s' is not a mailbox: a quoted "
			    "local part is \"printable text\"@domain", a);
			return -1;
		}
		at = p + 1;
	} else
		at = strchr(a, '@');
	for (p = at != NULL && *a == '"' ? at : a; *p != '\0'; p++) {
		unsigned char	c = (unsigned char)*p;

		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' ||
		    c == ',' || c == '(' || c == ')' || c == '"' ||
		    c == '\\' || c == ';') {
			snprintf(err, errlen, "'%s' is not a mailbox: it holds "
			    "a blank, control or special character "
			    "(local@domain; quote a local part that needs "
			    "them)", a);
			return -1;
		}
	}
	for (p = a; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80 && !utf8) {
			snprintf(err, errlen, "'%s' is not ASCII: such an "
			    "address needs SMTPUTF8 (RFC 6531): add --smtputf8",
			    a);
			return -1;
		}
	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@') !=
	    NULL) {
		snprintf(err, errlen, "'%s' is not a mailbox: it wants "
		    "local@domain", a);
		return -1;
	}
	if (at[1] == '.' || a[strlen(a) - 1] == '.' ||
	    strstr(at, "..") != NULL) {
		snprintf(err, errlen, "'%s' has a bad domain", a);
		return -1;
	}
	if (strlen(a) > 254) {
		snprintf(err, errlen, "'%.40s...' is longer than 254 octets "
		    "(RFC 5321 4.5.3.1)", a);
		return -1;
	}
	return 0;
}

/* Skip a quoted string at p (at its '"'); returns just past it. */
static const char *
msg_skip_quoted(const char *p)
{
	for (p++; *p != '\0' && *p != '"'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p == '"' ? p + 1 : p;
}

const char *
msg_next_addr(const char *p)
{
	int	angle = 0;

	while (*p != '\0') {
		if (*p == '"') {
			p = msg_skip_quoted(p);
			continue;
		}
		if (*p == '<')
			angle = 1;
		else if (*p == '>')
			angle = 0;
		else if (*p == ',' && !angle)
			break;
		p++;
	}
	return p;
}

/*
 * Without SMTPUTF8 a non-ASCII domain goes as its A-label (RFC 5890,
 * IDNA2008 as libidn2 does it); an ASCII local part is needed anyway.
 * Returns 0 with *a replaced (or left), or -1 with err.
 */
static int
msg_idna(char **a, char *err, size_t errlen)
{
	const char	*at = strrchr(*a, '@');
	char		*ace, *out;
	int		 rc;
	size_t		 i;

	if (at == NULL || msg_ascii(at + 1))
		return 0;
	/* A UTF-8 local part needs SMTPUTF8 whatever the domain. */
	for (i = 0; *a + i < at; i++)
		if ((unsigned char)(*a)[i] >= 0x80)
			return 0;
	rc = idn2_to_ascii_8z(at + 1, &ace, IDN2_NFC_INPUT |
	    IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		snprintf(err, errlen, "'%s': the domain is no valid IDN "
		    "(%s)", *a, idn2_strerror(rc));
		return -1;
	}
	out = xprintf("%.*s@%s", (int)(at - *a), *a, ace);
	idn2_free(ace);
	free(*a);
	*a = out;
	return 0;
}

int
msg_parse_mailbox(const char *item, int empty_ok, int utf8, char **addr,
    char **name, char *err, size_t errlen)
{
	const char	*s, *e, *lt = NULL, *p;
	char		*a, *n = NULL;

	*addr = *name = NULL;
	s = item + strspn(item, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	/* "Name <addr>" or "<addr>": the last '<' outside quotes. */
	if (e > s && e[-1] == '>') {
		for (p = s; p < e; p++) {
			if (*p == '"')
				p = msg_skip_quoted(p) - 1;
			else if (*p == '<')
				lt = p;
		}
	}
	if (lt != NULL) {
		a = xstrndup(lt + 1, (size_t)(e - 1 - (lt + 1)));
		for (e = lt; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		if (e > s)
			n = xstrndup(s, (size_t)(e - s));
	} else
		a = xstrndup(s, (size_t)(e - s));
	if (!utf8 && msg_idna(&a, err, errlen) == -1)
		goto fail;
	if (msg_check_addr(a, empty_ok, utf8, err, errlen) == -1)
		goto fail;
	if (n != NULL) {
		for (p = n; *p != '\0'; p++)
			if ((unsigned char)*p < ' ' || *p == 0x7f) {
				snprintf(err, errlen, "the name in '%s' holds a "
				    "control character", item);
				goto fail;
			}
		if (*n == '"' && (msg_skip_quoted(n) != n + strlen(n) ||
		    n[strlen(n) - 1] != '"' || strlen(n) < 2)) {
			snprintf(err, errlen, "the name in '%s' has a stray "
			    "quote", item);
			goto fail;
		}
	}
	*addr = a;
	*name = n;
	return 0;
fail:
	free(a);
	free(n);
	return -1;
}

void
msg_add_mailbox(struct buf *b, const char *addr, const char *name)
{
	const char	*p;

	if (name == NULL || *name == '\0') {
		buf_printf(b, "<%s>", addr);
		return;
	}
	/* A name with specials (RFC 5322 3.2.3) goes as a quoted-string. */
	if (*name == '"' || strpbrk(name, "()<>[]:;@\\,.") == NULL)
		buf_addstr(b, name);
	else {
		buf_addch(b, '"');
		for (p = name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_addch(b, '\\');
			buf_addch(b, *p);
		}
		buf_addch(b, '"');
	}
	buf_printf(b, " <%s>", addr);
}

int
msg_check_header(const char *h, char *err, size_t errlen)
{
	const char	*colon = strchr(h, ':'), *p;
	size_t		 n;

	if (strpbrk(h, "\r\n") != NULL) {
		snprintf(err, errlen, "--header holds a CR or LF: that would "
		    "start a header (or the body) of its own, so it is "
		    "refused");
		return -1;
	}
	/* RFC 5322 2.2: a value is printable text and blanks. */
	for (p = h; *p != '\0'; p++)
		if ((*p > 0 && *p < ' ' && *p != '\t') || *p == 0x7f) {
			snprintf(err, errlen, "--header holds a control "
			    "character (0x%02x): a header is printable text "
			    "(RFC 5322 2.2)", (unsigned char)*p);
			return -1;
		}
	if (colon == NULL || colon == h) {
		snprintf(err, errlen, "--header '%s' wants 'Name: value'", h);
		return -1;
	}
	for (p = h; p < colon; p++)
		if (*p <= ' ' || *p >= 0x7f) {
			snprintf(err, errlen, "--header '%s': a header name is "
			    "printable ASCII without blanks (RFC 5322 2.2)",
			    h);
			return -1;
		}
	if (colon - h > 76) {
		snprintf(err, errlen, "--header: the name is too long");
		return -1;
	}
	/* A word too long for a line: no blank to fold the header at. */
	for (p = h; *p != '\0'; p += n) {
		size_t	n0 = strspn(p, " \t");

		n = n0 + strcspn(p + n0, " \t");
		if (n - n0 + (p == h ? 1 : 0) > MSG_LINE_MAX - 1) {
			snprintf(err, errlen, "--header %.*s: a word of it is "
			    "longer than a line may be (998 octets, RFC 5322 "
			    "2.1.1), with no blank to fold it at",
			    (int)(colon - h), h);
			return -1;
		}
	}
	return 0;
}

static const struct {
	const char	*ext;
	const char	*type;
} msg_types[] = {
	{ "txt", "text/plain" }, { "text", "text/plain" },
	{ "log", "text/plain" }, { "csv", "text/csv" },
	{ "htm", "text/html" }, { "html", "text/html" },
	{ "ics", "text/calendar" }, { "css", "text/css" },
	{ "md", "text/markdown" }, { "xml", "application/xml" },
	{ "json", "application/json" }, { "pdf", "application/pdf" },
	{ "zip", "application/zip" }, { "gz", "application/gzip" },
	{ "tar", "application/x-tar" }, { "png", "image/png" },
	{ "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
	{ "gif", "image/gif" }, { "svg", "image/svg+xml" },
	{ "webp", "image/webp" }, { "mp3", "audio/mpeg" },
	{ "wav", "audio/wav" }, { "mp4", "video/mp4" },
	{ "doc", "application/msword" }, { "odt",
	  "application/vnd.oasis.opendocument.text" },
	{ "docx", "application/vnd.openxmlformats-officedocument."
	  "wordprocessingml.document" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument."
	  "spreadsheetml.sheet" },
	{ "asc", "application/pgp-signature" },
	{ "p7s", "application/pkcs7-signature" },
	{ NULL, NULL }
};

const char *
msg_mime_type(const char *name)
{
	const char	*dot = strrchr(name, '.'), *slash = strrchr(name, '/');
	size_t		 i;

	if (dot != NULL && (slash == NULL || dot > slash) && dot[1] != '\0')
		for (i = 0; msg_types[i].ext != NULL; i++)
			if (strcasecmp(dot + 1, msg_types[i].ext) == 0)
				return msg_types[i].type;
	return "application/octet-stream";
}

void
msg_b64_init(struct msg_b64 *e)
{
	memset(e, 0, sizeof *e);
}

static void
msg_b64_quad(struct msg_b64 *e, const unsigned char *in, size_t n,
    struct buf *out)
{
	char	q[4];

	q[0] = b64chars[in[0] >> 2];
	q[1] = b64chars[((in[0] & 3) << 4) | (n > 1 ? in[1] >> 4 : 0)];
	q[2] = n > 1 ? b64chars[((in[1] & 15) << 2) |
	    (n > 2 ? in[2] >> 6 : 0)] : '=';
	q[3] = n > 2 ? b64chars[in[2] & 63] : '=';
	buf_add(out, q, 4);
	/* RFC 2045 6.8: lines of at most 76 characters. */
	if ((e->col += 4) >= 76) {
		buf_add(out, "\r\n", 2);
		e->col = 0;
	}
}

void
msg_b64_feed(struct msg_b64 *e, const void *data, size_t len,
    struct buf *out)
{
	const unsigned char	*p = data;

	while (len > 0) {
		e->in[e->nin++] = *p++;
		len--;
		if (e->nin == 3) {
			msg_b64_quad(e, e->in, 3, out);
			e->nin = 0;
		}
	}
}

void
msg_b64_finish(struct msg_b64 *e, struct buf *out)
{
	if (e->nin > 0)
		msg_b64_quad(e, e->in, e->nin, out);
	e->nin = 0;
	if (e->col > 0)
		buf_add(out, "\r\n", 2);
	e->col = 0;
}

/* How many octets of s (at most max) end on a UTF-8 character boundary. */
static size_t
msg_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t	n;

	if (len <= max)
		return len;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n > 0 ? n : max;
}

/* Encoded words for len octets of s (RFC 2047 2, 5), folded between. */
static void
msg_words(struct buf *b, const char *s, size_t len)
{
	char	*enc;
	size_t	 n;
	int	 first = 1;

	while (len > 0) {
		n = msg_utf8_cut(s, len, MSG_WORD_OCTETS);
		enc = b64_encode(s, n);
		if (!first)
			buf_addstr(b, "\r\n ");
		buf_addstr(b, "=?UTF-8?B?");
		buf_addstr(b, enc);
		buf_addstr(b, "?=");
		free(enc);
		first = 0;
		s += n;
		len -= n;
	}
}

void
msg_encode_words(struct buf *b, const char *value, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)value[i] >= 0x80)
			break;
	if (i == len) {
		buf_add(b, value, len);
		return;
	}
	msg_words(b, value, len);
}

/*
 * An address header: each comma-separated "Name <addr>" with a non-ASCII
 * name gets the name encoded and the address left as it is.
 */
static void
msg_encode_addrs(struct buf *b, const char *v)
{
	const char	*p = v, *end, *lt, *s, *e, *q;
	char		*name, *w;

	while (*p != '\0') {
		/* A comma inside quotes or <> does not end the mailbox. */
		end = msg_next_addr(p);
		for (lt = NULL, q = p; q < end; q++) {
			if (*q == '"')
				q = msg_skip_quoted(q) - 1;
			else if (*q == '<')
				lt = q;
		}
		if (lt == NULL) {
			buf_add(b, p, (size_t)(end - p));
			goto next;
		}
		/* The fold before the name stays as it is. */
		for (s = p; s < lt && strchr(" \t\r\n", *s) != NULL; s++)
			;
		for (e = lt; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		buf_add(b, p, (size_t)(s - p));
		for (q = s; q < e && (unsigned char)*q < 0x80; q++)
			;
		if (q == e)
			buf_add(b, s, (size_t)(e - s));
		else {
			/* An encoded word holds the text, unquoted. */
			name = w = xmalloc((size_t)(e - s) + 1);
			for (q = s; q < e; q++) {
				if (*q == '"')
					continue;
				if (*q == '\\' && q + 1 < e)
					q++;
				*w++ = *q;
			}
			msg_encode_words(b, name, (size_t)(w - name));
			free(name);
		}
		if (e > s)
			buf_addch(b, ' ');
		buf_add(b, lt, (size_t)(end - lt));
next:
		if (*end == '\0')
			break;
		buf_addch(b, ',');
		p = end + 1;
	}
}

void
msg_filename_param(struct buf *b, const char *name)
{
	static const char	 attr[] = "!#$&+-.^_`|~";
	struct buf		 enc;
	const unsigned char	*p;
	size_t			 off, n, k;

	/* A control character (a line end!) would break the header. */
	if (msg_printable(name)) {
		buf_addstr(b, "filename=\"");
		for (p = (const unsigned char *)name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_addch(b, '\\');
			buf_addch(b, (char)*p);
		}
		buf_addch(b, '"');
		return;
	}
	/* RFC 2231 4: charset'language'percent-encoded octets. */
	buf_init(&enc);
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (isalnum(*p) && *p < 0x80)
			buf_addch(&enc, (char)*p);
		else if (*p < 0x80 && strchr(attr, *p) != NULL)
			buf_addch(&enc, (char)*p);
		else
			buf_printf(&enc, "%%%02X", *p);
	}
	if (enc.len + 7 <= MSG_SECTION) {
		buf_addstr(b, "filename*=UTF-8''");
		buf_add(b, enc.data, enc.len);
		buf_free(&enc);
		return;
	}
	/* RFC 2231 3: numbered sections; a %XX is never split. */
	for (off = 0, k = 0; off < enc.len; off += n, k++) {
		n = enc.len - off < MSG_SECTION ? enc.len - off : MSG_SECTION;
		if (off + n < enc.len && n >= 2 && enc.data[off + n - 1] == '%')
			n--;
		else if (off + n < enc.len && n >= 2 &&
		    enc.data[off + n - 2] == '%')
			n -= 2;
		if (k > 0)
			buf_addstr(b, ";\r\n\t");
		buf_printf(b, "filename*%zu*=%s", k, k == 0 ? "UTF-8''" : "");
		buf_add(b, enc.data + off, n);
	}
	buf_free(&enc);
}

struct msg_out {
	FILE		*fp;
	struct buf	 b;
	struct msg_info	*info;
	int		 err;
};

static void
msg_flush(struct msg_out *o, int force)
{
	size_t	i;

	if (o->b.len == 0 || (!force && o->b.len < 64 * 1024))
		return;
	for (i = 0; i < o->b.len; i++)
		if ((unsigned char)o->b.data[i] >= 0x80) {
			o->info->eightbit = 1;
			break;
		}
	if (fwrite(o->b.data, 1, o->b.len, o->fp) != o->b.len)
		o->err = errno != 0 ? errno : EIO;
	o->info->size += o->b.len;
	buf_reset(&o->b);
}

void
msg_fold(struct buf *b, const char *s, size_t len)
{
	size_t	i, start = 0, done = 0, blank = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n') {
			start = i + 1;
			blank = 0;
			continue;
		}
		/*
		 * A blank after a word: a place to fold (RFC 5322 2.2.3),
		 * the last one before the line grows too long.
		 */
		if ((s[i] == ' ' || s[i] == '\t') && i > start &&
		    s[i - 1] != ' ' && s[i - 1] != '\t')
			blank = i;
		if (i - start >= MSG_FOLD && blank > start) {
			buf_add(b, s + done, blank - done);
			buf_add(b, "\r\n", 2);
			done = start = blank;
			blank = 0;
		}
	}
	buf_add(b, s + done, len - done);
}

/* One header, name and value, the value encoded unless utf8. */
static void
msg_header(struct msg_out *o, const char *name, const char *value,
    int utf8)
{
	static const char *const addrhdrs[] = {
		"From", "To", "Cc", "Bcc", "Reply-To", "Sender", NULL
	};
	struct buf	line;
	size_t		i;

	if (utf8 || msg_ascii(value)) {
		if (!msg_ascii(value))
			o->info->utf8_header = 1;
		/* Long lines folded at a blank, as a mail client would. */
		buf_init(&line);
		buf_printf(&line, "%s: %s", name, value);
		msg_fold(&o->b, line.data, line.len);
		buf_add(&o->b, "\r\n", 2);
		buf_free(&line);
		return;
	}
	buf_addstr(&o->b, name);
	buf_addstr(&o->b, ": ");
	for (i = 0; addrhdrs[i] != NULL; i++)
		if (strcasecmp(name, addrhdrs[i]) == 0)
			break;
	if (addrhdrs[i] != NULL)
		msg_encode_addrs(&o->b, value);
	else
		msg_encode_words(&o->b, value, strlen(value));
	buf_add(&o->b, "\r\n", 2);
}

/*
 * Copy the body (text, file or stdin) into tmp with CRLF line ends and a
 * line end at the end; says whether it holds 8-bit octets.
 */
static int
msg_body(const struct msg_spec *ms, FILE *tmp, int *eightbit,
    size_t *longest, char *err, size_t errlen)
{
	static const char	 deftext[] = "This is a test message sent "
	    "with smtpscope.\n";
	FILE			*in = NULL;
	char			 blk[8192], prev = '\n';
	const char		*text = ms->body != NULL ? ms->body : deftext;
	size_t			 n, i, tlen = strlen(text), toff = 0, col = 0;

	if (ms->body_file != NULL) {
		if (strcmp(ms->body_file, "-") == 0)
			in = stdin;
		else if ((in = fopen(ms->body_file, "rb")) == NULL) {
			snprintf(err, errlen, "--body-file: cannot open %s: %s",
			    ms->body_file, strerror(errno));
			return -1;
		}
	}
	for (;;) {
		if (in != NULL)
			n = fread(blk, 1, sizeof blk, in);
		else {
			n = tlen - toff < sizeof blk ? tlen - toff : sizeof blk;
			memcpy(blk, text + toff, n);
			toff += n;
		}
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			char	c = blk[i];

			if ((unsigned char)c >= 0x80)
				*eightbit = 1;
			if (c == '\n' || c == '\r')
				col = 0;
			else if (++col > *longest)
				*longest = col;
			if (c == '\n' && prev != '\r')
				putc('\r', tmp);
			if (prev == '\r' && c != '\n')
				putc('\n', tmp);
			putc(c, tmp);
			prev = c;
		}
	}
	if (in != NULL && ferror(in)) {
		snprintf(err, errlen, "--body-file: reading %s failed",
		    ms->body_file);
		if (in != stdin)
			fclose(in);
		return -1;
	}
	if (in != NULL && in != stdin)
		fclose(in);
	if (prev == '\r')
		putc('\n', tmp);
	else if (prev != '\n')
		fputs("\r\n", tmp);
	return 0;
}

/*
 * Quoted-printable (RFC 2045 6.7) for a body with CRLF line ends: lines
 * of at most 76 with soft breaks, '=' and what is not printable ASCII as
 * =XX, a blank at a line's end too.
 */
struct msg_qp {
	size_t	col;
	int	blank;		/* a blank held until we know what follows */
};

static void
msg_qp_token(struct msg_qp *q, const char *tok, size_t len, struct buf *out)
{
	if (q->col + len > 75) {
		buf_add(out, "=\r\n", 3);
		q->col = 0;
	}
	buf_add(out, tok, len);
	q->col += len;
}

static void
msg_qp_feed(struct msg_qp *q, const char *s, size_t len, struct buf *out)
{
	char		 hex[4];
	unsigned char	 c;
	size_t		 i;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\r')
			continue;	/* always CRLF here: the LF ends it */
		if (q->blank != 0) {
			if (c == '\n')
				snprintf(hex, sizeof hex, "=%02X", q->blank);
			else
				snprintf(hex, sizeof hex, "%c", q->blank);
			msg_qp_token(q, hex, strlen(hex), out);
			q->blank = 0;
		}
		if (c == '\n') {
			buf_add(out, "\r\n", 2);
			q->col = 0;
		} else if (c == ' ' || c == '\t')
			q->blank = c;
		else if (c > ' ' && c <= '~' && c != '=')
			msg_qp_token(q, (const char *)&c, 1, out);
		else {
			snprintf(hex, sizeof hex, "=%02X", c);
			msg_qp_token(q, hex, 3, out);
		}
	}
}

/* Stream an attachment into o as base64 lines. */
static int
msg_attach(struct msg_out *o, const char *path, const char *boundary,
    char *err, size_t errlen)
{
	struct msg_b64	 e;
	FILE		*fp;
	const char	*base = strrchr(path, '/');
	char		*blk;
	size_t		 n;

	base = base != NULL ? base + 1 : path;
	/* "-": standard input, which has no name to give. */
	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "--attach: cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	buf_printf(&o->b, "\r\n--%s\r\nContent-Type: %s", boundary,
	    msg_mime_type(base));
	if (fp == stdin)
		buf_addstr(&o->b, "\r\nContent-Disposition: attachment");
	else if (msg_printable(base)) {
		buf_addstr(&o->b, ";\r\n\tname=\"");
		for (n = 0; base[n] != '\0'; n++) {
			if (base[n] == '"' || base[n] == '\\')
				buf_addch(&o->b, '\\');
			buf_addch(&o->b, base[n]);
		}
		buf_addch(&o->b, '"');
	}
	if (fp != stdin) {
		buf_addstr(&o->b, "\r\nContent-Disposition: attachment;"
		    "\r\n\t");
		msg_filename_param(&o->b, base);
	}
	buf_addstr(&o->b, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	blk = xmalloc(MSG_BLOCK);
	msg_b64_init(&e);
	while ((n = fread(blk, 1, MSG_BLOCK, fp)) > 0) {
		msg_b64_feed(&e, blk, n, &o->b);
		msg_flush(o, 0);
	}
	msg_b64_finish(&e, &o->b);
	free(blk);
	if (ferror(fp)) {
		if (fp != stdin)
			fclose(fp);
		snprintf(err, errlen, "--attach: reading %s failed", path);
		return -1;
	}
	if (fp != stdin)
		fclose(fp);
	return 0;
}

/*
 * The value of the user's --header that names name, or NULL.  A message
 * has one of each of these (RFC 5322 3.6), so the last one given wins, as
 * in swaks, and the others are dropped.
 */
static const char *
msg_user_header(const struct msg_spec *ms, const char *name, int *used)
{
	const char	*v = NULL;
	size_t		 i, len = strlen(name);

	for (i = 0; i < ms->nheaders; i++) {
		if (used[i] || strncasecmp(ms->headers[i], name, len) != 0 ||
		    ms->headers[i][len] != ':')
			continue;
		used[i] = 1;
		v = ms->headers[i] + len + 1 +
		    strspn(ms->headers[i] + len + 1, " \t");
	}
	return v;
}

int
msg_write(const struct msg_spec *ms, FILE *out, struct msg_info *info,
    char *err, size_t errlen)
{
	static unsigned int	 counter;
	struct msg_out		 o;
	struct buf		 v;
	struct timespec		 ts;
	FILE			*body;
	const char		*host = ms->hostname, *uv;
	struct msg_qp		 qp;
	char			 boundary[64], blk[8192], *name;
	int			*used, eightbit = 0, rc = -1, multi, mime, cte;
	size_t			 i, n, longest = 0;

	memset(info, 0, sizeof *info);
	memset(&o, 0, sizeof o);
	o.fp = out;
	o.info = info;
	buf_init(&o.b);
	buf_init(&v);
	multi = ms->nattach > 0;
	used = xcalloc(ms->nheaders + 1, sizeof *used);
	if (host == NULL || *host == '\0' || strpbrk(host, "<>@ \t\r\n"))
		host = "localhost";
	if ((body = tmpfile()) == NULL) {
		snprintf(err, errlen, "cannot make a temporary file: %s",
		    strerror(errno));
		goto out;
	}
	if (msg_body(ms, body, &eightbit, &longest, err, errlen) == -1)
		goto out;
	/*
	 * A line longer than 998 octets is not allowed in a message (RFC
	 * 5322 2.1.1) and servers may break it: such a body goes as
	 * quoted-printable, which keeps every octet, unless the user has
	 * chosen the transfer encoding.
	 */
	cte = 0;
	for (i = 0; i < ms->nheaders; i++)
		if (strncasecmp(ms->headers[i], "Content-Transfer-Encoding:",
		    26) == 0)
			cte = 1;
	memset(&qp, 0, sizeof qp);
	info->qp = longest > MSG_LINE_MAX && !cte;
	mime = multi || eightbit || info->qp;
	if (multi)
		for (i = 0; i < ms->nheaders; i++) {
			n = strcspn(ms->headers[i], ":");
			if ((n == 12 && strncasecmp(ms->headers[i],
			    "Content-Type", n) == 0) || (n == 25 &&
			    strncasecmp(ms->headers[i],
			    "Content-Transfer-Encoding", n) == 0)) {
				snprintf(err, errlen, "--header %.*s does not go "
				    "with --attach: the attachments make the "
				    "message multipart/mixed", (int)n,
				    ms->headers[i]);
				goto out;
			}
		}
	clock_gettime(CLOCK_REALTIME, &ts);

	/* Trace headers go on top, as each hop puts its own (RFC 5322 3.6.7). */
	for (i = 0; i < ms->nheaders; i++) {
		n = strcspn(ms->headers[i], ":");
		if ((n == 8 && strncasecmp(ms->headers[i], "Received",
		    n) == 0) || (n == 11 && strncasecmp(ms->headers[i],
		    "Return-Path", n) == 0)) {
			used[i] = 1;
			name = xstrndup(ms->headers[i], n);
			uv = ms->headers[i] + n + 1;
			msg_header(&o, name, uv + strspn(uv, " \t"), ms->utf8);
			free(name);
		}
	}

	/* The defaults, each replaced by a --header of its name. */
	if ((uv = msg_user_header(ms, "Date", used)) != NULL)
		msg_header(&o, "Date", uv, ms->utf8);
	else {
		buf_reset(&v);
		data_date(&v, ts.tv_sec);
		msg_header(&o, "Date", buf_str(&v), 1);
	}
	if ((uv = msg_user_header(ms, "From", used)) != NULL)
		msg_header(&o, "From", uv, ms->utf8);
	else {
		buf_reset(&v);
		/*
		 * A From header needs a mailbox (RFC 5322 3.6.2), and "<>"
		 * is none: a null-sender message (a bounce) comes from the
		 * host's MAILER-DAEMON.
		 */
		if (*ms->from == '\0') {
			buf_printf(&v, "MAILER-DAEMON@%s", host);
			msg_header(&o, "From", buf_str(&v), 1);
		} else {
			msg_add_mailbox(&v, ms->from, ms->from_name);
			msg_header(&o, "From", buf_str(&v), ms->utf8);
		}
	}
	if ((uv = msg_user_header(ms, "To", used)) != NULL)
		msg_header(&o, "To", uv, ms->utf8);
	else {
		buf_reset(&v);
		for (i = 0; i < ms->nto; i++) {
			if (i > 0)
				buf_addstr(&v, ",\r\n ");
			msg_add_mailbox(&v, ms->to[i], ms->to_names != NULL ?
			    ms->to_names[i] : NULL);
		}
		msg_header(&o, "To", buf_str(&v), ms->utf8);
	}
	if ((uv = msg_user_header(ms, "Subject", used)) != NULL)
		msg_header(&o, "Subject", uv, ms->utf8);
	else
		msg_header(&o, "Subject", "smtpscope test", 1);
	if ((uv = msg_user_header(ms, "Message-ID", used)) != NULL)
		msg_header(&o, "Message-ID", uv, ms->utf8);
	else {
		/* RFC 5322 3.6.4: unique on the left, a domain on the right. */
		buf_reset(&v);
		buf_printf(&v, "<%lld.%09ld.%ld.%u.smtpscope@%s>",
		    (long long)ts.tv_sec, (long)ts.tv_nsec, (long)getpid(),
		    counter++, host);
		msg_header(&o, "Message-ID", buf_str(&v), 1);
	}
	if ((uv = msg_user_header(ms, "X-Mailer", used)) != NULL)
		msg_header(&o, "X-Mailer", uv, ms->utf8);
	else
		msg_header(&o, "X-Mailer", "smtpscope " PACKAGE_VERSION, 1);
	for (i = 0; i < ms->nheaders; i++) {
		if (used[i])
			continue;
		n = strcspn(ms->headers[i], ":");
		/* The MIME headers come below, where they may be replaced. */
		if ((n == 12 && strncasecmp(ms->headers[i], "MIME-Version",
		    n) == 0) || (n == 12 && strncasecmp(ms->headers[i],
		    "Content-Type", n) == 0) || (n == 25 &&
		    strncasecmp(ms->headers[i], "Content-Transfer-Encoding",
		    n) == 0))
			continue;
		used[i] = 1;
		name = xstrndup(ms->headers[i], n);
		uv = ms->headers[i] + n + 1;
		msg_header(&o, name, uv + strspn(uv, " \t"), ms->utf8);
		free(name);
	}
	if (mime || ms->nheaders > 0) {
		if ((uv = msg_user_header(ms, "MIME-Version", used)) != NULL)
			msg_header(&o, "MIME-Version", uv, 1);
		else if (mime)
			msg_header(&o, "MIME-Version", "1.0", 1);
	}
	if (multi) {
		snprintf(boundary, sizeof boundary, "=_smtpscope_%08lx%09ld_%u",
		    (unsigned long)ts.tv_sec, (long)ts.tv_nsec, counter);
		buf_printf(&o.b, "Content-Type: multipart/mixed;\r\n"
		    "\tboundary=\"%s\"\r\n\r\n"
		    "This is a message in MIME format (RFC 2045).\r\n"
		    "\r\n--%s\r\n", boundary, boundary);
	}
	if ((uv = msg_user_header(ms, "Content-Type", used)) != NULL)
		msg_header(&o, "Content-Type", uv, 1);
	else if (mime)
		msg_header(&o, "Content-Type", eightbit ?
		    "text/plain; charset=utf-8" :
		    "text/plain; charset=us-ascii", 1);
	if ((uv = msg_user_header(ms, "Content-Transfer-Encoding", used)) !=
	    NULL)
		msg_header(&o, "Content-Transfer-Encoding", uv, 1);
	else if (mime)
		msg_header(&o, "Content-Transfer-Encoding", info->qp ?
		    "quoted-printable" : eightbit ? "8bit" : "7bit", 1);
	buf_add(&o.b, "\r\n", 2);

	rewind(body);
	while ((n = fread(blk, 1, sizeof blk, body)) > 0) {
		if (info->qp)
			msg_qp_feed(&qp, blk, n, &o.b);
		else
			buf_add(&o.b, blk, n);
		msg_flush(&o, 0);
	}
	for (i = 0; i < ms->nattach; i++) {
		if (msg_attach(&o, ms->attach[i], boundary, err, errlen) == -1)
			goto out;
		msg_flush(&o, 0);
	}
	if (multi)
		buf_printf(&o.b, "\r\n--%s--\r\n", boundary);
	msg_flush(&o, 1);
	if (fflush(out) != 0 && o.err == 0)
		o.err = errno != 0 ? errno : EIO;
	if (o.err != 0) {
		snprintf(err, errlen, "writing the message failed: %s",
		    strerror(o.err));
		goto out;
	}
	rc = 0;
out:
	if (body != NULL)
		fclose(body);
	free(used);
	buf_free(&v);
	buf_free(&o.b);
	return rc;
}
