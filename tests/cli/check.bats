#!/usr/bin/env bats
# csup check: output, --json, --strict, --env, exit codes, FILE:LINE:COLUMN errors;
# csup --help and csup version. No daemon is involved.

bats_require_minimum_version 1.5.0

setup() {
	CSUP="${CSUP_BIN_DIR:?}/csup"
	SRC="${CSUP_SRC_DIR:?}"
	export CSUP_HOME="$BATS_TEST_TMPDIR/home"
	cd "$BATS_TEST_TMPDIR"
}

# One line on stderr, the first line of the file named $1 after "expect: ".
expected_error() {
	head -n 1 "$1" | sed -e 's/^.*expect: //'
}

@test "csup --help prints the usage and exits 0" {
	run --separate-stderr "$CSUP" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: csup"* ]]
	[[ "$output" == *check* ]]
}

@test "csup version prints the version and starts no daemon" {
	run --separate-stderr "$CSUP" version
	[ "$status" -eq 0 ]
	[[ "$output" == *csup* ]]
	[[ "$output" =~ [0-9]+\.[0-9]+\.[0-9]+ ]]
	[ ! -e "$CSUP_HOME/csup.sock" ]
}

@test "csup with an unknown command exits 2" {
	run --separate-stderr "$CSUP" frobnicate
	[ "$status" -eq 2 ]
}

@test "check prints each app's resolved fields with defaults filled in" {
	printf 'apps:\n  - name: web\n    script: /bin/sleep\n    args: "73011"\n' > eco.yaml
	run --separate-stderr "$CSUP" check eco.yaml
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" == *web* ]]
	[[ "$output" == *kill_timeout*1600* ]]
	[[ "$output" == *max_restarts*16* ]]
	[[ "$output" == *SIGINT* ]]
}

@test "check --json prints every field with units resolved" {
	cat > eco.yaml <<-'EOF'
	apps:
	  - name: api
	    script: server.js
	    env: {PORT: 3000}
	    kill_timeout: 5s
	    max_memory_restart: 300M
	    kill_signal: TERM
	EOF
	run --separate-stderr "$CSUP" check eco.yaml --json
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
apps = json.load(sys.stdin)
assert isinstance(apps, list) and len(apps) == 1, apps
a = apps[0]
assert a["name"] == "api"
assert a["kill_timeout"] == 5000 and a["max_memory_restart"] == 314572800
assert a["kill_signal"] == "SIGTERM" and a["kill_mode"] == "group"
assert a["env"] == {"PORT": "3000", "NODE_APP_INSTANCE": "0"}
assert a["exec_argv"] == ["node", "server.js"]
assert a["min_uptime"] == 1000 and a["max_restarts"] == 16 and a["autorestart"] is True
assert a["ignore_watch"] == ["node_modules", ".git", ".*", "*.log"]
assert a["log_max_size"] == 52428800 and a["listen_timeout"] == 3000
for k in ("cwd", "watch", "watch_delay", "out_file", "error_file", "log_max_files",
          "wait_ready", "health", "instances", "instance_var", "cron_restart",
          "restart_delay", "exp_backoff_restart_delay", "max_processes", "alert"):
    assert k in a, k
'
}

@test "a bad value is FILE:7:19 on one stderr line, exit 2" {
	mkdir sub
	printf '# x\napps:\n  - name: a\n    script: a.sh\n  - name: b\n    script: b.sh\n    kill_timeout: abc\n' > sub/eco.yaml
	run --separate-stderr "$CSUP" check sub/eco.yaml
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == "sub/eco.yaml:7:19: "* ]]
}

@test "a near miss is an error with a suggestion" {
	printf 'apps:\n  - scirpt: a.sh\n' > eco.yaml
	run --separate-stderr "$CSUP" check eco.yaml
	[ "$status" -eq 2 ]
	[ "$stderr" = "eco.yaml:2:5: unknown field 'scirpt', did you mean 'script'?" ]
}

@test "warnings go to stderr as FILE:LINE:COLUMN: warning, exit 0; --strict makes them errors" {
	printf 'apps:\n  - script: a.sh\n    foo: 1\n    vizion: false\n' > eco.yaml
	run --separate-stderr "$CSUP" check eco.yaml
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"eco.yaml:3:5: warning: unknown field 'foo'"* ]]
	[[ "$stderr" == *"eco.yaml:4:5: warning: PM2 field 'vizion'"* ]]
	run --separate-stderr "$CSUP" check --strict eco.yaml
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == "eco.yaml:3:5: "*foo* ]]
}

@test "--env NAME merges env_NAME over env" {
	printf 'apps:\n  - script: a.sh\n    env: {A: "1", B: "2"}\n    env_production: {B: "3"}\n' > eco.yaml
	run --separate-stderr "$CSUP" check eco.yaml --json --env production
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c 'import json,sys; assert json.load(sys.stdin)[0]["env"] == {"A": "1", "B": "3", "NODE_APP_INSTANCE": "0"}'
	run --separate-stderr "$CSUP" check eco.yaml --json
	echo "$output" | python3 -c 'import json,sys; assert json.load(sys.stdin)[0]["env"] == {"A": "1", "B": "2", "NODE_APP_INSTANCE": "0"}'
}

@test "a missing file is one line and exit 2" {
	run --separate-stderr "$CSUP" check nope.yaml
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == nope.yaml:* ]]
}

@test "bad usage exits 2" {
	run --separate-stderr "$CSUP" check
	[ "$status" -eq 2 ]
	printf 'apps:\n  - script: a\n' > eco.yaml
	run --separate-stderr "$CSUP" check eco.yaml --bogus
	[ "$status" -eq 2 ]
	run --separate-stderr "$CSUP" check eco.yaml other.yaml
	[ "$status" -eq 2 ]
}

@test "a YAML syntax error points at libyaml's problem mark" {
	printf 'apps:\n  - name: a\n   script: b\n' > eco.yaml
	run --separate-stderr "$CSUP" check eco.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == "eco.yaml:3:4: YAML syntax error"* ]]
}

@test "every PM2 fixture checks clean (exit 0)" {
	for f in "$SRC"/tests/fixtures/pm2/*; do
		[ -f "$f" ] || continue		# the folders of directory scripts
		case "$f" in *.expect) continue ;; esac
		run --separate-stderr "$CSUP" check "$f"
		[ "$status" -eq 0 ] || { echo "$f: $stderr"; false; }
	done
}

@test "every bad fixture fails with its expected FILE:LINE:COLUMN, exit 2" {
	for f in "$SRC"/tests/fixtures/bad/*; do
		want="$(expected_error "$f")"
		run --separate-stderr "$CSUP" check "$f"
		[ "$status" -eq 2 ] || { echo "$f: status $status"; false; }
		[[ "$stderr" == "$f:$want"* ]] || { echo "$f: got '$stderr' want '$want'"; false; }
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	done
}

@test "the shipped example files check clean under --strict" {
	for f in "$SRC"/configs/examples/*.yaml; do
		# kubernetes.yaml and the like sit beside them: not ecosystem files
		grep -q '^apps:' "$f" || continue
		run --separate-stderr "$CSUP" check --strict "$f"
		[ "$status" -eq 0 ] || { echo "$f: $stderr"; false; }
	done
}

@test "check --fields lists the field table: name, type, default, help, aliases" {
	run --separate-stderr "$CSUP" check --fields
	[ "$status" -eq 0 ]
	[[ "$output" == *"kill_timeout"*duration*1600* ]]
	[[ "$output" == *"env_file"* ]]
	[[ "$output" == *"script"*"also: exec cmd command"* ]]
	run --separate-stderr "$CSUP" check --fields --json
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
rows = {r["name"]: r for r in json.load(sys.stdin)}
assert rows["max_restarts"]["default"] == "16" and rows["max_restarts"]["type"] == "number"
assert rows["cron_restart"]["aliases"] == "cron"
assert all(r["help"] for r in rows.values())
'
}

@test "env_file: read under env; a missing one warns in check and fails start" {
	printf 'PORT=1\nexport A="x # y"\nB=z # comment\n' > .env
	cat > eco.yaml <<-'EOF2'
	apps:
	  - name: envf
	    script: /bin/sleep 73541
	    env_file: .env
	    env: {PORT: 2}
	EOF2
	run --separate-stderr "$CSUP" check eco.yaml --json
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	echo "$output" | python3 -c '
import json, sys
a = json.load(sys.stdin)[0]
assert a["env"] == {"PORT": "2", "A": "x # y", "B": "z", "NODE_APP_INSTANCE": "0"}, a["env"]
'
	rm .env
	run --separate-stderr "$CSUP" check eco.yaml
	[ "$status" -eq 0 ]
	[[ "$stderr" == "eco.yaml:4:15: warning: env_file '.env' does not exist"* ]]
	run --separate-stderr "$CSUP" start eco.yaml
	[ "$status" -eq 2 ]
	[ "$stderr" = "eco.yaml:4:15: env_file '.env': no such file" ]
	[ ! -e "$CSUP_HOME/csup.sock" ]
}
