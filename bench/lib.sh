# shellcheck shell=bash
# lib.sh: helpers of the benchmark (sourced by bench/run.sh): clocks,
# statistics, processes found by unique marker, memory and CPU of a pid set.

# Microseconds since the epoch, without a fork.
now_us() {
	local t=$EPOCHREALTIME
	echo $(( ${t%.*} * 1000000 + 10#${t#*.} ))
}

# Poll CMD... every 50 ms until it succeeds or SECONDS_MAX pass; 1 on timeout.
wait_for() {
	local deadline=$(( $(now_us) + $1 * 1000000 ))
	shift
	until "$@"; do
		[ "$(now_us)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# stat3 < numbers: "median min max" (empty input: nothing).
stat3() {
	sort -g | awk '{ v[NR] = $1 }
	END {
		if (NR == 0) exit
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%s %s %s\n", m, v[1], v[NR]
	}'
}

# fmt3 DECIMALS "median min max": "12.3 (11.9-13.0)"; a single value alone.
fmt3() {
	[ -n "$2" ] || { echo "n/a"; return; }
	# shellcheck disable=SC2086
	set -- "$1" $2
	awk -v d="$1" -v m="$2" -v lo="$3" -v hi="$4" 'BEGIN {
		f = "%." d "f"
		if (lo == hi) printf f "\n", m
		else printf f " (" f "-" f ")\n", m, lo, hi
	}'
}

# ratio CSUP OTHER: "1 : 17.3" when csup is the smaller, "2.1 : 1" otherwise.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || b == "" || a <= 0 || b <= 0) { print "-"; exit }
		r = b / a
		if (r >= 1) printf "1 : %.*f\n", (r >= 10 ? 0 : 1), r
		else printf "%.*f : 1\n", (1 / r >= 10 ? 0 : 1), 1 / r
	}'
}

# fcmp A OP B: float comparison through awk (OP: le lt ge gt).
fcmp() {
	awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
		if (a == "" || b == "") exit 1
		if (op == "le") exit !(a + 0 <= b + 0)
		if (op == "lt") exit !(a + 0 < b + 0)
		if (op == "ge") exit !(a + 0 >= b + 0)
		exit !(a + 0 > b + 0)
	}'
}

# A fresh marker (a number no other process on the machine carries as a whole
# argument), recorded so that the final cleanup can end whatever carries it.
# new_marker VAR
new_marker() {
	MARK_SEQ=$(( MARK_SEQ + 1 ))
	printf -v "$1" '%d' $(( MARK_BASE + MARK_SEQ ))
	echo "${!1}" >>"$RUN/markers"
}

# Pids of the processes having one of MARKERS as a whole argument. The
# pattern handed to grep is wrapped in parentheses so grep never matches itself.
marker_pids() {
	local re
	re="($(IFS='|'; echo "$*"))"
	grep -zxlE -- "$re" /proc/[0-9]*/cmdline 2>/dev/null |
		sed -n 's#^/proc/\([0-9]*\)/cmdline$#\1#p'
}

marker_count() {
	marker_pids "$@" | wc -l
}

# marker_count_is N MARKERS...: the number of marked processes is N.
marker_count_is() {
	local n=$1
	shift
	[ "$(marker_count "$@")" -eq "$n" ]
}

# SIGKILL every process carrying one of MARKERS (by pid, never by name).
kill_markers() {
	local p
	[ $# -gt 0 ] || return 0
	for p in $(marker_pids "$@"); do
		kill -KILL "$p" 2>/dev/null
	done
	return 0
}

# Lines of FILE (0 when missing).
lines() {
	if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

# Sum over PIDS of VmRSS, in KiB.
rss_kb() {
	local p sum=0 v
	for p in "$@"; do
		v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		sum=$(( sum + ${v:-0} ))
	done
	echo "$sum"
}

# Sum over PIDS of the proportional set size (shared pages split between the
# processes sharing them), in KiB.
pss_kb() {
	local p sum=0 v
	for p in "$@"; do
		v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
		sum=$(( sum + ${v:-0} ))
	done
	echo "$sum"
}

# Sum over PIDS of utime + stime, in clock ticks (the fields after the
# command name, which may hold spaces: "PM2 v7.0.4: God Daemon").
cpu_ticks() {
	local p sum=0 s rest
	for p in "$@"; do
		s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		rest=${s##*) }
		# shellcheck disable=SC2086
		set -- $rest
		sum=$(( sum + ${12} + ${13} ))
	done
	echo "$sum"
}

pid_alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null
}

pid_gone() {
	! pid_alive "$1"
}
