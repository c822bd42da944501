"""srvlib: the loopback listener the tests' little SMTP servers share.

serve_forever(serve, portfile): listen on 127.0.0.1 on a free port, write
the port to portfile (atomically, so a waiting test never reads half of
it), and hand each connection to serve(conn), one at a time, until 60 s
pass.  Standard library only.
"""
import os
import socket
import time


def serve_forever(serve, portfile, lifetime=60):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(tmp, portfile)
    srv.settimeout(lifetime)
    end = time.time() + lifetime
    while time.time() < end:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            break
        try:
            serve(conn)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            conn.close()
