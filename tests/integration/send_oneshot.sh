#!/bin/sh
# send_oneshot.sh: the one-shot send (smtpscope --to ADDR URL) against the
# test Postfix: headers, a body from stdin, two attachments arriving exact
# in alice's Maildir, --header replacing a default, BDAT (Postfix logs
# bdat=), --quit-after at each stage, DSN/SIZE/SMTPUTF8 parameters
# accepted and REQUIRETLS refused, bad options (exit 2), and the same
# message sent by swaks and curl arriving the same.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/postfix/common.sh"
need_password

PLAIN=smtp://127.0.0.1:$PF_PLAIN_PORT
SUB=submission://127.0.0.1:$PF_SUBMISSION_PORT
FROM=tester@smtpscope.test

# The attachments: every octet value, and text with a lone dot line.
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 3)' >"$TMPD/all.bin"
printf 'first\n.\n..two dots\nlast\n' >"$TMPD/dots.txt"
printf 'Body from stdin.\n.\nA lone dot above.\n' >"$TMPD/body.txt"

# check_mime NAME TAG: the message with X-Tag TAG in the Maildir decodes to
# the body and the two attachments, octet for octet.
check_mime() {
	if wait_for 20 maildir_find "X-Tag: $2" &&
	    f=$(maildir_find "X-Tag: $2") &&
	    python3 - "$f" "$TMPD/all.bin" "$TMPD/dots.txt" "$TMPD/body.txt" \
	    >"$TMPD/mime.out" 2>&1 <<'PYEOF'
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'),
    policy=email.policy.default)
want = [open(p, 'rb').read() for p in sys.argv[2:4]]
body = open(sys.argv[4], 'rb').read().replace(b'\n', b'\r\n')
parts = [p for p in msg.walk() if not p.is_multipart()]
assert msg.get_content_type() == 'multipart/mixed', msg.get_content_type()
assert len(parts) == 3, len(parts)
text = parts[0].get_payload(decode=True).replace(b'\r\n', b'\n')
assert text == body.replace(b'\r\n', b'\n'), text
for p, w, name in zip(parts[1:], want, ['all.bin', 'dots.txt']):
    got = p.get_payload(decode=True)
    assert got == w, (name, len(got), len(w))
    assert p.get_filename() == name, p.get_filename()
print('ok')
PYEOF
	then ok "$1"; else not_ok "$1"; sed 's/^/#   /' "$TMPD/mime.out" 2>/dev/null; fi
}

# 1. Options are checked before anything connects.
run_ss bad --header 'Subject: x' "$PLAIN"
check_rc "send options without --to: exit 2" 2
check_grep "says --to is missing" '--to ADDR is missing' "$TMPD/bad.err"
run_ss bad --to 'not an address' "$PLAIN"
check_rc "a bad address: exit 2" 2
run_ss bad --to alice@localhost --from 'a@b>' "$PLAIN"
check_rc "a bad --from: exit 2" 2
run_ss bad --to alice@localhost --body x --body-file "$TMPD/body.txt" "$PLAIN"
check_rc "--body with --body-file: exit 2" 2
run_ss bad --to alice@localhost --header 'No colon here' "$PLAIN"
check_rc "a header without colon: exit 2" 2
run_ss bad --to alice@localhost --header "Subject: x
Bcc: victim@example.org" "$PLAIN"
check_rc "a header with a line end (injection): exit 2" 2
check_grep "injection: says why" 'CR or LF' "$TMPD/bad.err"
run_ss bad --to alice@localhost --attach "$TMPD/nonexistent" "$PLAIN"
check_rc "an unreadable attachment: exit 2" 2
run_ss bad --to alice@localhost --body-file "$TMPD" "$PLAIN"
check_rc "a directory as --body-file: exit 2" 2
run_ss bad --to alice@localhost --quit-after never "$PLAIN"
check_rc "a bad --quit-after: exit 2" 2
run_ss bad --to alice@localhost --dsn-notify never,success "$PLAIN"
check_rc "NOTIFY=NEVER with others: exit 2" 2
run_ss bad --to alice@localhost --auth plain "$PLAIN"
check_rc "--auth without --user: exit 2" 2
run_ss bad --to 'j\303\266rg@smtpscope.test' "$PLAIN"
check_rc "a UTF-8 address without --smtputf8: exit 2" 2
check_nogrep "nothing connected for bad options" 'connecting' "$TMPD/bad.out"

# 2. No target: the built-in practice server.
run_ss practice --to demo@localhost --body hello
check_rc "no target: sent on the practice server, exit 0" 0
check_grep "practice: accepted" '^S: 250 2\.6\.0' "$TMPD/practice.out"
# The transcript names what is sent, not the temporary file it sits in;
# a TMPDIR with a quote in it (which :send's quoting cannot hold) is not
# used.
mkdir -p "$TMPD/odd\"tmp dir"
TMPDIR="$TMPD/odd\"tmp dir" run_ss named --to demo@localhost --bdat-chunk 100
check_rc "TMPDIR with a quote: sent, exit 0" 0
check_grep "BDAT names the message built from the options" \
    '^# sending the message built from the options with BDAT' "$TMPD/named.out"
check_nogrep "no temporary file in the transcript" 'smtpscope-msg' \
    "$TMPD/named.out"
# --body-file from a pipe (as <(command) makes) is read like a file.
mkfifo "$TMPD/bodyfifo"
printf 'from a pipe\n' >"$TMPD/bodyfifo" &
run_ss bfifo --to demo@localhost --body-file "$TMPD/bodyfifo"
check_rc "--body-file from a pipe: exit 0" 0
# A step that fails is told in the user's terms: no script line ("send:2")
# and no internal command (":auth plain") in the message.
run_ss plainauth --to alice@localhost --auth plain --user "$PF_USER" \
    --password-file "$PF_PASSWORD_FILE" "$PLAIN"
check_rc "--auth on a plaintext connection: exit 4" 4
check_grep "it says why" 'not sending credentials' "$TMPD/plainauth.err"
check_nogrep "no script place or internal command named" 'send:[0-9]\|:auth' \
    "$TMPD/plainauth.err"
# An escape sequence in --ehlo is refused, and not echoed to the terminal.
run_ss bad --to demo@localhost --ehlo "$(printf 'a\033[2Jb')"
check_rc "a control character in --ehlo: exit 2" 2
check_nogrep "the escape is not echoed" "$(printf '\033')" "$TMPD/bad.err"
run_ss bad --to "$(printf 'a\033[2J@b.example')"
check_rc "a control character in --to: exit 2" 2
check_grep "the address is quoted escaped" 'a\\e\[2J@b' "$TMPD/bad.err"
check_nogrep "no raw escape in the usage error" "$(printf '\033')" "$TMPD/bad.err"
# An IDN domain goes as its A-label when SMTPUTF8 is not asked for.
run_ss idn --to 'user@bücher.example' --quit-after rcpt
check_grep "an IDN domain becomes its A-label" \
    '^C: RCPT TO:<user@xn--bcher-kva\.example>$' "$TMPD/idn.out"
run_ss idn --to 'user@bücher.example' --smtputf8 --quit-after rcpt
check_grep "with --smtputf8 it goes as UTF-8" \
    '^C: RCPT TO:<user@bücher\.example>$' "$TMPD/idn.out"
run_ss named --to demo@localhost
check_grep "DATA names the message built from the options" \
    '^# sending the message built from the options as' "$TMPD/named.out"
check_nogrep "no temporary file in the DATA transcript" 'smtpscope-msg' \
    "$TMPD/named.out"

# 3. Headers, body from stdin, two attachments, a refused recipient.
tag=mime-$PF_TAG
timeout 60 "$SMTPSCOPE" --no-color --to "alice@localhost,nobody@outside.invalid" \
    --from "$FROM" --header "Subject: one-shot $tag" --header "X-Tag: $tag" \
    --header 'Date: Mon, 01 Jan 2024 00:00:00 +0000' \
    --body-file - --attach "$TMPD/all.bin" --attach "$TMPD/dots.txt" \
    "$PLAIN" <"$TMPD/body.txt" >"$TMPD/mime.txt" 2>&1
rc=$?
check "one-shot with attachments: exit 0 (one of two recipients refused)" [ "$rc" -eq 0 ]
check_grep "the refused recipient is said" '1 of 2 recipients refused' "$TMPD/mime.txt"
check_grep "DATA used" '^C: DATA$' "$TMPD/mime.txt"
check_mime "body and both attachments arrive octet for octet" "$tag"
f=$(maildir_find "X-Tag: $tag")
check_grep "--header Subject replaced the default" "^Subject: one-shot $tag" "$f"
check_nogrep "no default Subject besides" '^Subject: smtpscope test' "$f"
check_grep "--header Date replaced the default" '^Date: Mon, 01 Jan 2024' "$f"
check_grep "a Message-ID by default" '^Message-ID: <.*\.smtpscope@' "$f"

# Display names and <> in --to and --from: the envelope gets the bare
# address, the header the name (quoted or RFC 2047-encoded as needed);
# a comma inside quotes does not split the list; a quoted local part.
tag=names-$PF_TAG
run_ss names --to '"Doe, John" <alice@localhost>, Jörg Ü. <alice@localhost>,<alice@localhost>' \
    --to '"alice"@localhost' --from "Tester Ö <$FROM>" \
    --header "X-Tag: $tag" "$PLAIN"
check_rc "display names and <> in --to/--from: exit 0" 0
check_grep "MAIL FROM has the bare address" "^C: MAIL FROM:<$FROM>\$" "$TMPD/names.out"
check "four RCPTs, bare addresses" test "$(grep -c '^C: RCPT TO:<alice@localhost>$' "$TMPD/names.out")" -eq 3
check_grep "a quoted local part goes as it is" '^C: RCPT TO:<"alice"@localhost>$' "$TMPD/names.out"
if wait_for 20 maildir_find "X-Tag: $tag" && f=$(maildir_find "X-Tag: $tag") &&
    python3 - "$f" >"$TMPD/names.py" 2>&1 <<'PYEOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'),
    policy=email.policy.default)
fr = m['From'].addresses[0]
assert (fr.display_name, fr.addr_spec) == ('Tester \u00d6', 'tester@smtpscope.test'), fr
to = [(a.display_name, a.addr_spec) for a in m['To'].addresses]
assert to == [('Doe, John', 'alice@localhost'),
    ('J\u00f6rg \u00dc.', 'alice@localhost'), ('', 'alice@localhost'),
    ('', 'alice@localhost')], to
print('ok')
PYEOF
then ok "the header's names arrive as given"; else not_ok "the header's names arrive as given"; sed 's/^/#   /' "$TMPD/names.py"; fi
run_ss bad --to 'Joe <alice@localhost> trailing' "$PLAIN"
check_rc "text after <addr>: exit 2" 2
run_ss bad --to 'Joe <alice@localhost' "$PLAIN"
check_rc "an unclosed <: exit 2" 2

# A body line over 998 octets goes as quoted-printable and arrives exact
# (with the '=', blanks at line ends, UTF-8 and a dot line around it).
tag=qp-$PF_TAG
python3 -c 'import sys; sys.stdout.buffer.write(b"a =3D b  \n" + b"y" * 2500 + b" \t\n" + "\u00fc".encode() * 700 + b"\n.dot\n\nend")' >"$TMPD/long.txt"
run_ss qp --to alice@localhost --header "X-Tag: $tag" --body-file "$TMPD/long.txt" "$PLAIN"
check_rc "a body with long lines: exit 0" 0
check_grep "a note says why it goes quoted-printable" \
    'goes as quoted-printable' "$TMPD/qp.out"
check_nogrep "no long-line warning" 'A line over 998 octets' "$TMPD/qp.out"
if wait_for 20 maildir_find "X-Tag: $tag" && f=$(maildir_find "X-Tag: $tag") &&
    python3 - "$f" "$TMPD/long.txt" >"$TMPD/qp.py" 2>&1 <<'PYEOF'
import email, email.policy, sys
raw = open(sys.argv[1], 'rb').read()
assert max(len(l) for l in raw.split(b'\n')) <= 77, 'a long line arrived'
m = email.message_from_bytes(raw, policy=email.policy.default)
assert m['Content-Transfer-Encoding'] == 'quoted-printable', m['Content-Transfer-Encoding']
got = m.get_payload(decode=True).replace(b'\r\n', b'\n')
want = open(sys.argv[2], 'rb').read() + b'\n'
assert got == want, (len(got), len(want))
print('ok')
PYEOF
then ok "the long-line body arrives octet for octet"; else not_ok "the long-line body arrives octet for octet"; sed 's/^/#   /' "$TMPD/qp.py"; fi

# Attachments from standard input ('-') and from a pipe (as <(command)
# makes), and an empty one; stdin cannot serve two; a directory is refused.
tag=att-$PF_TAG
: >"$TMPD/empty.bin"
mkfifo "$TMPD/fifo"
printf 'from a pipe\n' >"$TMPD/fifo" &
printf 'from stdin\n' | timeout 60 "$SMTPSCOPE" --to alice@localhost \
    --header "X-Tag: $tag" --attach - --attach "$TMPD/fifo" \
    --attach "$TMPD/empty.bin" "$PLAIN" >"$TMPD/att.out" 2>&1
rc=$?
check "--attach -, a pipe and an empty file: exit 0" [ "$rc" -eq 0 ]
if wait_for 20 maildir_find "X-Tag: $tag" && f=$(maildir_find "X-Tag: $tag") &&
    python3 - "$f" >"$TMPD/att.py" 2>&1 <<'PYEOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'),
    policy=email.policy.default)
parts = [(p.get_filename(), p.get_payload(decode=True))
    for p in m.walk() if not p.is_multipart()][1:]
assert parts == [(None, b'from stdin\n'), ('fifo', b'from a pipe\n'),
    ('empty.bin', b'')], parts
print('ok')
PYEOF
then ok "stdin, pipe and empty attachments arrive"; else not_ok "stdin, pipe and empty attachments arrive"; sed 's/^/#   /' "$TMPD/att.py"; fi
run_ss bad --to alice@localhost --attach - --body-file - "$PLAIN" </dev/null
check_rc "stdin for both --attach - and --body-file -: exit 2" 2
run_ss bad --to alice@localhost --attach "$TMPD" "$PLAIN"
check_rc "a directory as --attach: exit 2" 2

# 4. BDAT in chunks of 500 octets, over STARTTLS with AUTH.
tag=bdat-$PF_TAG
run_ss bdat --to alice@localhost --from "$FROM" --header "X-Tag: $tag" \
    --body-file "$TMPD/body.txt" --attach "$TMPD/all.bin" \
    --attach "$TMPD/dots.txt" --bdat-chunk 500 --auth plain --user "$PF_USER" \
    --password-file "$PF_PASSWORD_FILE" --ca-file "$PF_CA" "$SUB"
check_rc "--bdat: exit 0" 0
check_grep "BDAT chunks of 500" '^C: BDAT 500$' "$TMPD/bdat.out"
check_grep "the last chunk says LAST" '^C: BDAT [0-9]+ LAST$' "$TMPD/bdat.out"
check_nogrep "no DATA" '^C: DATA$' "$TMPD/bdat.out"
check_mime "BDAT: the message arrives octet for octet" "$tag"
check "Postfix logged bdat=" wait_for 10 grep -qE 'bdat=[0-9]+ ' "$PF_LOG"

# A 10 MB attachment (to the discarding sink) goes without holding it:
# the peak RSS of the client (with the forking python's ~10 MiB) stays below
# what holding the encoded 14 MB would take.  Under
# ASan the shadow memory makes RSS meaningless: only the send is checked.
head -c 10485760 /dev/urandom >"$TMPD/big.bin"
PF_USER=$PF_USER PF_PASSWORD_FILE=$PF_PASSWORD_FILE PF_CA=$PF_CA \
    python3 - "$SMTPSCOPE" "$PF_SINK" "$FROM" "$TMPD/big.bin" "$SUB" \
    >"$TMPD/big.rss" 2>"$TMPD/big.err" <<'PYEOF'
import os, resource, subprocess, sys
ss, sink, frm, att, url = sys.argv[1:]
rc = subprocess.call([ss, "--to", sink, "--from", frm, "--attach", att,
    "--timeout", "60", "--auth", "plain", "--user", os.environ["PF_USER"],
    "--password-file", os.environ["PF_PASSWORD_FILE"], "--ca-file",
    os.environ["PF_CA"], url], stdout=subprocess.DEVNULL)
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PYEOF
read -r big_rc big_kib <"$TMPD/big.rss"
check "10 MB attachment: sent, exit 0" [ "${big_rc:-1}" -eq 0 ]
if ldd "$SMTPSCOPE" 2>/dev/null | grep -q libasan; then
	ok "# SKIP peak RSS under ASan"
elif [ "${big_kib:-999999}" -lt 24576 ]; then
	ok "10 MB attachment: peak RSS ${big_kib} KiB, under 24 MiB"
else
	not_ok "10 MB attachment: peak RSS ${big_kib:-?} KiB, under 24 MiB"
fi

# 5. --quit-after: what was sent before QUIT.
qa() {
	run_ss qa --to alice@localhost --from "$FROM" --quit-after "$1" \
	    --auth plain --user "$PF_USER" --password-file "$PF_PASSWORD_FILE" \
	    --ca-file "$PF_CA" "$SUB"
	check_rc "--quit-after $1: exit 0" 0
	grep '^C: ' "$TMPD/qa.out" | sed 's/^C: //; s/ .*//' | tr '\n' ' ' >"$TMPD/qa.verbs"
	if [ "$(cat "$TMPD/qa.verbs")" = "$2" ]; then ok "--quit-after $1: sent $2"
	else not_ok "--quit-after $1: sent $2"; diag "sent: $(cat "$TMPD/qa.verbs")"; fi
}
qa connect "QUIT "
qa banner "QUIT "
qa ehlo "EHLO QUIT "
qa tls "EHLO STARTTLS EHLO QUIT "
qa auth "EHLO STARTTLS EHLO AUTH QUIT "
qa mail "EHLO STARTTLS EHLO AUTH MAIL QUIT "
qa rcpt "EHLO STARTTLS EHLO AUTH MAIL RCPT QUIT "
run_ss qa --quit-after ehlo "$PLAIN"
check_rc "--quit-after without --to: exit 0" 0

# 6. DSN, SIZE and SMTPUTF8 reach Postfix (which answers 555 to a
# parameter it does not take); REQUIRETLS, not offered, is refused.
tag=dsn-$PF_TAG
run_ss dsn --to alice@localhost --from "$FROM" --header "X-Tag: $tag" \
    --header "Subject: $(printf 'Gr\303\274\303\237e') $tag" --smtputf8 --size \
    --dsn-ret hdrs --dsn-envid "env+$tag" --dsn-notify failure,delay \
    --dsn-orcpt "$PLAIN"
check_rc "DSN, SIZE, SMTPUTF8: exit 0" 0
check_grep "MAIL with the parameters" '^C: MAIL FROM:<tester@smtpscope\.test> SIZE=[0-9]+ BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=env\+2B' "$TMPD/dsn.out"
check_grep "MAIL accepted" '^S: 250 2\.1\.0' "$TMPD/dsn.out"
check_grep "RCPT with NOTIFY and ORCPT" '^C: RCPT TO:<alice@localhost> NOTIFY=FAILURE,DELAY ORCPT=rfc822;alice@localhost$' "$TMPD/dsn.out"
check_grep "each parameter explained" '^# SIZE=[0-9]+: the message' "$TMPD/dsn.out"
check "the message with the raw UTF-8 Subject arrived" wait_for 20 maildir_find "X-Tag: $tag"
f=$(maildir_find "X-Tag: $tag")
check_grep "SMTPUTF8: the Subject went raw" "^Subject: Gr$(printf '\303\274\303\237')e" "$f"
run_ss rtls --to alice@localhost --from "$FROM" --requiretls --ca-file "$PF_CA" "$PLAIN"
check_rc "--requiretls, not offered: exit 1" 1
check_grep "REQUIRETLS refusal said" 'does not offer REQUIRETLS' "$TMPD/rtls.out"
check_nogrep "REQUIRETLS: no MAIL sent" '^C: MAIL' "$TMPD/rtls.out"
check_grep "REQUIRETLS: over STARTTLS" '^C: STARTTLS' "$TMPD/rtls.out"

# 7. A server without CHUNKING and SMTPUTF8 (Python's smtpd, Debian 12's
# python3): --bdat and a message that needs SMTPUTF8 stop before MAIL.
if python3 -W ignore -c 'import smtpd' 2>/dev/null; then
	sp=$(free_port)
	python3 -W ignore -m smtpd -n -c DebuggingServer "127.0.0.1:$sp" \
	    >"$TMPD/smtpd.out" 2>&1 &
	smtpd_pid=$!
	stop_smtpd() { kill "$smtpd_pid" 2>/dev/null; wait "$smtpd_pid" 2>/dev/null; }
	on_exit stop_smtpd
	wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $sp)).close()"
	run_ss nochunk --to a@example.org --bdat 127.0.0.1 "$sp"
	check_rc "--bdat without CHUNKING: exit 1" 1
	check_grep "--bdat refusal said" 'does not offer CHUNKING' "$TMPD/nochunk.out"
	check_nogrep "--bdat refusal: no MAIL, no BDAT" '^C: (MAIL|BDAT|DATA)' "$TMPD/nochunk.out"
	run_ss noutf8 --to "$(printf 'j\303\266rg@example.org')" --smtputf8 127.0.0.1 "$sp"
	check_rc "UTF-8 address, no SMTPUTF8 offered: exit 1" 1
	check_grep "SMTPUTF8 refusal said" 'need SMTPUTF8, which the server does not offer' "$TMPD/noutf8.out"
	check_nogrep "SMTPUTF8 refusal: no MAIL" '^C: MAIL' "$TMPD/noutf8.out"
	run_ss ascii8 --to a@example.org --smtputf8 --body "$(printf 'h\303\251llo')" 127.0.0.1 "$sp"
	check_rc "all-ASCII envelope and header, no SMTPUTF8: sent, exit 0" 0
	check_grep "... without SMTPUTF8, with BODY=8BITMIME" '^C: MAIL FROM:<[^>]*> BODY=8BITMIME$' "$TMPD/ascii8.out"
else
	ok "# SKIP no smtpd module in this python3"
fi

# A server that strips STARTTLS: submission:// sends nothing of the
# envelope (exit 4); one that knows no EHLO gets HELO, as swaks does.
FS="$top_srcdir/tests/integration/failclosed_server.py"
FSPIDS=""
stop_fs() { for p in $FSPIDS; do kill "$p" 2>/dev/null; done; }
on_exit stop_fs
for mode in hide noehlo; do
	python3 "$FS" "$mode" "$TMPD/port.$mode" &
	FSPIDS="$FSPIDS $!"
	wait_for 10 test -s "$TMPD/port.$mode"
done
run_ss strip --to a@example.org --timeout 10 "submission://127.0.0.1:$(cat "$TMPD/port.hide")"
check_rc "STARTTLS stripped on submission://: exit 4" 4
check_nogrep "... nothing of the envelope reached the server" '^(AUTH|MAIL|RCPT|DATA|BDAT)' "$TMPD/port.hide.log"
run_ss helo --quit-after mail --from a@example.org --timeout 10 127.0.0.1 "$(cat "$TMPD/port.noehlo")"
check_rc "EHLO unknown: HELO, MAIL, QUIT; exit 0" 0
check_grep "HELO after the 502" '^C: HELO ' "$TMPD/helo.out"
check_grep "then MAIL" '^C: MAIL FROM:<a@example\.org>$' "$TMPD/helo.out"

# 8. Interop: swaks and curl send the same message; what arrives compares.
# (No lone dot in this body: swaks 20201014 does not dot-stuff --body.)
printf 'Interop body.\nSecond line.\n' >"$TMPD/ibody.txt"
if command -v swaks >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
	for who in smtpscope swaks curl; do
		t=interop-$who-$PF_TAG
		case $who in
		smtpscope)
			timeout 60 "$SMTPSCOPE" --to alice@localhost --from "$FROM" \
			    --header "Subject: interop" --header "X-Tag: $t" \
			    --body-file "$TMPD/ibody.txt" --attach "$TMPD/all.bin" \
			    "$PLAIN" >"$TMPD/$who.log" 2>&1 ;;
		swaks)
			timeout 60 swaks --server 127.0.0.1:"$PF_PLAIN_PORT" \
			    --to alice@localhost --from "$FROM" \
			    --header "Subject: interop" --header "X-Tag: $t" \
			    --body "@$TMPD/ibody.txt" --attach-type application/octet-stream \
			    --attach-name all.bin --attach "@$TMPD/all.bin" \
			    >"$TMPD/$who.log" 2>&1 ;;
		curl)
			timeout 60 curl -sS "smtp://127.0.0.1:$PF_PLAIN_PORT" \
			    --mail-from "$FROM" --mail-rcpt alice@localhost \
			    -H "Subject: interop" -H "X-Tag: $t" \
			    -H "From: <$FROM>" -H "To: <alice@localhost>" \
			    -F "=<$TMPD/ibody.txt;type=text/plain" \
			    -F "=@$TMPD/all.bin;type=application/octet-stream;encoder=base64" \
			    >"$TMPD/$who.log" 2>&1 ;;
		esac
		check "interop: $who sent (exit 0)" [ $? -eq 0 ]
		check "interop: $who's message arrived" wait_for 20 maildir_find "X-Tag: $t"
	done
	if python3 - "$TMPD/all.bin" "$TMPD/ibody.txt" \
	    "$(maildir_find "X-Tag: interop-smtpscope-$PF_TAG")" \
	    "$(maildir_find "X-Tag: interop-swaks-$PF_TAG")" \
	    "$(maildir_find "X-Tag: interop-curl-$PF_TAG")" >"$TMPD/interop.out" 2>&1 <<'PYEOF'
import email, email.policy, sys
att = open(sys.argv[1], 'rb').read()
body = open(sys.argv[2], 'rb').read().replace(b'\r\n', b'\n')
def facts(path):
    m = email.message_from_binary_file(open(path, 'rb'),
        policy=email.policy.default)
    parts = [p for p in m.walk() if not p.is_multipart()]
    text = [p for p in parts if p.get_content_type() == 'text/plain']
    bins = [p for p in parts if p.get_content_type() ==
        'application/octet-stream']
    return (str(m['Subject']), m.get_content_type(),
        str(m['From']).strip('<>'), str(m['To']).strip('<>'),
        text[0].get_payload(decode=True).replace(b'\r\n', b'\n').rstrip(b'\n')
            if text else None,
        [b.get_payload(decode=True) == att for b in bins])
ours = facts(sys.argv[3])
for other in sys.argv[4:]:
    f = facts(other)
    assert f == ours, (other, f[:4], ours[:4], f[4], ours[4], f[5], ours[5])
assert ours[4] == body.rstrip(b'\n'), ours[4]
assert ours[5] == [True]
print('same')
PYEOF
	then ok "interop: smtpscope, swaks and curl deliver the same message"
	else not_ok "interop: smtpscope, swaks and curl deliver the same message"; sed 's/^/#   /' "$TMPD/interop.out"; fi
else
	ok "# SKIP interop: swaks or curl missing"
fi
done_testing
