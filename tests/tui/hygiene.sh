#!/bin/sh
# Leaving without harm: SIGQUIT (Ctrl-\) restores the terminal and exits
# 131; Ctrl-S does not freeze the screen; Ctrl-C and F10 on a connected
# session ask first (no keeps it, yes quits, "save FILE" saves then quits);
# :save onto an existing file asks in the UI and a script refuses unless
# it says :save!; bracketed paste asks before sending several commands;
# the history survives a restart without secrets; the config file sets
# theme, sidebar width, timestamps and mouse, and names what is wrong.
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

# --- history across runs ---
HIST="$XDG_STATE_HOME/smtpscope/history"
tui_start 120 40
check_screen "session up for history" '^S: 220 '
keys 'EHLO me' Enter
check_screen "EHLO answered (history)" '^S: 250 HELP'
keys 'AUTH PLAIN AGRlbW8Ac2VjcmV0aXI=' Enter
check_screen "AUTH PLAIN with an initial response answered" '^S: 535 '
keys 'AUTH LOGIN' Enter
check_screen "AUTH LOGIN asks for the user name" '^S: 334 VXNlcm5hbWU6'
keys 'demo' Enter
check_screen "then for the password" '^S: 334 UGFzc3dvcmQ6'
keys 'Pw0nly4me' Enter
check_screen "the password is judged" '^S: 535 .*' 
keys ':b64 Pw0nly4me' Enter
check_screen ":b64 of a password shown" 'UHcwbmx5NG1l'
keys 'NOOP hist-marker' Enter
check_screen "the marker is sent" '^C: NOOP hist-marker'
keys ':quit' Enter
check_screen "quit to save the history" '^EXIT=0' 5
check "the history file exists" test -f "$HIST"
check "it is mode 0600" test "$(stat -c %a "$HIST")" = 600
check_grep "it holds the commands" '^NOOP hist-marker$' "$HIST"
check_nogrep "never the password typed as an answer (or to :b64)" 'Pw0nly4me' "$HIST"
check_nogrep "never the AUTH PLAIN initial response" 'AGRlbW8A|^AUTH PLAIN ' "$HIST"
tui_start 120 40
check_screen "restarted" '^S: 220 '
keys Up
check_screen "Up after a restart recalls the last command" '^smtp> :quit'
keys Up
check_screen "and the one before" '^smtp> NOOP hist-marker'
keys C-u ':quit' Enter
check_screen "quit again" '^EXIT=0' 5
ln -sf "$TMPD/elsewhere" "$TMPD/state/smtpscope/history"
tui_start 100 30
check_screen "history as a symbolic link: the UI still starts" '^S: 220 '
keys ':quit' Enter
check_screen "and quits" '^EXIT=0' 5
check "the link was not followed" test ! -e "$TMPD/elsewhere"

# --- the config file ---
mkdir -p "$XDG_CONFIG_HOME/smtpscope"
cat > "$XDG_CONFIG_HOME/smtpscope/config" <<'CFG'
# smtpscope settings
theme = dark
sidebar = 30
timestamps = on
mouse = off
colour = blue
[profile work]
host = mx.example
CFG
tui_start 120 40
check_screen "session up with a config file" 'S: 220 '
check "mouse = off: no mouse reporting" \
    test "$(tmx display -p '#{alternate_on}#{mouse_any_flag}')" = 10
check_screen "timestamps = on: lines carry times" '^\[\+[0-9.]+s\] S: 220 '
check_screen "sidebar = 30: the divider 30 columns from the right" \
    '^.{89}│ '
check_screen "an unknown key is named in the transcript" \
    "unknown key 'colour'"
check_grep "and on stderr" "config:.*:6: unknown key 'colour'" "$TMPD/stderr"
check_nogrep "theme = dark is accepted" "unknown theme" "$TMPD/stderr"
check_nogrep "profile sections are not read as settings" "'host'" "$TMPD/stderr"
keys ':quit' Enter
check_screen "quit (config)" '^EXIT=0' 5

cat > "$XDG_CONFIG_HOME/smtpscope/config" <<'CFG'
theme = purple
sidebar = wide
mouse = maybe
CFG
tui_start 120 40
check_screen "session up with a bad config file" '^S: 220 '
check_grep "a bad theme is named" "theme: unknown theme 'purple'" "$TMPD/stderr"
check_grep "a bad sidebar width is named" "sidebar: 'wide' is not a width" "$TMPD/stderr"
check_grep "a bad on/off is named" "mouse: 'maybe' is neither on nor off" "$TMPD/stderr"
check "the mouse stays on by default" \
    test "$(tmx display -p '#{mouse_any_flag}')" = 1
keys ':quit' Enter
check_screen "quit (bad config)" '^EXIT=0' 5
done_testing
