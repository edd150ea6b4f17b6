"""test_queue - deferral, queue listing, hold and release, flush.

The test process holds an fcntl lock on the recipient's mbox, so local cannot
lock it (deliver_lock_attempts = 2) and defers the message.  Then: postqueue
-p and mailq list it as deferred with the reason; postqueue -j prints one JSON
object with queue_name "deferred" and recipients[0].delay_reason; postsuper
-h moves it to hold and -H back; with the lock released, postqueue -f gets it
delivered and the queue becomes empty.
"""

import fcntl
import os
import re
import time

import lib


def queue_state(inst, queue_id):
    """queue_state - the postqueue -j object of one message, or None."""
    for obj in inst.postqueue_json():
        if obj.get("queue_id") == queue_id:
            return obj
    return None


def wait_queue_name(inst, queue_id, names, limit=15):
    """wait_queue_name - wait until postqueue -j puts the message in one of names."""
    return lib.wait_for(lambda: (queue_state(inst, queue_id) or {}).get("queue_name") in names,
                        limit, "%s in queue %s" % (queue_id, " or ".join(names)), 0.3,
                        lambda: "postqueue -j: %s" % inst.postqueue_json())


def postsuper_retry(inst, option, queue_id):
    """postsuper_retry - postsuper OPTION ID; a busy (active) message may need a retry."""
    for attempt in range(5):
        r = inst.postsuper(option, queue_id)
        if r.rc == 0:
            return r
        inst.notes.append("postsuper %s attempt %d: %s" % (option, attempt + 1, r.text.strip()))
        time.sleep(1)
    return r.ok("postsuper " + option)


@lib.timeout(120)
def test_defer_locked_mbox(inst):
    inst.start()
    path = inst.mbox_path()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    if lib.IS_ROOT:
        os.fchown(fd, inst.rcpt.uid, inst.rcpt.gid)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    try:
        msg = lib.make_message("locked-1")
        inst.submit(msg).ok("sendmail")

        def deferred():
            objs = inst.postqueue_json()
            if len(objs) == 1 and objs[0].get("queue_name") == "deferred":
                rcpts = objs[0].get("recipients") or [{}]
                if rcpts[0].get("delay_reason"):
                    return objs
            return None
        objs = lib.wait_for(deferred, 40, "postqueue -j to show one deferred message with a reason",
                            0.5, lambda: "postqueue -j: %s\n%s" % (inst.postqueue_json(),
                                                                    inst.log_tail(20)))
        obj = objs[0]
        queue_id = obj.get("queue_id", "")
        lib.check(re.fullmatch(lib.QUEUE_ID_RE, queue_id), "bad queue_id %r" % queue_id)
        lib.check(obj["recipients"][0].get("address") == inst.rcpt_addr,
                  "recipients[0].address is %r" % obj["recipients"][0].get("address"))
        reason = obj["recipients"][0]["delay_reason"]
        lib.check(re.search(r"lock", reason, re.I), "delay_reason does not name the lock: %r" % reason)
        for key in ("arrival_time", "message_size", "sender"):
            lib.check(key in obj, "postqueue -j object lacks %s: %s" % (key, obj))

        listing = inst.postqueue("-p").ok("postqueue -p").stdout
        lib.check(re.search(r"(?m)^%s\s+\d+ " % queue_id, listing),
                  "postqueue -p does not list %s as deferred (no * or !):\n%s" % (queue_id, listing))
        lib.check(re.search(r"(?m)^\s*\(.+\)\s*$", listing),
                  "postqueue -p shows no (reason) line:\n%s" % listing)
        mailq = inst.run([inst.tool("mailq"), "-C", inst.etc], as_=inst.submitter).ok("mailq")
        lib.check(queue_id in mailq.stdout, "mailq does not list %s:\n%s" % (queue_id, mailq.text))

        postsuper_retry(inst, "-h", queue_id)
        wait_queue_name(inst, queue_id, ("hold",))
        postsuper_retry(inst, "-H", queue_id)
        # Released, it may be retried (and deferred again) at once.
        wait_queue_name(inst, queue_id, ("deferred", "active"))
    finally:
        os.close(fd)  # releases the lock

    inst.postqueue("-f").ok("postqueue -f")
    inst.wait_delivered("mbox", [msg.id], 30)
    lib.wait_for(lambda: inst.postqueue_json() == [], 15, "postqueue -j to print nothing")
    listing = inst.postqueue("-p").ok("postqueue -p").stdout
    lib.check("Mail queue is empty" in listing, "postqueue -p after delivery:\n%s" % listing)
    lib.check(re.search(r"to=<%s>.*status=deferred \(.+\)" % re.escape(inst.rcpt_addr), inst.log()),
              "no status=deferred log line with a reason")
