#!/usr/bin/env bash
# bench/worker-bench.sh: mem-worker ingest figure (not run by `make test`).
# Starts a worker on a free port with a temporary data dir, posts N tool
# events (default 2000) over one keep-alive connection, and prints
#   observations ingested per second (POST of the first event -> the last
#   observation stored), and p50/p99 latency of the POST requests and of
#   GET /api/observations?limit=20.
# Usage: bench/worker-bench.sh [N]   (BIN_DIR=build/bin by default)
set -euo pipefail
N="${1:-2000}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
BIN_DIR="${BIN_DIR:-$HERE/build/bin}"
TMP="$(mktemp -d /tmp/worker-bench.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export CLAUDE_MEM_DATA_DIR="$TMP/data" CLAUDE_MEM_WORKER_PORT="$PORT"
export CLAUDE_MEM_SEARCH_BIN="$TMP/none"
"$BIN_DIR/mem-worker" 2>"$TMP/worker.log" &
WPID=$!
cleanup() {
	kill -TERM "$WPID" 2>/dev/null || true
	wait "$WPID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
	curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
	sleep 0.05
done
python3 - "$PORT" "$N" <<'PY'
import http.client, json, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port)
def req(method, path, body=None):
    t = time.perf_counter()
    c.request(method, path, body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse(); data = r.read()
    return (time.perf_counter() - t) * 1000, r.status, data
_, st, data = req("POST", "/api/sessions", json.dumps({"claude_session_id": "bench", "project": "bench", "prompt": "bench"}))
sid = json.loads(data)["sessionDbId"]
tools = [("Read", {"file_path": "/src/file%d.c"}), ("Edit", {"file_path": "/src/file%d.c", "old_string": "a", "new_string": "b"}),
         ("Bash", {"command": "make test %d"}), ("Grep", {"pattern": "needle%d"})]
lat = []
t0 = time.perf_counter()
for i in range(n):
    name, inp = tools[i % 4]
    inp = {k: (v % i if "%d" in v else v) for k, v in inp.items()}
    body = json.dumps({"tool_name": name, "tool_input": json.dumps(inp), "tool_response": json.dumps({"stdout": "ok %d" % i}), "prompt_number": 1})
    ms, st, _ = req("POST", "/sessions/%d/observations" % sid, body)
    assert st == 200, st
    lat.append(ms)
while True:
    _, _, data = req("GET", "/api/stats")
    if json.loads(data)["database"]["observations"] >= n:
        break
    time.sleep(0.005)
elapsed = time.perf_counter() - t0
glat = [req("GET", "/api/observations?limit=20")[0] for _ in range(500)]
def pct(a, p):
    a = sorted(a); return a[min(len(a) - 1, int(len(a) * p / 100))]
print("mem-worker bench: %d observations in %.2f s = %.0f observations/s" % (n, elapsed, n / elapsed))
print("POST /sessions/:id/observations latency: p50 %.3f ms, p99 %.3f ms" % (pct(lat, 50), pct(lat, 99)))
print("GET /api/observations?limit=20 latency:  p50 %.3f ms, p99 %.3f ms" % (pct(glat, 50), pct(glat, 99)))
PY
