/*
 * export.c: a transcript as a self-contained HTML page, coloured like the
 * UI and annotated with the knowledge base's explanations.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpscope/buf.h"
#include "smtpscope/export.h"
#include "smtpscope/kb.h"
#include "smtpscope/phase.h"
#include "smtpscope/replay.h"
#include "smtpscope/sanitize.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#define EXPORT_MASK	"********"

/* Dark, terminal-like page; the colours follow the UI's theme. */
static const char export_css[] =
"body{background:#15171a;color:#d8dde3;margin:1.5em;"
"font:14px/1.45 'DejaVu Sans Mono',Menlo,Consolas,monospace}\n"
"h1{font-size:1.3em;margin:0 0 .2em}\n"
"p.meta{color:#8b949e;margin:0 0 .8em}\n"
"p.legend span{margin-right:1.2em;padding-left:.4em;"
"border-left:4px solid currentColor}\n"
"table{border-collapse:collapse;width:100%}\n"
"td{vertical-align:top;padding:1px 8px}\n"
"td.n{color:#59616b;text-align:right;width:3em}\n"
"td.t{color:#59616b;white-space:nowrap;width:6em}\n"
"td.m{color:#8b949e;white-space:nowrap;width:6em}\n"
"td.x{white-space:pre-wrap;overflow-wrap:anywhere;"
"border-left:4px solid currentColor}\n"
"td.e{width:38%;color:#aab2bb;font-size:.92em}\n"
"tr:hover td{background:#1d2126}\n"
".an{color:#7d8590;font-weight:normal}\n"
".s2{color:#3fcf5f}\n"
".s3{color:#39c5cf}\n"
".s4{color:#e3c341}\n"
".s5{color:#ff5c5c}\n"
".s0{color:#d8dde3}\n"
".c{color:#f5f7fa;font-weight:bold}\n"
".d{color:#c9d1d9}\n"
".tls{color:#d16fe0}\n"
".info{color:#7d8590}\n"
".warn{color:#ffd75e;background:#3d3000;font-weight:bold}\n"
"details summary{cursor:pointer;color:#8b949e}\n"
"details h4{margin:.4em 0 .1em;color:#d8dde3;font-size:1em}\n"
"details p{margin:.1em 0 .3em}\n"
"details ul{margin:.1em 0 .3em;padding-left:1.3em}\n"
"section.tlsreport h2{font-size:1.05em;margin:.6em 0 .2em}\n"
"section.tlsreport pre{margin:0 0 1em;white-space:pre-wrap;"
"overflow-wrap:anywhere}\n"
"footer{color:#59616b;margin-top:1em}\n";

void
export_escape(struct buf *out, const char *text, size_t len)
{
	struct buf	 safe;
	size_t		 i;
	char		 c;

	buf_init(&safe);
	sanitize(&safe, text, len);
	for (i = 0; i < safe.len; i++) {
		c = safe.data[i];
		switch (c) {
		case '&':
			buf_addstr(out, "&amp;");
			break;
		case '<':
			buf_addstr(out, "&lt;");
			break;
		case '>':
			buf_addstr(out, "&gt;");
			break;
		case '"':
			buf_addstr(out, "&quot;");
			break;
		case '\'':
			buf_addstr(out, "&#39;");
			break;
		default:
			buf_addch(out, c);
			break;
		}
	}
	buf_free(&safe);
}

static void
export_escstr(struct buf *out, const char *s)
{
	export_escape(out, s, strlen(s));
}

/* The CSS class of a line, as the UI colours it. */
static const char *
export_class(const struct tline *tl)
{
	switch (tl->dir) {
	case TDIR_S:
		switch (reply_class(tl->code)) {
		case 2:
			return "s2";
		case 3:
			return "s3";
		case 4:
			return "s4";
		case 5:
			return "s5";
		}
		return "s0";
	case TDIR_C:
		return (tl->flags & TL_DATA) ? "d" : "c";
	case TDIR_TLS:
		return "tls";
	case TDIR_INFO:
		return "info";
	case TDIR_WARN:
		return "warn";
	}
	return "info";
}

static const char *
export_marker(const struct tline *tl)
{
	switch (tl->dir) {
	case TDIR_S:
		return "S:";
	case TDIR_C:
		return "C:";
	case TDIR_TLS:
		return "# TLS:";
	case TDIR_INFO:
		return "#";
	case TDIR_WARN:
		return "# warning:";
	}
	return "?";
}

/*
 * Turn the knowledge base's layout ("## Title", "- item", paragraphs,
 * blank separators) into HTML; the first title becomes the summary.
 */
static void
export_explanation(struct buf *out, const struct buf *text)
{
	const char	*p = buf_str(text), *end = p + text->len, *nl;
	size_t		 len;
	int		 in_list = 0, summary = 0;

	buf_addstr(out, "<details><summary>");
	if (text->len > 3 && strncmp(p, "## ", 3) == 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		export_escape(out, p + 3, len - 3);
		p = nl != NULL ? nl + 1 : end;
		summary = 1;
	}
	if (!summary)
		buf_addstr(out, "explain");
	buf_addstr(out, "</summary>");
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (len >= 2 && p[0] == '-' && p[1] == ' ') {
			if (!in_list)
				buf_addstr(out, "<ul>");
			in_list = 1;
			buf_addstr(out, "<li>");
			export_escape(out, p + 2, len - 2);
			buf_addstr(out, "</li>");
		} else {
			if (in_list)
				buf_addstr(out, "</ul>");
			in_list = 0;
			if (len >= 3 && strncmp(p, "## ", 3) == 0) {
				buf_addstr(out, "<h4>");
				export_escape(out, p + 3, len - 3);
				buf_addstr(out, "</h4>");
			} else if (len > 0) {
				buf_addstr(out, "<p>");
				export_escape(out, p, len);
				buf_addstr(out, "</p>");
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (in_list)
		buf_addstr(out, "</ul>");
	buf_addstr(out, "</details>");
}

/* Is line i a continuation line of a reply to EHLO (a keyword line)? */
static int
export_is_keyword(const struct transcript *t, size_t i)
{
	const struct tline	*l = &t->lines[i];
	size_t			 k = i;

	if (l->dir != TDIR_S || !(l->flags & TL_CONT) || l->code != 250 ||
	    l->len <= 4)
		return 0;
	while (k > 0 && (t->lines[k].flags & TL_CONT) &&
	    t->lines[k - 1].dir == TDIR_S)
		k--;
	return t->lines[k].verb == VERB_EHLO;
}

/* The explanation cell of line i: what the sidebar would say. */
static void
export_explain_cell(struct buf *out, const struct transcript *t, size_t i)
{
	const struct tline	*l = &t->lines[i];
	struct buf		 text;
	char			*kw, *sp;

	buf_init(&text);
	if (l->dir == TDIR_S) {
		if (!(l->flags & TL_CONT))
			kb_explain_tline(&text, t, i);
		else if (export_is_keyword(t, i)) {
			kw = xstrndup(l->raw + 4, l->len - 4);
			if ((sp = strchr(kw, ' ')) != NULL)
				*sp++ = '\0';
			kb_explain_keyword(&text, kw, sp);
			free(kw);
		}
	} else if (l->dir == TDIR_C &&
	    (!(l->flags & TL_DATA) || (l->flags & TL_STUFFED)))
		kb_explain_tline(&text, t, i);
	if (text.len > 0)
		export_explanation(out, &text);
	buf_free(&text);
}

/* One table row. */
static void
export_row(struct buf *out, const struct transcript *t, size_t i,
    unsigned int opts)
{
	const struct tline	*l = &t->lines[i];
	const char		*cls = export_class(l);
	int			 masked;

	buf_printf(out, "<tr id=\"L%zu\"><td class=\"n\">%zu</td>", i + 1,
	    i + 1);
	if (opts & TW_TIMING)
		buf_printf(out, "<td class=\"t\">+%.3fs</td>", l->t);
	buf_printf(out, "<td class=\"m %s\">%s</td><td class=\"x %s\">", cls,
	    export_marker(l), cls);
	masked = (l->flags & TL_SECRET) && !(opts & TW_SECRETS);
	if ((l->flags & TL_PRIVATE) && !(opts & TW_SECRETS))
		export_escstr(out, TRANSCRIPT_PRIVATE);
	else if (masked)
		export_escstr(out, transcript_masked(l));
	else {
		export_escape(out, l->raw, l->len);
		if (l->annot != NULL && l->annot[0] != '\0' &&
		    !(l->flags & TL_SECRET)) {
			buf_addstr(out, "<span class=\"an\">  (");
			export_escstr(out, l->annot);
			buf_addstr(out, ")</span>");
		}
	}
	buf_addstr(out, "</td><td class=\"e\">");
	export_explain_cell(out, t, i);
	buf_addstr(out, "</td></tr>\n");
}

/* A "report: " TLS note (--tls-report, :tls). */
static int
export_is_report(const struct tline *tl)
{
	return tl->dir == TDIR_TLS && tl->len >= 8 &&
	    strncmp(tl->raw, "report: ", 8) == 0;
}

/*
 * The last TLS report in the transcript, on top of the page as a block of
 * its own (its lines stay in the table too, where they happened).
 */
static void
export_tls_report(struct buf *out, const struct transcript *t)
{
	size_t	i, first, end;

	for (end = t->n; end > 0 && !export_is_report(&t->lines[end - 1]);
	    end--)
		;
	if (end == 0)
		return;
	for (first = end - 1; first > 0 &&
	    export_is_report(&t->lines[first - 1]); first--)
		;
	buf_addstr(out, "<section class=\"tlsreport\">\n<h2>TLS report</h2>"
	    "\n<pre class=\"tls\">");
	for (i = first; i < end; i++) {
		export_escape(out, t->lines[i].raw + 8, t->lines[i].len - 8);
		buf_addch(out, '\n');
	}
	buf_addstr(out, "</pre>\n</section>\n");
}

void
export_html_write(struct buf *out, const struct transcript *t,
    const struct export_meta *meta, unsigned int opts)
{
	char		 host[256], date[64];
	const char	*h = NULL, *d = NULL, *src = NULL;
	struct tm	 tm;
	time_t		 now;
	size_t		 i, nreplies = 0;

	if (meta != NULL) {
		h = meta->host;
		d = meta->date;
		src = meta->source;
	}
	if (h == NULL)
		h = replay_host(t, host, sizeof host) == 0 ? host :
		    "an SMTP server";
	if (d == NULL) {
		now = time(NULL);
		if (localtime_r(&now, &tm) != NULL &&
		    strftime(date, sizeof date, "%Y-%m-%d %H:%M %Z", &tm) > 0)
			d = date;
		else
			d = "unknown date";
	}
	for (i = 0; i < t->n; i++)
		if (t->lines[i].dir == TDIR_S &&
		    (t->lines[i].flags & TL_REPLY_END))
			nreplies++;

	buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"generator\" content=\"" PACKAGE_STRING "\">\n"
	    "<title>SMTP session with ");
	export_escstr(out, h);
	buf_addstr(out, ", ");
	export_escstr(out, d);
	buf_addstr(out, "</title>\n<style>\n");
	buf_addstr(out, export_css);
	buf_addstr(out, "</style>\n</head>\n<body>\n<h1>SMTP session with ");
	export_escstr(out, h);
	buf_addstr(out, "</h1>\n<p class=\"meta\">");
	export_escstr(out, d);
	buf_printf(out, " &middot; %zu lines, %zu replies", t->n, nreplies);
	if (src != NULL) {
		buf_addstr(out, " &middot; ");
		export_escstr(out, src);
	}
	buf_addstr(out, "</p>\n<p class=\"legend\">"
	    "<span class=\"s2\">2xx success</span>"
	    "<span class=\"s3\">3xx go on</span>"
	    "<span class=\"s4\">4xx try later</span>"
	    "<span class=\"s5\">5xx refused</span>"
	    "<span class=\"c\">C: client</span>"
	    "<span class=\"tls\">TLS</span>"
	    "<span class=\"info\"># note</span>"
	    "<span class=\"warn\">warning</span></p>\n");
	export_tls_report(out, t);
	buf_addstr(out, "<table>\n");
	for (i = 0; i < t->n; i++)
		export_row(out, t, i, opts);
	buf_addstr(out, "</table>\n<footer>Written by " PACKAGE_STRING ".");
	if (!(opts & TW_SECRETS))
		buf_addstr(out, " Secrets are shown as " EXPORT_MASK ".");
	buf_addstr(out, " Click a line's explanation to open it.</footer>\n"
	    "</body>\n</html>\n");
}

int
export_html_meta(const struct transcript *t, const char *path,
    const struct export_meta *meta, unsigned int opts, char *err,
    size_t errlen)
{
	FILE		*fp;
	struct buf	 b;
	int		 failed = 0, saved = 0;

	if ((fp = transcript_fopen(path, 0)) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    transcript_open_error(errno));
		return -1;
	}
	buf_init(&b);
	export_html_write(&b, t, meta, opts);
	if (fwrite(b.data, 1, b.len, fp) != b.len || fflush(fp) != 0) {
		failed = 1;
		saved = errno;
	}
	if (fclose(fp) != 0 && !failed) {
		failed = 1;
		saved = errno;
	}
	buf_free(&b);
	if (failed) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(saved != 0 ? saved : EIO));
		return -1;
	}
	return 0;
}

int
export_html(const struct transcript *t, const char *path, unsigned int opts,
    char *err, size_t errlen)
{
	return export_html_meta(t, path, NULL, opts, err, errlen);
}
