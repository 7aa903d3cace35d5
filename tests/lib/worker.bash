# tests/lib/worker.bash: helpers for the mem-worker bats tests.
# Each test gets its own temp dir (data dir, log), a free port, and ends
# every process it started (by pid).

# shellcheck source=require.bash
. "${BASH_SOURCE[0]%/*}/require.bash"
# shellcheck source=logcheck.bash
. "${BASH_SOURCE[0]%/*}/logcheck.bash"
# shellcheck source=poll.bash
. "${BASH_SOURCE[0]%/*}/poll.bash"

WORKER_BIN="${CSUP_BIN_DIR:?CSUP_BIN_DIR not set}/mem-worker"
FIXTURES="${CSUP_SRC_DIR:?}/tests/fixtures"

# A port the kernel says is free right now (bind to 0).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

worker_setup() {
	WTMP="$(mktemp -d /tmp/worker-test.XXXXXX)"
	export CLAUDE_MEM_DATA_DIR="$WTMP/data"
	export CLAUDE_MEM_WORKER_HOST=127.0.0.1
	export CLAUDE_MEM_WORKER_PORT="$(free_port)"
	export CLAUDE_MEM_SEARCH_BIN="$WTMP/no-search-server"
	unset CLAUDE_MEM_AGENT_CMD NOTIFY_SOCKET MEM_WORKER_TEST_SKIP_CLEANUP
	BASE="http://127.0.0.1:$CLAUDE_MEM_WORKER_PORT"
	WPID=""
}

healthy() {
	curl -sf "$BASE/health" | grep -q '"status":"ok"'
}

# worker_start: start mem-worker in the background (env as exported), wait
# until /health answers. Retries once on a port race.
worker_start() {
	"$WORKER_BIN" >>"$WTMP/worker.log" 2>&1 &
	WPID=$!
	if ! wait_until 10 healthy; then
		echo "worker did not become healthy; log:" >&2
		cat "$WTMP/worker.log" >&2
		return 1
	fi
}

alive() { kill -0 "$1" 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# worker_stop: SIGTERM and wait (bounded) for the exit; sets WSTATUS.
worker_stop() {
	[ -n "$WPID" ] || return 0
	kill -TERM "$WPID" 2>/dev/null || true
	local i
	for i in $(seq 1 200); do
		alive "$WPID" || break
		nap 0.05
	done
	if alive "$WPID"; then
		kill -KILL "$WPID"
	fi
	wait "$WPID" 2>/dev/null
	WSTATUS=$?
	WPID=""
}

# Kill every pid listed in the given files (test children), then remove dir.
worker_teardown() {
	worker_stop
	local f p
	for f in "$WTMP"/*.pids; do
		[ -f "$f" ] || continue
		while read -r p; do
			kill -KILL "$p" 2>/dev/null || true
		done <"$f"
	done
	rm -rf "$WTMP"
}

# api METHOD PATH [BODY]: prints "STATUS BODY".
api() {
	local out code
	out="$(curl -s -o "$WTMP/body" -w '%{http_code}' -X "$1" \
		${3:+-H 'Content-Type: application/json' --data-binary "$3"} "$BASE$2")"
	code="$out"
	echo "$code $(cat "$WTMP/body")"
}

# jq-free JSON field read: json_get 'expr' <<< json (python)
json_get() {
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"
}

# replay_hooks [DIR]: feed each NN-EVENT.json of the recorded session to
# `mem-worker hook EVENT`, in order (worker address from the environment).
replay_hooks() {
	local dir="${1:-$FIXTURES/hooks}" f ev
	for f in "$dir"/[0-9][0-9]-*.json; do
		ev="$(basename "$f" .json)"
		ev="${ev#[0-9][0-9]-}"
		"$WORKER_BIN" hook "$ev" <"$f" >>"$WTMP/hook.out" 2>>"$WTMP/hook.err" || return 1
	done
}

# use_fake_mcp: the worker's search child becomes the test MCP server.
use_fake_mcp() {
	export CLAUDE_MEM_SEARCH_BIN="$FIXTURES/worker/fake-mcp.py"
	export FAKE_MCP_PIDFILE="$WTMP/mcp.pids"
}
