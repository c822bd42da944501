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

done_testing
