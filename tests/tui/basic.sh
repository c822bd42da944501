#!/bin/sh
# The UI against the practice server: EHLO in green, a 5xx in red, line
# editing and history, the help overlay, Tab focus, Ctrl-D quits and the
# terminal is given back; with no target the in-process practice server.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

practice_start || { not_ok "practice server starts"; done_testing; }
tui_start 120 40 127.0.0.1 "$PRACTICE_PORT"

check_screen "greeting shown" '^S: 220 .*ESMTP'
check_screen "status bar names host:port" "^ 127\\.0\\.0\\.1:$PRACTICE_PORT .*phase:"
check_screen "entry prompt names the mode" '^smtp> '
check_screen "key hints at the bottom" 'F1 help +\^D quit'

keys 'EHLO me' Enter
check_screen "EHLO appears as a client line" '^C: EHLO me'
check_screen "the EHLO reply arrives" '^S: 250 '
check_escreen "250 lines are green" '\[(0;)?32m(\x1b\[[0-9;]*m)*S: 250-'
check_escreen "client lines are bold" '\[1m(\x1b\[[0-9;]*m)*C: EHLO me'
check_screen "sidebar explains the latest reply" '│.*(2xx|success)'
check_screen "status shows the phase" 'phase: EHLO'
check_screen "status shows the latency" '[0-9.]+ ms last reply'

# A bad command is a 5xx: red.
keys 'BOGUS' Enter
check_screen "5xx reply to a bogus command" '^S: 5[0-9][0-9] '
check_escreen "5xx lines are red" '\[(0;)?(1;)?31m(\x1b\[[0-9;]*m)*S: 5[0-9][0-9]'

# Line editing: Left, Backspace, Ctrl-A, Delete; then history.
keys 'xNOOQP' Left BSpace C-a Delete
check_screen "editing keys work" '^smtp> NOOP *'
keys Enter
check_screen "edited line is sent" '^C: NOOP'
keys Up
check_screen "Up recalls history" '^smtp> NOOP'
keys C-u
check_screen "Ctrl-U clears" '^smtp>  *F1 help'

# UTF-8 in the entry: wide characters, Backspace removes a whole one.
keys 'NOOP héllo中文' BSpace Left BSpace
check_screen "UTF-8 editing" '^smtp> NOOP héll中 '
keys C-e C-u

# Tab completes ':' commands.
keys ':expl' Tab
check_screen "Tab completes a :command" '^smtp> :explain '
keys C-u

# Help overlay.
keys F1
check_screen "F1 opens help" 'smtpscope help'
check_screen "help lists the keys first" 'Keys: one grammar'
keys Space
check_screen "help lists :commands after them" ':auth plain'
keys Escape
check "Esc closes help" wait_gone 'smtpscope help'

# Tab to the transcript: Up selects an older line, the sidebar follows.
keys Tab
check_screen "Tab focuses the transcript" 'j/k select'
keys Up
check_screen "sidebar follows the selection" '│ line [0-9]+ of [0-9]+'
keys Escape
check_screen "Esc returns to the entry" 'Enter send'

# Ctrl-D on an empty line quits and the terminal is restored.
keys C-d
check_screen "Ctrl-D quits with status 0" '^EXIT=0'
check "alternate screen left" test "$(tmx display -p '#{alternate_on}')" = 0
check "mouse reporting off" test "$(tmx display -p '#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}')" = 000
check "cursor visible" test "$(tmx display -p '#{cursor_flag}')" = 1
tmx kill-server

# No target: the practice server runs inside the UI's own loop.
tui_start 100 30
check_screen "offline: the welcome note comes first" '^# This is the built-in practice'
check_screen "offline: greeting from the in-process server" '^S: 220 '
keys 'EHLO me' Enter
check_screen "offline: EHLO answered" '^S: 250 '
keys C-d
check_screen "offline: Ctrl-D quits" '^EXIT=0'
done_testing
