#!/usr/bin/env bats
# Resource limits: `csup describe` shows each limit with how it is
# enforced, one line a limit, as `csup check` prints them.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	make_home
	export CSUP_CGROUPS=0
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: lim
	    script: sleep
	    args: ["$SLEEPN"]
	    limits:
	      memory: 64M
	      pids: 50
	      nofile: 1024
	EOF
}

@test "describe shows each limit on its own line with how it is enforced" {
	csup start "$WORK/eco.yaml" >/dev/null 2>&1
	run -0 csup describe lim
	[[ "$output" =~ limits\.memory\ +64M\ \(enforced\ by\ rlimit\) ]]
	[[ "$output" =~ limits\.pids\ +50\ \(enforced\ by\ watchdog\) ]]
	[[ "$output" =~ limits\.nofile\ +1024\ \(enforced\ by\ rlimit\) ]]
	# and the JSON keeps its shape
	run -0 python3 -c 'import json,sys; l=json.load(sys.stdin)["limits"]["memory"]; assert l == {"value": 67108864, "enforced_by": "rlimit"}, l' \
	    < <(csup describe lim --json)
}
