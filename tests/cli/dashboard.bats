# ctest: noasan
#!/usr/bin/env bats
# dashboard: GET / loaded in headless Chromium (it runs the page's JS): a row
# for each app and the charts, and a screenshot kept as a build artifact
# ($CSUP_BUILD_DIR/dashboard.png). Chromium comes from scripts/deps.sh.

load ../lib/monitor

setup() {
	mon_setup
	CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
	[ -n "$CHROMIUM" ] || require_or_skip "chromium is not installed (scripts/deps.sh installs it)"
}

teardown() {
	mon_teardown
}

# chrome ARGS... URL: one headless run with a profile of its own under
# $MTMP (so the teardown's pkill on $MTMP ends any straggler). The page
# refreshes itself from fetch(): --virtual-time-budget lets those requests
# finish and the page draw before the DOM is dumped or the shot taken.
chrome() {
	local profile
	profile="$(mktemp -d "$MTMP/chromium.XXXXXX")"
	timeout 60 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking --disable-component-update \
	    --disable-sync --disable-dev-shm-usage --user-data-dir="$profile" \
	    --virtual-time-budget=4000 "$@" 2>"$MTMP/chromium.err"
}

samples_of() { [ "$(mon_json 'len(j)' curl -sf "$BASE/api/apps/$1/samples?since=0")" -ge "$2" ]; }

@test "the dashboard shows a row and charts for each app, in headless Chromium" {
	cat >"$MTMP/app/eco.yaml" <<-EOF
	apps:
	  - name: alpha
	    script: sleep
	    args: ["$MARK"]
	  - name: beta-$MARK
	    script: /bin/sh
	    args: ["-c", "sleep $MARK & sleep $MARK & wait"]
	EOF
	run "$CSUP" start "$MTMP/app/eco.yaml"
	[ "$status" -eq 0 ]
	wait_until 10 samples_of alpha 3
	wait_until 10 samples_of "beta-$MARK" 3

	# the page is self-contained: no external script, style, image or font
	run curl -sf "$BASE/"
	[ "$status" -eq 0 ]
	! grep -Eiq '(src|href)=["'"'"']?(https?:)?//' <<<"$output" || false
	! grep -Eiq '@import|url\((https?:)?//' <<<"$output" || false

	chrome --dump-dom "$BASE/" >"$MTMP/dom.html"
	grep -q '<tr class="app-row" data-app="alpha"' "$MTMP/dom.html"
	grep -q "<tr class=\"app-row\" data-app=\"beta-$MARK\"" "$MTMP/dom.html"
	[ "$(grep -o '<tr class="app-row"' "$MTMP/dom.html" | wc -l)" -eq 2 ]
	# two charts an app, each drawn (a polyline with points)
	[ "$(grep -o '<svg class="chart chart-procs"' "$MTMP/dom.html" | wc -l)" -eq 2 ]
	[ "$(grep -o '<svg class="chart chart-memory"' "$MTMP/dom.html" | wc -l)" -eq 2 ]
	[ "$(grep -o '<polyline class="line" points="[0-9]' "$MTMP/dom.html" | wc -l)" -eq 4 ]
	# the row shows the app's figures
	grep -Eq "data-app=\"beta-$MARK\"><td class=\"name\">beta-$MARK</td><td class=\"state\"><span class=\"badge online\">online</span>" "$MTMP/dom.html"

	rm -f "$CSUP_BUILD_DIR/dashboard.png"
	chrome --screenshot="$CSUP_BUILD_DIR/dashboard.png" --window-size=1200,800 "$BASE/" >/dev/null
	[ -s "$CSUP_BUILD_DIR/dashboard.png" ]
	[ "$(stat -c %s "$CSUP_BUILD_DIR/dashboard.png")" -gt 10000 ]
}
