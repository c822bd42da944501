#!/bin/sh
# Replies nobody asked for, in the UI: a flood of them is named and the
# connection closed, memory stays bounded and the UI keeps answering; the
# budget folds the middle into a note; a second greeting is flagged and
# the replies after it stay with their own commands.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

# hostile MODE: start the hostile server for MODE, set HPORT.
hostile() {
	python3 "$top_srcdir/tests/integration/hostile_server.py" "$1" \
	    "$TMPD/port.$1" &
	TUI_PIDS="$TUI_PIDS $!"
	wait_for 10 test -s "$TMPD/port.$1" || return 1
	HPORT=$(cat "$TMPD/port.$1")
}

hostile unasked0 || not_ok "flooding server started"
tui_start 100 30 --max-transcript 100 127.0.0.1 "$HPORT"
check_screen "the flood is named" 'more than 100 replies nobody asked' 10
check_screen "the session is closed" 'CLOSED'
PID=$(tui_pid)
HWM=$(awk '/^VmHWM/ { print $2 }' "/proc/$PID/status" 2>/dev/null)
if [ "${HWM:-999999999}" -lt 204800 ]; then
	ok "peak memory of the UI under 200 MiB ($((HWM / 1024)) MiB)"
else
	not_ok "peak memory of the UI under 200 MiB"; diag "VmHWM ${HWM:-?} kB"
fi
keys ':b64 still here' Enter
check_screen "the UI still answers" 'c3RpbGwgaGVyZQ=='
keys '/'
check_screen "search prompt" '^search: '
keys 'dropped here' Enter
check_screen "the budget's note says what was dropped" '[0-9]+ lines \([0-9]+ octets\) dropped here'
keys Escape Tab
keys ':quit' Enter
check_screen "quits normally" '^EXIT=0'

# A server that says 421 and never closes: the UI does not spin on it.
hostile flood421 || not_ok "421-flooding server started"
tui_start 100 30 127.0.0.1 "$HPORT"
check_screen "endless 421s are a flood" 'more than 100 replies nobody asked' 10
check_screen "endless 421s: the session is closed" 'CLOSED'
keys ':quit' Enter
check_screen "quits normally" '^EXIT=0'

hostile greet2 || not_ok "second-greeting server started"
tui_start 120 40 127.0.0.1 "$HPORT"
check_screen "greeted" '^S: 220 hostile\.test ESMTP'
keys 'EHLO me' Enter
check_screen "the second greeting is flagged" 'a reply nobody asked for: a 220'
check_screen "EHLO's reply is explained as EHLO's" 'It answers EHLO'
keys 'MAIL FROM:<a@example.com>' Enter
check_screen "MAIL's reply is explained as MAIL's" 'Sender accepted'
keys ':quit' Enter
check_screen "quits normally" '^EXIT=0'
done_testing
