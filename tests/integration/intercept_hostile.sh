#!/bin/sh
# --intercept against hostile clients, with the practice server upstream:
# a TLS handshake that never completes, a flood of garbage, a line without
# end, an idle client, more clients than the cap.  Each ends its own
# session only: a good client before and after still gets through, and
# the interceptor keeps running until SIGTERM.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

XDG_DATA_HOME=$TMPD/data; export XDG_DATA_HOME
CA=$XDG_DATA_HOME/smtpscope/intercept-ca.pem
CL="$top_srcdir/tests/integration/intercept_client.py"

start_practice || { not_ok "practice server came up"; done_testing; }

# icpt NAME ARGS...: an interceptor in the background (stopped at exit);
# sets IPORT and IPID.
IPIDS=""
stop_icpt() { for p in $IPIDS; do kill "$p" 2>/dev/null; done; }
on_exit stop_icpt
icpt() {
	_in=$1; shift
	"$SMTPSCOPE" --intercept "$@" >"$TMPD/$_in.out" 2>"$TMPD/$_in.err" &
	IPID=$!
	IPIDS="$IPIDS $IPID"
	wait_for 20 grep -q '^intercepting on' "$TMPD/$_in.out" || return 1
	IPORT=$(sed -n 's/^intercepting on [a-z:/]*127\.0\.0\.1:\([0-9]*\),.*/\1/p' \
	    "$TMPD/$_in.out")
}

UP=smtp://127.0.0.1:$PRACTICE_PORT

# One interceptor takes them all, the hostile ones at the same time.
icpt main 127.0.0.1:0 --timeout 2 --intercept-idle 3 "$UP" ||
    { not_ok "interceptor came up"; done_testing; }
check "a good client first" python3 "$CL" good "$IPORT"
python3 "$CL" stall-tls "$IPORT" >"$TMPD/stall0.out" 2>&1 &
p1=$!
python3 "$CL" flood "$IPORT" >"$TMPD/flood.out" 2>&1 &
p2=$!
python3 "$CL" longline "$IPORT" >"$TMPD/long.out" 2>&1 &
p3=$!
python3 "$CL" idle "$IPORT" >"$TMPD/idle.out" 2>&1 &
p4=$!
check "a good client while they run" python3 "$CL" good "$IPORT"
wait $p1 $p2 $p3 $p4
check_grep "flood: the client's own session ends" 'flood: last: ' \
    "$TMPD/flood.out"
check_grep "long line: the limit is named to the client" \
    'longline: last: 421 .*over 8192 octets' "$TMPD/long.out"
check_grep "long line: and in the transcript" 'over 8192 octets: limit hit' \
    "$TMPD/main.out"
check_grep "idle: the client is told" 'idle: last: 421 .*idle' \
    "$TMPD/idle.out"
check "a good client after them" python3 "$CL" good "$IPORT"
check "the interceptor still runs" kill -0 "$IPID"
check_grep "sessions are numbered" '^\[[4-9]\] ' "$TMPD/main.out"

# Implicit TLS: a client that never says ClientHello is dropped after
# --timeout; others are served meanwhile.
icpt tls smtps://127.0.0.1:0 --timeout 2 --insecure "$UP" ||
    { not_ok "TLS interceptor came up"; done_testing; }
python3 "$CL" stall-tls "$IPORT" >"$TMPD/stall.out" 2>&1 &
p1=$!
check "a good TLS client while one stalls" python3 "$CL" good-tls "$IPORT" "$CA"
wait $p1
check_grep "stalled handshake: ended" 'stall-tls: closed' "$TMPD/stall.out"
check_grep "stalled handshake: the transcript says so" \
    'TLS handshake did not complete in 2 s' "$TMPD/tls.out"

# Downgrade: the client's leg is TLS, the upstream offers no STARTTLS:
# AUTH is refused by the relay (538) and never reaches the upstream.
rm -f "$TMPD/auth.port"
python3 "$top_srcdir/tests/integration/auth_server.py" twice "$TMPD/auth.port" &
APID=$!
stop_auth() { kill "$APID" 2>/dev/null; }
on_exit stop_auth
wait_for 10 test -s "$TMPD/auth.port"
icpt down smtps://127.0.0.1:0 --timeout 5 \
    "smtp://127.0.0.1:$(cat "$TMPD/auth.port")" ||
    { not_ok "downgrade interceptor came up"; done_testing; }
python3 "$CL" auth-tls "$IPORT" "$CA" >"$TMPD/auth.out" 2>&1
check_grep "downgrade: the client gets 538 from the relay" \
    '^auth: 538 5\.7\.11 smtpscope' "$TMPD/auth.out"
check_grep "downgrade: the transcript warns that the upstream stays clear" \
    "leg stays plaintext although the client's leg is TLS" "$TMPD/down.out"
check_grep "downgrade: and why AUTH was not relayed" 'AUTH not relayed' \
    "$TMPD/down.out"
check_nogrep "downgrade: the upstream never saw AUTH" '^AUTH' \
    "$TMPD/auth.port.log"
check_nogrep "downgrade: the credentials are masked" 'AHVzZXIAc2VjcmV0' \
    "$TMPD/down.out"

# HELO on a TLS client leg: the upstream cannot be upgraded; said.
python3 -c 'import smtplib, ssl, sys
c = ssl.create_default_context(cafile=sys.argv[2])
s = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), timeout=10, context=c)
s.helo("old.test")
s.quit()' "$IPORT" "$CA" >"$TMPD/helo.cl" 2>&1
check_grep "HELO on TLS: the plaintext upstream leg is named" \
    'client said HELO, so the upstream leg cannot be upgraded' \
    "$TMPD/down.out"

# Mirrored: an upstream without STARTTLS gets a client that is not offered
# it either.
icpt mirror 127.0.0.1:0 --timeout 5 "smtp://127.0.0.1:$(cat "$TMPD/auth.port")" ||
    { not_ok "mirror interceptor came up"; done_testing; }
python3 -c 'import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.ehlo("mirror.test")
print("starttls offered" if s.has_extn("starttls") else "no starttls")
s.quit()' "$IPORT" >"$TMPD/mirror.cl" 2>&1
check_grep "mirror: no STARTTLS offered when the upstream has none" \
    '^no starttls' "$TMPD/mirror.cl"

# Masked by position, not by what a challenge says: the server asks
# "Username:" twice, and the second answer (where LOGIN puts the password)
# is masked all the same.
python3 -c 'import base64, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
def reply():
    while True:
        l = f.readline()
        if len(l) < 4 or l[3:4] != b"-":
            return l
reply()
for line in (b"EHLO pos.test", b"AUTH LOGIN", base64.b64encode(b"alice"),
             base64.b64encode(b"hunter2pw"), base64.b64encode(b"hunter2pw"),
             b"QUIT"):
    s.sendall(line + b"\r\n")
    print(reply().decode().strip())' "$IPORT" >"$TMPD/pos.cl" 2>&1
check_grep "position: the exchange went through" '^235 ' "$TMPD/pos.cl"
check_grep "position: the user name is decoded" "C: YWxpY2U=  \(user 'alice'\)" \
    "$TMPD/mirror.out"
n=$(grep -c '^\[[0-9]*\] C: \*\*\*\*\*\*\*\*$' "$TMPD/mirror.out")
check "position: both later answers masked (a repeated Username: too)" \
    [ "$n" -eq 2 ]
check_nogrep "position: the password appears in no form" \
    'hunter2pw|aHVudGVyMnB3' "$TMPD/mirror.out"

# Clients that do not wait: AUTH answers sent with the AUTH (before any
# 334), an answer cut by a close, MAIL/RCPT/DATA in one packet, and BDAT
# though CHUNKING was never offered.
icpt fast 127.0.0.1:0 --timeout 5 "$UP" ||
    { not_ok "fast interceptor came up"; done_testing; }
cat >"$TMPD/fast.py" <<'PYEOF'
import base64, socket, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=10)
f = s.makefile("rb")
def reply():
    while True:
        l = f.readline()
        if len(l) < 4 or l[3:4] != b"-":
            return l.decode().strip()
reply()
s.sendall(b"EHLO fast.test\r\n")
reply()
if mode == "auth":
    s.sendall(b"AUTH LOGIN\r\n" + base64.b64encode(b"demo") + b"\r\n" +
              base64.b64encode(b"demo") + b"\r\n")
    for i in range(3):
        print(reply())
    s.sendall(b"MAIL FROM:<a@b.test>\r\nRCPT TO:<you@practice.test>\r\n"
              b"DATA\r\n")
    for i in range(3):
        print(reply())
    s.sendall(b"Subject: fast\r\n\r\nhi\r\n.\r\nQUIT\r\n")
    print(reply())
    print(reply())
elif mode == "cut":
    s.sendall(b"AUTH LOGIN\r\n")
    reply()
    s.sendall(base64.b64encode(b"demo") + b"\r\n")
    reply()
    s.sendall(base64.b64encode(b"cutsecretpw"))
    time.sleep(0.5)
elif mode == "loginir":
    s.sendall(b"AUTH LOGIN " + base64.b64encode(b"demo") + b"\r\n")
    reply()
    s.sendall(base64.b64encode(b"demo") + b"\r\n")
    print(reply())
    s.sendall(b"QUIT\r\n")
    print(reply())
elif mode == "pdata":
    s.sendall(b"MAIL FROM:<a@b.test>\r\nRCPT TO:<you@practice.test>\r\n"
              b"DATA\r\nSubject: p\r\n\r\nQUIT\r\n.\r\nQUIT\r\n")
    for i in range(5):
        print(reply())
elif mode == "nouser":
    s.sendall(b"MAIL FROM:<a@b.test>\r\n")
    reply()
    s.sendall(b"RCPT TO:<nouser@localhost>\r\n")
    print(reply())
    s.sendall(b"QUIT\r\n")
    print(reply())
elif mode == "shutdown":
    s.sendall(b"MAIL FROM:<a@b.test>\r\n")
    reply()
    s.sendall(b"RCPT TO:<shutdown@localhost>\r\n")
    print(s.makefile("rb").read().decode(), end="")
elif mode == "manyrcpt":
    n = 700
    s.sendall(b"MAIL FROM:<a@b.test>\r\n" + b"".join(
        b"RCPT TO:<u%d@practice.test>\r\n" % i for i in range(n)))
    got = [reply() for i in range(n + 1)]
    print("replies: %d" % len(got))
    s.sendall(b"QUIT\r\n")
    print(reply())
elif mode == "bdat":
    s.sendall(b"MAIL FROM:<a@b.test>\r\n")
    reply()
    s.sendall(b"RCPT TO:<you@practice.test>\r\n")
    reply()
    body = b"Subject: chunk\r\n\r\nRSET\r\n"
    s.sendall(b"BDAT %d LAST\r\n" % len(body) + body)
    print(reply())
PYEOF
python3 "$TMPD/fast.py" auth "$IPORT" >"$TMPD/fast-auth.cl" 2>&1
check_grep "early AUTH answers: the exchange went through" '^235 ' \
    "$TMPD/fast-auth.cl"
check_grep "early AUTH answers: QUIT answered 221" '^221 ' "$TMPD/fast-auth.cl"
check_grep "early AUTH answers: the user decoded" \
    "C: ZGVtbw==  \(user 'demo'\)" "$TMPD/fast.out"
check_grep "early AUTH answers: the password masked" \
    '^\[1\] C: \*\*\*\*\*\*\*\*$' "$TMPD/fast.out"
check_grep "early AUTH answers: QUIT is a command again" '^\[1\] C: QUIT$' \
    "$TMPD/fast.out"
check_grep "pipelined MAIL/RCPT/DATA: relayed" '^\[1\] S: 354' "$TMPD/fast.out"
check_nogrep "pipelined MAIL/RCPT/DATA: no warning of a missing MAIL or RCPT" \
    'RCPT before an accepted MAIL|DATA with no accepted recipient' \
    "$TMPD/fast.out"
check_nogrep "early AUTH answers: no 421 after the 221" \
    '^\[1\] .*421 4\.4\.2' "$TMPD/fast.out"
python3 "$TMPD/fast.py" cut "$IPORT" >/dev/null 2>&1
wait_for 10 grep -q '^\[2\] # relay: session ended' "$TMPD/fast.out"
check_grep "AUTH answer cut by a close: noted" \
    '^\[2\] # relay: the client closed in the middle' "$TMPD/fast.out"
check_nogrep "AUTH answer cut by a close: the secret is masked" \
    "$(printf cutsecretpw | base64)" "$TMPD/fast.out"
python3 "$TMPD/fast.py" loginir "$IPORT" >"$TMPD/fast-ir.cl" 2>&1
check_grep "AUTH LOGIN with the user at once: accepted" '^235 ' \
    "$TMPD/fast-ir.cl"
check_grep "AUTH LOGIN with the user at once: the command shown, user decoded" \
    "^\\[3\\] C: AUTH LOGIN ZGVtbw==  \\(user 'demo'\\)" "$TMPD/fast.out"
check_grep "AUTH LOGIN with the user at once: the password masked" \
    '^\[3\] C: \*\*\*\*\*\*\*\*$' "$TMPD/fast.out"
python3 "$TMPD/fast.py" bdat "$IPORT" >"$TMPD/fast-bdat.cl" 2>&1
check_grep "BDAT without CHUNKING: the client gets 421" \
    '^421 4\.4\.2 smtpscope: BDAT' "$TMPD/fast-bdat.cl"
wait_for 10 grep -q '^\[4\] # relay: session ended' "$TMPD/fast.out"
check_nogrep "BDAT without CHUNKING: its chunk is not taken for commands" \
    '^\[4\] C: RSET' "$TMPD/fast.out"
check_grep "BDAT without CHUNKING: said why" \
    'sent BDAT though the relay did not offer CHUNKING' "$TMPD/fast.out"
python3 "$TMPD/fast.py" pdata "$IPORT" >"$TMPD/fast-pdata.cl" 2>&1
check_grep "content sent with DATA before its 354: delivered" '^250 2\.6\.0' \
    "$TMPD/fast-pdata.cl"
wait_for 10 grep -q '^\[5\] # relay: session ended' "$TMPD/fast.out"
sed -n '/^\[5\] S: 354/,$p' "$TMPD/fast.out" >"$TMPD/fast-pdata.after"
check_grep "content sent with DATA before its 354: shown as content after it" \
    '^\[5\] C: Subject: p' "$TMPD/fast-pdata.after"
check_nogrep "content sent with DATA before its 354: its QUIT line is content" \
    '^\[5\] # warning: A command after QUIT' "$TMPD/fast.out"
python3 "$TMPD/fast.py" nouser "$IPORT" >"$TMPD/fast-nouser.cl" 2>&1
wait_for 10 grep -q '^\[6\] # relay: session ended' "$TMPD/fast.out"
check_grep "a refused RCPT is diagnosed as by hand" \
    '^\[6\] # diagnosis: The server checked this recipient' "$TMPD/fast.out"
python3 "$TMPD/fast.py" shutdown "$IPORT" >"$TMPD/fast-421.cl" 2>&1
check_grep "the upstream's 421 reaches the client" '^421 4\.3\.2' \
    "$TMPD/fast-421.cl"
check_nogrep "and no second 421 of the relay's after it" 'smtpscope:' \
    "$TMPD/fast-421.cl"
wait_for 10 grep -q '^\[7\] # relay: session ended' "$TMPD/fast.out"
check_grep "the upstream's 421 is named as its end" \
    '^\[7\] # relay: session ended: the upstream closed after its 421' \
    "$TMPD/fast.out"
python3 "$TMPD/fast.py" manyrcpt "$IPORT" >"$TMPD/fast-many.cl" 2>&1
check_grep "700 RCPTs in one packet: every one answered" '^replies: 701$' \
    "$TMPD/fast-many.cl"
check_grep "700 RCPTs in one packet: the session goes on to QUIT" '^221 ' \
    "$TMPD/fast-many.cl"
check_nogrep "700 RCPTs in one packet: no limit hit" \
    'commands wait for their replies' "$TMPD/fast.out"

# Output to a reader that goes away (| head): the interceptor stops.
mkfifo "$TMPD/head.fifo"
head -1 <"$TMPD/head.fifo" >"$TMPD/head.out" &
"$SMTPSCOPE" --intercept 127.0.0.1:0 "$UP" >"$TMPD/head.fifo" 2>/dev/null &
p1=$!
wait_for 10 grep -q '^intercepting on' "$TMPD/head.out"
HPORT=$(sed -n 's/^intercepting on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' \
    "$TMPD/head.out")
python3 "$CL" good "$HPORT" >/dev/null 2>&1
if wait_for 10 sh -c "! kill -0 $p1 2>/dev/null"; then
	ok "nobody reads the output any more: it stops"
else
	not_ok "nobody reads the output any more: it stops"
	kill "$p1"
fi
wait "$p1"

# The reply to the final dot may take long (a content filter): the relay
# waits for it past --timeout and --intercept-idle, as the application
# would (RFC 5321 4.5.3.2.6), instead of a 421 that makes it send the
# message twice.
rm -f "$TMPD/slow.port"
python3 "$top_srcdir/tests/integration/auth_server.py" slowdot \
    "$TMPD/slow.port" &
SPID=$!
stop_slow() { kill "$SPID" 2>/dev/null; }
on_exit stop_slow
wait_for 10 test -s "$TMPD/slow.port"
icpt slow 127.0.0.1:0 --timeout 1 --intercept-idle 2 \
    "smtp://127.0.0.1:$(cat "$TMPD/slow.port")" ||
    { not_ok "slow interceptor came up"; done_testing; }
python3 -c 'import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
print(s.sendmail("a@b.test", ["c@d.test"], "Subject: slow\r\n\r\nhi\r\n"))
print(s.quit()[0])' "$IPORT" >"$TMPD/slow.cl" 2>&1
check_grep "a slow reply to the final dot: waited for, past --timeout" \
    '^\{\}$' "$TMPD/slow.cl"
check_grep "and the client's QUIT after it is not taken for idling" \
    '^221$' "$TMPD/slow.cl"
stop_slow

# Loopback unless asked: an address that is not loopback is taken, with a
# warning (the interceptor is stopped as soon as it has said so).
icpt lo '[::1]:0' "$UP" || true
check_nogrep "[::1]: no warning about other hosts" 'not a loopback' \
    "$TMPD/lo.err"
"$SMTPSCOPE" --intercept 0.0.0.0:0 "$UP" >"$TMPD/any.out" 2>"$TMPD/any.err" &
p1=$!
wait_for 10 grep -q 'not a loopback' "$TMPD/any.err"
kill "$p1"
wait "$p1"
check_grep "0.0.0.0: other hosts can connect, said" \
    '^smtpscope: warning: 0\.0\.0\.0:[0-9]* is not a loopback address' \
    "$TMPD/any.err"
check_nogrep "127.0.0.1: no warning" 'not a loopback' "$TMPD/main.err"

# The session cap: past it, a 421 at once and a note in the next session.
icpt cap 127.0.0.1:0 --intercept-max-sessions 1 --intercept-idle 2 "$UP" ||
    { not_ok "capped interceptor came up"; done_testing; }
python3 "$CL" idle "$IPORT" >"$TMPD/hold.out" 2>&1 &
p1=$!
wait_for 10 grep -q '^\[1\] S: 220' "$TMPD/cap.out"
python3 "$CL" idle "$IPORT" >"$TMPD/over.out" 2>&1
check_grep "over the cap: 421 at once" 'idle: last: 421 4\.7\.0 .*too many' \
    "$TMPD/over.out"
wait $p1
check "under the cap again: served" python3 "$CL" good "$IPORT"
check_grep "the refusal is noted" 'clients were refused \(421\)' \
    "$TMPD/cap.out"

# SIGTERM ends the interceptors cleanly.
for p in $IPIDS; do
	kill -TERM "$p"
	wait "$p"
	check "SIGTERM: exit 0" [ $? -eq 0 ]
done
IPIDS=""
cat "$TMPD"/*.err >"$TMPD/all-err"
check_nogrep "no sanitizer reports" 'Sanitizer|runtime error' "$TMPD/all-err"

done_testing
