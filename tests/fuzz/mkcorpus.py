#!/usr/bin/env python3
"""mkcorpus - write the seed corpora of the fuzz harnesses (tests/fuzz/corpus/NAME/).

Run from anywhere: python3 tests/fuzz/mkcorpus.py. Seeds are named seed-*;
inputs that once crashed a harness are kept beside them as crash-* files and
are not touched here. The last byte of most inputs is the harness's control
byte (see the header of each fuzz_NAME.c).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def rec(rtype, data=b""):
    """One record: type byte, base-128 length, data."""
    if isinstance(data, str):
        data = data.encode()
    n, out = len(data), bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n >> 7 else 0))
        n >>= 7
        if not n:
            break
    return rtype.encode() + bytes(out) + data


def attrs(*pairs):
    """One attribute list."""
    return b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in pairs) + b"\0"


def write(name, seeds):
    path = os.path.join(HERE, "corpus", name)
    os.makedirs(path, exist_ok=True)
    for old in os.listdir(path):
        if old.startswith("seed-"):
            os.unlink(os.path.join(path, old))
    for i, data in enumerate(seeds):
        with open(os.path.join(path, "seed-%02d" % i), "wb") as fp:
            fp.write(data if isinstance(data, bytes) else data.encode())


MESSAGE = [rec("N", "Subject: hello"), rec("N", "To: Bob <bob@example.org>"), rec("N", ""),
           rec("N", "body line"), rec("L", "a long line in "), rec("N", "two pieces")]
MAILDROP = [rec("T", "1000000000 0"), rec("G", "1"), rec("A", "encoding=8bit"), rec("F", "jo"),
            rec("R", "bob")] + [rec("M", "")] + MESSAGE + [rec("X"), rec("E")]
QUEUE = [rec("C", "%15d %15d %15d %15d" % (60, 120, 2, 0)), rec("T", "1000000000 0"),
         rec("U", "Jo User"), rec("F", "jo@host.example.com"), rec("O", "bob"),
         rec("R", "bob@host.example.com"), rec("D", "carol@host.example.com"),
         rec("M", "%15d" % 200)] + MESSAGE + [rec("X"), rec("R", "dave@example.org"), rec("E")]

write("mail_addr", [
    "Jo User <jo@example.com>",
    "a@example.com, \"B. Bee\" <b@example.org>, c (Comment) @ example.net",
    "undisclosed-recipients:;",
    "friends: a@x.example, \"q\\\"uote\" <b@y.example>; , last@z.example",
    "\"a b\"@example.com",
    "<@relay1.example,@relay2.example:user@dest.example>",
    "root",
    "x@[127.0.0.1], y@[IPv6:::1]",
    "=?utf-8?q?J=C3=B6?= <jö@example.com>",
    "<>",
    "a..b@example.com (obsolete dots)\r\n\t, .c.@example.com",
])
write("record", [
    b"".join(MAILDROP) + b"\x00",
    b"".join(QUEUE) + b"\x40",
    b"".join(QUEUE) + b"\x05",
    rec("N", "x" * 200) + rec("E") + b"\x00",
    b"".join(MAILDROP[:3]) + b"\x00",
    rec("R", "bob")[:3] + b"\x00",
])
write("attr", [
    attrs(("queue_id", "4ABC123"), ("status", "0"), ("offset", "1234")) + b"\x01",
    attrs(("queue_id", "4ABC123"), ("status", "-1"), ("offset", "9223372036854775807"),
          ("extra", "x")) + b"\x00",
    attrs(("queue_id", "Q"), ("status", "2")) + attrs(("offset", "7")) + b"\x02",
    attrs(("nrcpt", "1"), ("sender", "jo@example.com"), ("recipient", "bob@example.org"),
          ("dsn_status", "5.1.1"), ("reason", "user unknown")) + b"\x04",
    attrs(("status", "0")) * 3 + b"\x05",
])
main_cf = open(os.path.join(ROOT, "conf", "main.cf"), "rb").read()
master_cf = open(os.path.join(ROOT, "conf", "master.cf"), "rb").read()
write("mail_conf", [
    main_cf + b"\x00",
    b"myhostname = host.example.com\nmydomain = example.com\nmyorigin = $mydomain\n"
    b"minimal_backoff_time = 5m\nmaximal_backoff_time = 1h\nqueue_run_delay = 300s\n"
    b"local_destination_recipient_limit = 1\n  # comment\nmessage_size_limit =\n"
    b"  20480000\nunknown_thing = ${myhostname?{yes}:{no}}\n\x00",
    b"a = $b\nb = ${a}\n\x00",
    b"relay = ${mydomain:none}\nx = $relay and $$literal\nlevel = ${{$compatibility_level} <level {3.6} ? {new} : {old}}\n\x01",
    master_cf + b"\x02",
    b"smtp inet n - n - - smtpd\n  -o { smtpd_tls_security_level = may }\n"
    b"[127.0.0.1]:10025 inet n - n - 10 smtpd -o content_filter=\n"
    b"retry unix - - n 60? 0 error {arg with spaces}\n\x02",
    b"${{$number} == {42} ? {yes} : {no}} $a-${b}-$(a) ${empty?{x}:{y}} ${loop}\x03",
    b"${{3.6} >=level {3.10}} ${cond} $$ ${{a} != {b}}\x03",
])
write("cleanup_header", [
    b"Subject: hello\nTo: Bob <bob@example.org>, carol@example.org\nCc: d@example.net\n"
    b"Bcc: secret@example.org\n\nbody\n\x05",
    b"Received: from a by b; Mon, 1 Jan 2001 00:00:00 +0000\nReceived: x\nResent-To: r@example.org\n"
    b"Resent-Bcc: s@example.org\nMessage-Id: <m@example.org>\nDate: d\nFrom: f\n\nbody\n\x05",
    b"To: folded@example.org,\n\tsecond@example.org\nX-Long: " + b"y" * 700 + b"\n\nbody\n\x01",
    b"not a header line\nx: y\n\x04",
    b"Subject: remote\n\n\x00",
    b"".join([rec("T", "1000000000 0"), rec("A", "uid=1000"), rec("F", "jo"),
              rec("R", "bob"), rec("M", "")] + MESSAGE + [rec("X"), rec("E")]) + b"\x0c",
    b"".join([rec("F", ""), rec("R", "bob"), rec("M"), rec("N", "From: x"), rec("X"),
              rec("O", "o"), rec("R", "e@example.org"), rec("E")]) + b"\x08",
])
print("seed corpora written under", os.path.join(HERE, "corpus"), file=sys.stderr)
