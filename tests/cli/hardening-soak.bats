#!/usr/bin/env bats
# Soak (issue 12), the small version run by `make test`: many restarts of an
# app with children and many status calls; the daemon's RSS and fd count
# stay flat, and each restart leaves exactly one generation behind.
# bench/soak.sh runs this same file with the full counts:
#   SOAK_RESTARTS=1000 SOAK_STATUS=10000 bats tests/cli/hardening-soak.bats

load ../lib/helpers
load ../lib/hardening
RESTARTS=${SOAK_RESTARTS:-100}
STATUS=${SOAK_STATUS:-1000}
# KiB the RSS may grow by after the warm-up (allocator and SQLite caches).
RSS_SLACK_KB=${SOAK_RSS_SLACK_KB:-4096}

setup() {
	make_home
	# Under ASan, freed memory sits in a quarantine that would look like growth.
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1:malloc_context_size=5"
}

teardown() {
	hardening_teardown
}

kids_are() { [ "$(kids)" -eq "$1" ]; }

kids() {
	count_with "done kid-$MARK"	# the children, not the parent quoting them
}

@test "restarts of an app with children and status calls: RSS and fds flat" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: soak
    script: sh
    args: ["-c", "sh -c 'while :; do sleep 1; done' kid-$MARK & sh -c 'while :; do sleep 1; done' kid-$MARK & echo up; wait; : $MARK"]
    kill_signal: SIGTERM
    kill_timeout: 2s
YAML
	csup start "$WORK/eco.yaml" >/dev/null
	DPID=$(csup ping)
	# Warm-up: caches, the store's pages, the allocator's arenas.
	for i in $(seq 10); do csup restart soak >/dev/null; done
	python3 "$HC" "$CSUP_HOME/csup.sock" repeat 200 '{"cmd":"status"}'
	wait_until 10 kids_are 2
	rss0=$(rss_kb "$DPID") fd0=$(fd_count "$DPID")
	echo "baseline: rss ${rss0} KiB, ${fd0} fds"

	for i in $(seq "$RESTARTS"); do
		run csup restart soak
		[ "$status" -eq 0 ] || { echo "restart $i: $output"; false; }
	done
	python3 "$HC" "$CSUP_HOME/csup.sock" repeat "$STATUS" '{"cmd":"status"}'
	for i in $(seq 20); do csup status >/dev/null; csup describe soak --json >/dev/null; done

	# One generation, its two children, nothing of the earlier ones.
	wait_until 10 kids_are 2
	[ "$(app_field soak restarts)" -eq $(( RESTARTS + 10 )) ]
	app_state_is soak online
	[ "$(csup ping)" = "$DPID" ]
	rss1=$(rss_kb "$DPID") fd1=$(fd_count "$DPID")
	echo "after $RESTARTS restarts and $STATUS status: rss ${rss1} KiB, ${fd1} fds"
	[ "$fd1" -le "$fd0" ]
	# ASan's allocator keeps its own caches and shadow: a wider margin there.
	grep -q asan "/proc/$DPID/maps" && RSS_SLACK_KB=$(( RSS_SLACK_KB * 4 ))
	[ "$rss1" -le $(( rss0 + RSS_SLACK_KB )) ]
}
