#!/bin/sh
# Tests of installing for real: `make install DESTDIR=…` and `make uninstall`,
# `make install-user` / `make uninstall-user` into a temporary HOME, and — as
# root only — the Debian package: `make deb` (lintian without errors), then
# dpkg -i, the installed plugin loaded with purple_plugin_probe() in a headless
# libpurple client (tools/demo/client.c --probe) finding its rules under
# /usr/share, and dpkg --purge. Prints TAP lines ("ok N …" / "not ok N …").
#
#   sh tests/install/run.sh            from the repository root, after `make`
#   ETQ_SKIP_DEB=1 sh tests/install/run.sh    without the package part
cd "$(dirname "$0")/../.." || exit 2
export LANGUAGE=en LC_ALL=C.UTF-8 NO_COLOR=1
unset XDG_DATA_HOME MAKEFLAGS MAKELEVEL
BUILD=build
CLIENT=$BUILD/tools/demo/etiquette-client
PKG=pidgin-etiquette

tmp=$(mktemp -d "${TMPDIR:-/tmp}/etq-install-XXXXXX") || exit 2
purge_pkg=""
cleanup() {
	if [ -n "$purge_pkg" ]; then
		dpkg --purge "$PKG" >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
# check DESCRIPTION COMMAND...: ok when COMMAND succeeds; its output as comments otherwise
check() {
	desc=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		tail -25 "$tmp/out" | sed 's/^/# /'
	fi
}
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
# files under DIR, relative, sorted
files() { (cd "$1" && find . -type f | sort); }

plugindir=$(pkg-config --variable=plugindir purple)
[ -n "$plugindir" ] || { echo "not ok 1 pkg-config --variable=plugindir purple is empty"; exit 1; }
pidgindir=$(pkg-config --variable=plugindir pidgin)
[ -n "$pidgindir" ] || { echo "not ok 1 pkg-config --variable=plugindir pidgin is empty"; exit 1; }
prefix=/usr/local
rulesdir=$prefix/share/purple-etiquette/rules
(files rules | grep -v '/\.' ) >"$tmp/rules.want"
langs=$(tr -s '\n' ' ' <po/LINGUAS 2>/dev/null)

# ---- the headless client that loads plugins ----
check "the probe client builds" make --no-print-directory "$CLIENT"

# ---- make install / uninstall into DESTDIR ----
dest=$tmp/dest
check "make install DESTDIR=… succeeds" make --no-print-directory install DESTDIR="$dest"
check "the plugin is in libpurple's plugin folder ($plugindir)" test -f "$dest$plugindir/purple-etiquette.so"
check "the Pidgin companion is in Pidgin's plugin folder ($pidgindir)" \
	test -f "$dest$pidgindir/pidgin-etiquette.so"
check "etiquette-check is in $prefix/bin and executable" test -x "$dest$prefix/bin/etiquette-check"
files "$dest$rulesdir" >"$tmp/rules.got" 2>/dev/null
check "every file of rules/ is installed in $rulesdir" cmp "$tmp/rules.want" "$tmp/rules.got"
missing=""
for lang in $langs; do
	[ -f "$dest$prefix/share/locale/$lang/LC_MESSAGES/purple-etiquette.mo" ] || missing="$missing $lang"
done
check "translations installed for: ${langs:-none}" test -z "$missing"
check "nothing is installed outside $prefix and the plugin folders" \
	sh -c "cd '$dest' && ! find . -type f | grep -v -e '^\.$prefix/' -e '^\.$plugindir/purple-etiquette.so\$' \
		-e '^\.$pidgindir/pidgin-etiquette.so\$'"
# The compiled-in folder is $rulesdir, which this DESTDIR install does not
# fill: run the installed CLI and plugin on the installed copy.
check "the installed etiquette-check lists the installed rule sets" \
	sh -c "cd '$tmp' && '$dest$prefix/bin/etiquette-check' --no-default-rules --rules '$dest$rulesdir' --list | grep -q networking"
check "the installed etiquette-check validates the installed rules" \
	sh -c "cd '$tmp' && '$dest$prefix/bin/etiquette-check' --validate --no-default-rules --rules '$dest$rulesdir'"
check "the installed etiquette-check has $rulesdir compiled in" \
	grep -q "$rulesdir" "$dest$prefix/bin/etiquette-check"
check "the installed plugin has $rulesdir compiled in" \
	grep -q "$rulesdir" "$dest$plugindir/purple-etiquette.so"
check "the installed plugin loads (purple_plugin_probe) and reads the installed rules" \
	"$CLIENT" --probe "$dest$plugindir/purple-etiquette.so" --rules-dir "$dest$rulesdir"
cp "$tmp/out" "$tmp/probe.out"
check "its plugin id is core-etiquette" grep -q '^plugin: core-etiquette ' "$tmp/probe.out"
check "make uninstall DESTDIR=… succeeds" make --no-print-directory uninstall DESTDIR="$dest"
check "make uninstall leaves no file behind" sh -c "test -z \"\$(find '$dest' -type f)\""
check "make uninstall removes the rules folder" test ! -e "$dest$prefix/share/purple-etiquette"

# ---- make install-user / uninstall-user into a temporary HOME ----
home=$tmp/home
mkdir -p "$home"
umake() { env HOME="$home" make --no-print-directory USER_BUILD="$tmp/build-user" "$@"; }
check "make install-user succeeds (HOME=$home)" umake install-user
check "~/.purple/plugins/purple-etiquette.so is installed" test -f "$home/.purple/plugins/purple-etiquette.so"
check "~/.purple/plugins/pidgin-etiquette.so is installed" test -f "$home/.purple/plugins/pidgin-etiquette.so"
check "~/.purple/etiquette/ exists for the user's own rule sets" test -d "$home/.purple/etiquette"
files "$home/.local/share/purple-etiquette/rules" >"$tmp/rules.got" 2>/dev/null
check "every file of rules/ is in ~/.local/share/purple-etiquette/rules" cmp "$tmp/rules.want" "$tmp/rules.got"
check "~/.local/bin/etiquette-check is installed" test -x "$home/.local/bin/etiquette-check"
check "the user's etiquette-check finds the user's rules with no --rules (run outside the tree)" \
	sh -c "cd '$tmp' && '$home/.local/bin/etiquette-check' --list | grep -q networking"
check "the user's plugin loads and finds its rules with no preference set" \
	"$CLIENT" --probe "$home/.purple/plugins/purple-etiquette.so"
cp "$tmp/out" "$tmp/probe.out"
check "… from ~/.local/share/purple-etiquette/rules" \
	grep -q "rule sets from $home/.local/share/purple-etiquette/rules" "$tmp/probe.out"
mkdir -p "$home/.purple/etiquette/mine" && echo '{}' >"$home/.purple/etiquette/mine/set.json"
check "make uninstall-user succeeds" umake uninstall-user
check "make uninstall-user removes the plugin, the CLI and the rules" \
	sh -c "test ! -e '$home/.purple/plugins/purple-etiquette.so' && test ! -e '$home/.purple/plugins/pidgin-etiquette.so' && test ! -e '$home/.local/bin/etiquette-check' && test ! -e '$home/.local/share/purple-etiquette'"
check "make uninstall-user keeps the user's own rule sets" test -f "$home/.purple/etiquette/mine/set.json"

# ---- make demo, headless (no display, no terminal: as in CI) ----
if [ -n "${ETQ_SKIP_DEMO:-}" ]; then
	skip "make demo" "ETQ_SKIP_DEMO is set"
else
	mkdir -p "$tmp/demo-tmp"
	start=$(date +%s)
	check "with no display and no terminal the demo picks the headless client" \
		test "$(env -u DISPLAY DEMO_UI= DEMO_WHICH=1 sh tools/demo/demo.sh </dev/null 2>&1)" = headless
	env -u DISPLAY DEMO_UI=headless HOME="$home" TMPDIR="$tmp/demo-tmp" make --no-print-directory demo </dev/null >"$tmp/demo.out" 2>&1
	status=$?
	took=$(($(date +%s) - start))
	check "make demo (headless) exits 0" test "$status" -eq 0
	[ "$status" -eq 0 ] || tail -30 "$tmp/demo.out" | sed 's/^/# /'
	echo "# measure make demo (headless) took ${took}s"
	check "the demo shows a say-thanks hint" grep -q "finding say-thanks .* maria" "$tmp/demo.out"
	check "the demo shows an unanswered nudge" grep -q "finding unanswered .* maria" "$tmp/demo.out"
	check "the demo's cold ask is held with Send anyway / Edit" \
		sh -c "grep -q 'finding cold-ask .* sam' '$tmp/demo.out' && grep -q '\\[0 Send anyway\\] \\[1 Edit\\]' '$tmp/demo.out'"
	check "after Edit sam got nothing; after an introduction, exactly one copy of the ask" \
		test "$(grep -c 'sam received from alex: Could you review my CV?' "$tmp/demo.out")" -eq 1
	check "the demo stopped everything it started" \
		sh -c "! ps -eo args | grep -v grep | grep -q '$tmp/demo-tmp'"
	check "the demo removed its temporary folder" sh -c "test -z \"\$(ls -A '$tmp/demo-tmp')\""
	check "the demo never touched ~/.purple (HOME=$home)" sh -c "test ! -e '$home/.purple/prefs.xml' && test ! -e '$home/.purple/accounts.xml'"
fi

# ---- the Debian package (root only) ----
if [ -n "${ETQ_SKIP_DEB:-}" ]; then
	skip "the Debian package" "ETQ_SKIP_DEB is set"
elif [ "$(id -u)" != 0 ]; then
	skip "the Debian package" "needs root (dpkg -i)"
else
	check "make deb builds the package and lintian reports no error" make --no-print-directory deb
	deb=$(ls $BUILD/deb/${PKG}_*.deb 2>/dev/null | head -1)
	check "build/deb/${PKG}_*.deb exists" test -f "$deb"
	check "the package Depends on libpurple0 (from shlibs)" sh -c "dpkg-deb -f '$deb' Depends | grep -q libpurple0"
	check "the package Enhances pidgin and finch" \
		sh -c "dpkg-deb -f '$deb' Enhances | grep -q pidgin && dpkg-deb -f '$deb' Enhances | grep -q finch"
	if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "ok installed"; then
		# Someone uses it here: leave the system as it is, look inside the package.
		root=$tmp/deb-root
		dpkg-deb -x "$deb" "$root"
		check "the package's plugin loads and reads the package's rules (extracted: $PKG is installed here already)" \
			"$CLIENT" --probe "$root$plugindir/purple-etiquette.so" --rules-dir "$root/usr/share/purple-etiquette/rules"
		check "the package's plugin has /usr/share/purple-etiquette/rules compiled in" \
			grep -q /usr/share/purple-etiquette/rules "$root$plugindir/purple-etiquette.so"
		check "the package has the Pidgin companion in $pidgindir" test -f "$root$pidgindir/pidgin-etiquette.so"
	else
		purge_pkg=yes
		check "dpkg -i installs the package" dpkg -i "$deb"
		check "dpkg -L lists the plugin, its Pidgin companion, the CLI and the rules" sh -c \
			"dpkg -L $PKG | grep -qx '$plugindir/purple-etiquette.so' && dpkg -L $PKG | grep -qx '$pidgindir/pidgin-etiquette.so' && dpkg -L $PKG | grep -qx /usr/bin/etiquette-check && dpkg -L $PKG | grep -q '^/usr/share/purple-etiquette/rules/'"
		check "the installed plugin loads in a headless libpurple client" \
			"$CLIENT" --probe "$plugindir/purple-etiquette.so"
		cp "$tmp/out" "$tmp/probe.out"
		check "… and finds its rules in /usr/share/purple-etiquette/rules" \
			grep -q "rule sets from /usr/share/purple-etiquette/rules" "$tmp/probe.out"
		check "/usr/bin/etiquette-check finds the installed rules with no --rules" \
			sh -c "cd '$tmp' && /usr/bin/etiquette-check --list | grep -q networking"
		check "/usr/bin/etiquette-check checks a cold ask" sh -c \
			"cd '$tmp' && echo '{\"text\": \"Could you review my CV?\", \"dir\": \"out\", \"chat\": \"im\", \"peer\": \"pat\", \"me\": \"alex\", \"t\": 0}' | /usr/bin/etiquette-check | grep -q cold-ask"
		check "dpkg --purge removes it all" sh -c \
			"dpkg --purge $PKG && test ! -e '$plugindir/purple-etiquette.so' && test ! -e '$pidgindir/pidgin-etiquette.so' && test ! -e /usr/share/purple-etiquette && test ! -e /usr/bin/etiquette-check"
		purge_pkg=""
	fi
fi

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
