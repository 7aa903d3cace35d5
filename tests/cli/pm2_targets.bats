#!/usr/bin/env bats
# PM2 command line: numeric ids, several targets, groups, `all`, FILE
# targets, `--opt=value`, unknown options, `--help` on every command.

load ../lib/helpers

setup() {
	make_home
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: api
	    script: sleep
	    args: ["${SLEEPN}1"]
	  - name: jobs
	    script: sleep
	    args: ["${SLEEPN}2"]
	    instances: 2
	  - name: web
	    script: sleep
	    args: ["${SLEEPN}3"]
	EOF
	cat >"$WORK/other.yaml" <<-EOF
	apps:
	  - name: solo
	    script: sleep
	    args: ["${SLEEPN}4"]
	EOF
}

@test "every app has an id: first free integer, shown first in status and JSON, kept" {
	csup start "$WORK/eco.yaml" >/dev/null
	run status_field "' '.join('%d=%s' % (a['id'], a['name']) for a in j)"
	[ "$output" = "0=api 1=jobs-0 2=jobs-1 3=web" ]
	run status_field "list(j[0].keys())[0]"
	[ "$output" = id ]
	run csup status
	[[ "${lines[0]}" =~ ^id\ + ]]
	[[ "${lines[1]}" =~ ^\ *0\ +api ]]
	# delete frees an id; the next app takes the first free one
	csup delete jobs-0 >/dev/null
	csup start "$WORK/other.yaml" >/dev/null
	[ "$(app_field solo id)" = 1 ]
	[ "$(app_field web id)" = 3 ]
	# restart keeps it; a new daemon (kill -9) keeps it
	csup restart 3 >/dev/null
	[ "$(app_field web id)" = 3 ]
	kill -9 "$(daemon_pid)"
	wait_until 10 daemon_gone "$(cat "$CSUP_HOME/csup.pid")" || true
	[ "$(app_field web id)" = 3 ]
	[ "$(app_field solo id)" = 1 ]
}

@test "stop takes ids, names, groups and several at once; FILE means its apps" {
	csup start "$WORK/eco.yaml" "$WORK/other.yaml" >/dev/null
	run csup stop 0 jobs
	[ "$status" -eq 0 ]
	[ "$(app_field api state)" = stopped ]
	[ "$(app_field jobs-0 state)" = stopped ]
	[ "$(app_field jobs-1 state)" = stopped ]
	[ "$(app_field web state)" = online ]
	run csup restart "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	[ "$(app_field api state)" = online ]
	[ "$(app_field jobs-1 state)" = online ]
	run csup stop "$WORK/eco.yaml" --only web
	[ "$status" -eq 0 ]
	[ "$(app_field web state)" = stopped ]
	[ "$(app_field api state)" = online ]
	run csup stop all
	[ "$status" -eq 0 ]
	[ "$(app_field solo state)" = stopped ]
	run csup start 4 api
	[ "$status" -eq 0 ]
	[ "$(app_field solo state)" = online ]
	[ "$(app_field api state)" = online ]
	run csup delete "$WORK/other.yaml"
	[ "$status" -eq 0 ]
	run status_field "[a['name'] for a in j if a['name']=='solo']"
	[ "$output" = "[]" ]
}

@test "a FILE target acts on the apps the daemon knows; each unknown one is exit 1 naming it" {
	csup start "$WORK/eco.yaml" --only api,web >/dev/null
	# jobs (a group of 2) is in eco.yaml but was never started
	run csup stop "$WORK/eco.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"app 'jobs-0' of $WORK/eco.yaml is not known"* ]]
	[[ "$output" == *"app 'jobs-1' of $WORK/eco.yaml is not known"* ]]
	[ "$(app_field api state)" = stopped ]
	[ "$(app_field web state)" = stopped ]
	[ -z "$(pids_with "${SLEEPN}1")" ]
	run csup restart "$WORK/eco.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"'jobs-0'"*"not known"* ]]
	[ "$(app_field api state)" = online ]
	[ "$(app_field web state)" = online ]
	run csup reset "$WORK/eco.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"app 'api': restart counters reset"* ]]
	[[ "$output" == *"'jobs-1'"*"not known"* ]]
	run csup signal SIGCONT "$WORK/eco.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"SIGCONT sent to app 'web'"* ]]
	[[ "$output" == *"'jobs-0'"*"not known"* ]]
	# a file none of whose apps is known: nothing done, exit 1 for each
	run csup stop "$WORK/other.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"app 'solo' of $WORK/other.yaml is not known"* ]]
	run csup delete "$WORK/eco.yaml"
	[ "$status" -eq 1 ]
	run status_field "len(j)"
	[ "$output" = 0 ]
	[ -z "$(pids_with "${SLEEPN}3")" ]
	# every app known: exit 0, as before
	csup start "$WORK/other.yaml" >/dev/null
	run csup stop "$WORK/other.yaml"
	[ "$status" -eq 0 ]
	[ "$(app_field solo state)" = stopped ]
}

@test "an unknown id or name is exit 1 naming it, and nothing is done" {
	csup start "$WORK/eco.yaml" >/dev/null
	run csup stop api 42
	[ "$status" -eq 1 ]
	[[ "$output" == *42* ]]
	[ "$(app_field api state)" = online ]
	run csup restart nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *nosuch* ]]
}

@test "--opt value and --opt=value are the same" {
	run csup start sleep --name=eqname -- "${SLEEPN}5"
	[ "$status" -eq 0 ]
	[ "$(app_field eqname state)" = online ]
	run csup start sleep --name spname -i=2 --kill-timeout=700 -- "${SLEEPN}6"
	[ "$status" -eq 0 ]
	[ "$(app_field spname-1 state)" = online ]
	run csup describe spname-0 --json
	[[ "$output" == *'"kill_timeout": 700'* ]]
	echo hello >"$WORK/x.log"
	run csup logs eqname --lines=0 --nostream
	[ "$status" -eq 0 ]
}

@test "an unknown option is exit 2 with a suggestion" {
	run csup start "$WORK/eco.yaml" --watc
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '--watc'"*"did you mean '--watch'"* ]]
	run csup logs --line 5
	[ "$status" -eq 2 ]
	[[ "$output" == *"did you mean '--lines'"* ]]
	run csup stop api --bogus
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '--bogus'"* ]]
	[ ! -S "$CSUP_HOME/csup.sock" ]
	run csup start sleep --max-memory-restart lots -- 1
	[ "$status" -eq 2 ]
	[[ "$output" == *"--max-memory-restart"* ]]
}

@test "every command has --help, exit 0, without starting a daemon" {
	for c in start stop restart reload delete del status list ls jlist prettylist describe \
	    show logs flush reset signal sendSignal scale pid env save resurrect startOrRestart \
	    startOrReload init ecosystem kill ping version check startup unstartup export daemon; do
		run csup $c --help
		[ "$status" -eq 0 ] || { echo "csup $c --help: $status $output"; false; }
		[[ "$output" == *usage* ]] || { echo "csup $c --help: $output"; false; }
	done
	run csup --help
	[ "$status" -eq 0 ]
	[[ "$output" == *startOrReload* ]]
	[ ! -S "$CSUP_HOME/csup.sock" ]
}
