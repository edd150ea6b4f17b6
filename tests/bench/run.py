#!/usr/bin/env python3
"""run - postern's own benchmark of the local path (make bench).

Usage: python3 tests/bench/run.py [--messages N] [--parallel P] [--build DIR]
       [--audit-messages M] [--timeout SEC] [--json FILE] [--keep]

Measures sendmail -> postdrop -> maildrop -> pickup -> cleanup -> qmgr ->
local on a private instance in a temporary directory, once delivering to a
Maildir and once to an mbox:

  submit     N sequential sendmail invocations (4 KiB body): invocations/s
  e2e        N / time from the first invocation until the N-th message is in
             the mailbox (Maildir: ctime of the newest file in new/; mbox: the
             mbox file's mtime when it holds N messages): msg/s
  par        the same with P concurrent sendmail loops (N in all)
  cpu        CPU seconds of the instance's process tree per message (utime +
             stime of live processes, plus the master's cutime + cstime for
             the children it reaped), and of the clients (sendmail + postdrop)
  audit      M messages (default 50) with strace attached to every process
             of the instance (-f, new children followed) and wrapped around
             the sendmail loop: fsync-family and rename calls per message,
             per program; skipped with a note when strace is missing

Run by a normal user, the instance runs as that user, and the Maildir is
mail_spool_directory=DIR/maildir/ (so nothing is written to the real home).
Run by root, the whole instance (postern start, the daemons, sendmail) runs as
the unprivileged account pnt_bench (created when missing and removed again;
its home is pointed at DIR/home for the run), started with the uid/gid switch
that runuser would make, and the Maildir is home_mailbox=Maildir/.

Every wait has a limit (--timeout per pass, default 120 s); only processes
this script started are ended (postern stop, then by PID); the temporary
directory is removed unless --keep.
"""

import argparse
import datetime
import grp
import json
import os
import platform
import pwd
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
IS_ROOT = os.geteuid() == 0
BENCH_USER = "pnt_bench"
QUEUES = ("maildrop", "incoming", "active", "deferred", "hold")
FSYNC_CALLS = ("fsync", "fdatasync", "sync_file_range", "syncfs", "sync", "msync")
RENAME_CALLS = ("rename", "renameat", "renameat2")
TRACE_SET = FSYNC_CALLS + RENAME_CALLS + ("unlink", "unlinkat", "execve")
CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    pass


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- /proc

def proc_stat(pid):
    """proc_stat - dict of ppid, state, start, cpu (utime+stime), ccpu (cutime+cstime) in s."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    comm = data[data.index("(") + 1:data.rindex(")")]
    fields = data[data.rindex(")") + 2:].split()
    return {"comm": comm, "state": fields[0], "ppid": int(fields[1]), "start": int(fields[19]),
            "cpu": (int(fields[11]) + int(fields[12])) / CLK_TCK,
            "ccpu": (int(fields[13]) + int(fields[14])) / CLK_TCK}


def proc_tree(root):
    """proc_tree - {pid: stat} of root and all its descendants (zombies included)."""
    stats, children = {}, {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st:
                stats[int(name)] = st
                children.setdefault(st["ppid"], []).append(int(name))
    out, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in out or pid not in stats:
            continue
        out[pid] = stats[pid]
        todo.extend(children.get(pid, []))
    return out


def tree_cpu(root):
    """tree_cpu - CPU seconds of the tree: every process's own time, plus the
    time of the children each one has reaped (cutime/cstime; for the master
    that is every daemon that exited)."""
    return sum(st["cpu"] + st["ccpu"] for st in proc_tree(root).values())


def alive(pid, start=None):
    st = proc_stat(pid)
    return bool(st) and st["state"] not in ("Z", "X") and (start is None or st["start"] == start)


# ---------------------------------------------------------------- instance

class Instance:
    """A private postern instance in a temporary directory."""

    def __init__(self, build, fmt, keep, timeout):
        self.build, self.fmt, self.keep, self.timeout = build, fmt, keep, timeout
        self.dir = tempfile.mkdtemp(prefix="pnt-bench-%s-" % fmt, dir="/var/tmp")
        os.chmod(self.dir, 0o755)
        self.etc = os.path.join(self.dir, "etc")
        self.queue = os.path.join(self.dir, "queue")
        self.maillog = os.path.join(self.dir, "maillog")
        self.tree_at_start = []
        self.master = None
        self.procs = []          # Popen objects we started (sendmail loops, strace)
        if IS_ROOT:
            self.user = pwd.getpwnam(BENCH_USER)
        else:
            self.user = pwd.getpwuid(os.getuid())
        self.group = grp.getgrgid(self.user.pw_gid).gr_name
        self.home = os.path.join(self.dir, "home", self.user.pw_name)
        self.rcpt = "%s@postern.bench" % self.user.pw_name  # $myhostname: no append_dot_mydomain
        if fmt == "maildir":
            self.mailbox = (os.path.join(self.home, "Maildir") if IS_ROOT
                            else os.path.join(self.dir, "maildir", self.user.pw_name))
        else:
            self.mailbox = os.path.join(self.dir, "mail", self.user.pw_name)
        self.write_config()

    def write_config(self):
        for d in (self.etc, os.path.join(self.dir, "mail"), os.path.join(self.dir, "maildir"),
                  os.path.join(self.dir, "data"), self.home):
            os.makedirs(d, exist_ok=True)
        for d in (os.path.join(self.dir, "mail"), os.path.join(self.dir, "maildir")):
            os.chmod(d, 0o1777)
        b = self.build
        cf = [
            "# Private postern instance made by tests/bench/run.py.",
            "config_directory = %s" % self.etc,
            "queue_directory = %s" % self.queue,
            "data_directory = %s/data" % self.dir,
            "daemon_directory = %s/libexec" % b,
            "command_directory = %s/sbin" % b,
            "sendmail_path = %s/sbin/sendmail" % b,
            "mailq_path = %s/sbin/mailq" % b,
            "newaliases_path = %s/sbin/newaliases" % b,
            "mail_owner = %s" % self.user.pw_name,
            "setgid_group = %s" % self.group,
            "inet_interfaces = 127.0.0.1",
            "myhostname = postern.bench",
            "mydestination = $myhostname, localhost",
            "maillog_file = %s" % self.maillog,
            "maillog_file_prefixes = %s" % self.dir,
        ]
        if self.fmt == "maildir" and IS_ROOT:
            cf += ["mail_spool_directory = %s/mail" % self.dir, "home_mailbox = Maildir/"]
        elif self.fmt == "maildir":
            cf += ["mail_spool_directory = %s/maildir/" % self.dir]
        else:
            cf += ["mail_spool_directory = %s/mail" % self.dir]
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            f.write("\n".join(cf) + "\n")
        with open(os.path.join(self.etc, "master.cf"), "w") as f:
            f.write("""# Private postern instance made by tests/bench/run.py (as conf/make-run.sh).
# service type  private unpriv  chroot  wakeup  maxproc command + args
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
local     unix  -       n       n       -       -       local
""")
        if IS_ROOT:
            for root, dirs, files in os.walk(self.dir):
                for name in dirs + files:
                    os.lchown(os.path.join(root, name), self.user.pw_uid, self.user.pw_gid)
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)

    # -- running commands as the instance's user

    def popen_kwargs(self):
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C", "HOME": self.home,
               "USER": self.user.pw_name, "LOGNAME": self.user.pw_name}
        kw = {"env": env, "cwd": self.dir}
        if IS_ROOT:
            kw.update(user=self.user.pw_uid, group=self.user.pw_gid, extra_groups=[])
        return kw

    def run(self, argv, timeout=60):
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=timeout, **self.popen_kwargs())
        return r

    def postern(self, *args, timeout=60):
        return self.run([os.path.join(self.build, "sbin", "postern"), "-c", self.etc] + list(args),
                        timeout=timeout)

    def master_pid(self):
        try:
            with open(os.path.join(self.queue, "pid", "master.pid")) as f:
                pid = int(f.read().strip() or "0")
        except (OSError, ValueError):
            return None
        st = proc_stat(pid)
        if pid > 0 and st and st["state"] not in ("Z", "X"):
            try:
                exe = os.readlink("/proc/%d/exe" % pid)
            except OSError:
                exe = ""
            if exe.startswith(self.build + os.sep):
                return pid
        return None

    def start(self):
        r = self.postern("start", timeout=30)
        if r.returncode != 0:
            raise BenchError("postern start failed: %s %s" % (r.stdout, r.stderr))
        self.master = wait_for(self.master_pid, 10, "master.pid naming a live master")
        self.master_start = proc_stat(self.master)["start"]
        # pickup and qmgr are started by master at once
        wait_for(lambda: len(proc_tree(self.master)) >= 3, 10, "pickup and qmgr")

    def tree(self):
        return proc_tree(self.master) if self.master else {}

    def stop(self):
        """stop - end our own commands, postern stop, then by PID what is left."""
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except OSError:
                    pass
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        if not self.master:
            return
        left = []
        if alive(self.master, self.master_start):
            tree = [(p, st["start"]) for p, st in proc_tree(self.master).items()]
            try:
                self.postern("stop", timeout=40)
            except subprocess.TimeoutExpired:
                log("postern stop timed out")
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and any(alive(p, s) for p, s in tree):
                time.sleep(0.2)
            left = [p for p, s in tree if alive(p, s)]
        for pid in left:
            log("process %d left after postern stop, killing it" % pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.master = None

    def close(self):
        self.stop()
        if self.keep:
            log("kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- state

    def queue_count(self):
        n = 0
        for q in QUEUES:
            for _root, _dirs, files in os.walk(os.path.join(self.queue, q)):
                n += len(files)
        return n

    def delivered(self):
        """delivered - (count, time of the last delivery as a wall clock time)."""
        if self.fmt == "maildir":
            new = os.path.join(self.mailbox, "new")
            try:
                names = os.listdir(new)
            except FileNotFoundError:
                return 0, None
            last = None
            for name in names:
                try:
                    c = os.stat(os.path.join(new, name)).st_ctime
                except FileNotFoundError:
                    continue
                last = c if last is None or c > last else last
            return len(names), last
        try:
            with open(self.mailbox, "rb") as f:
                st = os.fstat(f.fileno())
                data = f.read()
        except FileNotFoundError:
            return 0, None
        n = data.count(b"\n\nFrom ") + (1 if data.startswith(b"From ") else 0)
        return n, st.st_mtime

    def empty_mailbox(self):
        if self.fmt == "maildir":
            new = os.path.join(self.mailbox, "new")
            if os.path.isdir(new):
                for name in os.listdir(new):
                    os.unlink(os.path.join(new, name))
        elif os.path.exists(self.mailbox):
            os.truncate(self.mailbox, 0)

    def log_problems(self):
        try:
            with open(self.maillog, errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            return []
        return [line for line in lines
                if re.search(r": (fatal|panic|warning|error):|status=(deferred|bounced)", line)]


def wait_for(probe, limit, what, interval=0.05):
    deadline = time.monotonic() + limit
    while True:
        v = probe()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise BenchError("timed out after %ss waiting for %s" % (limit, what))
        time.sleep(interval)


# ---------------------------------------------------------------- accounts

class Account:
    """Root mode: the pnt_bench account, created when missing, home pointed at the instance."""

    def __init__(self):
        self.created = False
        self.old_home = None
        if not IS_ROOT:
            return
        try:
            self.old_home = pwd.getpwnam(BENCH_USER).pw_dir
        except KeyError:
            admin(["useradd", "-M", "-U", "-d", "/nonexistent", "-s", "/usr/sbin/nologin",
                   BENCH_USER])
            self.created = True

    def point_home(self, home):
        if IS_ROOT and pwd.getpwnam(BENCH_USER).pw_dir != home:
            admin(["usermod", "-d", home, BENCH_USER])

    def close(self):
        if not IS_ROOT:
            return
        if self.created:
            admin(["userdel", BENCH_USER], ok=(0, 6))
        elif self.old_home and pwd.getpwnam(BENCH_USER).pw_dir != self.old_home:
            admin(["usermod", "-d", self.old_home, BENCH_USER])


def admin(argv, ok=(0,)):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if r.returncode not in ok:
        raise BenchError("%s: exit %d: %s" % (" ".join(argv), r.returncode, r.stderr.strip()))


# ---------------------------------------------------------------- load

def make_message(path, rcpt, size=4096):
    """make_message - headers plus a body of exactly size bytes (no 'From ' lines)."""
    n = 0
    line = "abcdefghijklmnopqrstuvwxyz0123456789" * 2
    body = ""
    while len(body) < size:
        body += "%05d %s\n" % (n, line)
        n += 1
    body = body[:size - 1] + "\n"
    head = "From: bench@postern.bench\nTo: %s\nSubject: postern bench\n\n" % rcpt
    with open(path, "w") as f:
        f.write(head + body)


LOOP_SH = r'''
# $1 sendmail  $2 config dir  $3 message  $4 recipient  $5 count  $6 deadline (epoch s)
i=0 fail=0
while [ "$i" -lt "$5" ]; do
    "$1" -C "$2" -i -f bench@postern.bench "$4" < "$3" || fail=$((fail + 1))
    i=$((i + 1))
    if [ $((i % 50)) -eq 0 ] && [ "$(date +%s)" -ge "$6" ]; then
        echo "loop: deadline reached after $i" >&2; break
    fi
done
echo "$i $fail"
'''


def start_loop(inst, count, msg, wrapper=()):
    """start_loop - one sendmail loop (its own process group), optionally under wrapper."""
    deadline = int(time.time() + inst.timeout)
    argv = list(wrapper) + ["/bin/sh", "-c", LOOP_SH, "loop",
                            os.path.join(inst.build, "sbin", "sendmail"), inst.etc, msg,
                            inst.rcpt, str(count), str(deadline)]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True,
                         **inst.popen_kwargs())
    inst.procs.append(p)
    return p


def finish_loop(inst, p):
    """finish_loop - (invocations, failures); kills the loop after the time limit."""
    try:
        out, err = p.communicate(timeout=inst.timeout + 15)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        raise BenchError("sendmail loop killed after %ds" % (inst.timeout + 15))
    m = re.search(r"(\d+) (\d+)\s*$", out)
    if p.returncode != 0 or not m:
        raise BenchError("sendmail loop failed (exit %s): %s" % (p.returncode, err[-500:]))
    if err.strip():
        log(err.strip()[-500:])
    return int(m.group(1)), int(m.group(2))


def settle(inst, limit):
    """settle - wait (bounded) for an empty queue, then a quiet tree (no CPU for 0.3 s)."""
    wait_for(lambda: inst.queue_count() == 0, limit, "an empty queue", 0.1)
    last, quiet_since = tree_cpu(inst.master), time.monotonic()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = tree_cpu(inst.master)
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= 0.3:
            break


def timed_pass(inst, name, n, parallel, msg):
    """timed_pass - submit n messages with `parallel` loops; rates and CPU."""
    settle(inst, inst.timeout)
    inst.empty_mailbox()
    cpu0 = tree_cpu(inst.master)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    share = [n // parallel + (1 if i < n % parallel else 0) for i in range(parallel)]
    wall0, t0 = time.time(), time.monotonic()
    loops = [start_loop(inst, k, msg) for k in share if k]
    results = [finish_loop(inst, p) for p in loops]
    t_submit = time.monotonic() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    invoked = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    ok = invoked - failed
    note = []
    try:
        count, last = wait_for(lambda: (lambda c: c if c[0] >= ok else None)(inst.delivered()),
                               inst.timeout, "%d deliveries" % ok, 0.05)
    except BenchError as e:
        count, last = inst.delivered()
        note.append(str(e))
    e2e = (last - wall0) if last else None
    if not note:
        try:
            settle(inst, 30)
        except BenchError as e:
            note.append(str(e))
    cpu1 = tree_cpu(inst.master)
    if failed:
        note.append("%d sendmail invocations failed" % failed)
    if count != ok:
        note.append("delivered %d of %d" % (count, ok))
    client_cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    return {
        "pass": name, "mailbox": inst.fmt, "messages": n, "parallel": parallel,
        "invoked": invoked, "failed": failed, "delivered": count,
        "submit_s": round(t_submit, 3),
        "submit_per_s": round(invoked / t_submit, 1) if t_submit else None,
        "e2e_s": round(e2e, 3) if e2e else None,
        "e2e_msg_per_s": round(count / e2e, 1) if e2e and count else None,
        "mta_cpu_ms_per_msg": round(1000 * (cpu1 - cpu0) / count, 3) if count else None,
        "client_cpu_ms_per_msg": round(1000 * client_cpu / invoked, 3) if invoked else None,
        "notes": note,
    }


# ---------------------------------------------------------------- audit

LINE_RE = re.compile(r"^(\d+)\s+(?:\d\d:\d\d:\d\d\.\d+\s+)?(\w+)\((.*)$")


def parse_trace(path, names):
    """parse_trace - [(pid, program, call, args)] in file order; names: {pid: program}."""
    events = []
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE_RE.match(line)
            if not m:
                continue
            pid, call, rest = int(m.group(1)), m.group(2), m.group(3)
            if call == "execve":
                if "= 0" in rest or "<unfinished" in rest:
                    prog = re.match(r'"([^"]*)"', rest)
                    if prog:
                        names[pid] = os.path.basename(prog.group(1))
                continue
            if "resumed>" in rest:
                continue
            events.append((pid, names.get(pid, "?"), call, rest))
    return events


def audit(inst, m, msg):
    """audit - strace the tree and the sendmail loop for m messages; per-program counts."""
    strace = shutil.which("strace")
    if not strace:
        return {"skipped": "strace is not installed"}
    settle(inst, inst.timeout)
    inst.empty_mailbox()
    tree = inst.tree()
    names = {pid: st["comm"] for pid, st in tree.items()}
    dtrace = os.path.join(inst.dir, "strace-daemons.txt")
    ctrace = os.path.join(inst.dir, "strace-clients.txt")
    argv = [strace, "-f", "-C", "-y", "-e", "trace=" + ",".join(TRACE_SET), "-o", dtrace]
    for pid in tree:
        argv += ["-p", str(pid)]
    tracer = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    inst.procs.append(tracer)

    def attached():
        for pid in tree:
            try:
                with open("/proc/%d/status" % pid) as f:
                    if "TracerPid:\t0\n" in f.read():
                        return False
            except OSError:
                pass
        return True
    try:
        wait_for(attached, 10, "strace to attach")
    except BenchError:
        tracer.kill()
        return {"skipped": "strace could not attach: %s" % tracer.communicate()[1][-300:]}
    wrapper = [strace, "-f", "-C", "-y", "-e", "trace=" + ",".join(TRACE_SET), "-o", ctrace]
    p = start_loop(inst, m, msg, wrapper)
    invoked, failed = finish_loop(inst, p)
    note = []
    try:
        wait_for(lambda: inst.delivered()[0] >= invoked - failed, inst.timeout, "audit deliveries")
        settle(inst, 30)
    except BenchError as e:
        note.append(str(e))
    tracer.send_signal(signal.SIGINT)
    try:
        tracer.wait(timeout=15)
    except subprocess.TimeoutExpired:
        tracer.kill()
        tracer.wait()
        note.append("strace did not detach in 15 s")
    delivered = inst.delivered()[0]
    events = parse_trace(ctrace, {}) + parse_trace(dtrace, names)
    per = {}
    for pid, prog, call, args in events:
        kind = "fsync" if call in FSYNC_CALLS else "rename" if call in RENAME_CALLS else "unlink"
        if kind == "fsync":
            # -y prints the path: a directory fsync is kept apart from a file fsync
            path = re.match(r"\d+<([^>]*)>", args)
            isdir = bool(path) and os.path.isdir(path.group(1))
            kind = "fsync_dir" if isdir else "fsync_file"
        if kind == "unlink":
            continue
        d = per.setdefault(prog, {"fsync_file": 0, "fsync_dir": 0, "rename": 0})
        d[kind] += 1
    n = delivered or 1
    table = {prog: {k: round(v / n, 2) for k, v in d.items()} for prog, d in sorted(per.items())}
    # ordering check for cleanup: each rename into incoming/ is preceded, in the
    # same process, by a file fsync since that process's previous rename
    checked, unsynced, pending = 0, 0, {}
    for pid, prog, call, args in parse_trace(dtrace, dict(names)):
        if prog != "cleanup":
            continue
        if call in FSYNC_CALLS and "incoming/" in args:
            pending[pid] = True
        elif call in RENAME_CALLS and "incoming/" in args:
            checked += 1
            if not pending.get(pid):
                unsynced += 1
            pending[pid] = False
    expect = {"postdrop": 1, "cleanup": 1, "local": 1}
    verdict = {}
    for prog, want in expect.items():
        d = per.get(prog, {})
        got = (d.get("fsync_file", 0) + d.get("fsync_dir", 0)) / n
        verdict[prog] = "ok" if got >= want else "MISSING (%.2f fsync/msg, want >= %d)" % (got, want)
    if unsynced:
        verdict["cleanup"] = "%d of %d incoming/ renames without a preceding fsync" % (unsynced, checked)
    return {"messages": m, "invoked": invoked, "failed": failed, "delivered": delivered,
            "per_message": table, "verdict": verdict,
            "cleanup_renames_checked": checked, "notes": note}


# ---------------------------------------------------------------- report

def print_table(res):
    rows = [("pass", "mailbox", "n", "P", "submit inv/s", "e2e msg/s", "MTA ms CPU/msg",
             "client ms CPU/msg", "notes")]
    for r in res["passes"]:
        rows.append((r["pass"], r["mailbox"], str(r["messages"]), str(r["parallel"]),
                     fmt(r["submit_per_s"]), fmt(r["e2e_msg_per_s"]),
                     fmt(r["mta_cpu_ms_per_msg"]), fmt(r["client_cpu_ms_per_msg"]),
                     "; ".join(r["notes"])))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    for fmt_name, a in res["audit"].items():
        print()
        if "skipped" in a:
            print("durability audit (%s): skipped: %s" % (fmt_name, a["skipped"]))
            continue
        print("durability audit (%s): %d messages, calls per delivered message"
              % (fmt_name, a["delivered"]))
        print("  %-10s %10s %9s %7s  %s" % ("program", "fsync file", "fsync dir", "rename", "check"))
        for prog, d in a["per_message"].items():
            print("  %-10s %10.2f %9.2f %7.2f  %s" % (prog, d["fsync_file"], d["fsync_dir"],
                                                   d["rename"], a["verdict"].get(prog, "")))
        for prog, v in a["verdict"].items():
            if prog not in a["per_message"]:
                print("  %-10s %10s %9s %7s  %s" % (prog, "-", "-", "-", v))
        for n in a["notes"]:
            print("  note: " + n)


def fmt(v):
    return "-" if v is None else ("%.1f" % v if v >= 10 else "%.2f" % v)


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"host": platform.node(), "kernel": platform.release(), "cpus": os.cpu_count(),
            "cpu_model": model}


def git_rev():
    try:
        return subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# ---------------------------------------------------------------- main

def on_signal(signum, frame):
    """on_signal - turn SIGTERM/SIGHUP into KeyboardInterrupt so that cleanup runs."""
    raise KeyboardInterrupt()


def main():
    ap = argparse.ArgumentParser(description="postern local-path benchmark")
    ap.add_argument("--messages", type=int, default=500)
    ap.add_argument("--parallel", type=int, default=4)
    ap.add_argument("--audit-messages", type=int, default=50)
    ap.add_argument("--build", default=os.environ.get("POSTERN_BUILD") or os.path.join(REPO, "build"))
    ap.add_argument("--timeout", type=int, default=120, help="limit per pass, seconds")
    ap.add_argument("--mailbox", default="maildir,mbox")
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    need = [os.path.join(build, "sbin", t) for t in ("postern", "sendmail", "postdrop")] + \
           [os.path.join(build, "libexec", d) for d in ("master", "pickup", "cleanup", "qmgr", "local")]
    missing = [p for p in need if not os.access(p, os.X_OK)]
    if missing:
        sys.exit("bench: missing programs (run make): %s" % " ".join(missing))
    if args.messages < 1 or args.parallel < 1 or args.parallel > 64:
        sys.exit("bench: --messages >= 1, 1 <= --parallel <= 64")

    res = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
           "machine": machine(), "postern": git_rev(), "build": build,
           "mode": "root (instance as %s)" % BENCH_USER if IS_ROOT else "user",
           "messages": args.messages, "parallel": args.parallel, "passes": [], "audit": {},
           "log_problems": {}}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    acct = Account()
    status = 0
    try:
        for fmt_name in args.mailbox.split(","):
            inst = Instance(build, fmt_name, args.keep, args.timeout)
            try:
                acct.point_home(os.path.join(inst.dir, "home", inst.user.pw_name))
                msg = os.path.join(inst.dir, "message.txt")
                make_message(msg, inst.rcpt)
                inst.start()
                log("%s: instance %s, master %d" % (fmt_name, inst.dir, inst.master))
                # warm-up: 5 messages, so that page cache and first spawns are not measured
                timed_pass(inst, "warmup", 5, 1, msg)
                r = timed_pass(inst, "sequential", args.messages, 1, msg)
                log("%s sequential: %s" % (fmt_name, r))
                res["passes"].append(r)
                r = timed_pass(inst, "parallel", args.messages, args.parallel, msg)
                log("%s parallel: %s" % (fmt_name, r))
                res["passes"].append(r)
                res["audit"][fmt_name] = audit(inst, args.audit_messages, msg)
                res["log_problems"][fmt_name] = inst.log_problems()[:20]
            except BenchError as e:
                log("%s: %s" % (fmt_name, e))
                res["passes"].append({"pass": "error", "mailbox": fmt_name, "messages": 0,
                                      "parallel": 0, "submit_per_s": None, "e2e_msg_per_s": None,
                                      "mta_cpu_ms_per_msg": None, "client_cpu_ms_per_msg": None,
                                      "notes": [str(e)]})
                res["log_problems"][fmt_name] = inst.log_problems()[:20]
                status = 1
            finally:
                inst.close()
    except KeyboardInterrupt:
        log("interrupted")
        status = 130
    finally:
        acct.close()
    print("postern local-path benchmark, %s, %s, %s cpus, mode %s, postern %s" % (
        res["date"], res["machine"]["host"], res["machine"]["cpus"], res["mode"], res["postern"]))
    print_table(res)
    for fmt_name, lines in res["log_problems"].items():
        if lines:
            print("\n%s: %d warning/error/defer lines in the maillog, first: %s"
                  % (fmt_name, len(lines), lines[0]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=2)
    return status


if __name__ == "__main__":
    sys.exit(main())
