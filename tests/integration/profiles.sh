#!/bin/sh
# --profile NAME: a [profile NAME] section of the config file gives the
# target and options; the command line overrides them; password-command
# logs in (the practice server, and the test Postfix when it can run
# here); bad files, bad keys, bad values and unsafe permissions are
# errors naming file and line, exit 2.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

CONF=$XDG_CONFIG_HOME/smtpscope/config
mkdir -p "$XDG_CONFIG_HOME/smtpscope"
start_practice || { not_ok "practice server started"; done_testing; }
port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cat >"$TMPD/login.scr" <<'SCR'
EHLO me
STARTTLS
EHLO me
:auth plain
:expect 235
QUIT
SCR

# The practice server's certificate is made up at start: insecure.
cat >"$CONF" <<CONFEND
# preferences come first, as before
theme = light
timestamps = on

[profile practice]
url = smtp://127.0.0.1:$PRACTICE_PORT
user = demo
password-command = printf 'demo\\nnot this line\\n'
insecure = yes
timeout = 10

[profile nourl]
user = demo
CONFEND
chmod 600 "$CONF"

check_run "profile: logs in with password-command" 0 "$SMTPSCOPE" --profile practice \
    --script "$TMPD/login.scr"
check_grep "profile: its URL was used" "connecting to 127\.0\.0\.1 port $PRACTICE_PORT" "$TMPD/out"
check_grep "profile: AUTH accepted" '^S: 235' "$TMPD/out"
check_nogrep "profile: password masked" 'AGRlbW8AZGVtbw' "$TMPD/out"
check_run "profile: --json too" 0 "$SMTPSCOPE" --profile practice --json \
    --script "$TMPD/login.scr"
check_grep "profile: --json summary" '"type":"summary","exit":0' "$TMPD/out"

# A one-shot send with a profile that has a user: without --auth it sends
# without AUTH (and runs no password-command); with --auth it logs in.
check_run "one-shot, profile user, no --auth: sent without AUTH" 0 "$SMTPSCOPE" \
    --profile practice --to demo@localhost
check_nogrep "one-shot, no --auth: no AUTH line" '^C: AUTH' "$TMPD/out"
check_grep "one-shot, no --auth: the message went" 'the message was accepted' "$TMPD/out"
check_run "one-shot, profile user, --auth plain: logs in" 0 "$SMTPSCOPE" \
    --profile practice --to demo@localhost --auth plain --starttls
check_grep "one-shot, --auth: AUTH accepted" '^S: 235' "$TMPD/out"
check_run "one-shot, --user without --auth still refused" 2 "$SMTPSCOPE" \
    --profile practice --user someone --to demo@localhost

# The command line wins: --user, the password source, the URL, --timeout.
check_run "override: --user replaces the profile's (login fails)" 1 "$SMTPSCOPE" \
    --profile practice --user someone-else --script "$TMPD/login.scr"
check_grep "override: the other user was refused" '^S: 535' "$TMPD/out"
printf 'wrong\n' >"$TMPD/wrong.pw"
check_run "override: --password-file replaces password-command" 1 "$SMTPSCOPE" \
    --profile practice --password-file "$TMPD/wrong.pw" --script "$TMPD/login.scr"
check_run "override: a target on the command line replaces the url" 3 "$SMTPSCOPE" \
    --profile practice --script "$TMPD/login.scr" "smtp://127.0.0.1:$port"
check_grep "override: the command line's port was dialled" "$port" "$TMPD/out"
check_run "override: --timeout accepted over the profile's" 0 "$SMTPSCOPE" \
    --profile practice --timeout 20 --script "$TMPD/login.scr"

# Errors: exit 2, the file and line named.
check_run "unknown profile: exit 2" 2 "$SMTPSCOPE" --profile nosuch --script "$TMPD/login.scr"
check_grep "unknown profile: names the known ones" "no profile 'nosuch'.*practice nourl" "$TMPD/err"
check_run "a bad profile name: exit 2" 2 "$SMTPSCOPE" --profile "$(printf 'x\033[2J')" \
    --script "$TMPD/login.scr"
check_grep "a bad profile name: said" 'wants a profile name' "$TMPD/err"
check_nogrep "a bad profile name: not echoed raw" "$(printf '\033')" "$TMPD/err"
check_run "profile without url and no target: exit 2" 2 "$SMTPSCOPE" --profile nourl \
    --script "$TMPD/login.scr"
check_grep "no url: said" 'has no url' "$TMPD/err"
check_run "--profile with --explain: exit 2" 2 "$SMTPSCOPE" --profile practice --explain 250
check_run "--profile with --serve: exit 2" 2 "$SMTPSCOPE" --profile practice --serve 127.0.0.1:0

cp "$CONF" "$TMPD/good.conf"
printf '[profile practice]\nurl = smtp://x\ncolour = red\n' >"$CONF"
check_run "unknown key: exit 2" 2 "$SMTPSCOPE" --profile practice --script "$TMPD/login.scr"
check_grep "unknown key: file and line" "config:3: unknown key 'colour'" "$TMPD/err"
printf '[profile practice]\nurl = smtp://x\ntimeout = soon\n' >"$CONF"
check_run "bad timeout: exit 2" 2 "$SMTPSCOPE" --profile practice --script "$TMPD/login.scr"
check_grep "bad timeout: file and line" 'config:3: timeout wants seconds' "$TMPD/err"
printf '[profile practice]\nstarttls = perhaps\n' >"$CONF"
check_run "bad yes/no: exit 2" 2 "$SMTPSCOPE" --profile practice --script "$TMPD/login.scr"
check_grep "bad yes/no: file and line" 'config:2: wants yes or no' "$TMPD/err"
printf '[practice]\n' >"$CONF"
check_run "bad section: exit 2" 2 "$SMTPSCOPE" --profile practice --script "$TMPD/login.scr"
check_grep "bad section: file and line" 'config:1: unknown section' "$TMPD/err"
printf '[profile practice]\nurl = gopher://x\n' >"$CONF"
check_run "bad url scheme: exit 2" 2 "$SMTPSCOPE" --profile practice --script "$TMPD/login.scr"
rm -f "$CONF"
check_run "no config file: exit 2" 2 "$SMTPSCOPE" --profile practice --script "$TMPD/login.scr"
check_grep "no config file: said" 'cannot read .*config' "$TMPD/err"

# password-command: failing, silent, and in a file others may write.
sed 's/^password-command = .*/password-command = exit 7/' "$TMPD/good.conf" >"$CONF"
chmod 600 "$CONF"
check_run "failing password-command: exit 2" 2 "$SMTPSCOPE" --profile practice \
    --script "$TMPD/login.scr"
check_grep "failing password-command: said" 'password-command failed \(exit status 7' "$TMPD/err"
sed 's/^password-command = .*/password-command = true/' "$TMPD/good.conf" >"$CONF"
check_run "silent password-command: exit 2" 2 "$SMTPSCOPE" --profile practice \
    --script "$TMPD/login.scr"
check_grep "silent password-command: said" 'printed no password' "$TMPD/err"
# One that never answers (a prompt nobody sees) is ended at password-timeout.
sed 's/^password-command = .*/password-command = sleep 30\npassword-timeout = 1/' \
    "$TMPD/good.conf" >"$CONF"
_t0=$(date +%s)
check_run "hanging password-command: exit 2" 2 "$SMTPSCOPE" --profile practice \
    --script "$TMPD/login.scr"
check "hanging password-command: ended within seconds" \
    test $(( $(date +%s) - _t0 )) -lt 10
check_grep "hanging password-command: said" 'no password within 1 s' "$TMPD/err"
sed 's/^password-command = .*/password-command = true\npassword-timeout = 0/' \
    "$TMPD/good.conf" >"$CONF"
check_run "password-timeout 0: exit 2" 2 "$SMTPSCOPE" --profile practice \
    --script "$TMPD/login.scr"
check_grep "password-timeout 0: said" 'password-timeout wants seconds' "$TMPD/err"
cp "$TMPD/good.conf" "$CONF"
chmod 664 "$CONF"
check_run "group-writable file with password-command: exit 2" 2 "$SMTPSCOPE" \
    --profile practice --script "$TMPD/login.scr"
check_grep "group-writable: refused with the fix" 'others may write it.*chmod go-w' "$TMPD/err"
chmod 602 "$CONF"
check_run "world-writable file with password-command: exit 2" 2 "$SMTPSCOPE" \
    --profile practice --script "$TMPD/login.scr"
chmod 600 "$CONF"

# While a slow password-command runs, the password is in neither the
# command line nor the environment of smtpscope; it logs in all the same.
sed "s|^password-command = .*|password-command = printf demo; echo x >$TMPD/started; sleep 1|" \
    "$TMPD/good.conf" >"$CONF"
"$SMTPSCOPE" --profile practice --script "$TMPD/login.scr" >"$TMPD/slow.out" 2>&1 &
spid=$!
if wait_for 10 test -s "$TMPD/started"; then
	if tr '\0' '\n' <"/proc/$spid/environ" 2>/dev/null | grep -q '^[^=]*=demo$' ||
	    tr '\0' ' ' <"/proc/$spid/cmdline" 2>/dev/null | grep -qw 'demo'; then
		not_ok "password not in argv or environ"
	else
		ok "password not in argv or environ"
	fi
else
	not_ok "password-command ran"
fi
wait "$spid"
check_grep "slow password-command: still logs in" '^S: 235' "$TMPD/slow.out"

# The preferences still count with profiles in the same file, and a
# script without --profile ignores the sections.
cp "$TMPD/good.conf" "$CONF"
printf 'EHLO me\nQUIT\n' >"$TMPD/q.scr"
check_run "no --profile: the file's profiles do not matter" 0 "$SMTPSCOPE" --script "$TMPD/q.scr"

# The test Postfix: a profile logs in on the submission port.
pf_log=$TMPD/postfix-setup.log
if bash "$top_srcdir/tests/postfix/setup.sh" >"$pf_log" 2>&1 &&
    . "${SMTPSCOPE_PF_STATE:-/var/lib/smtpscope-test}/env.sh" &&
    [ -r "$PF_PASSWORD_FILE" ]; then
	PF_PASSWORD=$(head -n 1 "$PF_PASSWORD_FILE")
	cat >"$CONF" <<CONFEND
[profile testmx]
url = submission://127.0.0.1:$PF_SUBMISSION_PORT
user = $PF_USER
ca-file = $PF_CA
password-command = cat '$PF_PASSWORD_FILE'
timeout = 15
CONFEND
	chmod 600 "$CONF"
	cat >"$TMPD/pf.scr" <<'SCR'
EHLO client.smtpscope.test
STARTTLS
:expect 220
EHLO client.smtpscope.test
:auth plain
:expect 235
QUIT
SCR
	check_run "postfix: the profile logs in on submission" 0 timeout 60 "$SMTPSCOPE" \
	    --profile testmx --script "$TMPD/pf.scr"
	check_grep "postfix: 235" '^S: 235' "$TMPD/out"
	pw_b64=$(printf '\0%s\0%s' "$PF_USER" "$PF_PASSWORD" | base64)
	if grep -qF -e "$PF_PASSWORD" -e "$pw_b64" "$TMPD/out" "$TMPD/err"; then
		not_ok "postfix: no password in the output"
	else
		ok "postfix: no password in the output"
	fi
	check_run "postfix: --ca-file on the command line overrides the profile's" 4 \
	    timeout 60 "$SMTPSCOPE" --profile testmx --ca-file "$TMPD/other-ca.pem" \
	    --script "$TMPD/pf.scr"
else
	ok "postfix: # SKIP test Postfix unavailable: $(tail -n 1 "$pf_log")"
fi

done_testing
