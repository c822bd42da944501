/*
 * main.h: shared by main.c (options) and modes.c (the modes besides the
 * UI and script mode on a target: --serve, --explain, --replay, and the
 * practice server behind a target-less UI or script).
 */
#ifndef SMTPSCOPE_MAIN_H
#define SMTPSCOPE_MAIN_H

#include <sys/types.h>

#include "smtpscope/session.h"

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
};

/* Print an error and the --help hint; returns the usage exit code. */
int	 usage_error(const char *, const char *);
int	 run_serve(struct opts *);
int	 run_explain(const char *);
int	 run_replay(struct opts *, struct ui_params *);
struct practice *start_script_practice(char *, size_t);
int	 run_practice_ui(struct opts *, struct ui_params *);
/* --mta-sts DOMAIN: fetch and check the policy (mode_mtasts.c). */
int	 run_mta_sts(struct opts *);
/* --lesson alone: print the lessons with the learner's progress. */
int	 lesson_list(void);
/* --lesson N|FILE: find or load it into o; 0, or -1 after saying why. */
int	 lesson_resolve(struct opts *);

#endif
