# tests/postfix/common.sh: sourced by the tests that use the real Postfix,
# after tests/lib.sh.  Brings the private Postfix up (tests/postfix/setup.sh),
# loads its facts (PF_* variables, see setup.sh) or skips the whole file when
# that is impossible here, and offers a few helpers.

pf_setup_log=$TMPD/postfix-setup.log
bash "$top_srcdir/tests/postfix/setup.sh" >"$pf_setup_log" 2>&1
pf_rc=$?
if [ "$pf_rc" -eq 77 ]; then
	skip_all "test Postfix unavailable: $(tail -n 1 "$pf_setup_log")"
elif [ "$pf_rc" -ne 0 ]; then
	not_ok "tests/postfix/setup.sh exited $pf_rc"
	sed 's/^/#   /' "$pf_setup_log"
	done_testing
fi
. "${SMTPSCOPE_PF_STATE:-/var/lib/smtpscope-test}/env.sh"
# The password file is root's: tests that log in call need_password.
PF_PASSWORD=
if [ -r "$PF_PASSWORD_FILE" ]; then
	PF_PASSWORD=$(head -n 1 "$PF_PASSWORD_FILE")
fi

# need_password: skip the whole file when the test password is unreadable.
need_password() {
	[ -n "$PF_PASSWORD" ] ||
	    skip_all "cannot read $PF_PASSWORD_FILE (run the tests as root)"
}

# A per-run tag so messages and Message-IDs from this run are unique.
PF_TAG=$(date +%s).$$.$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')

# run_ss NAME ARGS...: run smtpscope with ARGS, a hard 60 s limit, stdout in
# $TMPD/NAME.out, stderr in $TMPD/NAME.err, both in $TMPD/NAME.all; the exit
# status is left in $rc.
run_ss() {
	_n=$1; shift
	timeout 60 "$SMTPSCOPE" "$@" >"$TMPD/$_n.out" 2>"$TMPD/$_n.err"
	rc=$?
	cat "$TMPD/$_n.out" "$TMPD/$_n.err" >"$TMPD/$_n.all"
}

# check_rc NAME WANT: ok when the last run_ss exited WANT; shows output if not.
check_rc() {
	if [ "$rc" -eq "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "exit $rc, want $2"
		sed -n '1,60p' "$TMPD/$_n.all" | sed 's/^/#   /'
	fi
}

# maildir_find PATTERN: print the delivered message file in alice's Maildir
# that contains the fixed string PATTERN; fail when there is none yet.
maildir_find() {
	[ -d "$PF_MAILDIR/new" ] || return 1
	_f=$(grep -rlF -- "$1" "$PF_MAILDIR/new" 2>/dev/null | head -n 1)
	[ -n "$_f" ] && printf '%s\n' "$_f"
}

# free_port: print a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}
