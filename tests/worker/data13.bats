#!/usr/bin/env bats
# claude-mem 13's data path in mem-worker: content_hash (the same
# observation stored once), the pending_messages queue that survives a
# kill -9, and /api/search?format=json.

load ../lib/worker

setup() {
	worker_setup
	DB="$CLAUDE_MEM_DATA_DIR/claude-mem.db"
	CID=d13-75101
}

teardown() {
	worker_teardown
}

post() { api POST "$1" "$2"; }

init13() {
	post /api/sessions/init "{\"contentSessionId\":\"${2:-$CID}\",\"project\":\"d13\",\"prompt\":\"${1:-Tune the lexer}\"}"
}

# tool_use TOOL INPUT RESPONSE TOOL_USE_ID [CID]
tool_use() {
	post /api/sessions/observations "{\"contentSessionId\":\"${5:-$CID}\",\"tool_name\":\"$1\",\"tool_input\":$2,\"tool_response\":$3,\"cwd\":\"/src/d13\",\"tool_use_id\":\"$4\"}"
}

sql() { sqlite3 "$DB" "$1"; }

# 16 hex digits of sha256(memsid NUL title NUL narrative), computed apart.
sha16() {
	python3 -c 'import hashlib,sys; print(hashlib.sha256("\0".join(sys.argv[1:4]).encode()).hexdigest()[:16])' "$@"
}

# db_sha16 WHERE: sha16 of the (first) observation matching WHERE, from
# the columns as stored (narratives hold newlines).
db_sha16() {
	python3 -c 'import hashlib,sqlite3,sys
r = sqlite3.connect(sys.argv[1]).execute("SELECT memory_session_id, title, narrative FROM observations WHERE " + sys.argv[2]).fetchone()
print(hashlib.sha256("\0".join(x or "" for x in r).encode()).hexdigest()[:16])' "$DB" "$1"
}

obs_count() { [ "$(sql 'SELECT COUNT(*) FROM observations')" -eq "$1" ]; }

@test "content_hash: the same observation twice is stored once, with 13's 16-hex hash" {
	worker_start
	init13 >/dev/null
	# two tool uses (two tool_use_ids) that make the same observation
	run tool_use Read '{"file_path":"/src/d13/lex.c"}' '{"file":{"content":"int lex;\n"}}' toolu_r1
	[ "$output" = '200 {"status":"queued"}' ]
	wait_until 10 obs_count 1
	run tool_use Read '{"file_path":"/src/d13/lex.c"}' '{"file":{"content":"int lex;\n"}}' toolu_r2
	[ "$output" = '200 {"status":"queued"}' ]
	run tool_use Read '{"file_path":"/src/d13/parse.c"}' '{"file":{"content":"int parse;\n"}}' toolu_r3
	wait_until 10 obs_count 2
	# both tool uses are kept; the second made no second observation
	[ "$(sql "SELECT COUNT(*) FROM tool_uses WHERE tool_use_id IN ('toolu_r1','toolu_r2')")" -eq 2 ]
	[ "$(sql "SELECT COUNT(*) FROM observations WHERE title = 'Read lex.c'")" -eq 1 ]
	hash="$(sql "SELECT content_hash FROM observations WHERE title = 'Read lex.c'")"
	[[ "$hash" =~ ^[0-9a-f]{16}$ ]]
	[ "$hash" = "$(db_sha16 "title = 'Read lex.c'")" ]
	[ "$(sql 'SELECT COUNT(*) FROM observations WHERE content_hash IS NULL')" -eq 0 ]
	# the UNIQUE index of 13 is what refuses the copy
	run sqlite3 "$DB" "INSERT INTO observations (sdk_session_id, project, type, title, narrative, content_hash, created_at, created_at_epoch) SELECT sdk_session_id, project, type, title, narrative, content_hash, created_at, created_at_epoch FROM observations WHERE title = 'Read lex.c'"
	[ "$status" -ne 0 ]
	[[ "$output" == *UNIQUE* ]]
}

@test "a v11 database with duplicate observations opens, gets hashes and keeps every row" {
	mkdir -p "$CLAUDE_MEM_DATA_DIR"
	sqlite3 "$DB" <"$FIXTURES/worker/original-v11.sql" >/dev/null
	# a copy of observation 1 (same session, title, narrative) and one of
	# the same title in another session: three rows of one content
	sql "INSERT INTO sdk_sessions (claude_session_id, sdk_session_id, project, started_at, started_at_epoch) VALUES ('orig-session-2','orig-session-2','legacyproj','x',1)"
	sql "INSERT INTO observations (sdk_session_id, project, type, title, narrative, created_at, created_at_epoch) SELECT sdk_session_id, project, type, title, narrative, created_at, created_at_epoch + 1 FROM observations WHERE id = 1"
	sql "INSERT INTO observations (sdk_session_id, project, type, title, narrative, created_at, created_at_epoch) SELECT 'orig-session-2', project, type, title, narrative, created_at, created_at_epoch FROM observations WHERE id = 1"
	before="$(sql 'SELECT id, title, narrative FROM observations ORDER BY id')"
	worker_start
	run api GET /api/readiness
	[ "$output" = '200 {"status":"ready"}' ]
	# every row is still there
	[ "$(sql 'SELECT id, title, narrative FROM observations ORDER BY id')" = "$before" ]
	[ "$(sql 'SELECT COUNT(*) FROM observations')" -eq 4 ]
	# each gets 13's hash; the repeat in the same session keeps a NULL one
	title="$(sql 'SELECT title FROM observations WHERE id = 1')"
	narrative="$(sql 'SELECT narrative FROM observations WHERE id = 1')"
	[ "$(sql 'SELECT content_hash FROM observations WHERE id = 1')" = "$(sha16 orig-session-1 "$title" "$narrative")" ]
	[ "$(sql 'SELECT content_hash FROM observations WHERE id = 4')" = "$(sha16 orig-session-2 "$title" "$narrative")" ]
	[ "$(sql 'SELECT COUNT(*) FROM observations WHERE id = 3 AND content_hash IS NULL')" -eq 1 ]
	[[ "$(sql 'SELECT content_hash FROM observations WHERE id = 2')" =~ ^[0-9a-f]{16}$ ]]
	[ "$(sql "SELECT COUNT(*) FROM sqlite_master WHERE name = 'ux_observations_session_hash' AND sql LIKE 'CREATE UNIQUE INDEX%'")" -eq 1 ]
	[ "$(sql 'PRAGMA integrity_check')" = ok ]
	[ "$(sql "SELECT COUNT(*) FROM observations_fts WHERE observations_fts MATCH 'kqueue'")" -eq 1 ]
	# the old session goes on storing through 13's routes, deduplicated
	CID=orig-session-1
	init13 "and now benchmark" >/dev/null
	tool_use Bash '{"command":"make bench"}' '{"stdout":"fast"}' toolu_b1 >/dev/null
	tool_use Bash '{"command":"make bench"}' '{"stdout":"fast"}' toolu_b2 >/dev/null
	tool_use Bash '{"command":"make check"}' '{"stdout":"ok"}' toolu_b3 >/dev/null
	wait_until 10 obs_count 6
	[ "$(sql "SELECT COUNT(*) FROM observations WHERE title LIKE 'Ran %make bench%'")" -eq 1 ]
}

pending_is() { [ "$(sql 'SELECT COUNT(*) FROM pending_messages')" -eq "$1" ]; }
processing_is() { [ "$(sql "SELECT COUNT(*) FROM pending_messages WHERE status = 'processing'")" -eq "$1" ]; }
done_13() {
	[ "$(sql 'SELECT COUNT(*) FROM observations')" -eq "$1" ] &&
	[ "$(sql 'SELECT COUNT(*) FROM session_summaries')" -eq "$2" ] &&
	[ "$(sql 'SELECT COUNT(*) FROM pending_messages')" -eq 0 ]
}

@test "pending_messages: events queued when the worker is killed -9 are all stored after the restart, once" {
	# an agent that reads every event and never answers holds the queue
	export CLAUDE_MEM_AGENT_CMD="echo \$\$ >>'$WTMP/agent.pids'; exec cat >/dev/null"
	worker_start
	init13 >/dev/null
	for i in $(seq 1 12); do
		run tool_use Bash "{\"command\":\"make t75$i\"}" "{\"stdout\":\"built $i\"}" "toolu_k$i"
		[ "$output" = '200 {"status":"queued"}' ]
	done
	run post /api/sessions/summarize "{\"contentSessionId\":\"$CID\",\"last_assistant_message\":\"all built\"}"
	[ "$output" = '200 {"status":"queued"}' ]
	# 13's queue table holds them, handed to the agent and unanswered
	wait_until 10 processing_is 13
	[ "$(sql "SELECT message_type || '|' || tool_name || '|' || tool_input || '|' || tool_use_id || '|' || content_session_id FROM pending_messages ORDER BY id LIMIT 1")" = "observation|Bash|{\"command\":\"make t751\"}|toolu_k1|$CID" ]
	[ "$(sql "SELECT message_type || '|' || last_assistant_message FROM pending_messages ORDER BY id DESC LIMIT 1")" = 'summarize|all built' ]
	kill -KILL "$WPID"
	wait "$WPID" 2>/dev/null || true
	WPID=""
	while read -r p; do kill -KILL "$p" 2>/dev/null || true; done <"$WTMP/agent.pids"
	[ "$(sql 'SELECT COUNT(*) FROM observations')" -eq 0 ]
	pending_is 13
	# a row 13's own worker left in the same table is taken too
	sql "INSERT INTO pending_messages (session_db_id, content_session_id, message_type, tool_name, tool_input, tool_response, cwd, prompt_number, status, created_at_epoch) SELECT id, content_session_id, 'observation', 'Grep', '{\"pattern\":\"yylex\"}', '{\"filenames\":[\"/src/d13/lex.c\"]}', '/src/d13', 1, 'pending', 1 FROM sdk_sessions WHERE content_session_id = '$CID'"
	# restarted without the agent: the built-in extractor stores each once
	unset CLAUDE_MEM_AGENT_CMD
	worker_start
	wait_until 20 done_13 13 1
	[ "$(sql "SELECT COUNT(DISTINCT title) FROM observations WHERE title LIKE 'Ran %make t75%'")" -eq 12 ]
	[ "$(sql "SELECT COUNT(*) FROM observations WHERE title = 'Searched for \"yylex\"'")" -eq 1 ]
	[ "$(sql "SELECT notes FROM session_summaries")" = 'all built' ]
	[ "$(sql 'SELECT COUNT(*) FROM tool_uses')" -eq 12 ]
	grep -q 'queued event(s) left by the previous run queued again' "$WTMP/worker.log"
	# and another start re-does nothing
	worker_stop
	worker_start
	run api GET /api/readiness
	[ "$output" = '200 {"status":"ready"}' ]
	worker_stop
	done_13 13 1
}

@test "pending_messages: an event leaves the queue in the transaction that stores it" {
	worker_start
	init13 >/dev/null
	for i in $(seq 1 40); do
		tool_use Read "{\"file_path\":\"/src/d13/f$i.c\"}" "{\"file\":{\"content\":\"x\"}}" "toolu_q$i" >/dev/null
	done
	# right away: each event is either still queued or stored, never both
	# and never neither
	kill -KILL "$WPID"
	wait "$WPID" 2>/dev/null || true
	WPID=""
	[ "$(sql 'SELECT (SELECT COUNT(*) FROM observations) + (SELECT COUNT(*) FROM pending_messages)')" -eq 40 ]
	worker_start
	wait_until 20 done_13 40 0
	[ "$(sql 'SELECT COUNT(DISTINCT title) FROM observations')" -eq 40 ]
}
