#!/usr/bin/env bats
# The routes claude-mem 13's viewer uses, black box with curl: GET / and
# the plugin's files (content types, nothing outside the ui directory),
# /api/logs, /api/logs/clear, /api/onboarding/explainer and the /stream
# events with the fields 13's page reads. The real page in a real browser
# is tests/worker/viewer13.bats.

load ../lib/worker

setup() {
	worker_setup
	# A private HOME and no plugin location from outside the test.
	export HOME="$WTMP/home"
	mkdir -p "$HOME"
	unset CLAUDE_MEM_UI_DIR CLAUDE_CONFIG_DIR
	SCID=""
}

teardown() {
	if [ -n "$SCID" ]; then
		kill "$SCID" 2>/dev/null || true
		wait "$SCID" 2>/dev/null || true
	fi
	worker_teardown
}

# make_ui DIR MARK: a plugin ui directory with a file of each kind.
make_ui() {
	mkdir -p "$1/assets/fonts"
	printf '<!DOCTYPE html><title>ui %s</title><div id="root"></div>\n' "$2" >"$1/viewer.html"
	printf 'console.log("bundle %s");\n' "$2" >"$1/viewer-bundle.js"
	printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >"$1/icon.svg"
	printf 'RIFF0000WEBP' >"$1/logo.webp"
	printf 'PNG' >"$1/logo.png"
	printf 'wOF2font %s' "$2" >"$1/assets/fonts/f.woff2"
	printf 'raw' >"$1/blob.xyz"
	printf 'tv %s' "$2" >"$1/tv.html"
}

# get PATH: "STATUS CONTENT-TYPE" of GET PATH (sent as is), body in $WTMP/got.
get() {
	curl -s --path-as-is -o "$WTMP/got" -w '%{http_code} %{content_type}' "$BASE$1"
}

# stream_start: read /stream into $WTMP/stream until the test ends.
stream_start() {
	: >"$WTMP/stream"
	curl -sN "$BASE/stream" >"$WTMP/stream" &
	SCID=$!
	wait_until 10 grep -q '"type":"processing_status"' "$WTMP/stream"
}

# events TYPE: the events of TYPE read so far, one JSON object a line.
events() {
	python3 - "$WTMP/stream" "$1" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("data: "):
        e = json.loads(line[6:])
        if e.get("type") == sys.argv[2]:
            print(json.dumps(e))
EOF
}

# has_event TYPE PYEXPR: some event e of TYPE makes PYEXPR true.
has_event() {
	events "$1" | python3 -c '
import json, sys
sys.exit(0 if any(eval(sys.argv[1], {"e": json.loads(l)}) for l in sys.stdin) else 1)' "$2"
}

@test "without claude-mem 13's UI, GET / stays mem-worker's own viewer" {
	worker_start
	run api GET /
	[[ "$output" == 200*'<title>claude-mem viewer</title>'* ]]
	[[ "$output" == *"new EventSource('/stream')"* ]]
	run get /viewer-bundle.js
	[[ "$output" == 404* ]]
}

@test "a CLAUDE_MEM_UI_DIR without viewer.html: one warning, mem-worker's own viewer" {
	mkdir -p "$WTMP/empty-ui"
	make_ui "$HOME/.claude/plugins/cache/thedotmack/claude-mem/13.25.3/ui" m41706
	export CLAUDE_MEM_UI_DIR="$WTMP/empty-ui"
	worker_start
	grep -q "CLAUDE_MEM_UI_DIR=$WTMP/empty-ui has no viewer.html: serving mem-worker's own viewer" "$WTMP/worker.log"
	run api GET /
	[[ "$output" == 200*"new EventSource('/stream')"* ]]
}

@test "CLAUDE_MEM_UI_DIR: GET / is its viewer.html, its files with their content types" {
	make_ui "$WTMP/ui" m41707
	export CLAUDE_MEM_UI_DIR="$WTMP/ui"
	worker_start
	grep -q "claude-mem 13's UI from $WTMP/ui" "$WTMP/worker.log"
	run get /
	[ "$output" = "200 text/html; charset=utf-8" ]
	cmp "$WTMP/got" "$WTMP/ui/viewer.html"
	run get /viewer.html
	[ "$output" = "200 text/html; charset=utf-8" ]
	run get /viewer-bundle.js
	[ "$output" = "200 application/javascript; charset=utf-8" ]
	cmp "$WTMP/got" "$WTMP/ui/viewer-bundle.js"
	run get /assets/fonts/f.woff2
	[ "$output" = "200 font/woff2" ]
	cmp "$WTMP/got" "$WTMP/ui/assets/fonts/f.woff2"
	run get /icon.svg
	[ "$output" = "200 image/svg+xml" ]
	run get /logo.webp
	[ "$output" = "200 image/webp" ]
	run get /logo.png
	[ "$output" = "200 image/png" ]
	run get /blob.xyz
	[ "$output" = "200 application/octet-stream" ]
	run get /tv
	[ "$output" = "200 text/html; charset=utf-8" ]
	grep -q 'tv m41707' "$WTMP/got"
	run get /missing.js
	[[ "$output" == "404 application/json"* ]]
	# The routes still win over files.
	run api GET /health
	[[ "$output" == 200*'"status":"ok"'* ]]
}

@test "the installed plugin is found where Claude Code keeps it, newest version first" {
	local cache="$HOME/.claude/plugins/cache/thedotmack/claude-mem"
	make_ui "$cache/13.2.0/ui" old-m41708
	make_ui "$cache/13.10.1/ui" new-m41708
	mkdir -p "$cache/13.11.0/ui"          # no viewer.html: not a candidate
	worker_start
	run get /
	[ "${output%% *}" = 200 ]
	grep -q 'ui new-m41708' "$WTMP/got"
}

@test "CLAUDE_CONFIG_DIR and the marketplace copy of the plugin are looked at too" {
	export CLAUDE_CONFIG_DIR="$WTMP/cfg"
	make_ui "$CLAUDE_CONFIG_DIR/plugins/marketplaces/thedotmack/plugin/ui" mk-m41709
	make_ui "$HOME/.claude/plugins/cache/thedotmack/claude-mem/13.25.3/ui" home-m41709
	worker_start
	run get /
	[ "${output%% *}" = 200 ]
	grep -q 'ui mk-m41709' "$WTMP/got"
}

@test "no file outside the ui directory: dot-dot, encoded separators, symlinks out, dot files" {
	make_ui "$WTMP/ui" m41710
	echo "secret-m41710" >"$WTMP/secret.txt"
	mkdir -p "$WTMP/outside"
	echo "secret-m41710" >"$WTMP/outside/x.js"
	echo "secret-m41710" >"$WTMP/ui/.hidden.js"
	ln -s ../secret.txt "$WTMP/ui/link.txt"
	ln -s "$WTMP/outside" "$WTMP/ui/dirlink"
	ln -s viewer-bundle.js "$WTMP/ui/alias.js"     # inside: served
	export CLAUDE_MEM_UI_DIR="$WTMP/ui"
	worker_start
	local p
	for p in /../secret.txt /assets/../../secret.txt '/%2e%2e/secret.txt' \
		'/assets%2F..%2F..%2Fsecret.txt' '/assets%2f..%2f..%2fsecret.txt' \
		'/..%5csecret.txt' '/%2e%2e%5csecret.txt' '/viewer.html%00.js' \
		/link.txt /dirlink/x.js /.hidden.js /assets /assets/ \
		'/assets%2Ffonts%2Ff.woff2' /./viewer.html; do
		run get "$p"
		[[ "$output" == 404* ]] || { echo "$p: $output"; false; }
		run grep -q secret-m41710 "$WTMP/got"
		[ "$status" -ne 0 ] || { echo "$p leaked the file"; false; }
	done
	run get /alias.js
	[ "$output" = "200 application/javascript; charset=utf-8" ]
	cmp "$WTMP/got" "$WTMP/ui/viewer-bundle.js"
	healthy
}

@test "GET /api/logs: the recent log lines in claude-mem 13's format; POST /api/logs/clear empties them" {
	worker_start
	run api GET /api/logs
	[[ "$output" == 200* ]]
	local body="${output#200 }"
	[ "$(json_get 'd["exists"] is True and d["returnedLines"] == len(d["logs"].split("\n")) == d["totalLines"] >= 1' <<<"$body")" = True ]
	json_get 'd["logs"]' <<<"$body" >"$WTMP/logs"
	grep -Eq '^\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\] \[INFO \] \[WORKER\] listening on 127\.0\.0\.1:'"$CLAUDE_MEM_WORKER_PORT" "$WTMP/logs"
	# The search server is missing here: a warning, in the SYSTEM component.
	grep -Eq '^\[[^]]+\] \[WARN \] \[SYSTEM\] search server ' "$WTMP/logs"
	run api GET '/api/logs?lines=1'
	[ "$(json_get 'd["returnedLines"] == 1 and "\n" not in d["logs"]' <<<"${output#200 }")" = True ]
	run api GET '/api/logs?lines=abc'
	[[ "$output" == 400*'"error"'* ]]
	run api POST /api/logs/clear
	[ "$output" = '200 {"success":true,"message":"Log buffer cleared","path":null}' ]
	run api GET /api/logs
	[ "$(json_get 'd["returnedLines"] == 1 and d["logs"].endswith("log buffer cleared via the viewer")' <<<"${output#200 }")" = True ]
}

@test "GET /api/onboarding/explainer: the plugin's explainer, else mem-worker's own" {
	worker_start
	run curl -s -w '\n%{http_code} %{content_type}' "$BASE/api/onboarding/explainer"
	[[ "$output" == '# How claude-mem works'* ]]
	[[ "$output" == *'200 text/markdown; charset=utf-8' ]]
	worker_stop
	make_ui "$WTMP/plugin/ui" m41712
	mkdir -p "$WTMP/plugin/skills/how-it-works"
	printf '# How it works m41712\n' >"$WTMP/plugin/skills/how-it-works/onboarding-explainer.md"
	export CLAUDE_MEM_UI_DIR="$WTMP/plugin/ui"
	worker_start
	run curl -s -w '\n%{http_code} %{content_type}' "$BASE/api/onboarding/explainer"
	[ "$output" = $'# How it works m41712\n\n200 text/markdown; charset=utf-8' ]
}

@test "/stream: initial_load and processing_status on connect, 13's new_prompt and new_observation rows" {
	worker_start
	local cid=viewer-m41713
	run api POST /api/sessions/init "{\"contentSessionId\":\"$cid\",\"project\":\"vproj-m41713\",\"prompt\":\"first prompt m41713\"}"
	[[ "$output" == 200* ]]
	stream_start
	grep -q '"type":"connected"' "$WTMP/stream"
	has_event initial_load 'e["projects"] == ["vproj-m41713"] and e["sources"] == ["claude"] and e["projectsBySource"] == {"claude": ["vproj-m41713"]}'
	has_event processing_status 'e["isProcessing"] is False and e["queueDepth"] == 0'
	run api POST /api/sessions/init "{\"contentSessionId\":\"$cid\",\"project\":\"vproj-m41713\",\"prompt\":\"second prompt m41713\"}"
	wait_until 10 grep -q '"type":"new_prompt"' "$WTMP/stream"
	run api GET '/api/prompts?limit=1'
	local pid
	pid="$(json_get 'd["items"][0]["id"]' <<<"${output#200 }")"
	has_event new_prompt 'e["prompt"]["id"] == '"$pid"' and e["prompt"]["project"] == "vproj-m41713" and e["prompt"]["prompt_text"] == "second prompt m41713" and e["prompt"]["prompt_number"] == 2'
	run api POST /api/sessions/observations "{\"contentSessionId\":\"$cid\",\"tool_name\":\"Write\",\"tool_input\":{\"file_path\":\"/src/live-m41713.c\",\"content\":\"x\"},\"tool_response\":{},\"cwd\":\"/src/vproj-m41713\",\"tool_use_id\":\"t1\"}"
	[[ "$output" == *queued* ]]
	wait_until 10 grep -q '"type":"new_observation"' "$WTMP/stream"
	has_event new_observation 'e["observation"]["title"] == "Wrote live-m41713.c" and e["observation"]["project"] == "vproj-m41713" and isinstance(e["observation"]["id"], int)'
	# The queue went from one item to none: both states were told.
	wait_until 10 has_event processing_status 'e["isProcessing"] is True and e["queueDepth"] == 1'
	has_event processing_status 'e["isProcessing"] is False and e["queueDepth"] == 0'
}

@test "/stream on a seed-era store: initial_load from its sessions, the schema left as it is" {
	worker_start
	run api POST /api/sessions '{"claude_session_id":"seed-m41714","project":"seedproj-m41714","prompt":"seed prompt m41714"}'
	[[ "$output" == 200* ]]
	stream_start
	has_event initial_load 'e["projects"] == ["seedproj-m41714"] and e["projectsBySource"] == {"claude": ["seedproj-m41714"]}'
	run api POST /api/sessions '{"claude_session_id":"seed-m41714","project":"seedproj-m41714","prompt":"again m41714"}'
	wait_until 10 has_event new_prompt 'e["prompt"]["prompt_text"] == "again m41714" and e["prompt"]["project"] == "seedproj-m41714" and e["prompt"]["sessionDbId"] == 1'
	[ -z "$(sqlite3 "$CLAUDE_MEM_DATA_DIR/claude-mem.db" "SELECT name FROM sqlite_master WHERE name = 'tool_uses'")" ]
}
