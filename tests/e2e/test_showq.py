"""test_showq - mailq and postqueue -p/-j for everyone, through the showq daemon.

The test process holds an fcntl lock on the recipient's mbox, so local
defers the message (as in test_queue).  Then the recipient, an ordinary user
in root mode (neither root nor mail_owner, so the 0700 queue directories are
closed to them), lists the queue with postqueue -p, mailq and postqueue -j,
the set-gid copy of postqueue in D/bin reaching public/showq.  With master
stopped, that user gets Postfix's "Queue report unavailable - mail system is
down" and exit status 69, while root (and, in user mode, mail_owner) reads
the queue directly after a warning.
"""

import fcntl
import json
import os
import re

import lib

DOWN_RE = (r"postqueue: fatal: Queue report unavailable - mail system is down "
           r"\(Connect to the postern showq service: [^)]+\)")
DIRECT_RE = r"postqueue: warning: Mail system is down -- accessing queue directly"


def json_objects(result):
    """json_objects - the objects of postqueue -j output, one per line."""
    objs = []
    for line in result.stdout.splitlines():
        if line.strip():
            try:
                objs.append(json.loads(line))
            except ValueError as e:
                lib.fail("postqueue -j printed a line that is not JSON (%s): %r" % (e, line))
    return objs


def wait_deferred(inst, as_):
    """wait_deferred - wait until postqueue -j (run as as_) shows one deferred message."""
    def probe():
        r = inst.postqueue("-j", as_=as_).ok("postqueue -j")
        objs = json_objects(r)
        if len(objs) == 1 and objs[0].get("queue_name") == "deferred":
            if (objs[0].get("recipients") or [{}])[0].get("delay_reason"):
                return objs[0]
        return None
    return lib.wait_for(probe, 40, "postqueue -j to show one deferred message with a reason",
                        0.5, lambda: "postqueue -j: %s\n%s" % (
                            inst.postqueue("-j", as_=as_).describe(), inst.log_tail(20)))


def check_listing(inst, as_, queue_id):
    """check_listing - postqueue -p and mailq, run as as_, list the message with its reason."""
    listing = inst.postqueue("-p", as_=as_).ok("postqueue -p").stdout
    lib.check(listing.startswith("----Queue ID----- --Size-- ---Arrival Time----"),
              "postqueue -p has no header line:\n%s" % listing)
    lib.check(re.search(r"(?m)^%s\s+\d+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d +\S+$" % queue_id,
                        listing),
              "postqueue -p does not list %s as deferred:\n%s" % (queue_id, listing))
    lib.check(re.search(r"(?m)^ *\(.*lock.*\)$", listing, re.I),
              "postqueue -p shows no (reason) line naming the lock:\n%s" % listing)
    lib.check(re.search(r"(?m)^ +%s$" % re.escape(inst.rcpt_addr), listing),
              "postqueue -p does not show the recipient:\n%s" % listing)
    lib.check(re.search(r"\n-- \d+ Kbytes in 1 Request\.\n\Z", listing),
              "postqueue -p footer:\n%s" % listing)
    mailq = inst.run([inst.tool("mailq"), "-C", inst.etc], as_=as_).ok("mailq")
    lib.check(mailq.stdout == listing, "mailq and postqueue -p differ:\n%s\n---\n%s" %
              (mailq.stdout, listing))


def check_down(inst, user):
    """check_down - with master stopped: the ordinary user fails, root reads directly."""
    for argv in (["-p"], ["-j"]):
        r = inst.postqueue(*argv, as_=user)
        lib.check(r.rc == 69, "postqueue %s with master down: want exit 69: %s" %
                  (argv[0], r.describe()))
        lib.check(re.search(DOWN_RE, r.err.decode("utf-8", "replace")),
                  "postqueue %s with master down: no 'mail system is down' error: %s" %
                  (argv[0], r.describe()))
        lib.check(r.stdout == "", "postqueue %s printed a listing: %s" % (argv[0], r.describe()))
    r = inst.run([inst.tool("mailq"), "-C", inst.etc], as_=user)
    lib.check(r.rc == 69 and re.search(DOWN_RE, r.err.decode("utf-8", "replace")),
              "mailq with master down: %s" % r.describe())


@lib.modes("root")
@lib.timeout(120)
def test_showq_ordinary_user(inst):
    # Once deferred, the message stays in deferred/ (no retry during the test).
    inst.set(minimal_backoff_time="300s", maximal_backoff_time="300s")
    inst.start()
    user = inst.rcpt
    lib.check(user.uid not in (0, inst.owner.uid), "the recipient must be an ordinary user")
    lib.check(os.path.exists(inst.path("queue", "public", "showq")), "no public/showq socket")
    fd = os.open(inst.mbox_path(), os.O_RDWR | os.O_CREAT, 0o600)
    os.fchown(fd, user.uid, user.gid)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    try:
        msg = lib.make_message("showq-1")
        inst.submit(msg).ok("sendmail")
        obj = wait_deferred(inst, user)
        queue_id = obj["queue_id"]
        lib.check(re.fullmatch(lib.QUEUE_ID_RE, queue_id), "bad queue_id %r" % queue_id)
        lib.check(obj["recipients"][0].get("address") == inst.rcpt_addr,
                  "recipients[0] is %r" % obj["recipients"][0])
        lib.check(obj.get("sender") == inst.sender_addr, "sender is %r" % obj.get("sender"))
        check_listing(inst, user, queue_id)

        inst.postern("stop").ok("postern stop")
        check_down(inst, user)
        # root still gets the listing, read from the queue directly.
        r = inst.run([inst.tool("postqueue"), "-c", inst.etc, "-j"]).ok("postqueue -j as root")
        lib.check(re.search(DIRECT_RE, r.err.decode("utf-8", "replace")),
                  "root's postqueue -j did not warn: %s" % r.describe())
        objs = json_objects(r)
        lib.check([o.get("queue_id") for o in objs] == [queue_id],
                  "root's postqueue -j with master down: %s" % r.describe())
    finally:
        os.close(fd)
    inst.check_log_clean()


@lib.modes("user")
@lib.timeout(60)
def test_showq_mail_owner_fallback(inst):
    inst.start()
    r = inst.postqueue("-p").ok("postqueue -p")
    lib.check(r.stdout == "Mail queue is empty\n" and r.err == b"",
              "postqueue -p through showq: %s" % r.describe())
    inst.postern("stop").ok("postern stop")
    r = inst.postqueue("-p").ok("postqueue -p with master down")
    lib.check(r.stdout == "Mail queue is empty\n", "postqueue -p direct: %s" % r.describe())
    lib.check(re.search(DIRECT_RE, r.err.decode("utf-8", "replace")),
              "postqueue -p with master down did not warn: %s" % r.describe())
