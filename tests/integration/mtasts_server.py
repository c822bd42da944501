#!/usr/bin/env python3
"""An MTA-STS policy server on loopback for tests/integration/mtasts.sh
and tests/integration/domain.sh (the names are in tests/dns/sts.zone).

An HTTPS server on 127.0.0.1 with a certificate for the mta-sts.* names
picks its answer by the Host header:

  example.test   enforce, mx.example.test and *.mx.example.test (CRLF)
  wrongmx.test   the same
  split.test     the same (its TXT record is in several strings)
  testing.test   testing, LF line ends
  none.test      none, no mx
  redirect.test  301 to example.test's policy (must not be followed)
  html.test      a policy served as text/html
  big.test       a 70000-octet body
  chunked.test   enforce, sent chunked
  missing.test   404
  bad.test       mode: strict
  slow.test      never answers

Usage: mtasts_server.py STATE CERT KEY LOG; writes "HTTPSPORT" to
STATE when ready and logs each request line and Host header to LOG.
"""
import http.server
import os
import socketserver
import ssl
import sys
import threading
import time

ENFORCE = (b"version: STSv1\r\nmode: enforce\r\nmx: mx.example.test\r\n"
           b"mx: *.mx.example.test\r\nmax_age: 604800\r\n")
TESTING = b"version: STSv1\nmode: testing\nmx: mx.testing.test\nmax_age: 86400\n"
NONE = b"version: STSv1\nmode: none\nmax_age: 86400\n"
BAD = b"version: STSv1\nmode: strict\nmx: mx.bad.test\nmax_age: 86400\n"


class Policy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, ctype, body, extra=()):
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        host = self.headers.get("Host", "")
        with open(LOG, "a") as f:
            f.write("%s | Host: %s\n" % (self.requestline, host))
        dom = host[len("mta-sts."):] if host.startswith("mta-sts.") else ""
        if self.path != "/.well-known/mta-sts.txt":
            self.reply(404, "text/plain", b"no such path\n")
        elif dom in ("example.test", "wrongmx.test", "split.test"):
            self.reply(200, "text/plain", ENFORCE)
        elif dom == "testing.test":
            self.reply(200, "text/plain; charset=utf-8", TESTING)
        elif dom == "none.test":
            self.reply(200, "text/plain", NONE)
        elif dom == "redirect.test":
            self.reply(301, "text/plain", b"moved\n", [(
                "Location",
                "https://mta-sts.example.test/.well-known/mta-sts.txt")])
        elif dom == "html.test":
            self.reply(200, "text/html", ENFORCE)
        elif dom == "big.test":
            self.reply(200, "text/plain", NONE + b"#" * 70000)
        elif dom == "bad.test":
            self.reply(200, "text/plain", BAD)
        elif dom == "slow.test":
            time.sleep(10)
        elif dom == "chunked.test":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (ENFORCE[:20], ENFORCE[20:50], ENFORCE[50:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.reply(404, "text/plain", b"not here\n")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    global LOG
    state, cert, key, LOG = sys.argv[1:5]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    httpd = Server(("127.0.0.1", 0), Policy)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    with open(state + ".tmp", "w") as f:
        f.write("%d\n" % httpd.server_address[1])
    os.rename(state + ".tmp", state)
    time.sleep(120)


if __name__ == "__main__":
    main()
