#!/bin/sh
# Command line: help, version, usage errors and their exit codes, script
# checking before connecting, connection errors.
. "$top_srcdir/tests/lib.sh"

out=$TMPD/out
err=$TMPD/err

check_run "--help exits 0" 0 "$SMTPSCOPE" --help
check_grep "--help lists --script" '--script FILE' "$out"
check_grep "--help lists --password-env" '--password-env VAR' "$out"
check_grep "--help lists exit codes" '3 connection error' "$out"
check_run "--version exits 0" 0 "$SMTPSCOPE" --version
check_grep "--version names the program" '^smtpscope [0-9]' "$out"

# Every long option in --help is in the man page too (roff writes \-).
missing=""
for opt in $("$SMTPSCOPE" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	mopt=$(printf '%s' "$opt" | sed 's/-/\\-/g')
	grep -qF -- "$mopt" "$top_srcdir/man/smtpscope.1" || missing="$missing $opt"
done
if [ -z "$missing" ]; then ok "man page documents every option of --help"; else not_ok "man page lacks:$missing"; fi

check_run "unknown option exits 2" 2 "$SMTPSCOPE" --no-such-option
check_grep "unknown option is named" 'no-such-option' "$err"
check_run "bad URL scheme exits 2" 2 "$SMTPSCOPE" --script /dev/null imap://localhost
check_grep "bad scheme message" 'unknown URL scheme' "$err"
check_run "bad port exits 2" 2 "$SMTPSCOPE" --script /dev/null 127.0.0.1 99999
check_grep "bad port message" "bad port '99999'" "$err"
check_run "--timeout rejects words" 2 "$SMTPSCOPE" --timeout soon --script /dev/null 127.0.0.1
check_run "--cert without --key exits 2" 2 "$SMTPSCOPE" --cert x.pem --script /dev/null 127.0.0.1
printf 'EHLO me\n:expect 250\nQUIT\n' >"$TMPD/offline.txt"
check_run "--script without target runs on a practice server" 0 "$SMTPSCOPE" --script "$TMPD/offline.txt"
check_grep "--script without target: the practice greeting" '^S: 220 .*practice server' "$TMPD/out"
printf 'EHLO me\nQUIT\n:reconnect\nEHLO again\n:expect 250\nQUIT\n' >"$TMPD/reconnect.txt"
check_run ":reconnect after QUIT starts a new session" 0 "$SMTPSCOPE" --script "$TMPD/reconnect.txt"
check_grep ":reconnect: a second greeting" '^C: EHLO again' "$TMPD/out"
check_grep ":reconnect: plain text when stdout is not a terminal" '^S: 250' "$TMPD/out"
check_nogrep ":reconnect: no colour codes in a pipe" "$(printf '\033')" "$TMPD/out"
check_run "missing script exits 2" 2 "$SMTPSCOPE" --script "$TMPD/none.txt" 127.0.0.1 1
check_grep "missing script is named" 'cannot open script .*none.txt' "$err"
check_run "missing password env exits 2" 2 env -u SMTPSCOPE_NOPE "$SMTPSCOPE" --password-env SMTPSCOPE_NOPE --script /dev/null 127.0.0.1 1
check_grep "missing password env is named" 'SMTPSCOPE_NOPE is not set' "$err"

# A bad script line is reported with its number before anything is sent:
# the port below has nothing listening, so exit 2 (not 3) proves it.
printf 'EHLO me\n# fine\n:frobnicate now\n' >"$TMPD/bad.txt"
check_run "unknown :command exits 2" 2 "$SMTPSCOPE" --script "$TMPD/bad.txt" 127.0.0.1 1
check_grep "unknown :command names file and line" 'bad.txt:3: unknown command .:frobnicate' "$err"

# Connection refused: find a port that nothing listens on.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
printf 'EHLO me\n' >"$TMPD/ehlo.txt"
check_run "refused connection exits 3" 3 "$SMTPSCOPE" --script "$TMPD/ehlo.txt" 127.0.0.1 "$port"
check_grep "refused is said in words" 'refused' "$err"
check_run "unknown host exits 3" 3 "$SMTPSCOPE" --timeout 5 --script "$TMPD/ehlo.txt" no..such.invalid 25
check_grep "unknown host is said in words" 'unknown host' "$err"

check_run "-4 with an IPv6 address exits 3" 3 "$SMTPSCOPE" -4 --script "$TMPD/ehlo.txt" ::1 25
check_grep "-4 with an IPv6 address says why" 'has no IPv4 address \(-4 was given\)' "$TMPD/err"

# The UI refuses to start without a terminal instead of drawing garbage.
check_run "UI without a terminal exits 2" 2 "$SMTPSCOPE" 127.0.0.1 "$port"
check_grep "UI without a terminal says why" 'needs a terminal' "$err"

# A silent server: the reply timeout is exit 5.
python3 - "$TMPD/port" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(1)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(20)
try:
    c, _ = s.accept(); time.sleep(4); c.close()
except Exception:
    pass
PY
wait_for 10 test -s "$TMPD/port"
check_run "silent server gives exit 5" 5 "$SMTPSCOPE" --timeout 1 --script "$TMPD/ehlo.txt" 127.0.0.1 "$(cat "$TMPD/port")"
check_grep "timeout is said in words" 'no reply within 1 s' "$err"
wait

done_testing
