#!/usr/bin/env bats
# CSUP_SAMPLES_KEEP: how long the metric samples stay in csup.db (a
# duration, default 24 h); a bad value is a warning and the default.

load ../lib/helpers

setup() {
	make_home
	export CSUP_SAMPLE_MS=100
}

teardown() {
	cleanup_home
}

# age in ms of the oldest sample of app $1 (empty when none)
oldest_age() {
	sqlite3 "$CSUP_HOME/csup.db" \
	    "SELECT CAST(strftime('%s','now') AS INTEGER) * 1000 - min(time) FROM samples WHERE app = '$1'"
}
pruned_below() { local a; a=$(oldest_age "$1"); [ -n "$a" ] && [ "$a" -lt "$2" ]; }
older_than() { local a; a=$(oldest_age "$1"); [ -n "$a" ] && [ "$a" -ge "$2" ]; }

@test "CSUP_SAMPLES_KEEP=2s: samples older than that are pruned" {
	export CSUP_SAMPLES_KEEP=2s
	csup start sleep --name keep -- "$SLEEPN" >/dev/null
	# Samples accumulate for 5 s, yet the oldest stays within 2 s (plus a
	# prune period of 500 ms and the clock's second).
	sleep 5	# a span of sampling, not a wait for a condition
	wait_until 5 pruned_below keep 4000
}

@test "default retention: a 4 s old sample is kept" {
	csup start sleep --name keep -- "$SLEEPN" >/dev/null
	wait_until 15 older_than keep 4000
}

@test "a bad CSUP_SAMPLES_KEEP is a warning naming it, and 24 h apply" {
	export CSUP_SAMPLES_KEEP=soon
	csup ping >/dev/null
	grep -q "CSUP_SAMPLES_KEEP=soon is not a duration" "$CSUP_HOME/csup.log"
}
