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
check_grep "5.7.8 detail" 'Authentication credentials invalid' "$TMPD/out"
check_grep "5.7.8 reference" 'RFC 4954' "$TMPD/out"

explain "a whole reply" 0 "535 5.7.8 Error: authentication failed"
check_grep "reply code" '^## 535 ' "$TMPD/out"
check_grep "reply enhanced code" 'Enhanced code 5\.7\.8' "$TMPD/out"
check_grep "reply retry advice" '^## Retry' "$TMPD/out"

explain "a pasted multi-line reply" 0 "$(printf '250-mx.example\r\n250-SIZE 35882577\r\n250 PIPELINING')"
check_grep "multi-line: extensions" 'SIZE 35882577: Message size limit' "$TMPD/out"
check_grep "multi-line: size in MiB" '34\.2 MiB' "$TMPD/out"

explain "a vendor reply" 0 "$(printf '550-5.7.26 This mail is unauthenticated\n550 5.7.26 domain DMARC policy - gsmtp')"
check_grep "vendor hint" 'Hint: Sender authentication failed' "$TMPD/out"
check_grep "DMARC hint" 'Hint: DMARC policy' "$TMPD/out"

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
check_grep "unknown: message" 'not a reply code or keyword: frobnicate' "$TMPD/err"
check "unknown: nothing on stdout" test ! -s "$TMPD/out"

explain "pasted 334" 0 "334 VXNlcm5hbWU6"
check_grep "pasted 334: decoded" 'Decoded: "Username:"' "$TMPD/out"
explain "pasted XOAUTH2 error" 0 "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0="
check_grep "pasted XOAUTH2 error: status explained" '401' "$TMPD/out"
explain "escape in the argument" 2 "$(printf 'no\033]0;x')"
check_nogrep "escape in the argument: not echoed raw" "$(printf '\033')" "$TMPD/err"

explain "bad code" 2 999
check_grep "bad code: message" 'not a reply code or keyword' "$TMPD/err"

done_testing
