#!/usr/bin/env bats
# A restart for a limit after a run shorter than min_uptime is unstable
# like a crash: it waits (100 ms doubling without restart_delay or
# exp_backoff_restart_delay), says which limit, and after max_restarts the
# app is errored, instead of being restarted once a sample period forever.

load ../lib/lifecycle

@test "an app whose child always holds too much memory ends errored after max_restarts" {
	cat >"$WORK/fat.yaml" <<-EOF
	apps:
	  - name: fat
	    script: /bin/sh
	    args: ["-c", "$PY -c 'import time; b = bytes(range(256)) * (60 << 12); time.sleep(1e6)' $MARK"]
	    max_memory_restart: 40M
	    max_restarts: 3
	    min_uptime: 60000
	EOF
	run csup start "$WORK/fat.yaml"
	[ "$status" -eq 0 ]
	wait_until 120 app_state_is fat errored
	# N unstable restarts, then errored: N + 1 runs in all.
	[ "$(app_field fat restarts)" -eq 3 ]
	[ "$(app_field fat unstable_restarts)" -eq 3 ]
	[ "$(grep -c " fat: spawn: " "$CSUP_HOME/csup.log")" -eq 4 ]
	grep -q " fat: waiting: restart in 100 ms (memory, 1 unstable restart in a row)" "$CSUP_HOME/csup.log"
	grep -q " fat: waiting: restart in 200 ms (memory, 2 unstable restarts in a row)" "$CSUP_HOME/csup.log"
	grep -q " fat: waiting: restart in 400 ms (memory, 3 unstable restarts in a row)" "$CSUP_HOME/csup.log"
	grep -q " fat: errored: gave up after 3 unstable restarts, the last for memory" "$CSUP_HOME/csup.log"
	nothing_left
	# Errored stays errored: no sample restarts it.
	sleep 1
	app_state_is fat errored
	[ "$(grep -c " fat: spawn: " "$CSUP_HOME/csup.log")" -eq 4 ]
}

@test "a limit restart after a stable run is not unstable" {
	cat >"$WORK/fat.yaml" <<-EOF
	apps:
	  - name: fat
	    script: /bin/sh
	    args: ["-c", "$PY -c 'import time; b = bytes(range(256)) * (60 << 12); time.sleep(1e6)' $MARK"]
	    max_memory_restart: 40M
	    max_restarts: 0
	    min_uptime: 1
	EOF
	run csup start "$WORK/fat.yaml"
	[ "$status" -eq 0 ]
	wait_until 60 eval '[ "$(app_field fat restarts)" -ge 2 ]'
	[ "$(app_field fat unstable_restarts)" -eq 0 ]
	run ! grep -q " fat: errored" "$CSUP_HOME/csup.log"
}
