#!/usr/bin/env bash
# searchd over HTTP: answers from the real index (joins, filters, facets,
# pages, papers by any id, suggestions, health, metrics), every error
# status a client can cause, CORS, and a small index rebuilt three times
# and updated once while queries run: no failed request, new papers found
# within about a second. Usage: test_searchd.sh BUILD_DIR REAL_INDEX
. "$(dirname "$0")/lib.sh"
bin=$1
real=$2
export PWC_CONFIG=/dev/null

# get PATH [CURL ARGS...]: the body goes to $scratch/r, status printed.
get() {
    local path=$1
    shift
    curl -gs -o "$scratch/r" -w '%{http_code}' "$@" "$base$path"
}
# expect_get STATUS PATH DESCRIPTION
expect_get() {
    expect_eq "$(get "$2")" "$1" "$3"
}
# jq_r EXPR: a Python expression on the last reply d (H: its hits).
jq_r() {
    python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
H = d.get('hits') or []
def official(h):
    return [i['repo_url'] for i in h['implementations'] if i['official']]
def every(f):
    return len(H) > 0 and all(f(h) for h in H)
def plain(s):
    return (s or '').replace('<b>', '').replace('</b>', '')
print($1)" "$scratch/r"
}

# ---- start-up ---------------------------------------------------------
expect_status 0 "help" -- "$bin/searchd/searchd" --help
expect_grep 'usage: searchd' "$scratch/out" "help text"
expect_grep '/papers/ID' "$scratch/out" "help lists endpoints"
expect_status 2 "bad port" -- "$bin/searchd/searchd" --port abc
expect_status 2 "unknown option" -- "$bin/searchd/searchd" --frobnicate
expect_status 2 "stray argument" -- "$bin/searchd/searchd" extra

start_searchd real --config /dev/null --index "$real"
real_pid=$last_pid
expect_grep '^listening on 127\.0\.0\.1:[0-9]+$' "$scratch/real.out" \
    "port printed"
expect_grep 'event=listening .*port=[1-9]' "$scratch/real.err" "port logged"
expect_status 1 "port in use" -- "$bin/searchd/searchd" --config /dev/null \
    --index "$real" --port "${base##*:}"
expect_grep "port ${base##*:}: Address already in use" "$scratch/err" \
    "port in use gives the reason"

# ---- pwc-search --server asks the daemon and answers as locally ----------
cli=$bin/cli/pwc-search
expect_status 0 "cli via server" -- "$cli" --config /dev/null \
    --server "$base" --json --limit 5 "graph attention networks"
cp "$scratch/out" "$scratch/remote.json"
expect_status 0 "cli local" -- "$cli" --config /dev/null --index "$real" \
    --json --limit 5 "graph attention networks"
expect_eq "$(python3 -c 'import json,sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
print([h["id"] for h in a["hits"]] == [h["id"] for h in b["hits"]])' \
    "$scratch/remote.json" "$scratch/out")" True "same hits via server"
expect_status 0 "cli text via server" -- "$cli" --config /dev/null \
    --server "$base" --has-code "graph networks"
expect_grep 'code: ' "$scratch/out" "code shown via server"
expect_grep '\[[Gg]raph\]' "$scratch/out" "marks shown via server"
expect_status 2 "cli bad server" -- "$cli" --config /dev/null \
    --server http://127.0.0.1:1 graph

# ---- answers from the real index --------------------------------------
expect_get 200 '/search?q=graph+attention+networks' "search"
expect_eq "$(jq_r 'official(H[0])')" \
    "['https://github.com/PetarV-/GAT']" "GAT first, official code joined"
expect_eq "$(jq_r 'all("implementations" in h for h in d["hits"])')" True \
    "hits carry implementations"
expect_eq "$(jq_r 'sorted(d["total"].keys())')" \
    "['estimated', 'exact', 'lower', 'upper']" "total fields"
expect_eq "$(jq_r '"took_ms" in d and "understood" in d')" True \
    "reply fields"
expect_eq "$(jq_r 'any("<b>" in (h.get("snippet") or "") for h in H)')" \
    True "snippets marked with <b>"
expect_eq "$(jq_r 'every(lambda h: "<" not in plain(h.get("snippet")))')" \
    True "snippet text escaped apart from the marks"
expect_get 200 '/search?q=graph&has_code=true&framework=pytorch&limit=20' \
    "filters"
expect_eq "$(jq_r 'every(lambda h: any(i["framework"] == "pytorch"
                                         for i in h["implementations"]))')" \
    True "framework filter"
expect_get 200 '/search?q=graph&has_code=false&limit=20' "no code"
expect_eq "$(jq_r 'every(lambda h: not h["implementations"])')" \
    True "has_code=false"
expect_get 200 '/search?q=segmentation&year=2019-2020&official=1' \
    "year and official"
expect_eq "$(jq_r 'every(lambda h: 2019 <= h["year"] <= 2020
                                   and official(h))')" \
    True "year range and official"
expect_get 200 '/search?q=graph&facets=1&limit=0' "facets"
expect_eq "$(jq_r 'not H and all(k in d["facets"] for k in
                   ("framework", "task", "year", "venue", "has_code"))')" \
    True "facets present"
expect_get 200 '/search?q=graph&snippet=0&limit=3' "no snippets"
expect_eq "$(jq_r 'all(h.get("snippet") is None for h in d["hits"])')" True \
    "snippet=0"

# Pages 1..5 of 10 join into the first 50, for relevance and stars.
for sort in relevance stars date; do
    for p in 1 2 3 4 5; do
        get "/search?q=neural+networks&sort=$sort&limit=10&page=$p" >/dev/null
        cp "$scratch/r" "$scratch/page$p"
    done
    get "/search?q=neural+networks&sort=$sort&limit=50" >/dev/null
    expect_eq "$(python3 - "$scratch" <<'P'
import json, sys
d = sys.argv[1]
ids = [h["id"] for p in range(1, 6)
       for h in json.load(open(f"{d}/page{p}"))["hits"]]
whole = [h["id"] for h in json.load(open(f"{d}/r"))["hits"]]
print(len(ids) == 50 and len(set(ids)) == 50 and ids == whole)
P
)" True "pages join without gaps or duplicates ($sort)"
done
expect_eq "$(jq_r 'all(a["rank"] + 1 == b["rank"]
                       for a, b in zip(H, H[1:]))')" \
    True "ranks consecutive"
get '/search?q=gan&sort=stars&limit=100' >/dev/null
expect_eq "$(python3 - "$scratch/r" <<'P'
import json, sys
hits = json.load(open(sys.argv[1]))["hits"]
def best(h):
    s = [i["stars"] for i in h["implementations"] if i["stars"] is not None]
    return max(s) if s else -1
keys = [(-best(h), h["id"]) for h in hits]
print(len(hits) > 50 and keys == sorted(keys))
P
)" True "sort=stars, ties by id"
expect_get 200 '/search?q=graph&offset=20&limit=5' "offset"
expect_eq "$(jq_r 'd["hits"][0]["rank"]')" 21 "offset skips"

# A blank query lists everything, whichever way it is blank.
expect_get 200 '/health' "health"
docs=$(jq_r 'd["documents"]')
expect_eq "$(jq_r 'd["status"] == "ok" and None not in
                   (d["generation"], d["build_time"]) and
                   isinstance(d["generation"], int)')" \
    True "health fields, the generation a number"
for q in '' '?q=' '?q=+++' '?q=%20%09'; do
    get "/search$q" >/dev/null
    expect_eq "$(jq_r 'd["total"]["estimated"]')" "$docs" "blank query '$q'"
done

# Papers by crawl id and by any arXiv spelling.
expect_get 200 '/papers/graph-attention-networks' "paper by crawl id"
expect_eq "$(jq_r 'd["title"]')" "Graph Attention Networks" "paper title"
expect_eq "$(jq_r 'official(d)')" "['https://github.com/PetarV-/GAT']" \
    "paper implementations"
for id in 1804.04694 arXiv:1804.04694v1 'https://arxiv.org/abs/1804.04694' \
    'https%3A%2F%2Farxiv.org%2Fabs%2F1804.04694v2' \
    a-variational-u-net-for-conditional-appearance; do
    expect_get 200 "/papers/$id" "paper $id"
    expect_eq "$(jq_r 'd["arxiv_id"]')" 1804.04694 "paper $id found"
done
expect_get 404 '/papers/no-such-paper' "unknown paper"
expect_eq "$(jq_r 'd["error"]["code"]')" 404 "unknown paper JSON"
expect_get 404 "/papers/$(printf 'x%.0s' $(seq 300))" "overlong id"

expect_get 200 '/suggest?q=graph+att' "suggest"
expect_eq "$(jq_r 'isinstance(d["suggestions"], list)
                   and len(d["suggestions"]) <= 10')" \
    True "suggestions listed"
expect_eq "$(jq_r 'd["suggestions"] and all("text" in s
                                            for s in d["suggestions"])')" \
    True "suggestions found"
expect_get 200 '/suggest?q=graph&limit=3' "suggest limit"
expect_eq "$(jq_r 'len(d["suggestions"]) <= 3')" True "suggest limit kept"
expect_get 400 '/suggest?q=graph&limit=50' "suggest limit too big"

# ---- errors -----------------------------------------------------------
# expect_error STATUS PARAM PATH: a JSON error with that code and param.
expect_error() {
    expect_get "$1" "$3" "error $3"
    expect_eq "$(jq_r 'd["error"]["code"]')" "$1" "error code in $3"
    if [ -n "$2" ]; then
        expect_eq "$(jq_r 'd["error"]["param"]')" "$2" "param named in $3"
    fi
}
expect_error 400 limit '/search?q=graph&limit=-1'
expect_error 400 limit '/search?q=graph&limit=abc'
expect_error 400 limit '/search?q=graph&limit=101'
expect_error 400 offset '/search?q=graph&offset=-5'
expect_error 400 page '/search?q=graph&page=0'
expect_error 400 page '/search?q=graph&page=2&offset=10'
expect_error 400 sort '/search?q=graph&sort=size'
expect_error 400 year '/search?q=graph&year=20x9'
expect_error 400 has_code '/search?q=graph&has_code=maybe'
expect_error 400 q '/search?q=%ff'
expect_error 400 q '/search?q=graph%00nets'
expect_error 400 venue '/search?q=graph&venue=%C3'
expect_error 400 q '/search?q=a&q=b'
expect_error 400 path '/search%ff'
expect_error 404 '' '/nope'
expect_error 404 '' '/search/'
expect_error 414 q "/search?q=$(printf 'a%.0s' $(seq 3000))"
expect_get 200 '/search?q=graph&utm_source=x&_=1' "unknown parameters ignored"
expect_eq "$(get '/search?q=graph' -X POST -d 'x=1')" 405 "POST refused"
expect_eq "$(get '/search' -X DELETE -D "$scratch/h")" 405 "DELETE refused"
expect_grep '^Allow: GET, HEAD' "$scratch/h" "Allow header"
expect_eq "$(get '/search' -X OPTIONS)" 405 "no preflight without CORS"
expect_eq "$(get '/search?q=graph' -X GET -d 'x=1')" 413 "GET with a body"
expect_eq "$(jq_r 'd["error"]["code"]')" 413 "413 as JSON"
expect_eq "$(get "/search?q=$(head -c 100000 /dev/zero | tr '\0' a)")" 414 \
    "100 KB URL"
expect_eq "$(get '/search?q=graph' -I)" 200 "HEAD"
expect_eq "$(get '/health' -D "$scratch/h")" 200 "headers"
expect_no_grep 'Access-Control' "$scratch/h" "no CORS header by default"
expect_grep 'application/json' "$scratch/h" "JSON content type"

# '+' is a space, %2B a plus.
get '/search?q=c%2B%2B&limit=1' >/dev/null
expect_eq "$(jq_r 'd["query"]')" 'c++' "%2B is a plus"
get '/search?q=c++x&limit=1' >/dev/null
expect_eq "$(jq_r 'd["query"]')" 'c  x' "+ is a space"

# Odd queries never fail, and nothing random makes the daemon answer 5xx.
for q in '%22graph+nets+AND+(' '*' 'title%3A' '-' '+-+' 'a*' \
    '%E5%9B%BE%E7%BD%91%E7%BB%9C' "$(printf 'x%.0s' $(seq 400))" \
    "$(printf 'w%d+' $(seq 200))" 'AND+OR+NOT' '((((((((' \
    'author%3A%22%22' 'cs%2F0112017' '%EF%BF%BD' '%F0%9F%98%80'; do
    expect_get 200 "/search?q=$q" "odd query ${q:0:40}"
done
python3 - >"$scratch/fuzz" <<'P'
import random
random.seed(7)
keys = ["q", "limit", "offset", "page", "sort", "year", "facets", "task",
        "has_code", "official", "framework", "venue", "snippet", "zz"]
alphabet = "ab%+&=;/?#-_.~*\"'()[]{}<>\\ 0123456789fFcC"
for _ in range(300):
    parts = []
    for _ in range(random.randint(0, 5)):
        n = random.randint(0, 12)
        v = "".join(random.choice(alphabet) for _ in range(n))
        parts.append(random.choice(keys) + "=" + v.replace(" ", "%20")
                     .replace("#", "%23"))
    print(random.choice(["/search", "/suggest", "/papers/x", "/health"]) +
          "?" + "&".join(parts))
P
bad=0
while read -r path; do
    s=$(get "$path")
    case $s in 2?? | 400 | 404 | 414) ;; *)
        bad=$((bad + 1))
        echo "  $path -> $s" >&2
        ;;
    esac
done <"$scratch/fuzz"
expect_eq "$bad" 0 "random requests answered 2xx/4xx"
expect_get 200 '/health' "alive after fuzzing"

expect_get 200 '/metrics' "metrics"
expect_grep '^# TYPE pwc_http_requests_total counter$' "$scratch/r" \
    "requests counter"
expect_grep '^pwc_http_requests_total\{status="400"\} [1-9][0-9]*$' \
    "$scratch/r" "requests by status"
expect_grep '^# TYPE pwc_http_request_duration_seconds histogram$' \
    "$scratch/r" "latency histogram"
expect_grep '^pwc_http_request_duration_seconds_bucket\{le="\+Inf"\} [0-9]+$' \
    "$scratch/r" "+Inf bucket"
expect_grep '^pwc_http_request_duration_seconds_count [0-9]+$' "$scratch/r" \
    "histogram count"
expect_grep "^pwc_index_documents $docs\$" "$scratch/r" "documents gauge"
expect_grep '^pwc_index_reloads_total 0$' "$scratch/r" "reloads counter"
expect_no_grep '^[^#].* [^0-9.e+-]' "$scratch/r" "sample lines end in numbers"

kill -TERM "$real_pid"
wait "$real_pid"
expect_eq "$?" 0 "SIGTERM exits 0"
expect_grep 'event=request .*status=414' "$scratch/real.err" \
    "requests logged"
expect_grep 'event=stopped' "$scratch/real.err" "stop logged"

# ---- reloads while queries run, and CORS ------------------------------
crawl=$scratch/crawl
index=$scratch/index
mkdir -p "$crawl/readmes"
words=(zebrafinch okapi narwhal quokka)
# jsonl: joins lines starting with a space to the line before.
jsonl() { sed -e ':a' -e 'N' -e '$!ba' -e 's/\n / /g'; }
# make_crawl K: the same anchor paper plus one marked with words[K].
make_crawl() {
    jsonl >"$crawl/papers.jsonl" <<J
{"id":"anchor","arxiv_id":"cs/0112017","title":"Anchor paper on graph
 kernels","abstract":"Always here.","authors":["Ada Lovelace"],"year":2001}
{"id":"gen$1","arxiv_id":null,"title":"Marker ${words[$1]} paper",
 "abstract":"Present in build $1 only.","year":2020}
J
    jsonl >"$crawl/links.jsonl" <<'J'
{"paper_id":"anchor","repo_url":"https://github.com/ada/anchor",
 "is_official":true,"framework":"pytorch","stars":3}
J
    gzip -f "$crawl/papers.jsonl" "$crawl/links.jsonl"
}
count() {
    curl -gs "$base/search?q=$1&limit=0" |
        sed -n 's/.*"total":{"estimated":\([0-9]*\).*/\1/p'
}
# found_within WORD: seconds until WORD is found (gives up after 5).
found_within() {
    local t0=$EPOCHREALTIME
    for _ in $(seq 250); do
        [ "$(count "$1")" = 1 ] && break
        sleep 0.02
    done
    python3 -c "import sys; print(round(float(sys.argv[2]) -
                                        float(sys.argv[1]), 2))" \
        "$t0" "$EPOCHREALTIME"
}

make_crawl 0
"$bin/indexer/pwc-index" -q build "$crawl" "$index" 2>/dev/null
cat >"$scratch/cors.conf" <<C
cors_origin = https://example.org
reload_check_ms = 100
C
start_searchd small --config "$scratch/cors.conf" --index "$index"
small_pid=$last_pid
expect_eq "$(count "${words[0]}")" 1 "first build served"

expect_eq "$(get '/papers/cs/0112017')" 200 "old-style arXiv id in path"
expect_eq "$(jq_r 'd["id"]')" cs/0112017 "slash id found"
expect_eq "$(get '/papers/cs%2F0112017')" 200 "encoded slash id"
expect_eq "$(get '/health' -D "$scratch/h")" 200 "CORS GET"
expect_grep '^Access-Control-Allow-Origin: https://example.org' "$scratch/h" \
    "CORS origin sent"
expect_eq "$(get '/search' -X OPTIONS -D "$scratch/h")" 204 "preflight"
expect_grep '^Access-Control-Allow-Methods: GET' "$scratch/h" \
    "preflight methods"

loops=()
for i in 1 2; do
    (while [ ! -e "$scratch/stop" ]; do
        curl -gs -o /dev/null -w '%{http_code}\n' "$base/search?q=anchor"
        curl -gs -o /dev/null -w '%{http_code}\n' "$base/papers/anchor"
    done >"$scratch/codes$i") &
    loops+=($!)
done
for k in 1 2 3; do
    make_crawl "$k"
    "$bin/indexer/pwc-index" -q build "$crawl" "$index" 2>/dev/null
    secs=$(found_within "${words[$k]}")
    echo "build $k found after ${secs}s"
    expect_eq "$(python3 -c "print($secs < 1.0)")" True \
        "build $k served within a second (${secs}s)"
    expect_eq "$(count "${words[$((k - 1))]}")" 0 "build $k replaced the last"
done
jsonl <<'J' | gzip >"$crawl/papers.jsonl.gz"
{"id":"extra","arxiv_id":null,"title":"Wombat paper",
 "abstract":"Added by update.","year":2021}
J
"$bin/indexer/pwc-index" -q update "$crawl" "$index" 2>/dev/null
secs=$(found_within wombat)
echo "update found after ${secs}s"
expect_eq "$(python3 -c "print($secs < 1.0)")" True \
    "update served within a second (${secs}s)"
touch "$scratch/stop"
wait "${loops[@]}"
total=$(cat "$scratch"/codes* | wc -l)
ok200=$(cat "$scratch"/codes* | grep -c '^200$')
echo "$total requests during reloads"
expect_eq "$ok200" "$total" "every request during reloads answered 200"
expect_eq "$(python3 -c "print($total > 20)")" True "queries ran meanwhile"
expect_grep 'event=reload reason=changed' "$scratch/small.err" "reload logged"

kill -HUP "$small_pid"
sleep 0.5
expect_grep 'event=reload reason=reopen' "$scratch/small.err" \
    "SIGHUP reopens"
expect_eq "$(count wombat)" 1 "served after SIGHUP"
get '/metrics' >/dev/null
reloads=$(sed -n 's/^pwc_index_reloads_total //p' "$scratch/r")
expect_eq "$(python3 -c "print(${reloads:-0} >= 5)")" True \
    "reloads counted ($reloads)"

# An index that is not there yet: 503 until it is built, then served.
start_searchd late --config "$scratch/cors.conf" --index "$scratch/later"
late_pid=$last_pid
expect_eq "$(get '/health')" 503 "health without an index"
expect_eq "$(jq_r 'd["status"]')" unavailable "health says unavailable"
expect_eq "$(get '/search?q=anchor')" 503 "search without an index"
"$bin/indexer/pwc-index" -q build "$crawl" "$scratch/later" 2>/dev/null
secs=$(found_within wombat)
expect_eq "$(python3 -c "print($secs < 1.0)")" True \
    "index served once built (${secs}s)"
kill -TERM "$late_pid"
wait "$late_pid"
expect_eq "$?" 0 "SIGTERM exits 0 without an index at start"
base=http://$(sed -n 's/^listening on //p' "$scratch/small.out")

# A request half sent when SIGTERM comes is still answered.
python3 - "${base#http://}" >"$scratch/late" <<'P' &
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
s.sendall(b"GET /search?q=anchor HTTP/1.1\r\n")
time.sleep(1)
s.sendall(b"Host: x\r\n\r\n")
print(s.recv(100).split(b"\r\n")[0].decode())
P
late=$!
sleep 0.5
kill -TERM "$small_pid"
wait "$small_pid"
expect_eq "$?" 0 "SIGTERM exits 0 after reloads"
wait "$late"
expect_grep '^HTTP/1.1 200' "$scratch/late" "request in flight finished"
finish
