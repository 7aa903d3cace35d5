#!/usr/bin/env bats
# kill_mode main (docs/guarantee.md): the stop signal goes to the main process
# only; what it leaves behind is killed and named in an event ("left N
# processes behind"). Runs twice (cgroups, CSUP_CGROUPS=0).

load ../lib/guarantee

setup() { g_setup; }
teardown() { g_teardown; }

@test "main mode: the children left behind are killed and counted in an event" {
	g_app app leave-children.sh "kill_mode: main" "kill_timeout: 15000"
	g_start 3
	g_stop app
	# Killed when the main exited, not at kill_timeout (15 s; the bound
	# leaves a margin for a loaded machine).
	[ "$STOP_MS" -lt 10000 ]
	run "$CSUP" describe app --json
	[ "$status" -eq 0 ]
	[[ "$output" == *"left 2 processes behind"* ]]
}

@test "main mode: a main process that cleans up after itself leaves nothing behind" {
	g_app app clean-exit.sh "kill_mode: main" "kill_timeout: 15000"
	g_start 3
	g_stop app
	[ "$STOP_MS" -lt 10000 ]	# not at kill_timeout (15 s)
	run "$CSUP" describe app --json
	[ "$status" -eq 0 ]
	[[ "$output" != *"processes behind"* && "$output" != *"process behind"* ]]
}
