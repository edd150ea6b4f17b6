#!/bin/sh
# layering.sh - the include rules of STYLE.md, checked on every `make test`:
# src/util includes no src/global header, and no daemon includes another
# daemon's header. Prints each violation; exits 1 when there is one.
cd "$(dirname "$0")/../.." || exit 2
status=0
global_headers=$(cd src/global && ls *.h | tr '\n' ' ')
for f in src/util/*.[ch]; do
    for h in $global_headers; do
        if grep -q "^#include \"$h\"" "$f"; then
            echo "layering: $f includes global header $h"; status=1
        fi
    done
done
daemons="pickup cleanup qmgr local bounce showq"
for d in $daemons; do
    for other in $daemons; do
        [ "$d" = "$other" ] && continue
        for h in $(cd src/$other 2>/dev/null && ls *.h 2>/dev/null); do
            if grep -q "^#include \"$h\"" src/$d/*.[ch] 2>/dev/null; then
                echo "layering: src/$d includes $other's header $h"; status=1
            fi
        done
    done
done
[ $status = 0 ] && echo "layering: ok"
exit $status
