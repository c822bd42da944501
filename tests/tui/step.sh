#!/bin/sh
# Step mode (--script FILE --step): one command per key press, the script
# pane with its markers, typed commands between steps, :break on a reply
# class, a breakpoint line, continue to the end; :expect failures stop
# continuing; the narrow layout with the in-process practice server.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

practice_start || { not_ok "practice server starts"; done_testing; }

cat > "$TMPD/steps.txt" <<'EOF'
# step test
EHLO me
:expect 250
MAIL FROM:<a@example.com>
RCPT TO:<demo@localhost>
RCPT TO:<nouser@localhost>
RCPT TO:<postmaster@localhost>
RSET
HELP
QUIT
EOF

tui_start 120 40 --script "$TMPD/steps.txt" --step 127.0.0.1 "$PRACTICE_PORT"
check_screen "greeting arrives" '^S: 220 '
check_screen "script pane heading" 'script .*steps\.txt +line 2/10 +paused'
check_screen "next line marked with ▶" '▶ +2 EHLO me'
check_escreen "next line in reverse video" '\[7m.*▶'
check "nothing is sent before a key" wait_gone '^C: EHLO' 1

# First step: EHLO, and once its reply is in, the :expect after it.
keys Space
check_screen "Space sends the first command" '^C: EHLO me'
check_screen ":expect after it reports as a note" '^# expectation held: 250'
check_screen "marker moves to the next command" '▶ +4 MAIL FROM'
check "the second command waits for the second key" wait_gone '^C: MAIL' 1

keys Space
check_screen "second key sends the second command" '^C: MAIL FROM:<a@example.com>'
check_screen "its reply shows" '^S: 250 2\.1\.0 '
check "third command not sent yet" wait_gone '^C: RCPT' 1

# A command of our own between steps goes to the server as usual.
keys 'NOOP' Enter
check_screen "typed command is sent" '^C: NOOP'
check_screen "typed command is answered" '^S: 250 2\.0\.0'
check_screen "the script did not move" '▶ +5 RCPT TO:<demo@localhost>'

# :break 5xx, then continue: stops at the 550 for nouser@.
keys ':break 5xx' Enter
check_screen ":break is acknowledged" 'stops when a reply matches 5xx'
keys F5
check_screen "continue runs on" '^C: RCPT TO:<nouser@localhost>'
check_screen "stops at the 5xx reply" '^S: 550 5\.1\.1 '
check_screen "says why it stopped" 'break: reply 550 5\.1\.1 matches :break 5xx'
check "nothing after the 550 was sent" wait_gone '^C: RCPT TO:<postmaster' 1

# A breakpoint on line 8 (RSET) from the script pane.
keys Tab
check_screen "Tab focuses the script pane" 'Space step +c continue +b breakpoint'
keys Down b
check_screen "b sets a breakpoint" 'breakpoint set at line 8'
check_screen "breakpoint marked with ●" '● +8 RSET'
keys c
check_screen "c continues" '^C: RCPT TO:<postmaster@localhost>'
check_screen "stops before the breakpoint line" 'breakpoint at line 8'
check_screen "marker sits on the breakpoint" '●▶ +8 RSET'
check "the breakpoint line has not run" wait_gone '^C: RSET' 1
keys Space
check_screen "Space steps over the breakpoint" '^C: RSET'
check "only one command" wait_gone '^C: HELP' 1
keys c
check_screen "c runs to the end" '^C: QUIT'
check_screen "the server says goodbye" '^S: 221 '
check_screen "end of the script" 'end of the script'
check_screen "pane says done" 'line 10/10 +done'

keys Escape C-d
check_screen "Ctrl-D quits with status 0" '^EXIT=0'
tmx kill-server

# Narrow terminal, no target: the in-process practice server; the script
# shows under the transcript.  A failed :expect stops continuing.
cat > "$TMPD/expect.txt" <<'EOF'
EHLO me
:expect 5xx
NOOP
EOF
tui_start 70 24 --script "$TMPD/expect.txt" --step
check_screen "narrow: greeting" '^S: 220 '
check_screen "narrow: script pane under the transcript" '^ script .*expect\.txt'
check_screen "narrow: next line marked" '▶ 1 EHLO me'
keys F5
check_screen "narrow: continue runs EHLO" 'phase: EHLO'
check_screen "failed :expect is a warning note" '^# warning: expectation failed: wanted 5xx'
check_screen "failed :expect stops continuing" 'line 2: the expectation failed'
check "NOOP after the failure not sent" wait_gone '^C: NOOP' 1
keys F6
check_screen "F6 steps on" '^C: NOOP'
keys ':break 9zz' Enter
check_screen "bad :break pattern refused" ':break wants a reply code'
keys ':quit' Enter
check_screen ":quit quits" '^EXIT=0'
# The script pane masks AUTH answers by their place, as the session does.
tmx kill-server 2>/dev/null
cat > "$TMPD/auth.txt" <<'EOF'
EHLO me
AUTH LOGIN
:expect 334
demo
:expect 334
hunter2pw
QUIT
EOF
tui_start 120 40 --allow-plaintext --script "$TMPD/auth.txt" --step 127.0.0.1 "$PRACTICE_PORT"
check_screen "auth script in the pane" '2 AUTH LOGIN'
check_screen "LOGIN's user name shown in the pane" '4 demo'
check_screen "LOGIN's password masked in the pane" '6 \*{8}'
screen > "$TMPD/steppw.txt"
check_nogrep "the password is not on the screen" 'hunter2pw' "$TMPD/steppw.txt"
done_testing
