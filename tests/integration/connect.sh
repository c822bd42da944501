#!/bin/sh
# Connection set-up as RFC 8305 says, on loopback with our own DNS server
# (tests/integration/he_server.py): a name whose first address drops
# packets is still reached, at once, and the transcript names the address
# that failed and the one reached; slow DNS counts against --timeout; -4
# and -6 pick the family.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

python3 "$top_srcdir/tests/integration/he_server.py" "$TMPD/state" \
    >"$TMPD/he.log" 2>&1 &
HE_PID=$!
stop_he() { kill "$HE_PID" 2>/dev/null; wait "$HE_PID" 2>/dev/null; }
on_exit stop_he
wait_for 10 test -s "$TMPD/state" ||
	skip_all "cannot set up 127.0.0.2/127.0.0.3 listeners: $(tail -1 "$TMPD/he.log")"
read -r P DNS V6 <"$TMPD/state"
SMTPSCOPE_DNS_SERVER=127.0.0.1:$DNS
export SMTPSCOPE_DNS_SERVER

printf 'EHLO me\nQUIT\n' >"$TMPD/s.txt"
now_ms() { date +%s%3N; }
# run NAME WANT ARGS...: check_run, and the time it took in $ELAPSED (ms).
run() {
	_t0=$(now_ms)
	check_run "$@"
	ELAPSED=$(( $(now_ms) - _t0 ))
}
# check_fast NAME MS: ok when the last run took less than MS.
check_fast() {
	if [ "$ELAPSED" -lt "$2" ]; then ok "$1 (${ELAPSED} ms)"; else not_ok "$1"; diag "took $ELAPSED ms, limit $2"; fi
}
q() { printf '%s' "$1" | sed 's/[.]/\\./g'; }

# The first address (127.0.0.2) drops our SYNs; the second answers.
run "first address dead: the second is reached" 0 \
    "$SMTPSCOPE" --timeout 10 --script "$TMPD/s.txt" v4dead.test "$P"
check_fast "first address dead: well within --timeout 10" 3000
check_grep "both addresses looked up" '^# v4dead\.test has IPv4 addresses 127\.0\.0\.2, 127\.0\.0\.3' "$TMPD/out"
check_grep "the first address is tried" "^# trying 127\\.0\\.0\\.2 port $P\$" "$TMPD/out"
check_grep "the dead address is named, the next one started" '^# 127\.0\.0\.2: no answer in [0-9]+ ms, trying 127\.0\.0\.3$' "$TMPD/out"
check_grep "the address reached is named" "^# connected to 127\\.0\\.0\\.3 port $P \\(v4dead\\.test\\)\$" "$TMPD/out"
check_grep "the session runs" '^S: 221 bye' "$TMPD/out"

# --log gets the same notes.
run "--log: first address dead" 0 "$SMTPSCOPE" --timeout 10 \
    --log "$TMPD/log.txt" --script "$TMPD/s.txt" v4dead.test "$P"
check_grep "--log names the dead address" '^# 127\.0\.0\.2: no answer in [0-9]+ ms' "$TMPD/log.txt"

if [ "$V6" = 1 ]; then
	# IPv6 is tried first (RFC 8305 section 4) and is dead here.
	run "IPv6 dead: IPv4 is reached" 0 \
	    "$SMTPSCOPE" --timeout 10 --script "$TMPD/s.txt" v6dead.test "$P"
	check_fast "IPv6 dead: well within --timeout 10" 3000
	check_grep "IPv6 is tried first" "^# trying ::1 port $P\$" "$TMPD/out"
	check_grep "IPv6 named as dead, IPv4 tried" '^# ::1: no answer in [0-9]+ ms, trying 127\.0\.0\.3$' "$TMPD/out"
	check_grep "IPv4 reached" "^# connected to 127\\.0\\.0\\.3 port $P" "$TMPD/out"

	run "-4 skips IPv6" 0 \
	    "$SMTPSCOPE" -4 --timeout 10 --script "$TMPD/s.txt" v6dead.test "$P"
	check_fast "-4: no delay at all" 1000
	check_nogrep "-4: ::1 never tried" '::1' "$TMPD/out"

	run "-6 with IPv6 dead: timeout exit 5" 5 \
	    "$SMTPSCOPE" -6 --timeout 1 --script "$TMPD/s.txt" v6dead.test "$P"
	check_fast "-6: given up after --timeout 1" 2500
	check_grep "-6: the dead address is named" '^# ::1: no answer within 1 s' "$TMPD/out"
	check_nogrep "-6: IPv4 never tried" '127\.0\.0\.3' "$TMPD/out"
	check_grep "-6: said in words" "no answer from v6dead\\.test port $P within 1 s" "$TMPD/err"

	run "nothing answers: timeout exit 5" 5 \
	    "$SMTPSCOPE" --timeout 1 --script "$TMPD/s.txt" alldead.test "$P"
	check_fast "nothing answers: given up after --timeout 1" 2500
	check_grep "nothing answers: ::1 named" '^# ::1: no answer within 1 s' "$TMPD/out"
	check_grep "nothing answers: 127.0.0.2 named" '^# 127\.0\.0\.2: no answer within 1 s' "$TMPD/out"

	# IPv4 is dead at once and the AAAA answer comes after 1 s: the
	# waiting in between is poll()'s, not a busy loop.
	python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(int((r.ru_utime + r.ru_stime) * 1000))' "$SMTPSCOPE" --timeout 2 \
	    --script "$TMPD/s.txt" deadslow.test "$P" >"$TMPD/cpu"
	cpu=$(cat "$TMPD/cpu")
	if [ "$cpu" -lt 400 ]; then ok "no busy wait for a late AAAA ($cpu ms CPU)"; else not_ok "no busy wait for a late AAAA"; diag "$cpu ms CPU in 2 s"; fi

	# AAAA comes 3 s late: IPv4 goes ahead after the Resolution Delay.
	run "late AAAA: IPv4 does not wait for it" 0 \
	    "$SMTPSCOPE" --timeout 10 --script "$TMPD/s.txt" slow6.test "$P"
	check_fast "late AAAA: connected long before it comes" 1500
else
	ok "# SKIP no IPv6 loopback: IPv6 cases"
fi

run "-6 and a name without AAAA: exit 3" 3 \
    "$SMTPSCOPE" -6 --timeout 5 --script "$TMPD/s.txt" v4dead.test "$P"
check_grep "-6 and no AAAA: said in words" 'v4dead\.test has no IPv6 address \(-6 was given\)' "$TMPD/err"
run "unknown name: exit 3" 3 \
    "$SMTPSCOPE" --timeout 5 --script "$TMPD/s.txt" nosuch.test "$P"
check_grep "unknown name: said in words" 'unknown host nosuch\.test' "$TMPD/err"

# Slow DNS: the answer after 1 s is waited for; one after 3 s is not.
run "DNS answering in 1 s: connected" 0 \
    "$SMTPSCOPE" --timeout 5 --script "$TMPD/s.txt" slowish.test "$P"
check_grep "DNS answering in 1 s: the wait is shown" '^# slowish\.test has IPv4 address 127\.0\.0\.3 \(looked up in 1[0-9][0-9][0-9] ms\)' "$TMPD/out"
run "DNS slower than --timeout: exit 5" 5 \
    "$SMTPSCOPE" --timeout 1 --script "$TMPD/s.txt" slow.test "$P"
check_fast "DNS slower than --timeout: given up after 1 s" 2500
check_grep "DNS slower than --timeout: said in words" 'looking up slow\.test: no answer from the DNS within 1 s' "$TMPD/err"

# A literal address never asks the DNS (the server here would not know it).
SMTPSCOPE_DNS_SERVER=127.0.0.1:1 run "a literal address needs no DNS" 0 \
    "$SMTPSCOPE" --timeout 5 --script "$TMPD/s.txt" 127.0.0.3 "$P"
check_grep "a literal address: the old note" "^# connected to 127\\.0\\.0\\.3 port $P\$" "$TMPD/out"
check_nogrep "a literal address: no look-up notes" 'trying|looked up' "$TMPD/out"

done_testing
