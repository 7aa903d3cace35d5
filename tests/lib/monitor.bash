# tests/lib/monitor.bash: helpers for tests/cli/monitor.bats and dashboard.bats
# (issue 6: sampling, watchdog, alerts, HTTP, dashboard). Each test gets its
# own CSUP_HOME, a free loopback port in CSUP_HTTP, a unique marker in every
# command line it starts, and ends all of it (csup kill, then by marker).

# shellcheck source=require.bash
. "${BASH_SOURCE[0]%/*}/require.bash"

# shellcheck source=logcheck.bash
. "${BASH_SOURCE[0]%/*}/logcheck.bash"
# shellcheck source=poll.bash
. "${BASH_SOURCE[0]%/*}/poll.bash"

CSUP="${CSUP_BIN_DIR:?CSUP_BIN_DIR not set}/csup"
PY="$(command -v /usr/bin/python3 || command -v python3)"

mon_free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

mon_setup() {
	MTMP="$(mktemp -d /tmp/csup-mon.XXXXXX)"
	export CSUP_HOME="$MTMP/home"
	export CSUP_SAMPLE_MS=300
	PORT="$(mon_free_port)"
	export CSUP_HTTP="127.0.0.1:$PORT"
	BASE="http://127.0.0.1:$PORT"
	# A number, so `sleep $MARK` works, and unique to this test.
	MARK=$(( 73000000 + (RANDOM << 6) + (RANDOM & 63) + $$ % 1000 ))
	mkdir -p "$MTMP/app"
}

mon_marked() { pgrep -f -- "$MARK" || true; }
# Predicates re-read at each poll (a `test "$(...)"` argument would be
# expanded once, before the polling starts).
mon_none_marked() { [ -z "$(mon_marked)" ]; }
mon_pid_dead() {
	[ ! -e "/proc/$1/cmdline" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

mon_teardown() {
	local p rc=0
	timeout 30 "$CSUP" kill >/dev/null 2>&1 || true
	p="$(head -n1 "$CSUP_HOME/csup.pid" 2>/dev/null)"
	if [[ "$p" =~ ^[0-9]+$ ]] && grep -q csup "/proc/$p/cmdline" 2>/dev/null; then
		kill -9 "$p" 2>/dev/null || true
	fi
	pkill -KILL -f -- "$MARK" 2>/dev/null || true
	pkill -KILL -f -- "$MTMP" 2>/dev/null || true
	home_log_clean "$CSUP_HOME" || rc=1
	rm -rf "$MTMP"
	return $rc
}

# mon_json EXPR [CMD...]: evaluate a python expression on the JSON that CMD
# prints (default `csup status --json`), the JSON bound to j.
mon_json() {
	local expr="$1"
	shift
	if [ $# -eq 0 ]; then set -- "$CSUP" status --json; fi
	"$@" | "$PY" -c "import json,sys; j=json.load(sys.stdin); print($expr)"
}

# mon_app FIELD NAME: one field of one app in `csup status --json`.
mon_app() {
	mon_json "[a for a in j if a['name']=='$2'][0]['$1']"
}

# mon_ge NAME FIELD N: the app's FIELD is at least N.
mon_ge() { [ "$(mon_app "$2" "$1")" -ge "$3" ]; }

# mon_rss_of PIDS...: summed VmRSS of live pids, in bytes.
mon_rss_of() {
	local p kb sum=0
	for p in "$@"; do
		kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
		sum=$(( sum + ${kb:-0} * 1024 ))
	done
	echo "$sum"
}

# mon_lines FILE: number of lines (0 when missing).
mon_lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# mon_events NAME: the JSON of `csup describe NAME --json`'s events, as one line.
mon_events() {
	mon_json "json.dumps(j.get('events', []))" "$CSUP" describe "$1" --json
}

mon_event_has() { mon_events "$1" | grep -q -- "$2"; }
