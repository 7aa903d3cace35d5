#!/usr/bin/env bats
# The daemon never blocks: a stop waiting out a 10 s kill_timeout of an app
# that ignores SIGINT does not delay `status` from another client.

load ../lib/helpers

setup() {
	make_home
}

@test "status answers at once while a stop waits for kill_timeout" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: stubborn
    script: sh
    args: ["-c", "trap '' INT; while :; do sleep 0.1; done; $MARK"]
    kill_timeout: 10s
YAML
	csup start "$WORK/eco.yaml" >/dev/null
	start=$(date +%s%N)
	csup stop stubborn > "$WORK/stop.out" 2>&1 &
	stopper=$!
	wait_until 5 app_state_is stubborn stopping
	t0=$(date +%s%N)
	run csup status
	t1=$(date +%s%N)
	[ "$status" -eq 0 ]
	[[ "$output" == *"stopping"* ]]
	# Answered while the stop runs: well before the 9.5 s the stop takes
	# (a margin for ASan on a loaded machine; speed is for make bench).
	[ $(( (t1 - t0) / 1000000 )) -lt 5000 ]
	[ "$(roots_with "$MARK")" -eq 1 ]
	wait "$stopper"
	end=$(date +%s%N)
	[ $(( (end - start) / 1000000 )) -ge 9500 ]
	no_process_with "$MARK"
	[ "$(app_field stubborn last_exit)" = "{'signal': 'SIGKILL'}" ]
}

@test "SIGTERM as kill_signal with kill_mode main" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: polite
    script: sh
    args: ["-c", "trap 'exit 0' TERM; sleep $SLEEPN & while :; do sleep 0.1; done; $MARK"]
    kill_signal: SIGTERM
    kill_mode: main
YAML
	csup start "$WORK/eco.yaml" >/dev/null
	run csup stop polite
	[ "$status" -eq 0 ]
	no_process_with "$MARK"
	[ "$(app_field polite last_exit)" = "{'code': 0}" ]
}
