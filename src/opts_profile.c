/*
 * opts_profile.c: the options --json and --profile, apart from main.c's
 * option table: which modes they go with, a profile's values under the
 * command line's, and the password its password-command prints.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/prefs.h"
#include "smtpscope/profile.h"
#include "smtpscope/script.h"

#include "src/main.h"

/* The --profile in use; its strings back options until exit. */
static struct profile	 profile;

static void
profile_cleanup(void)
{
	profile_free(&profile);
}

/*
 * --profile NAME: fill what the command line left unset from the profile,
 * and take its URL when no target was given.  Returns 0, or -1 after
 * saying why.
 */
int
opts_apply_profile(struct opts *o, int *argcp, char ***argvp)
{
	static char	*url_argv[2];
	char		 err[1024], *path;
	int		 rc;

	path = prefs_path();
	rc = profile_load(&profile, path, o->profile, err, sizeof err);
	free(path);
	atexit(profile_cleanup);
	if (rc == -1) {
		fprintf(stderr, "smtpscope: %s\n", err);
		return -1;
	}
	if (o->user == NULL && profile.user != NULL) {
		o->user = profile.user;
		o->user_from_profile = 1;
	}
	/* A password source on the command line replaces the profile's. */
	if (o->password_env == NULL && o->password_file == NULL) {
		o->password_file = profile.password_file;
		o->password_command = profile.password_command;
	}
	if (o->sp.tls.ca_file == NULL)
		o->sp.tls.ca_file = profile.ca_file;
	if (o->sp.tls.cert_file == NULL && o->sp.tls.key_file == NULL) {
		o->sp.tls.cert_file = profile.cert;
		o->sp.tls.key_file = profile.key;
	}
	if (o->sp.tls.sni == NULL)
		o->sp.tls.sni = profile.sni;
	if (o->sp.tls.priority == NULL)
		o->sp.tls.priority = profile.tls_priority;
	if (!o->timeout_given && profile.timeout > 0)
		o->sp.timeout_ms = profile.timeout * 1000;
	if (profile.starttls == 1) {
		o->sp.starttls = 1;
		o->sp.require_tls = 1;
	}
	if (profile.insecure)
		o->sp.tls.insecure = 1;
	if (profile.allow_plaintext)
		o->sp.allow_plaintext = 1;
	if (o->sp.family == AF_UNSPEC && profile.family != 0)
		o->sp.family = profile.family == 4 ? AF_INET : AF_INET6;
	if (*argcp == 0) {
		if (profile.url == NULL) {
			fprintf(stderr, "smtpscope: %s: profile %s has no url "
			    "and no target was given\n", profile.path,
			    profile.name);
			return -1;
		}
		url_argv[0] = profile.url;
		url_argv[1] = NULL;
		*argvp = url_argv;
		*argcp = 1;
	}
	return 0;
}

/*
 * --json and --profile go with a session: script mode for --json, any
 * session with a target for --profile.  Returns 0 or the usage exit code.
 */
int
opts_check_json_profile(const struct opts *o)
{
	if (o->json && ((o->script == NULL && !o->snd.active) || o->step))
		return usage_error("%s", "--json goes with --script FILE or a "
		    "one-shot send (the UI and --step draw on the terminal)");
	if (o->profile != NULL && (*o->profile == '\0' ||
	    strlen(o->profile) > 64 || *o->profile == '-' ||
	    strspn(o->profile, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(o->profile)))
		return usage_error("%s", "--profile wants a profile name: 1 to "
		    "64 letters, digits, '.', '_' or '-' (not first)");
	if (o->profile != NULL && (o->explain != NULL || o->serve != NULL ||
	    o->replay != NULL || o->lesson != NULL))
		return usage_error("%s", "--profile names a server to talk to: "
		    "it does not go with --explain, --serve, --replay or "
		    "--lesson");
	return 0;
}

int
opts_profile_password(char **out)
{
	char	err[1024];

	if ((*out = profile_password(&profile, err, sizeof err)) == NULL) {
		fprintf(stderr, "smtpscope: %s\n", err);
		return -1;
	}
	return 0;
}
