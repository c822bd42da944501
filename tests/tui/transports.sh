#!/bin/sh
# The UI on --pipe: the program's stderr is a note as soon as it is
# written (its descriptor is polled beside the connection), the session
# runs over its stdin/stdout, and its exit status is told.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

cat >"$TMPD/prog.sh" <<'PROG'
echo "starting up" >&2
sleep 0.5
printf '220 pipe.test ready\r\n'
read -r line
echo "read: $line" >&2
printf '250 pipe.test\r\n'
read -r line
printf '221 bye\r\n'
exit 4
PROG

tui_start 100 30 --timeout 10 --pipe "sh $TMPD/prog.sh"
check_screen "the program is started" '# the program runs as pid [0-9]+'
check_screen "its stderr is a note" '# program stderr: starting up'
check_screen "its greeting arrives over its stdout" '^S: 220 pipe\.test ready'
check_screen "the status bar names the program" '^ sh [^ ]*/prog\.sh \[pipe\]'
keys 'EHLO me' Enter
check_screen "a command goes to its stdin" '# program stderr: read: EHLO me'
check_screen "and its reply comes back" '^S: 250 pipe\.test'
keys 'QUIT' Enter
check_screen "QUIT is answered" '^S: 221 bye'
check_screen "its exit status is told" '# the program \(pid [0-9]+\) exited with status 4'
keys ':quit' Enter
check_screen "quits" '^EXIT=0'

done_testing
