#!/bin/sh
# Practice server policies for teaching: --serve-require-auth (530 before
# AUTH) and --serve-tls-auth (538 for PLAIN/LOGIN before TLS).
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
done_testing
