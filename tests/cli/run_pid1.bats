#!/usr/bin/env bats
# csup run as PID 1 of a PID namespace (unshare --fork --pid --mount-proc,
# what a container gives it, without Docker): it reaps every zombie,
# stops every app on SIGTERM within its kill_timeout, and exits 1 when an
# app ended for good with a failure.

load ../lib/run

setup() {
	make_home
	local why=""
	if [ "$(id -u)" -ne 0 ]; then
		why="needs root for unshare --pid"
	elif ! unshare --fork --pid --mount-proc true 2>/dev/null; then
		why="unshare --fork --pid --mount-proc is refused here"
	fi
	if [ -n "$why" ]; then
		if [ "${CI:-}" = true ]; then
			echo "CI: $why" >&2
			return 1
		fi
		skip "$why"
	fi
}

teardown() {
	# The namespace ends with its PID 1: csup first, then unshare.
	if [ -n "${CSUP_PID:-}" ] && kill -TERM "$CSUP_PID" 2>/dev/null; then
		wait_until 15 eval '! alive "$CSUP_PID"' || kill -9 "$CSUP_PID" 2>/dev/null
	fi
	run_teardown
}

# start_pid1 FILE: csup run FILE as PID 1 (CSUP_PID: its pid out here).
start_pid1() {
	RUN_OUT="$CSUP_HOME/run.out" RUN_ERR="$CSUP_HOME/run.err"
	unshare --fork --pid --mount-proc "$CSUP" run "$1" >"$RUN_OUT" 2>"$RUN_ERR" 3>&- &
	RUN_PID=$!
	wait_until 10 eval 'CSUP_PID=$(pgrep -P "$RUN_PID" | head -n1); [ -n "$CSUP_PID" ]'
	# It is PID 1 in there.
	wait_until 10 eval 'grep -q "^NSpid:.*[[:space:]]1$" "/proc/$CSUP_PID/status"'
}

@test "pid 1: no zombie stays more than a second, whoever made it" {
	# leaver.py forks children that exit at once and never waits for them;
	# it exits itself, so they reparent, as zombies, to PID 1.
	cat >"$WORK/leaver.py" <<-'EOF'
	import os, sys, time
	for _ in range(8):
	    if os.fork() == 0:
	        os._exit(0)
	time.sleep(0.3)
	EOF
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: leaver
	    script: /bin/sh
	    args: ["-c", "while :; do python3 $WORK/leaver.py $MARK; (sleep 0.1 &); done"]
	    kill_signal: SIGTERM
	EOF
	start_pid1 "$WORK/eco.yaml"
	# Watch PID 1's zombie children for 5 s: how long did each stay one?
	run python3 - "$CSUP_PID" 5 <<-'PY'
	import os, sys, time
	pid1, span = int(sys.argv[1]), float(sys.argv[2])
	first, worst, seen = {}, 0.0, set()
	end = time.monotonic() + span
	while time.monotonic() < end:
	    now = time.monotonic()
	    zombies = set()
	    for p in os.listdir("/proc"):
	        if not p.isdigit():
	            continue
	        try:
	            stat = open("/proc/%s/stat" % p).read()
	        except OSError:
	            continue
	        fields = stat[stat.rindex(")") + 2:].split()
	        if fields[0] == "Z" and int(fields[1]) == pid1:
	            zombies.add(int(p))
	    for z in zombies:
	        first.setdefault(z, now)
	        worst = max(worst, now - first[z])
	    seen |= zombies
	    for z in list(first):
	        if z not in zombies:
	            del first[z]
	    time.sleep(0.02)
	print("zombies of pid 1 seen: %d, the longest lived %.3f s" % (len(seen), worst))
	sys.exit(1 if worst > 1.0 else 0)
	PY
	echo "$output"
	[ "$status" -eq 0 ]
	kill -TERM "$CSUP_PID"
	wait_run_exit 20
	[ "$RUN_RC" -eq 0 ]
}

@test "pid 1: SIGTERM stops every app within its kill_timeout, leaves nothing, exit 0" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: polite
	    script: /bin/sh
	    args: ["-c", "trap 'echo polite-got-term; exit 0' TERM; setsid sleep $SLEEPN & while :; do sleep 0.2; done"]
	    kill_signal: SIGTERM
	    kill_timeout: 5s
	  - name: stubborn
	    script: /bin/sh
	    args: ["-c", "trap '' TERM; echo stubborn-up; while :; do sleep 0.2; done"]
	    kill_signal: SIGTERM
	    kill_timeout: 2s
	EOF
	start_pid1 "$WORK/eco.yaml"
	wait_until 20 grep -qx 'stubborn | stubborn-up' "$RUN_OUT"
	wait_until 10 eval '[ "$(count_with "sleep $SLEEPN")" -ge 1 ]'
	t0=$(now_ms)
	kill -TERM "$CSUP_PID"
	wait_run_exit 20
	elapsed=$(( $(now_ms) - t0 ))
	echo "SIGTERM to exit: $elapsed ms"
	[ "$RUN_RC" -eq 0 ]
	grep -qx 'polite | polite-got-term' "$RUN_OUT"
	# it waited for the stubborn app's kill_timeout, then SIGKILL, not more
	[ "$elapsed" -ge 1800 ]
	[ "$elapsed" -lt 9000 ]
	grep -q "stubborn: kill: kill_timeout of 2000 ms passed" "$CSUP_HOME/csup.log"
	# csup ended the setsid child itself, before it left
	grep -q "daemon .* exits" "$CSUP_HOME/csup.log"
	no_process_with "sleep $SLEEPN"
	no_process_with "$CSUP_HOME"
}

@test "pid 1: an app that exits non-zero for good makes csup exit 1 once nothing else runs" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: failing
	    script: /bin/sh
	    args: ["-c", "echo failing-bye; exit 4"]
	    autorestart: false
	  - name: lasting
	    script: /bin/sh
	    args: ["-c", "sleep 1.5; echo lasting-bye"]
	    autorestart: false
	EOF
	t0=$(now_ms)
	start_pid1 "$WORK/eco.yaml"
	wait_run_exit 30
	[ "$RUN_RC" -eq 1 ]
	# not before the other app ended
	[ $(( $(now_ms) - t0 )) -ge 1400 ]
	grep -qx 'lasting | lasting-bye' "$RUN_OUT"
	grep -q "exit code 4" "$RUN_ERR"
}
