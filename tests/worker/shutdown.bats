#!/usr/bin/env bats
# The shutdown chain: order, bound, no child left, a second signal, and the
# test-only MEM_WORKER_TEST_SKIP_CLEANUP switch.

load ../lib/worker

setup() {
	worker_setup
	use_fake_mcp
}

teardown() {
	worker_teardown
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Start an agent for session 1 by sending one event.
start_session_with_agent() {
	api POST /api/sessions '{"claude_session_id":"sd-72001","project":"p","prompt":"go"}' >/dev/null
	api POST /sessions/1/init '{}' >/dev/null
	wait_until 5 test -s "$WTMP/agent.pids"
}

@test "SIGTERM: the four steps in order, exit 0, children reaped" {
	export CLAUDE_MEM_AGENT_CMD="exec python3 $FIXTURES/worker/slow-agent.py"
	export SLOW_AGENT_PIDFILE="$WTMP/agent.pids"
	worker_start
	start_session_with_agent
	agent="$(head -1 "$WTMP/agent.pids")"
	mcp="$(head -1 "$WTMP/mcp.pids")"
	alive "$agent"
	alive "$mcp"
	worker_stop
	[ "$WSTATUS" -eq 0 ]
	grep -n 'shutdown [1-4]/4' "$WTMP/worker.log" | cut -d: -f1 >"$WTMP/order"
	[ "$(grep -c . "$WTMP/order")" -eq 4 ]
	sort -n -c "$WTMP/order"
	grep -q 'shutdown 1/4 abort sessions: done in [0-9]* ms (1 agent(s))' "$WTMP/worker.log"
	grep -q 'shutdown 2/4 close MCP client: done in' "$WTMP/worker.log"
	grep -q 'shutdown 3/4 stop HTTP server: done in' "$WTMP/worker.log"
	grep -q 'shutdown 4/4 close database: done in' "$WTMP/worker.log"
	gone "$agent"
	gone "$mcp"
}

@test "stubborn children (ignore SIGTERM and EOF): exit within 4 s, none left" {
	export CLAUDE_MEM_AGENT_CMD="exec python3 $FIXTURES/worker/slow-agent.py"
	export SLOW_AGENT_PIDFILE="$WTMP/agent.pids" SLOW_AGENT_STUBBORN=1 FAKE_MCP_STUBBORN=1
	worker_start
	start_session_with_agent
	agent="$(head -1 "$WTMP/agent.pids")"
	mcp="$(head -1 "$WTMP/mcp.pids")"
	t0="$(now_ms)"
	kill -TERM "$WPID"
	wait_until 6 gone "$WPID"
	t1="$(now_ms)"
	wait "$WPID"
	status=$?
	WPID=""
	[ "$status" -eq 0 ]
	echo "chain took $((t1 - t0)) ms"
	[ $((t1 - t0)) -lt 4000 ]
	gone "$agent"
	gone "$mcp"
	grep -q 'SIGKILL' "$WTMP/worker.log"
}

@test "a second signal during the chain does not start a second chain" {
	export FAKE_MCP_STUBBORN=1
	worker_start
	kill -TERM "$WPID"
	wait_until 3 grep -q 'shutdown: chain started' "$WTMP/worker.log"
	kill -INT "$WPID" 2>/dev/null || true
	kill -TERM "$WPID" 2>/dev/null || true
	wait_until 6 gone "$WPID"
	wait "$WPID"
	status=$?
	WPID=""
	[ "$status" -eq 0 ]
	[ "$(grep -c 'shutdown: chain started' "$WTMP/worker.log")" -eq 1 ]
	[ "$(grep -c 'shutdown 4/4' "$WTMP/worker.log")" -eq 1 ]
}

@test "MEM_WORKER_TEST_SKIP_CLEANUP=1 exits at once and leaves the search child" {
	export MEM_WORKER_TEST_SKIP_CLEANUP=1
	worker_start
	mcp="$(head -1 "$WTMP/mcp.pids")"
	worker_stop
	[ "$WSTATUS" -eq 0 ]
	! grep -q 'shutdown: chain started' "$WTMP/worker.log" || false
	grep -q 'WITHOUT the shutdown chain' "$WTMP/worker.log"
	alive "$mcp"     # left for a supervisor's sweep; teardown kills it
}

@test "queued events are stored before the database closes" {
	worker_start
	api POST /api/sessions '{"claude_session_id":"sd-72005","project":"p","prompt":"go"}' >/dev/null
	for i in $(seq 1 30); do
		curl -s -o /dev/null -X POST --data-binary '{"tool_name":"Read","tool_input":"{\"file_path\":\"/a\"}"}' "$BASE/sessions/1/observations"
	done
	worker_stop
	[ "$(sqlite3 "$CLAUDE_MEM_DATA_DIR/claude-mem.db" 'SELECT COUNT(*) FROM observations')" -eq 30 ]
	# the WAL was checkpointed
	[ ! -s "$CLAUDE_MEM_DATA_DIR/claude-mem.db-wal" ]
}

@test "an agent turns events into observations; DELETE stops and reaps it" {
	export CLAUDE_MEM_AGENT_CMD="exec python3 $FIXTURES/worker/slow-agent.py"
	export SLOW_AGENT_PIDFILE="$WTMP/agent.pids"
	worker_start
	start_session_with_agent
	agent="$(head -1 "$WTMP/agent.pids")"
	api POST /sessions/1/observations '{"tool_name":"Grep","tool_input":"{}"}' >/dev/null
	wait_until 5 bash -c "curl -s '$BASE/api/observations' | grep -q 'agent saw Grep'"
	run api DELETE /sessions/1
	[ "$output" = '200 {"status":"deleted"}' ]
	gone "$agent"
	! ps -o stat= --ppid "$WPID" | grep -q Z || false
	healthy
}

@test "an agent may answer with the original's XML blocks" {
	export CLAUDE_MEM_AGENT_CMD='while read -r line; do printf "<observation>\n  <type>bugfix</type>\n  <title>xml obs 72009</title>\n  <facts><fact>f1</fact><fact>f2</fact></facts>\n  <files_modified><file>/a.c</file></files_modified>\n</observation>\n"; done'
	worker_start
	api POST /api/sessions '{"claude_session_id":"sd-72009","project":"p","prompt":"go"}' >/dev/null
	api POST /sessions/1/observations '{"tool_name":"Edit","tool_input":"{}","prompt_number":4}' >/dev/null
	wait_until 5 bash -c "curl -s '$BASE/api/observations' | grep -q 'xml obs 72009'"
	run api GET /api/observation/1
	[[ "$output" == *'"type":"bugfix"'* ]]
	[[ "$output" == *'"facts":"[\"f1\",\"f2\"]"'* ]]
	[[ "$output" == *'"prompt_number":4'* ]]
	[[ "$output" == *'"files_modified":"[\"/a.c\"]"'* ]]
	worker_stop
	[ "$WSTATUS" -eq 0 ]
}
