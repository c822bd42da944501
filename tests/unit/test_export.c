/* test_export.c: the HTML page of a session (export.c). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smtpscope/buf.h"
#include "smtpscope/export.h"
#include "smtpscope/phase.h"
#include "smtpscope/transcript.h"
#include "smtpscope/xmalloc.h"

#include "t.h"

static void
add(struct transcript *t, enum tdir dir, const char *raw, uint32_t flags,
    const char *annot, int verb)
{
	transcript_add_verb(t, dir, raw, strlen(raw), flags, annot, verb);
}

static void
build(struct transcript *t)
{
	add(t, TDIR_INFO, "connecting to mx.example.net port 25", 0, NULL, -1);
	add(t, TDIR_S, "220 mx.example.net <script>alert(1)</script> & "
	    "\"q\" 'x' \033[31m", TL_REPLY_END, NULL, VERB_NONE);
	add(t, TDIR_C, "EHLO me.example", 0, NULL, VERB_EHLO);
	add(t, TDIR_S, "250-mx.example.net", 0, NULL, VERB_EHLO);
	add(t, TDIR_S, "250-PIPELINING", TL_CONT, NULL, VERB_EHLO);
	add(t, TDIR_S, "250 SIZE 1000000", TL_CONT | TL_REPLY_END, NULL,
	    VERB_EHLO);
	add(t, TDIR_C, "STARTTLS", 0, NULL, VERB_STARTTLS);
	add(t, TDIR_S, "220 2.0.0 go ahead", TL_REPLY_END, NULL,
	    VERB_STARTTLS);
	add(t, TDIR_TLS, "handshake done: TLS1.3, TLS_AES_128_GCM_SHA256", 0,
	    NULL, -1);
	add(t, TDIR_C, "AUTH LOGIN", 0, NULL, VERB_AUTH);
	add(t, TDIR_S, "334 VXNlcm5hbWU6", TL_REPLY_END | TL_DECODED,
	    "Username:", VERB_AUTH);
	add(t, TDIR_C, "ZGVtbw==", TL_ANSWER | TL_DECODED, "demo",
	    VERB_ANSWER);
	add(t, TDIR_S, "334 UGFzc3dvcmQ6", TL_REPLY_END | TL_DECODED,
	    "Password:", VERB_ANSWER);
	add(t, TDIR_C, "c2VjcmV0LXB3", TL_ANSWER | TL_DECODED | TL_SECRET,
	    "********", VERB_ANSWER);
	add(t, TDIR_S, "235 2.7.0 ok", TL_REPLY_END, NULL, VERB_ANSWER);
	add(t, TDIR_WARN, "RCPT before an accepted MAIL FROM (RFC 5321 4.1.4)",
	    0, NULL, -1);
	add(t, TDIR_C, "RCPT TO:<x@y>", 0, NULL, VERB_RCPT);
	add(t, TDIR_S, "451 4.7.1 greylisted, try again later", TL_REPLY_END,
	    NULL, VERB_RCPT);
	add(t, TDIR_C, "DATA", 0, NULL, VERB_DATA);
	add(t, TDIR_S, "354 go on", TL_REPLY_END, NULL, VERB_DATA);
	add(t, TDIR_C, "<b>bold & body</b>", TL_DATA, NULL, VERB_DATA);
	add(t, TDIR_C, ".", TL_DATA, NULL, VERB_DOT);
	add(t, TDIR_S, "550 5.7.1 <x@y>: Relay access denied", TL_REPLY_END,
	    NULL, VERB_DOT);
	add(t, TDIR_C, "QUIT", 0, NULL, VERB_QUIT);
	add(t, TDIR_S, "221 2.0.0 Bye", TL_REPLY_END, NULL, VERB_QUIT);
}

static int
is_void(const char *name)
{
	return strcasecmp(name, "meta") == 0 || strcasecmp(name, "br") == 0 ||
	    strcasecmp(name, "link") == 0 || strcasecmp(name, "img") == 0 ||
	    strcasecmp(name, "hr") == 0;
}

/* Every element opened is closed, in order; returns 1 when balanced. */
static int
balanced(const char *html)
{
	char		 stack[64][16], name[16];
	size_t		 depth = 0, n;
	const char	*p = html;
	int		 closing;

	while ((p = strchr(p, '<')) != NULL) {
		p++;
		if (*p == '!') {
			p = strchr(p, '>');
			if (p == NULL)
				return 0;
			continue;
		}
		closing = *p == '/';
		if (closing)
			p++;
		for (n = 0; isalnum((unsigned char)p[n]) && n + 1 < sizeof name;
		    n++)
			name[n] = p[n];
		name[n] = '\0';
		if (n == 0)
			return 0;	/* a bare '<' in text */
		p = strchr(p, '>');
		if (p == NULL)
			return 0;
		if (closing) {
			if (depth == 0 || strcasecmp(stack[depth - 1], name))
				return 0;
			depth--;
		} else if (!is_void(name) && p[-1] != '/') {
			if (depth == sizeof stack / sizeof stack[0])
				return 0;
			snprintf(stack[depth++], sizeof stack[0], "%s", name);
		}
	}
	return depth == 0;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t		 n = 0;
	const char	*p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* The table row of line n (1-based), as a malloc'd string. */
static char *
row(const char *html, size_t n)
{
	char		 id[32];
	const char	*p, *e;

	snprintf(id, sizeof id, "<tr id=\"L%zu\">", n);
	if ((p = strstr(html, id)) == NULL || (e = strstr(p, "</tr>")) == NULL)
		return xstrdup("");
	return xstrndup(p, (size_t)(e - p));
}

static void
test_page(void)
{
	struct transcript	 t;
	struct export_meta	 meta;
	struct buf		 b;
	const char		*h;
	char			*r;
	size_t			 i, replies = 0;

	transcript_init(&t);
	build(&t);
	for (i = 0; i < t.n; i++)
		replies += (t.lines[i].flags & TL_REPLY_END) != 0;
	memset(&meta, 0, sizeof meta);
	meta.host = "mx.example.net";
	meta.date = "2026-03-03 10:15";
	meta.source = "replayed from <ticket>.txt";
	buf_init(&b);
	export_html_write(&b, &t, &meta, 0);
	h = buf_str(&b);

	OK(strncmp(h, "<!DOCTYPE html>\n", 16) == 0, "doctype first");
	OK(b.len > 16 && strcmp(h + b.len - 8, "</html>\n") == 0,
	    "ends with </html>");
	OK(balanced(h), "tags balanced");
	OK(strstr(h, "<meta charset=\"utf-8\">") != NULL, "charset given");
	OK(strstr(h, "<title>SMTP session with mx.example.net, "
	    "2026-03-03 10:15</title>") != NULL, "title with host and date");
	OK(strstr(h, "replayed from &lt;ticket&gt;.txt") != NULL,
	    "source escaped");

	/* Hostile text. */
	OK(strcasestr(h, "<script") == NULL, "no script element");
	OK(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL,
	    "server's <script> escaped");
	OK(strstr(h, " &amp; &quot;q&quot; &#39;x&#39;") != NULL,
	    "& \" ' escaped");
	OK(strchr(h, '\033') == NULL, "no escape byte");
	OK(strstr(h, "\\e[31m") != NULL, "escape byte sanitised");
	OK(strstr(h, "&lt;b&gt;bold &amp; body&lt;/b&gt;") != NULL,
	    "content escaped");
	OK(strstr(h, "<b>") == NULL, "no markup from content");

	/* Self-contained. */
	OK(strstr(h, "http://") == NULL && strstr(h, "https://") == NULL,
	    "no external address");
	OK(strstr(h, "src=") == NULL && strstr(h, "<link") == NULL &&
	    strstr(h, "@import") == NULL, "no external resource");
	OK(strstr(h, "<style>") != NULL, "inline CSS");

	/* Colours by class. */
	OK(strstr(h, ".s2{color:#3fcf5f") != NULL, "2xx green defined");
	OK(strstr(h, ".s3{color:") != NULL && strstr(h, ".s4{color:") != NULL &&
	    strstr(h, ".s5{color:#ff5c5c") != NULL, "3xx 4xx 5xx defined");
	r = row(h, 2);
	OK(strstr(r, "class=\"x s2\"") != NULL, "greeting row green");
	OK(strstr(r, "<td class=\"m s2\">S:</td>") != NULL, "S: marker");
	free(r);
	r = row(h, 3);
	OK(strstr(r, "class=\"x c\"") != NULL, "client row bold class");
	OK(strstr(r, ">C:</td>") != NULL, "C: marker");
	free(r);
	r = row(h, 9);
	OK(strstr(r, "class=\"x tls\"") != NULL, "TLS row magenta class");
	free(r);
	r = row(h, 16);
	OK(strstr(r, "class=\"x warn\"") != NULL, "warning row highlighted");
	free(r);
	r = row(h, 18);
	OK(strstr(r, "class=\"x s4\"") != NULL, "451 row yellow");
	free(r);
	r = row(h, 20);
	OK(strstr(r, "class=\"x s3\"") != NULL, "354 row cyan");
	free(r);
	r = row(h, 23);
	OK(strstr(r, "class=\"x s5\"") != NULL, "550 row red");
	OK(strstr(r, "<details><summary>") != NULL, "550 explained");
	OK(strstr(r, "550") != NULL && strstr(r, "<p>") != NULL,
	    "550 explanation has text");
	free(r);

	/* Annotations and secrets. */
	r = row(h, 11);
	OK(strstr(r, "(Username:)") != NULL, "334 decoded shown");
	free(r);
	r = row(h, 12);
	OK(strstr(r, "(demo)") != NULL, "answer decoded shown");
	free(r);
	OK(strstr(h, "c2VjcmV0LXB3") == NULL, "secret masked");
	OK(strstr(h, "secret-pw") == NULL, "secret not decoded");
	r = row(h, 14);
	OK(strstr(r, "********") != NULL, "mask shown");
	free(r);

	/* Explanations. */
	OK(count(h, "<details>") >= replies, "every reply has a details");
	r = row(h, 5);
	OK(strstr(r, "<summary>PIPELINING") != NULL,
	    "EHLO keyword line explained");
	free(r);
	OK(strstr(h, "class=\"t\"") == NULL, "no time column by default");
	buf_free(&b);

	buf_init(&b);
	export_html_write(&b, &t, &meta, TW_SECRETS | TW_TIMING);
	h = buf_str(&b);
	OK(strstr(h, "c2VjcmV0LXB3") != NULL, "TW_SECRETS shows the secret");
	OK(strstr(h, "class=\"t\">+") != NULL, "TW_TIMING adds times");
	OK(balanced(h), "tags balanced with options");
	buf_free(&b);

	/* Host guessed from the transcript, date from the clock. */
	buf_init(&b);
	export_html_write(&b, &t, NULL, 0);
	OK(strstr(buf_str(&b), "<h1>SMTP session with mx.example.net</h1>") !=
	    NULL, "host guessed");
	buf_free(&b);
	transcript_free(&t);

	/* An empty transcript is still a page. */
	transcript_init(&t);
	buf_init(&b);
	export_html_write(&b, &t, NULL, 0);
	OK(balanced(buf_str(&b)), "empty transcript: balanced");
	OK(strstr(buf_str(&b), "an SMTP server") != NULL,
	    "empty transcript: generic title");
	buf_free(&b);
	transcript_free(&t);
}

static void
test_file(void)
{
	struct transcript	 t;
	struct buf		 b;
	char			 path[] = "/tmp/test_export.XXXXXX", err[256];
	char			*got;
	FILE			*fp;
	long			 size;
	int			 fd;

	transcript_init(&t);
	build(&t);
	fd = mkstemp(path);
	OK(fd != -1, "temp file");
	close(fd);
	EQ_INT(export_html(&t, path, 0, err, sizeof err), 0, "export to file");
	fp = fopen(path, "r");
	OK(fp != NULL, "file readable");
	if (fp != NULL) {
		fseek(fp, 0, SEEK_END);
		size = ftell(fp);
		rewind(fp);
		got = xcalloc(1, (size_t)size + 1);
		OK(fread(got, 1, (size_t)size, fp) == (size_t)size, "read");
		fclose(fp);
		OK(strncmp(got, "<!DOCTYPE html>", 15) == 0 && balanced(got),
		    "file is a balanced page");
		buf_init(&b);
		export_html_write(&b, &t, NULL, 0);
		/* Same page but for the minute in the date. */
		OK((size_t)size > b.len - 20 && (size_t)size < b.len + 20,
		    "file holds the page");
		buf_free(&b);
		free(got);
	}
	unlink(path);
	EQ_INT(export_html(&t, "/nonexistent/dir/x.html", 0, err, sizeof err),
	    -1, "unwritable path fails");
	OK(strstr(err, "/nonexistent/dir/x.html") != NULL &&
	    strstr(err, "cannot write") != NULL, "message names the file");
	transcript_free(&t);
}

int
main(void)
{
	test_page();
	test_file();
	return t_done();
}
