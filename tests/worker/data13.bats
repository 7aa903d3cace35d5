#!/usr/bin/env bats
# claude-mem 13's data path in mem-worker: content_hash (the same
# observation stored once), the pending_messages queue that survives a
# kill -9, and /api/search?format=json.

load ../lib/worker
load ../lib/worker13

setup() {
	worker13_setup d13-75101 d13 "Tune the lexer"
}

teardown() {
	local bad=0
	worker_stop
	# in the ASan build a report lands in the worker's log, not its status
	log_clean "$WTMP/worker.log" || bad=1
	worker_teardown
	return "$bad"
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
	# a store layered by the previous mem-worker (no hash, no index, no
	# queue table) gets the missing steps at start-up, before any request
	worker_stop
	sql "DROP INDEX ux_observations_session_hash; DROP TABLE pending_messages; UPDATE observations SET content_hash = NULL; CREATE INDEX idx_observations_content_hash ON observations(sdk_session_id, content_hash)"
	worker_start
	[ "$(sql "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('ux_observations_session_hash', 'pending_messages')")" -eq 2 ]
	[ "$(sql "SELECT COUNT(*) FROM sqlite_master WHERE name = 'idx_observations_content_hash'")" -eq 0 ]
	[ "$(sql 'SELECT COUNT(*) FROM observations WHERE content_hash IS NULL')" -eq 1 ]
	[ "$(sql 'SELECT id, title, narrative FROM observations ORDER BY id')" = "$before" ]
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
	# a seed-era route's event (JSON-encoded tool values) joins the same queue
	sid="$(sql "SELECT id FROM sdk_sessions WHERE content_session_id = '$CID'")"
	run api POST "/sessions/$sid/observations" '{"tool_name":"Read","tool_input":"{\"file_path\":\"/src/d13/seed75.c\"}","tool_response":"\"x\"","prompt_number":1,"cwd":"/src/d13"}'
	[ "$output" = '200 {"status":"queued"}' ]
	run post /api/sessions/summarize "{\"contentSessionId\":\"$CID\",\"last_assistant_message\":\"all built\"}"
	[ "$output" = '200 {"status":"queued"}' ]
	# 13's queue table holds them, handed to the agent and unanswered
	wait_until 10 processing_is 14
	[ "$(sql "SELECT message_type || '|' || tool_name || '|' || tool_input || '|' || tool_use_id || '|' || content_session_id FROM pending_messages ORDER BY id LIMIT 1")" = "observation|Bash|{\"command\":\"make t751\"}|toolu_k1|$CID" ]
	[ "$(sql "SELECT message_type || '|' || last_assistant_message FROM pending_messages ORDER BY id DESC LIMIT 1")" = 'summarize|all built' ]
	kill -KILL "$WPID"
	wait "$WPID" 2>/dev/null || true
	WPID=""
	while read -r p; do kill -KILL "$p" 2>/dev/null || true; done <"$WTMP/agent.pids"
	[ "$(sql 'SELECT COUNT(*) FROM observations')" -eq 0 ]
	pending_is 14
	# a row 13's own worker left in the same table is taken too
	sql "INSERT INTO pending_messages (session_db_id, content_session_id, message_type, tool_name, tool_input, tool_response, cwd, prompt_number, status, created_at_epoch) SELECT id, content_session_id, 'observation', 'Grep', '{\"pattern\":\"yylex\"}', '{\"filenames\":[\"/src/d13/lex.c\"]}', '/src/d13', 1, 'pending', 1 FROM sdk_sessions WHERE content_session_id = '$CID'"
	# restarted without the agent: the built-in extractor stores each once
	unset CLAUDE_MEM_AGENT_CMD
	worker_start
	wait_until 20 done_13 14 1
	[ "$(sql "SELECT COUNT(DISTINCT title) FROM observations WHERE title LIKE 'Ran %make t75%'")" -eq 12 ]
	[ "$(sql "SELECT files_read FROM observations WHERE title = 'Read seed75.c'")" = '["/src/d13/seed75.c"]' ]
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
	done_13 14 1
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

# search13 QUERY-STRING: the body of GET /api/search?QS&format=json (status
# checked: 200).
search13() {
	run api GET "/api/search?$1&format=json"
	[[ "$output" == 200* ]] || { echo "$output"; return 1; }
	echo "${output#200 }" >"$WTMP/s.json"
}
sj() { json_get "$1" <"$WTMP/s.json"; }

@test "search format=json: 13's {observations,sessions,prompts,totalResults,query} with its filters" {
	worker_start
	init13 "Tune the lexer" >/dev/null
	tool_use Edit '{"file_path":"/src/d13/lexer.c","old_string":"a","new_string":"b"}' '{"filePath":"/src/d13/lexer.c"}' toolu_s1 >/dev/null
	tool_use Bash '{"command":"make lexer"}' '{"stdout":"lexer built"}' toolu_s2 >/dev/null
	tool_use Read '{"file_path":"/src/d13/parse.c"}' '{"file":{"content":"int parse;"}}' toolu_s3 >/dev/null
	post /api/sessions/summarize "{\"contentSessionId\":\"$CID\",\"last_assistant_message\":\"lexer tuned\"}" >/dev/null
	post /api/sessions/session-end "{\"contentSessionId\":\"$CID\"}" >/dev/null
	post /api/sessions/init '{"contentSessionId":"d13-other","project":"other","prompt":"Port the lexer","platformSource":"codex"}' >/dev/null
	post /api/sessions/observations '{"contentSessionId":"d13-other","tool_name":"Read","tool_input":{"file_path":"/x/other/lexer.h"},"tool_response":{"file":{"content":"x"}},"cwd":"/x/other","platformSource":"codex"}' >/dev/null
	post /api/sessions/observations '{"contentSessionId":"d13-other","tool_name":"Bash","tool_input":{"command":"echo 字句解析"},"tool_response":{"stdout":"ok"},"cwd":"/x/other","platformSource":"codex"}' >/dev/null
	wait_until 10 obs_count 5
	wait_until 10 bash -c "[ \"\$(sqlite3 '$DB' 'SELECT COUNT(*) FROM session_summaries')\" -eq 1 ]"

	search13 "query=lexer"
	[ "$(sj 'list(d.keys())')" = "['observations', 'sessions', 'prompts', 'totalResults', 'query']" ]
	[ "$(sj 'd["query"]')" = lexer ]
	[ "$(sj 'sorted(o["title"] for o in d["observations"])')" = "['Edited lexer.c', 'Ran \`make lexer\`', 'Read lexer.h']" ]
	[ "$(sj 'len(d["sessions"]), len(d["prompts"])')" = "(1, 2)" ]
	[ "$(sj 'd["totalResults"]')" -eq 6 ]
	# the rows as 13 returns them: the table's columns, JSON arrays as text
	[ "$(sj 'sorted(k for k in ["id","memory_session_id","project","type","title","subtitle","narrative","facts","concepts","files_read","files_modified","prompt_number","content_hash","created_at","created_at_epoch"] if k not in d["observations"][0])')" = "[]" ]
	[ "$(sj 'all(isinstance(o["files_modified"], str) for o in d["observations"])')" = True ]
	[ "$(sj 'd["sessions"][0]["memory_session_id"] + " " + d["sessions"][0]["request"]')" = "$CID Tune the lexer" ]
	[ "$(sj 'sorted(p["prompt_text"] + "|" + p["project"] + "|" + p["platform_source"] for p in d["prompts"])')" = "['Port the lexer|other|codex', 'Tune the lexer|d13|claude']" ]
	# type: a category, or an observation type (observations only)
	search13 "query=lexer&type=observations"
	[ "$(sj 'len(d["observations"]), len(d["sessions"]), len(d["prompts"]), d["totalResults"]')" = "(3, 0, 0, 3)" ]
	search13 "query=lexer&type=sessions,prompts"
	[ "$(sj 'len(d["observations"]), len(d["sessions"]), len(d["prompts"])')" = "(0, 1, 2)" ]
	search13 "query=lexer&type=change"
	[ "$(sj '[o["title"] for o in d["observations"]], len(d["sessions"])')" = "(['Edited lexer.c'], 0)" ]
	search13 "query=lexer&obs_type=discovery&type=observations"
	[ "$(sj 'sorted(o["title"] for o in d["observations"])')" = "['Ran \`make lexer\`', 'Read lexer.h']" ]
	# project, platformSource
	search13 "query=lexer&project=other"
	[ "$(sj '[o["title"] for o in d["observations"]], len(d["sessions"]), [p["prompt_text"] for p in d["prompts"]]')" = "(['Read lexer.h'], 0, ['Port the lexer'])" ]
	search13 "query=lexer&platformSource=codex&type=observations"
	[ "$(sj '[o["title"] for o in d["observations"]]')" = "['Read lexer.h']" ]
	# dates: epoch ms or ISO
	now=$(( $(date +%s) * 1000 ))
	search13 "query=lexer&dateStart=$(( now + 3600000 ))"
	[ "$(sj 'd["totalResults"]')" -eq 0 ]
	search13 "query=lexer&dateStart=2020-01-01&dateEnd=$(( now + 3600000 ))&type=observations"
	[ "$(sj 'd["totalResults"]')" -eq 3 ]
	search13 "query=lexer&dateEnd=2020-01-01T00:00:00Z"
	[ "$(sj 'd["totalResults"]')" -eq 0 ]
	# orderBy, limit, offset (each list)
	search13 "query=lexer&type=observations&orderBy=date_asc"
	[ "$(sj '[o["id"] for o in d["observations"]] == sorted(o["id"] for o in d["observations"])')" = True ]
	search13 "query=lexer&type=observations&orderBy=date_desc&limit=2"
	[ "$(sj '[o["id"] for o in d["observations"]]')" = "[4, 2]" ]
	search13 "query=lexer&type=observations&orderBy=date_desc&limit=2&offset=2"
	[ "$(sj '[o["id"] for o in d["observations"]]')" = "[1]" ]
	# filters alone, no query
	search13 "obs_type=discovery&project=d13"
	[ "$(sj 'sorted(o["title"] for o in d["observations"]), d["query"]')" = "(['Ran \`make lexer\`', 'Read parse.c'], '')" ]
	# an unsegmented script (here CJK) is a substring match, as in 13
	search13 "query=%E5%AD%97%E5%8F%A5"
	[ "$(sj '[o["title"] for o in d["observations"]], d["query"]')" = "(['Ran \`echo 字句解析\`'], '字句')" ]
	search13 "query=nothing-like-it"
	[ "$(sj 'd')" = "{'observations': [], 'sessions': [], 'prompts': [], 'totalResults': 0, 'query': 'nothing-like-it'}" ]
	run api GET "/api/search?format=json"
	[ "$output" = '400 {"error":"Either query or filters required for search"}' ]
	run api GET "/api/search?query=lexer&format=json&orderBy=sideways"
	[[ "$output" == '400 {"error":"ValidationError"'* ]]
	run api GET "/api/search?query=lexer&format=json&dateStart=yesterday"
	[[ "$output" == '400 {"error":"ValidationError"'*dateStart* ]]
	# without format=json /api/search is still the search server's route
	run api GET "/api/search?query=lexer"
	[[ "$output" == 503* ]]
}
