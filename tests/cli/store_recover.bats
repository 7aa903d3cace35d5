#!/usr/bin/env bats
# csup.db damaged while the daemon is down (killed with -9): the next daemon
# moves it aside (csup.db.corrupt-TIME), starts a new one from its snapshot
# (csup.db.json), adopts every running app (same pids, none started twice),
# and says so once in its log.

load ../lib/helpers
load ../lib/hardening

setup() {
	make_home
}

teardown() {
	hardening_teardown
}

# three apps, their pids in PIDS, then the daemon killed with -9
start_three_and_kill_daemon() {
	local n dpid
	for n in a b c; do
		csup start sh --name "rc$n" -- -c "while :; do sleep 1; done; : $MARK-$n" >/dev/null
	done
	PIDS="$(app_field rca pid) $(app_field rcb pid) $(app_field rcc pid)"
	dpid=$(daemon_pid)
	kill -9 "$dpid"
	wait_until 5 daemon_gone "$dpid"
}

# each app online with the pid it had, one process each, for 3 s
adopted_once() {
	local i=0 n p deadline
	set -- $PIDS
	for n in a b c; do
		i=$((i + 1))
		p=$(eval echo "\${$i}")
		app_state_is "rc$n" online
		[ "$(app_field "rc$n" pid)" = "$p" ] || { echo "rc$n: pid $(app_field "rc$n" pid), was $p"; return 1; }
	done
	deadline=$(( $(date +%s) + 3 ))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		for n in a b c; do
			[ "$(roots_with "$MARK-$n")" -eq 1 ] || { echo "rc$n runs $(roots_with "$MARK-$n") times"; return 1; }
		done
		sleep 0.2
	done
}

@test "random bytes over csup.db: moved aside, rebuilt, every app adopted once" {
	start_three_and_kill_daemon
	head -c 65536 /dev/urandom >"$CSUP_HOME/csup.db"
	rm -f "$CSUP_HOME/csup.db-wal" "$CSUP_HOME/csup.db-shm"
	run timeout 40 "$CSUP" status
	echo "$output"
	[ "$status" -eq 0 ]
	adopted_once
	[ "$(ls "$CSUP_HOME"/csup.db.corrupt-* | wc -l)" -ge 1 ]
	[ "$(grep -c "csup.db was corrupt" "$CSUP_HOME/csup.log")" -eq 1 ]
	grep -q "rebuilt from its snapshot (3 apps)" "$CSUP_HOME/csup.log"
	# The new csup.db serves on: a restart is recorded and answered.
	run csup restart rcb
	[ "$status" -eq 0 ]
	[ "$(app_field rcb restarts)" -ge 1 ]
}

@test "a truncated csup.db: moved aside, rebuilt, every app adopted once" {
	start_three_and_kill_daemon
	# Checkpoint what the WAL holds, then cut the file in half.
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()' "$CSUP_HOME/csup.db"
	size=$(stat -c %s "$CSUP_HOME/csup.db")
	truncate -s $(( size / 2 )) "$CSUP_HOME/csup.db"
	run timeout 40 "$CSUP" status
	echo "$output"
	[ "$status" -eq 0 ]
	adopted_once
}

@test "a damaged WAL beside csup.db: no app is lost or started twice" {
	start_three_and_kill_daemon
	[ -s "$CSUP_HOME/csup.db-wal" ] || require_or_skip "no WAL left to damage"
	# Damage the frames of the WAL (its header stays): SQLite ignores the
	# frames whose checksums fail, or the file is set aside and rebuilt.
	size=$(stat -c %s "$CSUP_HOME/csup.db-wal")
	dd if=/dev/urandom of="$CSUP_HOME/csup.db-wal" bs=1 seek=32 count=$(( size - 32 )) conv=notrunc 2>/dev/null
	run timeout 40 "$CSUP" status
	echo "$output"
	[ "$status" -eq 0 ]
	adopted_once
}

@test "no snapshot and a corrupt csup.db: a new empty state, the daemon still serves" {
	start_three_and_kill_daemon
	head -c 65536 /dev/urandom >"$CSUP_HOME/csup.db"
	rm -f "$CSUP_HOME/csup.db-wal" "$CSUP_HOME/csup.db-shm" "$CSUP_HOME/csup.db.json"
	run timeout 40 "$CSUP" status
	[ "$status" -eq 0 ]
	grep -q "a new one started empty" "$CSUP_HOME/csup.log"
	# Unknown to the new state, the apps' processes are this home's
	# orphans: ended, not left running unsupervised.
	wait_until 15 no_process_with "$MARK"
}
