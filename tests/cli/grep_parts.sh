#!/bin/sh
# mmscan grep with the input cut into parts searched at once (--threads):
# output in input order whatever falls on the seams between parts, limits
# (-m, -q, -l) across parts, more output than a waiting part may keep,
# lines that cross or cover whole parts, binary input in a later part.
# Everything is compared with GNU grep.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

plant() { # plant FILE OFFSET TEXT: writes TEXT over FILE's bytes at OFFSET.
    printf '%s' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# seams SIZE WINDOW THREADS: the offsets where the engine's parts meet
# (whole windows, as many to each part as the first needs).
seams() {
    awk -v size="$1" -v w="$2" -v t="$3" 'BEGIN {
        windows = int((size + w - 1) / w); per = int((windows + t - 1) / t)
        for (i = 1; i < t && i * per * w < size; i++) print i * per * w
    }'
}

# check_parts DESCRIPTION FILE ARGS...: for a few windows and thread
# counts, mmscan grep ARGS FILE vs grep ARGS FILE.
check_parts() {
    what=$1 file=$2
    shift 2
    for setting in "4K 2" "4K 5" "64K 3"; do
        same_output "$what ($setting)" \
            "$MMSCAN grep --window ${setting% *} --threads ${setting#* } $* $file" "grep $* $file"
    done
}

make_text text.txt 40000 5  # about 1.3 MiB
size=$(wc -c <text.txt)
# NEEDLE just before every seam of the settings check_parts uses, and
# across the odd seams, or right after the even ones, where a line ends
# exactly at the seam.
cp text.txt seams.txt
for setting in "4096 2" "4096 5" "65536 3"; do
    i=1
    for s in $(seams "$size" $setting); do
        plant seams.txt $((s - 20)) " NEEDLE "
        if [ $((i % 2)) = 1 ]; then
            plant seams.txt $((s - 3)) " NEEDLE "
        else
            plant seams.txt $((s + 1)) "NEEDLE "
            printf '\n' | dd of=seams.txt bs=1 seek=$((s - 1)) conv=notrunc status=none
        fi
        i=$((i + 1))
    done
done

for opts in "" -n -b -o -on -c -v -vn -l -L -q "-m 1" "-m 7 -n" "-m 1 -c" "-m 3 -o"; do
    check_parts "seams $opts" seams.txt "$opts" NEEDLE
done
for t in 2 3 5; do
    same_output "seams --offsets, threads $t" "$MMSCAN grep --window 4K --threads $t --offsets NEEDLE seams.txt" \
        "$MMSCAN grep --threads 1 --offsets NEEDLE seams.txt"
done
check_parts "seams regex -n" seams.txt -n -E "'NEE+DLE|ze[t]a mu'"
check_parts "seams -i -w -n" seams.txt -n -i -w needle
[ -s want.out ] || fail "seams -i -w -n: grep selects nothing, so the check shows nothing"
check_parts "every line -n" text.txt -n "''"
check_parts "every line -v -b" text.txt -v -b zzz

# Matches in the last part only: -m, -q, -l and -n there.
make_text quiet.txt 40000 6
grep -v gamma text.txt >first.txt
cat first.txt quiet.txt >late.txt
for opts in "-m 2 -n" -q -l -c "-m 5 -c" -L "-m 3 -o -b"; do
    check_parts "late matches $opts" late.txt "$opts" gamma
done

# More output from later parts than they may keep while they wait (8 MiB
# between them): every line of about 24 MiB, with line numbers.
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18; do cat text.txt; done >large.txt
for t in 2 3; do
    same_output "more output than kept, threads $t" \
        "$MMSCAN grep --window 1M --threads $t -n a large.txt | cksum" "grep -n a large.txt | cksum"
    same_output "more output than kept -v, threads $t" \
        "$MMSCAN grep --window 1M --threads $t -v -b e large.txt | cksum" "grep -v -b e large.txt | cksum"
    same_output "a limit after much kept output, threads $t" \
        "$MMSCAN grep --window 1M --threads $t -m 250000 -n a large.txt | cksum" \
        "grep -m 250000 -n a large.txt | cksum"
done

# Lines that cross several seams or cover whole parts: 600 KiB, then 3 MiB
# (streamed while counting).
awk 'BEGIN { s = ""; for (i = 0; i < 75000; i++) s = s "abcdefgh"
             print "first line"; print s "LONGNEEDLE" s "tail"; print "between abc"
             t = s s s s s; print t "LONGNEEDLE" t; print "last abc" }' >long.txt
for opts in -n -c -v "-b -o" -vn -l "-m 2 -n" -L; do
    check_parts "long lines $opts" long.txt "$opts" LONGNEEDLE
done
check_parts "long lines, a regex -c" long.txt -c -E "'a(bc)+'"
check_parts "long lines -v -c" long.txt -v -c -E "'ab{2}'"

# A line of 50 MiB that covers dozens of parts, with a match in its middle,
# is streamed, not copied: parts that start inside it wait to take it over.
# Counts as grep's, and the peak RSS on three threads within 16 MiB of one
# thread's (a copy of the line alone would be 50 MiB).
{ printf 'first\n'; head -c 40M /dev/zero | tr '\0' a; printf NEEDLE
  head -c 10M /dev/zero | tr '\0' b; printf '\nlast NEEDLE\n'; } >huge-line.txt
for opts in "-c NEEDLE" "-l NEEDLE" "-v -c NEEDLE" "-c -E 'NEE+DLE'" "-c -w last"; do
    same_output "a line over many parts $opts" \
        "$MMSCAN grep --window 1M --threads 3 $opts huge-line.txt" "grep $opts huge-line.txt"
done
peak_kb() { /usr/bin/time -f %M "$MMSCAN" grep -c --window 1M --threads "$1" NEEDLE huge-line.txt 2>&1 >/dev/null; }
one=$(peak_kb 1) three=$(peak_kb 3)
[ "$three" -lt $((one + 16384)) ] ||
    fail "a line over many parts: peak RSS $three KB on 3 threads, $one KB on 1"
rm -f huge-line.txt

# A NUL byte in a later part, far from any match: lines before it, then
# grep's message; counts and -a as grep.
make_text filler.txt 30000 7
grep -v -e alpha -e '[^ -~]' filler.txt >clean.txt
{ cat text.txt clean.txt; printf 'nul\000here\n'; cat clean.txt text.txt; } >late-nul.bin
for opts in "" -n -c -a -l -o; do
    check_parts "binary later $opts" late-nul.bin "$opts" alpha
done
"$MMSCAN" grep --window 4K --threads 3 alpha late-nul.bin >out.txt 2>err.txt
expect_stderr_line "binary later message" "'late-nul.bin': binary file matches"

# A later part that gives up on a line (PCRE2's match limit) keeps that to
# itself until the parts before it are done: -q and -l decide on an earlier
# line, exit 0, and otherwise every line before it is printed, then the
# error, as one thread reading in order does.
awk 'BEGIN { print "aaX"; for (b = 0; b < 40; b++) { for (i = 0; i < 3000; i++) print "filler " i;
             printf "%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"; print "bX" } }' >gives-up.txt
awk 'BEGIN { for (i = 0; i < 90000; i++) { if (i == 75000) print "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabX";
             print (i % 3 ? "zz " i : "aaX " i) } }' >gives-up-late.txt
bad=$(grep -b -m 1 '^a*bX$' gives-up-late.txt | cut -d: -f1)
for run in 1 2 3 4 5; do
    for opt in -q -l; do
        expect_status "give-up in a later part $opt, run $run" 0 \
            "$MMSCAN" grep --threads 4 --window 256K $opt -E '(a|a)*\1X' gives-up.txt
    done
    expect_status "give-up in a later part, lines before it, run $run" 2 \
        "$MMSCAN" grep --threads 4 --window 256K -E '(a|a)*\1X' gives-up-late.txt
    [ "$(wc -l <out.txt)" = 25000 ] ||
        fail "give-up in a later part, run $run: $(wc -l <out.txt) lines before the error, want 25000"
    expect_stderr_line "give-up in a later part, run $run" "gave up on the line at byte $bad (PCRE2"
done

finish
