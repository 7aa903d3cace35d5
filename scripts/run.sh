#!/bin/sh
# scripts/run.sh: the end of `make run` (after deps and build). Starts the
# demo, configs/ecosystem.yaml (mem-worker and mem-search), under
# build/bin/csup, prints `csup status`, and says where to look next.
#
# The daemon's home is $CSUP_HOME (default ~/.csup), the worker's data
# $CLAUDE_MEM_DATA_DIR (default ~/.claude-mem): both from the environment,
# like every csup command. Running it again is harmless: apps already
# online are left alone.
set -u

cd "$(dirname "$0")/.." || exit 1
CSUP=build/bin/csup
FILE=configs/ecosystem.yaml

for b in csup mem-worker mem-search; do
	if [ ! -x "build/bin/$b" ]; then
		echo "run.sh: build/bin/$b is missing: run 'make build' first" >&2
		exit 1
	fi
done

# A bad file is one line (FILE:LINE:COLUMN: message) and nothing starts.
"$CSUP" check "$FILE" >/dev/null || exit 2

echo "==> $CSUP start $FILE"
if ! "$CSUP" start "$FILE"; then
	echo
	echo "run.sh: an app did not come online. Its last log lines:" >&2
	"$CSUP" logs --lines 15 >&2
	echo "(is port 37777 or 27778 taken, e.g. by another claude-mem? 'ss -ltnp' says;" >&2
	echo " the ports are in $FILE)" >&2
	exit 1
fi

# `start` returns once each program was executed (the worker: once it said
# READY=1); a program that dies at once (a busy port) shows up in the next
# second or two. Wait until both apps have outlived min_uptime (2 s).
settled() {
	"$CSUP" status --json 2>/dev/null | python3 -c '
import json, sys
apps = json.load(sys.stdin)
sys.exit(0 if apps and all(a["state"] == "online" and a["uptime_ms"] >= 2000
                           for a in apps) else 1)'
}
i=0
until settled; do
	i=$((i + 1))
	if [ $i -gt 50 ]; then
		echo
		"$CSUP" status
		echo "run.sh: an app is not staying online. Its last log lines:" >&2
		"$CSUP" logs --lines 15 >&2
		exit 1
	fi
	sleep 0.1
done

echo
echo "==> $CSUP status"
"$CSUP" status || exit 1

http=${CSUP_HTTP:-127.0.0.1:9615}
if [ "$http" = off ]; then
	dash="(off: CSUP_HTTP=off in your environment)"
else
	dash="http://$http/"
	if ! curl -sf -o /dev/null --max-time 2 "$dash" 2>/dev/null; then
		dash="$dash  (not answering: see ${CSUP_HOME:-~/.csup}/csup.log)"
	fi
fi

cat <<EOF

Both services run under csup. Try:
  $CSUP logs                          last lines of every app log
  $CSUP logs claude-mem-worker --follow
  curl http://127.0.0.1:37777/health         the worker: {"status":"ok",...}
  curl http://127.0.0.1:37777/api/stats      what the store holds
  $CSUP describe claude-mem-worker     config, generation, kill mode, events
  dashboard: $dash
  $CSUP restart claude-mem-worker      returns when the new worker is ready
Stop everything (the apps, then the daemon; nothing of them stays behind):
  $CSUP kill
EOF
