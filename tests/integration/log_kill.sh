#!/bin/sh
# --log survives SIGKILL: script mode against a small server that answers
# the greeting, EHLO and MAIL, then stays silent on RCPT.  While the script
# waits for that reply the process is killed with SIGKILL; the log must
# already hold every line printed so far, in the same order, and read back
# as a transcript.
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

cat >"$TMPD/silent.py" <<'PY'
import socket, sys, time
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
print(srv.getsockname()[1], flush=True)
srv.settimeout(60)
conn, _ = srv.accept()
conn.settimeout(60)
f = conn.makefile("rb")
conn.sendall(b"220 silent.test ESMTP hangs on RCPT\r\n")
for line in f:
    verb = line.split(b" ")[0].split(b":")[0].strip().upper()
    if verb in (b"EHLO", b"HELO"):
        conn.sendall(b"250-silent.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n")
    elif verb == b"MAIL":
        conn.sendall(b"250 2.1.0 ok\r\n")
    elif verb == b"RCPT":
        time.sleep(60)    # never answer: the client is killed meanwhile
        break
    else:
        conn.sendall(b"502 5.5.1 not here\r\n")
PY
python3 "$TMPD/silent.py" >"$TMPD/port" 2>"$TMPD/py.err" &
PY_PID=$!
stop_py() { kill "$PY_PID" 2>/dev/null; wait "$PY_PID" 2>/dev/null; }
on_exit stop_py
wait_for 10 test -s "$TMPD/port" || { not_ok "fake server started"; done_testing; }
ok "fake server started"
PORT=$(cat "$TMPD/port")

cat >"$TMPD/s.txt" <<'EOF'
EHLO client.example
:expect 250
MAIL FROM:<a@client.example>
:expect 250
RCPT TO:<b@silent.test>
:expect 250
QUIT
EOF
"$SMTPSCOPE" --timeout 60 --log "$TMPD/log.txt" --script "$TMPD/s.txt" \
    127.0.0.1 "$PORT" >"$TMPD/out.txt" 2>"$TMPD/err.txt" &
CLI=$!
stop_cli() { kill -9 "$CLI" 2>/dev/null; wait "$CLI" 2>/dev/null; }
on_exit stop_cli

if wait_for 20 grep -q '^C: RCPT TO:<b@silent.test>$' "$TMPD/out.txt"; then
	ok "the script is waiting for the RCPT reply"
else
	not_ok "the script is waiting for the RCPT reply"
	sed 's/^/#   /' "$TMPD/out.txt" "$TMPD/err.txt"
fi
check "the process is still running" kill -0 "$CLI"
kill -9 "$CLI"
wait "$CLI" 2>/dev/null
st=$?
check "killed by SIGKILL (status $st)" test "$st" -eq 137

check "the log exists" test -s "$TMPD/log.txt"
n=0
for want in '^# connecting to 127\.0\.0\.1 port' '^# connected to 127\.0\.0\.1' \
    '^S: 220 silent\.test ESMTP hangs on RCPT$' '^C: EHLO client\.example$' \
    '^S: 250-silent\.test$' '^S: 250-PIPELINING$' '^S: 250 SIZE 1000$' \
    '^C: MAIL FROM:<a@client\.example>$' '^S: 250 2\.1\.0 ok$' \
    '^C: RCPT TO:<b@silent\.test>$'; do
	n=$((n + 1))
	check_grep "log line $n: $want" "$want" "$TMPD/log.txt"
done
# Line order: each expected line comes after the previous one.
check "log lines in session order" python3 - "$TMPD/log.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
want = ["S: 220 silent.test ESMTP hangs on RCPT", "C: EHLO client.example",
        "S: 250 SIZE 1000", "C: MAIL FROM:<a@client.example>",
        "S: 250 2.1.0 ok", "C: RCPT TO:<b@silent.test>"]
pos = [lines.index(w) for w in want]
sys.exit(0 if pos == sorted(pos) else 1)
PY
# Everything the terminal showed is in the log (notes of :expect aside,
# which are local and also logged).
check "every line shown is in the log" python3 - "$TMPD/out.txt" "$TMPD/log.txt" <<'PY'
import sys
shown = open(sys.argv[1]).read().splitlines()
logged = open(sys.argv[2]).read().splitlines()
missing = [l for l in shown if l not in logged]
for l in missing:
    print("# missing:", l)
sys.exit(1 if missing or not shown else 0)
PY
check "the log ends with a newline" test "$(tail -c 1 "$TMPD/log.txt" | od -An -c | tr -d ' ')" = '\n'

# The killed session's log reads back (when --replay is wired in).
if "$SMTPSCOPE" --help 2>&1 | grep -q -- '--export-html'; then
	check_run "the log replays" 0 "$SMTPSCOPE" --replay "$TMPD/log.txt" \
	    --export-html "$TMPD/log.html"
	check_grep "replayed page has the RCPT" 'RCPT TO:&lt;b@silent\.test&gt;' \
	    "$TMPD/log.html"
fi
done_testing
