#!/usr/bin/env bats
# Faults (issue 12): logs on a full device or a full filesystem, a corrupt
# or locked csup.db, a CSUP_HOME that cannot be written. (A home others can
# write, another user's home and names at the socket: daemon_security.bats.)
# Mounts (tmpfs) are made only under this test's own home and undone in
# teardown; a test that needs a mount skips where mounting is not allowed.

load ../lib/helpers
load ../lib/hardening

setup() {
	make_home
	MOUNTS=()
}

teardown() {
	local m
	"$CSUP" kill >/dev/null 2>&1 || true
	for m in "${MOUNTS[@]}"; do
		umount -l "$m" 2>/dev/null || true
	done
	chmod 0700 "$CSUP_HOME" 2>/dev/null || true
	hardening_teardown
}

# try_mount DIR OPTIONS: a tmpfs at DIR, or skip the test.
try_mount() {
	mkdir -p "$1"
	mount -t tmpfs -o "$2" tmpfs "$1" 2>/dev/null || require_or_skip "cannot mount a tmpfs here"
	MOUNTS+=("$1")
}

dropped_event() {
	csup describe "$1" --json | python3 -c 'import json,sys
sys.exit(0 if any("lines dropped" in (e.get("detail") or "") for e in json.load(sys.stdin)["events"]) else 1)'
}

# An app that writes ~2 MB to stdout and stderr, then says so in a file
# outside its logs and stays up: if its output blocked, DONE never appears.
flood_app() {	# flood_app NAME OUT ERR
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: $1
    script: sh
    args: ["-c", "yes line-$MARK | head -c 2000000; yes err-$MARK | head -c 200000 >&2; touch $WORK/DONE; exec sh -c 'while :; do sleep 1; done' idle-$MARK"]
    out_file: $2
    error_file: $3
YAML
}

@test "/dev/full as out_file and error_file: the app is neither blocked nor restarted" {
	flood_app full /dev/full /dev/full
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 20 test -e "$WORK/DONE"
	pid=$(app_field full pid)
	wait_until 5 count_is "idle-$MARK" 1
	app_state_is full online
	[ "$(app_field full restarts)" -eq 0 ]
	[ "$(app_field full pid)" = "$pid" ]
	# The lines are counted in an event (daemon_logs_full.bats checks the count).
	wait_until 15 dropped_event full
	# The daemon is unharmed and still answers.
	run csup ping
	[ "$status" -eq 0 ]
}

@test "logs on a full filesystem: the app runs on, the file stops at the size of the disk" {
	try_mount "$WORK/small" "size=64k,mode=0700"
	flood_app small "$WORK/small/o.log" "$WORK/small/e.log"
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 20 test -e "$WORK/DONE"
	app_state_is small online
	[ "$(app_field small restarts)" -eq 0 ]
	size=$(( $(stat -c %s "$WORK/small/o.log") + $(stat -c %s "$WORK/small/e.log") ))
	[ "$size" -le 65536 ]
	grep -q "line-$MARK" "$WORK/small/o.log"
	# Stopping it still works, and leaves nothing behind.
	run csup stop small
	[ "$status" -eq 0 ]
	no_process_with "$MARK"
}

@test "a corrupt csup.db: moved aside, the daemon serves on a new one, no sanitizer report" {
	head -c 16384 /dev/urandom > "$CSUP_HOME/csup.db"
	# (Before the store could recover, this refused to start: exit 1.)
	run timeout 40 "$CSUP" status
	echo "$output"
	[ "$status" -eq 0 ]
	[ -S "$CSUP_HOME/csup.sock" ]
	grep -q "csup.db was corrupt" "$CSUP_HOME/csup.log"
	ls "$CSUP_HOME"/csup.db.corrupt-*
	run "$CSUP" ping --no-start
	[ "$status" -eq 0 ]
	daemon_log_clean
}

@test "csup.db corrupted under a running app: the app keeps running, exactly once" {
	csup start sh --name keep -- -c "while :; do sleep 1; done; : $MARK" >/dev/null
	app_state_is keep online
	pid=$(app_field keep pid)
	dpid=$(daemon_pid)
	kill -9 "$dpid"
	wait_until 5 bash -c "! kill -0 $dpid 2>/dev/null"
	head -c 16384 /dev/urandom > "$CSUP_HOME/csup.db"
	rm -f "$CSUP_HOME/csup.db-wal" "$CSUP_HOME/csup.db-shm"
	run timeout 40 "$CSUP" status
	echo "$output"
	# The daemon moved the file aside, rebuilt its state and adopted the app.
	[ "$status" -eq 0 ]
	app_state_is keep online
	[ "$(app_field keep pid)" = "$pid" ]
	[ "$(roots_with "$MARK")" -eq 1 ]
	ls "$CSUP_HOME"/csup.db.corrupt-*
	grep -q "csup.db was corrupt" "$CSUP_HOME/csup.log"
}

@test "csup.db locked by another process: the daemon answers, restarts work, apps run" {
	csup start sh --name lk -- -c "while :; do sleep 1; done; : $MARK" >/dev/null
	dpid=$(csup ping)
	python3 - "$CSUP_HOME/csup.db" "$WORK/locked" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(4)
c.execute("COMMIT")
PY
	holder=$!
	wait_until 10 test -e "$WORK/locked"
	run timeout 30 "$CSUP" restart lk
	echo "$output"
	[ "$status" -eq 0 ]
	wait "$holder"
	app_state_is lk online
	[ "$(csup ping)" = "$dpid" ]
	[ "$(roots_with "$MARK")" -eq 1 ]
	[ "$(app_field lk restarts)" -eq 1 ]
	grep -q "locked" "$CSUP_HOME/csup.log"
}

@test "CSUP_HOME under a file: a clear error, exit 1, nothing started" {
	CSUP_HOME=/dev/null/csup-$MARK run "$CSUP" status
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"/dev/null/csup-$MARK"* ]]
	CSUP_HOME=/dev/null/csup-$MARK run "$CSUP" daemon --foreground
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/dev/null/csup-$MARK"* ]]
	CSUP_HOME=/dev/null/csup-$MARK run "$CSUP" start sh --name x -- -c "sleep 73023; : $MARK"
	[ "$status" -eq 1 ]
	no_process_with "$MARK"
}

@test "CSUP_HOME on a read-only filesystem: a clear error, exit 1" {
	try_mount "$WORK/ro" "size=64k,mode=0700"
	mkdir -m 0700 "$WORK/ro/home"
	mount -o remount,ro "$WORK/ro" || require_or_skip "cannot remount read-only"
	CSUP_HOME="$WORK/ro/home" run timeout 20 "$CSUP" daemon --foreground
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$WORK/ro/home"* ]]
	CSUP_HOME="$WORK/ro/new" run timeout 20 "$CSUP" daemon --foreground
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$WORK/ro/new"* ]]
	CSUP_HOME="$WORK/ro/home" run timeout 20 "$CSUP" start sh --name x -- -c "sleep 73024; : $MARK"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$WORK/ro/home"* ]]
	[ ! -S "$WORK/ro/home/csup.sock" ]
	no_process_with "$MARK"
}

@test "the home is created 0700 and the socket 0600" {
	rmdir "$WORK" && rm -rf "$CSUP_HOME"
	csup ping >/dev/null
	[ "$(stat -c %a "$CSUP_HOME")" = 700 ]
	[ "$(stat -c %a "$CSUP_HOME/csup.sock")" = 600 ]
	[ "$(stat -c %a "$CSUP_HOME/logs")" = 700 ]
}
