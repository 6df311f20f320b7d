#!/bin/sh
# The command's help, version, option errors and output errors.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

printf 'a b\n' >f

expect_status "--help" 0 "$MMSCAN" --help
grep -q '^  wc ' out.txt || fail "--help does not list wc"
expect_status "--version" 0 "$MMSCAN" --version
grep -Eq '^mmscan [0-9]+\.[0-9]+\.[0-9]+' out.txt || fail "--version: $(cat out.txt)"
expect_status "wc --help" 0 "$MMSCAN" wc --help
grep -q -- '--window SIZE' out.txt || fail "wc --help lacks the shared options"
# help [COMMAND]: the same text as --help and COMMAND --help.
for command in wc grep fill; do
    same_output "help $command" "$MMSCAN help $command" "$MMSCAN $command --help"
    [ -s want.out ] || fail "help $command: no text"
done
same_output "help" "$MMSCAN help" "$MMSCAN --help"
expect_status "help for an unknown command" 2 "$MMSCAN" help bogus
expect_stderr_line "help for an unknown command" "mmscan: unknown command 'bogus'"

expect_status "no command" 2 "$MMSCAN"
expect_status "unknown command" 2 "$MMSCAN" bogus
expect_stderr_line "unknown command" "mmscan: unknown command 'bogus'"
expect_status "unknown option" 2 "$MMSCAN" wc --bogus f
expect_stderr_line "unknown option" "mmscan: wc: invalid option or missing argument '--bogus'"
expect_status "unknown short option" 2 "$MMSCAN" wc -z f
expect_stderr_line "unknown short option" "'-z'"
expect_status "missing argument" 2 "$MMSCAN" wc f --window
expect_stderr_line "missing argument" "'--window'"
expect_status "bad size" 2 "$MMSCAN" wc --window 12X f
expect_stderr_line "bad size" "invalid size '12X'"
expect_status "window below a page" 2 "$MMSCAN" wc --window 100 f
expect_stderr_line "window below a page" "out of range"
expect_status "bad threads" 2 "$MMSCAN" wc --threads 0 f
expect_stderr_line "bad threads" "invalid thread count '0'"
expect_status "bad advice" 2 "$MMSCAN" wc --advice fast f
expect_stderr_line "bad advice" "invalid advice 'fast'"

# A bad letter inside a cluster is the one named, not the word before it.
expect_status "bad letter in a cluster" 2 "$MMSCAN" grep --count -nA3 x f
expect_stderr_line "bad letter in a cluster" "invalid option or missing argument for '-A'"
expect_status "bad long option" 2 "$MMSCAN" grep -c --bogus x f
expect_stderr_line "bad long option" "invalid option or missing argument '--bogus'"
# A name with a newline still makes one line.
expect_status "newline in a name" 2 "$MMSCAN" wc "$(printf 'miss\ning')"
expect_stderr_line "newline in a name" "mmscan: wc: 'miss\\ning': No such file or directory"
expect_status "options after --" 2 "$MMSCAN" wc -- --lines
expect_stderr_line "options after --" "'--lines': No such file or directory"

{
    "$MMSCAN" wc f >/dev/full 2>err.txt
    rc=$?
    [ "$rc" = 2 ] || fail "write to a full disk: exit status $rc, want 2"
    expect_stderr_line "write to a full disk" "mmscan: wc: standard output: No space left on device"
}

finish
