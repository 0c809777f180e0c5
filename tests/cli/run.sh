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

# The same answers line by line (a pipe) as read ahead (a file).
for input in tests/cli/*.in; do
	n=$((n + 1))
	args=$(cat "${input%.in}.cmd")
	ahead=$(eval "build/etiquette-check $args" <"$input" 2>&1)
	lines=$(cat "$input" | eval "build/etiquette-check $args" 2>&1)
	if [ "$ahead" = "$lines" ]; then
		echo "ok $n $(basename "$input"): the same through a pipe"
	else
		echo "not ok $n $(basename "$input"): differs through a pipe"
	fi
done

# A client that writes a line and waits for its answer gets it at once.
n=$((n + 1))
tmp=$(mktemp -d)
mkfifo "$tmp/in" "$tmp/out"
build/etiquette-check <"$tmp/in" >"$tmp/out" 2>/dev/null &
exec 3>"$tmp/in" 4<"$tmp/out"
echo '{"text": "could you review my cv?", "dir": "out", "chat": "im", "peer": "pat", "t": 0}' >&3
if answer=$(timeout 10 head -n 1 <&4) && echo "$answer" | grep -q cold-ask; then
	echo "ok $n an answer per line to a client that waits for it"
else
	echo "not ok $n no answer to a waiting client within 10 s: '$answer'"
fi
exec 3>&- 4<&-
wait
rm -rf "$tmp"
