#!/bin/sh
# fuzz.sh: build the libFuzzer harnesses with clang in $FUZZ_BUILD (default
# build/fuzz) and run each for ${FUZZ_SECONDS:-300} seconds on a copy of its
# seed corpus (tests/fuzz/corpus/NAME; the repository is never written).
# `make fuzz` runs this. Exit 1 if any fuzzer found a crash, a leak, a
# timeout or an OOM; the inputs are in $FUZZ_BUILD/tests/fuzz/work/NAME/artifacts/.
#
#   FUZZ_SECONDS=60 scripts/fuzz.sh            all four, 60 s each
#   scripts/fuzz.sh config mcp                 only these
#   FUZZ_JOBS=2 scripts/fuzz.sh                two at a time (default 1)
set -eu

cd "$(dirname "$0")/.."
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-300}
FUZZ_JOBS=${FUZZ_JOBS:-1}
export FUZZ_SECONDS

scripts/deps.sh
command -v clang >/dev/null || { echo "fuzz.sh: clang is needed" >&2; exit 1; }

cmake -S . -B "$FUZZ_BUILD" -DCSUP_FUZZ=ON -DCMAKE_C_COMPILER=clang \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$FUZZ_BUILD" -j "$(nproc)" --target fuzzers

if [ $# -gt 0 ]; then
	pattern="^fuzz\\.($(echo "$@" | tr ' ' '|'))\$"
else
	pattern='^fuzz\.'
fi
echo "fuzz.sh: ${FUZZ_SECONDS}s per fuzzer, $FUZZ_JOBS at a time"
ctest --test-dir "$FUZZ_BUILD" -L fuzz -R "$pattern" -j "$FUZZ_JOBS" \
	--output-on-failure --timeout $((FUZZ_SECONDS + 300))
