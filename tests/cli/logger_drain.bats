#!/usr/bin/env bats
# csup kill while a logger is still draining: the drain is bounded (2 s
# after the apps are gone, then SIGTERM, then SIGKILL), no logger is left,
# and csup.log says how many lines were dropped.

bats_require_minimum_version 1.5.0
load ../lib/helpers

setup() {
	make_home
	READER=""
}

teardown() {
	[ -n "$READER" ] && kill "$READER" 2>/dev/null
	[ -n "$READER" ] && wait "$READER" 2>/dev/null
	cleanup_home
}

no_logger() { [ -z "$(pids_with "$WORK/slow.fifo")" ]; }
# blocked in write(2) (x86_64 syscall 1; aarch64 64): the FIFO is full
in_write() { local nr; read -r nr _ <"/proc/$1/syscall" && { [ "$nr" = 1 ] || [ "$nr" = 64 ]; }; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }

@test "csup kill ends a logger stuck draining into a slow file, and counts what it dropped" {
	# The out_file is a FIFO whose reader never reads: once its 64 KiB are
	# full the logger blocks, with the app's lines still in its pipe.
	mkfifo "$WORK/slow.fifo"
	sleep 300 <"$WORK/slow.fifo" &	# holds the read end open, reads nothing
	READER=$!
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: drain
	    script: /bin/sh
	    args: ["-c", "yes 'a line of output from the app $MARK' | head -n 200000; exec sleep $SLEEPN"]
	    out_file: $WORK/slow.fifo
	    kill_signal: SIGTERM
	EOF
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	logger=$(pids_with "$WORK/slow.fifo" | head -n1)
	[ -n "$logger" ]
	# the logger is stuck writing into the full FIFO, the app's lines
	# still in its pipe (a logger merely idle in poll would drain at EOF)
	wait_until 20 in_write "$logger"
	t0=$(ms)
	run timeout 30 "$CSUP" kill
	t=$(( $(ms) - t0 ))
	echo "kill took $t ms: $output"
	[ "$status" -eq 0 ]
	# bounded: 2 s of drain, 1 s after SIGTERM, with a margin for a loaded machine
	[ "$t" -lt 15000 ]
	no_logger
	run ! alive "$logger"
	grep -q "loggers still draining after 2 s: ending them (1)" "$CSUP_HOME/csup.log"
	grep -Eq "csup logger drain: ended by the daemon while draining: [1-9][0-9]* lines dropped" \
	    "$CSUP_HOME/csup.log"
}
