"""test_sendmail - the sendmail command's options.

-t takes the recipients from To/Cc/Bcc (with display names and comments),
delivers to the Bcc recipient and removes the Bcc header from every copy.
-f sets the envelope sender (Return-Path, the mbox From_ line) and -F the
full name of the From header that the mail system adds; a From header the
author wrote is kept as it is.  A submission without recipients fails with a
non-zero exit and a message that says so, and queues nothing.
"""

import re
import time

import lib


@lib.timeout(60)
def test_sendmail_t_bcc(inst):
    # localhost.$mydomain: with the default append_dot_mydomain, "localhost" would become it.
    inst.set(mydestination="$myhostname, localhost.$mydomain, localhost")
    inst.start()
    to = inst.rcpt_addr
    bcc = "%s@localhost.test" % inst.rcpt.name
    msg = lib.make_message("bcc-1", headers=[
        '''To: "Test, User" <%s> (the recipient)''' % to,
        "Bcc: Hidden Person <%s>" % bcc])
    inst.submit(msg, rcpts=[], args=("-t", "-i")).ok("sendmail -t")
    got = lib.wait_for(lambda: len(inst.read_mbox()) >= 2 and inst.read_mbox(), 30,
                       "two copies (To and Bcc)", detail=lambda: inst.log_tail(20))
    lib.check(len(got) == 2, "%d copies delivered, want 2" % len(got))
    targets = sorted(g.get("Delivered-To") or "" for g in got)
    lib.check(targets == sorted([to, bcc]), "Delivered-To values %s, want %s" %
              (targets, sorted([to, bcc])))
    for g in got:
        lib.check(not g.values("Bcc"), "a delivered copy still has Bcc: %s" % g.values("Bcc"))
        lib.check(len(g.values("To")) == 1, "To header count %d" % len(g.values("To")))
        lib.check(g.body == lib.mbox_quote(msg.body) + b"\n", "body changed")


@lib.timeout(60)
def test_sendmail_f_F(inst):
    inst.start()
    plain = lib.make_message("ff-1")
    inst.submit(plain, args=("-i", "-f", "other@example.org", "-F", "Jane Q. Doe")).ok("sendmail -f -F")
    authored = lib.make_message("ff-2", headers=["From: Author <author@example.net>"])
    inst.submit(authored, args=("-i", "-f", "bounces@example.org")).ok("sendmail -f")
    got = {g.test_id: g for g in inst.wait_delivered("mbox", ["ff-1", "ff-2"], 30)}

    one = got["ff-1"]
    lib.check(one.get("Return-Path") == "<other@example.org>",
              "Return-Path %r, want <other@example.org>" % one.get("Return-Path"))
    lib.check(one.from_line.startswith(b"From other@example.org "), "From_ line %r" % one.from_line)
    frm = one.values("From")
    lib.check(len(frm) == 1 and "Jane Q. Doe" in frm[0] and "other@example.org" in frm[0],
              "added From header %r, want the -F name and the -f address" % frm)

    two = got["ff-2"]
    lib.check(two.values("From") == ["Author <author@example.net>"],
              "author's From header changed: %r" % two.values("From"))
    lib.check(two.get("Return-Path") == "<bounces@example.org>",
              "Return-Path %r" % two.get("Return-Path"))


MALFORMED = [
    # (arguments, extra headers, what the case is, may it be accepted and bounced?)
    (["-i"], [], "no recipient arguments and no -t", False),
    (["-t", "-i"], [], "-t with no To, Cc or Bcc header", False),
    # Postfix accepts this one and bounces it ("No recipient addresses found
    # in message header"); refusing it at once is fine too.  Dropping it is not.
    (["-t", "-i"], ["To: undisclosed-recipients:;"], "-t with only an empty group", True),
]


def bounced_to_sender(inst, test_id):
    """bounced_to_sender - a multipart/report about test_id in the sender's mbox."""
    for m in inst.read_mbox(inst.submitter):
        if "multipart/report" in (m.get("Content-Type") or "") and test_id.encode() in m.raw:
            return m
    return None


@lib.timeout(60)
def test_sendmail_no_recipients(inst):
    inst.start()
    problems = []
    for n, (args, headers, what, bounce_ok) in enumerate(MALFORMED):
        msg = lib.make_message("norcpt-%d" % n, headers=headers)
        r = inst.sendmail(args, msg.data)
        if r.rc == 0 and bounce_ok:
            # Accepted: then the sender must get it back, not lose it.
            try:
                lib.wait_for(lambda: bounced_to_sender(inst, msg.id), 15,
                             "a bounce of %s to the sender" % msg.id)
            except AssertionError:
                problems.append("%s: sendmail exited 0 but no bounce reached the sender "
                                "(queue: %s)" % (what, inst.queue_files(QUEUES_ALL)))
        elif r.rc == 0:
            problems.append("%s: sendmail exited 0" % what)
        elif not re.search(r"recipient", r.text, re.I):
            problems.append("%s: message does not mention recipients: %r" % (what, r.text))
    time.sleep(2)
    delivered = [m.test_id for m in inst.read_mbox() if m.test_id]
    if delivered:
        problems.append("something was delivered: %s" % delivered)
    if inst.queue_files(QUEUES_ALL):
        problems.append("the queue is not empty: %s" % inst.queue_files(QUEUES_ALL))
    lib.check(not problems, "\n".join(problems))


QUEUES_ALL = lib.QUEUES + ("corrupt",)
