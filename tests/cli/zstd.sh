#!/bin/sh
# mmscan compress and decompress against the zstd CLI, both ways.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

# Files and directories left in the work directory besides the inputs.
leftovers() {
    ls -A | grep -v -x -e text -e random -e empty -e one -e 'edge[0-9]*' -e 'got.*' -e 'want.*' \
        -e out.txt -e err.txt
}

make_text text 60000 3                      # about 2 MiB
random_file 1000000 random        # does not compress
: >empty
printf x >one
for n in 4095 4096 4097 8191 8192 8193 20483; do head -c "$n" text >"edge$n"; done
INPUTS="empty one edge4095 edge4096 edge4097 edge8191 edge8192 edge8193 edge20483 text random"

# mmscan's frames are zstd's frames: same libzstd, same parameters, same
# bytes; and zstd -d reads them back.
for args in "-1" "" "-3 -T2" "-9 -T0" "-3 --long" "-1 --no-check" "-19 -T2"; do
    for f in $INPUTS; do
        case "$args" in -19*) [ "$f" = text ] || [ "$f" = random ] && continue ;; esac
        # shellcheck disable=SC2086
        "$MMSCAN" compress $args "$f" -o got.zst 2>err.txt || fail "compress $args $f: $(cat err.txt)"
        # shellcheck disable=SC2086
        zstd -q $args "$f" -o want.zst
        cmp -s got.zst want.zst || fail "compress $args $f: differs from zstd $args"
        zstd -q -d -c got.zst | cmp -s - "$f" || fail "compress $args $f: zstd -d gives other bytes"
        rm -f got.zst want.zst
    done
done
"$MMSCAN" compress -3 --window 4K edge20483 -o got.zst && zstd -q -3 edge20483 -o want.zst
cmp -s got.zst want.zst || fail "compress --window 4K: differs from zstd"
rm -f got.zst want.zst

# Standard input is compressed from where it stands: its frame declares
# those bytes, not the whole file's (zstd -t then found the frame corrupt).
{ dd bs=1000 count=1 status=none >/dev/null; "$MMSCAN" compress -o got.zst; } <text ||
    fail "compress of stdin read partly: exit status $?"
zstd -q -t got.zst || fail "compress of stdin read partly: zstd -t refuses the frame"
tail -c +1001 text >want.txt
zstd -q -d -c got.zst | cmp -s - want.txt || fail "compress of stdin read partly: other bytes"
rm -f got.zst want.txt

# What zstd writes, mmscan decompresses: levels, threads, --long above
# what zstd reads by default, without checksum, without content size
# (from a pipe), several frames, a skippable frame.
for args in "-1" "-19" "-3 -T2" "--long=30" "--no-check" "--no-content-size"; do
    for f in $INPUTS; do
        case "$args" in -19*) [ "$f" = random ] && continue ;; esac
        # shellcheck disable=SC2086
        zstd -q $args "$f" -o want.zst
        "$MMSCAN" decompress want.zst -o got 2>err.txt || fail "decompress zstd $args $f: $(cat err.txt)"
        cmp -s got "$f" || fail "decompress zstd $args $f: wrong content"
        rm -f got want.zst
    done
done
zstd -q -c <text >piped.zst
zstd -q -c one text empty random >multi.zst
printf '\120\052\115\030\005\000\000\000hello' >skippable.zst   # magic 0x184D2A50, 5 bytes
cat skippable.zst piped.zst skippable.zst multi.zst >mixed.zst
cat text >want && cat one text empty random >>want
same_output "several frames" "$MMSCAN decompress -c multi.zst" "zstd -d -c multi.zst"
same_output "skippable frames and frames without size" "$MMSCAN decompress -c mixed.zst" "zstd -d -c mixed.zst"
"$MMSCAN" decompress mixed.zst -o got --window 4K && cmp -s got want || fail "mixed frames to a file, 4K windows"
rm -f got want piped.zst multi.zst skippable.zst mixed.zst

# mmscan to mmscan, at the window edges, to files (mapped) and pipes.
for f in $INPUTS; do
    "$MMSCAN" compress --window 4K "$f" && "$MMSCAN" decompress --window 4K -c "$f.zst" >got &&
        cmp -s got "$f" || fail "round trip $f through a pipe"
    mv "$f" "$f.orig"
    "$MMSCAN" decompress --window 4K "$f.zst" && cmp -s "$f" "$f.orig" || fail "round trip $f to a file"
    mv "$f.orig" "$f"
    rm -f "$f.zst" got
done

# Standard input and output.
same_output "compress a pipe" "cat text | $MMSCAN compress | zstd -d -c" "cat text"
same_output "decompress a pipe" "zstd -q -c text | $MMSCAN decompress" "cat text"
zstd -q text -o text.zst
same_output "-c" "$MMSCAN decompress -c text.zst" "cat text"
same_output "-o -" "$MMSCAN decompress -o - text.zst" "cat text"
"$MMSCAN" decompress <text.zst >got && cmp -s got text || fail "stdout redirected to a file"
"$MMSCAN" compress -c text | zstd -q -d -c | cmp -s - text || fail "compress -c"
rm -f got

# Names, overwriting, permissions.
mv text.zst copy.zst
"$MMSCAN" decompress copy.zst && cmp -s copy text || fail "default name: FILE.zst -> FILE"
printf 'keep me\n' >copy
expect_status "existing output" 2 "$MMSCAN" decompress copy.zst
expect_stderr_line "existing output" "mmscan: decompress: 'copy': already exists (use -f to overwrite)"
[ "$(cat copy)" = "keep me" ] || fail "existing output was changed"
expect_status "-f" 0 "$MMSCAN" decompress -f copy.zst
cmp -s copy text || fail "-f did not replace the output"
expect_status "compress to an existing FILE.zst" 2 "$MMSCAN" compress copy
expect_stderr_line "compress to an existing FILE.zst" "'copy.zst': already exists"
expect_status "no .zst suffix" 2 "$MMSCAN" decompress copy
expect_stderr_line "no .zst suffix" "'copy': unknown suffix, expected .zst"
expect_status "-o with two inputs" 2 "$MMSCAN" compress one text -o x.zst
expect_stderr_line "-o with two inputs" "-o takes one input"
expect_status "bad level" 2 "$MMSCAN" compress -23 text
expect_stderr_line "bad level" "invalid level '-23'"
# An option's value that looks like a level is the value: "-o -3" names
# the output -3 (taken as a level, it left -o to name the input, and
# standard input, compressed, replaced the input).
cp text keep.txt
"$MMSCAN" compress -f -o -3 keep.txt </dev/null || fail "-o -3: exit status $?"
cmp -s keep.txt text || fail "-o -3: the input changed"
zstd -dc -- -3 | cmp -s - text || fail "-o -3: the output -3 is not the input compressed"
"$MMSCAN" compress -cT 2 -3 keep.txt | zstd -dc | cmp -s - text || fail "-cT 2 -3: not the input"
expect_status "-T -1" 2 "$MMSCAN" compress -T -1 -c keep.txt
expect_stderr_line "-T -1" "invalid thread count '-1'"
expect_status "--threads -1" 2 "$MMSCAN" compress --threads -1 -c keep.txt
expect_stderr_line "--threads -1" "invalid thread count '-1'"
rm -f -- -3 keep.txt
SHM=mmscan-zstd-test-$$
"$MMSCAN" gen --size 1K "shm:$SHM" >/dev/null
expect_status "shm: input, no output name" 2 "$MMSCAN" compress "shm:$SHM"
expect_stderr_line "shm: input, no output name" "'shm:$SHM': name the output of a shared memory object"
[ ! -e "shm:$SHM.zst" ] || fail "shm: input, no output name: a file was written"
"$MMSCAN" compress -c "shm:$SHM" | zstd -q -d -c | cmp -s - "/dev/shm/$SHM" ||
    fail "shm: input with -c: other bytes"
"$MMSCAN" shm rm "shm:$SHM"
# An output is a file: -o shm:NAME would make a file that reads back as an
# object; ./shm:NAME is that file.
for cmd in compress decompress; do
    expect_status "$cmd -o shm:NAME" 2 "$MMSCAN" "$cmd" -o "shm:$SHM" copy.zst
    expect_stderr_line "$cmd -o shm:NAME" "-o 'shm:$SHM': the output is a file, not a shared memory object"
    [ ! -e "shm:$SHM" ] || fail "$cmd -o shm:NAME: a file was written"
done
"$MMSCAN" decompress -o "./shm:$SHM" copy.zst && [ -f "shm:$SHM" ] ||
    fail "decompress -o ./shm:NAME: no file"
rm -f "shm:$SHM"
expect_status "shm:.. as input" 2 "$MMSCAN" compress -c shm:..
expect_stderr_line "shm:.. as input" "mmscan: compress: 'shm:..': invalid shared memory name '..'"
expect_status "input is the output" 2 "$MMSCAN" decompress -f -o copy.zst copy.zst
expect_stderr_line "input is the output" "'copy.zst': is the input itself"
# A device or a FIFO as the output is written to, never replaced by a file.
expect_status "-o /dev/null" 0 "$MMSCAN" compress -o /dev/null text
mkfifo fifo
timeout 60 zstd -q -d -c <fifo >from-fifo & # a run that never opens the FIFO must not hang here
expect_status "-o FIFO" 0 timeout 60 "$MMSCAN" compress -f -o fifo text
wait
[ -p fifo ] || fail "-o FIFO: the FIFO was replaced"
cmp -s from-fifo text || fail "-o FIFO: other bytes came through"
rm -f fifo from-fifo
# A name as long as a file name may be: the temporary output's is shorter.
long=$(awk 'BEGIN { for (i = 0; i < 251; i++) printf "n" }')
cp text "$long"
expect_status "251-byte name" 0 "$MMSCAN" compress "$long"
zstd -q -d -c "$long.zst" | cmp -s - text || fail "251-byte name: other bytes"
rm -f "$long" "$long.zst"
chmod 640 copy && rm -f copy.zst && "$MMSCAN" compress copy
[ "$(stat -c %a copy.zst)" = 640 ] || fail "the output does not keep the input's mode"
rm -f copy copy.zst
[ -z "$(leftovers)" ] || fail "files left behind: $(leftovers)"

# Corrupt, truncated and foreign inputs: one line, exit 2, no output.
zstd -q text -o good.zst
size=$(wc -c <good.zst)
head -c $((size - 7)) good.zst >cut.zst
cp good.zst sum.zst
printf '\377' | dd of=sum.zst bs=1 seek=$((size - 1)) conv=notrunc status=none
cp good.zst flip.zst
printf '\377\377\377\377' | dd of=flip.zst bs=1 seek=$((size / 2)) conv=notrunc status=none
cp text plain.zst
: >nothing.zst
for case in "cut:truncated zstd data: frame 1 is cut short" "sum:checksum mismatch in frame 1" \
    "flip:corrupt zstd data in frame 1, found before byte" "plain:not in zstd format" "nothing:not in zstd format: empty input"; do
    name=${case%%:*} message=${case#*:}
    expect_status "$name.zst" 2 "$MMSCAN" decompress "$name.zst"
    expect_stderr_line "$name.zst" "mmscan: decompress: '$name.zst': $message"
    [ ! -e "$name" ] || fail "$name.zst: an output was left"
    expect_status "$name.zst to stdout" 2 "$MMSCAN" decompress -c "$name.zst"
done
[ -z "$(leftovers | grep -v '\.zst$')" ] || fail "files left behind: $(leftovers)"
# --no-check: the content of a frame whose checksum is wrong, as zstd gives it.
same_output "--no-check" "$MMSCAN decompress --no-check -c sum.zst" "zstd -q -d --no-check -c sum.zst"
rm -f ./*.zst

# An output of several 4 MiB windows (the next one mapped ahead while one is
# written), not a multiple of the window: the same bytes as zstd's; corrupt
# in its middle, an error that leaves no output.
make_text big 400000 9
zstd -q big -o big.zst
mv big want
"$MMSCAN" decompress big.zst && cmp -s big want || fail "several output windows"
rm -f big
size=$(wc -c <big.zst)
printf '\377\377\377\377\377\377\377\377' | dd of=big.zst bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_status "corrupt after several windows" 2 "$MMSCAN" decompress big.zst
expect_stderr_line "corrupt after several windows" "mmscan: decompress: 'big.zst': corrupt zstd data in frame 1, found before byte"
# The bound is past the corrupt bytes, by at most a piece of input given to
# libzstd (256 KiB) and a block (128 KiB): not byte 0, nor the end.
found=$(sed 's/.*found before byte \([0-9]*\).*/\1/' err.txt)
[ "$found" -gt $((size / 2)) ] && [ "$found" -le $((size / 2 + 393216 + 8)) ] ||
    fail "corrupt after several windows: found before byte $found, corrupted at $((size / 2)) of $size"
[ ! -e big ] || fail "corrupt after several windows: an output was left"
[ -z "$(leftovers | grep -v -x -e big.zst)" ] || fail "files left behind: $(leftovers)"
rm -f big.zst

# A sparse file past 4 GiB with data near its end: compressed and read back.
truncate -s 4300M sparse
printf 'island\n' | dd of=sparse bs=1 seek=4400000000 conv=notrunc status=none
"$MMSCAN" compress -1 -T2 sparse || fail "compress a 4.3 GiB sparse file"
[ "$(zstd -l -v sparse.zst 2>/dev/null | grep 'Decompressed Size' | sed 's/.*(\(.*\) B)/\1/')" = 4508876800 ] ||
    fail "sparse: zstd does not see the content size"
want=$(cksum <sparse)
[ "$(zstd -q -d -c sparse.zst | cksum)" = "$want" ] || fail "sparse: zstd -d gives other bytes"
[ "$("$MMSCAN" decompress -c sparse.zst | cksum)" = "$want" ] || fail "sparse: decompress gives other bytes"
rm -f sparse sparse.zst

# Files of /proc say a size of 0 whatever they hold: they are read to their
# end, and the frame does not declare a size (it did, and the frame broke).
expect_status "compress /proc/version" 0 "$MMSCAN" compress -c /proc/version
zstd -q -d -c <out.txt | cmp -s - /proc/version || fail "compress /proc/version: not its bytes"
expect_status "compress < /proc/version" 0 "$MMSCAN" compress -c - </proc/version
zstd -q -d -c <out.txt | cmp -s - /proc/version || fail "compress < /proc/version: not its bytes"
expect_status "compress /proc/self/mountinfo" 0 "$MMSCAN" compress -c /proc/self/mountinfo
zstd -q -d -c <out.txt | grep -q ' / ' || fail "compress /proc/self/mountinfo: not its lines"

finish
