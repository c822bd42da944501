/*
 * fuzz_reply.c: libFuzzer target for line assembly, the reply parser, the
 * EHLO parser and sanitize.  Input is split into feeds at bytes the fuzzer
 * chooses, so replies split across reads are covered too.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/ehlo.h"
#include "smtpscope/reply.h"
#include "smtpscope/sanitize.h"

struct fz {
	struct reply_parser	rp;
	struct buf		out;
};

static void
fz_line(void *arg, const char *line, size_t len, unsigned int flags)
{
	struct fz	*fz = arg;
	struct reply	 r;
	struct ehlo_caps caps;

	buf_reset(&fz->out);
	sanitize(&fz->out, line, len);
	memset(&r, 0, sizeof r);
	if (reply_parser_line(&fz->rp, line, len, flags, &r)) {
		memset(&caps, 0, sizeof caps);
		if (ehlo_parse(&caps, &r) == 0)
			ehlo_free(&caps);
		reply_free(&r);
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lineasm	la;
	struct fz	fz;
	size_t		off = 0, n;

	lineasm_init(&la);
	reply_parser_init(&fz.rp);
	buf_init(&fz.out);
	while (off < size) {
		/* The first byte of each piece says how long the piece is. */
		n = 1 + data[off] % 64;
		off++;
		if (n > size - off)
			n = size - off;
		lineasm_feed(&la, (const char *)data + off, n, fz_line, &fz);
		off += n;
	}
	lineasm_finish(&la, fz_line, &fz);
	lineasm_free(&la);
	reply_parser_free(&fz.rp);
	buf_free(&fz.out);
	return 0;
}
