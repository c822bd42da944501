/* json.c: the transcript as JSON Lines (see json.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/json.h"
#include "smtpscope/kb.h"
#include "smtpscope/phase.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/script.h"
#include "smtpscope/transcript.h"

#define JSON_DIAG_PREFIX	"diagnosis: "

static const char hexdig[] = "0123456789abcdef";

static void
json_u(struct buf *out, unsigned int cp)
{
	char	e[6] = { '\\', 'u', hexdig[(cp >> 12) & 0xf],
	    hexdig[(cp >> 8) & 0xf], hexdig[(cp >> 4) & 0xf], hexdig[cp & 0xf] };

	buf_add(out, e, sizeof e);
}

int
json_string(struct buf *out, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned int		 cp;
	size_t			 i = 0, n;
	int			 lossy = 0;

	buf_addch(out, '"');
	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			if (p[i] == '"' || p[i] == '\\')
				buf_addch(out, '\\');
			buf_addch(out, (char)p[i++]);
			continue;
		}
		switch (p[i]) {
		case '\n':
			buf_add(out, "\\n", 2);
			i++;
			continue;
		case '\r':
			buf_add(out, "\\r", 2);
			i++;
			continue;
		case '\t':
			buf_add(out, "\\t", 2);
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 1 && p[i] >= 0x80) {
			/* Not UTF-8: U+FFFD, and the caller keeps the bytes. */
			json_u(out, 0xfffd);
			lossy = 1;
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029)
			json_u(out, cp);
		else
			buf_add(out, s + i, n);
		i += n;
	}
	buf_addch(out, '"');
	return lossy;
}

static void
json_key(struct buf *out, const char *key)
{
	if (out->len > 0 && out->data[out->len - 1] != '{')
		buf_addch(out, ',');
	json_string(out, key, strlen(key));
	buf_addch(out, ':');
}

static void
json_kstr(struct buf *out, const char *key, const char *val)
{
	if (val == NULL)
		return;
	json_key(out, key);
	json_string(out, val, strlen(val));
}

static const char *
json_dir(const struct tline *tl)
{
	switch (tl->dir) {
	case TDIR_S:
		return "server";
	case TDIR_C:
		return "client";
	case TDIR_TLS:
		return "tls";
	case TDIR_INFO:
		if (tl->len > strlen(JSON_DIAG_PREFIX) && strncmp(tl->raw,
		    JSON_DIAG_PREFIX, strlen(JSON_DIAG_PREFIX)) == 0)
			return "diagnosis";
		return "note";
	case TDIR_WARN:
		return "warning";
	}
	return "unknown";
}

/* RFC 3339 in UTC with milliseconds: 2026-12-06T06:15:46.123Z. */
static void
json_time(struct buf *out, double when)
{
	struct tm	tm;
	time_t		secs;
	long		ms;
	char		tmp[40];

	if (when < 0)
		when = 0;
	secs = (time_t)when;
	ms = (long)((when - (double)secs) * 1000.0);
	if (ms > 999)
		ms = 999;
	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(tmp, sizeof tmp, "1970-01-01T00:00:00");
	buf_printf(out, "\"%s.%03ldZ\"", tmp, ms);
}

/* The reply's fields, on the line that ends it. */
static void
json_reply(struct buf *out, const struct transcript *t, size_t i)
{
	struct kb_brief	b;

	if (kb_brief(&b, t, i) == -1)
		return;
	json_key(out, "reply_code");
	buf_printf(out, "%d", b.code);
	if (b.enh[0] != '\0')
		json_kstr(out, "reply_enhanced", b.enh);
	json_kstr(out, "class", b.class_name);
	json_kstr(out, "explanation", b.title);
	json_kstr(out, "enhanced_explanation", b.enh_title);
	json_kstr(out, "category", b.category);
	json_kstr(out, "category_explanation", b.category_title);
}

void
json_line(struct buf *out, const struct transcript *t, size_t i,
    unsigned int opts, double wall_start)
{
	const struct tline	*tl = &t->lines[i];
	const char		*text = tl->raw, *dir = json_dir(tl);
	size_t			 len = tl->len;
	char			*b64;
	int			 masked = 0, lossy;

	buf_addch(out, '{');
	json_kstr(out, "type", "line");
	json_kstr(out, "direction", dir);
	json_key(out, "time");
	json_time(out, wall_start + tl->t);
	json_key(out, "elapsed_ms");
	buf_printf(out, "%llu", tl->t > 0 ?
	    (unsigned long long)(tl->t * 1000.0) : 0ULL);
	if ((tl->flags & TL_PRIVATE) && !(opts & JSON_SECRETS)) {
		text = TRANSCRIPT_PRIVATE;
		len = strlen(text);
		masked = 1;
	} else if ((tl->flags & TL_SECRET) && !(opts & JSON_SECRETS)) {
		text = transcript_masked(tl);
		len = strlen(text);
		masked = 1;
	} else if (strcmp(dir, "diagnosis") == 0) {
		text += strlen(JSON_DIAG_PREFIX);
		len -= strlen(JSON_DIAG_PREFIX);
	}
	json_key(out, "text");
	lossy = json_string(out, text, len);
	if (lossy && !masked) {
		b64 = b64_encode(text, len);
		json_kstr(out, "raw_b64", b64);
		free(b64);
	}
	if (masked)
{
		json_key(out, "masked");
		buf_addstr(out, "true");
	}
	if (tl->annot != NULL && !(tl->flags & (TL_SECRET | TL_PRIVATE))) {
		json_key(out, "annotation");
		json_string(out, tl->annot, strlen(tl->annot));
	}
	if (tl->dir == TDIR_C && (tl->flags & TL_DATA))
		json_kstr(out, "content", "message");
	if (tl->dir == TDIR_C && tl->verb != VERB_NONE &&
	    !(tl->flags & TL_DATA))
		json_kstr(out, "verb", verb_name(tl->verb));
	if (tl->dir == TDIR_S) {
		if (tl->verb != VERB_NONE)
			json_kstr(out, "answers", verb_name(tl->verb));
		json_key(out, "code");
		buf_printf(out, "%d", tl->code);
		if (tl->enh[0] != '\0')
			json_kstr(out, "enhanced", tl->enh);
		json_key(out, "last");
		buf_addstr(out, (tl->flags & TL_REPLY_END) ? "true" : "false");
		if (tl->flags & TL_REPLY_END)
			json_reply(out, t, i);
	}
	buf_addch(out, '}');
}

const char *
json_status_name(int rc)
{
	switch (rc) {
	case EXIT_OK:
		return "ok";
	case EXIT_EXPECT:
		return "expect-failed";
	case EXIT_USAGE:
		return "usage";
	case EXIT_CONNECT:
		return "connect";
	case EXIT_TLS:
		return "tls";
	case EXIT_TIMEOUT:
		return "timeout";
	}
	return "error";
}

void
json_summary(struct buf *out, int rc, const char *reason)
{
	buf_addch(out, '{');
	json_kstr(out, "type", "summary");
	json_key(out, "exit");
	buf_printf(out, "%d", rc);
	json_kstr(out, "status", json_status_name(rc));
	if (reason == NULL)
		reason = rc == EXIT_OK ? "the script ran to its end" :
		    "see the lines above";
	json_kstr(out, "reason", reason);
	buf_addch(out, '}');
}
