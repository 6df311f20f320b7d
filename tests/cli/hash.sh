#!/bin/sh
# mmscan hash against the real xxhsum, byte for byte, on generated files.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

# Sizes around the thresholds of the algorithms (XXH3: 16, 128, 240 bytes,
# 64-byte stripes, 1024-byte blocks), and files of several windows.
files=""
for n in 0 1 3 4 8 9 16 17 32 33 64 65 128 129 240 241 256 1023 1024 1025 4096 65537; do
    random_file "$n" "r$n"
    files="$files r$n"
done
random_file 3000001 big
printf abc >abc
printf 'x' >'a b'
printf 'y' >'p(q) = r'

for h in 0 1 2 3 32 64 128; do
    for flags in "" --tag --little-endian "--tag --little-endian"; do
        same_output "-H$h $flags" "$MMSCAN hash -H$h $flags $files abc" "xxhsum -H$h $flags $files abc"
    done
done
same_output "default algorithm" "$MMSCAN hash big abc 'a b' 'p(q) = r'" "xxhsum big abc 'a b' 'p(q) = r'"
same_output "-H 2 as two words" "$MMSCAN hash -H 2 big" "xxhsum -H2 big"

for window in 4K 1M 64M; do
    for advice in auto sequential; do
        for h in 0 1 2 3; do
            same_output "window $window advice $advice -H$h" \
                "$MMSCAN hash --window $window --advice $advice -H$h big r65537" "xxhsum -H$h big r65537"
        done
    done
done

# XXH3 and XXH128 in parts of whole windows on two threads (mapped; read
# from a pipe, or on one thread, for comparison).
random_file 41943041 large
for h in 2 3; do
    for window in 8M 64M; do
        for threads in 1 2; do
            same_output "large, -H$h, window $window, $threads threads" \
                "$MMSCAN hash -H$h --window $window --threads $threads large" "xxhsum -H$h large"
        done
    done
    same_output "large from a pipe, -H$h" "cat large | $MMSCAN hash -H$h" "cat large | xxhsum -H$h"
done

same_output "stdin from a pipe" "cat big | $MMSCAN hash" "cat big | xxhsum"
same_output "stdin from a pipe, XXH3" "cat big | $MMSCAN hash -H3" "cat big | xxhsum -H3"
same_output "stdin redirected" "$MMSCAN hash -H2 <big" "xxhsum -H2 <big"
same_output "stdin part read" "{ dd bs=100 count=1 of=/dev/null 2>/dev/null; $MMSCAN hash -H3; } <big" \
    "{ dd bs=100 count=1 of=/dev/null 2>/dev/null; xxhsum -H3; } <big"
# xxhsum reads "-" as stdin only before the first file name; mmscan anywhere.
same_output "- among files" "$MMSCAN hash abc - r17 <big" "xxhsum abc; xxhsum <big; xxhsum r17"
same_output "-- ends the options" "$MMSCAN hash -H0 -- abc" "xxhsum -H0 -- abc"

# Names with a backslash, a newline or a carriage return are escaped as
# xxhsum 0.8.2 escapes them (0.8.1 does not escape): a backslash first.
printf 'z' >'back\slash'
printf 'z' >"$(printf 'new\nline')"
printf 'z' >"$(printf 'car\rret')"
"$MMSCAN" hash -H0 'back\slash' "$(printf 'new\nline')" "$(printf 'car\rret')" >got.txt
{
    printf '%s\n' '\a73026ce  back\\slash' '\a73026ce  new\nline' '\a73026ce  car\rret'
} >want.txt
cmp -s got.txt want.txt || { fail "escaped names"; od -c got.txt | head -n 5 >&2; }
"$MMSCAN" hash --tag -H1 'back\slash' >got.txt
printf '%s\n' '\XXH64 (back\\slash) = 048a5a7677a8e488' >want.txt
cmp -s got.txt want.txt || { fail "escaped BSD name"; od -c got.txt | head -n 5 >&2; }
xxhsum -H0 'back\slash' | cut -c1-8 | grep -qx a73026ce || fail "escaped names: the test's hash of 'z' is wrong"
xxhsum -H1 'back\slash' | cut -c1-16 | grep -qx 048a5a7677a8e488 || fail "escaped names: the test's XXH64 of 'z' is wrong"

# What mmscan writes, xxhsum checks (every algorithm and style).
for h in 0 1 2 3; do
    for flags in "" --tag --little-endian "--tag --little-endian"; do
        "$MMSCAN" hash -H$h $flags $files big abc 'a b' 'p(q) = r' >sums
        le=""
        case $flags in *little*) le=--little-endian ;; esac
        xxhsum -c $le sums >check.out 2>check.err || fail "xxhsum -c of mmscan -H$h $flags: $(grep -v ': OK$' check.out | head -3)"
        [ "$(grep -c ': OK$' check.out)" = "$(wc -l <sums)" ] ||
            fail "xxhsum -c of mmscan -H$h $flags: $(grep -c ': OK$' check.out) OK lines"
    done
done

# A sparse file past 4 GiB with data after the 4 GiB mark (no disk used).
truncate -s 5G sparse
printf 'far away\n' | dd of=sparse bs=1 seek=4831838200 conv=notrunc status=none
same_output "sparse 5 GiB, XXH3" "$MMSCAN hash -H3 sparse" "xxhsum -H3 sparse"
same_output "sparse 5 GiB, XXH64, 1M windows" "$MMSCAN hash --window 1M sparse" "xxhsum sparse"
same_output "sparse 5 GiB, XXH128, 1M windows, 3 threads (many parts)" \
    "$MMSCAN hash -H2 --window 1M --threads 3 sparse" "xxhsum -H2 sparse"

# Errors: one line each, the other files still hashed, exit 2.
"$MMSCAN" hash abc missing r17 >out.txt 2>err.txt
rc=$?
[ "$rc" = 2 ] || fail "missing file: exit status $rc, want 2"
expect_stderr_line "missing file" "mmscan: hash: 'missing': No such file or directory"
xxhsum abc r17 >want.txt 2>/dev/null
cmp -s out.txt want.txt || fail "missing file: the other files' lines differ from xxhsum"
mkdir adir
expect_status "directory" 2 "$MMSCAN" hash adir
expect_stderr_line "directory" "mmscan: hash: 'adir': Is a directory"
printf 'secret\n' >secret && chmod 000 secret
if [ "$(id -u)" = 0 ]; then
    chmod 755 "$WORK"
    expect_status "unreadable file" 2 setpriv --reuid=65534 --regid=65534 --clear-groups "$MMSCAN" hash secret
else
    expect_status "unreadable file" 2 "$MMSCAN" hash secret
fi
expect_stderr_line "unreadable file" "mmscan: hash: 'secret': Permission denied"

# Usage errors.
expect_status "bad algorithm" 2 "$MMSCAN" hash -H4 abc
expect_stderr_line "bad algorithm" "mmscan: hash: invalid algorithm '-H4'"
expect_status "missing algorithm" 2 "$MMSCAN" hash -H
expect_stderr_line "missing algorithm" "'-H'"
expect_status "--json without --blocks" 2 "$MMSCAN" hash --json abc
expect_stderr_line "--json without --blocks" "--json needs --blocks"
expect_status "-c with --blocks" 2 "$MMSCAN" hash -c --blocks 1M abc
expect_stderr_line "-c with --blocks" "-c and --blocks do not go together"
expect_status "--help" 0 "$MMSCAN" hash --help
grep -q -- '--ignore-missing' out.txt || fail "--help lacks --ignore-missing"
grep -q -- '--window SIZE' out.txt || fail "--help lacks the shared options"
# Options anywhere on the line, as xxhsum takes them.
"$MMSCAN" hash -H3 abc >want.txt
expect_status "-H3 after FILE" 0 "$MMSCAN" hash abc -H3
cmp -s out.txt want.txt || fail "-H3 after FILE: $(cat out.txt), want $(cat want.txt)"

finish
