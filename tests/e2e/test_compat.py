"""test_compat - the command-line contract and Postfix configuration files.

Every command honours -c DIR and the MAIL_CONFIG environment variable
(sendmail also -C), and -c wins over MAIL_CONFIG.  Debian's stock Postfix
master.cf and main.cf, adapted only in the paths a private instance needs,
load: postern check names the services whose program postern lacks as
warnings and exits 0, postern start runs the rest and a message submitted
with sendmail is delivered; unknown main.cf parameters are reported with
file and line and stop nothing.  A malformed main.cf or master.cf line
makes postern check and start fail with a message naming the file, the line
and the parameter or field, and nothing is started.

The stock files come from Debian's postfix package ("apt-get download
postfix", bounded); when that is not possible, from tests/e2e/data/ (the
standard service lines of master.cf and the settings of main.cf).
"""

import os
import re
import shutil
import subprocess
import tempfile

import lib

DATA = os.path.join(lib.HERE, "data")
BOGUS_DIR = "/nonexistent/pnt-no-such-config"
SMTP_PORT = "127.0.0.1:2599"


def env_run(inst, argv, config, as_=None, data=None):
    """env_run - run a command with MAIL_CONFIG=config and no -c."""
    return inst.run(argv, as_=as_ if as_ is not None else inst.admin, data=data,
                    env={"MAIL_CONFIG": config})


def maildrop_ids(inst):
    """maildrop_ids - the queue files in the instance's maildrop."""
    return sorted(inst.queue_files(("maildrop",)).get("maildrop", []))


# ---------------------------------------------------------------- MAIL_CONFIG and -c

@lib.modes("user", "root")
@lib.timeout(60)
def test_every_command_takes_c_and_mail_config(inst):
    tool = inst.tool
    # postconf: MAIL_CONFIG alone, and -c over a wrong MAIL_CONFIG.
    r = env_run(inst, [tool("postconf"), "-h", "queue_directory"], inst.etc).ok("postconf (MAIL_CONFIG)")
    lib.check(r.stdout.strip() == inst.queue,
              "postconf -h queue_directory with MAIL_CONFIG printed %r, want %r" % (r.stdout.strip(), inst.queue))
    r = env_run(inst, [tool("postconf"), "-c", inst.etc, "-h", "queue_directory"], BOGUS_DIR)
    r.ok("postconf -c (wrong MAIL_CONFIG)")
    lib.check(r.stdout.strip() == inst.queue, "postconf -c did not win over MAIL_CONFIG: %r" % r.stdout)

    # sendmail: MAIL_CONFIG, -C and -c (the last two over a wrong MAIL_CONFIG).
    # A start and stop make the queue tree; with master stopped the
    # messages stay in this instance's maildrop.
    inst.start()
    inst.postern("stop").ok("postern stop")
    msgs = [lib.make_message("cfg-%d" % i) for i in range(3)]
    how = [[], ["-C", inst.etc], ["-c", inst.etc]]
    for msg, opts, config in zip(msgs, how, (inst.etc, BOGUS_DIR, BOGUS_DIR)):
        r = env_run(inst, [tool("sendmail")] + opts + ["-i", inst.rcpt_addr], config,
                    as_=inst.submitter, data=msg.data)
        r.ok("sendmail %s (MAIL_CONFIG=%s)" % (" ".join(opts), config))
    ids = maildrop_ids(inst)
    lib.check(len(ids) == 3, "want 3 files in %s/maildrop, found %s" % (inst.queue, ids))

    # postqueue -p and mailq list them (master is down: root or mail_owner
    # read the queue directly, see postqueue.c); postcat -q finds one by ID.
    for argv in ([tool("postqueue"), "-p"], [tool("mailq")]):
        for config, extra in ((inst.etc, []), (BOGUS_DIR, ["-c", inst.etc])):
            if argv[0].endswith("mailq") and extra:
                extra = ["-C", inst.etc]
            r = env_run(inst, argv + extra, config)
            r.ok("%s (MAIL_CONFIG=%s)" % (" ".join(argv + extra), config))
            missing = [i for i in ids if i not in r.stdout]
            lib.check(not missing, "%s with MAIL_CONFIG=%s does not list %s:\n%s" %
                      (" ".join(argv + extra), config, missing, r.stdout))
    for config, extra in ((inst.etc, []), (BOGUS_DIR, ["-c", inst.etc])):
        r = env_run(inst, [tool("postcat")] + extra + ["-q", ids[0]], config)
        r.ok("postcat -q (MAIL_CONFIG=%s)" % config)
        lib.check("X-Test-Id: cfg-" in r.stdout, "postcat -q %s printed no message:\n%s" % (ids[0], r.stdout[:500]))

    # postsuper -d: one ID through MAIL_CONFIG, one through -c.
    env_run(inst, [tool("postsuper"), "-d", ids[0], "maildrop"], inst.etc).ok("postsuper -d (MAIL_CONFIG)")
    env_run(inst, [tool("postsuper"), "-c", inst.etc, "-d", ids[1], "maildrop"], BOGUS_DIR).ok("postsuper -c -d")
    left = maildrop_ids(inst)
    lib.check(left == ids[2:], "after two postsuper -d, maildrop holds %s, want %s" % (left, ids[2:]))

    # postern: start and status through MAIL_CONFIG; master hands the
    # directory on to its children, which deliver the message left.
    env_run(inst, [tool("postern"), "start"], inst.etc).ok("postern start (MAIL_CONFIG)")
    inst.started = True
    pid = lib.wait_for(inst.master_pid, 10, "master.pid naming a live master")
    inst.masters.append((pid, lib.proc_stat(pid)[2]))
    r = env_run(inst, [tool("postern"), "status"], inst.etc)
    lib.check(r.rc == 0 and str(pid) in r.text, "postern status (MAIL_CONFIG): %s" % r.describe())
    r = env_run(inst, [tool("postern"), "-c", inst.etc, "status"], BOGUS_DIR)
    lib.check(r.rc == 0 and str(pid) in r.text, "postern -c status (wrong MAIL_CONFIG): %s" % r.describe())
    got = inst.wait_delivered("mbox", [msgs[2].id], 30)
    lib.check(sorted(lib.count_ids(got)) == [msgs[2].id],
              "delivered %s, want only %s" % (lib.count_ids(got), msgs[2].id))
    inst.check_log_clean()


# ---------------------------------------------------------------- Debian's stock files

def debian_files():
    """debian_files - (master.cf text, main.cf text, origin) of Debian's postfix package."""
    tmp = tempfile.mkdtemp(prefix="pnt-debpkg-", dir="/tmp")
    try:
        r = subprocess.run(["apt-get", "download", "postfix"], cwd=tmp, capture_output=True,
                           timeout=25, stdin=subprocess.DEVNULL)
        debs = [f for f in os.listdir(tmp) if f.endswith(".deb")]
        if r.returncode == 0 and debs:
            subprocess.run(["dpkg-deb", "-x", os.path.join(tmp, debs[0]), os.path.join(tmp, "x")],
                           capture_output=True, timeout=25, check=True)
            share = os.path.join(tmp, "x", "usr", "share", "postfix")
            with open(os.path.join(share, "master.cf.dist")) as f:
                master = f.read()
            main = ""
            for name in ("main.cf.dist", "main.cf.debian"):
                if os.path.exists(os.path.join(share, name)):
                    with open(os.path.join(share, name)) as f:
                        main += f.read()
            if main:
                return master, main, debs[0]
    except (OSError, subprocess.SubprocessError):
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    with open(os.path.join(DATA, "master.cf.debian")) as f:
        master = f.read()
    with open(os.path.join(DATA, "main.cf.debian")) as f:
        main = f.read()
    return master, main, "tests/e2e/data"


def adapt_master_cf(text):
    """adapt_master_cf - the stock master.cf with its smtp inet service on SMTP_PORT."""
    out, n = re.subn(r"(?m)^smtp(\s+inet\s)", SMTP_PORT + r"\1", text)
    lib.check(n == 1, "the stock master.cf has %d 'smtp inet' lines, want 1" % n)
    return out


def line_of(path, pattern):
    """line_of - the number of the first line of path that matches pattern."""
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if re.match(pattern, line):
                return n
    lib.fail("%s has no line matching %r" % (path, pattern))


@lib.modes("user", "root")
@lib.timeout(60)
def test_debian_master_cf(inst):
    master_cf, main_cf, origin = debian_files()
    # The stock main.cf, then the paths of this private instance (the last
    # setting of a name wins, as in Postfix), then one parameter nobody knows.
    paths = ("queue_directory", "daemon_directory", "command_directory", "data_directory",
             "mail_owner", "setgid_group", "maillog_file", "maillog_file_prefixes",
             "mail_spool_directory", "inet_interfaces")
    local = ["%s = %s" % (k, inst.params[k]) for k in paths]
    for name in ("sendmail_path", "mailq_path", "newaliases_path"):
        local.append("%s = %s" % (name, inst.tool(name.split("_")[0])))
    text = main_cf.rstrip("\n") + "\n\n# private instance (tests/e2e/test_compat.py)\n"
    text += "\n".join(local) + "\npnt_unknown_parameter = 42\n"
    inst.write_file("etc/main.cf", text)
    inst.write_master_cf(adapt_master_cf(master_cf))
    main_path = inst.path("etc", "main.cf")
    master_path = inst.path("etc", "master.cf")
    unknown_line = line_of(main_path, r"pnt_unknown_parameter\b")

    # postern check wants the queue tree, which master makes: start first.
    inst.start()
    r = inst.postern("check")
    lib.check(r.rc == 0, "postern check of Debian's master.cf (%s): %s" % (origin, r.describe()))
    problems = []
    for service, program in (("127.0.0.1:2599", "smtpd"), ("tlsmgr", "tlsmgr"),
                             ("rewrite", "trivial-rewrite"), ("verify", "verify"),
                             ("flush", "flush"), ("maildrop", "pipe")):
        n = line_of(master_path, r"%s\s" % re.escape(service))
        hits = [l for l in r.text.splitlines() if "warning" in l and program in l
                and re.search(r"\bline %d\b" % n, l)]
        if not hits:
            problems.append("no warning for %s (%s, %s line %d)" % (service, program, master_path, n))
    where = "%s, line %d" % (main_path, unknown_line)
    if not any("pnt_unknown_parameter" in l and where in l for l in r.text.splitlines()):
        problems.append("unknown parameter not reported as %r" % where)
    lib.check(not problems, "postern check (%s):\n%s\n%s" % (origin, "\n".join(problems), r.text))

    msg = lib.make_message("debian-1")
    inst.submit(msg, rcpts=[inst.rcpt.name]).ok("sendmail")
    inst.wait_delivered("mbox", [msg.id], 30)
    lib.check(inst.master_pid(), "master gone after the delivery")
    log = inst.log()
    lib.check("smtpd" in log and "skipped" in log,
              "the mail log does not say that smtpd was skipped:\n%s" % inst.log_tail(30))
    lib.check("pnt_unknown_parameter" in log, "the mail log does not name the unknown parameter")
    severe, _minor = inst.log_problems()
    lib.check(not severe, "fatal or panic in the log:\n%s" % "\n".join(severe[:10]))


# ---------------------------------------------------------------- malformed files

GOOD_MASTER_SERVICE = "pickup    unix  n       -       n       60      1       pickup"

BAD_MAIN = [
    # (main.cf line, text the message must hold besides file and line)
    ("foo bar", "foo bar"),
    ("maximal_queue_lifetime = 3 fortnights", "maximal_queue_lifetime"),
    ("ipc_timeout = 10q", "ipc_timeout"),
]

BAD_MASTER = [
    # (master.cf line, text the message must hold besides file and line)
    ("smtpx     inetz n       -       n       -       -       smtpd", "inetz"),
    ("pickup2   unix  n       -       n       60      lots    pickup", "lots"),
    ("cleanup2  unix  maybe   -       n       -       0       cleanup", "maybe"),
    ("short     unix  n       -", "short"),
]


def nothing_started(inst, what):
    """nothing_started - fail when a master of this instance runs."""
    lib.check(inst.master_pid() is None, "%s: a master runs (pid %s)" % (what, inst.master_pid()))
    r = inst.postern("status")
    lib.check(r.rc == 1, "%s: postern status says %s" % (what, r.describe()))


@lib.timeout(60)
def test_malformed_config(inst):
    main_path = inst.path("etc", "main.cf")
    master_path = inst.path("etc", "master.cf")
    with open(main_path) as f:
        good_main = f.read()
    with open(master_path) as f:
        good_master = f.read()
    # A start and stop make the queue tree, which postern check wants.
    inst.start()
    inst.postern("stop").ok("postern stop")
    lib.wait_for(lambda: inst.master_pid() is None, 15, "the master to stop")
    problems = []

    def expect_failure(path, number, text, what):
        for cmd in ("check", "start"):
            r = inst.postern(cmd, timeout=30)
            if cmd == "start":
                inst.started = True  # let close() stop whatever a bad start left
            where = "%s, line %d" % (path, number)
            if r.rc == 0:
                problems.append("%s: postern %s exited 0" % (what, cmd))
            elif where not in r.text and not ("%s:%d" % (path, number)) in r.text:
                problems.append("%s: postern %s does not name %s:\n%s" % (what, cmd, where, r.text.strip()))
            elif text not in r.text:
                problems.append("%s: postern %s does not name %r:\n%s" % (what, cmd, text, r.text.strip()))
            if inst.master_pid():
                problems.append("%s: postern %s left a master running" % (what, cmd))
                inst.postern("stop", timeout=30)
                lib.wait_for(lambda: inst.master_pid() is None, 15, "the master to stop")

    for line, text in BAD_MAIN:
        # In the middle of the file, so the line number is not simply the last.
        lines = good_main.splitlines()
        lines.insert(3, line)
        inst.write_file("etc/main.cf", "\n".join(lines) + "\n")
        expect_failure(main_path, 4, text, "main.cf %r" % line)
    inst.write_file("etc/main.cf", good_main)
    for line, text in BAD_MASTER:
        lines = good_master.splitlines()
        lines.insert(2, line)
        inst.write_master_cf("\n".join(lines) + "\n")
        expect_failure(master_path, 3, text, "master.cf %r" % line)
    lib.check(not problems, "\n".join(problems))
    nothing_started(inst, "after the bad configurations")
    # The good files work again.
    inst.write_master_cf(good_master)
    inst.postern("check").ok("postern check with the good files back")
    inst.start()
