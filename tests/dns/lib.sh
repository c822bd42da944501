# tests/dns/lib.sh: a local DNS for tests, on loopback only.  Source it
# after tests/lib.sh.  Knot DNS (knotd) serves the zones given, signing
# those marked "signed" itself (DNSSEC, ECDSA P-256, keys made at start);
# smtpscope's own resolver (libunbound) asks knotd directly and validates
# with the trust anchor written to $DNS_TA.  dns_resolver adds the path
# real users have: a recursive resolver (an unbound daemon) between
# smtpscope and the zones; dns_strip one that strips DNSSEC.
#
#   dns_zone NAME FILE [signed]  serve FILE as zone NAME; in FILE, @VAR@ is
#                                replaced by the value of shell variable VAR
#                                (so a test can put its ports and TLSA
#                                digests in a template: tests/dns/*.zone)
#   dns_start                    start knotd; sets DNS_PORT, DNS_TA (DS
#                                records of the signed zones) and exports
#                                SMTPSCOPE_DNS_SERVER=127.0.0.1:DNS_PORT.
#                                Returns 1 (with DNS_WHY) when it cannot.
#   dns_args                     "--dns 127.0.0.1:PORT --dns-trust-anchor TA"
#   dns_resolver VAR [MODULES]   start an unbound daemon after dns_start: a
#                                recursive resolver for the zones (stub
#                                zones to knotd), the way a user's
#                                resolv.conf leads to one; its port goes in
#                                shell variable VAR.  MODULES is its
#                                module-config ("validator iterator" by
#                                default, with the zones' trust anchor;
#                                "iterator" for one that does not validate).
#                                It refuses every other name and sends
#                                nothing but to 127.0.0.1.  Returns 1 (with
#                                DNS_WHY) when it cannot.
#   dns_strip VAR PORT           start tests/dns/strip_proxy.py: a resolver
#                                in front of 127.0.0.1:PORT that strips
#                                DNSSEC (drops EDNS from the questions);
#                                its port goes in VAR.
#   dns_resolver_args VAR        "--dns 127.0.0.1:$VAR --dns-trust-anchor TA"
#
# The zones of tests/dns/test.zone (signed) and tests/dns/plain.zone
# (unsigned) are the usual ones; copy a record there, or give your own
# file with dns_zone.
_dns_zones=""
DNS_DIR=$TMPD/dns

dns_zone() {
	mkdir -p "$DNS_DIR/zones"
	_f=$DNS_DIR/zones/$1.zone
	cp "$2" "$_f"
	# @VAR@ from the shell's variables; an unset one is an error (a
	# record left half-written would stop the whole zone loading).
	for _v in $(grep -v '^;' "$_f" | grep -o '@[A-Za-z_][A-Za-z0-9_]*@' | sort -u | tr -d @); do
		eval "_set=\${$_v+x} _val=\${$_v-}"
		if [ -z "$_set" ]; then
			echo "dns_zone $1: $_v is not set" >&2
			return 1
		fi
		sed -i "s|@$_v@|$_val|g" "$_f"
	done
	_dns_zones="$_dns_zones $1:${3:-unsigned}"
}

_dns_conf() {
	cat <<EOC
server:
    listen: 127.0.0.1@$1
    rundir: $DNS_DIR
    user: $(id -un):$(id -gn)
log:
  - target: $DNS_DIR/knot.log
    any: info
database:
    storage: $DNS_DIR/db
template:
  - id: default
    storage: $DNS_DIR/zones
    file: "%s.zone"
    zonefile-sync: -1
    journal-content: none
policy:
  - id: test
    algorithm: ecdsap256sha256
    ksk-lifetime: 0
    zsk-lifetime: 0
zone:
EOC
	for _z in $_dns_zones; do
		echo "  - domain: ${_z%%:*}"
		if [ "${_z#*:}" = signed ]; then
			echo "    dnssec-signing: on"
			echo "    dnssec-policy: test"
		fi
	done
}

_dns_stop() {
	[ -n "${_dns_pid:-}" ] && kill "$_dns_pid" 2>/dev/null
	[ -n "${_dns_pid:-}" ] && wait "$_dns_pid" 2>/dev/null
	return 0
}

_dns_free_port() {
	python3 -c 'import socket
t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", p))
print(p)' 2>/dev/null
}

# All zones loaded, the signed ones signed?
_dns_ready() {
	_st=$(knotc -c "$DNS_DIR/knot.conf" zone-status 2>/dev/null) || return 1
	[ -n "$_st" ] && ! printf '%s\n' "$_st" | grep -q 'serial: -'
}

dns_start() {
	DNS_WHY=""
	if ! command -v knotd >/dev/null 2>&1; then
		DNS_WHY="knotd is not installed (Debian package knot)"
		return 1
	fi
	mkdir -p "$DNS_DIR/db" "$DNS_DIR/zones"
	for _try in 1 2 3 4 5; do
		DNS_PORT=$(_dns_free_port) || continue
		[ -n "$DNS_PORT" ] || continue
		_dns_conf "$DNS_PORT" >"$DNS_DIR/knot.conf"
		knotd -c "$DNS_DIR/knot.conf" >"$DNS_DIR/knotd.out" 2>&1 &
		_dns_pid=$!
		if wait_for 10 _dns_ready; then
			break
		fi
		_dns_stop
		_dns_pid=""
	done
	if [ -z "${_dns_pid:-}" ]; then
		DNS_WHY="knotd did not start: $(tail -3 "$DNS_DIR/knotd.out" "$DNS_DIR/knot.log" 2>/dev/null | tr '\n' ' ')"
		return 1
	fi
	on_exit _dns_stop
	DNS_TA=$DNS_DIR/ta.ds
	: >"$DNS_TA"
	for _z in $_dns_zones; do
		[ "${_z#*:}" = signed ] || continue
		keymgr -c "$DNS_DIR/knot.conf" "${_z%%:*}" ds >>"$DNS_TA" 2>/dev/null
	done
	SMTPSCOPE_DNS_SERVER=127.0.0.1:$DNS_PORT
	export SMTPSCOPE_DNS_SERVER
	return 0
}

dns_args() {
	echo "--dns 127.0.0.1:$DNS_PORT --dns-trust-anchor $DNS_TA"
}

# unbound.conf for dns_resolver: port $1, modules $2, directory $3.
_dns_unbound_conf() {
	cat <<EOC
server:
    interface: 127.0.0.1
    port: $1
    do-ip6: no
    do-tcp: yes
    username: ""
    chroot: ""
    directory: "$3"
    pidfile: ""
    use-syslog: no
    logfile: "$3/unbound.log"
    verbosity: 1
    access-control: 127.0.0.0/8 allow
    module-config: "$2"
    do-not-query-localhost: no
    # Only loopback, ever: queries leave from 127.0.0.1 (the kernel
    # routes that nowhere else), the root is a stub on knotd (no root
    # hints are used), and every name outside the test zones is refused
    # without asking anyone.
    outgoing-interface: 127.0.0.1
    trust-anchor-signaling: no
    local-zone: "." refuse
    local-zone: "test." transparent
    qname-minimisation: no
    # Answers in a rotated order, as many resolvers give them.
    rrset-roundrobin: yes
    harden-referral-path: no
    prefetch: no
    num-threads: 1
    outgoing-range: 64
    so-reuseport: no
EOC
	if [ "$2" != iterator ]; then
		echo "    trust-anchor-file: \"$DNS_TA\""
	fi
	for _z in $_dns_zones; do
		[ "${_z#*:}" = signed ] ||
			echo "    domain-insecure: \"${_z%%:*}\""
	done
	cat <<EOC
remote-control:
    control-enable: no
stub-zone:
    name: "."
    stub-addr: 127.0.0.1@$DNS_PORT
EOC
	for _z in $_dns_zones; do
		printf 'stub-zone:\n    name: "%s"\n    stub-addr: 127.0.0.1@%s\n' \
		    "${_z%%:*}" "$DNS_PORT"
	done
}

_dns_resolver_pids=""
_dns_resolver_stop() {
	for _p in $_dns_resolver_pids; do
		kill "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	return 0
}

# Has the resolver of directory $1 started serving?
_dns_resolver_ready() {
	grep -q 'start of service' "$1/unbound.log" 2>/dev/null
}

dns_resolver() {
	DNS_WHY=""
	if ! command -v unbound >/dev/null 2>&1; then
		DNS_WHY="unbound is not installed (Debian package unbound)"
		return 1
	fi
	_rmods=${2:-validator iterator}
	_rdir=$DNS_DIR/resolver-$1
	mkdir -p "$_rdir"
	for _try in 1 2 3 4 5; do
		_rport=$(_dns_free_port) || continue
		[ -n "$_rport" ] || continue
		_dns_unbound_conf "$_rport" "$_rmods" "$_rdir" >"$_rdir/unbound.conf"
		rm -f "$_rdir/unbound.log"
		unbound -d -c "$_rdir/unbound.conf" >"$_rdir/unbound.out" 2>&1 &
		_rpid=$!
		if wait_for 10 _dns_resolver_ready "$_rdir"; then
			_dns_resolver_pids="$_dns_resolver_pids $_rpid"
			[ "$_dns_resolver_pids" = " $_rpid" ] &&
				on_exit _dns_resolver_stop
			eval "$1=\$_rport"
			return 0
		fi
		kill "$_rpid" 2>/dev/null
		wait "$_rpid" 2>/dev/null
	done
	DNS_WHY="unbound did not start: $(tail -3 "$_rdir/unbound.out" "$_rdir/unbound.log" 2>/dev/null | tr '\n' ' ')"
	return 1
}

dns_strip() {
	DNS_WHY=""
	_sf=$DNS_DIR/strip-$1.port
	python3 "$top_srcdir/tests/dns/strip_proxy.py" "$2" "$_sf" \
	    >"$DNS_DIR/strip-$1.log" 2>&1 &
	_spid=$!
	_dns_resolver_pids="$_dns_resolver_pids $_spid"
	[ "$_dns_resolver_pids" = " $_spid" ] && on_exit _dns_resolver_stop
	if ! wait_for 10 test -s "$_sf"; then
		DNS_WHY="strip_proxy.py did not start: $(tail -1 "$DNS_DIR/strip-$1.log")"
		return 1
	fi
	eval "$1=\$(cat \"\$_sf\")"
}

dns_resolver_args() {
	eval "echo \"--dns 127.0.0.1:\$$1 --dns-trust-anchor $DNS_TA\""
}
