# tests/lib/e2e.bash: helpers of the end-to-end scenario of issue 9, shared
# by tests/test-process-cleanup.sh and bench/soak-worker.sh. They fork little
# (one grep for a /proc scan, one jq a status read): the scenario polls a lot
# and the machine may be loaded. Needs CSUP (the csup binary) set.

# shellcheck source=poll.bash
. "${BASH_SOURCE[0]%/*}/poll.bash"

# free_ports N: N distinct ports the kernel says are free right now.
free_ports() {
	python3 -c '
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}

# alive PID: a live process (a zombie is dead).
alive() {
	local st
	read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ] && [ "${st%% *}" != X ]
}

gone() { ! alive "$1"; }

# app_get APP FIELD: one field of APP in `csup status --json` (objects as
# JSON, null as "null").
app_get() {
	"$CSUP" status --json 2>/dev/null | jq -r --arg n "$1" --arg f "$2" \
	    '.[] | select(.name == $n) | .[$f] | if type == "object" then tojson else . end'
}

# scan_home ID: the live processes whose environment holds
# CSUP_APP=ID:APP:GEN, one "pid app gen ppid" a line.
scan_home() {
	local pid app gen st rest
	grep -a -z -H -s "^CSUP_APP=$1:" /proc/[0-9]*/environ | tr '\0' '\n' |
	    sed -n 's|^/proc/\([0-9]*\)/environ:CSUP_APP=[^:]*:\([^:]*\):\([0-9]*\)$|\1 \2 \3|p' |
	    while read -r pid app gen; do
		read -r st 2>/dev/null <"/proc/$pid/stat" || continue
		rest=${st##*) }
		# shellcheck disable=SC2086  # split the fields
		set -- $rest
		[ "$1" = Z ] || [ "$1" = X ] && continue
		echo "$pid $app $gen $2"
	    done
}

# count_app SCAN_OUTPUT_FILE APP: how many lines of APP.
count_app() { awk -v a="$2" '$2 == a' "$1" | wc -l; }

# home_id_of PID: the home part of CSUP_APP in PID's environment.
home_id_of() {
	local t
	t=$(tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | sed -n 's/^CSUP_APP=//p' | head -n1)
	echo "${t%:*:*}"
}

# eco_copy SRC_DIR BIN_DIR WORKER_PORT SEARCH_PORT: configs/ecosystem.yaml
# on stdout with this build's binaries and the given ports.
eco_copy() {
	sed -e "s#\.\./build/bin/#$2/#g" -e "s/37777/$3/g" -e "s/27778/$4/g" \
	    "$1/configs/ecosystem.yaml"
}
