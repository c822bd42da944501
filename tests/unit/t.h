/*
 * t.h: a tiny TAP test helper for unit tests.  Each check prints one
 * "ok N - name" or "not ok N - name" line; t_done() prints the plan and
 * returns the exit status.
 */
#ifndef SMTPSCOPE_T_H
#define SMTPSCOPE_T_H

#include <stdio.h>
#include <string.h>

static int t_n, t_failed;

static void
t_ok(int cond, const char *name, const char *file, int line)
{
	t_n++;
	if (cond)
		printf("ok %d - %s\n", t_n, name);
	else {
		t_failed++;
		printf("not ok %d - %s\n# at %s:%d\n", t_n, name, file, line);
	}
	fflush(stdout);
}

#define OK(cond, name)	t_ok(!!(cond), (name), __FILE__, __LINE__)
#define EQ_INT(a, b, name) do {						\
	long long t_a_ = (long long)(a), t_b_ = (long long)(b);		\
	t_ok(t_a_ == t_b_, (name), __FILE__, __LINE__);			\
	if (t_a_ != t_b_)						\
		printf("#   got %lld, want %lld\n", t_a_, t_b_);		\
} while (0)
#define EQ_STR(a, b, name) do {						\
	const char *t_a_ = (a), *t_b_ = (b);				\
	int t_eq_ = (t_a_ != NULL && t_b_ != NULL) ?			\
	    strcmp(t_a_, t_b_) == 0 : t_a_ == t_b_;			\
	t_ok(t_eq_, (name), __FILE__, __LINE__);			\
	if (!t_eq_)							\
		printf("#   got \"%s\", want \"%s\"\n",			\
		    t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");	\
} while (0)
#define EQ_MEM(a, alen, b, blen, name)					\
	t_ok((size_t)(alen) == (size_t)(blen) &&			\
	    memcmp((a), (b), (blen)) == 0, (name), __FILE__, __LINE__)

static int
t_done(void)
{
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}

#endif
