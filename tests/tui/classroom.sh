#!/bin/sh
# The classroom view: --serve on a terminal shows every session live.  Five
# clients at once (EHLO only, a refused RCPT, a message, STARTTLS, idle):
# a row each with the right phase, latest reply and messages; Enter opens
# one read-only with its transcript and the sidebar's explanation; q goes
# back; q asks before stopping a server with live sessions.  --serve-plain
# keeps the plain output on a terminal.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
CLIENT="$top_srcdir/tests/tui/classroom_client.py"

tui_start 130 32 --serve 127.0.0.1:0
check_screen "classroom view up" '^ classroom +127\.0\.0\.1:[0-9]+ '
check_screen "the empty table says so" 'No sessions yet'
PORT=$(sed -n '1s/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TUI_SCREEN")

stop_client() { : > "$TMPD/stop-$1"; }
for m in ehlo rcpt send tls idle; do
	python3 "$CLIENT" "$PORT" "$m" "$TMPD/stop-$m" > "$TMPD/client-$m" 2>&1 &
	TUI_PIDS="$TUI_PIDS $!"
done
_stop_all() { for m in ehlo rcpt send tls idle; do stop_client "$m"; done; }
on_exit _stop_all
for m in ehlo rcpt send tls idle; do
	if _wait_file "$TMPD/client-$m" "^done $m" >/dev/null; then
		ok "client $m done"
	else
		not_ok "client $m done"
		sed 's/^/#   /' "$TMPD/client-$m"
	fi
done

check_screen "header: five sessions, one message" 'sessions 5/[0-9]+ +messages 1 '
check_screen "row: EHLO only (lesson 1's check holds)" 'EHLO [0-9]+s +250-practice\.test greets ehlo-only\.example .* 0 +L1 *$'
check_screen "row: refused RCPT" 'MAIL [0-9]+s +550 5\.1\.1 <nouser@localhost>: User unknown +0 +(-|L[0-9]+) *$'
check_screen "row: a message sent" 'EHLO [0-9]+s +250 2\.6\.0 Message accepted, queued as [0-9-]+ +1 +(-|L[0-9]+) *$'
check_screen "row: STARTTLS then EHLO again" 'EHLO TLS [0-9]+s +250-practice\.test greets tls\.example '
check_screen "row: idle after the greeting" 'greeting [0-9]+s +220 practice\.test ESMTP'
check_screen "the log strip has the server's lines" 'practice\[[0-9]+\]: TLS established'

# Select the refused RCPT's row (rows start on the third screen line).
row=$(grep -n '550 5\.1\.1' "$TUI_SCREEN" | head -1 | cut -d: -f1)
i=3
while [ "$i" -lt "${row:-3}" ]; do keys j; i=$((i + 1)); done
keys Enter
check_screen "Enter opens the session read-only" '^ classroom: session #[0-9]+ +127\.0\.0\.1:[0-9]+ .*read-only'
check_screen "its transcript as the server saw it" '^C: RCPT TO:<nouser@localhost>'
check_screen "the sidebar explains the latest reply" 'Mailbox unavailable'
check_screen "the entry line is read-only" '^read-only> '
keys Up Up
check_screen "Up selects the line before: the sidebar follows" 'Sidebar: line 1[0-9] of 1[0-9]'
keys q
check_screen "q goes back to the table" '^ # +PEER +PHASE +LAST REPLY +MSGS +LESSON'

keys q
check_screen "q asks first while sessions are live" '5 sessions are live: stop the server and close them\? \(y/n\)'
keys n
check_screen "n keeps serving" 'still serving'
stop_client idle
check_screen "an ended session is listed as ended" ' ended +220 practice\.test ESMTP'
check_screen "the header counts four" 'sessions 4/[0-9]+ '
keys q
check_screen "asked again with four" '4 sessions are live'
keys y
check_screen "y stops the server" '^EXIT=0'
if [ -s "$TMPD/stderr" ]; then
	not_ok "nothing on stderr"; sed 's/^/#   /' "$TMPD/stderr"
else
	ok "nothing on stderr"
fi

# --serve-plain on a terminal: the plain output of today.
tui_start 100 20 --serve-plain --serve 127.0.0.1:0
check_screen "--serve-plain prints the address" '^listening on 127\.0\.0\.1:[0-9]+'
check_screen "and the demo login" '^demo login: user demo, password demo'
keys C-c
check_screen "--serve-plain stops on Ctrl-C" 'EXIT=0$'
grep -q 'practice: limits:' "$TMPD/stderr" && ok "--serve-plain logs on stderr" ||
	not_ok "--serve-plain logs on stderr"
done_testing
