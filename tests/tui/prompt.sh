#!/bin/sh
# Script mode asks for a password on the terminal when none was given
# with --password-env/--password-file: prompt shown, typing not echoed,
# the password never on screen or in the transcript.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

practice_start || { not_ok "practice server started"; done_testing; }
ok "practice server started"
printf 'EHLO me\n:auth plain demo\n:expect 235\nQUIT\n' >"$TMPD/auth.txt"
tui_start 100 30 --allow-plaintext --script "$TMPD/auth.txt" 127.0.0.1 "$PRACTICE_PORT"
check_screen "the password is asked for on the terminal" 'Password for demo: *$'
keys 'demo' 
screen >"$TMPD/typing.txt"
check_nogrep "typing is not echoed" 'Password for demo: .*demo' "$TMPD/typing.txt"
keys Enter
check_screen "AUTH succeeds with the typed password" '^S: 235 '
check_screen "the script ends with status 0" '^EXIT=0'
screen >"$TMPD/end.txt"
check_grep "the AUTH line is masked" '^C: AUTH PLAIN authzid .*, user .demo., password \*{8}' "$TMPD/end.txt"
check_nogrep "the password's base64 is not shown" 'AGRlbW8AZGVtbw==' "$TMPD/end.txt"
done_testing
