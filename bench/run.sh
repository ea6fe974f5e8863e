#!/usr/bin/env bash
# Benchmarks pwc-search against SQLite FTS5 on the same crawl, on this
# machine, in one run: index build (rate, wall and CPU time, peak memory,
# size on disk) and single-threaded query latency on the same sampled
# queries. Prints both side by side with ratios. Run by hand, not by ctest.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-bench}
out_root=${BENCH_DIR:-$root/var/bench}
rounds=3
big=0
do_build=1
crawls=()

usage() {
    cat <<EOF
usage: bench/run.sh [--big] [--rounds N] [--no-build] [CRAWL_DIR...]

Builds both indexes from each crawl and times the same queries on both.
CRAWL_DIR defaults to ../shared/data from the repository root; --big adds
../shared/data-big and prints how each figure grows from the first crawl
to the second. Indexes, query files and raw outputs go to
\$BENCH_DIR/CRAWL_NAME (default var/bench); binaries come from \$BUILD_DIR
(default build-bench), configured and built first unless --no-build.
EOF
}

while [ $# -gt 0 ]; do
    case $1 in
    --big) big=1 ;;
    --rounds) rounds=$2; shift ;;
    --no-build) do_build=0 ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) crawls+=("$1") ;;
    esac
    shift
done
if [ ${#crawls[@]} -eq 0 ]; then
    crawls=("$root/../shared/data")
fi
if [ "$big" = 1 ]; then
    crawls+=("$root/../shared/data-big")
fi
if [ ! -x /usr/bin/time ]; then
    echo "run.sh: /usr/bin/time missing (Debian package 'time'," \
         "see scripts/deps.sh)" >&2
    exit 2
fi

if [ "$do_build" = 1 ]; then
    cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        >/dev/null
    cmake --build "$build_dir" -j"$(nproc)" \
        --target pwc-index make_queries query_bench fts5_peer xapian_floor \
        >/dev/null
fi
pwc_index=$build_dir/indexer/pwc-index
make_queries=$build_dir/bench/make_queries
query_bench=$build_dir/bench/query_bench
fts5_peer=$build_dir/bench/fts5_peer
xapian_floor=$build_dir/bench/xapian_floor

declare -A R # results, keyed "crawl-number:engine:figure"

log() { echo "run.sh: $*" >&2; }

# A field of a "result ..." line: result_field FILE ENGINE MODE KIND KEY.
result_field() {
    grep "^result engine=$2 mode=$3 kind=$4 " "$1" | tr ' ' '\n' |
        sed -n "s/^$5=//p"
}

# Wall seconds, CPU percent and peak RSS (MiB) from a GNU time -v report.
time_fields() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); s = 0
            for (i = 1; i <= n; i++) s = s * 60 + p[i]
            wall = s
        }
        /Percent of CPU/ { cpu = $2; sub("%", "", cpu) }
        /Maximum resident set size/ { rss = $2 / 1024 }
        END { printf "%.2f %s %.0f\n", wall, cpu, rss }' "$1"
}

# Mean share of the top 10 both engines return, over queries where
# either returns something.
overlap() {
    awk -F'\t' '
        NR == FNR { a[$1] = $2; next }
        {
            na = split(a[$1], x, " "); nb = split($2, y, " ")
            if (na == 0 && nb == 0) next
            delete seen; both = 0
            for (i = 1; i <= na; i++) seen[x[i]] = 1
            for (i = 1; i <= nb; i++) both += (y[i] in seen)
            sum += both / (na > nb ? na : nb); n++
        }
        END { printf "%.0f\n", n ? 100 * sum / n : 0 }' "$1" "$2"
}

build_ours() {
    local k=$1 crawl=$2 work=$3 papers
    rm -rf "$work/pwc-index"
    log "$(basename "$crawl"): building our index"
    /usr/bin/time -v -o "$work/pwc-build.time" \
        "$pwc_index" build -q "$crawl" "$work/pwc-index" \
        2>"$work/pwc-build.log"
    papers=$(sed -n 's/^  papers indexed *\([0-9]*\).*/\1/p' \
        "$work/pwc-build.log")
    read -r "R[$k:pwc:wall]" "R[$k:pwc:cpu]" "R[$k:pwc:rss]" \
        < <(time_fields "$work/pwc-build.time")
    R[$k:pwc:papers]=$papers
    R[$k:pwc:bytes]=$(du -sb "$work/pwc-index" | cut -f1)
}

build_peer() {
    local k=$1 crawl=$2 work=$3
    log "$(basename "$crawl"): building the FTS5 peer"
    /usr/bin/time -v -o "$work/fts5-build.time" \
        "$fts5_peer" build "$crawl" "$work/fts5.db" >"$work/fts5-build.out"
    read -r "R[$k:fts5:wall]" "R[$k:fts5:cpu]" "R[$k:fts5:rss]" \
        < <(time_fields "$work/fts5-build.time")
    R[$k:fts5:papers]=$(tr ' ' '\n' <"$work/fts5-build.out" |
        sed -n 's/^papers=//p')
    R[$k:fts5:bytes]=$(du -sb "$work/fts5.db" | cut -f1)
}

# Runs both engines in one mode, ours first, and keeps their figures.
query_mode() {
    local k=$1 work=$2 mode=$3 flag=
    [ "$mode" = nosnip ] && flag=--no-snippets
    log "queries ($mode): ours"
    "$query_bench" -i "$work/pwc-index" -q "$work/queries.tsv" \
        -r "$rounds" $flag --dump "$work/pwc-$mode.hits" \
        >"$work/pwc-$mode.out"
    log "queries ($mode): FTS5"
    "$fts5_peer" query "$work/fts5.db" "$work/queries.tsv" -r "$rounds" \
        $flag --dump "$work/fts5-$mode.hits" >"$work/fts5-$mode.out"
    for eng in pwc fts5; do
        for kind in all free phrase rare; do
            for f in p50_ms p99_ms qps hits_avg zero_hit; do
                R[$k:$eng:$mode:$kind:$f]=$(result_field \
                    "$work/$eng-$mode.out" "$eng" "$mode" "$kind" "$f")
            done
        done
    done
    R[$k:overlap:$mode]=$(overlap "$work/pwc-$mode.hits" \
        "$work/fts5-$mode.hits")
}

# Xapian alone on our index: the floor under our query times.
floor_mode() {
    local k=$1 work=$2 kind
    log "queries: Xapian alone"
    "$xapian_floor" -i "$work/pwc-index" -q "$work/queries.tsv" \
        -r "$rounds" >"$work/xapian-floor.out"
    for kind in all free phrase rare; do
        for f in p50_ms p99_ms; do
            R[$k:floor:$kind:$f]=$(result_field "$work/xapian-floor.out" \
                xapian floor "$kind" "$f")
        done
    done
}

bench_crawl() {
    local k=$1 crawl=$2 work
    work=$out_root/$(basename "$(cd "$crawl" && pwd)")
    mkdir -p "$work"
    R[$k:name]=$(basename "$(cd "$crawl" && pwd)")
    R[$k:work]=$work
    log "${R[$k:name]}: sampling queries"
    "$make_queries" "$crawl" >"$work/queries.tsv"
    R[$k:queries]=$(wc -l <"$work/queries.tsv")
    build_ours "$k" "$crawl" "$work"
    build_peer "$k" "$crawl" "$work"
    for e in pwc fts5; do
        R[$k:$e:rate]=$(awk -v p="${R[$k:$e:papers]}" \
            -v w="${R[$k:$e:wall]}" 'BEGIN { printf "%.0f", w ? p / w : 0 }')
        R[$k:$e:mb]=$(awk -v b="${R[$k:$e:bytes]}" \
            'BEGIN { printf "%.1f", b / 1048576 }')
    done
    query_mode "$k" "$work" full
    query_mode "$k" "$work" nosnip
    floor_mode "$k" "$work"
}

# Updates the first crawl's index with the second crawl, timed like a
# build: the peer is our own fresh build of the second crawl, whose papers
# the update writes less than half of.
bench_update() {
    local w0=${R[0:work]} w1=${R[1:work]} written
    rm -rf "$w1/pwc-update"
    cp -a "$w0/pwc-index" "$w1/pwc-update"
    log "updating the ${R[0:name]} index with ${R[1:name]}"
    /usr/bin/time -v -o "$w1/pwc-update.time" \
        "$pwc_index" update -q "${crawls[1]}" "$w1/pwc-update" \
        2>"$w1/pwc-update.log"
    written=$(sed -n 's/^  added \([0-9]*\), changed \([0-9]*\).*/\1 \2/p' \
        "$w1/pwc-update.log")
    R[u:written]=$(echo "$written" | awk '{ print $1 + $2 }')
    read -r "R[u:wall]" "R[u:cpu]" "R[u:rss]" \
        < <(time_fields "$w1/pwc-update.time")
    R[u:rate]=$(awk -v p="${R[u:written]}" -v w="${R[u:wall]}" \
        'BEGIN { printf "%.0f", w ? p / w : 0 }')
    rm -rf "$w1/pwc-update"
}

print_update() {
    echo
    echo "== update: the ${R[0:name]} index brought up to ${R[1:name]}" \
        "(${R[u:written]} papers added or changed), against a fresh build" \
        "of ${R[1:name]} =="
    printf '  %-26s %11s %11s %10s\n' "" update build update/build
    row "papers written/s" "${R[u:rate]}" "${R[1:pwc:rate]}"
    row "wall s" "${R[u:wall]}" "${R[1:pwc:wall]}"
    row "CPU % (200 = 2 cores)" "${R[u:cpu]}" "${R[1:pwc:cpu]}"
    row "peak RSS MiB" "${R[u:rss]}" "${R[1:pwc:rss]}"
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "" || b == "" || b + 0 == 0) print "-"
        else printf "%.2f", a / b }'
}

# row LABEL OURS PEER [TARGET]
row() {
    printf '  %-26s %11s %11s %10s   %s\n' "$1" "$2" "$3" \
        "$(ratio "$2" "$3")" "${4:-}"
}

print_crawl() {
    local k=$1 m kind
    echo
    echo "== ${R[$k:name]}: ${R[$k:pwc:papers]} papers (ours)," \
        "${R[$k:fts5:papers]} (FTS5); ${R[$k:queries]} queries x $rounds" \
        "rounds, 1 thread =="
    printf '  %-26s %11s %11s %10s   %s\n' "" ours fts5 ours/fts5 \
        "target (ours)"
    row "build papers/s" "${R[$k:pwc:rate]}" "${R[$k:fts5:rate]}" \
        ">= 10,000 using both cores"
    row "build wall s" "${R[$k:pwc:wall]}" "${R[$k:fts5:wall]}"
    row "build CPU % (200 = 2 cores)" "${R[$k:pwc:cpu]}" \
        "${R[$k:fts5:cpu]}"
    row "build peak RSS MiB" "${R[$k:pwc:rss]}" "${R[$k:fts5:rss]}"
    row "index size MiB" "${R[$k:pwc:mb]}" "${R[$k:fts5:mb]}"
    for m in full nosnip; do
        row "$m p50 ms" "${R[$k:pwc:$m:all:p50_ms]}" \
            "${R[$k:fts5:$m:all:p50_ms]}" \
            "$([ $m = full ] && echo '<= 0.2')"
        row "$m p99 ms" "${R[$k:pwc:$m:all:p99_ms]}" \
            "${R[$k:fts5:$m:all:p99_ms]}" \
            "$([ $m = full ] && echo '<= 0.8')"
        row "$m queries/s" "${R[$k:pwc:$m:all:qps]}" \
            "${R[$k:fts5:$m:all:qps]}"
    done
    for kind in free phrase rare; do
        row "full $kind p50 ms" "${R[$k:pwc:full:$kind:p50_ms]}" \
            "${R[$k:fts5:full:$kind:p50_ms]}"
        row "full $kind p99 ms" "${R[$k:pwc:full:$kind:p99_ms]}" \
            "${R[$k:fts5:full:$kind:p99_ms]}"
    done
    row "hits per query" "${R[$k:pwc:full:all:hits_avg]}" \
        "${R[$k:fts5:full:all:hits_avg]}"
    row "queries without hits" "${R[$k:pwc:full:all:zero_hit]}" \
        "${R[$k:fts5:full:all:zero_hit]}"
    echo "  Xapian alone on our index, the floor under ours (its parser,"
    echo "  top 10 by BM25, data fetched; no snippets, joins or replies):"
    for f in p50_ms p99_ms; do
        printf '  %-26s %11s   ours full / Xapian alone: %s\n' \
            "Xapian alone ${f%_ms} ms" "${R[$k:floor:all:$f]}" \
            "$(ratio "${R[$k:pwc:full:all:$f]}" "${R[$k:floor:all:$f]}")"
    done
    echo "  top-10 overlap ours/FTS5: ${R[$k:overlap:full]}% of hits"
    echo "  (ratio < 1 is better for ours on times, sizes and memory;"
    echo "  > 1 is better on rates)"
}

# How each figure grows from crawl 0 to crawl 1.
print_scaling() {
    local e f label
    echo
    echo "== scaling ${R[0:name]} -> ${R[1:name]}:" \
        "${R[0:pwc:papers]} -> ${R[1:pwc:papers]} papers (x$(ratio \
        "${R[1:pwc:papers]}" "${R[0:pwc:papers]}")) =="
    printf '  %-20s %9s %9s %6s   %9s %9s %6s\n' "" ours "" x fts5 "" x
    for f in rate:build_papers/s wall:build_wall_s rss:build_RSS_MiB \
        mb:index_MiB full:all:p50_ms:full_p50_ms full:all:p99_ms:full_p99_ms \
        nosnip:all:p50_ms:nosnip_p50_ms nosnip:all:p99_ms:nosnip_p99_ms; do
        label=${f##*:}
        f=${f%:*}
        printf '  %-20s' "${label//_/ }"
        for e in pwc fts5; do
            printf ' %9s %9s %6s  ' "${R[0:$e:$f]}" "${R[1:$e:$f]}" \
                "$(ratio "${R[1:$e:$f]}" "${R[0:$e:$f]}")"
        done
        echo
    done
}

print_reference() {
    cat <<'EOF'

== for reference (targets, and peers measured elsewhere on the 60k crawl) ==
  target: build >= 10,000 papers/s using both cores; full queries
          p50 <= 0.2 ms, p99 <= 0.8 ms
  Lucene 8.8         4,900 papers/s   p50 0.41 ms   p99 1.7 ms
  Xapian via Python  2,200 papers/s   p50 0.33 ms   p99 1.1 ms
  SQLite FTS5       26,000 papers/s                 p99 18 ms
EOF
}

echo "pwc-search benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores," \
    "load $(cut -d' ' -f1-3 /proc/loadavg) at start"
for i in "${!crawls[@]}"; do
    bench_crawl "$i" "${crawls[$i]}"
done
if [ ${#crawls[@]} -ge 2 ]; then
    bench_update
fi
for i in "${!crawls[@]}"; do
    print_crawl "$i"
done
if [ ${#crawls[@]} -ge 2 ]; then
    print_scaling
    print_update
fi
print_reference
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at end; raw output in $out_root"
