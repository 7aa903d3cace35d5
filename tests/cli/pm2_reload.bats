#!/usr/bin/env bats
# Graceful reload: an instances group one copy at a time, each new copy
# online (READY=1) before the old one gets its kill_signal; no request
# fails. `reload FILE --only a` touches only a. A failed new copy stops the
# reload and the old copies serve on.

load ../lib/helpers
bats_require_minimum_version 1.5.0

FIX="${CSUP_SRC_DIR:?}/tests/fixtures/reload"

setup() {
	make_home
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

web_file() {
	mkdir -p "$WORK/h"
	cat >"$WORK/web.yaml" <<-EOF
	apps:
	  - name: web
	    script: $FIX/server.py
	    args: ["$MARK"]
	    instances: 4
	    wait_ready: true
	    listen_timeout: 30s
	    kill_signal: SIGTERM
	    kill_timeout: 10s
	    env:
	      PORT: "$PORT"
	      HANDOFF_DIR: $WORK/h
	EOF
}

answers() {
	[ "$(grep -c ' ok ' "$WORK/client.log")" -ge "$1" ]
}

@test "zero-gap reload: 4 copies on one port, a request every 20 ms, none fails" {
	PORT=$(free_port)
	web_file
	run csup start "$WORK/web.yaml"
	[ "$status" -eq 0 ]
	old=$(csup pid web | sort)
	[ "$(echo "$old" | wc -l)" -eq 4 ]
	python3 "$FIX/client.py" "$PORT" "$WORK/stop" >"$WORK/client.log" 2>&1 &
	cpid=$!
	wait_until 30 answers 10
	t0=$(date +%s%3N)
	run csup reload web
	t1=$(date +%s%3N)
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	new=$(csup pid web | sort)
	# after reload returns, no old process is alive
	for p in $old; do run ! alive "$p"; done
	n1=$(grep -c ' ok ' "$WORK/client.log")
	wait_until 30 answers $((n1 + 25))
	touch "$WORK/stop"
	wait "$cpid"
	cat "$WORK/client.log" | head -3
	run grep -c FAIL "$WORK/client.log"
	[ "$output" = 0 ] || { grep FAIL "$WORK/client.log" | head; false; }
	# every copy is new; answers came from new pids during the reload
	for p in $new; do run ! grep -qx "$p" <<<"$old"; done
	during=$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 < b && $2 == "ok" { print $3 }' \
	    "$WORK/client.log" | sort -u)
	fresh=0
	for p in $during; do grep -qx "$p" <<<"$new" && fresh=$((fresh + 1)); done
	[ "$fresh" -ge 1 ]
	# after it returned, every answer is from a new pid
	late=$(awk -v b="$t1" '$1 > b + 100 && $2 == "ok" { print $3 }' "$WORK/client.log" | sort -u)
	[ -n "$late" ]
	for p in $late; do grep -qx "$p" <<<"$new"; done
	# each new copy took over from a live predecessor that was signalled after
	out=$(cat "$CSUP_HOME"/logs/web-*-out.log)
	[ "$(grep -c 'takeover=yes' <<<"$out")" -eq 4 ]
	run grep -c EARLY-SIGNAL <<<"$out"
	[ "$output" = 0 ]
	[ "$(app_field web-0 restarts)" = 1 ]
}

@test "reload FILE --only a leaves b running with its pid, and deletes nothing" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: a
	    script: sleep
	    args: ["${SLEEPN}1"]
	  - name: b
	    script: sleep
	    args: ["${SLEEPN}2"]
	EOF
	csup start "$WORK/eco.yaml" >/dev/null
	pa=$(csup pid a) pb=$(csup pid b)
	# a changes, b is gone from the file: --only a touches only a
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: a
	    script: sleep
	    args: ["${SLEEPN}3"]
	EOF
	run csup reload "$WORK/eco.yaml" --only a
	[ "$status" -eq 0 ]
	[ "$(csup pid b)" = "$pb" ]
	[ "$(app_field b state)" = online ]
	[ "$(csup pid a)" != "$pa" ]
	run ! alive "$pa"
	[ "$(count_with "sleep ${SLEEPN}3")" -eq 1 ]
	# start --only touches only its apps too
	run csup start "$WORK/eco.yaml" --only a
	[ "$status" -eq 0 ]
	[ "$(csup pid b)" = "$pb" ]
	# without --only, b (removed from the file) goes
	run csup reload "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	run status_field "' '.join(a['name'] for a in j)"
	[ "$output" = a ]
}

@test "a new copy that fails to come online stops the reload; the old copies serve on" {
	cat >"$WORK/ready.sh" <<-'EOF'
	if [ -e "$FAILFLAG" ]; then echo "broken build" >&2; exit 3; fi
	python3 "$NOTIFY_PY" READY=1
	exec sleep "$SLEEPN"
	EOF
	cat >"$WORK/g.yaml" <<-EOF
	apps:
	  - name: g
	    script: bash
	    args: ["$WORK/ready.sh"]
	    instances: 3
	    wait_ready: true
	    listen_timeout: 20s
	    autorestart: false
	    env:
	      FAILFLAG: $WORK/fail
	      NOTIFY_PY: $CSUP_SRC_DIR/tests/lib/sd_notify.py
	      SLEEPN: "$SLEEPN"
	EOF
	run csup start "$WORK/g.yaml"
	[ "$status" -eq 0 ]
	p0=$(csup pid g-0) p1=$(csup pid g-1) p2=$(csup pid g-2)
	touch "$WORK/fail"
	run csup reload g
	[ "$status" -eq 1 ]
	[[ "$output" == *"g-0"*"exited with code 3"* ]] || { echo "$output"; false; }
	# the reload stopped at copy 0: every old copy still runs
	[ "$(csup pid g-0)" = "$p0" ]
	[ "$(csup pid g-1)" = "$p1" ]
	[ "$(csup pid g-2)" = "$p2" ]
	alive "$p0"
	[ "$(app_field g-0 state)" = online ]
	[ "$(count_with "sleep $SLEEPN")" -eq 3 ]
	# and it can be stopped as any live generation
	rm "$WORK/fail"
	run csup reload g
	[ "$status" -eq 0 ]
	run ! alive "$p0"
	run ! alive "$p2"
	[ "$(count_with "sleep $SLEEPN")" -eq 3 ]
}

@test "reload of a single app is a restart" {
	csup start sleep --name one -- "${SLEEPN}9" >/dev/null
	p=$(csup pid one)
	run csup reload one
	[ "$status" -eq 0 ]
	run ! alive "$p"
	[ "$(app_field one state)" = online ]
	[ "$(app_field one restarts)" = 1 ]
}
