# logcheck.bash: the one check every teardown makes before it removes a
# home. A detached daemon's stderr is its csup.log, so in the ASan build a
# sanitizer report lands there and no exit status shows it.

# log_clean FILE: fails (printing the report) when FILE holds a sanitizer
# report; a missing FILE is clean.
log_clean() {
	local log=$1
	[ -f "$log" ] || return 0
	if grep -Eq "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$log"; then
		echo "sanitizer report in $log:" >&2
		grep -E -A30 "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$log" >&2
		return 1
	fi
}

# home_log_clean [HOME]: log_clean of HOME's csup.log (default $CSUP_HOME).
home_log_clean() {
	log_clean "${1:-${CSUP_HOME:-}}/csup.log"
}

# Kept for the tests that call it by this name.
daemon_log_clean() {
	home_log_clean "${CSUP_HOME:-}"
}
