#!/bin/sh
# A domain checked end to end with mx://: the signed zone
# tests/dns/sts.zone on Knot (tests/dns/lib.sh), the MTA-STS policy server
# (tests/integration/mtasts_server.py) and the practice server as the
# exchanger, all with the test PKI (tests/integration/certs.sh).  The MX
# records are listed, the _mta-sts and _smtp._tls records looked up, the
# policy fetched and the exchangers matched: an enforce policy that
# matches, one that does not (a warning; the session goes on), testing
# mode, no policy; DANE-EE and --tls-report on the exchanger chosen.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/certs.sh"
. "$top_srcdir/tests/dns/lib.sh"
for tool in certtool openssl python3; do
	command -v $tool >/dev/null 2>&1 || skip_all "$tool is needed"
done
P=$TMPD/pki
make_pki "$P" || skip_all "certtool failed: $(tail -3 "$P/certtool.log")"
python3 "$top_srcdir/tests/integration/mtasts_server.py" "$TMPD/state" \
    "$P/mtasts-chain.pem" "$P/mtasts.key" "$TMPD/requests.log" \
    >"$TMPD/server.log" 2>&1 &
SRV_PID=$!
stop_srv() { kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; }
on_exit stop_srv
wait_for 10 test -s "$TMPD/state" ||
	skip_all "the policy server did not start: $(tail -1 "$TMPD/server.log")"
read -r SMTPSCOPE_MTASTS_PORT <"$TMPD/state"
export SMTPSCOPE_MTASTS_PORT
start_practice --cert "$P/chain.pem" --key "$P/leaf.key" ||
	skip_all "the practice server did not start"
GOOD=127.0.0.1 PORT=$PRACTICE_PORT
EE_SPKI_SHA256=$(openssl x509 -in "$P/leaf.pem" -pubkey -noout |
    openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary |
    od -An -v -tx1 | tr -d ' \n')
dns_zone test "$top_srcdir/tests/dns/sts.zone" signed
dns_start || skip_all "$DNS_WHY"
# shellcheck disable=SC2046
set -- $(dns_args)
DNS="$*"
O=$TMPD/out
printf 'EHLO me.test\nSTARTTLS\nEHLO me.test\nQUIT\n' >"$TMPD/tls.txt"
printf 'EHLO me.test\nQUIT\n' >"$TMPD/s.txt"
# shellcheck disable=SC2086
sc() { "$SMTPSCOPE" $DNS --ca-file "$P/root.pem" --timeout 3 "$@"; }

check_run "enforce, the MX matches" 0 sc --dane --tls-report --script "$TMPD/tls.txt" \
    "mx://example.test:$PRACTICE_PORT"
check_grep "every MX with its preference" '^# MX 30 other\.example\.test: 127\.0\.0\.1$' "$O"
check_grep "the record" '^# MTA-STS: _mta-sts\.example\.test TXT: v=STSv1, id 20261206T000000$' "$O"
check_grep "the policy fetched" '^# MTA-STS: policy: fetched from https://mta-sts\.example\.test/\.well-known/mta-sts\.txt$' "$O"
check_grep "mode and max_age" '^# MTA-STS: mode enforce, max_age 604800 \(7 days\)' "$O"
check_grep "the chosen MX matches" '^# MTA-STS: mx\.example\.test matches mx mx\.example\.test$' "$O"
check_grep "the other exchangers" '^# MTA-STS: the other exchangers: backup\.mx\.example\.test matches, other\.example\.test does not$' "$O"
check_grep "TLS-RPT: where reports go" '^# MTA-STS: _smtp\._tls\.example\.test TXT: v=TLSRPTv1, TLS reports go to mailto:tlsrpt@example\.test, https://report\.example\.test/v1$' "$O"
check_nogrep "no warning" 'must not deliver' "$O"
check_grep "before the greeting" '^S: 220 ' "$O"
check "the policy notes come before the greeting" \
    test "$(grep -n 'MTA-STS: policy: fetched' "$O" | cut -d: -f1)" -lt \
    "$(grep -n '^S: 220 ' "$O" | head -1 | cut -d: -f1)"
check_grep "--tls-report: the chain" 'mx\.example\.test' "$O"
check_grep "--tls-report: the intermediate" 'smtpscope Test Intermediate' "$O"
check_grep "--tls-report: the anchor" 'smtpscope Test Root' "$O"
check_grep "TLS verified for the MX name" '^# TLS: verification: verified' "$O"
check_grep "DANE: the TLSA record" "^# TLSA _${PRACTICE_PORT}\\._tcp\\.mx\\.example\\.test: 3 1 1 " "$O"
check_grep "DANE: matched" '^# TLS: DANE: matched TLSA 3 1 1 ' "$O"

check_run "enforce, the MX does not match: warned, goes on" 0 \
    sc --script "$TMPD/s.txt" "mx://wrongmx.test:$PRACTICE_PORT"
check_grep "no match: said" '^# MTA-STS: mail\.wrongmx\.test matches no mx line: a sender must not deliver there$' "$O"
check_grep "no match: a warning" '^# warning: MTA-STS: the policy of wrongmx\.test is in enforce mode and mail\.wrongmx\.test matches none of its mx lines' "$O"
check_grep "no match: the session went on" '^S: 221 ' "$O"

check_run "testing, not listed" 0 sc --script "$TMPD/s.txt" \
    "mx://testing.test:$PRACTICE_PORT"
check_grep "testing: said" '^# MTA-STS: mail\.testing\.test matches no mx line: a sender delivers anyway and reports it$' "$O"
check_nogrep "testing: no warning" 'warning: MTA-STS' "$O"
check_grep "testing: bad TLS-RPT said" '^# MTA-STS: _smtp\._tls\.testing\.test TXT: not valid: ' "$O"

_n=$(wc -l <"$TMPD/requests.log")
check_run "no policy" 0 sc --script "$TMPD/s.txt" "mx://bare.test:$PRACTICE_PORT"
check_grep "no policy: one line" '^# MTA-STS: _mta-sts\.bare\.test TXT: .*the domain has no MTA-STS policy$' "$O"
check_grep "no policy: no TLS-RPT" '^# MTA-STS: _smtp\._tls\.bare\.test TXT: none' "$O"
check "no policy: nothing fetched" test "$(wc -l <"$TMPD/requests.log")" -eq "$_n"

check_run "the policy server never answers: a note, no hang" 0 \
    sc --script "$TMPD/s.txt" "mx://slow.test:$PRACTICE_PORT"
check_grep "policy server silent: said" '^# MTA-STS: policy: .*no complete answer within 3 s$' "$O"

# :connect: another target in the same session; a domain alone is mx://.
printf 'EHLO me.test\n:connect mx://wrongmx.test:%s\nEHLO me.test\nQUIT\n' \
    "$PRACTICE_PORT" >"$TMPD/c.txt"
check_run ":connect mx://DOMAIN:PORT" 0 sc --script "$TMPD/c.txt" \
    "127.0.0.1:$PRACTICE_PORT"
check_grep ":connect: the new target said" "^# new target: mx://wrongmx\\.test:$PRACTICE_PORT\$" "$O"
check_grep ":connect: the MTA-STS warning" '^# warning: MTA-STS: the policy of wrongmx\.test' "$O"
check "two greetings, two sessions" test "$(grep -c '^S: 220 practice' "$O")" -eq 2
printf ':connect bare.test\n' >"$TMPD/c2.txt"
sc --timeout 1 --script "$TMPD/c2.txt" "127.0.0.1:$PRACTICE_PORT" >"$O" 2>&1
check_grep ":connect DOMAIN: its exchangers, port 25" '^# connecting to the mail exchangers of bare\.test port 25$' "$O"
check_grep ":connect DOMAIN: the MX listed" '^# MX 10 mx\.bare\.test: 127\.0\.0\.1$' "$O"
printf ':connect 127.0.0.1\n' >"$TMPD/c3.txt"
sc --timeout 1 --script "$TMPD/c3.txt" "127.0.0.1:$PRACTICE_PORT" >"$O" 2>&1
check_grep ":connect ADDRESS: not a domain" '^# new target: smtp://127\.0\.0\.1:25$' "$O"
printf ':connect nonsense://x\n' >"$TMPD/c4.txt"
check_run ":connect with a bad URL: exit 2" 2 sc --script "$TMPD/c4.txt" \
    "127.0.0.1:$PRACTICE_PORT"
check_grep ":connect with a bad URL: said" "unknown URL scheme in 'nonsense://x'" "$O"
done_testing
