#!/bin/sh
# An edit of a file on a read-only file system is refused with one clear
# line.  The file system is a tmpfs mounted read-only in a private mount
# namespace (unshare -m, as root); where that is not possible the test
# reports SKIP (exit 77) rather than passing.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

mkdir ro
if ! unshare -m sh -c "mount -t tmpfs none ro && printf 'abc\n' >ro/f &&
        mount -o remount,ro ro && ! (: >>ro/f) 2>/dev/null" 2>/dev/null; then
    echo "SKIP: cannot mount a read-only file system here (needs root and unshare -m)"
    exit 77
fi

unshare -m sh -c "mount -t tmpfs none ro && printf 'abc\n' >ro/f && mount -o remount,ro ro &&
    \"$MMSCAN\" replace -F abc xyz ro/f; echo \$? >rc.txt; cat ro/f >after.txt" >out.txt 2>err.txt
[ "$(cat rc.txt)" = 2 ] || fail "read-only file system: exit status $(cat rc.txt), want 2"
expect_stderr_line "read-only file system" "mmscan: replace: 'ro/f': the file system is read-only"
[ "$(cat after.txt)" = abc ] || fail "read-only file system: the file changed"

finish
