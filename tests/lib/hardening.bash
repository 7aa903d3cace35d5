# hardening.bash: helpers of the hardening tests (issue 12), on top of
# helpers.bash. A detached daemon's stderr is csup.log, so a sanitizer report
# of the ASan build lands there and no exit status shows it: these tests
# read it before the home is removed.

# shellcheck source=require.bash
. "${BASH_SOURCE[0]%/*}/require.bash"

HC="${BATS_TEST_DIRNAME}/../lib/hardening_client.py"

# fd_count PID / rss_kb PID
fd_count() {
	ls "/proc/$1/fd" | wc -l
}

rss_kb() {
	awk '/^VmRSS/ { print $2 }' "/proc/$1/status"
}

# shellcheck source=logcheck.bash
. "${BASH_SOURCE[0]%/*}/logcheck.bash"

# teardown of these files: end everything, then check the log.
hardening_teardown() {
	local rc=0
	"$CSUP" kill >/dev/null 2>&1 || true
	daemon_log_clean || rc=1
	cleanup_home
	return $rc
}

# A daemon and a place for a misbehaving control client (hardening_client.py)
# to hold its connections: DPID, BASE (the daemon's fd count), SOCK, HOLD.
control_client_setup() {
	make_home
	DPID=$(csup ping)
	BASE=$(fd_count "$DPID")
	SOCK="$CSUP_HOME/csup.sock"
	HOLD="$CSUP_HOME/hold"
	mkdir -p "$HOLD"
	HELPER=""
}

control_client_teardown() {
	touch "$HOLD/release" 2>/dev/null || true
	[ -n "$HELPER" ] && kill "$HELPER" 2>/dev/null || true
	[ -n "$HELPER" ] && wait "$HELPER" 2>/dev/null || true
	hardening_teardown
}

fds_back() {
	[ "$(fd_count "$DPID")" -le "$BASE" ]
}

fds_above() {
	[ "$(fd_count "$DPID")" -ge $(( BASE + $1 )) ]
}

# start_holder MODE ARGS...: a client that holds its connections open.
start_holder() {
	python3 "$HC" "$SOCK" "$@" "$HOLD" &
	HELPER=$!
	wait_until 30 test -e "$HOLD/ready"
}
