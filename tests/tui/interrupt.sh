#!/bin/sh
# Ctrl-C ends a connect that hangs (a listener whose queue is full drops
# our SYN), at once instead of after --timeout, and restores the terminal.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

python3 - "$TMPD/port" <<'PY' &
import os, socket, sys, time
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(0)
# Fill the accept queue so further connects hang.
fill = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", srv.getsockname()[1]))
    except BlockingIOError:
        pass
    fill.append(c)
time.sleep(0.3)
open(sys.argv[1] + ".tmp", "w").write(str(srv.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(40)
PY
TUI_PIDS="$TUI_PIDS $!"
wait_for 10 test -s "$TMPD/port" || { not_ok "stuck listener started"; done_testing; }
ok "stuck listener started"

tui_start 100 30 --timeout 30 127.0.0.1 "$(cat "$TMPD/port")"
check_screen "the UI says it is connecting" 'connecting to 127\.0\.0\.1 port'
keys C-c
check_screen "Ctrl-C ends the hanging connect at once" '^EXIT=0' 5
check "the terminal is restored" test "$(tmx display -p '#{alternate_on}')" = 0

# A server that accepts but never answers the TLS handshake (smtps://).
python3 - "$TMPD/sport" <<'PY' &
import os, socket, sys, time
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4)
open(sys.argv[1] + ".tmp", "w").write(str(srv.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.settimeout(30)
try:
    conn, _ = srv.accept()   # then say nothing at all
    time.sleep(30)
except socket.timeout:
    pass
PY
TUI_PIDS="$TUI_PIDS $!"
wait_for 10 test -s "$TMPD/sport" || not_ok "silent server started"
tui_start 100 30 --timeout 30 "smtps://127.0.0.1:$(cat "$TMPD/sport")"
check_screen "the UI waits for the handshake" 'connecting to 127\.0\.0\.1 port'
keys C-c
check_screen "Ctrl-C ends the hanging TLS handshake at once" '^EXIT=0' 5
done_testing
