#!/bin/sh
# --profile in the UI: the profile's URL is dialled, its user and its
# password-command log in with :auth (no prompt), the password never shows,
# and the settings above the profiles in the same file still count.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"

practice_start || { not_ok "practice server starts"; done_testing; }
mkdir -p "$XDG_CONFIG_HOME/smtpscope"
cat >"$XDG_CONFIG_HOME/smtpscope/config" <<CONF
sidebar = off

[profile class]
url = smtp://127.0.0.1:$PRACTICE_PORT
user = demo
password-command = printf demo
insecure = yes
CONF
chmod 600 "$XDG_CONFIG_HOME/smtpscope/config"

tui_start 120 30 --profile class
check_screen "the profile's server greets" '^S: 220 '
check_screen "the status bar names it" "127\\.0\\.0\\.1:$PRACTICE_PORT"
keys 'EHLO me' Enter
check_screen "EHLO answered" '^S: 250 '
keys 'STARTTLS' Enter
check_screen "TLS is up" '^# TLS'
keys 'EHLO me' Enter
# The second EHLO reply ends before :auth goes.
two_ehlo() { [ "$(screen | grep -c '^S: 250 HELP')" -ge 2 ]; }
check "EHLO answered again over TLS" wait_for 10 two_ehlo
keys ':auth plain' Enter
check_screen "the profile's password logs in" '^S: 235 '
screen >"$TMPD/auth.txt"
check_nogrep "no password prompt" 'Password for' "$TMPD/auth.txt"
check_nogrep "AUTH PLAIN masked" 'AGRlbW8AZGVtbw' "$TMPD/auth.txt"
check_nogrep "the sidebar setting held (no sidebar)" '│' "$TMPD/auth.txt"
keys ':quit' Enter
check_screen "quits" '^EXIT=0'

done_testing
