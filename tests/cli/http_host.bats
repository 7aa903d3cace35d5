#!/usr/bin/env bats
# The daemon's HTTP API bound to loopback answers 421 to a Host that is not a
# loopback name or address (DNS rebinding: a page of evil.example resolving
# to 127.0.0.1 must not read /api/apps, which holds every app's env).

load ../lib/helpers
load ../lib/hardening

setup() {
	make_home
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	export CSUP_HTTP="127.0.0.1:$PORT"
	URL="http://127.0.0.1:$PORT"
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: web
    script: sleep
    args: ["$SLEEPN"]
    env:
      SECRET: s3cret-$MARK
YAML
	csup start "$WORK/eco.yaml" >/dev/null
	wait_until 10 curl -sf -o /dev/null "$URL/metrics"
}

teardown() {
	hardening_teardown
}

code() {	# code HOST PATH
	curl -s -o "$WORK/body" -w '%{http_code}' -H "Host: $1" "$URL$2"
}

@test "HTTP on loopback: a foreign Host gets 421 and no data" {
	for h in evil.example evil.example:$PORT 127.0.0.1.evil.example \
	    localhost.evil.example "localhost:$PORT@evil" 10.0.0.1 "[::2]:$PORT" \
	    "localhost:" "127.0.0.1:80x"; do
		for p in /api/apps /api/apps/web / /metrics; do
			run code "$h" "$p"
			[ "$output" = 421 ] || { echo "Host $h $p: $output"; false; }
			! grep -q "s3cret-$MARK" "$WORK/body" || false
		done
	done
}

@test "HTTP on loopback: loopback Hosts are served" {
	for h in 127.0.0.1 "127.0.0.1:$PORT" localhost "localhost:$PORT" \
	    LocalHost "[::1]" "[::1]:$PORT"; do
		run code "$h" /api/apps/web
		[ "$output" = 200 ] || { echo "Host $h: $output"; false; }
		grep -q "s3cret-$MARK" "$WORK/body"
	done
	# curl's own Host (127.0.0.1:PORT)
	run curl -sf -o /dev/null -w '%{http_code}' "$URL/api/apps/web"
	[ "$output" = 200 ]
}
