#!/bin/bash
# run.sh: `make bench`. csup beside PM2 and supervisord, on this machine, in
# this run: supervisor memory, CLI and restart latency, the stop of a
# 200-process tree, escape patterns and recovery after kill -9, the cost of
# sampling, then the worker and search benchmarks when they are present.
# Prints one markdown table, also written to BUILD/bench/results.md.
#
#   bench/run.sh [BUILD_DIR]        (default: $BUILD, else build)
#   env: BENCH_RUNS (3) repeated runs of each timed or memory measure,
#        BENCH_HF_RUNS (15) hyperfine runs, BENCH_CPU_WINDOWS (3) x
#        BENCH_CPU_SECONDS (10) CPU windows, BENCH_SEARCH_ROWS (100000),
#        BENCH_SEARCH_QUERIES (100), BENCH_WORKER_EVENTS (2000),
#        BENCH_SOAK_RESTARTS (100; bench/soak-worker.sh alone does 1000),
#        BENCH_SKIP (words: basic tree orphans recover cpu extern soak runtime)
#
# Installs what it lacks: PM2 from npm into BUILD/bench/npm (never the
# repository), supervisor, hyperfine and jq from Debian (only when missing).
# Every process it starts is ended by pid or by a unique marker, and every
# tool by its own shutdown in its own home: `csup kill` (CSUP_HOME), `pm2
# kill` (PM2_HOME under BUILD/bench), `supervisorctl shutdown` (own socket).
# shellcheck disable=SC2317 # functions called through each(), traps, pipes
set -u

SRC="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-${BUILD:-build}}"
case $BUILD in /*) ;; *) BUILD="$SRC/$BUILD" ;; esac
OUT="$BUILD/bench"
RUNS=${BENCH_RUNS:-3}
HF_RUNS=${BENCH_HF_RUNS:-15}
CPU_WINDOWS=${BENCH_CPU_WINDOWS:-3}
CPU_SECONDS=${BENCH_CPU_SECONDS:-10}
SEARCH_ROWS=${BENCH_SEARCH_ROWS:-100000}
SEARCH_QUERIES=${BENCH_SEARCH_QUERIES:-100}
WORKER_N=${BENCH_WORKER_EVENTS:-2000}
SOAK_N=${BENCH_SOAK_RESTARTS:-100}
SKIP=" ${BENCH_SKIP:-} "
# shellcheck disable=SC2034 # used by drivers.sh
APP="$SRC/bench/app.sh"
CSUP="$BUILD/bin/csup"
PM2="$OUT/npm/node_modules/.bin/pm2"
PATTERNS="plain setsid double envi noterm setpgrp"

# shellcheck source=bench/lib.sh
. "$SRC/bench/lib.sh"
# shellcheck source=bench/drivers.sh
. "$SRC/bench/drivers.sh"
# shellcheck source=bench/runtime.sh
. "$SRC/bench/runtime.sh"

# shellcheck disable=SC2034 # MARK_*: read by new_marker (lib.sh)
setup() {
	mkdir -p "$OUT/raw" || exit 1
	RUN=$(mktemp -d /tmp/csup-bench.XXXXXX) || exit 1
	MARK_BASE=$(( (RANDOM * 32768 + RANDOM) % 900000 * 1000 + 100000000 ))
	MARK_SEQ=0
	: >"$RUN/markers"
	: >"$RUN/rows"
	: >"$RUN/notes"
	DATA="$RUN/data"
	mkdir -p "$DATA"
	T0=$(now_us)
	trap cleanup EXIT
	trap 'exit 130' INT TERM
}

cleanup() {
	trap - EXIT INT TERM
	t_end_all 2>/dev/null
	# shellcheck disable=SC2046
	kill_markers $(cat "$RUN/markers")
	for d in "$OUT"/pm2-*; do [ -d "$d" ] && rm -rf "$d"; done
	rm -rf "$RUN"
}

say() { printf '%s [%3ds] %s\n' "bench:" $(( ($(now_us) - T0) / 1000000 )) "$*" >&2; }
note() { echo "- $*" >>"$RUN/notes"; say "note: $*"; }
# row MEASURE CSUP PM2 SUPERVISORD CSUP:PM2 CSUP:SUPERVISORD GOAL RESULT
row() { printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }
skip() { case $SKIP in *" $1 "*) return 0 ;; esac; return 1; }
# rec TOOL METRIC VALUE / got TOOL METRIC: "median min max" of what was recorded
rec() { echo "$3" >>"$DATA/$1.$2"; }
got() { [ -f "$DATA/$1.$2" ] && stat3 <"$DATA/$1.$2"; }
med() { got "$1" "$2" | awk '{ print $1 }'; }
# A tool measured or the reason it was not: HAVE_<tool> is empty or the reason.
cell() {
	local why
	why=$(why "$1")
	if [ -n "$why" ]; then echo "not measured: $why"; return; fi
	fmt3 "$3" "$(got "$1" "$2")"
}

# ---------------------------------------------------------------- tools
install_tools() {
	local pkgs="" sudo="" policy=""
	command -v hyperfine >/dev/null 2>&1 || pkgs="$pkgs hyperfine"
	command -v supervisord >/dev/null 2>&1 || pkgs="$pkgs supervisor"
	command -v jq >/dev/null 2>&1 || pkgs="$pkgs jq"
	command -v perl >/dev/null 2>&1 || pkgs="$pkgs perl-base"
	if [ -n "$pkgs" ]; then
		[ "$(id -u)" -ne 0 ] && sudo="sudo"
		say "apt-get install$pkgs"
		# The supervisor package would start a system supervisord: forbid
		# service starts during the install unless a policy is already set.
		if [ ! -e /usr/sbin/policy-rc.d ]; then
			policy=/usr/sbin/policy-rc.d
			printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null &&
				$sudo chmod 755 "$policy"
		fi
		export DEBIAN_FRONTEND=noninteractive
		$sudo apt-get update -qq >"$OUT/raw/apt.log" 2>&1
		# shellcheck disable=SC2086
		$sudo apt-get install -y -qq --no-install-recommends $pkgs >>"$OUT/raw/apt.log" 2>&1 ||
			say "apt-get install failed (see $OUT/raw/apt.log)"
		[ -n "$policy" ] && $sudo rm -f "$policy"
	fi
	if [ ! -x "$PM2" ] && command -v npm >/dev/null 2>&1; then
		say "npm install pm2@7 into $OUT/npm"
		npm install --prefix "$OUT/npm" --no-audit --no-fund --loglevel=error pm2@7 \
			>"$OUT/raw/npm.log" 2>&1 || say "npm install failed (see $OUT/raw/npm.log)"
	fi
	# shellcheck disable=SC2034 # read through why()
	WHY_csup="" WHY_csupf="" WHY_pm2="" WHY_sup="" WHY_supg=""
	command -v jq >/dev/null 2>&1 || { echo "bench: jq is required" >&2; exit 1; }
	command -v perl >/dev/null 2>&1 || { echo "bench: perl is required" >&2; exit 1; }
	command -v hyperfine >/dev/null 2>&1 || HF_MISSING=1
	# shellcheck disable=SC2034 # read through why()
	{
		[ -x "$CSUP" ] || WHY_csup="$CSUP missing (build first)"
		[ -x "$PM2" ] || WHY_pm2="pm2 could not be installed (npm)"
		command -v supervisord >/dev/null 2>&1 || WHY_sup="supervisor could not be installed"
		WHY_supg=$WHY_sup
		WHY_csupf=$WHY_csup
	}
}

# why TOOL: why TOOL cannot be measured (empty when it can).
why() {
	local v="WHY_$1"
	echo "${!v:-}"
}

usable() {
	[ -z "$(why "$1")" ]
}

machine() {
	local mem cpu
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "- machine: $(nproc) CPUs (${cpu:-unknown}), $mem memory, kernel $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
	echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shares its cores)"
	echo "- csup $("$CSUP" version 2>/dev/null | head -n 1 | awk '{ print $NF }'), PM2 $(node -p "require('$OUT/npm/node_modules/pm2/package.json').version" 2>/dev/null || echo '-'), supervisord $(supervisord --version 2>/dev/null || echo '-'), node $(node --version 2>/dev/null || echo '-'), $(hyperfine --version 2>/dev/null || echo 'no hyperfine')"
	echo "- runs: $RUNS a memory or timed measure, $HF_RUNS a hyperfine measure, $CPU_WINDOWS x $CPU_SECONDS s of CPU"
}

# ---------------------------------------------------------------- helpers
# spec_simple FILE FIRST LAST: apps aFIRST..aLAST, each `sleep MARK`; the
# markers are appended to the array MARKS.
spec_simple() {
	local f=$1 k m
	: >"$f"
	for k in $(seq "$2" "$3"); do
		new_marker m
		MARKS+=("$m")
		echo "a$k single x$m" >>"$f"
	done
}

# Memory of the current instance: daemon alone, daemon + helpers (RSS), PSS.
mem_sample() {
	local tool=$1 tag=$2 pid helpers http
	pid=$(t_daemon_pid)
	if ! pid_alive "$pid"; then
		note "$tool: no daemon pid for the memory sample ($tag)"
		return 1
	fi
	sleep 1.5 # let the daemon settle after the starts: a measuring delay
	helpers=$(t_helper_pids)
	# csup's HTTP API is a child of csupd, csup-http, when CSUP_HTTP is on.
	http=$(pgrep -P "$pid" -x csup-http || true)
	# shellcheck disable=SC2086
	{
		rec "$tool" "rssd$tag" "$(rss_kb "$pid")"
		rec "$tool" "rssdx$tag" "$(rss_kb "$pid" $http)"
		rec "$tool" "rssh$tag" "$(rss_kb "$pid" $helpers)"
		rec "$tool" "pssh$tag" "$(pss_kb "$pid" $helpers)"
		rec "$tool" "pssd$tag" "$(pss_kb "$pid")"
		rec "$tool" "nhelp$tag" "$(echo $helpers | wc -w)"
	}
}

# hyperfine TOOL METRIC RUNS WARMUP CMD...: ms median/min/max recorded.
hf() {
	local tool=$1 metric=$2 runs=$3 warm=$4 json
	shift 4
	json="$OUT/raw/hf-$tool-$metric.json"
	if [ -n "${HF_MISSING:-}" ]; then
		note "hyperfine missing: $tool $metric not measured"
		return 1
	fi
	if ! timeout 600 hyperfine -N -i --style none --warmup "$warm" --runs "$runs" \
		--export-json "$json" "$*" >>"$T_HOME/cli.log" 2>&1; then
		note "$tool: hyperfine '$*' failed"
		return 1
	fi
	jq -r '.results[0].times[] * 1000' "$json" >"$DATA/$tool.$metric"
	if [ "$(jq '[.results[0].exit_codes[] | select(. != 0)] | length' "$json")" != 0 ]; then
		note "$tool: '$*' exited non-zero in some runs"
	fi
}

# ---------------------------------------------------------------- 1, 2, 3
bench_basic() {
	local tool=$1 r
	for r in $(seq "$RUNS"); do
		MARKS=()
		t_begin "$tool"
		spec_simple "$T_HOME/spec1" 1 1
		t_add "$T_HOME/spec1"
		if ! wait_for 30 marker_count_is 1 "${MARKS[@]}"; then
			note "$tool: the first app did not start (run $r)"
			t_end; kill_markers "${MARKS[@]}"; return 1
		fi
		mem_sample "$tool" 1
		spec_simple "$T_HOME/spec20" 2 20
		t_add "$T_HOME/spec20"
		if ! wait_for 60 marker_count_is 20 "${MARKS[@]}"; then
			note "$tool: 20 apps did not start (run $r)"
			t_end; kill_markers "${MARKS[@]}"; return 1
		fi
		mem_sample "$tool" 20
		if [ "$r" -eq "$RUNS" ]; then
			# shellcheck disable=SC2046
			hf "$tool" status "$HF_RUNS" 2 $(t_status_cmd)
			# shellcheck disable=SC2046
			hf "$tool" restart "$(( (HF_RUNS + 1) / 2 ))" 1 $(t_restart_cmd a1)
			# what the client alone costs (no daemon contact): explains status
			[ "$tool" != csup ] || hf csup clientstart "$HF_RUNS" 2 "$CSUP" version
			marker_count_is 20 "${MARKS[@]}" ||
				note "$tool: $(marker_count "${MARKS[@]}") of 20 apps running after the restarts"
		fi
		t_end
		kill_markers "${MARKS[@]}"
	done
}

# ---------------------------------------------------------------- 4
bench_tree() {
	local tool=$1 r m t0 t1 s0 s1
	t_begin "$tool"
	for r in $(seq "$RUNS"); do
		new_marker m
		echo "tree$r tree 200 x$m" >"$T_HOME/spec-tree$r"
		t_add "$T_HOME/spec-tree$r"
		if ! wait_for 60 marker_count_is 200 "$m"; then
			note "$tool: the 200-process tree did not come up ($(marker_count "$m") processes)"
			kill_markers "$m"
			continue
		fi
		t0=$(now_us)
		t_stop "tree$r" || note "$tool: stop tree$r failed"
		t1=$(now_us)
		s0=$(marker_count "$m")
		sleep 1 # survivors one second later: a measuring delay
		s1=$(marker_count "$m")
		kill_markers "$m"
		rec "$tool" stoptree "$(( (t1 - t0) / 1000 ))"
		rec "$tool" tree_s0 "$s0"
		rec "$tool" tree_s1 "$s1"
	done
	t_end
}

# ---------------------------------------------------------------- 5
# esc_spec FILE: the six escape apps; markers in MAIN_<pat> and ESC_<pat>.
esc_spec() {
	local f=$1 p mm me
	: >"$f"
	for p in $PATTERNS; do
		new_marker mm
		new_marker me
		printf -v "MAIN_$p" '%s' "$mm"
		printf -v "ESC_$p" '%s' "$me"
		MARKS+=("$mm" "$me")
		echo "e-$p esc $p x$mm x$me $T_HOME/$p.pids" >>"$f"
	done
}

# all_gens N: every escape app spawned its escapee N times.
all_gens() {
	local p
	for p in $PATTERNS; do
		[ "$(lines "$T_HOME/$p.pids")" -ge "$1" ] || return 1
	done
}

bench_orphans() {
	local tool=$1 i p me mm
	MARKS=()
	t_begin "$tool"
	esc_spec "$T_HOME/spec-esc"
	t_add "$T_HOME/spec-esc"
	if ! wait_for 30 all_gens 1; then
		note "$tool: the escape apps did not start"
		t_end; kill_markers "${MARKS[@]}"; return 1
	fi
	case $tool in
	csup*) # the kill mode this daemon uses (cgroup or fallback)
		timeout 10 "$CSUP" status --json 2>/dev/null |
			jq -r '[.[].kill_mode] | unique | join(",")' >"$DATA/$tool.mode" ;;
	esac
	for i in 1 2 3 4 5; do
		t_restart_all || note "$tool: restart all #$i failed"
		wait_for 30 all_gens $(( i + 1 )) ||
			note "$tool: not every escape app came back after restart #$i"
	done
	t_stop all || note "$tool: stop all failed"
	for p in $PATTERNS; do
		mm=MAIN_$p me=ESC_$p mm=${!mm} me=${!me}
		rec "$tool" "orph0_$p" "$(marker_count "$mm" "$me")"
	done
	sleep 1 # survivors one second later: a measuring delay
	for p in $PATTERNS; do
		mm=MAIN_$p me=ESC_$p mm=${!mm} me=${!me}
		rec "$tool" "orph_$p" "$(marker_count "$mm" "$me")"
		rec "$tool" "gens_$p" "$(lines "$T_HOME/$p.pids")"
	done
	kill_markers "${MARKS[@]}"
	t_end
	kill_markers "${MARKS[@]}"
}

bench_recover() {
	local tool=$1 p me mm nm ne n total=0 which=""
	MARKS=()
	t_begin "$tool"
	esc_spec "$T_HOME/spec-esc"
	t_add "$T_HOME/spec-esc"
	if ! wait_for 30 all_gens 1; then
		note "$tool: the escape apps did not start"
		t_end; kill_markers "${MARKS[@]}"; return 1
	fi
	if ! t_kill9; then
		note "$tool: could not SIGKILL the daemon"
		t_end; kill_markers "${MARKS[@]}"; return 1
	fi
	t_recover || note "$tool: its recovery command failed"
	wait_for 60 t_online_is 6 || note "$tool: after recovery $(t_online_count) of 6 apps online"
	sleep 2 # let late restarts show: a measuring delay
	for p in $PATTERNS; do
		mm=MAIN_$p me=ESC_$p mm=${!mm} me=${!me}
		nm=$(marker_count "$mm") ne=$(marker_count "$me")
		# one main and one escapee are the app running once; more is extra
		rec "$tool" "rec_$p" "$(( (nm > 1 ? nm - 1 : 0) + (ne > 1 ? ne - 1 : 0) ))"
		[ "$nm" -ge 1 ] || note "$tool: after recovery e-$p has no main process"
	done
	t_stop all || note "$tool: stop all after recovery failed"
	sleep 1 # survivors one second later: a measuring delay
	for p in $PATTERNS; do
		mm=MAIN_$p me=ESC_$p mm=${!mm} me=${!me}
		n=$(marker_count "$mm" "$me")
		total=$(( total + n ))
		[ "$n" -eq 0 ] || which="$which, $(pat_name "$p") $n"
	done
	rec "$tool" recstop "$total"
	[ -z "$which" ] || echo "${which#, }" >"$DATA/$tool.recstop_which"
	kill_markers "${MARKS[@]}"
	t_end
	kill_markers "${MARKS[@]}"
}

# ---------------------------------------------------------------- 6
# cpu_windows TOOL "PIDS" ["MORE PIDS"]: CPU_WINDOWS windows of CPU_SECONDS;
# % of a core used by PIDS (metric cpu) and by PIDS + MORE (metric cpuh),
# both read in the same windows.
cpu_windows() {
	local tool=$1 a b ah bh ta tb hz
	hz=$(getconf CLK_TCK)
	for _ in $(seq "$CPU_WINDOWS"); do
		# shellcheck disable=SC2086
		{
			ta=$(now_us) a=$(cpu_ticks $2) ah=$(cpu_ticks $2 ${3:-})
			sleep "$CPU_SECONDS"
			tb=$(now_us) b=$(cpu_ticks $2) bh=$(cpu_ticks $2 ${3:-})
		}
		echo "$a $b $ah $bh $ta $tb $hz"
	done >"$RUN/cpu-$tool"
	awk '{ printf "%.3f\n", ($2 - $1) / $7 / (($6 - $5) / 1e6) * 100 }' "$RUN/cpu-$tool" >"$DATA/$tool.cpu"
	[ -z "${3:-}" ] ||
		awk '{ printf "%.3f\n", ($4 - $3) / $7 / (($6 - $5) / 1e6) * 100 }' "$RUN/cpu-$tool" >"$DATA/$tool.cpuh"
}

# cpu_setup TOOL: 20 apps x 10 processes under a new instance of TOOL.
cpu_setup() {
	local tool=$1 k m marks=()
	t_begin "$tool"
	: >"$T_HOME/spec-cpu"
	for k in $(seq 20); do
		new_marker m
		marks+=("$m")
		echo "c$k tree 10 x$m" >>"$T_HOME/spec-cpu"
	done
	CPU_MARKS+=("${marks[@]}")
	t_add "$T_HOME/spec-cpu"
	if ! wait_for 60 marker_count_is 200 "${marks[@]}"; then
		note "$tool: 20 x 10 processes did not come up ($(marker_count "${marks[@]}"))"
		t_end; kill_markers "${marks[@]}"; return 1
	fi
}

# csup alone (its sampling reads /proc: other supervisors' processes would
# add to its work); PM2 and supervisord together, each with its own 200.
bench_cpu() {
	local ppm2="" psup="" hpm2="" hsup=""
	if usable csup; then
		say "bench_cpu csup"
		CPU_MARKS=()
		if cpu_setup csup; then
			sleep 5 # past the starts, two sample periods: a measuring delay
			cpu_windows csup "$(t_daemon_pid)" "$(t_helper_pids | tr '\n' ' ')"
			t_end
			kill_markers "${CPU_MARKS[@]}"
		fi
	fi
	CPU_MARKS=()
	if usable pm2; then
		say "bench_cpu pm2"
		cpu_setup pm2 && ppm2=$(t_daemon_pid) hpm2=$T_HOME
	fi
	if usable sup; then
		say "bench_cpu sup"
		cpu_setup sup && psup=$(t_daemon_pid) hsup=$T_HOME
	fi
	sleep 5 # past the starts: a measuring delay
	[ -z "$ppm2" ] || cpu_windows pm2 "$ppm2" &
	[ -z "$psup" ] || cpu_windows sup "$psup" &
	wait
	[ -z "$hsup" ] || { t_select sup "$hsup"; t_end; }
	[ -z "$hpm2" ] || { t_select pm2 "$hpm2"; t_end; }
	kill_markers "${CPU_MARKS[@]}"
}

# ---------------------------------------------------------------- 7
bench_extern() {
	local s f out val
	for s in worker search; do
		f="$SRC/bench/$s-bench.sh"
		if [ ! -f "$f" ]; then
			note "bench/$s-bench.sh absent: $s not measured"
			continue
		fi
		out="$OUT/raw/$s-bench.txt"
		say "running bench/$s-bench.sh"
		case $s in
		worker) BIN_DIR="$BUILD/bin" timeout 300 bash "$f" "$WORKER_N" >"$out" 2>&1 ;;
		search) BENCH_ROWS=$SEARCH_ROWS BENCH_QUERIES=$SEARCH_QUERIES timeout 420 sh "$f" "$BUILD" >"$out" 2>&1 ;;
		esac || {
			note "bench/$s-bench.sh failed: $(tail -n 1 "$out")"
			continue
		}
		# every "label: figures" line becomes a row
		grep -E '^[^ ].*: .*[0-9]' "$out" | grep -vE '^(generating|  built)' | tr -s ' ' |
			while IFS= read -r line; do
				val=${line#*: }
				row "$s: ${line%%: *}" "${val# }" "-" "-" "-" "-" "-" "-"
			done >>"$RUN/rows"
	done
}

# The worker soak of issue 9, short: BENCH_SOAK_RESTARTS (100) restarts.
bench_soak() {
	local f="$SRC/bench/soak-worker.sh" out="$OUT/raw/soak-worker.txt" rc line
	[ -f "$f" ] || { note "bench/soak-worker.sh absent"; return; }
	say "running bench/soak-worker.sh ($SOAK_N restarts)"
	SOAK_RESTARTS=$SOAK_N SOAK_EVERY=$(( SOAK_N / 4 > 0 ? SOAK_N / 4 : 1 )) \
		timeout 600 bash "$f" "$BUILD" >"$out" 2>&1
	rc=$?
	line=$(grep '^soak-worker: after ' "$out" | sed 's/^soak-worker: after //')
	case $rc in
	0|1) row "worker soak under csup: $SOAK_N restarts of claude-mem-worker with traffic" \
		"${line:-$(tail -n 1 "$out")}" "-" "-" "-" "-" "flat" "$(goal $rc)" >>"$RUN/rows" ;;
	2) note "worker soak not run: $(tail -n 1 "$out")" ;;
	*) note "worker soak failed ($rc): $(tail -n 1 "$out")" ;;
	esac
}

# ------------------------------------------------------------- targets
# bench_http_mem: the csup daemon's memory with 20 apps and CSUP_HTTP on
# (a free loopback port): csupd's RSS plus that of csup-http, the helper it
# runs for HTTP, to print beside the HTTP-off figure of bench_basic.
bench_http_mem() {
	local r
	for r in $(seq "$RUNS"); do
		MARKS=()
		t_begin csup
		export CSUP_HTTP=127.0.0.1:0
		spec_simple "$T_HOME/spec20" 1 20
		t_add "$T_HOME/spec20"
		if wait_for 60 marker_count_is 20 "${MARKS[@]}"; then
			mem_sample csup 20http
		else
			note "csup: 20 apps did not start with HTTP on (run $r)"
		fi
		t_end
		kill_markers "${MARKS[@]}"
		export CSUP_HTTP=off
	done
}

# targets: the three goals of the client/daemon redesign, PM2 beside each.
targets() {
	local c p r
	echo
	echo "### Targets of the two-program design (medians; PM2 in the same run)"
	echo
	echo "| target | csup | PM2 | csup : PM2 | goal | result |"
	echo "| --- | --- | --- | --- | --- | --- |"
	c=$(med csup status) p=$(med pm2 status) r=2
	[ -n "$c" ] && [ -n "$p" ] && { fcmp "$p" ge "$(awk -v c="$c" 'BEGIN { print c * 50 }')"; r=$?; }
	echo "| \`csup status --json\` vs \`pm2 jlist\`, 20 apps, ms | $(cell csup status 2) | $(cell pm2 status 1) | $(ratio "$c" "$p") | >= 50x faster | $(goal $r) |"
	c=$(med csup rssd20) p=$(med pm2 rssd20) r=2
	[ -n "$c" ] && { fcmp "$c" le 3072; r=$?; }
	echo "| daemon RSS, 20 apps, CSUP_HTTP=off, no health check, MiB | $(mib csup rssd20) | $(mib pm2 rssd20) | $(ratio "$c" "$p") | <= 3 MiB | $(goal $r) |"
	c=$(med csup rssdx20http)
	echo "| daemon RSS + its csup-http's (the HTTP API's process), 20 apps, CSUP_HTTP on, MiB | $(mib csup rssdx20http) | $(mib pm2 rssd20) | $(ratio "$c" "$p") | printed | - |"
	c=$(med csup pssh20) p=$(med pm2 pssd20) r=2
	[ -n "$c" ] && [ -n "$p" ] && { fcmp "$c" le "$(awk -v p="$p" 'BEGIN { print p / 10 }')"; r=$?; }
	echo "| daemon + $(med csup nhelp20 | cut -d. -f1) loggers PSS (csup) vs PM2's daemon PSS, 20 apps, MiB | $(mib csup pssh20) | $(mib pm2 pssd20) | $(ratio "$c" "$p") | <= 1/10 of PM2 | $(goal $r) |"
}

# ---------------------------------------------------------------- table
goal() { # goal COND-OK: holds / fails / n/a
	case $1 in 0) echo "holds" ;; 1) echo "**fails**" ;; *) echo "n/a" ;; esac
}

# mem_rows N: rows of the memory measures with N apps.
mem_rows() {
	local n=$1 kind label c p r
	for kind in rssd rssh pssh; do
		case $kind in
		rssd) label="daemon RSS, $n app(s), MiB (csup: daemon alone)" ;;
		rssh) label="daemon + helpers RSS, $n app(s), MiB (csup: + $(med csup "nhelp$n" | cut -d. -f1) loggers)" ;;
		pssh) label="daemon + helpers PSS, $n app(s), MiB" ;;
		esac
		c=$(med csup "$kind$n") p=$(med pm2 "$kind$n")
		r=2
		[ -n "$c" ] && [ -n "$p" ] && { fcmp "$c" le "$(awk -v p="$p" 'BEGIN { print p / 20 }')"; r=$?; }
		row "$label" "$(mib csup "$kind$n")" "$(mib pm2 "$kind$n")" "$(mib sup "$kind$n")" \
			"$(ratio "$c" "$p")" "$(ratio "$c" "$(med sup "$kind$n")")" "<= 1/20 of PM2" "$(goal $r)"
	done
}

mib() { # KiB figures as MiB
	usable "$1" || { echo "not measured: $(why "$1")"; return; }
	fmt3 1 "$(got "$1" "$2" | awk '{ printf "%f %f %f", $1 / 1024, $2 / 1024, $3 / 1024 }')"
}

# supcell METRIC DECIMALS: "default · asgroup" for supervisord's two settings.
supcell() {
	echo "$(cell sup "$1" "$2") · asgroup $(cell supg "$1" "$2")"
}

table() {
	local c p r pat g f
	echo "| measure | csup | PM2 | supervisord | csup : PM2 | csup : supervisord | goal | result |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
	if ! skip basic; then
		mem_rows 1
		mem_rows 20
		c=$(med csup status) p=$(med pm2 status) r=2
		[ -n "$c" ] && [ -n "$p" ] && { fcmp "$p" ge "$(awk -v c="$c" 'BEGIN { print c * 50 }')"; r=$?; }
		echo "| \`status\` latency, 20 apps, ms (csup status --json, pm2 jlist, supervisorctl status) | $(cell csup status 1) | $(cell pm2 status 1) | $(cell sup status 1) | $(ratio "$c" "$p") | $(ratio "$c" "$(med sup status)") | >= 50x faster than pm2 jlist | $(goal $r) |"
		[ ! -f "$DATA/csup.clientstart" ] ||
			echo "| csup client start alone, ms (\`csup version\`, no daemon contact; $CSUP_LIBS shared libraries) | $(cell csup clientstart 1) | - | - | - | - | - | - |"
		c=$(med csup restart) p=$(med pm2 restart) r=2
		[ -n "$c" ] && [ -n "$p" ] && { fcmp "$p" ge "$(awk -v c="$c" 'BEGIN { print c * 5 }')"; r=$?; }
		echo "| \`restart\` latency of an app that starts at once, ms | $(cell csup restart 1) | $(cell pm2 restart 1) | $(cell sup restart 1) | $(ratio "$c" "$p") | $(ratio "$c" "$(med sup restart)") | >= 5x faster than pm2 restart | $(goal $r) |"
	fi
	if ! skip tree; then
		c=$(got csup stoptree | awk '{ print $1 }') r=2
		[ -n "$c" ] && { fcmp "$c" le 1650; r=$?; }
		echo "| \`stop\` of an app with 200 processes, ms until it returns | $(cell csup stoptree 0) | $(cell pm2 stoptree 0) | $(supcell stoptree 0) | $(ratio "$c" "$(med pm2 stoptree)") | $(ratio "$c" "$(med sup stoptree)") | <= kill_timeout + 50 ms (1650) | $(goal $r) |"
		c=$(got csup tree_s0 | awk '{ print $3 }') r=2
		[ -n "$c" ] && { [ "$c" = 0 ]; r=$?; }
		echo "| survivors of those 200 when \`stop\` returns | $(cell csup tree_s0 0) | $(cell pm2 tree_s0 0) | $(supcell tree_s0 0) | - | - | 0 | $(goal $r) |"
		c=$(got csup tree_s1 | awk '{ print $3 }') r=2
		[ -n "$c" ] && { [ "$c" = 0 ]; r=$?; }
		echo "| survivors of those 200 one second later | $(cell csup tree_s1 0) | $(cell pm2 tree_s1 0) | $(supcell tree_s1 0) | - | - | 0 | $(goal $r) |"
	fi
	if ! skip orphans; then
		for pat in $PATTERNS; do
			c=$(med csup "orph0_$pat") f=$(med csupf "orph0_$pat") r=2
			[ -n "$c" ] && { [ "$c" = 0 ] && [ "${f:-0}" = 0 ]; r=$?; }
			g=$(med csup "gens_$pat")
			echo "| orphans: $(pat_name "$pat"), 5 restarts + stop: processes left (of ${g:-6} escapees + main) | $(ocell csup "$pat") · fallback $(ocell csupf "$pat") | $(ocell pm2 "$pat") | $(ocell sup "$pat") · asgroup $(ocell supg "$pat") | - | - | 0 where others leave some | $(goal $r) |"
		done
	fi
	if ! skip recover; then
		for pat in $PATTERNS; do
			c=$(med csup "rec_$pat") f=$(med csupf "rec_$pat") r=2
			[ -n "$c" ] && { [ "$c" = 0 ] && [ "${f:-0}" = 0 ]; r=$?; }
			echo "| kill -9 of the daemon + its recovery: $(pat_name "$pat"): duplicate or leftover processes | $(cell csup "rec_$pat" 0) · fallback $(cell csupf "rec_$pat" 0) | $(cell pm2 "rec_$pat" 0) | $(cell sup "rec_$pat" 0) | - | - | 0 | $(goal $r) |"
		done
		c=$(med csup recstop) f=$(med csupf recstop) r=2
		[ -n "$c" ] && { [ "$c" = 0 ] && [ "${f:-0}" = 0 ]; r=$?; }
		echo "| kill -9 + recovery, then \`stop all\`: processes left (6 apps) | $(cell csup recstop 0)$(which_ csup) · fallback $(cell csupf recstop 0)$(which_ csupf) | $(cell pm2 recstop 0)$(which_ pm2) | $(cell sup recstop 0)$(which_ sup) | - | - | 0 | $(goal $r) |"
	fi
	if ! skip cpu; then
		c=$(med csup cpu) r=2
		[ -n "$c" ] && { fcmp "$c" lt 1; r=$?; }
		echo "| daemon CPU, 20 apps x 10 processes, % of a core (csup: default 2 s samples; PM2 and supervisord measured together) | $(cell csup cpu 2) | $(cell pm2 cpu 2) | $(cell sup cpu 2) | $(ratio "$c" "$(med pm2 cpu)") | $(ratio "$c" "$(med sup cpu)") | < 1% | $(goal $r) |"
		if [ -f "$DATA/csup.cpuh" ]; then
			c=$(med csup cpuh) r=2
			[ -n "$c" ] && { fcmp "$c" lt 1; r=$?; }
			echo "| daemon + loggers CPU, same, % of a core | $(cell csup cpuh 2) | $(cell pm2 cpu 2) | $(cell sup cpu 2) | $(ratio "$c" "$(med pm2 cpu)") | $(ratio "$c" "$(med sup cpu)") | < 1% | $(goal $r) |"
		fi
	fi
	skip runtime || runtime_rows
	cat "$RUN/rows"
}

which_() { # which_ TOOL: " (pattern n, ...)" of the processes left after recovery + stop
	[ -s "$DATA/$1.recstop_which" ] && echo " ($(cat "$DATA/$1.recstop_which"))"
}

# ocell TOOL PATTERN: processes left after the restarts and stop; "at return"
# apart when it differs from one second later.
ocell() {
	local a b
	usable "$1" || { echo "not measured: $(why "$1")"; return; }
	a=$(med "$1" "orph0_$2") b=$(med "$1" "orph_$2")
	[ -n "$b" ] || { echo "n/a"; return; }
	if [ "$a" = "$b" ]; then echo "$b"; else echo "$b ($a when stop returned)"; fi
}

pat_name() {
	case $1 in
	plain) echo "plain child" ;;
	setsid) echo "setsid child" ;;
	double) echo "double fork" ;;
	envi) echo "env -i setsid child" ;;
	noterm) echo "TERM/INT-ignoring child" ;;
	setpgrp) echo "setpgrp child" ;;
	esac
}

each() { # each FUNCTION TOOLS...: run FUNCTION for each usable tool
	local fn=$1 t
	shift
	for t in "$@"; do
		usable "$t" || continue
		say "$fn $t"
		"$fn" "$t"
	done
}

# ---------------------------------------------------------------- main
# Everything runs from functions, so that bash has read the whole file
# before the first measure (an edit during a run cannot derail it).
main() {
	setup
	install_tools
	for t in csup pm2 sup; do usable "$t" || say "$t: $(why "$t")"; done
	MACHINE=$(machine)
	CSUP_LIBS=$(ldd "$CSUP" 2>/dev/null | grep -c '=>')

	skip basic || each bench_basic csup pm2 sup
	if ! skip basic && usable csup; then bench_http_mem; fi
	skip tree || each bench_tree csup pm2 sup supg
	skip orphans || each bench_orphans csup csupf pm2 sup supg
	skip recover || each bench_recover csup csupf pm2 sup
	skip cpu || bench_cpu
	skip extern || bench_extern
	skip runtime || bench_runtime
	if ! skip soak && usable csup; then bench_soak; fi

	{
		echo "# csup beside PM2 and supervisord"
		echo
		echo "$MACHINE"
		echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg); whole run $(( ($(now_us) - T0) / 1000000 )) s"
		echo "- csup kill mode in this run: $(cat "$DATA/csup.mode" 2>/dev/null || echo unknown); with CSUP_CGROUPS=0: $(cat "$DATA/csupf.mode" 2>/dev/null || echo unknown)"
		echo
		table
		skip basic || targets
		echo
		echo "Figures: median (min-max) over the runs. Ratios are csup : other (1 : 17 = csup uses or takes 1/17 of the other's)."
		echo "Every app is bench/app.sh (perl; no shell between the tool and the processes). supervisord runs with"
		echo "startsecs=0 (online once started, as csup and PM2 count it); its orphan and tree cells read"
		echo "\"default settings · stopasgroup+killasgroup\". PM2 runs with its defaults (treekill, SIGINT, 1600 ms)."
		echo "csup runs with its defaults (kill_signal SIGINT, kill_timeout 1600 ms, kill_mode group); its orphan and"
		echo "recovery cells read \"default mode (cgroup where the machine allows) · fallback (CSUP_CGROUPS=0)\"."
		if [ -s "$RUN/notes" ]; then
			echo
			echo "Notes of this run:"
			cat "$RUN/notes"
		fi
	} >"$OUT/results.md"
	cat "$OUT/results.md"
}

main "$@"; exit
