#!/bin/bash
# The repository's documents stand alone: README, docs/, the man pages,
# configs, packaging and every comment in the sources speak to a user of
# the repository or of the .deb, who has none of the team's design notes.
# Fails on a pointer outside the repository (CONTRACT.md, shared/design).
set -u
src=${CSUP_SRC_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src" || exit 1
files() {
	git ls-files 2>/dev/null ||
	    find . -type f -not -path './build/*' -not -path './.git/*' | sed 's|^\./||'
}
hits=$(files | grep -v '^tests/test-docs-standalone.sh$' |
	xargs grep -nI -E 'CONTRACT\.md|shared/design|\.\./shared/' 2>/dev/null)
if [ -n "$hits" ]; then
	echo "documents pointing outside the repository (say it here instead):"
	echo "$hits"
	exit 1
fi
echo "docs stand alone: no pointer to the team's design notes"
