/*
 * profile: named servers in the config file (the one prefs reads), chosen
 * with --profile NAME.  A section "[profile NAME]" holds "key = value"
 * lines until the next section; the lines before the first section are
 * the preferences (prefs.h) and are not read here.  Unlike preferences,
 * a profile must be right: an unknown key, a bad value or a malformed
 * section anywhere among the profiles is an error naming file and line,
 * because the session would otherwise go somewhere it was not meant to.
 *
 * A profile may name a password-command: a shell command whose first
 * line of output is the password.  The password goes through a pipe into
 * one buffer that is wiped after; it is never in argv or the environment.
 */
#ifndef SMTPSCOPE_PROFILE_H
#define SMTPSCOPE_PROFILE_H

#include <stddef.h>

struct profile {
	char	*name;
	char	*path;		/* the file it came from */
	char	*url;		/* a target as on the command line */
	char	*user;
	char	*password_command;
	char	*password_file;
	char	*ca_file;	/* "~/" expanded, as cert and key */
	char	*cert;
	char	*key;
	char	*sni;
	char	*tls_priority;
	int	 timeout;	/* seconds, 0: not given */
	int	 password_timeout; /* seconds for password-command; 0: 120 */
	int	 starttls;	/* -1: not given, 0 no, 1 yes */
	int	 insecure;
	int	 allow_plaintext;
	int	 family;	/* 0, 4 or 6 */
};

/*
 * Read profile name from the file at path into p.  Returns 0, or -1 with
 * err saying why ("FILE:LINE: ..." where a line is to blame): no file, no
 * such profile, a bad line in any profile, or a password-command in a
 * file others may write.  Free p with profile_free() either way.
 */
int	 profile_load(struct profile *, const char *, const char *, char *,
	    size_t);
void	 profile_free(struct profile *);
/*
 * Run p's password-command with /bin/sh -c, stdin from /dev/null, and
 * return the first line of what it prints (malloc'd; free_secret() it).
 * NULL with err filled when it cannot run, fails or prints nothing.
 */
char	*profile_password(const struct profile *, char *, size_t);

#endif
