#!/bin/sh
# tests/plugin/run.sh — the plugin's test: build/test-plugin against a real
# ngircd; Edit in an emulated Pidgin window, and in real Pidgin under Xvfb
# when installed; 100 load/unload cycles in one process, then more under
# valgrind memcheck (no memory error, no byte kept from one cycle to the
# next). Builds nothing (make test and make test-plugin have built it).
# Closes with "N passed, N failed"; exits 1 on any failure.
# ETQ_TEST_VERBOSE=1 shows libpurple's debug output and every line the
# peers receive (in the part's stderr).
cd "$(dirname "$0")/../.." || exit 2

BIN=build/test-plugin
PLUGIN=build/purple-etiquette.so
CYCLES=${ETQ_TEST_CYCLES:-100}
VG_CYCLES=${ETQ_TEST_VALGRIND_CYCLES:-10}
passed=0
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/etq-plugin-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

for f in "$BIN" "$PLUGIN"; do
	if [ ! -e "$f" ]; then
		echo "not ok - $f is missing (run make first)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

# Runs one part; adds its closing counts (a crash counts as one failure).
part() {
	name=$1
	shift
	echo "# $name"
	TMPDIR=$tmp LANG=C LANGUAGE= LC_ALL=C "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	grep -v '^[0-9]* passed, [0-9]* failed$' "$tmp/out"
	counts=$(grep '^[0-9]* passed, [0-9]* failed$' "$tmp/out" | tail -n 1)
	if [ -n "$counts" ]; then
		passed=$((passed + $(echo "$counts" | cut -d' ' -f1)))
		failed=$((failed + $(echo "$counts" | cut -d' ' -f3)))
	fi
	if [ -z "$counts" ] || { [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; }; then
		echo "not ok - $name ended with status $status"
		tail -n 40 "$tmp/err"
		failed=$((failed + 1))
	elif [ "$status" -ne 0 ]; then
		tail -n 20 "$tmp/err"
	fi
}

part "against ngircd" "$BIN" --plugin "$PLUGIN"
part "Edit in Pidgin (emulated window, real server)" "$BIN" --plugin "$PLUGIN" --pidgin
# Real Pidgin under Xvfb, driven with xdotool (skipped without Xvfb, pidgin,
# xdotool). ETQ_SCREENSHOTS=DIR also saves the dialog and a hint as PNGs.
part "real Pidgin under Xvfb" "$BIN" --plugin "$PLUGIN" --real-pidgin \
	${ETQ_SCREENSHOTS:+--screenshots "$ETQ_SCREENSHOTS"}
part "load/unload x$CYCLES" "$BIN" --plugin "$PLUGIN" --cycles "$CYCLES"

if command -v valgrind >/dev/null 2>&1; then
	# libpurple and its loaders leak a little at start-up, once: the test
	# compares what is in use between cycles instead. Exit 3 = a memory
	# error anywhere. PURPLE_LEAKCHECK_HELP keeps the plugin mapped.
	part "load/unload x$VG_CYCLES under valgrind" \
		env G_SLICE=always-malloc G_DEBUG=gc-friendly PURPLE_LEAKCHECK_HELP=1 \
		valgrind --quiet --error-exitcode=3 --errors-for-leak-kinds=none \
		"$BIN" --plugin "$PLUGIN" --cycles "$VG_CYCLES" --valgrind
else
	echo "# valgrind not found: skipped the memcheck cycles"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
