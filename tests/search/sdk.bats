# ctest: noasan (a real MCP client: the TypeScript SDK from npm)
#
# The MCP TypeScript SDK (@modelcontextprotocol/sdk), installed into the
# build folder ($CSUP_BUILD_DIR/npm, never committed), connects to
# mem-search over stdio and over Streamable HTTP, lists the tools and calls
# search. Skipped only when npm is missing or cannot reach its registry,
# and never under CI=true (require.bash).

load ../lib/search

NPM_DIR="${CSUP_BUILD_DIR:?}/npm"
SDK_PKG="@modelcontextprotocol/sdk@1"

setup_file() {
	local log="$CSUP_BUILD_DIR/npm-install.log"
	if ! command -v npm >/dev/null 2>&1; then
		mkdir -p "$NPM_DIR"
		echo "npm is not installed (scripts/deps.sh installs it)" >"$NPM_DIR/.unreachable"
	elif [ ! -f "$NPM_DIR/node_modules/@modelcontextprotocol/sdk/package.json" ]; then
		mkdir -p "$NPM_DIR"
		if ! timeout 300 npm install --prefix "$NPM_DIR" --no-audit \
		    --no-fund --loglevel=error "$SDK_PKG" >"$log" 2>&1; then
			if ! timeout 30 npm ping >>"$log" 2>&1; then
				echo "npm cannot reach its registry (see $log)" >"$NPM_DIR/.unreachable"
			fi
		fi
	fi
}

teardown_file() {
	rm -f "$NPM_DIR/.unreachable"
}

setup() {
	if [ -f "$NPM_DIR/.unreachable" ]; then
		require_or_skip "$(cat "$NPM_DIR/.unreachable")"
	fi
	[ -f "$NPM_DIR/node_modules/@modelcontextprotocol/sdk/package.json" ]
	search_setup
	export NPM_DIR
}

teardown() { search_teardown; }

@test "MCP SDK client over stdio: list tools, call search" {
	run timeout 60 node "$CSUP_SRC_DIR/tests/search/sdk-client.cjs" stdio "$SEARCH_BIN"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"stdio: ok, 14 tools"* ]]
}

@test "MCP SDK client over Streamable HTTP: list tools, call search" {
	search_http_start
	run timeout 60 node "$CSUP_SRC_DIR/tests/search/sdk-client.cjs" http "http://127.0.0.1:$PORT/mcp"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"http: ok, 14 tools"* ]]
	kill -0 "$PID"
}
