/*
 * monotime.c: the one millisecond clock (CLOCK_MONOTONIC: a change of the
 * wall clock moves no deadline).
 */
#include "config.h"

#include <time.h>

#include "smtpscope/monotime.h"

long long
monotime_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
