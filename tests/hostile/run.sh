#!/bin/sh
# Hostile rule files (issue 6, point 3). A user's rules directory is loaded
# after the shipped rules/, as the plugin does; for each hostile file:
#   - it gives a clear error (FILE:LINE: reason) or is bounded,
#   - the shipped rule sets still load and still find what they should,
#   - nothing crashes or hangs (every command runs under a timeout).
# Cases: catastrophic backtracking (refused, and accepted-but-slow patterns),
# a 50 MB rule file (and one just under the 4 MB limit), JSON nested 100000
# deep, wrong types in every field, a set name and a rule id that collide
# with shipped ones. Figures are "# measure" lines, not timed assertions:
#   # measure worst message against worst accepted rule: 0.41 ms (…)
# Uses build/etiquette-check (ETQ_CHECK to override) and build/libetiquette.a.
cd "$(dirname "$0")/../.." || exit 2
export LANGUAGE=en LC_ALL=C.UTF-8 NO_COLOR=1
CHECK=${ETQ_CHECK:-build/etiquette-check}
work=build/hostile
rm -rf "$work/u"
mkdir -p "$work/u"
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
check() { if [ "$1" -eq 0 ]; then shift; ok "$@"; else shift; not_ok "$@"; fi; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

if [ ! -x "$CHECK" ] || [ ! -f build/libetiquette.a ]; then
	make -s --no-print-directory all >/dev/null 2>&1
fi
# The timing tool: public API only, linked with the same core as the CLI.
cc -O2 -g $(pkg-config --cflags glib-2.0) -Icore tests/hostile/time-check.c build/libetiquette.a \
	$(pkg-config --libs glib-2.0 libcjson libpcre2-8) -lstemmer -o "$work/time-check" 2>"$work/time-check.log"
if [ ! -x "$work/time-check" ]; then
	sed 's/^/# /' "$work/time-check.log"
	not_ok "build tests/hostile/time-check.c"
fi

# Events that the shipped rules answer: a cold ask (networking) and a bare
# greeting (greetings). The run must answer both whatever the user dir holds.
events=$work/events.jsonl
cat >"$events" <<'EOF'
{"text": "Could you review my CV?", "dir": "out", "chat": "im", "peer": "pat", "me": "alex", "known": false, "t": 0}
{"text": "hi", "dir": "out", "chat": "im", "peer": "sam", "me": "alex", "t": 1}
{"text": "what time is it?", "dir": "in", "chat": "im", "peer": "kim", "me": "alex", "t": 2}
{"tick": true, "t": 700}
EOF

# run NAME DIR [SECONDS]: --validate and a run of $events with rules/ then DIR.
# Leaves the outputs in $work/NAME.validate, $work/NAME.out, $work/NAME.err and
# the exit status of the run in $status; fails on a crash or a timeout.
run() {
	name=$1 dir=$2 limit=${3:-30}
	start=$(now_ms)
	timeout "$limit" "$CHECK" --validate --rules "$dir" >"$work/$name.validate" 2>&1
	vstatus=$?
	timeout "$limit" "$CHECK" --rules "$dir" "$events" >"$work/$name.out" 2>"$work/$name.err"
	status=$?
	elapsed=$(($(now_ms) - start))
	if [ "$vstatus" -ge 124 ] || [ "$status" -ge 124 ]; then
		not_ok "$name: etiquette-check crashed or hung (validate exit $vstatus, run exit $status)"
		tail -n 5 "$work/$name.validate" "$work/$name.err" | sed 's/^/# /'
		return 1
	fi
	return 0
}

# The shipped sets still work: a finding for the cold ask and the greeting, one
# output line per event, and timers still fire.
shipped_work() {
	name=$1
	lines=$(wc -l <"$work/$name.out")
	grep -q '"category":"cold-ask"' "$work/$name.out" &&
		grep -q '"category":"bare-greeting"' "$work/$name.out" &&
		grep -q '"category":"unanswered"' "$work/$name.out" && [ "$lines" -eq 4 ]
}

# error_like NAME FILE-PREFIX PATTERN: the validate output has "FILE:LINE: reason"
# for that file, with the reason matching PATTERN (grep -E).
error_like() {
	grep -E "^$2[^:]*:[0-9]+: .*($3)" "$work/$1.validate" >/dev/null
}

new_set() { # new_set DIR NAME: a set folder with a valid set.json
	mkdir -p "$1"
	printf '{ "name": "%s", "description": "hostile test" }\n' "$2" >"$1/set.json"
}

# A rules file with one rule; $1 = extra fields of the rule (JSON, with a leading comma).
rule_file() {
	printf '{ "language": "*", "rules": [ { "id": "%s", "category": "generic", "severity": "hint", "dir": "any"%s, "message": "m", "examples": ["%s"], "counterexamples": ["zzz"] } ] }\n' "$1" "$2" "$3"
}

# ---- 1. catastrophic backtracking ----------------------------------------

u=$work/u/backtrack
new_set "$u/nested" nested
rule_file nested.x ', "regex": "(a+)+$"' aaa >"$u/nested/any.json"
new_set "$u/nested2" nested2
rule_file nested2.x ', "regex": "(\\w*\\s?)*!"' 'ab !' >"$u/nested2/any.json"
if run backtrack "$u"; then
	error_like backtrack "$u/nested/any.json" 'catastrophic' && error_like backtrack "$u/nested2/any.json" 'catastrophic'
	check $? "backtracking: nested repeats (a+)+ and (\\w*\\s?)* refused with a clear error"
	shipped_work backtrack
	check $? "backtracking: the shipped sets still load and work"
fi

# Patterns the load-time check accepts but that still backtrack: each alone in
# a set, timed against messages built to hurt it (time-check takes the median
# of 3 checks per message, as out/im, out/group and in/group; the slowest
# single check, which includes one-time work such as a pattern's JIT, apart).
worst=0 worst_what="" worst_single=0
slow() { # slow NAME REGEX EXAMPLE MESSAGE-GENERATOR(awk program printing messages)
	d=$work/u/slow-$1
	new_set "$d/$1" "$1"
	rule_file "$1.x" ", \"regex\": \"$2\"" "$3" >"$d/$1/any.json"
	awk "BEGIN { $4 }" >"$d.msgs"
	timeout 120 "$CHECK" --validate --no-default-rules --rules "$d" >"$d.validate" 2>&1
	accepted=$?
	if [ "$accepted" -ne 0 ]; then
		echo "# $1: refused at load: $(head -1 "$d.validate")"
		return
	fi
	if ! timeout 300 "$work/time-check" --repeat 3 rules "$d" -- "$d.msgs" >"$d.times" 2>&1; then
		not_ok "backtracking: pattern $2 checked without crash or hang"
		tail -3 "$d.times" | sed 's/^/# /'
		return
	fi
	ms=$(sed -n 's/^worst \([0-9.]*\) ms message \([0-9]*\)$/\1/p' "$d.times")
	at=$(sed -n 's/^worst \([0-9.]*\) ms message \([0-9]*\)$/\2/p' "$d.times")
	bytes=$(sed -n "s/^message $at (\([0-9]*\) bytes).*/\1/p" "$d.times")
	single=$(sed -n 's/^slowest single check \([0-9.]*\) ms.*/\1/p' "$d.times")
	echo "# measure accepted pattern $2: worst message ${ms} ms (${bytes}-byte message, median of 3); slowest single check ${single} ms"
	if awk "BEGIN { exit !($ms > $worst) }"; then
		worst=$ms worst_what="pattern $2, ${bytes}-byte message"
	fi
	if awk "BEGIN { exit !($single > $worst_single) }"; then
		worst_single=$single
	fi
}
# Every message: a's of growing length, then a near miss that keeps the
# required character in the text (else PCRE gives up at once).
gen_as='split("10 20 25 28 30 32 34 36 40 60 200 4090", ns, " ")
        for (k = 1; k in ns; k++) { s = ""; for (i = 0; i < ns[k]; i++) s = s "a"; print s "bc" }'
slow alt-overlap '(a|aa)*c' aac "$gen_as"
slow alt-same '(a|a)*c' aac "$gen_as"
slow poly '(.*a){12}x' aaaaaaaaaaaax 'for (n = 10; n <= 200; n += 10) { s = ""; for (i = 0; i < n; i++) s = s "a"; print s "bx" }
        s = ""; for (i = 0; i < 4090; i++) s = s "a"; print s "bx"'
slow word-class '(\\w|\\d)*!' 'ab!' 'for (n = 10; n <= 40; n += 2) { s = ""; for (i = 0; i < n; i++) s = s "1"; print s "x!" }'
slow dot-stars '.*.*.*.*.*.*=.*;' 'a=b;' 'for (n = 50; n <= 1000; n += 50) { s = ""; for (i = 0; i < n; i++) s = s "a"; print s "=" s }'
# The shipped rules themselves, against the same messages and the corpus texts.
sed -n 's/.*"text": *"\([^"]*\)".*/\1/p' tests/corpus/regression/*.jsonl >"$work/u/corpus.msgs"
cat "$work"/u/slow-*.msgs >>"$work/u/corpus.msgs"
if timeout 300 "$work/time-check" rules -- "$work/u/corpus.msgs" >"$work/u/shipped.times" 2>&1; then
	ms=$(sed -n 's/^worst \([0-9.]*\) ms.*/\1/p' "$work/u/shipped.times")
	echo "# measure shipped rules: worst message ${ms} ms over $(grep -c '^message' "$work/u/shipped.times") messages"
fi
echo "# measure worst message against worst accepted rule: ${worst} ms (${worst_what:-none accepted}); slowest single check ${worst_single} ms (with one-time work)"
ok "backtracking: every accepted pattern finishes (worst ${worst} ms, see # measure)"

# ---- 2. a 50 MB rule file --------------------------------------------------

u=$work/u/huge
new_set "$u/huge" huge
{
	printf '{ "language": "en", "lists": { "big": ["'
	head -c 52428800 /dev/zero | tr '\0' 'a'
	printf '"] }, "rules": [] }\n'
} >"$u/huge/en.json"
new_set "$u/hugeset" hugeset
{
	printf '{ "name": "hugeset", "description": "'
	head -c 52428800 /dev/zero | tr '\0' 'b'
	printf '" }\n'
} >"$u/hugeset/set.json"
mkdir -p "$u/languages"
{
	printf '{ "language": "en", "name": "English", "stopwords": ["'
	head -c 52428800 /dev/zero | tr '\0' 'c'
	printf '"], "lists": {} }\n'
} >"$u/languages/en.json"
if run huge "$u" 60; then
	echo "# measure 50 MB rule files (rules, set.json, language profile): load, validate and run in ${elapsed} ms"
	error_like huge "$u/huge/en.json" 'larger than' && error_like huge "$u/hugeset/set.json" 'larger than' &&
		error_like huge "$u/languages/en.json" 'larger than'
	check $? "50 MB rule file, set.json and language profile each refused with a clear error"
	shipped_work huge
	check $? "50 MB rule files: the shipped sets still load and work"
	rm -f "$u/huge/en.json" "$u/hugeset/set.json" "$u/languages/en.json"
fi

# Just under the limit: a list of 250000 phrases (about 3.4 MB) is accepted;
# how long do loading and checking take?
u=$work/u/big
new_set "$u/big" big
{
	printf '{ "language": "en", "lists": { "big": ['
	awk 'BEGIN { for (i = 0; i < 250000; i++) printf "%s\"p%07d q\"", (i ? "," : ""), i }'
	printf '] }, "rules": [ { "id": "big.x", "category": "generic", "severity": "hint", "match": ["@big"], '
	printf '"message": "m", "examples": ["p0000001 q"], "counterexamples": ["zzz"] } ] }\n'
} >"$u/big/en.json"
awk 'BEGIN { s = ""; for (i = 0; i < 400; i++) s = s sprintf("p%07d ", i * 13); print s; print "p0249999 q" }' >"$work/u/big.msgs"
start=$(now_ms)
if timeout 120 "$work/time-check" rules "$u" -- "$work/u/big.msgs" >"$work/u/big.times" 2>&1; then
	ms=$(sed -n 's/^worst \([0-9.]*\) ms.*/\1/p' "$work/u/big.times")
	first=$(sed -n 's/^first check (builds the matcher) \([0-9.]*\) ms/\1/p' "$work/u/big.times")
	echo "# measure $(($(wc -c <"$u/big/en.json") / 1024)) KB rule file of 250000 phrases: load+check+free $(($(now_ms) - start)) ms, first check (matcher build) ${first} ms, then worst message ${ms} ms"
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$work/u/big.rss" "$work/time-check" --repeat 1 rules "$u" -- "$work/u/big.msgs" >/dev/null 2>&1
		echo "# measure peak RSS with that file: $(($(tail -1 "$work/u/big.rss") / 1024)) MB"
	fi
	grep -q '^message 2 .* 1 findings' "$work/u/big.times"
	check $? "a rule file just under 4 MB loads, and its rule fires"
else
	not_ok "a rule file just under 4 MB: time-check failed or hung"
fi

# ---- 3. JSON nested 100000 deep ---------------------------------------------

u=$work/u/deep
deep() { # deep N OPEN CLOSE [INNER]: N opening brackets, INNER, N closing ones
	awk -v n="$1" -v o="$2" -v c="$3" -v x="$4" 'BEGIN { for (i = 0; i < n; i++) printf "%s", o; printf "%s", x; for (i = 0; i < n; i++) printf "%s", c }'
}
new_set "$u/deeprules" deeprules
{ printf '{ "language": "en", "rules": '; deep 100000 '[' ']'; printf ' }\n'; } >"$u/deeprules/en.json"
new_set "$u/deepobj" deepobj
{ printf '{ "language": "en", "rules": [ { "id": "deepobj.x", "when": '; deep 100000 '{"a":' '}' 1; printf ' } ] }\n'; } >"$u/deepobj/en.json"
mkdir -p "$u/deepset"
{ printf '{ "name": "deepset", "description": '; deep 100000 '[' ']'; printf ' }\n'; } >"$u/deepset/set.json"
# Just under cJSON's nesting limit (1000): parses, then must be refused by type.
new_set "$u/deep999" deep999
{ printf '{ "language": "en", "rules": [ { "id": "deep999.x", "category": "generic", "severity": "hint", "match": '; deep 990 '[' ']'; printf ', "message": "m", "examples": ["x"], "counterexamples": ["y"] } ] }\n'; } >"$u/deep999/en.json"
{ printf '{ "name": "single-deep", "description": "d", "language": "en", "rules": ['; deep 900 '{"x":' '}' 1; printf '] }\n'; } >"$u/single-deep.json"
if run deep "$u"; then
	error_like deep "$u/deeprules/en.json" 'invalid JSON' && error_like deep "$u/deepobj/en.json" 'invalid JSON' &&
		error_like deep "$u/deepset/set.json" 'invalid JSON' && error_like deep "$u/deep999/en.json" 'phrase' &&
		error_like deep "$u/single-deep.json" 'unknown field'
	check $? "JSON nested 100000 (and 990) deep in rules, set.json and a single-file set: clear errors"
	shipped_work deep
	check $? "deep JSON: the shipped sets still load and work"
fi
# The same as an event line: an error line for it, and the next line still answered.
{
	deep 100000 '[' ']'; echo
	deep 100000 '{"a":' '}' 1; echo
	printf '{"text": "x", "dir": "out", "chat": "im", "peer": "p", "t": 1, "z": '; deep 990 '[' ']'; echo '}'
	echo '{"text": "Could you review my CV?", "dir": "out", "chat": "im", "peer": "pat", "t": 2}'
} >"$work/deep-events.jsonl"
timeout 30 "$CHECK" "$work/deep-events.jsonl" >"$work/deep-events.out" 2>&1
status=$?
[ "$status" -eq 0 ] && [ "$(wc -l <"$work/deep-events.out")" -eq 4 ] &&
	[ "$(grep -c '"error"' "$work/deep-events.out")" -eq 2 ] && tail -1 "$work/deep-events.out" | grep -q cold-ask
check $? "event lines nested 100000 deep: an error line each, the run goes on (exit $status)"

# ---- 4. wrong types everywhere ---------------------------------------------

u=$work/u/types
mkdir -p "$u"
values='0 -1 1e308 true false null "" "x" [] [1] [null] {} {"a":1} {"en":5}'
# A valid rule, as "key": value pairs; each test replaces one of them.
# Fields separated by "|".
rule_fields='"id":"T.r"|"category":"generic"|"severity":"warn"|"dir":"out"|"chat":"any"|"match":["could you","@request"]|"also":["?"]|"unless":["<link>"]|"when":{"engaged":false}|"message":"m {peer}"|"suggestion":"s"|"examples":["could you help?"]|"counterexamples":["zzz"]'
detector_fields='"id":"T.d"|"category":"cross-post"|"severity":"hint"|"detector":"cross-post"|"params":{"window":60}|"message":"m"'
profile_fields='"language":"en"|"name":"E"|"stopwords":["the"]|"letters":"abc"|"lists":{"request":["could you"],"offer":["i can"],"question":["what"],"greeting":["hi"]}'
i=0
bad_dirs=""
add_case() { # add_case SET-JSON RULES-JSON: a rules directory with one set folder
	i=$((i + 1))
	d=$u/t$i/s
	mkdir -p "$d"
	printf '%s\n' "$1" >"$d/set.json"
	printf '%s\n' "$2" | sed "s/T\\./t$i./g" >"$d/en.json"
}
rule_with() { # rule_with FIELDS KEY VALUE: the object with KEY set to VALUE
	out="" found=0
	old_ifs=$IFS
	IFS='|'
	for f in $1; do
		k=${f%%:*}
		if [ "$k" = "\"$2\"" ]; then
			f="$k:$3"
			found=1
		fi
		out="$out${out:+,}$f"
	done
	IFS=$old_ifs
	[ "$found" -eq 1 ] || out="$out,\"$2\":$3"
	echo "{$out}"
}
good_set='{"name":"tN","description":"d"}'
set -f # the values hold [ ] and ?
for v in $values; do
	# set.json
	add_case "{\"name\":$v,\"description\":\"d\"}" '{"language":"en","rules":[]}'
	add_case "{\"name\":\"t$((i + 1))\",\"description\":$v}" '{"language":"en","rules":[]}'
	add_case "$v" '{"language":"en","rules":[]}'
	# the rules file
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":$v,\"rules\":[$(rule_with "$rule_fields" id '"T.r"')]}"
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"en\",\"lists\":$v,\"rules\":[$(rule_with "$rule_fields" id '"T.r"')]}"
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"en\",\"rules\":$v}"
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"en\",\"rules\":[$v]}"
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "$v"
	# each field of a rule and of a detector rule
	for key in id category severity dir chat match regex also unless when detector params message suggestion examples counterexamples; do
		add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"en\",\"rules\":[$(rule_with "$rule_fields" "$key" "$v")]}"
		add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"*\",\"rules\":[$(rule_with "$detector_fields" "$key" "$v")]}"
	done
	# inside: a condition, a param, an example, an example's fields, a list
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"en\",\"rules\":[$(rule_with "$rule_fields" when "{\"engaged\":$v,\"first\":$v}")]}"
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"*\",\"rules\":[$(rule_with "$detector_fields" params "{\"window\":$v,\"min_words\":$v}")]}"
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"en\",\"rules\":[$(rule_with "$rule_fields" examples "[$v]")]}"
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"en\",\"rules\":[$(rule_with "$rule_fields" examples "[{\"text\":$v,\"known\":$v,\"dir\":$v,\"chat\":$v,\"peer\":$v}]")]}"
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"en\",\"lists\":{\"l\":$v},\"rules\":[$(rule_with "$rule_fields" match '["@l"]')]}"
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"en\",\"rules\":[$(rule_with "$rule_fields" match "[$v]")]}"
	add_case "$(echo "$good_set" | sed "s/tN/t$((i + 1))/")" "{\"language\":\"en\",\"rules\":[$(rule_with "$rule_fields" message "{\"en\":$v}")]}"
done
# and a language profile with each top-level field wrong
j=0
for v in $values; do
	for key in language name stopwords letters lists; do
		j=$((j + 1))
		mkdir -p "$u/p$j/languages"
		rule_with "$profile_fields" "$key" "$v" >"$u/p$j/languages/en.json"
	done
done
set +f
crashes=0
nocrash_fail=""
for d in "$u"/t* "$u"/p*; do
	timeout 20 "$CHECK" --validate --no-default-rules --rules "$d" >"$d.validate" 2>&1
	s=$?
	if [ "$s" -ge 124 ]; then
		crashes=$((crashes + 1))
		nocrash_fail="$nocrash_fail $(basename "$d")"
	fi
	# every error names a file of the case and a line
	if grep -v -E '^[0-9]+ rule sets, [0-9]+ rules: ' "$d.validate" | grep -v -q -E "^$d/[^:]+:[0-9]+: "; then
		bad_dirs="$bad_dirs $(basename "$d")"
	fi
done
cases=$(ls -d "$u"/t* "$u"/p* | grep -c -v '\.validate$')
[ "$crashes" -eq 0 ]
check $? "wrong types: $cases rule files with one wrong type each, none crashes or hangs${nocrash_fail:+ (crashed:$nocrash_fail)}"
[ -z "$bad_dirs" ]
check $? "wrong types: every error is FILE:LINE: reason${bad_dirs:+ (not so in:$bad_dirs)}"
# Loading is strict (rules/README.md): a detector's "params" must be an object.
lax=""
files=$(echo "$u"/t*/s/en.json)
set -f
for v in $values; do
	case $v in {*) continue ;; esac
	f=$(grep -l -F "\"params\":$v," $files 2>/dev/null | head -1)
	[ -n "$f" ] || continue
	d=${f%/s/en.json}
	grep -q -E ':[0-9]+: ' "$d.validate" || lax="$lax $v"
done
set +f
[ -z "$lax" ]
check $? "wrong types: a detector's \"params\" that is not an object is refused${lax:+ (accepted:$lax)}"
for d in $bad_dirs; do
	grep -v -E "^$u/$d/[^:]+:[0-9]+: " "$u/$d.validate" | head -2 | sed "s/^/# $d: /"
done | head -20
# All of them at once, next to the shipped sets.
mkdir -p "$work/u/types-all"
for d in "$u"/t*; do
	case $d in *.validate) continue ;; esac
	ln -s "$PWD/$d/s" "$work/u/types-all/$(basename "$d")"
done
if run types-all "$work/u/types-all" 60; then
	echo "# measure $cases wrong-type files: $(grep -c -E ':[0-9]+: ' "$work/types-all.validate") errors reported"
	shipped_work types-all
	check $? "wrong types: with all of them loaded, the shipped sets still work"
fi
# Wrong types in event lines: one error line each, the run goes on.
: >"$work/types-events.jsonl"
set -f
for v in $values; do
	for key in text dir chat peer conv me known t tick; do
		rule_with '"text":"could you help?"|"dir":"out"|"chat":"im"|"peer":"p"|"t":5' "$key" "$v" >>"$work/types-events.jsonl"
	done
	echo "$v" >>"$work/types-events.jsonl"
done
set +f
echo '{"text": "Could you review my CV?", "dir": "out", "chat": "im", "peer": "pat", "t": 9}' >>"$work/types-events.jsonl"
timeout 30 "$CHECK" "$work/types-events.jsonl" >"$work/types-events.out" 2>&1
status=$?
[ "$status" -eq 0 ] && [ "$(wc -l <"$work/types-events.out")" -eq "$(wc -l <"$work/types-events.jsonl")" ] &&
	tail -1 "$work/types-events.out" | grep -q cold-ask
check $? "wrong types in $(wc -l <"$work/types-events.jsonl") event lines: one output line each, the run goes on (exit $status)"

# ---- 5. names that collide with shipped ones -----------------------------

# A valid set named like a shipped one replaces it (documented: a user's
# directory overrides); the other shipped sets stay.
u=$work/u/collide
new_set "$u/mine" networking
rule_file mine.cv ', "match": ["review my cv"]' 'please review my cv' >"$u/mine/any.json"
if run collide "$u"; then
	"$CHECK" --list --rules "$u" >"$work/collide.list" 2>&1
	grep -q "^networking .*$u/mine" "$work/collide.list" && [ "$(grep -c '^networking ' "$work/collide.list")" -eq 1 ] &&
		grep -q '"rule":"mine.cv"' "$work/collide.out" && grep -q '"category":"bare-greeting"' "$work/collide.out" &&
		grep -q '"category":"unanswered"' "$work/collide.out" && ! grep -q '"rule":"networking\.' "$work/collide.out"
	check $? "set name collision: the user's \"networking\" replaces the shipped one, the other sets still work"
fi
# A rule id that a shipped set already uses in the same language: refused
# with a clear error (an id names an idea, once per language).
u=$work/u/collide-id
new_set "$u/mine" mine
id=$(sed -n 's/.*"id": *"\(networking[^"]*\)".*/\1/p' rules/networking/en.json | head -1)
rule_file "$id" ', "match": ["review my cv"]' 'please review my cv' |
	sed 's/"language": "\*"/"language": "en"/' >"$u/mine/en.json"
if run collide-id "$u"; then
	error_like collide-id "$u/mine/en.json" "used twice" && shipped_work collide-id
	check $? "rule id collision ($id in en): refused with a clear error, the shipped sets still work"
fi
# Two user sets with the same name: the later one wins (sorted by folder name).
u=$work/u/collide-twice
new_set "$u/a" twice
rule_file twice.a ', "match": ["alpha beta"]' 'alpha beta' >"$u/a/any.json"
new_set "$u/b" twice
rule_file twice.b ', "match": ["gamma delta"]' 'gamma delta' >"$u/b/any.json"
if run collide-twice "$u"; then
	"$CHECK" --list --rules "$u" >"$work/collide-twice.list" 2>&1
	[ "$(grep -c '^twice ' "$work/collide-twice.list")" -eq 1 ] && shipped_work collide-twice
	check $? "two user sets named alike: one set remains, the shipped sets still work"
fi
# A broken override: the error is clear; what remains of the shipped set?
u=$work/u/collide-broken
new_set "$u/networking" networking
printf '{ "language": "en", "rules": [\n' >"$u/networking/en.json"
if run collide-broken "$u"; then
	error_like collide-broken "$u/networking/en.json" 'invalid JSON' &&
		grep -q '"category":"bare-greeting"' "$work/collide-broken.out"
	check $? "broken override of a shipped set: clear error, the other sets still work"
	if ! grep -q '"category":"cold-ask"' "$work/collide-broken.out"; then
		echo "# note: a user's \"networking\" whose only file is broken replaces the shipped networking with an empty set (no cold-ask finding)"
	fi
fi

# ---- 6. many failing examples: --validate --------------------------------

# Every failing example is reported with its line; the time this takes must
# grow with the file, not with the file times the failures.
u=$work/u/failing
new_set "$u/failing" failing
for rules in 500 1000; do
	{
		printf '{ "language": "*", "rules": ['
		awk -v n=$rules 'BEGIN { for (i = 0; i < n; i++) printf "%s{\"id\":\"failing.r%d\",\"category\":\"generic\",\"severity\":\"hint\",\"match\":[\"zebra%d\"],\"message\":\"m\",\"examples\":[\"no\",\"no\",\"no\",\"no\",\"no\"],\"counterexamples\":[\"zebra%d\"]}", (i ? "," : ""), i, i, i }'
		printf '] }\n'
	} >"$u/failing/en.json"
	start=$(now_ms)
	timeout 120 "$CHECK" --validate --no-default-rules --rules "$u" >"$work/failing-$rules.validate" 2>&1
	status=$?
	eval "ms_$rules=$(($(now_ms) - start))"
	reported=$(grep -c 'does not fire on its example' "$work/failing-$rules.validate")
	echo "# measure --validate, $rules rules with 5 failing examples each ($(($(wc -c <"$u/failing/en.json") / 1024)) KB): $(eval echo \$ms_$rules) ms, $reported failures reported"
done
[ "$status" -eq 1 ] && [ "$reported" -eq 5000 ]
check $? "many failing examples: --validate reports each with its line (exit $status)"
echo "# measure --validate time, 1000 rules / 500 rules: $(awk "BEGIN { printf \"%.1f\", $ms_1000 / ($ms_500 + 1) }")x (2x if linear, 4x if quadratic)"

echo "1..$n"
[ "$failed" -eq 0 ]
