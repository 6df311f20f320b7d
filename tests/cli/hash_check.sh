#!/bin/sh
# mmscan hash -c against the real xxhsum -c: the same stdout and exit status
# on check files written by either tool, with bad lines, missing files,
# mismatches and mixed algorithms.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

for n in 0 5 17 129 241 1025 70000; do
    random_file "$n" "f$n"
done
random_file 2000000 big
printf 'x' >'a b'
files="f0 f5 f17 f129 f241 f1025 f70000 big"

# Check files written by xxhsum, in every algorithm and style, in both tools.
for h in 0 1 2 3; do
    for flags in "" --tag --little-endian "--tag --little-endian"; do
        xxhsum -H$h $flags $files 'a b' >sums 2>/dev/null
        le=""
        case $flags in *little*) le=--little-endian ;; esac
        same_output "xxhsum -H$h $flags sums" "$MMSCAN hash -c $le sums" "xxhsum -c $le sums"
        grep -q ': OK$' got.out || fail "xxhsum -H$h $flags sums: no OK line"
    done
done

# One file with every kind of line: all algorithms and styles, mismatches,
# improperly formatted lines and a missing file.
{
    xxhsum -H0 f5 f17
    xxhsum -H1 --tag f129
    xxhsum -H2 --tag --little-endian f241 big
    xxhsum -H3 f1025
    xxhsum -H3 --little-endian f70000
    xxhsum -H1 'a b'
    echo "garbage line"
    echo "0123456789abcdef  missing"
    xxhsum -H1 f0 | sed 's/^./0/;s/^0/1/'
    echo "XXH32 (f5) = 0123456789abcdef"
    echo ""
    xxhsum -H2 f17 | sed 's/^\(.\)/f/'
    printf '%s' "$(xxhsum -H1 f5)" # no newline at the end
} >mixed 2>/dev/null
for flags in "" -q --quiet --status --strict --warn -w "--strict --warn" "-q --strict"; do
    same_output "mixed $flags" "$MMSCAN hash -c $flags mixed" "xxhsum -c $flags mixed"
done
grep -q "could not be read" got.out || fail "mixed: no summary of unreadable files"

# Several check files, from stdin too.
xxhsum f5 f17 >good 2>/dev/null
same_output "several check files" "$MMSCAN hash -c good mixed good" "xxhsum -c good mixed good"
same_output "check file on stdin" "$MMSCAN hash -c <mixed" "xxhsum -c <mixed"
same_output "check file -" "cat good | $MMSCAN hash -c -" "cat good | xxhsum -c -"
same_output "all good" "$MMSCAN hash -c good" "xxhsum -c good"
same_output "no properly formatted lines" "$MMSCAN hash -c f5" "xxhsum -c f5"
expect_status "no properly formatted lines" 1 "$MMSCAN" hash -c f5
expect_stderr_line "no properly formatted lines" "mmscan: hash: 'f5': no properly formatted xxHash checksum lines found"
mkdir sumdir
expect_status "a directory as the check file" 1 "$MMSCAN" hash -c sumdir
expect_stderr_line "a directory as the check file" "mmscan: hash: 'sumdir': Is a directory"

# A checksum of standard input is named stdin; checking it reads stdin.
xxhsum <big >stdin_sums 2>/dev/null
same_output "stdin entry" "$MMSCAN hash -c stdin_sums <big" "xxhsum -c stdin_sums <big"
grep -qx 'stdin: OK' got.out || fail "stdin entry: $(cat got.out)"

# What xxhsum 0.8.1 does not know yet: comments, XXH3_ GNU lines, escaped
# names (0.8.2), --ignore-missing.
printf 'z' >'back\slash'
printf 'z' >"$(printf 'new\nline')"
{
    echo "# a comment"
    xxhsum -H3 f17 | sed 's/^XXH3 (\(.*\)) = \(.*\)$/XXH3_\2  \1/'
    printf '%s\n' '\a73026ce  back\\slash' '\XXH64 (new\nline) = 048a5a7677a8e488'
    printf '%s\n' '\a73026ce  new\nline' 'a73026ce  back\slash'
} >newer 2>/dev/null
"$MMSCAN" hash -c newer >out.txt 2>err.txt
rc=$?
[ "$rc" = 0 ] || fail "newer forms: exit status $rc: $(cat err.txt)"
printf '%s\n' 'f17: OK' '\back\\slash: OK' '\new\nline: OK' '\new\nline: OK' '\back\\slash: OK' >want.txt
cmp -s out.txt want.txt || { fail "newer forms"; od -c out.txt | head -n 8 >&2; }

{
    xxhsum f5 f17
    echo "0123456789abcdef  missing"
} >with_missing 2>/dev/null
"$MMSCAN" hash -c --ignore-missing with_missing >out.txt 2>err.txt
rc=$?
[ "$rc" = 0 ] || fail "--ignore-missing: exit status $rc"
printf '%s\n' 'f5: OK' 'f17: OK' >want.txt
cmp -s out.txt want.txt || fail "--ignore-missing: $(cat out.txt)"
echo "0123456789abcdef  missing" >only_missing
"$MMSCAN" hash -c --ignore-missing only_missing >out.txt 2>err.txt
rc=$?
[ "$rc" = 1 ] || fail "--ignore-missing, nothing verified: exit status $rc"
[ "$(cat out.txt)" = "only_missing: no file was verified" ] || fail "--ignore-missing, nothing verified: $(cat out.txt)"
"$MMSCAN" hash -c with_missing >out.txt 2>err.txt
grep -qx "with_missing:3: Could not open or read 'missing': No such file or directory." out.txt ||
    fail "missing without --ignore-missing: $(cat out.txt)"

# --warn reports each bad line on stderr, in the one message style.
"$MMSCAN" hash -c --warn mixed >out.txt 2>err.txt
grep -qx "mmscan: hash: 'mixed': line 9: improperly formatted checksum line" err.txt ||
    fail "--warn: $(cat err.txt)"

# A listed name shm:NAME is the file of that name when there is one (as
# xxhsum lists it), even beside an object of that name, else the object
# (as mmscan hash lists it).
SHM=mmscan-hash-check-$$
trap 'rm -rf "$WORK"; "$MMSCAN" shm rm "$SHM" >/dev/null 2>&1' EXIT
printf 'a file\n' >"shm:$SHM"
xxhsum "shm:$SHM" >shm-file.sums
"$MMSCAN" gen --size 4K "shm:$SHM" >/dev/null
expect_status "a file named shm:NAME, beside the object" 0 "$MMSCAN" hash -c shm-file.sums
check_equal "a file named shm:NAME" "$(cat out.txt)" "shm:$SHM: OK"
"$MMSCAN" hash -H3 "shm:$SHM" >shm-object.sums
rm "shm:$SHM"
expect_status "an object" 0 "$MMSCAN" hash -c shm-object.sums
check_equal "an object" "$(cat out.txt)" "shm:$SHM: OK"

# A missing check file: one line on stderr, exit 1 as xxhsum.
expect_status "missing check file" 1 "$MMSCAN" hash -c nosuch
expect_stderr_line "missing check file" "mmscan: hash: 'nosuch': No such file or directory"

finish
