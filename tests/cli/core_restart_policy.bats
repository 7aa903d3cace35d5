#!/usr/bin/env bats
# Crash loops: max_restarts (N + 1 runs, then errored), exponential backoff,
# autorestart: false, and last_exit in shell terms.

load ../lib/helpers

setup() {
	make_home
}

runs() {
	[ -f "$WORK/runs" ] && wc -l < "$WORK/runs" || echo 0
}

@test "max_restarts 2: three runs, then errored" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: crash
    script: sh
    args: ["-c", "echo run >> $WORK/runs; exit 3"]
    max_restarts: 2
    min_uptime: 5s
YAML
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 10 app_state_is crash errored
	[ "$(runs)" -eq 3 ]
	[ "$(app_field crash restarts)" -eq 2 ]
	[ "$(app_field crash unstable_restarts)" -eq 2 ]
	[ "$(app_field crash last_exit)" = "{'code': 3}" ]
	run csup describe crash
	[[ "$output" == *"errored"* ]]
}

@test "exp_backoff_restart_delay doubles between unstable runs" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: crash
    script: sh
    args: ["-c", "date +%s%N >> $WORK/runs; exit 1"]
    max_restarts: 3
    min_uptime: 5s
    exp_backoff_restart_delay: 150
YAML
	csup start "$WORK/eco.yaml" >/dev/null
	wait_until 15 app_state_is crash errored
	[ "$(runs)" -eq 4 ]
	python3 - "$WORK/runs" <<'PY'
import sys
t = [int(x) / 1e6 for x in open(sys.argv[1])]
gaps = [b - a for a, b in zip(t, t[1:])]
print(gaps)
assert gaps[0] >= 140, gaps
assert gaps[1] >= 290, gaps
assert gaps[2] >= 590, gaps
PY
	run csup describe crash
	[[ "$output" == *"restart in 150 ms"*"restart in 300 ms"*"restart in 600 ms"* ]]
}

@test "a stable run resets the unstable count" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: flap
    script: sh
    args: ["-c", "echo run >> $WORK/runs; sleep 0.4; exit 2"]
    max_restarts: 1
    min_uptime: 200
YAML
	csup start "$WORK/eco.yaml" >/dev/null
	wait_until 10 eval '[ "$(runs)" -ge 4 ]'
	[ "$(app_field flap state)" != errored ]
	[ "$(app_field flap unstable_restarts)" -eq 0 ]
	[ "$(app_field flap restarts)" -ge 3 ]
}

@test "autorestart false: an exit leaves it stopped; a signal is named" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: once
    script: sh
    args: ["-c", "echo run >> $WORK/runs; kill -KILL \$\$"]
    autorestart: false
YAML
	csup start "$WORK/eco.yaml" >/dev/null
	wait_until 5 app_state_is once stopped
	[ "$(runs)" -eq 1 ]
	[ "$(app_field once last_exit)" = "{'signal': 'SIGKILL'}" ]
}
