#!/bin/sh
# Runs every libFuzzer target (build/fuzz/fuzz-*) for FUZZ_SECONDS each
# (default 20) under ASan+UBSan, then every input kept in
# tests/fuzz/regressions/TARGET/. Prints TAP lines:
#   ok 1 fuzz event-line 20s: 123456 runs, cov 789
#   ok 4 regression rules-load/when-unknown-condition
# Builds what it needs (make fuzz-build: installs clang and libFuzzer through
# mk/deps.sh) unless FUZZ_NO_BUILD is set. A crash leaves its input in
# build/fuzz/artifacts/ and the report in build/fuzz/logs/; keep the input as a
# regression with: cp build/fuzz/artifacts/TARGET-crash-… tests/fuzz/regressions/TARGET/NAME
#
#   FUZZ_SECONDS=300 sh tests/fuzz/run.sh     (what `make fuzz` does)
#   FUZZ_TARGETS="event-seq" sh tests/fuzz/run.sh
cd "$(dirname "$0")/../.." || exit 2
seconds=${FUZZ_SECONDS:-20}
targets=${FUZZ_TARGETS:-"event-line rules-load event-seq match"}
dir=build/fuzz
if [ -z "$FUZZ_NO_BUILD" ]; then
	if ! make -s --no-print-directory fuzz-build >build/fuzz-build.log 2>&1; then
		sed 's/^/# /' build/fuzz-build.log | tail -30
		echo "not ok 1 fuzz targets build (make fuzz-build)"
		exit 1
	fi
fi
mkdir -p "$dir/logs" "$dir/artifacts" "$dir/tmp"
# The rules-load target writes its files below TMPDIR; a crash leaves them here.
rm -rf "$dir/tmp"/etq-fuzz-*
export TMPDIR="$PWD/$dir/tmp"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export G_SLICE=always-malloc G_DEBUG=gc-friendly LANGUAGE=en

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

# The stack of a sanitizer or libFuzzer report, as TAP comments.
show_report() {
	grep -E 'ERROR|WARNING|runtime error|SUMMARY|fuzz invariant|^ +#[0-9]+ |Test unit written|deadly signal|timeout' "$1" |
		grep -v -E 'in fuzzer::|in main |libc_start|_start \(' | head -40 | sed 's/^/# /'
}

for t in $targets; do
	bin=$dir/fuzz-$t
	log=$dir/logs/$t.log
	corpus=$dir/corpus/$t
	mkdir -p "$corpus"
	if [ ! -x "$bin" ]; then
		not_ok "fuzz $t: $bin not built"
		continue
	fi
	max_len=8192
	# -timeout: one input may not take more than 10 s (a hang is a bug);
	# -rss_limit_mb: nor grow the process beyond 2 GB.
	"$bin" -max_total_time="$seconds" -print_final_stats=1 -dict="tests/fuzz/$t.dict" \
		-max_len=$max_len -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$dir/artifacts/$t-" \
		"$corpus" "tests/fuzz/seeds/$t" >"$log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 | sed 's/.*cov: \([0-9]*\).*/\1/')
	ft=$(grep -E '^#[0-9]+.*ft: ' "$log" | tail -1 | sed 's/.*ft: \([0-9]*\).*/\1/')
	corp=$(grep -E '^#[0-9]+.*corp: ' "$log" | tail -1 | sed 's/.*corp: \([0-9]*\)\/.*/\1/')
	if [ "$status" -eq 0 ] && [ -n "$runs" ]; then
		ok "fuzz $t ${seconds}s: ${runs} runs, cov ${cov:-?} (features ${ft:-?}, corpus ${corp:-?})"
	else
		not_ok "fuzz $t ${seconds}s: crashed after ${runs:-?} runs (exit $status), see $log"
		show_report "$log"
	fi
done

# Every input that once broke something, run once.
for t in $targets; do
	bin=$dir/fuzz-$t
	[ -x "$bin" ] || continue
	for input in tests/fuzz/regressions/"$t"/*; do
		[ -f "$input" ] || continue
		name=$t/$(basename "$input")
		log=$dir/logs/regression-$t-$(basename "$input").log
		if "$bin" -timeout=10 -rss_limit_mb=2048 "$input" >"$log" 2>&1; then
			ok "regression $name"
		else
			not_ok "regression $name (see $log)"
			show_report "$log"
		fi
	done
done
echo "1..$n"
[ "$failed" -eq 0 ]
