#!/usr/bin/env bats
# CPU figures are exact: cpu_seconds is the CPU time /proc shows for the
# generation's processes (per-process accounting in sample.c), not an
# estimate from cpu % x period; and status figures are at most one sample
# period old.

load ../lib/monitor

setup() {
	mon_setup
}

teardown() {
	mon_teardown
}

# proc_cpu PID: utime + stime in seconds.
proc_cpu() {
	"$PY" -c 'import os,sys
f = open("/proc/%s/stat" % sys.argv[1]).read().rsplit(")", 1)[1].split()
print((int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK"))' "$1"
}

burnt() { [ -e "$MTMP/burnt" ]; }

# cpu_matches PID: status cpu_seconds is /proc's CPU time (a tick or two apart).
cpu_matches() {
	local want got
	want=$(proc_cpu "$1")
	got=$(mon_app cpu_seconds burn)
	echo "cpu_seconds $got, /proc $want" >&2
	"$PY" -c 'import sys; g, w = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if w >= 0.7 and abs(g - w) <= 0.03 else 1)' "$got" "$want"
}

idle() { [ "$(mon_app cpu_percent "$1" | cut -d. -f1)" -le 5 ]; }

@test "cpu_seconds equals the CPU time of the app's processes in /proc" {
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: burn
	    script: $PY
	    args: ["-c", "import time,sys\nt = time.process_time()\nwhile time.process_time() - t < 0.8: pass\nopen(sys.argv[1], 'w').close()\ntime.sleep(1e6)", "$MTMP/burnt", "$MARK"]
	EOF
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 15 burnt
	pid=$(mon_app pid burn)
	# within a sample period or two the status figure equals /proc's
	wait_until 5 cpu_matches "$pid"
	run curl -fsS "$BASE/metrics"
	echo "$output" | grep -q "^csup_app_cpu_seconds_total{app=\"burn\"} "
	# idle now: the percentage falls back to about 0
	wait_until 5 idle burn
}
