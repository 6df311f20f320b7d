#!/bin/sh
# mmscan replace, patch and fill against expected files that the test
# writes itself (awk, printf, dd), byte for byte.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

# same_file DESCRIPTION GOT WANT: the two files are identical.
same_file() {
    cmp -s "$2" "$3" || fail "$1: '$2' differs from '$3' ($(cmp "$2" "$3" 2>&1 | head -n 1))"
}

# no_journal DESCRIPTION FILE: no undo journal is left next to FILE.
no_journal() {
    dir=$(dirname "$2") base=$(basename "$2")
    [ ! -e "$dir/.$base.mmscan-undo" ] || fail "$1: the undo journal was left behind"
}

# put FILE OFFSET TEXT: writes TEXT at OFFSET without truncating.
put() {
    printf '%s' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# text FILE WORD: lines that hold WORD at varied places, made by awk.
text() {
    awk -v w="$2" 'BEGIN { for (i = 0; i < 30000; i++)
        printf "%d %s %s\n", i, (i % 7 == 0 ? w : "plain"), substr("abcdefghij", 1, i % 10) }' >"$1"
}

# ---- replace ----
text data.txt needle
text want.txt NEEDLE
expect_status "replace -F" 0 "$MMSCAN" replace -F needle NEEDLE data.txt
same_file "replace -F" data.txt want.txt
grep -q '^data.txt: 4286 edits changed 25716 bytes on ' out.txt || fail "replace summary: $(cat out.txt)"
no_journal "replace -F" data.txt

text data.txt needle
expect_status "replace, 4K windows" 0 "$MMSCAN" replace --window 4K -F needle NEEDLE data.txt
same_file "replace, 4K windows" data.txt want.txt

text data.txt needle
expect_status "replace -E" 0 "$MMSCAN" replace -E 'ne+dle' NEEDLE data.txt
same_file "replace -E" data.txt want.txt

text data.txt needle
expect_status "replace -i" 0 "$MMSCAN" replace -i -F NeEdLe NEEDLE data.txt
same_file "replace -i" data.txt want.txt

text data.txt needle
awk 'BEGIN { for (i = 0; i < 30000; i++) {
        w = "plain"; if (i % 7 == 0) w = (i < 70 ? "NEEDLE" : "needle")
        printf "%d %s %s\n", i, w, substr("abcdefghij", 1, i % 10) } }' >want_m.txt
expect_status "replace -m 10" 0 "$MMSCAN" replace -m 10 -F needle NEEDLE data.txt
same_file "replace -m 10" data.txt want_m.txt

text data.txt needle
text want_pad.txt 'ab    '
expect_status "replace --pad" 0 "$MMSCAN" replace --pad ' ' -F needle ab data.txt
same_file "replace --pad" data.txt want_pad.txt
text data.txt needle
text want_pad.txt 'ab....'
expect_status "replace --pad 0x2e" 0 "$MMSCAN" replace --pad 0x2e -F needle ab data.txt
same_file "replace --pad 0x2e" data.txt want_pad.txt

# Lengths that differ are refused, with the reason and the padding option.
text data.txt needle
cp data.txt before.txt
expect_status "longer replacement" 2 "$MMSCAN" replace -F needle needles data.txt
expect_stderr_line "longer replacement" "in-place edits keep the file's length"
same_file "longer replacement" data.txt before.txt
expect_status "shorter replacement" 2 "$MMSCAN" replace -F needle nee data.txt
expect_stderr_line "shorter replacement" "--pad BYTE"
expect_status "regex match of another length" 2 "$MMSCAN" replace -E 'ne+dle|plain' NEEDLE data.txt
expect_stderr_line "regex match of another length" "is 5 bytes, the replacement 6"
same_file "regex match of another length" data.txt before.txt
no_journal "regex match of another length" data.txt
# Padding is offered where it helps: for a match longer than its
# replacement, not a shorter one ("1 byte", not "1 bytes").
expect_status "regex match shorter than the replacement" 2 "$MMSCAN" replace -E 'e' NE data.txt
expect_stderr_line "regex match shorter than the replacement" \
    "is 1 byte, the replacement 2: in-place edits keep the file's length"
grep -q "padded" err.txt && fail "regex match shorter than the replacement: $(cat err.txt)"
expect_status "regex match longer than the replacement" 2 "$MMSCAN" replace -E 'ne+' N data.txt
expect_stderr_line "regex match longer than the replacement" \
    "is 3 bytes, the replacement 1: in-place edits keep the file's length (a shorter replacement can be padded)"

expect_status "no match" 1 "$MMSCAN" replace -F zzz yyy data.txt
grep -q 'nothing to change' out.txt || fail "no match: $(cat out.txt)"
same_file "no match" data.txt before.txt

# Offset 0, the last byte, and a match across a window edge (4K windows).
awk 'BEGIN { for (i = 0; i < 3 * 4096; i++) printf "%c", 97 + i % 23 }' >edges.bin
cp edges.bin want_edges.bin
put edges.bin 0 'QQ'
put edges.bin 4093 'QQQQQQ'
put edges.bin 12286 'QQ'
cp edges.bin data.bin
put want_edges.bin 0 'zz'
put want_edges.bin 4093 'zzzzzz'
put want_edges.bin 12286 'zz'
expect_status "replace at the edges" 0 "$MMSCAN" replace --window 4K -F QQ zz data.bin
same_file "replace at the edges" data.bin want_edges.bin

# ---- --dry-run changes nothing and prints a patch ----
text data.txt needle
h0=$(xxhsum -H3 data.txt)
expect_status "replace --dry-run" 0 "$MMSCAN" replace --dry-run -F needle NEEDLE data.txt
[ "$(xxhsum -H3 data.txt)" = "$h0" ] || fail "replace --dry-run changed the file"
no_journal "replace --dry-run" data.txt
[ "$(head -n 1 out.txt)" = "2 4e4545444c45 --verify 6e6565646c65" ] ||
    fail "replace --dry-run: first line $(head -n 1 out.txt)"
[ "$(grep -vc '^#' out.txt)" = 4286 ] || fail "replace --dry-run: $(grep -vc '^#' out.txt) lines"
mv out.txt changes.patch
# A dry run piped into patch: patch reads the whole patch before it takes
# the file's lock, which the dry run holds until it ends.
for round in 1 2 3; do
    cp data.txt piped.txt
    "$MMSCAN" replace --dry-run -F needle NEEDLE piped.txt | "$MMSCAN" patch piped.txt - >/dev/null 2>err.txt ||
        fail "dry run piped into patch, round $round: $(cat err.txt)"
    same_file "dry run piped into patch, round $round" piped.txt want.txt
done
rm -f piped.txt
expect_status "patch from a dry run" 0 "$MMSCAN" patch data.txt changes.patch
same_file "patch from a dry run" data.txt want.txt
# Applied again, its --verify bytes are gone but the new ones are there.
expect_status "patch applied again" 0 "$MMSCAN" patch data.txt changes.patch
grep -q "0 edits changed 0 bytes on 0 pages, 4286 already in place" out.txt ||
    fail "patch applied again: $(cat out.txt) $(cat err.txt)"
same_file "patch applied again" data.txt want.txt
# A byte that is neither the expected one nor the new one refuses it all.
"$MMSCAN" fill data.txt 2 1 0x7a >/dev/null
h0=$(xxhsum -H3 data.txt)
expect_status "patch --dry-run, verify fails" 2 "$MMSCAN" patch --dry-run data.txt changes.patch
expect_stderr_line "patch --dry-run, verify fails" "the byte at offset 2 is 0x7a, not the expected 0x6e"
expect_status "patch, verify fails" 2 "$MMSCAN" patch data.txt changes.patch
[ "$(xxhsum -H3 data.txt)" = "$h0" ] || fail "patch, verify fails: the file changed"
# An edit whose bytes are part new, part expected is for another version
# ("v1.2" to "v2.1" does not apply to "v2.2"), in one piece or across many.
printf 'v2.2\n' >version.txt
printf '0 76322e31 --verify 76312e32\n' >version.patch
expect_status "patch for another version" 2 "$MMSCAN" patch version.txt version.patch
expect_stderr_line "patch for another version" \
    "the byte at offset 1 is 0x32, not the expected 0x31 (some of the edit's other bytes are the expected ones)"
[ "$(cat version.txt)" = v2.2 ] || fail "patch for another version: the file changed"
awk 'BEGIN { for (i = 0; i < 300000; i++) printf "a"; for (i = 0; i < 300000; i++) printf "b" }' >mixed.bin
awk 'BEGIN { printf "0 "; for (i = 0; i < 600000; i++) printf "62";
             printf " --verify "; for (i = 0; i < 600000; i++) printf "61"; print "" }' >mixed.patch
expect_status "patch for another version, long edit" 2 "$MMSCAN" patch mixed.bin mixed.patch
expect_stderr_line "patch for another version, long edit" "the byte at offset 300000 is 0x62, not the expected 0x61"
[ "$(tr -d b <mixed.bin | wc -c)" = 300000 ] || fail "patch for another version, long edit: the file changed"
# A dry run's output is a patch: a name with a newline is quoted on its
# comment line, never a line of its own that patch would read as an edit.
newline_name=$(printf 'nl\n12 41 #')
printf 'hello world, hello\n' >"$newline_name"
"$MMSCAN" replace --dry-run -F hello HELLO "$newline_name" >newline.patch
tail -n 1 newline.patch | grep -qxF "# 'nl'\$'\\n''12 41 #': 2 edits would change 10 bytes on 1 page" ||
    fail "dry run, newline in the name: $(cat newline.patch)"
cp "$newline_name" victim.txt
expect_status "patch from a dry run, newline in the name" 0 "$MMSCAN" patch victim.txt newline.patch
[ "$(cat victim.txt)" = "HELLO world, HELLO" ] || fail "patch from a dry run, newline in the name: $(cat victim.txt)"
expect_status "fill --dry-run" 0 "$MMSCAN" fill --dry-run data.txt 10 100 0
[ "$(xxhsum -H3 data.txt)" = "$h0" ] || fail "fill --dry-run changed the file"
grep -q "^10 $(printf '%0200d' 0) --verify " out.txt || fail "fill --dry-run: $(cat out.txt)"
cp out.txt fill.patch
expect_status "fill --dry-run, over 64 KiB" 0 "$MMSCAN" fill --dry-run data.txt 10 65537 0
grep -q '^# 10: 65537 bytes, ' out.txt || fail "fill --dry-run, over 64 KiB: $(head -c 200 out.txt)"
cp data.txt filled.txt
expect_status "patch from a fill dry run" 0 "$MMSCAN" patch filled.txt fill.patch
cp data.txt filled2.txt
expect_status "fill" 0 "$MMSCAN" fill filled2.txt 10 100 0
same_file "patch from a fill dry run" filled.txt filled2.txt
rm -f filled.txt filled2.txt fill.patch

# ---- patch ----
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "%c", 32 + i % 90 }' >p.bin
cp p.bin want_p.bin
printf '\336\255\276\357' | dd of=want_p.bin bs=1 seek=4094 conv=notrunc status=none
printf 'ZZ' | dd of=want_p.bin bs=1 seek=0 conv=notrunc status=none
printf '\001' | dd of=want_p.bin bs=1 seek=19999 conv=notrunc status=none
old0=$(od -An -tx1 -N2 p.bin | tr -d ' ')
cat >edits.patch <<EOF
# a patch: offsets in decimal and hex, in any order
19999 01
0xffe deadbeef   # across a page edge
0 5a5a --verify $old0

EOF
expect_status "patch" 0 "$MMSCAN" patch --window 4K p.bin edits.patch
same_file "patch" p.bin want_p.bin
grep -v verify edits.patch >noverify.patch
expect_status "patch from stdin (already in place)" 0 sh -c "\"$MMSCAN\" patch p.bin - <noverify.patch"
grep -q '0 edits changed 0 bytes on 0 pages, 2 already in place' out.txt ||
    fail "patch already in place: $(cat out.txt)"
printf '0 4142 --verify 0000\n' >wrong.patch
expect_status "patch for another version" 2 "$MMSCAN" patch p.bin wrong.patch
expect_stderr_line "patch for another version" "the byte at offset 0 is 0x5a, not the expected 0x00"
same_file "patch for another version" p.bin want_p.bin
printf '10 4142\n11 43\n' >overlap.patch
expect_status "overlapping patch" 2 "$MMSCAN" patch p.bin overlap.patch
expect_stderr_line "overlapping patch" "edits at offsets 10 and 11 overlap"
printf '19999 4142\n' >past.patch
expect_status "patch past the end" 2 "$MMSCAN" patch p.bin past.patch
expect_stderr_line "patch past the end" "reaches past the end of the file"
printf '10 4g\n' >bad.patch
expect_status "bad hex" 2 "$MMSCAN" patch p.bin bad.patch
expect_stderr_line "bad hex" "line 1: invalid hex bytes '4g'"
same_file "refused patches" p.bin want_p.bin

# ---- fill ----
awk 'BEGIN { for (i = 0; i < 300000; i++) printf "%c", 48 + i % 61 }' >f.bin
cp f.bin want_f.bin
dd if=/dev/zero of=want_f.bin bs=1 seek=4000 count=200000 conv=notrunc status=none
expect_status "fill 0" 0 "$MMSCAN" fill --window 64K f.bin 4000 200000 0
same_file "fill 0" f.bin want_f.bin
grep -q 'changed 200000 bytes on 50 pages' out.txt || fail "fill pages: $(cat out.txt)"
expect_status "fill again (nothing to write)" 0 "$MMSCAN" fill f.bin 4000 200000 0x00
grep -q '0 edits changed 0 bytes on 0 pages, 1 already in place' out.txt ||
    fail "fill again: $(cat out.txt)"
head -c 1024 /dev/zero | tr '\0' 'x' | dd of=want_f.bin bs=1 seek=299000 count=1000 conv=notrunc status=none
expect_status "fill with a character" 0 "$MMSCAN" fill f.bin 299000 1000 x
same_file "fill with a character" f.bin want_f.bin
expect_status "fill past the end" 2 "$MMSCAN" fill f.bin 299999 2 0
expect_status "fill: bad byte" 2 "$MMSCAN" fill f.bin 0 1 256
expect_stderr_line "fill: bad byte" "invalid byte '256'"
# Only the pages that hold another byte are written, and the stretches
# under 64 KiB between them: 'y' at 100, 500000 and 520000 in 1 MiB of 'x'
# are two edits, page 0 and the pages from 500000's to 520000's.
page=$(getconf PAGESIZE)
head -c 1048576 /dev/zero | tr '\0' x >x.bin
for at in 100 500000 520000; do
    printf y | dd of=x.bin bs=1 seek=$at conv=notrunc status=none
done
expect_status "fill of a few changed pages" 0 "$MMSCAN" fill x.bin 0 1M x
from=$((500000 / page)) to=$((520000 / page))
grep -q ": 2 edits changed $((page * (to - from + 2))) bytes on $((to - from + 2)) pages" out.txt ||
    fail "fill of a few changed pages: $(cat out.txt)"
[ "$(tr -d x <x.bin | wc -c)" = 0 ] || fail "fill of a few changed pages: bytes left"
# A fill of 0 keeps the holes of a sparse file (its three islands are the
# only edits: the hole between two of them, under 64 KiB, too) and undo
# puts the islands back.
truncate -s 256M sparse.bin
printf island-one | dd of=sparse.bin bs=1 seek=10000000 conv=notrunc status=none
printf island-two | dd of=sparse.bin bs=1 seek=$((10000000 + 10 * page)) conv=notrunc status=none
printf island-three | dd of=sparse.bin bs=1 seek=200000000 conv=notrunc status=none
cp --sparse=always sparse.bin sparse.orig
blocks=$(stat -c %b sparse.bin)
expect_status "fill 0 over holes" 0 "$MMSCAN" fill --keep-undo sparse.undo sparse.bin 0 256M 0
grep -q ": 3 edits changed $((3 * page)) bytes on 3 pages" out.txt ||
    fail "fill 0 over holes: $(cat out.txt)"
cmp -s -n 268435456 sparse.bin /dev/zero || fail "fill 0 over holes: not all zeros"
[ "$(stat -c %b sparse.bin)" -le "$blocks" ] || fail "fill 0 over holes: holes were filled"
"$MMSCAN" undo sparse.undo >/dev/null && cmp -s sparse.bin sparse.orig || fail "fill 0 over holes: undo"
rm -f x.bin sparse.bin sparse.orig

# ---- a sparse file past 4 GiB ----
# 4 GiB + 1 MiB; a match across a page edge past 4 GiB and one at the end.
# (--advice sequential: populating the pages of a hole ahead of the scan
# costs more than reading them)
truncate -s 4097M sparse.bin
put sparse.bin 4294971384 'far needle away'
put sparse.bin 4296015866 'needle'
truncate -s 4097M want_sparse.bin
put want_sparse.bin 4294971384 'far NEEDLE away'
put want_sparse.bin 4296015866 'NEEDLE'
put want_sparse.bin 4296015856 'AB'
expect_status "replace past 4 GiB" 0 "$MMSCAN" replace --advice sequential -F needle NEEDLE sparse.bin
grep -q 'sparse.bin: 2 edits changed 12 bytes on 3 pages' out.txt || fail "sparse: $(cat out.txt)"
expect_status "patch past 4 GiB" 0 "$MMSCAN" patch sparse.bin - <<EOF
0x1000ffff0 4142 --verify 0000
EOF
[ "$(xxhsum -H1 <sparse.bin | cut -d' ' -f1)" = "$(xxhsum -H1 <want_sparse.bin | cut -d' ' -f1)" ] ||
    fail "edits past 4 GiB: the file differs from the expected one"
[ "$(stat -c %s sparse.bin)" = 4296015872 ] || fail "sparse: the size changed"
rm -f sparse.bin want_sparse.bin

# Options anywhere on the line, as in grep: never taken for a PATTERN,
# REPLACEMENT or FILE (an -i there once became the replacement text).
printf 'xy Xy xY\n' >opts.txt
expect_status "replace, -i after PATTERN" 0 "$MMSCAN" replace -F xy -i zz opts.txt
[ "$(cat opts.txt)" = "zz zz zz" ] || fail "replace, -i after PATTERN: $(cat opts.txt)"
printf 'foo foo\n' >opts.txt
expect_status "replace, --dry-run after FILE" 0 "$MMSCAN" replace -F foo bar opts.txt --dry-run
[ "$(cat opts.txt)" = "foo foo" ] || fail "replace, --dry-run after FILE: the file changed"
expect_status "replace, -m after FILE" 0 "$MMSCAN" replace -F foo bar opts.txt -m 1
[ "$(cat opts.txt)" = "bar foo" ] || fail "replace, -m after FILE: $(cat opts.txt)"
printf 'a -1 b\n' >opts.txt
expect_status "replace, a PATTERN like an option" 2 "$MMSCAN" replace -F -1 +1 opts.txt
expect_status "replace, a PATTERN after --" 0 "$MMSCAN" replace -F -- -1 +1 opts.txt
[ "$(cat opts.txt)" = "a +1 b" ] || fail "replace, a PATTERN after --: $(cat opts.txt)"
expect_status "fill, --dry-run after the operands" 0 "$MMSCAN" fill opts.txt 0 1 0x41 --dry-run
[ "$(cat opts.txt)" = "a +1 b" ] || fail "fill, --dry-run after the operands: the file changed"
# A byte in hex takes 0X too, as OFFSET and LENGTH do.
expect_status "fill, 0X byte" 0 "$MMSCAN" fill --dry-run opts.txt 0X0 0X1 0X41
grep -qx "0 41 --verify .*" out.txt || fail "fill, 0X byte: $(cat out.txt err.txt)"

finish
