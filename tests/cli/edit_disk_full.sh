#!/bin/sh
# An edit that runs out of space (pages of a sparse file need blocks) is
# rolled back at once: only the pages it changed are written back, so the
# rollback needs no space, and no journal is left.  The file system is a
# small tmpfs in a private mount namespace (unshare -m, as root); where
# that is not possible the test reports SKIP (exit 77) rather than passing.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

mkdir small
if ! unshare -m sh -c "mount -t tmpfs -o size=8m none small" 2>/dev/null; then
    echo "SKIP: cannot mount a small file system here (needs root and unshare -m)"
    exit 77
fi

# A 4 MiB sparse file, the rest of the 8 MiB taken but 512 KiB; filling
# 2 MiB of the file with 'A' needs 2 MiB of new pages.
unshare -m sh -c "mount -t tmpfs -o size=8m none small && cd small &&
    truncate -s 4M sparse && { dd if=/dev/zero of=filler bs=64K 2>/dev/null; true; } &&
    truncate -s -512K filler &&
    \"$MMSCAN\" fill sparse 0 2M A; echo \$? >../rc.txt; cksum <sparse >../after.txt;
    ls -a >../names.txt" >out.txt 2>err.txt
[ "$(cat rc.txt)" = 2 ] || fail "disk full: exit status $(cat rc.txt), want 2"
expect_stderr_line "disk full" "mmscan: fill: 'sparse': cannot write the page"
[ "$(cat after.txt)" = "$(head -c 4M /dev/zero | cksum)" ] || fail "disk full: the file changed"
! grep -q mmscan-undo names.txt || fail "disk full: a journal was left: $(cat names.txt)"

finish
