#!/usr/bin/env bats
# The claude-mem 13 routes with the shapes its client reads, driven with
# curl (the real client: claude-mem13.bats), and the 13 schema layer added
# in place to a database written by the original (rows kept).

load ../lib/worker
load ../lib/worker13

setup() {
	worker13_setup c13-74001 p13 "Fix the parser" ',"platformSource":"claude"'
}

teardown() {
	worker_teardown
}

@test "health and readiness as claude-mem 13 reads them; settings.json shared" {
	worker_start
	run api GET /api/health
	[[ "$output" == '200 {"status":"ok",'* ]]
	[ "$(json_get 'd["version"]' <<<"${output#200 }")" = 13.25.3 ]
	[ "$(json_get 'd["pid"] == '"$WPID"' and d["initialized"] and isinstance(d["uptime"], int)' <<<"${output#200 }")" = True ]
	run api GET /api/readiness
	[ "$output" = '200 {"status":"ready"}' ]
	# the seed-era route is unchanged
	run api GET /health
	[[ "$output" == '200 {"status":"ok","timestamp":'* ]]
	# the port the worker listens on is in the client's settings file
	[ "$(json_get 'd["CLAUDE_MEM_WORKER_PORT"]' <"$CLAUDE_MEM_DATA_DIR/settings.json")" = "$CLAUDE_MEM_WORKER_PORT" ]
	worker_stop
	# an empty MEM_WORKER_CLIENT_VERSION omits the version (any client matches)
	MEM_WORKER_CLIENT_VERSION= worker_start
	run api GET /api/health
	[[ "$output" != *'"version"'* ]]
}

@test "the port: environment, else settings.json, else 37700 + uid % 100" {
	mkdir -p "$CLAUDE_MEM_DATA_DIR"
	port="$CLAUDE_MEM_WORKER_PORT"
	printf '{"env":{"CLAUDE_MEM_WORKER_PORT":"%s"}}\n' "$port" >"$CLAUDE_MEM_DATA_DIR/settings.json"
	unset CLAUDE_MEM_WORKER_PORT
	worker_start
	run api GET /api/health
	[[ "$output" == *"\"port\":$port"* ]]
	worker_stop
	rm "$CLAUDE_MEM_DATA_DIR/settings.json"
	CLAUDE_MEM_WORKER_PORT=abc run "$WORKER_BIN"
	[ "$status" -ne 0 ]
	[[ "$output" == *"CLAUDE_MEM_WORKER_PORT=abc"* ]]
	[ ! -e "$CLAUDE_MEM_DATA_DIR/settings.json" ] || [ "$(cat "$CLAUDE_MEM_DATA_DIR/settings.json")" = "" ] || false
}

@test "sessions/init: sessionDbId and promptNumber, private and duplicate prompts skipped" {
	worker_start
	run init13
	[ "$output" = '200 {"sessionDbId":1,"promptNumber":1,"skipped":false,"contextInjected":false,"status":"initialized"}' ]
	run init13
	[[ "$output" == '200 {"sessionDbId":1,"promptNumber":1,"skipped":true,"reason":"duplicate"'* ]]
	run init13 "<private>my token is hunter2</private>"
	[[ "$output" == '200 {"sessionDbId":1,"promptNumber":2,"skipped":true,"reason":"private"'* ]]
	run tool_use Read '{"file_path":"/src/p13/a.c"}' '"x"' tu-1
	[ "$output" = '200 {"status":"skipped","reason":"private"}' ]
	run init13 "Now the lexer <private>secret</private>"
	[[ "$output" == '200 {"sessionDbId":1,"promptNumber":2,"skipped":false'* ]]
	[ "$(sqlite3 "$DB" "SELECT group_concat(prompt_text, '|') FROM user_prompts")" = "Fix the parser|Now the lexer" ]
	[ "$(sqlite3 "$DB" "SELECT session_db_id FROM user_prompts WHERE prompt_number = 2")" = 1 ]
	run post /api/sessions/init '{"project":"p"}'
	[[ "$output" == '400 {"error":"ValidationError","issues":[{"path":["contentSessionId"]'* ]]
	run post /api/sessions/init 'not json'
	[[ "$output" == '400 {"error":"ValidationError"'* ]]
}

@test "observations: raw JSON tool values, queued, stored as tool uses and observations" {
	worker_start
	init13 >/dev/null
	run tool_use Edit '{"file_path":"/src/p13/parse.c","old_string":"a","new_string":"b"}' '{"filePath":"/src/p13/parse.c"}' toolu_e1
	[ "$output" = '200 {"status":"queued"}' ]
	run tool_use Edit '{"file_path":"/src/p13/parse.c","old_string":"a","new_string":"b"}' '{"filePath":"/src/p13/parse.c"}' toolu_e1
	[ "$output" = '200 {"status":"skipped","reason":"duplicate"}' ]
	run tool_use TodoWrite '{"todos":[]}' '{}' toolu_t1
	[ "$output" = '200 {"status":"skipped","reason":"tool_excluded"}' ]
	run post /api/sessions/observations "{\"contentSessionId\":\"$CID\"}"
	[[ "$output" == '400 {"error":"ValidationError","issues":[{"path":["tool_name"]'* ]]
	# a session the worker never saw is created
	run post /api/sessions/observations '{"contentSessionId":"c13-new","tool_name":"Bash","tool_input":{"command":"ls"},"tool_response":{"stdout":"a"},"cwd":"/x/other"}'
	[ "$output" = '200 {"status":"queued"}' ]
	wait_until 10 bash -c "[ \"\$(sqlite3 '$DB' 'SELECT COUNT(*) FROM observations')\" -eq 2 ]"
	[ "$(sqlite3 "$DB" "SELECT type || '|' || files_modified || '|' || memory_session_id FROM observations WHERE id = 1")" = "change|[\"/src/p13/parse.c\"]|$CID" ]
	[ "$(sqlite3 "$DB" "SELECT project FROM sdk_sessions WHERE content_session_id = 'c13-new'")" = other ]
	[ "$(sqlite3 "$DB" "SELECT tool_input FROM tool_uses WHERE tool_use_id = 'toolu_e1'")" = '{"file_path":"/src/p13/parse.c","old_string":"a","new_string":"b"}' ]
	# by-file: absolute and cwd-relative paths, projects
	run api GET "/api/observations/by-file?path=/src/p13/parse.c&path=p13/parse.c&projects=p13&limit=40"
	[[ "$output" == '200 {"observations":[{"id":1,'* ]]
	[[ "$output" == *'"files_modified":"[\"/src/p13/parse.c\"]"'* ]]
	[[ "$output" == *'"count":1}' ]]
	run api GET "/api/observations/by-file?path=parse.c&projects=elsewhere"
	[ "$output" = '200 {"observations":[],"count":0}' ]
	# batches
	run post /api/observations/batch '{"ids":[2,1],"orderBy":"date_asc"}'
	[ "$(json_get '[r["id"] for r in d]' <<<"${output#200 }")" = "[1, 2]" ]
	run post /api/observations/batch '{"ids":"1,2","limit":1}'
	[ "$(json_get 'len(d)' <<<"${output#200 }")" = 1 ]
	run post /api/observations/batch '{"ids":[]}'
	[ "$output" = '200 []' ]
	run post /api/observations/batch '{"ids":[1],"orderBy":"sideways"}'
	[[ "$output" == 400* ]]
	run post /api/tool-uses/batch "{\"ids\":[\"toolu_e1\",2],\"contentSessionId\":\"$CID\"}"
	[ "$(json_get '[r["tool_name"] for r in d]' <<<"${output#200 }")" = "['Edit']" ]
	run api GET /api/projects
	[ "$output" = '200 {"projects":["other","p13"],"sources":["claude"],"projectsBySource":{"claude":["other","p13"]}}' ]
}

@test "summarize, session-end, context injection text" {
	worker_start
	init13 >/dev/null
	tool_use Bash '{"command":"make test"}' '{"stdout":"all 7 passed"}' toolu_b1 >/dev/null
	run post /api/sessions/summarize "{\"contentSessionId\":\"$CID\",\"last_assistant_message\":\"Fixed the parser; tests pass.\"}"
	[ "$output" = '200 {"status":"queued"}' ]
	run post /api/sessions/session-end "{\"contentSessionId\":\"$CID\",\"reason\":\"exit\"}"
	[ "$output" = '200 {"status":"accepted"}' ]
	run post /api/sessions/session-end '{"contentSessionId":"never-seen-74001"}'
	[ "$output" = '200 {"status":"unknown_session"}' ]
	[ "$(sqlite3 "$DB" "SELECT status FROM sdk_sessions WHERE content_session_id = '$CID'")" = completed ]
	[ "$(sqlite3 "$DB" "SELECT request FROM session_summaries")" = "Fix the parser" ]
	out="$(curl -s -D "$WTMP/headers" "$BASE/api/context/inject?projects=x,p13")"
	grep -qi '^Content-Type: text/plain' "$WTMP/headers"
	[[ "$out" == "# [p13] recent context, "* ]]
	[[ "$out" == *"| #1 | "*"Ran tests: make test |"* ]]
	[[ "$out" == *"**Request:** Fix the parser"* ]]
	out="$(curl -s "$BASE/api/context/inject?project=p13&colors=true")"
	[[ "$out" == $'\e[1;36m# [p13]'* ]]
	out="$(curl -s "$BASE/api/context/inject?project=empty-74001")"
	[[ "$out" == *"No previous sessions found for this project yet." ]]
	run post /api/context/semantic '{"q":"make test","project":"p13"}'
	[[ "$output" == '200 {"context":"#1 '*'[discovery] Ran tests: make test\n","count":1}' ]]
}

@test "a SessionEnd the client left for replay finishes its session" {
	worker_start
	init13 >/dev/null
	mkdir -p "$CLAUDE_MEM_DATA_DIR/state/session-end-replay"
	printf '{"contentSessionId":"%s","platformSource":"claude","requestedAtEpoch":1}' "$CID" \
		>"$CLAUDE_MEM_DATA_DIR/state/session-end-replay/ab12.json"
	wait_until 10 test ! -e "$CLAUDE_MEM_DATA_DIR/state/session-end-replay/ab12.json"
	[ "$(sqlite3 "$DB" "SELECT status FROM sdk_sessions WHERE content_session_id = '$CID'")" = completed ]
}

@test "search and timeline: the object 13's MCP server needs for fetch clients, the array for others" {
	export CLAUDE_MEM_SEARCH_BIN="$CSUP_BIN_DIR/mem-search"
	worker_start
	init13 >/dev/null
	tool_use Bash '{"command":"make lexer"}' '{"stdout":"ok"}' toolu_b2 >/dev/null
	wait_until 10 bash -c "[ \"\$(sqlite3 '$DB' 'SELECT COUNT(*) FROM observations')\" -eq 1 ]"
	run api GET "/api/search?query=lexer"
	[[ "$output" == '200 [{"type":"text","text":'* ]]
	out="$(curl -s --compressed "$BASE/api/search?query=lexer&orderBy=date_desc")"
	[[ "$out" == '{"content":[{"type":"text","text":'*'claude-mem://observation/1'* ]]
	out="$(curl -s -H 'X-Claude-Mem-Api: 13' "$BASE/api/timeline?anchor=1&depth_before=2")"
	[[ "$out" == '{"content":[{"type":"text","text":"# Timeline around anchor: 1'* ]]
	out="$(curl -s -H 'Sec-Fetch-Mode: cors' "$BASE/api/timeline?anchor=zzz")"
	[[ "$out" == '{"content":[{"type":"text","text":'*'"isError":true}' ]]
}

@test "a database written by the original opens, gains the 13 layer in place and keeps every row" {
	mkdir -p "$CLAUDE_MEM_DATA_DIR"
	sqlite3 "$DB" <"$FIXTURES/worker/original-v11.sql" >/dev/null
	counts() {
		sqlite3 "$DB" "SELECT (SELECT COUNT(*) FROM sdk_sessions) || ',' || (SELECT COUNT(*) FROM observations) || ',' || (SELECT COUNT(*) FROM session_summaries) || ',' || (SELECT COUNT(*) FROM user_prompts)"
	}
	before="$(counts)"
	obs_before="$(sqlite3 "$DB" 'SELECT id, title, narrative, files_read FROM observations ORDER BY id')"
	worker_start
	run api GET /api/readiness
	[ "$output" = '200 {"status":"ready"}' ]
	[ "$(counts)" = "$before" ]
	[ "$(sqlite3 "$DB" 'SELECT id, title, narrative, files_read FROM observations ORDER BY id')" = "$obs_before" ]
	# 13's names over the same rows, the original's still writable
	[ "$(sqlite3 "$DB" "SELECT content_session_id || '|' || memory_session_id || '|' || platform_source FROM sdk_sessions WHERE id = 1")" = "orig-session-1|orig-session-1|claude" ]
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM user_prompts WHERE session_db_id IS NOT NULL")" = "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM user_prompts')" ]
	sqlite3 "$DB" "INSERT INTO observations (sdk_session_id, project, type, title, created_at, created_at_epoch) VALUES ('orig-session-1','legacyproj','security_note','TLS pinned','x',1)"
	[ "$(sqlite3 "$DB" "SELECT memory_session_id FROM observations WHERE title = 'TLS pinned'")" = orig-session-1 ]
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM observations_fts WHERE observations_fts MATCH 'kqueue'")" -eq 1 ]
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM observations_fts WHERE observations_fts MATCH 'pinned'")" -eq 1 ]
	[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]
	[ "$(sqlite3 "$DB" "INSERT INTO observations_fts(observations_fts) VALUES('integrity-check'); SELECT 'fts ok'")" = "fts ok" ]
	# the old session continues through 13's routes
	run post /api/sessions/init '{"contentSessionId":"orig-session-1","project":"legacyproj","prompt":"and now benchmark"}'
	[[ "$output" == '200 {"sessionDbId":1,"promptNumber":2,"skipped":false'* ]]
	worker_stop
	# reopened: nothing applied twice
	schema="$(sqlite3 "$DB" 'SELECT sql FROM sqlite_master ORDER BY name')"
	worker_start
	run api GET /api/readiness
	worker_stop
	[ "$(sqlite3 "$DB" 'SELECT sql FROM sqlite_master ORDER BY name')" = "$schema" ]
	[ "$(sqlite3 "$DB" 'SELECT MAX(version) FROM schema_versions')" -eq 11 ]
}
