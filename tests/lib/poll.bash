# tests/lib/poll.bash: the clock and the pause of every poll in the tests.
#
# The tests wait by polling (a condition re-read every 50 ms until a
# deadline). On a 2-core machine running four test files at once, the cost of
# each turn of those loops is what slows the suite: `$(date +%s%N)` forks and
# execs, and so does `sleep 0.05`; about 30 ms of CPU a turn, 20 turns a
# second, in every waiting test. Here the clock is bash's own
# (EPOCHREALTIME) and the pause is a `read -t` on a FIFO nobody writes: no
# process a turn.
#
#   poll_ms VAR             VAR = now, in ms (no subshell: pass a name)
#   now_ms                  now, in ms, on stdout (for $(...) callers)
#   secs_ms SECONDS         SECONDS (fractions allowed) in ms, on stdout
#   nap SECONDS             pause (fractions allowed)
#   poll_until SECONDS CMD...  run CMD every 50 ms until it succeeds; 1 when
#                           the time is up (CMD's output is CMD's business)
#   poll_holds SECONDS CMD...  CMD stays true for the whole window; 1 as
#                           soon as it fails
#   poll_untraced CMD...    CMD without bats' per-command trace (below)
#   wait_until SECONDS CMD...  poll_until, CMD's stderr hidden, a line on
#                           stderr saying what timed out
#   holds_for SECONDS CMD...   poll_holds, CMD's stderr hidden
#
# The FIFO lives in bats' run directory (removed by bats), or in $POLL_DIR
# for a script that sets it; without either, nap falls back to sleep(1).

# (The one local is named so that no caller's VAR is shadowed by it.)
poll_ms() {
	local poll_us_=${EPOCHREALTIME//[!0-9]/}	# microseconds; any decimal mark
	printf -v "$1" '%d' $(( 10#$poll_us_ / 1000 ))
}

now_ms() {
	local ms
	poll_ms ms
	echo "$ms"
}

secs_ms() {
	local s=$1 whole frac
	whole=${s%%.*}
	frac=
	[ "$whole" = "$s" ] || frac=${s#*.}
	frac=${frac}000
	echo $(( 10#${whole:-0} * 1000 + 10#${frac:0:3} ))
}

# The FIFO's path, made on first use ("" when there is nowhere to make it).
poll_fifo() {
	local dir=${POLL_DIR:-${BATS_RUN_TMPDIR:-}}
	POLL_FIFO=
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	[ -p "$dir/poll.fifo" ] || mkfifo "$dir/poll.fifo" 2>/dev/null || [ -p "$dir/poll.fifo" ] ||
		return 0
	POLL_FIFO=$dir/poll.fifo
}

nap() {
	if [ -z "${POLL_FIFO:-}" ] || [ ! -p "$POLL_FIFO" ]; then
		poll_fifo
	fi
	if [ -z "$POLL_FIFO" ]; then
		sleep "$1"
		return 0
	fi
	# Opened read-write, so the open never blocks and no EOF ever comes.
	read -r -t "$1" <>"$POLL_FIFO" || true
}

# Bats runs a DEBUG trap before every command of a test (to know the line
# of a failure): about 0.3 ms a command, 35 times what a loop of builtins
# costs without it. A poll runs untraced and puts the trap back; a poll that
# fails is reported at the line that called it, as before.
poll_untraced() {
	local trap_debug rc
	trap_debug=$(trap -p DEBUG)
	trap - DEBUG
	"$@" && rc=0 || rc=$?
	[ -z "$trap_debug" ] || eval "$trap_debug"
	return "$rc"
}

poll_until_() {
	local deadline now
	poll_ms now
	deadline=$(( now + $(secs_ms "$1") ))
	shift
	until "$@"; do
		poll_ms now
		(( now <= deadline )) || return 1
		nap 0.05
	done
}

poll_holds_() {
	local deadline now
	poll_ms now
	deadline=$(( now + $(secs_ms "$1") ))
	shift
	while poll_ms now; (( now <= deadline )); do
		"$@" || return 1
		nap 0.05
	done
}

poll_until() { poll_untraced poll_until_ "$@"; }
poll_holds() { poll_untraced poll_holds_ "$@"; }

# The names the tests use. CMD's own stderr is not shown: polled before it
# can succeed, it mostly says "not yet"; a timeout says what was awaited.
wait_until() {
	local secs=$1
	shift
	poll_until "$secs" "$@" 2>/dev/null || { echo "timed out waiting for: $*" >&2; return 1; }
}

holds_for() { poll_holds "$@" 2>/dev/null; }
