#!/bin/sh
# --json: script mode prints one JSON object per transcript line and a
# summary, valid JSON whatever the server sends, secrets masked as in the
# text output; against the practice server, a hostile server and (when it
# can run here) the test Postfix with STARTTLS and AUTH.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

J="$top_srcdir/tests/integration/jsonl.py"
# jcheck NAME FILE EXPR...: ok when FILE is valid JSON Lines and each EXPR
# holds (see jsonl.py).
jcheck() {
	_name=$1; shift
	if python3 "$J" "$@" >"$TMPD/jcheck.err" 2>&1; then
		ok "$_name"
	else
		not_ok "$_name"
		sed 's/^/#   /' "$TMPD/jcheck.err"
	fi
}

# 1. The practice server: AUTH, a refused recipient with its diagnosis.
printf 'demo\n' >"$TMPD/demo.pw"
cat >"$TMPD/practice.scr" <<'SCR'
EHLO me
MAIL FROM:<a@example.org>
RCPT TO:<x@elsewhere.example>
:expect 554
RSET
STARTTLS
EHLO me
:auth plain demo
:expect 235
QUIT
SCR
check_run "practice: exit 0" 0 "$SMTPSCOPE" --json --password-file "$TMPD/demo.pw" \
    --script "$TMPD/practice.scr"
cp "$TMPD/out" "$TMPD/practice.out"
jcheck "practice: valid JSON Lines, summary last" "$TMPD/practice.out" \
    'S["exit"] == 0 and S["status"] == "ok"'
jcheck "practice: directions" "$TMPD/practice.out" \
    'lines("server") and lines("client") and lines("tls") and lines("note")'
jcheck "practice: greeting code" "$TMPD/practice.out" \
    'lines("server")[0]["code"] == 220 and lines("server")[0]["reply_code"] == 220'
jcheck "practice: time is RFC 3339 with ms" "$TMPD/practice.out" \
    'all(__import__("re").match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", o["time"]) for o in L[:-1])'
jcheck "practice: 235 with its enhanced code and class" "$TMPD/practice.out" \
    'any(o.get("reply_code") == 235 and o.get("reply_enhanced") == "2.7.0" and o["class"] == "success" for o in L)'
jcheck "practice: the refusal explained, with its cause" "$TMPD/practice.out" \
    'any(o.get("reply_code") == 554 and o["answers"] == "RCPT" and o["category"] == "relay-denied" and o["explanation"] for o in L)'
jcheck "practice: the diagnosis is its own event" "$TMPD/practice.out" \
    'lines("diagnosis") and not text("diagnosis").startswith("diagnosis:")'
jcheck "practice: AUTH line masked" "$TMPD/practice.out" \
    'any(o["text"].startswith("AUTH PLAIN ") and o.get("masked") for o in lines("client"))'
check_nogrep "practice: no password (base64) in the output" 'AGRlbW8AZGVtbw|ZGVtbw' "$TMPD/practice.out"
check_nogrep "practice: no ANSI colour" "$(printf '\033')" "$TMPD/practice.out"

# 2. --show-secrets writes the secret, as in the text output.
check_run "show-secrets: exit 0" 0 "$SMTPSCOPE" --json --show-secrets \
    --password-file "$TMPD/demo.pw" --script "$TMPD/practice.scr"
check_grep "show-secrets: the AUTH line unmasked" 'AUTH PLAIN AGRlbW8AZGVtbw' "$TMPD/out"

# 3. A failed :expect: the summary says which line.
printf 'EHLO me\nMAIL FROM:<a@example.org>\n:expect 5xx\nQUIT\n' >"$TMPD/fail.scr"
check_run "expect fails: exit 1" 1 "$SMTPSCOPE" --json --script "$TMPD/fail.scr"
jcheck "expect fails: summary names file and line" "$TMPD/out" \
    'S["exit"] == 1 and S["status"] == "expect-failed" and "fail.scr:3:" in S["reason"]'

# 4. A bad script: still one summary, exit 2.
printf 'EHLO me\n:no-such-command\n' >"$TMPD/bad.scr"
check_run "bad script: exit 2" 2 "$SMTPSCOPE" --json --script "$TMPD/bad.scr"
jcheck "bad script: the summary alone says why" "$TMPD/out" \
    'len(L) == 1 and S["status"] == "usage" and "no-such-command" in S["reason"]'

# 5. Nothing listens: connection error in the summary.
port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
printf 'EHLO me\n' >"$TMPD/ehlo.scr"
check_run "refused: exit 3" 3 "$SMTPSCOPE" --json --timeout 5 --script "$TMPD/ehlo.scr" 127.0.0.1 "$port"
jcheck "refused: summary status connect" "$TMPD/out" \
    'S["exit"] == 3 and S["status"] == "connect" and S["reason"]'

# 6. --json without --script, or with --step: usage errors.
check_run "--json with the UI: exit 2" 2 "$SMTPSCOPE" --json
check_grep "--json with the UI: said" 'goes with --script' "$TMPD/err"
check_run "--json with --step: exit 2" 2 "$SMTPSCOPE" --json --step --script "$TMPD/ehlo.scr"

# 7. A hostile server: escapes, C1 controls, invalid UTF-8 and NUL.
HS="$top_srcdir/tests/integration/hostile_server.py"
python3 "$HS" escapes "$TMPD/port.esc" &
hpid=$!
stop_hostile() { kill "$hpid" 2>/dev/null; }
on_exit stop_hostile
if wait_for 10 test -s "$TMPD/port.esc"; then
	printf 'EHLO me\nQUIT\n' >"$TMPD/q.scr"
	check_run "hostile: exit 0" 0 "$SMTPSCOPE" --json --script "$TMPD/q.scr" 127.0.0.1 "$(cat "$TMPD/port.esc")"
	cp "$TMPD/out" "$TMPD/esc.out"
	jcheck "hostile: every line is valid JSON" "$TMPD/esc.out" 'True'
	jcheck "hostile: controls come out as escapes" "$TMPD/esc.out" \
	    '"\x1b]0;pwned\x07" in text("server") and "\u009b" in text("server")'
	jcheck "hostile: invalid UTF-8 as U+FFFD, exact bytes in raw_b64" "$TMPD/esc.out" \
	    'any("\ufffd\ufffd bad" in o["text"] and b"\xff\xfe bad" in __import__("base64").b64decode(o["raw_b64"]) for o in lines("server"))'
	jcheck "hostile: the NUL warning is a warning event" "$TMPD/esc.out" \
	    '"NUL" in text("warning")'
	if python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(any(b < 0x20 and b != 0x0a for b in d) or b"\xc2\x9b" in d)' "$TMPD/esc.out"; then
		ok "hostile: no raw control byte in the output"
	else
		not_ok "hostile: no raw control byte in the output"
	fi
else
	not_ok "hostile server started"
fi

# 8. The test Postfix: STARTTLS and AUTH on the submission port.
pf_log=$TMPD/postfix-setup.log
if bash "$top_srcdir/tests/postfix/setup.sh" >"$pf_log" 2>&1 &&
    . "${SMTPSCOPE_PF_STATE:-/var/lib/smtpscope-test}/env.sh" &&
    [ -r "$PF_PASSWORD_FILE" ]; then
	PF_PASSWORD=$(head -n 1 "$PF_PASSWORD_FILE")
	cat >"$TMPD/pf.scr" <<EOF2
EHLO client.smtpscope.test
STARTTLS
:expect 220
EHLO client.smtpscope.test
:auth plain $PF_USER
:expect 235
MAIL FROM:<$PF_USER@$PF_DOMAIN>
RCPT TO:<someone@example.com>
:expect 5xx
QUIT
EOF2
	check_run "postfix: exit 0" 0 timeout 60 "$SMTPSCOPE" --json --ca-file "$PF_CA" \
	    --timeout 15 --password-file "$PF_PASSWORD_FILE" --script "$TMPD/pf.scr" \
	    "submission://127.0.0.1:$PF_SUBMISSION_PORT"
	cp "$TMPD/out" "$TMPD/pf.out"
	jcheck "postfix: valid, summary ok" "$TMPD/pf.out" 'S["status"] == "ok"'
	jcheck "postfix: TLS events" "$TMPD/pf.out" 'len(lines("tls")) >= 1'
	jcheck "postfix: 235 2.7.0" "$TMPD/pf.out" \
	    'any(o.get("reply_code") == 235 and o.get("reply_enhanced") == "2.7.0" for o in L)'
	jcheck "postfix: refusal with code, class and category" "$TMPD/pf.out" \
	    'any(o.get("reply_code") == 550 and o["reply_enhanced"] == "5.1.1" and o["class"] == "permanent failure" and o.get("category") for o in L)'
	pw_b64=$(printf '\0%s\0%s' "$PF_USER" "$PF_PASSWORD" | base64)
	if grep -qF -e "$PF_PASSWORD" -e "$pw_b64" "$TMPD/pf.out" "$TMPD/err"; then
		not_ok "postfix: no password in the output"
	else
		ok "postfix: no password in the output"
	fi
else
	ok "postfix: # SKIP test Postfix unavailable: $(tail -n 1 "$pf_log")"
fi

# The one-shot send runs as a script: --json goes with it too.
check_run "one-shot send: exit 0" 0 timeout 30 "$SMTPSCOPE" --json \
    --to demo@localhost --body 'hello json' --attach "$0"
cp "$TMPD/out" "$TMPD/send.out"
jcheck "one-shot send: valid, summary ok" "$TMPD/send.out" 'S["status"] == "ok"'
jcheck "one-shot send: the message was accepted" "$TMPD/send.out" \
    'any(o.get("reply_code") == 250 and o.get("answers") == "DOT" for o in L)'
jcheck "one-shot send: the summary says the message went" "$TMPD/send.out" \
    'S["reason"] == "the message was accepted"'
# A refused send exits 1, and the summary says 1 too, with the reason.
check_run "one-shot send, recipient refused: exit 1" 1 timeout 30 "$SMTPSCOPE" \
    --json --to x@elsewhere.example
cp "$TMPD/out" "$TMPD/refused.out"
jcheck "one-shot send refused: the summary's exit is 1, with the step" \
    "$TMPD/refused.out" 'S["exit"] == 1' \
    'S["reason"] == "no recipient was accepted"'
check_run "one-shot --quit-after: exit 0" 0 timeout 30 "$SMTPSCOPE" --json \
    --quit-after ehlo
cp "$TMPD/out" "$TMPD/qa.out"
jcheck "--quit-after: the summary says it stopped there" "$TMPD/qa.out" \
    'S["exit"] == 0' 'S["reason"] == "stopped by --quit-after"'

done_testing
