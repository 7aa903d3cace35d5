#!/usr/bin/env bats
# Logs as PM2 users read them: ID|NAME prefixes on a terminal, raw lines in
# a pipe; --raw, --out, --err, --timestamp, --nostream, --lines.

load ../lib/helpers

setup() {
	make_home
	csup start sh --name talk -- -c "echo out-$MARK; echo err-$MARK >&2; exec sleep $SLEEPN" >/dev/null
	both() { grep -q "err-$MARK" "$CSUP_HOME/logs/talk-err.log" &&
	    grep -q "out-$MARK" "$CSUP_HOME/logs/talk-out.log"; }
	wait_until 10 both
}

@test "in a pipe: raw lines, out then err, and it exits" {
	run timeout 10 "$CSUP" logs talk
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "out-$MARK" ]
	[ "${lines[1]}" = "err-$MARK" ]
	run timeout 10 "$CSUP" logs talk --err
	[ "$output" = "err-$MARK" ]
	run timeout 10 "$CSUP" logs 0 --out --timestamp
	[[ "$output" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9:]{8}:\ out-$MARK$ ]]
	run timeout 10 "$CSUP" logs talk --lines 0
	[ -z "$output" ]
}

@test "on a terminal: ID|NAME prefixes, NO_COLOR honoured, --raw, --nostream" {
	run timeout 10 script -qec "NO_COLOR=1 $CSUP logs talk --nostream" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"0|talk | out-$MARK"* ]]
	[[ "$output" == *"0|talk | err-$MARK"* ]]
	[[ "$output" != *$'\033['* ]]
	run timeout 10 script -qec "$CSUP logs talk --nostream" /dev/null
	[[ "$output" == *$'\033['* ]]
	run timeout 10 script -qec "$CSUP logs talk --nostream --raw" /dev/null
	[[ "$output" != *"0|talk"* ]]
	[[ "$output" == *"out-$MARK"* ]]
	# without --nostream it follows: still running after a while
	run timeout 2 script -qec "$CSUP logs talk" /dev/null
	[ "$status" -eq 124 ]
}
