#!/usr/bin/env bats
# watch: a change restarts the app once, after watch_delay of quiet; what
# ignore_watch (and its defaults) and the app's own logs cover never does.

load ../lib/wrh

setup() {
	wrh_setup
	mkdir -p "$APPDIR/.git/objects" "$APPDIR/node_modules/pkg" "$APPDIR/src"
	echo 'x' >"$APPDIR/src/index.js"
	# The app writes its own log (out_file in the watched folder, not *.log)
	# all the time: that must not restart it.
	cat >"$APPDIR/eco.yaml" <<-EOF
	apps:
	  - name: w
	    script: /bin/sh
	    args: ["-c", "while :; do echo tick; sleep 0.05; done; : $MARK"]
	    watch: true
	    watch_delay: 250
	    out_file: $APPDIR/app-out.txt
	    error_file: $APPDIR/app-err.txt
	EOF
}

teardown() {
	wrh_teardown
}

start_watched() {
	run start_file "$APPDIR/eco.yaml"
	[ "$status" -eq 0 ] || { cat "$WTMP/start.out"; return 1; }
	wait_until 5 is_state w online
	[ "$(field w watch)" = "true" ]
	PID0="$(field w pid)"
	[ "$PID0" -gt 0 ]
}

@test "watch: .git, node_modules, *.log, dotfiles and the app's own log restart nothing" {
	start_watched			# checks "watch": true in status --json
	"$CSUP" start sleep --name plain -- "$MARK" >/dev/null
	wait_until 5 is_state plain online
	[ "$(field plain watch)" = "false" ]
	wait_until 5 test -s "$APPDIR/app-out.txt"
	echo blob >"$APPDIR/.git/objects/ab12"
	echo ref >"$APPDIR/.git/HEAD"
	mkdir -p "$APPDIR/.git/refs/heads" && echo sha >"$APPDIR/.git/refs/heads/main"
	echo 'module.exports=1' >"$APPDIR/node_modules/pkg/index.js"
	echo line >>"$APPDIR/debug.log"
	echo A=1 >"$APPDIR/.env"
	# quiet for over two watch_delays while the app keeps writing its log
	holds_for 0.6 restarts_are w 0
	[ "$(field w pid)" = "$PID0" ]
}

@test "watch: a 200-file burst restarts exactly once" {
	start_watched
	mkdir "$APPDIR/gen"
	for i in $(seq 1 200); do
		echo "$i" >"$APPDIR/gen/f$i.js"
	done
	wait_until 10 restarts_at_least w 1
	wait_until 5 new_generation w "$PID0"
	holds_for 0.6 restarts_are w 1
}

@test "watch: a file in a subdirectory created after the start restarts" {
	start_watched
	mkdir -p "$APPDIR/lib/deep"
	wait_until 10 restarts_are w 1		# the new folder itself is a change
	wait_until 5 new_generation w "$PID0"
	PID1="$(field w pid)"
	holds_for 0.4 restarts_are w 1
	echo 'y' >"$APPDIR/lib/deep/new.js"
	wait_until 10 restarts_are w 2
	wait_until 5 new_generation w "$PID1"
}

@test "watch: touch, delete and rename each restart" {
	start_watched
	touch "$APPDIR/src/index.js"
	wait_until 10 restarts_are w 1
	wait_until 5 new_generation w "$PID0"
	PID1="$(field w pid)"
	mv "$APPDIR/src/index.js" "$APPDIR/src/main.js"
	wait_until 10 restarts_are w 2
	wait_until 5 new_generation w "$PID1"
	PID2="$(field w pid)"
	rm "$APPDIR/src/main.js"
	wait_until 10 restarts_are w 3
	wait_until 5 new_generation w "$PID2"
}

@test "watch: a list watches only those paths; ignore_watch adds to the defaults" {
	mkdir -p "$APPDIR/other" "$APPDIR/src/gen"
	cat >"$APPDIR/eco.yaml" <<-EOF
	apps:
	  - name: w
	    script: sleep
	    args: ["$MARK"]
	    watch: ["src"]
	    ignore_watch: ["gen"]
	    watch_delay: 250
	EOF
	start_watched
	echo 1 >"$APPDIR/other/a.js"
	echo 1 >"$APPDIR/src/gen/out.js"	# ignore_watch
	echo 1 >"$APPDIR/src/x.log"		# a default, still there
	holds_for 0.6 restarts_are w 0
	echo 1 >"$APPDIR/src/a.js"
	wait_until 10 restarts_are w 1
}

@test "watch: csup stop ends the watching too" {
	start_watched
	run "$CSUP" stop w
	[ "$status" -eq 0 ]
	echo 1 >"$APPDIR/src/late.js"
	holds_for 0.6 is_state w stopped
	[ "$(field w restarts)" = 0 ]
	[ -z "$(marked_pids)" ]
}
