#!/usr/bin/env bats
# A mistyped command is bad usage like a mistyped option: exit 2 and the
# nearest command suggested; nothing is started.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	make_home
}

@test "a mistyped command is exit 2 with the nearest command suggested" {
	run -2 --separate-stderr csup stauts
	[[ "$stderr" == *"unknown command 'stauts', did you mean 'status'?"* ]]
	run -2 --separate-stderr csup relaod
	[[ "$stderr" == *"did you mean 'reload'?"* ]]
	run ! csup ping --no-start
}

@test "a command far from every other gets no suggestion, still exit 2" {
	run -2 --separate-stderr csup xyzzyq
	[[ "$stderr" == *"unknown command 'xyzzyq'"* ]]
	[[ "$stderr" != *"did you mean"* ]]
}
