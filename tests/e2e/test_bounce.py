"""test_bounce - permanent failures come back to the sender as RFC 3464 reports.

Mail to an unknown local user bounces: the sender finds a multipart/report
(report-type=delivery-status) in the mailbox, with a message/delivery-status
part naming the recipient (Final-Recipient) and Status 5.1.1, sent with the
null envelope sender.  A Maildir that can never be created (home_mailbox =
Maildir/ while a regular file named Maildir sits in the home) is a permanent
failure too: bounced, never deferred.
"""

import os
import re

import lib


def find_report(messages):
    """find_report - the first delivered multipart/report, parsed."""
    for m in messages:
        if "multipart/report" in (m.get("Content-Type") or "").lower():
            return m, m.parsed()
    return None, None


def status_fields(report):
    """status_fields - the text of every message/delivery-status part."""
    texts = []
    for part in report.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            if isinstance(payload, list):
                texts.append("\n".join(str(block) for block in payload))
            else:
                texts.append(str(payload))
    return texts


@lib.modes("user", "root")
@lib.timeout(90)
def test_bounce_unknown_user(inst):
    inst.start()
    msg = lib.make_message("bounce-1", body=lib.make_body(1))
    inst.submit(msg, ["nosuchuser@%s" % lib.HOSTNAME]).ok("sendmail")
    # The sender is the submitting account, whose mailbox is the default mbox.
    found = lib.wait_for(lambda: find_report(inst.read_mbox(inst.submitter))[0], 60,
                         "a bounce in %s" % inst.mbox_path(inst.submitter),
                         detail=lambda: inst.log_tail(30))
    raw, report = found, found.parsed()
    lib.check(report.get_content_type() == "multipart/report",
              "bounce is %s" % report.get_content_type())
    lib.check(report.get_param("report-type") == "delivery-status",
              "report-type is %r" % report.get_param("report-type"))
    texts = status_fields(report)
    lib.check(len(texts) == 1, "%d message/delivery-status parts" % len(texts))
    lib.check(re.search(r"(?im)^Final-Recipient:\s*rfc822;\s*nosuchuser@", texts[0]),
              "no Final-Recipient naming nosuchuser in:\n%s" % texts[0])
    lib.check(re.search(r"(?im)^Status:\s*5\.1\.1\s*$", texts[0]),
              "no Status: 5.1.1 in:\n%s" % texts[0])
    lib.check(re.search(r"(?im)^Action:\s*failed\s*$", texts[0]),
              "no Action: failed in:\n%s" % texts[0])
    lib.check(raw.get("Return-Path") == "<>",
              "bounce Return-Path is %r, want <>" % raw.get("Return-Path"))
    lib.check(b"bounce-1" in raw.raw, "the bounce does not quote the original message")
    for name in ("From", "Date", "Message-ID", "Subject", "To"):
        lib.check(len(raw.values(name)) == 1, "the bounce has %d %s headers" %
                  (len(raw.values(name)), name))
    lib.check(re.search(r"to=<nosuchuser@postern\.test>.*status=bounced", inst.log()),
              "no status=bounced log line for nosuchuser")


@lib.timeout(90)
def test_bounce_maildir_uncreatable(inst):
    inst.need_private_home()
    inst.set(home_mailbox="Maildir/")
    with open(inst.maildir_path(), "w") as f:
        f.write("not a directory\n")
    inst.start()
    msg = lib.make_message("maildir-broken")
    inst.submit(msg).ok("sendmail")

    def outcome():
        for prog, _pid, text, _line in inst.log_entries():
            if prog == "postern/local" and "to=<%s>" % inst.rcpt_addr in text:
                if "status=bounced" in text or "status=deferred" in text:
                    return text
        return None
    text = lib.wait_for(outcome, 60, "a delivery status for %s" % inst.rcpt_addr,
                        detail=lambda: inst.log_tail(30))
    lib.check("status=bounced" in text, "Maildir that cannot be created was not bounced: %s" % text)
    lib.check(re.search(r"dsn=5\.\d+\.\d+", text), "bounce without a 5.x.x dsn: %s" % text)
    queue_id = text.split(":", 1)[0]
    lib.wait_for(lambda: any(e[2] == queue_id + ": removed" for e in inst.log_entries()), 30,
                 "%s: removed" % queue_id, detail=lambda: inst.log_tail(30))
    lib.check(os.path.isfile(inst.maildir_path()), "the file named Maildir was replaced")
