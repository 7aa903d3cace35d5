#!/usr/bin/env bats
# `csup describe GROUP` and GET /api/apps/GROUP take an instances group's
# name, as every other command does: the copies' objects, in an array.

load ../lib/helpers

setup() {
	make_home
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	export CSUP_HTTP="127.0.0.1:$PORT"
}

teardown() {
	cleanup_home
}

names_of() {
	python3 -c 'import json,sys; j=json.load(sys.stdin); print(" ".join(a["name"] for a in j) if isinstance(j, list) else "object:" + j["name"])'
}

@test "describe and /api/apps accept an instances group name" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: grp
	    script: sleep
	    args: ["$SLEEPN"]
	    instances: 2
	EOF
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	[ "$(csup describe grp --json | names_of)" = "grp-0 grp-1" ]
	[ "$(csup describe grp-1 --json | names_of)" = "object:grp-1" ]
	[ "$(curl -sf "http://127.0.0.1:$PORT/api/apps/grp" | names_of)" = "grp-0 grp-1" ]
	[ "$(curl -sf "http://127.0.0.1:$PORT/api/apps/grp-0" | names_of)" = "object:grp-0" ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/apps/nope-$MARK")" = 404 ]
}
