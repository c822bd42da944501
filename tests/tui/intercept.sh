#!/bin/sh
# --intercept on a terminal: a list of the intercepted sessions (client,
# age, TLS on each leg, latest reply, result), the local CA's note in the
# log strip, Enter opens a session read-only with its transcript and the
# sidebar's explanation, :save writes it, q goes back, q asks before
# stopping with live sessions.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
CL="$top_srcdir/tests/integration/intercept_client.py"
TUI_ENV="XDG_DATA_HOME=$TMPD/data"

practice_start || { not_ok "practice server started"; done_testing; }
tui_start 130 32 --intercept 127.0.0.1:0 --timeout 5 \
    "smtp://127.0.0.1:$PRACTICE_PORT"
check_screen "the intercept list is up" \
    "^ intercept +127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1 port $PRACTICE_PORT "
check_screen "the empty list says so" 'No sessions yet'
check_screen "the new CA is named in the log strip" \
    'made a local CA for --intercept'
PORT=$(sed -n '1s/.* 127\.0\.0\.1:\([0-9]*\) -> .*/\1/p' "$TUI_SCREEN")

check "a client sends through it" python3 "$CL" good "$PORT"
python3 "$CL" idle "$PORT" >"$TMPD/idle.out" 2>&1 &
TUI_PIDS="$TUI_PIDS $!"
check_screen "the ended session's row" \
    '^ 1 +127\.0\.0\.1:[0-9]+ .* 221 .* sent 1 message'
check_screen "the live session's row" \
    '^ 2 +127\.0\.0\.1:[0-9]+ .*-/- +220 practice\.test ESMTP.* open'
check_screen "the headings" '^ # +CLIENT +AGE +TLS C/U +LAST REPLY +RESULT'

# Live sessions come first: the ended one is the second row.
keys j Enter
check_screen "Enter opens the session read-only" \
    '^ intercept: session #1 +127\.0\.0\.1:[0-9]+ .*read-only'
check_screen "the client's lines" '^C: MAIL FROM:<a@b\.test>'
check_screen "the upstream's replies" '^S: 354 '
check_screen "the sidebar explains the line" 'Sidebar: line'
keys ":save $TMPD/saved.txt" Enter
if _wait_file "$TMPD/saved.txt" 'C: RCPT TO:<you@practice\.test>' >/dev/null; then
	ok ":save writes the session"
else
	not_ok ":save writes the session"; sed "s/^/#   /" "$TMPD/saved.txt"
fi
keys ":export $TMPD/saved.html" Enter
if _wait_file "$TMPD/saved.html" 'RCPT TO:&lt;you@practice\.test&gt;' >/dev/null; then
	ok ":export writes the session as HTML"
else
	not_ok ":export writes the session as HTML"
fi
keys q
check_screen "q goes back to the list" '^ # +CLIENT +AGE'
keys q
check_screen "q asks first while a session is live" \
    '1 sessions are live: stop the interceptor'
keys y
check_screen "y stops" '^EXIT=0'
if [ -s "$TMPD/stderr" ]; then
	not_ok "nothing on stderr"; sed 's/^/#   /' "$TMPD/stderr"
else
	ok "nothing on stderr"
fi

# Intercept mode: i holds each command and reply; the user sends them on,
# replaces a reply within its class, and answers a RCPT with a 4xx to see
# the application retry.
tui_start 130 32 --intercept 127.0.0.1:0 --timeout 60 \
    "smtp://127.0.0.1:$PRACTICE_PORT"
check_screen "second interceptor up" '^ intercept +127\.0\.0\.1:[0-9]+ -> '
PORT=$(sed -n '1s/.* 127\.0\.0\.1:\([0-9]*\) -> .*/\1/p' "$TUI_SCREEN")
keys i
check_screen "i turns intercept mode on" '^ intercept \(holding\) '
python3 "$CL" retry "$PORT" >"$TMPD/retry.out" 2>&1 &
TUI_PIDS="$TUI_PIDS $!"
check_screen "the greeting is held" 'HELD reply'
keys Enter
check_screen "opening the session puts the held reply on the entry" \
    '^read-only> 220 practice\.test ESMTP'
keys Enter
check_screen "the client's EHLO is held" '^read-only> EHLO good\.test'
keys Enter
check_screen "MAIL is held" '^read-only> MAIL FROM:<a@b\.test>'
keys Enter
check_screen "its reply is held" '^read-only> 250 2\.1\.0 '
keys C-u "550 5.7.1 no" Enter
check_screen "a reply of another class is refused" 'a 2xx reply stays 2xx'
keys C-u "250 2.1.0 fine by me" Enter
check_screen "RCPT is held" '^read-only> RCPT TO:<you@practice\.test>'
keys C-u "354 go ahead" Enter
check_screen "a 3xx answer to a held command is refused" \
    'a 354 reply would begin an exchange the upstream never began'
keys C-u "451 4.7.1 try again later" Enter
if _wait_file "$TMPD/retry.out" '^rcpt: 451 4\.7\.1 try again later' >/dev/null; then
	ok "the application got the 4xx typed by the user"
else
	not_ok "the application got the 4xx typed by the user"
	sed 's/^/#   /' "$TMPD/retry.out"
fi
check_screen "the application says RCPT again" '^read-only> RCPT TO:<you@practice\.test>'
keys Enter
check_screen "the upstream's 250 is held" '^read-only> 250 2\.1\.5 '
keys C-u i
check_screen "i again: intercept mode off" 'intercept mode off'
if _wait_file "$TMPD/retry.out" '^good: delivered' >/dev/null; then
	ok "the rest went on: the message was delivered"
else
	not_ok "the rest went on: the message was delivered"
	sed 's/^/#   /' "$TMPD/retry.out"
fi
check_screen "the transcript says who answered" 'you answered the client'
check_screen "and who replaced a reply" 'you replaced the upstream'
keys q q
check_screen "it stops" '^EXIT=0'
if [ -s "$TMPD/stderr" ]; then
	not_ok "nothing on stderr in intercept mode"; sed 's/^/#   /' "$TMPD/stderr"
else
	ok "nothing on stderr in intercept mode"
fi

done_testing
