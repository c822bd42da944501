/*
 * replay_tools.c: what the tools people paste from add around a session:
 * shell prompts, curl's progress meter, openssl s_client's preamble and
 * session-ticket blocks, and secrets on a pasted command line.  The first
 * pass (replay_lines.c) uses these to drop noise before it picks a format;
 * the second (replay.c) to mask a prompt line.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/replay.h"
#include "smtpscope/xmalloc.h"

#include "src/replay_internal.h"

static int
starts(const char *s, size_t len, const char *pfx)
{
	size_t	n = strlen(pfx);

	return len >= n && memcmp(s, pfx, n) == 0;
}

static int
equals(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(s, word, len) == 0;
}

size_t
replay_prompt_len(const char *s, size_t len)
{
	size_t	i = 0, end;

	/* "$ ", "% ", or the prompt alone on its line. */
	if (len >= 1 && (s[0] == '$' || s[0] == '%') &&
	    (len == 1 || s[1] == ' '))
		return len == 1 ? 1 : 1 + replay_lead_blanks(s + 1, len - 1);
	/* Windows: "C:\>", "C:\Users\me>", "PS C:\> ". */
	if (starts(s, len, "PS "))
		i = 3;
	if (i + 3 <= len && isalpha((unsigned char)s[i]) && s[i + 1] == ':' &&
	    s[i + 2] == '\\') {
		for (end = i + 3; end < len && s[end] != '>'; end++)
			;
		if (end < len)
			return end + 1 + replay_lead_blanks(s + end + 1,
			    len - end - 1);
		return 0;
	}
	/* "[user@host dir]$ " */
	i = 0;
	if (len > 0 && s[0] == '[') {
		for (i = 1; i < len && s[i] != ']'; i++)
			;
		if (i + 1 < len && (s[i + 1] == '$' || s[i + 1] == '#') &&
		    memchr(s, '@', i) != NULL && (i + 2 == len ||
		    s[i + 2] == ' '))
			return i + 2 + replay_lead_blanks(s + i + 2,
			    len - i - 2);
		return 0;
	}
	/* "user@host:~$ ", "root@mx:/etc# ", "host% " with an '@' in it. */
	for (i = 0; i < len && s[i] != ' ' && s[i] != '\t'; i++)
		;
	if (i < 3 || (s[i - 1] != '$' && s[i - 1] != '#' && s[i - 1] != '%'))
		return 0;
	if (memchr(s, '@', i) == NULL || memchr(s, '<', i) != NULL)
		return 0;
	return i + replay_lead_blanks(s + i, len - i);
}

/*
 * A curl progress meter field of times: "--:--:--" or "0:00:01"; its
 * length, or 0.
 */
static size_t
meter_time(const char *s, size_t len)
{
	size_t	i = 0, colons = 0;

	if (starts(s, len, "--:--:--"))
		return 8;
	while (i < len && (isdigit((unsigned char)s[i]) || s[i] == ':')) {
		colons += s[i] == ':';
		i++;
	}
	return colons == 2 && i >= 5 ? i : 0;
}

/* curl's progress meter: a heading line, or numbers, three times, a speed. */
size_t
replay_meter_len(const char *s, size_t len)
{
	size_t	i, t, ntimes = 0;

	if (starts(s, len, "  % Total    % Received % Xferd"))
		return len;
	i = replay_lead_blanks(s, len);
	if (starts(s + i, len - i, "Dload  Upload   Total   Spent"))
		return len;
	if (i == len || !isdigit((unsigned char)s[i]))
		return 0;
	while (i < len && ntimes < 3) {
		if ((t = meter_time(s + i, len - i)) > 0) {
			ntimes++;
			i += t;
		} else if (isdigit((unsigned char)s[i]) || s[i] == ' ' ||
		    s[i] == '.' || strchr("kMGTP", s[i]) != NULL)
			i++;
		else
			return 0;
	}
	if (ntimes < 3)
		return 0;
	/* The current speed: blanks, then digits with a unit. */
	i += replay_lead_blanks(s + i, len - i);
	while (i < len && (isdigit((unsigned char)s[i]) || s[i] == '.' ||
	    strchr("kMGTP", s[i]) != NULL))
		i++;
	return i;
}

/* Is this line the start of an s_client session-ticket block? */
static int
ticket_start(const char *s, size_t len)
{
	return starts(s, len, "Post-Handshake New Session Ticket arrived") ||
	    equals(s, len, "SSL-Session:");
}

/* Lines s_client prints on its own between SMTP lines. */
static int
sclient_chatter(const char *s, size_t len)
{
	return equals(s, len, "read R BLOCK") || equals(s, len, "DONE") ||
	    equals(s, len, "RENEGOTIATING") || starts(s, len, "read:errno=") ||
	    starts(s, len, "depth=") || starts(s, len, "verify return:") ||
	    starts(s, len, "verify error:");
}

static void
mark(struct rline *l, enum rkind k)
{
	l->kind = k;
}

/*
 * openssl s_client: from "CONNECTED(" to the "---" after "Verify return
 * code:", everything is the tool's preamble.  It is dropped, except the
 * "New, TLSv1.3, Cipher is ..." line (TLS came up) and the verification
 * result; the first line becomes one note saying what was left out.
 * Session-ticket blocks and chatter ("read R BLOCK", "DONE") later on are
 * dropped too.
 */
void
replay_mark_sclient(struct rline *rl, size_t n)
{
	static const char	 note[] = "openssl s_client: its certificate "
	    "chain and handshake details are left out";
	size_t			 i, b;
	const char		*s;
	size_t			 len;
	int			 in_pre = 0, verified = 0, in_ticket = 0;
	int			 seen = 0;

	for (i = 0; i < n; i++) {
		s = rl[i].p;
		len = rl[i].len;
		b = replay_lead_blanks(s, len);
		if (starts(s, len, "CONNECTED(")) {
			seen = in_pre = 1;
			verified = 0;
			rl[i].p = note;
			rl[i].len = sizeof note - 1;
			mark(&rl[i], RK_OMITTED);
			continue;
		}
		if (!seen)
			continue;
		if (in_pre) {
			if (len == 3 && memcmp(s, "---", 3) == 0 && verified)
				in_pre = 0;
			if (starts(s, len, "New, ") &&
			    !starts(s, len, "New, (NONE)")) {
				mark(&rl[i], RK_TLS_UP);
				continue;
			}
			if (starts(s + b, len - b, "Verify return code:") &&
			    !verified && b == 0) {
				verified = 1;
				mark(&rl[i], RK_TLS);
				continue;
			}
			if (starts(s + b, len - b, "Verify return code:"))
				verified = 1;
			mark(&rl[i], RK_NOISE);
			continue;
		}
		if (in_ticket) {
			/* Indented fields and blank lines up to "---". */
			if (len == 3 && memcmp(s, "---", 3) == 0)
				in_ticket = 0;
			else if (b == 0 && len > 0 && !ticket_start(s, len))
				in_ticket = 0;
			if (in_ticket || (len == 3 && memcmp(s, "---", 3) == 0)) {
				mark(&rl[i], RK_NOISE);
				continue;
			}
		}
		if (ticket_start(s, len)) {
			in_ticket = 1;
			mark(&rl[i], RK_NOISE);
			/* The "---" just before the block is s_client's too. */
			if (i > 0 && rl[i - 1].len == 3 &&
			    memcmp(rl[i - 1].p, "---", 3) == 0)
				mark(&rl[i - 1], RK_NOISE);
			continue;
		}
		if (sclient_chatter(s, len))
			mark(&rl[i], RK_NOISE);
	}
}

/* The option names after which curl and swaks take a secret. */
static const char *secret_opts[] = {
	"--user", "-u", "--oauth2-bearer", "--pass", "--auth-password", "-ap",
	"--password", "-pw"
};

/* Mask s[0..len) from its first ':' when user is set, else all of it. */
static void
mask_word(char *s, size_t len, int user)
{
	char	*c = user ? memchr(s, ':', len) : s - 1;
	size_t	 k;

	if (c == NULL)
		return;
	for (k = (size_t)(c + 1 - s); k < len; k++)
		if (s[k] != '\'' && s[k] != '"')
			s[k] = '*';
}

char *
replay_mask_cmdline(const char *line, size_t len)
{
	char	*s = xstrndup(line, len);
	size_t	 i = 0, w, k, n;
	int	 next = 0, user = 0;

	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		for (w = i; i < len && s[i] != ' ' && s[i] != '\t'; i++)
			;
		if (i == w)
			break;
		if (next) {
			mask_word(s + w, i - w, user);
			next = 0;
			continue;
		}
		for (k = 0; k < sizeof secret_opts / sizeof secret_opts[0];
		    k++) {
			n = strlen(secret_opts[k]);
			user = k < 2;
			if (i - w == n && memcmp(s + w, secret_opts[k], n) == 0)
				next = 1;
			else if (i - w > n + 1 && memcmp(s + w, secret_opts[k],
			    n) == 0 && s[w + n] == '=')
				mask_word(s + w + n + 1, i - w - n - 1, user);
			else if (k == 1 && i - w > 2 && memcmp(s + w, "-u",
			    2) == 0)
				mask_word(s + w + 2, i - w - 2, 1);
			else
				continue;
			break;
		}
	}
	return s;
}
