/*
 * xmalloc: allocation that never returns NULL, and fatal() for broken
 * invariants.  On failure the program prints a message and exits; the UI
 * registers a hook first so the terminal is restored before that.
 */
#ifndef SMTPSCOPE_XMALLOC_H
#define SMTPSCOPE_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Returns a newly allocated formatted string. */
char	*xvprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));
char	*xprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Print "smtpscope: MESSAGE" on stderr after running the hook, exit 70. */
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* Called once by fatal() before it prints (the UI ends curses here). */
void	 fatal_set_hook(void (*)(void));

/* Overwrite memory that held a secret, in a way the compiler keeps. */
void	 wipe(void *, size_t);
/* Wipe and free a NUL-terminated secret; NULL is fine. */
void	 free_secret(char *);

#endif
