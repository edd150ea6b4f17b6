"""test_delivery - 200 messages each into Maildir and mbox, byte for byte.

Each message carries 8-bit bodies (UTF-8 and raw Latin-1), a 998-byte line,
lines that start with "." (submitted with -i) and with "From ", and no From,
Date or Message-ID header.  Four sendmail processes submit at a time.  Every
copy must arrive once, with its body unchanged (in mbox: with ">From "
quoting of "From " lines and the blank line that ends each message), and with
each header that the mail system adds present exactly once.
"""

import lib

COUNT = 200


def deliver(inst, fmt):
    """deliver - submit COUNT messages and check every delivered copy."""
    if fmt == "maildir":
        inst.need_private_home()
        inst.set(home_mailbox="Maildir/")
    inst.start()
    msgs = [lib.make_message("%s-%d" % (fmt, n), body=lib.make_body(n)) for n in range(COUNT)]
    results = inst.submit_many(msgs, parallel=4)
    bad = [(m.id, r) for m, r in results if r.rc != 0]
    lib.check(not bad, "%d of %d submissions failed; first: %s" %
              (len(bad), COUNT, bad[0][1].describe() if bad else ""))
    got = inst.wait_delivered(fmt, [m.id for m in msgs], 120)
    inst.wait_queue_empty(30)
    got = inst.read_mailbox(fmt)
    by_id = {}
    for g in got:
        by_id.setdefault(g.test_id, []).append(g)
    problems = []
    for m in msgs:
        copies = by_id.get(m.id, [])
        if len(copies) != 1:
            problems.append("%s: %d copies" % (m.id, len(copies)))
            continue
        problems += lib.check_delivery(inst, m, copies[0], fmt)
    strays = sorted(set(by_id) - {m.id for m in msgs}, key=str)
    if strays:
        problems.append("unexpected messages in the mailbox: %s" % strays[:5])
    lib.check(not problems, "%d problems:\n%s" % (len(problems), "\n".join(problems[:15])))
    inst.check_log_clean()


@lib.modes("user", "root")
@lib.timeout(170)
def test_deliver_maildir_200(inst):
    deliver(inst, "maildir")


@lib.modes("user", "root")
@lib.timeout(170)
def test_deliver_mbox_200(inst):
    deliver(inst, "mbox")
