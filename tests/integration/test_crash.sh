#!/usr/bin/env bash
# Crash safety: pwc-index build and update are SIGKILLed over twenty times
# at points spread over their run (reading, indexing, compaction, the
# update's commit). After each kill the index answers a fixed set of
# queries exactly as before, from a fresh pwc-search and from a searchd
# running all along; a killed update leaves the old answers or the fully
# updated ones, never a mix; the next build or update succeeds without
# cleanup and leaves no half-built directory. The crawl is a slice of the
# real one when given, else generated.
# Usage: test_crash.sh BUILD_DIR [CRAWL_DIR]
. "$(dirname "$0")/lib.sh"
bin=$1
real=${2:-}
export PWC_CONFIG=/dev/null
crawl=$scratch/crawl
upd=$scratch/upd
index=$scratch/index
npapers=2500

# ---- helpers ------------------------------------------------------------
# The crawl: the first papers of the real one (with their links), or
# generated ones on the same topics.
mkdir -p "$crawl" "$upd"
python3 - "$crawl" "$npapers" "$real" <<'P'
import gzip, json, os, random, sys
out, n, real = sys.argv[1], int(sys.argv[2]), sys.argv[3]
papers, ids = [], set()
if real and os.path.exists(real + "/papers.jsonl.gz"):
    with gzip.open(real + "/papers.jsonl.gz", "rt") as f:
        for line in f:
            papers.append(line)
            ids.add(json.loads(line)["id"])
            if len(papers) == n:
                break
    with gzip.open(real + "/links.jsonl.gz", "rt") as f:
        links = [l for l in f if json.loads(l)["paper_id"] in ids]
else:
    rnd = random.Random(3)
    topics = ("graph neural networks image segmentation reinforcement "
              "learning transformer speech recognition adversarial attack "
              "policy diffusion kernel").split()
    words = topics + [f"w{i}" for i in range(3000)]
    for i in range(n):
        papers.append(json.dumps({
            "id": f"g{i}", "arxiv_id": None,
            "title": " ".join(rnd.choice(words) for _ in range(8)),
            "abstract": " ".join(rnd.choice(words) for _ in range(150)),
            "authors": ["A. Writer"], "year": 2000 + i % 25}) + "\n")
    links = []
with gzip.open(out + "/papers.jsonl.gz", "wt", compresslevel=1) as f:
    f.writelines(papers)
with gzip.open(out + "/links.jsonl.gz", "wt") as f:
    f.writelines(links)
P
# make_update K: the same papers with updmarkK added to every title, plus
# three new ones carrying it: a whole update changes every document.
make_update() {
    python3 - "$crawl" "$upd" "$1" <<'P'
import gzip, json, shutil, sys
src, dst, mark = sys.argv[1], sys.argv[2], "updmark" + sys.argv[3]
with gzip.open(src + "/papers.jsonl.gz", "rt") as f, \
     gzip.open(dst + "/papers.jsonl.gz", "wt", compresslevel=1) as g:
    for line in f:
        p = json.loads(line)
        p["title"] = f"{p['title']} {mark}"
        g.write(json.dumps(p) + "\n")
    for i in range(3):
        g.write(json.dumps({"id": f"{mark}-{i}", "arxiv_id": None,
                            "title": f"New paper {mark}",
                            "abstract": "Added by an update."}) + "\n")
shutil.copy(src + "/links.jsonl.gz", dst + "/links.jsonl.gz")
P
}

# answers cli|URL: the ids and totals for the fixed queries, one line.
cat >"$scratch/answers.py" <<'P'
import json, subprocess, sys, urllib.parse, urllib.request
cli, index, where = sys.argv[1:4]
queries = ["graph neural networks", "image segmentation", "transformer",
           "reinforcement learning", "speech recognition", "adversarial",
           ""] + sys.argv[4:]
out = []
for q in queries:
    try:
        if where == "cli":
            r = subprocess.run([cli, "--index", index, "--json", "--limit",
                                "20", q], capture_output=True, timeout=30)
            d = json.loads(r.stdout)
        else:
            url = where + "/search?" + urllib.parse.urlencode(
                {"q": q, "limit": 20})
            d = json.load(urllib.request.urlopen(url, timeout=30))
        out.append([q, d["total"]["estimated"], [h["id"] for h in d["hits"]]])
    except Exception as e:
        out.append([q, "error", repr(e)[:200]])
print(json.dumps(out))
P
answers() {
    python3 "$scratch/answers.py" "$bin/cli/pwc-search" "$index" "$@"
}
# expect_answers GOT WANT WHAT: equal answers, else which queries differ.
expect_answers() {
    if [ "$1" = "$2" ]; then ok; else
        fail "$3: $(python3 -c 'import json, sys
a, b = (json.loads(x) for x in sys.argv[1:])
print("; ".join(f"{x[0]!r}: {x[1]} hits, wanted {y[1]}" +
                ("" if x[2] == y[2] else " (ids differ)")
                for x, y in zip(a, b) if x != y))' "$1" "$2")"
    fi
}
usecs() { echo "${EPOCHREALTIME/./}"; }
# served_as WANT WHAT: searchd answers WANT within 3 s.
served_as() {
    local t0 got
    t0=$(usecs)
    while got=$(answers "$base") && [ "$got" != "$1" ] &&
        [ $(($(usecs) - t0)) -lt 3000000 ]; do
        sleep 0.05
    done
    expect_answers "$got" "$1" "$2"
}
# marked K: how many papers carry updmarkK (from a fresh pwc-search).
marked() {
    "$bin/cli/pwc-search" --index "$index" --json --limit 0 "updmark$1" |
        python3 -c 'import json, sys
try:
    print(json.load(sys.stdin)["total"]["estimated"])
except ValueError:
    print("unreadable")'
}
current() { cat "$index/CURRENT" 2>&1; }
# tidy WHAT: no half-built directory and no generation beyond the live one.
tidy() {
    local gen stray
    gen=$(sed -n 's/^auto gen-0*//p' "$index/CURRENT")
    stray=$(ls "$index" | while read -r f; do
        case $f in
        *.tmp) echo "$f" ;;
        gen-*) [ "$((10#${f#gen-}))" -le "$gen" ] || echo "$f" ;;
        esac
    done)
    expect_eq "$stray" "" "$1: nothing left over"
}

# kill.py MODE DELAY INDEX LOG CMD...: starts CMD and SIGKILLs it DELAY
# seconds later (mode build or update), or DELAY seconds after its
# compaction started (mode merge). Prints "killed PHASE SECONDS" (the
# phase a build was in: start, index, merge, or published when it had
# switched CURRENT already) or "exited STATUS MS".
cat >"$scratch/kill.py" <<'P'
import os, signal, subprocess, sys, time
mode, delay, index, log = sys.argv[1:5]
delay = float(delay)
def gen():
    try:
        return int(open(index + "/CURRENT").read().split("gen-")[1])
    except (OSError, IndexError, ValueError):
        return 0
gen0 = gen()
nxt, t_wall = f"{index}/gen-{gen0 + 1:06d}", time.time()
def phase():
    if mode == "update":
        return "update"
    # The build switched CURRENT and was killed while tidying up.
    if gen() > gen0:
        return "published"
    # Compaction writes a new database: the next generation, or anything
    # but the parts inside the build's .tmp directory. What an earlier
    # killed build left there is older than this run and does not count.
    try:
        if os.stat(nxt).st_ctime >= t_wall:
            return "merge"
    except OSError:
        pass
    try:
        if os.stat(nxt + ".tmp").st_ctime < t_wall:
            return "start"
        inside = os.listdir(nxt + ".tmp")
    except OSError:
        return "start"
    return "merge" if any(not e.startswith("part-") for e in inside) \
        else "index"
with open(log, "wb") as f:
    p = subprocess.Popen(sys.argv[5:], stdout=f, stderr=f)
t0 = time.monotonic()
if mode == "merge":
    while p.poll() is None and phase() != "merge":
        time.sleep(0.001)
t1 = time.monotonic()
while p.poll() is None and time.monotonic() - t1 < delay:
    time.sleep(0.001)
if p.poll() is not None:
    print("exited", p.returncode, int((time.monotonic() - t0) * 1000))
    sys.exit(0)
p.send_signal(signal.SIGKILL)
p.wait()
# Read once it is dead: a build may publish between a look and the kill.
print("killed", phase(), round(time.monotonic() - t0, 2))
P
build_cmd=("$bin/indexer/pwc-index" -q build -j 2 "$crawl" "$index")
# Updates run with a small flush threshold, so that an update which did not
# hold its changes in one transaction would commit part of them.
update_cmd=(env XAPIAN_FLUSH_THRESHOLD=100 "$bin/indexer/pwc-index" -q update
    "$upd" "$index")
# timed CMD...: runs it, printing its wall time in ms.
timed() {
    local t0 rc
    t0=$(usecs)
    "$@" >"$scratch/run.log" 2>&1
    rc=$?
    echo $((($(usecs) - t0) / 1000))
    return $rc
}

# ---- a first build, a first update, and the daemon ----------------------
build_ms=$(timed "${build_cmd[@]}")
expect_eq "$?" 0 "first build"
mark=0
make_update $mark
update_ms=$(timed "${update_cmd[@]}")
expect_eq "$?" 0 "first update"
echo "build takes ${build_ms} ms, update ${update_ms} ms"
expect_eq "$(marked $mark)" $((npapers + 3)) "first update marks every paper"

printf 'reload_check_ms = 50\n' >"$scratch/d.conf"
start_searchd d --config "$scratch/d.conf" --index "$index"
daemon=$last_pid
want=$(answers cli)
expect_no_grep '"error"' <(echo "$want") "fixed queries answered"
expect_eq "$(python3 -c 'import json,sys
print(all(a[2] for a in json.loads(sys.argv[1])))' "$want")" True \
    "every fixed query has hits"
served_as "$want" "searchd answers as pwc-search"

# ---- the kills ----------------------------------------------------------
# B: build killed at a fraction of its time; M: build killed in its
# compaction; U: update killed at a fraction of its time; C: a whole update
# and a whole build, both checked.
# Percentages of the first run's time: spread from the start to the end
# (an update's commit comes last; one killed after it is checked too).
schedule="B U B U M C B U B U M U C B U B U M U B U B U B U B U C"
bfracs=(10 55 30 75 20 65 45 5 70 35)
ufracs=(50 15 75 35 97 25 65 5 60 40)
mdelays=(0 0.03 0.1)
kills=0 survived=0 bkills=0 ukills=0 merge_kills=0 done_early=0 committed=0
nb=0 nu=0 nm=0
# check_same WHAT: both readers answer as before the kill.
check_same() {
    expect_answers "$(answers cli)" "$want" "$1: pwc-search as before"
    served_as "$want" "$1: searchd as before"
}
for op in $schedule; do
    f0=$failures
    case $op in
    B | M)
        before=$(current)
        if [ "$op" = B ]; then
            delay=$(python3 -c "print(${bfracs[nb % 10]} * $build_ms / 1e5)")
            nb=$((nb + 1))
            r=$(python3 "$scratch/kill.py" build "$delay" "$index" \
                "$scratch/run.log" "${build_cmd[@]}")
        else
            delay=${mdelays[nm % 3]}
            nm=$((nm + 1))
            r=$(python3 "$scratch/kill.py" merge "$delay" "$index" \
                "$scratch/run.log" "${build_cmd[@]}")
        fi
        echo "build: $r"
        case $r in
        killed\ published*)
            # Killed after its switch: the new generation is whole, and
            # answers as the old one did (the crawl is the same).
            bkills=$((bkills + 1))
            expect_ne "$(current)" "$before" "build kill $bkills: switched"
            check_same "build kill $bkills"
            ;;
        killed*)
            bkills=$((bkills + 1))
            [ "${r#killed merge}" != "$r" ] && merge_kills=$((merge_kills + 1))
            expect_eq "$(current)" "$before" "build kill $bkills: CURRENT kept"
            check_same "build kill $bkills"
            ;;
        *)
            expect_eq "${r% *}" "exited 0" "build ran to its end"
            done_early=$((done_early + 1))
            build_ms=${r##* } # builds vary: aim at the latest time
            want=$(answers cli)
            ;;
        esac
        ;;
    U)
        mark=$((mark + 1))
        make_update $mark
        delay=$(python3 -c "print(${ufracs[nu % 10]} * $update_ms / 1e5)")
        nu=$((nu + 1))
        r=$(python3 "$scratch/kill.py" update "$delay" "$index" \
            "$scratch/run.log" "${update_cmd[@]}")
        echo "update: $r"
        case $r in
        killed*) ukills=$((ukills + 1)) ;;
        *)
            expect_eq "${r% *}" "exited 0" "update ran to its end"
            update_ms=${r##* }
            ;;
        esac
        n=$(marked $mark)
        if [ "$n" = 0 ]; then
            check_same "update kill $ukills"
        else
            # Committed before the kill: it must be the whole update,
            # which running it again (to its end) does not change.
            [ "${r#killed}" != "$r" ] && committed=$((committed + 1))
            got=$(answers cli)
            expect_eq "$n" $((npapers + 3)) "update $mark: all or nothing"
            expect_status 0 "update $mark rerun" -- "${update_cmd[@]}"
            want=$(answers cli)
            expect_answers "$got" "$want" "update $mark: the whole update"
            served_as "$want" "update $mark: searchd answers it"
        fi
        ;;
    C)
        mark=$((mark + 1))
        make_update $mark
        expect_status 0 "update after $kills kills" -- "${update_cmd[@]}"
        expect_eq "$(marked $mark)" $((npapers + 3)) "whole update applied"
        tidy "update after $kills kills"
        expect_status 0 "build after $kills kills" -- "${build_cmd[@]}"
        tidy "build after $kills kills"
        want=$(answers cli)
        expect_eq "$(marked $mark)" 0 "build replaced the updated papers"
        served_as "$want" "searchd serves the build after $kills kills"
        ;;
    esac
    if [ "${r#killed}" != "$r" ] && [ "$op" != C ]; then
        kills=$((kills + 1))
        [ "$failures" = "$f0" ] && survived=$((survived + 1))
    fi
done

echo "kills: $kills, survived: $survived ($bkills builds, $merge_kills of" \
    "them in compaction; $ukills updates, $committed of them after their" \
    "commit); $done_early builds ended before their kill"
echo "last build took ${build_ms} ms, last update ${update_ms} ms"
expect_eq "$((survived >= 20))" 1 "at least twenty kills survived"
expect_eq "$((merge_kills >= 1))" 1 "a kill during compaction"
expect_no_grep 'status=5[0-9][0-9]' "$scratch/d.err" "searchd: no 5xx"
kill -TERM "$daemon"
wait "$daemon"
expect_eq "$?" 0 "searchd exits 0"
finish
