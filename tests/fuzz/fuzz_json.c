/*
 * fuzz_json.c: libFuzzer target for --json.  Each input line becomes a
 * transcript line (its direction and flags from its first octet) and is
 * written as a JSON object; the output must be UTF-8 without a raw control
 * character and one object, or the target aborts.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/json.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/transcript.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Abort unless out is one clean object. */
static void
check(const struct buf *out)
{
	unsigned int	cp;
	size_t		i = 0, n;

	if (out->len < 2 || out->data[0] != '{' ||
	    out->data[out->len - 1] != '}')
		abort();
	while (i < out->len) {
		n = utf8_decode(out->data + i, out->len - i, &cp);
		if (cp == 0xfffd && (unsigned char)out->data[i] != 0xef)
			abort();	/* not UTF-8 */
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			abort();	/* a raw control */
		i += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t	 flags[] = { 0, TL_REPLY_END, TL_SECRET,
	    TL_CONT, TL_DATA, TL_PRIVATE, TL_SECRET | TL_REPLY_END };
	struct transcript	 t;
	struct buf		 out;
	const char		*p = (const char *)data, *end = p + size, *nl;
	char			*reason;
	size_t			 i;
	unsigned int		 sel;

	transcript_init(&t);
	buf_init(&out);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		sel = p < nl ? (unsigned char)*p : 0;
		transcript_add(&t, (enum tdir)(sel % 5), p, (size_t)(nl - p),
		    flags[(sel / 5) % (sizeof flags / sizeof flags[0])], NULL);
		p = nl + 1;
	}
	for (i = 0; i < t.n; i++) {
		buf_reset(&out);
		json_line(&out, &t, i, 0, 1e9);
		check(&out);
	}
	buf_reset(&out);
	reason = malloc(size + 1);
	if (reason == NULL)
		abort();
	memcpy(reason, data, size);
	reason[size] = '\0';
	json_summary(&out, 3, reason);
	check(&out);
	free(reason);
	transcript_free(&t);
	buf_free(&out);
	return 0;
}
