#!/bin/sh
# mmscan stats against values computed here with od, awk, sort, tr, wc and
# iconv on generated files; many files, --files-from, --jobs, errors.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

make_text text.txt 3000 5
awk 'BEGIN { for (i = 0; i < 2000; i++) printf "line %d caf\303\251 \342\202\254%s\r\n", i, (i % 7 ? "" : "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx") }' >utf8.txt
random_file 150000 random.bin
printf 'ab\000cd\nlast line without newline' >nul.bin
printf '\300\257 overlong\n' >overlong.txt
: >empty
awk 'BEGIN { for (i = 1; i <= 100; i++) { s = ""; for (j = 0; j < i; j++) s = s "w"; print s } }' >ramp.txt

# The bytes of a file as decimal numbers, one per line.
bytes_of() {
    od -An -v -tu1 "$1" | tr -s ' ' '\n' | sed '/^$/d'
}

# field FILE EXPR: a value of the JSON statistics of FILE.
field() {
    "$MMSCAN" stats --json "$1" | jq -r "$2"
}

for f in text.txt utf8.txt random.bin nul.bin overlong.txt empty ramp.txt; do
    "$MMSCAN" stats --json "$f" >got.json || fail "$f: exit status $?"
    get() { jq -r "$1" got.json; }
    check_equal "$f size" "$(get .size)" "$(wc -c <"$f" | tr -d ' ')"
    check_equal "$f lines" "$(get .lines)" "$(wc -l <"$f" | tr -d ' ')"
    check_equal "$f words" "$(get .words)" "$(wc -w <"$f" | tr -d ' ')"
    bytes_of "$f" >bytes.txt
    awk '{ n[$1]++ } END { for (b = 0; b < 256; b++) print n[b] + 0 }' bytes.txt >want.hist
    jq -r '.histogram[]' got.json >got.hist
    cmp -s got.hist want.hist || fail "$f: byte histogram differs"
    want=$(awk '
        { n++; c[$1]++
          if ($1 == 0) nul++
          if ($1 == 13) cr++
          if (prev == 13 && $1 == 10) crlf++
          if ($1 >= 128) high++
          if ($1 < 32 && ($1 < 9 || $1 > 13) || $1 == 127) ctl++
          prev = $1 }
        END { for (b in c) h -= c[b] / n * log(c[b] / n) / log(2)
              printf "%d %d %d %d %d %.4f\n", nul, cr, crlf, high, ctl, h + 0 }' bytes.txt)
    got=$(jq -r '"\(.nul) \(.cr) \(.crlf) \(.non_ascii) \(.non_printable) \(.entropy)"' got.json |
        awk '{ printf "%d %d %d %d %d %.4f\n", $1, $2, $3, $4, $5, $6 }')
    check_equal "$f nul cr crlf non-ascii non-printable entropy" "$got" "$want"
    if iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then valid=true; else valid=false; fi
    check_equal "$f utf8_valid" "$(get .utf8_valid)" "$valid"
    verdict=text
    [ "$(get .non_ascii)" != 0 ] && verdict=utf-8
    { [ "$(get .nul)" != 0 ] || [ "$valid" = false ]; } && verdict=binary
    check_equal "$f verdict" "$(get .verdict)" "$verdict"
    # Another window and thread count give the same statistics.
    "$MMSCAN" stats --json --window 4K --threads 3 "$f" >other.json
    cmp -s got.json other.json || fail "$f: --window 4K --threads 3 gives other statistics"
done

# Line lengths of text files: awk measures each line, sort orders them.
for f in text.txt utf8.txt ramp.txt; do
    awk '{ print length($0) }' "$f" | sort -n >lengths.txt
    want=$(awk '{ v[NR] = $1; s += $1 }
        function rank(p,   r) { r = int((p * NR + 99) / 100); return v[r < 1 ? 1 : r] }
        END { printf "%d %d %d %d %d %d %.4f\n", NR, v[1], rank(50), rank(90), rank(99), v[NR], s / NR }' lengths.txt)
    got=$(field "$f" '.line_length | "\(.count) \(.min) \(.p50) \(.p90) \(.p99) \(.max) \(.mean)"' |
        awk '{ printf "%d %d %d %d %d %d %.4f\n", $1, $2, $3, $4, $5, $6, $7 }')
    check_equal "$f line lengths" "$got" "$want"
    check_equal "$f longest line" "$(field "$f" .longest_line)" "$(tail -n 1 lengths.txt)"
done
check_equal "ramp p50 p90 p99" "$(field ramp.txt '.line_length | "\(.p50) \(.p90) \(.p99)"')" "50 90 99"
# (make_text puts the bytes 200 and 1, not UTF-8, on some lines: binary.)
check_equal "verdicts" "$(for f in ramp.txt utf8.txt random.bin nul.bin overlong.txt empty text.txt; do field $f .verdict; done | tr "\n" " ")" \
    "text utf-8 binary binary binary text binary "

# Text output: the same numbers, for people.
"$MMSCAN" stats utf8.txt >human.txt || fail "text output: exit status $?"
grep -q "^utf8.txt:$" human.txt || fail "text output: no file line"
grep -q "^  size  *$(wc -c <utf8.txt) bytes$" human.txt || fail "text output: size"
grep -q "^  CR  *2000 (CRLF 2000)$" human.txt || fail "text output: CR and CRLF"
grep -q "^  verdict  *utf-8$" human.txt || fail "text output: verdict"
# A name with a newline stays on its line, quoted for the shell as wc does.
cp ramp.txt 'new
line'
"$MMSCAN" stats 'new
line' >human.txt || fail "newline in a name: exit status $?"
check_equal "newline in a name" "$(head -n 1 human.txt)" "'new'\$'\\n''line':"
rm -f 'new
line'
"$MMSCAN" stats --histogram ramp.txt | grep -q "^    0x77 'w'  *5050 " || fail "--histogram: count of 'w'"
# Bytes are labelled as C character constants, or by their value alone.
printf '\047\047\134\134\033' >labels.bin
"$MMSCAN" stats --histogram labels.bin >out.txt
check_equal "--histogram: labels" "$(grep '^    0x' out.txt | tr -s ' ' | tr '\n' '|')" \
    " 0x1b 1 20.00%| 0x27 '\\'' 2 40.00%| 0x5c '\\\\' 2 40.00%|"
check_equal "top bytes: labels" "$("$MMSCAN" stats labels.bin | grep 'top bytes' | tr -s ' ')" \
    " top bytes '\\'' 40.0%, '\\\\' 40.0%, 0x1b 20.0%"
same_output "stdin" "cat text.txt | $MMSCAN stats --json | jq -c 'del(.file)'" \
    "$MMSCAN stats --json text.txt | jq -c 'del(.file)'"

# Many files: operands and lists, missing and unreadable entries, jobs.
printf 'secret\n' >secret && chmod 000 secret
printf 'text.txt\nmissing\n\nutf8.txt\nsecret\nempty\n' >list.txt
run_as_other() {
    if [ "$(id -u)" = 0 ]; then
        chmod 755 "$WORK"
        chmod 644 list.txt
        setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
    else
        "$@"
    fi
}
run_as_other "$MMSCAN" stats --json ramp.txt --files-from list.txt >out.txt 2>err.txt
rc=$?
check_equal "list with missing and unreadable entries: exit status" "$rc" 2
# Every input has its line, in input order; a failed one says why.
check_equal "list: files reported" "$(jq -r .file out.txt | tr '\n' ' ')" \
    "ramp.txt text.txt missing  utf8.txt secret empty "
check_equal "list: failures in JSON" "$(jq -r 'select(.error) | .file + "=" + .error' out.txt | tr '\n' ' ')" \
    "missing=No such file or directory =No such file or directory secret=Permission denied "
grep -qxF "mmscan: stats: 'missing': No such file or directory" err.txt || fail "list: missing not reported: $(cat err.txt)"
grep -qxF "mmscan: stats: '': No such file or directory" err.txt || fail "list: empty name not reported: $(cat err.txt)"
grep -qxF "mmscan: stats: 'secret': Permission denied" err.txt || fail "list: unreadable not reported: $(cat err.txt)"
check_equal "list: error lines" "$(wc -l <err.txt | tr -d ' ')" 3
for jobs in 2 3 8; do
    run_as_other "$MMSCAN" stats --json --jobs "$jobs" ramp.txt --files-from list.txt >jobs.txt 2>jobs-err.txt
    check_equal "--jobs $jobs: exit status" "$?" 2
    cmp -s jobs.txt out.txt || fail "--jobs $jobs: output differs from one job"
    cmp -s jobs-err.txt err.txt || fail "--jobs $jobs: errors differ from one job: $(cat jobs-err.txt)"
done
# Errors and results share a pipe in whole lines, in input order, however
# the jobs end (an error written a byte at a time was cut by results).
printf 'ramp.txt\nmissing\ntext.txt\n' >short-list.txt
i=0
while [ "$i" -lt 20 ]; do
    "$MMSCAN" stats --json --jobs 8 --files-from short-list.txt >mixed.txt 2>&1
    check_equal "errors beside results, round $i" "$(cut -d, -f1 mixed.txt | tr '\n' '|')" \
        '{"file":"ramp.txt"|mmscan: stats: '"'"'missing'"'"': No such file or directory|{"file":"missing"|{"file":"text.txt"|'
    i=$((i + 1))
done
printf 'ramp.txt\000text.txt\000' | "$MMSCAN" stats --json -0 --files-from - >nul-list.txt
check_equal "-0 --files-from -" "$(jq -r .file nul-list.txt | tr '\n' ' ')" "ramp.txt text.txt "
printf 'ramp.txt\n-\nmissing\ntext.txt\n' >dash-list.txt
# A '-' in a list read from standard input is an input that fails, in its
# turn; the rest of the list goes on (under --jobs too).
for jobs in 1 4; do
    "$MMSCAN" stats --jobs "$jobs" --files-from - <dash-list.txt >mixed.txt 2>&1
    check_equal "--jobs $jobs: '-' in a list on stdin: exit status" "$?" 2
    check_equal "--jobs $jobs: '-' in a list on stdin, in turn" "$(grep -v '^  ' mixed.txt | tr '\n' '|')" \
        "ramp.txt:|mmscan: stats: '-': standard input is the --files-from list, not a file to scan|mmscan: stats: 'missing': No such file or directory|text.txt:|"
done
"$MMSCAN" stats --json --files-from - <dash-list.txt >out.txt 2>/dev/null
check_equal "'-' in a list on stdin, --json" "$(jq -c '.error // .file' out.txt | tr '\n' '|')" \
    '"ramp.txt"|"standard input is the --files-from list, not a file to scan"|"No such file or directory"|"text.txt"|'
# A warning that a scan gives (an edit of the file is pending) comes with
# its file's results, in its turn.
: >.text.txt.mmscan-undo
printf 'missing\nramp.txt\ntext.txt\nutf8.txt\n' >warn-list.txt
for jobs in 1 4; do
    "$MMSCAN" stats --jobs "$jobs" --files-from warn-list.txt >mixed.txt 2>&1
    check_equal "--jobs $jobs: a warning in its turn" "$(grep -v '^  ' mixed.txt | cut -c1-32 | tr '\n' '|')" \
        "mmscan: stats: 'missing': No suc|ramp.txt:|mmscan: stats: warning: 'text.tx|text.txt:|utf8.txt:|"
done
rm -f .text.txt.mmscan-undo
# Once stdout fails, its first error is the one reported.
if [ -w /dev/full ]; then
    for jobs in 1 3; do
        "$MMSCAN" stats --jobs "$jobs" ramp.txt text.txt missing >/dev/full 2>err.txt
        check_equal "--jobs $jobs: stdout full: exit status" "$?" 2
        grep -qxF "mmscan: stats: standard output: No space left on device" err.txt ||
            fail "--jobs $jobs: stdout full: $(cat err.txt)"
    done
fi
printf 'ramp.txt\n-\n' >dash-list.txt
expect_status "'-' in a list file" 0 "$MMSCAN" stats --files-from dash-list.txt <text.txt
[ "$(grep -c '^' out.txt)" -gt 2 ] || fail "'-' in a list file: $(cat out.txt)"
expect_status "list on stdin and '-'" 2 "$MMSCAN" stats --files-from - - <dash-list.txt
expect_stderr_line "list on stdin and '-'" "mmscan: stats: --files-from -: standard input holds the list"
[ -s out.txt ] && fail "list on stdin and '-': printed $(cat out.txt)"
expect_status "two lists" 2 "$MMSCAN" stats --files-from list.txt --files-from dash-list.txt
expect_stderr_line "two lists" "mmscan: stats: --files-from: one list only"
expect_status "-0 without a list" 2 "$MMSCAN" stats -0 text.txt
expect_stderr_line "-0 without a list" "mmscan: stats: -0 is for a --files-from list"

# A list is read as it comes: each file is scanned, and its line written,
# before the next name arrives (the writer waits for that line).
mkfifo names.fifo
for jobs in 1 3; do
    "$MMSCAN" stats --json --jobs "$jobs" --files-from names.fifo >stream.txt &
    pid=$!
    exec 3>names.fifo
    printf 'ramp.txt\n' >&3
    tries=0
    until [ -s stream.txt ] || [ "$tries" -ge 300 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    [ -s stream.txt ] || fail "--jobs $jobs: nothing written before the list ended"
    printf 'text.txt\n' >&3
    exec 3>&-
    wait "$pid" || fail "--jobs $jobs: list from a FIFO: exit status $?"
    check_equal "--jobs $jobs: list from a FIFO" "$(jq -r .file stream.txt | tr '\n' ' ')" "ramp.txt text.txt "
done

expect_status "unreadable list" 2 "$MMSCAN" stats --files-from nowhere.txt
expect_stderr_line "unreadable list" "mmscan: stats: --files-from: 'nowhere.txt': No such file or directory"
# A list that cannot be opened, like one that cannot be read, is reported
# after the operands, which are scanned all the same.
mkdir -p list-dir
for list in nowhere.txt list-dir; do
    for jobs in 1 2; do
        "$MMSCAN" stats --jobs "$jobs" --files-from "$list" ramp.txt text.txt >mixed.txt 2>&1
        check_equal "--jobs $jobs: list $list: exit status" "$?" 2
        check_equal "--jobs $jobs: list $list: operands first" "$(grep -v '^  ' mixed.txt | cut -d: -f1-3 | tr '\n' '|')" \
            "ramp.txt:|text.txt:|mmscan: stats: --files-from|"
    done
done
# In a list of lines, a name with a NUL byte in it is refused in its turn
# (it would name another file, cut at the NUL), and the list goes on.
printf 'ramp.txt\000junk\ntext.txt\n' >nul-in-line.txt
"$MMSCAN" stats --json --files-from nul-in-line.txt >out.txt 2>err.txt
check_equal "NUL in a line of the list: exit status" "$?" 2
check_equal "NUL in a line of the list" "$(jq -c '.error // .file' out.txt | tr '\n' '|')" \
    '"the name in the list holds a NUL byte (a list of names that end with NUL bytes needs -0)"|"text.txt"|'
expect_status "bad --jobs" 2 "$MMSCAN" stats --jobs 0 text.txt
expect_stderr_line "bad --jobs" "mmscan: stats: --jobs: invalid job count '0'"
expect_status "directory" 2 "$MMSCAN" stats .
expect_stderr_line "directory" "mmscan: stats: '.': Is a directory"

finish
