# tests/tui/tui_lib.sh: drive smtpscope in a private tmux server.  Source it
# after tests/lib.sh.  Every function polls with a deadline; nothing sleeps
# blindly.  The tmux server and any server we started die at exit.
#
#   tui_start W H ARGS...    run "$SMTPSCOPE ARGS" in a W x H pane
#   wait_screen REGEX [SECS] poll the plain screen until REGEX matches
#   wait_escreen REGEX [SECS] the same on the screen with SGR escapes
#   screen / escreen         print the screen (plain / with escapes)
#   keys KEY...              tmux send-keys
#   practice_start           start "$SMTPSCOPE --serve", sets PRACTICE_PORT
#   fake_start [MODE]        start the python fake server, sets FAKE_PORT

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"

TUI_SOCK="smtpscope-test-$$"
TUI_SOCKS=""
TUI_N=0
TUI_PIDS=""
TUI_SCREEN="$TMPD/screen.txt"

tmx() { tmux -L "$TUI_SOCK" -f /dev/null "$@"; }

_tui_cleanup() {
	for _s in $TUI_SOCKS; do
		tmux -L "$_s" -f /dev/null kill-server >/dev/null 2>&1
	done
	for p in $TUI_PIDS; do kill "$p" 2>/dev/null; done
	return 0
}
on_exit _tui_cleanup

# tui_start W H ARGS...: the program's exit status is printed as EXIT=N
# when it ends, and the pane stays for inspection.
tui_start() {
	_w=$1; _h=$2; shift 2
	: > "$TMPD/args"
	for _a in "$@"; do printf '%s\n' "$_a" >> "$TMPD/args"; done
	cat > "$TMPD/run.sh" <<RUN
#!/bin/sh
# Survive a Ctrl-C or Ctrl-\\ meant for smtpscope (a caught signal is reset on exec).
trap ':' INT QUIT
set --
while IFS= read -r a; do set -- "\$@" "\$a"; done < "$TMPD/args"
"$SMTPSCOPE" "\$@" 2>"$TMPD/stderr"
echo "EXIT=\$?"
exec sleep 600
RUN
	chmod +x "$TMPD/run.sh"
	# A fresh tmux server each time: one being killed may still be
	# shutting down on the old socket.
	TUI_N=$((TUI_N + 1))
	TUI_SOCK="smtpscope-test-$$-$TUI_N"
	TUI_SOCKS="$TUI_SOCKS $TUI_SOCK"
	tmx new-session -d -x "$_w" -y "$_h" \
	    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 ${TUI_ENV:-} $TMPD/run.sh"
}

screen() { tmx capture-pane -p; }
escreen() { tmx capture-pane -p -e; }
keys() { tmx send-keys "$@"; }
tui_resize() { tmx resize-window -x "$1" -y "$2"; }

# The pid of smtpscope inside the pane (child of the wrapper shell).
tui_pid() { pgrep -P "$(tmx display -p '#{pane_pid}')" -x smtpscope | head -1; }

_wait_match() {
	_cmd=$1; _re=$2; _secs=${3:-10}
	_deadline=$(( $(date +%s) + _secs ))
	while :; do
		$_cmd > "$TUI_SCREEN" 2>/dev/null
		grep -Eq -- "$_re" "$TUI_SCREEN" && return 0
		[ "$(date +%s)" -ge "$_deadline" ] && break
		sleep 0.05
	done
	diag "timed out waiting for: $_re" "screen was:"
	sed 's/^/    |/' "$TUI_SCREEN" | sed 's/\x1b/\\e/g' | while IFS= read -r l; do diag "$l"; done
	return 1
}
wait_screen() { _wait_match screen "$@"; }
# wait_gone REGEX [SECS]: poll until REGEX no longer matches the screen.
wait_gone() {
	_deadline=$(( $(date +%s) + ${2:-10} ))
	while screen > "$TUI_SCREEN" 2>/dev/null && grep -Eq -- "$1" "$TUI_SCREEN"; do
		[ "$(date +%s)" -ge "$_deadline" ] && { diag "still there: $1"; return 1; }
		sleep 0.05
	done
	return 0
}
wait_escreen() { _wait_match escreen "$@"; }

# check_screen NAME REGEX [SECS]
check_screen() {
	if wait_screen "$2" "${3:-10}"; then ok "$1"; else not_ok "$1"; fi
}
check_escreen() {
	if wait_escreen "$2" "${3:-10}"; then ok "$1"; else not_ok "$1"; fi
}

# Wait for a line of a file to match; prints the first match.
_wait_file() {
	_deadline=$(( $(date +%s) + 10 ))
	while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
		[ "$(date +%s)" -ge "$_deadline" ] && return 1
		sleep 0.05
	done
	grep -E -- "$2" "$1" | head -1
}

practice_start() {
	"$SMTPSCOPE" --serve 127.0.0.1:0 > "$TMPD/practice.out" 2>&1 &
	TUI_PIDS="$TUI_PIDS $!"
	_l=$(_wait_file "$TMPD/practice.out" '^listening on ') || {
		diag "practice server did not start:"; sed 's/^/#   /' "$TMPD/practice.out"
		return 1
	}
	PRACTICE_PORT=${_l##*:}
}

fake_start() {
	command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
	python3 "$top_srcdir/tests/tui/fakesmtp.py" "${1:-escapes}" > "$TMPD/fake.out" 2>&1 &
	TUI_PIDS="$TUI_PIDS $!"
	_l=$(_wait_file "$TMPD/fake.out" '^port ') || {
		diag "fake server did not start:"; sed 's/^/#   /' "$TMPD/fake.out"
		return 1
	}
	FAKE_PORT=${_l#port }
}
