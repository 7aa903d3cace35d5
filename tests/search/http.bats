#!/usr/bin/env bats
# mem-search --http: Streamable HTTP on POST /mcp (curl as the client).

load ../lib/search

setup() {
	search_setup
	search_http_start
}
teardown() { search_teardown; }

init_body() {
	search_init_line 2025-06-18
}

@test "POST /mcp: initialize, notification 202, tools/call" {
	r="$(search_post "$(init_body)")"
	[ "${r%% *}" = 200 ]
	[ "$(jq -r .result.protocolVersion <<<"${r#* }")" = 2025-06-18 ]
	grep -qi '^content-type: application/json' < <(curl -s -D - -o /dev/null \
	    -H 'Content-Type: application/json' --data-binary "$(init_body)" \
	    "http://127.0.0.1:$PORT/mcp")
	r="$(search_post '{"jsonrpc":"2.0","method":"notifications/initialized"}')"
	[ "$r" = "202 " ]
	r="$(search_post '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search","arguments":{"query":"procesess leek"}}}' \
	    -H 'MCP-Protocol-Version: 2025-06-18')"
	[ "${r%% *}" = 200 ]
	jq -r '.result.content[0].text' <<<"${r#* }" | grep -q 'claude-mem://observation/1$'
}

@test "protocol errors over HTTP" {
	r="$(search_post 'not json')"
	[ "${r%% *}" = 400 ]
	[ "$(jq -r .error.code <<<"${r#* }")" = -32700 ]
	r="$(search_post '{"jsonrpc":"2.0","id":3,"method":"nope"}')"
	[ "${r%% *}" = 200 ]
	[ "$(jq -r .error.code <<<"${r#* }")" = -32601 ]
	r="$(search_post '{"jsonrpc":"2.0","id":4,"method":"ping"}' -H 'MCP-Protocol-Version: 1999-01-01')"
	[ "${r%% *}" = 400 ]
}

@test "GET and DELETE are 405, other paths 404, foreign Origin 403" {
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/mcp")" = 405 ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "http://127.0.0.1:$PORT/mcp")" = 405 ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "http://127.0.0.1:$PORT/other")" = 404 ]
	r="$(search_post '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H 'Origin: http://evil.example')"
	[ "${r%% *}" = 403 ]
	r="$(search_post '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H "Origin: http://localhost:$PORT")"
	[ "${r%% *}" = 200 ]
}

@test "listens on the loopback only; a busy port is an error" {
	# /proc/net/tcp: local address hex, state 0A = LISTEN
	hex="$(printf '%04X' "$PORT")"
	grep -q "^ *[0-9]*: 0100007F:$hex 00000000:0000 0A" /proc/net/tcp
	! grep -q "^ *[0-9]*: 00000000:$hex 00000000:0000 0A" /proc/net/tcp || false
	run "$SEARCH_BIN" --http "127.0.0.1:$PORT"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot listen"* ]]
}

@test "SIGTERM: exit 0, no children" {
	[ -z "$(pgrep -P "$PID")" ]
	kill -TERM "$PID"
	rc=0; wait "$PID" || rc=$?
	SEARCH_PIDS=""
	[ "$rc" -eq 0 ]
}
