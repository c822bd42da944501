#!/usr/bin/env python3
"""A server that strips STARTTLS, for tests/integration/failclosed.sh.

Usage: failclosed_server.py MODE PORTFILE.  Listens on 127.0.0.1 (a free
port, written to PORTFILE), serves one connection at a time for 60 s and
appends every line it receives to PORTFILE.log:

  hide     EHLO offers AUTH but no STARTTLS; STARTTLS gets 502
  refuse   EHLO offers STARTTLS; STARTTLS gets 454
  noehlo   EHLO gets 502; HELO works; STARTTLS gets 502
  stall    a greeting, then no reply to anything
Standard library only.
"""
import sys

from srvlib import serve_forever

MODE = sys.argv[1]


def serve(conn):
    conn.sendall(b"220 strip.test ESMTP\r\n")
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.rstrip(b"\r")
            with open(sys.argv[2] + ".log", "ab") as log:
                log.write(line + b"\n")
            verb = line.split(b" ", 1)[0].upper()
            if MODE == "stall":
                continue
            if verb == b"EHLO":
                if MODE == "noehlo":
                    reply = b"502 5.5.1 EHLO not implemented\r\n"
                elif MODE == "hide":
                    reply = b"250-strip.test\r\n250 AUTH PLAIN LOGIN\r\n"
                else:
                    reply = (b"250-strip.test\r\n250-STARTTLS\r\n"
                             b"250 AUTH PLAIN LOGIN\r\n")
            elif verb == b"HELO":
                reply = b"250 strip.test\r\n"
            elif verb == b"STARTTLS":
                reply = (b"454 4.7.0 TLS not available\r\n"
                         if MODE == "refuse" else
                         b"502 5.5.1 not implemented\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            elif verb == b"AUTH":
                reply = b"235 2.7.0 ok\r\n"
            elif verb == b"DATA":
                reply = b"354 go\r\n"
            else:
                reply = b"250 ok\r\n"
            conn.sendall(reply)


serve_forever(serve, sys.argv[2])
