#!/bin/sh
# Crash safety of in-place edits: the editor is killed with SIGKILL at
# every durable step of an edit in turn (MMSCAN_TEST_KILL_AT, see
# src/cli/edit_common.c), and a few times at arbitrary moments with kill -9;
# after `mmscan recover` the file must be exactly the original, or exactly
# the edited file when the kill came after the commit record.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

hash_of() {
    xxhsum -H1 <"$1" | cut -d' ' -f1
}

# 4 MiB of lines, "foo" on every third one; the edited file made by awk.
make_lines() {
    awk -v w="$2" 'BEGIN { for (i = 0; i < 160000; i++)
        printf "%06d %s %s\n", i, (i % 3 == 0 ? w : "bar"), substr("0123456789abcdef", 1, i % 17) }' >"$1"
}
make_lines orig.txt foo
make_lines edited.txt FOO
ORIG=$(hash_of orig.txt)
EDITED=$(hash_of edited.txt)

# The steps after which the edit is final (see mms_edit_step).
final_step() {
    case $1 in commit-written | commit-synced | journal-done) return 0 ;; esac
    return 1
}

# Kill at step 1, 2, 3, ... until a run finishes.  128K maps: 23 maps of
# pages, so the steps spread over journal, pages, syncs and commit.
n=1
points=0
while :; do
    cp orig.txt data.txt
    MMSCAN_TEST_KILL_AT=$n "$MMSCAN" replace --window 128K -F foo FOO data.txt >out.txt 2>err.txt
    rc=$?
    [ "$rc" = 137 ] || break
    step=$(sed -n 's/^kill at step [0-9]*: //p' err.txt)
    [ -n "$step" ] || fail "kill at $n: no step named on stderr: $(cat err.txt)"
    "$MMSCAN" recover data.txt >rec.txt 2>&1 || fail "kill at $n ($step): recover failed: $(cat rec.txt)"
    got=$(hash_of data.txt)
    if final_step "$step"; then
        [ "$got" = "$EDITED" ] || fail "kill at $n ($step): not the edited file after recover"
    else
        [ "$got" = "$ORIG" ] || fail "kill at $n ($step): not the original file after recover"
    fi
    [ ! -e .data.txt.mmscan-undo ] || fail "kill at $n ($step): journal left after recover"
    echo "$step" >>steps.txt
    points=$((points + 1))
    n=$((n + 1))
done
[ "$rc" = 0 ] || fail "the run without a kill exited $rc: $(cat err.txt)"
[ "$(hash_of data.txt)" = "$EDITED" ] || fail "the run without a kill did not edit the file"
[ "$points" -ge 50 ] || fail "only $points kill points"
for s in journal-record journal-synced pages-changed pages-synced file-synced commit-written \
    commit-synced journal-done; do
    grep -qx "$s" steps.txt || fail "no kill at a '$s' step"
done

# Killed once final, before its journal was removed: undo with that journal
# restores the original (the undo must not finish the edit first), exit 0.
n=$(grep -nx commit-synced steps.txt | head -n 1 | cut -d: -f1)
for keep in "" "--keep-undo kept.undo"; do
    cp orig.txt data.txt
    # shellcheck disable=SC2086 # the option's words
    MMSCAN_TEST_KILL_AT=$n "$MMSCAN" replace $keep --window 128K -F foo FOO data.txt >/dev/null 2>&1
    expect_status "undo of a final edit's leftover journal $keep" 0 "$MMSCAN" undo .data.txt.mmscan-undo
    [ "$(hash_of data.txt)" = "$ORIG" ] || fail "undo of a leftover journal $keep: not the original file"
    ! ls -a | grep -q 'mmscan-undo\|kept.undo' || fail "undo of a leftover journal $keep: a journal was left"
done

# Killed once final, and the name --keep-undo asked for taken meanwhile:
# the edit stays final, the journal stays where it is, and the message
# says how to go on; once it is moved away, the file can be edited again.
cp orig.txt data.txt
MMSCAN_TEST_KILL_AT=$n "$MMSCAN" replace --keep-undo kept.undo --window 128K -F foo FOO data.txt \
    >/dev/null 2>&1
echo other >kept.undo
expect_status "recover, kept name taken" 2 "$MMSCAN" recover data.txt
grep -q "journal stays at '.*/.data.txt.mmscan-undo' ('.*/kept.undo': File exists): move it away, or remove it, to edit the file again" err.txt ||
    fail "recover, kept name taken: $(cat err.txt)"
[ "$(cat kept.undo)" = other ] || fail "recover, kept name taken: the other file was replaced"
cmp -s data.txt edited.txt || fail "recover, kept name taken: the edit is not final"
mv .data.txt.mmscan-undo moved.undo
expect_status "edit after the journal was moved" 0 "$MMSCAN" replace -F FOO foo data.txt
[ "$(hash_of data.txt)" = "$ORIG" ] || fail "edit after the journal was moved: not the original"
rm -f kept.undo moved.undo

# A kill during the recovery itself: recovering again finishes the job.
for n in 20 30; do
    cp orig.txt data.txt
    MMSCAN_TEST_KILL_AT=$n "$MMSCAN" replace --window 128K -F foo FOO data.txt >/dev/null 2>&1
    for k in 1 2; do
        MMSCAN_TEST_KILL_AT=$k "$MMSCAN" recover data.txt >/dev/null 2>err.txt
        grep -q 'kill at step' err.txt || fail "recover, kill at $k: no kill: $(cat err.txt)"
    done
    "$MMSCAN" recover data.txt >/dev/null 2>&1
    [ "$(hash_of data.txt)" = "$ORIG" ] || fail "recover killed at $n: not the original file"
done

# The next edit recovers first, then edits the original.
cp orig.txt data.txt
MMSCAN_TEST_KILL_AT=25 "$MMSCAN" replace --window 128K -F foo FOO data.txt >/dev/null 2>&1
[ -e .data.txt.mmscan-undo ] || fail "no journal after a kill mid-edit"
make_lines want.txt foo
sed 's/ bar / BAR /' want.txt >want2.txt
expect_status "edit after a crash" 0 "$MMSCAN" replace -F ' bar ' ' BAR ' data.txt
expect_stderr_line "edit after a crash" "cut short: its old bytes were put back first"
cmp -s data.txt want2.txt || fail "edit after a crash: not the original with the new edit"

# A name too long for ".NAME.mmscan-undo" to be a file name: the journal
# keeps its first 200 bytes and a hash of it, and recovery finds it.
long=$(awk 'BEGIN { for (i = 0; i < 250; i++) printf "n" }')
cp orig.txt "$long"
MMSCAN_TEST_KILL_AT=25 "$MMSCAN" replace --window 128K -F foo FOO "$long" >/dev/null 2>&1
ls -a | grep -qE '^\.n{200}-[0-9a-f]{16}\.mmscan-undo$' || fail "long name: no journal: $(ls -a)"
expect_status "long name recover" 0 "$MMSCAN" recover "$long"
[ "$(hash_of "$long")" = "$ORIG" ] || fail "long name: not the original after recover"
! ls -a | grep -q 'mmscan-undo' || fail "long name: journal left after recover"
rm -f "$long"

# A dry run refuses a file with an unfinished edit.
cp orig.txt data.txt
MMSCAN_TEST_KILL_AT=25 "$MMSCAN" replace --window 128K -F foo FOO data.txt >/dev/null 2>&1
# Every read of a file with an unfinished edit warns, in one line, that its
# bytes may be half-edited; the results are printed as always.
for cmd in "wc" "hash" "grep -c foo" "stats" "scan --wc --hash xxh3" "hash --blocks 64K" \
    "compress -o data.zst"; do
    rm -f data.zst
    # shellcheck disable=SC2086 # the command's words
    expect_status "$cmd after a crash" 0 "$MMSCAN" $cmd data.txt
    expect_stderr_line "$cmd after a crash" "warning: 'data.txt': an edit of it is under way or was cut short (journal '.data.txt.mmscan-undo')"
    [ "$cmd" = "${cmd#compress}" ] && ! [ -s out.txt ] && fail "$cmd after a crash: no results"
done
rm -f data.zst
ln -sf data.txt link.txt # the journal is beside the file, not the link
expect_status "wc through a symbolic link after a crash" 0 "$MMSCAN" wc link.txt
expect_stderr_line "wc through a symbolic link after a crash" "(journal '.data.txt.mmscan-undo')"
rm -f link.txt
ln data.txt hard.txt # a hard link: the journal is named after the other name
expect_status "wc through another hard link after a crash" 0 "$MMSCAN" wc hard.txt
expect_stderr_line "wc through another hard link after a crash" \
    "warning: 'hard.txt': an edit of it through another name ('$(pwd -P)/data.txt') was cut short"
rm -f hard.txt
"$MMSCAN" wc <data.txt >/dev/null 2>err.txt
[ -s err.txt ] && fail "wc of standard input warned: $(cat err.txt)"
expect_status "dry run after a crash" 2 "$MMSCAN" replace --dry-run -F foo FOO data.txt
expect_stderr_line "dry run after a crash" "recover it first"
"$MMSCAN" recover data.txt >/dev/null
[ "$(hash_of data.txt)" = "$ORIG" ] || fail "dry run after a crash: recover"
expect_status "hash after recover" 0 "$MMSCAN" hash data.txt
[ -s err.txt ] && fail "hash after recover warned: $(cat err.txt)"

# kill -9 at arbitrary moments of a longer edit (4K maps: many syncs).
for delay in 0.05 0.1 0.2 0.3 0.5; do
    cp orig.txt data.txt
    "$MMSCAN" replace --window 4K -F foo FOO data.txt >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    "$MMSCAN" recover data.txt >rec.txt 2>&1 || fail "kill -9 after ${delay}s: recover failed: $(cat rec.txt)"
    got=$(hash_of data.txt)
    [ "$got" = "$ORIG" ] || [ "$got" = "$EDITED" ] ||
        fail "kill -9 after ${delay}s: neither the original nor the edited file"
done

finish
