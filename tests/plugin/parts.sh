# tests/plugin/parts.sh — sourced by asan.sh and valgrind.sh (from the top of
# the repository): their counts, their "ok"/"not ok" lines, the temporary
# folder, the results of a part of run.sh and the canary's check.
passed=0
failed=0

ok() {
	echo "ok - $*"
	passed=$((passed + 1))
}
not_ok() {
	echo "not ok - $*"
	failed=$((failed + 1))
}

# finish: the closing line; fails if anything failed.
finish() {
	echo "1..$((passed + failed))"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# give_up WHAT: one "not ok" line, the closing line, exit 1.
give_up() {
	not_ok "$*"
	finish
	exit 1
}

# make_tmp NAME KEEP WHAT: $tmp, a new temporary folder, removed at exit
# unless KEEP is set (then it says where WHAT is kept).
make_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 2
	keep=$2
	[ -n "$keep" ] && echo "# $3 kept in $tmp"
	trap '[ -n "$keep" ] || rm -rf "$tmp"' EXIT INT TERM
}

# part_result PART STATUS: the check lines of run.sh's part ($tmp/PART.out),
# counted with ours; run.sh failing without a failed check is one more.
part_result() {
	grep -E '^(ok|not ok)' "$tmp/$1.out"
	passed=$((passed + $(grep -c '^ok' "$tmp/$1.out")))
	failed=$((failed + $(grep -c '^not ok' "$tmp/$1.out")))
	if [ "$2" -ne 0 ] && ! grep -q '^not ok' "$tmp/$1.out"; then
		not_ok "$1: run.sh ended with status $2"
		tail -n 20 "$tmp/$1.out"
	fi
}

# canary_result FOUND: the canary's check (FOUND 0: its planted leak was reported).
canary_result() {
	if [ "$1" -eq 0 ]; then
		ok "the canary's planted leak is reported (plugin/incoming.c): the suppressions hide none of ours"
	else
		not_ok "the canary's planted leak was not reported: the suppressions are too wide"
		tail -n 20 "$tmp/canary.out" | sed 's/^/#   /' # comments: not counted as results
	fi
}
