#!/usr/bin/env bats
# The guarantee across a daemon's death (docs/guarantee.md): a daemon killed with
# SIGKILL leaves no orphan and no duplicate; the next one adopts or ends
# every process of its predecessor's apps. Runs twice (cgroups, CSUP_CGROUPS=0).

load ../lib/guarantee

setup() { g_setup; }
teardown() { g_teardown; }

# Kills the running daemon with SIGKILL and waits until it is gone.
kill9_daemon() {
	local d
	d="$("$CSUP" ping --no-start)"
	[[ "$d" =~ ^[0-9]+$ ]]
	DAEMON_PIDS="$DAEMON_PIDS $d"
	kill -9 "$d"
	wait_until 10 eval "! g_is_csup $d"
	OLD_DAEMON=$d
}

@test "adopt: after kill -9 of the daemon, status shows the same pid, no duplicate" {
	g_app app double-fork.sh
	g_start 2
	pid="$(g_field app pid)"
	ids="$SETTLED"
	kill9_daemon

	run "$CSUP" status --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.[] | select(.name == "app") | .state')" = online ]
	[ "$(echo "$output" | jq -r '.[] | select(.name == "app") | .pid')" = "$pid" ]
	new_daemon="$("$CSUP" ping --no-start)"
	[ "$new_daemon" != "$OLD_DAEMON" ]
	# Exactly the same processes, and it stays so (no duplicate started late).
	for _ in $(seq 10); do
		[ "$(g_ids)" = "$ids" ]
		sleep 0.05
	done
	g_check_mode app
	g_stop app
}

@test "adopt: an adopted app restarts and stops like any other" {
	g_app app setsid.sh
	g_start 2
	ids="$SETTLED"
	kill9_daemon
	run "$CSUP" restart app
	[ "$status" -eq 0 ]
	g_no_survivor "$ids"
	g_settle 2
	ids="$SETTLED"
	run "$CSUP" kill
	[ "$status" -eq 0 ]
	g_no_survivor "$ids"
	[ "$(g_count)" -eq 0 ]
}

@test "adopt: csup kill after a kill -9 leaves zero processes" {
	g_app app setpgid.sh
	g_start 3
	ids="$SETTLED"
	kill9_daemon
	run "$CSUP" status
	[ "$status" -eq 0 ]
	d="$("$CSUP" ping --no-start)"
	run "$CSUP" kill
	[ "$status" -eq 0 ]
	g_no_survivor "$ids"
	[ "$(g_count)" -eq 0 ]
	if g_is_csup "$d"; then
		echo "daemon $d still runs after csup kill returned" >&2
		return 1
	fi
}

@test "adopt: leftovers of a generation that died meanwhile are ended; the app runs once" {
	g_app app double-fork.sh
	g_start 2
	ids="$SETTLED"
	pid="$(g_field app pid)"
	kill9_daemon
	# The main process dies while no daemon watches; its grandchild stays behind.
	kill -9 "$pid"
	g_settle 1

	run "$CSUP" status
	[ "$status" -eq 0 ]
	g_no_survivor "$ids"
	g_settle 2
	[ "$(g_field app state)" = online ]
	[ "$(g_field app pid)" != "$pid" ]
	[ -z "$(comm -12 <(echo "$ids") <(echo "$SETTLED"))" ]
	g_stop app
}
