# Helpers for the mem-search tests (tests/search/*.bats).
# Each test gets its own data dir with the fixture database built through
# memdb (tests/unit/test_search_fixture --make), TZ=UTC so dates are fixed.

# shellcheck source=require.bash
. "${BASH_SOURCE[0]%/*}/require.bash"
# shellcheck source=poll.bash
. "${BASH_SOURCE[0]%/*}/poll.bash"

SEARCH_BIN="${CSUP_BIN_DIR:?}/mem-search"
SEARCH_FIXTURE_BIN="${CSUP_BUILD_DIR:?}/tests/test_search_fixture"
SEARCH_FIXTURES="${CSUP_SRC_DIR:?}/tests/fixtures/search"
export TZ=UTC

search_setup() {
	T="$(mktemp -d "${BATS_TMPDIR:-/tmp}/search.XXXXXX")"
	export CLAUDE_MEM_DATA_DIR="$T/data"
	mkdir -p "$CLAUDE_MEM_DATA_DIR"
	"$SEARCH_FIXTURE_BIN" --make "$CLAUDE_MEM_DATA_DIR/claude-mem.db" \
	    "$SEARCH_FIXTURES/fixture.sql"
	SEARCH_PIDS=""
}

search_teardown() {
	local p
	for p in $SEARCH_PIDS; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in $SEARCH_PIDS; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}

# The initialize request every session starts with.
search_init_line() {
	printf '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"%s","capabilities":{},"clientInfo":{"name":"bats","version":"1"}}}\n' "${1:-2025-06-18}"
}

# search_raw LINE...: feed the lines to one mem-search over stdio; its
# stdout (one reply a line) to stdout.
search_raw() {
	printf '%s\n' "$@" | "$SEARCH_BIN" 2>"$T/stderr"
}

# search_call TOOL ARGS_JSON: the text of the tool's answer; its isError
# (true/false) is left for search_is_error (a file: $(...) is a subshell).
search_call() {
	local out
	out="$( { search_init_line
		printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"%s","arguments":%s}}\n' "$1" "$2"
	} | "$SEARCH_BIN" 2>"$T/stderr" | sed -n 2p)"
	jq -r '.result.isError // false' <<<"$out" >"$T/is_error"
	jq -r '.result.content[0].text' <<<"$out"
}

search_free_port() {
	local p
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$((20000 + RANDOM % 30000))
		if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# search_http_start: mem-search --http on a free port; sets PORT, PID.
search_http_start() {
	local tries
	for tries in 1 2 3; do
		PORT="$(search_free_port)"
		"$SEARCH_BIN" --http "127.0.0.1:$PORT" </dev/null \
		    >"$T/http.out" 2>"$T/http.err" &
		PID=$!
		SEARCH_PIDS="$SEARCH_PIDS $PID"
		if wait_until 5 search_http_up; then
			return 0
		fi
		kill -TERM "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	done
	return 1
}

search_http_up() {
	kill -0 "$PID" 2>/dev/null &&
	    curl -s -o /dev/null "http://127.0.0.1:$PORT/mcp"
}

# search_post BODY [curl args...]: POST to /mcp; prints "STATUS BODY".
search_post() {
	local body="$1"; shift
	curl -s -o "$T/resp" -w '%{http_code}' -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' "$@" \
	    --data-binary "$body" "http://127.0.0.1:$PORT/mcp"
	printf ' '
	cat "$T/resp"
}

search_is_error() {
	cat "$T/is_error"
}
