#!/usr/bin/env bash
# Rebuild under load: searchd serves a small generated index while client
# threads query it over keep-alive connections and the index is rebuilt
# ten times and updated twice. Every reply must be a 200 with JSON hits
# from one generation only; after each switch the new marker word is found
# within about a second and the old one is gone. Loopback only, bounded in
# time. Usage: test_rebuild_load.sh BUILD_DIR
. "$(dirname "$0")/lib.sh"
bin=$1
export PWC_CONFIG=/dev/null
crawl=$scratch/crawl
index=$scratch/index
npapers=300

# make_crawl MARKER [EXTRA]: the same papers p000.. with MARKER in every
# title, plus EXTRA new ones (for updates), every title carrying it.
make_crawl() {
    mkdir -p "$crawl"
    python3 - "$crawl" "$npapers" "$1" "${2:-0}" <<'P'
import gzip, json, random, sys
d, n, marker, extra = sys.argv[1:5]
n, extra = int(n), int(extra)
words = ("graph learning network attention sparse kernel vision speech "
         "robust policy gradient transformer diffusion tabular").split()
rnd = random.Random(1)
with gzip.open(d + "/papers.jsonl.gz", "wt") as f:
    ids = [f"p{i:03d}" for i in range(n)]
    ids += [f"x{marker}-{i}" for i in range(extra)]
    for i, pid in enumerate(ids):
        f.write(json.dumps({
            "id": pid, "arxiv_id": None,
            "title": f"Paper {i} on graph learning {marker}",
            "abstract": " ".join(rnd.choice(words) for _ in range(40)),
            "authors": ["Ada Lovelace"], "year": 2000 + i % 25}) + "\n")
with gzip.open(d + "/links.jsonl.gz", "wt") as f:
    f.write(json.dumps({"paper_id": "p007",
                        "repo_url": "https://github.com/a/b",
                        "is_official": True, "framework": "pytorch",
                        "stars": 5}) + "\n")
P
}
idx() { "$bin/indexer/pwc-index" -q "$@" 2>"$scratch/idx.err"; }
count() {
    curl -gs "$base/search?q=$1&limit=0" |
        sed -n 's/.*"total":{"estimated":\([0-9]*\).*/\1/p'
}
# usecs: the wall clock in microseconds.
usecs() { echo "${EPOCHREALTIME/./}"; }
# served_ms WORD N: milliseconds until WORD is in N papers (gives up at 3 s).
served_ms() {
    local t0
    t0=$(usecs)
    while [ "$(count "$1")" != "$2" ] && [ $(($(usecs) - t0)) -lt 3000000 ]
    do
        sleep 0.02
    done
    echo $((($(usecs) - t0) / 1000))
}

make_crawl genmarker0
expect_status 0 "first build" -- idx build "$crawl" "$index"
printf 'reload_check_ms = 100\n' >"$scratch/d.conf"
start_searchd d --config "$scratch/d.conf" --index "$index"
daemon=$last_pid
hostport=${base#http://}
expect_eq "$(count genmarker0)" "$npapers" "first build served"

# The load: threads on keep-alive connections checking every reply.
cat >"$scratch/load.py" <<'P'
import http.client, json, os, re, sys, threading, time
host, port = sys.argv[1].rsplit(":", 1)
stop, limit_s, per_thread = sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
paths = ["/search?q=graph+learning&limit=20", "/search?q=paper&sort=date",
         "/papers/p007", "/search?q=attention+kernel&limit=50"]
lock = threading.Lock()
st = {"requests": 0, "non200": 0, "bad_body": 0, "mixed": 0,
      "conn_errors": 0, "went_back": 0, "markers": set(), "examples": []}
def bad(key, what):
    with lock:
        st[key] += 1
        if len(st["examples"]) < 10:
            st["examples"].append(what)
def check(path, status, body):
    if status != 200:
        return bad("non200", f"{path}: {status}")
    try:
        d = json.loads(body)
        titles = [d["title"]] if path.startswith("/papers/") else \
                 [h["title"] for h in d["hits"]]
        assert titles, "no hits"
    except Exception as e:
        return bad("bad_body", f"{path}: {e!r} {body[:80]!r}")
    marks = {m for t in titles for m in re.findall(r"\w+marker\d+", t)}
    if len(marks) != 1:
        return bad("mixed", f"{path}: {sorted(marks)}")
    with lock:
        st["markers"] |= marks
    return int(re.search(r"\d+$", marks.pop()).group())
def run(k):
    t0, con, last = time.monotonic(), None, 0
    for i in range(per_thread):
        if os.path.exists(stop) or time.monotonic() - t0 > limit_s:
            break
        path = paths[(i + k) % len(paths)]
        try:
            con = con or http.client.HTTPConnection(host, int(port), timeout=10)
            con.request("GET", path)
            r = con.getresponse()
            body = r.read()
        except (OSError, http.client.HTTPException) as e:
            bad("conn_errors", f"{path}: {e!r}")
            con = None
            continue
        with lock:
            st["requests"] += 1
        seen = check(path, r.status, body)
        if seen is not None and seen < last:
            bad("went_back", f"{path}: marker {seen} after {last}")
        last = max(last, seen or 0)
threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
st["markers"] = sorted(st["markers"])
print(json.dumps(st))
P
python3 "$scratch/load.py" "$hostport" "$scratch/stop" 100 1000000 \
    >"$scratch/load.json" &
load=$!
pids+=($load)
sleep 0.5

# Ten builds and two updates, each checked from outside the load.
switches=0
old=genmarker0
t_start=$(usecs)
for k in $(seq 12); do
    if [ "$k" = 4 ] || [ "$k" = 9 ]; then
        new=updmarker$k
        make_crawl "$new" 1
        want=$((npapers + 1))
        expect_status 0 "update $k" -- idx update "$crawl" "$index"
    else
        new=genmarker$k
        make_crawl "$new"
        want=$npapers
        expect_status 0 "build $k" -- idx build "$crawl" "$index"
    fi
    ms=$(served_ms "$new" "$want")
    echo "switch $k ($new) served after $ms ms"
    expect_eq "$((ms < 1500))" 1 "switch $k served within about a second"
    expect_eq "$(count "$old")" 0 "switch $k: $old gone"
    switches=$((switches + 1))
    old=$new
done
touch "$scratch/stop"
wait "$load"
expect_eq "$?" 0 "load client ran"
secs=$((($(usecs) - t_start) / 1000000))

stat() { json_get "$scratch/load.json" "$1"; }
echo "switches: $switches in ${secs}s;" \
    "requests served: $(stat 'd["requests"]')," \
    "non-200: $(stat 'd["non200"]'), bad bodies: $(stat 'd["bad_body"]')," \
    "mixed: $(stat 'd["mixed"]'), older after newer: $(stat 'd["went_back"]')," \
    "connection errors: $(stat 'd["conn_errors"]')"
echo "generations seen by the load: $(stat 'len(d["markers"])')"
stat '"\n".join(d["examples"])' | grep . | sed 's/^/  | /'
expect_eq "$switches" 12 "twelve switches"
expect_eq "$(stat 'd["requests"] > 200')" True "load ran during switches"
expect_eq "$(stat 'd["non200"]')" 0 "no status but 200"
expect_eq "$(stat 'd["bad_body"]')" 0 "every body JSON with hits"
expect_eq "$(stat 'd["mixed"]')" 0 "every reply from one generation"
expect_eq "$(stat 'd["went_back"]')" 0 "no client saw an older index again"
expect_eq "$(stat 'd["conn_errors"]')" 0 "no connection failed"
expect_eq "$(stat 'len(d["markers"]) >= 12')" True \
    "the load saw the generations go by"
expect_no_grep 'status=5[0-9][0-9]' "$scratch/d.err" "no 5xx logged"
expect_eq "$(ls "$index" | grep -c 'tmp')" 0 "no half-built directory"
expect_eq "$(ls "$index" | grep -c '^gen-')" 2 "live and previous kept"

kill -TERM "$daemon"
wait "$daemon"
expect_eq "$?" 0 "searchd exits 0 after the switches"
finish
