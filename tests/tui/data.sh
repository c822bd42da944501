#!/bin/sh
# Data mode: Ctrl-D on an empty line in a message shows how to end it and
# does not quit; :quit asks first; lines pasted after DATA wait for the
# 354 and go out as the message; when DATA is refused none of them is
# sent (those after the lone "." go as commands).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

tui_start 120 40
check_screen "offline session up" '^S: 220 '
keys 'EHLO me' Enter
check_screen "EHLO answered" '^S: 250 HELP'
keys 'MAIL FROM:<a@example.org>' Enter
keys 'RCPT TO:<demo@localhost>' Enter
check_screen "RCPT accepted" '^S: 250 2\.1\.5'
keys 'DATA' Enter
check_screen "data mode" '^data> '
check_screen "the key hints say how a message ends" '\. alone ends the message'

# Ctrl-D on an empty line: a hint, no quit.
keys C-d
check_screen "Ctrl-D in a message explains the lone ." \
    'a line with a lone \. ends it; Ctrl-D quits only at the smtp> prompt'
check_screen "still in data mode" '^data> '
screen > "$TMPD/after_ctrl_d.txt"
check_nogrep "Ctrl-D did not quit" '^EXIT=' "$TMPD/after_ctrl_d.txt"

# :quit in a message asks; "no" keeps the message.
keys ':quit' Enter
check_screen ":quit asks while a message is open" \
    'Quit with the message not ended\? The server discards it\.'
keys 'n' Enter
check_screen "answered no: still in data mode" '^data> '
keys 'Subject: typed' Enter
keys '' Enter
keys 'first body' Enter
keys '.' Enter
check_screen "the lone . ends the message: 250" '^S: 250 2\.6\.0'
check_screen "back at the smtp> prompt" '^smtp> '

# A paste: the 354 comes late (slow@ delays every reply by 3 s), so the
# lines wait, and the entry says how many.
keys 'MAIL FROM:<b@example.org>' Enter
check_screen "MAIL accepted" '^S: 250 2\.1\.0.*$'
keys 'RCPT TO:<slow@localhost>' Enter 'DATA' Enter 'Subject: pasted' Enter \
    Enter '.dotted line' Enter 'MAIL FROM:<content@example.org>' Enter \
    '.' Enter
check_screen "the entry says the lines wait" '5 lines wait for the 354'
check_screen "a note says why" 'DATA has not been answered yet'
check_screen "the pasted message is accepted" '^S: 250 2\.6\.0.*2-' 15
keys ":save $TMPD/paste.txt" Enter
wait_for 5 test -s "$TMPD/paste.txt"
# The 354 comes before the first line of content.
awk '/S: 354/ { s = NR } /C: Subject: pasted/ { c = NR }
    END { exit !(s && c && s < c) }' "$TMPD/paste.txt"
check "the 354 precedes the pasted content" [ $? -eq 0 ]
check_grep "a content line that looks like MAIL went as content" \
    '^(\[[^]]*\] )?C: MAIL FROM:<content@example\.org>' "$TMPD/paste.txt"
check_nogrep "... and got no reply of its own" 'S: 503 5\.5\.1 Error: nested' \
    "$TMPD/paste.txt"
keys ':inbox 2' Enter
check_screen "the inbox holds the pasted message" 'Subject: pasted'
check_screen "dot-stuffing undone in the inbox" '│ \.dotted line'
check_screen "with its body" '│ MAIL FROM:<content@example\.org>'
keys Escape

# DATA refused (no MAIL yet): the pasted lines are not sent; the NOOP after
# the lone "." is.
keys 'DATA' Enter 'Subject: refused' Enter Enter 'HELO lost' Enter '.' \
    Enter 'NOOP' Enter
check_screen "DATA is refused" '^S: 503 '
check_screen "a note says the lines were not sent" \
    'DATA was answered 503, not 354: the 4 lines'
check_screen "the NOOP after the . goes as a command" '^S: 250 2\.0\.0'
keys ":save $TMPD/refused.txt" Enter
wait_for 5 grep -q 'NOOP' "$TMPD/refused.txt"
check_nogrep "no refused content reached the server" \
    'C: (Subject: refused|HELO lost)$' "$TMPD/refused.txt"
check "nor its lone . (two messages ended, not three)" \
    [ "$(grep -c 'C: \.$' "$TMPD/refused.txt")" -eq 2 ]
check_grep "the NOOP did" 'C: NOOP$' "$TMPD/refused.txt"

# Answer mode: Ctrl-D explains, * cancels.
keys 'AUTH LOGIN' Enter
check_screen "answer mode" '^answer> '
keys C-d
check_screen "Ctrl-D in answer mode explains" 'a lone \* cancels the AUTH'
keys '*' Enter
check_screen "AUTH cancelled" '^S: 501 '
check_screen "back at smtp>" '^smtp> '
keys C-d
check_screen "Ctrl-D at smtp> quits" '^EXIT=0'
done_testing
