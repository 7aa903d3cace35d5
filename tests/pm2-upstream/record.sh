#!/bin/sh
# record.sh: record PM2's own reading of tests/fixtures/pm2-upstream once
# (tests/fixtures/pm2-upstream/pm2-reading.json), with pm2 from npm installed
# into build/pm2-npm. test-pm2-upstream.sh compares csup's reading with it.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${CSUP_BUILD_DIR:-$src/build}
version=${PM2_VERSION:-7.0.4}
if [ ! -f "$build/pm2-npm/node_modules/pm2/lib/Common.js" ]; then
	mkdir -p "$build/pm2-npm"
	npm install --silent --no-audit --no-fund --prefix "$build/pm2-npm" "pm2@$version"
fi
cd "$src/tests/fixtures/pm2-upstream"
# PM2 reads process.env: the recording runs with a known, small environment.
env -i PATH="$PATH" HOME=/home/pm2user USER=pm2user NODE_ENV= \
    node "$src/tests/pm2-upstream/record.js" "$build/pm2-npm/node_modules/pm2" . \
    pm2-reading.json.new >/dev/null 2>&1
mv pm2-reading.json.new pm2-reading.json
echo "recorded $(grep -c '^ "' pm2-reading.json) files with pm2 $version"
