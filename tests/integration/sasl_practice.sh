#!/bin/sh
# GNU SASL mechanisms against the practice server (--serve): SCRAM-SHA-256
# offline, SCRAM-SHA-256-PLUS bound to tls-exporter (TLS 1.3) and
# tls-unique (TLS 1.2), EXTERNAL with a client certificate (--cert/--key),
# and the refusals: -PLUS before STARTTLS, EXTERNAL without a certificate.
. "$top_srcdir/tests/lib.sh"

command -v certtool >/dev/null 2>&1 ||
    skip_all "certtool (gnutls-bin) is needed for the client certificate"
start_practice || { not_ok "practice server started"; done_testing; }
ok "practice server started"
URL=smtp://127.0.0.1:$PRACTICE_PORT
printf 'demo\n' >"$TMPD/pw"

# sc NAME WANT_EXIT [ARGS...] < script: run it, check the exit status.
sc() {
	_n=$1; _w=$2; shift 2
	cat >"$TMPD/$_n.scr"
	"$SMTPSCOPE" --timeout 15 --insecure --script "$TMPD/$_n.scr" \
	    --log "$TMPD/$_n.log" "$@" "$URL" >"$TMPD/$_n.out" 2>"$TMPD/$_n.err"
	_got=$?
	if [ "$_got" -eq "$_w" ]; then
		ok "$_n: exit $_w"
	else
		not_ok "$_n: exit $_got, want $_w"
		tail -n 30 "$TMPD/$_n.out" "$TMPD/$_n.err" | sed 's/^/#   /'
	fi
}

# 1. SCRAM-SHA-256 without TLS: it never shows the password.
sc scram 0 --password-file "$TMPD/pw" <<EOF
EHLO learner.test
:expect 250
:auth scram-sha-256 demo
:expect 235
QUIT
EOF
check_grep "SCRAM-SHA-256 advertised in plaintext" \
    '^S: 250-AUTH .* SCRAM-SHA-256$' "$TMPD/scram.out"
check_grep "salt explained" '^# - salt s=: .* \(base64 of 12 octets\)' \
    "$TMPD/scram.out"
check_grep "iteration count explained" '^# - iteration count i=: 4096' \
    "$TMPD/scram.out"
check_grep "proof masked" '^C: \*\*\*\*\*\*\*\* \(c=biws,r=[^,]*,p=\*\*\*\*\*\*\*\*\)$' \
    "$TMPD/scram.out"
check_grep "server signature checked" "checked: the server's proof matches" \
    "$TMPD/scram.out"
check_nogrep "no unmasked proof in the --log" 'p=[A-Za-z0-9+/]' \
    "$TMPD/scram.log"
check_grep "server log: logged in" 'authenticated as demo' \
    "$TMPD/practice.err"
check_nogrep "no -PLUS before TLS" 'SCRAM-SHA-256-PLUS' "$TMPD/scram.out"

# 2. A wrong password: 535, and the client cancels nothing by itself.
printf 'nope\n' >"$TMPD/bad"
sc scram-bad 1 --password-file "$TMPD/bad" <<EOF
EHLO learner.test
:auth scram-sha-256 demo
:expect 235
EOF
check_grep "wrong password: 535" '^S: 535 ' "$TMPD/scram-bad.out"

# 3. -PLUS before STARTTLS is refused before anything is sent (exit 4, TLS).
sc plus-early 4 --password-file "$TMPD/pw" <<EOF
EHLO learner.test
:auth scram-sha-256-plus demo
:expect 235
EOF
check_grep "-PLUS before TLS: says STARTTLS first" 'send STARTTLS first' \
    "$TMPD/plus-early.err"
check_nogrep "-PLUS before TLS: no AUTH sent" '^C: AUTH' \
    "$TMPD/plus-early.out"

# 4. SCRAM-SHA-256-PLUS over TLS 1.3: tls-exporter.
sc plus13 0 --password-file "$TMPD/pw" <<EOF
EHLO learner.test
STARTTLS
:expect 220
EHLO learner.test
:expect 250
:auth scram-sha-256-plus demo
:expect 235
QUIT
EOF
check_grep "TLS 1.3 binding is tls-exporter" \
    'binding to this TLS session with its tls-exporter data' "$TMPD/plus13.out"
check_grep "gs2 header asks for tls-exporter" \
    '^C: AUTH SCRAM-SHA-256-PLUS [^ ]+  \(p=tls-exporter,,n=demo,' \
    "$TMPD/plus13.out"

# 5. And over TLS 1.2: tls-unique.
sc plus12 0 --password-file "$TMPD/pw" --tls-priority 'NORMAL:-VERS-TLS1.3' <<EOF
EHLO learner.test
STARTTLS
EHLO learner.test
:auth scram-sha-256-plus demo
:expect 235
QUIT
EOF
check_grep "TLS 1.2 binding is tls-unique" \
    'binding to this TLS session with its tls-unique data' "$TMPD/plus12.out"

# 6. EXTERNAL with a client certificate the handshake proved.
cat >"$TMPD/client.tmpl" <<EOF
cn = "learner.smtpscope.test"
expiration_days = 2
tls_www_client
signing_key
EOF
certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
    --outfile "$TMPD/client.key" >/dev/null 2>&1 &&
certtool --generate-self-signed --load-privkey "$TMPD/client.key" \
    --template "$TMPD/client.tmpl" --outfile "$TMPD/client.pem" \
    >/dev/null 2>&1
check "client certificate made" test -s "$TMPD/client.pem"
sc external 0 --cert "$TMPD/client.pem" --key "$TMPD/client.key" <<EOF
EHLO learner.test
STARTTLS
EHLO learner.test
:expect 250
:auth external
:expect 235
QUIT
EOF
check_grep "EXTERNAL advertised to a client with a certificate" \
    '^S: 250-AUTH .* EXTERNAL$' "$TMPD/external.out"
check_grep "EXTERNAL sends an empty initial response" \
    '^C: AUTH EXTERNAL =  \(empty: ' "$TMPD/external.out"
check_grep "server log: logged in as the certificate's name" \
    'authenticated as learner\.smtpscope\.test' "$TMPD/practice.err"

# 7. Without a certificate EXTERNAL is neither offered nor accepted.
sc noext 1 <<EOF
EHLO learner.test
STARTTLS
EHLO learner.test
AUTH EXTERNAL =
:expect 235
EOF
check_nogrep "no EXTERNAL without a certificate" 'EXTERNAL$' \
    "$TMPD/noext.out"
check_grep "AUTH EXTERNAL refused" '^S: 504 ' "$TMPD/noext.out"

# 8. EXTERNAL asking to act as someone else is refused.
sc external-other 1 --cert "$TMPD/client.pem" --key "$TMPD/client.key" <<EOF
EHLO learner.test
STARTTLS
EHLO learner.test
:auth external postmaster
:expect 235
EOF
check_grep "EXTERNAL as another identity: 535" '^S: 535 ' \
    "$TMPD/external-other.out"

done_testing
