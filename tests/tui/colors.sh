#!/bin/sh
# Colours degrade: NO_COLOR, --no-color and a monochrome terminal draw no
# colour at all but keep the S:/C: markers and use bold/underline/reverse;
# a 256-colour terminal uses the same classes as an 8-colour one.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

practice_start || { not_ok "practice server starts"; done_testing; }

# run_case NAME: EHLO and a bad command, then save both screens.
run_case() {
	check_screen "$1: greeting" '^S: 220 '
	keys 'EHLO me' Enter
	check_screen "$1: EHLO answered" '^S: 250 '
	keys 'BOGUS' Enter
	check_screen "$1: 5xx answered" '^S: 5[0-9][0-9] '
	escreen > "$TMPD/$1.e"
	keys C-d
	check_screen "$1: quits" '^EXIT=0'
	tmx kill-server
}

TUI_ENV="NO_COLOR=1"
tui_start 100 30 127.0.0.1 "$PRACTICE_PORT"
run_case nocolor
check_nogrep "NO_COLOR: no colour escapes" '\[(0;)?3[0-7]m|\[38;5;' "$TMPD/nocolor.e"
check_grep "NO_COLOR: client lines bold" '\[1m(.\[[0-9;]*m)*C: EHLO' "$TMPD/nocolor.e"
check_grep "NO_COLOR: 5xx stands out" '\[[0-9;]*(1|4)m(.\[[0-9;]*m)*S: 5[0-9][0-9]' "$TMPD/nocolor.e"

TUI_ENV=""
tui_start 100 30 --no-color 127.0.0.1 "$PRACTICE_PORT"
run_case flag
check_nogrep "--no-color: no colour escapes" '\[(0;)?3[0-7]m|\[38;5;' "$TMPD/flag.e"

TUI_ENV="TERM=vt100"
tui_start 100 30 127.0.0.1 "$PRACTICE_PORT"
run_case mono
check_nogrep "monochrome: no colour escapes" '\[(0;)?3[0-7]m|\[38;5;' "$TMPD/mono.e"
check_grep "monochrome: markers kept" '^(.\[[0-9;]*m)*S: 250-' "$TMPD/mono.e"
check_grep "monochrome: status bar in reverse" '\[7m.*127\.0\.0\.1' "$TMPD/mono.e"

TUI_ENV="TERM=screen-256color"
tui_start 100 30 127.0.0.1 "$PRACTICE_PORT"
run_case c256
check_grep "256 colours: 250 still green" '\[(0;)?32m(.\[[0-9;]*m)*S: 250' "$TMPD/c256.e"
check_grep "256 colours: 5xx still red" '\[(0;)?(1;)?31m(.\[[0-9;]*m)*S: 5' "$TMPD/c256.e"
done_testing
