#!/usr/bin/env bats
# The daemon a client starts runs with glibc's tcache off
# (GLIBC_TUNABLES=glibc.malloc.tcache_count=0, appended to the caller's);
# its apps get the caller's environment, not that setting; a caller's own
# tcache_count is kept.

load ../lib/helpers

setup() {
	make_home
}

env_of() {	# env_of PID NAME: the value of NAME in /proc/PID/environ, or "<unset>"
	local v
	v=$(tr '\0' '\n' <"/proc/$1/environ" | sed -n "s/^$2=//p")
	echo "${v:-<unset>}"
}

app_pid() {
	app_field "m$MARK" pid
}

write_eco() {
	cat >"$WORK/eco.yaml" <<-EOF2
	apps:
	  - name: m$MARK
	    script: sleep
	    interpreter: none
	    args: ["$SLEEPN"]
	EOF2
}

# glibc parses GLIBC_TUNABLES in place: /proc/PID/environ of a process shows
# it up to the first ':' only, so the checks below look at single settings.
@test "the daemon runs tcache off; its apps do not get the setting" {
	write_eco
	run env -u GLIBC_TUNABLES "$CSUP" start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	[ "$(env_of "$(csup ping)" GLIBC_TUNABLES)" = "glibc.malloc.tcache_count=0" ]
	wait_until 10 app_state_is "m$MARK" online
	[ "$(env_of "$(app_pid)" GLIBC_TUNABLES)" = "<unset>" ]
}

@test "a caller's GLIBC_TUNABLES reaches the apps unchanged" {
	write_eco
	GLIBC_TUNABLES=glibc.malloc.check=0 run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 10 app_state_is "m$MARK" online
	[ "$(env_of "$(app_pid)" GLIBC_TUNABLES)" = "glibc.malloc.check=0" ]
}

@test "a caller's own tcache_count is left as it is" {
	GLIBC_TUNABLES=glibc.malloc.tcache_count=3 csup ping >/dev/null
	[ "$(env_of "$(csup ping)" GLIBC_TUNABLES)" = "glibc.malloc.tcache_count=3" ]
}
