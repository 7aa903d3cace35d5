#!/usr/bin/env bats
# A recorded Claude Code session replayed through `mem-worker hook`:
# prompt -> 20 tool uses -> stop (summary) -> session end.

load ../lib/worker

setup() {
	worker_setup
}

teardown() {
	worker_teardown
}

db() {
	sqlite3 "$CLAUDE_MEM_DATA_DIR/claude-mem.db" "$@"
}

@test "replay: 20 observations, a summary, a completed session, FTS hits" {
	use_fake_mcp
	worker_start
	replay_hooks
	[ "$(grep -c '"continue":true' "$WTMP/hook.out")" -eq 23 ]
	[ "$(db 'SELECT COUNT(*) FROM observations')" -eq 20 ]
	[ "$(db 'SELECT COUNT(*) FROM session_summaries')" -eq 1 ]
	[ "$(db "SELECT status FROM sdk_sessions WHERE claude_session_id='replay-7f3e2c1a-session'")" = completed ]
	[ "$(db 'SELECT project FROM sdk_sessions')" = widgetd ]
	[ "$(db 'SELECT COUNT(*) FROM user_prompts')" -eq 1 ]
	# types from the documented mapping
	[ "$(db "SELECT COUNT(*) FROM observations WHERE type='change'")" -eq 8 ]
	[ "$(db "SELECT COUNT(*) FROM observations WHERE type='decision'")" -eq 1 ]
	[ "$(db "SELECT title FROM observations WHERE id=7")" = "Wrote config.c" ]
	[ "$(db "SELECT files_modified FROM observations WHERE id=9")" = '["/home/dev/projects/widgetd/src/main.c"]' ]
	# FTS hits through the triggers
	[ "$(db "SELECT COUNT(*) FROM observations_fts WHERE observations_fts MATCH 'config'")" -ge 4 ]
	[ "$(db "SELECT COUNT(*) FROM user_prompts_fts WHERE user_prompts_fts MATCH 'YAML'")" -eq 1 ]
	[ "$(db "SELECT COUNT(*) FROM session_summaries_fts WHERE session_summaries_fts MATCH 'config'")" -eq 1 ]
	# the routes list them
	run api GET "/api/observations?limit=100"
	[[ "$output" == *'"title":"Ran tests: ctest --test-dir build"'* ]]
	n="$(curl -s "$BASE/api/observations?limit=100" | json_get 'len(d["items"])')"
	[ "$n" -eq 20 ]
	# and a search goes through the search child
	run api GET "/api/search?query=config&limit=5"
	[[ "$output" == '200 [{"type":"text","text":"tool=search args={\"limit\": 5, \"query\": \"config\"}'* ]]
}

@test "replay is deterministic: same input, same observations" {
	worker_start
	replay_hooks
	db "SELECT type, title, subtitle, facts, narrative, files_read, files_modified FROM observations ORDER BY id" >"$WTMP/first"
	worker_stop
	rm -rf "$CLAUDE_MEM_DATA_DIR"
	worker_start
	replay_hooks
	db "SELECT type, title, subtitle, facts, narrative, files_read, files_modified FROM observations ORDER BY id" >"$WTMP/second"
	cmp "$WTMP/first" "$WTMP/second"
}

@test "the real mem-search answers /api/search after the replay" {
	[ -x "$CSUP_BIN_DIR/mem-search" ] || require_or_skip "mem-search not built"
	export CLAUDE_MEM_SEARCH_BIN="$CSUP_BIN_DIR/mem-search"
	worker_start
	replay_hooks
	run api GET "/api/search?query=parser"
	[[ "$output" == '200 [{"type":"text","text":'* ]]
	[[ "$output" == *'claude-mem://observation/'* ]]
}

@test "hooks never fail Claude Code: no worker, bad input" {
	CLAUDE_MEM_WORKER_PORT="$(free_port)" run "$WORKER_BIN" hook prompt <"$FIXTURES/hooks/00-prompt.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"cannot reach the worker"* ]]
	run "$WORKER_BIN" hook tool-use <<<"not json"
	[ "$status" -eq 0 ]
}

@test "worker/hooks.json wires the five events to valid hook commands" {
	python3 - "$CSUP_SRC_DIR/worker/hooks.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["hooks"]
want = {"SessionStart": "session-start", "UserPromptSubmit": "prompt",
        "PostToolUse": "tool-use", "Stop": "stop", "SessionEnd": "session-end"}
assert set(h) == set(want), h.keys()
for ev, name in want.items():
    cmd = h[ev][0]["hooks"][0]["command"]
    assert cmd.endswith("mem-worker hook " + name), cmd
PY
	for ev in session-start prompt tool-use stop session-end; do
		run "$WORKER_BIN" hook "$ev" </dev/null
		[ "$status" -eq 0 ]
	done
}
