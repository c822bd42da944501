#!/bin/sh
# --timeout holds in the UI: a server that stops answering is given up on
# with a message, and the UI stays usable.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

python3 "$top_srcdir/tests/integration/hostile_server.py" silent "$TMPD/port" &
TUI_PIDS="$TUI_PIDS $!"
wait_for 10 test -s "$TMPD/port" || { not_ok "silent server started"; done_testing; }
ok "silent server started"

tui_start 100 30 --timeout 2 127.0.0.1 "$(cat "$TMPD/port")"
check_screen "greeting shown" '^S: 220 hostile\.test'
keys 'EHLO me' Enter
check_screen "the silent server is given up on" 'no reply within 2 s' 8
check_screen "the status bar shows the session closed" 'CLOSED|closed'
keys ':quit' Enter
check_screen "the UI still takes commands and quits" '^EXIT=0'
done_testing
