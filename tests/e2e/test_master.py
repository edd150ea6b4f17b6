"""test_master - start, status, reload, stop.

postern start leaves a master whose PID is in D/queue/pid/master.pid;
postern status exits 0 and names that PID; a second start is refused;
postern reload and a plain SIGHUP keep the same master, which goes on
delivering; postern stop ends master and every process below it, after
which postern status exits 1.
"""

import os
import signal
import time

import lib


def deliver_one(inst, test_id):
    """deliver_one - send a message and wait for it in the mbox."""
    msg = lib.make_message(test_id)
    inst.submit(msg).ok("sendmail")
    inst.wait_delivered("mbox", [msg.id], 30)


@lib.modes("user", "root")
@lib.timeout(120)
def test_master_lifecycle(inst):
    inst.start()
    pid_file = os.path.join(inst.queue, "pid", "master.pid")
    master = inst.master_pid()
    lib.check(master, "no live master in %s" % pid_file)
    exe = lib.proc_exe(master)
    lib.check(exe == os.path.join(lib.LIBEXEC, "master"), "master.pid names %s (%s)" % (master, exe))

    r = inst.postern("status")
    lib.check(r.rc == 0, "postern status while running: %s" % r.describe())
    lib.check(str(master) in r.text, "postern status does not name PID %d: %s" % (master, r.text))
    lib.check(inst.postern("check").rc == 0, "postern check on a running instance failed")
    r = inst.postern("start")
    lib.check(r.rc != 0, "a second postern start succeeded: %s" % r.describe())
    lib.check(inst.master_pid() == master, "a second start replaced the master")

    deliver_one(inst, "life-1")
    inst.postern("reload").ok("postern reload")
    time.sleep(1)
    lib.check(inst.master_pid() == master, "master changed after postern reload")
    deliver_one(inst, "life-2")
    os.kill(master, signal.SIGHUP)
    time.sleep(1)
    lib.check(inst.master_pid() == master and lib.proc_alive(master),
              "master gone after SIGHUP")
    deliver_one(inst, "life-3")

    tree = [(p, lib.proc_stat(p)[2]) for p in lib.proc_tree(master) if lib.proc_stat(p)]
    inst.postern("stop").ok("postern stop")
    lib.wait_for(lambda: not any(lib.proc_alive(p, s) for p, s in tree), 15,
                 "master and its children to exit",
                 detail=lambda: "alive: %s" % [p for p, s in tree if lib.proc_alive(p, s)])
    r = inst.postern("status")
    lib.check(r.rc == 1, "postern status after stop: %s" % r.describe())
