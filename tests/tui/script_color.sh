#!/bin/sh
# Script mode colours its transcript on a terminal (2xx green, 5xx red,
# client bold), and not with NO_COLOR or --no-color.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

printf 'EHLO me\nMAIL FROM:<a@example.com>\nRCPT TO:<nouser@localhost>\nQUIT\n' >"$TMPD/s.txt"
tui_start 100 40 --script "$TMPD/s.txt"
check_screen "the script ran" '^EXIT=0'
escreen >"$TMPD/color.txt"
check_grep "2xx lines are green" "$(printf '\033')\\[[0-9;]*32m[^\\n]*S: 250" "$TMPD/color.txt"
check_grep "5xx lines are red" "$(printf '\033')\\[[0-9;]*31m[^\\n]*S: 550" "$TMPD/color.txt"
check_grep "client lines are bold" "$(printf '\033')\\[[0-9;]*1m[^\\n]*C: EHLO" "$TMPD/color.txt"

TUI_ENV="NO_COLOR=1" tui_start 100 40 --script "$TMPD/s.txt"
check_screen "NO_COLOR: the script ran" '^EXIT=0'
escreen >"$TMPD/nocolor.txt"
check_nogrep "NO_COLOR: no colour on the S: lines" "$(printf '\033')\\[[0-9;]*3[12]m" "$TMPD/nocolor.txt"
tui_start 100 40 --no-color --script "$TMPD/s.txt"
check_screen "--no-color: the script ran" '^EXIT=0'
escreen >"$TMPD/nocolor2.txt"
check_nogrep "--no-color: no colour" "$(printf '\033')\\[[0-9;]*3[12]m" "$TMPD/nocolor2.txt"
done_testing
