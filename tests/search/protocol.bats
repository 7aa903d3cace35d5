#!/usr/bin/env bats
# mem-search over stdio: JSON-RPC errors (every code), MCP methods, version
# negotiation, tool failures as isError, shutdown.

load ../lib/search

setup() { search_setup; }
teardown() { search_teardown; }

# the reply (line N, default 1) of a session
reply() {
	sed -n "${2:-1}p" <<<"$1"
}

@test "-32700: a line that is not JSON" {
	out="$(search_raw '{"jsonrpc":"2.0","id":1,' 'not json at all')"
	[ "$(reply "$out" 1 | jq -c '[.id, .error.code]')" = '[null,-32700]' ]
	[ "$(reply "$out" 2 | jq -r .error.code)" = -32700 ]
}

@test "-32600: invalid requests" {
	out="$(search_raw \
	    '{"id":1,"method":"ping"}' \
	    '{"jsonrpc":"1.0","id":2,"method":"ping"}' \
	    '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}' \
	    '{"jsonrpc":"2.0","id":4,"method":7}' \
	    '[{"jsonrpc":"2.0","id":5,"method":"ping"}]' \
	    '42')"
	[ "$(wc -l <<<"$out")" -eq 6 ]
	[ "$(jq -s -c 'map(.error.code) | unique' <<<"$out")" = '[-32600]' ]
	[ "$(reply "$out" 2 | jq -r .id)" = 2 ]
	[ "$(reply "$out" 3 | jq -r .id)" = null ]
}

@test "-32601: unknown method; notifications get no reply" {
	out="$(search_raw \
	    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
	    '{"jsonrpc":"2.0","method":"no/such/notification"}' \
	    '{"jsonrpc":"2.0","id":"x","method":"resources/list"}')"
	[ "$(wc -l <<<"$out")" -eq 1 ]
	[ "$(jq -c '[.id, .error.code]' <<<"$out")" = '["x",-32601]' ]
}

@test "-32602: bad params, unknown tool" {
	out="$(search_raw \
	    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}' \
	    '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"nope","arguments":{}}}' \
	    '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{}}}' \
	    '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"search","arguments":[1]}}' \
	    '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":[1]}')"
	[ "$(jq -s -c 'map([.id, .error.code])' <<<"$out")" = \
	    '[[1,-32602],[2,-32602],[3,-32602],[4,-32602],[5,-32602]]' ]
	reply "$out" 2 | jq -r .error.message | grep -q 'Unknown tool: nope'
}

@test "initialize: the client's version when supported, else ours" {
	for v in 2025-06-18 2025-11-25; do
		out="$(search_raw "$(search_init_line "$v")")"
		[ "$(jq -r .result.protocolVersion <<<"$out")" = "$v" ]
		[ "$(jq -r .result.serverInfo.name <<<"$out")" = claude-mem-search ]
		[ "$(jq -r '.result.capabilities.tools | type' <<<"$out")" = object ]
	done
	out="$(search_raw "$(search_init_line 2024-11-05)")"
	[ "$(jq -r .result.protocolVersion <<<"$out")" = 2025-11-25 ]
}

@test "ping and tools/list: 14 tools, each with a JSON Schema" {
	out="$(search_raw "$(search_init_line)" \
	    '{"jsonrpc":"2.0","id":1,"method":"ping"}' \
	    '{"jsonrpc":"2.0","id":2,"method":"tools/list"}')"
	[ "$(reply "$out" 2 | jq -c .result)" = '{}' ]
	list="$(reply "$out" 3)"
	[ "$(jq '.result.tools | length' <<<"$list")" -eq 14 ]
	[ "$(jq -r '.result.tools | map(.name) | sort | join(",")' <<<"$list")" = \
	    changes,decisions,find_by_concept,find_by_file,find_by_type,get_context_timeline,get_recent_context,get_timeline_by_query,how_it_works,search,search_observations,search_sessions,search_user_prompts,timeline ]
	[ "$(jq -r '.result.tools | map(.inputSchema.type) | unique | join(",")' <<<"$list")" = object ]
	[ "$(jq -c '.result.tools[] | select(.name=="search") | .inputSchema.properties.limit' <<<"$list" | jq -c '[.minimum,.maximum,.default]')" = '[1,100,20]' ]
	[ "$(jq -c '.result.tools[] | select(.name=="search") | .inputSchema.properties.orderBy.enum' <<<"$list")" = '["relevance","date_desc","date_asc"]' ]
	[ "$(jq -c '.result.tools[] | select(.name=="find_by_type") | .inputSchema.required' <<<"$list")" = '["type"]' ]
}

@test "tool failures are results with isError, not protocol errors" {
	text="$(search_call search '{"query":"x","limit":0}')"
	[ "$(search_is_error)" = true ]
	grep -q 'limit' <<<"$text"
	text="$(search_call search '{"orderBy":"sideways"}')"
	[ "$(search_is_error)" = true ]
	text="$(search_call timeline '{}')"
	[ "$(search_is_error)" = true ]
	text="$(search_call get_context_timeline '{"anchor":999}')"
	[ "$(search_is_error)" = true ]
	[ "$text" = "Observation #999 not found" ]
}

@test "no database yet: a tool error, the server keeps running" {
	rm -f "$CLAUDE_MEM_DATA_DIR"/claude-mem.db*
	out="$(search_raw "$(search_init_line)" \
	    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"query":"x"}}}' \
	    '{"jsonrpc":"2.0","id":2,"method":"ping"}')"
	[ "$(reply "$out" 2 | jq -r .result.isError)" = true ]
	[ "$(reply "$out" 3 | jq -c .result)" = '{}' ]
}

@test "a misspelt query finds the process leak" {
	text="$(search_call search '{"query":"procesess leek"}')"
	[ "$(search_is_error)" = false ]
	[ "$(sed -n 3p <<<"$text")" = "1. [bugfix] Fixed process leak in supervisor restart" ]
	grep -q 'claude-mem://observation/1$' <<<"$text"
	# an inflected form that FTS5 (no stemmer) cannot match
	text="$(search_call search_observations '{"query":"leaks"}')"
	grep -q '^1\. \[bugfix\] Fixed process leak' <<<"$text"
}

@test "FTS syntax in a query is plain words, never an error" {
	for q in '\"unbalanced AND (' 'NOT OR NEAR(a b' '*** ^ - :' 'kill_subtree.c'; do
		text="$(search_call search "{\"query\":\"$q\"}")"
		[ "$(search_is_error)" = false ]
	done
	text="$(search_call search '{"query":"cgroup AND ("}')"
	grep -q 'claude-mem://observation/2' <<<"$text"
}

@test "filters: project, dateRange, offset, orderBy" {
	text="$(search_call search_observations '{"project":"webapp"}')"
	grep -q '^Found 1 observation(s):' <<<"$text"
	text="$(search_call search_observations '{"dateRange":{"start":"2025-01-15","end":"2025-01-15T23:59:59Z"},"orderBy":"date_asc"}')"
	[ "$(grep -o 'observation/[0-9]*' <<<"$text" | tr '\n' ' ')" = "observation/4 observation/5 observation/6 " ]
	text="$(search_call search_observations '{"dateStart":1736929800000,"limit":2,"offset":1}')"
	[ "$(grep -o 'observation/[0-9]*' <<<"$text" | tr '\n' ' ')" = "observation/6 observation/5 " ]
}

@test "vector index: kept beside the store, refreshed for new rows" {
	search_call search '{"query":"cgroup"}' >/dev/null
	[ -f "$CLAUDE_MEM_DATA_DIR/search-index.db" ]
	[ "$(sqlite3 "$CLAUDE_MEM_DATA_DIR/search-index.db" 'SELECT count(*) FROM vec')" -eq 13 ]
	sqlite3 "$CLAUDE_MEM_DATA_DIR/claude-mem.db" "INSERT INTO observations (sdk_session_id, project, type, title, narrative, created_at, created_at_epoch) VALUES ('sess-bbbb2222', 'csup', 'bugfix', 'Zombie reaper fixed', 'waitpid loop now drains every zombie', '2025-01-17T00:00:00.000Z', 1737072000000)"
	text="$(search_call search '{"query":"zombei reeper"}')"
	grep -q 'claude-mem://observation/8' <<<"$text"
	[ "$(sqlite3 "$CLAUDE_MEM_DATA_DIR/search-index.db" 'SELECT count(*) FROM vec')" -eq 14 ]
}

@test "exit 0 on EOF and on SIGTERM; no child processes" {
	run "$SEARCH_BIN" </dev/null
	[ "$status" -eq 0 ]
	mkfifo "$T/in"
	"$SEARCH_BIN" <"$T/in" >"$T/out" 2>"$T/err" &
	pid=$!
	SEARCH_PIDS="$pid"
	exec 9>"$T/in"
	search_init_line >&9
	wait_until 5 test -s "$T/out"
	[ -z "$(pgrep -P "$pid")" ]
	kill -TERM "$pid"
	rc=0; wait "$pid" || rc=$?
	exec 9>&-
	SEARCH_PIDS=""
	[ "$rc" -eq 0 ]
}
