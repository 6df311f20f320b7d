#!/bin/sh
# mmscan scan: every part equals what its own command prints (and what the
# real tool prints), alone and all together, in text and JSON.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

make_text text.txt 20000 9
random_file 200000 random.bin
: >empty
printf 'delta\nno newline delta' >nonl.txt

for f in text.txt random.bin empty nonl.txt; do
    same_output "--wc $f" "$MMSCAN scan --wc $f" "wc $f"
    for alg in 32:0 64:1 128:2 3:3; do
        same_output "--hash xxh${alg%:*} $f" "$MMSCAN scan --hash xxh${alg%:*} $f" \
            "$MMSCAN hash -H${alg#*:} $f"
    done
    same_output "--hash xxh64 $f, xxhsum" "$MMSCAN scan --hash xxh64 $f" "xxhsum -H1 $f"
    # (scan exits 0 when it could answer; grep exits 1 when it counts 0.)
    same_output "--grep $f" "$MMSCAN scan --grep 'del[a-z]*' $f" "$MMSCAN grep -H -c 'del[a-z]*' $f; true"
    same_output "--grep -E -i $f" "$MMSCAN scan -E -i --grep 'DEL(ta)+' $f" \
        "$MMSCAN grep -E -i -H -c 'DEL(ta)+' $f; true"
    same_output "--grep -F $f" "$MMSCAN scan -F --grep 'a.b' $f" "$MMSCAN grep -F -H -c 'a.b' $f; true"
    same_output "--stats $f" "$MMSCAN scan --stats $f" "$MMSCAN stats $f"
    same_output "everything $f" \
        "$MMSCAN scan --stats --grep delta --hash xxh3 --wc --grep beta --hash xxh128 $f" \
        "$MMSCAN wc $f; $MMSCAN hash -H3 $f; $MMSCAN hash -H2 $f; $MMSCAN grep -H -c delta $f; $MMSCAN grep -H -c beta $f; $MMSCAN stats $f"
done

for f in text.txt nonl.txt; do
    same_output "--grep $f, GNU grep" "$MMSCAN scan --grep 'del[a-z]*' $f" "grep -H -c 'del[a-z]*' $f"
done

# JSON: one object per file, with the same numbers.
"$MMSCAN" scan --json --wc --hash xxh3 --hash xxh64 --grep delta --stats text.txt nonl.txt >out.json ||
    fail "json: exit status $?"
[ "$(wc -l <out.json)" = 2 ] || fail "json: $(wc -l <out.json) lines, want 2"
for f in text.txt nonl.txt; do
    jq -c "select(.file == \"$f\")" out.json >one.json
    [ "$(jq -r '"\(.wc.lines) \(.wc.words) \(.wc.bytes)"' one.json)" = "$(wc <$f | awk '{ print $1, $2, $3 }')" ] ||
        fail "json $f: wc"
    [ "$(jq -r .hash.xxh3 one.json)" = "$("$MMSCAN" hash -H3 $f | sed 's/.* = //')" ] || fail "json $f: xxh3"
    [ "$(jq -r .hash.xxh64 one.json)" = "$(xxhsum -H1 $f 2>/dev/null | cut -d" " -f1)" ] || fail "json $f: xxh64"
    [ "$(jq -r '.grep[0] | "\(.pattern) \(.count)"' one.json)" = "delta $(grep -c delta $f)" ] || fail "json $f: grep"
    "$MMSCAN" stats --json $f | jq -c 'del(.file)' >stats.json
    jq -c .stats one.json | cmp -s - stats.json || fail "json $f: stats differ from mmscan stats"
done

# An algorithm asked for twice is one hash: one key in JSON, one line else.
"$MMSCAN" scan --json --hash xxh3 --hash xxh64 --hash xxh3 text.txt >twice.json
[ "$(jq -c '.hash | keys' twice.json)" = '["xxh3","xxh64"]' ] || fail "--hash twice: $(cat twice.json)"
[ "$("$MMSCAN" scan --hash xxh3 --hash xxh3 text.txt | wc -l)" = 1 ] || fail "--hash twice: not one line"
rm -f twice.json

# JSON text is UTF-8 whatever a file name holds: a byte that is not part of
# a UTF-8 character becomes U+FFFD; UTF-8 names stay as they are.
bad=$(printf 'bad\377\376\303.txt') good=$(printf 'caf\303\251 \360\237\215\265.txt')
cp nonl.txt "$bad"
cp nonl.txt "$good"
"$MMSCAN" scan --json --wc "$bad" "$good" >names.json || fail "json names: exit status $?"
iconv -f UTF-8 -t UTF-8 names.json >/dev/null 2>&1 || fail "json names: not UTF-8: $(cat names.json)"
fffd=$(printf '\357\277\275')
[ "$(jq -r .file names.json | head -n 1)" = "bad$fffd$fffd$fffd.txt" ] || fail "json names: $(head -n 1 names.json)"
[ "$(jq -r .file names.json | tail -n 1)" = "$good" ] || fail "json names: $(tail -n 1 names.json)"
rm -f "$bad" "$good" names.json

# Several threads when nothing needs order; several files at once.
same_output "--threads 3 --window 4K" "$MMSCAN scan --wc --stats --threads 3 --window 4K text.txt" \
    "$MMSCAN scan --wc --stats text.txt"
# With a hash beside them, each processor is a lane: the same answers on
# any number of threads and windows.
for t in 1 2 3; do
    same_output "lanes, --threads $t --window 4K" \
        "$MMSCAN scan --hash xxh3 --wc --grep delta --stats --threads $t --window 4K text.txt random.bin" \
        "$MMSCAN scan --hash xxh3 --wc --grep delta --stats --threads 1 text.txt random.bin"
done
same_output "--jobs 3" "$MMSCAN scan --jobs 3 --wc --hash xxh3 text.txt random.bin empty nonl.txt" \
    "$MMSCAN scan --wc --hash xxh3 text.txt random.bin empty nonl.txt"
# Standard input named twice: the first scan reads it all, the second
# finds nothing left, as GNU wc does; under --jobs, the scans of standard
# input run one at a time in input order.
for jobs in 1 2 4; do
    same_output "stdin twice, --jobs $jobs" \
        "cat text.txt | $MMSCAN scan --jobs $jobs --wc --hash xxh64 - nonl.txt - random.bin" \
        "cat text.txt | $MMSCAN scan --wc --hash xxh64 -; $MMSCAN scan --wc --hash xxh64 nonl.txt; $MMSCAN scan --wc --hash xxh64 - </dev/null; $MMSCAN scan --wc --hash xxh64 random.bin"
done
same_output "stdin" "cat text.txt | $MMSCAN scan --wc --hash xxh64 --grep delta" \
    "cat text.txt | wc; cat text.txt | xxhsum; cat text.txt | grep -H -c delta"
same_output "stdin named -" "cat text.txt | $MMSCAN scan --wc --hash xxh64 --grep delta -" \
    "cat text.txt | wc -; cat text.txt | xxhsum -; cat text.txt | grep -H -c delta -"

# Errors.
"$MMSCAN" scan --wc text.txt missing nonl.txt >out.txt 2>err.txt
[ "$?" = 2 ] || fail "missing file: exit status, want 2"
expect_stderr_line "missing file" "mmscan: scan: 'missing': No such file or directory"
[ "$(wc -l <out.txt)" = 2 ] || fail "missing file: the other files are not reported"
expect_status "nothing to do" 2 "$MMSCAN" scan text.txt
expect_stderr_line "nothing to do" "mmscan: scan: nothing to do"
expect_status "bad algorithm" 2 "$MMSCAN" scan --hash md5 text.txt
expect_stderr_line "bad algorithm" "mmscan: scan: --hash: unknown algorithm 'md5'"
expect_status "bad pattern" 2 "$MMSCAN" scan -E --grep 'a(' text.txt
expect_stderr_line "bad pattern" "mmscan: scan: --grep: invalid pattern 'a(':"
same_output "--stats --histogram" "$MMSCAN scan --stats --histogram text.txt" \
    "$MMSCAN stats --histogram text.txt"
expect_status "--histogram without --stats" 2 "$MMSCAN" scan --wc --histogram text.txt
expect_stderr_line "--histogram without --stats" "mmscan: scan: --histogram is for --stats"
expect_status "-E and -F" 2 "$MMSCAN" scan -E -F --grep a text.txt
expect_stderr_line "-E and -F" "mmscan: scan: conflicting matchers: -E and -F"
expect_status "-i without --grep" 2 "$MMSCAN" scan --wc -i text.txt
expect_stderr_line "-i without --grep" "mmscan: scan: -E, -F and -i are for --grep patterns"
"$MMSCAN" scan --json --wc text.txt missing >out.txt 2>err.txt
check_equal "missing file, --json" "$(jq -c . out.txt | tail -n 1)" \
    '{"file":"missing","error":"No such file or directory"}'

# As in grep, a newline in a pattern separates patterns (a final one is
# followed by an empty pattern, which matches every line).
for syntax in "" -E -F; do
    same_output "--grep with a newline $syntax" \
        "$MMSCAN scan $syntax --grep 'delta
alpha' text.txt" "grep $syntax -H -c 'delta
alpha' text.txt"
    same_output "--grep ending with a newline $syntax" \
        "$MMSCAN scan $syntax --grep 'delta
' text.txt" "grep $syntax -H -c 'delta
' text.txt"
done

finish
