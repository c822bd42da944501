#!/bin/sh
# auth_position.sh: AUTH answers are masked by their place in the
# mechanism, never by what a challenge says (a server that asks
# "Username:" twice, the IIS 6 guide's damaged challenges); damaged and
# unpadded challenges are named; CRAM-MD5 never answers a challenge that
# did not decode; an answer typed already in base64 is warned about, and
# :raw all sends a whole exchange as typed.  Secrets never reach stdout,
# --log or :save.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
[ -x "$SMTPSCOPE" ] || skip_all "no smtpscope binary at $SMTPSCOPE"

AS="$top_srcdir/tests/integration/auth_server.py"
SRVPIDS=""
stop_all() { for p in $SRVPIDS; do kill "$p" 2>/dev/null; done; }
on_exit stop_all

# auth_srv MODE: start the server for MODE, set APORT.
auth_srv() {
	rm -f "$TMPD/port.$1" "$TMPD/port.$1.log"
	python3 "$AS" "$1" "$TMPD/port.$1" &
	SRVPIDS="$SRVPIDS $!"
	wait_for 10 test -s "$TMPD/port.$1" || return 1
	APORT=$(cat "$TMPD/port.$1")
}

PW=hunter2pw
PW64=$(printf '%s' "$PW" | base64)

# no_secret NAME FILE...: neither the password nor its base64 appears.
no_secret() {
	_n=$1; shift
	if grep -qF -e "$PW" -e "$PW64" "$@"; then
		not_ok "$_n"; diag "the password leaked into $*"
	else ok "$_n"; fi
}

# 1. "Username:" twice: the second answer is the password, masked.
auth_srv twice
printf 'EHLO me\nAUTH LOGIN\nalice\n%s\n:expect 334\n%s\n:expect 235\n:save %s\nQUIT\n' \
    "$PW" "$PW" "$TMPD/twice.saved" >"$TMPD/twice.scr"
check_run "Username: twice: the run works" 0 "$SMTPSCOPE" --log "$TMPD/twice.log" \
    --script "$TMPD/twice.scr" "smtp://127.0.0.1:$APORT"
cp "$TMPD/out" "$TMPD/twice.out"
check_grep "Username: twice: the user name is shown" '^C: YWxpY2U=  \(alice\)' "$TMPD/twice.out"
check_grep "Username: twice: the second answer is masked" '^C: \*{8}$' "$TMPD/twice.out"
no_secret "Username: twice: no password on stdout" "$TMPD/twice.out"
no_secret "Username: twice: no password in --log" "$TMPD/twice.log"
no_secret "Username: twice: no password in :save" "$TMPD/twice.saved"
check_grep "Username: twice: the server got the password" "^$PW64\$" "$TMPD/port.twice.log"

# The :auth helper answers by position too: user first, then password.
auth_srv twice
printf 'EHLO me\n:auth login alice\n:expect 235\nQUIT\n' >"$TMPD/twiceh.scr"
check_run ":auth login, Username: twice: logs in" 0 env PW="$PW" "$SMTPSCOPE" \
    --password-env PW --allow-plaintext --script "$TMPD/twiceh.scr" "smtp://127.0.0.1:$APORT"
no_secret ":auth login, Username: twice: no password on stdout" "$TMPD/out"
check "the :auth helper sent the user name once" \
    test "$(grep -c '^YWxpY2U=$' "$TMPD/port.twice.log")" -eq 1

# 2. The IIS 6 guide's damaged challenges: named, and masking holds.
auth_srv damaged
printf 'EHLO me\nAUTH LOGIN\nalice\n%s\nQUIT\n' "$PW" >"$TMPD/dam.scr"
check_run "damaged challenges: the run works" 0 "$SMTPSCOPE" --log "$TMPD/dam.log" \
    --script "$TMPD/dam.scr" "smtp://127.0.0.1:$APORT"
check_grep "damaged Username: named" 'challenge is damaged.*garbled "Username:"' "$TMPD/out"
check_grep "damaged Password: named" 'challenge is damaged.*garbled "Password:"' "$TMPD/out"
no_secret "damaged challenges: no password on stdout" "$TMPD/out"
no_secret "damaged challenges: no password in --log" "$TMPD/dam.log"

# 3. Unpadded base64: decoded, with a note.
auth_srv unpadded
printf 'EHLO me\nAUTH LOGIN\nalice\n%s\nQUIT\n' "$PW" >"$TMPD/unp.scr"
check_run "unpadded challenges: the run works" 0 "$SMTPSCOPE" \
    --script "$TMPD/unp.scr" "smtp://127.0.0.1:$APORT"
check_grep "unpadded challenge: said" "without its '=' padding" "$TMPD/out"
check_grep "unpadded challenge: decoded" 'S: 334 VXNlcm5hbWU  \(Username\)' "$TMPD/out"

# 4. CRAM-MD5 with a challenge that is not base64: no answer from nothing.
auth_srv cram
printf 'EHLO me\n:auth cram-md5 alice\nQUIT\n' >"$TMPD/cram.scr"
env PW="$PW" "$SMTPSCOPE" --password-env PW --allow-plaintext --script "$TMPD/cram.scr" \
    "smtp://127.0.0.1:$APORT" >"$TMPD/out" 2>&1 </dev/null
check_grep "CRAM-MD5, damaged challenge: said" 'did not decode, so there is nothing to compute' "$TMPD/out"
check_grep "CRAM-MD5, damaged challenge: cancelled with *" '^[*]$' "$TMPD/port.cram.log"
check "CRAM-MD5, damaged challenge: no digest sent" \
    test "$(grep -c 'YWxpY2U' "$TMPD/port.cram.log")" -eq 0

# 5. An answer typed already in base64: warned about before it goes.
auth_srv twice
printf 'EHLO me\nAUTH LOGIN\nYWxpY2U=\n%s\n%s\nQUIT\n' "$PW64" "$PW64" >"$TMPD/dbl.scr"
"$SMTPSCOPE" --script "$TMPD/dbl.scr" "smtp://127.0.0.1:$APORT" >"$TMPD/out" 2>&1 </dev/null
check_grep "typed base64: warned, with what it encodes" 'base64 already \(of "alice"\)' "$TMPD/out"
check_grep "typed base64 password: warned, content not shown" 'this answer is base64 already and is encoded a second time' "$TMPD/out"
no_secret "typed base64 password: not shown" "$TMPD/out"

# 6. :raw all sends the whole exchange as typed.
auth_srv twice
printf 'EHLO me\nAUTH LOGIN\n:raw all\nYWxpY2U=\n%s\n%s\nQUIT\n' "$PW64" "$PW64" >"$TMPD/raw.scr"
"$SMTPSCOPE" --script "$TMPD/raw.scr" "smtp://127.0.0.1:$APORT" >"$TMPD/out" 2>&1 </dev/null
check_grep ":raw all: the user name went as typed" '^YWxpY2U=$' "$TMPD/port.twice.log"
check "the password went as typed, twice" \
    test "$(grep -c "^$PW64\$" "$TMPD/port.twice.log")" -eq 2
no_secret ":raw all: the password is still masked" "$TMPD/out"
check_nogrep ":raw all: no double-encoding warning" 'base64 already' "$TMPD/out"

# 7. AUTH PLAIN typed with its response: shown in its parts.
auth_srv twice
PLAIN64=$(printf '\0alice\0%s' "$PW" | base64)
printf 'EHLO me\nAUTH PLAIN %s\nQUIT\n' "$PLAIN64" >"$TMPD/plain.scr"
"$SMTPSCOPE" --script "$TMPD/plain.scr" "smtp://127.0.0.1:$APORT" >"$TMPD/out" 2>&1 </dev/null
check_grep "typed AUTH PLAIN: its parts" "^C: AUTH PLAIN authzid '', user 'alice', password \*{8}" "$TMPD/out"
check_nogrep "typed AUTH PLAIN: not the base64" "$PLAIN64" "$TMPD/out"

# 8. An initial response encoded twice: warned about before it goes.
auth_srv twice
PLAIN6464=$(printf '%s' "$PLAIN64" | base64 | tr -d '\n')
printf 'EHLO me\nAUTH PLAIN %s\nQUIT\n' "$PLAIN6464" >"$TMPD/ir2.scr"
"$SMTPSCOPE" --script "$TMPD/ir2.scr" "smtp://127.0.0.1:$APORT" >"$TMPD/out" 2>&1 </dev/null
check_grep "initial response encoded twice: warned" 'base64 of base64: it was encoded twice' "$TMPD/out"
done_testing
