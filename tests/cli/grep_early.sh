#!/bin/sh
# mmscan grep stops reading an input once its answer is known (-q, -l, -L,
# -m NUM), as GNU grep does: on a FIFO whose writer never stops, and on a
# huge sparse file, it still ends at once, with GNU grep's output.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

# endless TOOL ARGS...: runs TOOL (under timeout) on a FIFO fed a few lines,
# then "filler" lines forever; stdout to TOOL.out, exit status to TOOL.rc.
endless() {
    tool=$1
    shift
    rm -f fifo
    mkfifo fifo
    { printf 'a needle\nfiller\nneedle two\nmore\n'; exec yes filler; } >fifo 2>/dev/null &
    writer=$!
    timeout 20 "$@" fifo >"$tool.out" 2>/dev/null
    echo $? >"$tool.rc"
    kill "$writer" 2>/dev/null
    wait "$writer" 2>/dev/null
}

for opts in -q -l -L "-m 1" "-m 2" "-m 2 -n" "-m 1 -o" "-m 2 -c" "-m 3 -v" "-m 1 -b"; do
    # shellcheck disable=SC2086
    endless mmscan "$MMSCAN" grep $opts needle
    # shellcheck disable=SC2086
    endless grep grep $opts needle
    if ! cmp -s mmscan.out grep.out; then
        fail "endless FIFO, grep $opts: output differs"
        diff mmscan.out grep.out | head -n 10 >&2
    elif [ "$(cat mmscan.rc)" != "$(cat grep.rc)" ]; then
        fail "endless FIFO, grep $opts: exit status $(cat mmscan.rc), want $(cat grep.rc)"
    fi
done

# A sparse file far too big to read in the time allowed, the needle in its
# first page: every part of a split scan must stop, not only the first.
if truncate -s 1T sparse 2>/dev/null; then
    printf 'a needle\n' | dd of=sparse conv=notrunc status=none
    for threads in 1 4; do
        expect_status "sparse -q, $threads threads" 0 \
            timeout 20 "$MMSCAN" grep --threads "$threads" -q needle sparse
        expect_status "sparse -l, $threads threads" 0 \
            timeout 20 "$MMSCAN" grep --threads "$threads" -l needle sparse
        [ "$(cat out.txt)" = sparse ] || fail "sparse -l, $threads threads: $(cat out.txt)"
        expect_status "sparse -m 1, $threads threads" 0 \
            timeout 20 "$MMSCAN" grep --threads "$threads" -m 1 needle sparse
        [ "$(cat out.txt)" = "a needle" ] || fail "sparse -m 1, $threads threads: $(cat out.txt)"
    done
fi

# Decompressed input: stopping early is no corrupt frame.
{ printf 'a needle\n'; yes filler | head -n 2000000; } | zstd -q -c >big.zst
expect_status "zstd -q" 0 "$MMSCAN" grep --zstd -q needle big.zst
expect_status "zstd -m 1" 0 "$MMSCAN" grep --zstd --window 4K -m 1 needle big.zst
[ "$(cat out.txt)" = "a needle" ] || fail "zstd -m 1: $(cat out.txt) $(cat err.txt)"

finish
