#!/bin/sh
# A server that sends escape sequences, C1 controls and invalid UTF-8
# cannot change the terminal: they are drawn as escaped text.  Also
# scrolling: PgUp, the mouse wheel, lines arriving while the user reads
# back do not move the view, End returns.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

fake_start || { not_ok "fake server starts"; done_testing; }
tui_start 120 40 127.0.0.1 "$FAKE_PORT"
title0=$(tmx display -p '#{pane_title}')

check_screen "greeting arrives" '^S: 220 '
check_screen "OSC title sequence shown as text" 'S: 220 \\e\]0;pwned\\x07\\e\[2J hi from fake'
check_screen "ST-terminated OSC shown as text" '\\e\]2;pwned2\\e\\'
check_screen "C1 control shown escaped" '\\xc2\\x9b31m|\\x9b31m'
check_screen "invalid UTF-8 shown escaped" '\\xff\\xfe'
check_screen "clear-screen did not clear (earlier note still there)" '^# connect'
check "pane title unchanged" test "$(tmx display -p '#{pane_title}')" = "$title0"
tmx display -p '#{pane_title}' | grep -q pwned && not_ok "title not pwned" || ok "title not pwned"
check_escreen "escapes drawn in their own style" '\[35m\\e.*\]0;pwned'

keys 'EHLO me' Enter
check_screen "SGR in a reply shown as text" 'S: 250-fake\.test \\e\[31mRED\\e\[0m'
check_escreen "that 250 line is still green" '\[(0;)?32mS: 250-fake'

# Scrolling back through a long reply.
keys 'HELP' Enter
check_screen "long reply arrives" '^S: 214 end of help'
keys PPage
check_screen "PgUp scrolls back" '^S: 214-help line 2[0-9][0-9]'
check_screen "a marker says there is more below" 'more below: End'
keys PPage PPage PPage
check_screen "PgUp again goes further" '^S: 214-help line 1[0-9][0-9]'
keys End
check_screen "End (on an empty line) returns to the bottom" '^S: 214 end of help'

# Mouse wheel: X10 encoded wheel-up at column 10, row 10.
tmx send-keys -l "$(printf '\033[M`**')"
check_screen "wheel up scrolls back" 'more below: End'
tmx send-keys -l "$(printf '\033[Ma**')"
check "wheel down returns to the bottom" wait_gone 'more below: End'

# Lines that arrive while reading back do not move the view.
keys 'SLOWHELP' Enter
check_screen "first part arrives" '^S: 214-slow 100'
keys PPage PPage
check_screen "scrolled back during the reply" '^S: 214-slow 0[0-9][0-9]'
screen | grep -E '^S: 214-slow' | head -1 > "$TMPD/top1"
check "reply completes while scrolled back" wait_gone 'waiting\.\.\.'
screen | grep -E '^S: 214-slow' | head -1 > "$TMPD/top2"
check "the view did not move" cmp -s "$TMPD/top1" "$TMPD/top2"
check_nogrep "end not on screen yet" '214 slow end' "$TUI_SCREEN"
keys End
check_screen "End shows the new lines" '^S: 214 slow end'

keys ':quit' Enter
check_screen "quit" '^EXIT=0'
done_testing
