#!/usr/bin/env python3
"""An SMTP server that tempts a client to show a secret, for auth_leaks.sh.

Usage: leak_server.py MODE PORTFILE.  Listens on 127.0.0.1 (a free port,
written to PORTFILE), serves connections one at a time for 60 s and
appends every line it receives to PORTFILE.log.  EHLO offers AUTH LOGIN
PLAIN CRAM-MD5 and no STARTTLS; AUTH CRAM-MD5 gets a sound challenge.

  plain    every answer is accepted with 235
  echo     every AUTH answer, and every unknown command, is quoted back in
           a 500 ("500 5.5.2 unknown command: LINE"), which ends the
           exchange; an initial response, in a 535
  echo334  every AUTH answer is quoted back as the next 334 challenge;
           the third answer gets 235
  pwfirst  AUTH LOGIN asks "Password:" first, then "Username:"
Standard library only.
"""
import base64
import sys

from srvlib import serve_forever

MODE = sys.argv[1]


def b64(text):
    return base64.b64encode(text.encode()).decode()


def serve(conn):
    def send(text):
        conn.sendall(text.encode("latin1") + b"\r\n")

    send("220 leak.test ESMTP")
    buf = b""
    answers = None
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            raw, buf = buf.split(b"\n", 1)
            line = raw.rstrip(b"\r").decode("latin1")
            with open(sys.argv[2] + ".log", "a") as log:
                log.write(line + "\n")
            words = line.split()
            verb = words[0].upper() if words else ""
            if answers is not None:
                answers += 1
                if MODE == "echo":
                    send("500 5.5.2 unknown command: " + line)
                    answers = None
                elif MODE == "echo334" and answers < 3:
                    send("334 " + line)
                elif MODE == "pwfirst" and answers == 1:
                    send("334 " + b64("Username:"))
                else:
                    send("235 2.7.0 ok")
                    answers = None
            elif verb == "EHLO":
                send("250-leak.test")
                send("250 AUTH LOGIN PLAIN CRAM-MD5")
            elif verb == "AUTH" and len(words) > 2 and MODE == "echo":
                send("535 5.7.8 bad credentials: " + words[2])
            elif verb == "AUTH" and len(words) > 2:
                send("235 2.7.0 ok")
            elif verb == "AUTH":
                mech = words[1].upper() if len(words) > 1 else ""
                answers = 0
                if mech == "CRAM-MD5":
                    send("334 " + b64("<1896.697170952@leak.test>"))
                elif MODE == "pwfirst":
                    send("334 " + b64("Password:"))
                elif mech == "LOGIN":
                    send("334 " + b64("Username:"))
                else:
                    send("334 ")
            elif verb == "QUIT":
                send("221 bye")
                return
            elif verb in ("MAIL", "RCPT", "NOOP", "RSET"):
                send("250 ok")
            else:
                send("500 5.5.2 unknown command: " + line)


serve_forever(serve, sys.argv[2])
