/*
 * ui_internal.h: shared by the ui/ files.  One struct ui holds the whole
 * front end state: the session it drives, the layout, the transcript view
 * (a scroll anchor, never a per-line index of rows), focus, the entry
 * editor and the overlays.  Only ui/ includes curses.
 */
#ifndef SMTPSCOPE_UI_INTERNAL_H
#define SMTPSCOPE_UI_INTERNAL_H

#include <poll.h>
#include <stddef.h>
#include <wchar.h>

#include <curses.h>

#include "smtpscope/buf.h"
#include "smtpscope/command.h"
#include "smtpscope/lineedit.h"
#include "smtpscope/intercept.h"
#include "smtpscope/practice.h"
#include "smtpscope/transcript.h"
#include "ui/ui.h"

/* Below this the screen shows a notice instead of the panes. */
#define UI_MIN_COLS	40
#define UI_MIN_ROWS	10
/* From this width on the sidebar sits right of the transcript. */
#define UI_SIDE_COLS	80

/* What a piece of text is; theme.c maps roles to curses attributes. */
enum role {
	R_NORMAL,
	R_S2, R_S3, R_S4, R_S5, R_SOTHER,	/* server lines by class */
	R_CLIENT,
	R_TLS,
	R_INFO,
	R_WARN,
	R_DIM,
	R_STATUS,
	R_STATUS_OK,
	R_STATUS_BAD,
	R_HINT,
	R_HINTKEY,
	R_HEADING,
	R_BORDER,
	R_PROMPT,
	R_MSG,
	R_ERRMSG,
	R_ESCAPED,	/* an escaped control byte inside network text */
	R_TITLE,	/* a pane's title in the frame */
	R_TITLE_FOCUS,	/* ... of the pane that has focus */
	R_MAX
};

enum focus {
	FOCUS_ENTRY,
	FOCUS_TRANSCRIPT,
	FOCUS_SCRIPT		/* step mode: the script pane */
};

/* What step mode is doing. */
enum step_run {
	STEP_IDLE,		/* waiting for a key */
	STEP_ONE,		/* running one command (and its :expect lines) */
	STEP_CONT		/* running to the end or a breakpoint */
};

enum side_mode {
	SIDE_AUTO,	/* right of the transcript, or under it when narrow */
	SIDE_HIDDEN
};

/* What the transcript pane shows (f cycles; nav.c). */
enum nav_filter {
	NAV_ALL,
	NAV_ERRORS,		/* 4xx, 5xx and warnings */
	NAV_CLIENT,		/* what we sent */
	NAV_QUIET,		/* no EHLO lists, no TLS details */
	NAV_NFILTERS
};

struct rect {
	int	y, x, h, w;
};

/* A laid-out run of text: wide characters with a role and a width each. */
struct cells {
	wchar_t		*wc;
	unsigned char	*role;
	unsigned char	*w;
	size_t		 n;
	size_t		 cap;
};

struct ui {
	struct ui_params	*p;
	struct session		*s;
	struct transcript	*t;		/* the session's, or a bench's */
	struct command_ctx	 cctx;

	/* Terminal. */
	int			 active;	/* curses is up */
	int			 utf8;		/* locale is UTF-8 */
	int			 color;		/* colours in use */
	int			 rows, cols;
	int			 too_small;
	int			 dirty;
	int			 full;		/* clear the screen first */
	int			 quit;
	int			 exit_code;
	int			 cur_y, cur_x;	/* where the cursor goes */
	int			 cur_show;
	int			 sigpipe[2];

	/* Layout. */
	enum side_mode		 side_mode;
	int			 side_below;
	struct rect		 r_status, r_title, r_trans, r_side, r_entry;
	struct rect		 r_hint;
	int			 has_side;

	/* Transcript view: the first drawn row is row top_row of top_line. */
	int			 follow;	/* stick to the newest line */
	size_t			 top_line;
	int			 top_row;
	int			 timing;
	enum focus		 focus;
	size_t			 sel;		/* selected line (transcript focus) */
	size_t			 last_reply;	/* first line of the newest reply */
	int			 have_reply;
	size_t			*rowmap;	/* line of each drawn row */
	size_t			 nrowmap;
	struct cells		 cl;		/* scratch for one line */

	/* Sidebar. */
	int			 side_scroll;
	char			*pinned;	/* say() text shown there */

	/* Entry. */
	struct lineedit		 le;
	size_t			 entry_off;	/* first shown column */
	int			 asking;	/* ask_secret() is running */
	int			 ask_plain;	/* ... for a yes/no: not masked */
	int			 ask_done;
	int			 ask_cancel;
	char			*ask_prompt;
	struct lineedit		 ask_le;
	int			 searching;
	struct lineedit		 search_le;
	char			*search_term;

	/* Messages and overlays. */
	char			*msg;
	int			 msg_err;
	int			 help;
	int			 help_scroll;

	/* Replay (--replay): rp_view shows the first rp_view.n lines. */
	int			 replay;
	struct transcript	*rp_full;
	struct transcript	 rp_view;	/* shares rp_full's lines */
	int			 playing;
	double			 play_next;	/* when the next line shows */
	char			*replay_source;	/* "replayed from FILE" */
	size_t			*rp_lineno;	/* file lines among the first i */

	/* Step mode (--step). */
	struct script_file	*script;
	size_t			 sc_next;	/* the next line to run */
	size_t			 sc_sel;	/* selected line (script focus) */
	size_t			 sc_top;	/* first line drawn */
	unsigned char		*sc_bp;		/* a breakpoint per line */
	enum step_run		 sc_run;
	size_t			 sc_ran;	/* lines run since the key */
	size_t			 sc_queued;	/* steps asked for meanwhile */
	int			 sc_busy;	/* step_pump() is running */
	int			 sc_done;	/* the script has ended */
	char			**brk;		/* :break patterns */
	size_t			 nbrk;
	struct rect		 r_script;
	int			 has_script;

	/* Kept across runs (memory.c): the config file and the history. */
	int			 cfg_side;	/* sidebar columns, 0: auto */
	int			 cfg_side_pct;	/* ... as a percentage */
	int			 cfg_mouse_off;	/* leave the mouse alone */
	char			*cfg_warnings;	/* to show once running */
	char			*hist_path;	/* NULL: no history file */
	/* Reading (nav.c, copy.c, explain.c, entry_rl.c). */
	enum nav_filter		 filter;
	int			 search_dir;	/* of the last search: -1, 1 */
	int			 explain;	/* full-screen explanation */
	int			 explain_scroll;
	int			 side_wide;	/* 0..3: F4, < and > */
	int			 hsearch;	/* Ctrl-R in the entry */
	struct buf		 hs_needle;
	size_t			 hs_from;	/* history index of the match */
	char			*hs_orig;	/* the line before Ctrl-R */
	int			 key_cleft;	/* Ctrl-Left/Right key codes */
	int			 key_cright;

	/* The classroom (--serve on a terminal; classroom.c). */
	int			 classroom;
	struct practice_row	*cr_rows;
	size_t			 cr_nrows;
	size_t			 cr_cap;
	size_t			 cr_sel;	/* selected row */
	size_t			 cr_top;	/* first row drawn */
	unsigned int		 cr_id;		/* session open, 0: the table */
	char			 cr_peer[96];
	int			 cr_confirm;	/* asking before quitting */
	unsigned long		 cr_seen;	/* practice_changes() shown */
	unsigned long		 cr_log_seen;
	struct transcript	 cr_empty;	/* ui->t in the table */
	struct intercept_row	*ic_rows;	/* --intercept's, read now */
	size_t			 ic_cap;
	unsigned long		 ic_held_seq;	/* held item put in the entry */
	char			 ic_held[256];	/* its text as held */
	struct pollfd		*pfd;		/* ui_iterate's, grown */
	size_t			 npfd;
	/* The lesson running (lesson.c), or NULL. */
	const struct lesson	*lesson;
	int			 lesson_num;	/* 1.., 0: from a file */
	int			 lesson_done;
	int			 lesson_hint;	/* show the hint */
	size_t			 lesson_held;	/* conditions holding */
	size_t			 lesson_from;	/* first line it reads */
};

/* screen.c */
int	 screen_init(struct ui *);
void	 screen_end(struct ui *);
void	 screen_layout(struct ui *);
void	 screen_resize(struct ui *);
void	 screen_draw(struct ui *);
void	 screen_put(struct ui *, int, int, int, const char *, size_t, int);
int	 screen_put_cells(struct ui *, int, int, int, const struct cells *,
	    size_t, size_t, int);
void	 screen_fill(int, int, int, int);

/* cells (screen.c) */
void	 cells_reset(struct cells *);
void	 cells_free(struct cells *);
void	 cells_add(struct cells *, const struct ui *, const char *, size_t,
	    int);
void	 cells_add_raw(struct cells *, const struct ui *, const char *,
	    size_t, int);
size_t	 cells_width(const struct cells *, size_t, size_t);
size_t	 cells_wrap(const struct cells *, size_t, size_t, int, size_t *);

/* theme.c (theme_select and theme_names are in ui.h too, for main.c) */
int	 theme_select(const char *);	/* 0, or -1: unknown name */
const char *theme_names(void);
void	 theme_init(struct ui *);
attr_t	 theme_attr(const struct ui *, int);	/* with its colour pair */
int	 theme_role_of_code(int);

/* pane_transcript.c */
void	 transcript_pane_draw(struct ui *);
int	 transcript_pane_rows(struct ui *, size_t, int);
void	 transcript_pane_scroll(struct ui *, int);
void	 transcript_pane_top(struct ui *);
void	 transcript_pane_bottom(struct ui *);
void	 transcript_pane_select(struct ui *, size_t);
void	 transcript_pane_select_move(struct ui *, int);
void	 transcript_pane_on_add(struct ui *, size_t);
void	 transcript_pane_on_drop(struct ui *, size_t, size_t);
size_t	 transcript_pane_target(struct ui *);
void	 transcript_pane_line(struct ui *, size_t, struct cells *, int *);

/* frame.c */
void	 frame_draw(struct ui *);

/* pane_sidebar.c */
void	 sidebar_draw(struct ui *);

/* pane_status.c */
void	 status_draw(struct ui *);
void	 hint_draw(struct ui *);

/* pane_entry.c */
void	 entry_draw(struct ui *);
int	 entry_key(struct ui *, struct lineedit *, int, wint_t);
int	 entry_complete(struct ui *);

/* help.c */
void	 help_draw(struct ui *);
int	 help_key(struct ui *, int, wint_t);

/* memory.c */
void	 memory_start(struct ui *);
void	 memory_notes(struct ui *);
void	 memory_end(struct ui *);
/* nav.c: the keys of read-only panes, search, errors, the filter */
void	 nav_keys_init(struct ui *);
int	 nav_key(struct ui *, int, wint_t);
int	 nav_visible(const struct ui *, size_t);
size_t	 nav_nearest(const struct ui *, size_t);
void	 nav_search_start(struct ui *);
void	 nav_search_found(struct ui *, const char *);
void	 nav_search_again(struct ui *, int);
int	 nav_put_row(struct ui *, int, int, int, const struct cells *,
	    size_t, size_t, int);
void	 nav_draw_marks(struct ui *);
int	 nav_side_keys_ok(const struct ui *);
void	 nav_side_key(struct ui *, wint_t);

/* copy.c: y and Y, through OSC 52 */
void	 copy_selection(struct ui *, int);

/* keys.c: the letter a read-only view takes for a cursor key, or 0. */
wint_t	 keys_pager_letter(wint_t);

/* explain.c: the full-screen explanation (Enter on a line) */
void	 explain_open(struct ui *);
void	 explain_draw(struct ui *);
int	 explain_key(struct ui *, int, wint_t);

/* entry_rl.c: readline keys beyond pane_entry.c's (Ctrl-R, Alt-b/f) */
int	 entry_rl_key(struct ui *, int, wint_t);
int	 entry_rl_alt(struct ui *, struct lineedit *, wint_t);
void	 entry_rl_free(struct ui *);

/* keys.c */
void	 keys_dispatch(struct ui *, int, wint_t);
void	 keys_quit(struct ui *);
void	 keys_submit(struct ui *);

/* paste.c: the two markers of a bracketed paste, named as keys. */
#define KEY_PASTE_BEGIN	(KEY_MAX + 1)
#define KEY_PASTE_END	(KEY_MAX + 2)
int	 paste_key(struct ui *, int, wint_t);
void	 paste_pump(struct ui *);
void	 paste_free(void);

/* exit.c */
void	 exit_request(struct ui *);

/* step.c */
void	 step_init(struct ui *);
void	 step_free(struct ui *);
void	 step_layout(struct ui *, struct rect *);
void	 step_draw(struct ui *);
int	 step_key(struct ui *, int, wint_t);
void	 step_request(struct ui *, enum step_run);
void	 step_pump(struct ui *);
void	 step_on_line(struct ui *, size_t);
int	 step_set_break(void *, const char *);

/* replay.c */
void	 replay_init(struct ui *);
void	 replay_show(struct ui *, size_t);
size_t	 replay_file_line(const struct ui *, size_t);
int	 replay_untimed(struct ui *);
int	 replay_key(struct ui *, int, wint_t);
int	 replay_timeout(struct ui *);
void	 replay_tick(struct ui *);

/* classroom.c */
void	 classroom_init(struct ui *);
void	 classroom_free(struct ui *);
void	 classroom_tick(struct ui *);
void	 classroom_quit(struct ui *);
int	 classroom_key(struct ui *, int, wint_t);
/* --intercept: Enter on the entry of a session that holds something. */
int	 classroom_submit(struct ui *, const char *);
/* 1 while the open session holds something to edit on the entry. */
int	 classroom_typing(struct ui *);
void	 classroom_draw(struct ui *);
/* lesson.c: the lesson pane on top of the sidebar */
void	 lesson_ui_init(struct ui *);
void	 lesson_ui_update(struct ui *, size_t);
void	 lesson_ui_section(struct ui *, struct buf *);
int	 lesson_ui_cmd(void *, const char *, const char *);

/* loop.c */
char	*ui_ask_plain(struct ui *, const char *);
void	 ui_say(struct ui *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
