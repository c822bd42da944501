#!/bin/sh
# --intercept against the test Postfix: real clients (Python smtplib,
# swaks, curl, msmtp) send through the relay with STARTTLS on both legs,
# implicit TLS towards the client, AUTH PLAIN/LOGIN; the message arrives,
# the transcript shows both legs and both handshakes, and no password
# appears anywhere.  The local CA is made once, private, and never
# overwritten; a broken one is a clear error.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/postfix/common.sh"
need_password

XDG_DATA_HOME=$TMPD/data; export XDG_DATA_HOME
CA=$XDG_DATA_HOME/smtpscope/intercept-ca.pem
CAKEY=$XDG_DATA_HOME/smtpscope/intercept-ca-key.pem
PLAIN=smtp://127.0.0.1:$PF_PLAIN_PORT
SUB=submission://127.0.0.1:$PF_SUBMISSION_PORT

# icpt NAME LISTEN ARGS...: start an interceptor for one session
# (--once) in the background; sets ICPT_PORT and ICPT_PID.
icpt() {
	_in=$1; _il=$2; shift 2
	timeout 60 "$SMTPSCOPE" --intercept "$_il" --once --timeout 10 "$@" \
	    >"$TMPD/$_in.out" 2>"$TMPD/$_in.err" &
	ICPT_PID=$!
	wait_for 20 grep -q '^intercepting on' "$TMPD/$_in.out" || {
		not_ok "$_in: the interceptor came up"
		cat "$TMPD/$_in.err" | sed 's/^/#   /'
		return 1
	}
	ICPT_PORT=$(sed -n 's/^intercepting on [a-z:/]*127\.0\.0\.1:\([0-9]*\),.*/\1/p' \
	    "$TMPD/$_in.out")
}

# icpt_wait NAME: wait for the interceptor to end; its status in $rc.
icpt_wait() {
	_n=$1
	wait "$ICPT_PID"
	rc=$?
	cat "$TMPD/$1.out" "$TMPD/$1.err" >"$TMPD/$1.all"
}

# delivered NAME TAG: the message with TAG is in alice's Maildir.
delivered() {
	if wait_for 20 maildir_find "$2"; then
		ok "$1: the message arrived"
		f=$(maildir_find "$2")
		check_grep "$1: its body intact" "^body line 2 of $2" "$f"
	else
		not_ok "$1: the message arrived"
	fi
}

# no_secret NAME FILE...: the password appears nowhere.
no_secret() {
	_ns=$1; shift
	if cat "$@" | grep -qF -- "$PF_PASSWORD"; then
		not_ok "$_ns: no password in the output"
	else
		ok "$_ns: no password in the output"
	fi
	_b64=$(printf '\0%s\0%s' "$PF_USER" "$PF_PASSWORD" | base64 | tr -d '\n')
	if cat "$@" | grep -qF -- "$_b64"; then
		not_ok "$_ns: no AUTH PLAIN blob in the output"
	else
		ok "$_ns: no AUTH PLAIN blob in the output"
	fi
}

# 1. Python smtplib: STARTTLS on both legs, verifying the local CA,
# AUTH PLAIN.  The CA is made on first use.
T=py.$PF_TAG
icpt py 127.0.0.1:0 --ca-file "$PF_CA" "$PLAIN" || done_testing
cat >"$TMPD/py.py" <<PYEOF
import smtplib, ssl, sys
ctx = ssl.create_default_context(cafile="$CA")
s = smtplib.SMTP("127.0.0.1", $ICPT_PORT, timeout=20)
s.ehlo("client.smtpscope.test")
s.starttls(context=ctx)
s.ehlo("client.smtpscope.test")
s.user, s.password = "$PF_USER", open("$PF_PASSWORD_FILE").readline().strip()
s.auth("PLAIN", s.auth_plain)
s.sendmail("$PF_RCPT", ["$PF_RCPT"],
    "Subject: $T\r\n\r\nbody line 1\r\nbody line 2 of $T\r\n")
s.quit()
PYEOF
check "python smtplib through the relay" python3 "$TMPD/py.py"
icpt_wait py
check_rc "python: --once ends after the session, exit 0" 0
check_grep "python: the CA was made and how to trust it is told" \
    'trust it with: --ca-file' "$TMPD/py.err"
check_grep "python: client lines shown with the session id" \
    '^\[1\] C: ehlo client' "$TMPD/py.out"
check_grep "python: upstream replies shown" '^\[1\] S: 250-smtpscope.test' \
    "$TMPD/py.out"
check_grep "python: the client's handshake" 'client leg: handshake done: TLS' \
    "$TMPD/py.out"
check_grep "python: no SNI, so the certificate is for the address" \
    'our certificate: CN=127\.0\.0\.1 \(for the address: the client sent no name\)' \
    "$TMPD/py.out"
check_grep "python: the upstream's handshake, verified" \
    'upstream leg: verification: verified' "$TMPD/py.out"
check_grep "python: the legs are compared" 'both legs use|the legs differ' \
    "$TMPD/py.out"
check_grep "python: AUTH PLAIN decoded and masked" \
    "AUTH PLAIN .*user '$PF_USER'.*\*\*\*\*\*\*\*\*" "$TMPD/py.out"
check_grep "python: 235 relayed" '^\[1\] S: 235 ' "$TMPD/py.out"
check_grep "python: the message accepted" '^\[1\] S: 250 2\.0\.0 Ok: queued' \
    "$TMPD/py.out"
no_secret python "$TMPD/py.all"
delivered python "$T"
mode=$(stat -c %a "$CA" 2>/dev/null)
check "CA certificate is 0600" [ "$mode" = 600 ]
mode=$(stat -c %a "$CAKEY" 2>/dev/null)
check "CA key is 0600" [ "$mode" = 600 ]
mode=$(stat -c %a "$XDG_DATA_HOME/smtpscope" 2>/dev/null)
check "CA directory is 0700" [ "$mode" = 700 ]
sum1=$(cksum <"$CA")

# 2. swaks: STARTTLS verifying the CA, AUTH LOGIN; the CA is reused.
T=swaks.$PF_TAG
icpt swaks 127.0.0.1:0 --ca-file "$PF_CA" "$PLAIN" || done_testing
printf 'Subject: %s\r\n\r\nbody line 1\r\nbody line 2 of %s\r\n' "$T" "$T" \
    >"$TMPD/swaks.eml"
timeout 30 swaks --server 127.0.0.1 --port "$ICPT_PORT" --tls --tls-verify \
    --tls-ca-path "$CA" --auth LOGIN --auth-user "$PF_USER" \
    --auth-password "$PF_PASSWORD" --from "$PF_RCPT" --to "$PF_RCPT" \
    --helo client.smtpscope.test --data "$TMPD/swaks.eml" \
    >"$TMPD/swaks.client" 2>&1
check "swaks through the relay" [ $? -eq 0 ]
icpt_wait swaks
check_rc "swaks: exit 0" 0
check_nogrep "swaks: the CA is not made again" 'made a local CA' \
    "$TMPD/swaks.err"
check "swaks: the CA file is unchanged" [ "$(cksum <"$CA")" = "$sum1" ]
check_grep "swaks: the CA in use is named in one line" \
    "issues client certificates from the local CA $CA" "$TMPD/swaks.err"
check_grep "swaks: AUTH LOGIN user name decoded" \
    "C: [A-Za-z0-9+/=]+  \(user '$PF_USER'\)" "$TMPD/swaks.out"
check_grep "swaks: the password masked" '^\[1\] C: \*\*\*\*\*\*\*\*$' \
    "$TMPD/swaks.out"
no_secret swaks "$TMPD/swaks.all"
delivered swaks "$T"

# 3. curl: implicit TLS towards the client (smtps:// listener), the
# upstream reached in clear and upgraded with STARTTLS.
T=curl.$PF_TAG
icpt curl smtps://127.0.0.1:0 --ca-file "$PF_CA" "$PLAIN" || done_testing
printf 'Subject: %s\r\n\r\nbody line 1\r\nbody line 2 of %s\r\n' "$T" "$T" \
    >"$TMPD/curl.eml"
printf 'user = "%s:%s"\n' "$PF_USER" "$PF_PASSWORD" >"$TMPD/curl.cfg"
timeout 30 curl -sS --url "smtps://127.0.0.1:$ICPT_PORT" --cacert "$CA" \
    -K "$TMPD/curl.cfg" --login-options AUTH=PLAIN --mail-from "$PF_RCPT" \
    --mail-rcpt "$PF_RCPT" --upload-file "$TMPD/curl.eml" \
    >"$TMPD/curl.client" 2>&1
check "curl (smtps://) through the relay" [ $? -eq 0 ]
icpt_wait curl
check_rc "curl: exit 0" 0
check_grep "curl: implicit TLS towards the client" \
    'client leg: implicit TLS handshake begins' "$TMPD/curl.out"
check_grep "curl: the upstream upgraded because the client's leg is TLS" \
    "smtpscope sends STARTTLS to the upstream \(the client's leg is TLS\)" \
    "$TMPD/curl.out"
check_grep "curl: the EHLO said again over TLS" \
    "says the client's EHLO again" "$TMPD/curl.out"
check_nogrep "curl: no STARTTLS offered to a client on TLS" \
    'with STARTTLS offered|with the upstream.s STARTTLS' "$TMPD/curl.out"
no_secret curl "$TMPD/curl.all"
delivered curl "$T"

# 4. msmtp: submission upstream (TLS required there), STARTTLS from the
# client, AUTH PLAIN, password from a file the relay never sees.
if command -v msmtp >/dev/null 2>&1; then
	T=msmtp.$PF_TAG
	icpt msmtp 127.0.0.1:0 --ca-file "$PF_CA" "$SUB" || done_testing
	cat >"$TMPD/msmtprc" <<MSEOF
account test
host 127.0.0.1
port $ICPT_PORT
tls on
tls_starttls on
tls_trust_file $CA
auth plain
user $PF_USER
passwordeval head -n 1 $PF_PASSWORD_FILE
from $PF_RCPT
MSEOF
	chmod 600 "$TMPD/msmtprc"
	printf 'Subject: %s\r\n\r\nbody line 1\r\nbody line 2 of %s\r\n' \
	    "$T" "$T" | timeout 30 msmtp -C "$TMPD/msmtprc" -a test \
	    "$PF_RCPT" >"$TMPD/msmtp.client" 2>&1
	check "msmtp through the relay" [ $? -eq 0 ]
	icpt_wait msmtp
	check_rc "msmtp: exit 0" 0
	check_grep "msmtp: upstream upgraded at once (submission://)" \
	    'STARTTLS to the upstream \(submission:// wants TLS\)' \
	    "$TMPD/msmtp.out"
	no_secret msmtp "$TMPD/msmtp.all"
	delivered msmtp "$T"
else
	ok "msmtp not installed: skipped # SKIP"
fi

# 5. Plain on both legs, --show-secrets off: a plain client sending
# without AUTH; the transcript warns about nothing it should not.
T=plain.$PF_TAG
icpt plain 127.0.0.1:0 "$PLAIN" || done_testing
cat >"$TMPD/plain.py" <<PYEOF
import smtplib
s = smtplib.SMTP("127.0.0.1", $ICPT_PORT, timeout=20)
s.sendmail("$PF_RCPT", ["$PF_RCPT"],
    "Subject: $T\r\n\r\nbody line 1\r\n.dot line\r\nbody line 2 of $T\r\n")
s.quit()
PYEOF
check "plain client through the relay" python3 "$TMPD/plain.py"
icpt_wait plain
check_rc "plain: exit 0" 0
check_grep "plain: STARTTLS offered to the client as the upstream does" \
    "with the upstream's STARTTLS, which smtpscope answers itself" \
    "$TMPD/plain.out"
check_grep "plain: a dot-stuffed line relayed as sent" '^\[1\] C: \.\.dot line' \
    "$TMPD/plain.out"
delivered plain "$T"

# 6. The upstream's certificate is checked as everywhere: without
# --ca-file the session ends with a 421 to the client and says why.
icpt unverified 127.0.0.1:0 "$SUB" || done_testing
cat >"$TMPD/unv.py" <<PYEOF
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", $ICPT_PORT, timeout=20)
try:
    code, msg = s.ehlo("x")
    print(code, msg)
except smtplib.SMTPServerDisconnected:
    print("disconnected")
PYEOF
python3 "$TMPD/unv.py" >"$TMPD/unv.client" 2>&1
icpt_wait unverified
check_grep "unverified upstream: the client is told 421" '421|disconnected' \
    "$TMPD/unv.client"
check_grep "unverified upstream: the transcript says why" \
    'upstream certificate not verified' "$TMPD/unverified.out"
check "unverified upstream: --once exit status 3" [ "$rc" -eq 3 ]

# 6b. An application that does not trust the local CA: its handshake
# fails, and the transcript names the file to give it.
icpt distrust 127.0.0.1:0 --ca-file "$PF_CA" "$PLAIN" || done_testing
python3 -c 'import smtplib, ssl, sys
s = smtplib.SMTP("localhost", int(sys.argv[1]), timeout=20)
try:
    s.starttls(context=ssl.create_default_context())
except (ssl.SSLError, OSError) as e:
    print("refused:", e)' "$ICPT_PORT" >"$TMPD/distrust.client" 2>&1
icpt_wait distrust
check_grep "untrusting client: its handshake fails" '^refused:' \
    "$TMPD/distrust.client"
check_grep "untrusting client: the CA file to give it is named" \
    "does not trust the intercept CA fails so: give it $CA\$" \
    "$TMPD/distrust.out"
check "untrusting client: --once exit status 3" [ "$rc" -eq 3 ]

# 7. The CA is never overwritten; broken or half CAs are clear errors.
cp "$CA" "$TMPD/ca.save"
printf 'garbage\n' >"$CA"
run_ss broken --intercept 127.0.0.1:0 --once "$PLAIN"
check_rc "broken CA: exit 2" 2
check_grep "broken CA: the file is named" "intercept CA certificate .*broken" \
    "$TMPD/broken.err"
check_grep "broken CA: left as it was" '^garbage$' "$CA"
rm -f "$CA"
run_ss half --intercept 127.0.0.1:0 --once "$PLAIN"
check_rc "CA key without its certificate: exit 2" 2
check_grep "CA key without its certificate: said" 'incomplete' \
    "$TMPD/half.err"
check "CA key without its certificate: key kept" [ -s "$CAKEY" ]

# 7b. First use by several at once (parallel jobs sharing a home): one
# makes the CA, the others wait for it and load it; all come up.
RACE=$TMPD/race
for i in 1 2 3 4; do
	XDG_DATA_HOME=$RACE timeout 3 "$SMTPSCOPE" --intercept 127.0.0.1:0 \
	    "$PLAIN" >"$TMPD/race$i.out" 2>"$TMPD/race$i.err" &
done
wait
n=$(cat "$TMPD"/race?.out | grep -c '^intercepting on')
check "four started at once on a new CA: all came up" [ "$n" -eq 4 ]
n=$(cat "$TMPD"/race?.err | grep -c 'made a local CA')
check "four started at once on a new CA: one made it" [ "$n" -eq 1 ]
cat "$TMPD"/race?.err >"$TMPD/race.err"
check_nogrep "four started at once on a new CA: no error" \
    'cannot|incomplete|broken' "$TMPD/race.err"

# 8. Usage errors.
run_ss nourl --intercept 127.0.0.1:0
check_rc "--intercept without an upstream: exit 2" 2
run_ss badlisten --intercept 'ftp://x:1' "$PLAIN"
check_rc "--intercept with a bad LISTEN: exit 2" 2
run_ss onceonly --once "$PLAIN"
check_rc "--once alone: exit 2" 2

cat "$TMPD"/*.err >"$TMPD/all-err"
check_nogrep "no sanitizer reports" 'Sanitizer|runtime error' "$TMPD/all-err"

done_testing
