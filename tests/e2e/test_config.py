"""test_config - main.cf errors are named precisely; postconf reads and edits.

A bad main.cf line makes postern check (and start) fail with a message that
names the file, the line and the parameter; a parameter postern does not know
is reported by name.  postconf -d prints the built-in defaults whatever
main.cf says, postconf -e edits main.cf in place, postconf -n shows the
edit, and postconf NAME prints one parameter.
"""

import re

import lib

BAD_LINES = [
    # (line appended to main.cf, parameter the message must name or None)
    ("minimal_backoff_time = 5x", "minimal_backoff_time"),
    ("maximal_backoff_time = -1s", "maximal_backoff_time"),
    ("max_use = lots", "max_use"),
    ("default_process_limit = 0", "default_process_limit"),
    ("strict_mailbox_ownership = perhaps", "strict_mailbox_ownership"),
    ("this line has no equals sign", None),
]


def main_cf_lines(inst):
    with open(inst.path("etc", "main.cf")) as f:
        return f.read().splitlines()


@lib.timeout(90)
def test_config_errors(inst):
    main_cf = inst.path("etc", "main.cf")
    good = "\n".join(main_cf_lines(inst)) + "\n"
    problems = []
    for line, param in BAD_LINES:
        inst.write_file("etc/main.cf", good + line + "\n")
        number = len(good.splitlines()) + 1
        r = inst.postern("check")
        where = "%s, line %d" % (main_cf, number)
        if r.rc == 0:
            problems.append("%r: postern check exited 0" % line)
        elif main_cf not in r.text or not re.search(r"\bline %d\b" % number, r.text):
            problems.append("%r: message does not name %s:\n%s" % (line, where, r.text.strip()))
        elif param and param not in r.text:
            problems.append("%r: message does not name %s:\n%s" % (line, param, r.text.strip()))
    # start refuses a broken configuration too, and leaves nothing running.
    inst.write_file("etc/main.cf", good + BAD_LINES[0][0] + "\n")
    r = inst.start(check_ok=False)
    if r.rc == 0 or inst.master_pid():
        problems.append("postern start with a bad main.cf: exit %d, master %s" %
                        (r.rc, inst.master_pid()))
    inst.write_file("etc/main.cf", good + "frobnicate_level = 3\n")
    r = inst.postern("check")
    if "frobnicate_level" not in r.text:
        problems.append("unknown parameter not reported by postern check:\n%s" % r.describe())
    # With the good file back, start works and check is clean.
    inst.write_file("etc/main.cf", good)
    inst.start()
    r = inst.postern("check")
    if r.rc != 0 or r.text.strip().count("\n") > 2:
        problems.append("postern check of a good, running instance: %s" % r.describe())
    lib.check(not problems, "\n".join(problems))


@lib.timeout(60)
def test_postconf(inst):
    r = inst.postconf("-d").ok("postconf -d")
    lines = r.stdout.splitlines()
    lib.check(len(lines) > 50, "postconf -d printed only %d lines" % len(lines))
    for want in ("minimal_backoff_time = 300s", "queue_run_delay = 300s", "mail_name = postern",
                 "maximal_queue_lifetime = 5d", "home_mailbox = "):
        lib.check(any(line.rstrip() == want.rstrip() for line in lines),
                  "postconf -d lacks %r" % want)
    bad = [line for line in lines if not re.match(r"^[a-z0-9_]+ =( .*)?$", line)]
    lib.check(not bad, "postconf -d lines not of the form 'name = value': %s" % bad[:5])

    inst.postconf("-e", "myorigin=example.org").ok("postconf -e")
    inst.postconf("-e", "minimal_backoff_time=3s").ok("postconf -e")
    cf = main_cf_lines(inst)
    lib.check("myorigin = example.org" in cf, "main.cf after postconf -e:\n%s" % "\n".join(cf))
    lib.check(len([c for c in cf if c.startswith("minimal_backoff_time")]) == 1,
              "postconf -e duplicated minimal_backoff_time:\n%s" % "\n".join(cf))
    n = inst.postconf("-n").ok("postconf -n").stdout.splitlines()
    for want in ("myorigin = example.org", "minimal_backoff_time = 3s",
                 "queue_run_delay = 1s", "myhostname = %s" % lib.HOSTNAME):
        lib.check(want in n, "postconf -n lacks %r:\n%s" % (want, "\n".join(n)))
    names = [line.split(" =")[0] for line in n]
    lib.check(names == sorted(names), "postconf -n is not sorted by name")
    # -n shows what main.cf sets, and nothing else.
    written = set(inst.params) | {"myorigin"}
    lib.check(set(names) == written, "postconf -n names differ from main.cf: extra %s, missing %s" %
              (sorted(set(names) - written), sorted(written - set(names))))
    one = inst.postconf("minimal_backoff_time").ok("postconf NAME").stdout.strip()
    lib.check(one == "minimal_backoff_time = 3s", "postconf minimal_backoff_time: %r" % one)
    r = inst.postconf("no_such_parameter_xyz")
    lib.check("no_such_parameter_xyz" in r.text, "postconf of an unknown name says nothing")
