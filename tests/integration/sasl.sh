#!/bin/sh
# GNU SASL mechanisms against the real, loopback-only Postfix (Cyrus SASL
# with the libsasl2-modules plugins): :auth scram-sha-1, scram-sha-256,
# digest-md5 and ntlm log in over STARTTLS with --password-file; every
# challenge is explained; the password shows in no form on stdout, stderr,
# --log or :save, and the password-derived parts of the answers are masked.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/postfix/common.sh"
need_password

SUB=submission://127.0.0.1:$PF_SUBMISSION_PORT
PW_B64=$(printf '%s' "$PF_PASSWORD" | base64)
PW_PLAIN_B64=$(printf '\0%s\0%s' "$PF_USER" "$PF_PASSWORD" | base64)

# no_secret NAME FILE: ok when no form of the password appears in FILE.
no_secret() {
	if grep -qF -e "$PF_PASSWORD" -e "$PW_B64" -e "$PW_PLAIN_B64" "$2"; then
		not_ok "$1"
		diag "the password (or its base64) leaked into $2"
	else
		ok "$1"
	fi
}

# login MECH: a STARTTLS session that logs in with :auth MECH and saves.
login() {
	cat >"$TMPD/$1.scr" <<EOF
EHLO client.smtpscope.test
STARTTLS
:expect 220
EHLO client.smtpscope.test
:expect 250
:auth $1 $PF_USER
:expect 235
:save $TMPD/$1.save
QUIT
EOF
	run_ss "$1" --script "$TMPD/$1.scr" --ca-file "$PF_CA" --timeout 15 \
	    --password-file "$PF_PASSWORD_FILE" --log "$TMPD/$1.log" "$SUB"
	check_rc ":auth $1 logs in to Postfix: exit 0" 0
	check_grep "$1: 235 from Postfix" '^S: 235 ' "$TMPD/$1.out"
	no_secret "$1: no password on stdout" "$TMPD/$1.out"
	no_secret "$1: no password on stderr" "$TMPD/$1.err"
	no_secret "$1: no password in --log" "$TMPD/$1.log"
	if [ -s "$TMPD/$1.save" ]; then
		ok "$1: :save wrote the transcript"
	else
		not_ok "$1: :save wrote the transcript"
	fi
	no_secret "$1: no password in the :save file" "$TMPD/$1.save"
}

check_grep_all() {
	for _f in out log save; do
		check_grep "$1 ($_f)" "$2" "$TMPD/$3.$_f"
	done
}
check_nogrep_all() {
	for _f in out log save; do
		check_nogrep "$1 ($_f)" "$2" "$TMPD/$3.$_f"
	done
}

for m in scram-sha-1 scram-sha-256; do
	login $m
	check_grep "$m: offered by Postfix" \
	    "^S: 250-AUTH .*$(echo $m | tr a-z A-Z)" "$TMPD/$m.out"
	check_grep "$m: salt explained" '^# - salt s=: [^ ]+ \(base64 of' \
	    "$TMPD/$m.out"
	check_grep "$m: iteration count explained" \
	    '^# - iteration count i=: [0-9]+' "$TMPD/$m.out"
	check_grep "$m: the server nonce extends ours" \
	    '^# The nonce starts with ours' "$TMPD/$m.out"
	check_grep "$m: server signature checked" \
	    "checked: the server's proof matches" "$TMPD/$m.out"
	check_grep_all "$m: client proof masked" \
	    '^(\[[^]]*\] )?C: \*\*\*\*\*\*\*\* \(c=biws,r=[^,]+,p=\*\*\*\*\*\*\*\*\)$' $m
	check_nogrep_all "$m: no unmasked proof" 'p=[A-Za-z0-9+/]' $m
	# The raw client-final line, base64 of "c=biws,...", never shows.
	check_nogrep_all "$m: client-final not shown encoded" 'C: Yz1iaXdz' $m
done

login digest-md5
check_grep "digest-md5: realm explained" '^# - realm: smtpscope\.test' \
    "$TMPD/digest-md5.out"
check_grep "digest-md5: server nonce explained" '^# - server nonce: ' \
    "$TMPD/digest-md5.out"
check_grep_all "digest-md5: response= masked" 'response=\*\*\*\*\*\*\*\*' \
    digest-md5
check_nogrep_all "digest-md5: no digest shown" 'response=[0-9a-f]' digest-md5
check_grep "digest-md5: rspauth checked" "checked: the server's proof matches" \
    "$TMPD/digest-md5.out"

login ntlm
check_grep "ntlm: type 2 explained" '^# - server challenge: [0-9a-f]{16}' \
    "$TMPD/ntlm.out"
check_grep_all "ntlm: type 3 shown with the responses masked" \
    'NTLM authenticate message \(type 3\): user "alice".*responses \*\*\*\*\*\*\*\*' \
    ntlm
# base64 of "NTLMSSP\0\3\0\0\0": the type 3 message itself.
check_nogrep_all "ntlm: type 3 not shown encoded" 'TlRMTVNTUAADAAAA' ntlm

# A wrong password: Postfix says 535; the :expect fails (exit 1).
printf 'not-the-password\n' >"$TMPD/wrong.pw"
cat >"$TMPD/wrong.scr" <<EOF
EHLO client.smtpscope.test
STARTTLS
EHLO client.smtpscope.test
:auth scram-sha-256 $PF_USER
:expect 235
EOF
run_ss wrong --script "$TMPD/wrong.scr" --ca-file "$PF_CA" --timeout 15 \
    --password-file "$TMPD/wrong.pw" "$SUB"
check_rc "scram-sha-256 with a wrong password: exit 1" 1
check_grep "wrong password: 535 (or the server's e=)" '^S: 535 ' \
    "$TMPD/wrong.out"
check_nogrep "wrong password not shown" 'not-the-password' "$TMPD/wrong.all"

done_testing
