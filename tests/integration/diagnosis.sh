#!/bin/sh
# diagnosis.sh: a failing reply is explained in its context.  Script mode
# against the practice server and against the test Postfix prints a
# "# diagnosis:" note after the failures that the session explains (order
# of commands, a login typed already in base64, relaying without a login,
# TLS first), the --log file keeps it, and a success gets none.
. "$top_srcdir/tests/lib.sh"

[ -x "$SMTPSCOPE" ] || skip_all "no smtpscope binary at $SMTPSCOPE"

# 1. The practice server: commands out of order.
cat >"$TMPD/order.scr" <<'EOF2'
EHLO me.example
RCPT TO:<bob@example.org>
DATA
MAIL FROM:<a@example.org>
MAIL FROM:<a@example.org>
RSET
QUIT
EOF2
"$SMTPSCOPE" --script "$TMPD/order.scr" --log "$TMPD/order.log" >"$TMPD/order.out" 2>&1
check_grep "RCPT before MAIL: diagnosis" '^# diagnosis: RCPT TO came before MAIL FROM' "$TMPD/order.out"
check_grep "DATA with no transaction: diagnosis" '^# diagnosis: DATA with no transaction open' "$TMPD/order.out"
check_grep "nested MAIL: diagnosis" '^# diagnosis: A transaction is already open: send RSET' "$TMPD/order.out"
check_grep "the --log file has the diagnosis too" '^# diagnosis: RCPT TO came before MAIL FROM' "$TMPD/order.log"
n=$(grep -c '^# diagnosis:' "$TMPD/order.out")
check "no diagnosis for a success (3 failures, 3 notes)" test "$n" -eq 3

# 2. The practice server: an answer typed already in base64 is encoded twice.
cat >"$TMPD/double.scr" <<'EOF2'
EHLO me.example
AUTH LOGIN
:expect 334
ZGVtbw==
:expect 334
ZGVtbw==
:expect 535
QUIT
EOF2
"$SMTPSCOPE" --script "$TMPD/double.scr" >"$TMPD/double.out" 2>&1
check_grep "535 after a base64 answer: encoded twice" '^# diagnosis: Your answer was already base64' "$TMPD/double.out"

# 3. The practice server: AUTH with a mechanism it did not offer.
printf 'EHLO me.example\nAUTH GSSAPI\nQUIT\n' >"$TMPD/mech.scr"
"$SMTPSCOPE" --script "$TMPD/mech.scr" >"$TMPD/mech.out" 2>&1
check_grep "AUTH with a mechanism not offered" '^# diagnosis: The server did not offer this mechanism' "$TMPD/mech.out"

# 4. The real Postfix, when it can run here.
if ! bash "$top_srcdir/tests/postfix/setup.sh" >"$TMPD/pf.log" 2>&1; then
	diag "test Postfix unavailable: $(tail -n 1 "$TMPD/pf.log")"
	done_testing
fi
. "${SMTPSCOPE_PF_STATE:-/var/lib/smtpscope-test}/env.sh"

# Port 25 style: no login, mail for a domain elsewhere: relay denied.
cat >"$TMPD/relay.scr" <<'EOF2'
EHLO client.smtpscope.test
MAIL FROM:<tester@smtpscope.test>
RCPT TO:<someone@elsewhere.example>
AUTH PLAIN AGRlbW8AZGVtbw==
QUIT
EOF2
"$SMTPSCOPE" --script "$TMPD/relay.scr" --timeout 15 "smtp://127.0.0.1:$PF_PLAIN_PORT" >"$TMPD/relay.out" 2>&1
check_grep "Postfix relay denied: reply" '^S: 554 5\.7\.1 .*Relay access denied' "$TMPD/relay.out"
check_grep "Postfix relay denied without AUTH: log in first" '^# diagnosis: You have not logged in, so this server relays only' "$TMPD/relay.out"
check_grep "Postfix AUTH before STARTTLS: STARTTLS first" '^# diagnosis: .*STARTTLS' "$TMPD/relay.out"

# Submission port: MAIL before STARTTLS.
printf 'EHLO client.smtpscope.test\nMAIL FROM:<tester@smtpscope.test>\nQUIT\n' >"$TMPD/tls.scr"
"$SMTPSCOPE" --script "$TMPD/tls.scr" --timeout 15 "smtp://127.0.0.1:$PF_SUBMISSION_PORT" >"$TMPD/tls.out" 2>&1
check_grep "Postfix submission: STARTTLS first" '^# diagnosis: The server wants TLS first, and it offers STARTTLS' "$TMPD/tls.out"

# The same session explained in the HTML export, as the sidebar does.
grep -v '^# diagnosis' "$TMPD/relay.out" >"$TMPD/relay.txt"
"$SMTPSCOPE" --replay "$TMPD/relay.txt" --export-html "$TMPD/relay.html" >/dev/null 2>&1
check_grep "HTML export of the replay: the Diagnosis section" 'Diagnosis' "$TMPD/relay.html"
check_grep "HTML export: relay diagnosis" 'You have not logged in' "$TMPD/relay.html"
done_testing
