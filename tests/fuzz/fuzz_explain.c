/*
 * fuzz_explain.c: libFuzzer target for --explain: whatever is pasted (a
 * reply, several, EHLO lines, a bounce, free text) goes through the reply
 * text library, the enhanced-code finder and the bounce reader.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 b;
	char		*s, enh[16];

	/* --explain takes a NUL-ended argument. */
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	buf_init(&b);
	(void)kb_explain_arg(&b, s);
	buf_free(&b);
	(void)kb_find_enh(s, strlen(s), 5, enh);
	free(s);
	return 0;
}
