#!/usr/bin/env python3
"""An SMTP server with odd AUTH challenges, for auth_position.sh.

Usage: auth_server.py MODE PORTFILE.  Listens on 127.0.0.1 (a free port,
written to PORTFILE), serves connections one at a time for 60 s and
appends every line it receives to PORTFILE.log.  AUTH LOGIN asks:

  twice    "Username:", "Username:" again, then "Password:"
  damaged  the IIS 6 guide's damaged "Username:" and "Password:"
  unpadded "Username" and "Password" without base64 padding
  cram     AUTH CRAM-MD5 gets a challenge that is not base64
  slowdot  DATA is taken, and the reply to its final dot comes after 4 s
Any answers are accepted with 235.  Standard library only.
"""
import sys
import time

from srvlib import serve_forever

MODE = sys.argv[1]
CHALLENGES = {
    "twice": [b"VXNlcm5hbWU6", b"VXNlcm5hbWU6", b"UGFzc3dvcmQ6"],
    "damaged": [b"VXNlcm57uWU6", b"UGuzc3dvcmQ6"],
    "unpadded": [b"VXNlcm5hbWU", b"UGFzc3dvcmQ"],
}


def serve(conn):
    conn.sendall(b"220 auth.test ESMTP\r\n")
    buf = b""
    pending = []
    content = False
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
            if content:
                if line == b".":
                    content = False
                    time.sleep(4)
                    conn.sendall(b"250 2.0.0 queued at last\r\n")
                continue
            if pending:
                conn.sendall(b"334 " + pending.pop(0) + b"\r\n")
                continue
            words = line.split(b" ")
            verb = words[0].upper()
            if verb == b"EHLO":
                conn.sendall(b"250-auth.test\r\n250 AUTH LOGIN PLAIN "
                             b"CRAM-MD5\r\n")
            elif verb == b"AUTH" and len(words) > 1 and \
                    words[1].upper() == b"CRAM-MD5":
                conn.sendall(b"334 <not base64 at all>\r\n")
                pending = []
            elif verb == b"AUTH" and len(words) > 1 and \
                    words[1].upper() == b"LOGIN":
                pending = list(CHALLENGES.get(MODE, []))
                if pending:
                    conn.sendall(b"334 " + pending.pop(0) + b"\r\n")
                else:
                    conn.sendall(b"504 no LOGIN here\r\n")
            elif verb == b"DATA" and MODE == "slowdot":
                content = True
                conn.sendall(b"354 go on\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            elif verb == b"*":
                conn.sendall(b"501 5.7.0 cancelled\r\n")
            else:
                conn.sendall(b"235 2.7.0 ok\r\n" if verb not in
                             (b"MAIL", b"RCPT", b"NOOP", b"RSET")
                             else b"250 ok\r\n")


serve_forever(serve, sys.argv[2])
