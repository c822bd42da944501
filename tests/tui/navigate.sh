#!/bin/sh
# One key grammar (issue 17): in the transcript pane e/E jump between
# errors, f filters, / highlights and wraps, n/N repeat it, y/Y copy to the
# clipboard through OSC 52 (tmux's buffer with set-clipboard on; a masked
# line stays masked), Enter explains a line full screen and q closes it,
# q leaves the pane, letters never type into the entry; the entry has
# Ctrl-R, Ctrl-Y, Alt-b/f and Ctrl-Left; ] on an empty line scrolls the
# sidebar; > widens it; the wheel scrolls the pane under the pointer; the
# help overlay lists the keys and only q/Esc close it; a replay searches
# lines not shown yet, takes Space for the next line and q to quit.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

practice_start || { not_ok "practice server starts"; done_testing; }
tui_start 120 40 127.0.0.1 "$PRACTICE_PORT"
tmx set -g set-clipboard on
check_screen "connected" '^S: 220 '
keys 'EHLO me' Enter
check_screen "EHLO answered" '^S: 250 HELP'
keys 'RCPT TO:<demo@localhost>' Enter
check_screen "RCPT before MAIL: 503" '^S: 503 '
keys 'MAIL FROM:<a@example.com>' Enter
check_screen "MAIL accepted" '^S: 250 2\.1\.0'
keys 'RCPT TO:<full@localhost>' Enter
check_screen "a 452" '^S: 452 '
keys 'RCPT TO:<nouser@localhost>' Enter
check_screen "a 550" '^S: 550 '
keys 'AUTH PLAIN AGRlbW8AZGVtbw==' Enter
check_screen "the AUTH line is masked" '^C: AUTH PLAIN .*\*\*\*\*\*\*\*\*'
check_screen "and refused" 'AUTH not permitted'

# sel NAME REGEX: the selected line (reverse video, SGR 7, from its first
# column) reads REGEX once the colours are taken out; a highlighted match
# inside it splits the text into several SGR runs.
sel_line() {
	escreen | grep -E '^(.\[[0-9;]*m)*.\[([0-9]+;)*7(;[0-9]+)*m' |
	    sed 's/\x1b\[[0-9;]*m//g' | grep -Eq -- "^$1"
}
sel() { check "$1" wait_for 10 sel_line "$2"; }

# e and E: errors (4xx, 5xx, warnings), wrapping at the ends.
keys Tab
check_screen "Tab: the transcript pane's keys in the hint line" 'e/E errors +f filter +y/Y copy'
keys g
sel "g selects the first line" '# connecting'
keys e
sel "e: the first warning" '# warning: RCPT before'
keys e
sel "e: the 503" 'S: 503 5\.5\.1 Error: need MAIL'
keys e
sel "e: the 452" 'S: 452 '
keys e
sel "e: the 550" 'S: 550 '
keys E
sel "E goes back to the 452" 'S: 452 '
keys G
sel "G selects the last line" '# diagnosis: AUTH'
keys e
check_screen "e past the end wraps and says so" 'no more errors below'
sel "to the first warning" '# warning: RCPT before'

# f: errors only, client lines, quiet, everything again.
keys f
check_screen "f: errors only" 'filter: errors \(f\)'
check "no client line is shown" wait_gone '^C: '
check_screen "the 550 is" '^S: 550 '
check_screen "the selection is still on a shown line" '│ line [0-9]+ of'
keys f
check_screen "f: client lines" 'filter: client lines'
check "no server line is shown" wait_gone '^S: '
keys f
check_screen "f: quiet" 'filter: quiet'
check "no EHLO list" wait_gone '^S: 250-PIPELINING'
keys f
check_screen "f: everything again" 'filter: everything'
check "the filter mark is gone" wait_gone 'filter: (errors|client|quiet)'
check_screen "the EHLO list is back" '^S: 250-PIPELINING'

# q leaves the pane; letters there never type into the entry.
keys g x
check_screen "a stray letter says what the pane takes" 'keys here: j k g G'
check_screen "nothing was typed" '^smtp> +F1 help'
keys q
check_screen "q: back in the entry line" '^ Enter send +Tab lines'

# / searches up from the newest line, highlights, n/N repeat and wrap.
keys / 'rcpt to' Enter
sel "/ finds the newest match" 'C: RCPT TO:<nouser'
check_escreen "the match is highlighted" '\[1;4(;7)?m(.\[[0-9;]*m)*RCPT TO'
check_escreen "matches on other lines too" '\[[0-9;]*7m(.\[[0-9;]*m)*RCPT TO(.\[[0-9;]*m)*:<full'
keys n
sel "n: the next (older) match" 'C: RCPT TO:<full'
keys n n
sel "n n: the oldest" 'C: RCPT TO:<demo'
keys n
check_screen "n wraps and says so" 'search wrapped'
sel "to the newest" 'C: RCPT TO:<nouser'
keys N
sel "N goes the other way, wrapping" 'C: RCPT TO:<demo'

# y copies the selected line, Y the whole reply, masked stays masked.
keys / 'User unknown' Enter
sel "found the 550" 'S: 550 '
keys y
check_screen "y says it copied" 'copied the line'
tmx show-buffer > "$TMPD/clip" 2>/dev/null
check_grep "y: the line in tmux's buffer" '^S: 550 5\.1\.1 <nouser@localhost>: User unknown$' "$TMPD/clip"
keys / PIPELINING Enter
sel "found the EHLO list" 'S: 250-PIPELINING'
keys Y
check_screen "Y copied the reply" 'copied the reply, 10 lines'
tmx show-buffer > "$TMPD/clip" 2>/dev/null
check "Y: ten lines" test "$(wc -l < "$TMPD/clip" | tr -d ' ')" = 10
check_grep "Y: from the first line" '^S: 250-practice\.test greets me' "$TMPD/clip"
check_grep "Y: to the last" '^S: 250 HELP$' "$TMPD/clip"
keys G / 'AUTH PLAIN' Enter
sel "found the AUTH line" 'C: AUTH PLAIN'
keys y
check "tmux has it" wait_for 5 sh -c "tmux -L '$TUI_SOCK' -f /dev/null show-buffer | grep -q '^C: AUTH'"
tmx show-buffer > "$TMPD/clip" 2>/dev/null
check_grep "a masked line copies masked" '^C: AUTH PLAIN .*\*\*\*\*\*\*\*\*' "$TMPD/clip"
check_nogrep "and not its secret" 'AGRlbW8AZGVtbw' "$TMPD/clip"

# Enter: the explanation full screen; q closes it.
keys / 'User unknown' Enter Enter
check_screen "Enter opens the explanation" '^ Explanation +\(q or Esc closes'
check_screen "it explains the 550" '^ +550 '
check "the panes are covered" wait_gone '^C: RCPT'
keys q
check "q closes it" wait_gone '^ Explanation'
check_screen "the transcript is back" '^C: RCPT TO:<nouser'
keys Escape

# :b64 and :unb64 leave notes in the transcript.
keys ':b64 demo' Enter
check_screen ":b64 result is a transcript note" '^# base64 of "demo": ZGVtbw=='
keys ':unb64 VXNlcm5hbWU6' Enter
check_screen ":unb64 result too" '^# VXNlcm5hbWU6 decodes to "Username:"'

# The entry: ] on an empty line is the sidebar's, mid-line a bracket.
keys ']'
check_screen "] on an empty line types nothing" '^smtp> +F1 help'
keys 'EHLO [127.0.0.1]'
check_screen "] inside a line is text" '^smtp> EHLO \[127\.0\.0\.1\]'
keys C-u
check_screen "Ctrl-U kills the line" '^smtp> +F1 help'
keys C-y
check_screen "Ctrl-Y yanks it back" '^smtp> EHLO \[127\.0\.0\.1\]'
keys C-u 'one two three' M-b X
check_screen "Alt-b: a word back" '^smtp> one two Xthree'
keys Home M-f Y
check_screen "Alt-f: a word forward" '^smtp> oneY two Xthree'
keys End C-Left Z
check_screen "Ctrl-Left: a word back" '^smtp> oneY two ZXthree'
keys End C-u C-r MAIL
check_screen "Ctrl-R finds an earlier command" '^\(history: MAIL\) MAIL FROM:<a@example\.com>'
keys C-r
check_screen "Ctrl-R again: no older one" 'no older history line contains "MAIL"'
keys C-g
check_screen "Ctrl-G puts the line back" '^smtp> +F1 help'
keys C-r EHLO Enter
check_screen "Enter sends the match" 'phase: EHLO'
check_screen "it is the EHLO" '^C: EHLO me '

# The sidebar: wider with >, back with <.
side_col() { screen | sed -n 3p | sed 's/│.*//' | wc -m; }
c0=$(side_col)
keys '>'
check "> widens the sidebar" wait_for 5 sh -c "[ \$(tmux -L '$TUI_SOCK' -f /dev/null capture-pane -p | sed -n 3p | sed 's/│.*//' | wc -m) -lt $c0 ]"
keys '<'
check "< narrows it back" wait_for 5 sh -c "[ \$(tmux -L '$TUI_SOCK' -f /dev/null capture-pane -p | sed -n 3p | sed 's/│.*//' | wc -m) -eq $c0 ]"

# The help: End and Space scroll, q closes; it lists the grammar.
keys F1
check_screen "F1 opens the help" 'smtpscope help'
check_screen "it lists the entry's readline keys" 'Ctrl-R searches it'
keys End
check_screen "End does not close it: it goes to the end" 'q, Esc or F1 closes this help'
keys g Space
check_screen "Space does not close it either" 'smtpscope help'
screen > "$TMPD/help"
keys g
screen >> "$TMPD/help"
keys j j j j j j j j j j
screen >> "$TMPD/help"
check_grep "it lists e and E" 'e E +next / previous error' "$TMPD/help"
check_grep "and y and Y" 'y Y +copy the line / the whole reply' "$TMPD/help"
keys q
check "q closes it" wait_gone 'smtpscope help'

# Narrow: the wheel over the sidebar scrolls the sidebar, not the transcript.
tui_resize 60 20
check_screen "60x20: the sidebar under the transcript" '^─ Sidebar'
check_screen "it has more to show" '-- [0-9]+ more: ] or Shift-PgDn --'
more() { screen | sed -n 's/.*-- \([0-9]*\) more.*/\1/p'; }
m0=$(more)
sep0=$(screen | grep -n '^─ Sidebar' | cut -d: -f1)
# X10 wheel down (button 65) at column 11, row 17 (in the sidebar).
tmx send-keys -l "$(printf '\033[Ma+1')"
check "the wheel scrolled the sidebar" wait_for 5 sh -c "[ \"\$(tmux -L '$TUI_SOCK' -f /dev/null capture-pane -p | sed -n 's/.*-- \([0-9]*\) more.*/\1/p')\" = $((m0 - 3)) ]"
check "not the transcript" wait_gone 'more below: End' 1
keys '>'
check "> gives the sidebar more rows" wait_for 5 sh -c "[ \$(tmux -L '$TUI_SOCK' -f /dev/null capture-pane -p | grep -n '^─ Sidebar' | cut -d: -f1) -lt $sep0 ]"
keys F4 F4 F4
check "F4 cycles back to the first width" wait_for 5 sh -c "[ \$(tmux -L '$TUI_SOCK' -f /dev/null capture-pane -p | grep -n '^─ Sidebar' | cut -d: -f1) -eq $sep0 ]"
tui_resize 120 40

keys ":save $TMPD/s.txt" Enter
check_screen "saved" 'transcript saved to'
check_nogrep ":b64 results stay out of :save (they may encode a password)" \
    'ZGVtbw==' "$TMPD/s.txt"
check_grep "a stand-in says so" 'shown on screen, kept out of files' "$TMPD/s.txt"
keys ':quit' Enter
check_screen ":quit leaves" '^EXIT=0'
tmx kill-server

# Replay: Space is the next line; / and e reach lines not shown yet.
N=$(wc -l < "$TMPD/s.txt" | tr -d ' ')
tui_start 120 40 --replay "$TMPD/s.txt"
check_screen "replay opens" "line 1/$N "
keys Space
check_screen "Space: the next line" "line 2/$N "
check_screen "the hint line has the replay's keys" 'Space next +b back +p play +/ n N search'
keys Right
check_screen "Right too" "line 3/$N "
keys / nouser Enter
check_screen "/ reveals up to a match not shown yet" "line [0-9]+/$N "
sel "the match is selected" 'C: RCPT TO:<nouser'
check "later lines stay hidden" wait_gone '^S: 550 ' 1
keys n
sel "n: the next match, further on" 'S: 550 5\.1\.1 <nouser'
keys N
sel "N: back to the one before" 'C: RCPT TO:<nouser'
keys e
sel "e: the next error" 'S: 550 '
keys e
sel "e again: the AUTH warning" '# warning: AUTH'
keys k j
sel "k and j move the selection (within the shown lines)" '# warning: AUTH'
keys q
check_screen "q leaves a replay" '^EXIT=0'
done_testing
