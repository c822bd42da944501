/* sanitize.c: bytes from the wire to text that is safe to draw. */
#include "config.h"

#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/sanitize.h"

/*
 * Length of the valid UTF-8 sequence at p (RFC 3629 4), or 0 when the
 * bytes there are not one: overlong forms, UTF-16 surrogates, code points
 * past U+10FFFF and truncated sequences are all invalid.
 */
static size_t
utf8_valid(const unsigned char *p, size_t len)
{
	unsigned char	c = p[0];
	size_t		n, i;
	unsigned char	lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else
		return 0;
	if (len < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* As utf8_valid for a multi-octet sequence, C1 controls counted invalid. */
static size_t
sanitize_utf8(const unsigned char *p, size_t len)
{
	if (p[0] < 0x80 || (p[0] == 0xc2 && len > 1 && p[1] <= 0x9f))
		return 0;	/* not a sequence, or a C1 control */
	return utf8_valid(p, len);
}

size_t
utf8_decode(const char *s, size_t len, unsigned int *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, i;
	unsigned int		 c;

	*cp = 0xfffd;
	if (len == 0)
		return 0;
	if ((n = utf8_valid(p, len)) == 0)
		return 1;
	if (n == 1) {
		*cp = p[0];
		return 1;
	}
	c = p[0] & (0xff >> (n + 1));
	for (i = 1; i < n; i++)
		c = (c << 6) | (p[i] & 0x3f);
	*cp = c;
	return n;
}

/* Octets at p that pass through unchanged (printable ASCII or UTF-8). */
static size_t
sanitize_run(const unsigned char *p, size_t len)
{
	size_t	i = 0, n;

	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			continue;
		}
		if (p[i] < 0x80 || (n = sanitize_utf8(p + i, len - i)) == 0)
			break;
		i += n;
	}
	return i;
}

void
sanitize(struct buf *out, const char *raw, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)raw;
	size_t			 i = 0, n;
	char			 esc[4];

	while (i < len) {
		n = sanitize_run(p + i, len - i);
		if (n > 0) {
			buf_add(out, p + i, n);
			i += n;
			continue;
		}
		switch (p[i]) {
		case '\t':
			buf_addch(out, ' ');
			break;
		case '\r':
			buf_add(out, "\\r", 2);
			break;
		case '\n':
			buf_add(out, "\\n", 2);
			break;
		case 0x1b:
			buf_add(out, "\\e", 2);
			break;
		case '\0':
			buf_add(out, "\\0", 2);
			break;
		default:
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[p[i] >> 4];
			esc[3] = hex[p[i] & 0xf];
			buf_add(out, esc, 4);
			break;
		}
		i++;
	}
}

char *
sanitize_dup(const char *raw, size_t len)
{
	struct buf	b;

	buf_init(&b);
	sanitize(&b, raw, len);
	return buf_take(&b);
}

int
sanitize_is_clean(const char *raw, size_t len)
{
	return sanitize_run((const unsigned char *)raw, len) == len;
}
