#!/bin/sh
# Runs every test suite from the repository root and ends with one line
# "N passed, N failed, N skipped" over all of them. Each suite prints TAP
# lines: "ok …", "not ok …", "ok … # SKIP reason", and a plan "1..N" (first,
# or last once it knows N). A suite fails when it crashes, prints no plan,
# runs another number of tests than its plan, or is missing.
# NO_SKIP=1 (what `make check` sets, having installed everything) counts a
# skipped test as failed.
cd "$(dirname "$0")/.." || exit 2
log=build/test-logs
mkdir -p "$log"
passed=0
failed=0
skipped=0

suite() {
	name=$1
	shift
	echo "== $name"
	program=$1
	[ "$1" = sh ] && program=$2
	if [ ! -f "$program" ]; then
		echo "  not ok $name: the suite is missing ($*)"
		failed=$((failed + 1))
		return
	fi
	"$@" >"$log/$name.log" 2>&1
	status=$?
	grep -E '^(not ok|ok)' "$log/$name.log" | sed 's/^/  /'
	grep -E '^# (precision|summary|measure)' "$log/$name.log" | sed 's/^/  /'
	skip=$(grep -E '^ok' "$log/$name.log" | grep -ciE '# skip')
	ok=$(($(grep -c '^ok' "$log/$name.log") - skip))
	bad=$(grep -c '^not ok' "$log/$name.log")
	plan=$(grep -E '^1\.\.[0-9]+' "$log/$name.log" | head -1 | sed 's/^1\.\.\([0-9]*\).*/\1/')
	ran=$((ok + skip + bad))
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "  not ok $name exited with status $status"
		tail -5 "$log/$name.log" | sed 's/^/    /'
		bad=$((bad + 1))
	fi
	if [ -z "$plan" ]; then
		echo "  not ok $name printed no plan (1..N): it ended early or is not TAP"
		bad=$((bad + 1))
	elif [ "$plan" -ne "$ran" ]; then
		echo "  not ok $name planned $plan tests but ran $ran"
		bad=$((bad + 1))
	fi
	if [ "$skip" -gt 0 ] && [ -n "$NO_SKIP" ]; then
		echo "  not ok $name skipped $skip tests: make check installed everything, nothing may be skipped"
		bad=$((bad + skip))
		skip=0
	fi
	[ "$bad" -gt 0 ] && echo "  (why: $log/$name.log)"
	passed=$((passed + ok))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
}

suite core build/test-core
suite budget build/test-budget --verbose
suite cli sh tests/cli/run.sh
suite rules sh tests/rules/run.sh
suite corpus build/score-corpus --gate 0.90 tests/corpus/regression
suite corpus-split build/score-corpus --floors tests/corpus/floors.json tests/corpus/dev tests/corpus/test
suite false-alarms build/score-corpus --false-alarms --max 0.01 tests/langid/sample.en.txt \
	tests/langid/chat.en.txt tests/langid/sample.de.txt tests/langid/sample.it.txt tests/langid/sample.nb.txt \
	tests/langid/sample.fr.txt
suite langid sh tests/langid/run.sh
suite i18n sh tests/i18n/run.sh
suite plugin sh tests/plugin/run.sh
suite plugin-asan sh tests/plugin/asan.sh
suite plugin-valgrind sh tests/plugin/valgrind.sh
suite fuzz sh tests/fuzz/run.sh
suite install sh tests/install/run.sh
suite hostile sh tests/hostile/run.sh
suite asan sh tests/fuzz/asan.sh

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
