#!/bin/sh
# TLS against the real, loopback-only Postfix, both implicit TLS (smtps://)
# and STARTTLS (submission://): the self-signed certificate fails
# verification unless --ca-file or --insecure is given, and the handshake
# summary names protocol, cipher, subject and SHA-256 fingerprint.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/postfix/common.sh"

SMTPS=smtps://127.0.0.1:$PF_SMTPS_PORT
SUB=submission://127.0.0.1:$PF_SUBMISSION_PORT

# The certificate's SHA-256 fingerprint as bare lower-case hex.
FP=$(openssl x509 -in "$PF_CA" -noout -fingerprint -sha256 2>/dev/null |
    sed 's/.*=//' | tr -d ':' | tr 'A-F' 'a-f')
[ -n "$FP" ] || FP=$(certtool -i --infile "$PF_CA" |
    sed -n 's/^[[:space:]]*sha256:\([0-9a-f]\{64\}\)$/\1/p' | head -n 1)

# What to say once TLS is up: implicit TLS starts encrypted, STARTTLS first
# asks for it.
printf 'EHLO client.smtpscope.test\n:expect 250\nQUIT\n:expect 221\n' \
    >"$TMPD/smtps.scr"
printf 'EHLO client.smtpscope.test\nSTARTTLS\n:expect 220\nEHLO client.smtpscope.test\n:expect 250\nQUIT\n:expect 221\n' \
    >"$TMPD/starttls.scr"

# check_fp NAME FILE: ok when FILE shows the certificate's fingerprint, in
# any of the usual spellings (colons or not, either case).
check_fp() {
	if [ -n "$FP" ] && tr -d ':' <"$2" | tr 'A-F' 'a-f' | grep -qF "$FP"; then
		ok "$1"
	else
		not_ok "$1"
		diag "want SHA-256 fingerprint $FP in $2"
	fi
}

for mode in smtps starttls; do
	if [ "$mode" = smtps ]; then url=$SMTPS; else url=$SUB; fi

	# Untrusted: the system store does not know our certificate.
	run_ss "$mode-untrusted" --script "$TMPD/$mode.scr" --timeout 15 "$url"
	check_rc "$mode: self-signed certificate rejected by default: exit 4" 4
	check_grep "$mode: the reason is named" '[Ss]elf-signed' \
	    "$TMPD/$mode-untrusted.all"
	if [ "$mode" = starttls ]; then
		# No command may go out over the connection after the failed
		# upgrade: the last client line is the STARTTLS itself.
		last=$(grep '^C: ' "$TMPD/$mode-untrusted.out" | tail -n 1)
		if [ "$last" = "C: STARTTLS" ]; then
			ok "$mode: nothing sent after the failed handshake"
		else
			not_ok "$mode: nothing sent after the failed handshake"
			diag "last client line: $last"
		fi
	else
		check_nogrep "$mode: nothing sent after the failed handshake" \
		    '^C: ' "$TMPD/$mode-untrusted.out"
	fi

	# Trusted through --ca-file.
	run_ss "$mode-ca" --script "$TMPD/$mode.scr" --timeout 15 \
	    --ca-file "$PF_CA" "$url"
	check_rc "$mode: --ca-file: exit 0" 0
	check_grep "$mode: --ca-file: verified" '[Vv]erified' "$TMPD/$mode-ca.out"
	check_nogrep "$mode: --ca-file: no failure verdict" \
	    '[Nn]ot verified|[Uu]nverified|[Nn]ot trusted|[Uu]ntrusted' \
	    "$TMPD/$mode-ca.out"
	check_grep "$mode: protocol shown" 'TLS ?v?1\.[23]' "$TMPD/$mode-ca.out"
	check_grep "$mode: cipher shown" 'AES|CHACHA' "$TMPD/$mode-ca.out"
	check_grep "$mode: subject shown" 'CN ?= ?localhost' "$TMPD/$mode-ca.out"
	check_fp "$mode: SHA-256 fingerprint shown" "$TMPD/$mode-ca.out"
	check_grep "$mode: EHLO answered over TLS" '^S: 250[- ]' \
	    "$TMPD/$mode-ca.out"

	# --insecure: the verdict is still printed, the session goes on.
	run_ss "$mode-insecure" --script "$TMPD/$mode.scr" --timeout 15 \
	    --insecure "$url"
	check_rc "$mode: --insecure: exit 0" 0
	check_grep "$mode: --insecure still names the verdict" '[Ss]elf-signed' \
	    "$TMPD/$mode-insecure.all"
	check_grep "$mode: --insecure session went on" '^S: 221' \
	    "$TMPD/$mode-insecure.out"
done

# --tls-priority is honoured: force TLS 1.2 and see it reported.
run_ss prio12 --script "$TMPD/smtps.scr" --timeout 15 --ca-file "$PF_CA" \
    --tls-priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' "$SMTPS"
check_rc "--tls-priority TLS 1.2 only: exit 0" 0
check_grep "TLS 1.2 reported" 'TLS ?v?1\.2' "$TMPD/prio12.out"
check_nogrep "TLS 1.3 not reported" 'TLS ?v?1\.3' "$TMPD/prio12.out"

# Implicit TLS against the plain port: the handshake fails, exit 4.
run_ss notls --script "$TMPD/smtps.scr" --timeout 15 --ca-file "$PF_CA" \
    "smtps://127.0.0.1:$PF_PLAIN_PORT"
check_rc "implicit TLS to a plain-text port: exit 4" 4

done_testing
