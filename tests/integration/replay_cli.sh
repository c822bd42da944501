#!/bin/sh
# The command line of --replay, --export-html and --step: conversion with
# no terminal, exit codes for bad files and bad combinations, secrets kept
# masked unless --show-secrets; :export from a script; a script's message
# keeps its blank and '#' lines.
. "$top_srcdir/tests/lib.sh"

start_practice --maildir "$TMPD/mail" || { not_ok "practice server started"; done_testing; }
mkdir -p "$TMPD/mail"
ok "practice server started"

cat >"$TMPD/s.txt" <<EOF
EHLO me
:auth plain demo
:expect 235
MAIL FROM:<a@example.com>
RCPT TO:<demo@localhost>
DATA
Subject: blank line test

# not a comment inside a message
body
.
:expect 250
:export $TMPD/script.html
QUIT
EOF
check_run "script session with --log and --show-secrets" 0 env PW=demo \
    "$SMTPSCOPE" --password-env PW --show-secrets --log "$TMPD/open.txt" \
    --allow-plaintext --script "$TMPD/s.txt" 127.0.0.1 "$PRACTICE_PORT"
check_grep "the log holds the AUTH PLAIN secret" 'AGRlbW8AZGVtbw==' "$TMPD/open.txt"
check_grep ":export from a script wrote a page" '<!DOCTYPE html>' "$TMPD/script.html"
check_grep "script page shows secrets with --show-secrets" 'AGRlbW8AZGVtbw==' "$TMPD/script.html"

# The message kept its header/body separator and its '#' line.
eml=$(ls "$TMPD/mail"/*.eml 2>/dev/null | head -1)
check "the message was stored" test -n "$eml"
if [ -n "$eml" ]; then
	tr -d '\r' <"$eml" >"$TMPD/msg.txt"
	check_grep "blank line between header and body kept" '^$' "$TMPD/msg.txt"
	check_grep "'#' line inside the message kept" '^# not a comment' "$TMPD/msg.txt"
else
	not_ok "blank line between header and body kept"
	not_ok "'#' line inside the message kept"
fi

# Convert with no terminal at all: stdin and stdout are not ttys.
check_run "--replay --export-html needs no terminal" 0 "$SMTPSCOPE" \
    --replay "$TMPD/open.txt" --export-html "$TMPD/masked.html"
check_grep "page written" '</html>' "$TMPD/masked.html"
check_grep "page has the replies" '235 2\.7\.0' "$TMPD/masked.html"
check_nogrep "secret masked without --show-secrets" 'AGRlbW8AZGVtbw==' "$TMPD/masked.html"
check_run "--show-secrets export" 0 "$SMTPSCOPE" --show-secrets \
    --replay "$TMPD/open.txt" --export-html "$TMPD/open.html"
check_grep "secret shown with --show-secrets" 'AGRlbW8AZGVtbw==' "$TMPD/open.html"

# Bad files: exit 2 before any screen, the line named.
printf 'S: 220 ok\nC: EHLO me\n\001\002\003 binary junk\n' >"$TMPD/bad.txt"
check_run "binary junk exits 2" 2 "$SMTPSCOPE" --replay "$TMPD/bad.txt"
check_grep "message names the line" 'bad\.txt: line 3' "$TMPD/err"
check_nogrep "no terminal escapes on stdout" '.' "$TMPD/out"
check_run "missing file exits 2" 2 "$SMTPSCOPE" --replay "$TMPD/none.txt"
check_grep "missing file is named" 'none\.txt' "$TMPD/err"
check_run "bad file with --export-html exits 2" 2 "$SMTPSCOPE" \
    --replay "$TMPD/bad.txt" --export-html "$TMPD/x.html"
check "nothing written for a bad file" test ! -e "$TMPD/x.html"

# A good file but no terminal: the UI refuses, and says how to convert.
check_run "--replay without a terminal exits 2" 2 "$SMTPSCOPE" --replay "$TMPD/open.txt"
check_grep "it says why" 'needs a terminal.*--export-html' "$TMPD/err"

# Combinations that make no sense.
check_run "--replay with a target exits 2" 2 "$SMTPSCOPE" --replay "$TMPD/open.txt" 127.0.0.1
check_grep "target named" "takes no target: '127\\.0\\.0\\.1'" "$TMPD/err"
check_run "--replay with --script exits 2" 2 "$SMTPSCOPE" --replay "$TMPD/open.txt" \
    --script "$TMPD/s.txt"
check_run "--export-html without --replay exits 2" 2 "$SMTPSCOPE" --export-html "$TMPD/x.html"
check_run "--step without --script exits 2" 2 "$SMTPSCOPE" --step 127.0.0.1
check_grep "--step names what it needs" '--step goes with --script' "$TMPD/err"
check_run "--step with a script on stdin exits 2" 2 "$SMTPSCOPE" --script - --step 127.0.0.1
check_run "--step with a bad script exits 2" 2 "$SMTPSCOPE" --script "$TMPD/none.txt" \
    --step 127.0.0.1 "$PRACTICE_PORT"
printf 'EHLO me\n:frobnicate\n' >"$TMPD/badcmd.txt"
check_run "--step checks the script first" 2 "$SMTPSCOPE" --script "$TMPD/badcmd.txt" \
    --step 127.0.0.1 "$PRACTICE_PORT"
check_grep "bad line named" 'badcmd\.txt:2: unknown command' "$TMPD/err"
check_run "--step without a terminal exits 2" 2 "$SMTPSCOPE" --script "$TMPD/s.txt" \
    --step 127.0.0.1 "$PRACTICE_PORT"
check_grep "--step says why" 'needs a terminal' "$TMPD/err"
done_testing
