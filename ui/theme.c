/*
 * theme.c: roles to curses attributes.  Colour is an extra, never the only
 * carrier of meaning: every line keeps its S:/C:/# marker, so the
 * monochrome table below stays readable on its own.
 */
#include "config.h"

#include <curses.h>
#include <string.h>
#include <strings.h>

#include "ui/ui_internal.h"

/* Colours per role (-1: the terminal's own) and attributes with and without. */
struct theme_entry {
	short	fg;
	short	bg;
	attr_t	color_attr;
	attr_t	mono_attr;
};

struct theme {
	const char			*name;
	const char			*alias;
	/* Every pair gets this background; -1 keeps the terminal's. */
	short				 bg;
	const struct theme_entry	 t[R_MAX];
};

#define B	A_BOLD
#define U	A_UNDERLINE
#define D	A_DIM
#define RV	A_REVERSE

/*
 * dark: today's colours, for a dark background.  Under NO_COLOR warnings
 * are bold and underlined, never reverse video: that is the selection.
 */
static const struct theme theme_dark = { "dark", NULL, -1, {
	[R_NORMAL] =	{ -1, -1, A_NORMAL, A_NORMAL },
	[R_S2] =	{ COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[R_S3] =	{ COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[R_S4] =	{ COLOR_YELLOW, -1, A_NORMAL, B },
	[R_S5] =	{ COLOR_RED, -1, B, B | U },
	[R_SOTHER] =	{ -1, -1, A_NORMAL, A_NORMAL },
	[R_CLIENT] =	{ -1, -1, B, B },
	[R_TLS] =	{ COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL },
	[R_INFO] =	{ -1, -1, D, D },
	[R_WARN] =	{ COLOR_YELLOW, -1, B | U, B | U },
	[R_DIM] =	{ -1, -1, D, D },
	[R_STATUS] =	{ COLOR_BLACK, COLOR_CYAN, A_NORMAL, RV },
	[R_STATUS_OK] =	{ COLOR_BLACK, COLOR_GREEN, A_NORMAL, RV },
	[R_STATUS_BAD] ={ COLOR_WHITE, COLOR_RED, B, RV | B },
	[R_HINT] =	{ -1, -1, D, D },
	[R_HINTKEY] =	{ -1, -1, B, B },
	[R_HEADING] =	{ -1, -1, B, B },
	[R_BORDER] =	{ COLOR_BLUE, -1, A_NORMAL, D },
	[R_PROMPT] =	{ COLOR_CYAN, -1, B, B },
	[R_MSG] =	{ COLOR_CYAN, -1, B, B },
	[R_ERRMSG] =	{ COLOR_RED, -1, B, B | RV },
	[R_ESCAPED] =	{ COLOR_MAGENTA, -1, A_NORMAL, U },
	[R_TITLE] =	{ COLOR_BLUE, -1, A_NORMAL, D },
	[R_TITLE_FOCUS] ={ COLOR_BLACK, COLOR_CYAN, B, RV | B },
} };

/* light: for a light background; no yellow or cyan text on white. */
static const struct theme theme_light = { "light", NULL, -1, {
	[R_NORMAL] =	{ -1, -1, A_NORMAL, A_NORMAL },
	[R_S2] =	{ COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[R_S3] =	{ COLOR_BLUE, -1, A_NORMAL, A_NORMAL },
	[R_S4] =	{ COLOR_MAGENTA, -1, B, B },
	[R_S5] =	{ COLOR_RED, -1, B, B | U },
	[R_SOTHER] =	{ -1, -1, A_NORMAL, A_NORMAL },
	[R_CLIENT] =	{ -1, -1, B, B },
	[R_TLS] =	{ COLOR_BLUE, -1, A_NORMAL, A_NORMAL },
	[R_INFO] =	{ -1, -1, D, D },
	[R_WARN] =	{ COLOR_BLACK, COLOR_YELLOW, B, B | U },
	[R_DIM] =	{ -1, -1, D, D },
	[R_STATUS] =	{ COLOR_WHITE, COLOR_BLUE, A_NORMAL, RV },
	[R_STATUS_OK] =	{ COLOR_WHITE, COLOR_GREEN, B, RV },
	[R_STATUS_BAD] ={ COLOR_WHITE, COLOR_RED, B, RV | B },
	[R_HINT] =	{ -1, -1, A_NORMAL, D },
	[R_HINTKEY] =	{ COLOR_BLUE, -1, B, B },
	[R_HEADING] =	{ -1, -1, B, B },
	[R_BORDER] =	{ COLOR_BLUE, -1, A_NORMAL, D },
	[R_PROMPT] =	{ COLOR_BLUE, -1, B, B },
	[R_MSG] =	{ COLOR_BLUE, -1, B, B },
	[R_ERRMSG] =	{ COLOR_RED, -1, B, B | RV },
	[R_ESCAPED] =	{ COLOR_MAGENTA, -1, A_NORMAL, U },
	[R_TITLE] =	{ COLOR_BLUE, -1, A_NORMAL, D },
	[R_TITLE_FOCUS] ={ COLOR_WHITE, COLOR_BLUE, B, RV | B },
} };

/*
 * high-contrast: white on black whatever the terminal's colours, bold
 * instead of dim, every class bright; without colour nothing is dimmed.
 */
static const struct theme theme_contrast = { "high-contrast", "contrast",
    COLOR_BLACK, {
	[R_NORMAL] =	{ COLOR_WHITE, -1, A_NORMAL, A_NORMAL },
	[R_S2] =	{ COLOR_GREEN, -1, B, A_NORMAL },
	[R_S3] =	{ COLOR_CYAN, -1, B, A_NORMAL },
	[R_S4] =	{ COLOR_YELLOW, -1, B, B },
	[R_S5] =	{ COLOR_RED, -1, B | U, B | U },
	[R_SOTHER] =	{ COLOR_WHITE, -1, A_NORMAL, A_NORMAL },
	[R_CLIENT] =	{ COLOR_WHITE, -1, B, B },
	[R_TLS] =	{ COLOR_MAGENTA, -1, B, A_NORMAL },
	[R_INFO] =	{ COLOR_WHITE, -1, A_NORMAL, A_NORMAL },
	[R_WARN] =	{ COLOR_BLACK, COLOR_YELLOW, B, B | U },
	[R_DIM] =	{ COLOR_WHITE, -1, A_NORMAL, A_NORMAL },
	[R_STATUS] =	{ COLOR_BLACK, COLOR_WHITE, A_NORMAL, RV },
	[R_STATUS_OK] =	{ COLOR_BLACK, COLOR_GREEN, A_NORMAL, RV },
	[R_STATUS_BAD] ={ COLOR_WHITE, COLOR_RED, B, RV | B },
	[R_HINT] =	{ COLOR_WHITE, -1, A_NORMAL, A_NORMAL },
	[R_HINTKEY] =	{ COLOR_YELLOW, -1, B, B },
	[R_HEADING] =	{ COLOR_WHITE, -1, B | U, B | U },
	[R_BORDER] =	{ COLOR_WHITE, -1, A_NORMAL, A_NORMAL },
	[R_PROMPT] =	{ COLOR_YELLOW, -1, B, B },
	[R_MSG] =	{ COLOR_CYAN, -1, B, B },
	[R_ERRMSG] =	{ COLOR_WHITE, COLOR_RED, B, B | U },
	[R_ESCAPED] =	{ COLOR_BLACK, COLOR_MAGENTA, A_NORMAL, U },
	[R_TITLE] =	{ COLOR_WHITE, -1, A_NORMAL, A_NORMAL },
	[R_TITLE_FOCUS] ={ COLOR_BLACK, COLOR_YELLOW, B, RV | B },
} };

#undef B
#undef U
#undef D
#undef RV

static const struct theme *const themes[] = {
	&theme_dark, &theme_light, &theme_contrast, NULL
};
static const struct theme *theme_cur = &theme_dark;
static int theme_locked;	/* --theme was given: the config file yields */

/* Choose the palette theme_init() sets up: 0, or -1 for an unknown name. */
int
theme_select(const char *name)
{
	size_t	i;

	if (name == NULL)
		return (-1);
	for (i = 0; themes[i] != NULL; i++) {
		if (strcasecmp(name, themes[i]->name) == 0 ||
		    (themes[i]->alias != NULL &&
		    strcasecmp(name, themes[i]->alias) == 0)) {
			if (!theme_locked)
				theme_cur = themes[i];
			return (0);
		}
	}
	return (-1);
}

int
theme_select_cmdline(const char *name)
{
	if (theme_select(name) == -1)
		return (-1);
	theme_locked = 1;
	return (0);
}

/* The names theme_select() knows, for messages: "dark, light, ...". */
const char *
theme_names(void)
{
	return ("dark, light, high-contrast");
}

/* The colours of a role under the current theme (the theme's background). */
static void
theme_colors(int role, short *fg, short *bg)
{
	*fg = theme_cur->t[role].fg;
	*bg = theme_cur->t[role].bg;
	if (*bg < 0)
		*bg = theme_cur->bg;
}

/* Set up colour pairs unless colour is off, unavailable or unwanted. */
void
theme_init(struct ui *ui)
{
	int	i, dflt;
	short	fg, bg;

	ui->color = 0;
	bkgdset(A_NORMAL | ' ');
	if (ui->p != NULL && ui->p->no_color)
		return;
	if (!has_colors() || start_color() == ERR || COLORS < 8 ||
	    COLOR_PAIRS < R_MAX + 1)
		return;
	dflt = (use_default_colors() == OK);
	for (i = 0; i < R_MAX; i++) {
		theme_colors(i, &fg, &bg);
		if (!dflt) {
			if (fg < 0)
				fg = COLOR_WHITE;
			if (bg < 0)
				bg = COLOR_BLACK;
		}
		init_pair((short)(i + 1), fg, bg);
	}
	ui->color = 1;
	/* Blank cells take the theme's background too. */
	bkgdset(theme_attr(ui, R_NORMAL) | ' ');
}

/* The attributes (colour pair included) for a role. */
attr_t
theme_attr(const struct ui *ui, int role)
{
	short	fg, bg;

	if (role < 0 || role >= R_MAX)
		role = R_NORMAL;
	if (!ui->color)
		return (theme_cur->t[role].mono_attr);
	theme_colors(role, &fg, &bg);
	if (fg < 0 && bg < 0)
		return (theme_cur->t[role].color_attr);
	return (theme_cur->t[role].color_attr | COLOR_PAIR(role + 1));
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
