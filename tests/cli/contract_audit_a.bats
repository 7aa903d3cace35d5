#!/usr/bin/env bats
# Contract statements restored by the audit: each test names the statement it keeps.

bats_require_minimum_version 1.5.0

setup() {
	CSUP="${CSUP_BIN_DIR:?}/csup"
	export CSUP_HOME="$BATS_TEST_TMPDIR/home"
	export CSUP_HTTP=off CSUP_CGROUPS=0
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	"$CSUP" kill >/dev/null 2>&1 || true
}

# "name ... not digits alone (an all-digit argument on the command line is an id), an error"
@test "an all-digit app name is an error at its line and column" {
	printf 'apps:\n  - name: "123"\n    script: sleep\n    args: "73531"\n' > eco.yaml
	run --separate-stderr "$CSUP" check eco.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == "eco.yaml:2:11: "*123* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	run --separate-stderr "$CSUP" start eco.yaml
	[ "$status" -eq 2 ]
	run pgrep -f 'sleep 73531'
	[ "$status" -ne 0 ]
}

@test "an all-digit --name on the command line is refused" {
	run --separate-stderr "$CSUP" start sleep --name 4567 -- 73532
	[ "$status" -eq 2 ]
	run pgrep -f 'sleep 73532'
	[ "$status" -ne 0 ]
}

# "An error goes to stderr as one line, for a file FILE:LINE:COLUMN: message":
# a file that cannot be opened is named as given, flags or not.
@test "start of a missing file with a flag names the file, exit 2" {
	run --separate-stderr "$CSUP" start "nope-73533.yaml" --kill-timeout 2s
	[ "$status" -eq 2 ]
	[ "$stderr" = "nope-73533.yaml: cannot open: No such file or directory" ]
	run --separate-stderr "$CSUP" reload "./nope-73533"
	[ "$status" -eq 2 ]
	[ "$stderr" = "./nope-73533: cannot open: No such file or directory" ]
}

# "describe NAME --json ... config (the resolved fields, defaults included)":
# the default log paths are resolved like the other defaults.
@test "describe --json config holds the resolved default log paths" {
	printf 'apps:\n  - name: dl\n    script: sleep\n    args: "73534"\n' > eco.yaml
	"$CSUP" start eco.yaml >/dev/null
	run --separate-stderr "$CSUP" describe dl --json
	[ "$status" -eq 0 ]
	run jq -r '.config.out_file, .config.error_file, .config.kill_timeout, .config.kill_signal' <<<"$output"
	[ "${lines[0]}" = "$CSUP_HOME/logs/dl-out.log" ]
	[ "${lines[1]}" = "$CSUP_HOME/logs/dl-err.log" ]
	[ "${lines[2]}" = 1600 ]
	[ "${lines[3]}" = SIGINT ]
}

# "log_date_format: each line is prefixed with the time" and "rotation by size is
# built in": a rotation never separates a line from its prefix.
@test "with log_date_format, every line of every rotated file keeps its prefix" {
	cat > eco.yaml <<-'Y'
	apps:
	  - name: rp
	    script: "i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo line-$i-xxxxxxxxxxxxxxxxxxxxxxx; done; exec sleep 73535"
	    log_max_size: 1K
	    log_max_files: 3
	    log_date_format: "YYYY-MM-DD HH:mm:ss"
	Y
	"$CSUP" start eco.yaml >/dev/null
	out="$CSUP_HOME/logs/rp-out.log"
	done400() { grep -q 'line-400-' "$out" 2>/dev/null; }
	for _ in $(seq 100); do done400 && break; sleep 0.1; done
	done400
	[ -s "$out.1" ]
	run grep -hvE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}: line-[0-9]+-x+$' "$out" "$out".*
	echo "$output"
	[ -z "$output" ]
}
