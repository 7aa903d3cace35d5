#!/usr/bin/env bats
# The bash completion: commands, options, files, and app names of the daemon.

COMPLETION="$CSUP_SRC_DIR/packaging/csup.bash-completion"

setup() {
	T=$(mktemp -d)
	export CSUP_HOME="$T/home"
	# shellcheck source=/dev/null
	source "$COMPLETION"
}

teardown() {
	if [ -n "${REAL_DAEMON:-}" ]; then
		"$CSUP_BIN_DIR/csup" kill >/dev/null 2>&1 || true
	fi
	rm -rf "$T"
}

# complete WORD...: the candidates for the last word, one a line, sorted.
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_csup
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

# A stand-in for csup: a daemon that answers, with two apps.
fake_csup() {
	case "$1" in
	ping) echo 4242 ;;
	status) printf '[{"name": "web-1", "state": "online", "pid": 10, "last_exit": null},\n{"name":"worker.a","state":"stopped","last_exit":{"signal":"SIGKILL"}}]\n' ;;
	*) return 2 ;;
	esac
}

@test "the script is valid bash and shellcheck-clean" {
	bash -n "$COMPLETION"
	shellcheck -s bash "$COMPLETION"
	[ "$(complete -p csup)" = "complete -F _csup csup" ]
}

@test "completes commands and options" {
	run complete_words csup sta
	[ "$output" = "$(printf 'start\nstartOrReload\nstartOrRestart\nstartup\nstatus')" ]
	run complete_words csup res
	[ "$output" = "$(printf 'reset\nrestart\nresurrect')" ]
	run complete_words csup start x --max-m
	[ "$output" = "--max-memory-restart" ]
	run complete_words csup unst
	[ "$output" = "unstartup" ]
	run complete_words csup logs x --l
	[ "$output" = "--lines" ]
	run complete_words csup startup --
	[[ "$output" == *--install* && "$output" == *--system* && "$output" == *--user* ]]
	run complete_words csup export ""
	[ "$output" = "systemd" ]
}

@test "completes ecosystem files" {
	touch "$T/eco.yaml" "$T/eco.json" "$T/notes.txt"
	cd "$T"
	run complete_words csup start ec
	[ "$output" = "$(printf 'eco.json\neco.yaml')" ]
}

@test "completes app names from status --json (stand-in daemon)" {
	csup() { fake_csup "$@"; }
	run complete_words csup stop ""
	[ "$output" = "$(printf 'all\nweb-1\nworker.a')" ]
	run complete_words csup describe wo
	[ "$output" = "worker.a" ]
	run complete_words csup start eco.yaml --only web-1,w
	[ "$output" = "$(printf 'web-1,web-1\nweb-1,worker.a')" ]
}

@test "never starts a daemon: no names when ping --no-start fails" {
	csup() {
		case "$1" in
		ping) return 1 ;;
		*) echo "unexpected: $*" >>"$T/calls"; return 1 ;;
		esac
	}
	run complete_words csup stop ""
	[ "$output" = "all" ]
	[ ! -e "$T/calls" ]
}

@test "completes the app names of a real daemon" {
	REAL_DAEMON=1
	csup="$CSUP_BIN_DIR/csup"
	run "$csup" start sleep --name "comp-app-$$" -- 73021
	echo "$output"
	[ "$status" -eq 0 ]
	run complete_words "$csup" restart comp-
	[ "$output" = "comp-app-$$" ]
	"$csup" kill
	REAL_DAEMON=
	run "$csup" ping --no-start
	[ "$status" -ne 0 ]
}
