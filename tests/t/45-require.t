#!/bin/bash
# --require and shared caches: a tree below the required level is never
# published, and a published one below it is never reused as if it met it
# (else a pod with --require exact restarts forever on a cache hit).
. "$(dirname "$0")/../lib.sh"
R=9.1.0-req
CODE=$(( (9 << 16) + (1 << 8) ))
root=$TMP/root
make_mini_tree "$root/usr/src/linux-headers-$R" "$R" "$CODE"
args=(--host-root "$root" --kernel-release "$R")
# set_manifest DIR PYTHON-STATEMENT: edits DIR/manifest.json (m is the object).
set_manifest() {
	python3 -c "import json,sys; p=sys.argv[1]+'/manifest.json'; m=json.load(open(p)); $2; json.dump(m, open(p,'w'))" "$1"
}
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print($1)" "$PH_OUT"; }

# A warmed cache holding an approximate tree (as close-match makes them).
run_ph "${args[@]}" --output "$TMP/warm"
is "$PH_RC" 0 "a tree for the warmed cache"
is "$(python3 -c "import json; print(json.load(open('$TMP/warm/$R/manifest.json'))['schema_version'])")" 1 \
	"manifest.json carries schema_version 1"
set_manifest "$TMP/warm/$R" 'm["exact"]=False'

run_ph "${args[@]}" --strategy cache --cache-dir "$TMP/warm" --output "$TMP/o1" --require exact --json -q
is "$PH_RC" 7 "--require exact and only an approximate tree: exit 7"
like "$PH_ERR" "cache: not published: the tree is approximate \(a close match\) and --require exact asks for an exact one" \
	"...with a line, even under -q, that says why"
[ ! -e "$TMP/o1/$R" ]; ok $? "...and the approximate tree is not published"
is "$(field 'd["exact"]')" "False" "--json says the tree was approximate"

# The pod's termination message (kubectl describe) says why, in one line.
PROVISION_HEADERS_TERMINATION_LOG=$TMP/termination-log run_ph "${args[@]}" --strategy cache --cache-dir "$TMP/warm" \
	--output "$TMP/o1" --require exact -q
is "$(wc -l <"$TMP/termination-log")/$PH_RC" "1/7" "--termination-log: one line"
like "$(cat "$TMP/termination-log")" "^exit 7: $R: cache: not published: the tree is approximate" "...the verdict and why"

run_ph "${args[@]}" --strategy cache --cache-dir "$TMP/warm" --output "$TMP/o1" --json --termination-log "$TMP/tl-ok"
is "$PH_RC" 0 "without --require exact the approximate tree is published"
like "$(cat "$TMP/tl-ok")" "^ok: $R: published by cache \(approximate, validation not run\): $TMP/o1/$R/build\$" \
	"...and the termination log says so"
like "$PH_ERR" "cache: published .*\(approximate," "...saying it is approximate"

# The next run on that shared volume: a cache hit reports what the tree is.
run_ph "${args[@]}" --strategy cache --output "$TMP/o1" --json
is "$PH_RC" 0 "a cache hit without --require exact: reused"
like "$PH_ERR" "cache: .* is published and complete \(approximate, validation: not run\), nothing to do" \
	"...the log line says it is approximate and not validated"
is "$(field 'd["result"] + " " + str(d["exact"])')" "reused False" "...and so does --json"

run_ph "${args[@]}" --strategy cache --output "$TMP/o1" --require exact --json
is "$PH_RC" 7 "a cached approximate tree under --require exact, nothing to rebuild it with: exit 7"
like "$PH_ERR" "not reused: the tree is approximate \(a close match\) and --require exact asks for an exact one" \
	"...naming why it was not reused"
is "$(field 'd.get("result", "none") + " " + str(d["exit_code"])')" "none 7" "...--json does not say reused"
like "$(field 'd["error"]')" "not reused: the tree is approximate" "...and its error carries the reason"

run_ph "${args[@]}" --strategy cache,host --output "$TMP/o1" --require exact --json
is "$PH_RC" 0 "a cached approximate tree under --require exact is rebuilt by the chain"
like "$PH_ERR" "host: published .*\(exact," "...by the host strategy, exact"
is "$(python3 -c "import json; print(json.load(open('$TMP/o1/$R/manifest.json'))['exact'])")" "True" \
	"...and the shared volume now holds the exact tree"
run_ph "${args[@]}" --output "$TMP/o1" --require exact --json
is "$PH_RC/$(field 'd["result"] + " " + str(d["exact"])')" "0/reused True" "the next run reuses it as exact"
run_ph "${args[@]}" --output "$TMP/o1" --dry-run --json
is "$PH_RC/$(field 'd["result"]')" "0/dry-run" "--dry-run on a cache hit reports dry-run, not reused"

# A tree recorded as found wrong by validation is not reused by default.
set_manifest "$TMP/o1/$R" 'm["validation"]={"verdict": "mismatch", "mismatches": ["task_struct.pid"]}'
run_ph "${args[@]}" --output "$TMP/o1"
is "$PH_RC" 0 "a cached tree whose recorded verdict is mismatch is rebuilt"
like "$PH_ERR" "not reused: its validation verdict is mismatch and --require no-mismatch does not allow that" "...saying why"
like "$PH_ERR" "host: published" "...by the chain"
set_manifest "$TMP/o1/$R" 'm["validation"]={"verdict": "mismatch", "mismatches": ["task_struct.pid"]}'
run_ph "${args[@]}" --output "$TMP/o1" --require none
like "$PH_ERR" "nothing to do" "--require none reuses it"
done_testing
