"""test_install - "make install" and the layout it leaves.

A package-style install (make install PREFIX=P DESTDIR=D, built in a BUILD
directory of its own so that build/ is not disturbed) puts every command in
D/P/sbin, the daemons in D/P/libexec/postern, main.cf and master.cf in
D/P/etc/postern, with postdrop and postqueue mode 2755, and the programs'
compiled-in defaults are the PREFIX-based paths.  A real install as root
(no DESTDIR) into a PREFIX under /tmp, into the same BUILD directory but
with other MAIL_OWNER and SETGID_GROUP, rebuilds with the new defaults,
creates that account and group, gives the queue tree Postfix's owners and
modes, and leaves a system that "postern check" accepts and that starts.
The accounts made here are removed at the end.
"""

import grp
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time

import lib

OWNER = "pnt_inst_owner"
GROUP = "pnt_inst_group"
COMMANDS = ("postern", "sendmail", "mailq", "newaliases", "postqueue", "postsuper",
            "postdrop", "postconf", "postcat")
OPTIONAL_COMMANDS = ("postmap", "postalias")
QUEUE_DIRS = ("incoming", "active", "deferred", "hold", "corrupt", "bounce", "defer",
              "trace", "private")


def make_install(build, prefix, destdir="", owner=None, group=None):
    """make_install - make -s install from the repository; fail on error."""
    argv = ["make", "-s", "-j%d" % min(8, os.cpu_count() or 1), "BUILD=" + build,
            "PREFIX=" + prefix, "DESTDIR=" + destdir, "install"]
    if owner:
        argv += ["MAIL_OWNER=" + owner, "SETGID_GROUP=" + group]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    r = subprocess.run(argv, cwd=lib.REPO, capture_output=True, text=True, timeout=150, env=env,
                       stdin=subprocess.DEVNULL)
    lib.check(r.returncode == 0, "%s failed (exit %d):\n%s%s" % (
        " ".join(argv), r.returncode, r.stdout[-2000:], r.stderr[-3000:]))
    return r


def run(argv, timeout=30):
    """run - a command's (exit status, stdout + stderr)."""
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd="/",
                       stdin=subprocess.DEVNULL, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"})
    return r.returncode, r.stdout + r.stderr


def mode_of(path):
    st = os.lstat(path)
    return stat.S_IMODE(st.st_mode), st


def check_mode(problems, path, want_mode, owner=None, group=None):
    """check_mode - note a difference of mode, owner or group."""
    try:
        mode, st = mode_of(path)
    except OSError as e:
        problems.append("%s: %s" % (path, e))
        return
    if mode != want_mode:
        problems.append("%s: mode %04o, want %04o" % (path, mode, want_mode))
    if owner is not None and pwd.getpwuid(st.st_uid).pw_name != owner:
        problems.append("%s: owner %s, want %s" % (path, pwd.getpwuid(st.st_uid).pw_name, owner))
    if group is not None:
        try:
            name = grp.getgrgid(st.st_gid).gr_name
        except KeyError:
            name = str(st.st_gid)
        if name != group:
            problems.append("%s: group %s, want %s" % (path, name, group))


def postconf_defaults(postconf, etc, names):
    """postconf_defaults - the built-in defaults of names, as printed by postconf -d -h."""
    rc, out = run([postconf, "-c", etc, "-d", "-h"] + list(names))
    lib.check(rc == 0, "%s -c %s -d -h failed: %s" % (postconf, etc, out))
    return out.splitlines()


def check_layout(root, prefix, build, problems):
    """check_layout - the commands, daemons and configuration files under root+prefix."""
    sbin = root + prefix + "/sbin"
    libexec = root + prefix + "/libexec/postern"
    etc = root + prefix + "/etc/postern"
    built = set(os.listdir(os.path.join(build, "sbin")))
    want = list(COMMANDS) + [c for c in OPTIONAL_COMMANDS if c in built]
    for name in want:
        path = os.path.join(sbin, name)
        if not os.path.exists(path) or not os.access(path, os.X_OK):
            problems.append("missing command %s" % path)
    for link in ("mailq", "newaliases"):
        path = os.path.join(sbin, link)
        if os.path.islink(path) and os.readlink(path) not in ("sendmail", os.path.join(sbin, "sendmail")):
            problems.append("%s links to %s, want sendmail" % (path, os.readlink(path)))
    for name in sorted(os.listdir(os.path.join(build, "libexec"))):
        if not os.access(os.path.join(libexec, name), os.X_OK):
            problems.append("missing daemon %s/%s" % (libexec, name))
    for name in lib.DAEMONS:
        if not os.access(os.path.join(libexec, name), os.X_OK):
            problems.append("missing daemon %s/%s" % (libexec, name))
    for cf in ("main.cf", "master.cf"):
        if not os.path.isfile(os.path.join(etc, cf)):
            problems.append("missing %s/%s" % (etc, cf))
    stray = [n for n in os.listdir(sbin) if n not in want]
    if stray:
        problems.append("unexpected files in %s: %s" % (sbin, stray))
    return sbin, libexec, etc


def remove_accounts(notes):
    """remove_accounts - delete OWNER (and its own group) and GROUP when present."""
    for argv, name, lookup in ((["userdel", OWNER], OWNER, pwd.getpwnam),
                               (["groupdel", OWNER], OWNER, grp.getgrnam),
                               (["groupdel", GROUP], GROUP, grp.getgrnam)):
        try:
            lookup(name)
        except KeyError:
            continue
        rc, out = run(argv)
        if rc != 0:
            notes.append("%s: %s" % (" ".join(argv), out.strip()))


def stop_master(sbin, etc, queue):
    """stop_master - postern stop, then SIGKILL by PID what is left of the master's tree."""
    tree = []
    try:
        with open(os.path.join(queue, "pid", "master.pid")) as f:
            pid = int(f.read().strip() or "0")
        if pid > 0 and lib.proc_alive(pid) and lib.proc_exe(pid).startswith(os.path.dirname(sbin)):
            tree = [(p, lib.proc_stat(p)[2]) for p in lib.proc_tree(pid) if lib.proc_stat(p)]
    except (OSError, ValueError):
        pass
    if not tree:
        return
    run([os.path.join(sbin, "postern"), "-c", etc, "stop"], timeout=40)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(lib.proc_alive(p, s) for p, s in tree):
        time.sleep(0.2)
    for p, s in tree:
        if lib.proc_alive(p, s):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass


@lib.timeout(150)
def test_install_layout(inst):
    tmp = tempfile.mkdtemp(prefix="pnt-install-", dir="/tmp")
    os.chmod(tmp, 0o755)
    build, prefix, destdir = tmp + "/build", tmp + "/p", tmp + "/d"
    real_sbin = real_etc = real_queue = None
    cleanup_notes = []
    try:
        # 1. Package-style install with DESTDIR.
        make_install(build, prefix, destdir)
        problems = []
        sbin, libexec, etc = check_layout(destdir, prefix, build, problems)
        for name in lib.SETGID_TOOLS:
            check_mode(problems, os.path.join(sbin, name), 0o2755)
        lib.check(not problems, "make install DESTDIR=%s:\n%s" % (destdir, "\n".join(problems)))
        got = postconf_defaults(os.path.join(sbin, "postconf"), etc,
                                ("config_directory", "queue_directory", "daemon_directory",
                                 "command_directory", "data_directory"))
        want = [prefix + "/etc/postern", prefix + "/var/spool/postern", prefix + "/libexec/postern",
                prefix + "/sbin", prefix + "/var/lib/postern"]
        lib.check(got == want, "compiled-in defaults %s, want %s" % (got, want))
        # The installed main.cf names the installed paths (not DESTDIR's).
        rc, out = run([os.path.join(sbin, "postconf"), "-c", etc, "-h", "queue_directory",
                       "daemon_directory", "command_directory"])
        lib.check(rc == 0 and out.splitlines() == [want[1], want[2], want[3]],
                  "the installed main.cf says %r, want %s" % (out, want[1:4]))

        if not lib.IS_ROOT:
            raise lib.Skip("the DESTDIR install is fine; a real install needs root")

        # 2. Real install as root into PREFIX: same BUILD, other owner/group.
        remove_accounts(cleanup_notes)  # left by an interrupted earlier run
        make_install(build, prefix, owner=OWNER, group=GROUP)
        try:
            pwd.getpwnam(OWNER)
            grp.getgrnam(GROUP)
        except KeyError as e:
            lib.fail("make install did not create the account or group: %s" % e)
        problems = []
        real_sbin, libexec, real_etc = check_layout("", prefix, build, problems)
        real_queue = prefix + "/var/spool/postern"
        for name in lib.SETGID_TOOLS:
            check_mode(problems, os.path.join(real_sbin, name), 0o2755, "root", GROUP)
        check_mode(problems, real_queue, 0o755, "root")
        check_mode(problems, real_queue + "/maildrop", 0o1730, OWNER, GROUP)
        check_mode(problems, real_queue + "/public", 0o710, OWNER, GROUP)
        check_mode(problems, real_queue + "/pid", 0o755, "root")
        for d in QUEUE_DIRS:
            check_mode(problems, os.path.join(real_queue, d), 0o700, OWNER)
        check_mode(problems, prefix + "/var/lib/postern", 0o700, OWNER)
        lib.check(not problems, "make install (root, PREFIX=%s):\n%s" % (prefix, "\n".join(problems)))
        got = postconf_defaults(os.path.join(real_sbin, "postconf"), real_etc,
                                ("mail_owner", "setgid_group"))
        lib.check(got == [OWNER, GROUP],
                  "after make install MAIL_OWNER=%s SETGID_GROUP=%s in the same BUILD, the "
                  "compiled-in defaults are %s (postern_paths.h not rewritten?)" % (OWNER, GROUP, got))
        postern = os.path.join(real_sbin, "postern")
        rc, out = run([postern, "-c", real_etc, "check"])
        lib.check(rc == 0, "postern check of the installed system: exit %d\n%s" % (rc, out))
        lib.check("warning" not in out, "postern check of the installed system warns:\n%s" % out)

        # It runs: start (daemons as OWNER), status, stop.
        log = prefix + "/var/log/postern.log"
        os.makedirs(os.path.dirname(log))
        rc, out = run([os.path.join(real_sbin, "postconf"), "-c", real_etc, "-e",
                       "maillog_file=" + log, "maillog_file_prefixes=" + prefix,
                       "inet_interfaces=127.0.0.1"])
        lib.check(rc == 0, "postconf -e: %s" % out)
        rc, out = run([postern, "-c", real_etc, "start"], timeout=40)
        lib.check(rc == 0, "postern start of the installed system: exit %d\n%s" % (rc, out))
        rc, out = run([postern, "-c", real_etc, "status"])
        lib.check(rc == 0, "postern status of the installed system: exit %d\n%s" % (rc, out))
        rc, out = run([postern, "-c", real_etc, "stop"], timeout=40)
        lib.check(rc == 0, "postern stop of the installed system: exit %d\n%s" % (rc, out))
    finally:
        if real_sbin:
            stop_master(real_sbin, real_etc, real_queue)
        if lib.IS_ROOT:
            remove_accounts(cleanup_notes)
        inst.notes.extend(cleanup_notes)
        shutil.rmtree(tmp, ignore_errors=True)
