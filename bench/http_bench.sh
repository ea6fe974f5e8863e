#!/usr/bin/env bash
# HTTP throughput and latency of searchd over loopback with wrk, at 1, 8
# and 64 connections: real queries (the file bench/run.sh samples) against
# GET /health as the peer, which measures the daemon without any search,
# so the ratio shows what searching costs over plain HTTP handling.
# Usage: bench/http_bench.sh [INDEX [QUERIES]]. Run by hand, not by ctest.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-bench}
index=${1:-$root/var/bench/data/pwc-index}
queries=${2:-$root/var/bench/data/queries.tsv}
duration=${DURATION:-10s}
threads=${WRK_THREADS:-2}

for f in "$index" "$queries"; do
    if [ ! -e "$f" ]; then
        echo "http_bench.sh: $f missing: run bench/run.sh first" >&2
        exit 2
    fi
done
command -v wrk >/dev/null || {
    echo "http_bench.sh: wrk missing (scripts/deps.sh installs it)" >&2
    exit 2
}
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target searchd >/dev/null

out=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$out"' EXIT
"$build_dir/searchd/searchd" --config /dev/null --index "$index" --port 0 \
    >"$out/searchd.out" 2>"$out/searchd.log" &
pid=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$out/searchd.out" && break
    sleep 0.1
done
base=http://$(sed -n 's/^listening on //p' "$out/searchd.out")

run() { # CONNECTIONS PATH|-
    local c=$1 t=$threads
    [ "$c" -lt "$t" ] && t=$c
    if [ "$2" = - ]; then
        QUERIES=$queries wrk -t"$t" -c"$c" -d"$duration" \
            -s "$root/bench/http_queries.lua" "$base" | grep '^result'
    else
        wrk -t"$t" -c"$c" -d"$duration" --latency -s /dev/stdin \
            "$base$2" <<'LUA' | grep '^result'
function done(s, l, r)
    io.write(string.format(
        "result requests=%d non2xx=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f\n",
        s.requests, s.errors.status, s.requests / (s.duration / 1e6),
        l:percentile(50) / 1000, l:percentile(99) / 1000))
end
LUA
    fi
}

printf '%-12s %-8s %10s %10s %10s %8s\n' connections endpoint req/s \
    p50_ms p99_ms non200
for c in 1 8 64; do
    for what in search health; do
        path=-
        [ "$what" = health ] && path=/health
        line=$(run "$c" "$path")
        eval "$(echo "$line" | sed 's/^result //')"
        printf '%-12s %-8s %10s %10s %10s %8s\n' "$c" "$what" "$rps" \
            "$p50_ms" "$p99_ms" "$non2xx"
    done
done
echo "(search/health req/s is the cost of searching over HTTP handling)"
