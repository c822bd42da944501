#!/usr/bin/env python3
"""A TCP proxy that breaks an SMTP session on purpose (tests/integration/faults.sh).

    fault_proxy.py PORTFILE UPSTREAM_PORT STAGE FAULT [options]

It listens on 127.0.0.1 (a free port, written to PORTFILE once it listens),
forwards each connection to 127.0.0.1:UPSTREAM_PORT and, when the session
reaches STAGE, applies FAULT:

  drop    close quietly: the client sees FIN (what it sent and we did not
          read yet is drained first, so the kernel does not turn it into RST)
  reset   SO_LINGER 0 and close: the client sees RST
  stall   stop forwarding both ways and stop reading; keep the sockets open

Stages; before TLS the proxy reads the plaintext it forwards, after it only
the TLS record headers and byte counts:

  connect     at once, before any byte (the server is not even dialled)
  greeting    the server's 220 greeting has arrived and is held back
  ehlo        the greeting went through; the client's first line arrives
  tls-hello   the client's first TLS bytes (ClientHello) arrive, held back
  tls-server  the ClientHello went through; the server's answer arrives
  auth        plaintext: a client line beginning with AUTH, held back;
              under TLS: the client's Nth application-data record (--records,
              3 by default in TLS 1.3: Finished, EHLO, AUTH), held back
  data        plaintext: --after octets of message content have gone
              through after the 354; under TLS: --after octets from the
              client after the handshake began

TLS begins after a 220 to a client's STARTTLS, or at once with --implicit.
Each action goes to --log FILE (default PORTFILE.log), one line each:
"fault FAULT at STAGE ..." is the proof that the fault happened.
"""
import argparse
import os
import re
import select
import selectors
import socket
import struct
import sys
import threading
import time

REPLY_END = re.compile(rb"^\d{3}(?: |\r?\n)")


class Session:
    def __init__(self, args, client, log):
        self.a = args
        self.c = client
        self.s = None
        self.log = log
        self.tls = args.implicit
        self.cbuf = b""          # client octets not yet forwarded
        self.sbuf = b""          # server octets not yet forwarded
        self.starttls_sent = False
        self.data_sent = False   # DATA went out, waiting for its 354
        self.in_data = False
        self.content = 0         # octets of content / post-TLS octets
        self.records = 0         # client application-data records
        self.server_lines = 0
        self.client_lines = 0
        self.tls_client_seen = False
        self.done = False

    def say(self, msg):
        self.log(msg)

    # --------------------------------------------------------- faults
    def fault(self, where):
        f = self.a.fault
        self.say("fault %s at %s (client lines %d, server lines %d, "
                 "content %d, records %d)" % (f, where, self.client_lines,
                 self.server_lines, self.content, self.records))
        self.done = True
        if f == "reset":
            self.c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                              struct.pack("ii", 1, 0))
            self.c.close()
        elif f == "drop":
            try:
                self.c.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            # Read (and throw away) until the client closes too, so
            # unread input does not make the kernel send RST instead.
            self.c.settimeout(0.2)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if not self.c.recv(65536):
                        break
                except socket.timeout:
                    continue
                except OSError:
                    break
            self.c.close()
        else:
            # Hold both sockets open and read nothing until the client
            # goes away (POLLRDHUP says so without reading) or time is up.
            p = select.poll()
            p.register(self.c, select.POLLRDHUP)
            p.poll(self.a.stall_for * 1000)
            self.say("stall over")
            self.c.close()
        if self.s is not None:
            self.s.close()

    # --------------------------------------------------------- plaintext
    def client_plain(self):
        """Forward complete client lines; True when a fault fired."""
        while True:
            if self.in_data:
                return self.client_content(self.cbuf)
            nl = self.cbuf.find(b"\n")
            if nl < 0:
                return False
            line, self.cbuf = self.cbuf[:nl + 1], self.cbuf[nl + 1:]
            self.client_lines += 1
            word = line.strip().upper()
            if self.a.stage == "ehlo" and self.client_lines == 1:
                self.fault("ehlo: %r" % line.strip()[:40])
                return True
            if self.a.stage == "auth" and word.startswith(b"AUTH"):
                self.fault("auth: %r" % line.strip()[:10])
                return True
            if word == b"STARTTLS":
                self.starttls_sent = True
            if word == b"DATA":
                self.data_sent = True
            self.s.sendall(line)

    def client_content(self, chunk):
        """Message content (or anything after TLS began) from the client."""
        self.cbuf = b""
        if self.a.stage == "data" and self.content + len(chunk) > self.a.after:
            n = self.a.after - self.content
            self.s.sendall(chunk[:n])
            self.content += n
            self.fault("data after %d octets" % self.content)
            return True
        self.content += len(chunk)
        self.s.sendall(chunk)
        return False

    def server_plain(self):
        while not self.tls:
            nl = self.sbuf.find(b"\n")
            if nl < 0:
                return False
            line, self.sbuf = self.sbuf[:nl + 1], self.sbuf[nl + 1:]
            self.server_lines += 1
            last = REPLY_END.match(line) is not None
            if (self.a.stage == "greeting" and self.server_lines == 1):
                self.fault("greeting: %r" % line.strip()[:40])
                return True
            self.c.sendall(line)
            if last and self.starttls_sent and line.startswith(b"220"):
                self.tls = True
                self.say("TLS begins")
            elif last and self.starttls_sent:
                self.starttls_sent = False
            if last and self.data_sent:
                self.data_sent = False
                self.in_data = line.startswith(b"354")
        # Whatever follows the 220 belongs to TLS (nothing should).
        return self.server_tls()

    # --------------------------------------------------------- TLS
    def client_tls(self):
        if not self.tls_client_seen and self.cbuf:
            self.tls_client_seen = True
            if self.a.stage == "tls-hello":
                self.fault("tls-hello (%d octets held)" % len(self.cbuf))
                return True
        if self.a.stage == "data":
            return self.client_content(self.cbuf)
        if self.a.stage != "auth":
            self.content += len(self.cbuf)
            self.s.sendall(self.cbuf)
            self.cbuf = b""
            return False
        # Forward whole records only, counting application data (23).
        while len(self.cbuf) >= 5:
            rtype = self.cbuf[0]
            rlen = struct.unpack("!H", self.cbuf[3:5])[0]
            if len(self.cbuf) < 5 + rlen:
                break
            rec, self.cbuf = self.cbuf[:5 + rlen], self.cbuf[5 + rlen:]
            if rtype == 23:
                self.records += 1
                if self.records >= self.a.records:
                    self.fault("auth (TLS record %d, %d octets)" %
                               (self.records, len(rec)))
                    return True
            self.content += len(rec)
            self.s.sendall(rec)
        return False

    def server_tls(self):
        if not self.sbuf:
            return False
        if self.a.stage == "tls-server" and self.tls_client_seen:
            self.fault("tls-server (%d octets held)" % len(self.sbuf))
            return True
        self.c.sendall(self.sbuf)
        self.sbuf = b""
        return False

    # --------------------------------------------------------- loop
    def run(self):
        if self.a.stage == "connect":
            self.fault("connect")
            return
        self.s = socket.create_connection(("127.0.0.1", self.a.upstream))
        sel = selectors.DefaultSelector()
        sel.register(self.c, selectors.EVENT_READ, "c")
        sel.register(self.s, selectors.EVENT_READ, "s")
        try:
            while not self.done:
                for key, _ in sel.select():
                    sock = key.fileobj
                    data = sock.recv(65536)
                    if not data:
                        self.say("%s closed" % ("client" if key.data == "c"
                                                else "server"))
                        return
                    if key.data == "c":
                        self.cbuf += data
                        fired = (self.client_tls() if self.tls
                                 else self.client_plain())
                    else:
                        self.sbuf += data
                        fired = (self.server_tls() if self.tls
                                 else self.server_plain())
                    if fired:
                        return
        except OSError as e:
            self.say("error: %s" % e)
        finally:
            sel.close()
            if not self.done:
                self.c.close()
                self.s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("portfile")
    ap.add_argument("upstream", type=int)
    ap.add_argument("stage", choices=["connect", "greeting", "ehlo",
                                      "tls-hello", "tls-server", "auth",
                                      "data"])
    ap.add_argument("fault", choices=["drop", "reset", "stall"])
    ap.add_argument("--implicit", action="store_true")
    ap.add_argument("--after", type=int, default=4096)
    ap.add_argument("--records", type=int, default=3)
    ap.add_argument("--stall-for", type=float, default=30.0)
    ap.add_argument("--log")
    args = ap.parse_args()

    lock = threading.Lock()
    logf = open(args.log or args.portfile + ".log", "a")

    def log(msg):
        with lock:
            logf.write(msg + "\n")
            logf.flush()

    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # A small, fixed receive buffer (accepted sockets inherit it): when we
    # stall, the client's writes block soon instead of filling megabytes.
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 128 * 1024)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    with open(args.portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(args.portfile + ".tmp", args.portfile)
    while True:
        c, _ = ls.accept()
        log("accepted")
        t = threading.Thread(target=Session(args, c, log).run, daemon=True)
        t.start()


if __name__ == "__main__":
    sys.exit(main())
