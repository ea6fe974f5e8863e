# Shared helpers for the shell integration tests: a scratch directory
# removed on exit, and checks that count and report failures.
set -u
failures=0
checks=0
scratch=$(mktemp -d /tmp/pwc-it-XXXXXX)
# Processes a test started (daemons): killed, with the scratch dir, on exit.
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$scratch"
}
trap cleanup EXIT

ok() { checks=$((checks + 1)); }
fail() {
    checks=$((checks + 1))
    failures=$((failures + 1))
    echo "FAIL: $*" >&2
}
# expect_status WANT DESCRIPTION -- CMD...
expect_status() {
    local want=$1 what=$2
    shift 3
    "$@" >"$scratch/out" 2>"$scratch/err"
    local got=$?
    if [ "$got" -eq "$want" ]; then ok; else
        fail "$what: exit $got, wanted $want"
        sed 's/^/  | /' "$scratch/err" | head -20 >&2
    fi
}
# expect_grep PATTERN FILE DESCRIPTION
expect_grep() {
    if grep -qE -- "$1" "$2"; then ok; else
        fail "$3: /$1/ not in $(basename "$2")"
        sed 's/^/  | /' "$2" | head -20 >&2
    fi
}
expect_no_grep() {
    if grep -qE -- "$1" "$2"; then
        fail "$3: /$1/ unexpectedly in $(basename "$2")"
    else ok; fi
}
expect_eq() {
    if [ "$1" = "$2" ]; then ok; else fail "$3: '$1' != '$2'"; fi
}
expect_ne() {
    if [ "$1" != "$2" ]; then ok; else fail "$3: still '$1'"; fi
}
finish() {
    echo "$((checks - failures)) passed, $failures failed"
    [ "$failures" -eq 0 ]
}
# json_get FILE EXPR: evaluates a Python expression on the parsed JSON 'd'.
json_get() {
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# start_searchd NAME ARGS...: starts $bin/searchd/searchd on a free port
# of 127.0.0.1, waits until it listens, and sets $base to its URL and
# $last_pid to its pid. Its output goes to $scratch/NAME.out and .err.
start_searchd() {
    local name=$1
    shift
    "$bin/searchd/searchd" --port 0 "$@" >"$scratch/$name.out" \
        2>"$scratch/$name.err" &
    pids+=($!)
    last_pid=$!
    for _ in $(seq 100); do
        grep -q '^listening on ' "$scratch/$name.out" && break
        sleep 0.1
    done
    base=http://$(sed -n 's/^listening on //p' "$scratch/$name.out")
}
