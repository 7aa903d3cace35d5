#!/usr/bin/env bats
# ping, version, kill without a daemon, usage errors and exit codes.

load ../lib/helpers

setup() {
	make_home
}

@test "ping starts the daemon and prints its pid alone on a line" {
	run csup ping
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9]+$ ]]
	alive "$output"
	[ "$(daemon_pid)" = "$output" ]
	run csup ping
	[ "$output" = "$(daemon_pid)" ]
}

@test "ping --no-start and version do not start a daemon; kill with none exits 0" {
	run csup ping --no-start
	[ "$status" -eq 1 ]
	run csup version
	[ "$status" -eq 0 ]
	[[ "$output" == *"csup client"* ]]
	[[ "$output" == *"not running"* ]]
	run csup kill
	[ "$status" -eq 0 ]
	[ ! -S "$CSUP_HOME/csup.sock" ]
	[ -z "$(daemon_pid)" ] || ! alive "$(daemon_pid)"
}

@test "version names the daemon when one runs" {
	pid=$(csup ping)
	run csup version
	[ "$status" -eq 0 ]
	[[ "$output" == *"csup daemon"*"pid $pid"* ]]
}

@test "bad usage exits 2 with one line on stderr" {
	run csup frobnicate
	[ "$status" -eq 2 ]
	run csup stop
	[ "$status" -eq 2 ]
	run csup logs --lines notanumber
	[ "$status" -eq 2 ]
	run csup start
	[ "$status" -eq 2 ]
}

@test "unknown app: stop, restart, delete and describe exit 1 naming it" {
	for cmd in stop restart delete describe; do
		run csup $cmd nosuchapp
		[ "$status" -eq 1 ]
		[[ "$output" == *"nosuchapp"* ]]
	done
}

@test "the home is 0700 and the socket 0600" {
	csup ping >/dev/null
	[ "$(stat -c %a "$CSUP_HOME")" = 700 ]
	[ "$(stat -c %a "$CSUP_HOME/csup.sock")" = 600 ]
	[ -f "$CSUP_HOME/csup.db" ]
	[ -f "$CSUP_HOME/csup.log" ]
}

@test "the idle daemon uses no CPU" {
	pid=$(csup ping)
	t0=$(awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' /proc/$pid/stat)
	sleep 3	# measuring idleness needs a span of time, not a condition
	t1=$(awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' /proc/$pid/stat)
	# At most 1% of a CPU over 3 s (3 ticks of 10 ms): a busy loop or a
	# fast timer shows hundreds; exactly zero flaked under ASan, where one
	# wake-up can cost a tick.
	[ $(( t1 - t0 )) -le 3 ]
}
