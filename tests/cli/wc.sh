#!/bin/sh
# mmscan wc against GNU wc, byte for byte, on generated files.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

make_text small.txt 2000 1
make_text big.txt 120000 2          # a few MiB: many 4K windows
random_file 3000000 random.bin
: >empty
printf x >one
printf 'no newline at the end' >nonl
printf 'dos\r\nlines\r\n' >crlf.txt
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "line %d\r\n", i }' >long_crlf.txt
# nothing but newlines, then short lines: dense newlines in long inputs
head -c 1000000 /dev/zero | tr '\0' '\n' >newlines.txt
awk 'BEGIN { for (i = 0; i < 300000; i++) print "a" }' >short_lines.txt

for f in small.txt big.txt random.bin empty one nonl crlf.txt long_crlf.txt newlines.txt \
    short_lines.txt; do
    for flags in "" -l -w -c -m -lw -lc -wc -lwc -lm; do
        same_output "wc $flags $f" "$MMSCAN wc $flags $f" "wc $flags $f"
    done
done

for window in 4K 1M 64M; do
    for threads in 1 2 3; do
        same_output "window $window threads $threads" \
            "$MMSCAN wc --window $window --threads $threads big.txt random.bin" \
            "wc big.txt random.bin"
    done
done
same_output "--advice" "$MMSCAN wc --advice random -l big.txt" "wc -l big.txt"
# A read input's buffer grows with what it holds, up to a window: a large
# window costs a short input (an empty file, a small pipe) nothing.
same_output "--window 1T, an empty file" "$MMSCAN wc --window 1T empty small.txt" "wc empty small.txt"
same_output "--window 1T, a pipe" "cat big.txt | $MMSCAN wc --window 1T" "cat big.txt | wc"
same_output "--window 8M, a pipe that fills the buffer" \
    "cat random.bin big.txt | $MMSCAN wc --window 8M" "cat random.bin big.txt | wc"

same_output "several files and a total" "$MMSCAN wc small.txt empty one nonl" "wc small.txt empty one nonl"
same_output "one count, several files" "$MMSCAN wc -l small.txt big.txt" "wc -l small.txt big.txt"
same_output "stdin from a pipe" "cat big.txt | $MMSCAN wc" "cat big.txt | wc"
same_output "stdin pipe, -l" "cat big.txt | $MMSCAN wc -l" "cat big.txt | wc -l"
same_output "stdin redirected from a file" "$MMSCAN wc <small.txt" "wc <small.txt"
same_output "- operand" "$MMSCAN wc - <small.txt" "wc - <small.txt"
same_output "- among files" "$MMSCAN wc small.txt - <one" "wc small.txt - <one"
# Standard input goes on from where it is, and is left at its end.
same_output "stdin part read" "{ dd bs=100 count=1 of=/dev/null 2>/dev/null; $MMSCAN wc; } <big.txt" \
    "{ dd bs=100 count=1 of=/dev/null 2>/dev/null; wc; } <big.txt"
same_output "stdin read twice" "$MMSCAN wc - - <small.txt" "wc - - <small.txt"
same_output "stdin, then cat" "{ $MMSCAN wc -l; cat; } <small.txt" "{ wc -l; cat; } <small.txt"
same_output "options after the files" "$MMSCAN wc small.txt one -l" "wc small.txt one -l"
# The lines of the files that can be counted are GNU wc's (a directory's
# zeros too, and those of a file that opens but cannot be read: reading
# /proc/self/mem at offset 0 fails), in the widths it picks; the status is
# mmscan's 2 (GNU's 1).
mkdir adir
for operands in "missing small.txt" "adir small.txt" "small.txt adir" \
    "/proc/self/mem small.txt" "-l small.txt /proc/self/mem"; do
    expect_status "$operands" 2 "$MMSCAN" wc $operands
    wc $operands >want.txt 2>/dev/null
    cmp -s out.txt want.txt || fail "$operands: other lines than GNU wc: $(cat out.txt)"
done
# Names that hold a newline are quoted for the shell, as GNU wc does; the
# others are printed as they are.
mkdir names
for name in 'a\nb' '\na' "a'\\nb" "a\\n'b" 'a\tb\nc' 'a \303\251\nb' 'x\n\001\177\r\033' 'c d' 'g\th'; do
    printf x >"names/$(printf "$name")"
done
same_output "names with a newline" "cd names && $MMSCAN wc *" "cd names && wc *"
same_output "long options" "$MMSCAN wc --lines --words --bytes small.txt" "wc --lines --words --bytes small.txt"

# Errors: reported in one line, the other files still counted, exit 2.
"$MMSCAN" wc small.txt missing one >out.txt 2>err.txt
rc=$?
[ "$rc" = 2 ] || fail "missing file: exit status $rc, want 2"
expect_stderr_line "missing file" "mmscan: wc: 'missing': No such file or directory"
wc small.txt one | sed '$d' >want.txt
sed '$d' out.txt >got.txt
cmp -s got.txt want.txt || fail "missing file: the other files' lines differ from wc"
tail -n 1 out.txt | grep -q ' total$' || fail "missing file: no total line"

mkdir adir
expect_status "directory" 2 "$MMSCAN" wc adir
expect_stderr_line "directory" "mmscan: wc: 'adir': Is a directory"

printf 'secret\n' >secret && chmod 000 secret
if [ "$(id -u)" = 0 ]; then
    chmod 755 "$WORK"
    expect_status "unreadable file" 2 setpriv --reuid=65534 --regid=65534 --clear-groups "$MMSCAN" wc secret
else
    expect_status "unreadable file" 2 "$MMSCAN" wc secret
fi
expect_stderr_line "unreadable file" "mmscan: wc: 'secret': Permission denied"

# A sparse file past 4 GiB with data after the 4 GiB mark (no disk used).
truncate -s 5G sparse
printf 'far away\nhere too\n' | dd of=sparse bs=1 seek=4831838200 conv=notrunc status=none
same_output "sparse 5 GiB, -lc" "$MMSCAN wc -lc --window 1M sparse" "wc -lc sparse"
"$MMSCAN" wc -w sparse >out.txt
[ "$(cat out.txt)" = "4 sparse" ] || fail "sparse 5 GiB words: $(cat out.txt)"

# A fixture whose counts GNU wc wrote when it was made.
DATA="$TEST_SRCDIR/../data"
(cd "$DATA" && "$MMSCAN" wc wc-sample.txt && "$MMSCAN" wc -l wc-sample.txt &&
    "$MMSCAN" wc -w wc-sample.txt) >fixture.out
cmp -s fixture.out "$DATA/wc-sample.expected" || fail "data/wc-sample.txt: counts differ from data/wc-sample.expected"

finish
