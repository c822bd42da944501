"""An LMTP server that offers PIPELINING and CHUNKING (aiosmtpd has no
BDAT), for the reply accounting of a pipelined BDAT ... LAST: one reply
per recipient accepted, the refused ones taken back.

    lmtp_chunking.py PORTFILE
"""
import sys

from srvlib import serve_forever


def serve(conn):
    f = conn.makefile("rb")
    conn.sendall(b"220 chunk.test LMTP ready\r\n")
    rcpts = []
    while True:
        line = f.readline()
        if not line:
            return
        cmd = line.strip().decode("ascii", "replace")
        word = cmd.split(" ")[0].upper()
        if word == "LHLO":
            conn.sendall(b"250-chunk.test\r\n250-PIPELINING\r\n"
                         b"250 CHUNKING\r\n")
        elif word == "MAIL":
            rcpts = []
            conn.sendall(b"250 2.1.0 ok\r\n")
        elif word == "RCPT":
            addr = cmd.split("<", 1)[-1].rstrip(">")
            if addr.startswith("nobody"):
                conn.sendall(b"550 5.1.1 no such user\r\n")
            else:
                rcpts.append(addr)
                conn.sendall(b"250 2.1.5 ok\r\n")
        elif word == "BDAT":
            parts = cmd.split()
            f.read(int(parts[1]))
            if len(parts) > 2 and parts[2].upper() == "LAST":
                for r in rcpts:
                    conn.sendall(("250 2.0.0 <%s> stored\r\n" % r).encode())
            else:
                conn.sendall(b"250 2.0.0 chunk ok\r\n")
        elif word == "QUIT":
            conn.sendall(b"221 2.0.0 bye\r\n")
            return
        else:
            conn.sendall(b"500 5.5.2 what\r\n")


serve_forever(serve, sys.argv[1])
