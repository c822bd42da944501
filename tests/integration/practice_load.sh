#!/bin/sh
# Load on the practice server: 200 clients connected at the same time, each
# sending one message (a quarter of them over STARTTLS); every message must
# arrive exactly once.  Then clients that flood without reading replies.
# Then a smaller load under valgrind: no leaks and no memory errors after
# SIGTERM.  Bounded in time; stops by itself.
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

cat >"$TMPD/load.py" <<'EOF'
import socket, ssl, sys, threading, time

port, tport, n, tag = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
deadline = time.time() + 120
barrier = threading.Barrier(n, timeout=60)
errors = []
lock = threading.Lock()

class Conn:
    def __init__(self, sock):
        self.s = sock
        self.f = sock.makefile("rb")
    def reply(self):
        code = None
        while True:
            l = self.f.readline()
            if not l:
                raise IOError("connection closed")
            code = l[:3].decode()
            if len(l) < 4 or l[3:4] != b"-":
                return code
    def cmd(self, line, want):
        self.s.sendall(line.encode() + b"\r\n")
        got = self.reply()
        if got != want:
            raise IOError("%s: got %s, want %s" % (line, got, want))

def client(i):
    mode = ("plain", "starttls", "plain", "smtps")[i % 4]
    if mode == "smtps" and tport == 0:
        mode = "starttls"
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        s = socket.create_connection(("127.0.0.1", tport if mode == "smtps" else port), timeout=60)
        if mode == "smtps":
            s = ctx.wrap_socket(s)
        c = Conn(s)
        if c.reply() != "220":
            raise IOError("no greeting")
        # Everybody is connected before anybody goes on.
        barrier.wait()
        c.cmd("EHLO load%d.example" % i, "250")
        if mode == "starttls":
            c.cmd("STARTTLS", "220")
            c = Conn(ctx.wrap_socket(s))
            c.cmd("EHLO load%d.example" % i, "250")
        c.cmd("MAIL FROM:<load%d@example.com>" % i, "250")
        c.cmd("RCPT TO:<demo@localhost>", "250")
        c.cmd("DATA", "354")
        body = ("Subject: load %d\r\nX-Load-Id: %s-%d\r\n\r\n" % (i, tag, i) +
                "line of text %d\r\n" % i * 20 + ".leading dot\r\n")
        body = body.replace("\r\n.", "\r\n..")
        c.s.sendall(body.encode() + b".\r\n")
        if c.reply() != "250":
            raise IOError("message refused")
        c.cmd("QUIT", "221")
        c.s.close()
    except Exception as e:
        with lock:
            errors.append("client %d (%s): %s %s" % (i, mode, type(e).__name__, e))

threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join(max(0.1, deadline - time.time()))
alive = sum(t.is_alive() for t in threads)
for e in errors[:10]:
    print("# " + e)
print("# clients %d, errors %d, unfinished %d" % (n, len(errors), alive))
sys.exit(0 if not errors and not alive else 1)
EOF

# start_server LOGPREFIX [wrapper...]: run --serve, set SRV, PORT, TPORT.
start_server() {
	_out=$1; shift
	"$@" "$SMTPSCOPE" --serve 127.0.0.1:0 --serve-smtps 127.0.0.1:0 \
	    --serve-max-per-addr 1000 \
	    --maildir "$TMPD/$_out.mail" >"$TMPD/$_out.out" 2>"$TMPD/$_out.err" &
	SRV=$!
	if ! wait_for 60 grep -q 'implicit TLS' "$TMPD/$_out.out"; then
		PORT=; TPORT=
		return 1
	fi
	PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMPD/$_out.out")
	TPORT=$(sed -n 's/^listening (implicit TLS) on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMPD/$_out.out")
}
stop_server() { [ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; SRV=; }
on_exit stop_server

# count_ids DIR TAG N: each of TAG-0 .. TAG-(N-1) in exactly one file.
count_ids() {
	ls "$1"/*.eml >/dev/null 2>&1 || return 1
	_files=$(ls "$1"/*.eml | wc -l)
	_ids=$(grep -h "^X-Load-Id: $2-" "$1"/*.eml | tr -d '\r' | sort | uniq | wc -l)
	_dups=$(grep -h "^X-Load-Id: $2-" "$1"/*.eml | tr -d '\r' | sort | uniq -d | wc -l)
	diag "files $_files, distinct ids $_ids, duplicated $_dups"
	[ "$_files" -eq "$3" ] && [ "$_ids" -eq "$3" ] && [ "$_dups" -eq 0 ]
}

# ---------------------------------------------------------- 200 clients
ulimit -n 4096 2>/dev/null || true
if start_server load; then ok "server started"; else not_ok "server started"; fi
t0=$(date +%s)
timeout 150 python3 "$TMPD/load.py" "$PORT" "$TPORT" 200 big >"$TMPD/load.log" 2>&1
rc=$?
sed 's/^/# /' "$TMPD/load.log" | grep -v '^# # clients' || true
grep '^# clients' "$TMPD/load.log" || true
check "200 concurrent clients all succeeded (exit $rc, $(( $(date +%s) - t0 )) s)" test "$rc" -eq 0
check "every message accepted exactly once" count_ids "$TMPD/load.mail" big 200
check "dot-stuffing undone under load" sh -c "grep -l '^\\.leading dot' '$TMPD'/load.mail/*.eml | wc -l | grep -qx 200"
kill "$SRV" 2>/dev/null
wait "$SRV"
src=$?
SRV=
check "server stopped on SIGTERM with status 0 (got $src)" test "$src" -eq 0

# ---------------------------------------------------------- flood
# Clients that pipeline megabytes of HELP/NOOP and never read a reply (one
# read can hand the server a MiB of commands, and HELP answers 1 KB each):
# the server must close them, or stop reading them, with its memory bounded,
# and serve a well-behaved client meanwhile.  The address space is limited
# so a regression fails here instead of eating the machine.
cat >"$TMPD/flood.py" <<'EOF'
import socket, sys, threading, time

port, nflood, mb = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
deadline = time.time() + 60
lock = threading.Lock()
closed, blocked, still_open, errors, rtts = [], [], [], [], []
started = threading.Event()

def readline(f):
    l = f.readline()
    if not l:
        raise IOError("connection closed")
    return l

def reply(f):
    while True:
        l = readline(f)
        if len(l) < 4 or l[3:4] != b"-":
            return l[:3].decode()

def flooder(i):
    # Pipelines commands and never reads a reply.  Every fourth one first
    # asks for slow@, so its replies wait in the server for 3 seconds.
    cmd = (b"HELP\r\n", b"NOOP\r\n", b"HELP\r\n", b"HELP\r\n")[i % 4]
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.recv(512)
        if i % 4 == 3:
            s.sendall(b"EHLO slow.example\r\nMAIL FROM:<a@example.com>\r\n"
                      b"RCPT TO:<slow@localhost>\r\n")
        block = cmd * (65536 // len(cmd))
        sent = 0
        started.set()
        try:
            while sent < mb * 1048576 and time.time() < deadline:
                s.sendall(block)
                sent += len(block)
        except socket.timeout:
            with lock:
                blocked.append(i)  # the server stopped reading: fine
            return
        except OSError:
            with lock:
                closed.append(i)
            return
        # Sent it all: keep sending a little, still never reading, until
        # the server closes (a send fails) or stops reading (it blocks).
        # A NOOP flood may also stay open, unread: give it 5 seconds.
        end = deadline if i % 4 != 1 else min(deadline, time.time() + 5)
        try:
            while time.time() < end:
                s.sendall(cmd)
                time.sleep(0.05)
            with lock:
                still_open.append(i)
        except socket.timeout:
            with lock:
                blocked.append(i)
        except OSError:
            with lock:
                closed.append(i)
    except Exception as e:
        with lock:
            errors.append("flooder %d: %s %s" % (i, type(e).__name__, e))

def good():
    # Waits for the flood to begin, then does round trips.
    try:
        started.wait(10)
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        f = s.makefile("rb")
        if reply(f) != "220":
            raise IOError("no greeting")
        for line, want in [("EHLO good.example", "250")] + \
                [("NOOP", "250"), ("HELP", "214")] * 20 + \
                [("MAIL FROM:<a@example.com>", "250"),
                 ("RCPT TO:<demo@localhost>", "250"), ("QUIT", "221")]:
            t = time.time()
            s.sendall(line.encode() + b"\r\n")
            got = reply(f)
            rtts.append(time.time() - t)
            if got != want:
                raise IOError("%s: got %s" % (line, got))
    except Exception as e:
        with lock:
            errors.append("good client: %s %s" % (type(e).__name__, e))

ts = [threading.Thread(target=flooder, args=(i,), daemon=True)
      for i in range(nflood)]
ts.append(threading.Thread(target=good, daemon=True))
for t in ts:
    t.start()
for t in ts:
    t.join(max(0.1, deadline - time.time()))
for e in errors[:10]:
    print("# " + e)
print("# flooders %d: closed %d, blocked %d, open %d; good client: %d "
      "round trips, slowest %.3f s; errors %d, unfinished %d" % (nflood,
      len(closed), len(blocked), len(still_open), len(rtts),
      max(rtts) if rtts else -1, len(errors),
      sum(t.is_alive() for t in ts)))
# HELP floods pile up replies fast: they must be closed.  NOOP floods may
# be closed or just no longer read from.
help_closed = all(i in closed for i in range(nflood) if i % 4 != 1)
ok = (not errors and len(rtts) == 44 and max(rtts) < 10 and help_closed and
      not any(t.is_alive() for t in ts))
sys.exit(0 if ok else 1)
EOF
asan=0
ldd "$SMTPSCOPE" 2>/dev/null | grep -q libasan && asan=1
if [ "$asan" -eq 1 ]; then
	start_server flood
else
	start_server flood sh -c 'ulimit -v 600000 && exec "$@"' sh
fi
check "server started for the flood" test -n "$PORT"
timeout 90 python3 "$TMPD/flood.py" "$PORT" 16 2.5 >"$TMPD/flood.log" 2>&1
rc=$?
sed 's/^/# /' "$TMPD/flood.log"
check "flooders closed, good client served meanwhile (exit $rc)" \
    test "$rc" -eq 0
hwm=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\) kB$/\1/p' "/proc/$SRV/status" \
    2>/dev/null)
diag "server peak RSS: ${hwm:-?} kB"
if [ "$asan" -eq 1 ]; then
	ok "# SKIP peak RSS: the sanitizer's quarantine keeps freed memory"
else
	check "server peak RSS stayed under 100 MB" \
	    test "${hwm:-999999}" -lt 102400
fi
check_grep "flood logged" 'too much pipelined input, closing' "$TMPD/flood.err"
kill "$SRV" 2>/dev/null
wait "$SRV"
src=$?
SRV=
check "server survived the flood, stopped with status 0 (got $src)" \
    test "$src" -eq 0

# ---------------------------------------------------------- valgrind
if ! command -v valgrind >/dev/null 2>&1; then
	ok "# SKIP valgrind not installed"
	done_testing
fi
# A sanitizer build checks leaks itself and cannot run under valgrind.
if ldd "$SMTPSCOPE" 2>/dev/null | grep -q libasan; then
	ok "# SKIP sanitizer build: AddressSanitizer checks leaks instead"
	done_testing
fi
if start_server vg valgrind --leak-check=full --errors-for-leak-kinds=definite \
    --error-exitcode=99 --log-file="$TMPD/vg.log"; then
	ok "server started under valgrind"
else
	not_ok "server started under valgrind"
fi
timeout 150 python3 "$TMPD/load.py" "$PORT" "$TPORT" 20 small >"$TMPD/vgload.log" 2>&1
rc=$?
grep '^# ' "$TMPD/vgload.log" || true
check "20 clients under valgrind succeeded" test "$rc" -eq 0
check "20 messages accepted exactly once" count_ids "$TMPD/vg.mail" small 20
kill "$SRV" 2>/dev/null
wait "$SRV"
vrc=$?
SRV=
if [ "$vrc" -eq 0 ]; then
	ok "valgrind: no leaks, no errors (exit 0)"
else
	not_ok "valgrind: exit $vrc"
	grep -E 'definitely|ERROR SUMMARY|Invalid|uninitialised' "$TMPD/vg.log" | head -20 | sed 's/^/#   /'
fi
check_grep "valgrind: nothing definitely lost" 'definitely lost: 0 bytes|All heap blocks were freed' "$TMPD/vg.log"
check_grep "valgrind: no memory errors" 'ERROR SUMMARY: 0 errors' "$TMPD/vg.log"

done_testing
