#!/usr/bin/env bats
# Limits of the control socket (docs/security.md gaps): a client that does
# not complete a frame within $CSUP_CTL_IDLE_MS is closed and its fd freed;
# a client waiting for a deferred reply is not timed; at most 1024 clients
# at once, or half the soft fd limit if lower (256 here, the daemon started
# under `ulimit -Sn 512`), further ones closed at accept (logged once).

load ../lib/helpers
load ../lib/hardening

setup() {
	export CSUP_CTL_IDLE_MS=400
	control_client_setup
}

teardown() {
	control_client_teardown
}


@test "half a frame, held open: closed after CSUP_CTL_IDLE_MS, fd back to baseline" {
	start_holder half
	# Still held by the client, yet the daemon lets it go.
	wait_until 10 fds_back
	grep -q "no complete request within 400 ms" "$CSUP_HOME/csup.log"
	run csup ping
	[ "$status" -eq 0 ]
	[ "$output" = "$DPID" ]
}

@test "a client that never sends is closed after the idle timeout" {
	start_holder idle
	wait_until 10 fds_back
	[ "$(daemon_pid)" = "$DPID" ]
}

@test "a stop waiting out kill_timeout is not cut by the idle timeout" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: stubborn
    script: sh
    args: ["-c", "trap '' INT; while :; do sleep 0.1; done; : $MARK"]
    kill_timeout: 1500
YAML
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 10 app_state_is stubborn online
	t0=$(date +%s%N)
	run csup stop stubborn
	t1=$(date +%s%N)
	echo "$output"
	[ "$status" -eq 0 ]
	# It did wait (longer than the idle timeout) and got its answer.
	[ $(( (t1 - t0) / 1000000 )) -ge 1000 ]
	app_state_is stubborn stopped
	! grep -q "no complete request" "$CSUP_HOME/csup.log" || false
}

@test "300 idle clients: 256 kept, the rest closed at once, logged once" {
	export CSUP_CTL_IDLE_MS=60000
	csup kill >/dev/null
	DPID=$(ulimit -Sn 512 && csup ping)
	BASE=$(fd_count "$DPID")
	python3 - "$SOCK" "$HOLD" <<'PY' &
import os, socket, sys, time
path, d = sys.argv[1], sys.argv[2]
socks = []
for _ in range(300):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    socks.append(s)
open(os.path.join(d, "ready"), "w").close()
end = time.time() + 60
while not os.path.exists(os.path.join(d, "release")) and time.time() < end:
    time.sleep(0.02)
PY
	HELPER=$!
	wait_until 30 test -e "$HOLD/ready"
	wait_until 10 fds_above 256
	wait_until 10 grep -q "256 control clients connected" "$CSUP_HOME/csup.log"
	[ "$(fd_count "$DPID")" -le $(( BASE + 256 )) ]
	[ "$(grep -c "256 control clients connected" "$CSUP_HOME/csup.log")" -eq 1 ]
	touch "$HOLD/release"
	wait "$HELPER"
	HELPER=""
	wait_until 10 fds_back
	run csup ping
	[ "$status" -eq 0 ]
	[ "$output" = "$DPID" ]
}
