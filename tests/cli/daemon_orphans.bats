#!/usr/bin/env bats
# The orphan scan (issue 6 item 4): at start-up and every
# $CSUP_ORPHAN_SCAN_MS, a process carrying this home's tag that no live
# generation owns is ended, counted in csup_orphans_killed_total, recorded
# as an `orphans` event of the app its tag names, and that app's alert runs.

load ../lib/monitor

setup() {
	mon_setup
	export CSUP_ORPHAN_SCAN_MS=400
	OPIDS=""
}

teardown() {
	local p
	for p in $OPIDS; do kill -9 "$p" 2>/dev/null || true; done
	mon_teardown
}

ALERT_CMD='printf "%s|%s|%s\\n" "$CSUP_EVENT" "$CSUP_APP_NAME" "$CSUP_DETAIL" >> ALERTS'

live() {
	local s
	s=$(awk '{ sub(/.*\) /, ""); print substr($0, 1, 1) }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "$s" != Z ]
}

# home_id: FNV-1a 64 of the home's real path, as the daemon names it.
home_id() {
	"$PY" -c 'import os,sys
h = 0xcbf29ce484222325
for b in os.path.realpath(sys.argv[1]).encode():
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
print("%016x" % h)' "$CSUP_HOME"
}

# orphan TAG: a process in its own session carrying CSUP_APP=TAG; pid in $OPID.
# With a daemon running, its scan may end the orphan before a poll here sees
# the tag (a fork and exec take 100 ms and more on a loaded machine): gone
# counts as started; the caller's event and counter checks prove who ended it.
orphan() {
	env CSUP_APP="$1" setsid sleep $(( MARK + 1 )) </dev/null >/dev/null 2>&1 &
	OPID=$!
	OPIDS="$OPIDS $OPID"
	wait_until 5 tagged_or_gone "$1" "$OPID"
}

tagged_or_gone() {
	grep -q "CSUP_APP=$1" "/proc/$2/environ" || ! live "$2"
}

write_app() {
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: orph
	    script: /bin/sh
	    args: ["-c", "echo \$CSUP_APP > $MTMP/tag; exec sleep $MARK"]
	    alert: '${ALERT_CMD/ALERTS/$MTMP/alerts}'
	EOF
}

@test "orphan scan: a tagged process of a dead generation is ended, counted, alerted" {
	write_app
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 5 test -s "$MTMP/tag"
	tag=$(cat "$MTMP/tag")
	id=${tag%%:*}
	[ "$id" = "$(home_id)" ]
	pid=$(mon_app pid orph)
	orphan "$id:orph:99"
	wait_until 10 eval '! live $OPID'
	# the app itself is untouched
	[ "$(mon_app pid orph)" = "$pid" ]
	[ "$(mon_app state orph)" = online ]
	wait_until 5 mon_event_has orph "orphans killed 1"
	run curl -fsS "$BASE/metrics"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'csup_orphans_killed_total 1'
	wait_until 10 grep -q '^orphans|orph|orphans killed 1' "$MTMP/alerts"
	# its own children, tagged with the live generation, are never orphans
	[ "$(mon_app procs orph)" -ge 1 ]
	holds_for 1 live "$pid"
}

@test "orphan scan at start-up: a tagged process left before the daemon started is ended" {
	mkdir -p "$CSUP_HOME"
	chmod 700 "$CSUP_HOME"
	id=$(home_id)
	orphan "$id:ghost:3"
	export CSUP_ORPHAN_SCAN_MS=600000
	run "$CSUP" ping
	[ "$status" -eq 0 ]
	wait_until 5 eval '! live $OPID'
	run curl -fsS "$BASE/metrics"
	echo "$output" | grep -qx 'csup_orphans_killed_total 1'
	grep -q "orphans killed 1" "$CSUP_HOME/csup.log"
}

@test "orphan scan leaves alone a process tagged for another home" {
	orphan "0123456789abcdef:orph:1"
	write_app
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	holds_for 1.2 live "$OPID"
	run curl -fsS "$BASE/metrics"
	echo "$output" | grep -qx 'csup_orphans_killed_total 0'
}
