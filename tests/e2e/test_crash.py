"""test_crash - kill -9 of the whole process tree loses no accepted message.

500 messages are submitted by four parallel sendmails into Maildir.  While
they flow (after 150 and again after 350 submissions), master and every
process below it (found through /proc PPIDs) are frozen with SIGSTOP and then
killed with SIGKILL; postern start brings the system back each time.  A sendmail that exited 0 had its message accepted; one that
failed is resubmitted once after the restart.  Every accepted message must be
delivered once the queue drains; duplicates (delivered twice: allowed by the
design) are reported as a note.
"""

import threading
import time

import lib

COUNT = 500
KILL_POINTS = (150, 350)


@lib.timeout(240)
def test_kill9_500(inst):
    inst.need_private_home()
    inst.set(home_mailbox="Maildir/")
    inst.start()
    msgs = [lib.make_message("k9-%d" % n, body=lib.make_body(n)) for n in range(COUNT)]
    done = []
    lock = threading.Lock()

    def progress(msg, result):
        with lock:
            done.append((msg, result))

    results = {}
    worker = threading.Thread(
        target=lambda: results.update(all=inst.submit_many(msgs, parallel=4, progress=progress)),
        daemon=True)
    worker.start()

    # Kill in mid-flow, twice: after 150 and 350 submissions (or 20 s each).
    for point in KILL_POINTS:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with lock:
                if len(done) >= point:
                    break
            time.sleep(0.05)
        master = inst.master_pid()
        lib.check(master is not None, "no live master before the kill at %d" % point)
        killed = lib.kill9_tree(master)
        with lock:
            at_kill = len(done)
        inst.notes.append("killed %d processes after %d submissions, %d delivered" %
                          (len(killed), at_kill, len(inst.read_maildir())))
        lib.wait_for(lambda: not any(lib.proc_alive(p) for p in killed), 10,
                     "killed processes to go")
        time.sleep(0.5)
        inst.start()

    worker.join(150)
    lib.check(not worker.is_alive(), "submissions did not finish in 150s")
    failed = [m for m, r in results["all"] if r.rc != 0]
    if failed:
        inst.notes.append("%d submissions failed during the crash; resubmitted" % len(failed))
        again = inst.submit_many(failed, parallel=4)
        lost = [(m.id, r) for m, r in again if r.rc != 0]
        lib.check(not lost, "resubmission failed: %s" % (lost[0][1].describe() if lost else ""))

    ids = [m.id for m in msgs]
    inst.wait_delivered("maildir", ids, 150)
    inst.wait_queue_empty(30)
    counts = lib.count_ids(inst.read_maildir())
    missing = [i for i in ids if i not in counts]
    lib.check(not missing, "%d accepted messages never arrived: %s" % (len(missing), missing[:10]))
    litter = inst.queue_files(temporary=True)
    if litter:
        inst.notes.append("temporary files left in the queue: %s" % litter)
    dups = sorted(i for i, n in counts.items() if n > 1)
    if dups:
        inst.notes.append("%d messages delivered more than once (allowed): %s" %
                          (len(dups), dups[:10]))
