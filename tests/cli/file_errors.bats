#!/usr/bin/env bats
# A file that cannot be read is reported in one form by every command that
# loads one (FILE: message, exit 2, nothing started); `check` prints the
# log paths an app will use, the defaults under $CSUP_HOME included.

bats_require_minimum_version 1.5.0
load ../lib/helpers

setup() {
	make_home
}

teardown() {
	cleanup_home
}

@test "a missing file: the same 'FILE: message' line from check, start and reload" {
	for cmd in check start reload; do
		run --separate-stderr "$CSUP" "$cmd" "$WORK/nope-$MARK.yaml"
		echo "$cmd: $status $stderr"
		[ "$status" -eq 2 ]
		[ "$stderr" = "$WORK/nope-$MARK.yaml: cannot open: No such file or directory" ]
	done
	no_process_with "$MARK"
}

@test "a folder given as the file: one line naming it, exit 2, from check and reload" {
	for cmd in check reload; do
		run --separate-stderr "$CSUP" "$cmd" "$WORK"
		echo "$cmd: $status $stderr"
		[ "$status" -eq 2 ]
		[ "$stderr" = "$WORK: cannot read: Is a directory" ]
	done
}

@test "check prints the default log paths, a merged group's shared ones, and /dev/null as given" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: web
	    script: sleep
	    args: ["$SLEEPN"]
	    instances: 2
	    merge_logs: true
	  - name: quiet
	    script: sleep
	    out_file: /dev/null
	EOF
	run --separate-stderr "$CSUP" check --json "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	printf '%s' "$output" >"$WORK/check.json"
	python3 -c '
import json, sys
home = sys.argv[1]
apps = {a["name"]: a for a in json.load(open(sys.argv[2]))}
for n in ("web-0", "web-1"):
    assert apps[n]["out_file"] == home + "/logs/web-out.log", apps[n]["out_file"]
    assert apps[n]["error_file"] == home + "/logs/web-err.log", apps[n]["error_file"]
assert apps["quiet"]["out_file"] == "/dev/null"
assert apps["quiet"]["error_file"] == home + "/logs/quiet-err.log"
' "$CSUP_HOME" "$WORK/check.json"
	# and in the text form
	run "$CSUP" check "$WORK/eco.yaml"
	[[ "$output" == *"out_file"*"$CSUP_HOME/logs/web-out.log"* ]]
	# check creates nothing: no home, no daemon
	[ ! -e "$CSUP_HOME/logs" ]
	[ ! -e "$CSUP_HOME/csup.sock" ]
}
