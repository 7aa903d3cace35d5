# helpers.bash: shared helpers for the csup CLI tests (bats).
#
# Each test gets its own CSUP_HOME (make_home), a unique marker ($MARK) to
# put in the command lines of the processes it starts, and a teardown that
# runs `csup kill` and then ends whatever is left: by the marker, by the
# home's path (loggers) and by the pid in csup.pid. Never by a broad name.
# The teardown fails the test when the daemon's csup.log holds a sanitizer
# report (daemon_log_clean, tests/lib/hardening.bash): a detached daemon's
# stderr is that file, so the ASan build would otherwise pass it unseen.

# shellcheck source=require.bash
. "${BASH_SOURCE[0]%/*}/require.bash"
# shellcheck source=poll.bash
. "${BASH_SOURCE[0]%/*}/poll.bash"

CSUP="${CSUP_BIN_DIR:?set CSUP_BIN_DIR to the bin dir of a build}/csup"
# shellcheck source=hardening.bash
. "${BASH_SOURCE[0]%/*}/hardening.bash"
export CSUP_HTTP=off

csup() {
	"$CSUP" "$@"
}

# make_home: a fresh home, a marker, short sample period.
make_home() {
	CSUP_HOME="$(mktemp -d "${BATS_TMPDIR:-/tmp}/csup-test.XXXXXX")"
	export CSUP_HOME
	export CSUP_SAMPLE_MS=300
	MARK="csupmark${RANDOM}${RANDOM}x"
	export MARK
	# A unique duration, for children whose command line cannot hold $MARK.
	SLEEPN="7${RANDOM}${RANDOM}"
	export SLEEPN
	WORK="$CSUP_HOME/work"
	mkdir -p "$WORK"
}

# The state letter of /proc/PID/stat (after the last ") "), in $state;
# fails when there is no such process. No child process: pids_with runs it
# for every match, many times a second in the polls.
proc_state() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	state=${stat:0:1}
}

# The pids of live (non-zombie) processes whose command line holds $1.
pids_with() {
	local pid state
	for pid in $(pgrep -f -- "$1" 2>/dev/null); do
		[ "$pid" = "$$" ] && continue
		proc_state "$pid" || continue
		[ "$state" = Z ] && continue
		echo "$pid"
	done
}

count_with() {
	pids_with "$1" | wc -l
}

# roots_with MARK: how many trees of processes carry MARK: the processes
# holding it whose parent does not. A shell that runs a command forks a copy
# of itself that holds the shell's command line until it execs, and a
# subshell is such a copy too; neither is a second instance of the app, so
# "the app runs exactly once" is `[ "$(roots_with "$MARK")" -eq 1 ]`.
roots_with() {
	local pids pid stat ppid n=0
	pids=" $(pids_with "$1" | tr '\n' ' ') "
	for pid in $pids; do
		read -r stat 2>/dev/null <"/proc/$pid/stat" || continue
		stat=${stat##*) }
		ppid=${stat#* }
		ppid=${ppid%% *}
		case $pids in *" $ppid "*) continue ;; esac
		n=$((n + 1))
	done
	echo "$n"
}

# count_is MARK N: exactly N live processes carry MARK (re-read at each call,
# so it can be polled: `wait_until 5 count_is m 1`).
count_is() {
	[ "$(count_with "$1")" -eq "$2" ]
}

no_process_with() {
	[ "$(count_with "$1")" -eq 0 ]
}

alive() {
	local state
	proc_state "$1" || return 1
	[ "$state" != Z ]
}

daemon_pid() {
	[ -s "$CSUP_HOME/csup.pid" ] && head -n1 "$CSUP_HOME/csup.pid"
}

# json_field EXPR: evaluate a python expression on `csup status --json` (as j).
status_field() {
	csup status --json | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"
}

app_field() {
	status_field "[a for a in j if a['name']=='$1'][0]['$2']"
}

app_state_is() {
	[ "$(app_field "$1" state)" = "$2" ]
}

daemon_gone() {
	! alive "$1" || ! grep -q csup "/proc/$1/cmdline" 2>/dev/null
}

cleanup_home() {
	local pid rc=0
	[ -n "${CSUP_HOME:-}" ] || return 0
	pid=$(daemon_pid 2>/dev/null)
	"$CSUP" kill >/dev/null 2>&1 || true
	# Let it exit (a leak report is written at exit), then make sure.
	[ -n "$pid" ] && wait_until 5 daemon_gone "$pid" 2>/dev/null
	if [ -n "$pid" ] && ! daemon_gone "$pid"; then
		kill -9 "$pid" 2>/dev/null || true
	fi
	daemon_log_clean || rc=1
	for pid in $(pids_with "$MARK") $(pids_with "$CSUP_HOME") $(pids_with "sleep $SLEEPN"); do
		kill -9 "$pid" 2>/dev/null || true
	done
	rm -rf "$CSUP_HOME"
	return $rc
}

teardown() {
	cleanup_home
}
