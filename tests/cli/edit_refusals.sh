#!/bin/sh
# What in-place edits refuse, with one clear line and nothing changed:
# read-only files, symbolic links, a file another mmscan is editing, stale
# or planted journals, patches for another version; and undo with a kept
# journal, refused once the file has changed.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

hash_of() {
    xxhsum -H1 <"$1" | cut -d' ' -f1
}

# unchanged DESCRIPTION FILE HASH: FILE still has HASH and no journal.
unchanged() {
    [ "$(hash_of "$2")" = "$3" ] || fail "$1: the file changed"
    [ ! -e ".$2.mmscan-undo" ] || fail "$1: a journal was left"
}

awk 'BEGIN { for (i = 0; i < 5000; i++) printf "row %d alpha beta\n", i }' >f.txt
H=$(hash_of f.txt)

chmod 444 f.txt
expect_status "read-only file" 2 "$MMSCAN" replace -F alpha ALPHA f.txt
expect_stderr_line "read-only file" "mmscan: replace: 'f.txt': the file is read-only"
unchanged "read-only file" f.txt "$H"
expect_status "read-only file, fill" 2 "$MMSCAN" fill f.txt 0 10 0
unchanged "read-only file, fill" f.txt "$H"
expect_status "read-only file, dry run" 0 "$MMSCAN" replace --dry-run -F alpha ALPHA f.txt
expect_status "read-only file, recover without a journal" 0 "$MMSCAN" recover f.txt
chmod 644 f.txt

ln -s f.txt link.txt
expect_status "symbolic link" 2 "$MMSCAN" replace -F alpha ALPHA link.txt
expect_stderr_line "symbolic link" "'link.txt': is a symbolic link"
unchanged "symbolic link" f.txt "$H"
expect_status "--follow-symlinks" 0 "$MMSCAN" replace --follow-symlinks -F alpha ALPHA link.txt
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "row %d ALPHA beta\n", i }' >want.txt
cmp -s f.txt want.txt || fail "--follow-symlinks: the target is not edited"
[ -L link.txt ] || fail "--follow-symlinks: the link was replaced"
"$MMSCAN" replace -F ALPHA alpha f.txt >/dev/null

# Another mmscan holds the lock: flock(1) holds it while mmscan runs.
expect_status "locked file" 2 flock f.txt "$MMSCAN" replace -F alpha ALPHA f.txt
expect_stderr_line "locked file" "another mmscan is editing this file"
unchanged "locked file" f.txt "$H"

# A journal that belongs to another file (the file was replaced since).
cp f.txt g.txt
MMSCAN_TEST_KILL_AT=6 "$MMSCAN" replace -F alpha ALPHA g.txt >/dev/null 2>&1
[ -e .g.txt.mmscan-undo ] || fail "no journal after a kill"
cp f.txt g.new && mv g.new g.txt   # another inode at the same name
expect_status "stale journal" 2 "$MMSCAN" recover g.txt
expect_stderr_line "stale journal" "belongs to another file"
expect_status "stale journal, edit" 2 "$MMSCAN" replace -F alpha ALPHA g.txt
[ "$(hash_of g.txt)" = "$H" ] || fail "stale journal: the file changed"
[ -e .g.txt.mmscan-undo ] || fail "stale journal: removed"

# The same file grown since its edit was cut short (a log appended to): the
# old bytes are not put back, the message says why (not "another file")
# and how; at its old size again, recover restores it.
cp f.txt grown.txt
MMSCAN_TEST_KILL_AT=6 "$MMSCAN" replace -F alpha ALPHA grown.txt >/dev/null 2>&1
size=$(wc -c <grown.txt)
echo appended >>grown.txt
expect_status "grown file" 2 "$MMSCAN" recover grown.txt
expect_stderr_line "grown file" "is of an edit cut short when the file had $size bytes; it has $((size + 9)) now"
truncate -s "$size" grown.txt
expect_status "grown file, truncated back" 0 "$MMSCAN" recover grown.txt
[ "$(hash_of grown.txt)" = "$H" ] && [ ! -e .grown.txt.mmscan-undo ] || fail "grown file: not recovered"

# A symbolic link planted at the journal's name is not followed.
ln -s f.txt .h.txt.mmscan-undo
cp f.txt h.txt
expect_status "planted journal link" 2 "$MMSCAN" replace -F alpha ALPHA h.txt
expect_stderr_line "planted journal link" "cannot open the undo journal"
[ "$(hash_of h.txt)" = "$H" ] && [ "$(hash_of f.txt)" = "$H" ] || fail "planted journal link: changed"

# Something that is not a journal at the journal's name is left alone.
cp f.txt i.txt
echo 'my notes' >.i.txt.mmscan-undo
expect_status "not a journal" 2 "$MMSCAN" fill i.txt 0 1 0
expect_stderr_line "not a journal" "undo journal '$(pwd -P)/.i.txt.mmscan-undo': not an mmscan undo journal"
[ "$(cat .i.txt.mmscan-undo)" = "my notes" ] || fail "not a journal: it was changed"

# A FIFO at a journal's name is never opened for reading: that would wait
# for a writer forever (a hard-linked file's edit reads every journal of
# its directory; timeout turns a hang into exit status 124).
cp f.txt fifo.txt
ln fifo.txt fifo-link.txt
mkfifo .zz.mmscan-undo
expect_status "FIFO at another journal's name" 0 timeout 20 "$MMSCAN" fill fifo.txt 0 1 0x41
rm .zz.mmscan-undo
mkfifo .fifo.txt.mmscan-undo
for cmd in "fill fifo.txt 0 1 0x42" "recover fifo.txt"; do
    expect_status "FIFO at the journal's name: $cmd" 2 timeout 20 "$MMSCAN" $cmd
    expect_stderr_line "FIFO at the journal's name: $cmd" \
        "'$(pwd -P)/.fifo.txt.mmscan-undo', where the undo journal goes, is not a regular file: move it away"
done
expect_status "undo of a FIFO" 2 timeout 20 "$MMSCAN" undo .fifo.txt.mmscan-undo
expect_stderr_line "undo of a FIFO" "not a regular file, so not an undo journal"
[ "$(head -c 1 fifo.txt)" = A ] || fail "FIFO at the journal's name: the file changed"
rm .fifo.txt.mmscan-undo

# --keep-undo and undo.
expect_status "--keep-undo" 0 "$MMSCAN" replace --keep-undo kept.undo -F alpha ALPHA f.txt
[ -f kept.undo ] && [ ! -e .f.txt.mmscan-undo ] || fail "--keep-undo: journal not moved"
[ "$(stat -c %a kept.undo)" = 600 ] || fail "--keep-undo: journal mode $(stat -c %a kept.undo)"
cmp -s f.txt want.txt || fail "--keep-undo: not edited"
# Nothing to change (every match is its replacement already): no journal,
# and the summary says so.
expect_status "--keep-undo, nothing changed" 0 "$MMSCAN" replace --keep-undo none.undo -F ALPHA ALPHA f.txt
grep -q "no journal to keep, as nothing changed" out.txt || fail "--keep-undo, nothing changed: $(cat out.txt)"
[ ! -e none.undo ] || fail "--keep-undo, nothing changed: a journal was kept"
expect_status "undo" 0 "$MMSCAN" undo kept.undo
[ "$(hash_of f.txt)" = "$H" ] || fail "undo: not the original"
[ ! -e kept.undo ] || fail "undo: journal left"

"$MMSCAN" replace --keep-undo kept.undo -F alpha ALPHA f.txt >/dev/null
expect_status "--keep-undo to an existing file" 2 "$MMSCAN" replace --keep-undo kept.undo -F beta BETA f.txt
expect_stderr_line "--keep-undo to an existing file" "'kept.undo' exists"
cmp -s f.txt want.txt || fail "--keep-undo to an existing file: changed"
printf 'Z' | dd of=f.txt bs=1 seek=6 conv=notrunc status=none
cp f.txt changed.txt
expect_status "undo after a change" 2 "$MMSCAN" undo kept.undo
expect_stderr_line "undo after a change" "the file changed since the edit"
cmp -s f.txt changed.txt || fail "undo after a change: the file was written"
[ -e kept.undo ] || fail "undo after a change: the journal was removed"
printf 'A' | dd of=f.txt bs=1 seek=6 conv=notrunc status=none
MMSCAN_TEST_KILL_AT=2 "$MMSCAN" undo kept.undo >/dev/null 2>err.txt
grep -q 'kill at step 2: rollback-written' err.txt || fail "undo killed: $(cat err.txt)"
expect_status "undo run again" 0 "$MMSCAN" undo kept.undo
[ "$(hash_of f.txt)" = "$H" ] || fail "undo run again: not the original"
[ ! -e .f.txt.mmscan-undo ] || fail "undo run again: the journal's name beside the file was left"
# An undo cut short holds the file's own journal name: a later edit finishes
# the undo first, and the cut-short undo, run again, then writes nothing
# (it wrote the old bytes over that edit).
"$MMSCAN" replace --keep-undo kept.undo -F alpha ALPHA f.txt >/dev/null
MMSCAN_TEST_KILL_AT=1 "$MMSCAN" undo kept.undo >/dev/null 2>err.txt
grep -q 'kill at step 1: rollback-marked' err.txt || fail "undo killed at its mark: $(cat err.txt)"
[ -e .f.txt.mmscan-undo ] || fail "undo killed at its mark: no journal beside the file"
expect_status "edit after an undo cut short" 0 "$MMSCAN" replace -F beta BETA f.txt
grep -q "its old bytes were put back first" err.txt || fail "edit after an undo cut short: $(cat err.txt)"
h_after=$(hash_of f.txt)
expect_status "undo resumed after an edit" 2 "$MMSCAN" undo kept.undo
expect_stderr_line "undo resumed after an edit" "this undo was cut short, then finished by a recovery"
[ "$(hash_of f.txt)" = "$h_after" ] || fail "undo resumed after an edit: it wrote over the edit"
rm -f kept.undo
"$MMSCAN" replace -F BETA beta f.txt >/dev/null
[ "$(hash_of f.txt)" = "$H" ] || fail "undo resumed after an edit: the test's file is not back"
expect_status "undo of a missing journal" 2 "$MMSCAN" undo kept.undo

# A kill after the commit record but before the journal's name beside the
# file is removed: the kept journal is there all the same.
n=1
while :; do
    MMSCAN_TEST_KILL_AT=$n "$MMSCAN" replace --keep-undo kept.undo -F alpha ALPHA f.txt \
        >/dev/null 2>err.txt
    grep -q 'commit-written' err.txt && break
    grep -q 'kill at step' err.txt || fail "--keep-undo, killed: no commit step: $(cat err.txt)"
    "$MMSCAN" recover f.txt >/dev/null
    [ ! -e kept.undo ] || fail "--keep-undo, killed at step $n before the commit: kept.undo left"
    n=$((n + 1))
done
expect_status "--keep-undo, killed after the commit: recover" 0 "$MMSCAN" recover f.txt
cmp -s f.txt want.txt || fail "--keep-undo, killed after the commit: not the edited file"
expect_status "--keep-undo, killed after the commit: undo" 0 "$MMSCAN" undo kept.undo
[ "$(hash_of f.txt)" = "$H" ] || fail "--keep-undo, killed after the commit: undo"

# A committed journal that is not the recovering user's own (planted by
# another user) makes no link at the place it names.
MMSCAN_TEST_KILL_AT=$n "$MMSCAN" replace --keep-undo planted.undo -F alpha ALPHA f.txt \
    >/dev/null 2>err.txt
grep -q 'commit-written' err.txt || fail "planted keep path: no kill at the commit: $(cat err.txt)"
chown 65534 .f.txt.mmscan-undo
expect_status "planted keep path: recover" 0 "$MMSCAN" recover f.txt
[ ! -e planted.undo ] || fail "planted keep path: a link was made"
[ ! -e .f.txt.mmscan-undo ] || fail "planted keep path: the journal was left"
cmp -s f.txt want.txt || fail "planted keep path: not the edited file"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "row %d alpha beta\n", i }' >f.txt

# A cut-short edit of a file made read-only since: recover says what waits.
MMSCAN_TEST_KILL_AT=4 "$MMSCAN" fill f.txt 0 3 Q >/dev/null 2>&1
chmod 444 f.txt
expect_status "read-only with a journal" 2 "$MMSCAN" recover f.txt
expect_stderr_line "read-only with a journal" "undo journal"
grep -q 'make it writable to recover it' err.txt || fail "read-only with a journal: $(cat err.txt)"
chmod 644 f.txt
expect_status "read-only with a journal, writable again" 0 "$MMSCAN" recover f.txt
[ "$(hash_of f.txt)" = "$H" ] || fail "read-only with a journal: not the original after recover"

# Another name of a file whose edit was cut short: refused until that name
# is recovered (recovering it later would undo the edit made meanwhile).
ln f.txt hard.txt
MMSCAN_TEST_KILL_AT=4 "$MMSCAN" fill f.txt 0 3 Q >/dev/null 2>&1
[ -e .f.txt.mmscan-undo ] || fail "hard link: no journal after the kill"
expect_status "hard link, other name" 2 "$MMSCAN" replace -F beta BETA hard.txt
expect_stderr_line "hard link, other name" "through another name"
# recover of the other name says which name to recover (it said "nothing
# to recover").
expect_status "hard link, recover the other name" 2 "$MMSCAN" recover hard.txt
expect_stderr_line "hard link, recover the other name" "through another name ('$(pwd -P)/f.txt')"
expect_status "hard link, recover" 0 "$MMSCAN" recover f.txt
[ "$(hash_of f.txt)" = "$H" ] || fail "hard link: not the original after recover"
expect_status "hard link, other name after recover" 0 "$MMSCAN" fill hard.txt 0 1 r
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "row %d alpha beta\n", i }' >f.txt
rm -f hard.txt

# The journal's own name cannot be the kept one: refused before any change.
expect_status "--keep-undo as the journal" 2 "$MMSCAN" replace --keep-undo .f.txt.mmscan-undo \
    -F alpha ALPHA f.txt
expect_stderr_line "--keep-undo as the journal" "'.f.txt.mmscan-undo' is the journal's own name"
unchanged "--keep-undo as the journal" f.txt "$H"

mkdir adir
expect_status "directory" 2 "$MMSCAN" fill adir 0 1 0
expect_stderr_line "directory" "'adir': Is a directory"
expect_status "missing file" 2 "$MMSCAN" patch missing.bin - </dev/null
expect_stderr_line "missing file" "'missing.bin': No such file or directory"
# An --verify longer than the edit is refused before it is decoded (into
# room for the edit's bytes: 4 MB past the end would crash).
long=$(awk 'BEGIN { for (i = 0; i < 4000000; i++) printf "aa" }')
printf '0 00 --verify %s\n' "$long" >long.patch
expect_status "long --verify" 2 "$MMSCAN" patch f.txt long.patch
expect_stderr_line "long --verify" "--verify needs as many hex bytes as the edit"
unchanged "long --verify" f.txt "$H"
# A compressed file's content cannot be edited in place: no --zstd (it
# once wrote the content's offsets into the compressed bytes).
expect_status "replace --zstd" 2 "$MMSCAN" replace --zstd -F alpha ALPHA f.txt
expect_stderr_line "replace --zstd" "mmscan: replace: invalid option or missing argument '--zstd'"
unchanged "replace --zstd" f.txt "$H"
expect_status "fill --advice" 2 "$MMSCAN" fill --advice auto f.txt 0 1 0
expect_stderr_line "fill --advice" "mmscan: fill: invalid option or missing argument '--advice'"
unchanged "fill --advice" f.txt "$H"
expect_status "replace --help" 0 "$MMSCAN" replace --help
grep -q -- '--pad BYTE' out.txt && grep -q -- '--keep-undo' out.txt || fail "replace --help"
! grep -q -- '--zstd' out.txt || fail "replace --help offers --zstd"
expect_status "fill --help" 0 "$MMSCAN" fill --help
grep -q -- '--window SIZE' out.txt || fail "fill --help lacks --window"
! grep -q -- '--advice\|--zstd\|--threads\|--progress' out.txt || fail "fill --help offers scan options"
expect_status "bad --pad" 2 "$MMSCAN" replace --pad 300 -F a b f.txt
expect_stderr_line "bad --pad" "invalid byte '300'"
# Matches never span lines: a PATTERN with a newline is refused, not
# reported as matching nothing (f.txt has "alpha beta\nrow" on every line).
nl='
'
for syntax in -F -G -E; do
    expect_status "newline in PATTERN ($syntax)" 2 "$MMSCAN" replace $syntax "beta${nl}row" "BETA${nl}ROW" f.txt
    expect_stderr_line "newline in PATTERN ($syntax)" "PATTERN holds a newline, and a match never spans lines"
    unchanged "newline in PATTERN ($syntax)" f.txt "$H"
done

finish
