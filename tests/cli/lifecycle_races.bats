# ctest: noasan (each automatic restart source raced against stop, delete and kill: behaviour under timing; the same code runs under ASan in test_csup_lifecycle and the core CLI tests; minutes under ASan on two cores)
# A client's intent wins over every automatic restart: once `stop`,
# `delete` or `kill` has begun, no restart from the memory or process
# limit, a health check, watch, cron or a readiness timeout starts the app
# again, and the command returns within kill_timeout + 2 s, leaving no
# process of the app (checked by marker and by pid).
#
# The apps ignore SIGINT (their kill_signal), so each stop lasts its whole
# kill_timeout: the window in which a sample, a check or a timer used to
# turn the stop back into a restart.

load ../lib/lifecycle

# The automatic restart sources. Three apps a source, a, b and c, with
# kill_timeout 1500, 4000 and 8000 ms: all three begin their restart
# together, then `stop a` lands in a's restart, `delete b` in b's (still
# under way), and `kill` in c's.
src_apps() {
	local src=$1 extra n kt body
	: >"$WORK/$src.yaml"
	echo "apps:" >>"$WORK/$src.yaml"
	for n in 1 2 3; do
		kt=$(( n == 1 ? 1500 : n == 2 ? 4000 : 8000 ))
		body="sleep ${SLEEPN}$n"
		case $src in
		memory)	body="$PY -c 'import time; b = bytes(range(256)) * (60 << 12); time.sleep(1e6)' ${MARK}$n"
			extra="max_memory_restart: 40M" ;;
		leak)	body="for i in 1 2 3 4 5; do sleep ${SLEEPN}$n & done; wait"
			extra="max_processes: 3" ;;
		health)	extra="health: {tcp: \"127.0.0.1:$DEAD\", interval: 200, timeout: 500, retries: 1}" ;;
		watch)	extra="watch: [\"$WDIR\"]
    watch_delay: 100" ;;
		# every 10 s (seconds first): the race, without waiting up to a
		# minute for the next minute's restart
		cron)	extra="cron_restart: \"*/10 * * * * *\"" ;;
		ready)	extra="wait_ready: true
    listen_timeout: 500
    restart_delay: 20000" ;;
		esac
		cat >>"$WORK/$src.yaml" <<-EOF
		  - name: $src$n
		    script: /bin/sh
		    args: ["-c", "trap '' INT; $body; : ${MARK}$n"]
		    kill_timeout: $kt
		    $extra
		EOF
	done
}

# The log line that says the source's restart of app $1 has begun.
begun() {
	case $2 in
	ready) grep -q " $1: waiting: restart in" "$CSUP_HOME/csup.log" ;;
	*) grep -q " $1: stop: SIGINT" "$CSUP_HOME/csup.log" ;;
	esac
}

all_begun() {
	begun "$1"1 "$1" && begun "$1"2 "$1" && begun "$1"3 "$1"
}

# Nothing of app number $1 runs (by its marker and its sleep).
app_gone() {
	no_process_with "${MARK}$1" && no_process_with "sleep ${SLEEPN}$1"
}

# re-read at each poll
# describe has watch_status (null when all is well) once the watches are set
watching() {
	csup describe "$1" --json 2>/dev/null |
		python3 -c 'import json,sys; sys.exit("watch_status" not in json.load(sys.stdin))'
}
all_watching() { watching "$1"1 && watching "$1"2 && watching "$1"3; }
spawns() { grep -c " $1: spawn: " "$CSUP_HOME/csup.log" || true; }

listed() { [ "$(status_field "len([a for a in j if a['name']=='$1'])")" -eq 1 ]; }

# a stays stopped and b forgotten, nothing of either running, for $1 ms.
settled() {
	local end=$(( $(now_ms) + $1 ))
	while [ "$(now_ms)" -le "$end" ]; do
		app_state_is "$SRC"1 stopped && app_gone 1 && ! listed "$SRC"2 && app_gone 2 ||
			{ echo "a restart came back" >&2; return 1; }
		sleep 0.1
	done
}

race() {
	SRC=$1
	DEAD=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	WDIR="$CSUP_HOME.w"
	mkdir -p "$WDIR"
	src_apps "$SRC"
	run csup start "$WORK/$SRC.yaml"
	echo "$output" >&2
	[ "$SRC" = ready ] || [ "$status" -eq 0 ]
	dpid=$(daemon_pid)
	p1=$(main_pid "$SRC"1)
	p2=$(main_pid "$SRC"2)
	if [ "$SRC" = watch ]; then
		wait_until 20 all_watching "$SRC"
		touch "$WDIR/change"
	fi
	wait_until 75 all_begun "$SRC"
	status_field "[(a['name'], a['state']) for a in j]" >&2

	timed stop "$SRC"1
	[ "$status" -eq 0 ]
	within 3500
	pid_gone "$p1"
	app_gone 1
	app_state_is "$SRC"1 stopped
	n1=$(spawns "$SRC"1)

	timed delete "$SRC"2
	[ "$status" -eq 0 ]
	within 6000
	pid_gone "$p2"
	app_gone 2
	run listed "$SRC"2
	[ "$status" -ne 0 ]
	n2=$(spawns "$SRC"2)

	settled 1000
	timed kill
	[ "$status" -eq 0 ]
	within 10000
	daemon_gone "$dpid"
	nothing_left
	[ "$(spawns "$SRC"1)" -eq "$n1" ]
	[ "$(spawns "$SRC"2)" -eq "$n2" ]
	rm -rf "$WDIR"
}

@test "stop, delete, kill during a max_memory_restart restart" { race memory; }
@test "stop, delete, kill during a max_processes (leak) restart" { race leak; }
@test "stop, delete, kill during a health restart" { race health; }
@test "stop, delete, kill during a watch restart" { race watch; }
@test "stop, delete, kill during a cron restart" { race cron; }
@test "stop, delete, kill during a readiness-timeout restart" { race ready; }
