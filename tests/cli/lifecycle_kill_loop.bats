# ctest: noasan (20 start/stop rounds of a race: behaviour under timing, not memory safety; the lifecycle and kill engine run under ASan in their unit tests and the other CLI tests; minutes under ASan on two cores)
# The memory-restart race, as first seen: an app whose child holds 60 MB,
# max_memory_restart 40M, kill_timeout 500; `csup kill`
# about a second after the start, 20 times: each returns within
# kill_timeout + 2 s and leaves nothing (checked by marker and by pid).
# lifecycle_stop_loop.bats: the same with `csup stop`.

load ../lib/lifecycle

@test "max_memory_restart against csup kill, 20 times: each kill returns and leaves nothing" {
	fat_app fat
	for i in $(seq 1 20); do
		fat_round_start
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
