#!/bin/sh
# The practice server (--serve) driven by script mode: every command, the
# order and syntax errors, each teaching scenario, STARTTLS, implicit TLS,
# each AUTH mechanism, pipelining and BDAT (with a small python3 client).
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

"$SMTPSCOPE" --serve 127.0.0.1:0 --serve-smtps 127.0.0.1:0 \
    --maildir "$TMPD/mail" >"$TMPD/serve.out" 2>"$TMPD/serve.err" &
SRV=$!
stop_server() { kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; }
on_exit stop_server

if ! wait_for 20 grep -q 'implicit TLS' "$TMPD/serve.out"; then
	not_ok "server started"
	sed 's/^/# /' "$TMPD/serve.out" "$TMPD/serve.err"
	done_testing
fi
ok "server started"
PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMPD/serve.out")
TPORT=$(sed -n 's/^listening (implicit TLS) on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
    "$TMPD/serve.out")
check "plain port printed" test -n "$PORT"
check "implicit TLS port printed" test -n "$TPORT"

# sc NAME WANT_EXIT [ARGS...] < script: run it, check the exit status.
sc() {
	_n=$1; _w=$2; shift 2
	cat >"$TMPD/$_n.scr"
	"$SMTPSCOPE" --timeout 15 --script "$TMPD/$_n.scr" "$@" \
	    >"$TMPD/$_n.out" 2>&1
	_got=$?
	if [ "$_got" -eq "$_w" ]; then
		ok "$_n: exit $_w"
	else
		not_ok "$_n: exit $_got, want $_w"
		tail -n 30 "$TMPD/$_n.out" | sed 's/^/#   /'
	fi
}
# has NAME PATTERN: the transcript of script NAME matches.
has() { check_grep "$1: $2" "$2" "$TMPD/$1.out"; }
hasnt() { check_nogrep "$1: no $2" "$2" "$TMPD/$1.out"; }

# ---------------------------------------------------------- every command
sc commands 0 127.0.0.1 "$PORT" <<'EOF'
:expect 220
EHLO client.example
:expect 250
NOOP
:expect 250 2.0.0
VRFY demo
:expect 252
HELP
:expect 214
HELO client.example
:expect 250
MAIL FROM:<me@example.com>
:expect 250 2.1.0
RCPT TO:<demo@localhost>
:expect 250 2.1.5
RSET
:expect 250 2.0.0
RCPT TO:<demo@localhost>
:expect 503 5.5.1
EXPN staff
:expect 502
FROB
:expect 500 5.5.2
QUIT
:expect 221 2.0.0
EOF
has commands '^S: 220 practice\.test ESMTP smtpscope practice server'
for kw in PIPELINING 'SIZE 10485760' STARTTLS 'AUTH PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256' \
    ENHANCEDSTATUSCODES 8BITMIME SMTPUTF8 CHUNKING HELP; do
	has commands "^S: 250[- ]$kw\$"
done
for w in greylist nouser full big slow drop shutdown relay 'user demo, password demo'; do
	has commands "^S: 214-2\.0\.0 .*$w"
done
has commands '^S: 214 2\.0\.0'
# Each local domain once, even when the server name is one of them.
has commands '^S: 214-2\.0\.0 Local domains: localhost, practice\.test$'
has commands '^S: 214-2\.0\.0 Policies: none'

# ---------------------------------------------------------- order errors
sc order 0 127.0.0.1 "$PORT" <<'EOF'
MAIL FROM:<me@example.com>
:expect 503 5.5.1
AUTH PLAIN
:expect 503 5.5.1
HELO client.example
AUTH PLAIN
:expect 503 5.5.1
EHLO client.example
RCPT TO:<demo@localhost>
:expect 503 5.5.1
DATA
:expect 503 5.5.1
MAIL FROM:<me@example.com>
:expect 250
MAIL FROM:<me@example.com>
:expect 503 5.5.1
DATA
:expect 503 5.5.1
AUTH LOGIN
:expect 503 5.5.1
RSET
QUIT
EOF

# ---------------------------------------------------------- syntax errors
long=$(python3 -c 'print("NOOP " + "x" * 600)')
sc syntax 0 127.0.0.1 "$PORT" <<EOF
EHLO
:expect 501 5.5.4
HELO
:expect 501 5.5.4
EHLO client.example
MAIL FROM:me@example.com
:expect 501 5.5.4
MAIL FROM:<me@example.com> FROB=1
:expect 555 5.5.4
MAIL FROM:<me@example.com> SIZE=lots
:expect 501 5.5.4
MAIL FROM:<me@example.com> BODY=BINARY
:expect 501 5.5.4
MAIL FROM:<not an address>
:expect 501 5.1.7
MAIL FROM:<>
:expect 250 2.1.0
RCPT TO:demo@localhost
:expect 501 5.5.4
RCPT TO:<>
:expect 501 5.1.3
RCPT TO:<demo@localhost> NOTIFY=NEVER
:expect 555 5.5.4
RCPT TO:<postmaster>
:expect 250 2.1.5
DATA now
:expect 501 5.5.4
VRFY
:expect 501 5.5.4
RSET everything
:expect 501 5.5.4
$long
:expect 500
RSET
AUTH
:expect 501 5.5.4
AUTH GSSAPI
:expect 504 5.5.4
QUIT
EOF

# ---------------------------------------------------------- a message
sc message 0 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
MAIL FROM:<teacher@example.com> SIZE=200 BODY=8BITMIME
:expect 250 2.1.0
RCPT TO:<demo@localhost>
:expect 250 2.1.5
RCPT TO:<class@practice.test>
:expect 250 2.1.5
DATA
:expect 354
Subject: practice-one
X-Unique: u1-dot-test

.starts with a dot
..two dots
.
:expect 250 2.6.0
QUIT
EOF
f=$(grep -l 'X-Unique: u1-dot-test' "$TMPD"/mail/*.eml 2>/dev/null | head -1)
check "message written to the maildir" test -n "$f"
if [ -n "$f" ]; then
	check_grep "dot-stuffing undone (one dot)" '^\.starts with a dot' "$f"
	check_grep "dot-stuffing undone (two dots)" '^\.\.two dots' "$f"
	check_grep "Return-Path kept" '^Return-Path: <teacher@example\.com>' "$f"
	check "CRLF line ends" python3 -c "import sys; d=open(sys.argv[1],'rb').read(); sys.exit(0 if b'\r\n.starts' in d and b'\n\n' not in d.replace(b'\r\n', b'') else 1)" "$f"
else
	not_ok "dot-stuffing undone"; not_ok "dot-stuffing undone"
	not_ok "Return-Path"; not_ok "CRLF"
fi
has message '^S: 250 2\.6\.0 .*queued as'

# ---------------------------------------------------------- scenarios
sc greylist 0 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
MAIL FROM:<grey-sender@example.com>
RCPT TO:<greylist@localhost>
:expect 451 4.7.1
RCPT TO:<greylist@localhost>
:expect 250 2.1.5
RSET
MAIL FROM:<other-sender@example.com>
RCPT TO:<greylist@localhost>
:expect 451 4.7.1
QUIT
EOF
sc greylist-again 0 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
MAIL FROM:<other-sender@example.com>
RCPT TO:<greylist@localhost>
:expect 250 2.1.5
QUIT
EOF

sc refusals 0 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
MAIL FROM:<me@example.com>
RCPT TO:<nouser@localhost>
:expect 550 5.1.1
RCPT TO:<full@practice.test>
:expect 452 4.2.2
RCPT TO:<relay@elsewhere.example>
:expect 554 5.7.1
RCPT TO:<someone@example.org>
:expect 554 5.7.1
RCPT TO:<demo@localhost>
:expect 250 2.1.5
QUIT
EOF

sc big 0 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
MAIL FROM:<me@example.com> SIZE=20000000
:expect 552 5.3.4
MAIL FROM:<me@example.com>
RCPT TO:<big@localhost>
:expect 250
DATA
:expect 354
Subject: too big for big@

small really
.
:expect 552 5.3.4
MAIL FROM:<me@example.com>
:expect 250
QUIT
EOF

t0=$(date +%s%N)
sc slow 0 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
MAIL FROM:<me@example.com>
RCPT TO:<slow@localhost>
:expect 250 2.1.5
QUIT
EOF
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
if [ "$ms" -ge 2500 ]; then ok "slow@ reply delayed (${ms} ms)"; else not_ok "slow@ reply delayed (${ms} ms)"; fi

# While one client waits for slow@, another is served at once.
( sc slow-bg 0 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
MAIL FROM:<me@example.com>
RCPT TO:<slow@localhost>
:expect 250 2.1.5
QUIT
EOF
) >"$TMPD/slow-bg.tap" &
BG=$!
sleep 0.3
t0=$(date +%s%N)
sc not-blocked 0 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
NOOP
:expect 250
QUIT
EOF
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
if [ "$ms" -lt 2000 ]; then ok "slow@ does not block others (${ms} ms)"; else not_ok "slow@ blocks others (${ms} ms)"; fi
wait "$BG"
check_grep "slow@ in the background succeeded" '^ok ' "$TMPD/slow-bg.tap"

sc drop 3 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
MAIL FROM:<me@example.com>
RCPT TO:<drop@localhost>
:expect 250
DATA
:expect 354
Subject: never arrives
X-Unique: dropped-message

body
.
QUIT
EOF
check "drop@ message not kept" sh -c "! grep -q dropped-message '$TMPD'/mail/*.eml"

sc shutdown 3 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
MAIL FROM:<me@example.com>
RCPT TO:<shutdown@localhost>
:expect 421 4.3.2
NOOP
EOF
has shutdown '^S: 421 4\.3\.2'

# ---------------------------------------------------------- STARTTLS
sc starttls 0 --insecure 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
STARTTLS
:expect 220 2.0.0
MAIL FROM:<me@example.com>
:expect 503 5.5.1
EHLO client.example
:expect 250
STARTTLS
:expect 503 5.5.1
MAIL FROM:<me@example.com>
RCPT TO:<demo@localhost>
:msg
:expect 250 2.6.0
QUIT
EOF
has starttls '^# TLS: '
n=$(grep -c '^S: 250-STARTTLS' "$TMPD/starttls.out")
check "STARTTLS offered only before TLS" test "$n" = 1

sc smtps 0 --insecure "smtps://127.0.0.1:$TPORT" <<'EOF'
:expect 220
EHLO client.example
:expect 250
STARTTLS
:expect 503 5.5.1
QUIT
EOF
has smtps '^# TLS: '
hasnt smtps '^S: 250-STARTTLS'

# ---------------------------------------------------------- AUTH
PW=demo; export PW
BAD=wrong; export BAD
for m in plain login cram-md5; do
	sc "auth-$m" 0 --password-env PW --insecure --allow-plaintext 127.0.0.1 "$PORT" <<EOF
EHLO client.example
:auth $m demo
:expect 235 2.7.0
AUTH PLAIN
:expect 503 5.5.1
QUIT
EOF
	# The password never shows: PLAIN carries it in its one answer.
	hasnt "auth-$m" 'AGRlbW8AZGVtbw'
	sc "auth-$m-bad" 0 --password-env BAD --allow-plaintext 127.0.0.1 "$PORT" <<EOF
EHLO client.example
:auth $m demo
:expect 535 5.7.8
QUIT
EOF
done
has auth-login '^C: \*{8}'
sc auth-tls 0 --password-env PW --insecure 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
STARTTLS
EHLO client.example
:auth plain demo
:expect 235 2.7.0
MAIL FROM:<demo@localhost>
RCPT TO:<friend@elsewhere.example>
:expect 250 2.1.5
RCPT TO:<relay@elsewhere.example>
:expect 554 5.7.1
QUIT
EOF
sc auth-cancel 0 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
AUTH LOGIN
:expect 334
:raw
*
:expect 501 5.7.0
AUTH PLAIN
:expect 334
:raw
!!not base64!!
:expect 501
QUIT
EOF

# ---------------------------------------------------------- pipelining
sc pipeline 0 127.0.0.1 "$PORT" <<'EOF'
EHLO client.example
:pipeline
MAIL FROM:<me@example.com>
RCPT TO:<demo@localhost>
RCPT TO:<nouser@localhost>
RCPT TO:<class@localhost>
:sync
:expect 250
NOOP
:expect 250
QUIT
EOF
has pipeline '^S: 550 5\.1\.1'
n=$(grep -c '^S: 250 2\.1\.5' "$TMPD/pipeline.out")
check "pipelined recipients answered in order" test "$n" = 2

# ------------------------------------------------ raw socket: BDAT, batching
cat >"$TMPD/raw.py" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
fails = 0
def check(name, cond, got=""):
    global fails
    print(("ok - " if cond else "not ok - ") + name)
    if not cond:
        fails += 1
        print("# got: %r" % (got,))
def session():
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    f = s.makefile("rb")
    return s, f
def reply(f):
    lines = []
    while True:
        l = f.readline().decode()
        if not l:
            return lines
        lines.append(l.rstrip("\r\n"))
        if len(l) < 4 or l[3] != "-":
            return lines
s, f = session()
reply(f)
s.sendall(b"EHLO raw.example\r\n")
reply(f)
# BDAT: the chunk ends without a line end; QUIT follows in the same write.
chunk = b"Subject: bdat-raw-1\r\n\r\nhel"
s.sendall(b"MAIL FROM:<raw@example.com>\r\nRCPT TO:<demo@localhost>\r\n"
          b"BDAT %d\r\n%sBDAT 3 LAST\r\nlo!NOOP\r\n" % (len(chunk), chunk))
r = [reply(f) for _ in range(5)]
check("BDAT MAIL", r[0] == ["250 2.1.0 Sender <raw@example.com> OK"], r[0])
check("BDAT chunk 1", r[2][0].startswith("250 2.0.0 %d octets" % len(chunk)), r[2])
check("BDAT LAST", r[3][0].startswith("250 2.6.0"), r[3])
check("command right after the chunk", r[4] == ["250 2.0.0 OK"], r[4])
# BDAT: a chunk that ends inside a line, the client waiting for the reply
# before it sends the rest (nothing else follows in the stream).
s.sendall(b"MAIL FROM:<raw@example.com>\r\nRCPT TO:<demo@localhost>\r\n")
reply(f); reply(f)
s.sendall(b"BDAT 7\r\nhello w")
r1 = reply(f)
check("BDAT chunk ending mid-line answered", r1 and r1[0].startswith("250 2.0.0 7 octets"), r1)
s.sendall(b"BDAT 6 LAST\r\norld\r\n")
r2 = reply(f)
check("BDAT LAST after a mid-line chunk", r2 and r2[0].startswith("250 2.6.0"), r2)
# BDAT without MAIL: the chunk is read, then refused.
s.sendall(b"BDAT 6\r\nNOOP\r\nNOOP\r\n")
r = [reply(f) for _ in range(2)]
check("BDAT before MAIL refused after the chunk", r[0][0].startswith("503 5.5.1"), r)
check("chunk octets were not read as commands", r[1] == ["250 2.0.0 OK"], r)
# DATA after BDAT in one transaction.
s.sendall(b"MAIL FROM:<raw@example.com>\r\nRCPT TO:<demo@localhost>\r\n"
          b"BDAT 2\r\nabDATA\r\nRSET\r\n")
r = [reply(f) for _ in range(5)]
check("DATA after BDAT refused", r[3][0].startswith("503 5.5.1"), r)
# BDAT 0 LAST ends a message; big@ is refused at the end.
s.sendall(b"MAIL FROM:<raw@example.com>\r\nRCPT TO:<big@localhost>\r\n"
          b"BDAT 4\r\nabcdBDAT 0 LAST\r\n")
r = [reply(f) for _ in range(4)]
check("BDAT big@ refused at LAST", r[3][0].startswith("552 5.3.4"), r)
# Pipelined replies arrive in one write.
s.sendall(b"RSET\r\nMAIL FROM:<raw@example.com>\r\nRCPT TO:<demo@localhost>\r\n"
          b"RCPT TO:<nouser@localhost>\r\nNOOP\r\n")
time.sleep(0.3)
s.settimeout(2)
data = s.recv(65536)
check("pipelined replies in one segment", data.count(b"\r\n") == 5, data)
# A bare LF in DATA content is refused (RFC 5321 2.3.8).
s.sendall(b"RSET\r\nMAIL FROM:<raw@example.com>\r\nRCPT TO:<demo@localhost>\r\nDATA\r\n")
r = [reply(f) for _ in range(4)]
s.sendall(b"Subject: x\r\nbare\nlf\r\n.\n.\r\n")
r = reply(f)
check("bare LF refused", r[0].startswith("550 5.6.0"), r)
s.sendall(b"QUIT\r\n")
check("QUIT", reply(f) == ["221 2.0.0 Bye"])
check("closed after QUIT", f.read() == b"")
# RFC 3207 6: commands sent after STARTTLS in clear are dropped, not run.
import ssl
s, f = session()
reply(f)
s.sendall(b"EHLO raw.example\r\n")
reply(f)
s.sendall(b"STARTTLS\r\nMAIL FROM:<injected@example.com>\r\n")
check("STARTTLS 220", reply(f)[0].startswith("220 2.0.0"))
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(s)
f = t.makefile("rb")
t.sendall(b"EHLO raw.example\r\nRCPT TO:<demo@localhost>\r\nQUIT\r\n")
r = [reply(f) for _ in range(3)]
check("EHLO over TLS", r[0][-1] == "250 HELP", r)
check("injected MAIL was not run", r[1][0].startswith("503 5.5.1"), r)
check("QUIT over TLS", r[2] == ["221 2.0.0 Bye"], r)
sys.exit(1 if fails else 0)
EOF
python3 "$TMPD/raw.py" "$PORT" >"$TMPD/raw.out" 2>&1
raw_rc=$?
sed 's/^/# /' "$TMPD/raw.out" | grep -v '^# ok' || true
check "raw client checks (BDAT, batching, bare LF)" test "$raw_rc" -eq 0
f=$(grep -l 'bdat-raw-1' "$TMPD"/mail/*.eml 2>/dev/null | head -1)
if [ -n "$f" ]; then
	check "BDAT message content exact" python3 -c "import sys; d=open(sys.argv[1],'rb').read(); sys.exit(0 if d.endswith(b'Subject: bdat-raw-1\r\n\r\nhello!') else 1)" "$f"
else
	not_ok "BDAT message content exact"
fi

# ------------------------------------------------- the log is sanitized
# SMTPUTF8 lets C1 controls into an address (ESC itself is refused); the
# --serve log on stderr must show such bytes escaped, never raw.
cat >"$TMPD/esc.py" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
f = s.makefile("rb")
def reply():
    lines = []
    while True:
        l = f.readline()
        if not l:
            return lines
        lines.append(l)
        if l[3:4] != b"-":
            return lines
reply()
s.sendall(b"EHLO esc.example\r\n"
          b"MAIL FROM:<esc\x1b[31m@example.com> SMTPUTF8\r\n"
          b"MAIL FROM:<c1\xc2\x9b31m\xc2\x85x@example.com> SMTPUTF8\r\n"
          b"RCPT TO:<demo@localhost>\r\nDATA\r\n")
r = [reply()[-1][:3] for _ in range(5)]
s.sendall(b"Subject: esc-log\r\n\r\nhi\r\n.\r\nQUIT\r\n")
r += [reply()[-1][:3] for _ in range(2)]
print(b" ".join(r).decode())
sys.exit(0 if r == [b"250", b"501", b"250", b"250", b"354", b"250",
                    b"221"] else 1)
EOF
cat >"$TMPD/rawctl.py" <<'EOF'
import re, sys
d = open(sys.argv[1], "rb").read()
sys.exit(1 if re.search(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", d) else 0)
EOF
check "MAIL FROM with C1 controls accepted" python3 "$TMPD/esc.py" "$PORT"
check "the C1 sender was logged" wait_for 10 grep -q 'from <c1' \
    "$TMPD/serve.err"
check "no raw control bytes in the --serve log" \
    python3 "$TMPD/rawctl.py" "$TMPD/serve.err"
check_grep "the C1 bytes were shown escaped" 'from <c1\\x(c2|9b)' \
    "$TMPD/serve.err"

# ------------------------------------------------- --cert/--key given
if command -v openssl >/dev/null 2>&1 &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMPD/key.pem" \
    -out "$TMPD/cert.pem" -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost >/dev/null 2>&1; then
	"$SMTPSCOPE" --serve 127.0.0.1:0 --serve-smtps 127.0.0.1:0 \
	    --cert "$TMPD/cert.pem" --key "$TMPD/key.pem" \
	    >"$TMPD/serve2.out" 2>"$TMPD/serve2.err" &
	SRV2=$!
	stop_server2() { kill "$SRV2" 2>/dev/null; wait "$SRV2" 2>/dev/null; }
	on_exit stop_server2
	wait_for 20 grep -q 'implicit TLS' "$TMPD/serve2.out"
	TPORT2=$(sed -n 's/^listening (implicit TLS) on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
	    "$TMPD/serve2.out")
	PORT2=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMPD/serve2.out")
	sc given-cert 0 --ca-file "$TMPD/cert.pem" --sni localhost \
	    "smtps://127.0.0.1:$TPORT2" <<'EOF2'
EHLO client.example
:expect 250
QUIT
EOF2
	has given-cert '^# TLS: .*verified'
	sc given-cert-starttls 0 --ca-file "$TMPD/cert.pem" --sni localhost \
	    127.0.0.1 "$PORT2" <<'EOF2'
EHLO client.example
STARTTLS
EHLO client.example
:expect 250
QUIT
EOF2
	has given-cert-starttls '^# TLS: .*verified'
else
	ok "# SKIP openssl cannot make a test certificate"
fi

# ---------------------------------------------------------- SIGTERM
kill "$SRV"
if wait_for 10 sh -c "! kill -0 $SRV 2>/dev/null"; then ok "SIGTERM stops the server"; else not_ok "SIGTERM stops the server"; fi
wait "$SRV"
check "server exit status 0" test $? -eq 0

done_testing
