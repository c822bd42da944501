/*
 * monotime: milliseconds on a clock that never jumps, for deadlines and
 * the times a transcript or log shows.  One clock for every module, so
 * that times taken in one can be compared with those of another.
 */
#ifndef SMTPSCOPE_MONOTIME_H
#define SMTPSCOPE_MONOTIME_H

long long	 monotime_ms(void);

#endif
