# run.bash: helpers for the `csup run` tests (tests/cli/run*.bats), on top
# of helpers.bash: csup run in the background with its stdout and stderr
# in files, its exit code, and a teardown that ends it by pid.

# shellcheck source=helpers.bash
. "${BASH_SOURCE[0]%/*}/helpers.bash"

RUN_OUT= RUN_ERR= RUN_PID= RUN_RC=

# start_run ARGS...: `csup run ARGS` in the background (RUN_PID).
start_run() {
	RUN_OUT="$CSUP_HOME/run.out" RUN_ERR="$CSUP_HOME/run.err"
	"$CSUP" run "$@" >"$RUN_OUT" 2>"$RUN_ERR" 3>&- &
	RUN_PID=$!
}

# wait_run_exit SECONDS: wait for csup run to end; its exit code in RUN_RC.
wait_run_exit() {
	wait_until "$1" eval '! kill -0 "$RUN_PID" 2>/dev/null' || {
		echo "csup run ($RUN_PID) still runs after $1 s" >&2
		return 1
	}
	RUN_RC=0
	wait "$RUN_PID" || RUN_RC=$?
}

# lines_of APP FILE: the text of APP's lines in FILE, prefix removed.
lines_of() {
	sed -n "s/^$1 | //p" "$2"
}

count_lines_of() {
	lines_of "$1" "$2" | wc -l
}

# For wait_until: FILE holds at least N lines of APP.
has_lines() {
	[ "$(count_lines_of "$1" "$2")" -ge "$3" ]
}

run_teardown() {
	if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
		kill -TERM "$RUN_PID" 2>/dev/null || true
		wait_until 10 eval '! kill -0 "$RUN_PID" 2>/dev/null' ||
			kill -9 "$RUN_PID" 2>/dev/null || true
	fi
	cleanup_home
}
