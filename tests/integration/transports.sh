#!/bin/sh
# The transports besides TCP: LMTP (on a unix socket and on TCP) against a
# real LMTP server (aiosmtpd), SMTP on a unix socket, --pipe against
# programs that misbehave, and the usage errors of the new options.
. "$top_srcdir/tests/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "python3 is needed"
"$PY" -c 'import aiosmtpd' 2>/dev/null ||
    skip_all "python3-aiosmtpd is needed (scripts/install-deps test)"
SRV=$top_srcdir/tests/integration/lmtp_server.py

pids=""
_stop_servers() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
on_exit _stop_servers

# start_server PROTO WHERE OUT [CERT KEY]: run lmtp_server.py in the background.
start_server() {
	"$PY" "$SRV" "$@" 2>>"$TMPD/srv.err" &
	pids="$pids $!"
}

# run NAME ARGS...: smtpscope with a hard limit, stdout and stderr kept.
run() {
	_n=$1; shift
	timeout 30 "$SMTPSCOPE" "$@" >"$TMPD/$_n.out" 2>"$TMPD/$_n.err" </dev/null
	rc=$?
}
check_rc() {
	if [ "$rc" -eq "$2" ]; then ok "$1"; else not_ok "$1"; diag "exit $rc, want $2"; sed -n '1,40p' "$TMPD/$_n.out" "$TMPD/$_n.err" | sed 's/^/#   /'; fi
}

cat >"$TMPD/lmtp.scr" <<'EOF'
LHLO client.test
MAIL FROM:<sender@client.test>
RCPT TO:<alice@lmtp.test>
RCPT TO:<nobody@lmtp.test>
:expect 550
RCPT TO:<full@lmtp.test>
RCPT TO:<bob@lmtp.test>
DATA
Subject: lmtp

several recipients
.
QUIT
EOF

# 1. LMTP on a unix socket.
SOCK=$TMPD/lmtp.sock
start_server lmtp "unix:$SOCK" "$TMPD/unix.delivered"
wait_for 20 test -S "$SOCK" || skip_all "the LMTP server did not start"
run lu --script "$TMPD/lmtp.scr" --timeout 10 "lmtp://$SOCK"
check_rc "lmtp:///socket: the script exits 0" 0
check_grep "the unix socket is named" "^# connected to $SOCK" "$TMPD/lu.out"
check_grep "three replies are due after the dot" \
    "^# LMTP: 3 replies are due" "$TMPD/lu.out"
check_grep "alice's reply is paired with her" \
    "^S: 250 2\.0\.0 <alice@lmtp\.test> delivered  \(for <alice@lmtp\.test>\)" \
    "$TMPD/lu.out"
check_grep "full's 452 is paired and explained" \
    "^# LMTP: <full@lmtp\.test> did not get the message, for now \(452\)" \
    "$TMPD/lu.out"
check_grep "bob's reply is paired with him" \
    "\(for <bob@lmtp\.test>\)$" "$TMPD/lu.out"
check_nogrep "the refused recipient gets no reply after the dot" \
    "for <nobody@" "$TMPD/lu.out"
check_grep "QUIT is answered by 221, not taken for a recipient's" \
    "^S: 221" "$TMPD/lu.out"
check_nogrep "no reply was left unpaired" "nobody asked for" "$TMPD/lu.out"
check_grep "alice and bob got the message" "delivered bob@lmtp.test" \
    "$TMPD/unix.delivered"

# 2. LMTP on TCP; EHLO typed on LMTP gets a note.
start_server lmtp "tcp:$TMPD/port" "$TMPD/tcp.delivered"
wait_for 20 test -s "$TMPD/port" || skip_all "the LMTP server did not start"
PORT=$(cat "$TMPD/port")
run lt --script "$TMPD/lmtp.scr" --timeout 10 "lmtp://127.0.0.1:$PORT"
check_rc "lmtp://HOST:PORT: the script exits 0" 0
check "each accepted recipient got its reply over TCP" \
    test "$(grep -c '(for <' "$TMPD/lt.out")" -eq 3
printf 'EHLO client.test\nQUIT\n' >"$TMPD/ehlo.scr"
run le --script "$TMPD/ehlo.scr" --timeout 10 "lmtp://127.0.0.1:$PORT"
check_grep "EHLO typed on LMTP: a note says LHLO" \
    "this is LMTP: it greets with LHLO" "$TMPD/le.out"

# The one-shot send on LMTP greets with LHLO (not EHLO, no HELO fallback)
# and judges the message by the per-recipient replies after the data: a
# 452 for the last recipient does not make the whole send a failure.
run lo --to alice@lmtp.test,full@lmtp.test --timeout 10 "lmtp://127.0.0.1:$PORT"
check_rc "one-shot send on LMTP, one recipient full: exit 0" 0
check_grep "the one-shot send greets with LHLO" "^C: LHLO " "$TMPD/lo.out"
check_nogrep "no EHLO on LMTP" "^C: EHLO" "$TMPD/lo.out"
check_grep "the full recipient is counted" \
    "1 of 2 recipients did not get the message" "$TMPD/lo.out"
check_grep "the message was delivered to alice" "delivered alice@lmtp.test" \
    "$TMPD/tcp.delivered"
run lf --to full@lmtp.test --timeout 10 "lmtp://127.0.0.1:$PORT"
check_rc "one-shot send on LMTP, no recipient got it: exit 1" 1
check_grep "says no recipient got it" "no recipient got the message" \
    "$TMPD/lf.out"
run lq --to alice@lmtp.test --quit-after rcpt --timeout 10 "lmtp://127.0.0.1:$PORT"
check_rc "--quit-after rcpt on LMTP: exit 0" 0
check_nogrep "--quit-after rcpt on LMTP sends no data" "^C: DATA" "$TMPD/lq.out"

# A pipelined BDAT ... LAST before the RCPT replies: one reply due for
# each recipient not refused (the refused one's taken back).
"$PY" "$top_srcdir/tests/integration/lmtp_chunking.py" "$TMPD/cport" \
    2>>"$TMPD/srv.err" &
pids="$pids $!"
wait_for 20 test -s "$TMPD/cport"
{
	echo "LHLO client.test"
	echo ":pipeline"
	echo "MAIL FROM:<sender@client.test>"
	echo "RCPT TO:<alice@chunk.test>"
	echo "RCPT TO:<nobody@chunk.test>"
	echo "RCPT TO:<bob@chunk.test>"
	echo "BDAT 4 LAST"
	echo "hi"
	echo ":sync"
	echo "QUIT"
} >"$TMPD/chunk.scr"
run lc --script "$TMPD/chunk.scr" --timeout 10 \
    "lmtp://127.0.0.1:$(cat "$TMPD/cport")"
check_rc "LMTP, pipelined BDAT LAST: exit 0" 0
check "two replies after BDAT LAST, paired" \
    test "$(grep -c '^S: 250 2\.0\.0 <[a-z]*@chunk\.test> stored  (for <' \
    "$TMPD/lc.out")" -eq 2
check_nogrep "the refused recipient's reply was taken back" \
    "for <nobody@|nobody asked for|reply to .* was due" "$TMPD/lc.out"
check_grep "QUIT gets its 221" "^S: 221" "$TMPD/lc.out"

# 3. SMTP on a unix socket.
SSOCK=$TMPD/smtp.sock
start_server smtp "unix:$SSOCK" "$TMPD/smtp.delivered"
wait_for 20 test -S "$SSOCK" || skip_all "the SMTP server did not start"
sed -e 's/^LHLO/EHLO/' -e '/nobody/,+1d' -e '/full@/d' "$TMPD/lmtp.scr" \
    >"$TMPD/smtp.scr"
run su --script "$TMPD/smtp.scr" --timeout 10 "smtp://$SSOCK"
check_rc "smtp:///socket: the script exits 0" 0
check "one reply for the message on SMTP" \
    test "$(grep -c '(for <' "$TMPD/su.out")" -eq 0
check_grep "delivered over the unix socket" "delivered alice@lmtp.test" \
    "$TMPD/smtp.delivered"
run nosock --script "$TMPD/smtp.scr" --timeout 10 "smtp://$TMPD/none.sock"
check_rc "a missing socket: exit 3" 3
check_grep "and says so" "none\.sock: no such socket" "$TMPD/nosock.err"

# STARTTLS on a unix socket: the chain is checked; the name with --sni.
if command -v certtool >/dev/null 2>&1; then
	printf 'cn = "localhost"\ndns_name = "localhost"\nexpiration_days = 30\ntls_www_server\nsigning_key\nencryption_key\n' \
	    >"$TMPD/cert.tmpl"
	certtool --generate-privkey --key-type=ecdsa --outfile "$TMPD/key.pem" \
	    >/dev/null 2>&1
	certtool --generate-self-signed --load-privkey "$TMPD/key.pem" \
	    --template "$TMPD/cert.tmpl" --outfile "$TMPD/cert.pem" >/dev/null 2>&1
	TSOCK=$TMPD/tls.sock
	start_server smtp "unix:$TSOCK" "$TMPD/tls.delivered" "$TMPD/cert.pem" \
	    "$TMPD/key.pem"
	wait_for 20 test -S "$TSOCK"
	run tls --script "$TMPD/ehlo.scr" --starttls --ca-file "$TMPD/cert.pem" \
	    "smtp://$TSOCK"
	check_rc "STARTTLS over a unix socket: exit 0" 0
	check_grep "no name to check is said" "no server name for TLS here" \
	    "$TMPD/tls.out"
	check_grep "the chain is verified" "^# TLS: verification: verified" \
	    "$TMPD/tls.out"
	run tlsname --script "$TMPD/ehlo.scr" --starttls --ca-file \
	    "$TMPD/cert.pem" --sni wrong.example "smtp://$TSOCK"
	check_rc "with --sni the name is checked: a wrong one fails (exit 4)" 4
else
	ok "# SKIP certtool (gnutls-bin) is needed for the TLS check"
fi

# 4. --pipe against programs that misbehave.
run pexit --script "$TMPD/ehlo.scr" --pipe 'echo broken >&2; exit 7'
check_rc "--pipe, a program that exits at once: exit 3" 3
check_grep "its stderr is a note" "^# program stderr: broken$" \
    "$TMPD/pexit.out"
check_grep "its exit status is told" "exited with status 7" \
    "$TMPD/pexit.out"
run pgarb --script "$TMPD/ehlo.scr" \
    --pipe 'printf "\033[2J\001garbage\377\r\n"; exit 0'
check_rc "--pipe, garbage: exit 3" 3
check_grep "garbage is shown escaped" '^S: \\e\[2J\\x01garbage\\xff$' \
    "$TMPD/pgarb.out"
check_nogrep "no raw escape reaches the output" "$(printf '\033')" \
    "$TMPD/pgarb.out"
start=$(date +%s)
run psilent --script "$TMPD/ehlo.scr" --timeout 1 \
    --pipe "sleep 29.37; echo"
check_rc "--pipe, a program that never answers: exit 5" 5
check "it is given up on at once" test "$(($(date +%s) - start))" -le 5
check_grep "it is ended by us" "killed by signal 15.*ended by us" \
    "$TMPD/psilent.out"
pid=$(sed -n 's/^# the program runs as pid \([0-9]*\);.*/\1/p' "$TMPD/psilent.out")
check "the program is reaped (no zombie)" sh -c "! kill -0 '$pid' 2>/dev/null"
check "its children are ended too" \
    test "$(ps -eo args= | grep -c '^sleep 29\.37$')" -eq 0

# A one-shot send to a program that ignores SIGTERM, starts a child of its
# own and chatters on stderr: the message goes, and nothing of it is left.
cat >"$TMPD/stubborn.sh" <<'EOF'
trap '' TERM
sleep 28.71 &
head -c 200000 /dev/zero | tr '\0' e | fold -w 100 >&2
printf '220 pipe.test ESMTP\r\n'
while IFS= read -r l; do
	case $l in
	EHLO*) printf '250-pipe.test\r\n250 PIPELINING\r\n' ;;
	DATA*) printf '354 go\r\n'
	    while IFS= read -r d; do [ "$d" = "$(printf '.\r')" ] && break; done
	    printf '250 ok\r\n' ;;
	QUIT*) printf '221 bye\r\n'; sleep 28.72 ;;
	*) printf '250 ok\r\n' ;;
	esac
done
EOF
run pstub --to a@pipe.test --timeout 10 --pipe "sh $TMPD/stubborn.sh"
check_rc "--pipe, a stubborn program: the send exits 0" 0
check_grep "the message was accepted" "the message was accepted" \
    "$TMPD/pstub.out"
check "a program that ignores SIGTERM is ended, and its child" \
    test "$(ps -eo stat=,args= | grep -v '^Z' | grep -c 'sleep 28\.7[12]$')" -eq 0

# 5. Usage errors: exit 2 before anything connects.
for args in "--xclient FOO=1 localhost" "--xclient ADDR=not-an-ip localhost" \
    "--xclient PORT=99999 localhost" "--xforward SOURCE=ELSEWHERE localhost" \
    "--xclient ADDR localhost" "--proxy-protocol 3 localhost" \
    "--proxy-source 1.2.3.4:5 localhost" \
    "--proxy-protocol 1 --proxy-source nohost:1 localhost" \
    "--proxy-protocol 2 --proxy-source 1.2.3.4:5 --proxy-dest [::1]:25 localhost" \
    "--bind not-an-address localhost" "--bind 127.0.0.1 -6 localhost" \
    "--pipe cat localhost" "--pipe cat --bind 127.0.0.1" \
    "--proxy-protocol 1 smtp:///tmp/x.sock" "smtps:///tmp/x.sock"; do
	# shellcheck disable=SC2086
	run usage --script "$TMPD/ehlo.scr" $args
	check_rc "usage error: $args" 2
done

# --xclient given more than once: the attributes add up (the last one
# used to win alone); the same attribute twice is refused.
cat >"$TMPD/xcsrv.sh" <<'EOF'
printf '220 xc.test ESMTP\r\n'
while IFS= read -r l; do
	case $l in
	EHLO*) printf '250-xc.test\r\n250 XCLIENT ADDR NAME\r\n' ;;
	XCLIENT*) printf '220 xc.test ESMTP\r\n' ;;
	QUIT*) printf '221 bye\r\n'; exit 0 ;;
	*) printf '250 ok\r\n' ;;
	esac
done
EOF
run xcs --xclient ADDR=192.0.2.7 --xclient NAME=client.example \
    --quit-after ehlo --timeout 10 --pipe "sh $TMPD/xcsrv.sh"
check_grep "two --xclient: both attributes sent" \
    '^C: XCLIENT ADDR=192\.0\.2\.7 NAME=client\.example$' "$TMPD/xcs.out"
run xcd --xclient ADDR=192.0.2.7 --xclient ADDR=192.0.2.8 localhost
check_rc "the same XCLIENT attribute twice: exit 2" 2
check_grep "it says which" 'ADDR is given twice' "$TMPD/xcd.err"

# A bad :xclient in a script is refused before anything connects.
printf 'EHLO me\n:xclient ADDR=1.2.3\n' >"$TMPD/badxc.scr"
run badxc --script "$TMPD/badxc.scr" "smtp://$SSOCK"
check_rc "a bad :xclient line: exit 2" 2
check_grep "it names the line and the fault" \
    "badxc\.scr:2: XCLIENT: ADDR=1\.2\.3 is not an IPv4 or IPv6 address" \
    "$TMPD/badxc.err"
check_nogrep "nothing was sent" "^C:" "$TMPD/badxc.out"

done_testing
