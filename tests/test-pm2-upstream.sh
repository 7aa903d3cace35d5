#!/bin/bash
# PM2's own process files (tests/fixtures/pm2-upstream) load in csup as PM2
# reads them: same apps, names, scripts, environment and durations, except
# where the contract differs on purpose (tests/pm2-upstream/contract-differs.json).
# PM2's reading was recorded once (tests/pm2-upstream/record.sh); nothing is
# fetched here. The .js/.mjs files need node.
set -eu
src=${CSUP_SRC_DIR:?}
csup=${CSUP_BIN_DIR:?}/csup
if ! command -v node >/dev/null; then
	echo "node is needed for the .js process files" >&2
	[ "${CI:-}" = true ] && exit 1
	exit 0
fi
exec python3 "$src/tests/pm2-upstream/compare.py" "$csup" "$src/tests/fixtures/pm2-upstream"
