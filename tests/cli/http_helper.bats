# csup-http: the HTTP API is served by a helper program csupd runs beside
# itself (docs/monitoring.md), with the port csupd bound: csupd never maps
# libmicrohttpd, a crashed helper is started again, a killed daemon leaves
# no helper behind, CSUP_HTTP=off runs none, /healthz asks the daemon.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	make_home
	export CSUP_HTTP=127.0.0.1:0
}

teardown() {
	local h
	for h in ${HELPERS:-}; do
		alive "$h" && kill -9 "$h" 2>/dev/null
	done
	cleanup_home
}

# The csup-http children of the daemon PID, one a line.
helpers_of() {
	pgrep -P "$1" -x csup-http || true
}

# helper_is PID: the daemon PID has exactly one csup-http child; its pid in $HELPER.
helper_is() {
	HELPER=$(helpers_of "$1")
	[ -n "$HELPER" ] && [ "$(wc -w <<<"$HELPER")" -eq 1 ]
	HELPERS="${HELPERS:-} $HELPER"
}

# The port of the last "HTTP on port N" line, in $PORT.
http_port() {
	PORT=$(sed -n 's/.*HTTP on port \([0-9]*\).*/\1/p' "$CSUP_HOME/csup.log" | tail -n1)
	[ -n "$PORT" ]
}

apps_served() {
	curl -sf --max-time 2 "http://127.0.0.1:$PORT/api/apps" | grep -q "\"name\":\"web\""
}

started() {
	csup start sh --name web -- -c "while :; do sleep 1; done; : $MARK" >/dev/null
	pid=$(daemon_pid)
	wait_until 10 http_port
	wait_until 10 helper_is "$pid"
}

@test "csup-http killed with SIGKILL: started again, /api/apps answers within seconds" {
	started
	wait_until 10 apps_served
	first=$HELPER
	kill -9 "$first"
	wait_until 10 eval '! alive "$first"'
	wait_until 5 apps_served
	helper_is "$pid"
	[ "$HELPER" != "$first" ]
	grep -q "csup-http (pid $first) killed by signal 9: starting it again" "$CSUP_HOME/csup.log"
	# The port is the daemon's: the same one, never given up.
	[ "$(grep -c 'HTTP on port' "$CSUP_HOME/csup.log")" -eq 1 ]
}

@test "csupd killed with SIGKILL: its csup-http does not outlive it" {
	started
	wait_until 10 apps_served
	# Stopped, it cannot notice the daemon's end of its socket close: only
	# the kernel's PDEATHSIG ends it.
	kill -STOP "$HELPER"
	kill -9 "$pid"
	wait_until 5 eval '! alive "$HELPER"'
	# The next daemon serves the same port again (its own csup-http).
	export CSUP_HTTP="127.0.0.1:$PORT"
	pid=$(csup ping)
	wait_until 10 helper_is "$pid"
	wait_until 10 apps_served
}

@test "CSUP_HTTP=off: no csup-http process" {
	export CSUP_HTTP=off
	csup start sh --name web -- -c "while :; do sleep 1; done; : $MARK" >/dev/null
	pid=$(daemon_pid)
	wait_until 10 app_state_is web online
	[ -z "$(helpers_of "$pid")" ]
	run ! grep -q "csup-http" "$CSUP_HOME/csup.log"
	run ! grep -q "HTTP on" "$CSUP_HOME/csup.log"
}

# same_helper_for SECONDS: the daemon's one csup-http stays $HELPER all along.
same_helper_for() {
	local first=$HELPER deadline=$(( $(date +%s%N) + $1 * 1000000000 ))
	while [ "$(date +%s%N)" -lt "$deadline" ]; do
		helper_is "$pid" && [ "$HELPER" = "$first" ] || return 1
		sleep 0.1
	done
}

@test "csupd maps no libmicrohttpd: csup-http does, and is neither app nor orphan" {
	export CSUP_ORPHAN_SCAN_MS=200
	started
	wait_until 10 apps_served
	grep -q "/libmicrohttpd\.so" "/proc/$HELPER/maps"
	run ! grep -q "/libmicrohttpd\.so" "/proc/$pid/maps"
	# Orphan scans every 200 ms leave it alone; status lists the app only.
	same_helper_for 1
	[ "$(status_field 'len(j)')" -eq 1 ]
	run ! grep -qi "orphan" "$CSUP_HOME/csup.log"
}

@test "/healthz asks the daemon: 503 while its loop does not answer, 200 again after" {
	started
	wait_until 10 apps_served
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" = 200 ]
	kill -STOP "$pid"
	code=$(curl -s -o /dev/null --max-time 20 -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
	kill -CONT "$pid"
	[ "$code" = 503 ]
	wait_until 10 eval '[ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$PORT/healthz")" = 200 ]'
	wait_until 5 apps_served
}

@test "no csup-http beside csupd: said once in the log, the apps run on" {
	mkdir "$WORK/bin"
	cp "$CSUP_BIN_DIR/csup" "$CSUP_BIN_DIR/csupd" "$CSUP_BIN_DIR/csup-logger" "$WORK/bin/"
	CSUP="$WORK/bin/csup"
	csup start sh --name web -- -c "while :; do sleep 1; done; : $MARK" >/dev/null
	pid=$(daemon_pid)
	wait_until 10 app_state_is web online
	wait_until 10 grep -q "$WORK/bin/csup-http: cannot start it" "$CSUP_HOME/csup.log"
	[ -z "$(helpers_of "$pid")" ]
	# Retried in the background (0.1 s, doubling): still one line after a few tries.
	wait_until 10 eval '[ "$(date +%s%N)" -gt "$(( $(date -r "$CSUP_HOME/csup.log" +%s%N) + 1000000000 ))" ]'
	[ "$(grep -c "csup-http" "$CSUP_HOME/csup.log")" -eq 1 ]
	csup status >/dev/null
}
