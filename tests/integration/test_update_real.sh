#!/usr/bin/env bash
# pwc-index update of the real index with the very crawl it was built from
# changes nothing: the crawl's duplicate ids (a few arXiv ids given twice)
# keep their later record, as the build did, and nothing is published.
# Usage: test_update_real.sh BUILD_DIR INDEX CRAWL
. "$(dirname "$0")/lib.sh"
bin=$1
index=$2
crawl=$3
export PWC_CONFIG=/dev/null
current() { cat "$index/CURRENT"; }

before=$(current)
expect_status 0 "update with the same crawl" -- \
    "$bin/indexer/pwc-index" -q update "$crawl" "$index"
expect_grep 'added 0, changed 0' "$scratch/err" "nothing added or changed"
expect_eq "$(current)" "$before" "nothing published"

finish
