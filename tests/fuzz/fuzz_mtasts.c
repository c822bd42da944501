/*
 * fuzz_mtasts.c: libFuzzer target for what an MTA-STS check reads from
 * the network: the _mta-sts and _smtp._tls TXT records, the policy body
 * and the HTTP response around it (cut at a byte the fuzzer picks, as
 * reads would be), and the MX pattern match.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/mtasts.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mtasts_record	 rec;
	struct mtasts_policy	 pol;
	struct tlsrpt_record	 rpt;
	struct buf		 body;
	char			*text, err[512];
	size_t			 cut;

	if (size < 2)
		return 0;
	cut = data[0] % size;
	data++;
	size--;
	/* The record parsers take C strings: a copy with a NUL at the end. */
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	(void)mtasts_parse_record(text, &rec, err, sizeof err);
	(void)tlsrpt_parse_record(text, &rpt, err, sizeof err);
	if (mtasts_parse_policy((const char *)data, size, &pol, err,
	    sizeof err) == 0) {
		(void)mtasts_match_mx(&pol, "mx.example.test");
		(void)mtasts_match_mx(&pol, text);
	}
	buf_init(&body);
	(void)mtasts_http_parse((const char *)data, cut, 0, &body, err,
	    sizeof err);
	(void)mtasts_http_parse((const char *)data, size, 1, &body, err,
	    sizeof err);
	buf_free(&body);
	free(text);
	return 0;
}
