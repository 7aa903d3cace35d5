# tests/lib/wrh.bash: helpers for the watch, ready and health CLI tests
# (tests/cli/watch.bats, ready.bats, health.bats). Each test gets its own
# CSUP_HOME and app folder, a unique marker in every command line it
# starts, and ends every process it started (csup kill, then by marker).

# shellcheck source=require.bash
. "${BASH_SOURCE[0]%/*}/require.bash"

# shellcheck source=logcheck.bash
. "${BASH_SOURCE[0]%/*}/logcheck.bash"
# shellcheck source=poll.bash
. "${BASH_SOURCE[0]%/*}/poll.bash"

CSUP="${CSUP_BIN_DIR:?CSUP_BIN_DIR not set}/csup"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wrh_setup() {
	WTMP="$(mktemp -d /tmp/csup-wrh.XXXXXX)"
	export CSUP_HOME="$WTMP/home"
	export CSUP_HTTP=off
	APPDIR="$WTMP/app"
	mkdir -p "$APPDIR"
	unset NOTIFY_SOCKET
	# Unique in every command line this test starts: sleep 7xxxxxxx.
	MARK=$(( 70000000 + (RANDOM << 8) + (RANDOM & 255) + $$ % 1000 ))
}

# Processes whose command line holds this test's marker.
marked_pids() {
	pgrep -f -- "$MARK" || true
}

none_marked() { [ -z "$(marked_pids)" ]; }

wrh_teardown() {
	local p rc=0
	"$CSUP" kill >/dev/null 2>&1 || true
	for p in $(marked_pids); do
		kill -KILL "$p" 2>/dev/null || true
	done
	home_log_clean "$CSUP_HOME" || rc=1
	rm -rf "$WTMP"
	return $rc
}

# field NAME KEY: one field of `csup status --json` for app NAME ("" if none).
field() {
	"$CSUP" status --json | jq -r --arg n "$1" --arg k "$2" \
		'.[] | select(.name == $n) | .[$k]'
}

is_state() { [ "$(field "$1" state)" = "$2" ]; }
restarts_are() { [ "$(field "$1" restarts)" = "$2" ]; }
restarts_at_least() { [ "$(field "$1" restarts)" -ge "$2" ]; }
# The app is online with a pid other than $2.
new_generation() { is_state "$1" online && [ "$(field "$1" pid)" != "$2" ] && [ "$(field "$1" pid)" != 0 ]; }

# describe_has NAME TEXT: TEXT appears in `csup describe NAME --json`.
describe_has() { "$CSUP" describe "$1" --json | grep -qF -- "$2"; }

# start_file FILE: csup start FILE, with its output kept in $WTMP/start.out.
start_file() {
	"$CSUP" start "$1" >"$WTMP/start.out" 2>&1
}
