#!/bin/sh
# :send FILE and :msg against the practice server: CRLF normalisation,
# dot-stuffing (undone by the server, so the message arrives as written),
# a file larger than the send buffer (streamed), and protocol warnings the
# session computes (AUTH over plaintext, 8-bit data without 8BITMIME is not
# raised when the server offers it, RCPT before MAIL).
. "$top_srcdir/tests/lib.sh"

start_practice --maildir "$TMPD/mail" || { not_ok "practice server started"; done_testing; }
ok "practice server started"
P=$PRACTICE_PORT

# A message with LF line ends, a leading dot, a lone dot and a CR-only end.
printf 'From: <a@example.com>\nTo: <demo@localhost>\nSubject: dots\n\n.leading dot\n.\nlast line\r\nold mac\rend' >"$TMPD/m1.eml"
cat >"$TMPD/s1.txt" <<EOS
EHLO me
MAIL FROM:<a@example.com>
RCPT TO:<demo@localhost>
:send $TMPD/m1.eml
:expect 250
QUIT
EOS
check_run "send a file with odd line ends" 0 "$SMTPSCOPE" --script "$TMPD/s1.txt" 127.0.0.1 "$P"
cp "$TMPD/out" "$TMPD/s1.out"
check_grep "the session says what it converted" 'lines dot-stuffed' "$TMPD/s1.out"
check_grep "two lines were dot-stuffed" ': 2 lines dot-stuffed' "$TMPD/s1.out"
f=$(ls "$TMPD/mail"/*.eml 2>/dev/null | head -1)
check "the message was stored" test -n "$f"
# The stored file is the message after the server undid the stuffing.
python3 - "$f" <<'PY' && ok "message arrived as written, CRLF everywhere" || not_ok "message arrived as written, CRLF everywhere"
import sys
data = open(sys.argv[1], "rb").read()
body = data[data.index(b"From: <a@example.com>"):]
want = b"From: <a@example.com>\r\nTo: <demo@localhost>\r\nSubject: dots\r\n\r\n.leading dot\r\n.\r\nlast line\r\nold mac\r\nend\r\n"
if body != want:
    print("# got", repr(body)); sys.exit(1)
PY

# A 3 MB file: bigger than the send buffer, so it is streamed in pieces.
python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("Subject: big\n\n")
    for i in range(60000):
        f.write(("." if i % 7 == 0 else "") + "line %06d of the big message, padded to fifty\n" % i)
' "$TMPD/big.eml"
rm -f "$TMPD/mail"/*.eml
cat >"$TMPD/s2.txt" <<EOS
EHLO me
MAIL FROM:<a@example.com>
RCPT TO:<demo@localhost>
:send $TMPD/big.eml
:expect 250
QUIT
EOS
check_run "send a 3 MB file" 0 "$SMTPSCOPE" --script "$TMPD/s2.txt" 127.0.0.1 "$P"
f=$(ls "$TMPD/mail"/*.eml 2>/dev/null | head -1)
python3 - "$f" "$TMPD/big.eml" <<'PY' && ok "3 MB message intact" || not_ok "3 MB message intact"
import sys
got = open(sys.argv[1], "rb").read()
want = open(sys.argv[2], "rb").read().replace(b"\n", b"\r\n")
got = got[got.index(b"Subject: big"):]
if got != want:
    print("# sizes", len(got), len(want)); sys.exit(1)
PY

# A file that is not there: a clear message, exit 2, nothing half sent.
cat >"$TMPD/s3.txt" <<EOS
EHLO me
MAIL FROM:<a@example.com>
RCPT TO:<demo@localhost>
:send $TMPD/nope.eml
EOS
check_run "missing file exits 2" 2 "$SMTPSCOPE" --script "$TMPD/s3.txt" 127.0.0.1 "$P"
check_grep "missing file is named" 'cannot read .*nope.eml' "$TMPD/err"
check_nogrep "missing file: checked before connecting" '^S: 220' "$TMPD/out"

# :msg composes a message with the envelope addresses.
rm -f "$TMPD/mail"/*.eml
printf 'EHLO me\nMAIL FROM:<sender@example.com>\nRCPT TO:<demo@localhost>\n:msg\n:expect 250\nQUIT\n' >"$TMPD/s4.txt"
check_run ":msg sends a message" 0 "$SMTPSCOPE" --script "$TMPD/s4.txt" 127.0.0.1 "$P"
f=$(ls "$TMPD/mail"/*.eml 2>/dev/null | head -1)
check_grep ":msg uses the envelope sender" '^From: <sender@example.com>' "$f"
check_grep ":msg has a Message-ID" '^Message-ID: <' "$f"
check_grep ":msg has a Date" '^Date: ' "$f"

# Warnings computed from the session.
printf 'EHLO me\nRCPT TO:<demo@localhost>\nAUTH PLAIN AGRlbW8AZGVtbw==\nQUIT\n' >"$TMPD/s5.txt"
check_run "a session with mistakes still runs" 0 "$SMTPSCOPE" --script "$TMPD/s5.txt" 127.0.0.1 "$P"
check_grep "RCPT before MAIL is warned about" '^# warning: .*RCPT' "$TMPD/out"
check_grep "AUTH over plaintext is warned about" '^# warning: .*(plaintext|not encrypted|TLS)' "$TMPD/out"
check_nogrep "the AUTH PLAIN secret is masked" 'AGRlbW8AZGVtbw==' "$TMPD/out"
check_grep "the AUTH line shows its masked form" '^C: AUTH PLAIN authzid .*, user .demo., password \*\*\*\*\*\*\*\*' "$TMPD/out"

# 334 challenges are shown decoded, answers with what they encode.
printf 'EHLO me\n:auth login demo\n:expect 235\nQUIT\n' >"$TMPD/s6.txt"
check_run "AUTH LOGIN through the helper" 0 env PW=demo "$SMTPSCOPE" --password-env PW --allow-plaintext --script "$TMPD/s6.txt" 127.0.0.1 "$P"
check_grep "334 shown decoded" '^S: 334 VXNlcm5hbWU6  \(Username:\)' "$TMPD/out"
check_grep "user name shown beside its base64" '^C: ZGVtbw==  \(demo\)' "$TMPD/out"
check_grep "password line masked" '^C: \*\*\*\*\*\*\*\*$' "$TMPD/out"

done_testing
