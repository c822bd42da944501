#!/bin/sh
# The TLS report against real servers on loopback with a test PKI (root,
# intermediate, leaf made by certtool): the practice server sends leaf and
# intermediate over implicit TLS and STARTTLS, gnutls-serv staples OCSP
# responses (good, revoked, unknown, for another certificate) made with
# openssl.  The report names every
# certificate sent, the anchor, the SANs (an IP one too), the expiry in
# days, the protocol; an expired leaf and an unknown issuer are said in
# words; :tls and --log carry it; a hostile subject stays escaped.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/certs.sh"
for tool in certtool gnutls-serv openssl python3; do
	command -v $tool >/dev/null 2>&1 || skip_all "$tool is needed"
done
P=$TMPD/pki
make_pki "$P" || skip_all "certtool failed: $(tail -3 "$P/certtool.log")"
make_ocsp "$P" || skip_all "openssl ocsp failed: $(tail -3 "$P/ocsp.log")"

start_practice --serve-smtps 127.0.0.1:0 --cert "$P/chain.pem" \
    --key "$P/leaf.key" || skip_all "the practice server did not start"
# The old output must go first: start_practice may read it before the
# new server has truncated it.
restart_practice() { _stop_practice; rm -f "$TMPD/practice.out"; start_practice "$@"; }
TLSOPT="--ca-file $P/root.pem --sni mx.example.test"
printf 'EHLO me\nQUIT\n' >"$TMPD/s.txt"

# Implicit TLS, the chain verified.
check_run "smtps: --tls-report" 0 "$SMTPSCOPE" --tls-report $TLSOPT \
    --script "$TMPD/s.txt" "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
O=$TMPD/out
check_grep "report: protocol, cipher, group, MAC" '^# TLS: report: protocol TLS1\.[23], cipher [A-Z0-9-]+, key exchange .*, MAC ' "$O"
check_grep "report: not resumed" '^# TLS: report: new session \(not resumed\)$' "$O"
check_grep "report: two certificates sent" '^# TLS: report: certificates sent: 2$' "$O"
check_grep "report: the leaf" '^# TLS: report: \[0\] leaf: CN=mx\.example\.test$' "$O"
check_grep "report: the intermediate" '^# TLS: report: \[1\] intermediate: CN=smtpscope Test Intermediate' "$O"
check_grep "report: the leaf's issuer" '^# TLS: report:     issuer: CN=smtpscope Test Intermediate' "$O"
check_grep "report: expires in days" '^# TLS: report:     valid .* UTC to .* UTC \(expires in (89|90) days\)$' "$O"
check_grep "report: ECDSA P-256 key" '^# TLS: report:     key ECDSA P-256, signed with RSA-SHA256$' "$O"
check_grep "report: RSA 2048 CA" '^# TLS: report:     key RSA 2048, signed with RSA-SHA256, a CA$' "$O"
check_grep "report: SANs with an IP SAN" '^# TLS: report:     names: mx\.example\.test, mx2\.example\.test, IP 127\.0\.0\.1$' "$O"
check_grep "report: fingerprints" '^# TLS: report:     SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$' "$O"
check_grep "report: the anchor" '^# TLS: report: path: ends at the trusted CA CN=smtpscope Test Root,O=smtpscope tests \(from the trust store\)$' "$O"
check_grep "report: no OCSP staple" '^# TLS: report: OCSP staple: none stapled$' "$O"
check_grep "the session goes on" '^S: 221 ' "$O"
check_nogrep "the root was not sent" 'report: \[2\]' "$O"

# STARTTLS, TLS 1.2 by priority: the report comes after the upgrade.
check_run "STARTTLS, TLS 1.2: --tls-report" 0 "$SMTPSCOPE" --tls-report \
    $TLSOPT --starttls --tls-priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' \
    --script "$TMPD/s.txt" "127.0.0.1" "$PRACTICE_PORT"
check_grep "TLS 1.2: protocol and ECDHE" '^# TLS: report: protocol TLS1\.2, cipher [A-Z0-9-]+, key exchange ECDHE-ECDSA \(group [A-Z0-9]+\), MAC ' "$O"
check_grep "TLS 1.2: the chain" '^# TLS: report: certificates sent: 2$' "$O"
check_run "TLS 1.3 by priority" 0 "$SMTPSCOPE" --tls-report $TLSOPT \
    --tls-priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3' \
    --script "$TMPD/s.txt" "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
check_grep "TLS 1.3: protocol" '^# TLS: report: protocol TLS1\.3, .*key exchange \(EC\)DHE \(TLS1\.3\)' "$O"

# Without --tls-report, :tls writes it; before TLS it says why not; the
# log keeps the report lines.
printf ':tls\nEHLO me\nSTARTTLS\nEHLO me\n:tls\nQUIT\n' >"$TMPD/tls.txt"
check_run ":tls in a script" 0 "$SMTPSCOPE" $TLSOPT --log "$TMPD/log.txt" \
    --script "$TMPD/tls.txt" "127.0.0.1" "$PRACTICE_PORT"
check_grep ":tls before TLS says why not" 'no TLS handshake yet' "$TMPD/out"
check_grep ":tls writes the report" '^# TLS: report: certificates sent: 2$' "$O"
check_grep "--log keeps the report" '^# TLS: report: path: ends at the trusted CA CN=smtpscope Test Root' "$TMPD/log.txt"
# The HTML export puts the last report on top, from a live session and
# from a replayed log alike.
printf 'EHLO me\n:export %s\nQUIT\n' "$TMPD/live.html" >"$TMPD/ex.txt"
check_run ":export after --tls-report" 0 "$SMTPSCOPE" --tls-report $TLSOPT \
    --script "$TMPD/ex.txt" "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
check_grep ":export: a TLS report section" '<h2>TLS report</h2>' "$TMPD/live.html"
check_grep ":export: the anchor in it" '^path: ends at the trusted CA CN=smtpscope Test Root' "$TMPD/live.html"
check_run "--replay --export-html of the log" 0 "$SMTPSCOPE" \
    --replay "$TMPD/log.txt" --export-html "$TMPD/replayed.html"
check_grep "replayed export: the report" '^\[1\] intermediate: CN=smtpscope Test Intermediate' "$TMPD/replayed.html"
check_run "no report unless asked" 0 "$SMTPSCOPE" $TLSOPT \
    --script "$TMPD/s.txt" "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
check_nogrep "no report unless asked: none" 'report:' "$O"

# Anchored at the intermediate when that is the one trusted.
check_run "intermediate trusted" 0 "$SMTPSCOPE" --tls-report \
    --ca-file "$P/inter.pem" --sni mx.example.test \
    --script "$TMPD/s.txt" "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
check_grep "anchor: the intermediate" '^# TLS: report: path: ends at the trusted CA CN=smtpscope Test Intermediate' "$O"

# Unknown issuer (system trust only), and a name mismatch.
check_run "unknown issuer fails" 4 "$SMTPSCOPE" --tls-report \
    --sni mx.example.test --script "$TMPD/s.txt" \
    "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
check_grep "unknown issuer: the chain is still listed" '^# TLS: report: \[1\] intermediate' "$O"
check_grep "unknown issuer: in words" '^# TLS: report: path: ends at no trusted CA: signed by an unknown authority$' "$O"
check_run "name mismatch fails" 4 "$SMTPSCOPE" --tls-report \
    --ca-file "$P/root.pem" --sni other.example.test \
    --script "$TMPD/s.txt" "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
check_grep "name mismatch: in words" '^# TLS: report: path: reaches the trusted CA CN=smtpscope Test Root.*, but: name mismatch: certificate is for mx\.example\.test, mx2\.example\.test, not other\.example\.test$' "$O"

# An expired leaf: said in days, refused, and reported with --insecure.
restart_practice --serve-smtps 127.0.0.1:0 --cert "$P/expired-chain.pem" \
    --key "$P/leaf.key" || skip_all "the practice server did not start"
check_run "expired leaf fails" 4 "$SMTPSCOPE" --tls-report $TLSOPT \
    --script "$TMPD/s.txt" "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
check_grep "expired: days ago" '^# TLS: report:     valid 2019-01-01 00:00 UTC to 2020-01-01 00:00 UTC \(expired [0-9]+ days ago\)$' "$O"
check_grep "expired: the path says so" '^# TLS: report: path: reaches the trusted CA CN=smtpscope Test Root.*, but: .*expired on 2020-01-01 00:00 UTC' "$O"
check_run "expired leaf with --insecure" 0 "$SMTPSCOPE" --tls-report \
    $TLSOPT --insecure --script "$TMPD/s.txt" \
    "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
check_grep "--insecure: reported and goes on" '^# TLS: report: OCSP staple: none stapled$' "$O"

# OCSP stapling from gnutls-serv (it speaks no SMTP: the greeting never
# comes, so these runs end in a timeout after the report).
GS_PID=
stop_gs() { [ -n "$GS_PID" ] && kill "$GS_PID" 2>/dev/null; wait "$GS_PID" 2>/dev/null; GS_PID=; }
on_exit stop_gs
start_gs() {
	GS_PORT=$(free_port)
	gnutls-serv --echo -p "$GS_PORT" --x509certfile "$P/chain.pem" \
	    --x509keyfile "$P/leaf.key" "$@" >"$TMPD/gs.log" 2>&1 &
	GS_PID=$!
	wait_for 10 grep -q 'listening' "$TMPD/gs.log"
}
: >"$TMPD/none.txt"
start_gs --ocsp-response "$P/good.der" || skip_all "gnutls-serv did not start"
check_run "OCSP good: timeout after the report" 5 "$SMTPSCOPE" --timeout 1 \
    --tls-report $TLSOPT --script "$TMPD/none.txt" "smtps://127.0.0.1:$GS_PORT"
check_grep "OCSP good, with its updates" '^# TLS: report: OCSP staple: good, this update [0-9-]+ [0-9:]+ UTC, next update [0-9-]+ [0-9:]+ UTC$' "$O"
stop_gs
start_gs --ocsp-response "$P/revoked.der" --ignore-ocsp-response-errors ||
	skip_all "gnutls-serv did not start"
check_run "OCSP revoked: verification fails" 4 "$SMTPSCOPE" --timeout 2 \
    --tls-report $TLSOPT --script "$TMPD/none.txt" "smtps://127.0.0.1:$GS_PORT"
check_grep "OCSP revoked: the staple" '^# TLS: report: OCSP staple: revoked, this update ' "$O"
check_grep "OCSP revoked: the path" '^# TLS: report: path: reaches the trusted CA CN=smtpscope Test Root.*, but: revoked' "$O"
stop_gs
start_gs --ocsp-response "$P/unknown.der" --ignore-ocsp-response-errors ||
	skip_all "gnutls-serv did not start"
check_run "OCSP unknown: timeout after the report" 5 "$SMTPSCOPE" --timeout 1 \
    --tls-report $TLSOPT --script "$TMPD/none.txt" "smtps://127.0.0.1:$GS_PORT"
check_grep "OCSP unknown: in words" '^# TLS: report: OCSP staple: unknown to the responder, this update ' "$O"
stop_gs
start_gs --ocsp-response "$P/other.der" --ignore-ocsp-response-errors ||
	skip_all "gnutls-serv did not start"
check_run "OCSP for another certificate: verification fails" 4 "$SMTPSCOPE" \
    --timeout 2 --tls-report $TLSOPT --script "$TMPD/none.txt" \
    "smtps://127.0.0.1:$GS_PORT"
check_grep "OCSP for another certificate: not valid" '^# TLS: report: OCSP staple: not valid \(says good, but did not check out: ' "$O"
stop_gs
start_gs || skip_all "gnutls-serv did not start"
check_run "gnutls-serv without a staple" 5 "$SMTPSCOPE" --timeout 1 \
    --tls-report $TLSOPT --script "$TMPD/none.txt" "smtps://127.0.0.1:$GS_PORT"
check_grep "no staple: none stapled" '^# TLS: report: OCSP staple: none stapled$' "$O"
stop_gs

# A hostile subject: the escape byte never reaches the output raw.
ESC=$(printf '\033')
cat >"$P/evil.tmpl" <<EOT
cn = "evil${ESC}[31mred"
serial = 9
expiration_days = 30
dns_name = "mx.example.test"
tls_www_server
signing_key
EOT
certtool -c --load-privkey "$P/leaf.key" --load-ca-certificate "$P/inter.pem" \
    --load-ca-privkey "$P/inter.key" --template "$P/evil.tmpl" \
    --outfile "$P/evil.pem" >/dev/null 2>&1 && cat "$P/inter.pem" >>"$P/evil.pem"
if [ -s "$P/evil.pem" ]; then
	restart_practice --serve-smtps 127.0.0.1:0 --cert "$P/evil.pem" \
	    --key "$P/leaf.key" || skip_all "the practice server did not start"
	check_run "hostile subject" 0 "$SMTPSCOPE" --tls-report $TLSOPT \
	    --script "$TMPD/s.txt" "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
	check_grep "hostile subject: shown" 'report: \[0\] leaf: CN=evil' "$O"
	check_nogrep "hostile subject: no raw escape" "$ESC" "$O"
fi
done_testing
