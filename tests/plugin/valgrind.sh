#!/bin/sh
# tests/plugin/valgrind.sh — the plugin's test once under valgrind memcheck,
# on the normal build (build/test-plugin, build/purple-etiquette.so): zero
# memory errors and zero definitely lost bytes, in every part.
#
# Parts (tests/plugin/run.sh with ETQ_TEST_WRAP=valgrind …, ETQ_TEST_PARTS):
#   scenarios   the whole scenario suite against ngircd: held messages and
#               their questions, Send anyway, Edit, pastes, hints, timers,
#               preferences, the user's rules, the 5,000-line flood, unload/load
#   scale       1,000 conversations at once
#   prefs       the plugin's preferences from a damaged prefs.xml
#   companion   the signal and IPC command of the Pidgin companion
# Not here: real Pidgin (GTK under memcheck is slow and noisy; asan.sh runs the
# instrumented plugin inside it) and the load/unload cycles (run.sh runs them
# under memcheck already, counting every byte kept from cycle to cycle).
# Leaks of libpurple and dbus-glib themselves are suppressed by
# tests/plugin/valgrind.supp (each explained there); a canary plugin with a
# planted leak proves that the suppressions do not hide a leak of ours.
#
# Prints "ok …"/"not ok …" lines and "N passed, N failed"; exits 1 on failure.
# ETQ_NO_BUILD=1: do not run make (make plugin-valgrind has built it).
# ETQ_VALGRIND_PARTS: a subset of the parts above.
cd "$(dirname "$0")/../.." || exit 2

PARTS=${ETQ_VALGRIND_PARTS:-scenarios scale prefs companion}
CANARY=build/asan-plugin/canary-valgrind/purple-etiquette.so
. tests/plugin/parts.sh

if ! command -v valgrind >/dev/null 2>&1; then
	give_up "valgrind is not installed (make plugin-valgrind installs it)"
fi
if [ -z "$ETQ_NO_BUILD" ]; then
	if ! make --no-print-directory -f Makefile -f mk/plugin-hardening.mk \
		all build/test-plugin "$CANARY" >/dev/null 2>build/plugin-valgrind-build.log; then
		tail -n 30 build/plugin-valgrind-build.log
		give_up "the build (make all build/test-plugin $CANARY)"
	fi
fi
for f in build/test-plugin build/purple-etiquette.so "$CANARY"; do
	if [ ! -e "$f" ]; then
		give_up "$f is missing (make plugin-valgrind)"
	fi
done

make_tmp etq-plugin-valgrind "$ETQ_VALGRIND_KEEP" logs

# G_SLICE=always-malloc: GLib's slices are plain malloc, so memcheck sees each
# one. PURPLE_LEAKCHECK_HELP: libpurple keeps the plugin mapped at exit, so a
# leak report can name our functions. Exit 3: an error or a definite leak.
export G_SLICE=always-malloc G_DEBUG=gc-friendly PURPLE_LEAKCHECK_HELP=1

# run_part NAME PLUGIN PARTS [VAR=value ...]: run.sh under memcheck, one log
# per process in $tmp/NAME/ (ngircd and other children are not traced).
run_part() {
	name=$1 plugin=$2 parts=$3
	shift 3
	mkdir -p "$tmp/$name"
	env ETQ_TEST_WRAP="valgrind --error-exitcode=3 --leak-check=full \
--show-leak-kinds=definite --errors-for-leak-kinds=definite --num-callers=40 \
--child-silent-after-fork=yes --suppressions=$(pwd)/tests/plugin/valgrind.supp \
--log-file=$tmp/$name/vg.%p" \
		ETQ_TEST_PLUGIN="$plugin" ETQ_TEST_PARTS="$parts" "$@" \
		sh tests/plugin/run.sh >"$tmp/$name.out" 2>&1
}

for part in $PARTS; do
	echo "# $part (valgrind memcheck)"
	start=$(date +%s)
	run_part "$part" build/purple-etiquette.so "$part"
	part_result "$part" $?
	summary=$(grep -h 'ERROR SUMMARY' "$tmp/$part"/vg.* 2>/dev/null)
	lost=$(grep -h 'definitely lost:' "$tmp/$part"/vg.* 2>/dev/null | sed 's/^==[0-9]*== *//')
	errors=$(echo "$summary" | sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' | head -n 1)
	suppressed=$(echo "$summary" | sed -n 's/.*(suppressed: \([0-9]*\) from.*/\1/p' | head -n 1)
	if [ -n "$errors" ] && [ "$errors" -eq 0 ] && [ "$(echo "$summary" | wc -l)" -eq 1 ] &&
		{ [ -z "$lost" ] || [ "$lost" = "definitely lost: 0 bytes in 0 blocks" ]; }; then
		ok "$part: memcheck: 0 errors, 0 bytes definitely lost ($suppressed leaks of" \
			"libpurple's and dbus-glib's suppressed; $(($(date +%s) - start)) s)"
	else
		not_ok "$part: memcheck: $(echo "$summary" | tr '\n' ' ')${lost:+; $lost}"
		for log in "$tmp/$part"/vg.*; do
			grep -v '^==[0-9]*== *$' "$log" | sed -n '1,80p' | sed 's/^/#   /'
		done
	fi
done

# The canary: a planted leak in the plugin's handler of received messages
# must be reported as definitely lost, with the plugin's own frame.
echo "# canary (a plugin with a planted leak)"
run_part canary "$CANARY" cycles ETQ_TEST_CYCLES=2
grep -A12 'definitely lost in loss record' "$tmp/canary"/vg.* 2>/dev/null |
	grep -q 'incoming\.c'
canary_result $?

finish
