#!/usr/bin/env bats
# claude-mem 13's own web viewer (npm claude-mem@13.25.3, installed where
# Claude Code keeps a plugin) loaded from mem-worker in headless Chromium:
# the page's fetches (/api/observations, /api/prompts, /api/projects,
# /api/settings...) and its /stream must work for it to show the stored
# observations, the prompt, the project filter, and an observation stored
# after the page connected. Under CI=true a missing chromium or npm fails.

load ../lib/worker
load ../lib/claude-mem13

MARK=m51801
CID=viewer13-5b1f-51801

setup() {
	CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
	[ -n "$CHROMIUM" ] || require_or_skip "chromium is not installed (scripts/deps.sh installs it)"
	if ! m13_install; then
		cat "$M13_DIR/npm.log" >&2 || true
		require_or_skip "npm install of claude-mem@$M13_VERSION failed (no registry?)"
	fi
	worker_setup
	export HOME="$WTMP/home"
	mkdir -p "$HOME"
	unset CLAUDE_MEM_UI_DIR CLAUDE_CONFIG_DIR
	m13_home "$HOME"
	CPID=""
}

teardown() {
	if [ -n "$CPID" ]; then
		kill -TERM "$CPID" 2>/dev/null || true
		wait "$CPID" 2>/dev/null || true
	fi
	worker_teardown
}

post() {
	curl -sf -X POST -H 'Content-Type: application/json' --data-binary "$2" "$BASE$1"
}

observe() {   # TOOL INPUT-JSON TOOL-USE-ID
	post /api/sessions/observations "{\"contentSessionId\":\"$CID\",\"tool_name\":\"$1\",\"tool_input\":$2,\"tool_response\":{},\"cwd\":\"/src/vproj-$MARK\",\"tool_use_id\":\"$3\"}" >/dev/null
}

observations() {
	[ "$(curl -sf "$BASE/api/observations?limit=100" | json_get 'len(d["items"])')" -ge "$1" ]
}

sse_clients() {
	[ "$(curl -sf "$BASE/api/stats" | json_get 'd["worker"]["sseClients"]')" -ge 1 ]
}

# The page, watched in Chromium (tests/fixtures/worker/cdp-page.cjs): the
# texts before -- must appear from the page's fetches (phase 1), those
# after it later. CPID is node's pid; its TERM ends the browser too.
page_start() {
	mkdir -p "$WTMP/page"
	node "$FIXTURES/worker/cdp-page.cjs" "$CHROMIUM" "$WTMP/chromium-profile" \
	    "$1" "$WTMP/page" 60000 "${@:2}" 2>"$WTMP/page/node.err" &
	CPID=$!
}

@test "claude-mem 13's viewer, served by mem-worker, shows its observations, live ones too, in Chromium" {
	worker_start
	grep -q "claude-mem 13's UI from .*/claude-mem/$M13_VERSION/ui" "$WTMP/worker.log"
	post /api/sessions/init "{\"contentSessionId\":\"$CID\",\"project\":\"vproj-$MARK\",\"prompt\":\"make the widget faster $MARK\"}" >/dev/null
	observe Read "{\"file_path\":\"/src/widget-$MARK.c\"}" t1
	observe Edit "{\"file_path\":\"/src/gadget-$MARK.c\",\"old_string\":\"a\",\"new_string\":\"b\"}" t2
	wait_until 10 observations 2

	# Phase 1, the page's fetches: the stored observations, the prompt,
	# the project in the filter. Phase 2: one more observation stored once
	# the page holds its /stream open; only the stream can bring it.
	page_start "$BASE/" "Read widget-$MARK.c" "Edited gadget-$MARK.c" \
	    "make the widget faster $MARK" "<option value=\"vproj-$MARK\">" \
	    -- "Wrote live-$MARK.c"
	wait_until 120 test -e "$WTMP/page/phase1" || { cat "$WTMP/page/node.err"; false; }
	wait_until 60 sse_clients
	observe Write "{\"file_path\":\"/src/live-$MARK.c\",\"content\":\"x\"}" t3
	local rc=0
	wait "$CPID" || rc=$?
	CPID=""
	cat "$WTMP/page/node.err"
	[ "$rc" -eq 0 ]

	# What the page logged: the stream's events, no failed request to the
	# worker.
	local log="$WTMP/page/chromium.err"
	grep -q '\[SSE\] Initial load' "$log"
	grep -q '\[SSE\] Processing status: false Queue depth: 0' "$log"
	grep -q '\[SSE\] New observation' "$log"
	run grep -E "Failed to load resource|Failed to fetch (logs|projects|settings)" "$log"
	[ "$status" -ne 0 ] || { echo "$output"; false; }
}
