#!/usr/bin/env bats
# mem-worker bound to loopback: a foreign Origin is refused (403) and a Host
# that is not a loopback name (DNS rebinding) gets 421, before anything is
# read or stored; a loopback Origin is echoed back for CORS, never "*".

load ../lib/worker

setup() {
	worker_setup
	worker_start
	PORT=$CLAUDE_MEM_WORKER_PORT
}

teardown() {
	worker_teardown
}

# req METHOD PATH [curl args...]: prints the status code; headers in $WTMP/h.
req() {
	local m=$1 p=$2
	shift 2
	curl -s -X "$m" -D "$WTMP/h" -o "$WTMP/body" -w '%{http_code}' "$@" "$BASE$p"
}

@test "a foreign Origin gets 403 on reads and writes; nothing is stored" {
	for o in https://evil.example http://localhost.evil.example \
	    http://127.0.0.1.evil.example null "http://[::2]:$PORT"; do
		run req GET /api/observations -H "Origin: $o"
		[ "$output" = 403 ] || { echo "GET Origin $o: $output"; false; }
		! grep -qi '^access-control-allow-origin' "$WTMP/h" || false
		run req POST /api/sessions -H "Origin: $o" -H 'Content-Type: application/json' \
		    --data '{"claude_session_id":"evil-71011","project":"p","prompt":"x"}'
		[ "$output" = 403 ] || { echo "POST Origin $o: $output"; false; }
	done
	# None of the refused posts created the session or counted a prompt.
	run api POST /api/sessions '{"claude_session_id":"evil-71011","project":"p","prompt":"x"}'
	[ "$output" = '200 {"sessionDbId":1,"promptNumber":1}' ]
}

@test "a foreign Host gets 421 (DNS rebinding)" {
	for h in evil.example "evil.example:$PORT" localhost.evil.example \
	    "127.0.0.1:$PORT.evil" "localhost:"; do
		run req GET /api/observations -H "Host: $h"
		[ "$output" = 421 ] || { echo "Host $h: $output"; false; }
		run req GET /stream -H "Host: $h" --max-time 5
		[ "$output" = 421 ] || { echo "stream Host $h: $output"; false; }
	done
}

@test "loopback Origins and Hosts are served; CORS echoes the origin, never *" {
	for o in "http://localhost:$PORT" "http://127.0.0.1:$PORT" "http://[::1]:$PORT" \
	    http://localhost; do
		run req GET /api/observations -H "Origin: $o"
		[ "$output" = 200 ] || { echo "Origin $o: $output"; false; }
		grep -qixF "access-control-allow-origin: $o"$'\r' "$WTMP/h"
		grep -qi '^vary: origin' "$WTMP/h"
	done
	for h in localhost "localhost:$PORT" "127.0.0.1:$PORT" "[::1]:$PORT"; do
		run req GET /health -H "Host: $h"
		[ "$output" = 200 ] || { echo "Host $h: $output"; false; }
	done
	# No Origin (curl, the hooks): served, no CORS header at all.
	run req GET /api/observations
	[ "$output" = 200 ]
	! grep -qi '^access-control-allow-origin' "$WTMP/h" || false
	# The stream too.
	curl -sN -D "$WTMP/sh" -H "Origin: http://localhost:$PORT" "$BASE/stream" >"$WTMP/stream" &
	cpid=$!
	wait_until 5 grep -q '"type":"connected"' "$WTMP/stream"
	kill "$cpid"
	wait "$cpid" 2>/dev/null || true
	grep -qixF "access-control-allow-origin: http://localhost:$PORT"$'\r' "$WTMP/sh"
	! grep -q '\*' <(grep -i '^access-control' "$WTMP/sh") || false
}
