#!/usr/bin/env bats
# csup run follows the command line's rules: an unknown option is exit 2
# with a suggestion, and --help works wherever it is given.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	make_home
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: one
	    script: sleep
	    args: ["$SLEEPN"]
	EOF
}

@test "run: a mistyped option is exit 2 with the nearest option suggested" {
	run -2 --separate-stderr csup run "$WORK/eco.yaml" --jsn
	[[ "$stderr" == *"unknown option '--jsn'"* ]]
	[[ "$stderr" == *"did you mean '--json'?"* ]]
	# nothing was started: no daemon answers in this home
	run ! csup ping --no-start
}

@test "run: --help after FILE prints the usage and exits 0" {
	run -0 csup run "$WORK/eco.yaml" --help
	[[ "$output" == usage:\ csup\ run* ]]
	run ! csup ping --no-start
}
