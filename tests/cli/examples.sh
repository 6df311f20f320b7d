#!/bin/sh
# The programs in examples/ (built with the library, using only <mmscan.h>)
# on data made here whose answers are known.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"
EXAMPLES=$(dirname "$MMSCAN")/examples

# 5000 records of 20 bytes: type i % 5 (type 4 is written as 9: "other"),
# every 100th with a bad magic, then 7 trailing bytes.  Records cross 4K
# window edges (4096 is no multiple of 20).
awk 'BEGIN { for (i = 0; i < 5000; i++) {
        t = i % 5 == 4 ? 9 : i % 5
        printf "%s%c%c%c%c%012d", (i % 100 == 99 ? "BAD!" : "REC1"), t, 0, 0, 0, i } }' >records.bin
printf 'partial' >>records.bin
[ "$(wc -c <records.bin)" = 100007 ] || fail "records.bin: $(wc -c <records.bin) bytes"
cat >want.txt <<'END'
type 0: 1000
type 1: 1000
type 2: 1000
type 3: 1000
other types: 950
bad magic: 50
trailing bytes: 7
END
for window in 4K 64M; do
    "$EXAMPLES/record_count" records.bin $window >got.txt || fail "record_count: exit status $?"
    cmp -s got.txt want.txt || { fail "record_count, window $window: counts differ"; diff got.txt want.txt >&2; }
    "$EXAMPLES/record_count" - $window <records.bin >got.txt || fail "record_count -: exit status $?"
    cmp -s got.txt want.txt || { fail "record_count -, window $window: counts differ"; diff got.txt want.txt >&2; }
done
expect_status "record_count, missing file" 2 "$EXAMPLES/record_count" missing

make_text text.txt 5000 4
"$EXAMPLES/analytics" text.txt gamma >got.txt || fail "analytics: exit status $?"
{
    echo "size: $(wc -c <text.txt)"
    echo "lines: $(wc -l <text.txt)"
    echo "longest line: $("$MMSCAN" stats --json text.txt | jq -r .longest_line)"
    echo "entropy: $("$MMSCAN" stats --json text.txt | jq -r '.entropy * 1000 | round / 1000')"
    echo "verdict: binary"
    echo "xxh3: $("$MMSCAN" hash -H3 text.txt | sed 's/.* = //')"
    echo "lines with 'gamma': $(grep -c gamma text.txt)"
} >want.txt
sed '$d' got.txt | awk '/^entropy:/ { printf "entropy: %g\n", $2; next } { print }' >got-head.txt
awk '/^entropy:/ { printf "entropy: %g\n", $2; next } { print }' want.txt >want-head.txt
cmp -s got-head.txt want-head.txt || { fail "analytics: results differ"; diff got-head.txt want-head.txt >&2; }
grep -qx "maps: 1 for $(wc -c <text.txt | tr -d ' ') bytes" got.txt || fail "analytics: not one pass: $(tail -n 1 got.txt)"

finish
