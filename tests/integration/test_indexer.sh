#!/usr/bin/env bash
# pwc-index on small crawls written here: bad records skipped with their
# place, update idempotence, truncated gzip leaving the live index alone,
# the writer lock, stale half-built directories, invalid UTF-8 and the
# Papers With Code dump layout. Usage: test_indexer.sh BUILD_DIR
. "$(dirname "$0")/lib.sh"
bin=$1
index=$scratch/index
crawl=$scratch/crawl
mkdir -p "$crawl/readmes"
export PWC_CONFIG=/dev/null

idx() { "$bin/indexer/pwc-index" -q "$@"; }
srch() { "$bin/cli/pwc-search" --index "$index" "$@"; }
current_gen() { sed -n 's/^auto gen-0*//p' "$index/CURRENT"; }
total() {
    srch --json --limit 0 "$@" >"$scratch/t.json"
    json_get "$scratch/t.json" 'd["total"]["estimated"]'
}

cat >"$crawl/papers.jsonl" <<'J'
{"id":"p1","arxiv_id":"2101.00001","title":"Sparse graph transformers","abstract":"We sparsify graph attention.","authors":["Ada Lovelace"],"year":2021,"proceeding":"ICML 2021"}
{"id":"p2","arxiv_id":null,"title":"Quantum kernel machines","abstract":"Kernels on qubits.","authors":["Alan Turing"],"year":2020,"date":"last spring"}
{"id":"p3", "title": broken json here
{"id":"p4","arxiv_id":null,"title":42,"year":2020}
{"id":"p5","arxiv_id":null,"title":"Caf\xc3 invalid utf8 \xff title","abstract":"still indexed","year":2019}
J
printf '{"id":"p5","arxiv_id":null,"title":"Caf\xc3 invalid utf8 \xff title","abstract":"still indexed","year":2019}\n' >"$scratch/p5"
sed -i '5d' "$crawl/papers.jsonl"
cat "$scratch/p5" >>"$crawl/papers.jsonl"
cat >"$crawl/links.jsonl" <<'J'
{"paper_id":"p1","repo_url":"https://github.com/ada/sgt","is_official":true,"framework":"pytorch","stars":12}
{"paper_id":"p2","repo_url":"https://github.com/alan/qk","is_official":null,"framework":null,"stars":null}
{"paper_id":"p99","repo_url":"https://github.com/no/paper","is_official":null,"framework":null,"stars":null}
J
gzip -k "$crawl/papers.jsonl" && rm "$crawl/papers.jsonl"
gzip -k "$crawl/links.jsonl" && rm "$crawl/links.jsonl"

# A build with two bad records: both named by line, both counted.
expect_status 0 "build with bad records" -- idx build "$crawl" "$index"
expect_grep 'papers.jsonl.gz:3' "$scratch/err" "broken JSON named by line"
expect_grep 'papers.jsonl.gz:4.*title' "$scratch/err" "wrong type named"
expect_grep 'records skipped +2' "$scratch/err" "summary counts skips"
expect_grep 'papers.jsonl.gz:2.*field .date.: .last spring.' "$scratch/err" \
    "unreadable date named, record kept"
expect_grep 'fields left out +1' "$scratch/err" "summary counts left-out fields"
expect_grep 'to no paper +1' "$scratch/err" "summary counts links to no paper"
expect_grep 'papers indexed +3' "$scratch/err" "summary counts papers"
expect_grep 'with code +2' "$scratch/err" "summary counts code"
expect_eq "$(total 'graph transformers')" 1 "search after build"
expect_eq "$(total 'invalid utf8')" 1 "invalid UTF-8 repaired and indexed"

# Update: a changed title and a new paper given twice (the later record
# is kept, as a build keeps it); twice changes nothing.
cat >"$crawl/papers.jsonl" <<'J'
{"id":"p6","arxiv_id":null,"title":"Neural cellular automata draft","abstract":"Growing patterns.","year":2022}
{"id":"p1","arxiv_id":"2101.00001","title":"Sparse graph transformers at scale","abstract":"We sparsify graph attention.","authors":["Ada Lovelace"],"year":2021}
{"id":"p6","arxiv_id":null,"title":"Neural cellular automata","abstract":"Growing patterns.","year":2022}
J
rm "$crawl/papers.jsonl.gz"; gzip "$crawl/papers.jsonl"
# An update is published as the next generation, the one it replaced kept
# for readers that still have it open; one that changes nothing publishes
# nothing.
before=$(total '')
gen=$(current_gen)
expect_status 0 "update" -- idx update "$crawl" "$index"
expect_grep 'added 1, changed 1' "$scratch/err" "update counts"
expect_grep 'papers written +2' "$scratch/err" "update counts what it wrote"
expect_grep 'duplicate ids +1' "$scratch/err" "update counts a duplicate id"
expect_eq "$(total 'draft')" 0 "the later of two records is kept"
expect_eq "$(total '')" $((before + 1)) "update adds one paper"
expect_eq "$(total 'at scale')" 1 "update replaces changed paper"
expect_eq "$(current_gen)" $((gen + 1)) "update publishes a generation"
expect_eq "$(ls "$index" | grep -c '^gen-')" 2 "previous generation kept"
expect_eq "$(ls "$index" | grep -c tmp)" 0 "no working copy left"
expect_status 0 "second update" -- idx update "$crawl" "$index"
expect_grep 'added 0, changed 0' "$scratch/err" "second update is a no-op"
expect_eq "$(total '')" $((before + 1)) "no duplicates after two updates"
expect_eq "$(current_gen)" $((gen + 1)) "a no-op update publishes nothing"
expect_eq "$(ls "$index" | grep -c tmp)" 0 "no-op update leaves no copy"

# abstract: queries depend on the weights an index was built with: an
# update under other weights is refused, naming the weight; a config
# without the abstract in the plain terms is refused when it is read.
echo "weight_title = 7" >"$scratch/w7.conf"
expect_status 1 "update with other weights" -- \
    env PWC_CONFIG="$scratch/w7.conf" "$bin/indexer/pwc-index" -q update \
    "$crawl" "$index"
expect_grep 'built with weight_title = 6 and the config says 7' \
    "$scratch/err" "weight named"
expect_eq "$(current_gen)" $((gen + 1)) "refused update publishes nothing"
echo "weight_abstract = 0" >"$scratch/w0.conf"
expect_status 2 "weight_abstract 0" -- \
    env PWC_CONFIG="$scratch/w0.conf" "$bin/indexer/pwc-index" -q update \
    "$crawl" "$index"
expect_grep 'w0.conf: weight_abstract must be at least 1' "$scratch/err" \
    "config file named"

# A truncated gzip fails the build and leaves the live index answering.
good=$(total '')
head -c 60 "$crawl/papers.jsonl.gz" >"$scratch/trunc.gz"
mkdir -p "$scratch/bad"
cp "$scratch/trunc.gz" "$scratch/bad/papers.jsonl.gz"
expect_status 1 "truncated gzip fails" -- idx build "$scratch/bad" "$index"
expect_grep 'papers.jsonl.gz' "$scratch/err" "truncated file named"
expect_eq "$(total '')" "$good" "live index untouched after failure"
expect_eq "$(ls "$index" | grep -c tmp)" 0 "no half-built directory left"

# A second writer is told the index is busy.
flock "$index/LOCK" sleep 3 &
sleep 0.5
expect_status 3 "second writer" -- idx build "$crawl" "$index"
expect_grep 'being updated' "$scratch/err" "lock message"
wait

# A half-built generation left by a killed build is cleaned up.
mkdir -p "$index/gen-000999.tmp/part-00"
expect_status 0 "build after a crash" -- idx build "$crawl" "$index"
expect_eq "$(ls "$index" | grep -c tmp)" 0 "stale build removed"

# The Papers With Code dump layout, JSON arrays.
pwc=$scratch/pwc
mkdir -p "$pwc"
cat >"$pwc/papers-with-abstracts.json" <<'J'
[{"paper_url":"https://paperswithcode.com/paper/deep-sets","arxiv_id":"1703.06114","title":"Deep Sets","abstract":"Permutation invariant [functions] {of} \"sets\".","authors":["Manzil Zaheer"],"tasks":["Point Cloud Classification"],"date":"2017-03-10","proceeding":"NeurIPS 2017","url_abs":"https://arxiv.org/abs/1703.06114v3","url_pdf":null},
 {"paper_url":"https://paperswithcode.com/paper/set-transformer","arxiv_id":null,"title":"Set Transformer","abstract":"Attention on sets.","authors":[],"tasks":[],"date":null,"proceeding":null,"url_abs":null,"url_pdf":null}]
J
cat >"$pwc/links-between-papers-and-code.json" <<'J'
[{"paper_url":"https://paperswithcode.com/paper/deep-sets","paper_arxiv_id":"1703.06114","repo_url":"https://github.com/manzilzaheer/DeepSets","is_official":true,"framework":"pytorch","mentioned_in_paper":true,"mentioned_in_github":false}]
J
gzip "$pwc/links-between-papers-and-code.json"
index=$scratch/pwc-index
expect_status 0 "build from PwC dump" -- idx build "$pwc" "$index"
expect_status 0 "search PwC dump" -- srch --json "deep sets"
expect_eq "$(json_get "$scratch/out" 'd["hits"][0]["implementations"][0]["framework"]')" \
    pytorch "PwC link joined"
expect_eq "$(json_get "$scratch/out" 'd["hits"][0]["year"]')" 2017 \
    "year from date"

finish
