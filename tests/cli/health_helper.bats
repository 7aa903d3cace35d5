#!/usr/bin/env bats
# health_helper: the checks run in csup-health, a helper csupd starts with
# the first app that has a health check and ends after the last such app is
# deleted; csupd itself never maps libcurl. A helper killed mid-check costs
# the app nothing (no failure counted, no restart) and is started again.

load ../lib/wrh

setup() {
	wrh_setup
	PORT="$(free_port)"
	PY="$(command -v /usr/bin/python3 || command -v python3)"
	# server.py PORT MARK: /health answers after 1 s (a check is in flight
	# meanwhile: $WTMP/inflight exists; at once if $WTMP/fast exists), 200,
	# or 204 once $WTMP/204 exists. It runs beside the daemon, started and
	# answering before any app is (an app of its own would race its first
	# check against python's start on a loaded machine). Checks have
	# retries: 1, so one check counted as failed would restart the app.
	cat >"$WTMP/server.py" <<-EOF
	import http.server, os, sys, time
	class H(http.server.BaseHTTPRequestHandler):
	    def do_GET(self):
	        open("$WTMP/inflight", "w").close()
	        if not os.path.exists("$WTMP/fast"):
	            time.sleep(1)
	        try:
	            os.unlink("$WTMP/inflight")
	        except FileNotFoundError:
	            pass
	        self.send_response(204 if os.path.exists("$WTMP/204") else 200)
	        self.end_headers()
	    def log_message(self, *a):
	        pass
	http.server.ThreadingHTTPServer.allow_reuse_address = True
	http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
	EOF
	"$PY" "$WTMP/server.py" "$PORT" "$MARK" >/dev/null 2>&1 3>&- &
	wait_until 10 python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PORT"
}

teardown() {
	wrh_teardown
}

dpid() { head -n1 "$CSUP_HOME/csup.pid"; }
# This test's daemon's csup-health (children of its pid only), "" if none.
helper() { pgrep -P "$(dpid)" -x csup-health || true; }
has_helper() { [ -n "$(helper)" ]; }
no_helper() { [ -z "$(helper)" ]; }
new_helper() { has_helper && [ "$(helper)" != "$1" ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# csupd's address space names no libcurl.
daemon_without_curl() {
	[ -r "/proc/$(dpid)/maps" ] || return 1
	if grep -q libcurl "/proc/$(dpid)/maps"; then
		echo "csupd maps libcurl:" >&2
		grep libcurl "/proc/$(dpid)/maps" >&2
		return 1
	fi
}

# start_checked HEALTH_FLOW: app hc with that check, started, one check
# passed; its pid in PID0, the helper's in H.
start_checked() {
	{ echo "apps:"; app_yaml hc "$1"; } >"$APPDIR/eco.yaml"
	run start_file "$APPDIR/eco.yaml"
	[ "$status" -eq 0 ] || { cat "$WTMP/start.out"; return 1; }
	wait_until 10 describe_has hc "HTTP 200"
	PID0="$(field hc pid)"
	H="$(helper)"
	[ -n "$H" ]
}

# checked_again_untouched: a check after the server turned to 204 (so made
# by whatever helper runs now), and hc never restarted: the same pid.
checked_again_untouched() {
	touch "$WTMP/204"
	wait_until 10 describe_has hc "HTTP 204"
	restarts_are hc 0 || { cat "$CSUP_HOME/csup.log"; "$CSUP" describe hc --json; return 1; }
	[ "$(field hc pid)" = "$PID0" ]
}

app_yaml() {	# app_yaml NAME [HEALTH_FLOW]: a sleeper, checked against server.py
	cat <<-EOF
	  - name: $1
	    script: sleep
	    args: ["$MARK"]
	EOF
	[ -z "${2:-}" ] || echo "    health: $2"
}

@test "health_helper: no app with a health check, no csup-health; csupd never maps libcurl" {
	{ echo "apps:"; app_yaml plain; } >"$APPDIR/eco.yaml"
	run start_file "$APPDIR/eco.yaml"
	[ "$status" -eq 0 ] || { cat "$WTMP/start.out"; false; }
	wait_until 10 is_state plain online
	holds_for 0.5 no_helper
	daemon_without_curl
	# A health check: the helper comes, libcurl in it, not in csupd.
	{ echo "apps:"; app_yaml hc "{url: \"http://127.0.0.1:$PORT/health\", interval: 1000, timeout: 3000, retries: 1}"; } \
	    >"$APPDIR/eco2.yaml"
	"$CSUP" delete plain >/dev/null
	run start_file "$APPDIR/eco2.yaml"
	[ "$status" -eq 0 ] || { cat "$WTMP/start.out"; false; }
	wait_until 10 describe_has hc "HTTP 200"
	has_helper
	grep -q libcurl "/proc/$(helper)/maps"
	daemon_without_curl
}

@test "health_helper: deleting the last app with a health check ends csup-health" {
	{ echo "apps:"
	  app_yaml hc "{url: \"http://127.0.0.1:$PORT/health\", interval: 1000, timeout: 3000, retries: 1}"
	  cat <<-EOF2
	  - name: hc2
	    script: sleep
	    args: ["$MARK"]
	    health: {tcp: "127.0.0.1:$PORT", interval: 1000, timeout: 3000, retries: 1}
	EOF2
	} >"$APPDIR/eco.yaml"
	run start_file "$APPDIR/eco.yaml"
	[ "$status" -eq 0 ] || { cat "$WTMP/start.out"; false; }
	wait_until 10 describe_has hc2 "connected"
	H="$(helper)"
	[ -n "$H" ]
	"$CSUP" delete hc2 >/dev/null
	# hc is still checked: the same helper all along (re-read each look)
	holds_for 0.5 eval '[ "$(helper)" = "$H" ]'
	"$CSUP" delete hc >/dev/null
	wait_until 5 gone "$H"
	no_helper
	grep -q "csup-health (pid $H)" "$CSUP_HOME/csup.log"
}

@test "health_helper: csup-health killed mid-check: no failure, no restart; checks resume" {
	start_checked "{url: \"http://127.0.0.1:$PORT/health\", interval: 1000, timeout: 3000, retries: 1}"
	wait_until 5 test -e "$WTMP/inflight"
	kill -KILL "$H"
	wait_until 10 new_helper "$H"
	checked_again_untouched
	describe_has hc '"failures": 0' || describe_has hc '"failures":0'
	grep -q "csup-health (pid $H) killed by signal 9" "$CSUP_HOME/csup.log"
}

@test "health_helper: a csup-health that stops answering is replaced; the app is left alone" {
	touch "$WTMP/fast"
	start_checked "{url: \"http://127.0.0.1:$PORT/health\", interval: 500, timeout: 1000, retries: 1}"
	kill -STOP "$H"		# hung: reads nothing, answers nothing
	# Bounded by the daemon: the check's timeout + 2 s, then a new helper.
	wait_until 15 new_helper "$H"
	checked_again_untouched
	grep -q "csup-health (pid $H): no answer to a check within 3000 ms" "$CSUP_HOME/csup.log"
	wait_until 5 gone "$H"
}
