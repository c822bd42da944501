/*
 * mtasts_fetch.c: GET the MTA-STS policy over HTTPS (RFC 8461 3.3) with a
 * small HTTP/1.1 client of our own on tls.c.  One request, one response:
 * 200 with text/plain, Content-Length, chunked or up to the close, no more
 * than MTASTS_MAX_BODY octets, no redirect followed, all within one
 * deadline.  Our own client rather than libcurl: it is all we need, it
 * shares tls.c's trust (--ca-file) and its verification words, and it
 * keeps the library list as it is.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/mtasts.h"
#include "smtpscope/net.h"
#include "smtpscope/tls.h"
#include "smtpscope/transcript.h"

/* Headers bigger than this are not what a policy server sends. */
#define HTTP_MAX_HEAD	16384

/* The value of header name in [head, head + len), trimmed, or 0. */
static int
http_header(const char *head, size_t len, const char *name, char *out,
    size_t outlen)
{
	const char	*p = head, *end = head + len, *nl, *v;
	size_t		 nlen = strlen(name), n;

	/* Skip the status line. */
	if ((nl = memchr(p, '\n', len)) == NULL)
		return 0;
	for (p = nl + 1; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > nlen && p[nlen] == ':' &&
		    strncasecmp(p, name, nlen) == 0) {
			v = p + nlen + 1;
			while (v < nl && (*v == ' ' || *v == '\t'))
				v++;
			n = (size_t)(nl - v);
			while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == ' ' ||
			    v[n - 1] == '\t'))
				n--;
			if (n >= outlen)
				n = outlen - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 1;
		}
	}
	return 0;
}

/*
 * Decode a chunked body (RFC 9112 7.1) from [p, p + len): 1 done, 0 more
 * needed, -1 bad or too big.
 */
static int
http_chunked(const char *p, size_t len, struct buf *body, char *err,
    size_t errlen)
{
	const char	*end = p + len, *nl, *h;
	unsigned long	 size;
	int		 digit;

	buf_reset(body);
	for (;;) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return 0;
		/* Hex digits, then CR, ';' (an extension) or the LF. */
		size = 0;
		for (h = p; h < nl; h++) {
			if (*h >= '0' && *h <= '9')
				digit = *h - '0';
			else if (*h >= 'a' && *h <= 'f')
				digit = *h - 'a' + 10;
			else if (*h >= 'A' && *h <= 'F')
				digit = *h - 'A' + 10;
			else
				break;
			size = size * 16 + (unsigned long)digit;
			if (size > MTASTS_MAX_BODY)
				break;
		}
		if (h == p || (h < nl && *h != '\r' && *h != ';' && *h != ' ' &&
		    size <= MTASTS_MAX_BODY)) {
			snprintf(err, errlen, "bad chunk size in the response");
			return -1;
		}
		if (size > MTASTS_MAX_BODY || body->len + size >
		    MTASTS_MAX_BODY) {
			snprintf(err, errlen, "the policy is bigger than %d "
			    "octets", MTASTS_MAX_BODY);
			return -1;
		}
		p = nl + 1;
		if (size == 0)
			return 1;	/* trailers are of no interest */
		if ((size_t)(end - p) < size + 2)
			return 0;
		buf_add(body, p, size);
		p += size;
		if (*p == '\r')
			p++;
		if (*p != '\n') {
			snprintf(err, errlen, "a chunk does not end in CRLF");
			return -1;
		}
		p++;
	}
}

int
mtasts_http_parse(const char *resp, size_t len, int eof, struct buf *body,
    char *err, size_t errlen)
{
	const char	*hend, *b;
	char		 value[256], *end;
	size_t		 hlen, blen;
	unsigned long	 clen;
	int		 status;

	hend = NULL;
	for (b = resp; b + 1 < resp + len; b++)
		if (b[0] == '\n' && (b[1] == '\n' || (b[1] == '\r' &&
		    b + 2 < resp + len && b[2] == '\n'))) {
			hend = b + (b[1] == '\n' ? 2 : 3);
			break;
		}
	if (hend == NULL) {
		if (len > HTTP_MAX_HEAD) {
			snprintf(err, errlen, "the response headers are longer "
			    "than %d octets", HTTP_MAX_HEAD);
			return -1;
		}
		if (eof) {
			snprintf(err, errlen, "the server closed before the "
			    "end of the response headers");
			return -1;
		}
		return 0;
	}
	hlen = (size_t)(hend - resp);
	/* "HTTP/1.x NNN": the bytes are not NUL-terminated, so by hand. */
	if (len < 12 || strncmp(resp, "HTTP/1.", 7) != 0 || resp[8] != ' ' ||
	    resp[9] < '1' || resp[9] > '5' || resp[10] < '0' ||
	    resp[10] > '9' || resp[11] < '0' || resp[11] > '9') {
		snprintf(err, errlen, "the answer is not HTTP/1.x");
		return -1;
	}
	status = (resp[9] - '0') * 100 + (resp[10] - '0') * 10 +
	    (resp[11] - '0');
	if (status >= 300 && status < 400) {
		if (http_header(resp, hlen, "Location", value, sizeof value))
			snprintf(err, errlen, "HTTP %d redirect to %s: not "
			    "followed (RFC 8461 3.3)", status, value);
		else
			snprintf(err, errlen, "HTTP %d redirect: not followed "
			    "(RFC 8461 3.3)", status);
		return -1;
	}
	if (status != 200) {
		snprintf(err, errlen, "HTTP status %d, not 200", status);
		return -1;
	}
	if (!http_header(resp, hlen, "Content-Type", value, sizeof value)) {
		snprintf(err, errlen, "the response has no Content-Type "
		    "(text/plain is required)");
		return -1;
	}
	value[strcspn(value, "; \t")] = '\0';
	if (strcasecmp(value, "text/plain") != 0) {
		snprintf(err, errlen, "Content-Type is %s, not text/plain "
		    "(RFC 8461 3.2)", value);
		return -1;
	}
	b = hend;
	blen = len - hlen;
	if (http_header(resp, hlen, "Transfer-Encoding", value,
	    sizeof value)) {
		if (strcasecmp(value, "chunked") != 0) {
			snprintf(err, errlen, "Transfer-Encoding %s is not "
			    "understood", value);
			return -1;
		}
		switch (http_chunked(b, blen, body, err, errlen)) {
		case 1:
			return 1;
		case -1:
			return -1;
		}
		if (eof) {
			snprintf(err, errlen, "the server closed in the middle "
			    "of a chunk");
			return -1;
		}
		return 0;
	}
	if (http_header(resp, hlen, "Content-Length", value, sizeof value)) {
		errno = 0;
		clen = strtoul(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 ||
		    strspn(value, "0123456789") != strlen(value)) {
			snprintf(err, errlen, "bad Content-Length \"%s\"",
			    value);
			return -1;
		}
		if (clen > MTASTS_MAX_BODY) {
			snprintf(err, errlen, "the policy is %lu octets, more "
			    "than %d", clen, MTASTS_MAX_BODY);
			return -1;
		}
		if (blen < clen) {
			if (eof) {
				snprintf(err, errlen, "the server closed after "
				    "%zu of %lu octets", blen, clen);
				return -1;
			}
			return 0;
		}
		buf_reset(body);
		buf_add(body, b, clen);
		return 1;
	}
	/* Neither: the body ends when the connection does. */
	if (blen > MTASTS_MAX_BODY) {
		snprintf(err, errlen, "the policy is bigger than %d octets",
		    MTASTS_MAX_BODY);
		return -1;
	}
	if (!eof)
		return 0;
	buf_reset(body);
	buf_add(body, b, blen);
	return 1;
}

/* Wait for fd the way t wants, until the deadline; 0, or -1 timed out. */
static int
fetch_wait(int fd, struct tls *t, double deadline)
{
	struct pollfd	pfd;
	double		left;
	int		ms;

	if (tls_pending(t) > 0)
		return 0;
	left = deadline - transcript_now();
	if (left <= 0)
		return -1;
	ms = (int)(left * 1000) + 1;
	pfd.fd = fd;
	pfd.events = tls_want_write(t) ? POLLOUT : POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, ms) == 0)
		return -1;
	return 0;
}

int
mtasts_fetch(const char *domain, const struct tls_params *tp, int timeout_ms,
    struct buf *body, char *err, size_t errlen)
{
	struct tls_params	 p;
	struct tls		*t = NULL;
	struct buf		 req, resp;
	enum net_err		 kind;
	const char		*port;
	char			 host[300], msg[512], chunk[4096];
	double			 deadline;
	size_t			 sent = 0;
	ssize_t			 n;
	int			 fd, rc = -1, ret, eof = 0;

	deadline = transcript_now() + timeout_ms / 1000.0;
	buf_init(&req);
	buf_init(&resp);
	snprintf(host, sizeof host, "mta-sts.%s", domain);
	/* A test hook: the URL has no port, so tests set one here. */
	port = getenv("SMTPSCOPE_MTASTS_PORT");
	if (port == NULL || *port == '\0')
		port = "443";
	fd = net_connect(host, port, AF_UNSPEC, timeout_ms, &kind, msg,
	    sizeof msg);
	if (fd == -1) {
		snprintf(err, errlen, "cannot reach %s: %s", host, msg);
		goto out;
	}
	memset(&p, 0, sizeof p);
	p.sni = host;
	p.ca_file = tp != NULL ? tp->ca_file : NULL;
	p.priority = tp != NULL ? tp->priority : NULL;
	if ((t = tls_client_new(fd, &p, msg, sizeof msg)) == NULL) {
		snprintf(err, errlen, "%s: %s", host, msg);
		goto out;
	}
	while ((ret = tls_handshake(t, msg, sizeof msg)) == TLS_AGAIN)
		if (fetch_wait(fd, t, deadline) == -1) {
			snprintf(err, errlen, "%s: the TLS handshake timed "
			    "out", host);
			goto out;
		}
	if (ret == -1) {
		snprintf(err, errlen, "%s: TLS: %s", host, msg);
		goto out;
	}
	buf_printf(&req, "GET /.well-known/mta-sts.txt HTTP/1.1\r\n"
	    "Host: %s\r\nUser-Agent: smtpscope/%s\r\nAccept: text/plain\r\n"
	    "Connection: close\r\n\r\n", host, PACKAGE_VERSION);
	while (sent < req.len) {
		n = tls_write(t, req.data + sent, req.len - sent);
		if (n == TLS_AGAIN) {
			if (fetch_wait(fd, t, deadline) == -1) {
				snprintf(err, errlen, "%s: timed out sending "
				    "the request", host);
				goto out;
			}
			continue;
		}
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", host, tls_error(t));
			goto out;
		}
		sent += (size_t)n;
	}
	for (;;) {
		ret = mtasts_http_parse(resp.data != NULL ? resp.data : "",
		    resp.len, eof, body, msg, sizeof msg);
		if (ret == 1)
			break;
		if (ret == -1) {
			snprintf(err, errlen, "https://%s/.well-known/"
			    "mta-sts.txt: %s", host, msg);
			goto out;
		}
		n = tls_read(t, chunk, sizeof chunk);
		if (n == TLS_AGAIN) {
			if (fetch_wait(fd, t, deadline) == -1) {
				snprintf(err, errlen, "%s: no complete answer "
				    "within %d s", host, timeout_ms / 1000);
				goto out;
			}
			continue;
		}
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", host, tls_error(t));
			goto out;
		}
		if (n == 0)
			eof = 1;
		else if (resp.len + (size_t)n > HTTP_MAX_HEAD +
		    2 * MTASTS_MAX_BODY) {
			snprintf(err, errlen, "%s: the answer is bigger than "
			    "a policy can be", host);
			goto out;
		} else
			buf_add(&resp, chunk, (size_t)n);
	}
	rc = 0;
out:
	tls_free(t);
	if (fd != -1)
		close(fd);
	buf_free(&req);
	buf_free(&resp);
	return rc;
}
