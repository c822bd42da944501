/*
 * theme.c: roles to curses attributes.  Colour is an extra, never the only
 * carrier of meaning: every line keeps its S:/C:/# marker, so the
 * monochrome table below stays readable on its own.
 */
#include "config.h"

#include <curses.h>
#include <string.h>

#include "ui/ui_internal.h"

/* Foreground colour per role (-1: none) and attributes with and without. */
struct theme_entry {
	short	fg;
	short	bg;
	attr_t	color_attr;
	attr_t	mono_attr;
};

static const struct theme_entry theme_table[R_MAX] = {
	[R_NORMAL] =	{ -1, -1, A_NORMAL, A_NORMAL },
	[R_S2] =	{ COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[R_S3] =	{ COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[R_S4] =	{ COLOR_YELLOW, -1, A_NORMAL, A_BOLD },
	[R_S5] =	{ COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[R_SOTHER] =	{ -1, -1, A_NORMAL, A_NORMAL },
	[R_CLIENT] =	{ -1, -1, A_BOLD, A_BOLD },
	[R_TLS] =	{ COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL },
	[R_INFO] =	{ -1, -1, A_DIM, A_DIM },
	[R_WARN] =	{ COLOR_YELLOW, -1, A_BOLD, A_REVERSE },
	[R_DIM] =	{ -1, -1, A_DIM, A_DIM },
	[R_STATUS] =	{ COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[R_STATUS_OK] =	{ COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE },
	[R_STATUS_BAD] ={ COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE|A_BOLD },
	[R_HINT] =	{ -1, -1, A_DIM, A_DIM },
	[R_HINTKEY] =	{ -1, -1, A_BOLD, A_BOLD },
	[R_HEADING] =	{ -1, -1, A_BOLD, A_BOLD },
	[R_BORDER] =	{ COLOR_BLUE, -1, A_NORMAL, A_DIM },
	[R_PROMPT] =	{ COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[R_MSG] =	{ COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[R_ERRMSG] =	{ COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE },
	[R_ESCAPED] =	{ COLOR_MAGENTA, -1, A_NORMAL, A_UNDERLINE },
};

/* Set up colour pairs unless colour is off, unavailable or unwanted. */
void
theme_init(struct ui *ui)
{
	int	i, dflt;
	short	fg, bg;

	ui->color = 0;
	if (ui->p != NULL && ui->p->no_color)
		return;
	if (!has_colors() || start_color() == ERR || COLORS < 8 ||
	    COLOR_PAIRS < R_MAX + 1)
		return;
	dflt = (use_default_colors() == OK);
	for (i = 1; i < R_MAX; i++) {
		fg = theme_table[i].fg;
		bg = theme_table[i].bg;
		if (!dflt) {
			if (fg < 0)
				fg = COLOR_WHITE;
			if (bg < 0)
				bg = COLOR_BLACK;
		}
		init_pair((short)i, fg, bg);
	}
	ui->color = 1;
}

/* The attributes (colour pair included) for a role. */
attr_t
theme_attr(const struct ui *ui, int role)
{
	if (role < 0 || role >= R_MAX)
		role = R_NORMAL;
	if (!ui->color)
		return (theme_table[role].mono_attr);
	if (role == R_NORMAL || (theme_table[role].fg < 0 &&
	    theme_table[role].bg < 0))
		return (theme_table[role].color_attr);
	return (theme_table[role].color_attr | COLOR_PAIR(role));
}

/* The role of a server line with this reply code. */
int
theme_role_of_code(int code)
{
	switch (code / 100) {
	case 2:
		return (R_S2);
	case 3:
		return (R_S3);
	case 4:
		return (R_S4);
	case 5:
		return (R_S5);
	}
	return (R_SOTHER);
}

/*
 * TEMPORARY STUB (issue 17, branch wt17c): branch wt17a brings the real
 * theme_select() with dark, light and high-contrast; on merge, drop this
 * one.  Here only "dark", the built-in table, is known.
 */
int
theme_select(const char *name)
{
	return (strcmp(name, "dark") == 0 ? 0 : -1);
}
