#!/usr/bin/env bats
# App logs: files, --lines, --follow, date prefixes, rotation, and no line
# lost while the daemon is killed with SIGKILL.

load ../lib/helpers

setup() {
	make_home
}

@test "logs --lines N prints the last N lines of out, then err" {
	csup start sh --name talk -- -c "for i in 1 2 3 4 5; do echo out\$i; echo err\$i >&2; done; while :; do sleep 0.2; done; $MARK" >/dev/null
	wait_until 5 grep -q err5 "$CSUP_HOME/logs/talk-err.log"
	wait_until 5 grep -q out5 "$CSUP_HOME/logs/talk-out.log"
	run csup logs talk --lines 2
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'out4\nout5\nerr4\nerr5')" ]
	run csup logs nosuch
	[ "$status" -eq 1 ]
}

@test "logs --follow appends new lines" {
	csup start sh --name talk -- -c "i=0; while :; do i=\$((i+1)); echo line\$i; sleep 0.1; done; $MARK" >/dev/null
	"$CSUP" logs talk --lines 1 --follow > "$WORK/follow" 2>&1 &
	follower=$!
	wait_until 5 eval '[ "$(wc -l < "$WORK/follow")" -ge 5 ]'
	kill "$follower"
	wait "$follower" || true
}

@test "log_date_format prefixes every line; out_file and error_file are honoured" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: dated
    script: sh
    args: ["-c", "echo hello-$MARK; echo oops >&2; while :; do sleep 0.2; done"]
    log_date_format: "YYYY-MM-DD HH:mm:ss.SSS Z"
    out_file: $WORK/o.log
    error_file: $WORK/e.log
YAML
	csup start "$WORK/eco.yaml" >/dev/null
	wait_until 5 grep -q "hello-$MARK" "$WORK/o.log"
	wait_until 5 grep -q oops "$WORK/e.log"
	grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} [+-][0-9]{2}:[0-9]{2}: hello-$MARK\$" "$WORK/o.log"
	[ "$(stat -c %a "$WORK/o.log")" = 640 ]
}

@test "size rotation keeps log_max_files files" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: chatty
    script: sh
    args: ["-c", "i=0; while [ \$i -lt 400 ]; do i=\$((i+1)); echo 0123456789012345678901234567890123456789-\$i; done; while :; do sleep 0.2; done; $MARK"]
    log_max_size: 2K
    log_max_files: 2
YAML
	csup start "$WORK/eco.yaml" >/dev/null
	wait_until 10 grep -q -- "-400\$" "$CSUP_HOME/logs/chatty-out.log"
	[ -f "$CSUP_HOME/logs/chatty-out.log.1" ]
	[ -f "$CSUP_HOME/logs/chatty-out.log.2" ]
	[ ! -f "$CSUP_HOME/logs/chatty-out.log.3" ]
	[ "$(stat -c %s "$CSUP_HOME/logs/chatty-out.log")" -le 2048 ]
}

@test "logs survive a daemon kill -9: the app keeps writing, no line is lost" {
	csup start sh --name counter -- -c "i=0; while :; do i=\$((i+1)); echo n\$i; sleep 0.02; done; $MARK" >/dev/null
	log="$CSUP_HOME/logs/counter-out.log"
	wait_until 5 grep -q '^n10$' "$log"
	kill -9 "$(csup ping)"
	before=$(wc -l < "$log")
	wait_until 10 eval '[ "$(wc -l < "$log")" -ge $((before + 20)) ]'
	csup ping >/dev/null
	csup stop counter >/dev/null
	python3 - "$log" <<'PY'
import sys
n = [int(l[1:]) for l in open(sys.argv[1]) if l.startswith("n")]
assert n == list(range(1, len(n) + 1)), "gap or duplicate"
PY
}
