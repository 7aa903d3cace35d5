#!/bin/bash
# bench/soak-worker.sh: the worker soak of issue 9 (not part of `make test`).
# The demo ecosystem (configs/ecosystem.yaml) under csup in a temporary
# CSUP_HOME, data dir and free ports; N x `csup restart claude-mem-worker`
# (default 1000), each after a little hook traffic (a prompt and a tool use
# through `mem-worker hook`). Every 100 restarts one line: the processes of
# each app (csup's procs and our count of this home's CSUP_APP tag), the
# daemon's RSS and open fds. All must stay flat: the process counts equal to
# the baseline at every line, the fd count equal to the first line's, the
# RSS within SOAK_RSS_SLACK_KB (8192) of it.
#
#   bench/soak-worker.sh [BUILD_DIR]          (default: $BUILD, else build)
#   env: SOAK_RESTARTS (1000), SOAK_EVERY (100), SOAK_RSS_SLACK_KB (8192)
# Last lines: "soak-worker: after N restarts: ..." (the figures), then
# "soak-worker: flat" or "soak-worker: NOT flat". Exit 0 flat, 1 not flat,
# 2 not run (no build, or the ecosystem did not start). bench/run.sh runs
# it with 100 restarts.
#
# Ends everything it started: `csup kill` in its own home, then by pid.
set -u

SRC="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-${BUILD:-build}}"
case $BUILD in /*) ;; *) BUILD="$SRC/$BUILD" ;; esac
BIN="$BUILD/bin"
N=${SOAK_RESTARTS:-1000}
EVERY=${SOAK_EVERY:-100}
SLACK=${SOAK_RSS_SLACK_KB:-8192}
CSUP="$BIN/csup"
W=claude-mem-worker
S=claude-mem-search
for b in csup mem-worker mem-search; do
	[ -x "$BIN/$b" ] || { echo "soak-worker.sh: no $BIN/$b (make build)"; exit 2; }
done

T="$(mktemp -d /tmp/csup-soak-worker.XXXXXX)" || exit 1
export CSUP_HOME="$T/home" CLAUDE_MEM_DATA_DIR="$T/data" CSUP_HTTP=off CSUP_SAMPLE_MS=500
unset NOTIFY_SOCKET MEM_WORKER_TEST_SKIP_CLEANUP CLAUDE_MEM_AGENT_CMD \
    CLAUDE_MEM_SEARCH_BIN CLAUDE_MEM_WORKER_HOST CLAUDE_MEM_WORKER_PORT CSUP_APP
HOME_ID=""

# shellcheck source=tests/lib/e2e.bash
. "$SRC/tests/lib/e2e.bash"

healthy() { curl -sf --max-time 2 "http://127.0.0.1:$WPORT/health" >/dev/null; }
tagged() { scan_home "$HOME_ID" | awk -v a="$1" '$2 == a' | wc -l; }

cleanup() {
	local p
	trap - EXIT INT TERM
	timeout 30 "$CSUP" kill >/dev/null 2>&1
	for p in $(pgrep -f -- "$CSUP_HOME" 2>/dev/null); do
		[ "$p" = "$$" ] || kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r WPORT SPORT <<<"$(free_ports 2)"
eco_copy "$SRC" "$BIN" "$WPORT" "$SPORT" >"$T/eco.yaml"
if ! timeout 60 "$CSUP" start "$T/eco.yaml" >"$T/start.out" 2>&1; then
	cat "$T/start.out"
	echo "soak-worker.sh: csup start of the ecosystem failed"
	exit 2
fi
if ! wait_until 15 healthy; then
	echo "soak-worker.sh: the worker never answered /health"
	exit 2
fi
WPID=$(app_get $W pid)
HOME_ID=$(home_id_of "$WPID")
DPID=$("$CSUP" ping --no-start)
BASE_W=$(tagged $W)
BASE_S=$(tagged $S)

traffic() {
	local j="{\"session_id\":\"soak-$1\",\"cwd\":\"/srv/soak\""
	echo "$j,\"prompt\":\"soak round $1\"}" |
	    CLAUDE_MEM_WORKER_PORT=$WPORT "$BIN/mem-worker" hook prompt >/dev/null 2>>"$T/hook.err"
	echo "$j,\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"/srv/soak/f$1.c\"},\"tool_response\":\"int x;\"}" |
	    CLAUDE_MEM_WORKER_PORT=$WPORT "$BIN/mem-worker" hook tool-use >/dev/null 2>>"$T/hook.err"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$DPID/status"; }
fds() { find "/proc/$DPID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

bad=0 notready=0
first_rss="" first_fds="" r="" f="" done_n=0
line() {
	local i=$1 w s cw cs
	w=$(tagged $W); s=$(tagged $S)
	cw=$(app_get $W procs); cs=$(app_get $S procs)
	r=$(rss_kb); f=$(fds)
	[ -z "$first_rss" ] && { first_rss=$r; first_fds=$f; }
	done_n=$i
	printf '%6d restarts  %s: %s procs (csup %s)  %s: %s (csup %s)  daemon %s KB RSS, %s fds\n' \
	    "$i" $W "$w" "$cw" $S "$s" "$cs" "$r" "$f"
	if [ "$w" -ne "$BASE_W" ] || [ "$s" -ne "$BASE_S" ]; then
		echo "  NOT FLAT: process counts, baseline $BASE_W and $BASE_S"
		bad=1
	fi
	if [ "$f" -ne "$first_fds" ] || [ "$r" -gt $((first_rss + SLACK)) ]; then
		echo "  NOT FLAT: daemon fds $first_fds -> $f, RSS $first_rss -> $r KB (slack $SLACK)"
		bad=1
	fi
}

echo "# soak: $N restarts of $W with traffic; daemon pid $DPID, home $CSUP_HOME"
t0=$(date +%s)
line 0
for i in $(seq 1 "$N"); do
	traffic "$i"
	if ! timeout 30 "$CSUP" restart $W >"$T/restart.out" 2>&1; then
		echo "restart $i failed: $(tail -n1 "$T/restart.out")"
		bad=1
		break
	fi
	# With wait_ready, `restart` returns once the worker is ready.
	if ! healthy; then
		notready=$((notready + 1))
		wait_until 10 healthy
	fi
	if [ $((i % EVERY)) -eq 0 ] || [ "$i" -eq "$N" ]; then
		line "$i"
	fi
done
[ "$(app_get $W state)" = online ] || { echo "$W not online at the end"; bad=1; }
[ $notready -gt 0 ] && echo "note: $notready restarts returned before the worker answered /health (wait_ready not honoured)"
[ -s "$T/hook.err" ] && { echo "hook errors: $(sort -u "$T/hook.err" | head -n3)"; bad=1; }
echo "# $N restarts in $(( $(date +%s) - t0 )) s; $(curl -sf "http://127.0.0.1:$WPORT/api/stats" |
    jq -r '.database | "\(.prompts) prompts, \(.observations) observations stored"')"
echo "soak-worker: after $done_n restarts: procs $W $(tagged $W), $S $(tagged $S) (baseline $BASE_W, $BASE_S); daemon RSS $first_rss -> $r KB, fds $first_fds -> $f"
if [ $bad = 0 ]; then
	echo "soak-worker: flat"
else
	echo "soak-worker: NOT flat"
fi
exit $bad
