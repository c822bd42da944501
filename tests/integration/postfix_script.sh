#!/bin/sh
# Script mode against the real, loopback-only Postfix: STARTTLS, AUTH PLAIN
# and AUTH LOGIN with --password-file, a message found delivered on disk, no
# password in any output, and the exit status of each kind of failure.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/postfix/common.sh"
need_password

SUB=submission://127.0.0.1:$PF_SUBMISSION_PORT
PLAIN=smtp://127.0.0.1:$PF_PLAIN_PORT
# The secret in every form that could leak: as is, and base64 as AUTH LOGIN
# and AUTH PLAIN would carry it.
PW_B64=$(printf '%s' "$PF_PASSWORD" | base64)
PW_PLAIN_B64=$(printf '\0%s\0%s' "$PF_USER" "$PF_PASSWORD" | base64)

# no_secret NAME FILE: ok when no form of the password appears in FILE.
no_secret() {
	if grep -qF -e "$PF_PASSWORD" -e "$PW_B64" -e "$PW_PLAIN_B64" "$2"; then
		not_ok "$1"
		diag "the password (or its base64) leaked into $2"
	else
		ok "$1"
	fi
}

# 1. Submission port: STARTTLS, AUTH PLAIN, a message typed line by line.
id1="plain-$PF_TAG@smtpscope.test"
cat >"$TMPD/plain.scr" <<EOF
# greeting
:expect 220
EHLO client.smtpscope.test
:expect 250
STARTTLS
:expect 220
EHLO client.smtpscope.test
:expect 250
:auth plain $PF_USER
:expect 235
MAIL FROM:<tester@smtpscope.test>
:expect 250
RCPT TO:<$PF_RCPT>
:expect 250
DATA
:expect 354
From: Tester <tester@smtpscope.test>
To: Alice <$PF_RCPT>
Subject: smtpscope plain $PF_TAG
Message-ID: <$id1>

First line of the body.
.a line that starts with a dot
Last line.
.
:expect 250
QUIT
:expect 221
EOF
run_ss plain --script "$TMPD/plain.scr" --ca-file "$PF_CA" --timeout 15 \
    --password-file "$PF_PASSWORD_FILE" --log "$TMPD/plain.log" "$SUB"
check_rc "STARTTLS + AUTH PLAIN script exits 0" 0
check_grep "greeting shown" '^S: 220 ' "$TMPD/plain.out"
check_grep "TLS summary after STARTTLS" '^# TLS' "$TMPD/plain.out"
check_grep "AUTH PLAIN accepted" '^S: 235' "$TMPD/plain.out"
check_grep "secret masked in transcript" '\*\*\*\*\*\*\*\*' "$TMPD/plain.out"
check_grep "message queued" '^S: 250 2\.0\.0 .*queued' "$TMPD/plain.out"
no_secret "no password on stdout" "$TMPD/plain.out"
no_secret "no password on stderr" "$TMPD/plain.err"
if [ -s "$TMPD/plain.log" ]; then
	ok "--log file written"
else
	not_ok "--log file written"
fi
check_grep "--log has the transcript" '^S: 235' "$TMPD/plain.log"
no_secret "no password in --log file" "$TMPD/plain.log"
if wait_for 20 maildir_find "<$id1>"; then
	ok "message delivered to $PF_MAILDIR"
	f1=$(maildir_find "<$id1>")
	check_grep "delivered subject intact" "^Subject: smtpscope plain $PF_TAG" "$f1"
	check_grep "authenticated sender recorded" 'Authenticated sender' "$f1"
	check_grep "dot-stuffing undone by the server" \
	    '^\.a line that starts with a dot$' "$f1"
	check_nogrep "no doubled dot delivered" '^\.\.a line' "$f1"
	check_grep "body complete" '^Last line\.$' "$f1"
else
	not_ok "message delivered to $PF_MAILDIR"
	diag "no file with Message-ID <$id1> in $PF_MAILDIR/new after 20 s"
fi

# 2. Plain port with STARTTLS, AUTH LOGIN (user from --user), :msg.
subj2="smtpscope-login-$PF_TAG"
cat >"$TMPD/login.scr" <<EOF
EHLO client.smtpscope.test
STARTTLS
:expect 220
EHLO client.smtpscope.test
:expect 250
:auth login
:expect 235 2.7.0
MAIL FROM:<tester@smtpscope.test>
:expect 2xx
RCPT TO:<$PF_RCPT>
:expect 250|251
:msg tester@smtpscope.test $PF_RCPT $subj2
:expect 250
QUIT
EOF
run_ss login --script "$TMPD/login.scr" --ca-file "$PF_CA" --timeout 15 \
    --user "$PF_USER" --password-file "$PF_PASSWORD_FILE" \
    --log "$TMPD/login.log" "$PLAIN"
check_rc "STARTTLS + AUTH LOGIN + :msg script exits 0" 0
check_grep "AUTH LOGIN challenges shown" '^S: 334 ' "$TMPD/login.out"
check_grep "AUTH LOGIN accepted" '^S: 235' "$TMPD/login.out"
no_secret "AUTH LOGIN: no password on stdout" "$TMPD/login.out"
no_secret "AUTH LOGIN: no password on stderr" "$TMPD/login.err"
no_secret "AUTH LOGIN: no password in --log file" "$TMPD/login.log"
if wait_for 20 maildir_find "$subj2"; then
	ok ":msg message delivered"
	f2=$(maildir_find "$subj2")
	check_grep ":msg wrote a Message-ID" '^Message-I[Dd]: <' "$f2"
	check_grep ":msg wrote a Date" '^Date: ' "$f2"
else
	not_ok ":msg message delivered"
fi

# 3. A wrong password: the :expect after :auth fails, exit 1, QUIT still sent.
printf 'not-the-password\n' >"$TMPD/wrong.pw"
cat >"$TMPD/wrong.scr" <<EOF
EHLO client.smtpscope.test
STARTTLS
EHLO client.smtpscope.test
:auth plain $PF_USER
:expect 235
MAIL FROM:<tester@smtpscope.test>
EOF
run_ss wrong --script "$TMPD/wrong.scr" --ca-file "$PF_CA" --timeout 15 \
    --password-file "$TMPD/wrong.pw" "$SUB"
check_rc "rejected AUTH fails the :expect: exit 1" 1
check_grep "server said 535" '^S: 535' "$TMPD/wrong.out"
check_grep "expectation failure reported" 'expectation failed' "$TMPD/wrong.all"
check_nogrep "script stopped at the failed :expect" '^C: MAIL' "$TMPD/wrong.out"
check_grep "QUIT sent after the failure" '^C: QUIT' "$TMPD/wrong.out"
check_nogrep "wrong password not shown" 'not-the-password' "$TMPD/wrong.all"

# 4. Relaying is refused (and the :expect catches it): exit 1.
cat >"$TMPD/relay.scr" <<EOF
EHLO client.smtpscope.test
MAIL FROM:<tester@smtpscope.test>
RCPT TO:<someone@example.com>
:expect 250
EOF
run_ss relay --script "$TMPD/relay.scr" --timeout 15 "$PLAIN"
check_rc "relay refused, :expect 250 fails: exit 1" 1
check_grep "Relay access denied shown" '^S: 554 5\.7\.1 .*Relay access denied' \
    "$TMPD/relay.out"

# 4b. Not even an authenticated client can send mail off the machine.
cat >"$TMPD/relay2.scr" <<EOF
EHLO client.smtpscope.test
STARTTLS
EHLO client.smtpscope.test
:auth plain $PF_USER
:expect 235
MAIL FROM:<$PF_USER@$PF_DOMAIN>
RCPT TO:<someone@example.com>
:expect 5xx
QUIT
EOF
run_ss relay2 --script "$TMPD/relay2.scr" --ca-file "$PF_CA" --timeout 15 \
    --password-file "$PF_PASSWORD_FILE" "$SUB"
check_rc "authenticated relay attempt refused (:expect 5xx holds): exit 0" 0

# 5. Enhanced code expectation that holds, read from stdin.
printf 'EHLO c\nMAIL FROM:<t@smtpscope.test>\nRCPT TO:<nobody-%s@localhost>\n:expect 5.1.1\n:expect 550\nQUIT\n:expect 221\n' \
    "$PF_TAG" >"$TMPD/enh.scr"
timeout 60 "$SMTPSCOPE" --script - --timeout 15 "$PLAIN" \
    <"$TMPD/enh.scr" >"$TMPD/enh.out" 2>&1
rc=$?
_n=enh
cp "$TMPD/enh.out" "$TMPD/enh.all"
check_rc "script from stdin, :expect 5.1.1 on unknown user: exit 0" 0

# 6. A bad script line is a usage error: exit 2.
printf 'EHLO client.smtpscope.test\n:no-such-command\nQUIT\n' >"$TMPD/bad.scr"
run_ss bad --script "$TMPD/bad.scr" --timeout 15 "$PLAIN"
check_rc "unknown :command: exit 2" 2
check_grep "names the bad command" 'no-such-command' "$TMPD/bad.all"

# 7. Nothing listens: connection error, exit 3, said in words.
port=$(free_port)
printf 'EHLO client.smtpscope.test\nQUIT\n' >"$TMPD/quit.scr"
run_ss refused --script "$TMPD/quit.scr" --timeout 15 "smtp://127.0.0.1:$port"
check_rc "refused port: exit 3" 3
check_grep "refusal named" '[Rr]efused' "$TMPD/refused.all"

# Leave the mailbox as we found it.
rm -f "${f1:-}" "${f2:-}"

done_testing
