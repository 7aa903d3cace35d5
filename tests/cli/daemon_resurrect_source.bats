#!/usr/bin/env bats
# `csup resurrect` and a daemon's recovery keep each app's ecosystem file,
# so a later `reload FILE` still deletes the apps the file no longer has.

load ../lib/helpers

setup() {
	make_home
}

write_eco() {
	{
		echo "apps:"
		for n in "$@"; do
			printf '  - name: %s\n    script: sleep\n    args: ["%s"]\n' "$n" "$SLEEPN"
		done
	} >"$WORK/eco.yaml"
}

names() {
	csup status --json | python3 -c 'import json,sys; print(" ".join(sorted(a["name"] for a in json.load(sys.stdin))))'
}

source_of() {
	csup describe "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["source"])'
}

@test "resurrect keeps the source: reload FILE deletes a removed app" {
	write_eco keep gone
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	run csup kill
	[ "$status" -eq 0 ]
	run csup resurrect
	[ "$status" -eq 0 ]
	[ "$(names)" = "gone keep" ]
	[ "$(source_of gone)" = "$(realpath "$WORK/eco.yaml")" ]
	write_eco keep
	run csup reload "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	[ "$(names)" = "keep" ]
	[ "$(count_with "sleep $SLEEPN")" -eq 1 ]
}

@test "a daemon recovering after kill -9 keeps the source" {
	write_eco keep gone
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	pid=$(daemon_pid)
	kill -9 "$pid"
	wait_until 5 eval '! alive $pid'
	[ "$(names)" = "gone keep" ]
	[ "$(source_of keep)" = "$(realpath "$WORK/eco.yaml")" ]
	write_eco keep
	run csup reload "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	[ "$(names)" = "keep" ]
}
