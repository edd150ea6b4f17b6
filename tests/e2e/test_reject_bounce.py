"""test_reject_bounce - a local submission that cleanup rejects comes back as a bounce.

The submitter of a message handed over by pickup cannot be told with a
reply code, so cleanup queues a message that fails in its content with every
recipient bounced, and the sender gets an RFC 3464 report, as with Postfix:

- too many hops: hopcount_limit + 1 Received: headers; Status 5.4.6, the
  whole original returned (message/rfc822);
- too big: a message under message_size_limit for sendmail/postdrop that
  goes over it when cleanup adds its headers; Status 5.3.4, only the
  original's header returned.  (A message already over the limit is refused
  by sendmail itself, exit 65, and never queued: checked too.)

Each time the original is never delivered, the maildrop, incoming, active,
deferred, hold, bounce and corrupt queues end empty, and the log has the
reject line, a status=bounced line and the notification.
"""

import os
import re

import lib
from test_bounce import find_report, status_fields

HOP_LIMIT = 50  # Postfix's default hopcount_limit


def top_level_ids(inst):
    """top_level_ids - X-Test-Id of every message in the submitter's mbox (not quoted ones)."""
    return [m.test_id for m in inst.read_mbox(inst.submitter) if m.test_id]


def wait_report(inst):
    """wait_report - the bounce delivered to the submitter: (Delivered, parsed)."""
    raw = lib.wait_for(lambda: find_report(inst.read_mbox(inst.submitter))[0], 60,
                       "a bounce in %s" % inst.mbox_path(inst.submitter),
                       detail=lambda: "queue: %s\n%s" % (inst.queue_summary(), inst.log_tail(40)))
    return raw, raw.parsed()


def check_report(inst, raw, report, status, reason):
    """check_report - a multipart/report for rcpt_addr with this Status and reason."""
    lib.check(report.get_content_type() == "multipart/report",
              "bounce is %s" % report.get_content_type())
    lib.check(report.get_param("report-type") == "delivery-status",
              "report-type is %r" % report.get_param("report-type"))
    lib.check(raw.get("Return-Path") == "<>",
              "bounce Return-Path is %r, want <>" % raw.get("Return-Path"))
    texts = status_fields(report)
    lib.check(len(texts) == 1, "%d message/delivery-status parts" % len(texts))
    text = texts[0]
    lib.check(re.search(r"(?im)^Final-Recipient:\s*rfc822;\s*%s\s*$" % re.escape(inst.rcpt_addr),
                        text),
              "no Final-Recipient: rfc822; %s in:\n%s" % (inst.rcpt_addr, text))
    lib.check(re.search(r"(?im)^Status:\s*%s\s*$" % re.escape(status), text),
              "no Status: %s in:\n%s" % (status, text))
    lib.check(re.search(r"(?im)^Action:\s*failed\s*$", text), "no Action: failed in:\n%s" % text)
    lib.check(re.search(r"(?im)^Diagnostic-Code:.*%s" % re.escape(reason), text),
              "no Diagnostic-Code with %r in:\n%s" % (reason, text))


def check_queues_clean(inst):
    """check_queues_clean - every queue empty, no bounce log, nothing set aside."""
    inst.wait_queue_empty(30)
    left = inst.queue_files(("bounce", "defer", "corrupt"))
    lib.check(not left, "files left behind: %s" % left)


def check_log(inst, reason, dsn):
    """check_log - the reject line, status=bounced, the notification, removal."""
    log = inst.log()
    m = re.search(r"postern/cleanup\[\d+\]: ([0-9A-Za-z]+): reject: %s; from=<%s> to=<%s>"
                  % (re.escape(reason), re.escape(inst.sender_addr), re.escape(inst.rcpt_addr)),
                  log)
    lib.check(m, "no cleanup reject line for %r:\n%s" % (reason, inst.log_tail(40)))
    queue_id = m.group(1)
    lib.check(re.search(r"%s: to=<%s>, relay=none, .*dsn=%s, status=bounced \(%s\)"
                        % (queue_id, re.escape(inst.rcpt_addr), re.escape(dsn),
                           re.escape(reason)), log),
              "no status=bounced line for %s:\n%s" % (queue_id, inst.log_tail(40)))
    lib.wait_for(lambda: "%s: sender non-delivery notification:" % queue_id in inst.log(), 30,
                 "the notification of %s" % queue_id, detail=lambda: inst.log_tail(40))
    lib.wait_for(lambda: any(e[2] == queue_id + ": removed" for e in inst.log_entries()), 30,
                 "%s: removed" % queue_id, detail=lambda: inst.log_tail(40))
    lib.check("moved to corrupt" not in inst.log(), "a file went to corrupt/:\n%s"
              % inst.log_tail(40))


@lib.modes("user", "root")
@lib.timeout(120)
def test_reject_bounce_hops(inst):
    inst.start()
    hops = ["Received: from hop%d.example (hop%d.example [192.0.2.%d])\n\tby relay.example;"
            " Mon, 1 Jan 2024 00:00:%02d +0000" % (i, i, i, i % 60) for i in range(HOP_LIMIT + 1)]
    msg = lib.make_message("reject-hops", body=b"a looping message\n", headers=hops)
    inst.submit(msg).ok("sendmail")
    raw, report = wait_report(inst)
    check_report(inst, raw, report, "5.4.6", "too many hops")
    lib.check(b"X-Test-Id: reject-hops" in raw.raw and b"a looping message" in raw.raw,
              "the bounce does not return the whole original message")
    check_queues_clean(inst)
    check_log(inst, "too many hops", "5.4.6")
    lib.check("reject-hops" not in top_level_ids(inst), "the looping message was delivered")


@lib.modes("user", "root")
@lib.timeout(120)
def test_reject_bounce_size(inst):
    limit = 20000
    inst.set(message_size_limit=limit)
    inst.start()
    # Over the limit already: sendmail refuses it, nothing is queued.
    big = lib.make_message("reject-big", body=(b"y" * 79 + b"\n") * 640)
    r = inst.submit(big)
    lib.check(r.rc == 65 and b"message file too big" in r.err,
              "sendmail took a 50 KB message over a 20000 byte limit: %s" % r.describe())
    # Under the limit for sendmail; cleanup's Received: and Date: push it over.
    head = lib.make_message("reject-size", body=b"").data
    fill = limit - len(head) - 40
    body = (b"z" * 69 + b"\n") * (fill // 70) + b"w" * (fill % 70 - 1) + b"\n"
    msg = lib.make_message("reject-size", body=body)
    lib.check(len(msg.data) <= limit, "test message of %d bytes" % len(msg.data))
    inst.submit(msg).ok("sendmail")
    raw, report = wait_report(inst)
    check_report(inst, raw, report, "5.3.4", "message file too big")
    lib.check(b"X-Test-Id: reject-size" in raw.raw, "the bounce lacks the original header")
    lib.check(b"zzzzzzzzzz" not in raw.raw, "the bounce returns the body of a message too big")
    check_queues_clean(inst)
    check_log(inst, "message file too big", "5.3.4")
    ids = top_level_ids(inst)
    lib.check("reject-size" not in ids and "reject-big" not in ids, "a message was delivered")
    lib.check(not os.listdir(inst.path("queue", "maildrop")), "maildrop not empty")
