#!/usr/bin/env bats
# One daemon a home: racing clients, kill, resurrect, recovery after kill -9.

load ../lib/helpers

setup() {
	make_home
}

loop_app() {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: loop
    script: sh
    args: ["-c", "while :; do sleep 0.2; done; $MARK"]
YAML
}

@test "two clients starting the daemon at once get one daemon" {
	csup ping > "$WORK/p1" &
	a=$!
	csup ping > "$WORK/p2" &
	b=$!
	csup status > /dev/null &
	c=$!
	wait $a $b $c
	[ -s "$WORK/p1" ]
	[ "$(cat "$WORK/p1")" = "$(cat "$WORK/p2")" ]
	[ "$(cat "$WORK/p1")" = "$(daemon_pid)" ]
	# The daemon is csupd (`csup ping` starts it); exactly one serves this home.
	[ "$(pgrep -x csupd | while read p; do tr '\0' ' ' < /proc/$p/environ | grep -q "CSUP_HOME=$CSUP_HOME " && echo $p; done | wc -l)" -eq 1 ]
}

@test "kill stops every app and the daemon; it leaves nothing; returns after the exit" {
	loop_app
	csup start "$WORK/eco.yaml" >/dev/null
	pid=$(csup ping)
	run csup kill
	[ "$status" -eq 0 ]
	! alive "$pid" || false
	no_process_with "$MARK"
	no_process_with "$CSUP_HOME"
	[ ! -S "$CSUP_HOME/csup.sock" ]
}

@test "after a clean kill a new daemon starts nothing; resurrect does" {
	loop_app
	csup start "$WORK/eco.yaml" >/dev/null
	csup start sh --name stopped -- -c "while :; do sleep 0.2; done; $MARK-s" >/dev/null
	csup stop stopped >/dev/null
	csup kill >/dev/null
	csup ping >/dev/null
	[ "$(status_field "len(j)")" -eq 0 ]
	no_process_with "$MARK"
	run csup resurrect
	[ "$status" -eq 0 ]
	[[ "$output" == *"loop"*"online"* ]]
	[ "$(roots_with "$MARK")" -eq 1 ]
	no_process_with "$MARK-s"
	run csup resurrect
	[ "$status" -eq 0 ]
	[ "$(roots_with "$MARK")" -eq 1 ]
}

@test "SIGTERM to the daemon is csup kill" {
	loop_app
	csup start "$WORK/eco.yaml" >/dev/null
	pid=$(csup ping)
	kill -TERM "$pid"
	wait_until 10 eval '! alive '"$pid"
	no_process_with "$MARK"
}

@test "after kill -9 the next daemon adopts the live app: same pid, not duplicated" {
	loop_app
	csup start "$WORK/eco.yaml" >/dev/null
	csup start sh --name dies -- -c "while [ ! -f $WORK/die ]; do sleep 0.1; done; echo $WORK/dies" >/dev/null
	app=$(app_field loop pid)
	kill -9 "$(csup ping)"
	touch "$WORK/die"
	wait_until 5 no_process_with "$WORK/dies"
	rm -f "$WORK/die"
	run csup status
	[ "$status" -eq 0 ]
	[ "$(app_field loop pid)" = "$app" ]
	[ "$(app_field loop state)" = online ]
	[ "$(roots_with "$MARK")" -eq 1 ]
	# it died while no daemon watched: started again
	wait_until 5 eval '[ "$(count_with "$WORK/dies")" -eq 1 ]'
	run csup describe loop
	[[ "$output" == *"adopted"* ]]
	run csup stop loop
	[ "$status" -eq 0 ]
	no_process_with "$MARK"
	[ "$(app_field loop last_exit)" = None ]
}

@test "an adopted app that exits is restarted" {
	loop_app
	csup start "$WORK/eco.yaml" >/dev/null
	app=$(app_field loop pid)
	kill -9 "$(csup ping)"
	csup ping >/dev/null
	[ "$(app_field loop pid)" = "$app" ]
	kill -9 "$app"
	wait_until 5 eval '[ "$(app_field loop pid)" != "$app" ] && app_state_is loop online'
	[ "$(roots_with "$MARK")" -eq 1 ]
	[ "$(app_field loop restarts)" -eq 1 ]
}
