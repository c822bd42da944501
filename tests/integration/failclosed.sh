#!/bin/sh
# failclosed.sh: issue 12's trust points that a server or a bad command
# line could force.  With submission:// and --starttls nothing but EHLO,
# HELO, STARTTLS, NOOP, RSET and QUIT leaves before TLS, however the server
# strips STARTTLS; :auth never sends a readable secret in plaintext unasked;
# secrets do not linger in /proc or go through symlinks; every option and
# script line is checked before anything connects.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
[ -x "$SMTPSCOPE" ] || skip_all "no smtpscope binary at $SMTPSCOPE"

FS="$top_srcdir/tests/integration/failclosed_server.py"
SRVPIDS=""
stop_all() { for p in $SRVPIDS; do kill "$p" 2>/dev/null; done; }
on_exit stop_all

# strip MODE: start the server for MODE, set SPORT.
strip() {
	rm -f "$TMPD/port.$1" "$TMPD/port.$1.log"
	python3 "$FS" "$1" "$TMPD/port.$1" &
	SRVPIDS="$SRVPIDS $!"
	wait_for 10 test -s "$TMPD/port.$1" || return 1
	SPORT=$(cat "$TMPD/port.$1")
}

# no_leak NAME MODE: the server saw no AUTH, MAIL, RCPT, DATA or content.
no_leak() {
	check_nogrep "$1: nothing of AUTH or the envelope reached the server" \
	    '^\(AUTH\|MAIL\|RCPT\|DATA\|Subject\|[A-Za-z0-9+/=]\{8,\}$\)' \
	    "$TMPD/port.$2.log"
}

# A typical submission script: STARTTLS as the user types it.
cat >"$TMPD/sub.txt" <<'EOF2'
EHLO me.example
STARTTLS
EHLO me.example
:auth plain alice
MAIL FROM:<alice@example.org>
RCPT TO:<bob@example.org>
DATA
Subject: secret
.
QUIT
EOF2
# The same without :auth (only the envelope and the text at stake).
grep -v '^:auth' "$TMPD/sub.txt" >"$TMPD/env.txt"
# With HELO where EHLO is refused.
sed 's/^EHLO/HELO/' "$TMPD/env.txt" >"$TMPD/helo.txt"

for mode in hide refuse noehlo; do
	strip $mode
	scr=$TMPD/sub.txt
	[ $mode = noehlo ] && scr=$TMPD/helo.txt
	check_run "submission://, STARTTLS $mode: exit 4 (TLS)" 4 env PW=secret \
	    "$SMTPSCOPE" --password-env PW --timeout 10 --script "$scr" \
	    "submission://127.0.0.1:$SPORT"
	check_grep "submission://, $mode: says why" 'TLS is not up, and submission:// requires it' "$TMPD/err"
	no_leak "submission://, $mode" $mode
	strip $mode
	check_run "--starttls, STARTTLS $mode: exit 4 (TLS)" 4 \
	    "$SMTPSCOPE" --starttls --timeout 10 --script "$TMPD/env.txt" \
	    "smtp://127.0.0.1:$SPORT"
	no_leak "--starttls, $mode" $mode
done

# The documented way out, for people who test exactly this.
strip hide
check_run "--allow-plaintext: the envelope goes out" 0 \
    "$SMTPSCOPE" --allow-plaintext --timeout 10 --script "$TMPD/env.txt" \
    "submission://127.0.0.1:$SPORT"
check_grep "--allow-plaintext: MAIL reached the server" '^MAIL FROM' "$TMPD/port.hide.log"

# :auth on any plaintext connection needs the flag in a script.
strip hide
printf 'EHLO me\n:auth login alice\nQUIT\n' >"$TMPD/auth.txt"
check_run ":auth LOGIN in plaintext: refused, exit 4" 4 env PW=secret \
    "$SMTPSCOPE" --password-env PW --timeout 10 --script "$TMPD/auth.txt" \
    "smtp://127.0.0.1:$SPORT"
check_grep ":auth in plaintext: says why" 'not encrypted' "$TMPD/err"
check_nogrep ":auth in plaintext: no AUTH sent" '^AUTH' "$TMPD/port.hide.log"
strip hide
check_run ":auth with --allow-plaintext: sent" 0 env PW=secret \
    "$SMTPSCOPE" --password-env PW --allow-plaintext --timeout 10 \
    --script "$TMPD/auth.txt" "smtp://127.0.0.1:$SPORT"
check_grep ":auth with --allow-plaintext: AUTH sent" '^AUTH LOGIN' "$TMPD/port.hide.log"

# --password-env: the value is gone from /proc/PID/environ.
strip stall
printf 'EHLO me\nQUIT\n' >"$TMPD/stall.txt"
SMTPSCOPE_TEST_PW=sekrit-in-environ "$SMTPSCOPE" --password-env SMTPSCOPE_TEST_PW \
    --timeout 20 --script "$TMPD/stall.txt" "smtp://127.0.0.1:$SPORT" \
    >"$TMPD/stall.out" 2>&1 &
pid=$!
wait_for 10 grep -q '^EHLO' "$TMPD/port.stall.log"
if [ -r "/proc/$pid/environ" ]; then
	if tr '\0' '\n' <"/proc/$pid/environ" | grep -q 'sekrit-in-environ'; then
		not_ok "--password-env: the value is wiped from /proc/PID/environ"
	else
		ok "--password-env: the value is wiped from /proc/PID/environ"
	fi
else
	ok "--password-env: /proc/PID/environ not readable here # SKIP"
fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

# --log and :save: no symlinks, mode 0600 even for an old file.
start_practice || not_ok "practice server started"
printf 'EHLO me\nQUIT\n' >"$TMPD/q.txt"
echo "precious" >"$TMPD/target"
ln -s "$TMPD/target" "$TMPD/link.log"
check_run "--log to a symlink: refused" 2 "$SMTPSCOPE" --log "$TMPD/link.log" \
    --script "$TMPD/q.txt" 127.0.0.1 "$PRACTICE_PORT"
check_grep "--log to a symlink: says why" 'symbolic link' "$TMPD/err"
check "--log to a symlink: the target is untouched" \
    test "$(cat "$TMPD/target")" = precious
printf 'old\n' >"$TMPD/wide.log"
chmod 644 "$TMPD/wide.log"
check_run "--log to an existing 0644 file" 0 "$SMTPSCOPE" --log "$TMPD/wide.log" \
    --script "$TMPD/q.txt" 127.0.0.1 "$PRACTICE_PORT"
check "--log: an existing file is narrowed to 0600" \
    test "$(stat -c %a "$TMPD/wide.log")" = 600
ln -s "$TMPD/target" "$TMPD/link.txt"
printf 'EHLO me\n:save! %s\nQUIT\n' "$TMPD/link.txt" >"$TMPD/save.txt"
"$SMTPSCOPE" --script "$TMPD/save.txt" 127.0.0.1 "$PRACTICE_PORT" >"$TMPD/out" 2>"$TMPD/err"
check "a :save to a symlink: the target is untouched" \
    test "$(cat "$TMPD/target")" = precious
check_grep ":save to a symlink: says why" 'symbolic link' "$TMPD/out" "$TMPD/err"

# Every option and script line is checked before connecting: a listener
# that records any connection shows nothing was tried.
strip hide
check_run "port 4294967321: refused, not port 25" 2 "$SMTPSCOPE" 127.0.0.1 4294967321
check_grep "port 4294967321: named" "bad port '4294967321'" "$TMPD/err"
check_run "--timeout 4294967297: refused" 2 "$SMTPSCOPE" --timeout 4294967297 \
    --script "$TMPD/q.txt" "smtp://127.0.0.1:$SPORT"
check_run "--timeout -5: refused" 2 "$SMTPSCOPE" --timeout -5 \
    --script "$TMPD/q.txt" "smtp://127.0.0.1:$SPORT"
check_run "a bad --tls-priority: exit 2" 2 "$SMTPSCOPE" --tls-priority 'NORMAL:+NOPE' \
    --script "$TMPD/q.txt" "smtp://127.0.0.1:$SPORT"
check_grep "a bad --tls-priority: named" 'bad TLS priority string' "$TMPD/err"
printf 'EHLO me\n:auth frobnicate alice\n' >"$TMPD/badmech.txt"
check_run ":auth with an unknown mechanism: exit 2" 2 "$SMTPSCOPE" \
    --script "$TMPD/badmech.txt" "smtp://127.0.0.1:$SPORT"
check_grep ":auth unknown mechanism: line named" 'badmech.txt:2: :auth: unknown mechanism' "$TMPD/err"
printf 'EHLO me\n:send %s/missing.eml\n' "$TMPD" >"$TMPD/badsend.txt"
check_run ":send with a missing file: exit 2" 2 "$SMTPSCOPE" \
    --script "$TMPD/badsend.txt" "smtp://127.0.0.1:$SPORT"
check "nothing connected for the bad options and scripts" \
    test ! -s "$TMPD/port.hide.log"
done_testing
