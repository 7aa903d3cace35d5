#!/usr/bin/env bats
# JavaScript ecosystem files (.js, .cjs, .mjs) evaluated by node: every
# fixture in tests/fixtures/js against its .expect (the `check --json` apps,
# or the error line), the client's environment, the file's folder as cwd,
# the child's group ended, no node, dotenv from the project's node_modules,
# and resurrect never evaluating again.

bats_require_minimum_version 1.5.0

load ../lib/helpers

setup() {
	make_home
	FIX="${CSUP_SRC_DIR:?}/tests/fixtures/js"
	unset CSUP_FIXTURE_PORT CSUP_FIXTURE_MODE CSUP_FIXTURE_WORKERS \
	    CSUP_FIXTURE_MAX_RESTARTS CSUP_FIXTURE_DATABASE_URL CSUP_NODE
	command -v node >/dev/null || require_or_skip "node is not installed"
}

# check_fixture FILE: `csup check --json FILE` gives FILE.expect.
check_fixture() {
	local f="$1" want
	want="$(head -n 1 "$f.expect")"
	run --separate-stderr "$CSUP" check --json "$f"
	if [[ "$want" == "error: "* ]]; then
		[ "$status" -eq 2 ] || { echo "$f: status $status, want 2"; return 1; }
		[ "$stderr" = "$f:${want#error: }" ] ||
		    { echo "$f: got '$stderr', want '$f:${want#error: }'"; return 1; }
		return 0
	fi
	[ "$status" -eq 0 ] || { echo "$f: status $status: $stderr"; return 1; }
	python3 "$CSUP_SRC_DIR/tests/lib/jscheck.py" "$f.expect" "$FIX" <<<"$output"
}

@test "every JavaScript fixture checks as its .expect says (at least 12)" {
	local n=0 f
	for f in "$FIX"/*.js "$FIX"/*.cjs "$FIX"/*.mjs; do
		check_fixture "$f"
		n=$((n + 1))
	done
	[ "$n" -ge 12 ]
}

@test "a bad JavaScript fixture is one error line, exit 2, whatever its kind" {
	for f in syntax-error.config.js syntax-error.config.mjs throws.config.js \
	    missing-module.config.cjs typo.config.js; do
		run --separate-stderr "$CSUP" check "$FIX/$f"
		[ "$status" -eq 2 ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
		[[ "$stderr" =~ ^"$FIX/$f":[0-9]+:[0-9]+:\  ]]
	done
}

@test "the file sees the client's environment" {
	CSUP_FIXTURE_PORT=4100 CSUP_FIXTURE_MODE=production CSUP_FIXTURE_WORKERS=8 \
	    CSUP_FIXTURE_MAX_RESTARTS=3 run --separate-stderr "$CSUP" check --json \
	    "$FIX/env-default.config.js"
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
a = json.load(sys.stdin)[0]
assert a["env"] == {"PORT": "4100", "NODE_ENV": "production", "DEBUG": "false",
                    "WORKERS": "8", "NODE_APP_INSTANCE": "0"}, a["env"]
assert a["max_restarts"] == 3
' <<<"$output"
	CSUP_FIXTURE_DATABASE_URL=postgres://x run --separate-stderr "$CSUP" check --json \
	    "$FIX/throws.config.js"
	[ "$status" -eq 0 ]
}

@test "node runs in the file's folder, in its own group, ended with it" {
	mkdir -p "$WORK/proj"
	cat >"$WORK/proj/ecosystem.config.js" <<-EOF2
	const { spawn } = require('child_process');
	spawn('sleep', ['$SLEEPN'], { stdio: 'ignore' });
	const pgid = require('fs').readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[2];
	module.exports = { apps: [{ name: 'where', script: 'x.js',
	  env: { CWD: process.cwd(), PGID_IS_PID: String(Number(pgid) === process.pid) } }] };
	EOF2
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr "$CSUP" check --json "$WORK/proj/ecosystem.config.js"
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys, os
a = json.load(sys.stdin)[0]
assert a["env"]["CWD"] == os.path.realpath(sys.argv[1]), a["env"]
assert a["env"]["PGID_IS_PID"] == "true", a["env"]
' "$WORK/proj" <<<"$output"
	wait_until 5 no_process_with "sleep $SLEEPN"
}

@test "a file that never returns is killed after 10 s with its group" {
	cat >"$WORK/spin.config.js" <<-EOF2
	require('child_process').spawn('sleep', ['$SLEEPN'], { stdio: 'ignore' });
	for (;;) {}
	EOF2
	local t0=$SECONDS
	run --separate-stderr "$CSUP" check "$WORK/spin.config.js"
	[ "$status" -eq 2 ]
	[ "$stderr" = "$WORK/spin.config.js:1:1: node did not finish evaluating the file within 10 s (killed)" ]
	[ $((SECONDS - t0)) -ge 9 ] && [ $((SECONDS - t0)) -le 20 ]
	wait_until 5 no_process_with "sleep $SLEEPN"
}

@test "without node: one line saying node is needed and YAML or JSON work without it" {
	mkdir -p "$WORK/empty"
	run --separate-stderr env PATH="$WORK/empty" "$CSUP" check "$FIX/init.config.js"
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == "$FIX/init.config.js:1:1: node is needed"*"YAML or JSON"* ]]
	CSUP_NODE="$WORK/empty/node" run --separate-stderr "$CSUP" check "$FIX/init.config.js"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"node is needed"*"CSUP_NODE"* ]]
	CSUP_NODE="$WORK/empty/node" run --separate-stderr "$CSUP" start "$FIX/init.config.js"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"node is needed"* ]]
	[ ! -e "$CSUP_HOME/csup.sock" ]
}

@test "require('dotenv') from the project's own node_modules" {
	local npmdir="${CSUP_BUILD_DIR:?}/npm/dotenv"
	if [ ! -d "$npmdir/node_modules/dotenv" ]; then
		mkdir -p "$npmdir"
		npm install --silent --prefix "$npmdir" dotenv@16 >/dev/null 2>&1 ||
		    require_or_skip "npm cannot install dotenv"
	fi
	mkdir -p "$WORK/app"
	ln -s "$npmdir/node_modules" "$WORK/app/node_modules"
	printf 'API_KEY=k-123\nexport REGION="eu # west"\n' >"$WORK/app/.env"
	cat >"$WORK/app/ecosystem.config.js" <<-'EOF2'
	require('dotenv').config();
	module.exports = { apps: [{ name: 'dot', script: 'dot.js',
	  env: { API_KEY: process.env.API_KEY, REGION: process.env.REGION } }] };
	EOF2
	run --separate-stderr "$CSUP" check --json "$WORK/app/ecosystem.config.js"
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
a = json.load(sys.stdin)[0]
assert a["env"] == {"API_KEY": "k-123", "REGION": "eu # west",
                    "NODE_APP_INSTANCE": "0"}, a["env"]
' <<<"$output"
}

@test "start evaluates once; resurrect runs what was stored and never calls node" {
	cat >"$WORK/count-node" <<-EOF2
	#!/bin/sh
	echo run >>"$WORK/node-runs"
	exec node "\$@"
	EOF2
	chmod +x "$WORK/count-node"
	cat >"$WORK/ecosystem.config.js" <<-EOF2
	module.exports = { apps: [{ name: 'js-app', script: 'sleep', args: ['$SLEEPN'],
	  env: { EVALUATED_AT: String(Date.now()) } }] };
	EOF2
	CSUP_NODE="$WORK/count-node" run csup start "$WORK/ecosystem.config.js"
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$WORK/node-runs")" -eq 1 ]
	at=$(csup env js-app 2>/dev/null | grep EVALUATED_AT || csup describe js-app --json |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["env"]["EVALUATED_AT"])')
	run csup kill
	[ "$status" -eq 0 ]
	CSUP_NODE="$WORK/count-node" PATH="/usr/bin:/bin" run csup resurrect
	[ "$status" -eq 0 ]
	wait_until 10 app_state_is js-app online
	[ "$(wc -l <"$WORK/node-runs")" -eq 1 ]
	now=$(csup describe js-app --json |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["env"]["EVALUATED_AT"])')
	[[ "$at" == *"$now"* ]]
}
