#!/bin/sh
# --zstd: scanning commands read the content of .zst inputs, as if
# `zstd -dc FILE |` fed them; --zstd=auto looks at the magic number.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

# The counts of wc output without the name and the column widths: a script
# file, as the commands same_output runs do not see the test's functions.
cat >counts.sh <<'EOF'
awk '{ $NF = ($NF ~ /^[0-9]+$/) ? $NF : ""; print }' | sed 's/ *$//'
EOF

make_text text 120000 5                     # a few MiB
make_text small 300 6
zstd -q -19 small -o small.zst
zstd -q -3 -T2 text -o text.zst
zstd -q --long=30 text -o long.zst          # zstd itself needs --long=30 to read it
zstd -q -c <text >piped.zst                 # no content size
printf '\120\052\115\030\003\000\000\000abc' >skip.zst
cat skip.zst small.zst piped.zst skip.zst >frames.zst
cat small text >frames.want

for f in small.zst text.zst long.zst piped.zst frames.zst; do
    for flags in "" -l -w -c -lc; do
        same_output "wc $flags --zstd, pipe, $f" "cat $f | $MMSCAN wc $flags --zstd" \
            "zstd -q -d -c --long=30 $f | wc $flags"
        same_output "wc $flags --zstd $f" "$MMSCAN wc $flags --zstd $f | sh counts.sh" \
            "zstd -q -d -c --long=30 $f | wc $flags | sh counts.sh"
    done
done
for window in 4K 64K; do
    for threads in 1 2; do
        same_output "--window $window --threads $threads" \
            "$MMSCAN wc --zstd --window $window --threads $threads text.zst frames.zst | sh counts.sh" \
            "wc text frames.want | sh counts.sh"
    done
done

# auto: compressed inputs by their magic number (frames or a skippable
# frame first), the others as they are; never: bytes as they are.
same_output "--zstd=auto" "$MMSCAN wc --zstd=auto small text.zst frames.zst text | sh counts.sh" \
    "wc small text frames.want text | sh counts.sh"
same_output "--zstd=never" "$MMSCAN wc --zstd --zstd=never text.zst" "wc text.zst"
same_output "no --zstd" "$MMSCAN wc text.zst" "wc text.zst"
same_output "--zstd=auto on a pipe" "cat text.zst | $MMSCAN wc --zstd=auto" "cat text.zst | wc"
same_output "--zstd=always" "$MMSCAN wc --zstd=always text.zst | sh counts.sh" "wc text | sh counts.sh"

# compress --zstd recompresses the content.
"$MMSCAN" compress --zstd -1 text.zst -o again.zst && zstd -q -d -c again.zst | cmp -s - text ||
    fail "compress --zstd: not the content"

# Errors: one line, exit 2.
expect_status "--zstd=bogus" 2 "$MMSCAN" wc --zstd=bogus text
expect_stderr_line "--zstd=bogus" "mmscan: wc: --zstd: invalid value 'bogus' (always, auto or never)"
expect_status "--zstd on a plain file" 2 "$MMSCAN" wc --zstd text
expect_stderr_line "--zstd on a plain file" "mmscan: wc: 'text': not in zstd format"
size=$(wc -c <text.zst)
head -c $((size - 100)) text.zst >cut.zst
expect_status "truncated" 2 "$MMSCAN" wc --zstd cut.zst
expect_stderr_line "truncated" "mmscan: wc: 'cut.zst': truncated zstd data: frame 1 is cut short"
cp text.zst sum.zst
printf '\001' | dd of=sum.zst bs=1 seek=$((size - 2)) conv=notrunc status=none
expect_status "checksum" 2 "$MMSCAN" wc --zstd sum.zst
expect_stderr_line "checksum" "mmscan: wc: 'sum.zst': checksum mismatch in frame 1"
expect_status "--help" 0 "$MMSCAN" wc --help
grep -q -- '--zstd\[=WHEN\]' out.txt || fail "wc --help does not teach --zstd"

# Past 4 GiB of content.
truncate -s 4300M sparse
printf 'far away\nhere too\n' | dd of=sparse bs=1 seek=4400000000 conv=notrunc status=none
zstd -q -1 -T2 sparse -o sparse.zst && rm -f sparse
[ "$("$MMSCAN" wc -lc --zstd sparse.zst | sh counts.sh)" = "2 4508876800" ] ||
    fail "sparse 4.3 GiB: $("$MMSCAN" wc -lc --zstd sparse.zst 2>&1)"

# Columns as wide as GNU wc makes them for a pipe, the file name after them.
same_output "wc --zstd columns" "$MMSCAN wc --zstd small.zst" \
    "zstd -q -d -c small.zst | wc | sed 's/\$/ small.zst/'"

finish
