#!/usr/bin/env python3
# serve_limits.py: hostile classroom clients for tests/integration/
# serve_limits.sh and bench/serve_attacks.  One machine: the attacker uses
# 127.0.0.1, the fresh well-behaved client 127.0.0.2 (unless told).
#
#   serve_limits.py ATTACK PORT PID [ARGS...]
#
# Each attack sets itself up, then a fresh client connects and does EHLO,
# a small message and QUIT, timed.  One line of results is printed
# ("key=value ..."), the exit status is 0 when the checks of the attack
# held.  Results: t220 (seconds to the fresh client's 220), cpu (server
# CPU seconds while the attack held, per second), rss (server VmRSS, KiB).
import os, socket, sys, threading, time

ATTACKER = "127.0.0.1"
FRESH = "127.0.0.2"
# How long the fresh client waits (bench/serve_attacks shortens it).
DEADLINE = float(os.environ.get("SERVE_LIMITS_DEADLINE", "10"))


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_kib(pid, key="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def cpu_rate(pid, secs):
    """Server CPU seconds per second over secs seconds."""
    hz = os.sysconf("SC_CLK_TCK")
    a = cpu_ticks(pid)
    time.sleep(secs)
    return (cpu_ticks(pid) - a) / hz / secs


def connect(port, src, timeout=10):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                    source_address=(src, 0))


def reply(f):
    """One whole reply: (code, text of the last line)."""
    while True:
        line = f.readline()
        if not line:
            raise IOError("connection closed")
        if len(line) < 4 or line[3:4] != b"-":
            return line[:3].decode(), line.decode("latin-1").strip()


def fresh(port, src=FRESH, message=True, deadline=DEADLINE):
    """A well-behaved client: returns (seconds to 220, outcome)."""
    t0 = time.time()
    try:
        s = connect(port, src, timeout=deadline)
        f = s.makefile("rb")
        code, text = reply(f)
        t220 = time.time() - t0
        if code != "220":
            return t220, "greeting " + text
        out = "ok"
        cmds = [("EHLO fresh.example", "250")]
        if message:
            cmds += [("MAIL FROM:<fresh@example.com>", "250"),
                     ("RCPT TO:<demo@localhost>", "250"),
                     ("DATA", "354"), ("Subject: hi\r\n\r\nhello\r\n.", "250")]
        cmds += [("QUIT", "221")]
        for line, want in cmds:
            s.sendall(line.encode() + b"\r\n")
            code, text = reply(f)
            if code != want:
                out = "%s -> %s" % (line.split("\r")[0], text)
                if code[0] == "4":
                    # A temporary refusal is an answer too: go on.
                    s.sendall(b"QUIT\r\n")
                    reply(f)
                break
        s.close()
        return t220, out
    except Exception as e:
        return time.time() - t0, "%s %s" % (type(e).__name__, e)


def first_line(s, until=None):
    try:
        if until is not None:
            s.settimeout(max(0.01, until - time.time()))
        data = b""
        while not data.endswith(b"\n"):
            b = s.recv(512)
            if not b:
                break
            data += b
        return data.decode("latin-1")[:3]
    except Exception:
        return "---"


def report(ok, **kw):
    print(" ".join("%s=%s" % (k, ("%.3f" % v) if isinstance(v, float)
                                else str(v).replace(" ", "_"))
                   for k, v in kw.items()))
    sys.exit(0 if ok else 1)


def attack_fds(port, pid, n):
    """n idle connections from one address; the server's cap is below."""
    socks, codes = [], {}
    for i in range(n):
        try:
            s = connect(port, ATTACKER, timeout=5)
        except OSError:
            codes["connect-failed"] = codes.get("connect-failed", 0) + 1
            continue
        socks.append(s)
    until = time.time() + 5
    for s in socks:
        c = first_line(s, until)
        codes[c] = codes.get(c, 0) + 1
    cpu = cpu_rate(pid, 2.0)
    t220, out = fresh(port)
    t421, again = fresh(port, src=ATTACKER, message=False)
    rss = rss_kib(pid)
    ok = (out == "ok" and t220 < 2 and cpu < 0.2 and
          codes.get("421", 0) > 0 and again.startswith("greeting") and
          t421 < 2)
    for s in socks:
        s.close()
    report(ok, greeted=codes.get("220", 0), refused=codes.get("421", 0),
           cpu=cpu, t220=t220, fresh=out, seen_addr=again[:40],
           t421=t421, rss=rss)


def attack_data(port, pid, n, mb):
    """n sessions each sending mb MiB of DATA and never the final dot."""
    socks = []
    chunk = (b"x" * 78 + b"\r\n") * 800
    for i in range(n):
        s = connect(port, ATTACKER)
        f = s.makefile("rb")
        reply(f)
        s.sendall(b"EHLO big.example\r\nMAIL FROM:<a@example.com>\r\n"
                  b"RCPT TO:<demo@localhost>\r\nDATA\r\n")
        codes = [reply(f)[0] for _ in range(4)]
        socks.append((s, f, codes[3]))
    sent = 0

    def pump(s):
        try:
            for _ in range(int(mb * 1048576 / len(chunk))):
                s.sendall(chunk)
        except OSError:
            pass
    ts = [threading.Thread(target=pump, args=(s,), daemon=True)
          for s, f, c in socks if c == "354"]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    sent = len(ts) * mb
    cpu = cpu_rate(pid, 1.0)
    t220, out = fresh(port)
    rss = rss_kib(pid)
    hwm = rss_kib(pid, "VmHWM")
    # End every message: those past the budget get 452 4.3.1.
    ends = {}
    for s, f, c in socks:
        try:
            if c == "354":
                s.sendall(b".\r\n")
                c = reply(f)[1][:9]
            ends[c] = ends.get(c, 0) + 1
            s.close()
        except Exception as e:
            ends[type(e).__name__] = ends.get(type(e).__name__, 0) + 1
    refused = sum(v for k, v in ends.items() if k.startswith("452"))
    # The fresh client's message may be refused for now (452 4.3.1).
    report(t220 < 2 and refused > 0 and (out == "ok" or "452 4.3.1" in out),
           sent_mib=sent, cpu=cpu, t220=t220, fresh=out, rss=rss, hwm=hwm,
           ends=",".join("%s:%d" % kv for kv in sorted(ends.items())))


def attack_drip(port, pid, n, secs):
    """n connections from one address, each a NOOP every 0.2 s."""
    socks, codes = [], {}
    for i in range(n):
        try:
            s = connect(port, ATTACKER, timeout=5)
        except OSError:
            continue
        c = first_line(s)
        codes[c] = codes.get(c, 0) + 1
        if c == "220":
            socks.append(s)
    stop = time.time() + secs
    closed = []

    def drip(s):
        f = s.makefile("rb")
        try:
            while time.time() < stop + 5:
                s.sendall(b"NOOP\r\n")
                code, text = reply(f)
                if code == "421":
                    closed.append((time.time(), text))
                    return
                time.sleep(0.2)
        except Exception:
            closed.append((time.time(), "closed"))
    ts = [threading.Thread(target=drip, args=(s,), daemon=True)
          for s in socks]
    t0 = time.time()
    for t in ts:
        t.start()
    time.sleep(0.5)
    cpu = cpu_rate(pid, 0.5)
    t220, out = fresh(port)
    for t in ts:
        t.join(secs + 10)
    rss = rss_kib(pid)
    long_ = [c for c in closed if "too long" in c[1]]
    late = max((c[0] - t0 for c in closed), default=-1)
    ok = (out == "ok" and t220 < 2 and codes.get("421", 0) > 0 and
          len(long_) == len(socks) and late < secs + 3)
    report(ok, greeted=codes.get("220", 0), refused=codes.get("421", 0),
           cpu=cpu, t220=t220, fresh=out, too_long=len(long_),
           last_closed=late, rss=rss)


def attack_log(port, pid, n):
    """Sessions that make the server log while nobody reads the log."""
    sender = "a" * 200 + "@example.com"
    s = connect(port, ATTACKER)
    f = s.makefile("rb")
    reply(f)
    s.sendall(b"EHLO log.example\r\n")
    reply(f)
    t0 = time.time()
    s.settimeout(DEADLINE)
    done = 0
    try:
        for i in range(n):
            s.sendall(("MAIL FROM:<%s>\r\nRCPT TO:<demo@localhost>\r\n"
                       "DATA\r\n" % sender).encode())
            for _ in range(3):
                reply(f)
            s.sendall(b"Subject: log\r\n\r\nx\r\n.\r\n")
            if reply(f)[0] != "250":
                break
            done += 1
    except Exception:
        pass
    took = time.time() - t0
    cpu = cpu_rate(pid, 0.5)
    t220, out = fresh(port)
    s.close()
    report(out == "ok" and t220 < 2 and done == n, messages=done, took=took,
           cpu=cpu, t220=t220, fresh=out, rss=rss_kib(pid))


def attack_maildir(port, pid, n, kib):
    """n messages of kib KiB in one session: the quota must stop them."""
    s = connect(port, ATTACKER)
    f = s.makefile("rb")
    reply(f)
    s.sendall(b"EHLO md.example\r\n")
    reply(f)
    body = ("Subject: quota\r\n\r\n" + ("y" * 98 + "\r\n") * (kib * 10)
            ).encode()
    codes = []
    t0 = time.time()
    for i in range(n):
        s.sendall(b"MAIL FROM:<a@example.com>\r\nRCPT TO:<demo@localhost>"
                  b"\r\nDATA\r\n")
        for _ in range(3):
            reply(f)
        s.sendall(body + b".\r\n")
        codes.append(reply(f)[1][:9])
    took = time.time() - t0
    s.close()
    t220, out = fresh(port, message=False)
    acc = sum(c.startswith("250") for c in codes)
    quota = sum(c.startswith("452 4.3.1") for c in codes)
    report(out == "ok" and t220 < 2 and quota > 0, accepted=acc,
           quota_refused=quota, written_mib=acc * kib / 1024.0,
           took=took, t220=t220, fresh=out, hwm=rss_kib(pid, "VmHWM"))


def smaller(port, pid):
    """The smaller points: one line "name=ok" or "name=fail:..." each."""
    res = {}

    def session(src=ATTACKER):
        s = connect(port, src)
        f = s.makefile("rb")
        reply(f)
        s.sendall(b"EHLO small.example\r\n")
        reply(f)
        return s, f

    def envelope(s, f, frm=b"a@example.com", extra=b""):
        s.sendall(b"MAIL FROM:<" + frm + b">" + extra +
                  b"\r\nRCPT TO:<demo@localhost>\r\n")
        return reply(f)[1], reply(f)[1]

    def run(name, fn):
        try:
            ok, detail = fn()
        except Exception as e:
            ok, detail = False, "%s %s" % (type(e).__name__, e)
        res[name] = "ok" if ok else "fail:" + str(detail)

    def bdat_long():
        s, f = session()
        envelope(s, f)
        s.settimeout(5)
        s.sendall(b"BDAT 10000 LAST\r\n" + b"z" * 10000)
        code, text = reply(f)
        s.sendall(b"NOOP\r\n")
        return code == "550" and reply(f)[0] == "250", text

    def bdat_998():
        s, f = session()
        envelope(s, f)
        body = b"Subject: x\r\n\r\n" + b"w" * 1200 + b"\r\n"
        s.sendall(b"BDAT %d LAST\r\n" % len(body) + body)
        code, text = reply(f)
        return code == "550" and "998" in text, text

    def greylist():
        b, bf = session(FRESH)
        b.sendall(b"MAIL FROM:<fresh@example.com>\r\n"
                  b"RCPT TO:<greylist@localhost>\r\nRSET\r\n")
        reply(bf)
        first = reply(bf)[1]
        reply(bf)
        a, af = session()
        n = 5000
        a.sendall(b"".join(b"MAIL FROM:<g%d@example.com>\r\nRCPT TO:"
                           b"<greylist@localhost>\r\nRSET\r\n" % i
                           for i in range(n)))
        for _ in range(3 * n):
            reply(af)
        b.sendall(b"MAIL FROM:<fresh@example.com>\r\n"
                  b"RCPT TO:<greylist@localhost>\r\n")
        reply(bf)
        again = reply(bf)[1]
        return first.startswith("451") and again.startswith("250"), \
            first + " / " + again

    def flood():
        s, f = session()
        # The timeout bounds the whole sendall: generous for a slow
        # (sanitizer) build on a busy machine.
        s.settimeout(30)
        # 20000 HELPs ask for some 24 MB of replies; read none till sent.
        s.sendall(b"HELP\r\n" * 20000)
        time.sleep(0.3)
        last = ""
        while True:
            line = f.readline()
            if not line:
                break
            last = line.decode("latin-1").strip()
        return last.startswith("421 4.7.0 Too much pipelined"), last

    def flood_slow():
        # The same flood in small writes: each read of ours yields little,
        # so the queue stops our reading before it reaches the flood limit
        # and the client's own writes block.  It still gets the 421.
        s, f = session()
        s.settimeout(30)
        # 4 MB: more than the kernel buffers between us hold.
        line = b"HELP\r\n" * 1000
        for _ in range(700):
            s.sendall(line)
        last = ""
        while True:
            line = f.readline()
            if not line:
                break
            last = line.decode("latin-1").strip()
        return last.startswith("421 4.7.0 Too much pipelined"), last

    def utf8():
        s, f = session()
        m = envelope(s, f, b"\xff\xfeu@example.com", b" SMTPUTF8")[0]
        s.sendall(b"RSET\r\n")
        reply(f)
        good = envelope(s, f, b"\xc3\xa9l\xc3\xa8ve@example.com",
                        b" SMTPUTF8")[0]
        return m.startswith("553 5.6.7") and good.startswith("250"), \
            m + " / " + good

    def ehlo():
        s = connect(port, ATTACKER)
        f = s.makefile("rb")
        reply(f)
        s.sendall(b"EHLO \x1b[31mevil\x07.example\r\n")
        first = f.readline()
        while True:
            line = f.readline()
            if line[3:4] != b"-":
                break
        return (b"\x1b" not in first and b"\x07" not in first and
                b"evil" in first), first

    def bare_lf():
        s, f = session()
        s.sendall(b"NOOP\n")
        code, text = reply(f)
        s.sendall(b"NOOP\r\n")
        return code == "500" and reply(f)[0] == "250", text

    def auth():
        s, f = session()
        codes = []
        for i in range(3):
            s.sendall(b"AUTH PLAIN AGRlbW8Ad3Jvbmc=\r\n")
            codes.append(reply(f)[0])
        codes.append(reply(f)[0])
        return codes == ["535", "535", "535", "421"], ",".join(codes)

    for name, fn in [("bdat_long", bdat_long), ("bdat_998", bdat_998),
                     ("greylist", greylist), ("flood_421", flood),
                     ("flood_slow", flood_slow),
                     ("utf8", utf8), ("ehlo", ehlo), ("bare_lf", bare_lf),
                     ("auth", auth)]:
        run(name, fn)
    t220, out = fresh(port)
    res["fresh"] = "ok" if out == "ok" and t220 < 2 else "fail:" + out
    for k, v in res.items():
        print("%s=%s" % (k, v.replace(" ", "_")))
    sys.exit(0 if all(v == "ok" for v in res.values()) else 1)


def main():
    attack, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    args = [float(a) for a in sys.argv[4:]]
    if attack == "fds":
        attack_fds(port, pid, int(args[0]))
    elif attack == "data":
        attack_data(port, pid, int(args[0]), args[1])
    elif attack == "drip":
        attack_drip(port, pid, int(args[0]), args[1])
    elif attack == "log":
        attack_log(port, pid, int(args[0]))
    elif attack == "maildir":
        attack_maildir(port, pid, int(args[0]), int(args[1]))
    elif attack == "smaller":
        smaller(port, pid)
    elif attack == "fresh":
        t220, out = fresh(port)
        report(out == "ok", t220=t220, fresh=out, rss=rss_kib(pid))
    else:
        sys.exit("unknown attack " + attack)


main()
