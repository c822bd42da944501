/*
 * bench/budget: peak memory of the transcript store fed N lines of W
 * octets, with the default budget (or none, with -u: a budget above N,
 * which is how the store behaved before it had one).  Prints the lines
 * and octets kept and VmHWM.  Usage: bench/budget [-u] N W
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/transcript.h"

/* VmHWM of this process in KiB, from /proc. */
static long
peak_kib(void)
{
	FILE	*fp;
	char	 line[256];
	long	 v = 0;

	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			v = atol(line + 6);
	fclose(fp);
	return v;
}

int
main(int argc, char **argv)
{
	struct transcript	 t;
	char			 line[1000];
	size_t			 i, n, w;
	int			 unbounded = 0;

	if (argc > 1 && strcmp(argv[1], "-u") == 0) {
		unbounded = 1;
		argc--;
		argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: bench/budget [-u] LINES WIDTH\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 10);
	w = strtoul(argv[2], NULL, 10);
	if (w < 4 || w > sizeof line)
		w = sizeof line;
	memset(line, 'x', sizeof line);
	memcpy(line, "250 ", 4);
	transcript_init(&t);
	if (unbounded)
		transcript_set_budget(&t, n + 16, n * (w + 16));
	for (i = 0; i < n; i++)
		transcript_add(&t, TDIR_S, line, w, 0, NULL);
	printf("%zu lines of %zu octets%s: kept %zu lines, %zu octets; "
	    "peak RSS %ld MiB\n", n, w, unbounded ? " (no budget)" : "",
	    t.n, t.bytes, peak_kib() / 1024);
	transcript_free(&t);
	return 0;
}
