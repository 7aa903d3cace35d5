#!/usr/bin/env bats
# start, stop, restart, delete of commands; status and describe output.

load ../lib/helpers

setup() {
	make_home
}

@test "start CMD --name: online once executed, status table, json fields" {
	run csup start sh --name loop -- -c "while :; do echo $MARK; sleep 0.2; done"
	[ "$status" -eq 0 ]
	[[ "$output" == *"name"*"state"*"pid"*"uptime"*"restarts"*"procs"*"cpu"*"memory"* ]]
	[[ "$output" == *"loop"*"online"* ]]
	[ "$(roots_with "$MARK")" -eq 1 ]
	run status_field "sorted(j[0].keys())"
	for k in name state pid pgid uptime_ms restarts unstable_restarts procs cpu_percent \
	    memory_bytes kill_mode last_exit watch; do
		[[ "$output" == *"'$k'"* ]]
	done
	[ "$(app_field loop pid)" = "$(pids_with "$MARK")" ]
	[ "$(app_field loop pgid)" = "$(app_field loop pid)" ]
	case "$(app_field loop kill_mode)" in cgroup|fallback) ;; *) false ;; esac
	wait_until 5 eval '[ "$(app_field loop procs)" -ge 1 ]'
	wait_until 5 eval '[ "$(app_field loop memory_bytes)" -gt 0 ]'
}

@test "stop returns when the group is gone; start again; restart gives a new pid" {
	csup start sh --name loop -- -c "sleep $SLEEPN & while :; do echo $MARK; sleep 0.2; done" >/dev/null
	pid=$(app_field loop pid)
	run csup stop loop
	[ "$status" -eq 0 ]
	no_process_with "$MARK"
	no_process_with "sleep $SLEEPN"
	[ "$(app_field loop state)" = stopped ]
	[ "$(app_field loop pid)" = 0 ]
	[ "$(app_field loop last_exit)" = "{'signal': 'SIGINT'}" ]
	run csup start loop
	[ "$status" -eq 0 ]
	wait_until 5 eval '[ "$(roots_with "$MARK")" -eq 1 ]'
	old=$(app_field loop pid)
	run csup restart loop
	[ "$status" -eq 0 ]
	[[ "$output" == *"online"* ]]
	new=$(app_field loop pid)
	[ "$new" != "$old" ]
	! alive "$old" || false
	[ "$(roots_with "$MARK")" -eq 1 ]
	[ "$(app_field loop restarts)" -eq 2 ]
}

@test "an app already online is left alone and reported" {
	csup start sh --name loop -- -c "while :; do sleep 0.2; done; $MARK" >/dev/null
	pid=$(app_field loop pid)
	run csup start loop
	[ "$status" -eq 0 ]
	[[ "$output" == *"already online"* ]]
	[ "$(app_field loop pid)" = "$pid" ]
	[ "$(roots_with "$MARK")" -eq 1 ]
}

@test "delete forgets the app; stop all and delete all" {
	csup start sh --name one -- -c "while :; do sleep 0.2; done; $MARK" >/dev/null
	csup start sh --name two -- -c "while :; do sleep 0.2; done; $MARK" >/dev/null
	[ "$(roots_with "$MARK")" -eq 2 ]
	run csup stop all
	[ "$status" -eq 0 ]
	no_process_with "$MARK"
	run csup delete one
	[ "$status" -eq 0 ]
	[ "$(status_field "len(j)")" -eq 1 ]
	run csup delete all
	[ "$status" -eq 0 ]
	[ "$(status_field "len(j)")" -eq 0 ]
}

@test "describe shows config, events and log paths; --json has them too" {
	csup start sh --name loop -- -c "while :; do sleep 0.2; done; $MARK" >/dev/null
	run csup describe loop
	[ "$status" -eq 0 ]
	[[ "$output" == *"config:"* ]]
	[[ "$output" == *"kill_timeout"* ]]
	[[ "$output" == *"loop-out.log"* ]]
	run csup describe loop --json
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("name", "state", "pid", "config", "events", "last_exit", "kill_mode"):
    assert k in d, k
assert d["config"]["kill_timeout"] == 1600
assert d["events"], "no events"
'
}

@test "start with a missing script: exit 1 naming the app and the path; the rest starts" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: good
    script: sh
    args: ["-c", "while :; do sleep 0.2; done; $MARK"]
  - name: broken
    script: ./missing-$MARK.sh
YAML
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"broken"*"missing-$MARK.sh"* ]]
	[ "$(app_field good state)" = online ]
	[ "$(app_field broken state)" = errored ]
	run csup ping
	[ "$status" -eq 0 ]
}

@test "a start failure: its reason in start's output and describe's events, again on a retry" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: nocwd
    script: sleep
    args: ["$SLEEPN"]
    cwd: $WORK/missing-$MARK
YAML
	why="app 'nocwd': cannot enter '$WORK/missing-$MARK': No such file or directory"
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"csup: $why"* ]]
	[ "$(app_field nocwd state)" = errored ]
	run csup describe nocwd
	[ "$status" -eq 0 ]
	[[ "$output" == *"failed     $why"* ]]
	# A second failure replaces the message: the retry reports it too.
	run csup start nocwd
	[ "$status" -eq 1 ]
	[[ "$output" == *"csup: $why"* ]]
	csup describe nocwd --json | WHY="$why" python3 -c '
import json, os, sys
d = json.load(sys.stdin)
failed = [e["detail"] for e in d["events"] if e["kind"] == "failed"]
assert failed == [os.environ["WHY"]] * 2, failed
'
	no_process_with "sleep $SLEEPN"
}

@test "a bad ecosystem file: exit 2, FILE:LINE:COLUMN, nothing started" {
	printf 'apps:\n  - name: x\n    script: [unclosed\n' > "$WORK/bad.yaml"
	run csup start "$WORK/bad.yaml"
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" =~ ^$WORK/bad.yaml:[0-9]+:[0-9]+:\  ]]
	[ "$(status_field "len(j)")" -eq 0 ]
}

@test "start FILE --only starts only the named apps" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: a
    script: sh
    args: ["-c", "while :; do sleep 0.2; done; $MARK-a"]
  - name: b
    script: sh
    args: ["-c", "while :; do sleep 0.2; done; $MARK-b"]
YAML
	run csup start "$WORK/eco.yaml" --only b
	[ "$status" -eq 0 ]
	[ "$(status_field "[a['name'] for a in j]")" = "['b']" ]
	no_process_with "$MARK-a"
}

@test "instances: a group acts on every copy" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: web
    script: sh
    args: ["-c", "while :; do sleep 0.2; done; $MARK"]
    instances: 2
YAML
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	[ "$(roots_with "$MARK")" -eq 2 ]
	run csup stop web
	[ "$status" -eq 0 ]
	no_process_with "$MARK"
	[ "$(status_field "sorted(a['state'] for a in j)")" = "['stopped', 'stopped']" ]
}
