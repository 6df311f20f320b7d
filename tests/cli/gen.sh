#!/bin/sh
# mmscan gen: the same bytes whatever the window, threads and write method;
# each kind is what it claims (checked with awk, grep and zstd); needles are
# where the manifest says; shared memory round trip; errors.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

SHM=mmscan-cli-gen-$$
trap 'rm -rf "$WORK"; "$MMSCAN" shm rm -- "$SHM" "-$SHM" >/dev/null 2>&1' EXIT

hash_of() {
    xxhsum <"$1" | cut -d' ' -f1
}

# gen_ok DESCRIPTION ARGS...: runs mmscan gen, which must succeed silently.
gen_ok() {
    desc=$1
    shift
    "$MMSCAN" gen "$@" >out.txt 2>err.txt
    rc=$?
    [ "$rc" = 0 ] || fail "$desc: exit status $rc: $(cat err.txt)"
    [ -s out.txt ] && fail "$desc: printed on stdout: $(cat out.txt)"
    [ -s err.txt ] && fail "$desc: printed on stderr: $(cat err.txt)"
}

# ---- the bytes depend on (kind, size, seed, options) only ----
# (the many runs go to shared memory, the references to files)
for kind in random text log csv compressible zeros; do
    gen_ok "$kind reference" --size 3000001 --seed 5 --kind "$kind" -f "ref.$kind"
done
gen_ok "sparse reference" --size 3000001 --seed 5 --kind sparse --island 1000 --island-every 64K -f ref.sparse
for kind in random text log csv compressible zeros sparse; do
    want=$(hash_of "ref.$kind")
    [ "$(wc -c <"ref.$kind")" = 3000001 ] || fail "$kind: size $(wc -c <"ref.$kind")"
    extra=""
    [ "$kind" = sparse ] && extra="--island 1000 --island-every 64K"
    for threads in 1 2; do
        for window in 4K 64M; do
            for method in pwrite map; do
                # shellcheck disable=SC2086
                gen_ok "$kind threads $threads window $window $method" --size 3000001 --seed 5 \
                    --kind "$kind" $extra --threads "$threads" --window "$window" \
                    --write-method "$method" -f "shm:$SHM"
                [ "$(hash_of "/dev/shm/$SHM")" = "$want" ] ||
                    fail "$kind: threads $threads window $window $method: other bytes"
            done
        done
    done
    # shellcheck disable=SC2086
    gen_ok "$kind into a file through 4K mapped windows" --size 3000001 --seed 5 --kind "$kind" \
        $extra --window 4K --write-method map -f out.bin
    [ "$(hash_of out.bin)" = "$want" ] || fail "$kind: mapped windows into a file: other bytes"
    if [ "$kind" != zeros ]; then
        # shellcheck disable=SC2086
        gen_ok "$kind seed 6" --size 3000001 --seed 6 --kind "$kind" $extra -f out.bin
        [ "$(hash_of out.bin)" != "$want" ] || fail "$kind: seeds 5 and 6 give the same bytes"
    fi
done

"$MMSCAN" shm rm "$SHM" || fail "shm rm after the runs"

# ---- each kind is what it claims ----
cmp ref.zeros /dev/zero 2>err.txt
grep -q "EOF on ref.zeros after byte 3000001" err.txt || fail "zeros: not all zero bytes"

head -n 1 ref.csv | grep -qx 'id,name,category,quantity,price,score,date,note' ||
    fail "csv: header is '$(head -n 1 ref.csv)'"
bad=$(awk -F, 'NR > 1 && (NF != 8 || $1 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/ ||
        $5 !~ /^[0-9]+\.[0-9][0-9]$/ || $6 !~ /^-?[01]\.[0-9][0-9][0-9][0-9]$/ ||
        $7 !~ /^20[0-3][0-9]-[01][0-9]-[0-3][0-9]$/) { n++ } END { print n + 0 }' ref.csv)
[ "$bad" = 0 ] || fail "csv: $bad rows without 8 typed fields"

bad=$(grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z (DEBUG|INFO |WARN |ERROR) \[[a-z.]+\] [a-z ]+( [a-z_]+=[^ ]+)+$' ref.log)
[ "$bad" = 0 ] || fail "log: $bad lines off the format"
sort -c ref.log 2>/dev/null || fail "log: timestamps go back"

gen_ok "text lines" --size 2M --kind text --min-line 30 --max-line 50 text.txt
bad=$(awk 'length($0) < 30 || length($0) > 50 { n++ } END { print n + 0 }' text.txt)
[ "$bad" -le 32 ] || fail "text: $bad lines outside 30..50 (only a block's last line may be)"
bad=$(grep -cvE '^[a-z]+( [a-z]+)*$' text.txt)
[ "$bad" = 0 ] || fail "text: $bad lines that are not words"

# Uniform bytes do not compress; the compressible kind meets its ratio.
size=$(zstd -3 -c -q ref.random | wc -c)
[ "$size" -ge 3000001 ] || fail "random: zstd shrinks it to $size bytes"
for ratio in 1 2 5 10 20; do
    gen_ok "ratio $ratio" --size 8M --kind compressible --ratio "$ratio" -f c.bin
    got=$(zstd -3 -c -q c.bin | wc -c)
    awk -v r="$ratio" -v c="$got" 'BEGIN { x = 8388608 / c; exit !(x >= 0.9 * r && x <= 1.1 * r) }' ||
        fail "compressible: ratio $ratio gives $(awk -v c="$got" 'BEGIN { print 8388608 / c }')"
done

# Sparse: holes use no disk; islands hold data.
gen_ok "sparse 1G" --size 1G --kind sparse sparse.bin
[ "$(wc -c <sparse.bin)" = 1073741824 ] || fail "sparse: size $(wc -c <sparse.bin)"
[ "$(du -k sparse.bin | cut -f1)" -lt 8192 ] || fail "sparse: uses $(du -k sparse.bin | cut -f1) KiB"
[ "$(dd if=sparse.bin bs=4096 skip=256 count=1 status=none | tr -d '\0' | wc -c)" -gt 4000 ] ||
    fail "sparse: no island at 1 MiB"
[ "$(dd if=sparse.bin bs=4096 skip=257 count=1 status=none | tr -d '\0' | wc -c)" = 0 ] ||
    fail "sparse: data in a hole"

# ---- needles ----
gen_ok "needles" --size 5M --kind log --needle 'N33dle!' --every 100K --manifest m.jsonl -f n.log
count=$(wc -l <m.jsonl)
[ "$count" = 52 ] || fail "needles: $count in the manifest, want 52"
[ "$(grep -o 'N33dle!' n.log | wc -l)" = "$count" ] ||
    fail "needles: grep finds $(grep -o 'N33dle!' n.log | wc -l), the manifest $count"
grep -vqE '^\{"offset":[0-9]+,"length":7,"needle":"N33dle!"\}$' m.jsonl &&
    fail "needles: manifest format: $(head -n 2 m.jsonl)"
# A needle that is not UTF-8 still makes valid JSON: UTF-8 text (iconv
# checks it) that jq reads.
gen_ok "needle not UTF-8" --size 64K --needle "$(printf 'a\377"\\')" --needle-at 10 --manifest raw.jsonl -f raw.bin
iconv -f UTF-8 -t UTF-8 raw.jsonl >/dev/null 2>&1 || fail "needle not UTF-8: the manifest is not UTF-8"
[ "$(jq -r '.offset, .length' raw.jsonl | tr '\n' ' ')" = "10 4 " ] ||
    fail "needle not UTF-8: manifest $(cat raw.jsonl)"
# A manifest that cannot be written fails the run before any output.
mkdir mdir
expect_status "manifest is a directory" 2 "$MMSCAN" gen --size 1K --needle XYZ --every 100 \
    --manifest mdir no-output.txt
expect_stderr_line "manifest is a directory" "mmscan: gen: 'mdir': Is a directory"
[ ! -e no-output.txt ] || fail "manifest is a directory: the output was written"
# An existing manifest is replaced only with --force, as the output is.
echo keep >old.jsonl
expect_status "manifest exists" 2 "$MMSCAN" gen --size 1K --needle XYZ --every 100 \
    --manifest old.jsonl no-output.txt
expect_stderr_line "manifest exists" "mmscan: gen: 'old.jsonl': already exists (use --force to replace it)"
[ "$(cat old.jsonl)" = keep ] && [ ! -e no-output.txt ] || fail "manifest exists: a file was written"
gen_ok "manifest exists, --force" --size 1K --needle XYZ --every 100 --manifest old.jsonl -f no-output.txt
grep -q '"needle":"XYZ"' old.jsonl || fail "manifest exists, --force: not replaced: $(cat old.jsonl)"
rm -f old.jsonl no-output.txt
sed 's/.*"offset":\([0-9]*\).*/\1/' m.jsonl >offsets.txt
while read -r offset; do
    got=$(tail -c +"$((offset + 1))" n.log | head -c 7)
    [ "$got" = 'N33dle!' ] || fail "needles: '$got' at $offset"
done <offsets.txt
crossing=$(awk '{ if (int($1 / 32768) != int(($1 + 6) / 32768)) n++ } END { print n + 0 }' offsets.txt)
[ "$crossing" -ge 25 ] || fail "needles: only $crossing cross a 32K edge"

gen_ok "needle-at" --size 1M --needle '"q\' --needle-at 0 --needle-at 65534 --manifest at.jsonl at.bin
printf '%s\n' '{"offset":0,"length":3,"needle":"\"q\\"}' '{"offset":65534,"length":3,"needle":"\"q\\"}' >want.jsonl
cmp -s at.jsonl want.jsonl || fail "needle-at manifest: $(cat at.jsonl)"
[ "$(tail -c +65535 at.bin | head -c 3)" = '"q\' ] || fail "needle-at: not at 65534"

# ---- shared memory ----
gen_ok "shm" --size 3000001 --seed 5 --kind text "shm:$SHM"
[ "$(stat -c %a "/dev/shm/$SHM")" = 600 ] || fail "shm: mode $(stat -c %a "/dev/shm/$SHM")"
same_output "wc of shm:NAME" "$MMSCAN wc shm:$SHM" "wc <ref.text | sed 's/\$/ shm:$SHM/'"
cmp -s "/dev/shm/$SHM" ref.text || fail "shm: other bytes than the file"
"$MMSCAN" shm ls >out.txt || fail "shm ls failed"
grep -qE "^ +3000001  0600  shm:$SHM\$" out.txt || fail "shm ls: $(cat out.txt)"
expect_status "shm exists" 2 "$MMSCAN" gen --size 1K "shm:$SHM"
expect_stderr_line "shm exists" "mmscan: gen: 'shm:$SHM': File exists (use --force to replace it)"
gen_ok "shm --force --mode" --size 1K --mode 0640 --force "shm:$SHM"
[ "$(stat -c %a "/dev/shm/$SHM")" = 640 ] || fail "shm --mode: $(stat -c %a "/dev/shm/$SHM")"
expect_status "shm rm" 0 "$MMSCAN" shm rm "$SHM"
[ -e "/dev/shm/$SHM" ] && fail "shm rm: still there"
expect_status "shm rm missing" 2 "$MMSCAN" shm rm "shm:$SHM"
expect_stderr_line "shm rm missing" "mmscan: shm: 'shm:$SHM': No such file or directory"
expect_status "shm bad action" 2 "$MMSCAN" shm list
expect_stderr_line "shm bad action" "mmscan: shm: unknown action 'list'"
# --help after the action is help, not a name; a name that starts with '-'
# goes after --.
gen_ok "shm, a name that starts with -" --size 1K "shm:-$SHM"
for action in ls rm; do
    expect_status "shm $action --help" 0 "$MMSCAN" shm "$action" --help
    grep -q "^Usage: mmscan shm ls" out.txt || fail "shm $action --help: $(cat out.txt err.txt)"
done
expect_status "shm rm -NAME" 2 "$MMSCAN" shm rm "-$SHM"
expect_stderr_line "shm rm -NAME" "mmscan: shm: rm: unknown option '-$SHM' (a NAME that starts with '-' goes after --)"
[ -e "/dev/shm/-$SHM" ] || fail "shm rm -NAME: removed"
expect_status "shm rm -- -NAME" 0 "$MMSCAN" shm rm -- "-$SHM"
[ -e "/dev/shm/-$SHM" ] && fail "shm rm -- -NAME: still there"

# ---- errors: one line, exit 2, nothing left behind ----
expect_status "size 0" 2 "$MMSCAN" gen --size 0 e.bin
expect_stderr_line "size 0" "mmscan: gen: --size: size must be at least 1 byte"
expect_status "negative size" 2 "$MMSCAN" gen --size -5 e.bin
expect_stderr_line "negative size" "mmscan: gen: --size: invalid size '-5'"
expect_status "junk suffix" 2 "$MMSCAN" gen --size 12X e.bin
expect_stderr_line "junk suffix" "mmscan: gen: --size: invalid size '12X'"
expect_status "no size" 2 "$MMSCAN" gen e.bin
expect_stderr_line "no size" "--size is required"
expect_status "no output" 2 "$MMSCAN" gen --size 1K
expect_stderr_line "no output" "missing OUTPUT"
expect_status "bad kind" 2 "$MMSCAN" gen --size 1K --kind words e.bin
expect_stderr_line "bad kind" "invalid kind 'words'"
expect_status "option of another kind" 2 "$MMSCAN" gen --size 1K --ratio 3 e.bin
expect_stderr_line "option of another kind" "--ratio: a ratio does not apply to kind random"
expect_status "needle without spacing" 2 "$MMSCAN" gen --size 1K --needle x e.bin
expect_stderr_line "needle without spacing" "--needle needs --every or --needle-at"
expect_status "bad seed" 2 "$MMSCAN" gen --size 1K --seed -1 e.bin
expect_stderr_line "bad seed" "--seed: invalid seed '-1'"
expect_status "standard output" 2 "$MMSCAN" gen --size 1K -
expect_stderr_line "standard output" "OUTPUT must be a file or shm:NAME, not standard output"
[ -e - ] && fail "standard output: made a file named -"
[ -e e.bin ] && fail "a refused command made its output"

printf 'old\n' >exists.bin
expect_status "exists" 2 "$MMSCAN" gen --size 1K exists.bin
expect_stderr_line "exists" "mmscan: gen: 'exists.bin': File exists (use --force to replace it)"
[ "$(cat exists.bin)" = old ] || fail "exists: overwritten without --force"

expect_status "missing directory" 2 "$MMSCAN" gen --size 1K nodir/out.bin
expect_stderr_line "missing directory" "mmscan: gen: 'nodir/out.bin': No such file or directory"

expect_status "full disk" 2 "$MMSCAN" gen --size 100T huge.bin
expect_stderr_line "full disk" "mmscan: gen: 'huge.bin': not enough free space: 100.0 TiB needed, "
grep -q ' missing)$' err.txt || fail "full disk: does not say how much is missing: $(cat err.txt)"
[ -e huge.bin ] || [ -e huge.bin.partial ] && fail "full disk: left an output"

# A failure after the output was created (the file size limit of the shell).
(trap '' XFSZ; ulimit -f 1024; exec "$MMSCAN" gen --size 4M big.bin) >out.txt 2>err.txt
rc=$?
[ "$rc" = 2 ] || fail "file too large: exit status $rc"
expect_stderr_line "file too large" "mmscan: gen: 'big.bin': File too large"
[ -e big.bin ] || [ -e big.bin.partial ] && fail "file too large: left an output"
(trap '' XFSZ; ulimit -f 1024; exec "$MMSCAN" gen --size 4M --keep-partial big.bin) >out.txt 2>err.txt
expect_stderr_line "kept partial" "(partial output kept as 'big.bin.partial')"
[ -e big.bin.partial ] || fail "--keep-partial: no big.bin.partial"
[ -e big.bin ] && fail "--keep-partial: a partial output under the final name"

expect_status "gen --help" 0 "$MMSCAN" gen --help
grep -q -- '--needle-at OFFSET' out.txt || fail "gen --help lacks --needle-at"
expect_status "shm --help" 0 "$MMSCAN" shm --help

# A gen ended by a signal leaves nothing half-written, unless --keep-partial.
# (SIGTERM: a shell starts background jobs with SIGINT ignored.)  1 TiB of
# islands takes minutes: the signal comes long before the end.
stop_gen() { # stop_gen NAME_WHILE_WRITTEN ARGS...: gen ARGS, SIGTERM once NAME shows
    while_written=$1
    shift
    "$MMSCAN" gen -s 1T -k sparse "$@" 2>/dev/null &
    pid=$!
    n=0
    while [ ! -e "$while_written" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
    [ -e "$while_written" ] || fail "gen $*: '$while_written' never showed"
    sleep 0.2
    kill -TERM "$pid"
    wait "$pid" || true
}
stop_gen stopped.bin.partial stopped.bin
[ ! -e stopped.bin.partial ] && [ ! -e stopped.bin ] || fail "gen stopped: a file is left: $(ls stopped.bin*)"
stop_gen /dev/shm/mmscan-test-stopped-$$ shm:mmscan-test-stopped-$$
[ ! -e /dev/shm/mmscan-test-stopped-$$ ] || fail "gen stopped: the shared memory object is left"
stop_gen stopped.bin.partial --keep-partial stopped.bin
[ -e stopped.bin.partial ] || fail "gen --keep-partial stopped: nothing kept"
rm -f stopped.bin.partial /dev/shm/mmscan-test-stopped-$$

# OUTPUT.partial is made new: never written through a link or into a file
# that is at that name (without --force, that is an error).
echo victim >victim.txt
ln -s victim.txt linked.bin.partial
expect_status "link at the partial name" 2 "$MMSCAN" gen --size 1K linked.bin
expect_stderr_line "link at the partial name" "'linked.bin.partial' is in the way (left by an earlier run?) (use --force to replace it)"
gen_ok "link at the partial name, --force" --size 1K -f linked.bin
[ "$(cat victim.txt)" = victim ] || fail "link at the partial name: the link's target was written"
[ -f linked.bin ] && [ ! -L linked.bin ] && [ "$(wc -c <linked.bin)" = 1024 ] ||
    fail "link at the partial name, --force: no 1 KiB output"
# --force keeps the old output until the new one is complete (the free
# space allowing): a write that fails (here past the file size limit)
# leaves it as it was, and no partial output.
echo old >kept.bin
expect_status "failed --force" 2 sh -c "ulimit -f 1000; exec \"$MMSCAN\" gen --size 10M -f kept.bin"
expect_stderr_line "failed --force" "mmscan: gen: 'kept.bin': File too large"
[ "$(cat kept.bin)" = old ] && [ ! -e kept.bin.partial ] || fail "failed --force: the old output is gone"

finish
