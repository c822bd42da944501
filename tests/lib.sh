# tests/lib.sh: TAP helpers for shell tests.  Source it, call ok/not_ok or
# check, then done_testing at the end.
#
#   check "name" command args...   # ok when the command exits 0
#   skip_all "reason"              # the whole file is skipped
#   wait_for SECONDS command...    # poll until the command succeeds
set -u
: "${SMTPSCOPE:=smtpscope}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
_t_n=0
_t_failed=0
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/smtpscope-test.XXXXXX")
# History and the config file: each test has its own, never the user's.
XDG_STATE_HOME=$TMPD/state; export XDG_STATE_HOME
XDG_CONFIG_HOME=$TMPD/config; export XDG_CONFIG_HOME
_t_cleanup_hooks=""
_t_cleanup() {
	for h in $_t_cleanup_hooks; do "$h" || true; done
	rm -rf "$TMPD"
}
trap _t_cleanup EXIT
on_exit() { _t_cleanup_hooks="$_t_cleanup_hooks $1"; }

ok() { _t_n=$((_t_n + 1)); echo "ok $_t_n - $*"; }
not_ok() { _t_n=$((_t_n + 1)); _t_failed=$((_t_failed + 1)); echo "not ok $_t_n - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
check() {
	_name=$1; shift
	if "$@"; then ok "$_name"; else not_ok "$_name"; fi
}
# check_grep NAME PATTERN FILE: ok when the extended regex is found.
check_grep() {
	if grep -Eq -- "$2" "$3"; then ok "$1"; else not_ok "$1"; diag "pattern: $2" "in $3:"; sed -n '1,40p' "$3" | sed 's/^/#   /'; fi
}
check_nogrep() {
	if grep -Eq -- "$2" "$3"; then not_ok "$1"; diag "unwanted: $2"; grep -E -- "$2" "$3" | sed 's/^/#   /'; else ok "$1"; fi
}
# check_exit NAME WANT command...: ok when the command exits with WANT.
check_exit() {
	_name=$1; _want=$2; shift 2
	"$@"; _got=$?
	if [ "$_got" -eq "$_want" ]; then ok "$_name"; else not_ok "$_name"; diag "exit $_got, want $_want"; fi
}
# check_run NAME WANT command...: run with stdout in $TMPD/out and stderr in
# $TMPD/err; ok when it exits with WANT.
check_run() {
	_name=$1; _want=$2; shift 2
	"$@" >"$TMPD/out" 2>"$TMPD/err" </dev/null; _got=$?
	if [ "$_got" -eq "$_want" ]; then ok "$_name"; else not_ok "$_name"; diag "exit $_got, want $_want" "stderr:"; sed -n '1,10p' "$TMPD/err" | sed 's/^/#   /'; fi
}
skip_all() { echo "1..0 # SKIP $*"; trap - EXIT; rm -rf "$TMPD"; exit 0; }
wait_for() {
	_deadline=$(( $(date +%s) + $1 )); shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$_deadline" ] && return 1
		sleep 0.1
	done
	return 0
}
done_testing() {
	echo "1..$_t_n"
	[ "$_t_failed" -eq 0 ]
	exit $?
}

# start_practice [ARGS...]: run `smtpscope --serve 127.0.0.1:0 ARGS` in the
# background, stopped at exit; sets PRACTICE_PORT (and PRACTICE_TLS_PORT
# when --serve-smtps is among ARGS).  Returns 1 if it did not come up.
start_practice() {
	"$SMTPSCOPE" --serve 127.0.0.1:0 "$@" >"$TMPD/practice.out" 2>"$TMPD/practice.err" &
	_practice_pid=$!
	on_exit _stop_practice
	wait_for 20 grep -q '^demo login' "$TMPD/practice.out" || return 1
	PRACTICE_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMPD/practice.out")
	PRACTICE_TLS_PORT=$(sed -n 's/^listening (implicit TLS) on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMPD/practice.out")
	[ -n "$PRACTICE_PORT" ]
}
_stop_practice() { kill "$_practice_pid" 2>/dev/null; wait "$_practice_pid" 2>/dev/null; }
