#!/bin/bash
# tests/postfix/stop.sh: stop the private test Postfix that setup.sh started.
#
#   stop.sh           stop the instance (state, mail and certificate are kept)
#   stop.sh --purge   also remove the state directory and the log
#
# The local user made by setup.sh and the installed packages are left alone.
set -u

PF_STATE=${SMTPSCOPE_PF_STATE:-/var/lib/smtpscope-test}
CONF=$PF_STATE/postfix
PF_LOG=/var/log/postfix-smtpscope.log
PATH=$PATH:/usr/sbin:/sbin

if [ "$(id -u)" -ne 0 ]; then
	echo "postfix-stop: needs root" >&2
	exit 77
fi
[ -d "$PF_STATE" ] || exit 0
exec 9>"$PF_STATE/lock" || exit 1
flock -w 300 9 || { echo "postfix-stop: lock busy" >&2; exit 1; }

rm -f "$PF_STATE/stamp"
if [ -r "$CONF/main.cf" ] &&
    postfix -c "$CONF" status >/dev/null 2>&1; then
	postfix -c "$CONF" stop >/dev/null 2>&1 || {
		echo "postfix-stop: postfix stop failed" >&2
		exit 1
	}
	# Wait (bounded) until the master has really gone.
	deadline=$((SECONDS + 15))
	while postfix -c "$CONF" status >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
fi
if [ "${1:-}" = "--purge" ]; then
	rm -rf "$PF_STATE" "$PF_LOG"
fi
exit 0
