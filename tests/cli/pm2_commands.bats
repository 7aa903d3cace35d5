#!/usr/bin/env bats
# The PM2 commands and aliases: save, unstartup, flush, reset, signal and
# sendSignal, scale, jlist, prettylist, show, del, ls, list, pid, env,
# startOrRestart, startOrReload, init and ecosystem, -v and --version.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	make_home
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: api
	    script: sleep
	    args: ["${SLEEPN}1"]
	  - name: grp
	    script: sleep
	    args: ["${SLEEPN}2"]
	    instances: 3
	EOF
}

pid_of() {
	app_field "$1" pid
}

@test "save writes the resurrect list now" {
	csup start "$WORK/eco.yaml" --only api >/dev/null
	run csup save
	[ "$status" -eq 0 ]
	run sqlite3 "$CSUP_HOME/csup.db" "SELECT name FROM saved"
	[ "$output" = api ]
}

@test "unstartup removes what startup --install installed" {
	export XDG_CONFIG_HOME="$CSUP_HOME/xdg"
	run csup unstartup --user
	[ "$status" -eq 0 ]
	[[ "$output" == *"no boot unit"* ]]
	run csup startup --install --user
	[ "$status" -eq 0 ]
	unit=$(ls "$XDG_CONFIG_HOME/systemd/user/"*.service)
	[ -f "$unit" ]
	run csup unstartup --user
	[ "$status" -eq 0 ]
	[ ! -e "$unit" ]
	run find "$XDG_CONFIG_HOME/systemd/user" -name '*.service'
	[ -z "$output" ]
}

@test "flush empties the log files; the logger keeps writing to them" {
	csup start sh --name talker -- -c "i=0; while :; do i=\$((i+1)); echo line-$MARK-\$i; sleep 0.1; done" >/dev/null
	log="$CSUP_HOME/logs/talker-out.log"
	has_lines() { [ "$(grep -ac "line-$MARK-" "$log")" -ge 3 ]; }
	# the numbers of the lines in the file, lowest first
	numbers() { grep -ao "line-$MARK-[0-9]*" "$log" | sed 's/.*-//' | sort -n; }
	wait_until 10 has_lines
	last=$(numbers | tail -n1)
	run csup flush talker
	[ "$status" -eq 0 ]
	# Every line written before the flush is gone, however late this
	# shell looks (a count of lines left would depend on the machine's
	# speed); the talker's next lines land in the same file.
	wait_until 10 has_lines
	[ "$(numbers | head -n1)" -gt "$last" ]
	run csup flush
	[ "$status" -eq 0 ]
}

@test "reset sets restarts and unstable_restarts to 0" {
	csup start "$WORK/eco.yaml" --only api >/dev/null
	csup restart api >/dev/null
	csup restart api >/dev/null
	[ "$(app_field api restarts)" = 2 ]
	run csup reset 0
	[ "$status" -eq 0 ]
	[ "$(app_field api restarts)" = 0 ]
	[ "$(app_field api unstable_restarts)" = 0 ]
}

@test "signal and sendSignal send a signal to the main process of each" {
	cat >"$WORK/trap.sh" <<-EOF
	trap 'echo got-usr2-$MARK' USR2
	while :; do sleep 0.1; done
	EOF
	csup start bash --name trap -- "$WORK/trap.sh" >/dev/null
	pid=$(pid_of trap)
	run csup signal SIGUSR2 trap
	[ "$status" -eq 0 ]
	got() { grep -q "got-usr2-$MARK" "$CSUP_HOME/logs/trap-out.log"; }
	wait_until 10 got
	run csup sendSignal USR2 0
	[ "$status" -eq 0 ]
	two() { [ "$(grep -c "got-usr2-$MARK" "$CSUP_HOME/logs/trap-out.log")" -ge 2 ]; }
	wait_until 10 two
	[ "$(pid_of trap)" = "$pid" ]
	run csup signal NOSUCHSIG trap
	[ "$status" -eq 1 ]
	csup stop trap >/dev/null
	run csup signal SIGUSR2 trap
	[ "$status" -eq 1 ]
	[[ "$output" == *"not running"* ]]
}

@test "scale grows and shrinks a group; copies that stay keep numbers and processes" {
	csup start "$WORK/eco.yaml" --only grp >/dev/null
	p0=$(pid_of grp-0) p1=$(pid_of grp-1)
	run csup scale grp 5
	[ "$status" -eq 0 ]
	[ "$(app_field grp-4 state)" = online ]
	[ "$(pid_of grp-0)" = "$p0" ]
	run csup env grp-4
	[[ "$output" == *"NODE_APP_INSTANCE=4"* ]]
	run csup scale grp 2
	[ "$status" -eq 0 ]
	run status_field "' '.join(a['name'] for a in j)"
	[ "$output" = "grp-0 grp-1" ]
	[ "$(pid_of grp-0)" = "$p0" ]
	[ "$(pid_of grp-1)" = "$p1" ]
	[ "$(count_with "sleep ${SLEEPN}2")" -eq 2 ]
	run csup scale grp +2
	[ "$status" -eq 0 ]
	run status_field "' '.join(a['name'] for a in j)"
	[ "$output" = "grp-0 grp-1 grp-2 grp-3" ]
	run csup scale grp 0
	[ "$status" -eq 1 ]
	run csup scale grp many
	[ "$status" -eq 2 ]
}

@test "jlist is status --json on one line, prettylist indented" {
	csup start "$WORK/eco.yaml" --only api >/dev/null
	run csup jlist
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j[0]["name"]=="api" and j[0]["id"]==0'
	run csup prettylist
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -gt 5 ]
	echo "$output" | python3 -c 'import json,sys; assert json.load(sys.stdin)[0]["name"]=="api"'
}

@test "show, del, ls and list are describe, delete and status" {
	csup start "$WORK/eco.yaml" >/dev/null
	run csup show api --json
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c 'import json,sys; assert json.load(sys.stdin)["name"]=="api"'
	run csup show 0
	[[ "$output" == *api* ]]
	for c in ls list; do
		run csup $c
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == *api* ]]
	done
	run csup list --json
	echo "$output" | python3 -c 'import json,sys; assert len(json.load(sys.stdin))==4'
	run csup del grp
	[ "$status" -eq 0 ]
	[ "$(count_with "sleep ${SLEEPN}2")" -eq 0 ]
	run status_field "len(j)"
	[ "$output" = 1 ]
}

@test "pid prints the main pid, 0 when not running" {
	csup start "$WORK/eco.yaml" >/dev/null
	run csup pid api
	[ "$status" -eq 0 ]
	[ "$output" = "$(pid_of api)" ]
	grep -q "${SLEEPN}1" "/proc/$output/cmdline"
	run csup pid grp
	[ "${#lines[@]}" -eq 3 ]
	csup stop api >/dev/null
	run csup pid 0
	[ "$output" = 0 ]
}

@test "env prints the environment the app runs with; instance_var is set for one instance too" {
	export PM2CLI_FROM_SHELL="shell-$MARK"
	csup start "$WORK/eco.yaml" >/dev/null
	run csup env 0
	[ "$status" -eq 0 ]
	[[ "$output" == *"PM2CLI_FROM_SHELL=shell-$MARK"* ]]
	[[ "$output" == *"NODE_APP_INSTANCE=0"* ]]
	[[ "$output" == *"CSUP_HOME=$CSUP_HOME"* ]]
	# what the process really has
	tr '\0' '\n' <"/proc/$(pid_of api)/environ" | grep -qx NODE_APP_INSTANCE=0
	run csup env grp-2
	[[ "$output" == *"NODE_APP_INSTANCE=2"* ]]
	run csup env grp
	[ "$status" -eq 1 ]
}

@test "startOrRestart starts what does not run and restarts what does" {
	csup start "$WORK/eco.yaml" --only api >/dev/null
	p=$(pid_of api)
	run csup startOrRestart "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	[ "$(pid_of api)" != "$p" ]
	[ "$(app_field api restarts)" = 1 ]
	[ "$(app_field grp-2 state)" = online ]
	[ "$(app_field grp-2 restarts)" = 0 ]
}

@test "startOrReload starts what does not run and reloads what does" {
	csup start "$WORK/eco.yaml" --only grp >/dev/null
	p0=$(pid_of grp-0) p2=$(pid_of grp-2)
	run csup startOrReload "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	[ "$(app_field api state)" = online ]
	[ "$(app_field api restarts)" = 0 ]
	[ "$(pid_of grp-0)" != "$p0" ]
	[ "$(pid_of grp-2)" != "$p2" ]
	run ! alive "$p0"
	run ! alive "$p2"
}

@test "init and ecosystem write a commented ecosystem.yaml and never overwrite" {
	cd "$WORK"
	run csup init
	[ "$status" -eq 0 ]
	grep -q '^apps:' ecosystem.yaml
	grep -q '^ *#' ecosystem.yaml
	run csup check ecosystem.yaml
	[ "$status" -eq 0 ]
	echo mine >>ecosystem.yaml
	sum=$(md5sum <ecosystem.yaml)
	run csup ecosystem
	[ "$status" -eq 1 ]
	[[ "$output" == *"already exists"* ]]
	[ "$(md5sum <ecosystem.yaml)" = "$sum" ]
	rm ecosystem.yaml
	run csup ecosystem
	[ "$status" -eq 0 ]
	[ -f ecosystem.yaml ]
	[ ! -S "$CSUP_HOME/csup.sock" ]
}

@test "-v and --version are version" {
	for v in -v --version version; do
		run csup $v
		[ "$status" -eq 0 ]
		[[ "$output" == *"csup client"* ]]
	done
}
