#!/bin/sh
# XCLIENT, XFORWARD, PROXY protocol headers, --bind and --pipe against the
# real, loopback-only Postfix: each message's queue ID is looked up in
# Postfix's log, which must name the client we claimed (or bound to).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/postfix/common.sh"

[ -n "${PF_XCLIENT_PORT:-}" ] && [ -n "${PF_HAPROXY_PORT:-}" ] ||
    skip_all "the test Postfix has no XCLIENT/PROXY listeners"

# msg_script FILE TAG [PRE]: EHLO, PRE (a line or nothing), one message to
# alice tagged TAG, QUIT.
msg_script() {
	{
		echo "EHLO client.smtpscope.test"
		[ -n "${3:-}" ] && echo "$3"
		echo "MAIL FROM:<tester@smtpscope.test>"
		echo "RCPT TO:<$PF_RCPT>"
		echo "DATA"
		echo "Subject: admin $2"
		echo ""
		echo "$2"
		echo "."
		echo ":expect 250"
		echo "QUIT"
	} >"$1"
}

# queue_id NAME: the queue ID of the message in $TMPD/NAME.out.
queue_id() {
	sed -n 's/^S: 250 .*queued as \([0-9A-F]*\).*/\1/p' "$TMPD/$1.out" |
	    head -n 1
}

# log_has NAME REGEX: ok when Postfix logs REGEX (waits for the log).
log_has() {
	if wait_for 10 grep -Eq -- "$2" "$PF_LOG"; then
		ok "$1"
	else
		not_ok "$1"
		diag "not in $PF_LOG: $2"
		tail -n 5 "$PF_LOG" | sed 's/^/#   /'
	fi
}

XC=127.0.0.1:$PF_XCLIENT_PORT
R=$(od -An -N2 -tu1 /dev/urandom | awk '{ print $1 "." $2 }')

# 1. --xclient: XCLIENT after EHLO, 220, EHLO again; Postfix takes the
# client named (a value with a blank is quoted and xtext-encoded).
msg_script "$TMPD/xc.scr" "xclient-$PF_TAG"
run_ss xc --script "$TMPD/xc.scr" --timeout 15 \
    --xclient "ADDR=198.18.$R NAME=xc-$PF_TAG.example HELO=\"two words\"" \
    "smtp://$XC"
check_rc "--xclient: the script exits 0" 0
check_grep "XCLIENT goes out xtext-encoded" \
    "^C: XCLIENT ADDR=198\.18\.$R NAME=xc-$PF_TAG\.example HELO=two\+20words$" \
    "$TMPD/xc.out"
check_grep "the XCLIENT 220 is explained" "XCLIENT accepted" "$TMPD/xc.out"
check "EHLO goes again after XCLIENT's 220" \
    test "$(grep -c '^C: EHLO client.smtpscope.test$' "$TMPD/xc.out")" -eq 2
qid=$(queue_id xc)
log_has "Postfix logs the client XCLIENT named" \
    "$qid: client=xc-$PF_TAG\.example\[198\.18\.$R\]"

# 2. :xclient in a script, then --xforward.
msg_script "$TMPD/xc2.scr" "xclient2-$PF_TAG" \
    ":xclient ADDR=198.18.$R NAME=[UNAVAILABLE]"
run_ss xc2 --script "$TMPD/xc2.scr" --timeout 15 "smtp://$XC"
check_rc ":xclient in a script exits 0" 0
qid=$(queue_id xc2)
log_has ":xclient: Postfix logs the address given" \
    "$qid: client=unknown\[198\.18\.$R\]"

msg_script "$TMPD/xf.scr" "xforward-$PF_TAG"
run_ss xf --script "$TMPD/xf.scr" --timeout 15 \
    --xforward "ADDR=198.18.$R NAME=xf-$PF_TAG.example PROTO=ESMTP" \
    "smtp://$XC"
check_rc "--xforward: the script exits 0" 0
check_grep "XFORWARD's 250 is explained" "XFORWARD accepted" "$TMPD/xf.out"
check_nogrep "no second EHLO after XFORWARD" "sending EHLO again" \
    "$TMPD/xf.out"
qid=$(queue_id xf)
log_has "Postfix logs the original client XFORWARD named" \
    "$qid: client=localhost\[127\.0\.0\.1\], orig_client=xf-$PF_TAG\.example\[198\.18\.$R\]"

# XCLIENT typed as is: explained, and the user sends EHLO.
printf 'EHLO me\nXCLIENT ADDR=198.18.%s\nEHLO me\nQUIT\n' "$R" >"$TMPD/typed.scr"
run_ss typed --script "$TMPD/typed.scr" --timeout 15 "smtp://$XC"
check_rc "XCLIENT typed: the script exits 0" 0
check_grep "XCLIENT typed: its 220 is explained" \
    "XCLIENT accepted: .*send EHLO again" "$TMPD/typed.out"
check_nogrep "XCLIENT typed: no EHLO is added" "sending EHLO again" \
    "$TMPD/typed.out"

# 3. A server that does not offer XCLIENT to us: nothing is sent.
msg_script "$TMPD/no.scr" "noxc-$PF_TAG"
run_ss no --script "$TMPD/no.scr" --timeout 15 --xclient "ADDR=192.0.2.1" \
    "smtp://127.0.0.1:$PF_PLAIN_PORT"
check_rc "--xclient where it is not offered: exit 2" 2
check_grep "and says why" "does not offer XCLIENT" "$TMPD/no.all"
check_nogrep "no XCLIENT and no MAIL went out" "^C: (XCLIENT|MAIL)" \
    "$TMPD/no.out"

# 4. PROXY protocol, versions 1 and 2: Postfix logs the proxied client.
for v in 1 2; do
	msg_script "$TMPD/px$v.scr" "proxy$v-$PF_TAG"
	run_ss "px$v" --script "$TMPD/px$v.scr" --timeout 15 \
	    --proxy-protocol $v --proxy-source "198.19.$R:40$v" \
	    "smtp://127.0.0.1:$PF_HAPROXY_PORT"
	check_rc "PROXY v$v: the script exits 0" 0
	check_grep "PROXY v$v: the header is a note before the greeting" \
	    "^# PROXY header sent \(version $v" "$TMPD/px$v.out"
	qid=$(queue_id "px$v")
	log_has "PROXY v$v: Postfix logs the client the header named" \
	    "$qid: client=unknown\[198\.19\.$R\]"
done

# 5. --bind 127.0.0.2: Postfix sees that address.
msg_script "$TMPD/bind.scr" "bind-$PF_TAG"
run_ss bind --script "$TMPD/bind.scr" --timeout 15 --bind 127.0.0.2 \
    "smtp://$XC"
check_rc "--bind 127.0.0.2: the script exits 0" 0
qid=$(queue_id bind)
log_has "--bind: Postfix logs client 127.0.0.2" \
    "$qid: client=[^ ]*\[127\.0\.0\.2\]"
# A name to look up first: the dial binds after the caller has returned
# (the bound address must be the dial's own copy).
msg_script "$TMPD/bindname.scr" "bindname-$PF_TAG"
run_ss bindname --script "$TMPD/bindname.scr" --timeout 15 -4 \
    --bind 127.0.0.2 "smtp://localhost:${XC##*:}"
check_rc "--bind with a name looked up: the script exits 0" 0
qid=$(queue_id bindname)
log_has "--bind with a name: Postfix logs client 127.0.0.2" \
    "$qid: client=[^ ]*\[127\.0\.0\.2\]"
run_ss badbind --script "$TMPD/bind.scr" --timeout 15 --bind 192.0.2.77 \
    "smtp://$XC"
check_rc "--bind to an address not ours: exit 3" 3
check_grep "and says it cannot bind" \
    "cannot bind to the local address 192\.0\.2\.77" "$TMPD/badbind.err"

# 6. --pipe: Postfix's own sendmail -bs; the message reaches the Maildir.
id="pipe-$PF_TAG@smtpscope.test"
{
	echo "EHLO client.smtpscope.test"
	echo "MAIL FROM:<tester@smtpscope.test>"
	echo "RCPT TO:<$PF_RCPT>"
	echo "DATA"
	echo "Subject: pipe $PF_TAG"
	echo "Message-ID: <$id>"
	echo ""
	echo "through sendmail -bs"
	echo "."
	echo ":expect 250"
	echo "QUIT"
	echo ":expect 221"
} >"$TMPD/pipe.scr"
run_ss pipe --script "$TMPD/pipe.scr" --timeout 15 \
    --pipe "/usr/sbin/sendmail -C $PF_CONF -bs"
check_rc "--pipe sendmail -bs: the script exits 0" 0
check_grep "the program's exit status is told" \
    "^# the program \(pid [0-9]+\) exited with status 0" "$TMPD/pipe.out"
check "the message is in alice's Maildir" wait_for 15 maildir_find "$id"

done_testing
