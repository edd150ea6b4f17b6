"""test_security - what a local user can do through the trust boundaries.

A local user can run postdrop directly and write any record stream that its
rules accept: content records with newlines inside them, addresses with
control characters.  None of that may forge a message boundary or a
delivery header in another user's mailbox.  A user who can write to a
world-writable mail spool must not be able to hang the local delivery
agent with a FIFO.  The setgid postqueue accepts an alternate
configuration directory only when the built-in main.cf lists it, as
postdrop does.
"""

import os
import time

import lib


def rec(rtype, data=b""):
    """rec - one record: type byte, base-128 length, data."""
    if isinstance(data, str):
        data = data.encode()
    n = len(data)
    length = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        length.append(byte | (0x80 if n else 0))
        if not n:
            break
    return rtype.encode() + bytes(length) + data


def stream(sender, rcpts, content):
    """stream - a maildrop record stream with content records as given."""
    out = rec("T", "%d 0" % int(time.time())) + rec("G", "0") + rec("F", sender)
    for r in rcpts:
        out += rec("R", r)
    out += rec("M")
    for rtype, data in content:
        out += rec(rtype, data)
    return out + rec("X") + rec("E")


def postdrop(inst, data):
    return inst.run([inst.tool("postdrop"), "-c", inst.etc], as_=inst.submitter, data=data)


@lib.modes("user", "root")
@lib.timeout(60)
def test_security_embedded_newline_mbox(inst):
    """A body record holding "\\nFrom " must not split the recipient's mbox."""
    inst.start()
    content = [("N", "Subject: split test"), ("N", "X-Test-Id: nl-1"), ("N", ""),
               ("N", "first line\nFrom forged@example.com  Mon Jan  1 00:00:00 2024\n"
                     "Return-Path: <root@example.com>\nX-Test-Id: forged"),
               ("L", "piece\nFrom x"), ("N", " end")]
    postdrop(inst, stream(inst.sender_addr, [inst.rcpt_addr], content)).ok("postdrop")
    got = inst.wait_delivered("mbox", ["nl-1"], 30)
    with open(inst.mbox_path(), "rb") as f:
        raw = f.read()
    lib.check(len(got) == 1, "%d messages in the mbox, want 1:\n%r" % (len(got), raw))
    lib.check(b"\nFrom forged" not in raw and b"\n>From forged@example.com" in raw,
              "embedded From_ line not quoted:\n%r" % raw)
    lib.check(b"\n>From x end\n" in raw, "From after a newline in a CONT piece:\n%r" % raw)
    lib.check(b"first line\n" in raw and b"Return-Path: <root@example.com>\n" in raw,
              "content bytes changed:\n%r" % raw)


@lib.modes("user", "root")
@lib.timeout(60)
def test_security_address_control_chars(inst):
    """Envelope addresses with control characters never reach a mailbox."""
    inst.start()
    content = [("N", "Subject: ctl"), ("N", "X-Test-Id: %s"), ("N", ""), ("N", "body")]
    bad = [
        ("ctl-sender", "a@example.com\nX-Injected: sender", [inst.rcpt_addr]),
        ("ctl-rcpt", inst.sender_addr, [inst.rcpt_addr + "\nX-Injected: rcpt"]),
        ("ctl-cr", "a\r@example.com", [inst.rcpt_addr]),
        ("ctl-esc", "a\x1b[2J@example.com", [inst.rcpt_addr]),
    ]
    for tid, sender, rcpts in bad:
        c = [(t, d % tid if "%s" in d else d) for t, d in content]
        postdrop(inst, stream(sender, rcpts, c)).ok("postdrop " + tid)
    good = [(t, d % "ctl-good" if "%s" in d else d) for t, d in content]
    postdrop(inst, stream(inst.sender_addr, [inst.rcpt_addr], good)).ok("postdrop ctl-good")
    inst.wait_delivered("mbox", ["ctl-good"], 30)
    lib.wait_for(lambda: len(inst.queue_files(("corrupt",)).get("corrupt", [])) == 4, 30,
                 "four files in corrupt/", detail=lambda: inst.log_tail(20))
    with open(inst.mbox_path(), "rb") as f:
        raw = f.read()
    leaked = [t for t in (b"X-Injected", b"ctl-sender", b"ctl-rcpt", b"ctl-cr", b"ctl-esc")
              if t in raw]
    lib.check(not leaked, "a message with a bad address was delivered (%s):\n%r" % (leaked, raw))
    lib.check("\x1b" not in inst.log(), "control character in the log")


@lib.modes("root")
@lib.timeout(60)
def test_security_spool_fifo(inst):
    """A FIFO planted as a spool mailbox must not hang local."""
    inst.start()
    os.mkfifo(inst.mbox_path(), 0o666)
    msg = lib.make_message("fifo-1")
    inst.submit(msg).ok("sendmail")
    lib.wait_for(lambda: any("status=" in e[2] and "to=<%s>" % inst.rcpt_addr in e[2]
                             for e in inst.log_entries() if e[0].endswith("/local")), 20,
                 "local's verdict on a FIFO mailbox", detail=lambda: inst.log_tail(20))
    os.unlink(inst.mbox_path())


@lib.modes("root")
@lib.timeout(60)
def test_security_postqueue_config_dir(inst):
    """setgid postqueue refuses a configuration directory the admin did not list."""
    inst.start()
    evil = inst.path("home", inst.submitter.name, "conf")
    os.mkdir(evil, 0o755)
    with open(os.path.join(evil, "main.cf"), "w") as f:
        f.write("queue_directory = %s\nmail_owner = %s\nmaillog_file = %s\n"
                "maillog_file_prefixes = /\n" % (inst.queue, inst.submitter.name,
                                                 os.path.join(inst.queue, "maildrop", "x")))
    os.chown(evil, inst.submitter.uid, inst.submitter.gid)
    tool = inst.tool("postqueue")
    for argv, env in (([tool, "-c", evil, "-p"], None), ([tool, "-p"], {"MAIL_CONFIG": evil})):
        r = inst.run(argv, as_=inst.submitter, env=env)
        lib.check(r.rc == 77 and b"alternate_config_directories" in r.err,
                  "postqueue accepted %s: %s" % (evil, r.describe()))
    lib.check(not os.path.exists(os.path.join(inst.queue, "maildrop", "x")),
              "postqueue created a file in maildrop/")
    inst.postqueue("-p").ok("postqueue -p with the listed directory")
