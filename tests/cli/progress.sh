#!/bin/sh
# --progress and --no-progress: every scanning command draws the same bar
# on stderr when asked, and nothing when stderr is not a terminal.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

random_file 3000000 data.bin

for cmd in "wc" "grep -c xyz" "hash" "stats" "scan --wc"; do
    # shellcheck disable=SC2086
    "$MMSCAN" $cmd --progress --window 64K data.bin >out.txt 2>err.txt
    grep -q "\] 100%  2.9 MiB / 2.9 MiB  " err.txt || fail "$cmd --progress: no final line: $(cat err.txt)"
    grep -q "\]   0%  0 B / 2.9 MiB" err.txt || fail "$cmd --progress: no first line"
    # shellcheck disable=SC2086
    "$MMSCAN" $cmd --window 64K data.bin >plain.txt 2>err.txt
    [ -s err.txt ] && fail "$cmd: stderr is not a terminal, yet: $(cat err.txt)"
    cmp -s out.txt plain.txt || fail "$cmd --progress: stdout changed"
    # shellcheck disable=SC2086
    "$MMSCAN" $cmd --progress --no-progress data.bin >/dev/null 2>err.txt
    [ -s err.txt ] && fail "$cmd --no-progress: $(cat err.txt)"
done

# gen draws the same bar while it writes.
"$MMSCAN" gen --size 3M --window 64K --progress gen.bin >out.txt 2>err.txt || fail "gen --progress: exit status $?"
grep -q "\]   0%  0 B / 3.0 MiB" err.txt || fail "gen --progress: no first line: $(cat err.txt)"
grep -q "\] 100%  3.0 MiB / 3.0 MiB  " err.txt || fail "gen --progress: no final line: $(cat err.txt)"
"$MMSCAN" gen --size 3M --force gen.bin >out.txt 2>err.txt || fail "gen: exit status $?"
[ -s err.txt ] && fail "gen: stderr is not a terminal, yet: $(cat err.txt)"

# A pipe: the size is not known, so bytes and rate only.
cat data.bin | "$MMSCAN" wc --progress >/dev/null 2>err.txt
tail -n 1 err.txt | grep -qx "2.9 MiB  .*/s" || fail "pipe: last line: $(tail -n 1 err.txt)"
grep -q "%" err.txt && fail "pipe: a percentage without a size"

# Compressed input: the bytes fed are the decompressed ones, whose number
# the compressed file's size does not give: bytes and rate only.
zstd -q -1 data.bin -o data.bin.zst
"$MMSCAN" wc --zstd --progress data.bin.zst >/dev/null 2>err.txt
tail -n 1 err.txt | grep -qx "2.9 MiB  .*/s" || fail "--zstd: last line: $(tail -n 1 err.txt)"
grep -q "%" err.txt && fail "--zstd: a percentage of the compressed size: $(tail -n 1 err.txt)"

# Several threads report at once: still one final line per scan.
"$MMSCAN" stats --progress --threads 3 --window 64K data.bin data.bin >/dev/null 2>err.txt
[ "$(grep -c '100%' err.txt)" = 2 ] || fail "threads: $(grep -c '100%' err.txt) final lines, want 2"

# On a terminal narrower than the line, every redraw fits in one row (a
# wrapped line leaves a row behind at each redraw): the bar goes first,
# then the end of the line.
if command -v script >/dev/null; then
    for columns in 80 50 30; do
        script -qc "stty cols $columns; '$MMSCAN' stats --progress --threads 1 --window 64K data.bin >/dev/null" \
            /dev/null >tty.txt 2>&1
        tr '\r' '\n' <tty.txt | sed 's/\x1b\[K//g' | grep '%' >lines.txt
        [ -s lines.txt ] || fail "$columns columns: no progress line: $(cat tty.txt)"
        widest=$(awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }' lines.txt)
        [ "$widest" -lt "$columns" ] || fail "$columns columns: a line of $widest: $(cat lines.txt)"
    done
    grep -q '100%' lines.txt || fail "30 columns: no final line: $(cat lines.txt)"
else
    fail "script (bsdutils) is missing: the terminal cases cannot run"
fi

finish
