/*
 * test_message.c: the one-shot send's message builder: address and
 * header checks (no header injection), RFC 2047 words, RFC 2231
 * filenames, base64 lines of 76, defaults a --header replaces, and an
 * attachment that decodes to the very octets of the file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/b64.h"
#include "smtpscope/buf.h"
#include "smtpscope/message.h"
#include "t.h"

/* The whole message for spec, as one string (CRLF line ends). */
static char *
build(struct msg_spec *ms, struct msg_info *info, int *rc)
{
	FILE	*fp = tmpfile();
	char	 err[512], *out;
	long	 n;

	*rc = msg_write(ms, fp, info, err, sizeof err);
	if (*rc == -1)
		printf("# %s\n", err);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	out = calloc(1, (size_t)n + 1);
	if (fread(out, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	fclose(fp);
	return out;
}

/* Decode base64 that has line ends inside. */
static void
dec64(const char *s, size_t len, struct buf *out)
{
	char	*c = malloc(len + 1);
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		if (s[i] != '\r' && s[i] != '\n')
			c[n++] = s[i];
	b64_decode(c, n, out);
	free(c);
}

/* Count the lines of s (CRLF) that begin with prefix, case-insensitive. */
static int
count_headers(const char *s, const char *prefix)
{
	const char	*p = s;
	int		 n = 0;

	while (*p != '\0') {
		if (strncasecmp(p, prefix, strlen(prefix)) == 0)
			n++;
		if (strncmp(p, "\r\n", 2) == 0)
			break;		/* the end of the header */
		p = strstr(p, "\r\n");
		if (p == NULL)
			break;
		p += 2;
	}
	return n;
}

int
main(void)
{
	const char	*to[] = { "alice@example.org", "bob@example.org" };
	const char	*hdrs[] = { "subject: Replaced", "X-Test: yes",
			    "Message-ID: <fixed@example.org>" };
	const char	*att[1];
	struct msg_spec	 ms;
	struct msg_info	 info;
	struct msg_b64	 e;
	struct buf	 b, dec;
	char		 err[256], path[] = "/tmp/test_message.XXXXXX";
	char		*m, *p, *q;
	unsigned char	 all[256];
	FILE		*fp;
	int		 rc, i, fd, lines_ok;

	/* Addresses. */
	OK(msg_check_addr("a@b.example", 0, 0, err, sizeof err) == 0,
	    "a plain address");
	OK(msg_check_addr("", 1, 0, err, sizeof err) == 0,
	    "the null sender where allowed");
	OK(msg_check_addr("", 0, 0, err, sizeof err) == -1,
	    "no empty recipient");
	OK(msg_check_addr("a b@c", 0, 0, err, sizeof err) == -1,
	    "a blank refused");
	OK(msg_check_addr("<a@b>", 0, 0, err, sizeof err) == -1,
	    "angle brackets refused");
	OK(msg_check_addr("a@b\r\nRCPT TO:<x@y>", 0, 0, err, sizeof err) ==
	    -1, "CR LF in an address refused");
	OK(msg_check_addr("nodomain", 0, 0, err, sizeof err) == -1,
	    "no @ refused");
	OK(msg_check_addr("j\xc3\xb6rg@b.example", 0, 0, err, sizeof err) ==
	    -1, "UTF-8 address needs --smtputf8");
	OK(msg_check_addr("j\xc3\xb6rg@b.example", 0, 1, err, sizeof err) ==
	    0, "UTF-8 address with --smtputf8");

	OK(msg_check_addr("\"john doe\"@b.example", 0, 0, err, sizeof err) ==
	    0, "a quoted local part");
	OK(msg_check_addr("\"a\\\"b,c\"@b.example", 0, 0, err, sizeof err) ==
	    0, "a quoted local part with an escaped quote and a comma");
	OK(msg_check_addr("\"open@b.example", 0, 0, err, sizeof err) == -1,
	    "an unterminated quote refused");
	OK(msg_check_addr("\"a\r\nb\"@b.example", 0, 0, err, sizeof err) ==
	    -1, "CR LF inside quotes refused");
	OK(msg_check_addr("\"a@b\"@c.example", 0, 0, err, sizeof err) == 0,
	    "an @ inside the quotes is the local part's");

	/* Mailboxes as --to and --from take them. */
	{
		char	*a, *n;

		OK(msg_parse_mailbox(" Joe Doe <j@b.example> ", 0, 0, &a, &n,
		    err, sizeof err) == 0 && strcmp(a, "j@b.example") == 0 &&
		    strcmp(n, "Joe Doe") == 0, "Name <addr>");
		free(a);
		free(n);
		OK(msg_parse_mailbox("<j@b.example>", 0, 0, &a, &n, err,
		    sizeof err) == 0 && strcmp(a, "j@b.example") == 0 &&
		    n == NULL, "<addr>: no name");
		free(a);
		OK(msg_parse_mailbox("\"Doe, <J>\" <j@b.example>", 0, 0, &a,
		    &n, err, sizeof err) == 0 && strcmp(a, "j@b.example") == 0,
		    "a quoted name holding a comma and <>");
		free(a);
		free(n);
		OK(msg_parse_mailbox("<>", 1, 0, &a, &n, err, sizeof err) == 0 &&
		    *a == '\0', "<> is the null sender where allowed");
		free(a);
		OK(msg_parse_mailbox("J <j@b.example> x", 0, 0, &a, &n, err,
		    sizeof err) == -1, "text after the <> refused");
		OK(msg_parse_mailbox("J\r\nBcc: x <j@b.example>", 0, 0, &a, &n,
		    err, sizeof err) == -1, "a line end in the name refused");
		OK(msg_parse_mailbox("u@b\xc3\xbc" "cher.example", 0, 0, &a, &n,
		    err, sizeof err) == 0 &&
		    strcmp(a, "u@xn--bcher-kva.example") == 0,
		    "an IDN domain becomes its A-label without SMTPUTF8");
		free(a);
		OK(msg_parse_mailbox("u@b\xc3\xbc" "cher.example", 0, 1, &a, &n,
		    err, sizeof err) == 0 &&
		    strcmp(a, "u@b\xc3\xbc" "cher.example") == 0,
		    "with SMTPUTF8 it stays UTF-8");
		free(a);
		OK(msg_parse_mailbox("\xc3\xbc@b\xc3\xbc" "cher.example", 0, 0,
		    &a, &n, err, sizeof err) == -1 && strstr(err, "SMTPUTF8") !=
		    NULL, "a UTF-8 local part still needs SMTPUTF8");
		OK(msg_parse_mailbox("u@\xe2\x98\x83.example", 0, 0, &a, &n,
		    err, sizeof err) == -1 && strstr(err, "IDN") != NULL,
		    "a domain IDNA does not allow is refused");
		OK(*msg_next_addr("\"a,b\"@c, d@e") == ',' &&
		    strcmp(msg_next_addr("\"a,b\"@c, d@e"), ", d@e") == 0,
		    "a comma in quotes does not split the list");
		buf_init(&b);
		msg_add_mailbox(&b, "j@b.example", "J. Doe");
		EQ_STR(buf_str(&b), "\"J. Doe\" <j@b.example>",
		    "a name with a special quoted in the header");
		buf_free(&b);
	}

	/* Headers: injection refused. */
	OK(msg_check_header("Subject: hi", err, sizeof err) == 0,
	    "a header");
	OK(msg_check_header("Subject hi", err, sizeof err) == -1,
	    "no colon refused");
	OK(msg_check_header("Subject: hi\r\nBcc: x@y", err, sizeof err) == -1,
	    "CR LF in a header refused");
	OK(msg_check_header("Subject: hi\nBcc: x@y", err, sizeof err) == -1,
	    "LF in a header refused");
	OK(msg_check_header("Subject: a\033[2Jb", err, sizeof err) == -1 &&
	    strstr(err, "0x1b") != NULL, "a control character refused");
	OK(msg_check_header("Subject: a\tb", err, sizeof err) == 0,
	    "a tab is a blank: taken");
	OK(msg_check_header("Sub ject: hi", err, sizeof err) == -1,
	    "a blank in the name refused");
	OK(msg_check_header(": hi", err, sizeof err) == -1,
	    "an empty name refused");

	/* Long headers: folded at a blank; a word too long refused. */
	{
		char	longh[1200];
		int	maxline = 0, cur = 0;

		memcpy(longh, "X-Long: ", 8);
		for (i = 8; i < 1100; i++)
			longh[i] = i % 7 == 0 ? ' ' : 'w';
		longh[i] = '\0';
		OK(msg_check_header(longh, err, sizeof err) == 0,
		    "a long header with blanks is taken");
		buf_init(&b);
		msg_fold(&b, longh, strlen(longh));
		for (p = b.data; p < b.data + b.len; p++) {
			if (*p == '\n')
				cur = 0;
			else if (*p != '\r' && ++cur > maxline)
				maxline = cur;
		}
		OK(maxline <= 78, "folded into lines of at most 78");
		OK(strstr(b.data, "\r\n ") != NULL && strstr(b.data,
		    "X-Long: \r\n") == NULL, "folded before a blank, not "
		    "after the colon");
		buf_free(&b);
		memset(longh + 8, 'w', 1100);
		longh[1108] = '\0';
		OK(msg_check_header(longh, err, sizeof err) == -1,
		    "a word longer than a line refused");
		/* A word of 997 right after the colon: folded there. */
		memset(longh + 8, 'w', 997);
		longh[1005] = '\0';
		OK(msg_check_header(longh, err, sizeof err) == 0,
		    "a word of 997 is taken");
		buf_init(&b);
		msg_fold(&b, longh, strlen(longh));
		OK(strncmp(b.data, "X-Long:\r\n www", 13) == 0 &&
		    b.len == 1007, "folded after the colon, each line within "
		    "998");
		buf_free(&b);
	}

	/* RFC 2047. */
	buf_init(&b);
	msg_encode_words(&b, "plain", 5);
	EQ_STR(buf_str(&b), "plain", "ASCII stays as it is");
	buf_reset(&b);
	msg_encode_words(&b, "Gr\xc3\xbc\xc3\x9f" "e", 7);
	EQ_STR(buf_str(&b), "=?UTF-8?B?R3LDvMOfZQ==?=", "an encoded word");
	buf_reset(&b);
	{
		char	longv[200];

		/* 60 two-octet characters: more than one word, none split. */
		for (i = 0; i < 60; i++) {
			longv[2 * i] = '\xc3';
			longv[2 * i + 1] = '\xa9';
		}
		msg_encode_words(&b, longv, 120);
		OK(strstr(buf_str(&b), "?=\r\n =?UTF-8?B?") != NULL,
		    "long text: words folded");
		lines_ok = 1;
		for (p = b.data; p != NULL; p = q) {
			q = strstr(p, "\r\n");
			if ((q != NULL ? (size_t)(q - p) : strlen(p)) > 76)
				lines_ok = 0;
			if (q != NULL)
				q += 2;
		}
		OK(lines_ok, "each encoded word's line within 76");
		/* Decode each word: whole characters in each. */
		buf_init(&dec);
		for (p = b.data; (p = strstr(p, "=?UTF-8?B?")) != NULL; p = q) {
			p += 10;
			q = strstr(p, "?=");
			b64_decode(p, (size_t)(q - p), &dec);
			OK(dec.len % 2 == 0, "a word holds whole characters");
			buf_reset(&dec);
		}
		buf_free(&dec);
	}

	/* RFC 2231. */
	buf_reset(&b);
	msg_filename_param(&b, "report \"q\".pdf");
	EQ_STR(buf_str(&b), "filename=\"report \\\"q\\\".pdf\"",
	    "ASCII name quoted, quotes escaped");
	buf_reset(&b);
	msg_filename_param(&b, "\xc3\xa9t\xc3\xa9.txt");
	EQ_STR(buf_str(&b), "filename*=UTF-8''%C3%A9t%C3%A9.txt",
	    "RFC 2231 for a non-ASCII name");
	buf_reset(&b);
	msg_filename_param(&b, "a\r\nBcc: x@y.txt");
	EQ_STR(buf_str(&b), "filename*=UTF-8''a%0D%0ABcc%3A%20x%40y.txt",
	    "a line end in a file name is encoded, not written");
	buf_reset(&b);
	msg_filename_param(&b, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9.txt");
	OK(strstr(buf_str(&b), "filename*0*=UTF-8''%C3") != NULL &&
	    strstr(buf_str(&b), ";\r\n\tfilename*1*=%") != NULL,
	    "a long name in numbered sections, no %XX split");
	buf_free(&b);

	/* Base64 lines. */
	buf_init(&b);
	msg_b64_init(&e);
	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	for (i = 0; i < 256; i++)
		msg_b64_feed(&e, all + i, 1, &b);	/* a byte at a time */
	msg_b64_finish(&e, &b);
	OK(b.data[76] == '\r' && b.data[77] == '\n', "base64 wrapped at 76");
	buf_init(&dec);
	dec64(b.data, b.len, &dec);
	EQ_MEM(dec.data, dec.len, all, sizeof all, "base64 decodes back");
	buf_free(&dec);
	buf_free(&b);
	OK(strcmp(msg_mime_type("a/b.PDF"), "application/pdf") == 0,
	    "type by extension");
	OK(strcmp(msg_mime_type("noext"), "application/octet-stream") == 0,
	    "unknown: octet-stream");

	/* Defaults, replaced and added headers. */
	memset(&ms, 0, sizeof ms);
	ms.from = "me@example.org";
	ms.to = to;
	ms.nto = 2;
	ms.hostname = "client.example.org";
	m = build(&ms, &info, &rc);
	EQ_INT(rc, 0, "default message built");
	OK(count_headers(m, "Date: ") == 1 && count_headers(m, "From: "
	    "<me@example.org>") == 1 && count_headers(m, "Subject: ") == 1,
	    "Date, From, Subject by default");
	OK(strstr(m, "@client.example.org>\r\n") != NULL,
	    "Message-ID at the host name");
	OK(strstr(m, "To: <alice@example.org>,\r\n <bob@example.org>") != NULL,
	    "To lists the recipients");
	free(m);
	{
		const char	*names[] = { "Al\xc3\xaf" "ce", NULL };

		ms.from_name = "Me, Myself";
		ms.to_names = names;
		m = build(&ms, &info, &rc);
		OK(strstr(m, "From: \"Me, Myself\" <me@example.org>\r\n") !=
		    NULL, "From with a display name, quoted");
		OK(strstr(m, "To: =?UTF-8?B?QWzDr2Nl?= <alice@example.org>,"
		    "\r\n <bob@example.org>\r\n") != NULL,
		    "To with a non-ASCII display name encoded");
		ms.from_name = NULL;
		ms.to_names = NULL;
		free(m);
		ms.from = "";
		m = build(&ms, &info, &rc);
		OK(strstr(m, "From: MAILER-DAEMON@client.example.org\r\n") !=
		    NULL, "the null sender: From is the host's MAILER-DAEMON");
		ms.from = "me@example.org";
	}
	OK(count_headers(m, "MIME-Version") == 0, "no MIME-Version for "
	    "plain ASCII");
	OK(strstr(m, "\r\n\r\nThis is a test message") != NULL,
	    "the default body");
	OK(strstr(m, "\n") == strstr(m, "\r\n") + 1, "CRLF line ends");
	free(m);

	ms.headers = hdrs;
	ms.nheaders = 3;
	ms.body = "line one\n.\nline three";
	m = build(&ms, &info, &rc);
	EQ_INT(rc, 0, "message with headers built");
	OK(count_headers(m, "Subject: ") == 1 &&
	    count_headers(m, "Subject: Replaced") == 1,
	    "--header replaces Subject (any case), once");
	OK(count_headers(m, "Message-ID: <fixed@example.org>") == 1 &&
	    count_headers(m, "Message-ID") == 1, "Message-ID replaced");
	OK(count_headers(m, "X-Test: yes") == 1, "a new header added");
	free(m);
	{
		const char	*tr[] = { "X-First: 1",
				    "Received: from a by b; Mon, 1 Jan 2024",
				    "Return-Path: <r@example.org>",
				    "Subject: first", "X-First: 2",
				    "subject: last" };
		static const char want[] = "Received: from a by b; Mon, "
		    "1 Jan 2024\r\nReturn-Path: <r@example.org>\r\nDate: ";

		ms.headers = tr;
		ms.nheaders = 6;
		m = build(&ms, &info, &rc);
		OK(strncmp(m, want, sizeof want - 1) == 0,
		    "trace headers on top, in the order given");
		OK(count_headers(m, "Subject:") == 1 &&
		    count_headers(m, "Subject: last") == 1,
		    "Subject given twice: the last wins, once");
		OK(count_headers(m, "X-First:") == 2, "other headers repeat");
		ms.headers = hdrs;
		ms.nheaders = 3;
	}
	OK(strstr(m, "\r\n\r\nline one\r\n.\r\nline three\r\n") != NULL,
	    "body CRLF, lone dot left to the data path, ended by CRLF");
	free(m);

	/* A body line over 998 octets: quoted-printable, lines within 76. */
	{
		char	*lb = malloc(1300);
		int	 maxline = 0, cur = 0;

		memcpy(lb, "a=b \n", 5);
		memset(lb + 5, 'x', 1200);
		memcpy(lb + 1205, " \n.end", 7);
		ms.body = lb;
		ms.headers = NULL;
		ms.nheaders = 0;
		m = build(&ms, &info, &rc);
		OK(info.qp && strstr(m, "Content-Transfer-Encoding: "
		    "quoted-printable\r\n") != NULL &&
		    strstr(m, "MIME-Version: 1.0\r\n") != NULL,
		    "a long line: the body goes quoted-printable");
		p = strstr(m, "\r\n\r\n");
		OK(p != NULL && strncmp(p, "\r\n\r\na=3Db=20\r\nxxx", 17) == 0,
		    "'=' and a blank at a line's end encoded");
		OK(strstr(m, "=20\r\n.end\r\n") != NULL,
		    "soft breaks, then the next line as it is");
		for (q = p; q != NULL && *q != '\0'; q++) {
			if (*q == '\n')
				cur = 0;
			else if (*q != '\r' && ++cur > maxline)
				maxline = cur;
		}
		OK(maxline <= 76, "quoted-printable lines within 76");
		free(m);
		{
			const char	*ce[] = { "Content-Transfer-Encoding: "
					    "8bit" };

			ms.headers = ce;
			ms.nheaders = 1;
			m = build(&ms, &info, &rc);
			OK(!info.qp && strstr(m, "xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			    "xxxxxxxxxxxxxxxxxxxxxx") != NULL,
			    "with the user's own encoding the body is as given");
			free(m);
			ms.headers = NULL;
			ms.nheaders = 0;
		}
		ms.body = NULL;
		free(lb);
	}

	/* Non-ASCII header and body. */
	{
		const char	*h8[] = { "Subject: Gr\xc3\xbc\xc3\x9f" "e" };

		ms.headers = h8;
		ms.nheaders = 1;
		ms.body = "caf\xc3\xa9\n";
		m = build(&ms, &info, &rc);
		OK(strstr(m, "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n") != NULL,
		    "non-ASCII Subject as RFC 2047");
		OK(!info.utf8_header, "no raw UTF-8 in the header");
		OK(info.eightbit && strstr(m, "Content-Transfer-Encoding: "
		    "8bit") != NULL && strstr(m, "charset=utf-8") != NULL,
		    "8-bit body declared");
		free(m);
		{
			const char	*ht[] = { "To: \"J\xc3\xb6rg\" <j@example.org>, "
					    "Ann <a@example.org>" };

			ms.headers = ht;
			m = build(&ms, &info, &rc);
			OK(strstr(m, "To: =?UTF-8?B?SsO2cmc=?= <j@example.org>, "
			    "Ann <a@example.org>\r\n") != NULL,
			    "address header: only the display name encoded");
			free(m);
			ht[0] = "To: \"Doe, Ann\" <a@example.org>,\r\n "
			    "\"J\xc3\xb6rg\" <j@example.org>";
			m = build(&ms, &info, &rc);
			OK(strstr(m, "To: \"Doe, Ann\" <a@example.org>,\r\n "
			    "=?UTF-8?B?SsO2cmc=?= <j@example.org>\r\n") != NULL,
			    "an ASCII name keeps its quotes; a fold is kept");
			free(m);
			ms.headers = h8;
		}
		ms.utf8 = 1;
		m = build(&ms, &info, &rc);
		OK(strstr(m, "Subject: Gr\xc3\xbc\xc3\x9f" "e\r\n") != NULL &&
		    info.utf8_header, "with SMTPUTF8 the header goes raw");
		free(m);
		ms.utf8 = 0;
	}

	/* An attachment with every octet value arrives exact. */
	fd = mkstemp(path);
	fp = fdopen(fd, "wb");
	for (i = 0; i < 4; i++)
		fwrite(all, 1, sizeof all, fp);
	fclose(fp);
	att[0] = path;
	ms.headers = NULL;
	ms.nheaders = 0;
	ms.body = NULL;
	ms.attach = att;
	ms.nattach = 1;
	m = build(&ms, &info, &rc);
	EQ_INT(rc, 0, "message with an attachment built");
	OK(strstr(m, "Content-Type: multipart/mixed;") != NULL &&
	    strstr(m, "MIME-Version: 1.0") != NULL, "multipart/mixed");
	p = strstr(m, "Content-Transfer-Encoding: base64\r\n\r\n");
	OK(p != NULL, "the attachment is base64");
	if (p != NULL) {
		p += strlen("Content-Transfer-Encoding: base64\r\n\r\n");
		q = strstr(p, "\r\n--");
		buf_init(&dec);
		dec64(p, (size_t)(q - p), &dec);
		OK(dec.len == 1024 && memcmp(dec.data, all, 256) == 0 &&
		    memcmp(dec.data + 768, all, 256) == 0,
		    "the attachment's octets decode exact");
		buf_free(&dec);
	}
	OK(strstr(m, "filename=\"test_message.") != NULL,
	    "the file's base name");
	free(m);
	{
		const char	*ct[] = { "Content-Type: text/html" };

		ms.headers = ct;
		ms.nheaders = 1;
		m = build(&ms, &info, &rc);
		EQ_INT(rc, -1, "Content-Type with --attach refused");
		free(m);
	}
	att[0] = "/nonexistent/file";
	ms.headers = NULL;
	ms.nheaders = 0;
	m = build(&ms, &info, &rc);
	EQ_INT(rc, -1, "an unreadable attachment fails");
	free(m);
	remove(path);
	return t_done();
}
