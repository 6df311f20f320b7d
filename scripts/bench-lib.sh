# bench-lib.sh - helpers for the benchmark scripts (sourced, POSIX sh).
#
# A benchmark runs the anchor tool and mmscan alternately on the same data
# in page cache, several rounds, and reports the median time of each, the
# throughput ratio and the peak RSS (/usr/bin/time -v).  Timings on a busy
# machine vary; ratios measured alternately in one run vary much less.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-5}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/mmscan-bench}
export LC_ALL=C
mkdir -p "$BENCH_DIR"

# bench_build: make sure mmscan is built (installs what is missing) and set
# MMSCAN to the binary to time.
bench_build() {
    "$ROOT/scripts/build" >/dev/null
    . "$ROOT/scripts/bench-mmscan.sh"
}

# bench_text_file PATH SIZE: a deterministic text file of SIZE bytes (kept
# between runs).  Lines of 1 to 12 words from a fixed vocabulary.
bench_text_file() {
    [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$2" ] && return 0
    awk 'BEGIN { srand(7)
        split("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon", w, " ")
        for (i = 0; i < 1000000; i++) {
            line = ""; k = int(rand() * 12) + 1
            for (j = 0; j < k; j++) line = line (j ? " " : "") w[1 + int(rand() * 20)]
            print line
        } }' >"$1.part"
    : >"$1.tmp"
    while [ "$(stat -c %s "$1.tmp")" -lt "$2" ]; do cat "$1.part" >>"$1.tmp"; done
    truncate -s "$2" "$1.tmp"
    rm -f "$1.part"
    mv "$1.tmp" "$1"
}

# bench_evict PATH: drops the file from the page cache (dd iflag=nocache
# count=0 calls posix_fadvise DONTNEED).
bench_evict() {
    dd if="$1" iflag=nocache count=0 status=none
}

# bench_warm PATH: drop the file from the page cache, then read it once,
# so that it is cached as a file read from disk is (in large folios; a file
# just written may sit in 4 KiB ones, slower to map: see README), whatever
# happened to it before.
bench_warm() {
    bench_evict "$1"
    cat "$1" >/dev/null
}

# measure "COMMAND": runs it once under /usr/bin/time -v; sets SECONDS_TAKEN
# (wall clock), CPU_TAKEN (user + system) and PEAK_KB.  The command's stdout
# is discarded.
measure() {
    # Wall time in nanoseconds around the run: time's own clock counts in
    # 10 ms steps, too coarse for runs of a few tenths of a second.
    start_ns=$(date +%s%N)
    /usr/bin/time -v sh -c "$1" >/dev/null 2>"$BENCH_DIR/time.txt" || {
        echo "bench: command failed: $1" >&2
        cat "$BENCH_DIR/time.txt" >&2
        exit 2
    }
    SECONDS_TAKEN=$(awk -v ns=$(($(date +%s%N) - start_ns)) 'BEGIN { print ns / 1e9 }')
    CPU_TAKEN=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 } END { print s }' "$BENCH_DIR/time.txt")
    PEAK_KB=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$BENCH_DIR/time.txt")
}

median() {
    tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

bench_header() {
    printf '%-30s %9s %9s %9s %7s %9s %9s %10s\n' "case" "anchor s" "mmscan s" "anch GB/s" "ratio" \
        "anch cpu" "mm cpu" "mm RSS MB"
}

# compare NAME BYTES "ANCHOR COMMAND" "MMSCAN COMMAND": alternate rounds,
# print one row: median wall times, anchor throughput, speed ratio (anchor
# time / mmscan time), median CPU seconds of each, mmscan peak RSS.
compare() {
    name=$1 bytes=$2 anchor=$3 ours=$4
    anchor_times="" our_times="" anchor_cpu="" our_cpu="" peak=0
    round=0
    while [ "$round" -lt "$ROUNDS" ]; do
        measure "$anchor"
        anchor_times="$anchor_times $SECONDS_TAKEN" anchor_cpu="$anchor_cpu $CPU_TAKEN"
        measure "$ours"
        our_times="$our_times $SECONDS_TAKEN" our_cpu="$our_cpu $CPU_TAKEN"
        [ "$PEAK_KB" -gt "$peak" ] && peak=$PEAK_KB
        round=$((round + 1))
    done
    a=$(echo "$anchor_times" | median) o=$(echo "$our_times" | median)
    ac=$(echo "$anchor_cpu" | median) oc=$(echo "$our_cpu" | median)
    awk -v n="$name" -v b="$bytes" -v a="$a" -v o="$o" -v ac="$ac" -v oc="$oc" -v p="$peak" 'BEGIN {
        if (o <= 0) o = 0.005; if (a <= 0) a = 0.005
        printf "%-30s %9.3f %9.3f %9.2f %6.2fx %9.2f %9.2f %10.1f\n", n, a, o, b / a / 1e9, a / o, ac, oc, p / 1024 }'
}

# peak_rss NAME "COMMAND": one run, print the peak RSS row.
peak_rss() {
    measure "$2"
    printf '%-34s peak RSS %.1f MB in %.2f s\n' "$1" "$(echo "$PEAK_KB" | awk '{ print $1 / 1024 }')" "$SECONDS_TAKEN"
}
