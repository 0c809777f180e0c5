#!/bin/sh
# The core, etiquette-check, test-core and score-corpus built with
# -fsanitize=address,undefined (build/asan/, `make asan-build`), then:
#   - build/asan/test-core (the unit tests),
#   - the CLI golden tests (tests/cli/run.sh) on build/asan/etiquette-check,
#   - --validate of the shipped rules and the corpus score on that build,
# each an "ok"/"not ok" TAP line; any sanitizer report (memory error, undefined
# behaviour, leak) is a failure, with its stack as "# " lines.
# Builds what it needs unless ASAN_NO_BUILD is set.
cd "$(dirname "$0")/../.." || exit 2
dir=build/asan
if [ -z "$ASAN_NO_BUILD" ]; then
	if ! make -s --no-print-directory asan-build >build/asan-build.log 2>&1; then
		sed 's/^/# /' build/asan-build.log | tail -30
		echo "not ok 1 sanitizer build (make asan-build)"
		exit 1
	fi
fi
logs=$dir/logs
rm -rf "$logs"
mkdir -p "$logs"
# Reports go to files (log_path), so that the tests' own output stays as it is;
# exitcode 23 makes a leak or an error visible in the exit status too.
# fast_unwind_on_malloc=0: whole stacks through GLib, which has no frame pointers.
export ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:log_path=$PWD/$logs/asan:exitcode=23"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$PWD/$logs/ubsan"
export G_SLICE=always-malloc G_DEBUG=gc-friendly

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

# Sanitizer reports written since the last call, as "# " lines; fails if any.
reports() {
	found=0
	for r in "$logs"/asan.* "$logs"/ubsan.*; do
		[ -f "$r" ] || continue
		found=1
		grep -E 'ERROR|runtime error|SUMMARY|^ +#[0-9]+ ' "$r" | grep -v -E 'libc_start|_start \(' |
			head -25 | sed 's/^/# /'
		mv "$r" "$logs/seen-$(basename "$r")"
	done
	return $found
}

# 1. the unit tests
"$dir/test-core" >"$logs/test-core.out" 2>&1
status=$?
fails=$(grep -c '^not ok' "$logs/test-core.out")
passes=$(grep -c '^ok' "$logs/test-core.out")
if [ "$status" -eq 0 ] && [ "$fails" -eq 0 ] && reports; then
	ok "asan test-core: $passes unit tests, no sanitizer report"
else
	grep '^not ok' "$logs/test-core.out" | sed 's/^/# /'
	reports
	not_ok "asan test-core (exit $status, $fails failed; see $logs/test-core.out)"
fi

# 2. the CLI golden tests, on the sanitizer build: tests/cli/run.sh runs
# build/etiquette-check from the current folder, so give it a folder of its
# own whose build/etiquette-check is the sanitizer build.
root=$dir/cli-root
rm -rf "$root"
mkdir -p "$root/build"
ln -s "$PWD/tests" "$root/tests"
ln -s "$PWD/rules" "$root/rules"
ln -s "$PWD/$dir/etiquette-check" "$root/build/etiquette-check"
(cd "$root" && sh tests/cli/run.sh) >"$logs/cli.out" 2>&1
fails=$(grep -c '^not ok' "$logs/cli.out")
passes=$(grep -c '^ok' "$logs/cli.out")
if [ "$fails" -eq 0 ] && [ "$passes" -gt 0 ] && reports; then
	ok "asan CLI golden tests: $passes passed, no sanitizer report"
else
	grep -E '^(not ok|# )' "$logs/cli.out" | head -30 | sed 's/^/# /'
	reports
	not_ok "asan CLI golden tests ($fails failed; see $logs/cli.out)"
fi

# 3. the shipped rules: load, validate, run their examples
out=$("$dir/etiquette-check" --validate 2>&1)
status=$?
if [ "$status" -eq 0 ] && reports; then
	ok "asan --validate shipped rules: $(echo "$out" | tail -1)"
else
	echo "$out" | tail -5 | sed 's/^/# /'
	reports
	not_ok "asan --validate shipped rules (exit $status)"
fi

# 4. the corpus through the core
if [ -d tests/corpus ]; then
	"$dir/score-corpus" --gate 0.90 tests/corpus/regression >"$logs/corpus.out" 2>&1
	status=$?
	if reports && ! grep -q '^not ok' "$logs/corpus.out" && [ "$status" -ne 23 ]; then
		ok "asan score-corpus: $(grep -c '^ok' "$logs/corpus.out") scores, no sanitizer report"
	else
		reports
		not_ok "asan score-corpus (exit $status; see $logs/corpus.out)"
	fi
fi
echo "1..$n"
[ "$failed" -eq 0 ]
