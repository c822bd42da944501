#!/usr/bin/env python3
"""he_server.py STATEFILE: the network for the RFC 8305 connect tests, all
on loopback.

- One TCP port P on three addresses: 127.0.0.2 and [::1] drop every SYN (a
  listener whose accept queue is full), 127.0.0.3 is a tiny SMTP server.
- A DNS server on 127.0.0.1 (UDP) that answers A and AAAA for a few names
  under .test, some of them late (see ZONE), and NXDOMAIN for the rest.

Writes "P DNSPORT V6" to STATEFILE when ready (V6 is 1 when [::1] could
be used) and runs until killed or for 120 s.
"""
import os
import socket
import socketserver
import struct
import sys
import threading
import time

DEAD4, LIVE4, DEAD6 = "127.0.0.2", "127.0.0.3", "::1"

# name: {qtype: (delay in seconds, [addresses])}; 1 = A, 28 = AAAA.
ZONE = {
    # One live address, answered at once.
    "live.test": {1: (0, [LIVE4]), 28: (0, [])},
    # The first address drops packets, the second answers.
    "v4dead.test": {1: (0, [DEAD4, LIVE4]), 28: (0, [])},
    # IPv6 (tried first) drops packets, IPv4 answers.
    "v6dead.test": {1: (0, [LIVE4]), 28: (0, [DEAD6])},
    # IPv4 dead at once, IPv6 (dead too) only after 1 s.
    "deadslow.test": {1: (0, [DEAD4]), 28: (1, [DEAD6])},
    # Nothing answers.
    "alldead.test": {1: (0, [DEAD4]), 28: (0, [DEAD6])},
    # Slow DNS: both answers 3 s late, or 1 s late.
    "slow.test": {1: (3, [LIVE4]), 28: (3, [])},
    "slowish.test": {1: (1, [LIVE4]), 28: (1, [])},
    # A look-up that outlasts any test (the UI must not wait for it).
    "stuck.test": {1: (30, [LIVE4]), 28: (30, [])},
    # AAAA 3 s late: IPv4 must not wait for it (Resolution Delay).
    "slow6.test": {1: (0, [LIVE4]), 28: (3, [DEAD6])},
}


def blackhole(family, addr, port, keep):
    """A listener on addr:port whose queue is full: SYNs get dropped."""
    s = socket.socket(family)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(0)
    port = s.getsockname()[1]
    for _ in range(4):
        c = socket.socket(family)
        c.setblocking(False)
        try:
            c.connect((addr, port))
        except BlockingIOError:
            pass
        keep.append(c)
    keep.append(s)
    return port


def smtp_client(c):
    """Greet, answer EHLO/HELO/NOOP with 250, QUIT with 221."""
    f = c.makefile("rb")
    try:
        c.sendall(b"220 he.test ESMTP ready\r\n")
        for line in f:
            verb = line.strip().split(b" ")[0].upper()
            if verb == b"QUIT":
                c.sendall(b"221 bye\r\n")
                break
            c.sendall(b"250 ok\r\n" if verb in (b"EHLO", b"HELO", b"NOOP")
                      else b"502 not here\r\n")
    except OSError:
        pass
    finally:
        c.close()


def smtp_server(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((LIVE4, port))
    s.listen(16)

    def loop():
        while True:
            c, _ = s.accept()
            threading.Thread(target=smtp_client, args=(c,),
                             daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()


def rr(qtype, addr):
    if qtype == 1:
        data = socket.inet_pton(socket.AF_INET, addr)
    else:
        data = socket.inet_pton(socket.AF_INET6, addr)
    # Name: a pointer to the question (offset 12).
    return struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(data)) + data


class DNSHandler(socketserver.BaseRequestHandler):
    def handle(self):
        q, sock = self.request
        if len(q) < 17:
            return
        qid, flags = struct.unpack("!HH", q[:4])
        labels, i = [], 12
        while i < len(q) and q[i] != 0:
            n = q[i]
            labels.append(q[i + 1:i + 1 + n].decode("ascii", "replace"))
            i += 1 + n
        i += 1
        qtype, qclass = struct.unpack("!HH", q[i:i + 4])
        question = q[12:i + 4]
        name = ".".join(labels).lower()
        rcode, answers, delay = 3, [], 0      # NXDOMAIN
        if name in ZONE:
            rcode = 0
            delay, addrs = ZONE[name].get(qtype, (0, []))
            answers = [rr(qtype, a) for a in addrs]
        if delay:
            time.sleep(delay)
        hdr = struct.pack("!HHHHHH", qid, 0x8180 | (flags & 0x0100) | rcode,
                          1, len(answers), 0, 0)
        sock.sendto(hdr + question + b"".join(answers), self.client_address)


def main():
    state = sys.argv[1]
    keep = []
    port = blackhole(socket.AF_INET, DEAD4, 0, keep)
    v6 = 1
    try:
        blackhole(socket.AF_INET6, DEAD6, port, keep)
    except OSError:
        v6 = 0
    smtp_server(port)
    socketserver.ThreadingUDPServer.daemon_threads = True
    dns = socketserver.ThreadingUDPServer(("127.0.0.1", 0), DNSHandler)
    threading.Thread(target=dns.serve_forever, daemon=True).start()
    time.sleep(0.3)        # let the queue-filling handshakes settle
    with open(state + ".tmp", "w") as f:
        f.write("%d %d %d\n" % (port, dns.server_address[1], v6))
    os.rename(state + ".tmp", state)
    time.sleep(120)


if __name__ == "__main__":
    main()
