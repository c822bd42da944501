#!/usr/bin/env python3
"""Check a --json output file for the integration tests.

Usage: jsonl.py FILE [EXPR...].  Every line of FILE must be one JSON
object (strict: no raw control characters in strings, UTF-8 only), the
last one the summary.  Each EXPR is a Python expression over L (the list
of objects), S (the summary), lines(dir) (the line objects of that dir)
and text(dir) (their texts joined by newlines); the script exits 1 and
names the first EXPR that is false.  Standard library only.
"""
import json
import sys

data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("not UTF-8: %s" % e)
L = []
for n, line in enumerate(text.split("\n")[:-1], 1):
    try:
        obj = json.loads(line)
    except ValueError as e:
        sys.exit("line %d is no JSON: %s: %r" % (n, e, line[:200]))
    if not isinstance(obj, dict) or "type" not in obj:
        sys.exit("line %d is no object with a type" % n)
    L.append(obj)
if not text.endswith("\n") and text:
    sys.exit("the last line has no newline")
if not L or L[-1]["type"] != "summary":
    sys.exit("the last object is not the summary")
if sum(1 for o in L if o["type"] == "summary") != 1:
    sys.exit("more than one summary")
for o in L[:-1]:
    for k in ("direction", "time", "elapsed_ms", "text"):
        if k not in o:
            sys.exit("a line object without %s: %r" % (k, o))
S = L[-1]


def lines(d):
    return [o for o in L if o.get("direction") == d]


def text(d):
    return "\n".join(o["text"] for o in lines(d))


for expr in sys.argv[2:]:
    if not eval(expr):
        sys.exit("does not hold: %s" % expr)
