# The guarantee with nested cgroups (docs/guarantee.md): an app that moves a
# child into a cgroup of its own below its generation's. The polite first
# signal (kill_signal) reaches that child too, so it can clean up; the stop
# does not wait for kill_timeout. ctest runs this file twice: with cgroups,
# and with CSUP_CGROUPS=0 (where there is no nesting, only the signal).

load ../lib/guarantee

setup() { g_setup; OUT="$CSUP_HOME/out"; mkdir -p "$OUT"; }
teardown() { g_teardown; }

@test "nested cgroup: its member gets kill_signal, not SIGKILL at kill_timeout" {
	g_app nest nested-cgroup.sh "kill_timeout: 10000"
	# the fixture takes the output folder as its second argument
	sed -i "s|args: \[\"$MARKER\"\]|args: [\"$MARKER\", \"$OUT\"]|" "$CSUP_HOME/eco.yaml"
	g_start 2
	g_check_mode nest
	if [ "$(g_expected_mode)" = cgroup ]; then
		wait_until 5 test -s "$OUT/nested"
	fi
	g_stop nest
	echo "# stop took $STOP_MS ms ($(g_expected_mode))" >&3
	[ "$(cat "$OUT/term" 2>/dev/null)" = TERM ]
	# well before kill_timeout (10 s): the child was not waited out
	[ "$STOP_MS" -lt 8000 ]
}
