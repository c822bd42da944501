/*
 * prefs: the config file, $XDG_CONFIG_HOME/smtpscope/config
 * (~/.config/smtpscope/config), read once when the UI starts.  Lines are
 * "key = value"; '#' starts a comment line; a "[profile NAME]" line opens a
 * profile section, which belongs to profiles and is skipped here.  An
 * unknown key or a bad value is a warning (in prefs.warnings), never an
 * error: the rest of the file still counts.  The caller applies the theme
 * name (the UI knows the themes).
 */
#ifndef SMTPSCOPE_PREFS_H
#define SMTPSCOPE_PREFS_H

struct prefs {
	char	*theme;		/* as written, or NULL */
	int	 sidebar;	/* -1 unset, 0 hidden, else columns or % */
	int	 sidebar_pct;	/* sidebar is a percentage */
	int	 timestamps;	/* -1 unset, 0 off, 1 on */
	int	 mouse;		/* -1 unset, 0 off, 1 on */
	int	 history;	/* -1 unset, 0 off, 1 on */
	char	*warnings;	/* one per line, or NULL */
};

/* The file's path (malloc'd), or NULL with no XDG_CONFIG_HOME nor HOME. */
char	*prefs_path(void);
/*
 * Read the file into p (which it clears first).  A missing file is no
 * warning.  Returns the number of warnings.
 */
int	 prefs_load(struct prefs *, const char *);
void	 prefs_free(struct prefs *);
/*
 * Trim blanks (and a CR) at both ends of a line of the file, in place;
 * profiles read the same file and trim its lines so too.
 */
char	*prefs_trim(char *);
/* Add a warning line (for the caller's own checks, e.g. the theme). */
void	 prefs_warn(struct prefs *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
