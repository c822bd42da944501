#!/bin/sh
# The HTML export checked as a document: a hostile server's markup is
# escaped, elements are balanced, nothing is loaded from elsewhere, lines
# carry their colour classes and explanations.  When Chromium is installed
# the page is rendered headless to a PNG, which must show green (2xx) and
# red (5xx) pixels.
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
"$SMTPSCOPE" --help 2>&1 | grep -q -- '--export-html' ||
    skip_all "--replay/--export-html not in this build"

# A telnet paste from a server that tries to inject markup.
cat >"$TMPD/evil.txt" <<'EOF'
Trying 127.0.0.1...
Connected to evil.example.
220 evil.example ESMTP <script>alert('x')</script> & <img src=x onerror=alert(1)>
EHLO me.example
250-evil.example "quoted" & <b>bold</b>
250-PIPELINING
250 SIZE 1000000
MAIL FROM:<a@me.example>
250 2.1.0 ok
RCPT TO:<nobody@evil.example>
550 5.1.1 <nobody@evil.example>: no such user here
RCPT TO:<grey@evil.example>
451 4.7.1 greylisted, come back </td></tr></table><h1>later</h1>
RCPT TO:<ok@evil.example>
250 2.1.5 ok
DATA
354 go ahead
Subject: <style>body{display:none}</style>

.
250 2.0.0 queued
QUIT
221 2.0.0 bye
Connection closed by foreign host.
EOF
check_run "export a hostile session" 0 "$SMTPSCOPE" --replay "$TMPD/evil.txt" \
    --export-html "$TMPD/evil.html"
H="$TMPD/evil.html"
check_nogrep "no script element" '<[sS][cC][rR][iI][pP][tT]' "$H"
check_nogrep "no injected img" '<img' "$H"
check_nogrep "no injected heading" '<h1>later' "$H"
check_grep "script text escaped" '&lt;script&gt;alert\(&#39;x&#39;\)&lt;/script&gt;' "$H"
check_grep "quotes and ampersands escaped" '&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;' "$H"
check_grep "content line escaped" 'Subject: &lt;style&gt;body\{display:none\}&lt;/style&gt;' "$H"
check_nogrep "no external resource" '<[a-z]+[^>]* (src|href)=|<link|@import|url\(' "$H"
check_grep "title with host" '<title>SMTP session with evil\.example, [0-9]{4}-[0-9]{2}-[0-9]{2}' "$H"
check_grep "2xx green" 'class="x s2">250 2\.1\.0 ok' "$H"
check_grep "4xx yellow" 'class="x s4">451 ' "$H"
check_grep "5xx red" 'class="x s5">550 ' "$H"
check_grep "3xx cyan" 'class="x s3">354 ' "$H"
check_grep "client bold" 'class="x c">RCPT TO:' "$H"
check_grep "notes dim" 'class="x info">Connected to evil\.example\.' "$H"
check_grep "colours defined" '\.s2\{color:#3fcf5f\}' "$H"
check_grep "S: markers" '<td class="m s5">S:</td>' "$H"
check_grep "C: markers" '<td class="m c">C:</td>' "$H"

check "document structure" python3 - "$H" <<'PY'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "img", "link", "hr", "input"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.seen = [], [], {}
        self.text_in_style = ""
    def handle_starttag(self, tag, attrs):
        self.seen[tag] = self.seen.get(tag, 0) + 1
        if tag in ("script", "iframe", "object", "embed", "img"):
            self.errors.append("forbidden element " + tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.errors.append("event attribute " + k)
        if tag not in VOID:
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("unbalanced </%s> (open: %s)" % (tag, self.stack[-3:]))
        else:
            self.stack.pop()
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
if p.stack:
    p.errors.append("left open: %s" % p.stack)
for t in ("html", "head", "body", "style", "title", "table"):
    if p.seen.get(t) != 1:
        p.errors.append("%s appears %s times" % (t, p.seen.get(t)))
if p.seen.get("tr", 0) != 24:
    p.errors.append("%s rows, want 24" % p.seen.get("tr"))
if p.seen.get("details", 0) < 11:
    p.errors.append("%s explanations, want >= 11" % p.seen.get("details"))
for e in p.errors:
    print("#", e)
sys.exit(1 if p.errors else 0)
PY

# Render it.
CHROME=""
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then CHROME=$c; break; fi
done
if [ -z "$CHROME" ]; then
	ok "# SKIP chromium is not installed: no screenshot"
	done_testing
fi
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$TMPD/chr" \
    --screenshot="$TMPD/shot.png" --window-size=1000,700 \
    "file://$H" >"$TMPD/chr.out" 2>&1
check "chromium wrote a screenshot" test -s "$TMPD/shot.png"
check "the screenshot shows green and red lines" python3 - "$TMPD/shot.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), "unexpected PNG type"
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = width * bpp
prev = bytearray(stride)
green = red = 0
i = 0
for y in range(height):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[x] = (line[x] + pr) & 255
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        if g > 150 and r < 120 and bl < 140:
            green += 1
        if r > 200 and g < 120 and bl < 120:
            red += 1
    prev = line
print("# green pixels %d, red pixels %d" % (green, red))
sys.exit(0 if green > 100 and red > 100 else 1)
PY
done_testing
