#!/bin/sh
# Practice server policies for teaching: --serve-require-auth (530 before
# AUTH), --serve-tls-auth (538 for PLAIN/LOGIN before TLS) and
# --serve-require-tls (523 for MAIL or any AUTH before STARTTLS).
. "$top_srcdir/tests/lib.sh"

start_practice --serve-require-auth --serve-tls-auth || { not_ok "practice server started"; done_testing; }
ok "practice server started with both policies"
P=$PRACTICE_PORT

printf 'EHLO me\nMAIL FROM:<a@example.com>\n:expect 530 5.7.0\nAUTH PLAIN AGRlbW8AZGVtbw==\n:expect 538 5.7.11\nQUIT\n' >"$TMPD/clear.txt"
check_run "in clear: MAIL gets 530, AUTH PLAIN gets 538" 0 "$SMTPSCOPE" --script "$TMPD/clear.txt" 127.0.0.1 "$P"

printf 'EHLO me\nSTARTTLS\nEHLO me\n:auth plain demo\n:expect 235\nMAIL FROM:<a@example.com>\n:expect 250\nQUIT\n' >"$TMPD/tls.txt"
check_run "after STARTTLS: AUTH and MAIL accepted" 0 env PW=demo "$SMTPSCOPE" --insecure --password-env PW --script "$TMPD/tls.txt" 127.0.0.1 "$P"

check_run "policy options alone are a usage error" 2 "$SMTPSCOPE" --serve-tls-auth --script /dev/null 127.0.0.1 1
check_grep "the usage error says why" 'go with --serve' "$TMPD/err"

# --serve-require-tls: RFC 5248 523 / X.7.10, a server requiring TLS as in
# RFC 3207 5.  It also holds over implicit TLS (already encrypted).
_stop_practice
start_practice --serve-require-tls --serve-smtps 127.0.0.1:0 || { not_ok "practice server started with --serve-require-tls"; done_testing; }
ok "practice server started with --serve-require-tls"
P=$PRACTICE_PORT

printf 'EHLO me\nMAIL FROM:<a@example.com>\n:expect 523 5.7.10\nAUTH PLAIN AGRlbW8AZGVtbw==\n:expect 523 5.7.10\nAUTH CRAM-MD5\n:expect 523 5.7.10\nRCPT TO:<x@localhost>\n:expect 503\nHELP\n:expect 214\nQUIT\n' >"$TMPD/rt-clear.txt"
check_run "require TLS in clear: MAIL and AUTH (even CRAM-MD5) get 523" 0 "$SMTPSCOPE" --script "$TMPD/rt-clear.txt" 127.0.0.1 "$P"
cp "$TMPD/out" "$TMPD/rt-clear.out"
check_grep "the 523 reply says what to do" '^S: 523 5\.7\.10 Encryption needed: issue STARTTLS first$' "$TMPD/rt-clear.out"
check_grep "HELP names the active policy" '^S: 214-2\.0\.0 +require TLS: .*523 5\.7\.10' "$TMPD/rt-clear.out"
check_nogrep "HELP leaves out inactive policies" '^S: 214-2\.0\.0 .*(530 5\.7\.0|538 5\.7\.11)' "$TMPD/rt-clear.out"
check_grep "HELP lists each local domain once" '^S: 214-2\.0\.0 Local domains: localhost, practice\.test$' "$TMPD/rt-clear.out"

printf 'EHLO me\nSTARTTLS\nEHLO me\nMAIL FROM:<a@example.com>\n:expect 250 2.1.0\nRSET\n:auth cram-md5 demo\n:expect 235\nQUIT\n' >"$TMPD/rt-tls.txt"
check_run "require TLS after STARTTLS: MAIL and AUTH accepted" 0 env PW=demo "$SMTPSCOPE" --insecure --password-env PW --script "$TMPD/rt-tls.txt" 127.0.0.1 "$P"

if [ -n "$PRACTICE_TLS_PORT" ]; then
	printf 'EHLO me\nMAIL FROM:<a@example.com>\n:expect 250 2.1.0\nQUIT\n' >"$TMPD/rt-smtps.txt"
	check_run "require TLS over implicit TLS: MAIL accepted" 0 "$SMTPSCOPE" --insecure --script "$TMPD/rt-smtps.txt" "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
else
	not_ok "implicit TLS port printed"
fi

check_run "--serve-require-tls alone is a usage error" 2 "$SMTPSCOPE" --serve-require-tls --script /dev/null 127.0.0.1 1
check_grep "the usage error names --serve" 'go with --serve' "$TMPD/err"
done_testing
