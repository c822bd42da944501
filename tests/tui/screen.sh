#!/bin/sh
# The screen as a tool (issue 17): wrapping keeps words and tokens whole at
# 100, 80 and 61 columns and indents continuations exactly under the text;
# the frame shows which pane has focus and which line the sidebar explains;
# NO_COLOR warnings are not in the selection's reverse video; the dark,
# light and high-contrast themes in 8 colours and without colour.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

# unwrap FILE: the transcript pane's text with wrapped rows joined again
# (a continuation row starts with spaces; the gutter mark is dropped).
unwrap() {
	awk '
	NR <= 2 { next }		# status bar, titles
	/^─/ { exit }			# narrow: the sidebar starts here
	{
		row = $0
		sub(/│.*/, "", row)
		sub(/◀ *$/, "", row)
		sub(/ +$/, "", row)
		if (row ~ /^ +[^ ]/) { sub(/^ +/, "", row); out = out " " row }
		else { if (out != "") print out; out = row }
	}
	END { if (out != "") print out }' "$1"
}

# bad_indent FILE: continuation rows not exactly under their line'"'"'s text.
bad_indent() {
	awk '
	NR <= 2 { next }
	/^─/ { exit }
	{
		row = $0
		sub(/│.*/, "", row)
		if (row ~ /^(smtp|data|answer)> /) exit
		if (row ~ /^[^ ]/) {
			want = 0
			if (row ~ /^[SC]: /) want = 3
			else if (row ~ /^# (TLS|warning): /) { match(row, /^# [a-zA-Z]+: /); want = RLENGTH }
			else if (row ~ /^# /) want = 2
			next
		}
		if (row ~ /^ *$/) next
		match(row, /^ +/)
		if (want > 0 && RLENGTH != want) print "row " NR ": " RLENGTH " spaces, want " want ": " row
	}' "$1"
}

# snap W NAME: resize to W columns and keep the screen as $TMPD/sNAME and
# its unwrapped transcript as $TMPD/uNAME.
snap() {
	tui_resize "$1" 40
	# The status bar is redrawn last on a resize: wait for the width.
	_deadline=$(( $(date +%s) + 5 ))
	while [ "$(screen | head -1 | wc -L)" -gt "$1" ] &&
	    [ "$(date +%s)" -lt "$_deadline" ]; do sleep 0.05; done
	sleep 0.2
	screen > "$TMPD/s$2"
	unwrap "$TMPD/s$2" > "$TMPD/u$2"
}

# check_indent NAME: continuations sit exactly under the text.
check_indent() {
	bad_indent "$TMPD/s$1" > "$TMPD/b$1"
	if [ -s "$TMPD/b$1" ]; then
		not_ok "$1 columns: continuations under the text"
		sed 's/^/#   /' "$TMPD/b$1"
	else
		ok "$1 columns: continuations under the text"
	fi
}

# check_words W: the words of the replies are whole at width W.
check_words() {
	snap "$1" "$1"
	check_grep "$1 columns: reply words whole" 'Relay access denied' "$TMPD/u$1"
	check_grep "$1 columns: queue id whole" 'queued as [0-9]+-[0-9]{6,}' "$TMPD/u$1"
	check_grep "$1 columns: addresses whole" '<x@elsewhere\.example>' "$TMPD/u$1"
	check_indent "$1"
}

tui_start 100 40
check_screen "offline: greeting" '^S: 220 '
for w in 100 80 61; do
	snap "$w" "w$w"
	check_grep "$w columns: welcome note words whole" 'nothing leaves this machine\.' "$TMPD/uw$w"
	check_grep "$w columns: the whole note is there" 'F1 shows every key\.' "$TMPD/uw$w"
	check_indent "w$w"
done
tui_resize 100 40
keys 'EHLO me' Enter
check_screen "EHLO answered" '^S: 250 '
keys 'MAIL FROM:<a@b.example>' Enter 'RCPT TO:<x@elsewhere.example>' Enter
check_screen "relay refused" '^S: 554 5\.7\.1'
keys 'RCPT TO:<demo@localhost>' Enter
check_screen "recipient taken" 'Recipient <demo@localhost> OK'
keys 'DATA' Enter
check_screen "354" '^S: 354 '
keys 'Subject: wrap' Enter '' Enter 'hi' Enter '.' Enter
check_screen "message queued" '^S: 250 2\.6\.0'
keys 'NOOP' Enter
check_screen "NOOP answered" '^C: NOOP'
for w in 100 80 61; do check_words "$w"; done

# A token longer than the row is cut, and only then.
tui_resize 80 40
long=$(printf 'x%.0s' $(seq 1 120))
keys "NOOP $long" Enter
check_screen "the long token is cut at the width" '^   x{40,} *(│|$)'
screen > "$TMPD/long"
n=$(sed -n '/^C: NOOP/,/^S: /p' "$TMPD/long" | sed 's/│.*//' | tr -cd x | wc -c)
check "every x of the long token is shown" test "$n" -eq 120
check_grep "the command word stays on its row" '^C: NOOP *(│|$)' "$TMPD/long"
keys C-d
check_screen "quits" '^EXIT=0'
tmx kill-server

# Focus: the frame names the transcript in brackets when it has focus, the
# entry prompt is bright only while typing goes there; the sidebar's title
# says which line it explains and that line carries the same mark.
tui_start 100 30
check_screen "focus: title row names the transcript" '^─ Transcript ─'
keys 'EHLO me' Enter
check_screen "focus: EHLO answered" '^S: 250 '
check_screen "explained: the newest reply is marked" '^S: 250-practice\.test.*◀│'
check_screen "explained: the sidebar title names its line" 'Sidebar: line [0-9]+ of [0-9]+ ◀'
check_escreen "focus: the prompt is bold in the entry" '\[([0-9]+;)*1m(.\[[0-9;]*m)*smtp> '
keys Tab
check_screen "focus: Tab brackets the transcript title" '^─\[ Transcript \]─'
escreen | grep 'smtp> ' > "$TMPD/prompt.e"
check_nogrep "focus: the prompt is not bold meanwhile" '\[([0-9]+;)*1m(.\[[0-9;]*m)*smtp> ' "$TMPD/prompt.e"
keys Up Up
check_escreen "explained: the mark follows the selection" '\[[0-9;]*7m[^│]*◀'
screen > "$TMPD/focus"
k=$(sed -n 's/.*│ line \([0-9]*\) of [0-9]*.*/\1/p' "$TMPD/focus" | head -1)
check_grep "explained: title and sidebar agree" "Sidebar: line $k of" "$TMPD/focus"
check "explained: exactly one line is marked" test "$(grep -c '◀│' "$TMPD/focus")" -eq 1
keys Tab
check_screen "focus: Tab again unbrackets it" '^─ Transcript ─'
keys F2
check "sidebar hidden: no mark" wait_gone '◀'
keys F2 C-d
check_screen "focus: quits" '^EXIT=0'
tmx kill-server

# Narrow: the sidebar's title sits in the rule above it.
tui_start 61 24
keys 'EHLO me' Enter
check_screen "narrow: the rule names the sidebar" '^─ Sidebar: line [0-9]+ of [0-9]+ ◀ ─'
check_screen "narrow: the explained line is marked" '◀$'
keys C-d
tmx kill-server

# NO_COLOR: a warning is bold and underlined, never reverse video, which is
# the selection's style.
TUI_ENV="NO_COLOR=1"
tui_start 100 30
check_screen "NO_COLOR: greeting" '^S: 220 '
keys 'RCPT TO:<demo@localhost>' Enter
check_screen "NO_COLOR: a protocol warning" '^# warning: RCPT before'
escreen | grep '# warning: RCPT' > "$TMPD/warn.e"
check_grep "NO_COLOR: the warning stands out" '\[1;4m# warning' "$TMPD/warn.e"
check_nogrep "NO_COLOR: the warning is not in reverse video" '\[([0-9]+;)*7m' "$TMPD/warn.e"
keys Tab
check_escreen "NO_COLOR: the selection is" '\[([0-9]+;)*7m(.\[[0-9;]*m)*[SC#]'
keys C-d
tmx kill-server

# Themes in 8 colours, and without colour.
for th in dark light high-contrast; do
	TUI_ENV="TERM=screen"
	tui_start 100 30 --theme "$th"
	check_screen "$th: greeting" '^S: 220 '
	keys 'EHLO me' Enter 'BOGUS' Enter
	check_screen "$th: 5xx" '^S: 5[0-9][0-9] '
	escreen > "$TMPD/$th.e"
	check_grep "$th: 250 lines green" '\[([0-9]+;)*32(;[0-9]+)*m(.\[[0-9;]*m)*S: 250' "$TMPD/$th.e"
	check_grep "$th: 5xx lines red" '\[([0-9]+;)*31(;[0-9]+)*m(.\[[0-9;]*m)*S: 5' "$TMPD/$th.e"
	check_nogrep "$th: no 256-colour escapes" '\[38;5;' "$TMPD/$th.e"
	keys C-d
	tmx kill-server
	TUI_ENV="NO_COLOR=1"
	tui_start 100 30 --theme "$th"
	check_screen "$th, NO_COLOR: greeting" '^S: 220 '
	keys 'EHLO me' Enter
	check_screen "$th, NO_COLOR: EHLO" '^S: 250 '
	escreen > "$TMPD/$th.m"
	check_nogrep "$th, NO_COLOR: no colour" '\[([0-9]+;)*(3[0-7]|4[0-7])(;[0-9]+)*m' "$TMPD/$th.m"
	check_grep "$th, NO_COLOR: client lines bold" '\[1m(.\[[0-9;]*m)*C: EHLO' "$TMPD/$th.m"
	keys C-d
	tmx kill-server
done
check_nogrep "light: yellow never as text colour" '\[([0-9]+;)*33m' "$TMPD/light.e"
check_grep "light: status bar white on blue" '\[([0-9]+;)*(37;44|44;37)m|\[37m.\[44m|\[44m.\[37m' "$TMPD/light.e"
check_grep "high-contrast: text on black" '\[([0-9]+;)*40(;[0-9]+)*m' "$TMPD/high-contrast.e"
check_nogrep "high-contrast: never the terminal's background" '\[([0-9]+;)*49(;[0-9]+)*m' "$TMPD/high-contrast.e"
check_nogrep "high-contrast, NO_COLOR: nothing dimmed" '\[([0-9]+;)*2(;[0-9]+)*m' "$TMPD/high-contrast.m"
check_grep "dark, NO_COLOR: notes dimmed" '\[([0-9]+;)*2(;[0-9]+)*m' "$TMPD/dark.m"
TUI_ENV=""

# The status bar at 80 columns with TLS on keeps the phase and the latency
# (the TLS words give way first); a slow reply shows how long it has waited.
tui_start 80 24
check_screen "status: greeting" '^S: 220 '
keys 'EHLO me' Enter
check_screen "status: EHLO" '^S: 250 '
keys 'STARTTLS' Enter
check_screen "status: TLS up" '^# TLS: '
keys 'EHLO me' Enter 'AUTH PLAIN AGRlbW8AZGVtbw==' Enter
check_screen "status: authenticated" '^S: 235 '
check_screen "status: TLS, phase and latency at 80 columns" '^ 127\.0\.0\.1:[0-9]+ +TLS ?1\.[23][^ ]* .*phase: [A-Z]+ .*[0-9.]+ ms'
keys 'MAIL FROM:<a@example.com>' Enter 'RCPT TO:<slow@localhost>' Enter
check_screen "status: a slow reply counts its wait" 'waiting [0-9]+\.[0-9] s of 30 s' 3
check_screen "status: the count moves on" 'waiting [1-9]\.[0-9] s of 30 s' 4
check_screen "status: the slow reply comes" 'Recipient <slow@localhost> OK' 6
check "status: no longer waiting" wait_gone 'waiting [0-9]' 3
# :explain in the hint bar: the heading without its markdown marker.
keys ':explain 550' Enter
check_screen ":explain: the heading in the hint bar" '^ 550 Mailbox unavailable'
screen | tail -n 1 > "$TMPD/hint"
check_nogrep ":explain: no markdown markers in the hint bar" '##' "$TMPD/hint"
keys Escape C-d
tmx kill-server

# Replay: the counter counts the file's lines, not the warnings the reader
# adds; F3 on a file without times says so instead of showing +0.000s.
printf '%s\n' '220 mx.example ESMTP' 'RCPT TO:<a@example.com>' \
    '503 5.5.1 Error: need MAIL command' 'QUIT' '221 2.0.0 Bye' > "$TMPD/paste.txt"
tui_start 100 30 --replay "$TMPD/paste.txt"
check_screen "replay: opens" 'line 1/5 '
keys End
check_screen "replay: End is the file's last line" 'line 5/5 '
check_screen "replay: the reader's warning is shown" '^# warning: RCPT'
keys F3
check_screen "replay: F3 says there are no times" 'no times'
check "replay: no +0.000s anywhere" wait_gone '\[\+0\.000s\]' 2
keys C-d
tmx kill-server
check_run "an unknown theme is a usage error" 2 "$SMTPSCOPE" --theme neon --version
done_testing
