#!/bin/sh
# AUTH in the UI: the 334 challenges are decoded in the sidebar, answers
# go out base64-encoded, the password is masked on screen and in :save,
# and :auth asks for a password in the entry line with masking.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

PW=Sup3rSecret
PW64=U3VwM3JTZWNyZXQ=

practice_start || { not_ok "practice server starts"; done_testing; }
tui_start 120 40 127.0.0.1 "$PRACTICE_PORT"
check_screen "connected" '^S: 220 '
keys 'EHLO me' Enter
check_screen "EHLO answered" '^S: 250 '
keys 'AUTH LOGIN' Enter
check_screen "334 challenge shown with its decoding" '^S: 334 VXNlcm5hbWU6 +\(Username:\)'
check_screen "sidebar shows Username: decoded" '│.*"Username:"'
check_screen "prompt switches to answer mode" '^answer> .*\[answer: base64 on\]'

keys 'demo' Enter
check_screen "user name goes out base64-encoded" '^C: ZGVtbw== +\(demo\)'
check_screen "password challenge decoded" '^S: 334 UGFzc3dvcmQ6 +\(Password:\)'
check_screen "sidebar shows Password: decoded" '│.*"Password:"'

keys "$PW"
check_screen "password is masked while typed" '^answer> \*{11} '
screen > "$TMPD/typing.txt"
check_nogrep "password not on screen while typed" "$PW" "$TMPD/typing.txt"
keys Enter
check_screen "answer line masked in the transcript" '^C: \*{8}'
check_screen "the server judged the password" '^S: 535 '
screen > "$TMPD/after.txt"
check_nogrep "password not on screen" "$PW" "$TMPD/after.txt"
check_nogrep "password base64 not on screen" "$PW64" "$TMPD/after.txt"
check_screen "back in command mode" '^smtp> '

keys ":save $TMPD/saved.txt" Enter
check_screen "save confirmed" 'saved'
check_grep "saved transcript has the masked answer" '^(\[[^]]*\] )?C: \*{8}' "$TMPD/saved.txt"
check_grep "saved transcript has the user name" 'ZGVtbw==' "$TMPD/saved.txt"
check_nogrep "saved transcript lacks the password" "$PW" "$TMPD/saved.txt"
check_nogrep "saved transcript lacks its base64" "$PW64" "$TMPD/saved.txt"

# :auth on a plaintext connection asks first; "no" sends nothing.
keys ':auth login demo' Enter
check_screen "plaintext :auth asks before sending" 'Send it anyway\? \(yes/no\)'
keys 'no' Enter
check_screen "answered no: nothing sent" ':auth cancelled: nothing was sent'
# Yes, then the password in the entry line, masked.
keys ':auth login demo' Enter
check_screen "asked again" 'Send it anyway\? \(yes/no\)'
keys 'yes' Enter
check_screen "secret prompt in the entry line" '[Pp]assword.*: *$|[Pp]assword.*: .*\[secret'
keys 'demo'
check_screen "secret prompt masks" '[Pp]assword.*: \*\*\*\* '
keys Enter
check_screen "AUTH succeeds" '^S: 235 '
check_screen "status bar shows the user" 'auth: demo'
history_check() {
	keys Up
	wait_screen '^smtp> :auth login demo' 3
}
check "the secret is not in history" history_check
keys C-u

# AUTH PLAIN typed by hand with its response: masked, and kept out of
# history (Up shows the command before it, never the base64).
keys 'NOOP' Enter
check_screen "NOOP answered" '^S: 250 2\.0\.0'
keys 'AUTH PLAIN AGRlbW8AZGVtbw==' Enter
check_screen "typed AUTH PLAIN masked in the transcript" '^C: AUTH PLAIN authzid .*, user .demo., password \*{8}'
plain_history() {
	keys Up
	wait_screen '^smtp> NOOP' 3
}
check "typed AUTH PLAIN is not in history" plain_history
screen > "$TMPD/plain.txt"
check_nogrep "typed AUTH PLAIN base64 not on screen" 'AGRlbW8AZGVtbw==' "$TMPD/plain.txt"

# A new connection: the hint follows the place in LOGIN, and an answer
# typed already in base64 is caught before it goes out encoded twice.
keys C-u
keys ':reconnect' Enter
check_screen "reconnected" '^S: 220 .*practice'
keys 'EHLO me' Enter
keys 'AUTH LOGIN' Enter
check_screen "LOGIN's first answer: the user name hint" 'Type the user name'
keys 'ZGVtbw==' Enter
check_screen "base64 typed as an answer: asked first" 'as typed\? \(yes: as typed'
keys 'yes' Enter
check_screen "sent as typed, not encoded again" '^C: ZGVtbw== +\(user .demo.\)'
check_screen "LOGIN's second answer: the password hint" 'Type the password; it is masked'
keys 'demo' Enter
check_screen "logged in with the answer sent as typed" '^S: 235 '

# An AUTH PLAIN initial response encoded twice: the UI offers it once.
keys ':reconnect' Enter
check_screen "reconnected again" '^S: 220 .*practice'
keys 'EHLO me' Enter
keys 'AUTH PLAIN QUdSbGJXOEFaR1Z0Ync9PQ==' Enter
check_screen "initial response encoded twice: asked" 'Send it encoded once\? \(yes'
keys 'yes' Enter
check_screen "sent encoded once: logged in" '^S: 235 2\.7\.0'
done_testing
