#!/bin/sh
# mmscan hash --blocks: every block's hash against xxhsum of that block cut
# out with dd, the same manifest whatever the threads and windows, JSON
# lines, and the ranges --diff finds.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

random_file 5000000 data

# Each line against xxhsum of its block: OFFSET LENGTH HASH.
check_manifest() { # FILE BLOCK_SIZE -H MANIFEST
    i=0
    while read -r offset length hash; do
        [ "$offset" = $((i * $2)) ] || fail "$4 line $i: offset $offset"
        want=$(dd if="$1" bs="$2" skip="$i" count=1 status=none | xxhsum "$3" - 2>/dev/null |
            sed 's/^XXH3 (stdin) = //; s/  stdin$//')
        [ "$hash" = "$want" ] || fail "$4 line $i: hash $hash, want $want"
        [ "$length" = "$(dd if="$1" bs="$2" skip="$i" count=1 status=none | wc -c)" ] ||
            fail "$4 line $i: length $length"
        i=$((i + 1))
    done <"$4"
    [ "$i" = $(( ($(wc -c <"$1") + $2 - 1) / $2 )) ] || fail "$4: $i blocks"
}

for h in -H0 -H1 -H2 -H3; do
    "$MMSCAN" hash --blocks 1M $h data >manifest$h
    check_manifest data 1048576 $h manifest$h
done
"$MMSCAN" hash --blocks 300000 -H3 data >manifest_odd
check_manifest data 300000 -H3 manifest_odd

# The same manifest on any number of threads, with any window.
for threads in 1 2 3; do
    for window in 4K 1M 3M; do
        for size in 1M 300000 4096 7; do
            "$MMSCAN" hash --blocks $size --threads $threads --window $window data >got.txt
            [ "$threads$window" = 14K ] && cp got.txt "want$size.txt"
            cmp -s got.txt "want$size.txt" || fail "--blocks $size --threads $threads --window $window differs"
        done
    done
done
# Whatever the threads, the window is not rounded up to a block: 256 MiB
# blocks are hashed through 1 MiB windows (parts start at block
# boundaries), peak RSS well under a block, to the digests xxhsum gives.
"$MMSCAN" gen --size 512M --seed 3 big.bin
: >want.txt
for block in 0 1; do
    digest=$(dd if=big.bin bs=1M skip=$((block * 256)) count=256 2>/dev/null | xxhsum -H3 | sed 's/.* = //')
    printf '%s 268435456 %s\n' $((block * 268435456)) "$digest" >>want.txt
done
for threads in 1 2 3; do
    peak=$(/usr/bin/time -f %M "$MMSCAN" hash --blocks 256M -H3 --threads $threads --window 1M big.bin 2>&1 >got.txt)
    cmp -s got.txt want.txt || fail "--blocks 256M --threads $threads: $(cat got.txt)"
    [ "$peak" -lt 65536 ] || fail "--blocks 256M --threads $threads --window 1M: peak RSS $peak KB"
done
rm -f big.bin

# The largest window, which rounding to a whole number of blocks would pass.
"$MMSCAN" hash --blocks 300000 -H3 --window 1T data >got.txt || fail "--window 1T refused"
cmp -s got.txt manifest_odd || fail "--window 1T: another manifest"
same_output "stdin" "$MMSCAN hash --blocks 1M - <data" "cat manifest-H1"
same_output "a pipe" "cat data | $MMSCAN hash --blocks 300000 -H3" "cat manifest_odd"
: >empty
same_output "an empty file" "$MMSCAN hash --blocks 1M empty" "true"

"$MMSCAN" hash --blocks 1M -H3 --json data >got.txt
sed 's/^\([0-9]*\) \([0-9]*\) \([0-9a-f]*\)$/{"offset":\1,"length":\2,"algorithm":"XXH3","hash":"\3"}/' manifest-H3 >want.txt
cmp -s got.txt want.txt || fail "--json: $(head -n 2 got.txt)"
"$MMSCAN" hash --blocks 1M --little-endian -H0 data | head -n 1 >got.txt
le=$(dd if=data bs=1M count=1 status=none | xxhsum -H0 --little-endian 2>/dev/null | cut -c1-8)
[ "$(cat got.txt)" = "0 1048576 $le" ] || fail "--little-endian: $(cat got.txt), want $le"

# --diff: the ranges of differing blocks, merged when they touch.
cp data changed
# flip_byte FILE OFFSET: replaces the byte at OFFSET by its complement.
flip_byte() {
    old=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "\\$(printf %o $((255 - old)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
for offset in 1500000 2200000 4500000; do
    flip_byte changed "$offset"
done
[ "$(cmp -l data changed | wc -l)" = 3 ] || fail "the test could not change three bytes"
expect_status "identical" 0 "$MMSCAN" hash --blocks 1M --diff data data
[ -s out.txt ] && fail "identical: $(cat out.txt)"
expect_status "three changes" 1 "$MMSCAN" hash --blocks 1M --diff data changed
printf '%s\n' "1048576 2097152" "4194304 805696" >want.txt
cmp -s out.txt want.txt || fail "three changes: $(cat out.txt)"
expect_status "three changes, JSON, threads 1" 1 "$MMSCAN" hash --blocks 1M --diff --json --threads 1 data changed
printf '%s\n' '{"offset":1048576,"length":2097152}' '{"offset":4194304,"length":805696}' >want.txt
cmp -s out.txt want.txt || fail "three changes, JSON: $(cat out.txt)"
head -c 3000000 data >short
expect_status "a shorter file" 1 "$MMSCAN" hash --blocks 1M --diff short data
[ "$(cat out.txt)" = "2097152 2902848" ] || fail "a shorter file: $(cat out.txt)"

# Errors.
expect_status "missing file" 2 "$MMSCAN" hash --blocks 1M --diff data missing
expect_stderr_line "missing file" "mmscan: hash: 'missing': No such file or directory"
expect_status "one file for --diff" 2 "$MMSCAN" hash --blocks 1M --diff data
expect_stderr_line "one file for --diff" "--blocks --diff takes two files"
expect_status "two files without --diff" 2 "$MMSCAN" hash --blocks 1M data data
expect_status "block size 0" 2 "$MMSCAN" hash --blocks 0 data
expect_stderr_line "block size 0" "at least 1 byte"
expect_status "bad block size" 2 "$MMSCAN" hash --blocks 1Q data
expect_stderr_line "bad block size" "--blocks: invalid size '1Q'"
expect_status "--diff without --blocks" 2 "$MMSCAN" hash --diff data data

finish
