#!/usr/bin/env bats
# claude-mem 13's corpora served by mem-worker: /api/corpus routes with 13's
# shapes and codes, the NAME.corpus.json file, rebuild, prime/query with the
# built-in retrieval answer and with a corpus agent (asynchronous, bounded,
# ended by the shutdown chain).

load ../lib/worker

setup() {
	worker_setup
	DB="$CLAUDE_MEM_DATA_DIR/claude-mem.db"
	CORPORA="$CLAUDE_MEM_DATA_DIR/corpora"
	unset CLAUDE_MEM_CORPUS_AGENT_CMD CLAUDE_MEM_CORPUS_AGENT_TIMEOUT_MS
}

teardown() {
	local bad=0
	worker_stop
	# in the ASan build a report lands in the worker's log, not its status
	log_clean "$WTMP/worker.log" || bad=1
	worker_teardown
	# the agents of the bound test, should the product have left them
	pkill -KILL -f 'sleep 7351[78]' || true
	return "$bad"
}

post() { api POST "$1" "$2"; }

obs_count() { [ "$(sqlite3 "$DB" 'SELECT count(*) FROM observations')" = "$1" ]; }

# tool_use N TOOL INPUT RESPONSE: one tool use of session cs-corpus in p13.
tool_use() {
	post /api/sessions/observations "{\"contentSessionId\":\"cs-corpus\",\"tool_name\":\"$2\",\"tool_input\":$3,\"tool_response\":$4,\"cwd\":\"/src/p13\",\"tool_use_id\":\"tu-$1\"}" >/dev/null
}

# Three observations: Read parser.c (discovery), Edit lexer.c (change),
# Bash make test (discovery).
seed() {
	post /api/sessions/init '{"contentSessionId":"cs-corpus","project":"p13","prompt":"Fix the parser"}' >/dev/null
	tool_use 1 Read '{"file_path":"/src/p13/parser.c"}' '"int parse_expression(void) { return tokenizer_next(); }"'
	tool_use 2 Edit '{"file_path":"/src/p13/lexer.c","old_string":"a","new_string":"b"}' '"ok"'
	tool_use 3 Bash '{"command":"make check","description":"run the checks"}' '{"stdout":"all passed"}'
	wait_until 10 obs_count 3
}

field() { json_get "$1" <<<"${output#* }"; }

@test "build, list, get, delete: 13's shapes, the file on disk" {
	worker_start
	seed
	run post /api/corpus '{"name":"p13-notes","description":"the parser work","project":"p13"}'
	[[ "$output" == '200 {"version":1,"name":"p13-notes","description":"the parser work","created_at":'* ]]
	[ "$(field 'sorted(d.keys())')" = "['created_at', 'description', 'filter', 'name', 'session_id', 'stats', 'system_prompt', 'updated_at', 'version']" ]
	[ "$(field 'd["filter"]')" = "{'project': 'p13'}" ]
	[ "$(field 'd["stats"]["observation_count"], d["stats"]["type_breakdown"], d["session_id"]')" = "(3, {'discovery': 2, 'change': 1}, None)" ]
	[ "$(field 'd["stats"]["token_estimate"] > 50 and d["stats"]["date_range"]["earliest"] <= d["stats"]["date_range"]["latest"]')" = True ]
	[[ "$(field 'd["system_prompt"]')" == 'You are a knowledge agent with access to 3 observations from the "p13-notes" corpus.'* ]]
	# the file: every field, the observations oldest first, arrays decoded
	f="$CORPORA/p13-notes.corpus.json"
	[ -f "$f" ]
	[ "$(json_get 'list(d.keys())' <"$f")" = "['version', 'name', 'description', 'created_at', 'updated_at', 'filter', 'stats', 'system_prompt', 'session_id', 'observations']" ]
	[ "$(json_get '[o["title"] for o in d["observations"]]' <"$f")" = "['Read parser.c', 'Edited lexer.c', 'Ran \`make check\`']" ]
	[ "$(json_get 'd["observations"][1]["files_modified"], d["observations"][0]["files_read"], d["observations"][1]["project"]' <"$f")" = "(['/src/p13/lexer.c'], ['/src/p13/parser.c'], 'p13')" ]
	[ "$(json_get 'sorted(d["observations"][0].keys())' <"$f")" = "['concepts', 'created_at', 'created_at_epoch', 'facts', 'files_modified', 'files_read', 'id', 'narrative', 'project', 'subtitle', 'title', 'type']" ]
	# no temporary file left behind
	[ "$(ls -A "$CORPORA")" = p13-notes.corpus.json ]
	# list: 13's {content:[{type:text,text:JSON}]}
	run api GET /api/corpus
	[ "$(field 'd["content"][0]["type"]')" = text ]
	[ "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print([(c["name"], c["description"], c["stats"]["observation_count"], c["session_id"]) for c in json.loads(d["content"][0]["text"])])' <<<"${output#200 }")" = "[('p13-notes', 'the parser work', 3, None)]" ]
	# get: without the observations
	run api GET /api/corpus/p13-notes
	[[ "$output" == '200 {"version":1,"name":"p13-notes",'* ]]
	[[ "$output" != *'"observations"'* ]]
	# delete removes the file; again: 404
	run api DELETE /api/corpus/p13-notes
	[ "$output" = '200 {"success":true}' ]
	[ ! -e "$f" ]
	run api DELETE /api/corpus/p13-notes
	[ "$output" = '404 {"error":"Corpus \"p13-notes\" not found","fix":"Check the corpus name or build a new one","available":[]}' ]
}

@test "bad input: 400 and nothing written; an unknown corpus is 404 with available" {
	worker_start
	seed
	run post /api/corpus '{"description":"no name"}'
	[ "$output" = '400 {"error":"ValidationError","issues":[{"path":["name"],"message":"Required"}]}' ]
	for name in '..' '.' 'a/b' '../../etc/x' 'a b' ''; do
		run post /api/corpus "{\"name\":\"$name\"}"
		[[ "$output" == '400 {"error":"ValidationError","issues":[{"path":["name"],'* ]]
	done
	run post /api/corpus '{"name":"x","types":"discovery,bogus"}'
	[[ "$output" == '400 {"error":"ValidationError","issues":[{"path":["types"],"message":"types must contain only decision, bugfix,'* ]]
	run post /api/corpus '{"name":"x","limit":-3}'
	[[ "$output" == '400 {"error":"ValidationError","issues":[{"path":["limit"]'* ]]
	run post /api/corpus '{"name":"x","date_start":"last tuesday"}'
	[[ "$output" == '400 {"error":"ValidationError","issues":[{"path":["date_start"]'* ]]
	run post /api/corpus '{"name":"x","project":7}'
	[[ "$output" == '400 {"error":"ValidationError","issues":[{"path":["project"]'* ]]
	run post /api/corpus 'not json'
	[[ "$output" == '400 {"error":"ValidationError"'* ]]
	[ ! -e "$CORPORA" ] || [ -z "$(ls -A "$CORPORA")" ]
	# a bad name in the path: 13's AppError
	run api GET '/api/corpus/a%20b%2A'
	[ "$output" = '400 {"error":"Invalid corpus name: only alphanumeric characters, dots, hyphens, and underscores are allowed","code":"INVALID_CORPUS_NAME"}' ]
	post /api/corpus '{"name":"kept","project":"p13"}' >/dev/null
	post /api/corpus '{"name":"also.kept","project":"p13"}' >/dev/null
	for route in "GET /api/corpus/missing" "DELETE /api/corpus/missing" "POST /api/corpus/missing/rebuild" "POST /api/corpus/missing/prime" "POST /api/corpus/missing/reprime"; do
		run api $route
		[ "$output" = '404 {"error":"Corpus \"missing\" not found","fix":"Check the corpus name or build a new one","available":["also.kept","kept"]}' ]
	done
	run post /api/corpus/missing/query '{"question":"anything?"}'
	[[ "$output" == '404 {"error":"Corpus \"missing\" not found",'* ]]
	run post /api/corpus/kept/query '{}'
	[ "$output" = '400 {"error":"ValidationError","issues":[{"path":["question"],"message":"Required"}]}' ]
	run post /api/corpus/kept/query '{"question":"   "}'
	[[ "$output" == '400 {"error":"ValidationError","issues":[{"path":["question"]'* ]]
	[ "$(ls "$CORPORA" | tr '\n' ' ')" = "also.kept.corpus.json kept.corpus.json " ]
}

@test "the filter: types, files, concepts, query, dates, limit; none at all is empty, as in 13" {
	worker_start
	seed
	# n BODY: the observation count of the corpus POST /api/corpus BODY builds
	n() { run post /api/corpus "$1"; field 'd["stats"]["observation_count"]'; }
	[ "$(n '{"name":"t","types":["change"]}')" = 1 ]
	[ "$(n '{"name":"f","files":"parser.c,lexer.c"}')" = 2 ]
	[ "$(n '{"name":"c","concepts":"what-changed"}')" = 1 ]
	run post /api/corpus '{"name":"q","query":"tokenizer_next"}'
	[ "$(field 'd["stats"]["observation_count"], d["stats"]["type_breakdown"]')" = "(1, {'discovery': 1})" ]
	[ "$(n '{"name":"d1","project":"p13","date_start":"2099-01-01"}')" = 0 ]
	[ "$(n '{"name":"d2","project":"p13","date_end":"2000-01-01T00:00:00Z","date_start":"1999-01-01"}')" = 0 ]
	[ "$(n '{"name":"d3","project":"p13","date_start":"2000-01-01T00:00:00+02:00"}')" = 3 ]
	# limit: the latest N, oldest first
	[ "$(n '{"name":"l","project":"p13","limit":"2"}')" = 2 ]
	[ "$(json_get '[o["id"] for o in d["observations"]]' <"$CORPORA/l.corpus.json")" = "[2, 3]" ]
	[ "$(n '{"name":"other","project":"elsewhere"}')" = 0 ]
	[ "$(n '{"name":"none"}')" = 0 ]
}

@test "rebuild re-runs the stored filter: new observations change the stats" {
	worker_start
	seed
	run post /api/corpus '{"name":"grow","description":"grows","project":"p13"}'
	created="$(field 'd["created_at"]')"
	[ "$(field 'd["stats"]["observation_count"]')" = 3 ]
	run post /api/corpus/grow/prime ''
	sid="$(field 'd["session_id"]')"
	tool_use 4 Write '{"file_path":"/src/p13/ast.c","content":"x\ny\n"}' '"ok"'
	wait_until 10 obs_count 4
	run post /api/corpus/grow/rebuild ''
	[[ "$output" == '200 {"version":1,"name":"grow","description":"grows",'* ]]
	[ "$(field 'd["stats"]["observation_count"], d["stats"]["type_breakdown"]')" = "(4, {'discovery': 2, 'change': 2})" ]
	[ "$(field 'd["created_at"]')" = "$created" ]
	[ "$(field 'd["session_id"]')" = "$sid" ]
	[ "$(json_get 'd["observations"][-1]["title"], d["stats"]["observation_count"]' <"$CORPORA/grow.corpus.json")" = "('Wrote ast.c', 4)" ]
}

@test "prime, query, reprime without an agent: the built-in retrieval answer" {
	worker_start
	seed
	post /api/corpus '{"name":"ask","project":"p13"}' >/dev/null
	run post /api/corpus/ask/query '{"question":"Which parser function was read?"}'
	[ "$output" = '500 {"error":"Corpus \"ask\" has no session — call prime first"}' ]
	run post /api/corpus/ask/prime ''
	[[ "$output" =~ ^200\ \{\"session_id\":\"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\",\"name\":\"ask\"\}$ ]]
	sid="$(field 'd["session_id"]')"
	[ "$(json_get 'd["session_id"]' <"$CORPORA/ask.corpus.json")" = "$sid" ]
	run post /api/corpus/ask/query '{"question":"Which parser function was read?"}'
	[ "$(field 'd["session_id"]')" = "$sid" ]
	answer="$(field 'd["answer"]')"
	[[ "$answer" == "Built-in retrieval answer (no agent configured)"* ]]
	[[ "$answer" == *"- #1 [discovery] Read parser.c"* ]]
	[[ "$answer" == *"Cited: #1"* ]]
	[[ "$answer" != *"#2 "* ]]
	# the same question, the same answer
	run post /api/corpus/ask/query '{"question":"Which parser function was read?"}'
	[ "$(field 'd["answer"]')" = "$answer" ]
	run post /api/corpus/ask/query '{"question":"zebra quantum"}'
	[[ "$(field 'd["answer"]')" == *"No observation of the 3 in this corpus matches"* ]]
	run post /api/corpus/ask/reprime ''
	[[ "$output" == '200 {"session_id":"'* ]]
	[ "$(field 'd["session_id"]')" != "$sid" ]
	[ "$(json_get 'd["session_id"]' <"$CORPORA/ask.corpus.json")" = "$(field 'd["session_id"]')" ]
}

@test "query with a corpus agent: corpus and question on its stdin, its stdout the answer, the loop never waits" {
	cat >"$WTMP/agent.sh" <<-AGENT
	#!/bin/sh
	cat >"$WTMP/agent.in"
	sleep 1.5
	echo "agent for \$CLAUDE_MEM_CORPUS_NAME in session \$CLAUDE_MEM_CORPUS_SESSION_ID"
	AGENT
	chmod +x "$WTMP/agent.sh"
	export CLAUDE_MEM_CORPUS_AGENT_CMD="$WTMP/agent.sh"
	worker_start
	seed
	post /api/corpus '{"name":"agent-c","project":"p13"}' >/dev/null
	run post /api/corpus/agent-c/prime ''
	sid="$(field 'd["session_id"]')"
	( post /api/corpus/agent-c/query '{"question":"What changed in lexer.c?"}' >"$WTMP/query.out" ) &
	qpid=$!
	wait_until 5 test -s "$WTMP/agent.in"
	# the worker answers while its agent works
	t0=$(date +%s%N)
	run api GET /api/health
	[[ "$output" == '200 '* ]]
	(( ($(date +%s%N) - t0) / 1000000 < 1000 ))
	[ ! -s "$WTMP/query.out" ]
	wait "$qpid"
	out="$(cat "$WTMP/query.out")"
	[ "${out%% *}" = 200 ]
	[ "$(json_get 'd["answer"], d["session_id"]' <<<"${out#200 }")" = "('agent for agent-c in session $sid', '$sid')" ]
	grep -q '^You are a knowledge agent with access to 3 observations from the "agent-c" corpus.' "$WTMP/agent.in"
	grep -q '^## \[CHANGE\] Edited lexer.c' "$WTMP/agent.in"
	grep -q '^Question: What changed in lexer.c?$' "$WTMP/agent.in"
	# a failing agent is a 500 with the reason
	export CLAUDE_MEM_CORPUS_AGENT_CMD="exit 3"
	worker_stop
	worker_start
	run post /api/corpus/agent-c/query '{"question":"x?"}'
	[ "$output" = '500 {"error":"corpus agent exited with status 3"}' ]
}

marker_gone() { ! pgrep -f "$1" >/dev/null; }

@test "a corpus agent past its bound is killed with its group; the shutdown chain ends a running one" {
	export CLAUDE_MEM_CORPUS_AGENT_CMD="sh -c 'sleep 73517 & wait'"
	export CLAUDE_MEM_CORPUS_AGENT_TIMEOUT_MS=700
	worker_start
	seed
	post /api/corpus '{"name":"slow","project":"p13"}' >/dev/null
	post /api/corpus/slow/prime '' >/dev/null
	run post /api/corpus/slow/query '{"question":"anything?"}'
	[[ "$output" == '500 {"error":"corpus agent: no answer within 700 ms'* ]]
	wait_until 5 marker_gone 'sleep 73517'
	worker_stop
	# no bound to speak of: the shutdown chain must end it
	export CLAUDE_MEM_CORPUS_AGENT_CMD="sh -c 'sleep 73518 & wait'"
	export CLAUDE_MEM_CORPUS_AGENT_TIMEOUT_MS=600000
	worker_start
	( post /api/corpus/slow/query '{"question":"anything?"}' >"$WTMP/query.out" ) &
	qpid=$!
	wait_until 5 pgrep -f 'sleep 73518'
	t0=$(date +%s%N)
	worker_stop
	[ "$WSTATUS" = 0 ]
	(( ($(date +%s%N) - t0) / 1000000 < 4000 ))
	wait "$qpid" || true
	marker_gone 'sleep 73518'
	grep -q 'shutdown 1/4 abort sessions: done in [0-9]* ms (1 agent(s))' "$WTMP/worker.log"
	[[ "$(cat "$WTMP/query.out")" == '503 '* || "$(cat "$WTMP/query.out")" == '000 '* ]]
}
