#!/bin/bash
# Lint of the test suite itself: patterns that make a test pass whatever the
# product does.
#  1. A bare `! cmd` line in a bats test: bats runs tests under `set -e`, which
#     ignores a negated command, so such a line fails nothing unless it is the
#     test's last line. Write `run ! cmd` or `! cmd || false`.
#  2. A poll whose condition is expanded once, before polling starts:
#     wait_until 5 test "$ (count)" -eq 1 (without the space) compares the
#     same value forever.
#     Poll a function that reads the value each time.
set -u
src=${CSUP_SRC_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src" || exit 1
bad=0

while IFS= read -r hit; do
	echo "bare '!' (fails nothing; use 'run !' or '|| false'): $hit"
	bad=1
done < <(grep -rnE '^[[:space:]]*![[:space:]]' --include='*.bats' tests |
	grep -vE '\|\|[[:space:]]*false[[:space:]]*$')

while IFS= read -r hit; do
	echo "poll that looks once (the \$(...) is expanded before polling): $hit"
	bad=1
done < <(grep -rnE '([a-z_]*wait_until|holds_for|poll_until|poll_holds)[[:space:]]+[0-9.]+[[:space:]]+(test|\[)[^|;]*\$\(' \
	--include='*.bats' --include='*.bash' --include='*.sh' tests)

[ "$bad" -eq 0 ] && echo "test lint: clean"
exit "$bad"
