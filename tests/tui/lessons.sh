#!/bin/sh
# Lessons: three of them done by typing on the built-in practice server,
# with a wrong step the lesson pane answers with its hint; :hint; the
# list with progress; a teacher's lesson file.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

"$SMTPSCOPE" --lesson > "$TMPD/list0" 2>&1
if grep -q '^   1  \[    \]  Say hello' "$TMPD/list0" &&
    grep -q '^0 of 1[2-9] done' "$TMPD/list0"; then
	ok "--lesson lists the lessons, none done"
else
	not_ok "--lesson lists the lessons, none done"
	sed 's/^/#   /' "$TMPD/list0"
fi

tui_start 120 45 --lesson 1
check_screen "lesson 1 opens on the practice server" '^S: 220 '
check_screen "the lesson pane shows its title" 'Lesson 1: Say hello'
check_screen "and its check, not done yet" 'check: not yet \(0 of 2'
# A wrong step: EHLO without a name is refused; the pane answers.
keys 'EHLO' Enter
check_screen "a wrong step is refused" '^S: 501 '
check_screen "the pane answers with the hint" 'Type EHLO me and press'
keys 'EHLO me' Enter
check_screen "lesson 1 done" 'check: DONE'
check_screen "the next lesson is named" 'next: Lesson 2: STARTTLS'

keys ':lesson next' Enter
check_screen "lesson 2 starts" 'Lesson 2: STARTTLS, and why'
keys 'STARTTLS' Enter
check_screen "TLS is up" '^S: 220 2\.0\.0 Ready'
check_screen "not done before EHLO again" 'check: not yet \(1 of 3'
keys 'EHLO me' Enter
check_screen "lesson 2 done (EHLO again after STARTTLS)" 'check: DONE'

keys ':lesson 3' Enter
check_screen "lesson 3 starts" 'Lesson 3: AUTH LOGIN by hand'
keys ':hint' Enter
check_screen ":hint shows the hint" "type demo \\(the user\\)"
keys 'AUTH LOGIN' Enter
check_screen "the user name is asked" '^S: 334 VXNlcm5hbWU6'
keys 'demo' Enter
check_screen "the password is asked" '^S: 334 UGFzc3dvcmQ6'
keys 'demo' Enter
check_screen "logged in" '^S: 235 '
check_screen "lesson 3 done" 'check: DONE'
check_screen "the next one is named" 'next: Lesson 4: AUTH PLAIN'
keys ':lesson 99' Enter
check_screen "a lesson that does not exist" 'there are lessons 1 to'
keys C-d
check_screen "quit" '^EXIT=0'

"$SMTPSCOPE" --lesson > "$TMPD/list1" 2>&1
if grep -q '^   1  \[done\]' "$TMPD/list1" &&
    grep -q '^   2  \[done\]' "$TMPD/list1" &&
    grep -q '^   3  \[done\]' "$TMPD/list1" &&
    grep -q '^   4  \[    \]' "$TMPD/list1" &&
    grep -q '^3 of 1[2-9] done' "$TMPD/list1"; then
	ok "--lesson shows the progress"
else
	not_ok "--lesson shows the progress"
	sed 's/^/#   /' "$TMPD/list1"
fi
mode=$(stat -c %a "$XDG_STATE_HOME/smtpscope/lessons" 2>/dev/null)
if [ "$mode" = 600 ]; then ok "progress file is 0600"; else
	not_ok "progress file is 0600 (got $mode)"; fi

# A teacher's lesson, loaded at run time.
cat > "$TMPD/noop.txt" <<'LESSON'
lesson: noop
title: NOOP does nothing
goal: Send NOOP and read the 250.
hint: Type NOOP and press Enter.
check: reply 250 to NOOP
LESSON
tui_start 120 45 --lesson "$TMPD/noop.txt"
check_screen "a lesson file opens" 'Lesson: NOOP does nothing'
keys 'NOOP' Enter
check_screen "and is checked" 'check: DONE'
keys C-d
check_screen "quit" '^EXIT=0'

printf 'lesson: bad\ntitle: t\n' > "$TMPD/bad.txt"
if "$SMTPSCOPE" --lesson "$TMPD/bad.txt" > "$TMPD/bad.out" 2>&1; then
	not_ok "a bad lesson file is refused"
else
	grep -q 'bad.txt' "$TMPD/bad.out" && ok "a bad lesson file is refused" ||
	    not_ok "a bad lesson file is refused"
fi
# Lesson 12 (BDAT) by typing: the prompt counts the chunk down.
tui_start 120 45 --lesson 12
check_screen "the BDAT lesson opens" 'Lesson 12'
keys 'EHLO me' Enter
check_screen "EHLO (BDAT lesson)" '^S: 250 HELP'
keys 'MAIL FROM:<you@example.com>' Enter
keys 'RCPT TO:<demo@localhost>' Enter
check_screen "recipient taken" '^S: 250 2\.1\.5'
keys 'BDAT 7 LAST' Enter
check_screen "the prompt counts the chunk" '^bdat> .*7 octets to go'
keys 'Hello' Enter
check_screen "the chunk is accepted" '^S: 250 2\.6\.0'
check_screen "the BDAT lesson is done" 'check: DONE'
keys C-u ':quit' Enter
check_screen "quit (BDAT lesson)" '^EXIT=0'
done_testing
