#!/bin/bash
# tests/test-layout-deps.sh: the folders of supervisor/ (and the top-level
# common/ and monit/) and the direction of their dependencies, read from #include lines.
#
# Prints one edge "FROM -> TO" for each folder whose files include a header
# of another folder, then fails when the edges make a cycle (tsort finds it)
# or when a header name is found in two folders (an include would then be
# ambiguous and the edge unknown). CMake already fails an include that a
# folder's library may not see; this check keeps the picture honest.
#
# Env: CSUP_SRC_DIR (default: the repository holding this script).
set -u

src=${CSUP_SRC_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src" || exit 1

declare -A home
rc=0
# Every source of supervisor/ belongs to a folder (a part, a library).
for f in supervisor/*.[ch]; do
	[ -e "$f" ] || continue
	echo "FAIL: $f is in no folder of supervisor/ (see docs/daemon.md)"
	rc=1
done
while IFS= read -r h; do
	name=${h##*/}
	dir=${h%/*}
	dir=${dir#supervisor/}
	if [ -n "${home[$name]:-}" ] && [ "${home[$name]}" != "$dir" ]; then
		echo "FAIL: header $name is in both ${home[$name]}/ and $dir/"
		rc=1
	fi
	home[$name]=$dir
done < <(find supervisor common monit -name '*.h' | sort)

# A header named like one included as <name.h> anywhere (e.g. a spawn.h
# beside a test's <spawn.h>) would shadow the system's on the include path
# of every library that sees its folder.
while IFS= read -r name; do
	[ -n "${home[$name]:-}" ] || continue
	echo "FAIL: header $name of ${home[$name]}/ shadows the <$name> included in:"
	grep -rlE "^[[:space:]]*#[[:space:]]*include[[:space:]]*<$name>" \
	    supervisor common monit tests/unit | sed 's/^/  /'
	rc=1
done < <(grep -rhoE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<[^>]+>' \
	    supervisor common monit tests/unit | sed 's/.*<//; s/>.*//' | sort -u)

edges=$(
	grep -rHo --include='*.[ch]' \
	    '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*"' supervisor common monit |
	while IFS= read -r line; do
		f=${line%%:*}
		inc=${line#*\"}
		inc=${inc%\"}
		dir=${f%/*}
		dir=${dir#supervisor/}
		to=${home[${inc##*/}]:-}
		[ -n "$to" ] && [ "$to" != "$dir" ] && echo "$dir $to"
	done | sort -u
)

if [ -z "$edges" ]; then
	echo "FAIL: no dependency between folders found under $src/supervisor"
	exit 1
fi
echo "folder dependencies (from -> to):"
while read -r from to; do
	echo "  $from -> $to"
done <<<"$edges"

if ! out=$(tsort <<<"$edges" 2>&1 >/dev/null) || [ -n "$out" ]; then
	echo "FAIL: the folders depend on each other in a cycle:"
	echo "$out" | sed 's/^/  /'
	rc=1
else
	echo "PASS: no cycle between folders"
fi
exit "$rc"
