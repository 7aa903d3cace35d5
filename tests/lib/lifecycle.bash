# tests/lib/lifecycle.bash: helpers of the lifecycle race tests
# (lifecycle_kill_loop.bats, lifecycle_stop_loop.bats, lifecycle_races.bats):
# a client's stop, delete or kill against the automatic restarts.

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
	local end now
	poll_ms now
	end=$(( now + $2 ))
	while poll_ms now; (( now <= end )); do
		app_state_is "$1" stopped || { echo "$1 left stopped" >&2; return 1; }
		nothing_left || { echo "$1 has processes again" >&2; return 1; }
		nap 0.1
	done
}


# pid_gone PID: no such live process (an empty PID: none was running).
pid_gone() {
	[ -z "$1" ] || ! alive "$1"
}

# The memory-restart race of lifecycle_kill_loop.bats and lifecycle_stop_loop.bats.

# The 60 MB child that passes max_memory_restart: 40M on every sample. It
# ignores SIGINT, so each stop lasts kill_timeout, and says when it holds
# the memory (the file $WORK/held).
fat_app() {
	cat >"$WORK/$1.yaml" <<-EOF
	apps:
	  - name: $1
	    script: /bin/sh
	    args: ["-c", "trap '' INT; $PY -c 'import sys, time; b = b\"x\" * (60 << 20); open(sys.argv[1], \"w\").close(); time.sleep(1e6)' $WORK/held $MARK; sleep $SLEEPN"]
	    max_memory_restart: 40M
	    kill_timeout: $KT
	EOF
}

memory_seen() {
	[ -e "$WORK/held" ] ||
		[ "$(grep -c " fat: memory: " "$CSUP_HOME/csup.log")" -gt "$MEM0" ]
}

# Odd rounds: the moment the child holds its memory or the first sample saw
# it pass the limit. Even rounds: about a second after the start.
pause_before_client() {
	local ms
	if [ $(( $1 % 2 )) -eq 1 ]; then
		wait_until 30 memory_seen
	else
		ms=$(( 700 + $1 * 97 % 600 ))
		sleep "$(( ms / 1000 )).$(printf %03d $(( ms % 1000 )))"
	fi
}

# fat_round_start: one round of the race begins: the app fat (fat_app fat)
# is started afresh; $pid is its main pid, $MEM0 its memory lines so far.
fat_round_start() {
	rm -f "$WORK/held"
	MEM0=$(cat "$CSUP_HOME/csup.log" 2>/dev/null | grep -c " fat: memory: " || true)
	run csup start "$WORK/fat.yaml"
	[ "$status" -eq 0 ] || { echo "csup start fat: status $status: $output" >&2; return 1; }
	pid=$(main_pid fat)
}
