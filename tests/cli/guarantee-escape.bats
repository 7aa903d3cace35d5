# The guarantee (docs/guarantee.md): after restart/stop returns, nothing of the
# previous generation is alive, whatever escape its processes tried.
# Each pattern: started, restarted 5 times (exactly one generation alive
# after each), stopped (zero survivors). ctest runs this file twice: with
# cgroups where the machine allows them, and with CSUP_CGROUPS=0.

load ../lib/guarantee

setup() { g_setup; }
teardown() { g_teardown; }

@test "escape: plain child" {
	g_cycle plain.sh 2
}

@test "escape: setsid child reparented to the daemon" {
	g_cycle setsid.sh 2
}

@test "escape: double-forked grandchild" {
	g_cycle double-fork.sh 2
}

@test "escape: env -i setsid child" {
	g_cycle env-i-setsid.sh 2
}

@test "escape: child ignoring SIGTERM and SIGINT" {
	g_cycle ignore-term.sh 2
}

@test "escape: setpgid/setpgrp children" {
	g_cycle setpgid.sh 3
}

@test "escape: stop returns only when the subtree is gone, with SIGINT too" {
	g_app app ignore-term.sh "kill_signal: SIGINT" "kill_timeout: 300"
	g_start 2
	g_stop app
	[ "$(g_field app state)" = stopped ]
}
