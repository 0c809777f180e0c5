#!/bin/sh
# Golden tests of etiquette-check: each NAME.cmd holds the arguments, NAME.in
# (optional) the standard input, NAME.out the expected standard output and
# NAME.status (optional, default 0) the expected exit status.
# Regenerate after a deliberate change with: UPDATE=1 sh tests/cli/run.sh
export LANGUAGE=en LC_ALL=C.UTF-8 NO_COLOR=1
n=0
for cmd in tests/cli/*.cmd; do
	name=${cmd%.cmd}
	n=$((n + 1))
	input=/dev/null
	[ -f "$name.in" ] && input=$name.in
	actual=$(eval "build/etiquette-check $(cat "$cmd")" <"$input" 2>/dev/null; echo "status $?")
	want_status=0
	[ -f "$name.status" ] && want_status=$(cat "$name.status")
	if [ -n "$UPDATE" ]; then
		printf '%s\n' "$actual" | sed '$d' >"$name.out"
		printf '%s\n' "$actual" | tail -1 | cut -d' ' -f2 >"$name.status"
	fi
	expected=$(cat "$name.out"; echo "status $want_status")
	if [ "$actual" = "$expected" ]; then
		echo "ok $n $(basename "$name")"
	else
		echo "not ok $n $(basename "$name")"
		printf '%s\n' "$expected" >/tmp/etq-expected.$$
		printf '%s\n' "$actual" | diff -u /tmp/etq-expected.$$ - | sed 's/^/# /'
		rm -f /tmp/etq-expected.$$
	fi
done
