#!/bin/sh
# Hostile and broken servers: nothing crashes, nothing from the wire
# reaches the terminal raw, each fault is named, exit codes stay right.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

HS="$top_srcdir/tests/integration/hostile_server.py"
SRVPIDS=""
stop_all() { for p in $SRVPIDS; do kill "$p" 2>/dev/null; done; }
on_exit stop_all

# hostile MODE: start the server for MODE, set HPORT.
hostile() {
	rm -f "$TMPD/port.$1"
	python3 "$HS" "$1" "$TMPD/port.$1" &
	SRVPIDS="$SRVPIDS $!"
	# A server slow to start must not leave the last one's port here.
	HPORT=1
	wait_for 30 test -s "$TMPD/port.$1" || return 1
	HPORT=$(cat "$TMPD/port.$1")
}

# no_raw_controls NAME FILE: no ESC, no C1 (as UTF-8 or raw), no NUL, no BEL.
no_raw_controls() {
	if python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
bad = [b for b in (0x1b, 0x07, 0x00, 0x9b) if bytes([b]) in d]
bad += ["C1"] if any(0x80 <= c <= 0x9f for c in d.decode("utf-8", "replace").encode("utf-32-be")[3::4]) and "\u009b" in d.decode("utf-8","replace") else []
sys.exit(1 if bad else 0)' "$2"; then ok "$1"; else not_ok "$1"; fi
}

printf 'EHLO me\nQUIT\n' >"$TMPD/ehlo.txt"

hostile escapes
check_run "escapes: the session completes" 0 "$SMTPSCOPE" --log "$TMPD/esc.log" --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
cp "$TMPD/out" "$TMPD/esc.out"
no_raw_controls "escapes: no raw control bytes on stdout" "$TMPD/esc.out"
no_raw_controls "escapes: no raw control bytes in the log" "$TMPD/esc.log"
check_grep "escapes: ESC shown as \\e" 'S: 220 \\e\]0;pwned' "$TMPD/esc.out"
check_grep "escapes: invalid UTF-8 shown as \\xNN" '\\xff\\xfe bad' "$TMPD/esc.out"
check_grep "escapes: the NUL byte is reported" 'warning: .*NUL' "$TMPD/esc.out"

hostile malformed
check_run "malformed: the session completes" 0 "$SMTPSCOPE" --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
cp "$TMPD/out" "$TMPD/mal.out"
check_grep "malformed: the 5000-octet line is reported" 'longer than 998 octets' "$TMPD/mal.out"
check_grep "malformed: the bare LF is reported" 'bare LF' "$TMPD/mal.out"
check_grep "malformed: the bad reply is reported" 'warning: malformed reply' "$TMPD/mal.out"
check_grep "malformed: QUIT still answered" '^S: 221 bye' "$TMPD/mal.out"

hostile split
check_run "split: replies one byte per packet still parse" 0 "$SMTPSCOPE" --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
check_grep "split: the EHLO reply is whole" '^S: 250 8BITMIME' "$TMPD/out"

hostile garbage
check_run "garbage: connection error exit 3" 3 "$SMTPSCOPE" --timeout 5 --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
no_raw_controls "garbage: no raw control bytes on stdout" "$TMPD/out"

hostile drop
check_run "drop mid-reply: exit 3" 3 "$SMTPSCOPE" --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
check_grep "drop mid-reply: said in words" 'closed the connection while a reply to EHLO was due' "$TMPD/err"
check_grep "drop mid-reply: the partial line is kept" '^S: 250-PIPE' "$TMPD/out"

hostile cutfinal
check_run "final line cut off: exit 3" 3 "$SMTPSCOPE" --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
check_grep "final line cut off: it answers nothing" 'closed the connection while a reply to EHLO was due' "$TMPD/err"
check_grep "final line cut off: shown and said" 'ended in the middle of this line' "$TMPD/out"

hostile greetclose
check_run "greeting, then close: exit 3" 3 "$SMTPSCOPE" --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
check_grep "greeting, then close: said in words" 'the server closed the connection' "$TMPD/err"
check_nogrep "greeting, then close: not \"no error\"" 'no error' "$TMPD/err"

# Endless 334s: the AUTH helper gives up instead of answering for ever.
printf 'EHLO me\n:auth login alice\nQUIT\n' >"$TMPD/auth334.txt"
hostile auth334
check_run "endless 334s: exit 3, in time" 3 timeout 20 env PW=secret "$SMTPSCOPE" --allow-plaintext --password-env PW --timeout 10 --script "$TMPD/auth334.txt" 127.0.0.1 "$HPORT"
check_grep "endless 334s: said in words" 'more than 16 334 challenges in one AUTH exchange' "$TMPD/err"

hostile trickle
check_run "endless reply: timeout exit 5" 5 "$SMTPSCOPE" --timeout 2 --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
check_grep "endless reply: said in words" 'no reply within 2 s' "$TMPD/err"

hostile inject
printf 'EHLO me\nSTARTTLS\nEHLO me\n' >"$TMPD/tls.txt"
check_run "STARTTLS injection: TLS fails (exit 4)" 4 "$SMTPSCOPE" --insecure --timeout 5 --script "$TMPD/tls.txt" 127.0.0.1 "$HPORT"
check_grep "STARTTLS injection: the forged reply is discarded and said" 'discarded' "$TMPD/out"
check_nogrep "STARTTLS injection: the forged reply is never shown as a reply" '^S: 250 forged' "$TMPD/out"

hostile tlsclose
check_run "220 to STARTTLS then close: exit 4, no crash" 4 "$SMTPSCOPE" --insecure --timeout 5 --script "$TMPD/tls.txt" 127.0.0.1 "$HPORT"

hostile flood
check_run "a flood of reply lines: exit 3" 3 "$SMTPSCOPE" --timeout 20 --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
check_grep "a flood of reply lines: given up in words" 'more than 10000 lines' "$TMPD/err"

# peak_run FILE CMD...: run CMD (stdout in $TMPD/out, stderr in $TMPD/err),
# killed after 30 s; its peak RSS in KiB goes to FILE, and its exit code
# (124 when killed) is ours.
peak_run() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys
out = open(sys.argv[1] + ".out", "w")
with open(sys.argv[1] + ".stdout", "wb") as so, open(sys.argv[1] + ".stderr", "wb") as se:
    p = subprocess.Popen(sys.argv[2:], stdout=so, stderr=se, stdin=subprocess.DEVNULL)
    try:
        rc = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        rc = 124
out.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)
PY
	_rc=$?
	cp "$1.stdout" "$TMPD/out"
	cp "$1.stderr" "$TMPD/err"
	return $_rc
}
# under_mib NAME FILE MIB: ok when the KiB figure in FILE is below MIB MiB.
under_mib() {
	_kib=$(cat "$2" 2>/dev/null || echo 999999999)
	if [ "$_kib" -lt $(($3 * 1024)) ]; then ok "$1 ($((_kib / 1024)) MiB)"; else not_ok "$1"; diag "peak RSS $_kib KiB"; fi
}

# Replies nobody asked for: a flood of one-line replies is named and the
# connection closed, in bounded memory and time; the log says so too.
printf 'EHLO me\nMAIL FROM:<a@example.com>\nRCPT TO:<b@example.com>\nQUIT\n' >"$TMPD/unasked.txt"
hostile unasked
check_exit "unasked flood: connection error exit 3, in time" 3 peak_run "$TMPD/peak1" "$SMTPSCOPE" --timeout 20 --log "$TMPD/unasked.log" --script "$TMPD/unasked.txt" 127.0.0.1 "$HPORT"
under_mib "unasked flood: peak memory stays under 200 MiB" "$TMPD/peak1.out" 200
check_grep "unasked flood: said in words on stderr" 'more than 100 replies nobody asked for; closing' "$TMPD/err"
check_grep "unasked flood: each of the first is flagged" '^# warning: a reply nobody asked for: "250 nobody asked for this" came while no command was waiting' "$TMPD/out"
check_grep "unasked flood: the rest are not noted one by one" 'not noted one by one' "$TMPD/out"
check "unasked flood: at most 10 notes, one each" test "$(grep -c 'came while no command was waiting' "$TMPD/out")" -le 10
check_grep "unasked flood: the log has the flood note" 'more than 100 replies nobody asked for' "$TMPD/unasked.log"
check "unasked flood: the log stays small" test "$(wc -c <"$TMPD/unasked.log")" -lt 100000
check_nogrep "unasked flood: RCPT was never sent" '^RCPT' "$TMPD/port.unasked.log"

hostile unasked0
check_exit "unasked flood after the greeting: exit 3" 3 peak_run "$TMPD/peak2" "$SMTPSCOPE" --timeout 20 --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
under_mib "unasked flood after the greeting: peak memory under 200 MiB" "$TMPD/peak2.out" 200
check_grep "unasked flood after the greeting: said in words" 'replies nobody asked for; closing' "$TMPD/err"

# 421 said without end, the connection never closed: a flood too.
hostile flood421
check_exit "endless 421s: exit 3, in time" 3 peak_run "$TMPD/peak3" "$SMTPSCOPE" --timeout 20 --script "$TMPD/ehlo.txt" 127.0.0.1 "$HPORT"
check_grep "endless 421s: said in words" 'replies nobody asked for; closing' "$TMPD/err"

# A second greeting before EHLO's reply: flagged, and every later reply
# stays with its own command (each :expect checks the pairing).
printf 'EHLO me\n:expect 250\nMAIL FROM:<a@example.com>\n:expect 2.1.0\nRCPT TO:<b@example.com>\n:expect 2.1.5\nQUIT\n:expect 221\n' >"$TMPD/greet2.txt"
hostile greet2
check_run "a second greeting: every expectation holds" 0 "$SMTPSCOPE" --timeout 10 --script "$TMPD/greet2.txt" 127.0.0.1 "$HPORT"
check_grep "a second greeting: flagged as answering nothing" '^# warning: a reply nobody asked for: a 220 cannot answer EHLO \(RFC 5321 4\.3\.2\)' "$TMPD/out"
check_nogrep "a second greeting: EHLO is not answered by it" 'expectation failed' "$TMPD/out"
check "a second greeting: MAIL's reply comes right after MAIL" test "$(grep -A1 '^C: MAIL' "$TMPD/out" | tail -1)" = "S: 250 2.1.0 sender ok"

# A long, honest session passes a small budget: the script still prints
# every line, memory keeps the first and the latest, and the log stops at
# its cap with a line saying so.
start_practice || not_ok "practice server started"
: >"$TMPD/noop.txt"
i=0; while [ $i -lt 400 ]; do echo NOOP >>"$TMPD/noop.txt"; i=$((i + 1)); done
echo QUIT >>"$TMPD/noop.txt"
check_run "a long session with a small budget: exit 0" 0 "$SMTPSCOPE" --max-transcript 100 --log "$TMPD/noop.log" --log-max 4096 --script "$TMPD/noop.txt" 127.0.0.1 "$PRACTICE_PORT"
check "a long session: every reply is printed" test "$(grep -c '^S: 250' "$TMPD/out")" -eq 400
check "a long session: the budget is said once" test "$(grep -c 'passed its budget of 100 lines' "$TMPD/out")" -eq 1
check_grep "a long session: the log says where it stops" '^# the log stops here: it reached its cap of 4096 octets' "$TMPD/noop.log"
check "a long session: the log keeps to its cap" test "$(wc -c <"$TMPD/noop.log")" -le 4300
check_run "--max-transcript below the floor: usage error" 2 "$SMTPSCOPE" --max-transcript 3 --script "$TMPD/noop.txt" 127.0.0.1 "$PRACTICE_PORT"
check_run "--log-max without a size: usage error" 2 "$SMTPSCOPE" --log-max lots --script "$TMPD/noop.txt" 127.0.0.1 "$PRACTICE_PORT"

# STARTTLS stripping: with --starttls nothing secret goes out in clear.
printf 'EHLO me\n:auth plain alice\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\nQUIT\n' >"$TMPD/strip.txt"
hostile nostarttls
check_run "STARTTLS not offered: exit 4" 4 env PW=secret "$SMTPSCOPE" --starttls --password-env PW --script "$TMPD/strip.txt" 127.0.0.1 "$HPORT"
check_grep "STARTTLS not offered: said in words" 'does not offer STARTTLS' "$TMPD/err"
check_nogrep "STARTTLS not offered: no AUTH reached the server" '^AUTH' "$TMPD/port.nostarttls.log"
hostile refuse454
check_run "STARTTLS refused with 454: exit 4" 4 env PW=secret "$SMTPSCOPE" --starttls --password-env PW --script "$TMPD/strip.txt" 127.0.0.1 "$HPORT"
check_nogrep "STARTTLS refused: no AUTH reached the server" '^AUTH' "$TMPD/port.refuse454.log"

# Secrets typed by hand stay masked: a TAB before the response, a :raw
# answer to an empty 334 (AUTH PLAIN without an initial response).
printf 'EHLO me\nAUTH PLAIN\tAGRlbW8AZGVtbw==\nQUIT\n' >"$TMPD/tab.txt"
check_run "AUTH PLAIN with a TAB runs" 0 "$SMTPSCOPE" --log "$TMPD/tab.log" --script "$TMPD/tab.txt" 127.0.0.1 "$PRACTICE_PORT"
check_nogrep "TAB-separated AUTH PLAIN masked on stdout" 'AGRlbW8AZGVtbw==' "$TMPD/out"
check_nogrep "TAB-separated AUTH PLAIN masked in the log" 'AGRlbW8AZGVtbw==' "$TMPD/tab.log"
printf 'EHLO me\nAUTH PLAIN\n:raw\nAGRlbW8AZGVtbw==\n:expect 235\nQUIT\n' >"$TMPD/raw.txt"
check_run ":raw answer to an empty 334 runs" 0 "$SMTPSCOPE" --log "$TMPD/raw.log" --script "$TMPD/raw.txt" 127.0.0.1 "$PRACTICE_PORT"
check_nogrep ":raw answer masked on stdout" 'AGRlbW8AZGVtbw==' "$TMPD/out"
check_nogrep ":raw answer masked in the log" 'AGRlbW8AZGVtbw==' "$TMPD/raw.log"
check "the log file is private (0600)" test "$(stat -c %a "$TMPD/raw.log")" = 600
check_run "a bad --tls-priority: exit 2 before connecting" 2 "$SMTPSCOPE" --tls-priority BOGUS --insecure --script "$TMPD/tls.txt" 127.0.0.1 "$PRACTICE_PORT"

# :pipeline with DATA inside: DATA ends the batch (RFC 2920 3.1), so the
# content goes out as content, dot-stuffed.
printf 'EHLO me\n:pipeline\nMAIL FROM:<a@example.com>\nRCPT TO:<demo@localhost>\nDATA\n.dot line\nbody\n.\nQUIT\n:sync\n' >"$TMPD/pipe.txt"
check_run ":pipeline with DATA inside: exit 0" 0 "$SMTPSCOPE" --script "$TMPD/pipe.txt" 127.0.0.1 "$PRACTICE_PORT"
check_grep ":pipeline with DATA: content dot-stuffed" '^C: \.\.dot line' "$TMPD/out"
check_grep ":pipeline with DATA: message accepted" '^S: 250 2\.6\.0' "$TMPD/out"

# A hostile certificate: escape sequences in its names never reach the
# terminal, and an empty --sni still checks the name against the host.
if command -v openssl >/dev/null 2>&1; then
	ESC=$(printf '\033')
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$TMPD/evil.key" -out "$TMPD/evil.pem" -days 2 \
	    -subj "/CN=evil${ESC}]0;PWNED" \
	    -addext "subjectAltName=DNS:evil${ESC}[2J.example" >/dev/null 2>&1
	"$SMTPSCOPE" --serve 127.0.0.1:0 --cert "$TMPD/evil.pem" --key "$TMPD/evil.key" \
	    >"$TMPD/evil.out" 2>/dev/null &
	SRVPIDS="$SRVPIDS $!"
	wait_for 10 grep -q '^demo login' "$TMPD/evil.out"
	EP=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMPD/evil.out")
	printf 'EHLO me\nSTARTTLS\nQUIT\n' >"$TMPD/st.txt"
	check_run "evil certificate names: exit 4 (name mismatch)" 4 "$SMTPSCOPE" --ca-file "$TMPD/evil.pem" --script "$TMPD/st.txt" 127.0.0.1 "$EP"
	check_grep "evil certificate names: the mismatch is named" 'name mismatch' "$TMPD/err"
	no_raw_controls "evil certificate names: stderr has no raw ESC" "$TMPD/err"
	no_raw_controls "evil certificate names: stdout has no raw ESC" "$TMPD/out"
	check_run "--sni '' still checks the name" 4 "$SMTPSCOPE" --sni '' --ca-file "$TMPD/evil.pem" --script "$TMPD/st.txt" 127.0.0.1 "$EP"
else
	ok "# SKIP openssl not installed"
fi

done_testing
