#!/bin/bash
# tests/postfix/setup.sh: bring up a private, loopback-only Postfix for the
# integration tests and the benchmark.
#
# It runs as its own Postfix instance (config, queue and data under
# $PF_STATE), so the system's own Postfix configuration, if any, is never
# touched.  Nothing can leave the machine: the only listeners are on
# 127.0.0.1, every non-local destination goes to the error transport and no
# smtp client service is defined at all.
#
#   127.0.0.1:10025  plain SMTP, STARTTLS offered, AUTH after STARTTLS
#   127.0.0.1:10587  submission: STARTTLS required, AUTH PLAIN/LOGIN/CRAM-MD5
#                    and (libsasl2-modules) SCRAM-SHA-1/256, DIGEST-MD5, NTLM
#   127.0.0.1:10465  implicit TLS (wrapper mode) with AUTH
#   127.0.0.1:10026  plain SMTP that trusts loopback clients with XCLIENT
#                    and XFORWARD
#   127.0.0.1:10027  plain SMTP behind a PROXY protocol header (v1 or v2):
#                    the client is the one the header names
#
# Mail for local users (alice@localhost, alice@smtpscope.test) is delivered
# to ~alice/Maildir; mail for anything@sink.smtpscope.test is accepted from
# authenticated clients and discarded; everything else is refused.
#
# The facts tests need are written as shell assignments to $PF_STATE/env.sh.
# Safe to call again and from several tests at once: the work is done under
# an exclusive lock and is skipped when everything is already up.
#
# Exit status: 0 ready; 77 cannot be done here (not root and not ready);
# anything else is a real failure.  Messages go to stderr.
set -u

PF_STATE=${SMTPSCOPE_PF_STATE:-/var/lib/smtpscope-test}
STAMP_VERSION=9
PF_PLAIN_PORT=10025
PF_SUBMISSION_PORT=10587
PF_SMTPS_PORT=10465
PF_XCLIENT_PORT=10026
PF_HAPROXY_PORT=10027
PF_DOMAIN=smtpscope.test
PF_SINK_DOMAIN=sink.smtpscope.test
PF_USER=alice
PF_LOG=/var/log/postfix-smtpscope.log
# Cyrus SASL mechanisms; all of them read the password from the sasldb.
PF_MECHS="PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256 DIGEST-MD5 NTLM"

CONF=$PF_STATE/postfix
ENV_FILE=$PF_STATE/env.sh

say() { printf 'postfix-setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# port_open PORT: true when something accepts connections on 127.0.0.1:PORT.
port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# all_ports_open: true when every listener accepts connections.
all_ports_open() {
	port_open "$PF_PLAIN_PORT" && port_open "$PF_SUBMISSION_PORT" &&
	    port_open "$PF_SMTPS_PORT" && port_open "$PF_XCLIENT_PORT" &&
	    port_open "$PF_HAPROXY_PORT"
}

# ready: true when a previous run of this version left a running instance
# that offers every mechanism of $PF_MECHS (checked apart from the stamp, so
# an older copy of this script that finds the instance ready leaves it be).
ready() {
	[ -r "$ENV_FILE" ] && [ -r "$PF_STATE/stamp" ] &&
	    [ "$(cat "$PF_STATE/stamp" 2>/dev/null)" = "$STAMP_VERSION" ] &&
	    grep -qxF "mech_list: $PF_MECHS" "$CONF/sasl/smtpd.conf" \
	    2>/dev/null && all_ports_open
}

# wait_ports SECONDS: poll until the listeners accept, or give up.
wait_ports() {
	local deadline=$((SECONDS + $1))

	while ! all_ports_open; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.05
	done
	return 0
}

if ready; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	say "the test Postfix is not running and setting it up needs root"
	exit 77
fi

mkdir -p "$PF_STATE" || die "cannot create $PF_STATE"
chmod 755 "$PF_STATE"
exec 9>"$PF_STATE/lock" || die "cannot open $PF_STATE/lock"
flock -w 300 9 || die "timed out waiting for $PF_STATE/lock"
# Somebody else may have finished the work while we waited.
if ready; then
	exit 0
fi
t0=$SECONDS

# ---------------------------------------------------------------- packages
need=""
for p in postfix sasl2-bin libsasl2-modules gnutls-bin; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		need="$need $p"
	fi
done
if [ -n "$need" ]; then
	say "installing:$need"
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if ! apt-get install -y -q --no-install-recommends $need >&2; then
		apt-get update -q >&2 || true
		apt-get install -y -q --no-install-recommends $need >&2 ||
		    die "apt-get install failed:$need"
	fi
fi
for c in postfix postconf certtool saslpasswd2; do
	command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] ||
	    die "$c not found after installing"
done
PATH=$PATH:/usr/sbin:/sbin

# ---------------------------------------------------------------- user
if ! getent passwd "$PF_USER" >/dev/null; then
	mkdir -p "$PF_STATE/home"
	useradd -m -d "$PF_STATE/home/$PF_USER" -s /usr/sbin/nologin \
	    -c "smtpscope test mailbox" "$PF_USER" ||
	    die "useradd $PF_USER failed"
fi
PF_HOME=$(getent passwd "$PF_USER" | cut -d: -f6)
[ -d "$PF_HOME" ] || die "home of $PF_USER ($PF_HOME) is missing"
PF_MAILDIR=$PF_HOME/Maildir

# ---------------------------------------------------------------- secrets
PF_PASSWORD_FILE=$PF_STATE/password
if [ ! -s "$PF_PASSWORD_FILE" ]; then
	umask 077
	pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | cut -c1-16)
	printf '%s\n' "$pw" >"$PF_PASSWORD_FILE.tmp" &&
	    mv "$PF_PASSWORD_FILE.tmp" "$PF_PASSWORD_FILE" ||
	    die "cannot write $PF_PASSWORD_FILE"
	umask 022
fi
chmod 600 "$PF_PASSWORD_FILE"
pw=$(head -n 1 "$PF_PASSWORD_FILE")

# Cyrus SASL: a private sasldb and smtpd.conf; the realm is fixed by
# smtpd_sasl_local_domain below so it does not depend on the host name.
# (Debian's Postfix reads $config_directory/sasl/smtpd.conf.)
mkdir -p "$CONF/sasl"
cat >"$CONF/sasl/smtpd.conf.new" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $PF_STATE/sasldb2
mech_list: $PF_MECHS
EOF
sasl_changed=0
if ! cmp -s "$CONF/sasl/smtpd.conf.new" "$CONF/sasl/smtpd.conf"; then
	mv "$CONF/sasl/smtpd.conf.new" "$CONF/sasl/smtpd.conf"
	sasl_changed=1
else
	rm -f "$CONF/sasl/smtpd.conf.new"
fi
printf '%s' "$pw" | saslpasswd2 -p -c -f "$PF_STATE/sasldb2" \
    -u "$PF_DOMAIN" "$PF_USER" || die "saslpasswd2 failed"
chown postfix:root "$PF_STATE/sasldb2"
chmod 640 "$PF_STATE/sasldb2"

# TLS: one self-signed certificate for localhost and 127.0.0.1.
PF_CA=$PF_STATE/cert.pem
cert_changed=0
PF_KEY=$PF_STATE/key.pem
if [ ! -s "$PF_CA" ] || [ ! -s "$PF_KEY" ]; then
	cat >"$PF_STATE/cert.tmpl" <<EOF
organization = "smtpscope test"
cn = "localhost"
dns_name = "localhost"
ip_address = "127.0.0.1"
serial = $(date +%s)
expiration_days = 3650
tls_www_server
signing_key
encryption_key
EOF
	(umask 077; certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
	    --outfile "$PF_KEY.tmp" >/dev/null 2>&1) ||
	    die "certtool could not make a key"
	certtool --generate-self-signed --load-privkey "$PF_KEY.tmp" \
	    --template "$PF_STATE/cert.tmpl" --outfile "$PF_CA.tmp" \
	    >/dev/null 2>&1 || die "certtool could not make a certificate"
	mv "$PF_KEY.tmp" "$PF_KEY" && mv "$PF_CA.tmp" "$PF_CA" ||
	    die "cannot store the certificate"
	cert_changed=1
fi
chmod 600 "$PF_KEY"
chmod 644 "$PF_CA"

# ---------------------------------------------------------------- postfix
mkdir -p "$CONF" "$PF_STATE/queue" "$PF_STATE/data"
chown root:root "$PF_STATE/queue"
chown postfix:postfix "$PF_STATE/data"
touch "$PF_LOG"

cat >"$CONF/main.cf.new" <<EOF
# Written by smtpscope tests/postfix/setup.sh; rewritten on every setup.
compatibility_level = 3.6
config_directory = $CONF
queue_directory = $PF_STATE/queue
data_directory = $PF_STATE/data
syslog_name = postfix-smtpscope
maillog_file = $PF_LOG

myhostname = $PF_DOMAIN
mydomain = $PF_DOMAIN
myorigin = $PF_DOMAIN
mydestination = \$myhostname, localhost, localhost.localdomain
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8

# Nothing leaves this machine.
default_transport = error:outside mail is disabled on the smtpscope test server
relay_transport = error:relaying is disabled on the smtpscope test server
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtp_dns_support_level = disabled
# Mail to the sink domain is accepted and thrown away (benchmarks).
transport_maps = inline:{$PF_SINK_DOMAIN=discard:}

alias_maps =
alias_database =
local_recipient_maps = unix:passwd.byname
home_mailbox = Maildir/
biff = no
message_size_limit = 52428800
mailbox_size_limit = 0

smtpd_banner = \$myhostname ESMTP smtpscope test server
smtpd_tls_cert_file = $PF_CA
smtpd_tls_key_file = $PF_KEY
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_session_cache_database = btree:\${data_directory}/smtpd_scache

smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $CONF/sasl
smtpd_sasl_local_domain = $PF_DOMAIN
smtpd_sasl_authenticated_header = yes
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
broken_sasl_auth_clients = no
EOF

# Only the services a loopback-only, local-delivery instance needs; there is
# deliberately no smtp or relay client.
cat >"$CONF/master.cf.new" <<EOF
# Written by smtpscope tests/postfix/setup.sh; rewritten on every setup.
127.0.0.1:$PF_PLAIN_PORT inet n - n - - smtpd
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
127.0.0.1:$PF_SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix-smtpscope/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$PF_SMTPS_PORT inet n - n - - smtpd
  -o syslog_name=postfix-smtpscope/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$PF_XCLIENT_PORT inet n - n - - smtpd
  -o syslog_name=postfix-smtpscope/xclient
  -o smtpd_authorized_xclient_hosts=127.0.0.0/8
  -o smtpd_authorized_xforward_hosts=127.0.0.0/8
127.0.0.1:$PF_HAPROXY_PORT inet n - n - - smtpd
  -o syslog_name=postfix-smtpscope/haproxy
  -o smtpd_upstream_proxy_protocol=haproxy
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

changed=$((cert_changed | sasl_changed))
for f in main.cf master.cf; do
	if ! cmp -s "$CONF/$f.new" "$CONF/$f"; then
		mv "$CONF/$f.new" "$CONF/$f"
		changed=1
	else
		rm -f "$CONF/$f.new"
	fi
done

export MAIL_CONFIG=$CONF
postfix -c "$CONF" check >&2 || die "postfix check failed (see $PF_LOG)"
if postfix -c "$CONF" status >/dev/null 2>&1; then
	if [ "$changed" -eq 1 ]; then
		postfix -c "$CONF" reload >/dev/null 2>&1 ||
		    die "postfix reload failed (see $PF_LOG)"
	fi
else
	postfix -c "$CONF" start >/dev/null 2>&1 ||
	    die "postfix start failed (see $PF_LOG)"
fi
wait_ports 30 || die "Postfix did not listen within 30 s (see $PF_LOG)"

cat >"$ENV_FILE.tmp" <<EOF
# Facts about the smtpscope test Postfix; written by tests/postfix/setup.sh.
PF_HOST=127.0.0.1
PF_PLAIN_PORT=$PF_PLAIN_PORT
PF_SUBMISSION_PORT=$PF_SUBMISSION_PORT
PF_SMTPS_PORT=$PF_SMTPS_PORT
PF_XCLIENT_PORT=$PF_XCLIENT_PORT
PF_HAPROXY_PORT=$PF_HAPROXY_PORT
PF_DOMAIN=$PF_DOMAIN
PF_CA=$PF_CA
PF_USER=$PF_USER
PF_RCPT=$PF_USER@localhost
PF_SINK=bench@$PF_SINK_DOMAIN
PF_PASSWORD_FILE=$PF_PASSWORD_FILE
PF_MAILDIR=$PF_MAILDIR
PF_LOG=$PF_LOG
PF_CONF=$CONF
EOF
mv "$ENV_FILE.tmp" "$ENV_FILE"
echo "$STAMP_VERSION" >"$PF_STATE/stamp"
say "ready in $((SECONDS - t0)) s; facts in $ENV_FILE"
exit 0
