# tests/integration/certs.sh: a test PKI made with certtool, sourced by the
# TLS report and MTA-STS tests.  make_pki DIR writes into DIR:
#   root.pem root.key          the trust anchor ("smtpscope Test Root")
#   inter.pem inter.key        an intermediate CA signed by the root
#   leaf.pem leaf.key          mx.example.test, IP 127.0.0.1, ECDSA P-256
#   chain.pem                  leaf + intermediate: what a server sends
#   expired.pem expired-chain.pem   a leaf that expired in 2020
#   mtasts.pem mtasts.key      mta-sts.example.test (+ other test domains)
#   ocsp.pem ocsp.key          the intermediate's OCSP signer
make_pki() {
	_d=$1
	mkdir -p "$_d" || return 1
	cat >"$_d/root.tmpl" <<-EOT
	cn = "smtpscope Test Root"
	organization = "smtpscope tests"
	serial = 1
	expiration_days = 3650
	ca
	cert_signing_key
	crl_signing_key
	EOT
	cat >"$_d/inter.tmpl" <<-EOT
	cn = "smtpscope Test Intermediate"
	organization = "smtpscope tests"
	serial = 2
	expiration_days = 1825
	ca
	cert_signing_key
	crl_signing_key
	EOT
	cat >"$_d/leaf.tmpl" <<-EOT
	cn = "mx.example.test"
	serial = 3
	expiration_days = 90
	dns_name = "mx.example.test"
	dns_name = "mx2.example.test"
	ip_address = "127.0.0.1"
	tls_www_server
	signing_key
	encryption_key
	EOT
	cat >"$_d/expired.tmpl" <<-EOT
	cn = "mx.example.test"
	serial = 4
	activation_date = "2019-01-01 00:00:00"
	expiration_date = "2020-01-01 00:00:00"
	dns_name = "mx.example.test"
	ip_address = "127.0.0.1"
	tls_www_server
	signing_key
	encryption_key
	EOT
	cat >"$_d/mtasts.tmpl" <<-EOT
	cn = "mta-sts.example.test"
	serial = 5
	expiration_days = 90
	dns_name = "mta-sts.example.test"
	dns_name = "mta-sts.testing.test"
	dns_name = "mta-sts.none.test"
	dns_name = "mta-sts.redirect.test"
	dns_name = "mta-sts.html.test"
	dns_name = "mta-sts.big.test"
	dns_name = "mta-sts.chunked.test"
	dns_name = "mta-sts.missing.test"
	dns_name = "mta-sts.bad.test"
	dns_name = "mta-sts.slow.test"
	dns_name = "mta-sts.wrongmx.test"
	dns_name = "mta-sts.split.test"
	tls_www_server
	signing_key
	encryption_key
	EOT
	cat >"$_d/ocsp.tmpl" <<-EOT
	cn = "smtpscope Test OCSP"
	serial = 6
	expiration_days = 90
	signing_key
	ocsp_signing_key
	EOT
	(
	cd "$_d" &&
	certtool -p --key-type rsa --bits 2048 --outfile root.key &&
	certtool -s --load-privkey root.key --template root.tmpl \
	    --outfile root.pem &&
	certtool -p --key-type rsa --bits 2048 --outfile inter.key &&
	certtool -c --load-privkey inter.key --load-ca-certificate root.pem \
	    --load-ca-privkey root.key --template inter.tmpl \
	    --outfile inter.pem &&
	certtool -p --key-type ecdsa --curve secp256r1 --outfile leaf.key &&
	certtool -c --load-privkey leaf.key --load-ca-certificate inter.pem \
	    --load-ca-privkey inter.key --template leaf.tmpl \
	    --outfile leaf.pem &&
	certtool -c --load-privkey leaf.key --load-ca-certificate inter.pem \
	    --load-ca-privkey inter.key --template expired.tmpl \
	    --outfile expired.pem &&
	certtool -p --key-type ed25519 --outfile mtasts.key &&
	certtool -c --load-privkey mtasts.key --load-ca-certificate inter.pem \
	    --load-ca-privkey inter.key --template mtasts.tmpl \
	    --outfile mtasts.pem &&
	certtool -p --key-type ecdsa --outfile ocsp.key &&
	certtool -c --load-privkey ocsp.key --load-ca-certificate inter.pem \
	    --load-ca-privkey inter.key --template ocsp.tmpl \
	    --outfile ocsp.pem &&
	cat leaf.pem inter.pem >chain.pem &&
	cat expired.pem inter.pem >expired-chain.pem &&
	cat mtasts.pem inter.pem >mtasts-chain.pem
	) >"$_d/certtool.log" 2>&1
}

# make_ocsp DIR: OCSP responses signed by the OCSP signer (openssl ocsp):
# good.der, revoked.der and unknown.der for DIR/leaf.pem, and other.der,
# a good one for the expired leaf (so not for leaf.pem).
make_ocsp() {
	(
	cd "$1" || exit 1
	_ser=$(openssl x509 -in leaf.pem -noout -serial | cut -d= -f2)
	_exp=$(date -u -d '+90 days' +%y%m%d%H%M%SZ)
	_rev=$(date -u -d '-1 day' +%y%m%d%H%M%SZ)
	printf 'V\t%s\t\t%s\tunknown\t/CN=mx.example.test\n' "$_exp" "$_ser" \
	    >index-good.txt
	printf 'R\t%s\t%s\t%s\tunknown\t/CN=mx.example.test\n' "$_exp" \
	    "$_rev" "$_ser" >index-revoked.txt
	openssl ocsp -issuer inter.pem -cert leaf.pem -reqout req.der \
	    -no_nonce &&
	openssl ocsp -index index-good.txt -rsigner ocsp.pem -rkey ocsp.key \
	    -CA inter.pem -reqin req.der -respout good.der -ndays 7 &&
	openssl ocsp -index index-revoked.txt -rsigner ocsp.pem \
	    -rkey ocsp.key -CA inter.pem -reqin req.der \
	    -respout revoked.der -ndays 7 &&
	: >index-none.txt &&
	openssl ocsp -index index-none.txt -rsigner ocsp.pem -rkey ocsp.key \
	    -CA inter.pem -reqin req.der -respout unknown.der -ndays 7 &&
	printf 'V\t%s\t\t04\tunknown\t/CN=mx.example.test\n' "$_exp" \
	    >index-other.txt &&
	openssl ocsp -issuer inter.pem -cert expired.pem -reqout req-other.der \
	    -no_nonce &&
	openssl ocsp -index index-other.txt -rsigner ocsp.pem -rkey ocsp.key \
	    -CA inter.pem -reqin req-other.der -respout other.der -ndays 7
	) >"$1/ocsp.log" 2>&1
}

# free_port: a TCP port on 127.0.0.1 nobody listens on right now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
