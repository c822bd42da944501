#!/bin/sh
# mx://DOMAIN against a local signed DNS (tests/dns/lib.sh, Knot): MX
# order and failover (refused, 421 greeting, silent), equal preferences,
# implicit MX, null MX, and DANE: DANE-EE and DANE-TA matches, a
# mismatch (a TLS error with --dane), PKIX usages, unsigned zones, bogus
# answers.  The exchangers are the practice server (127.0.0.3) and
# tests/dns/mx_peers.py; all use one port, given in the URL.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/dns/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
command -v openssl >/dev/null 2>&1 || skip_all "openssl is needed"

# A CA and a server certificate for *.dane.test and *.plain.test.
C=$TMPD/certs
mkdir -p "$C"
{
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$C/ca.key" -out "$C/ca.pem" -days 30 \
	    -subj "/CN=smtpscope test CA" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$C/leaf.key" -out "$C/leaf.csr" -subj "/CN=ee-mx.dane.test" &&
	printf 'subjectAltName=DNS:*.dane.test,DNS:*.plain.test\nbasicConstraints=CA:FALSE\n' >"$C/ext" &&
	openssl x509 -req -in "$C/leaf.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
	    -CAcreateserial -days 30 -extfile "$C/ext" -out "$C/leaf.pem" &&
	cat "$C/leaf.pem" "$C/ca.pem" >"$C/chain.pem"
} >"$TMPD/openssl.log" 2>&1 || skip_all "openssl cannot make certificates"
hex() { od -An -v -tx1 | tr -d ' \n'; }
EE_SPKI_SHA256=$(openssl x509 -in "$C/leaf.pem" -pubkey -noout |
    openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | hex)
EE_CERT_SHA512=$(openssl x509 -in "$C/leaf.pem" -outform DER |
    openssl dgst -sha512 -binary | hex)
CA_CERT_SHA256=$(openssl x509 -in "$C/ca.pem" -outform DER |
    openssl dgst -sha256 -binary | hex)

# The good exchanger: the practice server with that chain, on 127.0.0.3.
"$SMTPSCOPE" --serve 127.0.0.3:0 --cert "$C/chain.pem" --key "$C/leaf.key" \
    >"$TMPD/practice.out" 2>"$TMPD/practice.err" </dev/null &
PR_PID=$!
stop_pr() { kill "$PR_PID" 2>/dev/null; wait "$PR_PID" 2>/dev/null; }
on_exit stop_pr
wait_for 20 grep -q '^listening on 127\.0\.0\.3:' "$TMPD/practice.out" ||
	skip_all "cannot listen on 127.0.0.3: $(cat "$TMPD/practice.err")"
PORT=$(sed -n 's/^listening on 127\.0\.0\.3:\([0-9]*\)$/\1/p' "$TMPD/practice.out")
python3 "$top_srcdir/tests/dns/mx_peers.py" "$PORT" "$TMPD/peers" \
    >"$TMPD/peers.log" 2>&1 &
PEERS_PID=$!
stop_peers() { kill "$PEERS_PID" 2>/dev/null; wait "$PEERS_PID" 2>/dev/null; }
on_exit stop_peers
wait_for 10 test -s "$TMPD/peers" ||
	skip_all "cannot listen on 127.0.0.4/5: $(tail -1 "$TMPD/peers.log")"
GOOD=127.0.0.3 BUSY=127.0.0.4 DROP=127.0.0.5 DEAD=127.0.0.2

# More exchangers for the TLSA cases, on the same port: 127.0.0.6 with an
# expired certificate (DANE-EE does not look at dates), 127.0.0.7 with a
# chain through an intermediate CA (DANE-TA 2 1 1 names the intermediate).
command -v certtool >/dev/null 2>&1 || skip_all "certtool is needed"
{
	printf 'cn = "old-mx.dane.test"\ndns_name = "old-mx.dane.test"\nactivation_date = "2020-01-01 00:00:00"\nexpiration_date = "2020-02-01 00:00:00"\ntls_www_server\n' >"$C/old.tmpl" &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$C/old.key" &&
	certtool --generate-certificate --load-privkey "$C/old.key" \
	    --load-ca-certificate "$C/ca.pem" --load-ca-privkey "$C/ca.key" \
	    --template "$C/old.tmpl" --outfile "$C/old.pem" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$C/inter.key" -out "$C/inter.csr" -subj "/CN=smtpscope test intermediate" &&
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$C/inter.ext" &&
	openssl x509 -req -in "$C/inter.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
	    -CAcreateserial -days 30 -extfile "$C/inter.ext" -out "$C/inter.pem" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$C/leaf2.key" -out "$C/leaf2.csr" -subj "/CN=inter-mx.dane.test" &&
	openssl x509 -req -in "$C/leaf2.csr" -CA "$C/inter.pem" -CAkey "$C/inter.key" \
	    -CAcreateserial -days 30 -extfile "$C/ext" -out "$C/leaf2.pem" &&
	cat "$C/leaf2.pem" "$C/inter.pem" >"$C/chain2.pem"
} >>"$TMPD/openssl.log" 2>&1 || skip_all "cannot make the other certificates: $(tail -3 "$TMPD/openssl.log")"
EE_CERT_FULL=$(openssl x509 -in "$C/leaf.pem" -outform DER | hex)
OLD_SPKI_SHA256=$(openssl x509 -in "$C/old.pem" -pubkey -noout |
    openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | hex)
INTER_SPKI_SHA256=$(openssl x509 -in "$C/inter.pem" -pubkey -noout |
    openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | hex)
for _a in 6:old.pem:old.key 7:chain2.pem:leaf2.key; do
	_ip=127.0.0.${_a%%:*}
	_r=${_a#*:}
	"$SMTPSCOPE" --serve "$_ip:$PORT" --cert "$C/${_r%%:*}" --key "$C/${_r#*:}" \
	    >"$TMPD/practice$_ip.out" 2>"$TMPD/practice$_ip.err" </dev/null &
	eval "PR_PID_${_a%%:*}=\$!"
	wait_for 20 grep -q "^listening on $_ip:" "$TMPD/practice$_ip.out" ||
		skip_all "cannot listen on $_ip:$PORT: $(cat "$TMPD/practice$_ip.err")"
done
stop_pr2() {
	kill "$PR_PID_6" "$PR_PID_7" 2>/dev/null
	wait "$PR_PID_6" "$PR_PID_7" 2>/dev/null
}
on_exit stop_pr2
OLD=127.0.0.6 INTER=127.0.0.7

dns_zone dane.test "$top_srcdir/tests/dns/test.zone" signed
dns_zone plain.test "$top_srcdir/tests/dns/plain.zone"
dns_start || skip_all "$DNS_WHY"
# shellcheck disable=SC2046
set -- $(dns_args)
DNS="$*"

printf 'EHLO me.test\nQUIT\n' >"$TMPD/s.txt"
printf 'EHLO me.test\nSTARTTLS\nEHLO me.test\nQUIT\n' >"$TMPD/tls.txt"
# shellcheck disable=SC2086
sc() { "$SMTPSCOPE" $DNS "$@"; }

# --- MX order and failover ---
check_run "failover: the fourth MX is used" 0 \
    sc --timeout 1 --script "$TMPD/s.txt" "mx://failover.dane.test:$PORT"
check_grep "the MX records are listed, DNSSEC secure" '^# failover\.dane\.test has 4 MX records \(looked up in [0-9]+ ms; DNSSEC: secure\)' "$TMPD/out"
check_grep "each MX with its preference and address" '^# MX 30 drop\.dane\.test: 127\.0\.0\.5$' "$TMPD/out"
check_grep "refused: said, and the next" '^# MX 10 dead\.dane\.test: connection refused .*; trying the next$' "$TMPD/out"
check_grep "421 greeting: said, and the next" '^# MX 20 busy\.dane\.test: greeted with "421 4\.3\.2 busy\.dane\.test too busy, try later" \(try later: RFC 5321 3\.8\); trying the next$' "$TMPD/out"
check_grep "silent: said, and the next" '^# MX 30 drop\.dane\.test: no answer from drop\.dane\.test port [0-9]+ within 1 s; trying the next$' "$TMPD/out"
check_grep "the chosen MX is named" '^# using MX 40 good\.dane\.test \(127\.0\.0\.3\)$' "$TMPD/out"
check_grep "the session goes on with it" '^S: 250-' "$TMPD/out"
order=$(grep -o '^# trying MX [0-9]*' "$TMPD/out" | awk '{print $4}' | tr '\n' ' ')
check "tried in order of preference ($order)" [ "$order" = "10 20 30 40 " ]

check_run "every MX fails: exit 3" 3 \
    sc --timeout 2 --script "$TMPD/s.txt" "mx://allbad.dane.test:$PORT"
check_grep "every MX fails: said in words" 'no mail exchanger of allbad\.dane\.test could be used \(2 tried\)' "$TMPD/err"

seen=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	sc --timeout 2 --script "$TMPD/s.txt" "mx://equal.dane.test:$PORT" >"$TMPD/eq" 2>&1
	seen="$seen $(sed -n 's/^# trying MX 10 \(good2*\)\.dane\.test$/\1/p' "$TMPD/eq" | head -1)"
done
case $seen in
*good2*) case $seen in *"good "*|*good) ok "equal preferences: both come first sometimes";; *) not_ok "equal preferences shuffled"; diag "$seen";; esac ;;
*) not_ok "equal preferences shuffled"; diag "$seen" ;;
esac

check_run "implicit MX: the address record" 0 \
    sc --timeout 2 --script "$TMPD/s.txt" "mx://implicit.dane.test:$PORT"
check_grep "implicit MX: said" '^# implicit\.dane\.test has no MX: using the address record \(RFC 5321 5\.1; DNSSEC: secure\)' "$TMPD/out"
check_grep "implicit MX: connected" '^S: 220 ' "$TMPD/out"

check_run "null MX: exit 3, nothing connected" 3 \
    sc --timeout 2 --script "$TMPD/s.txt" "mx://nomail.dane.test:$PORT"
check_grep "null MX: said in words" 'nomail\.dane\.test: this domain accepts no mail \(null MX "0 \.", RFC 7505\)' "$TMPD/err"
check_nogrep "null MX: nothing tried" '^# trying|^S:' "$TMPD/out"

check_run "no such domain: exit 3" 3 \
    sc --timeout 2 --script "$TMPD/s.txt" "mx://nosuch.dane.test:$PORT"
check_grep "no such domain: said" 'no such domain: nosuch\.dane\.test' "$TMPD/err"

# --- the whole class of MX answers ---
check_run "an MX naming an alias: followed" 0 \
    sc --timeout 2 --script "$TMPD/s.txt" "mx://cname.dane.test:$PORT"
check_grep "alias: the address of its target" '^# MX 10 alias\.dane\.test: 127\.0\.0\.3$' "$TMPD/out"
check_run "an MX without an address: the next" 0 \
    sc --timeout 2 --script "$TMPD/s.txt" "mx://noaddr.dane.test:$PORT"
check_grep "no address: said" '^# MX 10 noaddr-mx\.dane\.test: no address$' "$TMPD/out"
check_grep "no address: the next used" '^# using MX 20 good\.dane\.test ' "$TMPD/out"
check_run "an MX naming an address: skipped" 0 \
    sc --dane --timeout 2 --script "$TMPD/s.txt" "mx://iplit.dane.test:$PORT"
check_grep "an address as MX: said" '^# MX 10 127\.0\.0\.3 names an address, not a host \(RFC 1035 3\.3\.9\): mail servers ignore it' "$TMPD/out"
check_nogrep "an address as MX: never tried, no TLSA asked" 'trying MX 10|_tcp\.127\.0\.0\.3' "$TMPD/out"
check_grep "an address as MX: the next used" '^# using MX 20 good\.dane\.test ' "$TMPD/out"
check_run "IPv6 only, with -4: no exchanger, exit 3" 3 \
    sc -4 --timeout 2 --script "$TMPD/s.txt" "mx://v6only.dane.test:$PORT"
check_grep "IPv6 only with -4: said" '^# MX 10 v6-mx\.dane\.test: no IPv4 \(-4\) address$' "$TMPD/out"
check_run "IPv6 only (::1): tried there" 3 \
    sc --timeout 2 --script "$TMPD/s.txt" "mx://v6only.dane.test:$PORT"
check_grep "IPv6 only: ::1" '^# MX 10 v6-mx\.dane\.test: ::1$' "$TMPD/out"
check_run "IPv4 only, with -6: exit 3" 3 \
    sc -6 --timeout 2 --script "$TMPD/s.txt" "mx://v4only.dane.test:$PORT"
check_grep "IPv4 only with -6: said" 'no IPv6 \(-6\) address$' "$TMPD/out"
check_run "upper case and a final dot" 0 \
    sc --timeout 2 --script "$TMPD/s.txt" "mx://EE.Dane.TEST.:$PORT"
check_grep "upper case, final dot: the plain name" '^# ee\.dane\.test has 1 MX record ' "$TMPD/out"
check_grep "upper case, final dot: TLSA of the MX host" "^# TLSA _${PORT}\\._tcp\\.ee-mx\\.dane\\.test: 3 " "$TMPD/out"
check_run "mx://ADDRESS: usage error" 2 \
    sc --script "$TMPD/s.txt" "mx://127.0.0.3:$PORT"
check_grep "mx://ADDRESS: said" "mx:// wants a domain, not an address \\('127\\.0\\.0\\.3'\\): for the server at an address use smtp://127\\.0\\.0\\.3" "$TMPD/err"
U=$(printf '\303\274')
check_run "mx:// with an IDN: its A-label looked up (no such domain)" 3 \
    sc --timeout 2 --script "$TMPD/s.txt" "mx://B${U}cher.Dane.test:$PORT"
check_grep "IDN: the A-label said" "^smtpscope: B${U}cher\\.Dane\\.test is xn--bcher-kva\\.dane\\.test \\(IDNA\\)$" "$TMPD/err"
check_grep "IDN: the A-label asked about" '^# looking up the MX records of xn--bcher-kva\.dane\.test$' "$TMPD/out"
check_run "mx:// with a name IDNA refuses: usage error" 2 \
    sc --script "$TMPD/s.txt" "mx://ab--${U}.dane.test"
check_grep "not an IDN: said" "mx:// wants a domain name: 'ab--${U}\\.dane\\.test' is not a valid internationalised one \\(" "$TMPD/err"
printf ':connect mx://b%scher.dane.test\n' "$U" >"$TMPD/c.txt"
check_run ":connect mx://IDN in a script: its A-label" 3 \
    sc --timeout 2 --script "$TMPD/c.txt" "mx://implicit.dane.test:$PORT"
check_grep ":connect mx://IDN: said" "b${U}cher\\.dane\\.test is xn--bcher-kva\\.dane\\.test \\(IDNA\\)" "$TMPD/out"
check_run "mx:// with an escape in the name: usage error" 2 \
    sc --script "$TMPD/s.txt" "mx://a$(printf '\033')[2J.test"
check_nogrep "the escape not echoed raw" "$(printf '\033')" "$TMPD/err"
printf ':connect mx://127.0.0.3\n' >"$TMPD/c.txt"
check_run ":connect mx://ADDRESS in a script: refused" 2 \
    sc --timeout 2 --script "$TMPD/c.txt" "mx://implicit.dane.test:$PORT"
cat "$TMPD/out" "$TMPD/err" >"$TMPD/both"
check_grep ":connect mx://ADDRESS: said" ':connect: mx:// wants a domain, not an address' "$TMPD/both"

# --- DANE ---
check_run "DANE-EE match with --dane: no CA needed" 0 \
    sc --dane --timeout 2 --script "$TMPD/tls.txt" "mx://ee.dane.test:$PORT"
check_grep "TLSA records listed" "^# TLSA _${PORT}\\._tcp\\.ee-mx\\.dane\\.test: 3 1 1 [0-9a-f]{32}\\.\\.\\. \\(DNSSEC: secure\\)" "$TMPD/out"
check_grep "the SNI/verify name is the MX host" 'names: \*\.dane\.test' "$TMPD/out"
check_grep "DANE-EE: which record matched" '^# TLS: DANE: matched TLSA 3 [01] [12] [0-9a-f]+\.\.\. \(DANE-EE: the server.s (public key|certificate); names and dates are not checked' "$TMPD/out"
check_grep "PKIX failure does not matter under --dane" '^# TLS: verification: signed by an unknown authority \(the DANE match stands instead' "$TMPD/out"

check_run "DANE-EE match without --dane: PKIX decides (exit 4)" 4 \
    sc --timeout 2 --script "$TMPD/tls.txt" "mx://ee.dane.test:$PORT"
check_run "without --dane, with the CA: fine" 0 \
    sc --ca-file "$C/ca.pem" --timeout 2 --script "$TMPD/tls.txt" "mx://ee.dane.test:$PORT"
check_grep "without --dane: the DANE result is still said" '^# TLS: DANE: matched TLSA 3 ' "$TMPD/out"
check_grep "the name checked is the MX host" '^# TLS: verification: verified' "$TMPD/out"

check_run "DANE-TA match with --dane" 0 \
    sc --dane --timeout 2 --script "$TMPD/tls.txt" "mx://ta.dane.test:$PORT"
check_grep "DANE-TA: which record and certificate" '^# TLS: DANE: matched TLSA 2 0 1 [0-9a-f]+\.\.\. \(DANE-TA: certificate 1 of the chain is the anchor; the chain and the name ta-mx\.dane\.test verify\)' "$TMPD/out"

check_run "DANE mismatch with --dane: exit 4" 4 \
    sc --dane --timeout 2 --script "$TMPD/tls.txt" "mx://bad.dane.test:$PORT"
check_grep "mismatch: said in words" 'DANE: no TLSA record matched the server.s chain \(1 usable record\)' "$TMPD/err"
n=$(grep -c '^C: EHLO' "$TMPD/out")
check "mismatch: nothing sent after the failed handshake" [ "$n" -eq 1 ]
printf 'EHLO me.test\nMAIL FROM:<a@me.test>\nQUIT\n' >"$TMPD/mail.txt"
check_run "--dane with usable TLSA: no envelope before TLS (exit 4)" 4 \
    sc --dane --timeout 2 --script "$TMPD/mail.txt" "mx://ee.dane.test:$PORT"
check_grep "--dane: TLS required, said" '^# --dane: TLS is required now' "$TMPD/out"
check_nogrep "--dane: MAIL never sent in plaintext" '^C: MAIL' "$TMPD/out"
check_run "DANE mismatch without --dane: a warning, PKIX decides" 0 \
    sc --ca-file "$C/ca.pem" --timeout 2 --script "$TMPD/tls.txt" "mx://bad.dane.test:$PORT"
check_grep "mismatch without --dane: warned" '^# warning: DANE: no TLSA record matched' "$TMPD/out"

check_run "PKIX-EE only: DANE does not apply, --dane falls back to PKIX" 0 \
    sc --dane --ca-file "$C/ca.pem" --timeout 2 --script "$TMPD/tls.txt" "mx://pkix.dane.test:$PORT"
check_grep "PKIX usages: said to be unusable" 'no usable TLSA record \(1 PKIX-TA/PKIX-EE, unusable for SMTP by RFC 7672 3\.1\.3' "$TMPD/out"

check_run "MX in an unsigned zone: DANE does not apply" 0 \
    sc --dane --ca-file "$C/ca.pem" --timeout 2 --script "$TMPD/tls.txt" "mx://plain.test:$PORT"
check_grep "unsigned MX: said" 'the MX answer of plain\.test is not DNSSEC-secure \(insecure\): DANE does not apply' "$TMPD/out"
check_run "signed MX, unsigned host: DANE does not apply" 0 \
    sc --dane --ca-file "$C/ca.pem" --timeout 2 --script "$TMPD/tls.txt" "mx://insec.dane.test:$PORT"
check_grep "unsigned TLSA: no DNSSEC" "TLSA _${PORT}\\._tcp\\.mx\\.plain\\.test: no DNSSEC: DANE does not apply" "$TMPD/out"

# TLSA records of every kind.
check_run "TLSA 3 0 0, the whole certificate" 0 \
    sc --dane --timeout 2 --script "$TMPD/tls.txt" "mx://full.dane.test:$PORT"
check_grep "3 0 0: matched" '^# TLS: DANE: matched TLSA 3 0 0 [0-9a-f]{32}\.\.\. \(DANE-EE: the server.s certificate' "$TMPD/out"
check_run "several TLSA records, one matches" 0 \
    sc --dane --timeout 2 --script "$TMPD/tls.txt" "mx://multi.dane.test:$PORT"
check_grep "several: the one that matched" '^# TLS: DANE: matched TLSA 3 1 1 ' "$TMPD/out"
check_grep "several: each listed" "^# TLSA _${PORT}\\._tcp\\.multi-mx\\.dane\\.test: 4 0 1 " "$TMPD/out"
check_run "unknown usage, selector, type only: no usable record, PKIX" 0 \
    sc --dane --ca-file "$C/ca.pem" --timeout 2 --script "$TMPD/tls.txt" "mx://unknown.dane.test:$PORT"
check_grep "unknown: said" 'no usable TLSA record \(0 PKIX-TA/PKIX-EE, unusable for SMTP by RFC 7672 3\.1\.3; 3 of unknown parameters\)' "$TMPD/out"
check_run "unknown only, without a CA: PKIX decides (exit 4)" 4 \
    sc --dane --timeout 2 --script "$TMPD/tls.txt" "mx://unknown.dane.test:$PORT"
check_run "unknown only, MAIL before STARTTLS: TLS still required (exit 4)" 4 \
    sc --dane --ca-file "$C/ca.pem" --timeout 2 --script "$TMPD/mail.txt" "mx://unknown.dane.test:$PORT"
check_grep "unknown only: TLS required, said" '^# --dane: TLS is required now \(the TLSA records ask for it, though none of them is usable: RFC 7672 2\.2\)' "$TMPD/out"
check_nogrep "unknown only: MAIL never sent in plaintext" '^C: MAIL' "$TMPD/out"
check_run "DANE-EE with an expired certificate: dates do not count" 0 \
    sc --dane --timeout 2 --script "$TMPD/tls.txt" "mx://old.dane.test:$PORT"
check_grep "expired: matched" '^# TLS: DANE: matched TLSA 3 1 1 .*names and dates are not checked' "$TMPD/out"
check_run "DANE-TA 2 1 1 of the intermediate" 0 \
    sc --dane --timeout 2 --script "$TMPD/tls.txt" "mx://inter.dane.test:$PORT"
check_grep "intermediate: matched, certificate 1" '^# TLS: DANE: matched TLSA 2 1 1 [0-9a-f]+\.\.\. \(DANE-TA: certificate 1 of the chain is the anchor; the chain and the name inter-mx\.dane\.test verify\)' "$TMPD/out"

# --dane without mx://: the host's own TLSA records.
check_run "--dane on smtp://HOST: its TLSA records decide" 0 \
    sc --dane --starttls --timeout 2 --script "$TMPD/s.txt" "smtp://ee-mx.dane.test:$PORT"
check_grep "--dane on smtp://HOST: matched" '^# TLS: DANE: matched TLSA 3 ' "$TMPD/out"
check_run "--dane on smtp://HOST, mismatch: exit 4" 4 \
    sc --dane --starttls --timeout 2 --script "$TMPD/s.txt" "smtp://bad-mx.dane.test:$PORT"

# A trust anchor that does not fit: every answer of dane.test is bogus.
sed 's/ DS \([0-9]*\) / DS 1\1 /' "$DNS_TA" >"$TMPD/wrong.ds"
check_run "bogus DNSSEC: exit 3 with the reason" 3 \
    "$SMTPSCOPE" --dns "127.0.0.1:$DNS_PORT" --dns-trust-anchor "$TMPD/wrong.ds" \
    --timeout 2 --script "$TMPD/s.txt" "mx://ee.dane.test:$PORT"
check_grep "bogus: said in words" 'cannot look up the MX records of ee\.dane\.test: DNSSEC validation failed \(bogus\)' "$TMPD/err"

# A DNS server that never answers: exit 5 (man page, EXIT STATUS).
python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$TMPD/hole.port" &
HOLE_PID=$!
stop_hole() { kill "$HOLE_PID" 2>/dev/null; wait "$HOLE_PID" 2>/dev/null; }
on_exit stop_hole
wait_for 5 test -s "$TMPD/hole.port"
check_run "a DNS that never answers: exit 5" 5 \
    "$SMTPSCOPE" --dns "127.0.0.1:$(cat "$TMPD/hole.port")" --dns-trust-anchor "$DNS_TA" \
    --timeout 1 --script "$TMPD/s.txt" "mx://ee.dane.test:$PORT"
check_grep "a DNS that never answers: said" 'looking up the MX records of ee\.dane\.test: no answer from the DNS within 1 s' "$TMPD/err"
stop_hole

# --- options ---
check_run "--dns with a bad address: usage error" 2 \
    "$SMTPSCOPE" --dns nowhere --script "$TMPD/s.txt" "mx://ee.dane.test"
check_grep "--dns bad: said" "bad DNS server 'nowhere'" "$TMPD/err"
check_run "--dns-trust-anchor missing file: usage error" 2 \
    "$SMTPSCOPE" --dns-trust-anchor "$TMPD/none" --script "$TMPD/s.txt" "mx://ee.dane.test"
check_run "mx:// with a port and --dns picks the server (env unset)" 0 \
    env -u SMTPSCOPE_DNS_SERVER "$SMTPSCOPE" $DNS --timeout 2 --script "$TMPD/s.txt" "mx://implicit.dane.test:$PORT"

# --- through a recursive resolver, as with /etc/resolv.conf ---
# An unbound daemon that validates, stub zones to knotd; smtpscope asks
# it and validates again with its own trust anchor.
if dns_resolver RES; then
	# shellcheck disable=SC2046
	set -- $(dns_resolver_args RES)
	RDNS="$*"
	# shellcheck disable=SC2086
	rsc() { "$SMTPSCOPE" $RDNS "$@"; }
	check_run "resolver: failover to the fourth MX" 0 \
	    rsc --timeout 1 --script "$TMPD/s.txt" "mx://failover.dane.test:$PORT"
	check_grep "resolver: MX secure" '^# failover\.dane\.test has 4 MX records \(looked up in [0-9]+ ms; DNSSEC: secure\)' "$TMPD/out"
	order=$(grep -o '^# trying MX [0-9]*' "$TMPD/out" | awk '{print $4}' | tr '\n' ' ')
	check "resolver: tried in order ($order)" [ "$order" = "10 20 30 40 " ]
	# Thirty MX records, answered in a rotated order: the sixteen most
	# preferred are the ones tried, whatever came first.
	for _i in 1 2 3; do
		check_run "resolver: 30 MX records ($_i)" 0 \
		    rsc --timeout 2 --script "$TMPD/s.txt" "mx://many.dane.test:$PORT"
		check_grep "resolver: 30 MX: said ($_i)" '^# only the 16 most preferred of the 30 MX records are tried$' "$TMPD/out"
		_l=$(sed -n 's/^# MX \([0-9]*\) m[0-9]*\.dane\.test: .*/\1/p' "$TMPD/out" | sort -n | tr '\n' ' ')
		check "resolver: 30 MX: the 16 most preferred listed ($_i)" \
		    [ "$_l" = "10 20 30 40 50 60 70 80 90 100 110 120 130 140 150 160 " ]
		check_grep "resolver: 30 MX: the first one used ($_i)" '^# using MX 10 m01\.dane\.test ' "$TMPD/out"
	done
	check_run "resolver: null MX, exit 3" 3 \
	    rsc --timeout 2 --script "$TMPD/s.txt" "mx://nomail.dane.test:$PORT"
	check_grep "resolver: null MX said" 'accepts no mail \(null MX' "$TMPD/err"
	check_run "resolver: implicit MX" 0 \
	    rsc --timeout 2 --script "$TMPD/s.txt" "mx://implicit.dane.test:$PORT"
	check_grep "resolver: implicit MX said" '^# implicit\.dane\.test has no MX: using the address record \(RFC 5321 5\.1; DNSSEC: secure\)' "$TMPD/out"
	check_run "resolver: no such domain, exit 3" 3 \
	    rsc --timeout 2 --script "$TMPD/s.txt" "mx://nosuch.dane.test:$PORT"
	check_run "resolver: DANE-EE match with --dane" 0 \
	    rsc --dane --timeout 2 --script "$TMPD/tls.txt" "mx://ee.dane.test:$PORT"
	check_grep "resolver: DANE-EE matched" '^# TLS: DANE: matched TLSA 3 ' "$TMPD/out"
	check_run "resolver: DANE mismatch with --dane, exit 4" 4 \
	    rsc --dane --timeout 2 --script "$TMPD/tls.txt" "mx://bad.dane.test:$PORT"
	check_grep "resolver: mismatch said" 'DANE: no TLSA record matched' "$TMPD/err"
	check_run "resolver: unsigned zone, DANE does not apply" 0 \
	    rsc --dane --ca-file "$C/ca.pem" --timeout 2 --script "$TMPD/tls.txt" "mx://plain.test:$PORT"
	check_grep "resolver: unsigned said" 'the MX answer of plain\.test is not DNSSEC-secure \(insecure\): DANE does not apply' "$TMPD/out"
	check_run "resolver: our anchor does not fit, bogus: exit 3" 3 \
	    "$SMTPSCOPE" --dns "127.0.0.1:$RES" --dns-trust-anchor "$TMPD/wrong.ds" \
	    --timeout 2 --script "$TMPD/s.txt" "mx://ee.dane.test:$PORT"
	check_grep "resolver: bogus said" 'cannot look up the MX records of ee\.dane\.test: DNSSEC validation failed \(bogus\)' "$TMPD/err"
	check_run "resolver: --dane on smtp://HOST" 0 \
	    rsc --dane --starttls --timeout 2 --script "$TMPD/s.txt" "smtp://ee-mx.dane.test:$PORT"
	check_grep "resolver: --dane on smtp://HOST matched" '^# TLS: DANE: matched TLSA 3 ' "$TMPD/out"
	# A validating resolver that finds the zone bogus (here: its trust
	# anchor does not fit) answers SERVFAIL: the reason is said for each
	# exchanger, not just "no address".
	_ta=$DNS_TA
	DNS_TA=$TMPD/wrong.ds
	if dns_resolver RESBAD; then
		DNS_TA=$_ta
		check_run "resolver finds it bogus: exit 3" 3 \
		    "$SMTPSCOPE" --dns "127.0.0.1:$RESBAD" --dns-trust-anchor "$DNS_TA" \
		    --timeout 2 --script "$TMPD/s.txt" "mx://ee.dane.test:$PORT"
		check_grep "resolver finds it bogus: SERVFAIL said" '^# MX 10 ee-mx\.dane\.test: no address: the DNS server failed \(SERVFAIL; a validating resolver also answers so when the zone.s DNSSEC fails\)$' "$TMPD/out"
	else
		DNS_TA=$_ta
		ok "a resolver that finds the zone bogus # SKIP $DNS_WHY"
	fi
else
	ok "recursive resolver # SKIP $DNS_WHY"
fi

# A resolver that strips DNSSEC (no EDNS to knotd: no signatures come
# back).  With a trust anchor, signed answers cannot be told from forged
# ones: that is said in words, and --dane must not go on as if the zone
# were unsigned (RFC 7672 2.1.1: bogus is not insecure).
if dns_strip STRIP "$DNS_PORT"; then
	check_run "stripped: the MX look-up fails, exit 3" 3 \
	    "$SMTPSCOPE" --dns "127.0.0.1:$STRIP" --dns-trust-anchor "$DNS_TA" \
	    --timeout 2 --script "$TMPD/s.txt" "mx://ee.dane.test:$PORT"
	check_grep "stripped: said: no signatures" 'cannot look up the MX records of ee\.dane\.test: DNSSEC validation failed \(bogus\): .*\(the resolver returned no DNSSEC signatures' "$TMPD/err"
	check_run "stripped: --dane on smtp://HOST, exit 4" 4 \
	    "$SMTPSCOPE" --dns "127.0.0.1:$STRIP" --dns-trust-anchor "$DNS_TA" \
	    --dane --starttls --timeout 2 --script "$TMPD/s.txt" "smtp://ee-mx.dane.test:$PORT"
	check_grep "stripped: --dane said" 'DANE: the TLSA records of _[0-9]+\._tcp\.ee-mx\.dane\.test are bogus: .*the resolver returned no DNSSEC signatures' "$TMPD/err"
	check_nogrep "stripped: --dane: never 'does not apply'" 'DANE does not apply' "$TMPD/out"
	check_nogrep "stripped: --dane: nothing sent" '^C: ' "$TMPD/out"
else
	ok "DNSSEC-stripping resolver # SKIP $DNS_WHY"
fi

# A trust anchor file without a key would make everything "insecure".
: >"$TMPD/empty.ds"
check_run "--dns-trust-anchor with no key in it: usage error" 2 \
    "$SMTPSCOPE" --dns-trust-anchor "$TMPD/empty.ds" --dane --script "$TMPD/s.txt" "mx://ee.dane.test"
check_grep "no key: said" 'dns-trust-anchor .*empty\.ds: no DS or DNSKEY record in it' "$TMPD/err"

# The resolver's record API (TXT for MTA-STS and TLS-RPT, MX, TLSA).
if [ -x "${top_builddir:-.}/tests/unit/test_resolve" ]; then
	SMTPSCOPE_TEST_DNS_TA=$DNS_TA SMTPSCOPE_TEST_MX_PORT=$PORT "${top_builddir:-.}/tests/unit/test_resolve" >"$TMPD/unit.out" 2>&1
	check "resolver record queries against the test zone" [ $? -eq 0 ]
	grep '^not ok' "$TMPD/unit.out" | sed 's/^/# /'
fi

done_testing
