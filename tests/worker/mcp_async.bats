#!/usr/bin/env bats
# Asynchronous search routes: a search in flight (a slow MCP child) is a
# suspended connection, so the worker's single loop keeps serving.

load ../lib/worker

setup() {
	worker_setup
	use_fake_mcp
	export CLAUDE_MEM_SEARCH_TIMEOUT_MS=30000	# longer than the slow searches below
	worker_start
}

teardown() {
	worker_teardown
}

# slow_search NAME DELAY: GET /api/search?query=__slow in the background;
# its status and body land in $WTMP/NAME.code and $WTMP/NAME.body.
slow_search() {
	curl -s --max-time 20 -o "$WTMP/$1.body" -w '%{http_code}' \
		"$BASE/api/search?query=__slow&delay=$2&mark=$WTMP/$1.mark" \
		>"$WTMP/$1.code" &
	SLOW_PID=$!
	wait_until 5 test -e "$WTMP/$1.mark"
}

@test "a search in flight does not block the loop: /health answers meanwhile" {
	slow_search s1 8
	t0=$(date +%s%N)
	run curl -s --max-time 6 "$BASE/health"
	t1=$(date +%s%N)
	[[ "$output" == *'"status":"ok"'*'"search":"ready"'* ]]
	# Answered while the 8 s search runs (the margin is for a loaded machine).
	(( (t1 - t0) / 1000000 < 6000 ))
	run api GET "/api/observations?limit=1"
	[[ "$output" == 200* ]]
	alive "$SLOW_PID"                  # the search is still waiting
	wait "$SLOW_PID"
	[ "$(cat "$WTMP/s1.code")" = 200 ]
	grep -q '__slow' "$WTMP/s1.body"
}

@test "a search queued behind a slow one is answered too, by the same child" {
	slow_search s1 1
	first=$SLOW_PID
	curl -s --max-time 10 "$BASE/api/search?query=second" >"$WTMP/second.body" &
	second=$!
	wait "$first"
	wait "$second"
	[ "$(cat "$WTMP/s1.code")" = 200 ]
	grep -q '"query\\": \\"second\\"' "$WTMP/second.body"
	[ "$(wc -l <"$WTMP/mcp.pids")" -eq 1 ]
}

@test "SIGTERM during a search: the request gets 503, the worker exits 0" {
	slow_search s1 12
	t0=$(date +%s%N)
	worker_stop
	t1=$(date +%s%N)
	[ "$WSTATUS" -eq 0 ]
	# It did not wait for the 12 s search to end (margin for a loaded machine).
	(( (t1 - t0) / 1000000 < 9000 ))
	wait "$SLOW_PID"
	[ "$(cat "$WTMP/s1.code")" = 503 ]
	grep -qi 'shutting down' "$WTMP/s1.body"
}
