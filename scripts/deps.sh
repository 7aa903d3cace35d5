#!/bin/sh
# Install the Debian packages csup needs to build, test and benchmark.
# Idempotent: runs apt-get only when something is missing; silent otherwise.
set -eu

PKGS="build-essential cmake pkg-config git
libev-dev libyaml-dev libsqlite3-dev sqlite3 libmicrohttpd-dev libjansson-dev
libcurl4-openssl-dev nettle-dev libcmocka-dev bats python3 python3-yaml curl procps psmisc jq
clang llvm dpkg-dev file mandoc man-db bsdextrautils shellcheck cppcheck valgrind
systemd chromium libncurses-dev tmux hyperfine universal-ctags"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
# node/npm: the MCP SDK test needs them; any origin will do.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi

[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
