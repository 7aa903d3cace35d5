# ctest: noasan (valgrind and ASan do not mix; this one runs in the plain build)
# bats file: a short daemon session under valgrind memcheck (issue 12): every
# command once, then `csup kill`. Any memcheck error or a definite/indirect
# leak at exit fails the test (--error-exitcode=1). valgrind runs the daemon
# itself: `csup daemon` execs it, and valgrind does not follow an exec by
# default. csupd is a static executable, in which memcheck can replace
# neither malloc nor glibc's string functions: the build makes csupd-dynamic,
# the same objects linked against the shared libraries, for this test (the
# sanitizer build's csupd is dynamic already).

load ../lib/helpers

setup() {
	command -v valgrind >/dev/null || require_or_skip "valgrind not installed"
	make_home
	VPID=""
	VG_DAEMON=$CSUP_BIN_DIR/csupd-dynamic
	[ -x "$VG_DAEMON" ] || VG_DAEMON=$CSUP_BIN_DIR/csupd
}

teardown() {
	if [ -n "$VPID" ]; then
		"$CSUP" kill >/dev/null 2>&1 || true
		kill "$VPID" 2>/dev/null || true
		wait "$VPID" 2>/dev/null || true
	fi
	cleanup_home
}

pinged() {
	"$CSUP" ping --no-start >/dev/null 2>&1
}

@test "valgrind memcheck: a daemon session is clean" {
	valgrind --quiet --error-exitcode=1 --leak-check=full \
	    --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	    --track-origins=no --log-file="$CSUP_HOME/valgrind.log" \
	    "$VG_DAEMON" --foreground &
	VPID=$!
	wait_until 60 pinged
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: vg
    script: sh
    args: ["-c", "echo hello-$MARK; sh -c 'while :; do sleep 1; done' kid-$MARK & wait"]
    kill_signal: SIGTERM
    cron_restart: "0 3 * * *"
YAML
	csup start "$WORK/eco.yaml"
	csup start sh --name one -- -c "while :; do sleep 1; done; : $MARK"
	csup status
	csup status --json >/dev/null
	csup describe vg --json >/dev/null
	wait_until 20 grep -q "hello-$MARK" "$CSUP_HOME/logs/vg-out.log"
	csup logs vg --lines 5
	csup restart vg
	csup reload "$WORK/eco.yaml"
	csup stop one
	csup delete one
	# A start failure, twice: its message is replaced, then freed with the app.
	run csup start sleep --name nocwd --cwd "$WORK/missing-$MARK" -- "$SLEEPN"
	[ "$status" -eq 1 ]
	run csup start nocwd
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot enter '$WORK/missing-$MARK'"* ]]
	run csup describe nosuch
	[ "$status" -eq 1 ]
	csup kill
	rc=0
	wait "$VPID" || rc=$?
	VPID=""
	cat "$CSUP_HOME/valgrind.log"
	[ "$rc" -eq 0 ]
	no_process_with "$MARK"
}
