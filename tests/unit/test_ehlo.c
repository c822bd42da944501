/* test_ehlo.c: EHLO capability parsing. */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "smtpscope/ehlo.h"
#include "smtpscope/reply.h"

#include "t.h"

/* Build a reply from LF-separated lines through the real parser. */
static int
mkreply(struct reply *r, const char *in)
{
	struct reply_parser	 rp;
	const char		*p = in, *nl;
	int			 done = 0;

	memset(r, 0, sizeof *r);
	reply_parser_init(&rp);
	while (!done && (nl = strchr(p, '\n')) != NULL) {
		done = reply_parser_line(&rp, p, (size_t)(nl - p), 0, r);
		p = nl + 1;
	}
	reply_parser_free(&rp);
	return done;
}

static void
test_postfix(void)
{
	struct reply		 r;
	struct ehlo_caps	 c;
	const struct ehlo_kw	*kw;

	OK(mkreply(&r, "250-mx.example.org Hello\n250-PIPELINING\n"
	    "250-SIZE 10240000\n250-VRFY\n250-ETRN\n250-STARTTLS\n"
	    "250-AUTH PLAIN LOGIN cram-md5\n250-AUTH=PLAIN LOGIN\n"
	    "250-ENHANCEDSTATUSCODES\n250-8BITMIME\n250-DSN\n"
	    "250-SMTPUTF8\n250-chunking\n250 BINARYMIME\n"), "reply built");
	EQ_INT(ehlo_parse(&c, &r), 0, "parse ok");
	EQ_STR(c.greeting, "mx.example.org Hello", "greeting text");
	EQ_INT(c.nkw, 13, "13 keywords");
	EQ_STR(c.kw[0].keyword, "PIPELINING", "first keyword");
	EQ_STR(c.kw[0].params, "", "no params");
	EQ_INT(c.flags, EHLO_PIPELINING | EHLO_STARTTLS | EHLO_8BITMIME |
	    EHLO_SMTPUTF8 | EHLO_CHUNKING | EHLO_ENHANCED | EHLO_DSN |
	    EHLO_AUTH | EHLO_SIZE | EHLO_BINARYMIME, "all flags");
	EQ_INT(c.auth, AUTHM_PLAIN | AUTHM_LOGIN | AUTHM_CRAM_MD5,
	    "mechanisms");
	EQ_INT(c.size_max, 10240000, "SIZE value");
	kw = ehlo_find(&c, "size");
	OK(kw != NULL, "find is case-insensitive");
	EQ_STR(kw ? kw->params : NULL, "10240000", "SIZE params");
	kw = ehlo_find(&c, "CHUNKING");
	OK(kw != NULL, "lower-case keyword upper-cased");
	OK(ehlo_find(&c, "XCLIENT") == NULL, "missing keyword");
	OK(ehlo_find(&c, "") == NULL, "empty keyword");
	kw = ehlo_find(&c, "AUTH");
	EQ_STR(kw ? kw->params : NULL, "PLAIN LOGIN cram-md5", "AUTH params");
	EQ_STR(c.kw[6].keyword, "AUTH", "old AUTH= form keyword");
	EQ_STR(c.kw[6].params, "PLAIN LOGIN", "old AUTH= form params");
	OK(ehlo_has_mech(&c, "plain"), "has plain");
	OK(ehlo_has_mech(&c, "CRAM-MD5"), "has CRAM-MD5");
	OK(!ehlo_has_mech(&c, "XOAUTH2"), "no XOAUTH2");
	OK(!ehlo_has_mech(&c, "PLAI"), "no prefix match");
	OK(!ehlo_has_mech(&c, ""), "empty mechanism");
	ehlo_free(&c);
	reply_free(&r);
	EQ_INT(c.nkw, 0, "free resets");
}

static void
test_odd(void)
{
	struct reply		 r;
	struct ehlo_caps	 c;

	/* A one-line reply (HELO-like): no keywords. */
	mkreply(&r, "250 mx.example\n");
	EQ_INT(ehlo_parse(&c, &r), 0, "single line ok");
	EQ_STR(c.greeting, "mx.example", "single line greeting");
	EQ_INT(c.nkw, 0, "no keywords");
	EQ_INT(c.flags, 0, "no flags");
	ehlo_free(&c);
	reply_free(&r);

	/* Refusals are not capability lists. */
	mkreply(&r, "502 5.5.1 EHLO not supported\n");
	EQ_INT(ehlo_parse(&c, &r), -1, "5xx refused");
	ehlo_free(&c);
	reply_free(&r);

	/* SIZE without a number, odd spacing, old AUTH only, XOAUTH2. */
	mkreply(&r, "250-mx\n250-SIZE\n250-  auth=login   xoauth2 GSSAPI  \n"
	    "250-\n250-X_ODD thing\n250 AUTH PLAIN\n");
	EQ_INT(ehlo_parse(&c, &r), 0, "odd list ok");
	OK(c.flags & EHLO_SIZE, "SIZE without number flagged");
	EQ_INT(c.size_max, 0, "SIZE without number: 0");
	EQ_INT(c.nkw, 4, "empty line skipped");
	EQ_STR(c.kw[1].keyword, "AUTH", "old form lower case");
	EQ_STR(c.kw[1].params, "login   xoauth2 GSSAPI", "params trimmed");
	EQ_STR(c.kw[2].keyword, "X_ODD", "odd keyword kept whole");
	EQ_STR(c.kw[2].params, "thing", "odd keyword params");
	EQ_INT(c.auth, AUTHM_LOGIN | AUTHM_XOAUTH2 | AUTHM_OTHER | AUTHM_PLAIN,
	    "mechanisms merged from both AUTH lines");
	OK(ehlo_has_mech(&c, "gssapi"), "other mechanism found");
	OK(ehlo_has_mech(&c, "PLAIN"), "second AUTH line searched");
	ehlo_free(&c);
	reply_free(&r);

	mkreply(&r, "250-mx\n250 SIZE 99999999999999999999999\n");
	EQ_INT(ehlo_parse(&c, &r), 0, "huge SIZE ok");
	OK(c.size_max == ULLONG_MAX, "huge SIZE saturates");
	ehlo_free(&c);
	reply_free(&r);

	mkreply(&r, "250-mx\n250 SIZE abc\n");
	EQ_INT(ehlo_parse(&c, &r), 0, "SIZE junk ok");
	EQ_INT(c.size_max, 0, "SIZE junk: 0");
	ehlo_free(&c);
	reply_free(&r);

	/* Bare "250" first line. */
	mkreply(&r, "250\n");
	EQ_INT(ehlo_parse(&c, &r), 0, "bare 250");
	EQ_STR(c.greeting, "", "bare 250: empty greeting");
	ehlo_free(&c);
	reply_free(&r);

	/* An empty reply structure. */
	memset(&r, 0, sizeof r);
	r.code = 250;
	EQ_INT(ehlo_parse(&c, &r), 0, "no lines");
	EQ_STR(c.greeting, "", "no lines: empty greeting");
	ehlo_free(&c);
	r.code = 0;
	EQ_INT(ehlo_parse(&c, &r), -1, "code 0 refused");
	ehlo_free(&c);
}

/* Found by fuzzing: a NUL byte inside a keyword made the copy shorter. */
static void
test_nul_keyword(void)
{
	struct reply_parser	 rp;
	struct reply		 r;
	struct ehlo_caps	 c;
	static const char	 l1[] = "250-mx.example";
	static const char	 l2[] = "250 SI\0ZE 100";

	memset(&r, 0, sizeof r);
	reply_parser_init(&rp);
	reply_parser_line(&rp, l1, sizeof l1 - 1, 0, &r);
	OK(reply_parser_line(&rp, l2, sizeof l2 - 1, 0, &r),
	    "reply with a NUL in a keyword completes");
	EQ_INT(ehlo_parse(&c, &r), 0, "NUL keyword parsed");
	EQ_INT(c.nkw, 1, "one keyword");
	EQ_STR(c.kw[0].keyword, "SI", "keyword cut at the NUL");
	ehlo_free(&c);
	reply_free(&r);
	reply_parser_free(&rp);
}

int
main(void)
{
	test_nul_keyword();
	test_postfix();
	test_odd();
	return t_done();
}
