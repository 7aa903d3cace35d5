#!/bin/sh
# The closing lines of `make test`: how many tests ran, passed and were
# skipped in each build, from ctest's JUnit files. A skipped test is a pass
# for ctest; this line keeps it visible (CI=true turns skips into failures).
set -eu
total_pass=0 total_fail=0 total_skip=0
for f in "$@"; do
	[ -f "$f" ] || continue
	n=$(grep -c '<testcase ' "$f" || true)
	s=$(grep -c '<testcase [^>]*status="notrun"' "$f" || true)
	x=$(grep -c '<testcase [^>]*status="fail"' "$f" || true)
	skipped=$(grep -o 'testcase name="[^"]*"[^>]*status="notrun"' "$f" |
	    sed 's/testcase name="\([^"]*\)".*/\1/' | tr '\n' ' ')
	echo "tests: $(dirname "$f"): $n run, $((n - s - x)) passed, $x failed, $s skipped${skipped:+ ($skipped)}"
	total_pass=$((total_pass + n - s - x)) total_fail=$((total_fail + x)) total_skip=$((total_skip + s))
done
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
