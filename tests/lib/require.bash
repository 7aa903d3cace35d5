# require.bash: a missing capability is a skip on a developer's machine and a
# failure where everything must run: under CI=true (set by CI) or
# CSUP_REQUIRE_ALL=1. A skipped test counts as passed in ctest, so CI must
# never skip silently.

# csup_require_all: true when a missing capability must fail the test.
csup_require_all() {
	[ "${CI:-}" = true ] || [ "${CSUP_REQUIRE_ALL:-}" = 1 ]
}

# require_or_skip REASON: skip the test, or fail it under CI.
require_or_skip() {
	if csup_require_all; then
		echo "required capability missing (CI=true or CSUP_REQUIRE_ALL=1): $*" >&2
		return 1
	fi
	skip "$*"
}
