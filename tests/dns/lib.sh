# tests/dns/lib.sh: a local DNS for tests, on loopback only.  Source it
# after tests/lib.sh.  Knot DNS (knotd) serves the zones given, signing
# those marked "signed" itself (DNSSEC, ECDSA P-256, keys made at start);
# smtpscope's own resolver (libunbound) asks knotd directly and validates
# with the trust anchor written to $DNS_TA, so no resolver daemon is
# needed.
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
