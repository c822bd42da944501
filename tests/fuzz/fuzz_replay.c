/*
 * fuzz_replay.c: libFuzzer target for the transcript readers (every
 * format replay_load_mem detects), the knowledge base's explanation of
 * each line, and --explain's parser.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/kb.h"
#include "smtpscope/replay.h"
#include "smtpscope/transcript.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct transcript	 t;
	struct buf		 b;
	char			 err[512], *arg;
	size_t			 i;

	transcript_init(&t);
	buf_init(&b);
	if (replay_load_mem(&t, (const char *)data, size, NULL, err,
	    sizeof err) == 0) {
		for (i = 0; i < t.n; i++) {
			buf_reset(&b);
			kb_explain_tline(&b, &t, i);
		}
	}
	transcript_free(&t);
	arg = malloc(size + 1);
	if (arg != NULL) {
		memcpy(arg, data, size);
		arg[size] = '\0';
		buf_reset(&b);
		kb_explain_arg(&b, arg);
		free(arg);
	}
	buf_free(&b);
	return 0;
}
