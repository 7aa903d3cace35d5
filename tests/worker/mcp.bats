#!/usr/bin/env bats
# The MCP client: search routes through a fake MCP stdio server.

load ../lib/worker

setup() {
	worker_setup
	use_fake_mcp
	# Short, for the __sleep call's timeout; yet each call also pays for a
	# new child's python3 start and initialize, which took over 1.5 s on a
	# loaded 2-core machine (ctest -j 4): the next call failed.
	export CLAUDE_MEM_SEARCH_TIMEOUT_MS=4000
	worker_start
}

teardown() {
	worker_teardown
}

@test "query string becomes the tool's arguments, content array returned" {
	run api GET "/api/search/observations?query=parser&limit=7&project=p1"
	[[ "$output" == '200 [{"type":"text","text":"tool=search_observations args={\"limit\": 7, \"project\": \"p1\", \"query\": \"parser\"}'* ]]
	for pair in timeline:timeline decisions:decisions changes:changes \
	    search/sessions:search_sessions search/prompts:search_user_prompts \
	    search/by-concept:find_by_concept search/by-file:find_by_file \
	    search/by-type:find_by_type context/recent:get_recent_context \
	    context/timeline:get_context_timeline timeline/by-query:get_timeline_by_query \
	    how-it-works:how_it_works; do
		run api GET "/api/${pair%%:*}?query=q"
		[[ "$output" == "200 [{\"type\":\"text\",\"text\":\"tool=${pair##*:} "* ]]
	done
	run api GET /health
	[[ "$output" == *'"search":"ready"'* ]]
}

@test "tool error and JSON-RPC error -> 500 with error; worker stays up" {
	run api GET "/api/search?query=__iserror"
	[[ "$output" == '500 {"error":"tool=search'* ]]
	run api GET "/api/search?query=__error"
	[ "$output" = '500 {"error":"search server error: bad arguments"}' ]
	healthy
}

@test "a timed-out child is killed and a new one answers the next call" {
	first="$(head -1 "$WTMP/mcp.pids")"
	run api GET "/api/search?query=__sleep"
	[ "$output" = '503 {"error":"search server timed out"}' ]
	gone "$first"
	run api GET /health
	[[ "$output" == *'"search":"timeout"'* ]]
	run api GET "/api/search?query=again"
	[[ "$output" == 200* ]]
	[ "$(wc -l <"$WTMP/mcp.pids")" -eq 2 ]
}

@test "a child that dies is reaped and restarted on the next call" {
	run api GET "/api/search?query=__die"
	[[ "$output" == '503 {"error":"search server exited"}' ]]
	run api GET /health
	[[ "$output" == *'"search":"exited"'* ]]
	run api GET "/api/search?query=back"
	[[ "$output" == 200*'back'* ]]
	# no zombie left behind
	! ps -o stat= --ppid "$WPID" | grep -q Z || false
}

@test "a child killed from outside is noticed by /health" {
	first="$(head -1 "$WTMP/mcp.pids")"
	kill -KILL "$first"
	wait_until 5 bash -c "curl -s '$BASE/health' | grep -q '\"search\":\"exited\"'"
	run api GET "/api/search?query=x"
	[[ "$output" == 200* ]]
}
