# lib.sh - helpers for the command-line tests (sourced, POSIX sh).
# Each test runs in a fresh temporary directory, removed at exit.
set -u
: "${MMSCAN:?MMSCAN must name the mmscan binary}"
export LC_ALL=C

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mmscan-cli-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 2
FAILURES=0

fail() {
    echo "FAIL: $*" >&2
    FAILURES=$((FAILURES + 1))
}

# random_file SIZE PATH: SIZE uniform random bytes that are the same on
# every run (mmscan gen, seeded with the size and the name), so a failure
# can be reproduced byte for byte.
random_file() {
    if [ "$1" -eq 0 ]; then
        : >"$2"
    else
        "$MMSCAN" gen --size "$1" --seed "$(printf '%s' "$1$2" | cksum | cut -d' ' -f1)" \
            --kind random --threads 1 "$2" >/dev/null
    fi
}

# check_equal DESCRIPTION GOT WANT
check_equal() {
    [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# same_output DESCRIPTION "COMMAND A" "COMMAND B": stdout and exit status
# equal.  Each runs in a new sh, which does not see the test's functions: a
# command that is not found (status 126 or 127) fails the check.
same_output() {
    desc=$1
    sh -c "$2" >got.out 2>got.err
    got_rc=$?
    sh -c "$3" >want.out 2>want.err
    want_rc=$?
    if [ "$got_rc" -ge 126 ] || [ "$want_rc" -ge 126 ]; then
        fail "$desc: a command did not run: $(cat got.err want.err | head -n 2)"
    elif ! cmp -s got.out want.out; then
        fail "$desc: output differs"
        diff got.out want.out | head -n 10 >&2
    elif [ "$got_rc" != "$want_rc" ]; then
        fail "$desc: exit status $got_rc, want $want_rc"
    fi
}

# expect_status DESCRIPTION STATUS COMMAND...: runs COMMAND, checks its status.
expect_status() {
    desc=$1 want=$2
    shift 2
    "$@" >out.txt 2>err.txt
    rc=$?
    [ "$rc" = "$want" ] || fail "$desc: exit status $rc, want $want"
}

# expect_stderr_line DESCRIPTION TEXT: err.txt is one line and contains TEXT.
expect_stderr_line() {
    lines=$(wc -l <err.txt)
    [ "$lines" = 1 ] || fail "$1: $lines lines on stderr, want 1: $(cat err.txt)"
    grep -qF -- "$2" err.txt || fail "$1: stderr lacks '$2': $(cat err.txt)"
}

# make_text FILE LINES SEED: deterministic lines of words of varied length.
make_text() {
    awk -v n="$2" -v seed="$3" 'BEGIN {
        srand(seed)
        split("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu", w, " ")
        for (i = 0; i < n; i++) {
            line = ""
            k = int(rand() * 14)
            for (j = 0; j < k; j++)
                line = line (j ? (rand() < 0.1 ? "\t" : " ") : "") w[1 + int(rand() * 12)]
            if (rand() < 0.02) line = line sprintf("%c%c", 200, 1)
            print line
        }
    }' >"$1"
}

finish() {
    if [ "$FAILURES" -ne 0 ]; then
        echo "$FAILURES failure(s)" >&2
        exit 1
    fi
    exit 0
}
