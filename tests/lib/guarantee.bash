# tests/lib/guarantee.bash: helpers for the guarantee*.bats tests (docs/guarantee.md,
# "The guarantee"). Each test runs its own daemon in its own CSUP_HOME and
# its own app processes, all carrying one unique MARKER argument (a number,
# so `sleep MARKER` works); processes are counted and, at the end, killed by
# that marker only. ctest runs these files twice: as they are, and with
# CSUP_CGROUPS=0 (fallback mode).

# shellcheck source=require.bash
. "${BASH_SOURCE[0]%/*}/require.bash"

# shellcheck source=logcheck.bash
. "${BASH_SOURCE[0]%/*}/logcheck.bash"
# shellcheck source=poll.bash
. "${BASH_SOURCE[0]%/*}/poll.bash"

CSUP="${CSUP_BIN_DIR:?CSUP_BIN_DIR not set}/csup"
ESCAPE="${CSUP_SRC_DIR:?CSUP_SRC_DIR not set}/tests/fixtures/escape"

g_setup() {
	CSUP_HOME="$(mktemp -d /tmp/csup-guarantee.XXXXXX)"
	export CSUP_HOME
	export CSUP_HTTP=off
	export CSUP_SAMPLE_MS=500	# status figures within half a second
	MARKER="7$(printf '%05d%04d' $(( $$ % 100000 )) $(( RANDOM % 10000 )))"
	DAEMON_PIDS=""
}

g_teardown() {
	local p rc=0
	p="$("$CSUP" ping --no-start 2>/dev/null | head -1)"
	[[ "$p" =~ ^[0-9]+$ ]] && DAEMON_PIDS="$DAEMON_PIDS $p"
	timeout 20 "$CSUP" kill >/dev/null 2>&1 || true
	for p in $DAEMON_PIDS; do
		g_is_csup "$p" && kill -9 "$p" 2>/dev/null
	done
	pkill -KILL -f -- "$MARKER" 2>/dev/null || true
	home_log_clean "$CSUP_HOME" || rc=1
	rm -rf "$CSUP_HOME"
	return $rc
}

# g_is_csup PID: PID is alive (not a zombie) and runs csup.
g_is_csup() {
	[ -r "/proc/$1/exe" ] && [ "$(readlink "/proc/$1/exe")" = "$(readlink -f "$CSUP")" ] &&
		! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# g_ids: "pid:starttime" of every live process carrying MARKER, one a line.
g_ids() {
	local p stat f
	for p in $(pgrep -f -- "$MARKER"); do
		read -r stat 2>/dev/null <"/proc/$p/stat" || continue
		read -ra f <<<"${stat##*) }"	# f[0] is field 3 (state), f[19] field 22
		[ "${f[0]}" = Z ] && continue
		echo "$p:${f[19]}"
	done | sort
	return 0
}

g_count() { g_ids | wc -l; }
g_count_is() { [ "$(g_count)" -eq "$1" ]; }

# g_settle N: wait (30 s at most) until exactly N processes carry MARKER and
# two snapshots 50 ms apart agree (the fixtures pass through transient
# forks before they settle); then SETTLED holds their ids. The bound is the
# fixture's own forking (201 processes took 6 s to appear on a loaded 2-core
# machine, and a snapshot of them is a bash loop over /proc), not a promise
# of csup's.
g_settle() {
	local deadline now a b
	poll_ms now
	deadline=$(( now + 30000 ))
	a="$(g_ids)"
	while :; do
		nap 0.05
		b="$(g_ids)"
		if [ "$a" = "$b" ] && [ "$(grep -c . <<<"$b")" -eq "$1" ]; then
			SETTLED="$b"
			return 0
		fi
		poll_ms now
		if (( now > deadline )); then
			echo "never settled at $1 processes; now:" >&2
			echo "$b" >&2
			return 1
		fi
		a="$b"
	done
}

# g_alive_of IDS: the ones of IDS ("pid:start" lines) still alive.
g_alive_of() {
	local id p s stat f
	for id in $1; do
		p="${id%%:*}" s="${id##*:}"
		read -r stat 2>/dev/null <"/proc/$p/stat" || continue
		read -ra f <<<"${stat##*) }"
		[ "${f[0]}" != Z ] && [ "${f[19]}" = "$s" ] && echo "$id"
	done
	return 0
}

# g_app NAME SCRIPT [YAML LINES...]: an ecosystem file with one app running
# fixture SCRIPT with MARKER; SIGTERM, kill_timeout 300 ms unless overridden.
g_app() {
	local name=$1 script=$2 line
	shift 2
	{
		echo "apps:"
		echo "  - name: $name"
		echo "    script: $ESCAPE/$script"
		echo "    args: [\"$MARKER\"]"
		echo "    min_uptime: 100"
		for line in "$@"; do echo "    $line"; done
		printf '%s\n' "$@" | grep -q '^kill_signal:' || echo "    kill_signal: SIGTERM"
		printf '%s\n' "$@" | grep -q '^kill_timeout:' || echo "    kill_timeout: 300"
	} >"$CSUP_HOME/eco.yaml"
}

# g_field NAME FIELD: one field of the app in `csup status --json`.
g_field() {
	"$CSUP" status --json | jq -r --arg n "$1" ".[] | select(.name == \$n) | .$2"
}

# The kill mode this run must report: cgroup where this machine allows it.
g_expected_mode() {
	if [ "${CSUP_CGROUPS:-}" = 0 ]; then
		echo fallback
	elif [ "$(id -u)" = 0 ] && grep -q ' - cgroup2 ' /proc/self/mountinfo; then
		echo cgroup
	elif csup_require_all; then
		# CI must prove the cgroup mode: a machine without it fails here.
		echo cgroup
	else
		echo any
	fi
}

g_check_mode() {
	local want mode
	want="$(g_expected_mode)"
	mode="$(g_field "$1" kill_mode)"
	if [ "$want" != any ] && [ "$mode" != "$want" ]; then
		echo "kill_mode is '$mode', expected '$want'" >&2
		return 1
	fi
}

# g_no_survivor IDS: none of IDS is alive; prints the survivors otherwise.
g_no_survivor() {
	local left
	left="$(g_alive_of "$1")"
	if [ -n "$left" ]; then
		echo "survivors:" >&2
		for id in $left; do ps -o pid,ppid,pgid,sid,args -p "${id%%:*}" >&2; done
		return 1
	fi
}

# g_start N: start $CSUP_HOME/eco.yaml and wait until N processes settle.
# shellcheck disable=SC2154 # status and output are set by bats' run
g_start() {
	run "$CSUP" start "$CSUP_HOME/eco.yaml"
	[ "$status" -eq 0 ] || { echo "start: $output" >&2; return 1; }
	g_settle "$1"
}

# g_stop NAME: `csup stop NAME`; when it returns, nothing of SETTLED (the
# last settled generation) is alive and no MARKER process is left.
# STOP_MS says how long the stop took.
g_stop() {
	local t0
	t0=$(now_ms)
	run "$CSUP" stop "$1"
	# shellcheck disable=SC2034 # read by the tests
	STOP_MS=$(( $(now_ms) - t0 ))
	[ "$status" -eq 0 ] || { echo "stop: $output" >&2; return 1; }
	g_no_survivor "$SETTLED" || return 1
	[ "$(g_count)" -eq 0 ] || { echo "left: $(g_ids)" >&2; return 1; }
}

# g_cycle SCRIPT N: start an app on fixture SCRIPT (N processes once settled),
# restart it 5 times, then stop it. After each restart returns, nothing of
# the previous generation is alive; once settled, exactly N processes, all
# new (one generation). After stop returns, nothing.
g_cycle() {
	local script=$1 n=$2 prev i
	g_app app "$script"
	g_start "$n"
	g_check_mode app
	for i in 1 2 3 4 5; do
		prev="$SETTLED"
		run "$CSUP" restart app
		[ "$status" -eq 0 ] || { echo "restart $i: $output" >&2; return 1; }
		g_no_survivor "$prev" || { echo "after restart $i" >&2; return 1; }
		g_settle "$n" || { echo "restart $i" >&2; return 1; }
		[ -z "$(comm -12 <(echo "$prev") <(echo "$SETTLED"))" ] || return 1
	done
	g_stop app
}
