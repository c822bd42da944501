#!/bin/sh
# Keys beyond typing: '/' search selects the match and the sidebar follows,
# n finds the next older match, F3 toggles timing, F2 hides the sidebar,
# a mouse click selects a line, :b64 leaves its result in the transcript,
# and an :explain text lands in the sidebar.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

practice_start || { not_ok "practice server starts"; done_testing; }
tui_start 120 40 127.0.0.1 "$PRACTICE_PORT"
check_screen "connected" '^S: 220 '
keys 'EHLO one' Enter
check_screen "first EHLO answered" '^S: 250 '
keys 'EHLO two' Enter
check_screen "second EHLO sent" '^C: EHLO two'

keys '/'
check_screen "search prompt" '^search: '
keys 'pipelin' Enter
check_screen "search selects a line: sidebar says which" '│ line [0-9]+ of [0-9]+'
check_escreen "the selected line is in reverse video" '\[7m(.\[[0-9;]*m)*S: 250-(.\[[0-9;]*m)*PIPELIN'
check_escreen "the match itself is highlighted" '\[[0-9;]*1;4m(.\[[0-9;]*m)*PIPELIN'
screen | grep -o 'line [0-9]* of' > "$TMPD/m1"
moved() {
	screen | grep -o 'line [0-9]* of' > "$TMPD/m2"
	! cmp -s "$TMPD/m1" "$TMPD/m2"
}
keys n
check "n moves to an older match" wait_for 10 moved
check_screen "the sidebar explains the keyword" '│.*PIPELINING'
keys Escape

keys F3
check_screen "F3 shows per-line timing" '^\[\+[0-9]+\.[0-9]{3}s\] S: 250'
keys F3
check "F3 again hides it" wait_gone '^\[\+[0-9]'

keys F2
check "F2 hides the sidebar" wait_gone '│'
keys F2
check_screen "F2 brings it back" '│'

# Click (X10 mouse: button 1 at column 1, row 4) selects that line.
tmx send-keys -l "$(printf '\033[M !$')"
check_screen "a click selects a line" '│ line [0-9]+ of'
keys Escape

keys ':b64 demo' Enter
check_screen ":b64 leaves a transcript note" '^# base64 of "demo": ZGVtbw=='
keys ':explain 550' Enter
check_screen ":explain text shows in the sidebar" '│ .*550'
keys Escape
keys ':nosuchcmd' Enter
check_screen "an unknown command says so" 'unknown command'
# Data mode: the prompt says so, content that looks like a command is
# content, a leading dot is stuffed, a lone dot ends the message.
keys 'MAIL FROM:<me@example.org>' Enter
check_screen "MAIL accepted" '^S: 250 .*'
keys 'RCPT TO:<demo@localhost>' Enter
check_screen "RCPT sent" '^C: RCPT TO:<demo@localhost>'
keys 'DATA' Enter
check_screen "354 switches to data mode" '^data> .*a lone \. ends'
keys 'Subject: tui test' Enter
keys ':-) not a command' Enter
check_screen "a ':' content line is sent as content" '^C: :-\) not a command'
keys '/usr/share/doc is a path' Enter
check_screen "a '/' content line is sent, not a search" '^C: /usr/share/doc is a path'
keys '?really' Enter
check_screen "a '?' content line is sent, not help" '^C: \?really'
keys '.hidden' Enter
check_screen "a leading dot is stuffed" '^C: \.\.hidden'
keys '.' Enter
check_screen "a lone dot ends the message" '^S: 250 .*(queued|accepted|Ok|OK|ok)'
check_screen "back to command mode" '^smtp> '

keys ':quit' Enter
check_screen ":quit leaves" '^EXIT=0'
done_testing
