# ctest: noasan (20 start/stop rounds of a race: behaviour under timing, not memory safety; the lifecycle and kill engine run under ASan in their unit tests and the other CLI tests; minutes under ASan on two cores)
# The memory-restart race, as first seen: an app whose child holds 60 MB,
# max_memory_restart 40M, kill_timeout 500; `csup kill`
# about a second after the start, 20 times: each returns within
# kill_timeout + 2 s and leaves nothing (checked by marker and by pid).
# lifecycle_stop_loop.bats: the same with `csup stop`.

load ../lib/lifecycle

# The 60 MB child that passes max_memory_restart: 40M on every sample. It
# ignores SIGINT, so each stop lasts kill_timeout, and says when it holds
# the memory (the file $WORK/held).
fat_app() {
	cat >"$WORK/$1.yaml" <<-EOF
	apps:
	  - name: $1
	    script: /bin/sh
	    args: ["-c", "trap '' INT; $PY -c 'import sys, time; b = b\"x\" * (60 << 20); open(sys.argv[1], \"w\").close(); time.sleep(1e6)' $WORK/held $MARK; sleep $SLEEPN"]
	    max_memory_restart: 40M
	    kill_timeout: $KT
	EOF
}

memory_seen() {
	[ -e "$WORK/held" ] ||
		[ "$(grep -c " fat: memory: " "$CSUP_HOME/csup.log")" -gt "$MEM0" ]
}

# Odd rounds: the moment the child holds its memory or the first sample saw
# it pass the limit. Even rounds: about a second after the start.
pause_before_client() {
	local ms
	if [ $(( $1 % 2 )) -eq 1 ]; then
		wait_until 30 memory_seen
	else
		ms=$(( 700 + $1 * 97 % 600 ))
		sleep "$(( ms / 1000 )).$(printf %03d $(( ms % 1000 )))"
	fi
}

@test "max_memory_restart against csup kill, 20 times: each kill returns and leaves nothing" {
	fat_app fat
	for i in $(seq 1 20); do
		rm -f "$WORK/held"
		MEM0=$(cat "$CSUP_HOME/csup.log" 2>/dev/null | grep -c " fat: memory: " || true)
		run csup start "$WORK/fat.yaml"
		[ "$status" -eq 0 ]
		pid=$(main_pid fat)
		dpid=$(daemon_pid)
		# About a second: sometimes before the limit is seen, sometimes during its restart.
		pause_before_client "$i"
		timed kill
		[ "$status" -eq 0 ]
		within $(( KT + 2000 ))
		daemon_gone "$dpid"
		pid_gone "$pid"
		nothing_left
	done
}
