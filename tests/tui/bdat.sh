#!/bin/sh
# :bdat FILE CHUNK in the UI: the file goes out in counted chunks, each
# reply shown, and the practice server stores the message whole.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

printf 'Subject: from the UI\r\n\r\none\r\n.\r\nthree\r\n' >"$TMPD/msg.eml"
tui_start 120 40
check_screen "offline session up" '^S: 220 '
keys 'EHLO me' Enter
check_screen "EHLO answered" '^S: 250 HELP'
keys 'MAIL FROM:<a@example.org>' Enter
keys 'RCPT TO:<demo@localhost>' Enter
check_screen "RCPT accepted" '^S: 250 2\.1\.5'
keys ":bdat $TMPD/msg.eml 10" Enter
check_screen "chunks of 10" '^C: BDAT 10 '
check_screen "the last chunk" '^C: BDAT 9 LAST'
check_screen "the message accepted" '^S: 250 2\.6\.0'
keys ':inbox 1' Enter
check_screen "stored with the lone dot" 'Subject: from the UI'
keys C-d
check_screen "Ctrl-D at smtp> quits" '^EXIT=0'
done_testing
