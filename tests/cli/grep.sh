#!/bin/sh
# mmscan grep against GNU grep (C locale), output and exit status, on
# generated files.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

# plant FILE OFFSET TEXT: writes TEXT over FILE's bytes at OFFSET.
plant() {
    printf '%s' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

make_text small.txt 3000 1
make_text big.txt 60000 2            # a few hundred KiB: many 4K windows
cp big.txt edges.txt                 # needles across the edges of 4K, 64K and 1M windows
size=$(wc -c <edges.txt)
for w in 4096 65536 1048576; do
    k=1
    while [ $((k * w + 8)) -lt "$size" ] && [ "$k" -le 40 ]; do
        plant edges.txt $((k * w - 3)) "NEEDLE"
        k=$((k + 7))
    done
done
awk 'BEGIN { for (i = 0; i < 2000; i++) printf "row %d tick\r\n", i }' >crlf.txt
awk 'BEGIN { s = ""; for (i = 0; i < 30000; i++) s = s "abcdefgh";
             print "short"; print s "LONGNEEDLE" s; print "tail abc" }' >longline.txt
printf 'text line\nbin\000ary needle\nneedle again\n' >nul.bin
printf 'no newline at the end needle' >nonl.txt
: >empty.txt
printf 'alpha\n\nmu\n' >patterns.txt

check() { # check DESCRIPTION ARGS...: mmscan grep ARGS vs grep ARGS
    desc=$1
    shift
    same_output "$desc" "$MMSCAN grep $*" "grep $*"
}

check_found() { # check_found DESCRIPTION ARGS...: check, and grep selects a line
    check "$@"
    [ -s want.out ] || fail "$1: grep selects nothing, so the check shows nothing"
}

# Every option alone and in common combinations, on literal and regex patterns.
for opts in "" -i -c -n -b -o -l -L -v -w -x "-m 3" -q -H -h -a -on -ob -nb -cv \
    -nv "-m 2 -c" "-i -w" "-n -b -o" -vx -iv -lv -ow -ox "-m 5 -n" "-m 1 -o" -io -ic -Hc; do
    check "gamma $opts" "$opts" gamma small.txt
    check "regex $opts" "$opts" "'al*pha [a-z]*ta'" small.txt
    check "ERE $opts" "$opts" -E "'(zeta|mu)+ (iota|kappa)$'" small.txt
    check "several patterns $opts" "$opts" -e beta -e "'^mu'" -e lambda small.txt
done
# line numbers and -v counts after long runs of empty lines
{ head -c 300000 /dev/zero | tr '\0' '\n'; echo needle; head -c 300000 /dev/zero | tr '\0' '\n'; \
    echo needle; } >empty_lines.txt
check "line numbers after empty lines" -n needle empty_lines.txt
check "-v count of empty lines" -c -v needle empty_lines.txt
# Each syntax against lines it selects (and small.txt, where most select none).
printf 'alalpha\nta ta x\nelel\na+b\n[x]\\y\nmu Zeta\ngaam\nplain\n' >syntax.txt
check_found "BRE groups and back-reference" "'\\(a\\)l\\1*pha'" small.txt syntax.txt
check_found "BRE interval" "'ga\\{1,2\\}m'" small.txt syntax.txt
check_found "BRE literal braces and plus" "'a+b'" small.txt syntax.txt
check_found "ERE interval" -E "'(ta ){2,}'" small.txt syntax.txt
check_found "ERE back-reference" -E "'(e[a-z])\\1'" small.txt syntax.txt
check_found "classes" -E "'^[[:alpha:]]+ [^a-z ]'" small.txt syntax.txt
check_found "bracket with backslash" "'[\\]'" small.txt syntax.txt
check_found "word boundaries" -E "'\\<mu\\>'" small.txt syntax.txt
check_found "-w regex" -w -E "'[a-z]+ta'" -o small.txt syntax.txt
check_found "-x regex" -x -E "'[a-z ]+'" -c small.txt syntax.txt
check "high bytes" -c "\"$(printf '\310')\"" small.txt
check "-f file" -f patterns.txt small.txt
# Hundreds of patterns, some prefixes of others: the longest of the
# leftmost matches needs more than the DFA matcher's first working space.
{ printf 'a\nal\nalp\nalpha\nbe\nbeta\n'; seq -f 'zq%g' 1 400; } >many_patterns.txt
check "-o with hundreds of strings" -o -F -f many_patterns.txt small.txt
check "-o with hundreds of EREs" -o -E -f many_patterns.txt small.txt
# Words with their prefixes and suffixes, so that several patterns match at
# one start: -o takes the longest there, as grep does.
tr -cs 'a-z' '\n' <small.txt | awk 'length($0) > 2 { print; print substr($0, 1, 2); print substr($0, 2) }' |
    sort -u >words.txt
check "-o with overlapping words" -o -f words.txt big.txt
check "-o -w with overlapping words" -o -w -f words.txt big.txt
check "-o -b -i with overlapping words" -o -b -i -f words.txt small.txt
# A NUL byte in a pattern file is a byte of the pattern, not its end.
printf '\000alpha\n' >nul-first.txt
printf 'alpha\000x\n' >nul-inside.txt
printf 'bin\000ary\n' >nul-match.txt
for f in nul-first.txt nul-inside.txt; do
    check "NUL in a pattern ($f)" -c -f $f small.txt
    check "NUL in a fixed string ($f)" -c -F -f $f small.txt
done
check_found "NUL in a pattern that matches" -a -c -f nul-match.txt nul.bin
check_found "NUL in a fixed string that matches" -a -o -F -f nul-match.txt nul.bin
# ... and a NUL byte in a regular expression is no operator.
printf 'a\000b\nab\na\000\000b\nzz\n' >nul-lines.bin
printf 'a\000*b\n' >nul-star.txt
printf 'a\000\n' >nul-end.txt
printf '[[\000]\n' >nul-bracket.txt
printf 'a\\\000\n' >nul-escaped.txt
for f in nul-star.txt nul-end.txt nul-bracket.txt nul-escaped.txt; do
    check_found "NUL in an ERE ($f)" -a -c -E -f $f nul-lines.bin
    check_found "NUL in a BRE ($f)" -a -c -G -f $f nul-lines.bin
done
check_found "NUL in an ERE, -o" -a -o -E -f nul-star.txt nul-lines.bin
# Thousands of strings, too many for PCRE2 as one expression: Hyperscan
# selects the lines; where they match (-o) cannot be told, an error.
seq -f 'w%g' 4000 >strings4k.txt
{ seq -f 'w%g' 1 3000; echo 'no match'; seq -f 'x w%g y' 3990 4010; } >text4k.txt
for opts in -c -v -l "-w -c" "-x -c" "-i -c" -n; do
    check_found "4000 strings $opts" -F $opts -f strings4k.txt text4k.txt
done
check_found "4000 patterns -c" -c -f strings4k.txt text4k.txt
# (said once, before any file is read)
expect_status "4000 strings -o" 2 "$MMSCAN" grep -F -o -f strings4k.txt text4k.txt small.txt
expect_stderr_line "4000 strings -o" "mmscan: grep: these patterns can select lines but not say where they match"
[ ! -s out.txt ] || fail "4000 strings -o: printed $(wc -l <out.txt) lines, want none"
check "4000 strings -v -o (no match is asked where)" -F -v -o -f strings4k.txt text4k.txt
expect_status "-E and -F" 2 "$MMSCAN" grep -E -F alpha small.txt
expect_stderr_line "-E and -F" "mmscan: grep: conflicting matchers: -E and -F"
# A count too large to hold is no limit, as in grep.
check "-m 2^63" -m 9223372036854775808 -c alpha small.txt
check "-m 10^23" -m 99999999999999999999999 -n alpha small.txt
check "-m -10^23" -m -99999999999999999999999 -c alpha small.txt
# Each pattern's back-references are to its own groups.
printf 'alal\nbebe\nalbe\nbeal\nx alal y\n' >backrefs.txt
for opts in "" -c -o -w -x -ow; do
    check_found "back-references of two patterns $opts" $opts -E -e "'(al)\\1'" -e "'(be)\\1'" backrefs.txt
done
# -w with strings: Hyperscan finds the strings, and each match counts only
# where no word byte touches it (-w written around thousands of strings
# took Hyperscan minutes to compile).
printf 'foo\nfoobar baz\na foo_bar b\nx-foo-y\n@foo\nbar@foo.com\nFOO Bar\nthe food\nfoo.\n(foo)\n123foo 456\nfoo123\n   \nlast foo' >words.txt
printf 'foo\nfoobar\n@foo\nfoo.\nbar\n456\nx\n' >wordlist.txt
for opts in "" -c -n -v -i -l -in -x; do
    check_found "-w -F, strings $opts" -w -F $opts -f wordlist.txt words.txt
    check_found "-w -F, one string $opts" -w -F $opts -e foo words.txt
    check "-w -F, a string of no word byte $opts" -w -F $opts -e @ words.txt
done
seq -f 'w%g' 20000 >strings20k.txt
{ seq -f 'w%g' 1 3000; seq -f 'xw%g' 1 100; seq -f 'w%g_' 1 100; seq -f 'a w%g-b' 5000 5100; } >text20k.txt
check_found "-w -F, 20000 strings" -w -F -c -f strings20k.txt text20k.txt
# A back-reference on a line of 20 KB: the backtracking matcher's stack
# grows as the match needs (the line was missed when it ran out).
awk 'BEGIN { s = ""; for (i = 0; i < 5000; i++) s = s "ab"; print "x"; print s s; print "y" }' >deep.txt
for opts in -c -n -o -v; do
    check_found "back-reference on a 20 KB line $opts" $opts -E "'^((a|b)+)\1\$'" deep.txt
done
# A line that needs more backtracking than PCRE2 allows: the lines before
# it are printed, then one error line says which, exit 2 (the line was
# taken for one without a match).
printf 'ab\nzz\n%sd\nlast b\n' "$(awk 'BEGIN { while (i++ < 40) printf "a" }')" >limit.txt
for opts in "" -o; do
    expect_status "backtracking limit $opts" 2 "$MMSCAN" grep $opts -E '^(a*)*\1[bc]$' limit.txt
    expect_stderr_line "backtracking limit $opts" \
        "mmscan: grep: 'limit.txt': gave up on the line at byte 6 (PCRE2: match limit exceeded)"
    [ "$(cat out.txt)" = ab ] || fail "backtracking limit $opts: printed '$(cat out.txt)', want ab"
done
# The same where -o looks for the next match in a line already selected.
printf 'ab\nzz\nab%sd\n' "$(awk 'BEGIN { while (i++ < 40) printf "a" }')" >limit_o.txt
expect_status "backtracking limit, next match" 2 "$MMSCAN" grep -o -E '(a*)*\1[bc]' limit_o.txt
expect_stderr_line "backtracking limit, next match" \
    "mmscan: grep: 'limit_o.txt': gave up on the line at byte 6 (PCRE2: match limit exceeded)"
[ "$(cat out.txt)" = "$(printf 'ab\nab')" ] || fail "backtracking limit, next match: printed '$(cat out.txt)'"
# A repetition operator at the start of an -E expression repeats nothing:
# GNU grep drops it, and a '^' it may repeat zero times (it kept a literal
# '*' and refused '+'); in a basic expression '*' there is literal.
printf 'a*b\nab\nb\n{2}b\n?b\n+b\nx\n*\n' >leading.txt
for re in '*b' '+b' '?b' '{2}b' '{0}b' '{05}b' '**b' '(*b)' '^*b' '^+b' '^{0,2}b' '^+*b' \
    'a|+' 'x|*' '*' '{x' 'a|{1,}b' '^|*b'; do
    check "leading repetition -E '$re'" -E "'$re'" leading.txt
    check "leading repetition -E -c '$re'" -c -E "'$re'" leading.txt
done
for re in '*b' '\(*b\)' '\+b' 'a\|*b' '^*b'; do
    check "leading repetition -G '$re'" "'$re'" leading.txt
done
# -q wins over -l and -L, which win over -c, in any order.
for opts in "-l -c" "-c -l" "-q -l" "-l -q" "-L -c" "-c -L" "-l -L" "-L -l" "-c -q"; do
    check "output options $opts" "$opts" gamma small.txt empty.txt
done
check "-L without patterns" -L -f /dev/null small.txt empty.txt
expect_status "-f directory" 2 "$MMSCAN" grep -f . small.txt
expect_stderr_line "-f directory" "mmscan: grep: '.': Is a directory"
check "-f with -e" -c -f patterns.txt -e zeta small.txt
check "-f empty file" -c -f empty.txt small.txt
check "-f empty file -v" -c -v -f empty.txt small.txt
check "empty pattern" -c "''" small.txt
check "empty pattern -o" -o "''" small.txt
check "empty pattern -n" -n "''" small.txt
check "no match" zzzz small.txt
check "-m 0" -m 0 gamma small.txt
check "-F and -E conflict" -F -E gamma small.txt
check "-F special bytes" -F "'a.b*['" small.txt
check "newline in a pattern" "\"\$(printf 'zeta\\nmu')\"" small.txt

# Needles across window edges, for several windows: found once, right lines.
for w in 4K 64K 1M; do
    for opts in "-c" "-n" "-b -o" "--offsets" "-v -c" "-n -i"; do
        want=$(grep $opts NEEDLE edges.txt 2>/dev/null)
        [ "$opts" = "--offsets" ] && want=$(grep -b -o NEEDLE edges.txt | awk -F: '{ print $1, length($2) }')
        got=$("$MMSCAN" grep --window "$w" $opts NEEDLE edges.txt)
        [ "$got" = "$want" ] || fail "window $w $opts: got '$got' want '$want'"
    done
    same_output "window $w regex" "$MMSCAN grep --window $w -n -E 'NEE+DLE|a(lp|ta)ha' edges.txt" \
        "grep -n -E 'NEE+DLE|a(lp|ta)ha' edges.txt"
    same_output "window $w count threads 2" "$MMSCAN grep --window $w --threads 2 -c alpha big.txt" \
        "grep -c alpha big.txt"
    same_output "window $w count -v threads 3" "$MMSCAN grep --window $w --threads 3 -vc e big.txt" \
        "grep -vc e big.txt"
done

# A pattern longer than the window, and lines longer than the window.
long=$(awk 'BEGIN { s = ""; for (i = 0; i < 700; i++) s = s "abcdefgh"; print s "LONGNEEDLE" }')
for opts in "" -c -n -b -o -v -l -vn "-c -E"; do
    same_output "long line $opts" "$MMSCAN grep --window 4K $opts LONGNEEDLE longline.txt" \
        "grep $opts LONGNEEDLE longline.txt"
    same_output "pattern longer than the window $opts" \
        "$MMSCAN grep --window 4K $opts -e '$long' longline.txt" "grep $opts -e '$long' longline.txt"
done
same_output "long line, several threads" "$MMSCAN grep --window 4K --threads 2 -c abc longline.txt" \
    "grep -c abc longline.txt"

# CRLF lines, a last line without a newline, an empty file.
for opts in "" -c -o -x -b; do
    check "crlf $opts" "$opts" tick crlf.txt
done
check_found "crlf, any byte before the newline" -E "'tick.$'" crlf.txt
check "crlf, nothing before the newline" "'tick\$'" crlf.txt
check "no newline at the end" -n needle nonl.txt
check "no newline at the end -o -b" -o -b needle nonl.txt
check "empty file" -c x empty.txt
check "empty file, empty pattern" "''" empty.txt

# Binary files: no lines, a message on stderr, the same exit status.
for opts in "" -c -o -n -l -v -q -a -an -ao; do
    check "binary $opts" "$opts" needle nul.bin
done
"$MMSCAN" grep needle nul.bin >out.txt 2>err.txt
expect_stderr_line "binary message" "'nul.bin': binary file matches"
[ -s out.txt ] && fail "binary file: lines printed: $(cat out.txt)"
got=$("$MMSCAN" grep --offsets needle nul.bin)
[ "$got" = "$(printf '18 6\n25 6')" ] || fail "binary --offsets: $got"
got=$("$MMSCAN" grep --offsets --json -F ary nul.bin)
[ "$got" = '{"file":"nul.bin","offset":14,"length":3}' ] || fail "--json: $got"

# Several files, some missing; stdin.
check "several files" -n gamma small.txt big.txt
check "several files -c" -c gamma small.txt empty.txt big.txt
check "several files -l" -l NEEDLE small.txt edges.txt
check "several files -L" -L NEEDLE small.txt edges.txt
check "several files -h" -h mu small.txt small.txt
same_output "stdin" "cat small.txt | $MMSCAN grep -n beta" "cat small.txt | grep -n beta"
same_output "- operand" "$MMSCAN grep -H beta - <small.txt" "grep -H beta - <small.txt"
same_output "missing file" "$MMSCAN grep mu small.txt missing 2>/dev/null" "grep mu small.txt missing 2>/dev/null"
"$MMSCAN" grep mu missing >out.txt 2>err.txt
expect_stderr_line "missing file message" "mmscan: grep: 'missing': No such file or directory"
# A directory: an error, and an input with no lines for -c and -L.
mkdir adir
for opts in "" -c -l -L -q -s "-s -c"; do
    same_output "directory $opts" "$MMSCAN grep $opts mu adir small.txt 2>/dev/null" \
        "grep $opts mu adir small.txt 2>/dev/null"
done
# -m 0: no line, no file read (a missing one is no error), the patterns
# not even compiled, unless -L names the files.
for opts in -m0 "-m0 -c" "-m0 -l" "-m0 -q" "-m0 -L" "-m0 -c -v"; do
    same_output "$opts" "$MMSCAN grep $opts mu small.txt missing adir 2>/dev/null" \
        "grep $opts mu small.txt missing adir 2>/dev/null"
done
same_output "-m0 and an invalid regex" "$MMSCAN grep -m0 'a[' small.txt" "grep -m0 'a[' small.txt"
same_output "-q and a missing file" "$MMSCAN grep -q mu missing small.txt 2>/dev/null" \
    "grep -q mu missing small.txt 2>/dev/null"
# -s: the same output and exit status (2), and nothing on stderr.
for opts in -s "-s -c" "-s -l"; do
    same_output "$opts and a missing file" "$MMSCAN grep $opts mu missing small.txt" "grep $opts mu missing small.txt"
    [ ! -s got.err ] || fail "$opts and a missing file: $(cat got.err)"
done

# Patterns that no engine accepts: one line on stderr, exit 2.
for bad in "a[" "\\(a" "a\\{1" "x\\"; do
    expect_status "invalid regex '$bad'" 2 "$MMSCAN" grep "$bad" small.txt
    grep -q "invalid pattern" err.txt || fail "invalid regex '$bad': $(cat err.txt)"
done
expect_status "invalid ERE" 2 "$MMSCAN" grep -E "(ab" small.txt
# The message quotes the pattern refused, also among several, also when
# only the whole set shows the fault (a back-reference without its group).
expect_status "a back-reference without a group" 2 "$MMSCAN" grep -e mu -e 'a\2' -e nu small.txt
expect_stderr_line "a back-reference without a group" \
    "mmscan: grep: invalid pattern 'a\\2': reference to non-existent subpattern"
expect_status "no pattern" 2 "$MMSCAN" grep
expect_status "--json alone" 2 "$MMSCAN" grep --json x small.txt
expect_status "--help" 0 "$MMSCAN" grep --help
grep -q -- '--offsets' out.txt || fail "--help lacks --offsets"

# A sparse file past 4 GiB, the needle after the 4 GiB mark (no disk used).
truncate -s 5G sparse
plant sparse 4831838200 "$(printf '\nfar needle here\n')"
same_output "sparse -c" "$MMSCAN grep --window 1M --threads 1 -c needle sparse" "grep -c needle sparse"
same_output "sparse -l" "$MMSCAN grep -l needle sparse" "grep -l needle sparse"
same_output "sparse binary" "$MMSCAN grep needle sparse 2>/dev/null" "grep needle sparse 2>/dev/null"
got=$("$MMSCAN" grep --offsets needle sparse)
[ "$got" = "4831838205 6" ] || fail "sparse --offsets: $got"
got=$("$MMSCAN" grep -a -b -o -n needle sparse)
[ "$got" = "2:4831838205:needle" ] || fail "sparse -a -b -o -n: $got"

finish
