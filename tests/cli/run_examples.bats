#!/usr/bin/env bats
# The deployment examples of csup run (configs/examples/): the Kubernetes
# file parses and probes /healthz and /readyz with a grace period above the
# largest kill_timeout of the image's ecosystem file; the Nomad job says the
# same; the Dockerfile runs `csup run` from the .deb on Debian slim as a
# user of its own, and its shell commands pass shellcheck.

load ../lib/run

setup() {
	make_home
	EX="${CSUP_SRC_DIR:?}/configs/examples"
}

teardown() {
	cleanup_home
}

# The largest kill_timeout (ms) of the ecosystem file the image runs.
max_kill_timeout_ms() {
	"$CSUP" check --json "$EX/container.yaml" |
		python3 -c 'import json,sys; print(max(a["kill_timeout"] for a in json.load(sys.stdin)))'
}

@test "examples: the image's ecosystem file checks clean" {
	run "$CSUP" check --strict "$EX/container.yaml"
	[ "$status" -eq 0 ]
	[ "$(max_kill_timeout_ms)" -gt 0 ]
}

@test "examples: kubernetes.yaml parses, probes /healthz and /readyz, grace above kill_timeout, scrape annotations" {
	python3 -c 'import yaml' || { [ "${CI:-}" != true ] || false; skip "python3-yaml is not installed"; }
	python3 - "$EX/kubernetes.yaml" "$(max_kill_timeout_ms)" <<-'PY'
	import sys, yaml
	docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
	deps = [d for d in docs if d["kind"] == "Deployment"]
	assert len(deps) == 1, docs
	pod = deps[0]["spec"]["template"]
	spec = pod["spec"]
	grace = spec["terminationGracePeriodSeconds"]
	assert grace * 1000 > int(sys.argv[2]), (grace, sys.argv[2])
	c = spec["containers"][0]
	assert c["livenessProbe"]["httpGet"]["path"] == "/healthz", c
	assert c["readinessProbe"]["httpGet"]["path"] == "/readyz", c
	assert c["livenessProbe"]["httpGet"]["port"] == 9615
	assert c["readinessProbe"]["httpGet"]["port"] == 9615
	assert c["args"][0] == "/etc/csup/ecosystem.yaml", c
	ann = pod["metadata"]["annotations"]
	assert ann["prometheus.io/scrape"] == "true", ann
	assert ann["prometheus.io/path"] == "/metrics", ann
	assert ann["prometheus.io/port"] == "9615", ann
	assert spec["securityContext"]["runAsNonRoot"] is True
	PY
}

@test "examples: nomad.hcl checks /healthz and /readyz and waits longer than kill_timeout" {
	f="$EX/nomad.hcl"
	grep -qE '^[[:space:]]*path[[:space:]]*=[[:space:]]*"/healthz"' "$f"
	grep -qE '^[[:space:]]*path[[:space:]]*=[[:space:]]*"/readyz"' "$f"
	grep -qE '^[[:space:]]*kill_signal[[:space:]]*=[[:space:]]*"SIGTERM"' "$f"
	kt=$(sed -n 's/^[[:space:]]*kill_timeout[[:space:]]*=[[:space:]]*"\([0-9]*\)s".*/\1/p' "$f")
	[ -n "$kt" ]
	[ $((kt * 1000)) -gt "$(max_kill_timeout_ms)" ]
	grep -q 'prometheus.io/path=/metrics' "$f"
	# balanced braces: the file is at least well nested
	[ "$(tr -cd '{' <"$f" | wc -c)" -eq "$(tr -cd '}' <"$f" | wc -c)" ]
}

@test "examples: the Dockerfile installs the .deb on Debian slim and runs csup run as a user of its own" {
	f="$EX/Dockerfile"
	grep -qE '^FROM debian:[0-9a-z.-]*slim' "$f"
	grep -qE 'apt-get install .*/tmp/csup_\*\.deb' "$f"
	grep -qx 'ENTRYPOINT \["csup", "run"\]' "$f"
	grep -qx 'CMD \["/etc/csup/ecosystem.yaml"\]' "$f"
	grep -q '^COPY configs/examples/container.yaml /etc/csup/ecosystem.yaml' "$f"
	user=$(sed -n 's/^USER[[:space:]]*//p' "$f" | tail -n1)
	[ -n "$user" ]
	[ "$user" != root ]
	[ "$user" != 0 ]
	grep -q "useradd .* $user\$" "$f"
}

@test "examples: the Dockerfile's RUN commands pass shellcheck" {
	command -v shellcheck >/dev/null || { [ "${CI:-}" != true ] || false; skip "shellcheck is not installed"; }
	# Each RUN instruction (shell form, continuation lines joined) as sh.
	{
		echo '#!/bin/sh'
		awk '
			/^RUN[[:space:]]/ { on = 1; sub(/^RUN[[:space:]]+/, "") }
			on { line = $0; cont = sub(/\\[[:space:]]*$/, "", line); print line; if (!cont) { on = 0; print "" } }
		' "$EX/Dockerfile"
	} >"$WORK/docker-run.sh"
	cat "$WORK/docker-run.sh"
	grep -q 'apt-get install' "$WORK/docker-run.sh"
	run shellcheck -s sh "$WORK/docker-run.sh"
	echo "$output"
	[ "$status" -eq 0 ]
}
