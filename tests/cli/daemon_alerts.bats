#!/usr/bin/env bats
# The `alert` command on `errored` (csup-ecosystem(5), field `alert`): an app that
# crash-loops until it gives up runs its alert once, with CSUP_EVENT and
# CSUP_APP_NAME set.

load ../lib/monitor

setup() {
	mon_setup
}

teardown() {
	mon_teardown
}

state_is() { [ "$(mon_app state "$1")" = "$2" ]; }
one_line() { [ "$(mon_lines "$1")" -eq 1 ]; }

@test "an app that crash-loops to errored runs its alert once" {
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: crashy
	    script: /bin/sh
	    args: ["-c", "exit 3", "$MARK"]
	    max_restarts: 2
	    min_uptime: 5000
	    alert: 'echo \$CSUP_EVENT \$CSUP_APP_NAME >> $MTMP/alerts'
	EOF
	"$CSUP" start "$MTMP/app/eco.yaml" || true
	wait_until 15 state_is crashy errored
	wait_until 10 grep -qx "errored crashy" "$MTMP/alerts"
	mon_event_has crashy "gave up after"
	holds_for 0.5 one_line "$MTMP/alerts"
	[ "$(cat "$MTMP/alerts")" = "errored crashy" ]
}

@test "a failing health check runs the alert with CSUP_EVENT=health" {
	hport=$(mon_free_port)
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: sick
	    script: sleep
	    args: ["$MARK"]
	    health: {url: "http://127.0.0.1:$hport/", interval: 200ms, timeout: 200ms, retries: 2}
	    alert: 'echo \$CSUP_EVENT \$CSUP_APP_NAME >> $MTMP/alerts'
	EOF
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 15 grep -qx "health sick" "$MTMP/alerts"
	mon_event_has sick "health"
	wait_until 10 mon_ge sick restarts 1
	# rate-limited: one alert a minute for one kind
	wait_until 10 mon_ge sick restarts 2
	[ "$(grep -c "health sick" "$MTMP/alerts")" -eq 1 ]
}
