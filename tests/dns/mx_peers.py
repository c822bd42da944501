#!/usr/bin/env python3
"""mx_peers.py PORT STATEFILE: the bad mail exchangers of the MX tests, on
loopback: 127.0.0.4:PORT greets with 421 and closes, 127.0.0.5:PORT drops
every SYN (a listener whose queue is full).  Writes "ready" to STATEFILE
and runs until killed or for 120 s."""
import socket
import sys
import threading
import time

port, state = int(sys.argv[1]), sys.argv[2]
keep = []

busy = socket.socket()
busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
busy.bind(("127.0.0.4", port))
busy.listen(16)


def serve_busy():
    while True:
        c, _ = busy.accept()
        try:
            c.sendall(b"421 4.3.2 busy.dane.test too busy, try later\r\n")
        except OSError:
            pass
        c.close()


threading.Thread(target=serve_busy, daemon=True).start()

drop = socket.socket()
drop.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
drop.bind(("127.0.0.5", port))
drop.listen(0)
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.5", port))
    except BlockingIOError:
        pass
    keep.append(c)

with open(state, "w") as f:
    f.write("ready\n")
time.sleep(120)
