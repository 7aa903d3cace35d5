# shellcheck shell=bash
# drivers.sh: one interface over the three supervisors (sourced by bench/run.sh).
#
# Tools: csup, csupf (csup with CSUP_CGROUPS=0: its fallback mode), pm2, sup
# (supervisord, default settings), supg (supervisord with stopasgroup=true
# and killasgroup=true). Every instance has its own home
# (CSUP_HOME, PM2_HOME, supervisord config + socket), recorded in
# $RUN/instances so that the final cleanup ends it whatever happened.
#
# An app spec file holds one app a line: NAME ARG... ; each app runs
# bench/app.sh ARG... (the same command under every tool).
#
#   t_begin TOOL           new instance (sets T_HOME); supervisord is started
#   t_add SPECFILE         add and start the apps of SPECFILE
#   t_status_cmd           the status command, as words (for hyperfine -N)
#   t_restart_cmd NAME     the restart command, as words
#   t_stop NAME|all        stop, returns when the tool returns
#   t_restart_all
#   t_online_count         apps the tool reports online
#   t_daemon_pid           the daemon's pid
#   t_helper_pids          helper processes of the daemon (csup's loggers)
#   t_kill9                (pm2: `pm2 save` first) SIGKILL the daemon
#   t_recover              the tool's own recovery after its daemon died
#   t_end                  the tool's own shutdown, then wait for the daemon

CLI_TIMEOUT=${CLI_TIMEOUT:-120}

# Run a tool command, its output into the instance's log.
t_run() {
	echo "+ $*" >>"$T_HOME/cli.log"
	timeout "$CLI_TIMEOUT" "$@" </dev/null >>"$T_HOME/cli.log" 2>&1
}

t_begin() {
	T_TOOL=$1
	T_SEQ=$(( ${T_SEQ:-0} + 1 ))
	case $T_TOOL in
	pm2)
		# PM2_HOME holds its unix sockets: keep the path short enough.
		T_HOME="$OUT/pm2-$T_SEQ"
		[ ${#T_HOME} -gt 80 ] && T_HOME="$RUN/pm2-$T_SEQ"
		rm -rf "$T_HOME"
		;;
	*)
		T_HOME="$RUN/$T_TOOL-$T_SEQ"
		;;
	esac
	mkdir -p "$T_HOME"
	echo "$T_TOOL $T_HOME" >>"$RUN/instances"
	case $T_TOOL in
	csup|csupf)
		export CSUP_HOME="$T_HOME/home" CSUP_HTTP=off
		unset CSUP_SAMPLE_MS CSUP_CGROUPS
		# csupf: csup in its fallback mode (no cgroup), as tests run it
		[ "$T_TOOL" = csup ] || export CSUP_CGROUPS=0
		;;
	pm2)
		export PM2_HOME="$T_HOME"
		;;
	sup|supg)
		sup_conf "$T_HOME" >"$T_HOME/sup.conf"
		mkdir -p "$T_HOME/progs"
		t_run supervisord -c "$T_HOME/sup.conf" &&
			wait_for 20 t_run supervisorctl -c "$T_HOME/sup.conf" pid
		;;
	esac
}

sup_conf() {
	cat <<EOF
[unix_http_server]
file=$1/sup.sock
[supervisord]
logfile=$1/supervisord.log
pidfile=$1/supervisord.pid
childlogdir=$1
nodaemon=false
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://$1/sup.sock
[include]
files=$1/progs/*.conf
EOF
}

# t_add SPECFILE
t_add() {
	local spec=$1 n=0 name args a
	n=$(( ${T_ADDS:-0} + 1 ))
	T_ADDS=$n
	case $T_TOOL in
	csup|csupf)
		{
			echo "apps:"
			while read -r name args; do
				echo "  - name: $name"
				echo "    script: $APP"
				echo "    interpreter: none"
				printf '    args: ['
				local sep=""
				for a in $args; do printf '%s"%s"' "$sep" "$a"; sep=", "; done
				echo "]"
			done <"$spec"
		} >"$T_HOME/eco-$n.yaml"
		t_run "$CSUP" start "$T_HOME/eco-$n.yaml"
		;;
	pm2)
		{
			echo '{"apps": ['
			local first=1
			while read -r name args; do
				[ $first -eq 1 ] || echo ","
				first=0
				printf '{"name": "%s", "script": "%s", "interpreter": "none", "args": [' "$name" "$APP"
				local sep=""
				for a in $args; do printf '%s"%s"' "$sep" "$a"; sep=", "; done
				printf ']}'
			done <"$spec"
			echo ']}'
		} >"$T_HOME/eco-$n.json"
		t_run "$PM2" start "$T_HOME/eco-$n.json"
		;;
	sup|supg)
		while read -r name args; do
			{
				echo "[program:$name]"
				echo "command=$APP $args"
				echo "startsecs=0"
				if [ "$T_TOOL" = supg ]; then
					echo "stopasgroup=true"
					echo "killasgroup=true"
				fi
			} >"$T_HOME/progs/$name.conf"
		done <"$spec"
		t_run supervisorctl -c "$T_HOME/sup.conf" update
		;;
	esac
}

# t_select TOOL HOME: make an instance begun earlier the current one again.
t_select() {
	T_TOOL=$1 T_HOME=$2
	case $1 in
	csup|csupf) export CSUP_HOME="$2/home" ;;
	pm2) export PM2_HOME="$2" ;;
	esac
}

t_status_cmd() {
	case $T_TOOL in
	csup|csupf) echo "$CSUP status --json" ;;
	pm2) echo "$PM2 jlist" ;;
	sup|supg) echo "supervisorctl -c $T_HOME/sup.conf status" ;;
	esac
}

t_restart_cmd() {
	case $T_TOOL in
	csup|csupf) echo "$CSUP restart $1" ;;
	pm2) echo "$PM2 restart $1" ;;
	sup|supg) echo "supervisorctl -c $T_HOME/sup.conf restart $1" ;;
	esac
}

t_stop() {
	case $T_TOOL in
	csup|csupf) t_run "$CSUP" stop "$1" ;;
	pm2) t_run "$PM2" stop "$1" ;;
	sup|supg) t_run supervisorctl -c "$T_HOME/sup.conf" stop "$1" ;;
	esac
}

t_restart_all() {
	# shellcheck disable=SC2046
	t_run $(t_restart_cmd all)
}

t_online_count() {
	case $T_TOOL in
	csup|csupf)
		timeout "$CLI_TIMEOUT" "$CSUP" status --json 2>/dev/null |
			jq '[.[] | select(.state == "online")] | length' 2>/dev/null
		;;
	pm2)
		timeout "$CLI_TIMEOUT" "$PM2" jlist 2>/dev/null |
			jq '[.[] | select(.pm2_env.status == "online")] | length' 2>/dev/null
		;;
	sup|supg)
		timeout "$CLI_TIMEOUT" supervisorctl -c "$T_HOME/sup.conf" status 2>/dev/null |
			grep -c ' RUNNING '
		;;
	esac
}

# t_online_is N
t_online_is() {
	[ "$(t_online_count)" = "$1" ]
}

t_daemon_pid() {
	case $T_TOOL in
	csup|csupf) timeout 10 "$CSUP" ping --no-start 2>/dev/null | head -n 1 ;;
	pm2) cat "$PM2_HOME/pm2.pid" 2>/dev/null ;;
	sup|supg) cat "$T_HOME/supervisord.pid" 2>/dev/null ;;
	esac
}

# csup's per-app loggers: `csup-logger NAME OUT ...`, OUT under $CSUP_HOME.
t_helper_pids() {
	local p
	case $T_TOOL in csup|csupf) ;; *) return 0 ;; esac
	grep -zlE -- "^${CSUP_HOME}/log[s]/" /proc/[0-9]*/cmdline 2>/dev/null |
		sed -n 's#^/proc/\([0-9]*\)/cmdline$#\1#p' |
		while read -r p; do
			tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q '^csup-logger ' && echo "$p"
		done
}

t_kill9() {
	local pid
	[ "$T_TOOL" = pm2 ] && t_run "$PM2" save
	pid=$(t_daemon_pid)
	[ -n "$pid" ] || return 1
	kill -KILL "$pid" 2>/dev/null
	wait_for 10 pid_gone "$pid"
}

t_recover() {
	case $T_TOOL in
	csup|csupf) t_run "$CSUP" status ;;
	pm2) t_run "$PM2" resurrect ;;
	sup|supg) t_run supervisord -c "$T_HOME/sup.conf" ;;
	esac
}

t_end() {
	local pid
	pid=$(t_daemon_pid)
	case $T_TOOL in
	csup|csupf) t_run "$CSUP" kill ;;
	pm2) t_run "$PM2" kill ;;
	sup|supg) pid_alive "$pid" && t_run supervisorctl -c "$T_HOME/sup.conf" shutdown ;;
	esac
	if [ -n "$pid" ] && ! wait_for 20 pid_gone "$pid"; then
		echo "bench: $T_TOOL daemon $pid still alive after its shutdown: SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	echo "$T_HOME" >>"$RUN/ended"
	return 0
}

# End every instance ever begun (the cleanup path: quiet, best effort).
t_end_all() {
	local tool home
	[ -f "$RUN/instances" ] || return 0
	while read -r tool home; do
		grep -qxF "$home" "$RUN/ended" 2>/dev/null && continue
		t_select "$tool" "$home"
		CLI_TIMEOUT=30 t_end
	done <"$RUN/instances"
}
