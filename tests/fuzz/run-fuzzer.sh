#!/bin/sh
# run-fuzzer.sh FUZZER SEED_DIR WORK_DIR: run one libFuzzer binary for
# $FUZZ_SECONDS (default 30) on a fresh copy of its seed corpus under
# WORK_DIR (never in the repository). Exit status: the fuzzer's (non-zero on
# a crash, leak, timeout or OOM; the input is kept in WORK_DIR/artifacts/).
set -eu

fuzzer=$1 seeds=$2 work=$3
secs=${FUZZ_SECONDS:-30}

rm -rf "$work/corpus" "$work/tmp"
mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
# The harnesses' scratch files (store, input file) go here, not in /tmp.
TMPDIR="$work/tmp"
export TMPDIR
cp "$seeds"/* "$work/corpus/" 2>/dev/null || true

# Leaks are findings too; one worker; inputs up to 64 KiB.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

echo "$(basename "$fuzzer"): ${secs}s on $(find "$work/corpus" -type f | wc -l) seeds"
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" "$work/corpus"
