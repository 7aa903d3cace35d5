# ctest: noasan (the sanitizer runtime adds libraries to every program)
# Two programs: csup, the client, links libc, jansson and libyaml only;
# csupd, the daemon, is what `csup daemon` and every auto-start run: the
# one beside the client, else the one in PATH.

load ../lib/helpers

setup() {
	make_home
}

teardown() {
	cleanup_home
}

# libs BINARY: the sonames ldd resolves, one a line.
libs() {
	ldd "$1" | awk '$1 !~ /^linux-vdso/ && $1 !~ /^\/lib.*\/ld-linux/ { print $1 }' | sort
}

exe_of() {
	readlink "/proc/$1/exe"
}

@test "csup links libc, jansson and libyaml, nothing else" {
	run libs "$CSUP"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' libc.so.6 libjansson.so.4 libyaml-0.so.2)" ]
}

# csup run reads FILE in the client (cli_run.c) and hands csupd the apps,
# so csupd links no ecosystem reader: no libyaml in its NEEDED (a dynamic
# csupd), none of the readers' symbols (a static one names no library).
# csupd is linked static-pie (docs/daemon.md, "Memory"): no dynamic loader,
# no shared library; it still loads anywhere (position independent).
@test "csupd is a static position-independent executable: no loader, no library" {
	run readelf -lh "$CSUP_BIN_DIR/csupd"
	[ "$status" -eq 0 ]
	[[ "$output" == *"DYN (Position-Independent Executable file)"* ]]
	run grep -c INTERP <<<"$output"
	[ "$output" = 0 ]
	run readelf -d "$CSUP_BIN_DIR/csupd"
	echo "$output"
	run grep -c NEEDED <<<"$output"
	[ "$output" = 0 ]
	pid=$(csup ping)
	run grep -E '\.so(\.[0-9]+)*$' "/proc/$pid/maps"
	echo "$output"
	[ "$status" -eq 1 ]
}

@test "csupd needs no libyaml and holds no YAML or JavaScript reader" {
	run readelf -d "$CSUP_BIN_DIR/csupd"
	[ "$status" -eq 0 ]
	echo "$output" | grep NEEDED || true	# none at all when csupd is static
	[[ "$output" != *libyaml* ]]
	run nm "$CSUP_BIN_DIR/csupd"
	[ "$status" -eq 0 ]
	[[ "$output" == *" T main"* ]]
	run grep -E ' (yaml_parser_load|config_yaml_parse|config_json5_parse|config_js_eval|config_load|node_new)$' <<<"$output"
	echo "$output"
	[ "$status" -eq 1 ]
}

@test "csup run becomes csupd in place; neither it nor an app keeps the apps' fd" {
	cat >"$WORK/eco.yaml" <<YAML
apps:
  - name: fds
    script: /bin/sh
    args: ["-c", "ls -l /proc/\$\$/fd >$WORK/fds.tmp; mv $WORK/fds.tmp $WORK/fds; exec sleep $SLEEPN"]
YAML
	"$CSUP" run "$WORK/eco.yaml" >/dev/null 2>&1 3>&- &
	pid=$!
	wait_until 30 test -s "$WORK/fds"
	[ "$(exe_of "$pid")" = "$(readlink -f "$CSUP_BIN_DIR/csupd")" ]
	run grep csup-run-apps "$WORK/fds"
	[ "$status" -eq 1 ]
	run ls -l "/proc/$pid/fd"
	[ "$status" -eq 0 ]
	[[ "$output" != *csup-run-apps* ]]
	kill -TERM "$pid"
	wait_until 20 eval '! kill -0 "$pid" 2>/dev/null'
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
}

@test "the daemon the client starts is csupd from the client's own directory" {
	pid=$(csup ping)
	[ -n "$pid" ]
	[ "$(exe_of "$pid")" = "$(readlink -f "$CSUP_BIN_DIR/csupd")" ]
	run csup version
	[[ "$output" == *"csup daemon"*"pid $pid"* ]]
}

@test "csup daemon --foreground runs csupd in place (same pid)" {
	"$CSUP" daemon --foreground 2>/dev/null &
	pid=$!
	wait_until 30 eval '[ "$(csup ping --no-start 2>/dev/null)" = "$pid" ]'
	[ "$(exe_of "$pid")" = "$(readlink -f "$CSUP_BIN_DIR/csupd")" ]
	csup kill
	wait "$pid"
}

@test "a client with no csupd beside it takes the one in PATH" {
	mkdir -p "$WORK/alone" "$WORK/path"
	cp "$CSUP" "$WORK/alone/csup"
	ln -s "$CSUP_BIN_DIR/csupd" "$WORK/path/csupd"
	pid=$(PATH="$WORK/path:/usr/bin:/bin" "$WORK/alone/csup" ping)
	[ -n "$pid" ]
	[ "$(exe_of "$pid")" = "$(readlink -f "$CSUP_BIN_DIR/csupd")" ]
	csup kill
}

@test "no csupd anywhere: one line, exit 1, nothing started" {
	mkdir -p "$WORK/alone"
	cp "$CSUP" "$WORK/alone/csup"
	PATH=/nonexistent run "$WORK/alone/csup" ping
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *csupd* ]]
	[ ! -S "$CSUP_HOME/csup.sock" ]
	PATH=/nonexistent run "$WORK/alone/csup" daemon --foreground
	[ "$status" -eq 1 ]
	[[ "$output" == *csupd* ]]
}

@test "csupd on its own: bad usage exits 2" {
	run "$CSUP_BIN_DIR/csupd" --bogus
	[ "$status" -eq 2 ]
	[[ "$output" == *"usage: csupd"* ]]
}

# maps_has PID SONAME-PREFIX: the process maps that library.
maps_has() {
	grep -q "/$2" "/proc/$1/maps"
}

# helper_maps PID PROGRAM SONAME-PREFIX: PID's child PROGRAM maps that library.
helper_maps() {
	local h
	h=$(pgrep -P "$1" -x "$2") || return 1
	maps_has "$h" "$3"
}

@test "csupd maps libcurl never (csup-health does, with a health check), libmicrohttpd never (csup-http does)" {
	export CSUP_HTTP=off
	csup start sh --name plain -- -c "while :; do sleep 1; done; : $MARK" >/dev/null
	pid=$(csup ping)
	run maps_has "$pid" libcurl.so
	[ "$status" -ne 0 ]
	run maps_has "$pid" libmicrohttpd.so
	[ "$status" -ne 0 ]
	# A TCP check of a port nobody uses: curl runs it, the app stays up meanwhile.
	cat >"$WORK/eco.yaml" <<YAML
apps:
  - name: checked
    script: sh
    args: ["-c", "while :; do sleep 1; done; : $MARK"]
    health: {tcp: "127.0.0.1:9", interval: 60000, timeout: 1000, retries: 3}
YAML
	csup start "$WORK/eco.yaml" >/dev/null
	# The checks run in csup-health, csupd's child: libcurl is there, not in csupd.
	wait_until 20 helper_maps "$pid" csup-health libcurl.so
	run maps_has "$pid" libcurl.so
	[ "$status" -ne 0 ]
	run maps_has "$pid" libmicrohttpd.so
	[ "$status" -ne 0 ]
	csup kill >/dev/null
	export CSUP_HTTP=127.0.0.1:0
	pid=$(csup ping)
	# HTTP is served by csup-http, the daemon's child, with the daemon's port.
	wait_until 20 eval 'maps_has "$(pgrep -P "$pid" -x csup-http)" libmicrohttpd.so'
	run maps_has "$pid" libmicrohttpd.so
	[ "$status" -ne 0 ]
	run maps_has "$pid" libcurl.so
	[ "$status" -ne 0 ]
}
