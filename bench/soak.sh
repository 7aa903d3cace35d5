#!/bin/sh
# soak.sh: the full soak of issue 12 (not part of `make test`): 1,000
# restarts of an app with children and 10,000 status calls against one
# daemon; its RSS and fd count must stay flat. The same test as
# tests/cli/hardening-soak.bats, with the full counts. Uses build/ (run
# `make build` first) unless CSUP_BIN_DIR says otherwise.
#
#   bench/soak.sh                      1000 restarts, 10000 status
#   SOAK_RESTARTS=5000 bench/soak.sh   longer
set -eu

cd "$(dirname "$0")/.."
CSUP_BIN_DIR=${CSUP_BIN_DIR:-$PWD/build/bin}
[ -x "$CSUP_BIN_DIR/csup" ] || { echo "soak.sh: no $CSUP_BIN_DIR/csup (make build)" >&2; exit 1; }
export CSUP_BIN_DIR CSUP_SRC_DIR="$PWD" CSUP_HTTP=off
export SOAK_RESTARTS="${SOAK_RESTARTS:-1000}" SOAK_STATUS="${SOAK_STATUS:-10000}"
# Over 1000 restarts the allocator and SQLite may settle a little higher.
export SOAK_RSS_SLACK_KB="${SOAK_RSS_SLACK_KB:-8192}"

start=$(date +%s)
bats --show-output-of-passing-tests tests/cli/hardening-soak.bats
echo "soak: $SOAK_RESTARTS restarts, $SOAK_STATUS status in $(( $(date +%s) - start )) s"
