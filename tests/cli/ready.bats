#!/usr/bin/env bats
# wait_ready: the app is online only after READY=1 on $NOTIFY_SOCKET, from a
# process of its own generation; past listen_timeout the start is unstable.

load ../lib/wrh

setup() {
	wrh_setup
	# TEXT to $NOTIFY_SOCKET, then waits until csup read it (BARRIER=1)
	NOTIFY_PY="$CSUP_SRC_DIR/tests/lib/sd_notify.py"
}

teardown() {
	wrh_teardown
}

@test "ready: systemd-notify --ready (with its BARRIER) makes the app online" {
	cat >"$APPDIR/eco.yaml" <<-EOF
	apps:
	  - name: rdy
	    script: /bin/sh
	    args: ["-c", "sleep 0.7; systemd-notify --ready --status=\\"\$(cat $WTMP/status)\\"; echo \$? >$WTMP/notify.rc; exec sleep $MARK"]
	    wait_ready: true
	    listen_timeout: 8000
	EOF
	echo "serving requests" >"$WTMP/status"	# not in the config: describe must get it from the app
	t0=$(now_ms)
	run start_file "$APPDIR/eco.yaml"
	t1=$(now_ms)
	[ "$status" -eq 0 ] || { cat "$WTMP/start.out"; false; }
	is_state rdy online
	# it waited for READY=1
	[ $((t1 - t0)) -ge 600 ]
	# and answered the BARRIER: systemd-notify exits 0 only when its barrier
	# fd was closed (after its 5 s timeout it exits 1)
	wait_until 10 test -s "$WTMP/notify.rc"
	[ "$(cat "$WTMP/notify.rc")" = 0 ]
	[ "$(field rdy restarts)" = 0 ]
	wait_until 5 describe_has rdy "serving requests"
}

@test "ready: a raw sd_notify datagram with STATUS works" {
	printf 'STATUS=warm cache\nREADY=1' >"$WTMP/msg"	# not in the config
	cat >"$APPDIR/eco.yaml" <<-EOF
	apps:
	  - name: rdy
	    script: /bin/sh
	    args: ["-c", "python3 $NOTIFY_PY \\"\$(cat $WTMP/msg)\\"; exec sleep $MARK"]
	    wait_ready: true
	EOF
	run start_file "$APPDIR/eco.yaml"
	[ "$status" -eq 0 ] || { cat "$WTMP/start.out"; false; }
	is_state rdy online
	describe_has rdy "warm cache"
}

@test "ready: the app is launching until READY=1; a stranger's READY=1 does not count" {
	cat >"$APPDIR/eco.yaml" <<-EOF
	apps:
	  - name: rdy
	    script: /bin/sh
	    args: ["-c", "while [ ! -e $WTMP/go ]; do sleep 0.05; done; python3 $NOTIFY_PY READY=1; exec sleep $MARK"]
	    wait_ready: true
	    listen_timeout: 20000
	EOF
	"$CSUP" start "$APPDIR/eco.yaml" >"$WTMP/start.out" 2>&1 &
	cpid=$!
	wait_until 10 is_state rdy launching
	pid="$(field rdy pid)"
	[ "$pid" -gt 0 ]
	notify="$(tr '\0' '\n' <"/proc/$pid/environ" | sed -n 's/^NOTIFY_SOCKET=//p')"
	[ -n "$notify" ]
	# This shell is no process of the app: ignored.
	NOTIFY_SOCKET="$notify" python3 "$NOTIFY_PY" READY=1
	holds_for 0.5 is_state rdy launching
	# and the app's events say why
	describe_has rdy "ignored: not a process of this generation"
	kill -0 "$cpid"			# csup start still waits
	touch "$WTMP/go"
	wait_until 10 is_state rdy online
	wait "$cpid"
}

@test "ready: past listen_timeout the start is unstable and the app is killed" {
	cat >"$APPDIR/eco.yaml" <<-EOF
	apps:
	  - name: rdy
	    script: sleep
	    args: ["$MARK"]
	    wait_ready: true
	    listen_timeout: 400
	    max_restarts: 1
	EOF
	run start_file "$APPDIR/eco.yaml"
	[ "$status" -eq 1 ]
	# The failure names the app and why (the table alone would name it too).
	grep -q "rdy.*no READY=1 within 400 ms" "$WTMP/start.out"
	wait_until 10 is_state rdy errored
	[ "$(field rdy unstable_restarts)" -ge 1 ]
	[ "$(field rdy restarts)" -ge 1 ]
	wait_until 5 none_marked
}

@test "ready: without wait_ready the app has no NOTIFY_SOCKET and is online at once" {
	cat >"$APPDIR/eco.yaml" <<-EOF
	apps:
	  - name: rdy
	    script: sleep
	    args: ["$MARK"]
	EOF
	run start_file "$APPDIR/eco.yaml"
	[ "$status" -eq 0 ]
	is_state rdy online
	pid="$(field rdy pid)"
	[ -z "$(tr '\0' '\n' <"/proc/$pid/environ" | grep '^NOTIFY_SOCKET=')" ]
}
