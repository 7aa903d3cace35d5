#!/usr/bin/env bats
# GET /healthz and /readyz, the probes of container schedulers, on a csup
# run: /readyz is 503 naming an app while it is launching (wait_ready), 200
# once every app is online, 503 again when a health check fails.

load ../lib/run

setup() {
	make_home
	export CSUP_HTTP=127.0.0.1:0
}

teardown() {
	run_teardown
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

http_port() {
	HTTP_PORT=$(sed -n 's/.*HTTP on port \([0-9]*\).*/\1/p' "$CSUP_HOME/csup.log" | tail -n1)
	[ -n "$HTTP_PORT" ]
}

# get PATH: CODE in $CODE, body in $BODY
get() {
	CODE=$(curl -s -o "$CSUP_HOME/body" -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT$1")
	BODY=$(cat "$CSUP_HOME/body")
}

readyz_is() {
	get /readyz
	[ "$CODE" = "$1" ] && [[ "$BODY" == *"$2"* ]]
}

@test "readyz: 503 while an app is launching, 200 once all online, 503 when a health check fails" {
	port=$(free_port)
	mkdir -p "$WORK/www"
	echo fine >"$WORK/www/ok.txt"
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: slow
	    script: /bin/sh
	    args: ["-c", "while [ ! -e $WORK/go ]; do sleep 0.1; done; python3 $CSUP_SRC_DIR/tests/lib/sd_notify.py READY=1; exec sleep $SLEEPN"]
	    wait_ready: true
	    listen_timeout: 120s
	    kill_signal: SIGTERM
	  - name: web
	    script: python3
	    args: ["-m", "http.server", "$port", "--bind", "127.0.0.1", "--directory", "$WORK/www"]
	    kill_signal: SIGTERM
	    health: { url: "http://127.0.0.1:$port/ok.txt", interval: 500ms, timeout: 2s, retries: 1000 }
	EOF
	start_run "$WORK/eco.yaml"
	wait_until 20 http_port
	get /healthz
	[ "$CODE" = 200 ]
	[ "$BODY" = ok ]
	wait_until 20 readyz_is 503 '"slow":"launching'
	echo "$BODY" | python3 -c 'import json,sys; j=json.load(sys.stdin); assert "waiting for READY=1" in j["slow"], j'
	touch "$WORK/go"
	# READY=1 comes through a python3 start and the health check's next
	# round: a wide bound for ASan on a loaded machine, and the last body
	# and the app's events (an ignored datagram says why) shown when it fails.
	wait_until 40 readyz_is 200 '{}' || {
		echo "last /readyz: $CODE $BODY"
		grep -as 'slow: ready' "$CSUP_HOME/csup.log" "$RUN_OUT" "$RUN_ERR"
		false
	}
	rm "$WORK/www/ok.txt"
	wait_until 20 readyz_is 503 '"web":"health check failing: HTTP 404'
	run grep -c '"slow"' "$CSUP_HOME/body"
	[ "$output" = 0 ]
	echo fine >"$WORK/www/ok.txt"
	wait_until 20 readyz_is 200 '{}'
	kill -TERM "$RUN_PID"
	wait_run_exit 20
	[ "$RUN_RC" -eq 0 ] || { cat "$RUN_ERR"; false; }
}

@test "readyz and healthz also answer outside csup run" {
	csup start sh --name plain -- -c "exec sleep $SLEEPN" >/dev/null
	wait_until 10 http_port
	get /healthz
	[ "$CODE" = 200 ]
	wait_until 10 readyz_is 200 '{}'
	csup stop plain >/dev/null
	# stopped on purpose: no reason to be unready
	readyz_is 200 '{}'
	get /readyz
	curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$HTTP_PORT/readyz" | grep -qx 405
}
