#!/usr/bin/env python3
"""mkqueue - turn a readable queue-file description into a queue file.

Usage: mkqueue.py FILE.in > queue_file

Each line of FILE.in is one record: a record type letter, a space, and the
data with escapes (\\n, \\t, \\\\, \\xNN). "C auto" makes the SIZE record
(content bytes, content offset, recipient count, flags 0) and "M auto" the
MESG record (offset of XTRA) from the rest of the file. "raw BYTES" writes
bytes as they are (for malformed input). "@include NAME" reads another
description; lines starting with "#" are comments ("#! ARGS" holds postcat
options, read by run.sh). This is an independent implementation of the
record format of src/global/record.c, so that the golden tests check
postern's reader against a second writer.
"""
import os
import re
import sys


def unescape(text):
    """Expand the escapes of a data field into bytes."""
    out = bytearray()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "x":
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"n": b"\n", "t": b"\t", "\\": b"\\"}.get(nxt, nxt.encode())
            i += 2
            continue
        out += ch.encode("utf-8")
        i += 1
    return bytes(out)


def varint(n):
    """Encode a record length: low 7 bits first, high bit = more."""
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def parse(path):
    """Read a description into a list of (type, data) or ('raw', bytes)."""
    items = []
    with open(path, encoding="utf-8") as fp:
        for line in fp:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if line.startswith("@include "):
                items += parse(os.path.join(os.path.dirname(path), line[9:].strip()))
                continue
            kind, _, data = line.partition(" ")
            if kind == "raw":
                items.append(("raw", unescape(data)))
            elif re.fullmatch(r"[A-Z]", kind):
                items.append((kind, unescape(data)))
            else:
                sys.exit("mkqueue: %s: bad line: %s" % (path, line))
    return items


def layout(items, size_data, mesg_data):
    """Serialize with the given SIZE/MESG data; return bytes and offsets."""
    out = bytearray()
    content_start = xtra = None
    content = rcpts = 0
    in_content = False
    for kind, data in items:
        if kind == "raw":
            out += data
            continue
        if kind == "C" and data == b"auto":
            data = size_data
        if kind == "M" and data == b"auto":
            data = mesg_data
        if kind == "X":
            xtra = len(out)
            in_content = False
        if in_content and kind in "NL":
            content += len(data) + (1 if kind == "N" else 0)
        if kind in "RD":
            rcpts += 1
        out += kind.encode() + varint(len(data)) + data
        if kind == "M":
            content_start = len(out)
            in_content = True
    return out, content_start or 0, xtra or 0, content, rcpts


def main():
    items = parse(sys.argv[1])
    size = b"%15d %15d %15d %15d" % (0, 0, 0, 0)
    mesg = b"%15d" % 0
    out, start, xtra, content, rcpts = layout(items, size, mesg)
    size = b"%15d %15d %15d %15d" % (content, start, rcpts, 0)
    mesg = b"%15d" % xtra
    out, _, _, _, _ = layout(items, size, mesg)
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
