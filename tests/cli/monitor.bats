#!/usr/bin/env bats
# monitor: sampling figures against /proc, the leak watchdog (max_processes,
# max_memory_restart, anomaly), alert commands, and the read-only HTTP API
# (docs/monitoring.md: HTTP, fields max_processes, max_memory_restart,
# alert; issue 6).

bats_require_minimum_version 1.5.0
load ../lib/monitor

setup() {
	mon_setup
}

teardown() {
	mon_teardown
}

# The alert command used below: one line an alert, "EVENT|APP|DETAIL".
ALERT_CMD='printf "%s|%s|%s\\n" "$CSUP_EVENT" "$CSUP_APP_NAME" "$CSUP_DETAIL" >> ALERTS'

@test "status procs and memory match /proc for a known tree" {
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: tree
	    script: /bin/sh
	    args: ["-c", "sleep $MARK & sleep $MARK & $PY -c 'import time; b = b\"x\" * (16 << 20); time.sleep(1e6)' $MARK & wait"]
	EOF
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 10 mon_ge tree procs 4
	# sh + 2 sleeps + python; wait two sample periods so the figure is settled
	holds_for 0.7 mon_ge tree procs 4
	[ "$(mon_app procs tree)" -eq 4 ]
	pid=$(mon_app pid tree)
	want=$(mon_rss_of "$pid" $(pgrep -f -- "$MARK"))
	got=$(mon_app memory_bytes tree)
	echo "status memory_bytes $got, /proc VmRSS sum $want" >&2
	[ "$got" -ge $(( 16 << 20 )) ]
	[ "$got" -ge $(( want * 9 / 10 )) ]
	[ "$got" -le $(( want * 11 / 10 )) ]
}

@test "a leaking app passes max_processes: restarted, old children gone, one alert" {
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: leaky
	    script: /bin/sh
	    args: ["-c", "while :; do sleep $MARK & sleep 0.15; done"]
	    max_processes: 5
	    alert: '${ALERT_CMD/ALERTS/$MTMP/alerts}'
	EOF
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 10 mon_ge leaky procs 3
	old=$(mon_marked)
	[ -n "$old" ]
	wait_until 15 mon_ge leaky restarts 1
	# every process of the old generation is gone
	for p in $old; do
		wait_until 5 mon_pid_dead "$p"
	done
	wait_until 10 mon_event_has leaky "max_processes 5"
	alerted() { [ "$(mon_lines "$MTMP/alerts")" -ge 1 ]; }
	wait_until 10 alerted
	# more leaks and restarts follow, but the alert is rate-limited to one a minute
	wait_until 15 mon_ge leaky restarts 2
	[ "$(mon_lines "$MTMP/alerts")" -eq 1 ]
	run cat "$MTMP/alerts"
	[[ "$output" =~ ^leak\|leaky\|[0-9]+\ processes\ \>\ max_processes\ 5$ ]]
	run "$CSUP" delete leaky
	[ "$status" -eq 0 ]
	wait_until 10 mon_none_marked
}

@test "a child's allocation passes max_memory_restart: restarted with a memory event" {
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: fat
	    script: /bin/sh
	    args: ["-c", "$PY -c 'import time; time.sleep(0.5); b = b\"x\" * (96 << 20); time.sleep(1e6)' $MARK; sleep $MARK"]
	    max_memory_restart: 48M
	    alert: '${ALERT_CMD/ALERTS/$MTMP/alerts}'
	EOF
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 20 mon_ge fat restarts 1
	wait_until 10 mon_event_has fat "max_memory_restart"
	wait_until 10 grep -q '^memory|fat|' "$MTMP/alerts"
}

@test "a steadily rising process count is an anomaly event, without a restart" {
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: rising
	    script: /bin/sh
	    args: ["-c", "i=0; while [ \$i -lt 60 ]; do sleep $MARK & i=\$((i+1)); sleep 0.1; done; wait"]
	    alert: '${ALERT_CMD/ALERTS/$MTMP/alerts}'
	EOF
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 20 mon_event_has rising anomaly
	wait_until 10 grep -q '^anomaly|rising|' "$MTMP/alerts"
	[ "$(mon_app restarts rising)" -eq 0 ]
}

@test "HTTP: /metrics, /api/apps, one app, samples, 404, 405, HEAD, loopback" {
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: web
	    script: sleep
	    args: ["$MARK"]
	EOF
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 10 curl -sf "$BASE/metrics" -o /dev/null
	# bound to loopback only (127.0.0.1 in /proc/net/tcp, port in hex)
	grep -qi "0100007F:$(printf '%04X' "$PORT") 00000000:0000 0A" /proc/net/tcp

	wait_until 10 mon_ge web procs 1
	run curl -s -D "$MTMP/h" "$BASE/metrics"
	[ "$status" -eq 0 ]
	grep -qi '^content-type: text/plain; version=0.0.4' "$MTMP/h"
	for m in csup_app_up csup_app_restarts_total csup_app_processes \
	    csup_app_memory_bytes csup_app_cpu_seconds_total; do
		grep -q "^# TYPE $m " <<<"$output"
		grep -Eq "^$m\{app=\"web\"\} [0-9.e+-]+$" <<<"$output"
	done
	grep -Eq '^csup_orphans_killed_total [0-9]+$' <<<"$output"
	grep -Eq '^csup_leak_restarts_total [0-9]+$' <<<"$output"
	grep -q '^csup_app_up{app="web"} 1$' <<<"$output"
	# every line is a comment or "name{labels} value"
	! grep -Ev '^(# (HELP|TYPE) [a-z_]+ .*|[a-z_]+(\{app="[^"]*"\})? [0-9.e+-]+)$' <<<"$output" || false

	# /api/apps is the status array
	a=$(curl -sf "$BASE/api/apps" | "$PY" -c 'import json,sys; print(sorted(a["name"] for a in json.load(sys.stdin)))')
	b=$(mon_json 'sorted(a["name"] for a in j)')
	[ "$a" = "$b" ]
	[ "$(mon_json 'j["name"]' curl -sf "$BASE/api/apps/web")" = web ]
	# (a function, so that each poll asks again)
	two_samples() { [ "$(mon_json 'len(j)' curl -sf "$BASE/api/apps/web/samples?since=0")" -ge 2 ]; }
	if ! wait_until 10 two_samples; then
		curl -s "$BASE/api/apps/web/samples?since=0" >&2
		"$CSUP" status --json >&2
		return 1
	fi
	[ "$(mon_json 'sorted(j[-1].keys())' curl -sf "$BASE/api/apps/web/samples?since=0")" = \
	    "['cpu', 'cpu_percent', 'memory', 'memory_bytes', 'procs', 't', 'time']" ]
	[ "$(mon_json 'j[-1]["procs"]' curl -sf "$BASE/api/apps/web/samples?since=0")" -eq 1 ]
	# since filters
	far=$(( $(date +%s) * 1000 + 3600000 ))
	[ "$(mon_json 'len(j)' curl -sf "$BASE/api/apps/web/samples?since=$far")" -eq 0 ]

	run curl -s -o "$MTMP/body" -w '%{http_code}' "$BASE/api/apps/nope-$MARK"
	[ "$output" = 404 ]
	mon_json 'j["error"]' cat "$MTMP/body"
	run curl -s -o /dev/null -w '%{http_code}' "$BASE/no/such/path"
	[ "$output" = 404 ]
	for m in POST PUT DELETE PATCH; do
		run curl -s -X "$m" -D "$MTMP/h" -o /dev/null -w '%{http_code}' "$BASE/api/apps/web"
		[ "$output" = 405 ]
		grep -qi '^allow: GET, HEAD' "$MTMP/h"
	done
	run curl -s -I -o /dev/null -w '%{http_code}' "$BASE/metrics"
	[ "$output" = 200 ]
	# nothing changed state
	[ "$(mon_app state web)" = online ]
	[ "$(mon_app restarts web)" -eq 0 ]
}

@test "HTTP: a busy port is logged and the daemon runs on" {
	"$PY" -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(60)' "$PORT" "$MARK" &
	holder=$!
	wait_until 5 grep -qi ":$(printf '%04X' "$PORT") 00000000:0000 0A" /proc/net/tcp
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: calm
	    script: sleep
	    args: ["$MARK"]
	EOF
	run "$CSUP" start "$MTMP/app/eco.yaml"
	kill "$holder"; wait "$holder" 2>/dev/null || true
	[ "$status" -eq 0 ]
	[ "$(mon_app state calm)" = online ]
	# The log says the port was not served (not merely that it was used).
	grep -Eq "HTTP on [^ ]*:$PORT: not served" "$CSUP_HOME/csup.log"
	run ! grep -q "HTTP on port $PORT" "$CSUP_HOME/csup.log"
}

@test "HTTP: CSUP_HTTP=off serves nothing" {
	export CSUP_HTTP=off
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: quiet
	    script: sleep
	    args: ["$MARK"]
	EOF
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	! grep -qi ":$(printf '%04X' "$PORT") 00000000:0000 0A" /proc/net/tcp || false
	! curl -sf "$BASE/metrics" -o /dev/null || false
}
