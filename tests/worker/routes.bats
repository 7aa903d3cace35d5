#!/usr/bin/env bats
# mem-worker routes: shapes, status strings, errors (black box, curl).

load ../lib/worker

setup() {
	worker_setup
	worker_start
}

teardown() {
	worker_teardown
}

new_session() {
	api POST /api/sessions "{\"claude_session_id\":\"$1\",\"project\":\"proj-r\",\"prompt\":\"${2:-first prompt}\"}"
}

@test "GET /health: status ok, timestamp, search state" {
	run api GET /health
	[[ "$output" == 200* ]]
	[[ "$output" == *'"status":"ok"'* ]]
	[[ "$output" =~ \"timestamp\":[0-9]{13} ]]
	[[ "$output" == *'"search":"missing"'* ]]
}

@test "POST /api/sessions creates once, counts prompts" {
	run new_session s-71001
	[ "$output" = '200 {"sessionDbId":1,"promptNumber":1}' ]
	run new_session s-71001 "second"
	[ "$output" = '200 {"sessionDbId":1,"promptNumber":2}' ]
	run api POST /api/sessions '{"claude_session_id":"s-71001","project":"proj-r"}'
	[ "$output" = '200 {"sessionDbId":1,"promptNumber":2}' ]
	run api POST /api/sessions '{"project":"x"}'
	[[ "$output" == 400*'"error"'* ]]
}

@test "session lifecycle: init, observations, status, summarize, complete" {
	new_session s-71002 >/dev/null
	run api POST /sessions/1/init '{"userPrompt":"do it","promptNumber":1,"project":"proj-r"}'
	[ "$output" = "200 {\"status\":\"initialized\",\"sessionDbId\":1,\"port\":$CLAUDE_MEM_WORKER_PORT}" ]
	run api POST /sessions/1/observations '{"tool_name":"Read","tool_input":"{\"file_path\":\"/x/y.c\"}","tool_response":"\"a\\nb\"","prompt_number":1,"cwd":"/x"}'
	[ "$output" = '200 {"status":"queued"}' ]
	run api GET /sessions/1/status
	[[ "$output" == '200 {"status":"active","sessionDbId":1,"project":"proj-r","queueLength":'[0-9]*',"uptime":'* ]]
	run api POST /sessions/1/summarize '{"last_user_message":"u","last_assistant_message":"a","prompt_number":1}'
	[ "$output" = '200 {"status":"queued"}' ]
	run api POST /sessions/1/complete
	[ "$output" = '200 {"success":true}' ]
	run api GET /sessions/1/status
	[ "$output" = '200 {"status":"not_found"}' ]
	run api GET /api/observations
	[[ "$output" == *'"title":"Read y.c"'* ]]
	[[ "$output" == *'"hasMore":false,"offset":0,"limit":20'* ]]
	run api GET /api/summaries
	[[ "$output" == *'"request":"u"'* ]]
	run api GET /api/session/1
	[[ "$output" == *'"status":"completed"'* ]]
}

@test "DELETE /sessions/:id answers deleted" {
	new_session s-71003 >/dev/null
	api POST /sessions/1/init '{}' >/dev/null
	run api DELETE /sessions/1
	[ "$output" = '200 {"status":"deleted"}' ]
	run api GET /sessions/1/status
	[ "$output" = '200 {"status":"not_found"}' ]
}

@test "bad JSON, bad ids, unknown session and route" {
	new_session s-71004 >/dev/null
	run api POST /sessions/1/observations '{not json'
	[[ "$output" == '400 {"error":"Invalid JSON body:'* ]]
	run api POST /sessions/1/observations '[1,2]'
	[[ "$output" == 400* ]]
	run api POST /sessions/1/observations '{"tool_input":"{}"}'
	[ "$output" = '400 {"error":"tool_name is required"}' ]
	run api POST /sessions/abc/init '{}'
	[ "$output" = '400 {"error":"Invalid session id: abc"}' ]
	run api POST /sessions/-4/init '{}'
	[[ "$output" == 400* ]]
	run api POST /sessions/999/init '{}'
	[ "$output" = '404 {"error":"Session 999 not found"}' ]
	run api GET /api/observation/12x
	[ "$output" = '400 {"error":"Invalid observation id: 12x"}' ]
	run api GET /api/observation/77
	[ "$output" = '404 {"error":"Observation #77 not found"}' ]
	run api GET /api/prompt/77
	[ "$output" = '404 {"error":"Prompt #77 not found"}' ]
	run api GET /api/session/77
	[ "$output" = '404 {"error":"Session #77 not found"}' ]
	run api GET /no/such/route
	[[ "$output" == '404 {"error":'* ]]
	run api PUT /health
	[[ "$output" == 404* ]]
	run api GET "/api/observations?limit=abc"
	[[ "$output" == 400* ]]
	healthy
}

@test "lists: pagination, limit capped at 100, project filter" {
	new_session s-71005 >/dev/null
	for i in $(seq 1 105); do
		printf '{"tool_name":"Bash","tool_input":"{\\"command\\":\\"echo %d\\"}","tool_response":"{}","prompt_number":1}' "$i" \
			>"$WTMP/o.json"
		curl -s -o /dev/null -X POST --data-binary @"$WTMP/o.json" "$BASE/sessions/1/observations"
	done
	wait_until 10 bash -c "curl -s '$BASE/api/processing-status' | grep -q '\"queueDepth\":0'"
	run api GET "/api/observations?limit=500"
	[[ "$output" == *'"hasMore":true,"offset":0,"limit":100'* ]]
	n="$(curl -s "$BASE/api/observations?limit=500" | json_get 'len(d["items"])')"
	[ "$n" -eq 100 ]
	run api GET "/api/observations?offset=100&limit=10"
	[[ "$output" == *'"hasMore":false,"offset":100,"limit":10'* ]]
	n="$(curl -s "$BASE/api/observations?offset=100&limit=10" | json_get 'len(d["items"])')"
	[ "$n" -eq 5 ]
	n="$(curl -s "$BASE/api/observations?project=other" | json_get 'len(d["items"])')"
	[ "$n" -eq 0 ]
	run api GET /api/prompts
	[[ "$output" == *'"prompt_text":"first prompt"'* ]]
}

@test "stats, processing status, processing toggle" {
	run api GET /api/stats
	[[ "$output" == 200*'"worker":{'*'"database":{'*'"observations":0'* ]]
	run api GET /api/processing-status
	[ "$output" = '200 {"isProcessing":false,"queueDepth":0}' ]
	run api POST /api/processing '{"isProcessing":true}'
	[ "$output" = '200 {"status":"ok","isProcessing":true}' ]
	run api POST /api/processing '{"isProcessing":"yes"}'
	[[ "$output" == 400* ]]
}

@test "body over 50 MB is refused with 413, worker stays up" {
	head -c $((50 * 1024 * 1024 + 10)) /dev/zero | tr '\0' 'a' >"$WTMP/big"
	code="$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @"$WTMP/big" "$BASE/api/sessions")"
	[ "$code" = 413 ]
	healthy
}

@test "search routes without the search server: 503 with error, worker stays up" {
	run api GET "/api/search?query=anything"
	[[ "$output" == '503 {"error":"search server'* ]]
	run api GET "/api/context/recent?project=p"
	[[ "$output" == 503* ]]
	healthy
}

@test "GET / is the viewer page, GET /stream sends events" {
	run api GET /
	[[ "$output" == 200*'<title>claude-mem viewer</title>'* ]]
	[[ "$output" != *'src="http'* ]]
	curl -sN "$BASE/stream" >"$WTMP/stream" &
	cpid=$!
	wait_until 5 grep -q '"type":"connected"' "$WTMP/stream"
	new_session s-71008 >/dev/null
	api POST /sessions/1/observations '{"tool_name":"Write","tool_input":"{\"file_path\":\"/q/new.c\",\"content\":\"x\"}","tool_response":"{}"}' >/dev/null
	wait_until 5 grep -q '"type":"new_observation"' "$WTMP/stream"
	grep -q '"title":"Wrote new.c"' "$WTMP/stream"
	grep -q '"type":"new_prompt"' "$WTMP/stream"
	kill "$cpid"
	wait "$cpid" 2>/dev/null || true
}
