/*
 * test_mtasts.c: the MTA-STS record and policy parsers (RFC 8461), the MX
 * pattern match with its one-label wildcard, the TLS-RPT record (RFC
 * 8460) and the HTTP response reader of the policy fetch: NULL-ish,
 * empty, normal and edge cases each.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/buf.h"
#include "smtpscope/mtasts.h"

#include "t.h"

static char	err[512];

static int
rec(const char *txt)
{
	struct mtasts_record	r;

	return mtasts_parse_record(txt, &r, err, sizeof err);
}

static void
test_record(void)
{
	struct mtasts_record	 r;
	const char		*two[] = { "v=STSv1; id=a", "v=STSv1; id=b" };
	const char		*mixed[] = { "v=spf1 -all", "v=STSv1; id=x1",
	    "v=STSv10; id=y" };
	const char		*none[] = { "v=spf1 -all" };

	EQ_INT(mtasts_parse_record("v=STSv1; id=20160831085700Z;", &r, err,
	    sizeof err), 0, "record: the RFC's example");
	EQ_STR(r.id, "20160831085700Z", "record: id kept");
	EQ_INT(rec("v=STSv1;id=abc"), 0, "record: no space");
	EQ_INT(rec("v=STSv1; id=abc; ext_1=v"), 0, "record: extension");
	EQ_INT(rec("v=STSv1 ; id=abc ;"), 0, "record: spaces, trailing ;");
	EQ_INT(rec(""), -1, "record: empty");
	EQ_INT(rec("v=STSv2; id=abc"), -1, "record: version 2 refused");
	OK(strstr(err, "v=STSv1") != NULL, "record: the error names v=STSv1");
	EQ_INT(rec("id=abc; v=STSv1"), -1, "record: v= not first");
	EQ_INT(rec(" v=STSv1; id=abc"), -1, "record: space before v=");
	EQ_INT(rec("v=STSv1"), -1, "record: no id");
	OK(strstr(err, "no id") != NULL, "record: says no id");
	EQ_INT(rec("v=STSv1; id="), -1, "record: empty id");
	EQ_INT(rec("v=STSv1; id=0123456789abcdef0123456789abcdef"), 0,
	    "record: 32-character id");
	EQ_INT(rec("v=STSv1; id=0123456789abcdef0123456789abcdef0"), -1,
	    "record: 33-character id");
	EQ_INT(rec("v=STSv1; id=ab-c"), -1, "record: '-' in id");
	EQ_INT(rec("v=STSv1; id=a; id=b"), -1, "record: id twice");
	EQ_INT(rec("v=STSv1;; id=a"), -1, "record: empty field");
	EQ_INT(rec("v=STSv1; garbage"), -1, "record: not name=value");

	EQ_INT(mtasts_pick_record(mixed, 3, &r, err, sizeof err), 0,
	    "pick: others skipped (v=STSv10 too)");
	EQ_STR(r.id, "x1", "pick: the right one");
	EQ_INT(mtasts_pick_record(two, 2, &r, err, sizeof err), -1,
	    "pick: two records");
	OK(strstr(err, "2 TXT records") != NULL, "pick: counts them");
	EQ_INT(mtasts_pick_record(none, 1, &r, err, sizeof err), -1,
	    "pick: none");
	EQ_INT(mtasts_pick_record(NULL, 0, &r, err, sizeof err), -1,
	    "pick: empty list");
}

static int
pol(const char *text, struct mtasts_policy *p)
{
	return mtasts_parse_policy(text, strlen(text), p, err, sizeof err);
}

static void
test_policy(void)
{
	struct mtasts_policy	p;
	char			big[200];

	EQ_INT(pol("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com"
	    "\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\n"
	    "max_age: 604800\r\n", &p), 0, "policy: the RFC's example");
	EQ_INT(p.mode, MTASTS_ENFORCE, "policy: enforce");
	EQ_INT(p.max_age, 604800, "policy: max_age");
	EQ_INT(p.nmx, 3, "policy: three mx");
	EQ_STR(p.mx[1], "*.example.net", "policy: wildcard kept");
	EQ_INT(pol("version: STSv1\nmode: testing\nmx: A.Example.ORG\n"
	    "max_age:86400", &p), 0, "policy: LF, no final newline");
	EQ_INT(p.mode, MTASTS_TESTING, "policy: testing");
	EQ_STR(p.mx[0], "a.example.org", "policy: mx lower-cased");
	EQ_INT(pol("version: STSv1\nmode: none\nmax_age: 0\n", &p), 0,
	    "policy: none needs no mx");
	EQ_INT(pol("version: STSv1\nmode: enforce\nmax_age: 10\n", &p), -1,
	    "policy: enforce needs mx");
	EQ_INT(pol("version: STSv1\nmode: enforce\nmax_age: 10\nmx: a.b\n"
	    "future: thing\n", &p), 0, "policy: unknown key skipped");
	EQ_INT(pol("", &p), -1, "policy: empty");
	EQ_INT(pol("version: STSv2\nmode: none\nmax_age: 1\n", &p), -1,
	    "policy: version 2");
	EQ_INT(pol("mode: none\nmax_age: 1\n", &p), -1, "policy: no version");
	EQ_INT(pol("version: STSv1\nmode: strict\nmax_age: 1\n", &p), -1,
	    "policy: bad mode");
	OK(strstr(err, "line 2") != NULL, "policy: error names the line");
	EQ_INT(pol("version: STSv1\nmode: Enforce\nmax_age: 1\nmx: a\n", &p),
	    -1, "policy: mode is case-sensitive");
	EQ_INT(pol("version: STSv1\nmode: none\n", &p), -1,
	    "policy: no max_age");
	EQ_INT(pol("version: STSv1\nmode: none\nmax_age: 31557601\n", &p),
	    -1, "policy: max_age over a year");
	EQ_INT(pol("version: STSv1\nmode: none\nmax_age: 31557600\n", &p), 0,
	    "policy: max_age of a year");
	EQ_INT(pol("version: STSv1\nmode: none\nmax_age: -1\n", &p), -1,
	    "policy: negative max_age");
	EQ_INT(pol("version: STSv1\nmode: none\nmax_age: 1d\n", &p), -1,
	    "policy: max_age not digits");
	EQ_INT(pol("version: STSv1\nversion: STSv1\nmode: none\n"
	    "max_age: 1\n", &p), -1, "policy: version twice");
	EQ_INT(pol("version: STSv1\nmode: enforce\nmax_age: 1\nmx: *.*.a\n",
	    &p), -1, "policy: two wildcards");
	EQ_INT(pol("version: STSv1\nmode: enforce\nmax_age: 1\nmx: a b\n",
	    &p), -1, "policy: space in mx");
	EQ_INT(pol("version: STSv1\nmode: enforce\nmax_age: 1\nmx:\n", &p),
	    -1, "policy: empty mx");
	EQ_INT(pol("just text\n", &p), -1, "policy: not key: value");
	EQ_INT(mtasts_parse_policy("version: STSv1\0x", 16, &p, err,
	    sizeof err), -1, "policy: NUL byte");
	memset(big, 0, sizeof big);
	snprintf(big, sizeof big, "version: STSv1\nmode: none\nmax_age: 5\n"
	    "\n\n");
	EQ_INT(pol(big, &p), 0, "policy: blank lines");
}

static void
test_match(void)
{
	struct mtasts_policy	p;

	OK(mtasts_pattern_match("mail.example.com", "mail.example.com"),
	    "match: exact");
	OK(mtasts_pattern_match("mail.example.com", "MAIL.Example.com."),
	    "match: case and trailing dot");
	OK(!mtasts_pattern_match("mail.example.com", "mail2.example.com"),
	    "match: other host");
	OK(mtasts_pattern_match("*.example.net", "mx1.example.net"),
	    "match: wildcard, one label");
	OK(!mtasts_pattern_match("*.example.net", "a.b.example.net"),
	    "match: wildcard is one label only");
	OK(!mtasts_pattern_match("*.example.net", "example.net"),
	    "match: wildcard needs a label");
	OK(!mtasts_pattern_match("*.example.net", ".example.net"),
	    "match: empty label");
	OK(!mtasts_pattern_match("*.example.net", ""), "match: empty host");
	OK(!mtasts_pattern_match("*.example.net", "xexample.net"),
	    "match: no dot");
	(void)pol("version: STSv1\nmode: enforce\nmax_age: 1\n"
	    "mx: a.example\nmx: *.b.example\n", &p);
	EQ_INT(mtasts_match_mx(&p, "a.example"), 0, "match_mx: first");
	EQ_INT(mtasts_match_mx(&p, "x.b.example"), 1, "match_mx: second");
	EQ_INT(mtasts_match_mx(&p, "x.y.b.example"), -1, "match_mx: none");
	/* A final dot (the root) and upper case change nothing. */
	EQ_INT(pol("version: STSv1\r\nmode: enforce\r\nmax_age: 1\r\n"
	    "mx: MAIL.Example.\r\nmx: *.B.example.\r\n", &p), 0,
	    "mx lines with a final dot: a policy");
	EQ_INT(mtasts_match_mx(&p, "mail.example"), 0,
	    "mx with a final dot matches the host");
	EQ_INT(mtasts_match_mx(&p, "X.b.EXAMPLE."), 1,
	    "wildcard with a final dot matches");
	EQ_INT(pol("version: STSv1\nmode: enforce\nmax_age: 1\nmx: .\n", &p),
	    -1, "mx: the root alone refused");
}

static int
rpt(const char *txt, struct tlsrpt_record *r)
{
	return tlsrpt_parse_record(txt, r, err, sizeof err);
}

static void
test_tlsrpt(void)
{
	struct tlsrpt_record	r;

	EQ_INT(rpt("v=TLSRPTv1; rua=mailto:reports@example.com", &r), 0,
	    "tlsrpt: mailto");
	EQ_INT(r.nrua, 1, "tlsrpt: one rua");
	EQ_STR(r.rua[0], "mailto:reports@example.com", "tlsrpt: rua kept");
	EQ_INT(rpt("v=TLSRPTv1;rua=mailto:a@example.com, "
	    "https://reporting.example.com/v1/tlsrpt;", &r), 0,
	    "tlsrpt: mailto and https");
	EQ_INT(r.nrua, 2, "tlsrpt: two rua");
	EQ_STR(r.rua[1], "https://reporting.example.com/v1/tlsrpt",
	    "tlsrpt: https kept");
	EQ_INT(rpt("", &r), -1, "tlsrpt: empty");
	EQ_INT(rpt("v=TLSRPTv2; rua=mailto:a@b", &r), -1, "tlsrpt: version");
	EQ_INT(rpt("v=TLSRPTv1", &r), -1, "tlsrpt: no rua");
	OK(strstr(err, "rua") != NULL, "tlsrpt: says rua");
	EQ_INT(rpt("v=TLSRPTv1; rua=http://a.example/", &r), -1,
	    "tlsrpt: http refused");
	EQ_INT(rpt("v=TLSRPTv1; rua=mailto:", &r), -1, "tlsrpt: empty mailto");
	EQ_INT(rpt("v=TLSRPTv1; rua=mailto:a@b; rua=mailto:c@d", &r), -1,
	    "tlsrpt: rua twice");
	EQ_INT(rpt("v=TLSRPTv1; ext=1; rua=mailto:a@b", &r), 0,
	    "tlsrpt: extension skipped");
}

static int
http(const char *resp, int eof, struct buf *body)
{
	return mtasts_http_parse(resp, strlen(resp), eof, body, err,
	    sizeof err);
}

static void
test_http(void)
{
	struct buf	body;
	char		*big;
	size_t		 n;

	buf_init(&body);
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 5\r\n\r\nhello", 0, &body), 1,
	    "http: Content-Length");
	EQ_MEM(body.data, body.len, "hello", 5, "http: body");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 9\r\n\r\nhello", 0, &body), 0,
	    "http: waits for the rest");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 9\r\n\r\nhello", 1, &body), -1,
	    "http: closed early");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-type: TEXT/PLAIN; "
	    "charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n", 0, &body), 1,
	    "http: chunked, parameters");
	EQ_MEM(body.data, body.len, "abcde", 5, "http: chunks joined");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n3\r\nab", 0, &body), 0,
	    "http: chunk incomplete");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 0, &body), -1,
	    "http: bad chunk size");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n10001\r\n", 0, &body), -1,
	    "http: chunk too big");
	EQ_INT(http("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nabc", 0,
	    &body), 0, "http: to the close, LF only");
	EQ_INT(http("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nabc", 1,
	    &body), 1, "http: closed");
	EQ_MEM(body.data, body.len, "abc", 3, "http: body to the close");
	EQ_INT(http("HTTP/1.1 301 Moved\r\nLocation: https://evil.example/"
	    "\r\n\r\n", 0, &body), -1, "http: redirect refused");
	OK(strstr(err, "not followed") != NULL &&
	    strstr(err, "evil.example") != NULL, "http: says where to");
	EQ_INT(http("HTTP/1.1 404 Not Found\r\n\r\n", 0, &body), -1,
	    "http: 404");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
	    "Content-Length: 1\r\n\r\nx", 0, &body), -1, "http: text/html");
	OK(strstr(err, "text/html") != NULL, "http: names the type");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", 0,
	    &body), -1, "http: no Content-Type");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 65537\r\n\r\n", 0, &body), -1,
	    "http: Content-Length too big");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: -1\r\n\r\n", 0, &body), -1,
	    "http: negative length");
	EQ_INT(http("SMTP 220 hello\r\n\r\n", 0, &body), -1, "http: not HTTP");
	EQ_INT(http("HTTP/1.1 2x0 OK\r\n\r\n", 0, &body), -1,
	    "http: status not digits");
	EQ_INT(http("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n  \n\n", 0, &body), -1,
	    "http: blank chunk size");
	/* Only len octets count: what follows in memory is not read. */
	EQ_INT(mtasts_http_parse("HTTP/1.1 200 OK\r\nContent-Type: "
	    "text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n"
	    "0\r\n\r\n", 80, 0, &body, err, sizeof err), 0,
	    "http: a chunk cut by len waits");
	EQ_INT(http("HTTP/1.1 200 OK\r\n", 0, &body), 0, "http: head partial");
	EQ_INT(http("", 1, &body), -1, "http: nothing, closed");
	n = 70000;
	big = malloc(n + 100);
	snprintf(big, 100, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "\r\n");
	memset(big + strlen(big), 'a', n);
	big[n + 40] = '\0';
	EQ_INT(http(big, 0, &body), -1, "http: body over the cap");
	free(big);
	big = malloc(20000);
	memset(big, 'x', 19999);
	big[19999] = '\0';
	EQ_INT(http(big, 0, &body), -1, "http: endless head");
	free(big);
	buf_free(&body);
}

/* A bad or missing record ends the check before anything is fetched. */
static void
test_check_record(void)
{
	struct mtasts_result	 res;
	const char		*two[] = { "v=STSv1; id=a", "v=STSv1; id=b" };
	const char		*bad[] = { "v=STSv1; id=no-dashes" };

	EQ_INT(mtasts_check("example.test", NULL, two, 2, NULL, 1000, &res,
	    err, sizeof err), -1, "check: two records");
	OK(res.have_record && !res.record_ok && !res.fetched,
	    "check: two records, nothing fetched");
	OK(strstr(err, "_mta-sts.example.test: 2 TXT records") != NULL,
	    "check: says so");
	EQ_INT(mtasts_check("example.test", NULL, bad, 1, NULL, 1000, &res,
	    err, sizeof err), -1, "check: a bad id");
	EQ_INT(mtasts_check("example.test", NULL, bad, 0, NULL, 1000, &res,
	    err, sizeof err), -1, "check: looked up, none");
	OK(strstr(err, "no MTA-STS policy") != NULL, "check: none said");
}

int
main(void)
{
	test_check_record();
	test_record();
	test_policy();
	test_match();
	test_tlsrpt();
	test_http();
	return t_done();
}
