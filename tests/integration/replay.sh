#!/bin/sh
# --replay: a real session against the practice server, logged with --log
# and printed by script mode, reads back to the same lines, codes and
# annotations (checked through --export-html, which needs no terminal);
# every foreign sample in tests/fixtures/replay converts; unreadable input
# is refused with a message naming the line.
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
"$SMTPSCOPE" --help 2>&1 | grep -q -- '--export-html' ||
    skip_all "--replay/--export-html not in this build"
FIX="$top_srcdir/tests/fixtures/replay"

start_practice || { not_ok "practice server started"; done_testing; }
ok "practice server started"

cat >"$TMPD/s.txt" <<'EOF'
EHLO client.example
STARTTLS
EHLO client.example
:auth login demo
:expect 235
MAIL FROM:<a@client.example>
RCPT TO:<nouser@localhost>
:expect 550
RCPT TO:<demo@localhost>
:expect 250
:msg
QUIT
EOF
PW=demo "$SMTPSCOPE" --timeout 20 --insecure --password-env PW --timing \
    --log "$TMPD/log.txt" --script "$TMPD/s.txt" 127.0.0.1 "$PRACTICE_PORT" \
    >"$TMPD/script.out" 2>"$TMPD/script.err"
check "script session ran (exit $?)" test $? -eq 0
check_grep "the log has the 550" '^(\[\+[0-9.]+s\] )?S: 550 ' "$TMPD/log.txt"
check_grep "--timing puts times in the log" '^\[\+[0-9]+\.[0-9]{3}s\] S: 220 ' "$TMPD/log.txt"
check_grep "script output is timed" '^\[\+[0-9]+\.[0-9]{3}s\] S: 220 ' \
    "$TMPD/script.out"

check_run "replay the log" 0 "$SMTPSCOPE" --replay "$TMPD/log.txt" \
    --export-html "$TMPD/log.html"
check_run "replay the script output" 0 "$SMTPSCOPE" --replay \
    "$TMPD/script.out" --export-html "$TMPD/out.html" --timing

# rows.py HTML: print each row as the text file would have it.
cat >"$TMPD/rows.py" <<'PY'
import html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
row = re.compile(r'<td class="m [a-z0-9]+">(.*?)</td>'
                 r'<td class="x [a-z0-9]+">(.*?)</td>')
for m in row.finditer(page):
    text = re.sub(r'<span class="an">.*?</span>', '', m.group(2))
    print(html.unescape(m.group(1)) + " " + html.unescape(text))
PY
python3 "$TMPD/rows.py" "$TMPD/log.html" >"$TMPD/log.rows"
python3 "$TMPD/rows.py" "$TMPD/out.html" >"$TMPD/out.rows"
# The log as rows: times dropped, "# x" stays, "S: x" stays (the marker
# and one space).
sed -e 's/^\[+[0-9.]*s\] //' \
    -e 's/^\(S:\|C:\|# TLS:\|# warning:\|#\) \{0,1\}/\1 /' "$TMPD/log.txt" \
    >"$TMPD/log.want"
if cmp -s "$TMPD/log.want" "$TMPD/log.rows"; then
	ok "replayed log: same lines as recorded"
else
	not_ok "replayed log: same lines as recorded"
	diff "$TMPD/log.want" "$TMPD/log.rows" | sed -n '1,20p' | sed 's/^/#   /'
fi
if cmp -s "$TMPD/log.rows" "$TMPD/out.rows"; then
	ok "script output (timed, annotated) replays to the same lines"
else
	not_ok "script output (timed, annotated) replays to the same lines"
	diff "$TMPD/log.rows" "$TMPD/out.rows" | sed -n '1,20p' | sed 's/^/#   /'
fi
check "as many rows as log lines" test "$(wc -l <"$TMPD/log.rows")" -eq \
    "$(wc -l <"$TMPD/log.txt")"

# A second session: AUTH PLAIN (masked on one line), a reconnect,
# CRAM-MD5, pipelined commands and their replies in order.
cat >"$TMPD/s2.txt" <<'EOF'
EHLO client.example
STARTTLS
EHLO client.example
:auth plain demo
:expect 235
:reconnect
EHLO client.example
STARTTLS
EHLO client.example
:auth cram-md5 demo
:expect 235
:pipeline
MAIL FROM:<a@client.example>
RCPT TO:<demo@localhost>
RCPT TO:<nouser@localhost>
:sync
RSET
QUIT
EOF
PW=demo "$SMTPSCOPE" --timeout 20 --insecure --password-env PW \
    --log "$TMPD/log2.txt" --script "$TMPD/s2.txt" 127.0.0.1 \
    "$PRACTICE_PORT" >"$TMPD/script2.out" 2>&1
check "second session ran (exit $?)" test $? -eq 0
check_grep "second log has the masked AUTH PLAIN" '^C: AUTH PLAIN authzid .*, user .demo., password \*{8}' \
    "$TMPD/log2.txt"
check_run "replay the second log" 0 "$SMTPSCOPE" --replay "$TMPD/log2.txt" \
    --export-html "$TMPD/log2.html"
python3 "$TMPD/rows.py" "$TMPD/log2.html" >"$TMPD/log2.rows"
sed 's/^\(S:\|C:\|# TLS:\|# warning:\|#\) \{0,1\}/\1 /' "$TMPD/log2.txt" \
    >"$TMPD/log2.want"
if cmp -s "$TMPD/log2.want" "$TMPD/log2.rows"; then
	ok "second log: same lines as recorded"
else
	not_ok "second log: same lines as recorded"
	diff "$TMPD/log2.want" "$TMPD/log2.rows" | sed -n '1,20p' | sed 's/^/#   /'
fi
check_grep "CRAM-MD5 answer decoded" 'class="x c">ZGVtby[A-Za-z0-9+/=]*<span class="an">  \(user &#39;demo&#39;, digest [0-9a-f]{32}\)' \
    "$TMPD/log2.html"
check_grep "pipelined 550 is red" 'class="x s5">550 5\.1\.1' "$TMPD/log2.html"

# Codes, grouping and annotations, as the live session had them.
check "annotations and explanations" python3 - "$TMPD/log.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
rows = re.findall(r'<tr id="L\d+">(.*?)</tr>', page)
def find(text):
    for i, r in enumerate(rows):
        if text in r:
            return i
    sys.exit("no row with " + text)
u = find('334 VXNlcm5hbWU6')
bad = []
if '(Username:)' not in rows[u]: bad.append("challenge not decoded")
if '(demo)' not in rows[u + 1]: bad.append("user answer not decoded")
if 'UGFzc3dvcmQ6' not in rows[u + 2]: bad.append("no password challenge")
if '>********</td>' not in rows[u + 3]: bad.append("password not masked")
if '<summary>' not in rows[find('>550 ')]: bad.append("550 not explained")
if 'class="x s5"' not in rows[find('>550 ')]: bad.append("550 not red")
ehlo = find('>250-PIPELINING')
if '<summary>PIPELINING' not in rows[ehlo]: bad.append("keyword not explained")
if '<summary>' not in rows[find('>354 ')]: bad.append("354 not explained")
if 'class="x s3"' not in rows[find('>354 ')]: bad.append("354 not cyan")
if not re.search(r'class="x tls">handshake done', page): bad.append("no TLS row")
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
PY
check_grep "title names the host" '<title>SMTP session with 127\.0\.0\.1, ' \
    "$TMPD/log.html"
check_grep "timing column with --timing" '<td class="t">\+0\.[0-9]{3}s</td>' \
    "$TMPD/out.html"

# Foreign samples.
for f in swaks guide telnet arrows; do
	check_run "$f sample converts" 0 "$SMTPSCOPE" --replay "$FIX/$f.txt" \
	    --export-html "$TMPD/$f.html"
	check_grep "$f: EHLO keywords explained" '<summary>8BITMIME|<summary>STARTTLS' \
	    "$TMPD/$f.html"
done
check_grep "swaks: 550 red" 'class="x s5">550 5\.1\.1' "$TMPD/swaks.html"
check_grep "swaks: TLS row" 'class="x tls">started with cipher' "$TMPD/swaks.html"
check_grep "telnet: AUTH without TLS warned" 'class="x warn">AUTH on a connection without TLS' \
    "$TMPD/telnet.html"
check_grep "telnet: password masked" 'class="x c">\*\*\*\*\*\*\*\*</td>' \
    "$TMPD/telnet.html"
check_nogrep "telnet: password not shown" 'czNjcmV0' "$TMPD/telnet.html"
check_grep "guide: 354 cyan" 'class="x s3">354 ' "$TMPD/guide.html"

# Unreadable input.
head -c 3000 "$SMTPSCOPE" >"$TMPD/binary"
check_run "binary file refused" 2 "$SMTPSCOPE" --replay "$TMPD/binary" \
    --export-html "$TMPD/x.html"
check_grep "binary: message names the line" 'line 1: .*binary' "$TMPD/err"
printf 'Hello,\n\nthe mail does not arrive. Any idea?\n' >"$TMPD/prose.txt"
check_run "prose refused" 2 "$SMTPSCOPE" --replay "$TMPD/prose.txt" \
    --export-html "$TMPD/x.html"
check_grep "prose: message names the line" \
    'prose\.txt: line 1: not part of an SMTP session' "$TMPD/err"
python3 -c 'import sys; sys.stdout.write("S: 220 x\nS: 250 " + "x" * 50000 + "\n")' \
    >"$TMPD/long.txt"
check_run "over-long line refused" 2 "$SMTPSCOPE" --replay "$TMPD/long.txt" \
    --export-html "$TMPD/x.html"
check_grep "long: message names line 2" 'line 2: [0-9]+ octets long' "$TMPD/err"
check_run "missing file refused" 2 "$SMTPSCOPE" --replay "$TMPD/nope.txt" \
    --export-html "$TMPD/x.html"
check_grep "missing: message names the file" 'cannot open .*nope\.txt' "$TMPD/err"
check "nothing written for bad input" test ! -e "$TMPD/x.html"
check_run "--export-html alone is a usage error" 2 "$SMTPSCOPE" \
    --export-html "$TMPD/x.html"
check_run "unwritable output" 2 "$SMTPSCOPE" --replay "$FIX/swaks.txt" \
    --export-html "$TMPD/no/such/dir/x.html"
check_grep "unwritable: message names the file" 'cannot write .*x\.html' "$TMPD/err"
done_testing
