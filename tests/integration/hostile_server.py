#!/usr/bin/env python3
"""A hostile or broken SMTP server for the integration tests.

Usage: hostile_server.py MODE PORTFILE.  Listens on 127.0.0.1 (a free
port, written to PORTFILE), serves connections one at a time until
killed or 60 s pass, and misbehaves as MODE says:

  escapes    terminal escape sequences, C1 controls and invalid UTF-8
  malformed  mismatched codes, a missing separator, bare LF, NUL bytes,
             a 5000-octet line, then sane replies
  garbage    binary noise instead of a greeting, then close
  split      every reply sent one byte at a time
  drop       greeting, then close in the middle of the EHLO reply
  trickle    an endless multi-line reply, one line every 0.2 s
  inject     answers STARTTLS with 220 and a forged reply in the same
             packet (a STARTTLS injection attempt)
  tlsclose   answers STARTTLS with 220, then closes at once
  flood      an endless multi-line reply to EHLO, as fast as it goes
  nostarttls offers no STARTTLS (a stripping attacker)
  refuse454  offers STARTTLS but answers it with 454
  silent     a greeting, then never another reply
  unasked    answers EHLO, then sends one-line replies nobody asked for,
             without end, as fast as it goes
  unasked0   the same flood right after the greeting, before any command
  greet2     a second 220 greeting, 0.3 s before the reply to EHLO; MAIL and RCPT
             get replies with their own enhanced codes (2.1.0, 2.1.5)
  cutfinal   the last line of the EHLO reply cut off (no CRLF), then close
  flood421   the greeting, then 421 without end, never closing
  greetclose a greeting, then close before any command
  auth334    answers AUTH, and every line after it, with another 334
Every line received is appended to PORTFILE.log.
Standard library only.
"""
import socket
import sys
import time

from srvlib import serve_forever

MODE = sys.argv[1]


def lines(conn):
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield line.rstrip(b"\r")


def send(conn, data):
    if MODE == "split":
        for i in range(len(data)):
            conn.sendall(data[i:i + 1])
    else:
        conn.sendall(data)


def flood(conn):
    """One-line replies nobody asked for, until the client goes."""
    chunk = b"250 nobody asked for this\r\n" * 1000
    while True:
        conn.sendall(chunk)


def serve(conn):
    if MODE == "garbage":
        conn.sendall(bytes(range(256)) * 4)
        return
    if MODE == "flood421":
        # In one write with the greeting: read before any command.
        chunk = b"421 4.3.2 closing now\r\n" * 1000
        conn.sendall(b"220 hostile.test ESMTP\r\n" + chunk)
        while True:
            conn.sendall(chunk)
    if MODE == "escapes":
        send(conn, b"220 \x1b]0;pwned\x07\x1b[2J\x1b[31mred \xc2\x9b1m"
             b" \xff\xfe bad \x00 nul\r\n")
    else:
        send(conn, b"220 hostile.test ESMTP\r\n")
    if MODE == "unasked0":
        flood(conn)
    if MODE == "greetclose":
        # FIN, then drain: a close with unread input would be a RST.
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(2)
        try:
            while conn.recv(4096):
                pass
        except OSError:
            pass
        return
    in_auth = False
    for line in lines(conn):
        with open(sys.argv[2] + ".log", "ab") as log:
            log.write(line + b"\n")
        verb = line.split(b" ", 1)[0].upper()
        if MODE == "silent":
            continue
        if MODE == "auth334" and (in_auth or verb == b"AUTH"):
            in_auth = True
            send(conn, b"334 bW9yZT8=\r\n")
            continue
        if verb in (b"EHLO", b"HELO"):
            if MODE == "malformed":
                send(conn, b"250-hostile.test\r\n251-MISMATCH\r\n"
                     b"250SIZE 1000\n250-NUL\x00INSIDE\r\n250-"
                     + b"X" * 5000 + b"\r\n250 OK\r\n")
            elif MODE == "cutfinal":
                conn.sendall(b"250-hostile.test\r\n250 PIPE")
                return
            elif MODE == "drop":
                conn.sendall(b"250-hostile.test\r\n250-PIPE")
                return
            elif MODE == "trickle":
                for i in range(100000):
                    conn.sendall(b"250-still going %d\r\n" % i)
                    time.sleep(0.2)
            elif MODE == "flood":
                chunk = b"250-flooding the client with lines\r\n" * 1000
                while True:
                    conn.sendall(chunk)
            elif MODE == "unasked":
                send(conn, b"250-hostile.test\r\n250 8BITMIME\r\n")
                flood(conn)
            elif MODE == "greet2":
                send(conn, b"220 hostile.test a second greeting\r\n")
                time.sleep(0.3)     # the client has taken it in alone
                send(conn, b"250-hostile.test\r\n250 8BITMIME\r\n")
            elif MODE == "nostarttls":
                send(conn, b"250-hostile.test\r\n250 AUTH PLAIN\r\n")
            elif MODE == "escapes":
                send(conn, b"250-\x1b[?1049h\x1b]52;c;cHduZWQ=\x07\r\n"
                     b"250 \x9b2J ok\r\n")
            else:
                send(conn, b"250-hostile.test\r\n250-STARTTLS\r\n"
                     b"250 8BITMIME\r\n")
        elif verb == b"STARTTLS" and MODE == "tlsclose":
            send(conn, b"220 go ahead\r\n")
            return
        elif verb == b"STARTTLS" and MODE == "refuse454":
            send(conn, b"454 4.7.0 TLS not available now\r\n")
        elif verb == b"STARTTLS" and MODE == "inject":
            send(conn, b"220 go ahead\r\n250 forged reply\r\n")
            time.sleep(1)
            return
        elif verb == b"MAIL" and MODE == "greet2":
            send(conn, b"250 2.1.0 sender ok\r\n")
        elif verb == b"RCPT" and MODE == "greet2":
            send(conn, b"250 2.1.5 recipient ok\r\n")
        elif verb == b"QUIT":
            send(conn, b"221 bye\r\n")
            return
        else:
            send(conn, b"250 ok\r\n")


serve_forever(serve, sys.argv[2])
