#!/usr/bin/env bats
# csup monit, the terminal dashboard, driven in a real terminal: a tmux
# pane on a private server (-L), read back with capture-pane. Three apps,
# one burning CPU in bursts so that its figure moves between samples.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	make_home
	command -v tmux >/dev/null || require_or_skip "tmux is not installed"
	N=$RANDOM
	IDLE="idle-$N" SECOND="second-$N" BUSY="busy-$N"
	TSOCK="csup-monit-$MARK"
	cat >"$WORK/eco.yaml" <<-EOF
	apps:
	  - name: $IDLE
	    script: /bin/sh
	    args: ["-c", "while :; do echo idle-$MARK; sleep 1; done"]
	  - name: $SECOND
	    script: /bin/sh
	    args: ["-c", "i=0; while :; do i=\$((i+1)); echo second-$MARK-\$i; sleep 0.2; done"]
	  - name: $BUSY
	    script: /bin/sh
	    args: ["-c", "while :; do n=0; while [ \$n -lt 4000 ]; do n=\$((n+1)); done; sleep 0.1; done; : $MARK"]
	EOF
	"$CSUP" start "$WORK/eco.yaml" >/dev/null
	# The pane's shell: no rc files, a prompt we can recognise.
	tmux -L "$TSOCK" -f /dev/null new-session -d -s monit -x 100 -y 30 \
	    "env PS1='monit-prompt\$ ' bash --norc --noprofile"
	wait_until 10 pane_has 'monit-prompt\$'
}

teardown() {
	tmux -L "$TSOCK" kill-server 2>/dev/null || true
	cleanup_home
}

pane() {
	tmux -L "$TSOCK" capture-pane -p -t monit "$@"
}

pane_has() {
	pane | grep -q -- "$1"
}

# The pane shows NAME at the start of a row, with STATE in it.
row_has() {
	pane | grep -E -q -- "(^|[ 0-9])$1 +$2 "
}

pane_size_is() {
	[ "$(tmux -L "$TSOCK" display -p -t monit '#{pane_width}x#{pane_height}')" = "$1" ]
}

# Each app's row holds its name, state, a cpu figure and, last, its memory.
rows_whole() {
	local n
	for n in "$IDLE" "$SECOND" "$BUSY"; do
		pane | grep -E -q -- "(^|[ 0-9])$n +online .*[0-9]%.* [0-9.]+[BKMG]( |$)" || return 1
	done
}

all_rows_online() {
	row_has "$IDLE" online && row_has "$SECOND" online && row_has "$BUSY" online
}

# The cpu figure in the busy app's row ("12.5%").
busy_cpu() {
	pane | grep -E -- "(^|[ 0-9])$BUSY " | grep -E -o '[0-9]+\.[0-9]%' | head -n1
}

cpu_moved() {
	local now
	now=$(busy_cpu)
	[ -n "$now" ] && [ "$now" != "$1" ]
}

second_restarts() {
	[ "$(app_field "$SECOND" restarts)" = "$1" ]
}

# Back at the prompt, with nothing of the dashboard left on the screen.
at_prompt() {
	[ "$(pane | grep -v '^$' | tail -n1)" = 'monit-prompt$' ] && ! pane_has 'csup monit '
}

# The monit command ended with CODE: ask the shell for $?.
monit_exited() {
	wait_until 10 at_prompt || return 1
	tmux -L "$TSOCK" send-keys -t monit "echo monit-exit=\$?" Enter
	wait_until 10 pane_has "monit-exit=$1"
}

# Colour in SGR sequences of a capture with escapes (-e): 30-38, 40-48,
# 90-97, 100-107 (39 and 49, the default colours, are not colour).
has_colour() {
	python3 -c '
import re, sys
for seq in re.findall(r"\x1b\[([0-9;:]*)m", sys.stdin.read()):
    for p in re.split("[;:]", seq):
        if p and int(p) not in (39, 49) and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
            sys.exit(0)
sys.exit(1)'
}

start_monit() {
	tmux -L "$TSOCK" send-keys -t monit "$1 '$CSUP' monit" Enter
	wait_until 20 all_rows_online
}

@test "monit: rows, a moving cpu figure, restart, logs, resize, q" {
	start_monit ""
	pane
	# The app's numeric id opens its row.
	id=$(app_field "$BUSY" id)
	pane | grep -E -q -- "^ *$id +$BUSY +online "
	first=$(busy_cpu)
	[ -n "$first" ]
	wait_until 20 cpu_moved "$first"
	echo "busy cpu: $first, then $(busy_cpu)" >&2
	# Colour is on where the terminal has it (the check below can fail).
	pane -e | has_colour

	# Down selects the second app, r restarts it.
	tmux -L "$TSOCK" send-keys -t monit Down
	tmux -L "$TSOCK" send-keys -t monit r
	wait_until 30 second_restarts 1
	wait_until 10 pane_has "restart $SECOND: done"

	# l opens the logs pane on the selected app's lines.
	tmux -L "$TSOCK" send-keys -t monit l
	wait_until 10 pane_has "logs: $SECOND"
	wait_until 10 pane_has "second-$MARK-[0-9]"
	run ! pane_has "idle-$MARK"

	# 80x24: every row whole again (name, state, cpu, memory), nothing wrapped.
	tmux -L "$TSOCK" resize-window -t monit -x 80 -y 24
	wait_until 10 pane_size_is 80x24
	wait_until 10 rows_whole
	pane
	[ "$(pane | wc -l)" -eq 24 ]

	tmux -L "$TSOCK" send-keys -t monit q
	monit_exited 0
}

@test "monit: NO_COLOR=1 draws without colour" {
	start_monit "NO_COLOR=1"
	tmux -L "$TSOCK" send-keys -t monit l
	wait_until 10 pane_has "logs: $IDLE"
	pane -e | cat -v >&2
	run ! has_colour < <(pane -e)
	tmux -L "$TSOCK" send-keys -t monit q
	monit_exited 0
}

@test "monit: SIGINT and SIGTERM give the terminal back" {
	tmux -L "$TSOCK" send-keys -t monit "stty -g > '$WORK/stty.before'" Enter
	start_monit ""
	tmux -L "$TSOCK" send-keys -t monit C-c
	monit_exited 130
	tmux -L "$TSOCK" send-keys -t monit "clear; stty -g > '$WORK/stty.after'" Enter
	wait_until 10 test -s "$WORK/stty.after"
	cmp "$WORK/stty.before" "$WORK/stty.after"

	start_monit ""
	pid=$(pgrep -f -x csup-monit -s "$(tmux -L "$TSOCK" display -p -t monit '#{pane_pid}')")
	kill -TERM "$pid"
	monit_exited 143
	rm -f "$WORK/stty.after"
	tmux -L "$TSOCK" send-keys -t monit "clear; stty -g > '$WORK/stty.after'" Enter
	wait_until 10 test -s "$WORK/stty.after"
	cmp "$WORK/stty.before" "$WORK/stty.after"
}

@test "monit: a daemon that goes away leaves no stale rows; q still exits 0" {
	start_monit ""
	"$CSUP" kill >/dev/null
	wait_until 10 pane_has "daemon not answering"
	run ! pane_has "$BUSY"
	tmux -L "$TSOCK" send-keys -t monit q
	monit_exited 0
}

@test "monit: without a terminal, or with an argument: a clear error" {
	run "$CSUP_BIN_DIR/csup-monit" </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"csup monit:"* ]]
	run "$CSUP" monit extra
	[ "$status" -eq 2 ]
}
