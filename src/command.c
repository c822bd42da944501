/*
 * command.c: the ':' commands.  One table holds name, usage, help and
 * handler; the UI and script mode both run lines through command_run().
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/command.h"
#include "smtpscope/data.h"
#include "smtpscope/export.h"
#include "smtpscope/kb.h"
#include "smtpscope/practice.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/sasl.h"
#include "smtpscope/session.h"
#include "smtpscope/target.h"
#include "smtpscope/tls_report.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xclient.h"
#include "smtpscope/xmalloc.h"

#define CMD_MAXARGS	8
#define CMD_AUTH_MECHS	"plain, login, cram-md5, xoauth2, scram-sha-1, " \
	"scram-sha-256 (and -plus), digest-md5, ntlm, oauthbearer, external " \
	"or gssapi"

static int	cmd_auth(struct command_ctx *, int, char **);
static int	cmd_b64(struct command_ctx *, int, char **);
static int	cmd_unb64(struct command_ctx *, int, char **);
static int	cmd_msg(struct command_ctx *, int, char **);
static int	cmd_send(struct command_ctx *, int, char **);
static int	cmd_bdat(struct command_ctx *, int, char **);
static int	cmd_expect(struct command_ctx *, int, char **);
static int	cmd_save(struct command_ctx *, int, char **);
static int	cmd_export(struct command_ctx *, int, char **);
static int	cmd_break(struct command_ctx *, int, char **);
static int	cmd_explain(struct command_ctx *, int, char **);
static int	cmd_reconnect(struct command_ctx *, int, char **);
static int	cmd_connect(struct command_ctx *, int, char **);
static int	cmd_raw(struct command_ctx *, int, char **);
static int	cmd_pipeline(struct command_ctx *, int, char **);
static int	cmd_sync(struct command_ctx *, int, char **);
static int	cmd_help(struct command_ctx *, int, char **);
static int	cmd_inbox(struct command_ctx *, int, char **);
static int	cmd_quit(struct command_ctx *, int, char **);
static int	cmd_lesson(struct command_ctx *, int, char **);
static int	cmd_hint(struct command_ctx *, int, char **);
static int	cmd_tls(struct command_ctx *, int, char **);
static int	cmd_xclient(struct command_ctx *, int, char **);
static int	cmd_xforward(struct command_ctx *, int, char **);

const struct command_entry command_table[] = {
	{ "auth", ":auth plain|login|cram-md5|xoauth2|scram-sha-1[-plus]|"
	  "scram-sha-256[-plus]|digest-md5|ntlm|oauthbearer|external|gssapi "
	  "[USER]",
	  "run a whole AUTH exchange; the base64 is done for you and the "
	  "password is asked for (or taken from --password-env/-file)",
	  CMD_UI | CMD_SCRIPT, cmd_auth },
	{ "b64", ":b64 TEXT", "show TEXT base64-encoded (nothing is sent)",
	  CMD_UI | CMD_SCRIPT | CMD_OFFLINE, cmd_b64 },
	{ "unb64", ":unb64 TEXT", "show what base64 TEXT decodes to",
	  CMD_UI | CMD_SCRIPT | CMD_OFFLINE, cmd_unb64 },
	{ "msg", ":msg [FROM [TO [SUBJECT]]]",
	  "send a minimal message (DATA first if needed); FROM and TO "
	  "default to the envelope", CMD_UI | CMD_SCRIPT, cmd_msg },
	{ "send", ":send FILE",
	  "send an .eml file as the message (DATA first if needed), with "
	  "CRLF line ends and dot-stuffing", CMD_UI | CMD_SCRIPT, cmd_send },
	{ "bdat", ":bdat FILE [CHUNK]",
	  "send FILE as the message with BDAT chunks of CHUNK octets "
	  "(default 64K; K and M allowed), the last one BDAT n LAST "
	  "(CHUNKING, RFC 3030); the octets go as they are",
	  CMD_UI | CMD_SCRIPT, cmd_bdat },
	{ "expect", ":expect CODE[|CODE...]",
	  "check the last reply: 250, 2xx, 25x, 5.7.8, or \"235 2.7.0\"",
	  CMD_UI | CMD_SCRIPT, cmd_expect },
	{ "save", ":save[!] FILE", "write the transcript to FILE (secrets "
	  "masked unless --show-secrets); an existing FILE is replaced only "
	  "with :save! or when you say yes",
	  CMD_UI | CMD_SCRIPT | CMD_OFFLINE | CMD_FORCE, cmd_save },
	{ "export", ":export[!] FILE.html", "write the transcript as one HTML "
	  "page, coloured and explained, for a ticket or a lesson (! "
	  "replaces an existing file)",
	  CMD_UI | CMD_SCRIPT | CMD_OFFLINE | CMD_FORCE, cmd_export },
	{ "explain", ":explain CODE|KEYWORD",
	  "explain a reply code, enhanced code or EHLO keyword",
	  CMD_UI | CMD_SCRIPT | CMD_OFFLINE, cmd_explain },
	{ "break", ":break CODE|off", "step mode: stop continuing when a "
	  "reply matches CODE (5xx, 550, 4.7.1); off clears, no CODE lists",
	  CMD_UI, cmd_break },
	{ "tls", ":tls", "the TLS report of the last handshake: every "
	  "certificate the server sent, the trusted CA the path ends at, "
	  "OCSP stapling, what was negotiated",
	  CMD_UI | CMD_SCRIPT, cmd_tls },
	{ "reconnect", ":reconnect", "close and connect again",
	  CMD_UI | CMD_SCRIPT, cmd_reconnect },
	{ "connect", ":connect URL|HOST [PORT]|DOMAIN", "close and connect "
	  "to another target, written as on the command line; a domain "
	  "name alone (no scheme, no port) means mx://DOMAIN",
	  CMD_UI | CMD_SCRIPT, cmd_connect },
	{ "xclient", ":xclient ATTR=VALUE ...", "send Postfix's XCLIENT (ADDR, "
	  "NAME, PORT, PROTO, HELO, LOGIN, DESTADDR, DESTPORT; values "
	  "xtext-encoded for you), then EHLO again after its 220",
	  CMD_UI | CMD_SCRIPT, cmd_xclient },
	{ "xforward", ":xforward ATTR=VALUE ...", "send Postfix's XFORWARD "
	  "(ADDR, NAME, PORT, PROTO, HELO, IDENT, SOURCE) for the next message",
	  CMD_UI | CMD_SCRIPT, cmd_xforward },
	{ "raw", ":raw [all]", "send the next AUTH answer verbatim (already "
	  "base64); all: every answer of this exchange",
	  CMD_UI | CMD_SCRIPT, cmd_raw },
	{ "pipeline", ":pipeline", "send the following commands at once, "
	  "without waiting (PIPELINING, RFC 2920)", CMD_SCRIPT, cmd_pipeline },
	{ "sync", ":sync", "wait for every reply of a :pipeline batch",
	  CMD_SCRIPT, cmd_sync },
	{ "inbox", ":inbox [N]", "list the messages the built-in practice "
	  "server accepted, or show message N (no target only)",
	  CMD_UI | CMD_SCRIPT, cmd_inbox },
	{ "lesson", ":lesson N|next", "start lesson N, or the next one "
	  "(smtpscope --lesson lists them)", CMD_UI, cmd_lesson },
	{ "hint", ":hint", "show the hint of the lesson running",
	  CMD_UI, cmd_hint },
	{ "help", ":help", "list the ':' commands",
	  CMD_UI | CMD_SCRIPT | CMD_OFFLINE, cmd_help },
	{ "quit", ":quit", "leave smtpscope (type QUIT to say goodbye to "
	  "the server first)", CMD_UI | CMD_SCRIPT | CMD_OFFLINE, cmd_quit },
	{ NULL, NULL, NULL, 0, NULL }
};

/* Show a message through the front end. */
static void
cmd_say(struct command_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
cmd_say(struct command_ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	va_start(ap, fmt);
	text = xvprintf(fmt, ap);
	va_end(ap);
	if (ctx->say != NULL)
		ctx->say(ctx->arg, text);
	free(text);
}

/* A result worth keeping: a transcript note where the front end has one. */
static void
cmd_note(struct command_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
cmd_note(struct command_ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	va_start(ap, fmt);
	text = xvprintf(fmt, ap);
	va_end(ap);
	if (ctx->note != NULL)
		ctx->note(ctx->arg, text);
	else if (ctx->say != NULL)
		ctx->say(ctx->arg, text);
	free(text);
}

/* "save!" finds :save (it has a '!' form); "quit!" finds nothing. */
const struct command_entry *
command_find(const char *name)
{
	const struct command_entry	*ce;
	size_t				 len = strlen(name);
	int				 bang = 0;

	if (len > 1 && name[len - 1] == '!') {
		bang = 1;
		len--;
	}
	for (ce = command_table; ce->name != NULL; ce++)
		if (strlen(ce->name) == len &&
		    strncasecmp(ce->name, name, len) == 0)
			return (!bang || (ce->flags & CMD_FORCE)) ? ce : NULL;
	return NULL;
}

size_t
command_complete(const char *prefix, const char **out, size_t max)
{
	const struct command_entry	*ce;
	size_t				 n = 0, len;

	if (*prefix == ':')
		prefix++;
	len = strlen(prefix);
	for (ce = command_table; ce->name != NULL; ce++) {
		if (strncasecmp(ce->name, prefix, len) != 0)
			continue;
		if (n < max)
			out[n] = ce->name;
		n++;
	}
	return n;
}

/*
 * Split a line into words; a word may be "quoted".  The last word of
 * :b64 and friends is the rest of the line, so handlers get that too.
 */
static int
cmd_split(char *line, char **argv, int max)
{
	int	 argc = 0;
	char	*p = line;

	while (*p != '\0' && argc < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p == '"') {
			argv[argc++] = ++p;
			while (*p != '\0' && *p != '"')
				p++;
		} else {
			argv[argc++] = p;
			while (*p != '\0' && *p != ' ' && *p != '\t')
				p++;
		}
		if (*p != '\0')
			*p++ = '\0';
	}
	return argc;
}

int
command_run(struct command_ctx *ctx, const char *line)
{
	const struct command_entry	*ce;
	char				*copy, *argv[CMD_MAXARGS], *rest;
	int				 argc, rc;
	size_t				 namelen;

	if (*line == ':')
		line++;
	namelen = strcspn(line, " \t");
	copy = xstrndup(line, namelen);
	ce = command_find(copy);
	if (ce == NULL) {
		cmd_say(ctx, "unknown command ':%s' (try :help)", copy);
		free(copy);
		return -1;
	}
	free(copy);
	if (ctx->s == NULL && !(ce->flags & CMD_OFFLINE)) {
		cmd_say(ctx, "':%s' needs a live session; this is a replay "
		    "(:save, :export, :explain and :quit work here)", ce->name);
		return -1;
	}
	rest = xstrdup(line + namelen);
	argv[0] = (char *)ce->name;
	/* :b64, :unb64 and :explain take the rest of the line as one word. */
	if (ce->fn == cmd_b64 || ce->fn == cmd_unb64 || ce->fn == cmd_explain ||
	    ce->fn == cmd_xclient || ce->fn == cmd_xforward) {
		char	*p = rest;

		while (*p == ' ' || *p == '\t')
			p++;
		argc = 1;
		if (*p != '\0')
			argv[argc++] = p;
	} else
		argc = 1 + cmd_split(rest, argv + 1, CMD_MAXARGS - 1);
	ctx->force = (namelen > 0 && line[namelen - 1] == '!');
	rc = ce->fn(ctx, argc, argv);
	ctx->force = 0;
	wipe(rest, strlen(rest));
	free(rest);
	return rc;
}

/* A BDAT chunk size: digits with K or M, 1 to 64M; 0 when it is not. */
static size_t
cmd_chunk_size(const char *arg)
{
	unsigned long long	 v = 0;
	const char		*p = arg;

	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (unsigned long long)(*p - '0')) > (64 << 20))
			return 0;
	if (*p == 'k' || *p == 'K') {
		v <<= 10;
		p++;
	} else if (*p == 'm' || *p == 'M') {
		v <<= 20;
		p++;
	}
	if (*p != '\0' || v == 0 || v > (64 << 20))
		return 0;
	return (size_t)v;
}

int
command_check(const char *line, char *err, size_t errlen)
{
	const struct command_entry	*ce;
	struct stat			 st;
	char				*copy, *argv[CMD_MAXARGS];
	int				 argc, rc = 0;

	if (*line == ':')
		line++;
	copy = xstrdup(line);
	argc = cmd_split(copy, argv, CMD_MAXARGS);
	if (argc == 0 || (ce = command_find(argv[0])) == NULL) {
		snprintf(err, errlen, "unknown command ':%s'", argc > 0 ?
		    argv[0] : "");
		rc = -1;
	} else if (ce->fn == cmd_auth && (argc < 2 || argc > 3)) {
		snprintf(err, errlen, "usage: %s", ce->usage);
		rc = -1;
	} else if (ce->fn == cmd_auth && auth_mech_parse(argv[1]) == -1) {
		snprintf(err, errlen, ":auth: unknown mechanism '%s' (use "
		    "%s)", argv[1], CMD_AUTH_MECHS);
		rc = -1;
	} else if (ce->fn == cmd_send && argc != 2) {
		snprintf(err, errlen, "usage: %s", ce->usage);
		rc = -1;
	} else if (ce->fn == cmd_send && (stat(argv[1], &st) == -1 ||
	    access(argv[1], R_OK) == -1)) {
		snprintf(err, errlen, ":send: cannot read %s: %s", argv[1],
		    strerror(errno));
		rc = -1;
	} else if (ce->fn == cmd_send && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, ":send: %s is not a file", argv[1]);
		rc = -1;
	} else if (ce->fn == cmd_bdat && (argc < 2 || argc > 3 ||
	    (argc == 3 && cmd_chunk_size(argv[2]) == 0))) {
		snprintf(err, errlen, "usage: %s (CHUNK from 1 to 64M)",
		    ce->usage);
		rc = -1;
	} else if (ce->fn == cmd_bdat && (stat(argv[1], &st) == -1 ||
	    access(argv[1], R_OK) == -1)) {
		snprintf(err, errlen, ":bdat: cannot read %s: %s", argv[1],
		    strerror(errno));
		rc = -1;
	} else if (ce->fn == cmd_bdat && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, ":bdat: %s is not a file", argv[1]);
		rc = -1;
	} else if (ce->fn == cmd_xclient || ce->fn == cmd_xforward) {
		char	*built, *p = strchr(line, ' ');

		built = xclient_build(ce->fn == cmd_xclient ? XCLIENT_XCLIENT :
		    XCLIENT_XFORWARD, p != NULL ? p : "", err, errlen);
		if (built == NULL)
			rc = -1;
		free(built);
	} else if (ce->fn == cmd_expect && argc < 2) {
		snprintf(err, errlen, "usage: %s", ce->usage);
		rc = -1;
	} else if (ce->fn == cmd_inbox && (argc > 2 || (argc == 2 &&
	    (strspn(argv[1], "0123456789") != strlen(argv[1]) ||
	    atol(argv[1]) < 1)))) {
		snprintf(err, errlen, "usage: %s", ce->usage);
		rc = -1;
	}
	free(copy);
	return rc;
}


/* Tell the user how a command is used. */
static int
cmd_usage(struct command_ctx *ctx, const char *name)
{
	const struct command_entry	*ce = command_find(name);

	cmd_say(ctx, "usage: %s", ce != NULL ? ce->usage : name);
	return -1;
}

static int
cmd_auth(struct command_ctx *ctx, int argc, char **argv)
{
	const char	*user;
	char		*secret;
	int		 mech, rc;

	if (argc < 2 || argc > 3)
		return cmd_usage(ctx, "auth");
	if ((mech = auth_mech_parse(argv[1])) == -1) {
		cmd_say(ctx, "unknown mechanism '%s': use %s", argv[1],
		    CMD_AUTH_MECHS);
		return -1;
	}
	user = argc == 3 ? argv[2] : ctx->user;
	/* EXTERNAL and GSSAPI prove who we are without a name or secret. */
	if (sasl_handles(mech) && !sasl_needs_secret(mech))
		return session_auth(ctx->s, (enum auth_mech)mech,
		    user != NULL ? user : "", NULL);
	if (user == NULL || *user == '\0') {
		cmd_say(ctx, ":auth needs a user name: :auth %s USER, or "
		    "--user", argv[1]);
		return -1;
	}
	/* A readable secret on a plaintext connection: ask, or refuse. */
	if (session_auth_exposed(ctx->s, mech)) {
		if (ctx->confirm == NULL)
			return session_auth(ctx->s, mech, user, NULL);
		if (!ctx->confirm(ctx->arg, "Not encrypted: the password "
		    "would cross the network readable (STARTTLS first is "
		    "safer). Send it anyway? (yes/no)")) {
			cmd_say(ctx, ":auth cancelled: nothing was sent; send "
			    "STARTTLS first");
			return -1;
		}
		session_allow_plaintext(ctx->s);
	}
	if (ctx->password != NULL)
		secret = xstrdup(ctx->password);
	else if (ctx->ask_secret != NULL) {
		char	*prompt;

		prompt = xprintf("%s for %s: ", mech == AUTH_XOAUTH2 ||
		    mech == AUTH_OAUTHBEARER ? "Access token" : "Password",
		    user);
		secret = ctx->ask_secret(ctx->arg, prompt);
		free(prompt);
	} else
		secret = NULL;
	if (secret == NULL) {
		cmd_say(ctx, "no password: give --password-env VAR or "
		    "--password-file FILE, or run on a terminal");
		return -1;
	}
	rc = session_auth(ctx->s, (enum auth_mech)mech, user, secret);
	free_secret(secret);
	return rc;
}

static int
cmd_b64(struct command_ctx *ctx, int argc, char **argv)
{
	char	*enc;

	if (argc != 2)
		return cmd_usage(ctx, "b64");
	enc = b64_encode(argv[1], strlen(argv[1]));
	cmd_note(ctx, "base64 of \"%s\": %s", argv[1], enc);
	free(enc);
	return 0;
}

static int
cmd_unb64(struct command_ctx *ctx, int argc, char **argv)
{
	struct buf	 dec;
	char		*safe;

	if (argc != 2)
		return cmd_usage(ctx, "unb64");
	buf_init(&dec);
	if (b64_decode(argv[1], strlen(argv[1]), &dec) == -1) {
		cmd_say(ctx, "not valid base64: %s", argv[1]);
		buf_free(&dec);
		return -1;
	}
	safe = sanitize_dup(dec.data != NULL ? dec.data : "", dec.len);
	cmd_note(ctx, "%s decodes to \"%s\"", argv[1], safe);
	free(safe);
	buf_free(&dec);
	return 0;
}

static int
cmd_msg(struct command_ctx *ctx, int argc, char **argv)
{
	const struct session_info	*si = session_info(ctx->s);
	const char			*from, *to, *subject;
	char				*text;
	int				 rc;

	if (argc > 4)
		return cmd_usage(ctx, "msg");
	from = argc > 1 ? argv[1] : session_mail_from(ctx->s);
	to = argc > 2 ? argv[2] : session_rcpt_first(ctx->s);
	subject = argc > 3 ? argv[3] : "smtpscope test message";
	if (from == NULL || *from == '\0')
		from = "smtpscope@localhost";
	if (to == NULL || *to == '\0')
		to = "postmaster@localhost";
	text = data_compose(from, to, subject, si->host);
	rc = session_send_message(ctx->s, text);
	free(text);
	return rc;
}

static int
cmd_send(struct command_ctx *ctx, int argc, char **argv)
{
	if (argc != 2)
		return cmd_usage(ctx, "send");
	return session_send_file(ctx->s, argv[1]);
}

static int
cmd_bdat(struct command_ctx *ctx, int argc, char **argv)
{
	const struct session_info	*si = session_info(ctx->s);
	size_t				 chunk = 64 * 1024;

	if (argc < 2 || argc > 3)
		return cmd_usage(ctx, "bdat");
	if (argc == 3 && (chunk = cmd_chunk_size(argv[2])) == 0) {
		cmd_say(ctx, ":bdat: CHUNK is a size from 1 to 64M, not '%s'",
		    argv[2]);
		return -1;
	}
	if (si->have_caps && !(si->caps.flags & EHLO_CHUNKING))
		session_note(ctx->s, TDIR_WARN, "the server did not advertise "
		    "CHUNKING: BDAT goes out anyway, as asked (RFC 3030 2 "
		    "lets a server refuse it)");
	return session_send_bdat(ctx->s, argv[1], chunk);
}

/* Does one expectation ("250", "2xx", "5.7.8", "235 2.7.0") hold? */
static int
cmd_expect_one(const char *want, const struct reply *r)
{
	if (r == NULL)
		return 0;
	return command_code_match(want, r->code, r->enh);
}

int
command_code_match(const char *want, int rcode, const char *enh)
{
	const char	*sp;
	char		 code[8];
	size_t		 i;

	if (enh == NULL)
		enh = "";
	if (strchr(want, '.') != NULL && strchr(want, ' ') == NULL)
		return strcmp(want, enh) == 0;
	snprintf(code, sizeof code, "%03d", rcode);
	for (i = 0; i < 3; i++) {
		if (want[i] == '\0')
			return 0;
		if ((want[i] == 'x' || want[i] == 'X') && i > 0)
			continue;
		if (want[i] != code[i])
			return 0;
	}
	if (want[3] == '\0')
		return 1;
	if (want[3] != ' ')
		return 0;
	sp = want + 4;
	while (*sp == ' ')
		sp++;
	return strcmp(sp, enh) == 0;
}

static int
cmd_expect(struct command_ctx *ctx, int argc, char **argv)
{
	const struct reply	*r;
	char			*want, *alt, *save = NULL, *all;
	int			 i, ok = 0;

	if (argc < 2)
		return cmd_usage(ctx, "expect");
	/* "235 2.7.0" may come as two words. */
	{
		struct buf	b;

		buf_init(&b);
		for (i = 1; i < argc; i++) {
			if (i > 1)
				buf_addch(&b, ' ');
			buf_addstr(&b, argv[i]);
		}
		all = buf_take(&b);
	}
	r = session_last_reply(ctx->s);
	want = xstrdup(all);
	for (alt = strtok_r(want, "|", &save); alt != NULL;
	    alt = strtok_r(NULL, "|", &save)) {
		while (*alt == ' ')
			alt++;
		if (cmd_expect_one(alt, r))
			ok = 1;
	}
	free(want);
	if (ok) {
		session_note(ctx->s, TDIR_INFO, "expectation held: %s", all);
		free(all);
		return 0;
	}
	ctx->failed = 1;
	if (r == NULL)
		session_note(ctx->s, TDIR_WARN, "expectation failed: wanted "
		    "%s, but no reply has arrived", all);
	else {
		char	*safe = sanitize_dup(r->lines[r->nlines - 1].text,
		    r->lines[r->nlines - 1].len);

		session_note(ctx->s, TDIR_WARN, "expectation failed: wanted "
		    "%s, got %s", all, safe);
		free(safe);
	}
	free(all);
	return -1;
}

/* The transcript :save and :export write: the session's or a replay's. */
static struct transcript *
cmd_transcript(struct command_ctx *ctx)
{
	if (ctx->t != NULL)
		return ctx->t;
	return session_transcript(ctx->s);
}

/* Whether :save and :export write secrets (--show-secrets). */
static int
cmd_secrets(struct command_ctx *ctx)
{
	if (ctx->s != NULL)
		return session_show_secrets(ctx->s);
	return ctx->show_secrets;
}

/*
 * May :save or :export write path?  A file already there is replaced only
 * with the '!' form or when the user says yes; a script, with nobody to
 * ask, refuses.  Returns 0, or -1 after saying why not.
 */
static int
cmd_may_write(struct command_ctx *ctx, const char *name, const char *path)
{
	struct stat	 st;
	char		*q;
	int		 yes;

	if (ctx->force || lstat(path, &st) == -1)
		return 0;
	if (ctx->script || ctx->confirm == NULL) {
		cmd_say(ctx, "%s exists: not replaced (:%s! %s replaces it)",
		    path, name, path);
		return -1;
	}
	q = xprintf("%s exists. Replace it? (yes/no)", path);
	yes = ctx->confirm(ctx->arg, q);
	free(q);
	if (!yes) {
		cmd_say(ctx, "not written: %s is unchanged", path);
		return -1;
	}
	return 0;
}

static int
cmd_save(struct command_ctx *ctx, int argc, char **argv)
{
	char	err[512];

	if (argc != 2)
		return cmd_usage(ctx, "save");
	if (cmd_may_write(ctx, "save", argv[1]) == -1)
		return -1;
	if (transcript_save(cmd_transcript(ctx), argv[1],
	    cmd_secrets(ctx) ? TW_SECRETS | TW_TIMING :
	    TW_TIMING, err, sizeof err) == -1) {
		cmd_say(ctx, "%s", err);
		return -1;
	}
	cmd_say(ctx, "transcript saved to %s", argv[1]);
	return 0;
}

static int
cmd_export(struct command_ctx *ctx, int argc, char **argv)
{
	struct export_meta	 meta;
	char			 err[512];

	if (argc != 2)
		return cmd_usage(ctx, "export");
	if (cmd_may_write(ctx, "export", argv[1]) == -1)
		return -1;
	memset(&meta, 0, sizeof meta);
	if (ctx->s != NULL)
		meta.host = session_info(ctx->s)->host;
	meta.source = ctx->source;
	if (export_html_meta(cmd_transcript(ctx), argv[1], &meta,
	    cmd_secrets(ctx) ? TW_SECRETS : 0, err, sizeof err) == -1) {
		cmd_say(ctx, "%s", err);
		return -1;
	}
	cmd_say(ctx, "HTML page written to %s", argv[1]);
	return 0;
}

static int
cmd_break(struct command_ctx *ctx, int argc, char **argv)
{
	if (argc > 2)
		return cmd_usage(ctx, "break");
	if (ctx->set_break == NULL) {
		cmd_say(ctx, ":break works when stepping through a script "
		    "(--script FILE --step)");
		return -1;
	}
	return ctx->set_break(ctx->arg, argc == 2 ? argv[1] : NULL);
}

static int
cmd_explain(struct command_ctx *ctx, int argc, char **argv)
{
	struct buf	b;
	int		rc;

	if (argc != 2)
		return cmd_usage(ctx, "explain");
	buf_init(&b);
	rc = kb_explain_arg(&b, argv[1]);
	cmd_say(ctx, "%s", buf_str(&b));
	buf_free(&b);
	if (rc == 0 && ctx->lesson != NULL)
		ctx->lesson(ctx->arg, "explain", argv[1]);
	return rc;
}

/* Lessons live in the UI; the handler there does the work. */
static int
cmd_lesson(struct command_ctx *ctx, int argc, char **argv)
{
	if (argc != 2)
		return cmd_usage(ctx, "lesson");
	if (ctx->lesson == NULL) {
		cmd_say(ctx, "lessons run in the UI: smtpscope --lesson %s",
		    argv[1]);
		return -1;
	}
	return ctx->lesson(ctx->arg, "lesson", argv[1]);
}

static int
cmd_hint(struct command_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cmd_usage(ctx, "hint");
	if (ctx->lesson == NULL) {
		cmd_say(ctx, "%s", "no lesson here: smtpscope --lesson "
		    "lists them");
		return -1;
	}
	return ctx->lesson(ctx->arg, "hint", NULL);
}

/* :xclient and :xforward: the words after the command, as typed. */
static int
cmd_admin(struct command_ctx *ctx, int argc, char **argv,
    enum xclient_kind k)
{
	const char	*name = k == XCLIENT_XCLIENT ? "xclient" : "xforward";

	if (argc != 2)
		return cmd_usage(ctx, name);
	return session_xclient(ctx->s, k, argv[1]);
}

static int
cmd_xclient(struct command_ctx *ctx, int argc, char **argv)
{
	return cmd_admin(ctx, argc, argv, XCLIENT_XCLIENT);
}

static int
cmd_xforward(struct command_ctx *ctx, int argc, char **argv)
{
	return cmd_admin(ctx, argc, argv, XCLIENT_XFORWARD);
}

static int
cmd_reconnect(struct command_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cmd_usage(ctx, "reconnect");
	return session_reconnect(ctx->s);
}

static int
cmd_connect(struct command_ctx *ctx, int argc, char **argv)
{
	struct target	t;
	char		err[512];

	if (argc < 2 || argc > 3)
		return cmd_usage(ctx, "connect");
	if (target_parse(argc - 1, argv + 1, TARGET_DOMAIN_MX, &t, err,
	    sizeof err) == -1) {
		cmd_say(ctx, ":connect: %s", err);
		return -1;
	}
	if (*t.note != '\0')
		cmd_say(ctx, "%s", t.note);
	return session_retarget(ctx->s, &t);
}

static int
cmd_raw(struct command_ctx *ctx, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "all") == 0) {
		session_set_raw(ctx->s);
		session_set_raw_exchange(ctx->s);
		cmd_say(ctx, "every answer of this AUTH exchange is sent as "
		    "typed (no base64)");
		return 0;
	}
	if (argc != 1)
		return cmd_usage(ctx, "raw");
	session_set_raw(ctx->s);
	cmd_say(ctx, "the next answer is sent as typed (no base64)");
	return 0;
}

static int
cmd_pipeline(struct command_ctx *ctx, int argc, char **argv)
{
	const struct session_info	*si = session_info(ctx->s);

	(void)argv;
	if (argc != 1)
		return cmd_usage(ctx, "pipeline");
	if (!si->have_caps || !(si->caps.flags & EHLO_PIPELINING)) {
		session_note(ctx->s, TDIR_WARN, "the server did not advertise "
		    "PIPELINING, so commands go one at a time (RFC 2920 3.1)");
		return 0;
	}
	ctx->pipelining = 1;
	return 0;
}

static int
cmd_sync(struct command_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cmd_usage(ctx, "sync");
	ctx->pipelining = 0;
	return session_wait(ctx->s);
}

static int
cmd_help(struct command_ctx *ctx, int argc, char **argv)
{
	const struct command_entry	*ce;
	struct buf			 b;

	(void)argc;
	(void)argv;
	buf_init(&b);
	buf_addstr(&b, "Lines without ':' go to the server as typed. "
	    "Local commands:");
	for (ce = command_table; ce->name != NULL; ce++) {
		if (ctx->script ? !(ce->flags & CMD_SCRIPT) :
		    !(ce->flags & CMD_UI))
			continue;
		buf_printf(&b, "\n  %-34s %s", ce->usage, ce->help);
	}
	cmd_say(ctx, "%s", buf_str(&b));
	buf_free(&b);
	return 0;
}

static int
cmd_quit(struct command_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cmd_usage(ctx, "quit");
	ctx->quit = 1;
	return 0;
}

/* The Subject of a message, or "(no subject)", made safe to show. */
static char *
cmd_subject(const struct practice_msg *m)
{
	const char	*p = m->data, *end = m->data + m->len, *e;

	while (p < end) {
		e = memchr(p, '\n', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (e - p <= 2)
			break;		/* the blank line ends the header */
		if (e - p > 8 && strncasecmp(p, "Subject:", 8) == 0) {
			p += 8;
			while (p < e && *p == ' ')
				p++;
			return sanitize_dup(p, (size_t)(e - p) -
			    (e > p && e[-1] == '\r' ? 1 : 0));
		}
		p = e + 1;
	}
	return xstrdup("(no subject)");
}

static int
cmd_inbox(struct command_ctx *ctx, int argc, char **argv)
{
	const struct practice_msg	*m;
	struct buf			 b;
	size_t				 n, i, k;
	char				*safe;
	long				 want;

	if (argc > 2)
		return cmd_usage(ctx, "inbox");
	if (ctx->practice == NULL) {
		cmd_say(ctx, ":inbox only works on the built-in practice "
		    "server: it shows what that server accepted. Run "
		    "smtpscope (or the script) with no target; a server of "
		    "your own (--serve) can keep mail with --maildir DIR");
		return -1;
	}
	n = practice_nmsgs(ctx->practice);
	buf_init(&b);
	if (argc == 1) {
		buf_printf(&b, "%zu message%s accepted", n, n == 1 ? "" : "s");
		for (i = 0; i < n; i++) {
			m = practice_msg(ctx->practice, i);
			safe = sanitize_dup(m->from, strlen(m->from));
			buf_printf(&b, "\n%zu. from <%s> to", i + 1, safe);
			free(safe);
			for (k = 0; k < m->nrcpt; k++) {
				safe = sanitize_dup(m->rcpt[k],
				    strlen(m->rcpt[k]));
				buf_printf(&b, " <%s>", safe);
				free(safe);
			}
			safe = cmd_subject(m);
			buf_printf(&b, ", %zu octets: %s", m->len, safe);
			free(safe);
		}
		if (n > 0)
			buf_addstr(&b, "\n:inbox N shows message N");
	} else {
		want = strtol(argv[1], NULL, 10);
		if (want < 1 || (size_t)want > n) {
			cmd_say(ctx, "no message %s: the inbox holds %zu",
			    argv[1], n);
			buf_free(&b);
			return -1;
		}
		m = practice_msg(ctx->practice, (size_t)want - 1);
		buf_printf(&b, "message %ld, as it arrived (dot-stuffing "
		    "undone):\n", want);
		/* Line by line, so the text keeps its shape but nothing raw. */
		for (i = 0; i < m->len; i = k + 1) {
			for (k = i; k < m->len && m->data[k] != '\n'; k++)
				;
			sanitize(&b, m->data + i, k - i -
			    (k > i && m->data[k - 1] == '\r' ? 1 : 0));
			buf_addch(&b, '\n');
		}
	}
	cmd_say(ctx, "%s", buf_str(&b));
	buf_free(&b);
	return 0;
}

/*
 * The report goes into the transcript (so --log, :save and :export keep
 * it); the UI also shows it in the sidebar.
 */
static int
cmd_tls(struct command_ctx *ctx, int argc, char **argv)
{
	const struct session_info	*in;
	struct buf			 b;

	(void)argv;
	if (argc != 1)
		return cmd_usage(ctx, "tls");
	if (ctx->s == NULL || (in = session_info(ctx->s))->tls_report ==
	    NULL) {
		/* A fact about the session, not a failed command. */
		cmd_say(ctx, "%s", "no TLS handshake yet: smtps://, "
		    "--starttls or STARTTLS first");
		return 0;
	}
	(void)session_tls_report_notes(ctx->s);
	if (!ctx->script) {
		buf_init(&b);
		tls_report_text(in->tls_report, &b);
		cmd_say(ctx, "%s", buf_str(&b));
		buf_free(&b);
	}
	return 0;
}
