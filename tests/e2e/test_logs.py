"""test_logs - the mail log has Postfix's shapes, so Postfix's log tools work.

test_log_lines follows one message through D/maillog: every line has the
"Mmm dd hh:mm:ss host postern/PROGRAM[PID]: " prefix, and pickup, cleanup,
qmgr, local and qmgr again log, in that order and with the queue ID first,
the lines that log parsers read.  test_pflogsumm runs Debian's pflogsumm on
the log of a run that delivered N messages and reads N received and N
delivered from its Grand Totals.
"""

import os
import re
import subprocess

import lib

N = 20


def wait_removed(inst, count, limit=60):
    """wait_removed - wait for count "ID: removed" lines from qmgr."""
    def probe():
        return len([e for e in inst.log_entries()
                    if e[0] == "postern/qmgr" and e[2].endswith(": removed")]) >= count
    lib.wait_for(probe, limit, "%d 'removed' log lines" % count, 0.3, lambda: inst.log_tail(30))


@lib.timeout(90)
def test_log_lines(inst):
    inst.start()
    msg = lib.make_message("log-1")
    inst.submit(msg).ok("sendmail")
    inst.wait_delivered("mbox", [msg.id], 30)
    wait_removed(inst, 1)

    qid = lib.QUEUE_ID_RE
    sender = re.escape(inst.sender_addr)
    rcpt = re.escape(inst.rcpt_addr)
    shapes = [
        # pickup logs the sender as submitted: the login name, maybe qualified.
        ("postern/pickup", r"(%s): uid=%d from=<%s(@%s)?>" %
         (qid, inst.submitter.uid, re.escape(inst.submitter.name), re.escape(lib.HOSTNAME))),
        ("postern/cleanup", r"(%s): message-id=<[^<>\s]+@[^<>\s]+>" % qid),
        ("postern/qmgr", r"(%s): from=<%s>, size=\d+, nrcpt=1 \(queue active\)" % (qid, sender)),
        ("postern/local", r"(%s): to=<%s>, relay=local, delay=\d+(\.\d+)?, "
         r"delays=\d+(\.\d+)?/\d+(\.\d+)?/\d+(\.\d+)?/\d+(\.\d+)?, dsn=2\.0\.0, "
         r"status=sent \(.+\)" % (qid, rcpt)),
        ("postern/qmgr", r"(%s): removed" % qid),
    ]
    raw = inst.log().splitlines()
    bad = [line for line in raw if line.strip() and not lib.LOG_RE.match(line)]
    lib.check(not bad, "log lines without the standard prefix:\n%s" % "\n".join(bad[:5]))
    entries = inst.log_entries()
    queue_id, position = None, -1
    for prog, pattern in shapes:
        hits = [i for i, e in enumerate(entries)
                if e[0] == prog and re.fullmatch(pattern, e[2]) and i > position]
        lib.check(hits, "no %s line matching %s after line %d:\n%s" %
                  (prog, pattern, position, "\n".join(e[3] for e in entries)))
        position = hits[0]
        found = re.fullmatch(pattern, entries[position][2]).group(1)
        if queue_id is None:
            queue_id = found
        lib.check(found == queue_id, "queue ID changed from %s to %s in: %s" %
                  (queue_id, found, entries[position][3]))
    for prog, pid, _text, line in inst.log_for(queue_id):
        lib.check(re.fullmatch(r"postern/\w+", prog) and pid > 0, "odd prefix: %s" % line)


@lib.timeout(90)
def test_pflogsumm(inst):
    if not os.path.exists("/usr/sbin/pflogsumm"):
        raise lib.Skip("pflogsumm is not installed (apt-get install pflogsumm)")
    inst.start()
    msgs = [lib.make_message("pfl-%d" % n) for n in range(N)]
    results = inst.submit_many(msgs, parallel=4)
    bad = [r for _m, r in results if r.rc != 0]
    lib.check(not bad, "submission failed: %s" % (bad[0].describe() if bad else ""))
    inst.wait_delivered("mbox", [m.id for m in msgs], 60)
    wait_removed(inst, N)
    r = subprocess.run(["/usr/sbin/pflogsumm", "--syslog-name=postern", inst.maillog],
                       capture_output=True, text=True, timeout=60)
    lib.check(r.returncode == 0, "pflogsumm failed: %s" % r.stderr)
    totals = r.stdout.split("Grand Totals", 1)
    lib.check(len(totals) == 2, "no Grand Totals in pflogsumm output:\n%s" % r.stdout[:2000])
    counts = {}
    for key in ("received", "delivered", "deferred", "bounced"):
        m = re.search(r"(?m)^\s*(\d+)\s+%s\s*$" % key, totals[1])
        lib.check(m, "no '%s' line in pflogsumm Grand Totals:\n%s" % (key, totals[1][:1500]))
        counts[key] = int(m.group(1))
    lib.check(counts["received"] == N and counts["delivered"] == N,
              "pflogsumm counts %s, want %d received and %d delivered" % (counts, N, N))
    lib.check(counts["deferred"] == 0 and counts["bounced"] == 0,
              "pflogsumm counts %s, want no deferred or bounced" % counts)
