#!/bin/sh
# Replay (--replay FILE): a transcript saved by script mode is revealed
# line by line, forward and back, with the sidebar explaining the current
# line as live (the 334 challenge decoded); play mode advances on its own
# and any key pauses it; :export and :save work, typing shows a hint; the
# foreign formats open too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

practice_start || { not_ok "practice server starts"; done_testing; }

cat > "$TMPD/auth.txt" <<EOF
EHLO me
AUTH LOGIN
demo
demo
:expect 235
MAIL FROM:<a@example.com>
RCPT TO:<nouser@localhost>
:save $TMPD/timed.txt
QUIT
EOF
check_run "script mode writes a log" 0 "$SMTPSCOPE" --script "$TMPD/auth.txt" \
    --log "$TMPD/log.txt" 127.0.0.1 "$PRACTICE_PORT"
check_grep "the log has the challenge" '^S: 334 VXNlcm5hbWU6' "$TMPD/log.txt"
check_grep ":save wrote a timed copy" '^\[\+[0-9.]+s\] S: 220 ' "$TMPD/timed.txt"
N=$(wc -l < "$TMPD/log.txt" | tr -d ' ')

tui_start 120 40 --replay "$TMPD/log.txt"
check_screen "status names file, position and format" "replay: .*log\\.txt +line 1/$N +smtpscope"
check_screen "first line shown" '^# connecting to 127\.0\.0\.1'
check_screen "entry line is for :commands" '^replay> '
check "the rest is hidden" wait_gone '^S: 220 ' 1

# Step forward until the 334 arrives; each key shows exactly one line.
k=1
found=0
while [ "$k" -lt "$N" ]; do
	k=$((k + 1))
	keys Space
	wait_screen "line $k/$N " 5 || break
	if grep -q '^S: 334 VXNlcm5hbWU6' "$TUI_SCREEN"; then found=1; break; fi
done
check "Space reveals one line per key up to the 334" test "$found" = 1
check_screen "sidebar decodes the challenge" '│ *Decoded: "Username:"'
check_screen "sidebar says which line" "│ line $k of $N"
check_escreen "the current line is in reverse video" '\[7m(.\[[0-9;]*m)*S: 334 VXNlcm5hbWU6'

keys b
check_screen "b goes back one line" "line $((k - 1))/$N "
check "the 334 is hidden again" wait_gone '^S: 334 VXNlcm5hbWU6'
check_screen "sidebar explains the AUTH command now" '│.*AUTH'
keys Left
check_screen "Left goes back too" "line $((k - 2))/$N "
keys Right
check_screen "Right goes forward" "line $((k - 1))/$N "
keys Space
check_screen "Space goes forward" "line $k/$N "
keys End
check_screen "End shows everything" "line $N/$N "
check_screen "the last reply is there" '^S: 221 '
keys Home
check_screen "Home goes back to the first line" "line 1/$N "

# Typing plain text sends nothing and says so.
keys h
check_screen "plain typing shows a hint" 'a replay sends nothing'
keys ':reconnect' Enter
check_screen "session commands are refused" 'needs a live session'

# :export writes the HTML page of the whole replayed session.
keys ":export $TMPD/page.html" Enter
check_screen ":export reports the file" 'HTML page written to .*page\.html'
check "the page exists" test -s "$TMPD/page.html"
check_grep "it is an HTML page" '<!DOCTYPE html>' "$TMPD/page.html"
check_grep "it holds the last reply" '221 2\.0\.0 Bye' "$TMPD/page.html"
check_grep "it says where it came from" 'replayed from .*log\.txt' "$TMPD/page.html"
keys ":save $TMPD/again.txt" Enter
check_screen ":save works offline" 'transcript saved to'
check_grep ":save writes the whole transcript" '^(\[[^]]*\] )?S: 221 ' "$TMPD/again.txt"

# Untimed file: play shows a line each half second on its own.
keys p
check_screen "p plays" 'line 1/[0-9]+ .*playing'
check_screen "play advances on its own" "line 2/$N " 3
check_screen "and on" "line 3/$N " 3
keys x
check_screen "any key pauses" 'paused at line [0-9]+ of'
check "no longer playing" wait_gone 'playing$' 2
keys C-d
check_screen "Ctrl-D quits with status 0" '^EXIT=0'
tmx kill-server

# A timed file (from :save) plays at the recorded speed: a local session
# takes milliseconds, so it reaches the end at once.
NT=$(wc -l < "$TMPD/timed.txt" | tr -d ' ')
tui_start 100 30 --replay "$TMPD/timed.txt"
check_screen "timed file opens" "line 1/"
keys p
check_screen "timed play reaches the end by itself" 'end of the transcript'
keys C-d
check_screen "quits" '^EXIT=0'
tmx kill-server

# Foreign formats from guides, swaks and a telnet paste.
for f in swaks:swaks telnet:'telnet paste' guide:'S:/C: guide'; do
	name=${f%%:*}
	fmt=${f#*:}
	fx="$top_srcdir/tests/fixtures/replay/$name.txt"
	[ -f "$fx" ] || { ok "# SKIP $name.txt fixture missing"; continue; }
	tui_start 100 30 --replay "$fx"
	check_screen "$name: opens with its format named" "line 1/[0-9]+ +$fmt"
	keys End
	check_screen "$name: End shows server lines" '^S: [0-9]{3}'
	keys C-d
	check_screen "$name: quits" '^EXIT=0'
	tmx kill-server
done
done_testing
