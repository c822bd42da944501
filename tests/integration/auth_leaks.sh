#!/bin/sh
# auth_leaks.sh: a password typed or sent in an odd place never shows:
# not on stdout, not in --log, not in :save or the HTML export; neither
# in clear nor in base64.  Each case is a way a learner or a server can
# put a secret where the masking by position did not look.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
[ -x "$SMTPSCOPE" ] || skip_all "no smtpscope binary at $SMTPSCOPE"

LS="$top_srcdir/tests/integration/leak_server.py"
SRVPIDS=""
stop_all() { for p in $SRVPIDS; do kill "$p" 2>/dev/null; done; }
on_exit stop_all

# leak_srv MODE: start the server for MODE, set LPORT.
leak_srv() {
	rm -f "$TMPD/port.$1" "$TMPD/port.$1.log"
	python3 "$LS" "$1" "$TMPD/port.$1" &
	SRVPIDS="$SRVPIDS $!"
	wait_for 10 test -s "$TMPD/port.$1" || return 1
	LPORT=$(cat "$TMPD/port.$1")
}

PW=hunter2pw
PW64=$(printf '%s' "$PW" | base64)

# no_secret NAME FILE...: neither the password nor its base64 appears.
no_secret() {
	_n=$1; shift
	if grep -qF -e "$PW" -e "$PW64" "$@"; then
		not_ok "$_n"; diag "the password leaked into $*"
		grep -nF -e "$PW" -e "$PW64" "$@" | head -5 | while read -r l; do
			diag "$l"; done
	else ok "$_n"; fi
}

# 1. A learner answers CRAM-MD5's challenge with "user password" (or puts
# it in the initial response): that is no digest, and it stays masked.
leak_srv plain
printf 'EHLO me\nAUTH CRAM-MD5\nalice %s\n:save %s\nQUIT\n' "$PW" \
    "$TMPD/cram.saved" >"$TMPD/cram.scr"
check_run "CRAM-MD5 answered with a password: the run works" 0 "$SMTPSCOPE" \
    --log "$TMPD/cram.log" --script "$TMPD/cram.scr" "smtp://127.0.0.1:$LPORT"
no_secret "CRAM-MD5 answered with a password: not on stdout" "$TMPD/out"
no_secret "CRAM-MD5 answered with a password: not in --log" "$TMPD/cram.log"
no_secret "CRAM-MD5 answered with a password: not in :save" "$TMPD/cram.saved"
CR64=$(printf 'alice %s' "$PW" | base64)
check_grep "CRAM-MD5 answered with a password: the server got it" "^$CR64\$" \
    "$TMPD/port.plain.log"
leak_srv plain
printf 'EHLO me\nAUTH CRAM-MD5 %s\nQUIT\n' "$CR64" >"$TMPD/cramir.scr"
check_run "CRAM-MD5 initial response with a password: the run works" 0 \
    "$SMTPSCOPE" --script "$TMPD/cramir.scr" "smtp://127.0.0.1:$LPORT"
no_secret "CRAM-MD5 initial response with a password: not shown" "$TMPD/out"
printf 'S: 220 x\nC: AUTH CRAM-MD5\nS: 334 PDE4OTYuNjk3MTcwOTUyQGxlYWsudGVzdD4=\nC: %s\nS: 235 ok\n' \
    "$CR64" >"$TMPD/cram.replay"
check_run "CRAM-MD5 answered with a password: the replay exports" 0 \
    "$SMTPSCOPE" --replay "$TMPD/cram.replay" --export-html "$TMPD/cram.html"
no_secret "CRAM-MD5 answered with a password: not in the replay's HTML" \
    "$TMPD/cram.html"
# A sound answer (user SP digest) still shows its parts.
leak_srv plain
printf 'EHLO me\n:auth cram-md5 alice\nQUIT\n' >"$TMPD/cramok.scr"
check_run ":auth cram-md5: the run works" 0 env PW="$PW" "$SMTPSCOPE" \
    --password-env PW --allow-plaintext --script "$TMPD/cramok.scr" \
    "smtp://127.0.0.1:$LPORT"
check_grep ":auth cram-md5: user and digest shown" \
    "user 'alice', digest [0-9a-f]{32}" "$TMPD/out"
# 2. A server that asks "Password:" first: what is typed there is masked
# (the prompt can add masking to the position, never take it away).
leak_srv pwfirst
printf 'EHLO me\nAUTH LOGIN\n%s\nalice\n:save %s\nQUIT\n' "$PW" \
    "$TMPD/pwf.saved" >"$TMPD/pwf.scr"
check_run "Password: first: the run works" 0 "$SMTPSCOPE" --log "$TMPD/pwf.log" \
    --script "$TMPD/pwf.scr" "smtp://127.0.0.1:$LPORT"
no_secret "Password: first: not on stdout" "$TMPD/out"
no_secret "Password: first: not in --log" "$TMPD/pwf.log"
no_secret "Password: first: not in :save" "$TMPD/pwf.saved"
check_grep "Password: first: the server got it" "^$PW64\$" "$TMPD/port.pwfirst.log"

# 3. Where TLS is required and not up, the refusal names the verb only,
# even when tabs separate the initial response.
FS="$top_srcdir/tests/integration/failclosed_server.py"
rm -f "$TMPD/port.noehlo"
python3 "$FS" noehlo "$TMPD/port.noehlo" &
SRVPIDS="$SRVPIDS $!"
wait_for 10 test -s "$TMPD/port.noehlo"
PL64=$(printf '\0alice\0%s' "$PW" | base64)
printf 'EHLO me\nAUTH\tPLAIN\t%s\nQUIT\n' "$PL64" >"$TMPD/gate.scr"
check_run "TLS required, AUTH with tabs: refused" 4 "$SMTPSCOPE" --starttls \
    --log "$TMPD/gate.log" --script "$TMPD/gate.scr" \
    "smtp://127.0.0.1:$(cat "$TMPD/port.noehlo")"
check_grep "TLS required, AUTH with tabs: the refusal is said" "not sending AUTH" \
    "$TMPD/err"
for f in "$TMPD/out" "$TMPD/err" "$TMPD/gate.log"; do
	check_nogrep "TLS required, AUTH with tabs: no response in $(basename "$f")" \
	    "$PL64" "$f"
done
# 4. An answer after the exchange ended (a server that refused the user
# name, and echoes unknown commands): the password is not sent as a
# command, so neither smtpscope nor the server's echo shows it.
leak_srv echo
printf 'EHLO me\nAUTH LOGIN\nalice\n%s\nQUIT\n' "$PW" >"$TMPD/echo.scr"
check_run "an answer after the exchange ended: refused" 2 "$SMTPSCOPE" \
    --log "$TMPD/echo.log" --script "$TMPD/echo.scr" "smtp://127.0.0.1:$LPORT"
check_grep "an answer after the exchange ended: said" \
    "AUTH exchange is over \(the server answered 500\)" "$TMPD/err"
no_secret "an answer after the exchange ended: not on stdout" "$TMPD/out"
no_secret "an answer after the exchange ended: not in --log" "$TMPD/echo.log"
no_secret "an answer after the exchange ended: not sent" "$TMPD/port.echo.log"
# A command after the failed exchange still goes.
leak_srv echo
printf 'EHLO me\nAUTH LOGIN\nalice\nNOOP\nQUIT\n' >"$TMPD/echo2.scr"
check_run "a command after a failed exchange goes" 0 "$SMTPSCOPE" \
    --script "$TMPD/echo2.scr" "smtp://127.0.0.1:$LPORT"
# 5. A server that quotes our secret back (as the next 334, or in a 535):
# the line is masked and never decoded, on screen, in files and in the
# explanations of the HTML export.
leak_srv echo334
printf 'EHLO me\nAUTH LOGIN\nalice\n%s\nx\n:save %s\n:export %s\nQUIT\n' \
    "$PW" "$TMPD/e334.saved" "$TMPD/e334.html" >"$TMPD/e334.scr"
check_run "a 334 that quotes the password: the run works" 0 "$SMTPSCOPE" \
    --log "$TMPD/e334.log" --script "$TMPD/e334.scr" "smtp://127.0.0.1:$LPORT"
check_grep "a 334 that quotes the password: said" "quoted back a secret" \
    "$TMPD/out"
for f in out e334.log e334.saved e334.html; do
	no_secret "a 334 that quotes the password: not in $f" "$TMPD/$f"
done
leak_srv echo
printf 'EHLO me\nAUTH PLAIN %s\nQUIT\n' "$PL64" >"$TMPD/e535.scr"
check_run "a 535 that quotes the initial response: the run works" 0 \
    "$SMTPSCOPE" --log "$TMPD/e535.log" --script "$TMPD/e535.scr" \
    "smtp://127.0.0.1:$LPORT"
check_grep "a 535 that quotes the initial response: masked" \
    '^S: 535 5.7.8 bad credentials: \*{8}$' "$TMPD/out"
check_nogrep "a 535 that quotes the initial response: not on stdout" "$PL64" \
    "$TMPD/out"
check_nogrep "a 535 that quotes the initial response: not in --log" "$PL64" \
    "$TMPD/e535.log"
done_testing
