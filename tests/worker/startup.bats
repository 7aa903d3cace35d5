#!/usr/bin/env bats
# mem-worker start-up: busy port, readiness notification, bad settings.

load ../lib/worker

setup() {
	worker_setup
}

teardown() {
	worker_teardown
	if [ -n "${HOLDER:-}" ]; then
		kill "$HOLDER" 2>/dev/null || true
		wait "$HOLDER" 2>/dev/null || true
	fi
}

@test "busy port: one clear line on stderr, exit 1" {
	python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); open(sys.argv[2],"w").write("ok"); time.sleep(60)' \
		"$CLAUDE_MEM_WORKER_PORT" "$WTMP/held" &
	HOLDER=$!
	wait_until 5 test -f "$WTMP/held"
	run "$WORKER_BIN"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "mem-worker: 127.0.0.1:$CLAUDE_MEM_WORKER_PORT: port already in use" ]]
}

@test "NOTIFY_SOCKET gets READY=1 once listening" {
	python3 -c '
import socket,sys
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(10)
open(sys.argv[2],"w").write(s.recv(64).decode())' "$WTMP/notify.sock" "$WTMP/notified" &
	HOLDER=$!
	wait_until 5 test -S "$WTMP/notify.sock"
	NOTIFY_SOCKET="$WTMP/notify.sock" worker_start
	wait_until 5 grep -q '^READY=1$' "$WTMP/notified"
}

@test "abstract NOTIFY_SOCKET (@name) works too" {
	name="@worker-test-$$-$RANDOM"
	python3 -c '
import socket,sys
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind("\0"+sys.argv[1][1:]); s.settimeout(10)
open(sys.argv[2],"w").write(s.recv(64).decode())' "$name" "$WTMP/notified" &
	HOLDER=$!
	wait_until 5 grep -q "${name#@}" /proc/net/unix
	NOTIFY_SOCKET="$name" worker_start
	wait_until 5 grep -q '^READY=1$' "$WTMP/notified"
}

@test "a bad port setting is refused" {
	CLAUDE_MEM_WORKER_PORT=99999 run "$WORKER_BIN"
	[ "$status" -eq 1 ]
	[[ "$output" == *"CLAUDE_MEM_WORKER_PORT=99999"* ]]
}

@test "usage errors" {
	run "$WORKER_BIN" frobnicate
	[ "$status" -eq 2 ]
	run "$WORKER_BIN" hook nosuchevent </dev/null
	[ "$status" -eq 2 ]
}
