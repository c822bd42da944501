#!/bin/sh
# The UI while connecting (RFC 8305, tests/integration/he_server.py): it
# draws and takes keys during a slow look-up, Ctrl-C ends it at once, the
# status bar shows the address reached past a dead first one, and a look-up
# slower than --timeout is given up on with the UI still usable.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

python3 "$top_srcdir/tests/integration/he_server.py" "$TMPD/state" \
    >"$TMPD/he.log" 2>&1 &
TUI_PIDS="$TUI_PIDS $!"
wait_for 10 test -s "$TMPD/state" ||
	skip_all "cannot set up 127.0.0.2/127.0.0.3 listeners: $(tail -1 "$TMPD/he.log")"
read -r P DNS V6 <"$TMPD/state"
TUI_ENV="SMTPSCOPE_DNS_SERVER=127.0.0.1:$DNS"

# The first address drops packets: the second is reached and shown.
tui_start 100 30 --timeout 10 v4dead.test "$P"
check_screen "greeting from the second address" '^S: 220 he\.test'
check_screen "the dead address is named" '# 127\.0\.0\.2: no answer in [0-9]+ ms, trying 127\.0\.0\.3'
check_screen "the status bar shows the address reached" \
    "^ v4dead\\.test:$P \\[127\\.0\\.0\\.3\\]  plaintext"
keys ':quit' Enter
check_screen "quits" '^EXIT=0'

# A look-up that never ends: the UI draws and edits meanwhile.
tui_start 100 30 --timeout 30 stuck.test "$P"
check_screen "connecting is shown" '# connecting to stuck\.test port'
keys 'typed while connecting'
check_screen "keys are taken while the look-up waits" 'typed while connecting'
check_screen "the status bar says not connected yet" 'not connected'
keys C-c
check_screen "Ctrl-C ends the look-up at once" '^EXIT=0' 5

# A look-up slower than --timeout: exit status aside, the UI stays.
tui_start 100 30 --timeout 1 slow.test "$P"
check_screen "the slow look-up is given up on" 'no answer from the DNS within 1 s' 6
keys ':quit' Enter
check_screen "the UI still takes commands and quits" '^EXIT=0'
done_testing
