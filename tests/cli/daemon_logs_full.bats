#!/usr/bin/env bats
# The log promise (README, docs/daemon.md): "a full disk drops lines (counted in an event), never
# the app". With out_file /dev/full every line written fails with ENOSPC:
# the app runs on, and `csup describe` shows an event with the count, also
# for lines dropped while the daemon was down.

load ../lib/helpers

setup() {
	make_home
}

events() {
	csup describe full --json | python3 -c 'import json,sys; [print(e["kind"], e["detail"]) for e in json.load(sys.stdin)["events"]]'
}

has_event() { events | grep -q -- "$1"; }

@test "out_file /dev/full: the app keeps running, an event counts the dropped lines" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: full
	    script: /bin/sh
	    args: ["-c", "echo a; echo b; echo c; while :; do if [ -e $WORK/go ]; then echo d; echo e; rm -f $WORK/go; fi; sleep 0.1; done", "$MARK"]
	    out_file: /dev/full
	EOF
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 10 has_event "3 lines dropped"
	events | grep -q "No space left on device"
	pid=$(app_field full pid)
	app_state_is full online
	# dropped while no daemon runs: told by the next one
	dpid=$(daemon_pid)
	kill -9 "$dpid"
	wait_until 5 eval '! alive $dpid'
	touch "$WORK/go"
	wait_until 10 test ! -e "$WORK/go"
	wait_until 10 has_event "2 lines dropped"
	[ "$(app_field full pid)" = "$pid" ]
	[ "$(app_field full restarts)" -eq 0 ]
	app_state_is full online
}
