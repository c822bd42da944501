#!/bin/sh
# Fault injection: a proxy (fault_proxy.py) between smtpscope and the test
# Postfix drops (FIN), resets (RST) or stalls the connection at each stage
# of a session: connect, greeting, EHLO, the TLS handshake (STARTTLS and
# implicit TLS, both flights), AUTH and the middle of DATA.  Each run must
# end in time (at once, or at --timeout for a stall), with the exit status
# of smtpscope(1) (3 lost, 4 TLS, 5 timeout) and words that say what
# happened, in the transcript and on stderr.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
. "$top_srcdir/tests/postfix/common.sh"
need_password

FP="$top_srcdir/tests/integration/fault_proxy.py"
TIMEOUT=5
# A run that is not a stall must end well before --timeout; a stall must
# end at --timeout, give or take this much (the machine may be busy).
SLACK_MS=3000

stop_proxies() {
	for f in "$TMPD"/*.ppid; do
		[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	return 0
}
on_exit stop_proxies

# Scripts.  Plain SMTP (port 25 style) needs no AUTH to reach a local
# mailbox; submission and implicit TLS need AUTH.  The message is 8 MB, so
# that a stalled proxy blocks our writes long before it is all sent.
python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("From: <tester@smtpscope.test>\nSubject: faults\n\n")
    line = "x" * 70 + "\n"
    f.write(line * (8 * 1024 * 1024 // len(line)))' "$TMPD/big.eml"
cat >"$TMPD/plain.scr" <<EOF
EHLO client.smtpscope.test
:expect 250
MAIL FROM:<tester@smtpscope.test>
RCPT TO:<$PF_RCPT>
:send $TMPD/big.eml
:expect 250
QUIT
EOF
cat >"$TMPD/starttls.scr" <<EOF
EHLO client.smtpscope.test
STARTTLS
:expect 220
EHLO client.smtpscope.test
:auth plain $PF_USER
:expect 235
MAIL FROM:<$PF_USER@$PF_DOMAIN>
RCPT TO:<$PF_SINK>
:send $TMPD/big.eml
:expect 250
QUIT
EOF
# Implicit TLS: the same without STARTTLS and the EHLO before it.
sed '2,4d' "$TMPD/starttls.scr" >"$TMPD/smtps.scr"

# start_case NAME UPSTREAM SCHEME SCRIPT STAGE FAULT [PROXY-OPTS...]: in the
# background, start a proxy to 127.0.0.1:UPSTREAM that applies FAULT at
# STAGE, run the script through it and leave the exit status in NAME.rc,
# the time taken in NAME.ms, the output in NAME.out/.err and the proxy's
# account in NAME.plog.
start_case() {
	_c=$1 _up=$2 _scheme=$3 _scr=$4; shift 4
	(
		python3 "$FP" "$TMPD/$_c.port" "$_up" "$@" \
		    --log "$TMPD/$_c.plog" 2>"$TMPD/$_c.perr" &
		echo $! >"$TMPD/$_c.ppid"
		if ! wait_for 10 test -s "$TMPD/$_c.port"; then
			echo 99 >"$TMPD/$_c.rc"
			echo 0 >"$TMPD/$_c.ms"
			exit
		fi
		t0=$(date +%s%N)
		timeout 60 "$SMTPSCOPE" --script "$TMPD/$_scr.scr" \
		    --timeout "$TIMEOUT" --ca-file "$PF_CA" \
		    --password-file "$PF_PASSWORD_FILE" \
		    "$_scheme://127.0.0.1:$(cat "$TMPD/$_c.port")" \
		    >"$TMPD/$_c.out" 2>"$TMPD/$_c.err" </dev/null
		echo $? >"$TMPD/$_c.rc"
		echo $((($(date +%s%N) - t0) / 1000000)) >"$TMPD/$_c.ms"
		kill "$(cat "$TMPD/$_c.ppid")" 2>/dev/null
	) &
	CASES="$CASES $!"
}

# check_case NAME WANT-EXIT WORDS [STAGE-PATTERN]: the proxy applied its
# fault; the run exited WANT-EXIT in time (at --timeout when WANT-EXIT is
# 5, well before it otherwise); the transcript and stderr say WORDS (an
# extended regex); STAGE-PATTERN, if given, is in the transcript (the
# session got as far as the stage).
check_case() {
	_c=$1 _want=$2 _words=$3
	_rc=$(cat "$TMPD/$_c.rc" 2>/dev/null || echo none)
	_ms=$(cat "$TMPD/$_c.ms" 2>/dev/null || echo 999999)
	check_grep "$_c: the proxy applied the fault" '^fault ' "$TMPD/$_c.plog"
	if [ "$_rc" = "$_want" ]; then
		ok "$_c: exit $_want"
	else
		not_ok "$_c: exit $_want"
		diag "exit $_rc after $_ms ms" "stdout:"
		tail -n 12 "$TMPD/$_c.out" | sed 's/^/#   /'
		diag "stderr:"
		sed 's/^/#   /' "$TMPD/$_c.err"
		diag "proxy:"
		sed 's/^/#   /' "$TMPD/$_c.plog" "$TMPD/$_c.perr"
	fi
	if [ "$_want" -eq 5 ]; then
		_lo=$((TIMEOUT * 1000 - 500)) _hi=$((TIMEOUT * 1000 + SLACK_MS))
	else
		_lo=0 _hi=$((TIMEOUT * 1000 - 1000))
	fi
	if [ "$_ms" -ge "$_lo" ] && [ "$_ms" -le "$_hi" ]; then
		ok "$_c: ended in time ($_ms ms)"
	else
		not_ok "$_c: ended in time"
		diag "took $_ms ms, want $_lo..$_hi"
	fi
	check_grep "$_c: the transcript says what happened" "$_words" \
	    "$TMPD/$_c.out"
	check_grep "$_c: stderr says what happened" "$_words" "$TMPD/$_c.err"
	check_nogrep "$_c: no empty reason" 'no error|: $' "$TMPD/$_c.err"
	[ $# -ge 4 ] && check_grep "$_c: it got as far as the stage" "$4" \
	    "$TMPD/$_c.out"
}

PLAIN=$PF_PLAIN_PORT
SUBM=$PF_SUBMISSION_PORT
SMTPS=$PF_SMTPS_PORT
CASES=""

# Stalls all wait for --timeout: start them together, then run the rest.
for st in connect greeting ehlo data; do
	start_case "plain-$st-stall" "$PLAIN" smtp plain "$st" stall --after 65536
done
for st in tls-hello tls-server auth data; do
	start_case "starttls-$st-stall" "$SUBM" submission starttls "$st" stall \
	    --after 131072
done
start_case "smtps-tls-hello-stall" "$SMTPS" smtps smtps tls-hello stall \
    --implicit
for f in drop reset; do
	for st in connect greeting ehlo data; do
		start_case "plain-$st-$f" "$PLAIN" smtp plain "$st" "$f" \
		    --after 65536
		wait $!
	done
	for st in tls-hello tls-server auth data; do
		start_case "starttls-$st-$f" "$SUBM" submission starttls "$st" \
		    "$f" --after 131072
		wait $!
	done
	for st in tls-hello tls-server auth data; do
		start_case "smtps-$st-$f" "$SMTPS" smtps smtps "$st" "$f" \
		    --implicit --after 131072
		wait $!
	done
done
# shellcheck disable=SC2086
wait $CASES

CLOSED='closed the connection'
RESET='[Cc]onnection reset'
HS_CLOSED='TLS handshake failed: .*(closed|terminated)'
HS_RESET='TLS handshake failed: .*[Cc]onnection reset'
HS_STALL='TLS handshake timed out after 5 s|no reply within 5 s \(waiting for the TLS handshake\)'
DATA_CLOSED='closed the connection while (we were sending the message content|a reply to DOT was due)'
DATA_STAGE='sending .*big\.eml as the message content'
AUTH_STAGE='^C: AUTH PLAIN '

# Connect: the proxy accepts and at once closes, resets or says nothing.
check_case plain-connect-drop 3 "$CLOSED .*greeting"
check_case plain-connect-reset 3 "$RESET"
check_case plain-connect-stall 5 'no reply within 5 s \(waiting for the greeting\)'
# Greeting: Postfix's 220 reached the proxy and goes no further.
check_case plain-greeting-drop 3 "$CLOSED .*greeting"
check_case plain-greeting-reset 3 "$RESET"
check_case plain-greeting-stall 5 'no reply within 5 s \(waiting for the greeting\)'
for c in plain-greeting-drop plain-greeting-reset plain-greeting-stall; do
	check_nogrep "$c: no greeting shown" '^S: 220' "$TMPD/$c.out"
done
# Just after the greeting: the EHLO goes nowhere.
check_case plain-ehlo-drop 3 "$CLOSED while a reply to EHLO was due" '^S: 220 '
check_case plain-ehlo-reset 3 "$RESET" '^C: EHLO'
check_case plain-ehlo-stall 5 'no reply within 5 s \(waiting for the reply to EHLO\)' '^C: EHLO'
# Mid-DATA in plaintext: 64 KiB of the message got through.
check_case plain-data-drop 3 "$DATA_CLOSED" "$DATA_STAGE"
check_case plain-data-reset 3 "$RESET" "$DATA_STAGE"
check_case plain-data-stall 5 'no reply within 5 s \(waiting for the server to take our data\)' "$DATA_STAGE"

# STARTTLS: the ClientHello is held, or the server's first flight is.
for st in tls-hello tls-server; do
	check_case "starttls-$st-drop" 4 "$HS_CLOSED" '^S: 220 .*TLS'
	check_case "starttls-$st-reset" 4 "$HS_RESET" '^S: 220 .*TLS'
	check_case "starttls-$st-stall" 5 "$HS_STALL" '^S: 220 .*TLS'
done
# AUTH under TLS: the proxy holds the third record (Finished, EHLO, AUTH).
check_case starttls-auth-drop 3 "$CLOSED while a reply to AUTH was due" "$AUTH_STAGE"
check_case starttls-auth-reset 3 "connection lost: .*$RESET" "$AUTH_STAGE"
check_case starttls-auth-stall 5 'no reply within 5 s \(waiting for the reply to AUTH\)' "$AUTH_STAGE"
# Mid-DATA under TLS: 128 KiB after the handshake began got through.
check_case starttls-data-drop 3 "$DATA_CLOSED" "$DATA_STAGE"
check_case starttls-data-reset 3 "$RESET" "$DATA_STAGE"
check_case starttls-data-stall 5 'no reply within 5 s \(waiting for the server to take our data\)' "$DATA_STAGE"

# Implicit TLS: the handshake is the first thing on the wire.
for st in tls-hello tls-server; do
	check_case "smtps-$st-drop" 4 "$HS_CLOSED"
	check_case "smtps-$st-reset" 4 "$HS_RESET"
done
check_case smtps-tls-hello-stall 5 "$HS_STALL"
check_case smtps-auth-drop 3 "$CLOSED while a reply to AUTH was due" "$AUTH_STAGE"
check_case smtps-auth-reset 3 "connection lost: .*$RESET" "$AUTH_STAGE"
check_case smtps-data-drop 3 "$DATA_CLOSED" "$DATA_STAGE"
check_case smtps-data-reset 3 "$RESET" "$DATA_STAGE"

# Whatever broke, the password was never shown.
cat "$TMPD"/*.out "$TMPD"/*.err >"$TMPD/everything"
if grep -qF -- "$PF_PASSWORD" "$TMPD/everything"; then
	not_ok "no password in any output"
else
	ok "no password in any output"
fi

done_testing
