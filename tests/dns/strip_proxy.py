#!/usr/bin/env python3
"""tests/dns/strip_proxy.py UPSTREAM_PORT PORTFILE: a DNS forwarder on
127.0.0.1 that strips DNSSEC, the way an old resolver or a middlebox
that knows no EDNS does.  Each UDP question loses its OPT record (so no
DO bit: the upstream, 127.0.0.1:UPSTREAM_PORT, sends no signatures);
answers come back as they are.  The port it listens on is written to
PORTFILE.  Standard library only."""
import socket
import struct
import sys


def skip_name(msg, i):
    while True:
        n = msg[i]
        if n == 0:
            return i + 1
        if n & 0xC0 == 0xC0:
            return i + 2
        i += 1 + n


def strip(query):
    """The question without its additional section (the OPT record)."""
    if len(query) < 12:
        return None
    qd, an, ns = struct.unpack("!HHH", query[4:10])
    if qd != 1 or an != 0 or ns != 0:
        return None
    end = skip_name(query, 12) + 4
    return query[:10] + b"\0\0" + query[12:end]


def main():
    upstream = ("127.0.0.1", int(sys.argv[1]))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    import os
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    up.bind(("127.0.0.1", 0))
    up.settimeout(2)
    while True:
        query, peer = s.recvfrom(4096)
        q = strip(query)
        if q is None:
            continue
        up.sendto(q, upstream)
        try:
            while True:
                answer, _ = up.recvfrom(65535)
                if answer[:2] == q[:2]:
                    break
        except socket.timeout:
            continue
        s.sendto(answer, peer)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
