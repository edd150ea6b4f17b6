#!/usr/bin/env python3
"""run - postern's end-to-end test runner.

Usage: POSTERN_BUILD=/work/main/build python3 tests/e2e/run.py [-k SUBSTRING]
       [--budget SECONDS] [--keep] [--list]

Finds tests/e2e/test_*.py, and in each file every function test_NAME, in
file order.  A function runs once per mode it asks for (@lib.modes; "user"
when it says nothing), as "test_NAME[MODE]", each time with a fresh
lib.Instance.  Prints one line per test (PASS, FAIL with the reason and the
end of the instance's maillog, SKIP with the reason), then a summary line
"N passed, M failed" (", K skipped" when some were), and exits 1 when any
test failed.  -k runs only the tests whose name contains SUBSTRING.

Time: each test has its own limit (@lib.timeout, default 120 s), enforced
with SIGALRM, and the whole run a budget (--budget, default 600 s, or
POSTERN_E2E_BUDGET); tests that the budget leaves no time for fail as
"not run".  Whatever happens, every instance is stopped (postern stop, then
by PID), the commands it ran are ended, and the accounts made for the run are
removed.  A failed test's directory is kept for inspection (all with --keep).
A test after which D/sanitizer holds ASan/UBSan reports (lib.sanitizer_env)
fails, with the start of each report.
"""

import argparse
import glob
import importlib.util
import os
import shutil
import signal
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lib  # noqa: E402

DEFAULT_TIMEOUT = 120


def discover():
    """discover - [(name, function, mode)] for every test, in file order."""
    cases = []
    for path in sorted(glob.glob(os.path.join(HERE, "test_*.py"))):
        modname = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(modname, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        funcs = [f for n, f in vars(module).items() if n.startswith("test_") and callable(f)
                 and getattr(f, "__module__", None) == modname]
        funcs.sort(key=lambda f: f.__code__.co_firstlineno)
        for f in funcs:
            for mode in getattr(f, "modes", ("user",)):
                cases.append(("%s[%s]" % (f.__name__, mode), f, mode))
    return cases


def on_alarm(signum, frame):
    """on_alarm - the test ran out of time."""
    raise lib.TestTimeout()


def on_term(signum, frame):
    """on_term - turn SIGTERM into an exception so that cleanup runs."""
    raise KeyboardInterrupt()


def indent(text, prefix="    "):
    return "\n".join(prefix + line for line in str(text).splitlines())


def run_one(name, fn, mode, session, remaining, keep):
    """run_one - run one test; (status, message, notes)."""
    limit = max(1, int(min(getattr(fn, "timeout", DEFAULT_TIMEOUT), remaining)))
    holder = []
    status, message = "PASS", ""
    try:
        signal.alarm(limit)
        try:
            holder.append(lib.Instance(mode, name, session))
            fn(holder[0])
        except lib.Skip as e:
            status, message = "SKIP", str(e)
        except lib.TestTimeout:
            status, message = "FAIL", "timed out after %ds" % limit
        except AssertionError as e:
            status, message = "FAIL", str(e)
        except Exception:
            status, message = "FAIL", traceback.format_exc()
        finally:
            signal.alarm(0)
    finally:
        # Also on KeyboardInterrupt (SIGINT, SIGTERM): never leave an instance running.
        notes, reports = finish(holder[0] if holder else None, status, keep)
    if reports:
        status = "FAIL"
        message = (message + "\n" if message else "") + "sanitizer reports in %s:\n%s" % (
            holder[0].path("sanitizer"),
            "\n".join("--- %s ---\n%s" % (n, "\n".join(t.splitlines()[:40])) for n, t in reports))
    if status == "FAIL" and holder and "--- last " not in message:
        message += "\n" + holder[0].log_tail(25)
    return status, message, notes


def finish(inst, status, keep):
    """finish - stop the instance; keep its directory after a failure or a
    sanitizer report; (notes, sanitizer reports)."""
    if inst is None:
        return [], []
    try:
        notes = inst.close() + inst.notes
    except Exception:
        notes = ["stopping the instance failed: " + traceback.format_exc()]
    reports = inst.sanitizer_reports()
    if status == "FAIL" or reports or keep:
        notes.append("instance kept: %s" % inst.dir)
    else:
        shutil.rmtree(inst.dir, ignore_errors=True)
    return notes, reports


def main():
    parser = argparse.ArgumentParser(description="postern end-to-end tests")
    parser.add_argument("-k", dest="pattern", default="", help="run tests whose name contains this")
    parser.add_argument("--budget", type=float,
                        default=float(os.environ.get("POSTERN_E2E_BUDGET", "600")),
                        help="time budget of the whole run, in seconds")
    parser.add_argument("--keep", action="store_true", help="keep every instance directory")
    parser.add_argument("--list", action="store_true", help="list the tests and exit")
    parser.add_argument("--lock-wait", type=float, default=900,
                        help="how long to wait for another run on this host to finish")
    args = parser.parse_args()

    cases = [c for c in discover() if args.pattern in c[0]]
    if args.list:
        for name, _fn, _mode in cases:
            print(name)
        return 0
    if not cases:
        print("no test matches -k %r" % args.pattern)
        return 1
    print("postern e2e: %d tests, binaries from %s, budget %ds" %
          (len(cases), lib.BUILD, args.budget), flush=True)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    lock = lib.run_lock(args.lock_wait)  # noqa: F841 (held until exit)
    deadline = time.monotonic() + args.budget
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    session = lib.Session()
    try:
        run_all(cases, args, session, deadline, counts)
    except KeyboardInterrupt:
        counts["FAIL"] += 1
        print("interrupted: the remaining tests were not run", flush=True)
    finally:
        for problem in session.close():
            print("note: " + problem, flush=True)
    summary = "%d passed, %d failed" % (counts["PASS"], counts["FAIL"])
    if counts["SKIP"]:
        summary += ", %d skipped" % counts["SKIP"]
    print(summary, flush=True)
    return 1 if counts["FAIL"] else 0


def run_all(cases, args, session, deadline, counts):
    """run_all - run the cases in order and print one line per test."""
    for name, fn, mode in cases:
        remaining = deadline - time.monotonic()
        began = time.monotonic()
        if mode == "root" and not lib.IS_ROOT:
            status, message, notes = "SKIP", "needs root", []
        elif remaining < 5:
            status, message, notes = "FAIL", "not run: time budget exhausted", []
        else:
            status, message, notes = run_one(name, fn, mode, session, remaining, args.keep)
        counts[status] += 1
        line = "%s %s (%.1fs)" % (status, name, time.monotonic() - began)
        if status != "PASS" and message:
            first, _, rest = message.partition("\n")
            line += ": " + first
            if rest:
                line += "\n" + indent(rest)
        for note in notes:
            line += "\n" + indent("note: " + note)
        print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
