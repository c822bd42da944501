#!/bin/sh
# --mta-sts DOMAIN against a local HTTPS policy server
# (tests/integration/mtasts_server.py) with a certificate from the test
# PKI and the signed zone tests/dns/sts.zone on Knot (tests/dns/lib.sh):
# the _mta-sts and _smtp._tls TXT records (none, only others, two, a bad
# one); enforce, testing and none policies, chunked, a matching, a
# wildcard and a non-matching MX; a redirect, text/html, a body over
# 64 KiB, a 404, a bad policy, a wrong certificate name, an unknown
# issuer, no such host and a server that never answers all fail in words.
# SMTPSCOPE_MTASTS_PORT is the test hook for the policy URL's port.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/certs.sh"
. "$top_srcdir/tests/dns/lib.sh"
for tool in certtool python3; do
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
read -r HTTPS <"$TMPD/state"
SMTPSCOPE_MTASTS_PORT=$HTTPS
export SMTPSCOPE_MTASTS_PORT
# No SMTP here: any port and digest will do.
GOOD=127.0.0.1 PORT=25 EE_SPKI_SHA256=$(printf '%064d' 1)
dns_zone test "$top_srcdir/tests/dns/sts.zone" signed
dns_start || skip_all "$DNS_WHY"
# shellcheck disable=SC2046
set -- $(dns_args)
DNS="$*"
O=$TMPD/out
# shellcheck disable=SC2086
sts() { "$SMTPSCOPE" $DNS --ca-file "$P/root.pem" --timeout 3 --mta-sts "$@"; }

check_run "enforce, MX listed" 0 sts example.test --mta-sts-mx mx.example.test
check_grep "enforce: fetched from the well-known URL" '^policy: fetched from https://mta-sts\.example\.test/\.well-known/mta-sts\.txt$' "$O"
check_grep "enforce: mode and max_age" '^mode enforce, max_age 604800 \(7 days\): ' "$O"
check_grep "enforce: the mx lines" '^mx: \*\.mx\.example\.test$' "$O"
check_grep "enforce: the MX matches" '^mx\.example\.test matches mx mx\.example\.test$' "$O"
check_grep "enforce: the record" '^_mta-sts\.example\.test TXT: v=STSv1, id 20261206T000000$' "$O"
check_grep "enforce: TLS-RPT, both addresses" '^_smtp\._tls\.example\.test TXT: v=TLSRPTv1, TLS reports go to mailto:tlsrpt@example\.test, https://report\.example\.test/v1$' "$O"
check_grep "the request: GET, HTTP/1.1, Host" '^GET /\.well-known/mta-sts\.txt HTTP/1\.1 \| Host: mta-sts\.example\.test$' "$TMPD/requests.log"
check_run "enforce, wildcard MX" 0 sts example.test --mta-sts-mx A.MX.example.test.
check_grep "wildcard: matches" 'matches mx \*\.mx\.example\.test$' "$O"
check_run "enforce, two labels under the wildcard" 1 sts example.test \
    --mta-sts-mx a.b.mx.example.test
check_grep "two labels: no match, in words" '^a\.b\.mx\.example\.test matches no mx line: a sender must not deliver there$' "$O"
check_run "enforce, another MX" 1 sts example.test --mta-sts-mx mx.evil.test
check_run "enforce, no MX given" 0 sts example.test
check_nogrep "no MX given: no match line" 'matches' "$O"
check_run "chunked" 0 sts chunked.test --mta-sts-mx mx.example.test
check_grep "chunked: parsed" '^mode enforce, max_age 604800' "$O"
check_run "testing, MX not listed" 1 sts testing.test --mta-sts-mx mx.example.test
check_grep "testing: said" '^mode testing, max_age 86400 \(1 day\): ' "$O"
check_grep "testing: delivered anyway" 'a sender delivers anyway and reports it$' "$O"
check_run "none" 0 sts none.test --mta-sts-mx anything.test
check_grep "none: said" '^mode none, max_age 86400 \(1 day\): no policy applies$' "$O"

check_run "redirect refused" 3 sts redirect.test
check_grep "redirect: not followed" 'HTTP 301 redirect to https://mta-sts\.example\.test/\.well-known/mta-sts\.txt: not followed \(RFC 8461 3\.3\)$' "$O"
_n=$(grep -c 'Host: mta-sts\.example\.test' "$TMPD/requests.log")
check_run "redirect: asked again" 3 sts redirect.test
check "redirect: the target was never fetched" \
    test "$(grep -c 'Host: mta-sts\.example\.test' "$TMPD/requests.log")" -eq "$_n"
check_run "text/html refused" 3 sts html.test
check_grep "text/html: said" 'Content-Type is text/html, not text/plain' "$O"
check_run "too big refused" 3 sts big.test
check_grep "too big: said" 'more than 65536' "$O"
check_run "404" 3 sts missing.test
check_grep "404: said" 'HTTP status 404, not 200' "$O"
check_run "bad policy" 1 sts bad.test
check_grep "bad policy: said" '^policy: not valid: line 2: mode is "strict", not enforce, testing or none$' "$O"
check_run "certificate for other names" 3 sts other.test
check_grep "wrong name: in words" 'mta-sts\.other\.test: TLS: certificate verification failed: name mismatch' "$O"
check_run "unknown issuer" 3 "$SMTPSCOPE" $DNS --timeout 3 --mta-sts example.test
check_grep "unknown issuer: in words" 'signed by an unknown authority' "$O"
check_run "no such host" 3 sts nowhere.test
check_grep "no such host: said" 'cannot reach mta-sts\.nowhere\.test: ' "$O"

# The TXT records decide whether there is a policy at all.
_n=$(wc -l <"$TMPD/requests.log")
check_run "no TXT record: no policy" 1 sts bare.test
check_grep "no TXT record: said" '^_mta-sts\.bare\.test TXT: no TXT record begins with "v=STSv1": the domain has no MTA-STS policy$' "$O"
check_grep "no TLS-RPT record: said" '^_smtp\._tls\.bare\.test TXT: none: the domain asks for no TLS reports \(TLS-RPT\)$' "$O"
U=$(printf '\303\274')
check_run "an IDN: its A-label asked about (no record)" 1 sts "B${U}cher.test"
check_grep "an IDN: the A-label said" "^B${U}cher\\.test is xn--bcher-kva\\.test \\(IDNA\\)$" "$O"
check_grep "an IDN: the A-label's record" '^_mta-sts\.xn--bcher-kva\.test TXT: ' "$O"
check_run "a name IDNA refuses: usage error" 2 sts "ab--${U}.test"
check_grep "not an IDN: said" "^smtpscope: --mta-sts wants a domain name: 'ab--${U}\\.test' is not a valid internationalised one" "$TMPD/err"
check_run "only other TXT records: no policy" 1 sts nopolicy.test
check_grep "only others: said" 'the domain has no MTA-STS policy$' "$O"
check_grep "two TLS-RPT records: none" '^_smtp\._tls\.nopolicy\.test TXT: not valid: 2 records begin with "v=TLSRPTv1"; RFC 8460 3 says that means none; no TLS reports$' "$O"
check_run "two records: no policy" 1 sts twice.test
check_grep "two records: said" '2 TXT records begin with "v=STSv1"; RFC 8461 3\.1 says that means no policy$' "$O"
check_run "a bad record" 1 sts badrec.test
check_grep "a bad record: said" '^_mta-sts\.badrec\.test TXT: .*id' "$O"
check "no record, no fetch" test "$(wc -l <"$TMPD/requests.log")" -eq "$_n"
check_run "malformed TLS-RPT: no matter for the policy" 0 sts testing.test
check_grep "malformed TLS-RPT: said" '^_smtp\._tls\.testing\.test TXT: not valid: ' "$O"
check_run "the DNS does not answer" 3 "$SMTPSCOPE" --dns 127.0.0.1:9 \
    --dns-trust-anchor "$DNS_TA" --timeout 1 --mta-sts example.test
check_grep "the DNS does not answer: said" '^_mta-sts\.example\.test TXT: cannot look up: .*; no policy checked$' "$O"
check_run "never answers" 3 "$SMTPSCOPE" $DNS --ca-file "$P/root.pem" --timeout 1 \
    --mta-sts slow.test
check_grep "never answers: timeout" 'mta-sts\.slow\.test: no complete answer within 1 s$' "$O"

# Through a recursive resolver (unbound, stub zones to knotd), as with
# /etc/resolv.conf; and through one that strips DNSSEC, which MTA-STS
# does not need (RFC 8461 relies on HTTPS, not on DNSSEC).
if dns_resolver RES; then
	# shellcheck disable=SC2046
	set -- $(dns_resolver_args RES)
	RDNS="$*"
	# shellcheck disable=SC2086
	rsts() { "$SMTPSCOPE" $RDNS --ca-file "$P/root.pem" --timeout 3 --mta-sts "$@"; }
	check_run "resolver: enforce, MX listed" 0 rsts example.test --mta-sts-mx mx.example.test
	check_grep "resolver: the record" '^_mta-sts\.example\.test TXT: v=STSv1, id 20261206T000000$' "$O"
	check_grep "resolver: fetched" '^policy: fetched from https://mta-sts\.example\.test/' "$O"
	check_run "resolver: another MX" 1 rsts example.test --mta-sts-mx mx.evil.test
	check_run "resolver: no TXT record" 1 rsts bare.test
	check_grep "resolver: no TXT record said" 'the domain has no MTA-STS policy$' "$O"
	check_run "resolver: two records" 1 rsts twice.test
else
	ok "recursive resolver # SKIP $DNS_WHY"
fi
if dns_strip STRIP "$DNS_PORT"; then
	check_run "stripped: enforce, MX listed" 0 "$SMTPSCOPE" --dns "127.0.0.1:$STRIP" \
	    --dns-trust-anchor "$DNS_TA" --ca-file "$P/root.pem" --timeout 3 \
	    --mta-sts example.test --mta-sts-mx mx.example.test
	check_grep "stripped: the record" '^_mta-sts\.example\.test TXT: v=STSv1, id 20261206T000000' "$O"
else
	ok "DNSSEC-stripping resolver # SKIP $DNS_WHY"
fi

check_run "TXT records in several strings" 0 sts split.test --mta-sts-mx mx.example.test
check_grep "several strings: one record" '^_mta-sts\.split\.test TXT: v=STSv1, id 13$' "$O"
check_grep "several strings: TLS-RPT too" '^_smtp\._tls\.split\.test TXT: v=TLSRPTv1, TLS reports go to mailto:r@split\.test$' "$O"

# Upper case and a final dot: the same domain, the same policy host.
check_run "upper case, final dot" 0 sts Example.TEST. --mta-sts-mx MX.example.test.
check_grep "upper case, final dot: the usual URL" '^policy: fetched from https://mta-sts\.example\.test/\.well-known/mta-sts\.txt$' "$O"
check_grep "upper case, final dot: matched" 'matches mx mx\.example\.test$' "$O"

check_run "bad domain" 2 sts 'exa mple.test'
check_grep "bad domain: said" 'wants a domain name' "$TMPD/err"
check_run "--mta-sts-mx alone" 2 "$SMTPSCOPE" --mta-sts-mx mx.example.test
check_run "--mta-sts with a target" 2 sts example.test 127.0.0.1
done_testing
