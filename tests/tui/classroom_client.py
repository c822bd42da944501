#!/usr/bin/env python3
# tests/tui/classroom_client.py PORT MODE STOPFILE: one scripted client of
# the classroom test.  It does what MODE says, prints "done MODE", then
# keeps the connection open (so its row stays live) until STOPFILE exists
# or 60 s have passed.
import os
import socket
import ssl
import sys
import time

port, mode, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def reply(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise SystemExit("closed")
        lines.append(line)
        if len(line) < 4 or line[3:4] != b"-":
            return lines


def cmd(s, f, text):
    s.sendall(text.encode() + b"\r\n")
    return reply(f)


s = socket.create_connection(("127.0.0.1", port))
f = s.makefile("rb")
reply(f)
if mode == "ehlo":
    cmd(s, f, "EHLO ehlo-only.example")
elif mode == "rcpt":
    cmd(s, f, "EHLO rcpt.example")
    cmd(s, f, "MAIL FROM:<a@example.com>")
    cmd(s, f, "RCPT TO:<nouser@localhost>")
elif mode == "send":
    cmd(s, f, "EHLO send.example")
    cmd(s, f, "MAIL FROM:<a@example.com>")
    cmd(s, f, "RCPT TO:<demo@localhost>")
    cmd(s, f, "DATA")
    s.sendall(b"Subject: hello\r\n\r\nHello class.\r\n.\r\n")
    reply(f)
elif mode == "tls":
    cmd(s, f, "EHLO tls.example")
    cmd(s, f, "STARTTLS")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(s, server_hostname="practice.test")
    f = s.makefile("rb")
    cmd(s, f, "EHLO tls.example")
# "idle": the greeting only.
print("done", mode, flush=True)
end = time.time() + 60
while time.time() < end and not os.path.exists(stop):
    time.sleep(0.05)
s.close()
