/* test_phase.c: verbs, names and phase transitions. */
#include "config.h"

#include <string.h>

#include "smtpscope/phase.h"

#include "t.h"

#define VERB(s, v, name) EQ_INT(verb_of((s), strlen(s)), (v), (name))

static void
test_names(void)
{
	EQ_STR(phase_name(PHASE_CONNECT), "CONNECT", "phase CONNECT");
	EQ_STR(phase_name(PHASE_RCPT), "RCPT", "phase RCPT");
	EQ_STR(phase_name(PHASE_CLOSED), "CLOSED", "phase CLOSED");
	EQ_STR(phase_name((enum phase)99), "?", "phase out of range");
	EQ_STR(verb_name(VERB_NONE), "NONE", "verb NONE");
	EQ_STR(verb_name(VERB_STARTTLS), "STARTTLS", "verb STARTTLS");
	EQ_STR(verb_name(VERB_QUIT), "QUIT", "verb QUIT");
	EQ_STR(verb_name(VERB_OTHER), "OTHER", "verb OTHER");
	EQ_STR(verb_name(VERB_DOT), "DOT", "verb DOT");
	EQ_STR(verb_name(VERB_ANSWER), "ANSWER", "verb ANSWER");
	EQ_STR(verb_name((enum verb)99), "?", "verb out of range");
}

static void
test_verbs(void)
{
	VERB("EHLO me.example", VERB_EHLO, "EHLO with arg");
	VERB("EHLO", VERB_EHLO, "EHLO alone");
	VERB("ehlo x", VERB_EHLO, "lower case ehlo");
	VERB("HeLo x", VERB_HELO, "mixed case helo");
	VERB("MAIL FROM:<a@b>", VERB_MAIL, "MAIL FROM");
	VERB("mail from:<>", VERB_MAIL, "mail from null");
	VERB("MAIL:<a@b>", VERB_MAIL, "MAIL with colon");
	VERB("RCPT TO:<a@b>", VERB_RCPT, "RCPT TO");
	VERB("DATA", VERB_DATA, "DATA");
	VERB("BDAT 100 LAST", VERB_BDAT, "BDAT");
	VERB("STARTTLS", VERB_STARTTLS, "STARTTLS");
	VERB("starttls", VERB_STARTTLS, "starttls");
	VERB("AUTH PLAIN AGFsaWNlAHNlY3JldA==", VERB_AUTH, "AUTH");
	VERB("RSET", VERB_RSET, "RSET");
	VERB("NOOP", VERB_NOOP, "NOOP");
	VERB("VRFY postmaster", VERB_VRFY, "VRFY");
	VERB("EXPN list", VERB_EXPN, "EXPN");
	VERB("HELP", VERB_HELP, "HELP");
	VERB("QUIT", VERB_QUIT, "QUIT");
	VERB("quit\r\n", VERB_QUIT, "quit with CRLF");
	VERB("  QUIT", VERB_QUIT, "leading blanks");
	VERB("EHLOX", VERB_OTHER, "EHLOX is not EHLO");
	VERB("EHL", VERB_OTHER, "EHL is not EHLO");
	VERB("XCLIENT NAME=x", VERB_OTHER, "unknown verb");
	VERB("", VERB_NONE, "empty line");
	VERB("   ", VERB_NONE, "blank line");
	EQ_INT(verb_of("EHLO", 3), VERB_OTHER, "length respected");
}

static void
test_happy_path(void)
{
	struct phase_state	ps;

	phase_init(&ps);
	EQ_INT(ps.phase, PHASE_CONNECT, "starts in CONNECT");
	phase_on_reply(&ps, VERB_NONE, 220);
	EQ_INT(ps.phase, PHASE_GREETING, "220 greeting");
	OK(ps.greeted, "greeted");

	phase_on_command(&ps, VERB_EHLO);
	phase_on_reply(&ps, VERB_EHLO, 250);
	EQ_INT(ps.phase, PHASE_EHLO, "EHLO accepted");
	OK(ps.ehlo && ps.helo, "ehlo and helo set");

	phase_on_command(&ps, VERB_STARTTLS);
	EQ_INT(ps.phase, PHASE_TLS, "STARTTLS sent");
	phase_on_reply(&ps, VERB_STARTTLS, 220);
	EQ_INT(ps.phase, PHASE_TLS, "220 to STARTTLS keeps TLS phase");
	phase_on_tls(&ps);
	EQ_INT(ps.phase, PHASE_GREETING, "after TLS: EHLO needed again");
	OK(ps.tls, "tls on");
	OK(!ps.ehlo && !ps.helo, "EHLO state forgotten");

	phase_on_command(&ps, VERB_EHLO);
	phase_on_reply(&ps, VERB_EHLO, 250);
	EQ_INT(ps.phase, PHASE_EHLO, "EHLO again");

	phase_on_command(&ps, VERB_AUTH);
	EQ_INT(ps.phase, PHASE_AUTH, "AUTH sent");
	phase_on_reply(&ps, VERB_AUTH, 334);
	EQ_INT(ps.phase, PHASE_AUTH, "334 continues");
	phase_on_command(&ps, VERB_ANSWER);
	phase_on_reply(&ps, VERB_ANSWER, 235);
	EQ_INT(ps.phase, PHASE_EHLO, "235: back to EHLO");
	OK(ps.authed, "authed");

	phase_on_command(&ps, VERB_MAIL);
	phase_on_reply(&ps, VERB_MAIL, 250);
	EQ_INT(ps.phase, PHASE_MAIL, "MAIL accepted");
	OK(ps.mail, "transaction open");
	phase_on_command(&ps, VERB_RCPT);
	phase_on_reply(&ps, VERB_RCPT, 250);
	EQ_INT(ps.phase, PHASE_RCPT, "RCPT accepted");
	phase_on_reply(&ps, VERB_RCPT, 251);
	EQ_INT(ps.nrcpt, 2, "251 counts too");
	phase_on_reply(&ps, VERB_RCPT, 550);
	EQ_INT(ps.nrcpt, 2, "550 does not count");
	EQ_INT(ps.phase, PHASE_RCPT, "still RCPT after a refusal");
	phase_on_command(&ps, VERB_DATA);
	phase_on_reply(&ps, VERB_DATA, 354);
	EQ_INT(ps.phase, PHASE_DATA, "354: DATA");
	phase_on_command(&ps, VERB_DOT);
	phase_on_reply(&ps, VERB_DOT, 250);
	EQ_INT(ps.phase, PHASE_EHLO, "message accepted: back to EHLO");
	EQ_INT(ps.nmsg, 1, "one message");
	OK(!ps.mail && ps.nrcpt == 0, "transaction reset");
	OK(ps.authed && ps.tls, "auth and tls kept");

	phase_on_command(&ps, VERB_QUIT);
	EQ_INT(ps.phase, PHASE_QUIT, "QUIT sent");
	phase_on_reply(&ps, VERB_QUIT, 221);
	EQ_INT(ps.phase, PHASE_QUIT, "221");
	phase_on_close(&ps);
	EQ_INT(ps.phase, PHASE_CLOSED, "closed");
	phase_on_reply(&ps, VERB_NONE, 220);
	phase_on_command(&ps, VERB_EHLO);
	EQ_INT(ps.phase, PHASE_CLOSED, "nothing moves a closed session");
}

static void
test_failures(void)
{
	struct phase_state	ps;

	phase_init(&ps);
	phase_on_reply(&ps, VERB_NONE, 220);
	phase_on_reply(&ps, VERB_EHLO, 502);
	EQ_INT(ps.phase, PHASE_GREETING, "EHLO refused: still GREETING");
	OK(!ps.helo, "no helo");
	phase_on_reply(&ps, VERB_HELO, 250);
	EQ_INT(ps.phase, PHASE_EHLO, "HELO accepted");
	OK(ps.helo && !ps.ehlo, "helo without ehlo");

	phase_on_command(&ps, VERB_STARTTLS);
	phase_on_reply(&ps, VERB_STARTTLS, 454);
	EQ_INT(ps.phase, PHASE_EHLO, "STARTTLS refused: back to EHLO");
	OK(!ps.tls, "no TLS");

	phase_on_command(&ps, VERB_AUTH);
	phase_on_reply(&ps, VERB_AUTH, 334);
	phase_on_reply(&ps, VERB_ANSWER, 535);
	EQ_INT(ps.phase, PHASE_EHLO, "AUTH failed: back to EHLO");
	OK(!ps.authed, "not authed");

	phase_on_reply(&ps, VERB_RCPT, 250);
	EQ_INT(ps.nrcpt, 0, "RCPT before MAIL not counted");
	EQ_INT(ps.phase, PHASE_EHLO, "RCPT before MAIL stays EHLO");

	phase_on_reply(&ps, VERB_MAIL, 550);
	EQ_INT(ps.phase, PHASE_EHLO, "MAIL refused");
	phase_on_reply(&ps, VERB_MAIL, 250);
	phase_on_reply(&ps, VERB_RCPT, 250);
	phase_on_reply(&ps, VERB_DATA, 554);
	EQ_INT(ps.phase, PHASE_RCPT, "DATA refused: still RCPT");
	phase_on_reply(&ps, VERB_DATA, 354);
	phase_on_reply(&ps, VERB_DOT, 552);
	EQ_INT(ps.phase, PHASE_EHLO, "message refused: transaction over");
	EQ_INT(ps.nmsg, 0, "not counted");

	phase_on_reply(&ps, VERB_MAIL, 250);
	phase_on_reply(&ps, VERB_RCPT, 250);
	phase_on_reply(&ps, VERB_RSET, 250);
	EQ_INT(ps.phase, PHASE_EHLO, "RSET: back to EHLO");
	OK(!ps.mail && ps.nrcpt == 0, "RSET resets transaction");

	phase_on_reply(&ps, VERB_MAIL, 250);
	phase_on_reply(&ps, VERB_EHLO, 250);
	OK(!ps.mail, "EHLO resets transaction");
	EQ_INT(ps.phase, PHASE_EHLO, "EHLO phase after re-EHLO");

	phase_on_reply(&ps, VERB_MAIL, 250);
	phase_on_reply(&ps, VERB_NOOP, 250);
	EQ_INT(ps.phase, PHASE_MAIL, "NOOP changes nothing");
	phase_on_reply(&ps, VERB_RCPT, 421);
	EQ_INT(ps.phase, PHASE_QUIT, "421 anywhere: QUIT");
	phase_on_reply(&ps, VERB_MAIL, 250);
	EQ_INT(ps.phase, PHASE_QUIT, "stays QUIT");

	/* A 421 greeting. */
	phase_init(&ps);
	phase_on_reply(&ps, VERB_NONE, 421);
	EQ_INT(ps.phase, PHASE_QUIT, "421 greeting: QUIT");

	/* A 554 greeting. */
	phase_init(&ps);
	phase_on_reply(&ps, VERB_NONE, 554);
	EQ_INT(ps.phase, PHASE_GREETING, "554 greeting: greeting phase");
	OK(!ps.greeted, "554 is not a 220 greeting");

	/* STARTTLS in the middle of a transaction forgets it. */
	phase_init(&ps);
	phase_on_reply(&ps, VERB_NONE, 220);
	phase_on_reply(&ps, VERB_EHLO, 250);
	phase_on_reply(&ps, VERB_AUTH, 235);
	phase_on_reply(&ps, VERB_MAIL, 250);
	phase_on_command(&ps, VERB_STARTTLS);
	phase_on_reply(&ps, VERB_STARTTLS, 220);
	phase_on_tls(&ps);
	OK(!ps.authed && !ps.mail && !ps.ehlo, "TLS forgets auth and mail");
	EQ_INT(ps.phase, PHASE_GREETING, "TLS: EHLO needed");

	/* Implicit TLS comes before the greeting. */
	phase_init(&ps);
	phase_on_tls(&ps);
	EQ_INT(ps.phase, PHASE_CONNECT, "implicit TLS: still CONNECT");
	OK(ps.tls, "implicit TLS on");
	phase_on_reply(&ps, VERB_NONE, 220);
	EQ_INT(ps.phase, PHASE_GREETING, "greeting over TLS");

	/* Close at any time. */
	phase_init(&ps);
	phase_on_close(&ps);
	EQ_INT(ps.phase, PHASE_CLOSED, "close before greeting");
	phase_on_tls(&ps);
	EQ_INT(ps.phase, PHASE_CLOSED, "tls after close ignored");
}

/* RFC 5321 4.3.2: which replies can answer which command. */
static void
test_reply_fits(void)
{
	OK(phase_reply_fits(VERB_NONE, 220), "220 greets");
	OK(phase_reply_fits(VERB_NONE, 554), "554 refuses at the greeting");
	OK(!phase_reply_fits(VERB_NONE, 250), "250 is no greeting");
	OK(!phase_reply_fits(VERB_EHLO, 220), "a second 220 cannot answer EHLO");
	OK(phase_reply_fits(VERB_EHLO, 250), "250 answers EHLO");
	OK(phase_reply_fits(VERB_EHLO, 502), "502 answers EHLO");
	OK(phase_reply_fits(VERB_EHLO, 421), "421 answers anything");
	OK(!phase_reply_fits(VERB_MAIL, 334), "334 cannot answer MAIL");
	OK(!phase_reply_fits(VERB_MAIL, 354), "354 cannot answer MAIL");
	OK(phase_reply_fits(VERB_DATA, 354), "354 answers DATA");
	OK(!phase_reply_fits(VERB_DATA, 250), "250 cannot answer DATA");
	OK(!phase_reply_fits(VERB_BDAT, 354), "354 cannot answer BDAT");
	OK(phase_reply_fits(VERB_DOT, 250), "250 answers the message");
	OK(phase_reply_fits(VERB_RCPT, 251), "251 answers RCPT");
	OK(phase_reply_fits(VERB_AUTH, 334), "334 answers AUTH");
	OK(phase_reply_fits(VERB_ANSWER, 235), "235 answers an AUTH answer");
	OK(!phase_reply_fits(VERB_AUTH, 250), "250 cannot answer AUTH");
	OK(phase_reply_fits(VERB_STARTTLS, 220), "220 answers STARTTLS");
	/* Servers answer HELP and QUIT with 250: any success will do. */
	OK(phase_reply_fits(VERB_QUIT, 250), "250 answers QUIT too");
	OK(phase_reply_fits(VERB_QUIT, 221), "221 answers QUIT");
	OK(phase_reply_fits(VERB_HELP, 250), "250 answers HELP too");
	OK(!phase_reply_fits(VERB_QUIT, 354), "354 cannot answer QUIT");
	OK(!phase_reply_fits(VERB_NOOP, 334), "334 cannot answer NOOP");
	OK(!phase_reply_fits(VERB_EHLO, 221), "221 cannot answer EHLO");
	OK(phase_reply_fits(VERB_VRFY, 252), "252 answers VRFY");
	OK(phase_reply_fits(VERB_HELP, 214), "214 answers HELP");
	OK(phase_reply_fits(VERB_OTHER, 220), "an unknown command: anything");
	OK(phase_reply_fits(VERB_MAIL, 0), "a line without a code is not judged");
	OK(!phase_reply_fits(VERB_OTHER, 100), "no command has a 1xx reply");
	EQ_STR(verb_name(VERB_UNASKED), "UNASKED", "VERB_UNASKED has a name");
}

int
main(void)
{
	test_names();
	test_verbs();
	test_happy_path();
	test_failures();
	test_reply_fits();
	return t_done();
}
