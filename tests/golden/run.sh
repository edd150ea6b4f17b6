#!/bin/sh
# run.sh - golden tests for queue files: each tests/golden/NAME.in is a
# readable queue-file description; mkqueue.py turns it into a queue file
# NAME, postcat prints it (options from a "#! ..." line), and stdout plus
# stderr must equal NAME.ref byte for byte. TZ is UTC so that times print
# the same everywhere.
#
# Usage: tests/golden/run.sh [-r]     (-r: rewrite the .ref files)
# Environment: POSTERN_BUILD (default: build) holds sbin/postcat.
# Exit status: 0 when every case matches, 1 otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${POSTERN_BUILD:-$here/../../build}
postcat=$(cd "$build" && pwd)/sbin/postcat
regen=0
[ "${1:-}" = "-r" ] && regen=1
tmp=$(mktemp -d /tmp/golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for in in "$here"/*.in; do
    name=$(basename "$in" .in)
    case "$name" in _*) continue ;; esac   # _NAME.in: included pieces only
    args=$(sed -n 's/^#! //p' "$in" | head -1)
    python3 "$here/mkqueue.py" "$in" > "$tmp/$name" || { fail=$((fail + 1)); continue; }
    # shellcheck disable=SC2086
    (cd "$tmp" && TZ=UTC "$postcat" $args "$name" > "$name.out" 2>&1; echo "exit status $?" >> "$name.out")
    if [ $regen = 1 ]; then
        cp "$tmp/$name.out" "$here/$name.ref"
    fi
    if cmp -s "$here/$name.ref" "$tmp/$name.out"; then
        pass=$((pass + 1))
    else
        echo "FAIL: $name"
        diff -u "$here/$name.ref" "$tmp/$name.out" | head -40
        fail=$((fail + 1))
    fi
done
# check_output NAME COMMAND... - run a command, compare with NAME.ref
check_output() {
    name=$1
    shift
    (cd "$tmp" && TZ=UTC "$@" > "$tmp/$name.out" 2>&1; echo "exit status $?" >> "$tmp/$name.out")
    [ $regen = 1 ] && cp "$tmp/$name.out" "$here/$name.ref"
    if cmp -s "$here/$name.ref" "$tmp/$name.out"; then
        pass=$((pass + 1))
    else
        echo "FAIL: $name"
        diff -u "$here/$name.ref" "$tmp/$name.out" | head -40
        fail=$((fail + 1))
    fi
}

# postqueue: a private instance whose queue is laid out by showq.spec.
postqueue=$(dirname "$postcat")/postqueue
mkdir -p "$tmp/etc" "$tmp/q"
for q in maildrop incoming active deferred hold defer bounce trace; do mkdir -p "$tmp/q/$q"; done
# mail_owner is the runner: with no showq daemon, postqueue reads the
# queue directly (after a warning), as it does for root and mail_owner.
printf 'queue_directory = %s/q\nmail_owner = %s\n' "$tmp" "$(id -un)" > "$tmp/etc/main.cf"
check_output showq_empty "$postqueue" -c "$tmp/etc" -p
grep -v '^#' "$here/showq.spec" | while read -r queue id desc log; do
    python3 "$here/mkqueue.py" "$here/$desc" > "$tmp/q/$queue/$id"
    [ -n "$log" ] && cp "$here/$log" "$tmp/q/defer/$id"
done
check_output showq_p "$postqueue" -c "$tmp/etc" -p
check_output showq_j "$postqueue" -c "$tmp/etc" -j
check_output showq_bad_option "$postqueue" -c "$tmp/etc" -p -j

echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
