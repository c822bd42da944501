"""A real LMTP (or SMTP) server for the transport tests: Debian's aiosmtpd.

    lmtp_server.py lmtp|smtp unix:PATH|tcp:PORTFILE OUTFILE [CERT KEY]

Listens on a unix socket at PATH, or on 127.0.0.1 with a free port written
to PORTFILE.  Recipients starting with "nobody" are refused at RCPT (550);
after the data each accepted recipient gets its own reply (RFC 2033 4.2):
those starting with "full" a 452, the others a 250.  Every delivery is
appended to OUTFILE as "delivered <rcpt>".  With CERT and KEY (PEM) it
offers STARTTLS.
"""
import asyncio
import os
import socket
import ssl
import sys

sys.path.insert(0, "/usr/lib/python3/dist-packages")
from aiosmtpd.lmtp import LMTP  # noqa: E402
from aiosmtpd.smtp import SMTP  # noqa: E402

PROTO, WHERE, OUT = sys.argv[1], sys.argv[2], sys.argv[3]


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.lower().startswith("nobody"):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        replies = []
        with open(OUT, "a") as f:
            for r in envelope.rcpt_tos:
                if PROTO == "lmtp" and r.lower().startswith("full"):
                    replies.append("452 4.2.2 <%s>: mailbox is full" % r)
                    continue
                f.write("delivered %s\n" % r)
                replies.append("250 2.0.0 <%s> delivered" % r)
        if PROTO != "lmtp":
            return "250 2.0.0 OK: queued"
        return "\r\n".join(replies)


async def main():
    cls = LMTP if PROTO == "lmtp" else SMTP
    loop = asyncio.get_running_loop()
    kw = {}
    if len(sys.argv) > 5:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(sys.argv[4], sys.argv[5])
        kw["tls_context"] = ctx
    factory = lambda: cls(Handler(), hostname="lmtp.test", **kw)  # noqa: E731
    if WHERE.startswith("unix:"):
        path = WHERE[5:]
        if os.path.exists(path):
            os.unlink(path)
        server = await loop.create_unix_server(factory, path)
    else:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = await loop.create_server(factory, sock=sock)
        with open(WHERE[4:] + ".tmp", "w") as f:
            f.write("%d\n" % sock.getsockname()[1])
        os.rename(WHERE[4:] + ".tmp", WHERE[4:])
    async with server:
        await server.serve_forever()


asyncio.run(main())
