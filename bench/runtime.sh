# runtime.sh: sourced by bench/run.sh. `csup run` beside `pm2-runtime`, the
# container entry points, each with the two demo services (mem-worker and
# mem-search, the same fields in both files): supervisor memory, time from
# start until both services answer, time from SIGTERM until the supervisor
# has exited, and what it left. bench/runtime.py measures one run.
# shellcheck shell=bash

PM2_RUNTIME="$OUT/npm/node_modules/.bin/pm2-runtime"

# rt_files DIR WPORT SPORT: the ecosystem file of each tool in DIR.
rt_files() {
	local d=$1 wp=$2 sp=$3
	cat >"$d/eco.yaml" <<-EOF
	apps:
	  - name: claude-mem-worker
	    script: $BUILD/bin/mem-worker
	    env: { CLAUDE_MEM_WORKER_HOST: 127.0.0.1, CLAUDE_MEM_WORKER_PORT: $wp, CLAUDE_MEM_DATA_DIR: $d/data }
	    kill_signal: SIGTERM
	    kill_mode: main
	    kill_timeout: 5000
	  - name: claude-mem-search
	    script: $BUILD/bin/mem-search
	    args: [--http, "127.0.0.1:$sp"]
	    env: { CLAUDE_MEM_DATA_DIR: $d/data }
	    kill_signal: SIGTERM
	    kill_timeout: 3000
	EOF
	jq -n --arg bin "$BUILD/bin" --arg data "$d/data" --arg wp "$wp" --arg sp "$sp" '{apps: [
		{name: "claude-mem-worker", script: ($bin + "/mem-worker"), interpreter: "none",
		 env: {CLAUDE_MEM_WORKER_HOST: "127.0.0.1", CLAUDE_MEM_WORKER_PORT: $wp,
		       CLAUDE_MEM_DATA_DIR: $data},
		 kill_timeout: 5000},
		{name: "claude-mem-search", script: ($bin + "/mem-search"), interpreter: "none",
		 args: ["--http", ("127.0.0.1:" + $sp)], env: {CLAUDE_MEM_DATA_DIR: $data},
		 kill_timeout: 3000}]}' >"$d/eco.json"
}

rt_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# rt_one TOOL R: one measured run; its figures recorded under TOOL.
rt_one() {
	local tool=$1 r=$2 d m out wp sp cmd
	d="$RUN/rt-$tool-$r"
	mkdir -p "$d/data" "$d/home" "$d/pm2"
	new_marker m
	wp=$(rt_port) sp=$(rt_port)
	rt_files "$d" "$wp" "$sp"
	if [ "$tool" = rtcsup ]; then cmd=("$CSUP" run eco.yaml); else cmd=("$PM2_RUNTIME" eco.json); fi
	out=$(cd "$d" && WORKER_PORT=$wp SEARCH_PORT=$sp BENCH_RUNTIME_MARK="x$m" \
		BENCH_RUNTIME_LOG="$OUT/raw/runtime-$tool.log" \
		CSUP_HOME="$d/home" CSUP_HTTP=127.0.0.1:0 PM2_HOME="$d/pm2" \
		python3 "$SRC/bench/runtime.py" "$tool" 60 -- "${cmd[@]}")
	echo "$out" >>"$OUT/raw/runtime.jsonl"
	if [ -n "$(jq -r '.error // empty' <<<"$out")" ]; then
		note "$tool run $r: $(jq -r .error <<<"$out")"
		return 1
	fi
	rec "$tool" online "$(jq .online_ms <<<"$out")"
	rec "$tool" rss "$(jq .rss_kb <<<"$out")"
	rec "$tool" rssh "$(jq .helpers_kb <<<"$out")"
	rec "$tool" uss "$(jq .uss_kb <<<"$out")"
	rec "$tool" exit "$(jq .exit_ms <<<"$out")"
	rec "$tool" left "$(jq .left <<<"$out")"
	rec "$tool" code "$(jq .exit_code <<<"$out")"
}

bench_runtime() {
	local r
	# shellcheck disable=SC2034,SC2154 # WHY_*: install_tools sets, why() reads
	{
		WHY_rtcsup=$WHY_csup WHY_rtpm2=$WHY_pm2
		[ -x "$PM2_RUNTIME" ] || WHY_rtpm2="pm2-runtime missing (npm)"
	}
	if [ ! -x "$BUILD/bin/mem-worker" ] || [ ! -x "$BUILD/bin/mem-search" ]; then
		note "demo services not built: container mode not measured"
		return
	fi
	: >"$OUT/raw/runtime.jsonl"
	for r in $(seq "$RUNS"); do
		usable rtcsup && { say "runtime csup run ($r)"; rt_one rtcsup "$r"; }
		usable rtpm2 && { say "runtime pm2-runtime ($r)"; rt_one rtpm2 "$r"; }
	done
}

# The rows, in the table's columns (supervisord has no such mode).
runtime_rows() {
	local c p r
	c=$(med rtcsup rss) p=$(med rtpm2 rss)
	row "container mode, 2 demo services (csup run; pm2-runtime): supervisor RSS, MiB (csup: daemon; with its 2 loggers $(mib rtcsup rssh))" \
		"$(mib rtcsup rss)" "$(mib rtpm2 rss)" "-" "$(ratio "$c" "$p")" "-" "-" "-"
	c=$(med rtcsup uss) p=$(med rtpm2 uss) r=2
	[ -n "$c" ] && [ -n "$p" ] && { fcmp "$c" le "$(awk -v p="$p" 'BEGIN { print p / 10 }')"; r=$?; }
	row "container mode: supervisor + helpers private memory (USS), MiB" \
		"$(mib rtcsup uss)" "$(mib rtpm2 uss)" "-" "$(ratio "$c" "$p")" "-" "<= 1/10 of pm2-runtime" "$(goal $r)"
	c=$(med rtcsup online) p=$(med rtpm2 online) r=2
	[ -n "$c" ] && [ -n "$p" ] && { fcmp "$c" le "$p"; r=$?; }
	row "container mode: start until both services answer, ms" \
		"$(cell rtcsup online 0)" "$(cell rtpm2 online 0)" "-" "$(ratio "$c" "$p")" "-" "no slower than pm2-runtime" "$(goal $r)"
	c=$(got rtcsup left | awk '{ print $3 }') r=2
	[ -n "$c" ] && { [ "$c" = 0 ]; r=$?; }
	row "container mode: SIGTERM until the supervisor exited, ms (processes left: csup $(cell rtcsup left 0), pm2-runtime $(cell rtpm2 left 0); exit code csup $(cell rtcsup code 0), pm2-runtime $(cell rtpm2 code 0))" \
		"$(cell rtcsup exit 0)" "$(cell rtpm2 exit 0)" "-" "$(ratio "$(med rtcsup exit)" "$(med rtpm2 exit)")" "-" "0 processes left" "$(goal $r)"
}
