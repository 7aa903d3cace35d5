#!/usr/bin/env bats
# The control socket: malformed and oversized frames close that client
# only; another user's client is refused and starts nothing.

load ../lib/helpers

setup() {
	make_home
}

send_raw() {	# send_raw HEXBYTES: writes them and reads until the daemon closes
	python3 - "$CSUP_HOME/csup.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(bytes.fromhex(sys.argv[2]))
s.settimeout(5)
assert s.recv(100) == b"", "the daemon answered a bad frame"
PY
}

@test "malformed and oversized frames close that client only" {
	pid=$(csup ping)
	send_raw "0000000a6e6f74206a736f6e2121"	# 10 bytes, not JSON
	send_raw "ffffffff"			# far over the maximum
	send_raw "00000000"			# empty
	send_raw "000000025b5d"			# an array, not an object
	run csup ping
	[ "$status" -eq 0 ]
	[ "$output" = "$pid" ]
}

@test "a client of another uid is refused and starts no daemon" {
	command -v setpriv >/dev/null || require_or_skip "no setpriv"
	[ "$(id -u)" -eq 0 ] || require_or_skip "needs root to switch uid"
	chmod 0755 "$CSUP_HOME"
	run setpriv --reuid=65534 --regid=65534 --clear-groups env CSUP_HOME="$CSUP_HOME" "$CSUP" status
	[ "$status" -eq 1 ]
	[[ "$output" == *"belongs to another user"* ]]
	[ ! -S "$CSUP_HOME/csup.sock" ]
	pid=$(csup ping)
	run setpriv --reuid=65534 --regid=65534 --clear-groups env CSUP_HOME="$CSUP_HOME" "$CSUP" ping
	[ "$status" -eq 1 ]
	[[ "$output" == *"belongs to another user"* ]]
	[ "$(csup ping)" = "$pid" ]
}
