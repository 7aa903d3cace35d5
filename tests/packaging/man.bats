#!/usr/bin/env bats
# The manual pages: mdoc that mandoc finds nothing wrong with, rendered by man(1)
# without a warning, and covering what the contract promises.

MAN="$CSUP_SRC_DIR/docs/man"

@test "mandoc -T lint: nothing to say about any page" {
	for page in "$MAN/csup.1" "$MAN/csup-ecosystem.5" "$MAN/csupd.8"; do
		run mandoc -T lint -W warning "$page"
		echo "$output"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		# Style too, but for the pages naming each other before they are
		# installed (stderr, about mandoc.db, is not about the page).
		out=$(mandoc -T lint "$page" 2>/dev/null |
			grep -v 'STYLE: referenced manual not found: Xr csup' || true)
		echo "$out"
		[ -z "$out" ]
	done
}

@test "man -l renders both pages without warnings" {
	for page in "$MAN/csup.1" "$MAN/csup-ecosystem.5"; do
		out=$(MANWIDTH=80 man --warnings -l "$page" 2>"$BATS_TEST_TMPDIR/err")
		cat "$BATS_TEST_TMPDIR/err"
		[ ! -s "$BATS_TEST_TMPDIR/err" ]
		[ "$(printf '%s\n' "$out" | wc -l)" -gt 100 ]
	done
}

@test "csupd(8) renders without warnings and names how it is started" {
	out=$(MANWIDTH=80 man --warnings -l "$MAN/csupd.8" 2>"$BATS_TEST_TMPDIR/err")
	cat "$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	text=$(printf '%s\n' "$out" | col -b)
	for w in "csup daemon" "--foreground" PATH CSUP_HOME CSUP_HTTP csup.sock csup.pid \
	    csup.log csup.db csup-logger csup-http "EXIT STATUS"; do
		grep -qF -- "$w" <<<"$text" || { echo "csupd(8) lacks: $w"; false; }
	done
}

@test "csup(1) names every command, exit code, file and environment variable" {
	text=$(MANWIDTH=200 man -l "$MAN/csup.1" 2>/dev/null | col -b)
	for w in "csup start" "csup stop" "csup restart" "csup reload" "csup delete" \
	    "csup status" "csup describe" "csup logs" "csup monit" "csup kill" "csup check" \
	    "csup resurrect" "csup startup" "csup export systemd" "csup ping" \
	    "csup version" "csup daemon" "--only" "--env" "--json" "--strict" \
	    "--lines" "--follow" "--no-start" "--install" "--foreground" "--update-env" \
	    CSUP_HOME CSUP_HTTP CSUP_CGROUPS CSUP_SAMPLE_MS NO_COLOR NOTIFY_SOCKET CSUP_APP \
	    csup.sock csup.db csup.log "-out.log" "-err.log" "EXIT STATUS" \
	    "FILE:LINE:COLUMN"; do
		grep -qiF -- "$w" <<<"$text" || { echo "missing: $w"; false; }
	done
}

@test "csup-ecosystem(5) documents every field of the contract" {
	text=$(MANWIDTH=200 man -l "$MAN/csup-ecosystem.5" 2>/dev/null | col -b)
	for f in name script args interpreter cwd env env_NAME autorestart max_restarts \
	    min_uptime restart_delay exp_backoff_restart_delay kill_timeout kill_signal \
	    kill_mode watch ignore_watch watch_delay max_memory_restart max_processes \
	    out_file error_file log_file merge_logs log_max_size log_max_files \
	    log_date_format wait_ready listen_timeout alert health instances \
	    instance_var cron_restart "PM2 COMPATIBILITY"; do
		grep -qF -- "$f" <<<"$text" || { echo "missing: $f"; false; }
	done
}
