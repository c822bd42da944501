#!/bin/sh
# :inbox in scripts: with no target the practice server runs in the same
# process and :inbox lists (and :inbox N shows) what it accepted, as
# notes in the script's output; with a target a script holding :inbox is
# refused before anything is sent (exit 2).
. "$top_srcdir/tests/lib.sh"

cat > "$TMPD/inbox.scr" <<'SCR'
:inbox
EHLO me
STARTTLS
:expect 220
EHLO me
:auth plain demo
:expect 235
MAIL FROM:<teacher@example.org>
RCPT TO:<demo@localhost>
DATA
Subject: homework

.a line that began with a dot
# a comment line is content here
.
:expect 250
MAIL FROM:<second@example.org>
RCPT TO:<slow@localhost>
:expect 250
:msg second@example.org slow@localhost "late reply"
:expect 250
:inbox
:inbox 1
QUIT
SCR
PW=demo
export PW
check_run "a script with :inbox and no target runs" 0 \
    "$SMTPSCOPE" --timeout 15 --password-env PW --script "$TMPD/inbox.scr"
check_grep "the empty inbox at the start" '^# 0 messages accepted$' "$TMPD/out"
check_grep "STARTTLS upgraded in process" '^S: 220 ' "$TMPD/out"
check_grep "AUTH succeeded" '^S: 235 ' "$TMPD/out"
check_grep "two messages listed" '^# 2 messages accepted$' "$TMPD/out"
check_grep "the first with envelope and subject" \
    '^# 1\. from <teacher@example\.org> to <demo@localhost>, [0-9]+ octets: homework$' \
    "$TMPD/out"
check_grep "the second (slow@: timers served too)" \
    '^# 2\. from <second@example\.org> to <slow@localhost>, [0-9]+ octets: late reply$' \
    "$TMPD/out"
check_grep ":inbox 1 shows the message" '^# Subject: homework$' "$TMPD/out"
check_grep "dot-stuffing undone" '^# \.a line that began with a dot$' "$TMPD/out"
check_grep "the '#' line was content" '^# # a comment line is content here$' \
    "$TMPD/out"
check_grep "the session ends normally" '^S: 221 ' "$TMPD/out"

# With a target: refused before connecting.
printf 'EHLO me\n:inbox\nQUIT\n' > "$TMPD/target.scr"
check_run "with a target, :inbox is a usage error" 2 \
    "$SMTPSCOPE" --timeout 5 --script "$TMPD/target.scr" 127.0.0.1 1
check_grep "it says why, with the line" \
    'target\.scr:2: :inbox only works on the built-in practice server' "$TMPD/err"
check_nogrep "nothing was sent" '^C: ' "$TMPD/out"
check_nogrep "no connection was tried" 'connect' "$TMPD/out"

printf ':inbox 0\n' > "$TMPD/bad.scr"
check_run ":inbox 0 is a usage error" 2 "$SMTPSCOPE" --script "$TMPD/bad.scr"
check_grep "with its usage" 'usage: :inbox \[N\]' "$TMPD/err"

# :quit inside a message says the message was not sent.
printf 'EHLO me\nMAIL FROM:<a@b.example>\nRCPT TO:<demo@localhost>\nDATA\nSubject: x\n:quit\n' \
    > "$TMPD/quit.scr"
check_run ":quit in a message ends the script" 0 \
    "$SMTPSCOPE" --timeout 15 --script "$TMPD/quit.scr"
check_grep "and says the message was discarded" \
    ':quit with the message not ended: it was not sent' "$TMPD/out"
done_testing
