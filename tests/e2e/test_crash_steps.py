"""test_crash_steps - SIGKILL each queue writer at each step of its commit.

No test hooks in the C code: strace's fault injection kills the writer on
entry to its Nth call of one system call (strace -e inject=SYSCALL:signal=KILL:
when=N), so the call itself never happens and the files are left exactly as
they were after the step before.

Wrappers.  daemon_directory points at D/wrap, one shell script per program of
$POSTERN_BUILD/libexec that execs the real binary (master's fds 5 and 6 and
the arguments pass through exec).  The wrapper of the program under test
execs "strace -f -e inject=... REAL" instead, once: it takes a marker
(mkdir) first, so the process that master starts after the crash runs
untraced.  sendmail runs as D/wbin/sendmail (a symlink), so it takes postdrop
from D/wbin, where postdrop has the same kind of wrapper.

Finding N.  A reference run with every writer traced (strace -e trace=...)
delivers one message per workload (mbox, Maildir, and a deferral: the test
holds the mbox's fcntl lock so local defers it).  Each case names a step by a
predicate on the writer's calls ("the rename of incoming/ID.tmp", "the fsync
of the directory after it", "a write to the mbox with one before it"); N is
the number of calls of that system call up to the step in the reference
trace.  The injected run is traced too, and the case checks that the call
that got killed is the step it meant (the number can drift when a daemon saw
a different number of triggers; the case is then tried again).

After each kill: master starts a new daemon on demand once
service_throttle_time (1s here) has passed; qmgr, though, only for a trigger
or master's wakeup (every 300s), so when the queue has not changed for STALL
seconds the test sends qmgr that wakeup itself and says so.  A stale
dot-lock of a killed local is aged past DOT_LOCK_STALE, as time would do.
Then, bounded: the queue drains, and every message whose sendmail exited 0
is in the mailbox at least once; every message in the mailbox is complete,
byte for byte (no partial message; KNOWN_PARTIAL lists the one known hole);
nothing is left in the queue but *.tmp files; those in incoming/ are gone
after the next postern start (maildrop/ keeps them for a day).  When sendmail
failed, whether the message arrived anyway is reported.  Duplicates are
allowed.  One note per case says what happened.
"""

import fcntl
import os
import re
import shutil
import socket
import subprocess
import time

import lib

TRACED = ("write,writev,pwrite64,fsync,fdatasync,rename,renameat,renameat2,"
          "unlink,unlinkat,link,linkat,exit_group")
ID_FORMAT = "cs-%s-%04d"  # fixed length: the message size must not change between runs
DOT_LOCK_STALE = 500  # src/util/lock.h
STALL = 1.5  # seconds without a change in the queue before the test wakes qmgr


# ---------------------------------------------------------------- traces

class Call:
    """One system call of a strace -f -y trace line."""

    LINE = re.compile(r"^(\d+) +(\w+)\((.*?)(?:\) += (.*)| <unfinished \.\.\.>)$")

    def __init__(self, pid, name, args, result):
        self.pid, self.name, self.args, self.result = pid, name, args, result

    @classmethod
    def parse(cls, line):
        m = cls.LINE.match(line)
        return cls(int(m.group(1)), m.group(2), m.group(3), m.group(4) or "?") if m else None

    @property
    def fd_path(self):
        """fd_path - the file behind the first (fd) argument, as -y shows it."""
        m = re.match(r"\d+<(.*?)>(\(deleted\))?(, |$)", self.args)
        return m.group(1) if m else ""

    @property
    def data(self):
        """data - the start of a write's buffer, as strace quotes it."""
        m = re.match(r'\d+<.*?>(?:\(deleted\))?, "(.*?)"(\.\.\.)?, \d+$', self.args)
        return m.group(1) if m else ""

    @property
    def paths(self):
        return re.findall(r'"((?:[^"\\]|\\.)*)"', self.args)

    def __str__(self):
        return "%s(%s) = %s" % (self.name, self.args[:160], self.result)


def read_trace(path):
    """read_trace - ({pid: [Call]}, {pid: "killed"/"exited N"}) of one trace file."""
    calls, ends = {}, {}
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return calls, ends
    for line in lines:
        m = re.match(r"^(\d+) +\+\+\+ (killed by SIGKILL|exited with \d+)", line)
        if m:
            ends[int(m.group(1))] = m.group(2)
            continue
        call = Call.parse(line)
        if call:
            calls.setdefault(call.pid, []).append(call)
    return calls, ends


# ---------------------------------------------------------------- steps

def in_dir(part):
    """in_dir - predicate: the call's fd names a file whose path contains part."""
    return lambda c: part in c.fd_path and not c.fd_path.endswith(part.rstrip("/"))


def is_dir(suffix):
    """is_dir - predicate: the call's fd is the directory that ends with suffix."""
    return lambda c: c.fd_path.endswith(suffix)


def renames(src_part):
    return lambda c: c.name == "rename" and c.paths and src_part in c.paths[0]


def socket_write(prefix):
    return lambda c: c.name == "write" and "socket:" in c.fd_path and c.data.startswith(prefix)


class Step:
    """Which call of a writer's trace is the step: a predicate, which match, and after what."""

    def __init__(self, syscall, pred, which="first", after=None, doc=""):
        self.syscall, self.pred, self.which, self.after, self.doc = syscall, pred, which, after, doc

    def candidates(self, calls):
        """candidates - indexes of the calls that match, after the 'after' step."""
        start = 0
        if self.after is not None:
            prior = self.after.find(calls)
            if prior is None:
                return []
            start = prior + 1
        return [i for i in range(start, len(calls))
                if calls[i].name == self.syscall and self.pred(calls[i])]

    def find(self, calls):
        """find - index of the step's call in calls, or None."""
        cands = self.candidates(calls)
        if not cands:
            return None
        if self.which == "first":
            return cands[0]
        if self.which == "last":
            return cands[-1]
        if self.which == "mid":  # a partial file: at least one such call before it
            return cands[len(cands) // 2] if len(cands) >= 2 else None
        raise ValueError(self.which)

    def is_hit(self, calls, index):
        """is_hit - is calls[index] (the killed call) this step?"""
        cands = self.candidates(calls)
        if index not in cands:
            return False
        pos = cands.index(index)
        if self.which == "first":
            return pos == 0
        if self.which == "mid":
            return pos >= 1
        return True  # "last": a later one cannot be told apart before it happens


def occurrence(calls, index):
    """occurrence - N for when=N: the number of calls of that syscall up to index."""
    name = calls[index].name
    return sum(1 for c in calls[:index + 1] if c.name == name)


def links(scratch_prefix):
    return lambda c: c.name == "link" and c.paths and c.paths[0].startswith(scratch_prefix)


# The steps of each writer, in protocol order.
PD_LINK = Step("link", links("maildrop/tmp."), doc="only the scratch file maildrop/tmp.PID.N.tmp")
PD_WRITE = Step("write", in_dir("/maildrop/"), "mid", doc="records half written to maildrop/ID.tmp")
PD_FSYNC = Step("fsync", in_dir("/maildrop/"), doc="maildrop/ID.tmp written, not fsync'ed")
PD_RENAME = Step("rename", renames("maildrop/"), doc="maildrop/ID.tmp complete, not renamed")
PD_DIRSYNC = Step("fsync", is_dir("/maildrop"), after=PD_RENAME, doc="renamed, directory not fsync'ed")
PD_TRIGGER = Step("write", socket_write("W"), after=PD_DIRSYNC, doc="committed, pickup not woken")
PD_EXIT = Step("exit_group", lambda c: True, doc="committed, before exit 0")

CL_LINK = Step("link", links("incoming/tmp."), doc="only the scratch file incoming/tmp.PID.N.tmp")
CL_WRITE = Step("write", in_dir("/incoming/"), "mid", doc="incoming/ID.tmp half written")
CL_REWRITE = Step("write", in_dir("/incoming/"), "last",
                  doc="records written, SIZE/MESG placeholders not yet rewritten")
CL_FSYNC = Step("fsync", in_dir("/incoming/"), doc="incoming/ID.tmp complete, not fsync'ed")
CL_RENAME = Step("rename", renames("incoming/"), doc="fsync'ed, not renamed")
CL_DIRSYNC = Step("fsync", is_dir("/incoming"), after=CL_RENAME, doc="renamed, directory not fsync'ed")
CL_REPLY = Step("write", socket_write("status"), after=CL_DIRSYNC, doc="committed, no reply to pickup")
CL_TRIGGER = Step("write", socket_write("I"), after=CL_DIRSYNC, doc="committed, qmgr not triggered")

PU_SEND = Step("write", socket_write("flags"), doc="maildrop file read, nothing sent to cleanup")
PU_UNLINK = Step("unlink", lambda c: c.paths and c.paths[0].startswith("maildrop/"),
                 doc="cleanup said OK, maildrop/ID not removed")

QM_INTAKE = Step("rename", renames("incoming/"), doc="incoming/ID not yet moved to active/")
QM_REQUEST = Step("write", socket_write("flags"), after=QM_INTAKE,
                  doc="in active/, delivery request not sent")
QM_DONE = Step("write", in_dir("/active/"), doc="delivered, DONE mark not written")
QM_REMOVE = Step("unlink", lambda c: c.paths and c.paths[0].startswith("active/"),
                 doc="DONE marked, active/ID not removed")
QM_DEFER = Step("rename", lambda c: c.name == "rename" and len(c.paths) == 2
                and c.paths[0].startswith("active/") and c.paths[1].startswith("deferred/"),
                doc="deferral logged, active/ID not moved to deferred/")
QM_DEFER_SYNC = Step("fsync", is_dir("/deferred"), after=QM_DEFER,
                     doc="moved to deferred/, directory not fsync'ed")

LM_WRITE = Step("write", in_dir("/mail/"), doc="mbox locked, nothing appended")
LM_WRITE_MID = Step("write", in_dir("/mail/"), "mid", doc="message half appended to the mbox")
LM_FSYNC = Step("fsync", in_dir("/mail/"), doc="appended, not fsync'ed")
LM_REPLY = Step("write", socket_write("recipient_offset"), doc="delivered, qmgr not told")

MD_WRITE = Step("write", in_dir("/Maildir/tmp/"), "mid", doc="Maildir/tmp file half written")
MD_FSYNC = Step("fsync", in_dir("/Maildir/tmp/"), doc="tmp file written, not fsync'ed")
MD_RENAME = Step("rename", renames("/Maildir/tmp/"), doc="tmp file fsync'ed, not moved to new/")
MD_DIRSYNC = Step("fsync", is_dir("/Maildir/new"), after=MD_RENAME,
                  doc="moved to new/, directory not fsync'ed")

# (case name, program, workload, step)
CASES = [
    ("postdrop-link", "postdrop", "mbox", PD_LINK),
    ("postdrop-write", "postdrop", "mbox", PD_WRITE),
    ("postdrop-fsync", "postdrop", "mbox", PD_FSYNC),
    ("postdrop-rename", "postdrop", "mbox", PD_RENAME),
    ("postdrop-dirsync", "postdrop", "mbox", PD_DIRSYNC),
    ("postdrop-trigger", "postdrop", "mbox", PD_TRIGGER),
    ("postdrop-exit", "postdrop", "mbox", PD_EXIT),
    ("cleanup-link", "cleanup", "mbox", CL_LINK),
    ("cleanup-write", "cleanup", "mbox", CL_WRITE),
    ("cleanup-rewrite", "cleanup", "mbox", CL_REWRITE),
    ("cleanup-fsync", "cleanup", "mbox", CL_FSYNC),
    ("cleanup-rename", "cleanup", "mbox", CL_RENAME),
    ("cleanup-dirsync", "cleanup", "mbox", CL_DIRSYNC),
    ("cleanup-reply", "cleanup", "mbox", CL_REPLY),
    ("cleanup-trigger", "cleanup", "mbox", CL_TRIGGER),
    ("pickup-send", "pickup", "mbox", PU_SEND),
    ("pickup-unlink", "pickup", "mbox", PU_UNLINK),
    ("qmgr-intake", "qmgr", "mbox", QM_INTAKE),
    ("qmgr-request", "qmgr", "mbox", QM_REQUEST),
    ("qmgr-done", "qmgr", "mbox", QM_DONE),
    ("qmgr-remove", "qmgr", "mbox", QM_REMOVE),
    ("qmgr-defer", "qmgr", "defer", QM_DEFER),
    ("qmgr-defer-dirsync", "qmgr", "defer", QM_DEFER_SYNC),
    ("local-mbox-write", "local", "mbox", LM_WRITE),
    ("local-mbox-partial", "local", "mbox", LM_WRITE_MID),
    ("local-mbox-fsync", "local", "mbox", LM_FSYNC),
    ("local-mbox-reply", "local", "mbox", LM_REPLY),
    ("local-maildir-write", "local", "maildir", MD_WRITE),
    ("local-maildir-fsync", "local", "maildir", MD_FSYNC),
    ("local-maildir-rename", "local", "maildir", MD_RENAME),
    ("local-maildir-dirsync", "local", "maildir", MD_DIRSYNC),
]


# ---------------------------------------------------------------- the rig

def strace_usable():
    """strace_usable - None, or why strace cannot kill a process at a syscall here."""
    strace = shutil.which("strace")
    if strace is None:
        return "strace is not installed (apt-get install strace)"
    try:
        r = subprocess.run([strace, "-f", "-o", "/dev/null", "-e", "inject=exit_group:signal=KILL:when=1",
                            "/bin/true"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "strace does not run: %s" % e
    if r.returncode != -9 and r.returncode != 137:
        return "strace fault injection does not work here (exit %s): %s" % (
            r.returncode, r.stderr.decode(errors="replace").strip()[:200])
    return None


class Rig:
    """Wrapper directories, trace files and the one-shot arming of one program."""

    def __init__(self, inst):
        self.inst = inst
        self.strace = shutil.which("strace")
        self.wrap = inst.path("wrap")
        self.wbin = inst.path("wbin")
        self.state = inst.path("strace")
        for d in (self.wrap, self.wbin):
            os.mkdir(d, 0o755)
        os.mkdir(self.state)
        os.chmod(self.state, 0o1777)  # strace runs as mail_owner or as the submitter
        os.symlink(os.path.join(lib.SBIN, "sendmail"), os.path.join(self.wbin, "sendmail"))
        self.programs = sorted(n for n in os.listdir(lib.LIBEXEC)
                               if os.access(os.path.join(lib.LIBEXEC, n), os.X_OK))
        self.round = 0

    def real(self, prog):
        return os.path.join(lib.SBIN if prog == "postdrop" else lib.LIBEXEC, prog)

    def wrapper_path(self, prog):
        return os.path.join(self.wbin if prog == "postdrop" else self.wrap, prog)

    def arm(self, traced=(), inject=None):
        """arm - write every wrapper for the next round: traced programs run
        under strace once (with inject = (prog, syscall, n) killing one)."""
        self.round += 1
        for prog in self.programs + ["postdrop"]:
            real = self.real(prog)
            lines = ["#!/bin/sh", "# tests/e2e/test_crash_steps.py, round %d" % self.round]
            if prog in traced or (inject and inject[0] == prog):
                opts = ["-I1", "-f", "-y", "-o", self.trace_file(prog), "-e", "trace=" + TRACED]
                if inject and inject[0] == prog:
                    opts += ["-e", "inject=%s:signal=KILL:when=%d" % inject[1:]]
                lines += ['if mkdir %s 2>/dev/null; then' % self.marker(prog),
                          '    exec %s %s %s "$@"' % (self.strace, " ".join(opts), real),
                          'fi']
            lines.append('exec %s "$@"' % real)
            path = self.wrapper_path(prog)
            tmp = path + ".new"
            with open(tmp, "w") as f:
                f.write("\n".join(lines) + "\n")
            os.chmod(tmp, 0o755)
            os.rename(tmp, path)

    def marker(self, prog):
        return os.path.join(self.state, "%s.%d.armed" % (prog, self.round))

    def trace_file(self, prog):
        return os.path.join(self.state, "%s.%d.trace" % (prog, self.round))

    def trace(self, prog):
        return read_trace(self.trace_file(prog))

    def sendmail(self, msg):
        inst = self.inst
        return inst.run([os.path.join(self.wbin, "sendmail"), "-C", inst.etc, "-i", inst.rcpt_addr],
                        data=msg.data, as_=inst.submitter, timeout=30)


# ---------------------------------------------------------------- workloads

def make_message(tag, n):
    """make_message - a message of fixed size (about 150 KB: a few 64 KB stream buffers)."""
    body = lib.make_body(7) + b"".join(b"filler %05d of a body that spans many stream buffers\n" % i
                                       for i in range(2800))
    return lib.make_message(ID_FORMAT % (tag, n), body=body, subject="crash steps")


def mbox_lock(inst):
    """mbox_lock - hold an fcntl lock on the recipient's mbox: local defers."""
    fd = os.open(inst.mbox_path(), os.O_RDWR | os.O_CREAT, 0o600)
    if lib.IS_ROOT:
        os.fchown(fd, inst.rcpt.uid, inst.rcpt.gid)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    return fd


def begin(inst, workload):
    """begin - (re)start the instance for a workload; give qmgr's start-up time to settle.

    postern start must have removed what killed writers left in incoming/.
    """
    inst.set(home_mailbox="Maildir/" if workload == "maildir" else "")
    inst.start()
    left = inst.queue_files(queues=("incoming",), temporary=True)
    lib.check(not left, "postern start left temporary files in incoming/: %s" % left)
    time.sleep(0.3)


def end(inst):
    for note in inst.stop():
        inst.notes.append(note)


def reference(inst, rig, workload):
    """reference - one clean delivery with every writer traced; {prog: [Call]}."""
    rig.arm(traced=["postdrop", "pickup", "cleanup", "qmgr", "local"])
    begin(inst, workload)
    lock = mbox_lock(inst) if workload == "defer" else None
    try:
        msg = make_message("ref", rig.round)
        rig.sendmail(msg).ok("sendmail (reference run, %s)" % workload)
        if lock is not None:
            lib.wait_for(lambda: inst.queue_files().get("deferred"), 20,
                         "the reference message to be deferred", 0.1,
                         lambda: "queue: %s\n%s" % (inst.queue_summary(), inst.log_tail(20)))
    finally:
        if lock is not None:
            os.close(lock)
    inst.wait_delivered(mailbox_format(workload), [msg.id], 20)
    inst.wait_queue_empty(20)
    end(inst)
    out = {}
    for prog in ("postdrop", "pickup", "cleanup", "qmgr", "local"):
        calls, _ends = rig.trace(prog)
        out[prog] = max(calls.values(), key=len) if calls else []
    return msg, out


def mailbox_format(workload):
    return "maildir" if workload == "maildir" else "mbox"


# ---------------------------------------------------------------- one case

class Outcome:
    """What one injected crash did: the message, sendmail's verdict, the killed call."""

    def __init__(self, msg):
        self.msg = msg
        self.acked = None
        self.calls, self.index = [], None
        self.notes = []
        self.litter_before = set()

    @property
    def killed(self):
        return self.calls[self.index]


def wait_killed(rig, prog, limit):
    """wait_killed - (calls, index of the killed call) of the process strace killed, or None."""
    def probe():
        calls, ends = rig.trace(prog)
        for pid, how in ends.items():
            if how == "killed by SIGKILL" and calls.get(pid):
                return calls[pid], len(calls[pid]) - 1
        return None
    try:
        return lib.wait_for(probe, limit, "strace to kill %s" % prog, 0.05)
    except AssertionError:
        return None


def run_case(inst, rig, case, n, tag):
    """run_case - one injected crash, then recovery; an Outcome."""
    name, prog, workload, step = case
    rig.arm(inject=(prog, step.syscall, n))
    begin(inst, workload)
    out = Outcome(make_message(tag, rig.round))
    out.litter_before = litter(inst)
    lock = mbox_lock(inst) if workload == "defer" else None
    try:
        out.acked = rig.sendmail(out.msg).rc == 0
        killed = wait_killed(rig, prog, 15 if workload == "defer" else 8)
    finally:
        if lock is not None:
            os.close(lock)
    if killed is None:
        calls, _ = rig.trace(prog)
        seen = max(calls.values(), key=len) if calls else []
        lib.fail("%s: strace never killed %s at %s #%d; its calls:\n%s\n%s" % (
            name, prog, step.syscall, n, "\n".join(str(c) for c in seen[-25:]), inst.log_tail(15)))
    out.calls, out.index = killed
    age_dot_lock(inst, out)
    if inst.master_pid() is None:
        out.notes.append("master died; postern start again")
        inst.start()
    settle(inst, out, workload)
    return out


def age_dot_lock(inst, out):
    """age_dot_lock - a killed local leaves mbox.lock: make it as old as DOT_LOCK_STALE would."""
    path = inst.mbox_path() + ".lock"
    old = time.time() - DOT_LOCK_STALE - 10
    try:
        if os.stat(path).st_mtime > old + 5:
            os.utime(path, (old, old))
            out.notes.append("stale mbox.lock left, aged by %ds" % DOT_LOCK_STALE)
    except FileNotFoundError:
        pass


def wake_qmgr(inst):
    """wake_qmgr - send qmgr the wakeup that master sends every 300s (master.cf)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(5)
        sock.connect(os.path.join(inst.queue, "public", "qmgr"))
        sock.sendall(b"W")
    except OSError as e:
        inst.notes.append("could not wake up qmgr: %s" % e)
    finally:
        sock.close()


def settle(inst, out, workload):
    """settle - wait (bounded) for an empty queue and, when acknowledged, the delivery.

    qmgr scans incoming/ on a trigger, and master starts a qmgr that died
    only for a trigger or its wakeup (master.cf: every 300s).  When the queue
    has not changed for STALL seconds the test sends that wakeup itself and
    says so in the case's line.
    """
    fmt = mailbox_format(workload)
    last = {"state": None, "since": time.monotonic()}

    def done():
        if inst.queue_empty():
            return not out.acked or out.msg.id in lib.count_ids(inst.read_mailbox(fmt))
        age_dot_lock(inst, out)
        state = repr(sorted(inst.queue_files().items()))
        now = time.monotonic()
        if state != last["state"]:
            last.update(state=state, since=now)
        elif now - last["since"] > STALL:
            out.notes.append("queue stalled %.1fs (%s), sent qmgr the wakeup"
                             % (STALL, inst.queue_summary()))
            wake_qmgr(inst)
            last["since"] = now
        return False
    lib.wait_for(done, 25, "the queue to drain after the crash%s" % (
        " and %s to arrive" % out.msg.id if out.acked else ""), 0.1,
        lambda: "queue: %s\n%s" % (inst.queue_summary(), inst.log_tail(25)))


def check_mailbox(inst, fmt, sent, partial_ok):
    """check_mailbox - {id: complete copies}: every message in the mailbox is
    one we sent, byte for byte; a message in partial_ok may also have copies
    that are a prefix of it ending at a line (counted in partial_ok[id])."""
    got = inst.read_mailbox(fmt)
    probs, counts = [], {}
    for g in got:
        want = sent.get(g.test_id)
        if want is None:
            probs.append("a message that was never sent (partial or merged?): %r" % g.raw[:200])
            continue
        found = lib.check_delivery(inst, want, g, fmt)
        if found and g.test_id in partial_ok and fmt == "mbox" and g.body.endswith(b"\n") \
                and (lib.mbox_quote(want.body) + b"\n").startswith(g.body):
            partial_ok[g.test_id] += 1
            continue
        probs += found
        counts[g.test_id] = counts.get(g.test_id, 0) + 1
    lib.check(not probs, "%s mailbox:\n%s" % (fmt, "\n".join(probs[:10])))
    return counts


def litter(inst):
    """litter - the set of temporary files in the queue and in Maildir/tmp."""
    found = {"%s/%s" % (q, f) for q, files in inst.queue_files(temporary=True).items()
             for f in files}
    d = os.path.join(inst.maildir_path(), "tmp")
    if os.path.isdir(d):
        found |= {"Maildir/tmp/" + f for f in os.listdir(d)}
    return found


def check_case(inst, case, out, n, sent, partial_ok, formats):
    """check_case - assert the invariants after one crash; its line for the notes."""
    name, prog, workload, step = case
    sent[out.msg.id] = out.msg
    if name in KNOWN_PARTIAL:
        partial_ok.setdefault(out.msg.id, 0)
    counts = {}
    for fmt in formats:
        c = check_mailbox(inst, fmt, sent, partial_ok)
        if fmt == mailbox_format(workload):
            counts = c
    copies = counts.get(out.msg.id, 0)
    lib.check(copies >= 1 or not out.acked,
              "%s: sendmail exited 0 but %s never arrived" % (name, out.msg.id))
    stray = {q: os.listdir(os.path.join(inst.queue, q)) for q in ("corrupt", "defer", "bounce")}
    stray = {q: f for q, f in stray.items() if f}
    lib.check(not stray, "%s: files left behind: %s" % (name, stray))
    line = "sendmail %s, delivered %d" % ("exit 0" if out.acked else "FAILED", copies)
    if partial_ok.get(out.msg.id):
        line += " + %d PARTIAL copy in the mbox (known limitation)" % partial_ok[out.msg.id]
    left = sorted(litter(inst) - out.litter_before)
    if left:
        line += ", left %s" % " ".join(left)
    line += "".join("; " + note for note in out.notes)
    hit = step.is_hit(out.calls, out.index)
    line += "; killed at %s #%d: %s%s" % (step.syscall, n, out.killed,
                                         "" if hit else " [NOT THE STEP]")
    return hit, line


def retarget(rig, prog, step, n):
    """retarget - N again from the trace of a run whose kill missed the step (or n)."""
    for calls in rig.trace(prog)[0].values():
        index = step.find(calls)
        if index is not None:
            return occurrence(calls, index)
    return n


# ---------------------------------------------------------------- the test

# A killed local leaves half a message in an mbox: nothing can truncate it
# afterwards (Postfix has the same hole). These cases accept such a copy,
# provided it is a prefix of the message ending at a line and a complete copy
# follows; they say so in their line. Remove a case from here once local
# repairs the mbox.
KNOWN_PARTIAL = {"local-mbox-partial"}


@lib.timeout(170)
def test_crash_steps(inst):
    why = strace_usable()
    if why:
        raise lib.Skip(why)
    began = time.monotonic()
    inst.leak_check = False  # LeakSanitizer cannot inspect a traced process
    rig = Rig(inst)
    inst.set(daemon_directory=rig.wrap, service_throttle_time="1s")
    workloads = ["mbox", "defer"] + (["maildir"] if inst.private_home else [])
    formats = ["mbox"] + (["maildir"] if inst.private_home else [])
    refs, sent, partial_ok, lines = {}, {}, {}, []
    for workload in workloads:
        msg, refs[workload] = reference(inst, rig, workload)
        sent[msg.id] = msg
    for number, case in enumerate(CASES):
        name, prog, workload, step = case
        if workload not in refs:
            lines.append("%s: skipped (Maildir needs a private home: run as root)" % name)
            continue
        calls = refs[workload][prog]
        index = step.find(calls)
        lib.check(index is not None, "%s: no such step in the reference run of %s (%s):\n%s" % (
            name, prog, step.doc, "\n".join(str(c) for c in calls)))
        n = occurrence(calls, index)
        for attempt in range(3):
            out = run_case(inst, rig, case, n, "%02d" % number)
            hit, line = check_case(inst, case, out, n, sent, partial_ok, formats)
            end(inst)
            lines.append("%s (%s): %s" % (name, step.doc, line))
            if hit:
                break
            n = retarget(rig, prog, step, n)  # the daemon made other calls this time
        else:
            lib.fail("%s: three kills missed the step:\n%s" % (name, "\n".join(lines[-3:])))
    begin(inst, "mbox")  # checks that postern start cleans up after the last case
    inst.notes.append("%d cases in %.0fs" % (len(CASES), time.monotonic() - began))
    inst.notes.extend(lines)
