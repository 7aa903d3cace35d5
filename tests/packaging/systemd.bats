#!/usr/bin/env bats
# csup export systemd FILE [DIR] and csup startup: the units systemd reads back.

load ../lib/require

setup() {
	CSUP="$CSUP_BIN_DIR/csup"
	T=$(mktemp -d)
	export CSUP_HOME="$T/home" XDG_RUNTIME_DIR="$T/run"
	mkdir -p "$XDG_RUNTIME_DIR" "$T/app dir/bin"
	printf '#!/bin/sh\nexec sleep 73011\n' >"$T/app dir/bin/server"
	chmod +x "$T/app dir/bin/server"
	cat >"$T/eco.yaml" <<-'EOF'
	apps:
	  - name: api
	    script: ./bin/server
	    cwd: app dir
	    args: ["--port", "3000", "50% $HOME \"q\" back\\slash", ";", ""]
	    env:
	      PORT: 3000
	      GREETING: "hello \"world\" $NOT_EXPANDED 100%"
	    kill_signal: SIGTERM
	    kill_timeout: 5s
	    restart_delay: 2s
	    max_restarts: 4
	    max_memory_restart: 100M
	    max_processes: 20
	    wait_ready: true
	    listen_timeout: 8s
	    out_file: logs/api out.log
	    error_file: /tmp/api-err.log
	    watch: true
	    cron_restart: "*/5 * * * *"
	    health: { url: "http://127.0.0.1:1/health", interval: 5s }
	    alert: echo alert
	    exp_backoff_restart_delay: 100
	  - name: jobs
	    script: sleep 73012 && echo done
	    autorestart: false
	    kill_mode: main
	    instances: 2
	EOF
}

teardown() {
	rm -rf "$T"
}

# systemd-analyze exits 0 even on warnings: a unit verifies when it prints nothing.
verify() {
	run systemd-analyze "$@"
	echo "$output"
	[ "$status" -eq 0 ] && [ -z "$output" ]
}

@test "export writes one unit an app (instances expanded) and prints each path" {
	run "$CSUP" export systemd "$T/eco.yaml" "$T/units"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$T/units/api.service" ]
	[ "${lines[1]}" = "$T/units/jobs-0.service" ]
	[ "${lines[2]}" = "$T/units/jobs-1.service" ]
	[ "$(ls "$T/units")" = "$(printf 'api.service\njobs-0.service\njobs-1.service')" ]
}

@test "exported units pass systemd-analyze verify" {
	"$CSUP" export systemd "$T/eco.yaml" "$T/units"
	verify verify "$T/units/api.service" "$T/units/jobs-0.service" "$T/units/jobs-1.service"
	"$CSUP" export systemd "$T/eco.yaml" "$T/user-units" --user
	grep -qx 'WantedBy=default.target' "$T/user-units/api.service"
	verify --user verify "$T/user-units/api.service"
}

@test "export maps the fields" {
	"$CSUP" export systemd "$T/eco.yaml" "$T/units"
	u="$T/units/api.service"
	cat "$u"
	grep -qx "WorkingDirectory=$T/app dir" "$u"
	grep -qxF "ExecStart=\"$T/app dir/bin/server\" --port 3000 \"50%% \$\$HOME \\\"q\\\" back\\\\slash\" \";\" \"\"" "$u"
	grep -qx 'Environment="PORT=3000"' "$u"
	grep -qxF 'Environment="GREETING=hello \"world\" $NOT_EXPANDED 100%%"' "$u"
	grep -qx 'KillMode=control-group' "$u"
	grep -qx 'KillSignal=SIGTERM' "$u"
	grep -qx 'TimeoutStopSec=5000ms' "$u"
	grep -qx 'Restart=on-failure' "$u"
	grep -qx 'RestartSec=2000ms' "$u"
	grep -qx 'StartLimitBurst=5' "$u"
	grep -qx 'MemoryMax=104857600' "$u"
	grep -qx 'TasksMax=20' "$u"
	grep -qx 'Type=notify' "$u"
	grep -qx 'NotifyAccess=all' "$u"
	grep -qx 'TimeoutStartSec=8000ms' "$u"
	grep -qx "StandardOutput=append:$T/app dir/logs/api out.log" "$u"
	grep -qx 'StandardError=append:/tmp/api-err.log' "$u"
	# What systemd has no key for is listed, not dropped.
	grep -q '^#   watch: ' "$u"
	grep -q '^#   cron_restart.*: \*/5 \* \* \* \*$' "$u"
	grep -q '^#   health: http://127.0.0.1:1/health every 5000ms' "$u"
	grep -q '^#   alert: echo alert$' "$u"
	grep -q '^#   exp_backoff_restart_delay: 100ms$' "$u"

	j="$T/units/jobs-1.service"
	cat "$j"
	grep -qx 'Type=exec' "$j"
	grep -qx 'ExecStart=/bin/sh -c "sleep 73012 && echo done"' "$j"
	grep -qx 'KillMode=mixed' "$j"
	grep -qx 'KillSignal=SIGINT' "$j"
	grep -qx 'TimeoutStopSec=1600ms' "$j"
	grep -qx 'Restart=no' "$j"
	grep -qx 'Environment="NODE_APP_INSTANCE=1"' "$j"
	! grep -q '^MemoryMax=\|^TasksMax=\|^StandardOutput=' "$j" || false
}

@test "export without DIR prints the units; --only selects apps" {
	run "$CSUP" export systemd "$T/eco.yaml" --only jobs
	[ "$status" -eq 0 ]
	[ "$(grep -c '^\[Service\]$' <<<"$output")" -eq 2 ]
	grep -q '^# jobs-0.service' <<<"$output"
	! grep -q '^# api.service' <<<"$output" || false
	run "$CSUP" export systemd "$T/eco.yaml" --only nope
	[ "$status" -eq 2 ]
}

@test "export: a bad file is exit 2 with FILE:LINE:COLUMN, bad usage 2, unwritable DIR 1" {
	printf 'apps:\n  - name: x\n    script: /bin/true\n    kill_timeout: abc\n' >"$T/bad.yaml"
	run "$CSUP" export systemd "$T/bad.yaml" "$T/out"
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "$T/bad.yaml:4:"[0-9]*": "* ]]
	[ ! -e "$T/out" ]
	run "$CSUP" export systemd
	[ "$status" -eq 2 ]
	run "$CSUP" export upstart "$T/eco.yaml"
	[ "$status" -eq 2 ]
	run "$CSUP" export systemd "$T/eco.yaml" --bogus
	[ "$status" -eq 2 ]
	touch "$T/file"
	run "$CSUP" export systemd "$T/eco.yaml" "$T/file/units"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/file/units"* ]]
}

@test "startup prints a boot unit for this user and CSUP_HOME" {
	run "$CSUP" startup --system
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'Type=oneshot' <<<"$output"
	grep -qx 'RemainAfterExit=yes' <<<"$output"
	grep -qx 'KillMode=process' <<<"$output"
	grep -qx "User=$(id -un)" <<<"$output"
	grep -qx "Environment=\"CSUP_HOME=$CSUP_HOME\"" <<<"$output"
	grep -qxF "ExecStart=$(readlink -f "$CSUP") resurrect" <<<"$output"
	grep -qxF "ExecStop=$(readlink -f "$CSUP") kill" <<<"$output"
	grep -qx 'WantedBy=multi-user.target' <<<"$output"
	printf '%s\n' "$output" >"$T/csup-test.service"
	verify verify "$T/csup-test.service"
}

@test "startup --user verifies; --install writes and enables it" {
	run "$CSUP" startup --user
	[ "$status" -eq 0 ]
	grep -qx 'WantedBy=default.target' <<<"$output"
	! grep -q '^User=' <<<"$output" || false
	printf '%s\n' "$output" >"$T/csup-user.service"
	verify --user verify "$T/csup-user.service"

	export XDG_CONFIG_HOME="$T/config"
	run "$CSUP" startup --install --user
	echo "$output"
	[ "$status" -eq 0 ]
	unit=$(cd "$T/config/systemd/user" && ls csup*.service)
	[[ "$unit" == csup-*.service ]]	# a non-default CSUP_HOME names its own unit
	[ "$(readlink "$T/config/systemd/user/default.target.wants/$unit")" = \
	  "$T/config/systemd/user/$unit" ]
	grep -qx "Environment=\"CSUP_HOME=$CSUP_HOME\"" "$T/config/systemd/user/$unit"
	[[ "$output" == *"$T/config/systemd/user/$unit"* ]]
	run "$CSUP" startup --install --user	# again: replaced, not an error
	[ "$status" -eq 0 ]
	[ "$(ls "$T/config/systemd/user" | grep -c '\.new$')" -eq 0 ]
}

@test "startup: bad usage is exit 2" {
	run "$CSUP" startup --bogus
	[ "$status" -eq 2 ]
}

@test "the demo configs/ecosystem.yaml exports two units that verify" {
	eco="$CSUP_SRC_DIR/configs/ecosystem.yaml"
	[ -f "$eco" ] || require_or_skip "no configs/ecosystem.yaml yet"
	run "$CSUP" export systemd "$eco" "$T/demo"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(ls "$T/demo" | wc -l)" -eq 2 ]
	run systemd-analyze verify "$T"/demo/*.service
	echo "$output"
	[ "$status" -eq 0 ]
	# The binaries may live in another build directory than the file points at.
	[ -z "$(grep -v 'is not executable: No such file or directory$' <<<"$output")" ]
}

@test "export resolves the program as csup does, and says when it cannot" {
	mkdir -p "$T/p/bin"
	printf '#!/bin/sh\n' >"$T/p/bin/tool-73013" && chmod +x "$T/p/bin/tool-73013"
	cat >"$T/r.yaml" <<-EOF
	apps:
	  - name: via-path
	    script: tool-73013
	    env: { PATH: "$T/p/bin:/usr/bin" }
	  - name: missing
	    script: no-such-cmd-73014
	EOF
	run "$CSUP" export systemd "$T/r.yaml"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qxF "ExecStart=$T/p/bin/tool-73013" <<<"$output"
	grep -qx 'ExecStart=no-such-cmd-73014' <<<"$output"
	grep -q "^# not resolved on this machine: .*no-such-cmd-73014" <<<"$output"
}
