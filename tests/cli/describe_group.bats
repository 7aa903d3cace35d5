#!/usr/bin/env bats
# `csup describe GROUP` and GET /api/apps/GROUP take an instances group's
# name, as every other command does: the copies' objects, in an array.
# GET /api/apps/ID takes an app's numeric id, as the command line does.

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

@test "GET /api/apps/ID and /api/apps/ID/samples take an app's numeric id" {
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: first
	    script: sleep
	    args: ["${SLEEPN}1"]
	  - name: second
	    script: sleep
	    args: ["${SLEEPN}2"]
	EOF
	run csup start "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	[ "$(csup pid 1)" = "$(csup pid second)" ]
	[ "$(curl -sf "http://127.0.0.1:$PORT/api/apps/1" | names_of)" = "object:second" ]
	[ "$(curl -sf "http://127.0.0.1:$PORT/api/apps/0" | names_of)" = "object:first" ]
	# the same object as by name (the figures aside)
	same='import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); print(a["id"] == b["id"] and a["pid"] == b["pid"] and a["config"] == b["config"])'
	curl -sf "http://127.0.0.1:$PORT/api/apps/1" >"$WORK/by-id.json"
	curl -sf "http://127.0.0.1:$PORT/api/apps/second" >"$WORK/by-name.json"
	[ "$(python3 -c "$same" "$WORK/by-id.json" "$WORK/by-name.json")" = True ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/apps/1/samples?since=0")" = 200 ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/apps/7/samples?since=0")" = 404 ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/apps/7")" = 404 ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/apps/99999999999")" = 404 ]
}
