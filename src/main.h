/*
 * main.h: shared by main.c (options) and modes.c (the modes besides the
 * UI and script mode on a target: --serve, --explain, --replay, and the
 * practice server behind a target-less UI or script).
 */
#ifndef SMTPSCOPE_MAIN_H
#define SMTPSCOPE_MAIN_H

#include <sys/types.h>

#include "smtpscope/session.h"

struct script_params;
struct ui_params;

struct opts {
	const char		*script;
	const char		*replay;
	const char		*export_html;
	int			 step;
	const char		*explain;
	const char		*serve;
	const char		*serve_smtps;
	const char		*maildir;
	int			 require_auth;
	int			 tls_auth_only;
	int			 require_tls;
	int			 max_sessions;
	int			 max_per_addr;
	int			 idle_s;
	int			 max_time_s;
	int			 max_memory_mb;
	int			 maildir_quota_mb;
	const char		*serve_log;
	int			 serve_plain;	/* --serve-plain */
	int			 serve_limits;	/* any of the above given */
	const char		*user;
	int			 user_from_profile;
	const char		*password_env;
	const char		*password_file;
	int			 timing;
	int			 no_color;
	int			 show_secrets;
	/* --lesson: "" lists them; N or FILE runs one (lesson_resolve). */
	const char		*lesson;
	const struct lesson	*lesson_l;
	int			 lesson_num;	/* 1.., 0: from a file */
	struct lesson		*lesson_owned;	/* loaded from a file */
	struct session_params	 sp;
	/* --mta-sts DOMAIN [--mta-sts-mx HOST] */
	const char		*mta_sts;
	const char		*mta_sts_mx;
	/* The one-shot send (src/send_main.c). */
	struct send_opts {
		int		 active;	/* a send option was given */
		const char	**to;		/* as given */
		size_t		 nto;
		char		**to_addr;	/* parsed by send_check */
		char		**to_name;
		const char	*from;
		char		*from_name;
		const char	**headers;
		size_t		 nheaders;
		const char	*body;
		const char	*body_file;
		const char	**attach;
		size_t		 nattach;
		const char	*auth;
		const char	*ehlo;
		int		 bdat;
		size_t		 chunk;
		int		 quit_after;
		int		 smtputf8;
		int		 requiretls;
		int		 size;
		const char	*dsn_ret;
		const char	*dsn_envid;
		const char	*dsn_notify;
		int		 dsn_orcpt;
	}			 snd;
	/* --json and --profile. */
	int			 json;
	const char		*profile;
	const char		*password_command;	/* from the profile */
	int			 timeout_given;	/* --timeout on the command line */
	/* --intercept LISTEN and its options. */
	const char		*intercept;
	int			 intercept_once;
	int			 intercept_max_sessions;
	int			 intercept_idle;
};

/* --password-env/--password-file: 0, or -1 after saying why. */
int	 read_password(const struct opts *, char **);
/* A send option (OPT_TO...): 0, or the usage exit code. */
int	 send_option(struct opts *, const char *, const char *);
/* The one-shot send, options checked before it connects. */
int	 run_send(struct opts *, int);
void	 send_opts_free(struct opts *);

/* Print an error and the --help hint; returns the usage exit code. */
int	 usage_error(const char *, const char *);
int	 run_serve(struct opts *);
int	 run_explain(const char *);
int	 run_replay(struct opts *, struct ui_params *);
struct practice *start_script_practice(struct session_params *, char *,
	    size_t);
void	 script_params_init(struct script_params *, const struct opts *,
	    const char *, struct practice *);
int	 run_practice_ui(struct opts *, struct ui_params *);
/* --mta-sts DOMAIN: fetch and check the policy (mode_mtasts.c). */
int	 run_mta_sts(struct opts *);
/* --lesson alone: print the lessons with the learner's progress. */
int	 lesson_list(void);
/* --lesson N|FILE: find or load it into o; 0, or -1 after saying why. */
int	 lesson_resolve(struct opts *);
/* --json and --profile with the rest: 0, or the usage exit code (said). */
int	 opts_check_json_profile(const struct opts *);
/*
 * --profile: fill what the command line left unset from the profile and,
 * with no target given, point argc/argv at its url.  0, or -1 (said).
 */
int	 opts_apply_profile(struct opts *, int *, char ***);
/* Run the profile's password-command into *out; 0, or -1 (said). */
int	 opts_profile_password(char **);

/* --intercept (src/intercept_main.c). */
struct intercept_params;
struct tls_ca;
int	 intercept_parse_listen(const char *, struct intercept_params *,
	    char **);
struct tls_ca *intercept_open_ca(char *, size_t,
	    void (*)(void *, const char *));
int	 run_intercept(struct opts *, struct intercept_params *);

#endif
