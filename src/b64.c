/* b64.c: base64 encoding and decoding through GnuTLS. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/xmalloc.h"

char *
b64_encode(const void *p, size_t len)
{
	gnutls_datum_t	 in, out;
	char		*s;

	if (len == 0)
		return xstrdup("");
	if (len > 0xffffffffU / 2)
		fatal("base64 input too large");
	in.data = (unsigned char *)(uintptr_t)p;
	in.size = (unsigned int)len;
	if (gnutls_base64_encode2(&in, &out) != 0)
		fatal("base64 encoding failed");
	s = xstrndup((const char *)out.data, out.size);
	/* The input may be a password: leave no copy of its encoding. */
	wipe(out.data, out.size);
	gnutls_free(out.data);
	return s;
}

static int
b64_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static int
b64_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * RFC 4648 4: groups of four alphabet characters, the last one padded
 * with one or two '='.  We check this ourselves so that the rules do not
 * depend on how lenient the library is.
 */
static int
b64_valid(const char *p, size_t len)
{
	size_t	i, pad = 0;

	if (len % 4 != 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] == '=') {
			if (i < len - 2)
				return 0;
			pad++;
		} else if (!b64_alpha(p[i]) || pad > 0)
			return 0;
	}
	return 1;
}

int
b64_decode(const char *text, size_t len, struct buf *out)
{
	gnutls_datum_t	in, res;

	while (len > 0 && b64_blank(*text)) {
		text++;
		len--;
	}
	while (len > 0 && b64_blank(text[len - 1]))
		len--;
	if (len == 0)
		return 0;
	if (!b64_valid(text, len) || len > 0xffffffffU)
		return -1;
	in.data = (unsigned char *)(uintptr_t)text;
	in.size = (unsigned int)len;
	if (gnutls_base64_decode2(&in, &res) != 0)
		return -1;
	buf_add(out, res.data, res.size);
	wipe(res.data, res.size);
	gnutls_free(res.data);
	return 0;
}

int
b64_is_text(const char *text, size_t len)
{
	struct buf	b;
	int		ok;

	buf_init(&b);
	ok = b64_decode(text, len, &b) == 0 && b.len > 0 &&
	    sanitize_is_clean(b.data, b.len);
	if (b.data != NULL)
		wipe(b.data, b.len);
	buf_free(&b);
	return ok;
}
