#!/bin/sh
# bdat.sh: after BDAT N the next N octets typed are the chunk, counted,
# with no dot-stuffing (RFC 3030 2): the reply is awaited only after it,
# a chunk may span lines, and what a line has beyond the count is not sent
# but said.  Against the built-in practice server.
. "$top_srcdir/tests/lib.sh"
[ -x "$SMTPSCOPE" ] || skip_all "no smtpscope binary at $SMTPSCOPE"

cat >"$TMPD/one.scr" <<'EOF2'
EHLO me
MAIL FROM:<a@example.com>
RCPT TO:<demo@localhost>
BDAT 7 LAST
Hello
:expect 250
MAIL FROM:<a@example.com>
RCPT TO:<demo@localhost>
BDAT 15
.Hello
World
BDAT 3 LAST
abcdef
:expect 250
:inbox 2
QUIT
EOF2
check_run "BDAT chunks counted: the run works" 0 timeout 20 "$SMTPSCOPE" --script "$TMPD/one.scr"
check_grep "the chunk is announced" '^# BDAT: the next 7 octets you type are the chunk' "$TMPD/out"
check_grep "a 7-octet message accepted" '^S: 250 2\.6\.0 Message accepted' "$TMPD/out"
check_grep "no dot-stuffing inside a chunk" '^C: \.Hello$' "$TMPD/out"
check_grep "octets left are said" 'BDAT: 7 octets of the chunk still to send' "$TMPD/out"
check_grep "beyond the count: said, not sent" 'the last 5 octets of this line \(text and line end\) were not sent' "$TMPD/out"
check_grep "the message from two chunks is stored" '^# .*\.HelloWorld|\.Hello' "$TMPD/out"

# :bdat FILE [CHUNK]: a file in counted chunks, the last with LAST, each
# reply awaited; the octets go as they are (a lone dot is no end here).
printf 'Subject: chunked\r\n\r\nline one\r\n.\r\nline three\r\n' >"$TMPD/msg.eml"
cat >"$TMPD/file.scr" <<EOF2
EHLO me
MAIL FROM:<a@example.com>
RCPT TO:<demo@localhost>
:bdat $TMPD/msg.eml 16
:expect 250
:inbox 1
QUIT
EOF2
check_run ":bdat FILE 16: the run works" 0 timeout 20 "$SMTPSCOPE" --script "$TMPD/file.scr"
check_grep ":bdat: chunks of 16" '^C: BDAT 16$' "$TMPD/out"
check_grep ":bdat: the last chunk" '^C: BDAT 13 LAST$' "$TMPD/out"
check_grep ":bdat: each chunk said" '^# chunk 3: octets 33 to 45 .*the last' "$TMPD/out"
check_grep ":bdat: the message stored whole, lone dot kept" '^# \.$' "$TMPD/out"
check_grep ":bdat: the last line stored" '^# line three$' "$TMPD/out"
printf ':bdat %s 0\n' "$TMPD/msg.eml" >"$TMPD/bad.scr"
check_run ":bdat with CHUNK 0: refused before sending (exit 2)" 2 "$SMTPSCOPE" --script "$TMPD/bad.scr"
printf ':bdat %s/none\n' "$TMPD" >"$TMPD/bad.scr"
check_run ":bdat with a missing file: exit 2" 2 "$SMTPSCOPE" --script "$TMPD/bad.scr"
done_testing
