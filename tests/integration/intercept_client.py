#!/usr/bin/env python3
"""Clients for tests/integration/intercept_hostile.sh, good and hostile.

usage: intercept_client.py MODE PORT [CAFILE]
  good        EHLO, MAIL, RCPT, DATA, QUIT in clear; exit 0 when 250 after
              the message and 221 came back
  good-tls    the same over implicit TLS, verifying CAFILE
  stall-tls   connect and never send a ClientHello; print what came back
              when the relay closes
  flood       send 20000 garbage lines without reading, then read to the
              end; print the last line received
  longline    send 100000 octets with no line end; print what came back
  idle        connect, read the greeting, then wait for the relay to close;
              print the last line received
  auth-tls    implicit TLS verifying CAFILE, EHLO, AUTH PLAIN; prints the
              reply to AUTH
  retry       like good, but a RCPT answered 4xx is said again once (as
              an application retries); prints each RCPT reply
"""
import socket
import ssl
import sys
import time


def lines_of(sock, deadline=20):
    sock.settimeout(deadline)
    data = b""
    try:
        while True:
            b = sock.recv(65536)
            if not b:
                break
            data += b
    except (socket.timeout, ConnectionResetError, ssl.SSLError):
        pass
    return data.decode("latin-1").splitlines()


def reply(f):
    last = ""
    while True:
        line = f.readline().decode("latin-1")
        if not line:
            raise SystemExit("connection closed")
        last = line
        if len(line) < 4 or line[3] != "-":
            return last.strip()


def good(sock, retry=False):
    f = sock.makefile("rb")
    w = sock.makefile("wb")
    assert reply(f).startswith("220")
    for cmd, want in (("EHLO good.test", "250"), ("MAIL FROM:<a@b.test>",
                      "250"), ("RCPT TO:<you@practice.test>", "250"),
                      ("DATA", "354")):
        w.write(cmd.encode() + b"\r\n")
        w.flush()
        r = reply(f)
        if retry and cmd.startswith("RCPT"):
            print("rcpt: %s" % r, flush=True)
            if r.startswith("4"):
                w.write(cmd.encode() + b"\r\n")
                w.flush()
                r = reply(f)
                print("rcpt again: %s" % r, flush=True)
        if not r.startswith(want):
            raise SystemExit("%s: %s" % (cmd, r))
    w.write(b"Subject: good\r\n\r\nhello\r\n.\r\n")
    w.flush()
    r = reply(f)
    if not r.startswith("250"):
        raise SystemExit("after the message: " + r)
    w.write(b"QUIT\r\n")
    w.flush()
    r = reply(f)
    if not r.startswith("221"):
        raise SystemExit("QUIT: " + r)
    print("good: delivered")


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    if mode == "good":
        good(sock)
    elif mode == "retry":
        sock.settimeout(60)
        good(sock, retry=True)
    elif mode == "auth-tls":
        ctx = ssl.create_default_context(cafile=sys.argv[3])
        t = ctx.wrap_socket(sock, server_hostname="localhost")
        f = t.makefile("rb")
        w = t.makefile("wb")
        reply(f)
        w.write(b"EHLO auth.test\r\n")
        w.flush()
        reply(f)
        w.write(b"AUTH PLAIN AHVzZXIAc2VjcmV0\r\n")
        w.flush()
        print("auth: %s" % reply(f))
        w.write(b"QUIT\r\n")
        w.flush()
        reply(f)
    elif mode == "good-tls":
        ctx = ssl.create_default_context(cafile=sys.argv[3])
        good(ctx.wrap_socket(sock, server_hostname="localhost"))
    elif mode == "stall-tls":
        got = lines_of(sock, 30)
        print("stall-tls: closed after %d lines" % len(got))
    elif mode == "flood":
        sock.settimeout(20)
        try:
            for i in range(20000):
                sock.sendall(b"GARBAGE \x01\x02 line %d\r\n" % i)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        got = lines_of(sock)
        print("flood: last: %s" % (got[-1] if got else "(nothing)"))
    elif mode == "longline":
        try:
            sock.sendall(b"EHLO " + b"x" * 100000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = lines_of(sock)
        print("longline: last: %s" % (got[-1] if got else "(nothing)"))
    elif mode == "idle":
        got = lines_of(sock, 30)
        print("idle: last: %s" % (got[-1] if got else "(nothing)"))
    else:
        raise SystemExit("unknown mode " + mode)


main()
