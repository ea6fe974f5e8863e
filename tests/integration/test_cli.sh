#!/usr/bin/env bash
# pwc-search against the index of the real crawl: the text listing shows
# code for "graph networks", JSON parses, and exit codes and messages for
# no hits (with a spelling correction), an empty page, bad options and
# missing indexes are as documented.
# Usage: test_cli.sh BUILD_DIR INDEX
. "$(dirname "$0")/lib.sh"
bin=$1
index=$2
export PWC_CONFIG=/dev/null
srch() { "$bin/cli/pwc-search" --index "$index" "$@"; }

expect_status 0 "graph networks" -- srch "graph networks"
expect_grep '^ 1\. ' "$scratch/out" "ranked listing"
expect_grep 'code: (official|unverified)' "$scratch/out" "code shown"
expect_grep '\[[Gg]raph\]' "$scratch/out" "query words marked"
expect_grep 'hits' "$scratch/out" "total line"

expect_status 0 "json" -- srch --json --limit 3 "graph networks"
expect_eq "$(json_get "$scratch/out" 'len(d["hits"])')" 3 "--limit"
expect_eq "$(json_get "$scratch/out" 'all("implementations" in h for h in d["hits"])')" \
    True "hits carry implementations"

expect_status 0 "offset" -- srch --json --limit 3 --offset 2 "graph networks"
expect_eq "$(json_get "$scratch/out" 'd["hits"][0]["rank"]')" 3 "--offset"

expect_status 0 "stars sort" -- srch --json --sort stars --has-code "gan"
expect_eq "$(json_get "$scratch/out" 'all(a>=b for a,b in zip([max([i["stars"] or -1 for i in h["implementations"]]) for h in d["hits"]], [max([i["stars"] or -1 for i in h["implementations"]]) for h in d["hits"]][1:]))')" \
    True "--sort stars orders by best stars"

expect_status 0 "no code" -- srch --no-code --limit 5 "graph"
expect_grep 'no code' "$scratch/out" "no code shown"

expect_status 1 "no hits" -- srch "zzqxjv wqpzkk"
expect_grep 'no hits' "$scratch/out" "no hits message"
expect_status 1 "long query" -- srch "$(printf 'zzqxjv%.0s ' $(seq 300))"
expect_grep '^no hits for "zzqxjv .{150,200}\.\.\."$' "$scratch/out" \
    "a long query is echoed cut"
expect_status 1 "misspelt" -- srch "grpah netwroks"
expect_grep 'did you mean "graph networks"' "$scratch/out" "correction offered"
expect_status 0 "page past the end" -- srch --offset 100000 "graph networks"
expect_grep 'none on this page' "$scratch/out" "empty page told from no hits"
expect_status 0 "count only" -- srch --json --limit 0 --has-code "graph networks"
expect_eq "$(json_get "$scratch/out" 'd["total"]["exact"] and d["total"]["lower"] > 0')" \
    True "--limit 0 counts exactly"
expect_status 1 "filter empties" -- srch --year 1900 "graph networks"
expect_no_grep 'did you mean' "$scratch/out" "no correction of matching words"
expect_status 2 "unquoted exclusion" -- srch gan -medical
expect_grep 'quote the whole query' "$scratch/err" "exclusion hint"
expect_status 2 "contradictory code filters" -- srch --has-code --no-code gan
expect_grep 'exclude each other' "$scratch/err" "conflict named"
expect_status 2 "bad limit" -- srch --limit -3 graph
expect_grep '--limit' "$scratch/err" "bad limit named"
expect_status 2 "bad sort" -- srch --sort size graph
expect_grep '--sort' "$scratch/err" "bad sort named"
expect_status 2 "bad year" -- srch --year 20x9 graph
expect_status 2 "missing index" -- "$bin/cli/pwc-search" --index "$scratch/none" graph
expect_grep 'cannot open index' "$scratch/err" "missing index named"
expect_status 0 "help" -- srch --help
expect_grep 'usage: pwc-search' "$scratch/out" "help text"
expect_status 0 "indexer help" -- "$bin/indexer/pwc-index" --help
expect_status 2 "indexer usage" -- "$bin/indexer/pwc-index" frobnicate
expect_status 0 "broken syntax" -- srch '"graph networks AND ('

finish
