#!/usr/bin/env bats
# health: checks start once the app is online; `retries` failed checks in a
# row restart it with an event naming the cause; describe shows the last result.

load ../lib/wrh

setup() {
	wrh_setup
	PORT="$(free_port)"
	# The system python starts fastest (a pyenv shim is a shell script).
	PY="$(command -v /usr/bin/python3 || command -v python3)"
	# server.py PORT MARK: /health answers 200, or 500 while $WTMP/fail
	# exists, or answers after 3 s while $WTMP/slow exists.
	cat >"$WTMP/server.py" <<-EOF
	import http.server, os, sys, time
	class H(http.server.BaseHTTPRequestHandler):
	    def do_GET(self):
	        if os.path.exists("$WTMP/slow"):
	            time.sleep(3)
	        code = 500 if os.path.exists("$WTMP/fail") else 200
	        self.send_response(code)
	        self.end_headers()
	        self.wfile.write(b"x")
	    def log_message(self, *a):
	        pass
	http.server.ThreadingHTTPServer.allow_reuse_address = True
	http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
	EOF
}

teardown() {
	wrh_teardown
}

write_eco() {	# write_eco HEALTH_YAML_FLOW [SECOND_APP_HEALTH]
	cat >"$APPDIR/eco.yaml" <<-EOF
	apps:
	  - name: hc
	    script: $PY
	    args: ["$WTMP/server.py", "$PORT", "$MARK"]
	    health: $1
	EOF
	[ -z "${2:-}" ] || cat >>"$APPDIR/eco.yaml" <<-EOF
	  - name: hc2
	    script: sleep
	    args: ["$MARK"]
	    health: $2
	EOF
}

serving() { curl -s -o /dev/null "http://127.0.0.1:$PORT/health"; }

# Started, and one check passed: failures from here on are the test's own.
start_app() {
	run start_file "$APPDIR/eco.yaml"
	[ "$status" -eq 0 ] || { cat "$WTMP/start.out"; return 1; }
	wait_until 10 serving
	wait_until 10 describe_has hc "HTTP 200"
	PID0="$(field hc pid)"
	restarts_are hc 0
}

@test "health: healthy apps (http, and tcp to the app's port) are left alone; describe shows the result" {
	write_eco "{url: \"http://127.0.0.1:$PORT/health\", interval: 400, timeout: 1000, retries: 3}" \
	    "{tcp: \"127.0.0.1:$PORT\", interval: 400, timeout: 1000, retries: 3}"
	start_app
	wait_until 5 describe_has hc2 "connected"
	holds_for 0.8 restarts_are hc 0
	restarts_are hc2 0
}

@test "health: an endpoint that begins failing restarts the app, naming HTTP 500" {
	write_eco "{url: \"http://127.0.0.1:$PORT/health\", interval: 400, timeout: 1000, retries: 3}"
	start_app
	holds_for 0.5 restarts_are hc 0
	touch "$WTMP/fail"
	wait_until 10 restarts_at_least hc 1
	rm -f "$WTMP/fail"
	wait_until 10 new_generation hc "$PID0"
	describe_has hc "HTTP 500"
}

@test "health: a slow endpoint counts as failed after timeout" {
	write_eco "{url: \"http://127.0.0.1:$PORT/health\", interval: 400, timeout: 300, retries: 3}"
	start_app
	touch "$WTMP/slow"
	wait_until 10 describe_has hc "timeout after"
	wait_until 10 restarts_at_least hc 1
	rm -f "$WTMP/slow"
}

@test "health: a tcp check of a port nobody listens on restarts, naming the refusal" {
	DEAD="$(free_port)"
	cat >"$APPDIR/eco.yaml" <<-EOF
	apps:
	  - name: hc
	    script: sleep
	    args: ["$MARK"]
	    health: {tcp: "127.0.0.1:$DEAD", interval: 200, timeout: 1000, retries: 2}
	EOF
	run start_file "$APPDIR/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 10 restarts_at_least hc 1
	describe_has hc "connection refused"
}
