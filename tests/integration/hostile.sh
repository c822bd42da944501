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
	wait_for 10 test -s "$TMPD/port.$1" || return 1
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
start_practice || not_ok "practice server started"
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
