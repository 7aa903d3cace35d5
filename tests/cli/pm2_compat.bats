#!/usr/bin/env bats
# PM2 process files as PM2 runs them: NULL log paths, a directory script,
# instance_var for a single copy, env_file, objects in env, ~/ in paths.

bats_require_minimum_version 1.5.0

load ../lib/helpers

setup() {
	make_home
	command -v node >/dev/null || require_or_skip "node is not installed"
}

@test "out_file NULL: no log file for that stream; error_file still written" {
	cat >"$WORK/eco.json" <<-EOF2
	{ "apps": [{ "name": "nolog", "script": "/bin/sh",
	  "args": ["-c", "echo out-$MARK; echo err-$MARK >&2; exec sleep $SLEEPN"],
	  "out_file": "NULL" }] }
	EOF2
	run csup start "$WORK/eco.json"
	[ "$status" -eq 0 ]
	err_has() { grep -q "err-$MARK" "$CSUP_HOME/logs/nolog-err.log" 2>/dev/null; }
	wait_until 10 err_has
	[ ! -e "$CSUP_HOME/logs/nolog-out.log" ]
	[ ! -e /dev/null.1 ]
	[ -c /dev/null ]
}

@test "a directory script runs its package.json main through node, named after the folder" {
	mkdir -p "$WORK/svc-$MARK/lib"
	printf '{"main": "lib/main"}\n' >"$WORK/svc-$MARK/package.json"
	cat >"$WORK/svc-$MARK/lib/main.js" <<-EOF2
	require('fs').writeFileSync('$WORK/ran', process.argv[1] + ' ' + process.env.NODE_APP_INSTANCE);
	setInterval(() => {}, 1000);
	EOF2
	printf 'apps:\n  - script: ./svc-%s/\n' "$MARK" >"$WORK/eco.yaml"
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 10 app_state_is "svc-$MARK" online
	ran() { [ -s "$WORK/ran" ]; }
	wait_until 10 ran
	[ "$(cat "$WORK/ran")" = "$WORK/svc-$MARK/lib/main.js 0" ]
	run csup stop "svc-$MARK"
	[ "$status" -eq 0 ]
}

@test "env_file and object env values reach the app as PM2 hands them over" {
	printf 'FROM_FILE=yes # comment\nexport QUOTED="a # b"\n' >"$WORK/.env"
	cat >"$WORK/eco.json" <<-EOF2
	{ "apps": [{ "name": "envapp", "script": "/bin/sh",
	  "args": ["-c", "env > $WORK/env.out; exec sleep $SLEEPN"],
	  "env_file": ".env", "env": { "OBJ": { "a": true }, "N": 3 } }] }
	EOF2
	run csup start "$WORK/eco.json"
	[ "$status" -eq 0 ]
	envout() { grep -q '^N=3$' "$WORK/env.out" 2>/dev/null; }
	wait_until 10 envout
	grep -qx 'FROM_FILE=yes' "$WORK/env.out"
	grep -qx 'QUOTED=a # b' "$WORK/env.out"
	grep -qx 'OBJ={"a":true}' "$WORK/env.out"
	grep -qx 'NODE_APP_INSTANCE=0' "$WORK/env.out"
}
