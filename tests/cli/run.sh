#!/bin/sh
# Golden tests of etiquette-check: each NAME.cmd holds the arguments, NAME.in
# (optional) the standard input, NAME.out the expected standard output,
# NAME.err (optional, default empty) the expected standard error and
# NAME.status (optional, default 0) the expected exit status.
# After a deliberate change: UPDATE=1 sh tests/cli/run.sh rewrites the golden
# files and fails (check the diff with git, then run again without UPDATE).
cd "$(dirname "$0")/../.." || exit 2
export LANGUAGE=en LC_ALL=C.UTF-8 NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n_golden=$(ls tests/cli/*.cmd | wc -l)
n_pipe=$(ls tests/cli/*.in | wc -l)
echo "1..$((n_golden + n_pipe + 4))"
n=0
for cmd in tests/cli/*.cmd; do
	name=${cmd%.cmd}
	n=$((n + 1))
	input=/dev/null
	[ -f "$name.in" ] && input=$name.in
	eval "build/etiquette-check $(cat "$cmd")" <"$input" >"$tmp/out" 2>"$tmp/err"
	echo "$?" >"$tmp/status"
	if [ -n "$UPDATE" ]; then
		cp "$tmp/out" "$name.out"
		cp "$tmp/status" "$name.status"
		if [ -s "$tmp/err" ]; then cp "$tmp/err" "$name.err"; else rm -f "$name.err"; fi
		echo "not ok $n $(basename "$name"): golden files rewritten (UPDATE=1); check the diff, run again"
		continue
	fi
	[ -f "$name.err" ] && cp "$name.err" "$tmp/want-err" || : >"$tmp/want-err"
	want_status=0
	[ -f "$name.status" ] && want_status=$(cat "$name.status")
	echo "$want_status" >"$tmp/want-status"
	if cmp -s "$tmp/out" "$name.out" && cmp -s "$tmp/err" "$tmp/want-err" &&
	   cmp -s "$tmp/status" "$tmp/want-status"; then
		echo "ok $n $(basename "$name")"
	else
		echo "not ok $n $(basename "$name")"
		diff -u "$name.out" "$tmp/out" | sed 's/^/# stdout /'
		diff -u "$tmp/want-err" "$tmp/err" | sed 's/^/# stderr /'
		diff -u "$tmp/want-status" "$tmp/status" | sed 's/^/# status /'
	fi
done

# The same answers through a pipe as from a file.
for input in tests/cli/*.in; do
	n=$((n + 1))
	args=$(cat "${input%.in}.cmd")
	from_file=$(eval "build/etiquette-check $args" <"$input" 2>&1)
	from_pipe=$(cat "$input" | eval "build/etiquette-check $args" 2>&1)
	if [ "$from_file" = "$from_pipe" ]; then
		echo "ok $n $(basename "$input"): the same through a pipe"
	else
		echo "not ok $n $(basename "$input"): differs through a pipe"
	fi
done

# A client that writes a line and waits for its answer gets it at once.
n=$((n + 1))
mkfifo "$tmp/in" "$tmp/out-fifo"
build/etiquette-check <"$tmp/in" >"$tmp/out-fifo" 2>/dev/null &
exec 3>"$tmp/in" 4<"$tmp/out-fifo"
echo '{"text": "could you review my cv?", "dir": "out", "chat": "im", "peer": "pat", "t": 0}' >&3
if answer=$(timeout 10 head -n 1 <&4) && echo "$answer" | grep -q cold-ask; then
	echo "ok $n an answer per line to a client that waits for it"
else
	echo "not ok $n no answer to a waiting client within 10 s: '$answer'"
fi
exec 3>&- 4<&-
wait

# --rules adds a user's folder to the shipped rules: the README's example
# (a user rule using the shipped @request list) validates and is listed
# beside the shipped sets.
n=$((n + 1))
if out=$(build/etiquette-check --validate --rules tests/fixtures/user 2>&1); then
	echo "ok $n --validate --rules DIR: a user's set validates with the shipped ones"
else
	echo "$out" | sed 's/^/# /'
	echo "not ok $n --validate --rules DIR failed"
fi
n=$((n + 1))
list=$(build/etiquette-check --list --rules tests/fixtures/user 2>&1)
if echo "$list" | grep -q '^our-rules ' && echo "$list" | grep -q '^networking '; then
	echo "ok $n --list --rules DIR: shipped sets and the user's set"
else
	echo "$list" | sed 's/^/# /'
	echo "not ok $n --list --rules DIR lacks a shipped or the user's set"
fi
n=$((n + 1))
list=$(build/etiquette-check --list --no-default-rules --rules tests/fixtures/rules 2>&1)
if echo "$list" | grep -q "^basic " && ! echo "$list" | grep -q '^networking '; then
	echo "ok $n --no-default-rules leaves the shipped sets out"
else
	echo "$list" | sed 's/^/# /'
	echo "not ok $n --no-default-rules still lists shipped sets"
fi
