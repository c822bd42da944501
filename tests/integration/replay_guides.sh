#!/bin/sh
# --replay of transcripts as guides print them (tests/fixtures/replay/
# guide_*.txt): server lines only, client lines left out, telnet chatter
# and shell prompts, an openssl s_client preamble, curl -v with its
# progress meter, an IIS 6 session with damaged 334s.  Each converts with
# --export-html; replies pair with what they answer; the notes say "the
# transcript omits ..."; no false warning; no password on the page.
. "$top_srcdir/tests/lib.sh"

"$SMTPSCOPE" --help 2>&1 | grep -q -- '--export-html' ||
    skip_all "--replay/--export-html not in this build"
FIX="$top_srcdir/tests/fixtures/replay"

for g in server_only client_omitted telnet s_client curl iis6; do
	check_run "guide_$g converts" 0 "$SMTPSCOPE" --replay \
	    "$FIX/guide_$g.txt" --export-html "$TMPD/$g.html"
done
# A row of the page: marker cell, then text cell (annotation included).
row() { grep -o '<td class="m [a-z0-9]*">[^<]*</td><td class="x [a-z0-9]*">[^<]*' "$1" |
    sed -e 's/<td class="m [a-z0-9]*">//; s/<\/td><td class="x [a-z0-9]*">/ /' \
    -e "s/&#39;/'/g; s/&quot;/\"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\\&/g"; }
for g in server_only client_omitted telnet s_client curl iis6; do
	row "$TMPD/$g.html" >"$TMPD/$g.rows"
done

# Server lines only.
R="$TMPD/server_only.rows"
check_grep "server-only: EHLO said omitted" \
    "^# the transcript omits the client's EHLO$" "$R"
check_grep "server-only: 334 UGFzc3dvcmQ6 is a server line" '^S: 334 UGFzc3dvcmQ6' "$R"
check_nogrep "server-only: no client line made up" '^C:' "$R"
check_grep "server-only: 250-SIZE explained as a keyword" '<summary>SIZE' \
    "$TMPD/server_only.html"
check_grep "server-only: content said omitted" \
    '^# the transcript omits the message content' "$R"
check_grep "server-only: the queued 250 is green, a reply" \
    'class="x s2">250 2\.0\.0 Ok: queued' "$TMPD/server_only.html"
check_nogrep "server-only: no warnings" 'class="x warn"' "$TMPD/server_only.html"

# Client lines left out.
R="$TMPD/client_omitted.rows"
check_grep "client-omitted: password answer said omitted" \
    "^# the transcript omits the client's answer to the 334 challenge$" "$R"
check_grep "client-omitted: 235 is a server line" '^S: 235 ' "$R"
check_grep "client-omitted: QUIT is a command" '^C: QUIT$' "$R"
check_nogrep "client-omitted: no pipelining or unasked warnings" \
    '^# warning: .*(PIPELINING|nobody asked)' "$R"

# Telnet chatter and prompts.
R="$TMPD/telnet.rows"
check_grep "telnet: prompt is a note" '^# user@laptop:~\$ telnet' "$R"
check_nogrep "telnet: no prompt became a command" \
    '^C: (user@|\$$|\$ telnet)' "$R"
check_grep "telnet: \$ inside the message is content" \
    '^C: \$ this line is part of the message' "$R"
check_nogrep "telnet: no warnings" 'class="x warn"' "$TMPD/telnet.html"

# openssl s_client.
R="$TMPD/s_client.rows"
check_grep "s_client: TLS from the preamble" '^# TLS: handshake done: New, TLSv1\.3' "$R"
check_nogrep "s_client: no AUTH-without-TLS warning" \
    'AUTH on a connection without TLS' "$TMPD/s_client.html"
check_nogrep "s_client: no warnings" 'class="x warn"' "$TMPD/s_client.html"
check_nogrep "s_client: preamble and tickets dropped" \
    'BEGIN CERTIFICATE|Session-ID|read R BLOCK|Post-Handshake' "$TMPD/s_client.html"
check_grep "s_client: EHLO is a command" '^C: EHLO laptop' "$R"
check_grep "s_client: password masked" '^C: \*{8}$' "$R"

# curl -v with its progress meter.
R="$TMPD/curl.rows"
check_nogrep "curl: meter dropped" '% Total|--:--:--|bytes data' "$TMPD/curl.html"
check_grep "curl: Trying kept" '^# Trying 192\.0\.2\.10:587' "$R"
check_grep "curl: PLAIN answer masked" '^C: (\*{8}|authzid .*, password \*{8})$' "$R"
check_nogrep "curl: no warnings" 'class="x warn"' "$TMPD/curl.html"

# IIS 6 with damaged challenges.
R="$TMPD/iis6.rows"
check_grep "IIS 6: C:\\> prompt is a note" '^# C:\\>telnet' "$R"
check_grep "IIS 6: user answer decoded" \
    'YWRtaW5pc3RyYXRvcg==<span class="an">  \(administrator\)' "$TMPD/iis6.html"
check_grep "IIS 6: damaged challenge shown as it decodes" \
    '334 VXNlcm57uWU6<span class="an">  \(Usern\{' "$TMPD/iis6.html"
check_grep "IIS 6: password answer masked" '^C: \*{8}$' "$R"

# No password by any path on any page; --show-secrets still shows it.
for g in server_only client_omitted telnet s_client curl iis6; do
	check_nogrep "$g: no password on the page" \
	    'VHIwdWI0ZG9yJjM|Tr0ub4dor|Q29ycjNjdC1Ib3JzZQ|Corr3ct-Horse|AGFsaWNlQGV4YW1wbGUub3JnAENvcnIz' \
	    "$TMPD/$g.html"
done
check_run "iis6 with --show-secrets" 0 "$SMTPSCOPE" --show-secrets \
    --replay "$FIX/guide_iis6.txt" --export-html "$TMPD/open.html"
check_grep "--show-secrets shows the answer as typed" 'VHIwdWI0ZG9yJjM=' \
    "$TMPD/open.html"
done_testing
