#!/bin/sh
# tests/plugin/asan.sh — the plugin's test on the AddressSanitizer and
# UndefinedBehaviorSanitizer build (gcc -fsanitize=address,undefined, made
# by mk/plugin-hardening.mk into build/asan-plugin/): the plugin and the
# test client both instrumented, LeakSanitizer on at exit.
#
# Parts (tests/plugin/run.sh with ETQ_TEST_BIN, ETQ_TEST_PLUGIN, ETQ_TEST_PARTS):
#   scenarios     the whole scenario suite against ngircd (5,000-line flood included)
#   scale         1,000 conversations at once
#   prefs         the plugin's preferences from a damaged prefs.xml
#   companion     the signal and IPC command of the Pidgin companion
#   real-pidgin   the instrumented plugin and companion inside real Pidgin under Xvfb
#                 (sanitizer runtimes preloaded; no leak check there, GTK's own leaks
#                 drown it)
#   real-companion  the same for the companion's checks (input box, live line)
#   cycles        load/unload cycles, the heap measured by ASan's allocator
# After each part: no report of ASan, UBSan or LSan may exist. Reports go to
# files (log_path), so one in a child process is found too. Leaks of libpurple,
# GLib and D-Bus themselves are suppressed by tests/plugin/lsan.supp (each
# suppression explained there); a canary plugin with a planted leak proves
# that the suppressions do not hide a leak of ours.
#
# Prints "ok …"/"not ok …" lines and "N passed, N failed"; exits 1 on failure.
# ETQ_NO_BUILD=1: do not run make (make plugin-asan-test has built it).
# ETQ_ASAN_PARTS: a subset of the parts above.
cd "$(dirname "$0")/../.." || exit 2

DIR=build/asan-plugin
PARTS=${ETQ_ASAN_PARTS:-scenarios scale prefs companion real-pidgin real-companion cycles}
. tests/plugin/parts.sh

if [ -z "$ETQ_NO_BUILD" ]; then
	if ! make --no-print-directory -f Makefile -f mk/plugin-hardening.mk plugin-asan-build \
		>/dev/null 2>build/asan-plugin-build.log; then
		tail -n 30 build/asan-plugin-build.log
		give_up "the sanitizer build (make plugin-asan-build)"
	fi
fi
for f in $DIR/test-plugin $DIR/purple-etiquette.so $DIR/pidgin-etiquette.so \
	$DIR/canary/purple-etiquette.so; do
	if [ ! -e "$f" ]; then
		give_up "$f is missing (make plugin-asan-build)"
	fi
done

make_tmp etq-plugin-asan "$ETQ_ASAN_KEEP" reports

supp=$(pwd)/tests/plugin/lsan.supp
# only ASan must come first; preloading libubsan too hangs Pidgin at start-up,
# and the plugin loads it as it needs it
runtimes=$(gcc -print-file-name=libasan.so)
# G_SLICE=always-malloc: GLib's slices are plain malloc, so ASan sees each one.
# PURPLE_LEAKCHECK_HELP: libpurple keeps the plugin mapped at exit, so a leak
# report can name our functions. fast_unwind_on_malloc=0: GLib and libpurple
# have no frame pointers; the slow unwinder gives whole stacks, which the
# suppressions need to tell libpurple's leaks from ours.
export G_SLICE=always-malloc G_DEBUG=gc-friendly PURPLE_LEAKCHECK_HELP=1

# run_part NAME PLUGIN PARTS [VAR=value ...]: run.sh on the sanitizer build,
# reports into $tmp/NAME/. intercept_tls_get_addr=0: gcc 12's LeakSanitizer
# otherwise crashes about every other exit scanning a bogus dynamic-TLS range
# ("Tracer caught signal 11"), and exits 23 with no report.
run_part() {
	name=$1 plugin=$2 parts=$3
	shift 3
	mkdir -p "$tmp/$name"
	env ASAN_OPTIONS="exitcode=23:detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=40:log_path=$tmp/$name/asan" \
		LSAN_OPTIONS="suppressions=$supp:print_suppressions=1:intercept_tls_get_addr=0" \
		UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$tmp/$name/ubsan" \
		ETQ_TEST_BIN=$DIR/test-plugin ETQ_TEST_PLUGIN="$plugin" ETQ_TEST_PARTS="$parts" \
		ETQ_TEST_CYCLES="${ETQ_TEST_CYCLES:-30}" "$@" \
		sh tests/plugin/run.sh >"$tmp/$name.out" 2>&1
}

# The report files of a part that hold an error. A file with nothing but
# LeakSanitizer's list of the suppressions it used is no report; one where
# LeakSanitizer itself gave up is.
reports() {
	grep -l -E 'ERROR: |runtime error|WARNING: |has encountered a fatal error' \
		"$tmp/$1"/*asan.* "$tmp/$1"/*ubsan.* 2>/dev/null
}

# How many leaks of libpurple and dbus-glib the suppressions covered.
suppressed() {
	cat "$tmp/$1"/asan.* 2>/dev/null |
		awk '/Suppressions used/ { on = 1; next } on && $1 ~ /^[0-9]+$/ { n += $1 } END { print n + 0 }'
}

for part in $PARTS; do
	echo "# $part (ASan, UBSan, LSan)"
	start=$(date +%s)
	if [ "$part" = real-pidgin ] || [ "$part" = real-companion ]; then
		# Pidgin is not instrumented: ASan's runtime goes first; no leak check in
		# GTK. The words go to Pidgin alone (tests/plugin/realpidgin.c).
		run_part "$part" "$DIR/purple-etiquette.so" "$part" "ETQ_TEST_PIDGIN_ENV=LD_PRELOAD=$runtimes \
ASAN_OPTIONS=detect_leaks=0:log_path=$tmp/$part/pidgin-asan \
UBSAN_OPTIONS=print_stacktrace=1:log_path=$tmp/$part/pidgin-ubsan"
	else
		run_part "$part" "$DIR/purple-etiquette.so" "$part"
	fi
	part_result "$part" $?
	found=$(reports "$part")
	if [ -z "$found" ]; then
		n=$(suppressed "$part")
		[ "$n" -gt 0 ] && n="$n leaks of libpurple's and dbus-glib's suppressed; " || n=
		ok "$part: no AddressSanitizer, UBSan or LeakSanitizer report ($n$(($(date +%s) - start)) s)"
	else
		not_ok "$part: sanitizer reports: $(echo "$found" | tr '\n' ' ')"
		for r in $found; do
			sed -n '1,60p' "$r" | sed 's/^/#   /'
		done
	fi
done

# The canary: a planted leak in the plugin's handler of received messages must
# be reported, with the plugin's own frame, despite the suppressions.
echo "# canary (a plugin with a planted leak)"
run_part canary "$DIR/canary/purple-etiquette.so" cycles ETQ_TEST_CYCLES=2
found=$(reports canary)
# shellcheck disable=SC2086 # one word per report file
[ -n "$found" ] && grep -q 'plugin/incoming.c' $found
canary_result $?

finish
