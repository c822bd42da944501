#!/bin/sh
# mx:// in the UI: the exchangers are walked without blocking the screen
# (a 421 greeting and a refusal passed over), the transcript and the
# sidebar list them with the domain's MTA-STS and TLS-RPT, and the session
# goes on with the one chosen.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tui_lib.sh"
. "$top_srcdir/tests/dns/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

"$SMTPSCOPE" --serve 127.0.0.3:0 >"$TMPD/practice.out" 2>&1 </dev/null &
TUI_PIDS="$TUI_PIDS $!"
wait_for 20 grep -q '^listening on 127\.0\.0\.3:' "$TMPD/practice.out" ||
	skip_all "cannot listen on 127.0.0.3"
PORT=$(sed -n 's/^listening on 127\.0\.0\.3:\([0-9]*\)$/\1/p' "$TMPD/practice.out")
python3 "$top_srcdir/tests/dns/mx_peers.py" "$PORT" "$TMPD/peers" \
    >"$TMPD/peers.log" 2>&1 &
TUI_PIDS="$TUI_PIDS $!"
wait_for 10 test -s "$TMPD/peers" || skip_all "cannot listen on 127.0.0.4/5"
GOOD=127.0.0.3 BUSY=127.0.0.4 DROP=127.0.0.5 DEAD=127.0.0.2
# No TLS here: any digests will do.
EE_SPKI_SHA256=$(printf '%064d' 1) EE_CERT_SHA512=$(printf '%0128d' 2)
CA_CERT_SHA256=$(printf '%064d' 3)
EE_CERT_FULL=$(printf '%064d' 4) OLD_SPKI_SHA256=$(printf '%064d' 5)
INTER_SPKI_SHA256=$(printf '%064d' 6) OLD=127.0.0.6 INTER=127.0.0.7
dns_zone dane.test "$top_srcdir/tests/dns/test.zone" signed
dns_start || skip_all "$DNS_WHY"
TUI_ENV="SMTPSCOPE_DNS_SERVER=127.0.0.1:$DNS_PORT"

tui_start 130 40 --dns-trust-anchor "$DNS_TA" --timeout 5 "mx://allbad.dane.test:$PORT"
check_screen "every exchanger failed: said" 'no mail exchanger of allbad\.dane\.test could be used'
keys ':quit' Enter
check_screen "quits" '^EXIT=0'

tui_start 140 70 --dns-trust-anchor "$DNS_TA" --timeout 5 "mx://equal.dane.test:$PORT"
check_screen "the greeting of the exchanger chosen" '^S: 220 practice\.test'
check_screen "the sidebar lists the exchangers" 'Mail exchangers'
check_screen "with preference, address and state" '10 good2?\.dane\.test \[127\.0\.0\.3\]'
check_screen "the sidebar: MTA-STS" '- MTA-STS: no policy'
check_screen "the sidebar: TLS-RPT" '- TLS-RPT: none'
check_screen "the status bar names the address" "equal\\.dane\\.test:$PORT \\[127\\.0\\.0\\.3\\]"
keys 'EHLO me.test' Enter
check_screen "the session goes on" '^S: 250 HELP'
keys ":connect mx://implicit.dane.test:$PORT" Enter
check_screen ":connect: the new target" "^# new target: mx://implicit\\.dane\\.test:$PORT"
check_screen ":connect: its exchanger in the sidebar" 'implicit\.dane\.test \(no MX\)'
keys ':quit' Enter
check_screen "quits" '^EXIT=0'
done_testing
