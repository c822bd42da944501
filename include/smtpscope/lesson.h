/*
 * lesson: the built-in lessons (data/lessons.txt, compiled in by
 * data/gen-lessons.awk) and lesson files loaded at run time, their checks,
 * and the learner's progress.
 *
 * A check is a list of conditions, one per "check:" line, all of which
 * must hold.  They are read from the session's own state: the transcript
 * (commands sent, replies and the command each answers, dot-stuffed
 * lines) plus a few facts the caller knows (TLS, AUTH, the practice
 * server's inbox, the codes looked up with :explain).  The language:
 *
 *   sent TEXT [after TEXT2]   a command line beginning with TEXT (case
 *                             does not matter), after one beginning with
 *                             TEXT2 when given
 *   reply P [to VERB] [>= N]  a reply matching P (250, 5xx, 25x, 5.1.1 as
 *                             :expect takes them) answering VERB (EHLO,
 *                             RCPT, DOT for the end of DATA, ...), at
 *                             least N times
 *   reply P then Q to VERB    a reply matching P to VERB, later one
 *                             matching Q to VERB
 *   enh X.Y.Z                 a reply with this enhanced code
 *   tls | auth                TLS is up | AUTH succeeded
 *   dot-stuffed               a message line was dot-stuffed
 *   pipelined                 a command went out before the reply to the
 *                             one before it came back
 *   inbox >= N                the practice server accepted N messages
 *   explained ARG             :explain ARG was asked for
 *   not CONDITION             the condition does not hold
 */
#ifndef SMTPSCOPE_LESSON_H
#define SMTPSCOPE_LESSON_H

#include <stddef.h>

struct transcript;

struct lesson {
	const char		*id;	/* short name, kept in the progress file */
	const char		*title;
	const char		*goal;	/* two or three sentences */
	const char		*hint;
	const char *const	*checks;	/* NULL-terminated */
	/* Example sessions ("S: ...\nC: ..."), for the tests. */
	const char *const	*pass;
	const char *const	*fail;
};

/* The built-in lessons, in order; the last entry has id NULL. */
extern const struct lesson lesson_table[];
extern const size_t lesson_count;

/* What the caller knows beyond the transcript. */
struct lesson_ctx {
	int		 tls;		/* TLS is up (or was) */
	int		 auth;		/* AUTH succeeded */
	long		 inbox;		/* messages accepted; -1: count 2xx to
					   the end of DATA and BDAT LAST */
	const char	*explained;	/* :explain arguments, '\n'-separated */
};

/* 0 when the condition is well formed, else -1 with a reason in err. */
int	 lesson_cond_check(const char *, char *, size_t);
/* 1 when the condition holds (0 also for a malformed one). */
int	 lesson_cond_holds(const char *, const struct transcript *,
	    const struct lesson_ctx *);
/* How many of the lesson's conditions hold; all of them: it is done. */
size_t	 lesson_nheld(const struct lesson *, const struct transcript *,
	    const struct lesson_ctx *);
size_t	 lesson_nchecks(const struct lesson *);
/* 0, or -1 with "where: reason" in err (no checks, a bad condition). */
int	 lesson_validate(const struct lesson *, char *, size_t);

/*
 * Load one lesson from a file in the format of data/lessons.txt (its
 * first stanza).  Returns a lesson to free with lesson_free, or NULL with
 * "FILE:LINE: reason" in err.
 */
struct lesson *lesson_load(const char *, char *, size_t);
/* The same from text in memory (name is used in messages). */
struct lesson *lesson_parse(const char *, const char *, char *, size_t);
void	 lesson_free(struct lesson *);

/*
 * Progress: the ids of the lessons done, one a line, in
 * $XDG_STATE_HOME/smtpscope/lessons (~/.local/state/...), mode 0600,
 * never through a symbolic link.
 */
char	*lesson_progress_path(void);
/* 1 when the lesson with this id is marked done. */
int	 lesson_progress_done(const char *path, const char *id);
/* Mark it done; 0, or -1 with a reason in err. */
int	 lesson_progress_mark(const char *path, const char *id, char *,
	    size_t);

#endif
