#!/bin/sh
# Runs every test suite from the repository root and ends with one line
# "N passed, N failed" over all of them. Each suite prints TAP-like lines
# ("ok …" / "not ok …"); a suite that crashes counts as a failure.
cd "$(dirname "$0")/.." || exit 2
log=build/test-logs
mkdir -p "$log"
passed=0
failed=0

suite() {
	name=$1
	shift
	echo "== $name"
	"$@" >"$log/$name.log" 2>&1
	status=$?
	grep -E '^(not ok|ok|#)' "$log/$name.log" | grep -v '^# ' | sed 's/^/  /'
	grep -E '^# (precision|summary|measure)' "$log/$name.log" | sed 's/^/  /'
	ok=$(grep -c '^ok' "$log/$name.log")
	bad=$(grep -c '^not ok' "$log/$name.log")
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "  not ok $name exited with status $status (see $log/$name.log)"
		tail -5 "$log/$name.log" | sed 's/^/    /'
		bad=1
	fi
	[ "$bad" -gt 0 ] && echo "  (why: build/test-logs/$name.log)"
	passed=$((passed + ok))
	failed=$((failed + bad))
}

suite core build/test-core
suite cli sh tests/cli/run.sh
suite rules sh tests/rules/run.sh
suite corpus build/score-corpus --gate 0.90 tests/corpus/regression
suite corpus-split build/score-corpus --floors tests/corpus/floors.json tests/corpus/dev tests/corpus/test
suite false-alarms build/score-corpus --false-alarms --max 0.01 tests/langid/sample.en.txt \
	tests/langid/chat.en.txt tests/langid/sample.de.txt tests/langid/sample.it.txt tests/langid/sample.nb.txt
suite langid sh tests/langid/run.sh
suite i18n sh tests/i18n/run.sh
[ -f tests/plugin/run.sh ] && suite plugin sh tests/plugin/run.sh
[ -f tests/plugin/asan.sh ] && suite plugin-asan sh tests/plugin/asan.sh
[ -f tests/plugin/valgrind.sh ] && suite plugin-valgrind sh tests/plugin/valgrind.sh
[ -f tests/fuzz/run.sh ] && suite fuzz sh tests/fuzz/run.sh
[ -f tests/install/run.sh ] && suite install sh tests/install/run.sh
[ -f tests/hostile/run.sh ] && suite hostile sh tests/hostile/run.sh
[ -f tests/fuzz/asan.sh ] && suite asan sh tests/fuzz/asan.sh

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
