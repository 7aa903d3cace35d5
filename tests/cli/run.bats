#!/usr/bin/env bats
# csup run FILE: the daemon in the foreground for containers. The apps'
# lines on csup's stdout/stderr, 'NAME | ' prefixed or as JSON lines, in
# order per app; exit codes 0/1/2; SIGTERM stops all, a second one kills;
# the control socket still answers.

load ../lib/run

setup() {
	make_home
}

teardown() {
	run_teardown
}

# two apps, N numbered lines each on out, one line on err, then they wait
two_apps() {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: alpha
	    script: /bin/sh
	    args: ["-c", "i=1; while [ \$i -le $1 ]; do echo \"line \$i\"; i=\$((i+1)); done; echo 'alpha-err' >&2; exec sleep $SLEEPN"]
	    kill_signal: SIGTERM
	  - name: beta
	    script: /bin/sh
	    args: ["-c", "i=1; while [ \$i -le $1 ]; do echo \"line \$i\"; i=\$((i+1)); done; echo 'beta-err' >&2; exec sleep $SLEEPN"]
	    kill_signal: SIGTERM
	EOF
}

@test "run: lines of two apps arrive prefixed 'NAME | ' and in order per app" {
	two_apps 300
	start_run "$WORK/eco.yaml"
	wait_until 20 has_lines alpha "$RUN_OUT" 300
	wait_until 20 has_lines beta "$RUN_OUT" 300
	wait_until 10 grep -qx 'beta | beta-err' "$RUN_ERR"
	grep -qx 'alpha | alpha-err' "$RUN_ERR"
	# every line of stdout is one app's, exactly prefixed, nothing else
	run grep -cvE '^(alpha|beta) \| line [0-9]+$' "$RUN_OUT"
	[ "$output" = 0 ]
	# no colour when the stream is not a terminal
	run grep -c $'\033' "$RUN_OUT"
	[ "$output" = 0 ]
	# in order, none lost, none doubled
	[ "$(lines_of alpha "$RUN_OUT" | tr '\n' ' ')" = "$(seq -f 'line %g' 1 300 | tr '\n' ' ')" ]
	[ "$(lines_of beta "$RUN_OUT" | tr '\n' ' ')" = "$(seq -f 'line %g' 1 300 | tr '\n' ' ')" ]
	# the log files get them too
	grep -qx 'line 300' "$CSUP_HOME/logs/alpha-out.log"
	kill -TERM "$RUN_PID"
	wait_run_exit 20
	[ "$RUN_RC" -eq 0 ]
	no_process_with "sleep $SLEEPN"
}

@test "run --json: every line is one JSON object with time, app, stream, message" {
	two_apps 50
	start_run "$WORK/eco.yaml" --json
	wait_until 20 eval '[ "$(grep -c "\"app\":\"alpha\"" "$RUN_OUT")" -ge 50 ]'
	wait_until 20 eval '[ "$(grep -c "\"app\":\"beta\"" "$RUN_OUT")" -ge 50 ]'
	wait_until 10 grep -q 'beta-err' "$RUN_ERR"
	kill -TERM "$RUN_PID"
	wait_run_exit 20
	[ "$RUN_RC" -eq 0 ]
	python3 - "$RUN_OUT" "$RUN_ERR" <<-'PY'
	import json, re, sys
	stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$")
	seen = {("alpha", "out"): [], ("beta", "out"): [], ("alpha", "err"): [], ("beta", "err"): []}
	for path, stream in ((sys.argv[1], "out"), (sys.argv[2], "err")):
	    for line in open(path, encoding="utf-8"):
	        o = json.loads(line)
	        assert set(o) == {"time", "app", "stream", "message"}, o
	        assert stamp.match(o["time"]), o
	        if o["app"] == "csup":
	            continue
	        assert o["stream"] == stream, o
	        seen[(o["app"], o["stream"])].append(o["message"])
	for app in ("alpha", "beta"):
	    assert seen[(app, "out")] == ["line %d" % i for i in range(1, 51)], seen[(app, "out")]
	    assert seen[(app, "err")] == [app + "-err"], seen[(app, "err")]
	PY
}

@test "run --json: quotes, backslashes and non-UTF-8 bytes still make JSON" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: odd
	    script: /bin/sh
	    args: ["-c", "printf 'say \"hi\" \\\\\\\\ tab\\\\there\\\\n'; printf 'bad \\\\377 byte\\\\n'; printf 'no newline at the end'"]
	    autorestart: false
	EOF
	start_run "$WORK/eco.yaml" --json
	wait_run_exit 20
	[ "$RUN_RC" -eq 0 ]
	cat "$RUN_OUT"
	python3 - "$RUN_OUT" <<-'PY'
	import json, sys
	msgs = [json.loads(l)["message"] for l in open(sys.argv[1], encoding="utf-8")]
	assert msgs[0] == 'say "hi" \\ tab\there', msgs
	assert msgs[1].startswith("bad ") and msgs[1].endswith(" byte"), msgs
	assert msgs[2] == "no newline at the end", msgs
	PY
}

@test "run: exits 0 once every app ended well, 1 when one exited non-zero for good" {
	cat >"$WORK/ok.yaml" <<-EOF
	apps:
	  - name: job
	    script: /bin/sh
	    args: ["-c", "echo job-done"]
	    autorestart: false
	EOF
	start_run "$WORK/ok.yaml"
	wait_run_exit 20
	[ "$RUN_RC" -eq 0 ]
	grep -qx 'job | job-done' "$RUN_OUT"

	cat >"$WORK/bad.yaml" <<-EOF
	apps:
	  - name: good
	    script: /bin/sh
	    args: ["-c", "sleep 1; exit 0"]
	    autorestart: false
	  - name: failing
	    script: /bin/sh
	    args: ["-c", "echo failing-now; exit 3"]
	    autorestart: false
	EOF
	start_run "$WORK/bad.yaml"
	wait_run_exit 20
	[ "$RUN_RC" -eq 1 ]
	grep -q "failing" "$RUN_ERR"
	grep -q "exit code 3" "$RUN_ERR"
}

@test "run: an app that gives up (errored) makes csup exit 1" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: crashy
	    script: /bin/sh
	    args: ["-c", "exit 7"]
	    max_restarts: 2
	    min_uptime: 5000
	EOF
	start_run "$WORK/eco.yaml"
	wait_run_exit 30
	[ "$RUN_RC" -eq 1 ]
	grep -q "crashy.*errored" "$RUN_ERR"
}

@test "run: a bad file is one line, exit 2, and nothing starts" {
	printf 'apps:\n  - name: x\n    scirpt: sleep %s\n' "$SLEEPN" >"$WORK/bad.yaml"
	run "$CSUP" run "$WORK/bad.yaml"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "$WORK/bad.yaml:3:5: "* ]]
	[ ! -e "$CSUP_HOME/csup.sock" ]
	no_process_with "sleep $SLEEPN"
	run "$CSUP" run
	[ "$status" -eq 2 ]
	run "$CSUP" run "$WORK/bad.yaml" --bogus
	[ "$status" -eq 2 ]
	run "$CSUP" run "$WORK/missing.yaml"
	[ "$status" -eq 2 ]
}

@test "run: --only and --env pick the apps and their environment" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: one
	    script: /bin/sh
	    args: ["-c", "echo \"one says \$WORD\""]
	    autorestart: false
	    env: { WORD: plain }
	    env_prod: { WORD: production }
	  - name: two
	    script: /bin/sh
	    args: ["-c", "echo two-ran"]
	    autorestart: false
	EOF
	start_run "$WORK/eco.yaml" --only one --env prod
	wait_run_exit 20
	[ "$RUN_RC" -eq 0 ]
	grep -qx 'one | one says production' "$RUN_OUT"
	run grep -c 'two' "$RUN_OUT"
	[ "$output" = 0 ]
	run "$CSUP" run "$WORK/eco.yaml" --only nosuch
	[ "$status" -eq 2 ]
}

@test "run: csup status answers through the control socket, a stop is not a failure" {
	two_apps 3
	start_run "$WORK/eco.yaml"
	wait_until 20 has_lines beta "$RUN_OUT" 3
	wait_until 10 app_state_is alpha online
	run csup status
	[ "$status" -eq 0 ]
	[[ "$output" == *alpha*online* ]]
	[[ "$output" == *beta*online* ]]
	csup stop alpha >/dev/null
	kill -0 "$RUN_PID"		# beta still runs: csup run goes on
	csup stop beta >/dev/null
	wait_run_exit 20
	[ "$RUN_RC" -eq 0 ]
	no_process_with "sleep $SLEEPN"
}

@test "run: a second SIGTERM kills what the first is still waiting for" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: stubborn
	    script: /bin/sh
	    args: ["-c", "trap '' TERM INT; echo up; while :; do sleep $SLEEPN & wait; done"]
	    kill_signal: SIGTERM
	    kill_timeout: 60s
	EOF
	start_run "$WORK/eco.yaml"
	wait_until 20 has_lines stubborn "$RUN_OUT" 1
	kill -TERM "$RUN_PID"
	wait_until 10 grep -q 'stopping every app' "$RUN_ERR"
	kill -0 "$RUN_PID"		# waiting for kill_timeout
	t0=$(now_ms)
	kill -TERM "$RUN_PID"
	wait_run_exit 15
	[ $(( $(now_ms) - t0 )) -lt 10000 ]
	[ "$RUN_RC" -eq 1 ]
	wait_until 5 no_process_with "sleep $SLEEPN"
}

@test "run: a daemon already serving the home is refused" {
	csup ping >/dev/null
	two_apps 1
	run "$CSUP" run "$WORK/eco.yaml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"already serves"* ]]
	no_process_with "sleep $SLEEPN"
}

@test "run: on a terminal the prefix is coloured, unless NO_COLOR" {
	command -v script >/dev/null || { [ "${CI:-}" != true ] || false; skip "script (util-linux) is not installed"; }
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: tinted
	    script: /bin/sh
	    args: ["-c", "echo hello-$MARK"]
	    autorestart: false
	EOF
	# script(1) gives csup run a terminal as its stdout and stderr
	timeout 30 script -qec "'$CSUP' run '$WORK/eco.yaml'" /dev/null >"$WORK/tty.out" </dev/null
	grep -q $'\033\\[[0-9;]*mtinted |\033\\[0m '"hello-$MARK" "$WORK/tty.out"
	NO_COLOR=1 timeout 30 script -qec "'$CSUP' run '$WORK/eco.yaml'" /dev/null >"$WORK/tty2.out" </dev/null
	grep -q "^tinted | hello-$MARK" "$WORK/tty2.out"
	run grep -c $'\033' "$WORK/tty2.out"
	[ "$output" = 0 ]
}
