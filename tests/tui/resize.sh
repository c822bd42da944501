#!/bin/sh
# STARTTLS in the UI and resizing: 120x40 to 80x24, to 70x24 (the sidebar
# folds under the transcript), to 30x8 (a "too small" notice), and back, keeping
# the typed text and the scroll position.  SIGTERM restores the terminal.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

practice_start || { not_ok "practice server starts"; done_testing; }
tui_start 120 40 --insecure 127.0.0.1 "$PRACTICE_PORT"
check_screen "connected" '^S: 220 '
check_screen "status bar says plaintext" '^ 127\.0\.0\.1:[0-9]+ +plaintext'
keys 'EHLO me' Enter
check_screen "EHLO answered" '^S: 250 '
keys 'STARTTLS' Enter
check_screen "220 to STARTTLS" '^S: 220 .*TLS'
check_screen "handshake shown" '^# TLS: '
check_screen "status bar says TLS" '^ 127\.0\.0\.1:[0-9]+ +TLS ?1\.[23]'
check_screen "phase after STARTTLS" 'phase: (GREETING|TLS|EHLO)'
keys 'EHLO again' Enter
check_screen "EHLO after TLS answered" '^S: 250 .*HELP|^S: 250 '
# The session's facts close the sidebar: scroll it down to them.
keys S-NPage S-NPage
check_screen "sidebar says TLS is on" '│ - TLS: TLS ?1\.[23]'

keys 'HELP' Enter
check_screen "HELP answered" '^S: 214 '
keys PPage
check_screen "scrolled back" 'more below: End'
keys 'MAIL FROM:<typed@example>'
check_screen "typed text shown" '^smtp> MAIL FROM:<typed@example>'

tui_resize 80 24
check_screen "80x24: status bar on top" '^ 127\.0\.0\.1:[0-9]+ +TLS'
check_screen "80x24: sidebar still beside the transcript" '^[^│]{40,}│ '
check_screen "80x24: typed text kept" '^smtp> MAIL FROM:<typed@example>'
check_screen "80x24: scroll position kept" 'more below: End'
check "80x24: 24 rows drawn" test "$(screen | wc -l)" -eq 24
screen > "$TMPD/s80"
check "80x24: hints on the last row" sh -c "sed -n 24p '$TMPD/s80' | grep -q 'Enter send'"
check "80x24: entry on row 23" sh -c "sed -n 23p '$TMPD/s80' | grep -q '^smtp> MAIL'"

tui_resize 70 24
check_screen "70x24: sidebar folds under the transcript" '^─ Sidebar[^│]*─$'
check "70x24: no divider beside the transcript" wait_gone '│'
check_screen "70x24: typed text kept" '^smtp> MAIL FROM:<typed@example>'
check_screen "70x24: sidebar text under the rule" '^ [A-Z]'

tui_resize 30 8
check_screen "30x8: too-small notice" 'terminal too small'
check_screen "30x8: says what it needs" 'need 40x10'
tui_resize 100 30
check_screen "100x30: panes back" '│'
check_screen "100x30: typed text still there" '^smtp> MAIL FROM:<typed@example>'
keys Enter
check_screen "the kept text is sent" '^C: MAIL FROM:<typed@example>'

pid=$(tui_pid)
if [ -n "$pid" ]; then
	kill -TERM "$pid"
	check_screen "SIGTERM ends the UI" '^EXIT=143'
	check "alternate screen left after SIGTERM" test "$(tmx display -p '#{alternate_on}')" = 0
	check "mouse off after SIGTERM" test "$(tmx display -p '#{mouse_any_flag}#{mouse_standard_flag}')" = 00
else
	not_ok "found the smtpscope process"
fi
done_testing
