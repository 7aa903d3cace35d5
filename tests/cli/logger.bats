#!/usr/bin/env bats
# The per-app logger is its own small program, csup-logger, run by the
# daemon from the directory of its own executable: libc only, recognisable
# by its argv[0], and a missing one fails that app's spawn cleanly.

load ../lib/helpers

setup() {
	make_home
}

# The pid of the logger of app $1 (argv: csup-logger NAME OUT ...).
logger_pid() {
	local pid
	for pid in $(pids_with "$CSUP_HOME/logs/"); do
		tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "^csup-logger $1 " && echo "$pid"
	done
}

@test "csup-logger links libc only" {
	run ldd "$CSUP_BIN_DIR/csup-logger"
	echo "$output"
	[ "$status" -eq 0 ]
	# Under ASan the sanitizer runtimes come along; nothing else may.
	[ -z "$(grep '=>' <<<"$output" | grep -vE '^\s*lib(c|m|asan|ubsan|gcc_s|stdc\+\+)\.so')" ]
	run "$CSUP_BIN_DIR/csup-logger"
	[ "$status" -eq 2 ]
	[[ "$output" == "usage: csup-logger NAME"* ]]
}

@test "each app's logger is csup-logger from the daemon's directory" {
	csup start sh --name lg -- -c "echo hi-$MARK; while :; do sleep 0.2; done" >/dev/null
	wait_until 5 grep -q "hi-$MARK" "$CSUP_HOME/logs/lg-out.log"
	pid=$(logger_pid lg)
	[ -n "$pid" ]
	[ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$CSUP_BIN_DIR/csup-logger")" ]
	csup stop lg >/dev/null
	wait_until 5 eval '! alive "$pid"'
}

@test "a missing csup-logger fails the app's spawn, not the daemon" {
	mkdir "$WORK/bin"
	# The client and the daemon, without the logger.
	cp "$CSUP_BIN_DIR/csup" "$CSUP_BIN_DIR/csupd" "$WORK/bin/"
	CSUP="$WORK/bin/csup"
	run csup start sh --name nolog -- -c "while :; do sleep 0.2; done; $MARK"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$WORK/bin/csup-logger"* ]]
	no_process_with "$MARK"
	# The daemon is still there and serves the next command.
	csup ping --no-start >/dev/null
	csup status >/dev/null
}
