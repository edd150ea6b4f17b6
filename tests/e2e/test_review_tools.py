"""test_review_tools - review findings in master, sendmail and postconf.

- sendmail stops option parsing at the first recipient, as Postfix's
  sendmail does on Linux ("+" getopt): a later argument that looks like
  an option is a recipient, never a mode switch.
- postconf -e on a main.cf whose last line has no newline keeps that
  line intact and puts the new setting on a line of its own.
- sendmail's odd input (only a header without final newline, a NUL
  byte, a header longer than line_length_limit), -f <> / -f "" / -r with
  a full name; postsuper on an empty queue, a missing or invalid ID.
- a reload that removes a service ends its child without a zombie.
- a service whose children exit after one request (max_use = 1) is not
  throttled as a "bad command startup": the busy report that the child
  wrote before exiting counts even when master sees the exit first.
"""

import os

import lib


@lib.timeout(60)
def test_review_sendmail_options_stop_at_recipient(inst):
    inst.start()
    msg = lib.make_message("rv-opt-1")
    # glibc getopt would permute "-bi" to the front: newaliases mode, exit 75.
    r = inst.sendmail(["-i", inst.rcpt_addr, "-bi"], msg.data)
    lib.check(r.rc == 0, "an option-like argument after a recipient was parsed as an option: %s"
              % r.describe())
    inst.wait_delivered("mbox", [msg.id], 30)


@lib.timeout(30)
def test_review_postconf_edit_no_trailing_newline(inst):
    path = inst.path("etc", "main.cf")
    with open(path) as f:
        text = f.read()
    inst.write_file("etc/main.cf", text.rstrip("\n") + "\nmyorigin = example.org")
    inst.postconf("-e", "maximal_backoff_time=4h").ok("postconf -e")
    r = inst.postconf("-h", "myorigin", "maximal_backoff_time")
    r.ok("postconf -h")
    lib.check(r.text.split() == ["example.org", "4h"],
              "after postconf -e: %r; main.cf ends %r" % (r.text, open(path).read()[-80:]))


@lib.timeout(90)
def test_review_master_max_use_no_throttle(inst):
    inst.set(max_use=1)
    inst.start()
    ids = []
    for n in range(6):
        msg = lib.make_message("rv-mu-%d" % n)
        inst.submit(msg).ok("sendmail")
        ids.append(msg.id)
        inst.wait_delivered("mbox", ids, 30)
    log = inst.log()
    lib.check("bad command startup" not in log,
              "a child that served its one request was taken for a bad start: %s"
              % [l for l in log.splitlines() if "throttling" in l][:3])


@lib.timeout(60)
def test_review_sendmail_odd_input(inst):
    """Only a header, no final newline; a NUL byte; a header over line_length_limit."""
    inst.set(line_length_limit=300)
    inst.start()
    long_value = "v" * 700
    cases = {
        "rv-odd-1": b"Subject: rv-odd-1\nX-Test-Id: rv-odd-1",
        "rv-odd-2": b"Subject: rv-odd-2\nX-Test-Id: rv-odd-2\n\nbefore\x00after\n",
        "rv-odd-3": ("Subject: rv-odd-3\nX-Test-Id: rv-odd-3\nX-Long: %s\n\nbody\n"
                     % long_value).encode(),
    }
    for data in cases.values():
        inst.sendmail(["-i", inst.rcpt_addr], data).ok("sendmail")
    got = {g.test_id: g for g in inst.wait_delivered("mbox", list(cases), 30)}
    lib.check(b"before\x00after" in got["rv-odd-2"].raw, "NUL byte not kept: %r" % got["rv-odd-2"].raw[-60:])
    lib.check(("X-Long: %s\n" % long_value).encode() in got["rv-odd-3"].raw,
              "long header not rejoined")


@lib.timeout(60)
def test_review_sendmail_null_sender(inst):
    inst.start()
    for n, sender in enumerate(("<>", "")):
        msg = lib.make_message("rv-null-%d" % n)
        inst.submit(msg, args=("-i", "-f", sender)).ok("sendmail -f %r" % sender)
    msg = lib.make_message("rv-null-2")
    inst.submit(msg, args=("-i", "-r", "Some Body <sb@example.org>")).ok("sendmail -r")
    got = {g.test_id: g for g in inst.wait_delivered("mbox", ["rv-null-0", "rv-null-1", "rv-null-2"], 30)}
    for n in (0, 1):
        lib.check(got["rv-null-%d" % n].get("Return-Path") == "<>",
                  "Return-Path %r" % got["rv-null-%d" % n].get("Return-Path"))
    lib.check(got["rv-null-2"].get("Return-Path") == "<sb@example.org>",
              "Return-Path %r" % got["rv-null-2"].get("Return-Path"))


@lib.timeout(60)
def test_review_postsuper_edges(inst):
    inst.start()
    r = inst.postsuper("-d", "ALL")
    lib.check(r.rc == 0 and r.text.strip() == "", "postsuper -d ALL on an empty queue: %s" % r.describe())
    r = inst.postsuper("-d", "5BMjhZ1s7yz1bYVl")
    lib.check(r.rc == 0 and r.text.strip() == "", "postsuper -d of a missing ID: %s" % r.describe())
    r = inst.postsuper("-d", "../etc")
    lib.check(r.rc != 0 and "invalid" in r.text, "postsuper -d ../etc: %s" % r.describe())
    r = inst.postsuper("-h", "ALL", "nosuchqueue")
    lib.check(r.rc != 0, "postsuper with a bad queue name: %s" % r.describe())


def children_of(pid):
    """children_of - [(pid, state, exe)] of the direct children of pid, zombies included."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = lib.proc_stat(int(name))
            if st and st[0] == pid:
                out.append((int(name), st[1], lib.proc_exe(int(name))))
    return out


@lib.timeout(90)
def test_review_master_reload_removed_service(inst):
    """Reload with showq removed from master.cf: its child goes, no zombie stays."""
    inst.start()
    master = inst.master_pid()
    inst.postqueue("-p").ok("postqueue -p")  # starts a showq child
    lib.wait_for(lambda: any(e.endswith("/showq") for _p, _s, e in children_of(master)), 10,
                 "a showq child")
    cf = inst.path("etc", "master.cf")
    with open(cf) as f:
        text = f.read()
    inst.write_master_cf("\n".join(l for l in text.splitlines() if not l.startswith("showq")) + "\n")
    inst.postern("reload").ok("postern reload")
    lib.wait_for(lambda: not any(e.endswith("/showq") or s == "Z" for _p, s, e in children_of(master)),
                 10, "showq gone and no zombie", detail=lambda: children_of(master))
    msg = lib.make_message("rv-reload-1")
    inst.submit(msg).ok("sendmail")
    inst.wait_delivered("mbox", [msg.id], 30)
    lib.check(inst.master_pid() == master, "master changed over the reload")
