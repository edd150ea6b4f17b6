"""lib - helpers for postern's end-to-end tests.

A test is a function test_NAME(inst) in a file tests/e2e/test_*.py; run.py
hands it a fresh Instance: a private postern installation in a temporary
directory D under /tmp, configured but not started.  The test may change
main.cf parameters (inst.set(...)), then calls inst.start(), drives the
instance with the real commands (sendmail, postqueue, postsuper, postconf,
postern) and asserts what it can observe: mailbox bytes, exit codes, queue
state and log lines.  run.py always stops the instance afterwards.

Layout of D (see docs/testing.md):
    D/etc/main.cf, D/etc/master.cf     configuration
    D/queue                            queue_directory (postern start fills it)
    D/data                             data_directory
    D/mail                             mail_spool_directory (mode 1777)
    D/home/USER                        the recipients' homes
    D/maillog                          maillog_file
    D/sanitizer                        ASan/UBSan reports (log_path), mode 1777;
                                       run.py fails a test that leaves any
    D/bin                              root mode only: command_directory with a
                                       setgid copy of postdrop and postqueue

Modes (a test picks them with @modes):
    "user"  everything runs as one unprivileged account (pnt_user, created
            when run.py runs as root; the current account otherwise), which
            is mail_owner, sender and recipient.
    "root"  postern runs as root with mail_owner pnt_owner and setgid_group
            pnt_drop; submissions come from pnt_rcpt, who is also the
            recipient.  Needs root; skipped otherwise.

Every wait is bounded (wait_for); every process this module starts is
tracked and ended by PID; accounts are created once per run (Session) and
removed at its end.
"""

import email
import fcntl
import email.policy
import json
import atexit
import os
import pwd
import grp
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.abspath(os.environ.get("POSTERN_BUILD") or os.path.join(REPO, "build"))
IS_ROOT = os.geteuid() == 0


def world_reachable(path):
    """world_reachable - can every user traverse each directory above path?"""
    p = os.path.dirname(path)
    while p and p != "/":
        if not os.stat(p).st_mode & stat.S_IXOTH:
            return False
        p = os.path.dirname(p)
    return True


def reachable_build(build):
    """reachable_build - BUILD, or a copy of its programs that test users can run.

    The tests run instances as unprivileged users; a checkout under a
    private directory (e.g. /root) would hide the programs from them, so as
    root the suite then runs a copy of sbin/ and libexec/ in /tmp instead.
    """
    if not IS_ROOT or world_reachable(build) or not os.path.isdir(build):
        return build
    copy = tempfile.mkdtemp(prefix="pnt-e2e-build-")
    os.chmod(copy, 0o755)
    for sub in ("sbin", "libexec"):
        if os.path.isdir(os.path.join(build, sub)):
            shutil.copytree(os.path.join(build, sub), os.path.join(copy, sub), symlinks=True)
    atexit.register(shutil.rmtree, copy, True)
    return copy


BUILD = reachable_build(BUILD)
SBIN = os.path.join(BUILD, "sbin")
LIBEXEC = os.path.join(BUILD, "libexec")
HOSTNAME = "postern.test"
TOOLS = ("postern", "sendmail", "postqueue", "postsuper", "postcat", "postconf",
         "mailq", "postdrop")
SETGID_TOOLS = ("postdrop", "postqueue")
QUEUES = ("maildrop", "incoming", "active", "deferred", "hold")
DAEMONS = ("master", "pickup", "cleanup", "qmgr", "local", "bounce")


def missing_binaries():
    """missing_binaries - the programs of TOOLS and DAEMONS that BUILD lacks."""
    want = [os.path.join(SBIN, t) for t in TOOLS] + [os.path.join(LIBEXEC, d) for d in DAEMONS]
    return [p for p in want if not os.access(p, os.X_OK)]

# Queue ID shape from src/global/mail_queue.h: 10 base-51 digits, 'z', inode.
ID_CHARS = "0-9BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxy"
QUEUE_ID_RE = "[%s]{10}z[%s]+" % (ID_CHARS, ID_CHARS)

# "Mmm dd hh:mm:ss host program[pid]: text"
LOG_RE = re.compile(r"^([A-Z][a-z]{2}) ([ \d]\d) (\d\d:\d\d:\d\d) (\S+) ([^\s\[\]]+)\[(\d+)\]: (.*)$")


class Skip(Exception):
    """Raised by a test that cannot run here (reported as SKIP)."""


class TestTimeout(Exception):
    """Raised from the SIGALRM handler when a test exceeds its time."""


def modes(*names):
    """modes - decorator: run the test once per mode ("user", "root")."""
    def wrap(fn):
        fn.modes = names
        return fn
    return wrap


def timeout(seconds):
    """timeout - decorator: the test's own time limit in seconds."""
    def wrap(fn):
        fn.timeout = seconds
        return fn
    return wrap


def fail(message):
    """fail - end the test with a failure."""
    raise AssertionError(message)


def check(condition, message):
    """check - fail with message unless condition holds."""
    if not condition:
        fail(message)


def wait_for(probe, limit, what, interval=0.2, detail=None):
    """wait_for - poll probe() until it returns a true value or limit seconds pass."""
    deadline = time.monotonic() + limit
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            extra = ""
            if detail is not None:
                extra = "\n" + str(detail())
            fail("timed out after %ss waiting for %s%s" % (limit, what, extra))
        time.sleep(interval)


# ---------------------------------------------------------------- processes

def proc_stat(pid):
    """proc_stat - (ppid, state, starttime) of a process, or None if gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    return int(fields[1]), fields[0], int(fields[19])


def proc_alive(pid, starttime=None):
    """proc_alive - is pid a live (not zombie) process, the same one as before?"""
    st = proc_stat(pid)
    if st is None or st[1] in ("Z", "X"):
        return False
    return starttime is None or st[2] == starttime


def proc_exe(pid):
    """proc_exe - the executable of a process, or "" when unknown."""
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return ""


def proc_tree(root):
    """proc_tree - root and all its live descendants, found through /proc PPIDs."""
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st and st[1] not in ("Z", "X"):
                children.setdefault(st[0], []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.append(pid)
        todo.extend(children.get(pid, []))
    return [p for p in found if proc_alive(p)]


def kill9_tree(master):
    """kill9_tree - freeze master and its descendants with SIGSTOP, then SIGKILL all."""
    frozen = []
    for _ in range(20):
        new = [p for p in proc_tree(master) if p not in frozen]
        if not new:
            break
        for pid in new:
            try:
                os.kill(pid, signal.SIGSTOP)
                frozen.append(pid)
            except ProcessLookupError:
                pass
    for pid in frozen:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return frozen


def is_ours(pid):
    """is_ours - does this process run one of the binaries under BUILD?"""
    exe = proc_exe(pid)
    return exe.startswith(BUILD + os.sep) or exe.startswith("/tmp/pnt-")


# ---------------------------------------------------------------- accounts

class Account:
    """An account that commands run as."""

    def __init__(self, name, uid, gid, home):
        self.name, self.uid, self.gid, self.home = name, uid, gid, home

    @classmethod
    def lookup(cls, name):
        pw = pwd.getpwnam(name)
        return cls(pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir)


def _admin(argv):
    """_admin - run an account-management command; fail on error."""
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        fail("%s failed (exit %d): %s" % (" ".join(argv), r.returncode, r.stderr.strip()))


STUB_MARKER = "# temporary: written by postern tests/e2e/lib.py, removed at the end of the run"


def builtin_config_dir():
    """builtin_config_dir - DEF_CONFIG_DIR that the binaries were built with."""
    try:
        with open(os.path.join(BUILD, "include", "postern_paths.h")) as f:
            m = re.search(r'#define DEF_CONFIG_DIR "([^"]+)"', f.read())
            if m:
                return m.group(1)
    except OSError:
        pass
    return "/etc/postern"


LOCK_PATH = "/tmp/postern-e2e.lock"
HOMES = "/tmp/pnt-e2e-homes"


def run_lock(limit):
    """run_lock - one e2e run per host at a time (they share accounts); the open lock file."""
    if not IS_ROOT:
        return None  # no shared accounts: instances run as the caller
    f = open(LOCK_PATH, "a+")
    deadline = time.monotonic() + limit
    said = False
    while True:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                f.seek(0)
                fail("another e2e run holds %s (%s) after %ds" % (LOCK_PATH, f.read().strip(), limit))
            if not said:
                f.seek(0)
                print("waiting for another e2e run to finish (%s: %s)" %
                      (LOCK_PATH, f.read().strip()), flush=True)
                said = True
            time.sleep(1)
    f.seek(0)
    f.truncate()
    f.write("pid %d\n" % os.getpid())
    f.flush()
    return f


class Session:
    """Per-run state: the test accounts and the home links that point at instances.

    Each account's home (in /etc/passwd) is a fixed symlink HOMES/NAME, which
    every instance re-points at its own D/home/NAME, so accounts are created
    once (or reused from an earlier run) and never need usermod between
    tests.  Runs take LOCK_PATH first, so two runs never share the accounts.
    """

    def __init__(self):
        self.dir = HOMES
        if IS_ROOT:
            try:
                os.mkdir(HOMES, 0o755)
            except FileExistsError:
                st = os.lstat(HOMES)
                if not stat.S_ISDIR(st.st_mode) or st.st_uid != 0:
                    fail("%s is not a directory owned by root" % HOMES)
            os.chmod(HOMES, 0o755)
        self.users = {}
        self.created_users = []
        self.created_groups = []
        self.made_config_dir = False
        self.made_config_file = False

    def link(self, name):
        return os.path.join(self.dir, name)

    def group(self, name):
        """group - the gid of a group, created when missing."""
        try:
            return grp.getgrnam(name).gr_gid
        except KeyError:
            _admin(["groupadd", name])
            self.created_groups.append(name)
            return grp.getgrnam(name).gr_gid

    def user(self, name):
        """user - an account whose home is HOMES/NAME, created when missing."""
        if name in self.users:
            return self.users[name]
        home = self.link(name)
        try:
            pw = pwd.getpwnam(name)
            if pw.pw_dir != home:
                _admin(["usermod", "-d", home, name])
        except KeyError:
            _admin(["useradd", "-M", "-U", "-d", home, "-s", "/usr/sbin/nologin", name])
        self.created_users.append(name)
        acct = Account.lookup(name)
        self.users[name] = acct
        return acct

    def point_home(self, name, target):
        """point_home - make S/home/NAME a symlink to target."""
        link = self.link(name)
        try:
            os.unlink(link)
        except FileNotFoundError:
            pass
        os.symlink(target, link)

    def allow_config_dir(self, etc):
        """allow_config_dir - list etc in the built-in main.cf's alternate_config_directories.

        A setgid postdrop run by an ordinary user accepts -c DIR only when
        the built-in main.cf lists DIR (as Postfix does).  When that file is
        missing (a build host) we write a stub naming only this instance and
        remove it at the end; a real installation's file is never touched,
        and then the test is skipped.
        """
        cf_dir = builtin_config_dir()
        cf = os.path.join(cf_dir, "main.cf")
        if os.path.exists(cf) and not self.made_config_file:
            with open(cf, errors="replace") as f:
                if f.readline().strip() != STUB_MARKER:
                    raise Skip("%s exists (an installed postern); root mode would have to edit "
                               "its alternate_config_directories" % cf)
        if not os.path.isdir(cf_dir):
            os.makedirs(cf_dir, 0o755)
            self.made_config_dir = cf_dir
        with open(cf, "w") as f:
            f.write("%s\nalternate_config_directories = %s\n" % (STUB_MARKER, etc))
        os.chmod(cf, 0o644)
        self.made_config_file = cf

    def close(self):
        """close - remove the accounts, groups and config stub of this run."""
        problems = []
        if self.made_config_file:
            os.unlink(self.made_config_file)
        if self.made_config_dir:
            try:
                os.rmdir(self.made_config_dir)
            except OSError as e:
                problems.append("rmdir %s: %s" % (self.made_config_dir, e))
        for name in self.created_users:
            r = subprocess.run(["userdel", name], capture_output=True, text=True, timeout=60)
            if r.returncode not in (0, 6):
                problems.append("userdel %s: %s" % (name, r.stderr.strip()))
        for name in self.created_groups:
            r = subprocess.run(["groupdel", name], capture_output=True, text=True, timeout=60)
            if r.returncode not in (0, 6):
                problems.append("groupdel %s: %s" % (name, r.stderr.strip()))
        for name in self.users:
            try:
                os.unlink(self.link(name))
            except OSError:
                pass
        return problems


# ---------------------------------------------------------------- results

class Result:
    """The outcome of one command."""

    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err

    @property
    def text(self):
        return (self.out + self.err).decode("utf-8", "replace")

    @property
    def stdout(self):
        return self.out.decode("utf-8", "replace")

    def describe(self):
        return "%s -> exit %s\n  stdout: %s\n  stderr: %s" % (
            " ".join(self.argv), self.rc, self.out.decode("utf-8", "replace").strip()[:2000],
            self.err.decode("utf-8", "replace").strip()[:2000])

    def ok(self, what=None):
        """ok - fail unless the command exited 0; returns self."""
        if self.rc != 0:
            fail("%s failed: %s" % (what or self.argv[0], self.describe()))
        return self


# ---------------------------------------------------------------- messages

class Outgoing:
    """A message the test submits: its X-Test-Id, full bytes and body."""

    def __init__(self, test_id, data, body):
        self.id, self.data, self.body = test_id, data, body


def make_body(n):
    """make_body - a body that exercises 8-bit text, long lines, dots and From_."""
    long_line = (b"%06d-" % n + b"abcdefghijklmnopqrstuvwxyz0123456789" * 30)[:998]
    lines = [
        b"Message number %d." % n,
        "UTF-8: Gr\u00fc\u00dfe, na\u00efve caf\u00e9, \u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac, \u65e5\u672c\u8a9e \u2713".encode(),
        b"Latin-1 bytes: caf\xe9 na\xefve \xa9 \xff\xfe",
        b".leading dot",
        b".",
        b"..",
        b"...three",
        b"From the start of a line",
        b"From: not a header",
        b">From already quoted by the author",
        b" From with a leading space",
        long_line,
        b"",
        b"trailing spaces   ",
        b"\ttab indented",
    ]
    lines += [b"filler line %d of message %d" % (i, n) for i in range(n % 7)]
    lines.append(b"end of message %d" % n)
    return b"\n".join(lines) + b"\n"


def make_message(test_id, body=None, headers=(), subject=None):
    """make_message - headers (no From, Date or Message-ID) plus body."""
    if body is None:
        body = make_body(abs(hash(test_id)) % 1000)
    head = [b"Subject: " + (subject or "e2e %s" % test_id).encode()]
    head += [h.encode() if isinstance(h, str) else h for h in headers]
    head += [b"X-Test-Id: " + test_id.encode(),
             b"MIME-Version: 1.0",
             b"Content-Type: text/plain; charset=utf-8",
             b"Content-Transfer-Encoding: 8bit"]
    return Outgoing(test_id, b"\n".join(head) + b"\n\n" + body, body)


def mbox_quote(body):
    """mbox_quote - the body as an mbox (mboxo) stores it: "From " becomes ">From "."""
    return re.sub(rb"(?m)^From ", b">From ", body)


class Delivered:
    """One delivered message: header list and body, plus the mbox From_ line."""

    def __init__(self, raw, from_line=None, path=None):
        self.raw, self.from_line, self.path = raw, from_line, path
        cut = raw.find(b"\n\n")
        head, self.body = (raw, b"") if cut < 0 else (raw[:cut + 1], raw[cut + 2:])
        self.headers = []
        for line in head.split(b"\n"):
            if line[:1] in (b" ", b"\t") and self.headers:
                name, value = self.headers[-1]
                self.headers[-1] = (name, value + b"\n" + line)
            elif b":" in line:
                name, value = line.split(b":", 1)
                self.headers.append((name.decode("latin-1"), value.strip()))

    def values(self, name):
        """values - every value of a header, as text."""
        return [v.decode("utf-8", "replace") for n, v in self.headers
                if n.lower() == name.lower()]

    def get(self, name):
        vals = self.values(name)
        return vals[0] if vals else None

    @property
    def test_id(self):
        return self.get("X-Test-Id")

    def parsed(self):
        """parsed - the message as an email.message.EmailMessage."""
        return email.message_from_bytes(self.raw, policy=email.policy.default)


def parse_mbox(data):
    """parse_mbox - split an mbox at From_ lines into Delivered messages."""
    starts = [m.start() for m in re.finditer(rb"(?m)^From ", data)]
    if data and (not starts or starts[0] != 0):
        fail("mbox does not begin with a From_ line: %r" % data[:80])
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        chunk = data[start:end]
        nl = chunk.find(b"\n")
        out.append(Delivered(chunk[nl + 1:], from_line=chunk[:nl]))
    return out


def count_ids(messages):
    """count_ids - {X-Test-Id: number of copies}."""
    counts = {}
    for m in messages:
        counts[m.test_id] = counts.get(m.test_id, 0) + 1
    return counts


# ---------------------------------------------------------------- instance

DEFAULT_MASTER_CF = """\
# service type  private unpriv  chroot  wakeup  maxproc command
pickup    unix  n       -       n       1       1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
local     unix  -       n       n       -       -       local
showq     unix  n       -       n       -       -       showq
"""


class Instance:
    """A private postern installation in a temporary directory."""

    def __init__(self, mode, name, session):
        self.mode, self.name, self.session = mode, name, session
        missing = missing_binaries()
        check(not missing, "not built: %s" % " ".join(missing))
        self.dir = tempfile.mkdtemp(prefix="pnt-%s-" % re.sub(r"\W+", "_", name), dir="/tmp")
        os.chmod(self.dir, 0o755)
        self.etc = self.path("etc")
        self.queue = self.path("queue")
        self.maillog = self.path("maillog")
        self.masters = []  # (pid, starttime) of every master we started
        self.started = False
        self.closing = False
        self._procs = set()
        self._lock = threading.Lock()
        self.notes = []
        self._setup_accounts()
        self._setup_tree()
        self.params = self._default_params()
        self.write_master_cf(DEFAULT_MASTER_CF)
        self.write_main_cf()

    # -- setup

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def _setup_accounts(self):
        """_setup_accounts - pick owner, recipient, submitter, admin for the mode."""
        if self.mode == "root":
            if not IS_ROOT:
                raise Skip("root mode needs root")
            s = self.session
            self.drop_group = "pnt_drop"
            s.group(self.drop_group)
            self.owner = s.user("pnt_owner")
            self.rcpt = s.user("pnt_rcpt")
            self.submitter = self.rcpt
            self.admin = None  # root, directly
            self.private_home = True
        elif IS_ROOT:
            acct = self.session.user("pnt_user")
            self.owner = self.rcpt = self.submitter = self.admin = acct
            self.drop_group = acct.name
            self.private_home = True
        else:
            acct = Account.lookup(pwd.getpwuid(os.getuid()).pw_name)
            self.owner = self.rcpt = self.submitter = acct
            self.admin = None
            self.drop_group = grp.getgrgid(os.getgid()).gr_name
            self.private_home = False
        self.accounts = [a for a in {self.owner.name: self.owner, self.rcpt.name: self.rcpt}.values()]

    def _chown(self, path, acct):
        if IS_ROOT and acct is not None:
            os.chown(path, acct.uid, acct.gid)

    def _setup_tree(self):
        """_setup_tree - the directories and files of the layout."""
        admin = self.admin if self.mode == "user" else None
        for d, mode, acct in (("etc", 0o755, admin), ("queue", 0o755, admin),
                              ("data", 0o700, self.owner), ("mail", 0o1777, None),
                              ("home", 0o755, None), ("sanitizer", 0o1777, None)):
            os.mkdir(self.path(d))
            os.chmod(self.path(d), mode)
            self._chown(self.path(d), acct)
        for acct in self.accounts:
            home = self.path("home", acct.name)
            os.mkdir(home, 0o755)
            self._chown(home, acct)
            if self.private_home:
                self.session.point_home(acct.name, home)
        with open(self.maillog, "w"):
            pass
        os.chmod(self.maillog, 0o644)
        self._chown(self.maillog, self.owner)
        self.command_dir = SBIN
        if self.mode == "root":
            self._setup_bin()
            self.session.allow_config_dir(self.etc)

    def _setup_bin(self):
        """_setup_bin - D/bin: setgid copies of postdrop/postqueue, links to the rest."""
        bindir = self.path("bin")
        os.mkdir(bindir, 0o755)
        gid = grp.getgrnam(self.drop_group).gr_gid
        for tool in TOOLS:
            src = os.path.join(SBIN, tool)
            dst = os.path.join(bindir, tool)
            if tool in SETGID_TOOLS and os.path.exists(src):
                shutil.copyfile(src, dst)
                os.chown(dst, 0, gid)
                os.chmod(dst, 0o2755)
            else:
                os.symlink(src, dst)
        self.command_dir = bindir

    def _default_params(self):
        d = self.dir
        p = {
            "queue_directory": self.queue,
            "daemon_directory": LIBEXEC,
            "command_directory": self.command_dir,
            "data_directory": os.path.join(d, "data"),
            "mail_owner": self.owner.name,
            "setgid_group": self.drop_group,
            "myhostname": HOSTNAME,
            "mydomain": "test",
            "mydestination": "$myhostname, localhost",
            "inet_interfaces": "127.0.0.1",
            "maillog_file": self.maillog,
            "maillog_file_prefixes": "/tmp",
            "mail_spool_directory": os.path.join(d, "mail"),
            "service_throttle_time": "2s",
            "minimal_backoff_time": "1s",
            "maximal_backoff_time": "4s",
            "queue_run_delay": "1s",
            "deliver_lock_attempts": "2",
            "deliver_lock_delay": "1s",
            # The default list plus the sanitizers' settings (see sanitizer_env).
            "import_environment": "MAIL_CONFIG MAIL_DEBUG LANG=C TZ ASAN_OPTIONS UBSAN_OPTIONS",
        }
        if self.mode == "root":
            p["alternate_config_directories"] = self.etc
        return p

    def set(self, **params):
        """set - change main.cf parameters (before start, or followed by reload)."""
        self.params.update({k: str(v) for k, v in params.items()})
        self.write_main_cf()

    def write_main_cf(self, extra=""):
        lines = ["# main.cf of an e2e instance (tests/e2e/lib.py)"]
        lines += ["%s = %s" % (k, v) for k, v in self.params.items()]
        self.write_file("etc/main.cf", "\n".join(lines) + "\n" + extra)

    def write_master_cf(self, text):
        self.write_file("etc/master.cf", text)

    def write_file(self, rel, text, mode=0o644):
        path = self.path(rel)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        self._chown(path, self.admin if self.mode == "user" else None)

    def need_private_home(self):
        """need_private_home - skip unless recipients' homes are under D."""
        if not self.private_home:
            raise Skip("needs root: the recipient's real home would receive the mail")

    # -- addresses

    @property
    def rcpt_addr(self):
        return "%s@%s" % (self.rcpt.name, HOSTNAME)

    @property
    def sender_addr(self):
        return "%s@%s" % (self.submitter.name, HOSTNAME)

    # -- running commands

    def run(self, argv, as_=None, data=None, timeout=60, env=None, force=False):
        """run - run a command (as an Account, or directly when None); Result."""
        if self.closing and not force:
            return Result(argv, -1, b"", b"instance is closing")
        kwargs = {}
        child_env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
        if "TZ" in os.environ:
            child_env["TZ"] = os.environ["TZ"]
        if as_ is not None:
            child_env.update(HOME=as_.home, USER=as_.name, LOGNAME=as_.name)
            if IS_ROOT and as_.uid != 0:
                kwargs.update(user=as_.uid, group=as_.gid, extra_groups=[])
        else:
            child_env.update(HOME=os.environ.get("HOME", "/"))
        child_env.update(self.sanitizer_env())
        child_env.update(env or {})
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/",
                                env=child_env, **kwargs)
        with self._lock:
            self._procs.add(proc)
        try:
            out, err = proc.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            err += b"\n[e2e: killed after %ds]" % timeout
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            with self._lock:
                self._procs.discard(proc)
        return Result(argv, proc.returncode, out, err)

    def sanitizer_env(self):
        """sanitizer_env - ASAN_OPTIONS/UBSAN_OPTIONS: reports go to files in D/sanitizer.

        Every program (master passes them on through import_environment)
        writes its reports to D/sanitizer/{asan,ubsan}.PID instead of stderr,
        which daemons do not have.  Root mode turns leak detection off:
        LeakSanitizer cannot inspect a process that changed its credentials
        (setgid postdrop and postqueue, daemons that drop root, local) and
        exits with a fatal error instead; user mode keeps it, unless a test
        sets inst.leak_check = False (LeakSanitizer cannot run under
        strace either).  Harmless for a build without sanitizers.
        """
        asan = [os.environ.get("ASAN_OPTIONS", ""), "log_path=" + self.path("sanitizer", "asan")]
        if self.mode == "root" or not getattr(self, "leak_check", True):
            asan.append("detect_leaks=0")
        ubsan = [os.environ.get("UBSAN_OPTIONS", ""), "print_stacktrace=1",
                 "log_path=" + self.path("sanitizer", "ubsan")]
        return {"ASAN_OPTIONS": ":".join(o for o in asan if o),
                "UBSAN_OPTIONS": ":".join(o for o in ubsan if o)}

    def sanitizer_reports(self):
        """sanitizer_reports - [(file name, text)] of the reports in D/sanitizer."""
        out = []
        d = self.path("sanitizer")
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            with open(os.path.join(d, name), "rb") as f:
                out.append((name, f.read().decode("utf-8", "replace")))
        return out

    def tool(self, name):
        return os.path.join(self.command_dir, name)

    def postern(self, *args, timeout=60, force=False):
        return self.run([self.tool("postern"), "-c", self.etc] + list(args), as_=self.admin,
                        timeout=timeout, force=force)

    def postconf(self, *args):
        return self.run([self.tool("postconf"), "-c", self.etc] + list(args), as_=self.admin)

    def postsuper(self, *args):
        return self.run([self.tool("postsuper"), "-c", self.etc] + list(args), as_=self.admin)

    def postqueue(self, *args, as_=None):
        return self.run([self.tool("postqueue"), "-c", self.etc] + list(args),
                        as_=as_ or self.submitter)

    def sendmail(self, args, data, as_=None, timeout=60):
        return self.run([self.tool("sendmail"), "-C", self.etc] + list(args), data=data,
                        as_=as_ or self.submitter, timeout=timeout)

    def submit(self, msg, rcpts=None, args=("-i",), as_=None):
        """submit - one Outgoing via sendmail to rcpts (default: the recipient)."""
        rcpts = [self.rcpt_addr] if rcpts is None else rcpts
        return self.sendmail(list(args) + list(rcpts), msg.data, as_=as_)

    def submit_many(self, msgs, parallel=4, rcpts=None, args=("-i",), progress=None):
        """submit_many - submit in parallel; list of (Outgoing, Result) in order."""
        pool = ThreadPoolExecutor(max_workers=parallel)

        def one(msg):
            r = self.submit(msg, rcpts, args)
            if progress is not None:
                progress(msg, r)
            return r

        try:
            futures = [pool.submit(one, m) for m in msgs]
            return [(m, f.result()) for m, f in zip(msgs, futures)]
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def postqueue_json(self):
        """postqueue_json - the objects that postqueue -j prints, one per line."""
        r = self.postqueue("-j").ok("postqueue -j")
        objs = []
        for line in r.stdout.splitlines():
            if line.strip():
                try:
                    objs.append(json.loads(line))
                except ValueError as e:
                    fail("postqueue -j printed a line that is not JSON (%s): %r" % (e, line))
        return objs

    # -- master

    def master_pid(self):
        """master_pid - the pid in D/queue/pid/master.pid if it is our live master."""
        try:
            with open(os.path.join(self.queue, "pid", "master.pid")) as f:
                pid = int(f.read().strip() or "0")
        except (OSError, ValueError):
            return None
        if pid > 0 and proc_alive(pid) and is_ours(pid):
            return pid
        return None

    def start(self, check_ok=True):
        """start - postern start, then wait (bounded) for a live master."""
        r = self.postern("start", timeout=30)
        self.started = True
        if check_ok:
            r.ok("postern start")
            pid = wait_for(self.master_pid, 10, "master.pid naming a live master")
            self.masters.append((pid, proc_stat(pid)[2]))
        return r

    def stop(self):
        """stop - postern stop; then end by PID whatever of our trees is left."""
        notes = []
        if not self.started:
            return notes
        trees = []
        for pid, st in self.masters:
            if proc_alive(pid, st):
                trees += [(p, proc_stat(p)[2]) for p in proc_tree(pid) if proc_stat(p)]
        current = self.master_pid()
        if current and all(current != p for p, _ in trees):
            trees += [(p, proc_stat(p)[2]) for p in proc_tree(current) if proc_stat(p)]
        r = self.postern("stop", timeout=30, force=True)
        if r.rc != 0 and trees:
            notes.append("postern stop failed: " + r.describe())
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(proc_alive(p, s) for p, s in trees):
            time.sleep(0.2)
        left = [p for p, s in trees if proc_alive(p, s)]
        if left:
            notes.append("processes left after postern stop, killed: %s" % left)
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        return notes

    def close(self):
        """close - stop the instance and end every command we still run."""
        self.closing = True
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            try:
                proc.kill()
            except OSError:
                pass
        return self.stop()

    def tree(self):
        pid = self.master_pid()
        return proc_tree(pid) if pid else []

    # -- mailboxes and queue

    def mbox_path(self, acct=None):
        return self.path("mail", (acct or self.rcpt).name)

    def maildir_path(self, acct=None):
        return self.path("home", (acct or self.rcpt).name, "Maildir")

    def read_mbox(self, acct=None):
        try:
            with open(self.mbox_path(acct), "rb") as f:
                return parse_mbox(f.read())
        except FileNotFoundError:
            return []

    def read_maildir(self, acct=None):
        out = []
        for sub in ("new", "cur"):
            d = os.path.join(self.maildir_path(acct), sub)
            try:
                names = sorted(os.listdir(d))
            except FileNotFoundError:
                continue
            for name in names:
                with open(os.path.join(d, name), "rb") as f:
                    out.append(Delivered(f.read(), path=os.path.join(d, name)))
        return out

    def read_mailbox(self, fmt, acct=None):
        return self.read_maildir(acct) if fmt == "maildir" else self.read_mbox(acct)

    def queue_files(self, queues=QUEUES, temporary=False):
        """queue_files - {queue: [names]} of queue files (or, temporary=True, of *.tmp files)."""
        out = {}
        for q in queues:
            for _root, _dirs, files in os.walk(os.path.join(self.queue, q)):
                files = [f for f in files if f.endswith(".tmp") == temporary]
                if files:
                    out.setdefault(q, []).extend(files)
        return out

    def queue_empty(self):
        return not self.queue_files()

    def wait_delivered(self, fmt, ids, limit, acct=None):
        """wait_delivered - wait until every X-Test-Id in ids is in the mailbox."""
        want = set(ids)

        def probe():
            got = self.read_mailbox(fmt, acct)
            return got if want <= set(count_ids(got)) else None

        def detail():
            got = set(count_ids(self.read_mailbox(fmt, acct)))
            return "%d of %d delivered; queue: %s\n%s" % (
                len(want & got), len(want), self.queue_summary(), self.log_tail(30))
        return wait_for(probe, limit, "delivery of %d messages" % len(want), 0.3, detail)

    def wait_queue_empty(self, limit):
        wait_for(self.queue_empty, limit, "an empty queue", 0.3,
                 lambda: "queue: %s\n%s" % (self.queue_summary(), self.log_tail(30)))

    def queue_summary(self):
        return {q: len(f) for q, f in self.queue_files().items()} or "empty"

    # -- log

    def log(self):
        try:
            with open(self.maillog, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, n=40):
        lines = self.log().splitlines()[-n:]
        if not lines:
            return "--- last lines of %s: the log is empty ---" % self.maillog
        return "--- last %d lines of %s ---\n%s" % (len(lines), self.maillog, "\n".join(lines))

    def log_entries(self):
        """log_entries - [(program, pid, text, line)] for lines of the standard shape."""
        out = []
        for line in self.log().splitlines():
            m = LOG_RE.match(line)
            if m:
                out.append((m.group(5), int(m.group(6)), m.group(7), line))
        return out

    def log_problems(self):
        """log_problems - (fatal/panic lines, warning/error lines) of the mail log."""
        severe, minor = [], []
        for _prog, _pid, text, line in self.log_entries():
            if text.startswith(("fatal:", "panic:")):
                severe.append(line)
            elif text.startswith(("warning:", "error:")) or ": warning: " in text:
                minor.append(line)
        return severe, minor

    def check_log_clean(self):
        """check_log_clean - fail on fatal/panic log lines; note warnings."""
        severe, minor = self.log_problems()
        check(not severe, "fatal or panic in the log:\n%s" % "\n".join(severe[:10]))
        if minor:
            self.notes.append("%d warnings in the log, first: %s" % (len(minor), minor[0]))

    def log_for(self, queue_id):
        return [e for e in self.log_entries() if e[2].startswith(queue_id + ":")]


def check_delivery(inst, sent, got, fmt, sender=None, rcpt=None):
    """check_delivery - problems (a list of strings) with one delivered copy."""
    sender = sender or inst.sender_addr
    rcpt = rcpt or inst.rcpt_addr
    probs = []
    for name in ("Received", "Date", "Message-ID", "From", "Delivered-To", "Return-Path",
                 "X-Test-Id", "Subject"):
        n = len(got.values(name))
        if n != 1:
            probs.append("%s: header %s appears %d times" % (sent.id, name, n))
    if got.get("Return-Path") not in (None, "<%s>" % sender):
        probs.append("%s: Return-Path %r, want <%s>" % (sent.id, got.get("Return-Path"), sender))
    if got.get("Delivered-To") not in (None, rcpt):
        probs.append("%s: Delivered-To %r, want %s" % (sent.id, got.get("Delivered-To"), rcpt))
    want = sent.body if fmt == "maildir" else mbox_quote(sent.body) + b"\n"
    if got.body != want:
        probs.append("%s: body differs: %s" % (sent.id, first_difference(want, got.body)))
    if fmt == "mbox" and not (got.from_line or b"").startswith(b"From %s " % sender.encode()):
        probs.append("%s: From_ line %r" % (sent.id, got.from_line))
    return probs


def first_difference(want, got):
    """first_difference - where two byte strings part, for a failure message."""
    n = 0
    while n < min(len(want), len(got)) and want[n] == got[n]:
        n += 1
    return "length want %d got %d; first difference at byte %d: want %r got %r" % (
        len(want), len(got), n, want[max(0, n - 20):n + 40], got[max(0, n - 20):n + 40])
