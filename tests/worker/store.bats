#!/usr/bin/env bats
# The store: databases written by the original claude-mem open and are
# served; writers in other processes lose nothing.

load ../lib/worker

setup() {
	worker_setup
	mkdir -p "$CLAUDE_MEM_DATA_DIR"
	DB="$CLAUDE_MEM_DATA_DIR/claude-mem.db"
}

teardown() {
	[ -n "${WRITER:-}" ] && { kill "$WRITER" 2>/dev/null; wait "$WRITER" 2>/dev/null; }
	worker_teardown
}

@test "a database created by the original's schema SQL opens and is served" {
	sqlite3 "$DB" <"$FIXTURES/worker/original-v11.sql" >/dev/null
	before="$(sqlite3 "$DB" 'SELECT sql FROM sqlite_master ORDER BY name')"
	worker_start
	run api GET /api/observations
	[[ "$output" == *'"title":"Added a kqueue backend"'* ]]
	[[ "$output" == *'"discovery_tokens":80'* ]]
	run api GET /api/observation/1
	[[ "$output" == 200*'"title":"Scheduler uses epoll directly"'* ]]
	run api GET /api/summaries
	[[ "$output" == *'"request":"Port the scheduler to kqueue"'* ]]
	run api GET /api/prompts
	[[ "$output" == *'"project":"legacyproj"'* ]]
	# the worker keeps writing into it: the original's session id continues
	run api POST /api/sessions '{"claude_session_id":"orig-session-1","project":"legacyproj","prompt":"and now benchmark"}'
	[ "$output" = '200 {"sessionDbId":1,"promptNumber":2}' ]
	worker_stop
	after="$(sqlite3 "$DB" 'SELECT sql FROM sqlite_master ORDER BY name')"
	[ "$before" = "$after" ]    # no migration changed an up-to-date schema
	[ "$(sqlite3 "$DB" 'SELECT MAX(version) FROM schema_versions')" -eq 11 ]
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM observations_fts WHERE observations_fts MATCH 'kqueue'")" -eq 1 ]
}

@test "an older original database (version 6) is migrated to 11 and searchable" {
	sqlite3 "$DB" <"$FIXTURES/worker/original-v6.sql" >/dev/null
	worker_start
	run api GET /api/observations
	[[ "$output" == *'"text":"The leak was in the connection pool"'* ]]
	[[ "$output" == *'"type":"bugfix"'* ]]
	worker_stop
	[ "$(sqlite3 "$DB" 'SELECT group_concat(version) FROM schema_versions ORDER BY version')" = "4,5,6,7,8,9,10,11" ]
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM observations_fts WHERE observations_fts MATCH 'pool'")" -eq 1 ]
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM session_summaries_fts WHERE session_summaries_fts MATCH 'released'")" -eq 1 ]
	# the UNIQUE of session_summaries is gone: a second summary fits
	sqlite3 "$DB" "INSERT INTO session_summaries (sdk_session_id, project, created_at, created_at_epoch) VALUES ('old-sdk-1','oldproj','x',1)"
	# observations accept the later 'change' type and a NULL text
	sqlite3 "$DB" "INSERT INTO observations (sdk_session_id, project, type, created_at, created_at_epoch) VALUES ('old-sdk-1','oldproj','change','x',1)"
}

@test "concurrent writers: rows inserted by sqlite3 while the worker ingests are all kept and seen" {
	worker_start
	api POST /api/sessions '{"claude_session_id":"cw-73001","project":"cw","prompt":"go"}' >/dev/null
	# a second process writes 200 observations, one transaction each
	(
		for i in $(seq 1 200); do
			sqlite3 -cmd '.timeout 5000' "$DB" \
				"INSERT INTO observations (sdk_session_id, project, type, title, created_at, created_at_epoch) VALUES ('cw-73001','cw','discovery','external $i','2026-01-01T00:00:00.000Z',1)" \
				|| echo "insert $i failed" >>"$WTMP/writer.err"
		done
		touch "$WTMP/writer.done"
	) &
	WRITER=$!
	for i in $(seq 1 200); do
		curl -s -o /dev/null -X POST --data-binary '{"tool_name":"Grep","tool_input":"{\"pattern\":\"p'"$i"'\"}"}' "$BASE/sessions/1/observations"
	done
	wait_until 60 test -f "$WTMP/writer.done"
	wait "$WRITER"
	WRITER=""
	[ ! -s "$WTMP/writer.err" ]
	wait_until 10 bash -c "curl -s '$BASE/api/processing-status' | grep -q '\"queueDepth\":0'"
	run api GET "/api/observations?limit=1"
	[[ "$output" == *'"hasMore":true'* ]]
	total="$(curl -s "$BASE/api/stats" | json_get 'd["database"]["observations"]')"
	[ "$total" -eq 400 ]
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM observations WHERE title LIKE 'external %'")" -eq 200 ]
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM observations_fts WHERE observations_fts MATCH 'external'")" -eq 200 ]
}
