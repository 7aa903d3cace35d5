#!/bin/sh
# search-bench.sh: mem-search latency over 100,000 generated observations,
# beside the same FTS5 query run through the sqlite3 shell on the same file.
#
#   bench/search-bench.sh [BUILD_DIR]      (default: build)
#   env: BENCH_ROWS (100000), BENCH_QUERIES (200), BENCH_DIR (mktemp)
#
# The database is made through memdb (the fixture builder of the tests) so
# the schema, FTS tables and triggers are the real ones. Reported:
#   - mem-search: one long-lived server over stdio; p50/p99 of the round
#     trip of tools/call search (JSON-RPC in, markdown out), after one
#     warm-up call that builds the vector index (its time is shown apart);
#   - sqlite3: the bm25 query of the same words, p50/p99 of the shell's own
#     .timer (query only) and of the whole `sqlite3` process run.
set -eu

BUILD="${1:-build}"
ROWS="${BENCH_ROWS:-100000}"
NQ="${BENCH_QUERIES:-200}"
SRC="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$BUILD/bin/mem-search"
MAKEDB="$BUILD/tests/test_search_fixture"
for f in "$BIN" "$MAKEDB"; do
	[ -x "$f" ] || { echo "search-bench: $f missing (build first)" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "search-bench: sqlite3 missing" >&2; exit 1; }
DIR="${BENCH_DIR:-$(mktemp -d /tmp/search-bench.XXXXXX)}"
mkdir -p "$DIR"
DB="$DIR/claude-mem.db"

if [ ! -f "$DB" ]; then
	echo "generating $ROWS observations in $DB ..."
	python3 - "$ROWS" >"$DIR/gen.sql" <<'PY'
import sys
rows = int(sys.argv[1])
words = """process leak restart cgroup signal child reaper zombie timeout
cron schedule parser config yaml field table walker daemon socket control
message frame length header payload client server request response health
check ready watch reload inotify file path directory binary version build
test fixture golden search index vector trigram rank fusion query filter
project session summary prompt observation decision bugfix feature refactor
discovery change memory store sqlite database migration schema trigger
journal checkpoint transaction commit rollback busy lock mutex thread event
loop timer child pidfd kill group tree sweep orphan survivor guarantee stop
start status list describe logs rotate size duration unit parse error line
column token buffer grow shrink cache evict warm cold latency throughput
bench profile trace debug verbose quiet exit code signal name number port
address bind listen accept connect close shutdown deadline chain order""".split()
print("BEGIN;")
print("CREATE TEMP TABLE w(i INTEGER PRIMARY KEY, word TEXT NOT NULL);")
for i, x in enumerate(words):
    print(f"INSERT INTO w VALUES ({i}, '{x}');")
print("INSERT INTO sdk_sessions (claude_session_id, sdk_session_id, project, "
      "user_prompt, started_at, started_at_epoch, status) "
      "WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c "
      "WHERE x < 99) SELECT 'bench-' || x, 'bench-' || x, 'proj' || (x % 5), "
      "'prompt ' || x, '2025-01-01T00:00:00.000Z', 1735689600000, "
      "'completed' FROM c;")
n = len(words)
def word(k):
    return f"(SELECT word FROM w WHERE i = (x * {7919 + 2 * k} + {104729 * k}) % {n})"
title = " || ' ' || ".join(word(k) for k in range(4))
narr = " || ' ' || ".join(word(k) for k in range(4, 34))
print("INSERT INTO observations (sdk_session_id, project, text, type, title, "
      "subtitle, facts, narrative, concepts, files_read, files_modified, "
      "prompt_number, created_at, created_at_epoch) "
      f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows}) "
      "SELECT 'bench-' || (x % 100), 'proj' || (x % 5), NULL, "
      "CASE x % 6 WHEN 0 THEN 'decision' WHEN 1 THEN 'bugfix' WHEN 2 THEN "
      "'feature' WHEN 3 THEN 'refactor' WHEN 4 THEN 'discovery' ELSE 'change' END, "
      f"{title}, {word(40)} || ' ' || {word(41)}, '[]', {narr}, "
      "'[\"what-changed\"]', '[]', '[\"/src/' || " + word(42) + " || '.c\"]', 1, "
      "strftime('%Y-%m-%dT%H:%M:%fZ', 1735689600 + x * 60, 'unixepoch'), "
      "(1735689600 + x * 60) * 1000 FROM c;")
print("COMMIT;")
PY
	t0=$(date +%s)
	"$MAKEDB" --make "$DB" "$DIR/gen.sql"
	echo "  built in $(( $(date +%s) - t0 )) s"
fi

python3 - "$BIN" "$DB" "$NQ" <<'PY'
import json, os, random, statistics, subprocess, sys, time
binp, db, nq = sys.argv[1], sys.argv[2], int(sys.argv[3])
words = [r for r in subprocess.run(["sqlite3", db,
    "SELECT DISTINCT value FROM (SELECT title AS t FROM observations LIMIT 200), "
    "json_each('[\"' || replace(t, ' ', '\",\"') || '\"]')"],
    capture_output=True, text=True, check=True).stdout.split()]
rnd = random.Random(42)
def typo(w):
    i = rnd.randrange(1, len(w))
    return w[:i] + w[i - 1] + w[i:]        # a doubled letter
queries = []
for k in range(nq):
    a, b = rnd.sample(words, 2)
    queries.append(f"{a} {b}" if k % 2 == 0 else f"{typo(a)} {b}")

def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]

env = dict(os.environ, CLAUDE_MEM_DATA_DIR=os.path.dirname(db), TZ="UTC")
p = subprocess.Popen([binp, "--db", db], stdin=subprocess.PIPE,
    stdout=subprocess.PIPE, env=env, text=True, bufsize=1)
def call(i, msg):
    p.stdin.write(json.dumps(dict(jsonrpc="2.0", id=i, **msg)) + "\n")
    p.stdin.flush()
    r = json.loads(p.stdout.readline())
    if "error" in r or r.get("result", {}).get("isError"):
        sys.exit(f"search-bench: {r}")
    return r
call(0, dict(method="initialize", params=dict(protocolVersion="2025-06-18",
    capabilities={}, clientInfo=dict(name="bench", version="1"))))
t = time.perf_counter()
call(1, dict(method="tools/call", params=dict(name="search_observations",
    arguments=dict(query="warm up"))))
warm = time.perf_counter() - t
lat, found = [], 0
for i, q in enumerate(queries):
    t = time.perf_counter()
    r = call(i + 2, dict(method="tools/call", params=dict(
        name="search_observations", arguments=dict(query=q, limit=20))))
    lat.append((time.perf_counter() - t) * 1000)
    found += r["result"]["content"][0]["text"].startswith("Found")
p.stdin.close()
p.wait()

shell, proc = [], []
for q in queries[:min(len(queries), 100)]:
    expr = " OR ".join('"%s"' % w for w in q.split())
    sql = (".timer on\nSELECT o.id FROM observations_fts, observations o "
           "WHERE o.id = observations_fts.rowid AND observations_fts MATCH "
           "'%s' ORDER BY bm25(observations_fts) LIMIT 20;\n" % expr)
    t = time.perf_counter()
    out = subprocess.run(["sqlite3", db], input=sql, capture_output=True,
        text=True, check=True).stdout
    proc.append((time.perf_counter() - t) * 1000)
    for line in out.splitlines():
        if line.startswith("Run Time: real"):
            shell.append(float(line.split()[3]) * 1000)

n = sum(1 for _ in open(db, "rb"))  # touch: file exists
print(f"queries: {len(queries)} (half with a typo), {found} answered with results")
print(f"mem-search warm-up (builds the vector index of every row): {warm * 1000:.0f} ms")
print(f"mem-search search_observations round trip: p50 {pct(lat, 50):.2f} ms  p99 {pct(lat, 99):.2f} ms")
print(f"sqlite3 shell, same FTS5 bm25 query (.timer): p50 {pct(shell, 50):.2f} ms  p99 {pct(shell, 99):.2f} ms")
print(f"sqlite3 shell, whole process run:            p50 {pct(proc, 50):.2f} ms  p99 {pct(proc, 99):.2f} ms")
PY
[ -n "${BENCH_DIR:-}" ] || rm -rf "$DIR"
