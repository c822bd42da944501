#!/bin/sh
# :inbox shows what the built-in practice server accepted: the list, then
# one message as it arrived (dot-stuffing undone), in the sidebar.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

tui_start 120 40
check_screen "offline session up" '^S: 220 '
keys ':inbox' Enter
check_screen "empty inbox" '0 messages accepted'
keys 'EHLO me' Enter
check_screen "EHLO answered" '^S: 250 HELP'
keys 'MAIL FROM:<teacher@example.org>' Enter
keys 'RCPT TO:<demo@localhost>' Enter
check_screen "RCPT accepted" '^S: 250 2\.1\.5'
keys 'DATA' Enter
check_screen "data mode" '^data> '
keys 'Subject: homework' Enter
keys '' Enter
keys '..a line that began with a dot' Enter
keys '.' Enter
check_screen "message accepted" '^S: 250 2\.6\.0'
keys ':inbox' Enter
check_screen "the inbox lists it" '1\. from <teacher@example\.org> to'
check_screen "with its subject" 'homework'
keys Escape
keys ':inbox 1' Enter
check_screen "the message is shown" 'Subject: homework'
check_screen "as it arrived: one dot more was undone" '│ \.\.?a line that began with a dot'
keys ':inbox 7' Enter
check_screen "a missing message is said" 'no message 7'
keys C-d
check_screen "quit" '^EXIT=0'
done_testing
