#!/bin/sh
# The TLS report in the UI: :tls writes it into the transcript and pins it
# to the sidebar; selecting a TLS line shows it under the explanation.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"
. "$top_srcdir/tests/integration/certs.sh"
command -v certtool >/dev/null 2>&1 || skip_all "certtool is needed"
P=$TMPD/pki
make_pki "$P" || skip_all "certtool failed: $(tail -3 "$P/certtool.log")"
start_practice --serve-smtps 127.0.0.1:0 --cert "$P/chain.pem" \
    --key "$P/leaf.key" || skip_all "the practice server did not start"

tui_start 150 50 --ca-file "$P/root.pem" --sni mx.example.test \
    "smtps://127.0.0.1:$PRACTICE_TLS_PORT"
check_screen "connected over TLS" '^S: 220 practice\.test'
keys ':tls' Enter
check_screen ":tls: the sidebar has the report" 'TLS report'
check_screen ":tls: the chain in the sidebar" '- certificates sent: 2'
check_screen ":tls: the anchor in the sidebar" 'path: ends at the trusted CA'
check_screen ":tls: lines in the transcript" 'report: \[1\] intermediate: CN=smtpscope Test'
keys Escape
check "Esc clears the pinned report" wait_gone '- certificates sent: 2'
# The transcript pane: g to the top, then down to the handshake line.
keys Tab
keys g
keys j j
check_screen "a TLS line selected: the report under it" '- certificates sent: 2'
keys q
keys ':quit' Enter
check_screen "quits" '^EXIT=0'
done_testing
