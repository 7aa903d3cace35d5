#!/usr/bin/env bats
# The daemon's start-up checks (issue 12 item 5): a home others can write
# or another user owns is refused, an unusable home (a corrupt csup.db is
# moved aside: store_recover.bats)
# is a one-line error and exit 1, and app names are checked by the daemon
# too, so none can reach outside the logs directory.

load ../lib/helpers

setup() {
	make_home
}

# refused WORD CMD...: exit 1, one line on stderr holding WORD, no socket.
refused() {
	local word="$1"
	shift
	run timeout 20 "$@"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"$word"* ]]
	[ ! -S "$CSUP_HOME/csup.sock" ]
}

@test "a world-writable home is refused by the client and the daemon" {
	chmod 0777 "$CSUP_HOME"
	refused "world-writable" "$CSUP" status
	refused "world-writable" "$CSUP" daemon --foreground
	refused "world-writable" "$CSUP" start sleep --name x -- "$SLEEPN"
	no_process_with "sleep $SLEEPN"
}

@test "a group-writable home is refused" {
	chmod 0770 "$CSUP_HOME"
	refused "group-writable" "$CSUP" daemon --foreground
	refused "group-writable" "$CSUP" ping
}

@test "a home owned by another user is refused" {
	[ "$(id -u)" -eq 0 ] || require_or_skip "needs root to chown"
	chown 65534 "$CSUP_HOME"
	refused "another user" "$CSUP" daemon --foreground
	refused "another user" "$CSUP" status
}

@test "a home that cannot be created: one line naming it, exit 1" {
	local h="/dev/null/csup-$MARK"
	CSUP_HOME="$h" run "$CSUP" status
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"$h"* ]]
	CSUP_HOME="$h" run "$CSUP" daemon --foreground
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"cannot create the home $h"* ]]
}

@test "a corrupt csup.db: moved aside with one clear line in csup.log, a fresh one serves" {
	head -c 8192 /dev/urandom >"$CSUP_HOME/csup.db"
	run "$CSUP" status
	[ "$status" -eq 0 ]
	run "$CSUP" ping --no-start
	[ "$status" -eq 0 ]
	[ "$(grep -c "csup.db was corrupt" "$CSUP_HOME/csup.log")" -eq 1 ]
	ls "$CSUP_HOME"/csup.db.corrupt-*
	! grep -qi "sanitizer\|segv\|abort" "$CSUP_HOME/csup.log" || false
	# it holds the clients' environments: owner only
	[ "$(stat -c %a "$CSUP_HOME/csup.db")" = 600 ]
}

@test "the daemon refuses an app name that would leave the logs directory" {
	run csup start sleep --name good -- "$SLEEPN"
	[ "$status" -eq 0 ]
	cfg=$(csup describe good --json | python3 -c 'import json,sys; c=json.load(sys.stdin)["config"]; c["name"]="../../evil"+"'"$MARK"'"; c["group"]=c["name"]; print(json.dumps(c))')
	req=$(printf '{"cmd":"start","apps":[%s],"env":[]}' "$cfg")
	run python3 "$CSUP_SRC_DIR/tests/lib/hardening_client.py" "$CSUP_HOME/csup.sock" call "$req"
	echo "$output"
	[[ "$output" == *"invalid app name"* ]]
	[ -z "$(find "$(dirname "$CSUP_HOME")" -maxdepth 3 -name "evil$MARK*" 2>/dev/null | head -1)" ]
	[ "$(csup status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 1 ]
}
