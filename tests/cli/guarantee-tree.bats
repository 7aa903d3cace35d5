# ctest: noasan (201 processes under an ASan daemon: slow; the engine is ASan-tested in unit.test_csup_kill)
# The guarantee for a wide subtree (docs/guarantee.md): 201 processes stopped with
# zero survivors, in cgroup and fallback mode (ctest runs this file twice).

load ../lib/guarantee

setup() { g_setup; }
teardown() { g_teardown; }

@test "tree: a 201-process subtree is stopped with zero survivors" {
	g_app tree tree.sh "kill_timeout: 5000"
	g_start 201
	g_check_mode tree
	wait_until 10 eval '[ "$(g_field tree procs)" -eq 201 ]'
	g_stop tree
	echo "# stop of 201 processes took $STOP_MS ms ($(g_expected_mode))" >&3
}
