#!/bin/bash
# shellcheck disable=SC2317  # functions run through wait_until and trap
# tests/test-process-cleanup.sh: the seed's verification, made strict.
#
# The demo ecosystem (configs/ecosystem.yaml: mem-worker and mem-search) runs
# under csup in a temporary CSUP_HOME, data dir and free ports. The process
# count of each app's subtree (csup's `procs`, and our own count of every
# process whose environment carries this home's CSUP_APP tag) is recorded
# once both apps are online; then
#   (a) 10 x `csup restart claude-mem-worker`, with a hook replay between them,
#   (b) kill -9 of the worker's main pid (its shutdown chain cannot run),
#   (c) the worker with MEM_WORKER_TEST_SKIP_CLEANUP=1 (exits at once on
#       SIGTERM without its chain) and a search child that ignores SIGTERM
#       and EOF (tests/fixtures/worker/fake-mcp.py, FAKE_MCP_STUBBORN=1), so
#       only csup's sweep can end it (kill_mode main: whatever the main
#       process leaves is killed once it exits); put in by `csup reload`,
#       restarted 5 times,
#   (d) kill -9 of the csup daemon, then `csup status` (a new daemon adopts),
# and after each step the counts must equal the baseline, no process may be
# of an older generation than the app's current one, and no process of this
# home may have lost its parent (ppid 1, or any parent outside its tree
# other than the daemon). One PASS:/FAIL: line a check; exit 1 on any FAIL.
# The whole runs twice: in csup's default mode (cgroup v2 where the machine
# allows), then with CSUP_CGROUPS=0 (the fallback: group, subreaper, tag).
#
# Env (from ctest, optional by hand): CSUP_BIN_DIR (default build/bin of this
# repository, built when missing), CSUP_SRC_DIR (default this repository).
# Needs curl, jq, python3.
set -u

if [ -z "${CLEANUP_PASS:-}" ]; then
	rc=0
	if [ -z "${CSUP_BIN_DIR:-}" ]; then
		src=$(cd "$(dirname "$0")/.." && pwd)
		for b in csup mem-worker mem-search; do
			if [ ! -x "$src/build/bin/$b" ]; then
				echo "# building: $src/build/bin/$b is missing (make build)"
				make -C "$src" build >/dev/null || { echo "FAIL: make build"; exit 1; }
				break
			fi
		done
	fi
	echo "# pass 1: csup's default mode"
	CLEANUP_PASS=default bash "$0" || rc=1
	echo "# pass 2: CSUP_CGROUPS=0 (fallback mode)"
	CLEANUP_PASS=fallback CSUP_CGROUPS=0 bash "$0" || rc=1
	exit $rc
fi

# Defaults: this repository and its build/bin, built first when missing, so
# `./tests/test-process-cleanup.sh` runs as the seed says; the variables
# (set by ctest) override them.
SRC="${CSUP_SRC_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
BIN="${CSUP_BIN_DIR:-$SRC/build/bin}"
CSUP="$BIN/csup"
WORKER="$BIN/mem-worker"
ECO="$SRC/configs/ecosystem.yaml"
HOOKS="$SRC/tests/fixtures/hooks"
W=claude-mem-worker
S=claude-mem-search

T="$(mktemp -d /tmp/csup-cleanup.XXXXXX)" || exit 1
# shellcheck disable=SC2034  # read by tests/lib/poll.bash
POLL_DIR="$T"	# the polls' FIFO, removed with $T
export CSUP_HOME="$T/home"
export CLAUDE_MEM_DATA_DIR="$T/data"
export CSUP_HTTP=off CSUP_SAMPLE_MS=250
# The client's environment reaches the apps: keep it free of what would
# change them.
unset NOTIFY_SOCKET MEM_WORKER_TEST_SKIP_CLEANUP CLAUDE_MEM_AGENT_CMD \
    CLAUDE_MEM_SEARCH_BIN CLAUDE_MEM_WORKER_HOST CLAUDE_MEM_WORKER_PORT CSUP_APP

FAILS=0
HOME_ID=""
T0=$(date +%s)

TAG=""
[ "$CLEANUP_PASS" = fallback ] && TAG="fallback: "
pass() { echo "PASS: $TAG$*"; }
fail() { echo "FAIL: $TAG$*"; FAILS=$((FAILS + 1)); }

csup() { "$CSUP" "$@"; }

# shellcheck source=tests/lib/e2e.bash
. "$SRC/tests/lib/e2e.bash"

daemon_pid() { csup ping --no-start 2>/dev/null | head -n1; }

# Processes of this home (tagged, or naming the home: daemon, loggers).
home_pids() {
	local p
	scan_home "$HOME_ID" | awk '{ print $1 }'
	for p in $(pgrep -f -- "$CSUP_HOME" 2>/dev/null); do
		[ "$p" = "$$" ] || echo "$p"
	done
}

cleanup() {
	local p
	trap - EXIT INT TERM
	timeout 30 "$CSUP" kill >/dev/null 2>&1
	if [ -n "$HOME_ID" ]; then
		for p in $(home_pids | sort -u); do
			alive "$p" && kill -KILL "$p" 2>/dev/null
		done
	fi
	for p in $(pgrep -f -- "$CSUP_HOME" 2>/dev/null); do
		[ "$p" = "$$" ] || kill -KILL "$p" 2>/dev/null
	done
	for p in $(cat "$T/stubborn.pids" 2>/dev/null); do
		grep -qs fake-mcp "/proc/$p/cmdline" && kill -KILL "$p" 2>/dev/null
	done
	[ -n "${CLEANUP_TEST_KEEP:-}" ] && { echo "# kept $T"; return; }
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# check_counts STEP [ADOPTED_OK]: the counts equal the baseline, nothing of
# an older generation is alive, and every process of this home hangs off the
# daemon or off another process of its app. With ADOPTED_OK (after a daemon
# was killed) an app's main pid may have any parent: a new daemon adopts it
# but cannot become its parent.
check_counts() {
	local step="$1" adopted_ok="${2:-}" dpid app base tagged procs gen
	local old orphans mains ok deadline cg incg
	dpid=$(daemon_pid)
	scan_home "$HOME_ID" >"$T/scan"
	mains=" $(app_get $W pid) $(app_get $S pid) "
	ok=1
	for app in $W $S; do
		if [ $app = $W ]; then base=$BASE_W; else base=$BASE_S; fi
		tagged=$(awk -v a="$app" '$2 == a' "$T/scan" | wc -l)
		gen=$(app_get "$app" generation)
		old=$(awk -v a="$app" -v g="$gen" '$2 == a && $3 != g { printf "%s(gen %s) ", $1, $3 }' "$T/scan")
		if [ "$tagged" -ne "$base" ]; then
			fail "$step: $app has $tagged tagged processes, baseline $base: $(awk -v a="$app" '$2 == a { printf "%s(gen %s ppid %s) ", $1, $3, $4 }' "$T/scan")"
			ok=0
		fi
		# The same count by cgroup membership (cgroup mode): a process
		# that cleared its environment is invisible to the tag, not here.
		cg=$(csup describe "$app" --json 2>/dev/null | jq -r '.kill_mode_reason // empty')
		case $cg in /sys/fs/cgroup/*/*/*) ;; *) cg="" ;; esac
		if [ -n "$cg" ] && [ -d "$cg" ]; then
			incg=$(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | wc -l)
			if [ "$incg" -ne "$base" ]; then
				fail "$step: $app's cgroup $cg holds $incg processes, baseline $base"
				ok=0
			fi
		elif [ "$CLEANUP_PASS" = default ] && [ "$(id -u)" = 0 ] &&
		    grep -q ' - cgroup2 ' /proc/self/mountinfo; then
			fail "$step: $app has no cgroup in cgroup mode (kill_mode_reason '$cg')"
			ok=0
		fi
		if [ -n "$gen" ] && [ -n "$old" ]; then
			fail "$step: $app: processes of an old generation alive (current $gen): $old"
			ok=0
		fi
		# csup's own figure is at most one sample period old: poll for it.
		deadline=$(( $(now_ms) + 3000 ))
		while procs=$(app_get "$app" procs); [ "$procs" != "$base" ] && [ "$(now_ms)" -lt "$deadline" ]; do
			nap 0.1
		done
		if [ "$procs" != "$base" ]; then
			fail "$step: csup status says $app procs=$procs, baseline $base"
			ok=0
		fi
	done
	# Parents: the daemon, or another live process of this home.
	orphans=$(awk -v d="$dpid" -v mains="$mains" -v adopted="$adopted_ok" '
		{ pid[NR] = $1; ppid[NR] = $4; app[NR] = $2; in_home[$1] = 1 }
		END {
			for (i = 1; i <= NR; i++) {
				if (ppid[i] == d || (ppid[i] in in_home)) continue
				if (adopted != "" && index(mains, " " pid[i] " ")) continue
				printf "%s(%s, ppid %s) ", pid[i], app[i], ppid[i]
			}
		}' "$T/scan")
	if [ -n "$orphans" ]; then
		fail "$step: processes of this home lost their parent (daemon $dpid): $orphans"
		ok=0
	fi
	if [ $ok = 1 ]; then
		pass "$step: $W $BASE_W processes, $S $BASE_S, as at the start; no old generation, no orphan"
	fi
	echo "# t+$(( $(date +%s) - T0 )) s"
}

# replay ROUND: a short recorded Claude Code session (prompt, 5 tool uses,
# stop) through `mem-worker hook`, as its own session.
replay() {
	local f ev
	for f in 00-prompt 01-tool-use 02-tool-use 03-tool-use 04-tool-use 05-tool-use 21-stop; do
		ev=${f#[0-9][0-9]-}
		sed "s/replay-7f3e2c1a-session/cleanup-round-$1/" "$HOOKS/$f.json" |
		    CLAUDE_MEM_WORKER_PORT=$WPORT "$WORKER" hook "$ev" >>"$T/hook.out" 2>>"$T/hook.err"
	done
}

healthy() { curl -sf --max-time 2 "http://127.0.0.1:$WPORT/health" | grep -q '"status":"ok"'; }

# restart_worker STEP I: `csup restart` the worker. With wait_ready it
# returns once the new worker said READY=1, which it says once it listens
# and its search child is up: then /health answers at once (else counted
# in NOTREADY, and waited for, so that the counts below test the cleanup
# alone). Right then the old generation must be gone and the new one whole.
restart_worker() {
	local step=$1 i=$2 old new n
	old=$(app_get $W pid)
	if ! timeout 30 "$CSUP" restart $W >"$T/restart.out" 2>&1; then
		fail "$step restart $i: $(tail -n1 "$T/restart.out")"
		return 1
	fi
	if ! healthy; then
		NOTREADY=$((NOTREADY + 1))
		wait_until 10 healthy
	fi
	new=$(app_get $W pid)
	if alive "$old" || [ "$new" = "$old" ]; then
		fail "$step restart $i: old main pid $old still alive or not replaced (new $new)"
		return 1
	fi
	n=$(scan_home "$HOME_ID" | awk -v a=$W '$2 == a' | wc -l)
	if [ "$n" -ne "$BASE_W" ]; then
		fail "$step restart $i: $n processes of $W right after restart returned, baseline $BASE_W: $(scan_home "$HOME_ID" | awk -v a=$W '$2 == a { printf "%s(gen %s ppid %s) ", $1, $3, $4 }')"
		return 1
	fi
}

ready_check() {
	if [ "$NOTREADY" -eq 0 ]; then
		pass "$1 each restart returned with the worker ready (wait_ready): /health answered at once"
	else
		fail "$1 $NOTREADY of $2 restarts returned before the worker answered /health: csup did not wait for its READY=1 (wait_ready)"
	fi
}

# --- the ecosystem file -----------------------------------------------------

if "$CSUP" check --strict "$ECO" >"$T/check.out" 2>&1; then
	pass "configs/ecosystem.yaml passes csup check --strict"
else
	fail "csup check --strict configs/ecosystem.yaml: $(tail -n1 "$T/check.out")"
fi

# A copy with this build's binaries, free ports; the data dir comes from
# our environment. Retried with new ports when one was taken meanwhile.
make_copy() {
	eco_copy "$SRC" "$BIN" "$WPORT" "$SPORT" >"$T/eco.yaml"
	# (c): the same with the worker's test-only switch and a stubborn
	# search child in its env.
	awk -v mcp="$SRC/tests/fixtures/worker/fake-mcp.py" -v pids="$T/stubborn.pids" '
	{ print }
	/^ *CLAUDE_MEM_WORKER_PORT:/ {
		match($0, /^ */); ind = substr($0, 1, RLENGTH)
		printf "%sMEM_WORKER_TEST_SKIP_CLEANUP: \"1\"\n", ind
		printf "%sCLAUDE_MEM_SEARCH_BIN: \"%s\"\n", ind, mcp
		printf "%sFAKE_MCP_STUBBORN: \"1\"\n", ind
		printf "%sFAKE_MCP_PIDFILE: \"%s\"\n", ind, pids
	}' "$T/eco.yaml" >"$T/eco-skip.yaml"
}

started=0
for attempt in 1 2 3; do
	read -r WPORT SPORT <<<"$(free_ports 2)"
	make_copy
	if [ "$(grep -c -e "$WPORT" -e "$SPORT" "$T/eco.yaml")" -lt 3 ] ||
	    ! grep -q MEM_WORKER_TEST_SKIP_CLEANUP "$T/eco-skip.yaml"; then
		fail "configs/ecosystem.yaml no longer has the ports 37777/27778 and CLAUDE_MEM_WORKER_PORT this test substitutes"
		exit 1
	fi
	if timeout 60 "$CSUP" start "$T/eco.yaml" >"$T/start.out" 2>&1; then
		started=1
		break
	fi
	echo "# start attempt $attempt failed:"; sed 's/^/#   /' "$T/start.out"
	timeout 30 "$CSUP" kill >/dev/null 2>&1
done
if [ $started = 0 ]; then
	fail "csup start of the ecosystem: $(tail -n3 "$T/start.out" | tr '\n' ' ')"
	exit 1
fi

online() { [ "$(app_get "$1" state)" = online ]; }
if wait_until 15 online $W && wait_until 15 online $S && wait_until 10 healthy; then
	pass "both apps online, the worker's /health answers ok (ports $WPORT, $SPORT)"
else
	fail "apps not online: $(csup status 2>&1 | tr '\n' ' ')"
	exit 1
fi

WPID=$(app_get $W pid)
HOME_ID=$(home_id_of "$WPID")
if [ -z "$HOME_ID" ]; then
	fail "the worker (pid $WPID) carries no CSUP_APP tag"
	exit 1
fi
# The worker's search child is started before READY=1, so the counts are
# settled once the worker is online.
scan_home "$HOME_ID" >"$T/scan"
BASE_W=$(awk -v a=$W '$2 == a' "$T/scan" | wc -l)
BASE_S=$(awk -v a=$S '$2 == a' "$T/scan" | wc -l)
echo "# home $HOME_ID, baseline: $W $BASE_W processes (csup: $(app_get $W procs)), $S $BASE_S (csup: $(app_get $S procs)); kill_mode $(app_get $W kill_mode)"
if [ "$BASE_W" -ge 2 ] && [ "$BASE_S" -ge 1 ]; then
	pass "baseline: $W has its search child ($BASE_W processes), $S $BASE_S"
else
	fail "baseline: $W $BASE_W processes (want the worker and its mem-search --stdio child), $S $BASE_S"
fi
if [ "$CLEANUP_PASS" = fallback ]; then
	km="$(app_get $W kill_mode) $(app_get $S kill_mode)"
	if [ "$km" = "fallback fallback" ]; then
		pass "CSUP_CGROUPS=0: both apps run in fallback mode"
	else
		fail "CSUP_CGROUPS=0: kill_mode of the apps is $km, want fallback"
	fi
fi
# The home's cgroup (cgroup mode): .../csup-ID/APP/GEN of the worker.
CG=$(csup describe $W --json 2>/dev/null | jq -r '.kill_mode_reason // empty')
case $CG in /sys/fs/cgroup/*/*/*) CG=${CG%/*/*} ;; *) CG="" ;; esac
check_counts "baseline"

# --- (a) 10 restarts with traffic -------------------------------------------

a_ok=1
NOTREADY=0
for i in $(seq 1 10); do
	replay "$i"
	restart_worker "(a)" "$i" || a_ok=0
done
[ $a_ok = 1 ] && pass "(a) 10 x csup restart $W with a hook replay between them: old main gone, count $BASE_W each time"
ready_check "(a)" 10
prompts=""
stats_prompts() {
	prompts=$(curl -sf "http://127.0.0.1:$WPORT/api/stats" | jq -r .database.prompts)
	[ "${prompts:-0}" -ge 10 ]
}
if wait_until 5 stats_prompts && [ ! -s "$T/hook.err" ]; then
	pass "(a) traffic reached the worker: $prompts prompts stored, no hook error"
else
	fail "(a) traffic: ${prompts:-?} prompts stored (want 10); hook errors: $(head -n3 "$T/hook.err" | tr '\n' ' ')"
fi
check_counts "(a) after 10 restarts"

# --- (b) kill -9 of the worker ------------------------------------------------

old=$(app_get $W pid)
restarts=$(app_get $W restarts)
kill -KILL "$old"
replaced() {
	local p
	p=$(app_get $W pid)
	[ "$(app_get $W state)" = online ] && [ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$old" ] &&
	    [ "$(app_get $W restarts)" -gt "$restarts" ]
}
if wait_until 20 replaced && wait_until 10 healthy; then
	pass "(b) kill -9 of $W (pid $old): csup restarted it (pid $(app_get $W pid), last_exit $(app_get $W last_exit))"
else
	fail "(b) kill -9 of $W (pid $old): not restarted: $(csup status 2>&1 | tr '\n' ' ')"
fi
check_counts "(b) after kill -9 of the worker"

# --- (c) a worker that skips its shutdown chain, restarted 5 times ------------

spid=$(app_get $S pid)
if timeout 60 "$CSUP" reload "$T/eco-skip.yaml" >"$T/reload.out" 2>&1 && wait_until 15 online $W &&
    wait_until 10 healthy; then
	WPID=$(app_get $W pid)
	if tr '\0' '\n' <"/proc/$WPID/environ" | grep -qx 'MEM_WORKER_TEST_SKIP_CLEANUP=1'; then
		pass "(c) csup reload put MEM_WORKER_TEST_SKIP_CLEANUP=1 into $W (pid $WPID)"
	else
		fail "(c) after csup reload, $W (pid $WPID) lacks MEM_WORKER_TEST_SKIP_CLEANUP=1"
	fi
	if [ "$(app_get $S pid)" = "$spid" ]; then
		pass "(c) csup reload left the unchanged $S running (pid $spid)"
	else
		fail "(c) csup reload restarted the unchanged $S (pid $spid -> $(app_get $S pid))"
	fi
else
	fail "(c) csup reload: $(tail -n2 "$T/reload.out" | tr '\n' ' ')"
fi
check_counts "(c) after reload"
skipped_before=$(cat "$CSUP_HOME"/logs/$W-*.log 2>/dev/null | grep -c 'WITHOUT the shutdown chain')
c_ok=1
NOTREADY=0
for i in 1 2 3 4 5; do
	replay "skip-$i"
	restart_worker "(c)" "$i" || c_ok=0
done
skipped=$(( $(cat "$CSUP_HOME"/logs/$W-*.log 2>/dev/null | grep -c 'WITHOUT the shutdown chain') - skipped_before ))
[ $c_ok = 1 ] && pass "(c) 5 x csup restart of a worker that skips its chain: count $BASE_W each time"
ready_check "(c)" 5
if [ "$skipped" -ge 5 ]; then
	pass "(c) the worker skipped its shutdown chain $skipped times (its log says so)"
else
	fail "(c) the worker's log shows $skipped chain skips, want 5 (did the switch reach it?)"
fi
# Every stubborn child but the current generation's was ended by csup.
cur=" $(scan_home "$HOME_ID" | awk -v a=$W '$2 == a { printf "%s ", $1 }')"
nstub=0
left=""
while read -r p; do
	nstub=$((nstub + 1))
	case "$cur" in *" $p "*) continue ;; esac
	alive "$p" && left="$left $p"
done <"$T/stubborn.pids"
if [ "$nstub" -ge 6 ] && [ -z "$left" ]; then
	pass "(c) csup swept the $((nstub - 1)) stubborn search children (SIGTERM and EOF ignored) the worker left behind"
else
	fail "(c) stubborn search children: $nstub started (want 6), still alive from old generations:${left:- none}"
fi
check_counts "(c) after 5 restarts without the worker's chain"

# --- (d) kill -9 of the daemon ------------------------------------------------

dpid=$(daemon_pid)
wpid_before=$(app_get $W pid)
spid_before=$(app_get $S pid)
if [ -n "$dpid" ]; then
	kill -KILL "$dpid"
	if wait_until 10 gone "$dpid"; then
		pass "(d) kill -9 of the csup daemon (pid $dpid)"
	else
		fail "(d) the daemon (pid $dpid) survived kill -9"
	fi
else
	fail "(d) no daemon answers csup ping"
fi
if timeout 30 "$CSUP" status >"$T/status.out" 2>&1; then
	sed 's/^/#   /' "$T/status.out"
else
	fail "(d) csup status after the daemon was killed: $(tail -n1 "$T/status.out")"
fi
if wait_until 20 online $W && wait_until 20 online $S; then
	pass "(d) a new daemon (pid $(daemon_pid)) shows both apps online"
else
	fail "(d) after the daemon's kill -9, apps not online: $(csup status 2>&1 | tr '\n' ' ')"
fi
# Adopted means the same processes: not a second copy started beside them.
wpid_after=$(app_get $W pid) spid_after=$(app_get $S pid)
if [ "$wpid_after" = "$wpid_before" ] && [ "$spid_after" = "$spid_before" ] &&
    alive "$wpid_before" && alive "$spid_before"; then
	pass "(d) the new daemon adopted the running apps: $W pid $wpid_before, $S pid $spid_before unchanged"
else
	fail "(d) not adopted: $W pid $wpid_before -> $wpid_after, $S pid $spid_before -> $spid_after"
fi
# A late duplicate would show up after the adoption: watch for 3 s.
dup_free() { [ "$(scan_home "$HOME_ID" | awk -v a=$W '$2 == a' | wc -l)" -eq "$BASE_W" ] &&
	[ "$(scan_home "$HOME_ID" | awk -v a=$S '$2 == a' | wc -l)" -eq "$BASE_S" ]; }
dup_deadline=$(( $(now_ms) + 3000 )) dup_ok=1
while [ "$(now_ms)" -lt "$dup_deadline" ]; do
	dup_free || { dup_ok=0; break; }
	nap 0.2
done
if [ $dup_ok = 1 ]; then
	pass "(d) no late duplicate in the 3 s after adoption"
else
	fail "(d) a duplicate appeared after adoption: $(scan_home "$HOME_ID" | tr '\n' ' ')"
fi
check_counts "(d) after kill -9 of the daemon" adopted

# --- the end: csup kill leaves nothing ------------------------------------------

if timeout 30 "$CSUP" kill >"$T/kill.out" 2>&1; then
	left=$(home_pids | sort -u | while read -r p; do alive "$p" && echo "$p"; done | tr '\n' ' ')
	if [ -z "$left" ]; then
		pass "csup kill: no process of this home left"
		if [ -n "$CG" ] && [ -d "$CG" ]; then
			fail "csup kill left the home's cgroup $CG ($(find "$CG" -type d | wc -l) directories, $(find "$CG" -name cgroup.procs -exec cat {} + 2>/dev/null | wc -l) processes)"
		elif [ -n "$CG" ]; then
			pass "csup kill removed the home's cgroup $CG"
		fi
	else
		fail "csup kill left processes of this home: $left($(for p in $left; do tr '\0' ' ' <"/proc/$p/cmdline"; echo -n '; '; done))"
	fi
else
	fail "csup kill: $(tail -n1 "$T/kill.out")"
fi

# Under ASan/UBSan a report lands in the daemon's or an app's log.
san=$(grep -l -s -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' \
    "$CSUP_HOME/csup.log" "$CSUP_HOME"/logs/*.log | sed "s|^$CSUP_HOME/||" | tr '\n' ' ')
if [ -z "$san" ]; then
	pass "no sanitizer report in the logs of the daemon and the apps"
else
	fail "sanitizer reports in: $san(first: $(grep -h -m1 -s -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' "$CSUP_HOME/csup.log" "$CSUP_HOME"/logs/*.log | head -n1))"
fi

echo "# $(( $(date +%s) - T0 )) s"
if [ $FAILS -gt 0 ]; then
	echo "FAIL: $FAILS check(s) failed"
	exit 1
fi
echo "PASS: all checks"
exit 0
