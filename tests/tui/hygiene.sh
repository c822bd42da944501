#!/bin/sh
# Leaving without harm: SIGQUIT (Ctrl-\) restores the terminal and exits
# 131; Ctrl-S does not freeze the screen; Ctrl-C and F10 on a connected
# session ask first (no keeps it, yes quits, "save FILE" saves then quits);
# :save onto an existing file asks in the UI and a script refuses unless
# it says :save!; bracketed paste asks before sending several commands.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

term_sane() {
	test "$(tmx display -p '#{alternate_on}#{mouse_any_flag}')" = 00
}

# --- SIGQUIT from the keyboard ---
tui_start 100 30
check_screen "offline session up" '^S: 220 '
check "the UI is in the alternate screen with the mouse on" \
    test "$(tmx display -p '#{alternate_on}#{mouse_any_flag}')" = 11
keys 'C-\'
check_screen "Ctrl-\\ (SIGQUIT) ends the UI with 131" '^EXIT=131' 5
check "alternate screen and mouse reporting off after SIGQUIT" term_sane
check "no core file left" test ! -e core

# --- Ctrl-S: no flow control while the UI runs ---
tui_start 100 30
check_screen "offline session up again" '^S: 220 '
keys C-s
keys 'NOOP typed after ctrl-s'
check_screen "typing after Ctrl-S still shows" '^smtp> NOOP typed after ctrl-s'
keys C-q C-u

# --- Ctrl-C on a connected session asks ---
keys C-c
check_screen "Ctrl-C asks before closing the connection" \
    '^Close the connection to 127\.0\.0\.1 and quit\?'
check_screen "the question offers to save first" 'and quit\? \(yes, no, or save FILE'
keys 'no' Enter
check_screen "no: back at the prompt" '^smtp>  '
keys 'NOOP' Enter
check_screen "no: the session still works" '^S: 250 .*'
screen > "$TMPD/s1"
check_nogrep "no: did not quit" '^EXIT=' "$TMPD/s1"
keys C-c
check_screen "Ctrl-C asks again" 'Close the connection to'
keys C-c
check_screen "a second Ctrl-C cancels the question" '^smtp>  '
screen > "$TMPD/s2"
check_nogrep "cancelled: did not quit" '^EXIT=' "$TMPD/s2"

# --- F10 the same ---
keys F10
check_screen "F10 asks too" 'Close the connection to .* and quit\?'
keys 'n' Enter
check_screen "F10, no: still there" '^smtp>  '
keys F10
check_screen "F10 asks again" 'Close the connection to'
keys 'save' Enter
check_screen "save without a file says what to give" 'answer "save FILE"'
keys F10
check_screen "F10 asks a third time" 'Close the connection to'
keys "save $TMPD/quit.txt" Enter
check_screen "save FILE saves and quits" '^EXIT=0' 5
check_grep "the transcript was saved on the way out" 'C: NOOP' "$TMPD/quit.txt"
check "terminal sane after quitting" term_sane

tui_start 100 30
check_screen "session up for Ctrl-C yes" '^S: 220 '
keys C-c
check_screen "Ctrl-C asks" 'Close the connection to'
keys 'yes' Enter
check_screen "Ctrl-C, yes: quits with 0" '^EXIT=0' 5
check "terminal sane after Ctrl-C" term_sane

# --- :save onto an existing file ---
echo "old content" > "$TMPD/keep.txt"
tui_start 100 30
check_screen "session up for :save" '^S: 220 '
keys ":save $TMPD/keep.txt" Enter
check_screen ":save onto an existing file asks" 'exists\. Replace it\? \(yes/no\)'
keys 'no' Enter
check_screen "no: says the file is unchanged" 'not written: .*keep\.txt is unchanged'
check_grep "no: the old content is kept" '^old content$' "$TMPD/keep.txt"
keys ":save $TMPD/keep.txt" Enter
check_screen ":save asks again" 'exists\. Replace it\?'
keys 'yes' Enter
check_screen "yes: saved" 'transcript saved to .*keep\.txt'
check_grep "yes: the transcript replaced it" 'S: 220 ' "$TMPD/keep.txt"
keys ":export! $TMPD/keep.txt" Enter
check_screen ":export! replaces without asking" 'HTML page written to'
keys ':quit' Enter
check_screen ":quit leaves without asking" '^EXIT=0' 5

# --- bracketed paste ---
# tmux brackets a paste-buffer -p when the program asked for it.
paste() { printf "$1" | tmx load-buffer -b p - && tmx paste-buffer -p -b p; }
tui_start 100 45
check_screen "session up for pasting" '^S: 220 '
paste 'EHLO pasted\nRSET\nNOOP\n'
check_screen "three pasted lines in command mode ask" \
    'Send these 3 lines as commands\? \(yes/no\)'
keys 'no' Enter
check_screen "no: says nothing was sent" 'nothing sent: the 3 pasted lines'
screen > "$TMPD/p1"
check_nogrep "no: none of the lines went out" '^C: (EHLO pasted|RSET|NOOP)' "$TMPD/p1"
paste 'EHLO pasted\nRSET\nNOOP\n'
check_screen "pasted again: asks again" 'Send these 3 lines as commands\?'
keys 'yes' Enter
check_screen "yes: the first line is sent" '^C: EHLO pasted'
check_screen "yes: the second" '^C: RSET'
check_screen "yes: the third" '^C: NOOP'
check_screen "yes: all answered" '^S: 250 2\.0\.0 OK'
screen > "$TMPD/p3"
check_nogrep "yes: one at a time, no unasked pipelining" 'sent before the previous reply' "$TMPD/p3"
paste 'NOOP one line'
check_screen "one line is inserted, not sent" '^smtp> NOOP one line'
keys C-u
keys 'MAIL FROM:<a@example.org>' Enter 'RCPT TO:<demo@localhost>' Enter
check_screen "RCPT accepted" '^S: 250 2\.1\.5'
keys 'DATA' Enter
check_screen "in a message" '^data> '
paste 'Subject: pasted\n\nbody line\n'
check_screen "in a message pasted lines go out without a question" '^C: body line'
screen > "$TMPD/p2"
check_nogrep "no question in data mode" 'as commands\?' "$TMPD/p2"
keys '.' Enter
check_screen "the pasted message is accepted" '^S: 250 2\.0\.0'
keys ':quit' Enter
check_screen "paste part done" '^EXIT=0' 5

# --- a script refuses unless it says :save! ---
echo "old content" > "$TMPD/keep2.txt"
printf 'EHLO me\n:save %s\nQUIT\n' "$TMPD/keep2.txt" > "$TMPD/s.scr"
check_run "a script's :save onto an existing file fails" 2 \
    "$SMTPSCOPE" --script "$TMPD/s.scr"
check_grep "it says how to replace it" 'keep2\.txt exists: not replaced \(:save! ' "$TMPD/out"
check_grep "the file is untouched" '^old content$' "$TMPD/keep2.txt"
printf 'EHLO me\n:save! %s\nQUIT\n' "$TMPD/keep2.txt" > "$TMPD/s.scr"
check_run ":save! in a script replaces it" 0 "$SMTPSCOPE" --script "$TMPD/s.scr"
check_grep "the file now holds the transcript" 'C: EHLO me' "$TMPD/keep2.txt"
done_testing
