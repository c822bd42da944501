#!/bin/sh
# explain.sh: smtpscope --explain prints what a code, a pasted reply or a
# keyword means, and refuses anything else with exit status 2.
. "$top_srcdir/tests/lib.sh"

[ -x "$SMTPSCOPE" ] || skip_all "no smtpscope binary at $SMTPSCOPE"

# explain NAME WANT_EXIT ARG: run it, keeping stdout and stderr.
explain() {
	_name=$1; _want=$2; shift 2
	"$SMTPSCOPE" --explain "$@" >"$TMPD/out" 2>"$TMPD/err"
	_got=$?
	if [ "$_got" -eq "$_want" ]; then ok "$_name: exit $_want"; else
		not_ok "$_name: exit $_want"; diag "exit $_got" "stdout:"
		sed 's/^/#   /' "$TMPD/out"; diag "stderr:"
		sed 's/^/#   /' "$TMPD/err"; fi
}

explain "250" 0 250
check_grep "250 title" '^## 250 OK' "$TMPD/out"
check_grep "250 class" 'Class 2xx, success' "$TMPD/out"
check_grep "250 reference" 'RFC 5321 4\.2\.3' "$TMPD/out"

explain "5.7.8" 0 5.7.8
check_grep "5.7.8 title" 'Enhanced code 5\.7\.8: Authentication credentials' "$TMPD/out"
check_grep "5.7.8 alone: read as a failure" 'login did not work' "$TMPD/out"
check_nogrep "5.7.8 alone: no success wording" 'In a success reply' "$TMPD/out"
explain "X.7.8" 0 X.7.8
check_grep "X.7.8: read as a failure" 'In a failure reply' "$TMPD/out"
check_grep "X.7.8: and as a success" 'In a success reply' "$TMPD/out"
check_grep "5.7.8 reference" 'RFC 4954' "$TMPD/out"

explain "a whole reply" 0 "535 5.7.8 Error: authentication failed"
check_grep "reply code" '^## 535 ' "$TMPD/out"
check_grep "reply enhanced code" 'Enhanced code 5\.7\.8' "$TMPD/out"
check_grep "reply retry advice" '^## Retry' "$TMPD/out"

explain "a pasted multi-line reply" 0 "$(printf '250-mx.example\r\n250-SIZE 35882577\r\n250 PIPELINING')"
check_grep "multi-line: extensions" 'SIZE 35882577: Message size limit' "$TMPD/out"
check_grep "multi-line: size in MiB" '34\.2 MiB' "$TMPD/out"

explain "a vendor reply" 0 "$(printf '550-5.7.26 This mail is unauthenticated\n550 5.7.26 domain DMARC policy - gsmtp')"
check_grep "vendor hint: DMARC" 'Hint: DMARC policy' "$TMPD/out"
check_grep "vendor hint: where the text comes from" 'A text seen from' "$TMPD/out"

explain "PIPELINING" 0 PIPELINING
check_grep "keyword" 'PIPELINING: Command pipelining' "$TMPD/out"
check_grep "keyword reference" 'RFC 2920' "$TMPD/out"

explain "size (lower case)" 0 size
check_grep "keyword any case" 'SIZE: Message size limit' "$TMPD/out"

explain "CRAM-MD5" 0 CRAM-MD5
check_grep "mechanism" 'SASL mechanism CRAM-MD5' "$TMPD/out"

explain "5.7.999" 0 5.7.999
check_grep "unknown detail: subject" 'Security or policy' "$TMPD/out"

explain "unknown word" 2 frobnicate
check_grep "unknown: message" 'nothing known about this: .*frobnicate' "$TMPD/err"
check "unknown: nothing on stdout" test ! -s "$TMPD/out"

explain "pasted 334" 0 "334 VXNlcm5hbWU6"
check_grep "pasted 334: decoded" 'Decoded: "Username:"' "$TMPD/out"
explain "pasted XOAUTH2 error" 0 "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0="
check_grep "pasted XOAUTH2 error: status explained" '401' "$TMPD/out"
explain "escape in the argument" 2 "$(printf 'no\033]0;x')"
check_nogrep "escape in the argument: not echoed raw" "$(printf '\033')" "$TMPD/err"

explain "bad code" 2 999
check_grep "bad code: message" 'nothing known about this' "$TMPD/err"

# Success reads as success.
explain "250 2.6.0 queued" 0 "250 2.6.0 <id@example.com> [InternalId=1] Queued mail for delivery"
check_grep "2.6.0: accepted" 'accepted' "$TMPD/out"
check_nogrep "2.6.0: no failure wording" 'media error\|could not be handled\|refused\|failed' "$TMPD/out"
explain "235 2.7.0" 0 "235 2.7.0 Authentication successful"
check_nogrep "2.7.0: no failure wording" 'refused\|rule\|failed\|invalid' "$TMPD/out"

# Enhanced codes wherever servers put them.
explain "qmail (#5.1.1)" 0 "550 sorry, no mailbox here by that name. (#5.1.1)"
check_grep "qmail: enhanced code found" 'Enhanced code 5\.1\.1' "$TMPD/out"
explain "behind a vendor tag" 0 "550 xyz_tag 5.1.1 user unknown"
check_grep "vendor tag: enhanced code found" 'Enhanced code 5\.1\.1' "$TMPD/out"
explain "in a later line" 0 "$(printf '550-Hello\n550 5.7.1 nope')"
check_grep "multi-line: enhanced code found" 'Enhanced code 5\.7\.1' "$TMPD/out"
explain "an IP is no code" 0 "550 Mail from 5.4.3.2 refused"
check_nogrep "dotted quad: no enhanced code" 'Enhanced code' "$TMPD/out"
explain "a version is no code" 0 "220 mx.example ESMTP Exim 4.94.2 ready"
check_nogrep "version: no enhanced code" 'Enhanced code' "$TMPD/out"

# EHLO keyword lines: each keyword and each mechanism.
explain "250-AUTH line" 0 "250-AUTH GSSAPI NTLM LOGIN"
check_grep "AUTH line: the keyword" '^## AUTH: ' "$TMPD/out"
check_grep "AUTH line: GSSAPI" '^- GSSAPI ' "$TMPD/out"
check_grep "AUTH line: NTLM" '^- NTLM ' "$TMPD/out"
check_grep "AUTH line: LOGIN" '^- LOGIN ' "$TMPD/out"
check_nogrep "AUTH line: not a lone 250" '^## 250 OK' "$TMPD/out"

# Several replies, each explained.
explain "two replies" 0 "$(printf '250 2.1.0 Ok\n550 5.1.1 <b@example.org>: Recipient address rejected: User unknown in local recipient table')"
check_grep "two replies: the first" '^## 250 ' "$TMPD/out"
check_grep "two replies: the second" '^## 550 ' "$TMPD/out"
check_grep "two replies: the text of the second" 'Hint: The recipient address does not exist' "$TMPD/out"

# A whole bounce.
cat >"$TMPD/dsn" <<'EOF2'
This is the mail system at host mail.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<bob@example.com>: host mx.example.com[192.0.2.25] said: 550 5.1.1
    <bob@example.com>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

Reporting-MTA: dns; mail.example.org
Final-Recipient: rfc822; bob@example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: Recipient address
    rejected: User unknown in virtual mailbox table
EOF2
explain "a bounce" 0 "$(cat "$TMPD/dsn")"
check_grep "bounce: named a report" 'Delivery status notification' "$TMPD/out"
check_grep "bounce: action" 'Action: failed' "$TMPD/out"
check_grep "bounce: the remote reply" '^## 550 ' "$TMPD/out"
check_grep "bounce: its cause" 'Hint: The recipient address does not exist' "$TMPD/out"
check_grep "bounce: answered RCPT (diagnosis)" 'Diagnosis' "$TMPD/out"
printf 'SMTP error from remote mail server after RCPT TO:<x@example.net>:\n    550 5.7.1 Relaying denied\n' >"$TMPD/exim"
explain "an Exim bounce" 0 "$(cat "$TMPD/exim")"
check_grep "Exim bounce: the reply" '^## 550 ' "$TMPD/out"
check_grep "Exim bounce: relay" 'Hint: Relaying refused' "$TMPD/out"

cat >"$TMPD/ndr" <<'EOF2'
Diagnostic information for administrators:

Generating server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com

bob@example.com
Remote Server returned '550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/'
EOF2
explain "an Exchange NDR" 0 "$(cat "$TMPD/ndr")"
check_grep "Exchange NDR: the quoted reply" '^## 550 ' "$TMPD/out"
check_grep "Exchange NDR: its cause" 'Hint: Your IP address or domain is blocked' "$TMPD/out"
printf 'Delivery to the following recipient failed permanently:\n\n     bob@example.com\n\nThe response from the remote server was:\n550 5.1.1 The email account that you tried to reach does not exist.\n' >"$TMPD/gmail"
explain "a Gmail bounce" 0 "$(cat "$TMPD/gmail")"
check_grep "Gmail bounce: the quoted reply" '^## 550 ' "$TMPD/out"
check_grep "Gmail bounce: its cause" 'Hint: The recipient address does not exist' "$TMPD/out"

# Words alone, and a line nothing specific is known about.
explain "free text" 0 "receiving mail at a rate that prevents additional messages"
check_grep "free text: rate limit" 'Hint: Sending too fast' "$TMPD/out"
explain "nothing specific" 0 "550 frobnicated by the zorblax"
check_grep "nothing specific: said in one line" 'Nothing more specific is known' "$TMPD/out"

done_testing
