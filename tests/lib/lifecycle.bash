# tests/lib/lifecycle.bash: helpers of the lifecycle race tests
# (lifecycle_kill_loop.bats, lifecycle_races.bats): a client's stop, delete
# or kill against the automatic restarts.

# shellcheck source=helpers.bash
. "${BASH_SOURCE[0]%/*}/helpers.bash"

setup() {
	make_home
	PY="$(command -v python3)"
	KT=500
}

# The contract's bound is kill_timeout + 2 s; on a 2-core machine under
# many parallel test runs (or ASan) a client alone can take a second, so a
# margin is added. A restart that wins over the command makes it hang
# (the 60 s of `timed`), far beyond either.
SLACK_MS=${CSUP_TIMING_SLACK_MS:-2000}

# within MS: the last `timed` command took at most kill_timeout + 2 s (MS) plus the margin.
within() {
	[ "$took_ms" -le $(( $1 + SLACK_MS )) ] ||
		{ echo "took $took_ms ms, over $1 + $SLACK_MS ms" >&2; return 1; }
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# timed ARGS...: run csup ARGS (at most 60 s), $status and $took_ms set.
timed() {
	local t0
	t0=$(now_ms)
	run timeout 60 "$CSUP" "$@"
	took_ms=$(( $(now_ms) - t0 ))
	echo "$* -> status $status in $took_ms ms" >&2
}

# The app's main pid while it runs, else empty.
main_pid() {
	local p
	p=$(app_field "$1" pid 2>/dev/null) || return 0
	[ "$p" != 0 ] && echo "$p"
	return 0
}

nothing_left() {
	no_process_with "$MARK" && no_process_with "sleep $SLEEPN"
}

teardown() {
	rm -rf "$CSUP_HOME.w"
	cleanup_home
}

# stays_stopped NAME MS: stopped, no process, for the whole window.
stays_stopped() {
	local end=$(( $(now_ms) + $2 ))
	while [ "$(now_ms)" -le "$end" ]; do
		app_state_is "$1" stopped || { echo "$1 left stopped" >&2; return 1; }
		nothing_left || { echo "$1 has processes again" >&2; return 1; }
		sleep 0.1
	done
}


# pid_gone PID: no such live process (an empty PID: none was running).
pid_gone() {
	[ -z "$1" ] || ! alive "$1"
}
