# ctest: noasan (20 start/stop rounds of a race: behaviour under timing, not memory safety; the lifecycle and kill engine run under ASan in their unit tests and the other CLI tests; minutes under ASan on two cores)
# The memory-restart race with `csup stop`: an app whose child holds 60 MB,
# max_memory_restart 40M, kill_timeout 500; `csup stop` about a second after
# the start, 20 times: each returns within kill_timeout + 2 s, leaves
# nothing, and no restart follows. Then the deterministic form: a limit
# crossed only once the stop (or kill) began.

load ../lib/lifecycle

@test "max_memory_restart against csup stop, 20 times: each stop returns and leaves nothing" {
	fat_app fat
	for i in $(seq 1 20); do
		fat_round_start
		pause_before_client "$i"
		timed stop fat
		[ "$status" -eq 0 ]
		within $(( KT + 2000 ))
		pid_gone "$pid"
		nothing_left
		app_state_is fat stopped
	done
	# No restart sneaks in after the last stop either.
	stays_stopped fat 1000
}

# Apps that cross their limit only once asked to stop: on SIGINT the first
# takes 60 MB (max_memory_restart: 40M), the second forks five sleeps
# (max_processes: 3); both ignore the signal, so the stop lasts its
# kill_timeout and the samples taken meanwhile see the limit crossed.
grows_on_stop() {
	cat >"$WORK/grow.yaml" <<-EOF
	apps:
	  - name: $1-mem
	    script: $PY
	    args: ["-c", "import signal, sys, time\ndef grow(*a):\n    global b\n    b = b'x' * (60 << 20)\nsignal.signal(signal.SIGINT, grow)\nopen(sys.argv[1], 'w').close()\nwhile True: time.sleep(1)", "$WORK/$1-mem.ready", "${MARK}m"]
	    max_memory_restart: 40M
	    kill_timeout: 4000
	  - name: $1-leak
	    script: /bin/sh
	    args: ["-c", "trap 'for i in 1 2 3 4 5; do sleep ${SLEEPN}9 & done' INT; touch $WORK/$1-leak.ready; while :; do sleep 0.2; done; : ${MARK}l"]
	    max_processes: 3
	    kill_timeout: 3000
	EOF
}

@test "a limit crossed while stopping never turns stop or kill into a restart" {
	for cmd in stop kill; do
		grows_on_stop "$cmd"
		run csup start "$WORK/grow.yaml"
		[ "$status" -eq 0 ]
		dpid=$(daemon_pid)
		wait_until 30 test -e "$WORK/$cmd-mem.ready"
		wait_until 30 test -e "$WORK/$cmd-leak.ready"
		if [ "$cmd" = stop ]; then
			timed stop all
		else
			timed kill
		fi
		[ "$status" -eq 0 ]
		within 6000	# the longer kill_timeout, 4000, + 2 s
		if [ "$cmd" = stop ]; then
			app_state_is stop-mem stopped
			app_state_is stop-leak stopped
		else
			daemon_gone "$dpid"
		fi
		nothing_left
		[ "$(grep -c " $cmd-mem: spawn: \| $cmd-leak: spawn: " "$CSUP_HOME/csup.log")" -eq 2 ]
	done
}

