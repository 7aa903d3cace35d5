#!/usr/bin/env bats
# reload (add, restart the changed, keep the unchanged, remove the deleted)
# and the environment an app gets.

load ../lib/helpers

setup() {
	make_home
}

app() {	# app NAME ARG
	printf '  - name: %s\n    script: sh\n    args: ["-c", "while :; do sleep 0.2; done; %s"]\n' "$1" "$2"
}

@test "reload adds new, restarts changed, keeps unchanged, removes deleted" {
	{ echo "apps:"; app keep "$MARK-k"; app change "$MARK-c1"; app gone "$MARK-g"; } > "$WORK/eco.yaml"
	csup start "$WORK/eco.yaml" >/dev/null
	keep=$(app_field keep pid)
	{ echo "apps:"; app keep "$MARK-k"; app change "$MARK-c2"; app added "$MARK-a"; } > "$WORK/eco.yaml"
	run csup reload "$WORK/eco.yaml"
	[ "$status" -eq 0 ]
	[ "$(app_field keep pid)" = "$keep" ]
	no_process_with "$MARK-c1"
	[ "$(roots_with "$MARK-c2")" -eq 1 ]
	no_process_with "$MARK-g"
	[ "$(roots_with "$MARK-a")" -eq 1 ]
	[ "$(status_field "sorted(a['name'] for a in j)")" = "['added', 'change', 'keep']" ]
	[ "$(app_field change restarts)" -eq 1 ]
}

@test "reload of a bad file exits 2 and changes nothing" {
	{ echo "apps:"; app keep "$MARK-k"; } > "$WORK/eco.yaml"
	csup start "$WORK/eco.yaml" >/dev/null
	keep=$(app_field keep pid)
	printf 'apps:\n  - name: [\n' > "$WORK/eco.yaml"
	run csup reload "$WORK/eco.yaml"
	[ "$status" -eq 2 ]
	[ "$(app_field keep pid)" = "$keep" ]
}

@test "environment: the client's, then env, then env_NAME, then CSUP_APP and CSUP_HOME" {
	cat > "$WORK/eco.yaml" <<YAML
apps:
  - name: envy
    script: sh
    args: ["-c", "env > $WORK/env.out; while :; do sleep 0.2; done; $MARK"]
    env:
      FROM_ENV: base
      OVER: env
    env_prod:
      OVER: prod
YAML
	FROM_CLIENT=yes OVER=client CSUP_APP=fake csup start "$WORK/eco.yaml" --env prod >/dev/null
	wait_until 5 grep -q '^CSUP_HOME=' "$WORK/env.out"
	grep -qx 'FROM_CLIENT=yes' "$WORK/env.out"
	grep -qx 'FROM_ENV=base' "$WORK/env.out"
	grep -qx 'OVER=prod' "$WORK/env.out"
	grep -Eqx 'CSUP_APP=[0-9a-f]{16}:envy:1' "$WORK/env.out"
	grep -qx "CSUP_HOME=$CSUP_HOME" "$WORK/env.out"
	rm "$WORK/env.out"
	FROM_CLIENT=updated csup restart envy --update-env >/dev/null
	wait_until 5 grep -q '^CSUP_HOME=' "$WORK/env.out"
	grep -qx 'FROM_CLIENT=updated' "$WORK/env.out"
	grep -Eqx 'CSUP_APP=[0-9a-f]{16}:envy:2' "$WORK/env.out"
}

@test "the app gets no fds beyond 0-2, default signals, an empty mask, its own session" {
	csup start sh --name fds -- -c "while :; do sleep 0.2; done; $MARK" >/dev/null
	pid=$(app_field fds pid)
	[ "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
	grep Sig /proc/$pid/status	# shown when the test fails
	grep -q 'SigBlk:	0000000000000000' /proc/$pid/status
	grep -q 'SigIgn:	0000000000000000' /proc/$pid/status
	[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]
	[ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ]
}
