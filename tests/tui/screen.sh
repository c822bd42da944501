#!/bin/sh
# The screen as a tool (issue 17): wrapping keeps words and tokens whole at
# 100, 80 and 61 columns and indents continuations exactly under the text.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

# unwrap FILE: the transcript pane's text with wrapped rows joined again
# (a continuation row starts with spaces; the gutter mark is dropped).
unwrap() {
	awk '
	/^─/ { exit }			# narrow: the sidebar starts here
	NR == 1 { next }		# status bar
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
	/^─/ { exit }
	NR == 1 { next }
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
check_screen "the long token is cut at the width" '^   x{40,}$'
screen > "$TMPD/long"
n=$(sed -n '/^C: NOOP/,/^S: /p' "$TMPD/long" | sed 's/│.*//' | tr -cd x | wc -c)
check "every x of the long token is shown" test "$n" -eq 120
check_grep "the command word stays on its row" '^C: NOOP *(│|$)' "$TMPD/long"
keys C-d
check_screen "quits" '^EXIT=0'
tmx kill-server
done_testing
