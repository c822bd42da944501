/*
 * export: a transcript as one self-contained HTML page (inline CSS, no
 * scripts, no external resources) for a ticket or a lesson.  Lines are
 * coloured by class as in the UI (2xx green, 3xx cyan, 4xx yellow, 5xx
 * red, client bold, TLS magenta, notes dim, warnings highlighted), keep
 * their S:/C: markers so nothing depends on colour, and each server reply
 * carries its explanation from the knowledge base in a <details> block.
 * Every piece of text is sanitised (sanitize.h) and then HTML-escaped.
 * Secrets are masked unless the options hold TW_SECRETS; TW_TIMING adds a
 * column with each line's time.
 */
#ifndef SMTPSCOPE_EXPORT_H
#define SMTPSCOPE_EXPORT_H

#include <stddef.h>

struct buf;
struct transcript;

struct export_meta {
	const char	*host;		/* NULL: guessed with replay_host() */
	const char	*date;		/* NULL: now, local time */
	const char	*source;	/* "replayed from x.txt", or NULL */
};

/* Append the whole page to out; meta may be NULL. */
void	 export_html_write(struct buf *, const struct transcript *,
	    const struct export_meta *, unsigned int);
/* Write the page to path (replacing it); 0, or -1 with err filled. */
int	 export_html(const struct transcript *, const char *, unsigned int,
	    char *, size_t);
/* The same with a title host, date or source given. */
int	 export_html_meta(const struct transcript *, const char *,
	    const struct export_meta *, unsigned int, char *, size_t);
/* Append text[0..len) sanitised and HTML-escaped to out. */
void	 export_escape(struct buf *, const char *, size_t);

#endif
