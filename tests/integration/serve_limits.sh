#!/bin/sh
# The practice server under one hostile student (one machine, one address,
# 127.0.0.1) while a fresh, well-behaved client comes from 127.0.0.2: it
# must get its 220 promptly and the server's memory must stay under the
# budget.  Descriptor exhaustion under a low ulimit -n, unfinished DATA
# against the memory budget, many dripping connections from one address
# (per-address limit, longest session), a log pipe nobody reads, the
# maildir quota.  See serve_limits.py for the clients.
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.2", 0))' \
    2>/dev/null || skip_all "127.0.0.2 is not usable"
PY="$top_srcdir/tests/integration/serve_limits.py"
asan=0
ldd "$SMTPSCOPE" 2>/dev/null | grep -q libasan && asan=1

# serve NAME [wrapper...] -- [options...]: start --serve, set SRV and PORT.
serve() {
	_n=$1; shift
	_w=""
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do _w="$_w $1"; shift; done
	[ $# -gt 0 ] && shift
	# shellcheck disable=SC2086
	$_w "$SMTPSCOPE" --serve 127.0.0.1:0 "$@" >"$TMPD/$_n.out" \
	    2>"$TMPD/$_n.err" &
	SRV=$!
	PORT=
	wait_for 20 grep -q '^demo login' "$TMPD/$_n.out" || return 1
	PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
	    "$TMPD/$_n.out")
	[ -n "$PORT" ]
}
stop() {
	[ -n "${SRV:-}" ] || return 0
	kill "$SRV" 2>/dev/null
	wait "$SRV" 2>/dev/null
	_src=$?
	SRV=
	return $_src
}
on_exit stop

# attack NAME ARGS...: run serve_limits.py against $PORT/$SRV, log in $TMPD.
attack() {
	_n=$1; shift
	timeout 120 python3 "$PY" "$@" "$PORT" "$SRV" $ATTACK_ARGS \
	    >"$TMPD/$_n.res" 2>&1
	_rc=$?
	diag "$_n: $(cat "$TMPD/$_n.res")"
	return $_rc
}

# ---------------------------------------------------------- descriptors
# ulimit -n 64 (soft and hard): the cap is 64 - 16 = 48 sessions, 6 of
# them kept for new addresses; 100 idle connections from one address.
cat >"$TMPD/lim.sh" <<'EOF'
ulimit -n 64 || exit 1
exec "$@"
EOF
if serve fds sh "$TMPD/lim.sh" -- --serve-max-per-addr 1000; then
	ok "server started under ulimit -n 64"
else
	not_ok "server started under ulimit -n 64"
fi
check_grep "session cap sized from the descriptor limit" \
    'limits: 48 sessions \(1000 from one address, 6 kept' "$TMPD/fds.err"
ATTACK_ARGS=100
check "100 idle connections: 421 past the cap, no spin, fresh client served" \
    attack fds fds
check_grep "the full server said so in its log" 'refused [0-9]+ clients' \
    "$TMPD/fds.err"
check "server stopped with status 0" stop

# The soft limit is raised to the hard one at start.
cat >"$TMPD/soft.sh" <<'EOF'
ulimit -S -n 64 && ulimit -H -n 400 || exit 1
exec "$@"
EOF
serve soft sh "$TMPD/soft.sh" -- || true
check_grep "soft limit raised to the hard one (400 - 16)" \
    'limits: 384 sessions \(32 from one address' "$TMPD/soft.err"
stop

# ---------------------------------------------------------- memory
# 24 sessions, each 3 MiB of DATA never ended, against a 32 MiB budget.
cat >"$TMPD/vm.sh" <<'EOF'
ulimit -v 400000 || exit 1
exec "$@"
EOF
if [ "$asan" -eq 1 ]; then
	serve data -- --serve-max-memory 32
else
	serve data sh "$TMPD/vm.sh" -- --serve-max-memory 32
fi
check "server started with --serve-max-memory 32" test -n "$PORT"
ATTACK_ARGS="24 3"
check "open DATA sessions past the budget get 452 4.3.1, fresh client served" \
    attack data data
hwm=$(sed -n 's/.* hwm=\([0-9]*\).*/\1/p' "$TMPD/data.res")
if [ "$asan" -eq 1 ]; then
	ok "# SKIP peak RSS: the sanitizer's quarantine keeps freed memory"
else
	# The budget, plus what the process needs besides messages.
	check "server peak RSS ${hwm:-?} KiB under the budget + 16 MiB" \
	    test "${hwm:-999999}" -lt $(( (32 + 16) * 1024 ))
fi
check_grep "budget logged" 'memory budget of 32 MiB reached' "$TMPD/data.err"
check "server stopped with status 0" stop

# ---------------------------------------------------------- fairness
# 40 connections from one address, each dripping a NOOP every 0.2 s: 32
# (the default per-address limit) get in, the rest 421; a session lasts at
# most 3 s, however busy; a fresh address is served meanwhile.
serve drip -- --serve-max-time 3
check "server started with --serve-max-time 3" test -n "$PORT"
ATTACK_ARGS="40 3"
check "drippers: 32 per address, closed after 3 s, fresh client served" \
    attack drip drip
check_grep "per-address refusals logged" \
    'at most 32 sessions from one address' "$TMPD/drip.err"
check_grep "session length logged" 'Session too long, closing' \
    "$TMPD/drip.err"
stop

serve idle -- --serve-idle 1
check "server started with --serve-idle 1" test -n "$PORT"
python3 - "$PORT" >"$TMPD/idle.res" 2>&1 <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
f.readline()
t0 = time.time()
line = f.readline().decode()
print("%.2f %s" % (time.time() - t0, line.strip()))
sys.exit(0 if line.startswith("421 4.4.2") and time.time() - t0 < 3 else 1)
EOF
check "idle client closed after 1 s with 421 4.4.2 ($(cat "$TMPD/idle.res"))" \
    test $? -eq 0
stop

# ---------------------------------------------------------- log
# stderr is a FIFO whose reader never reads: 2000 logged messages (some
# 600 KiB of log, past the pipe and the server's 256 KiB) must not stop
# the server.
mkfifo "$TMPD/fifo"
# The reader holds the FIFO open and reads only once "$TMPD/go" exists.
python3 -c 'import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
end = time.time() + 100
while not os.path.exists(sys.argv[2]) and time.time() < end:
    time.sleep(0.05)
with open(sys.argv[3], "wb") as out:
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        out.write(b)
        out.flush()' "$TMPD/fifo" "$TMPD/go" "$TMPD/log.err" &
READER=$!
stop_reader() { kill "$READER" 2>/dev/null; wait "$READER" 2>/dev/null; }
on_exit stop_reader
"$SMTPSCOPE" --serve 127.0.0.1:0 >"$TMPD/log.out" 2>"$TMPD/fifo" &
SRV=$!
wait_for 20 grep -q '^demo login' "$TMPD/log.out"
PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMPD/log.out")
ATTACK_ARGS=2000
check "a log pipe nobody reads does not stop the server" attack log log
# Now read: the queued lines come out, and the count of dropped ones.
touch "$TMPD/go"
# Lines logged while the buffer is still full are dropped on purpose: let
# the backlog drain (the count of dropped lines marks it) before the
# fresh client whose line must come through.
wait_for 20 grep -q 'log lines dropped' "$TMPD/log.err"
timeout 20 python3 "$PY" fresh "$PORT" "$SRV" >/dev/null 2>&1
stop
wait "$READER"
check_grep "dropped log lines counted" '^practice: [0-9]+ log lines dropped' \
    "$TMPD/log.err"
check_grep "later lines still logged" 'connect from 127\.0\.0\.2' \
    "$TMPD/log.err"

serve logfile -- --serve-log "$TMPD/serve.log"
check "server started with --serve-log" test -n "$PORT"
timeout 20 python3 "$PY" fresh "$PORT" "$SRV" >/dev/null 2>&1
stop
check_grep "--serve-log: sessions logged to the file" \
    'practice\[1\]: connect from 127\.0\.0\.2' "$TMPD/serve.log"
check_nogrep "--serve-log: nothing on stderr" 'connect from' \
    "$TMPD/logfile.err"

# ---------------------------------------------------------- maildir quota
serve md -- --maildir "$TMPD/md" --maildir-quota 1
check "server started with --maildir-quota 1" test -n "$PORT"
ATTACK_ARGS="8 300"
check "maildir quota: 452 4.3.1 past 1 MiB, fresh client served" \
    attack maildir maildir
used=$(du -sk "$TMPD/md" 2>/dev/null | cut -f1)
check "maildir holds at most 1 MiB (${used:-?} KiB)" \
    test "${used:-9999}" -le 1040
stop

# ---------------------------------------------------------- smaller points
serve small -- --serve-max-per-addr 1000
check "server started for the smaller points" test -n "$PORT"
ATTACK_ARGS=
attack small smaller
for item in bdat_long bdat_998 greylist flood_421 flood_slow utf8 ehlo bare_lf auth \
    fresh; do
	case $item in
	bdat_long) what="a BDAT chunk of 10000 octets without LF is answered (550)" ;;
	bdat_998) what="BDAT content is held to 998-octet lines" ;;
	greylist) what="one address filling the greylist keeps another's entry" ;;
	flood_421) what="the 421 for a pipelining flood reaches the client" ;;
	flood_slow) what="the 421 reaches a flooding client whose writes block" ;;
	utf8) what="invalid UTF-8 under SMTPUTF8 gets 553 5.6.7" ;;
	ehlo) what="the EHLO argument is not echoed raw" ;;
	bare_lf) what="a command ended by a bare LF gets 500" ;;
	auth) what="three AUTH failures: 421 and close" ;;
	fresh) what="a fresh client served after all that" ;;
	esac
	check_grep "$what" "^$item=ok\$" "$TMPD/small.res"
done
check_grep "AUTH failures logged" 'AUTH failed for demo \(3 of 3\)' \
    "$TMPD/small.err"
check "server stopped with status 0" stop

done_testing
