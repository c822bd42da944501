#!/usr/bin/env python3
"""A tiny, deliberately rude SMTP server for the terminal tests.

It listens on 127.0.0.1 (a free port, printed as "port N"), serves one
connection at a time, and answers with bytes a terminal must never see
raw: escape sequences that would set the window title, clear the screen
or change colours, C1 controls and invalid UTF-8.  HELP answers with
many lines so scrolling can be tested; SLOWHELP sends them in two
parts with a pause between.  Standard library only.
"""
import socket
import sys
import time

GREETING = (b"220 \x1b]0;pwned\x07\x1b[2J hi from fake "
            b"\x1b]2;pwned2\x1b\\ \xc2\x9b31m \xff\xfe end\r\n")


def reply_for(line):
    verb = line.split(b" ", 1)[0].upper()
    if verb in (b"EHLO", b"HELO"):
        return (b"250-fake.test \x1b[31mRED\x1b[0m\r\n"
                b"250-8BITMIME\r\n250 HELP\r\n")
    if verb == b"HELP":
        out = [b"214-help line %03d" % i for i in range(1, 301)]
        return b"\r\n".join(out) + b"\r\n214 end of help\r\n"
    if verb == b"SLOWHELP":
        return None
    if verb == b"QUIT":
        return b"221 bye\r\n"
    if verb == b"FAIL":
        return b"554 5.7.1 refused by fake\r\n"
    return b"250 ok\r\n"


def slow_help(conn):
    """100 lines now, the other 200 and the end after a pause."""
    conn.sendall(b"".join(b"214-slow %03d\r\n" % i for i in range(1, 101)))
    time.sleep(1.5)
    conn.sendall(b"".join(b"214-slow %03d\r\n" % i for i in range(101, 301))
                 + b"214 slow end\r\n")


def serve(conn):
    conn.sendall(GREETING)
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            rep = reply_for(line)
            if rep is None:
                slow_help(conn)
                continue
            conn.sendall(rep)
            if line.upper().startswith(b"QUIT"):
                return


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    print("port %d" % srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        try:
            serve(conn)
        except OSError:
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    sys.exit(main())
