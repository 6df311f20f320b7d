#!/bin/sh
# man/mmscan.1: a clean page for mandoc's checker, and every command and
# every long option of each command's --help in it.
. "${TEST_SRCDIR:-$(dirname "$0")/..}/cli/lib.sh"

PAGE="$TEST_SRCDIR/../man/mmscan.1"
[ -f "$PAGE" ] || fail "no man page at $PAGE"

mandoc -Tlint -Wwarning "$PAGE" >lint.txt 2>&1 || fail "mandoc -Tlint: $(head -n 5 lint.txt)"

commands=$("$MMSCAN" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
[ "$(echo "$commands" | wc -w)" -ge 14 ] || fail "commands from --help: $commands"
for command in $commands; do
    grep -q "^\.SS \"mmscan $command" "$PAGE" || fail "$command: no section"
    # Each long option, as the page spells it ('-' escaped as '\-').
    for option in $("$MMSCAN" "$command" --help | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u); do
        escaped=$(printf '%s' "$option" | sed 's/-/\\-/g')
        grep -qF -- "$escaped" "$PAGE" || fail "$command: $option is not in the man page"
    done
done

finish
