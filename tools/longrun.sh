#!/bin/sh
# Long run of etiquette-check (issue 6, point 4, the CLI part): LONGRUN_EVENTS
# events (default 1000000) with 10000 peers and conversations, IM and group,
# in and out, questions that go unanswered, cross-posts, ticks. The run is
# repeated on the first 10k, 100k and all events (each a fresh process, one
# history) and reports peak RSS and time for each; memory must be flat after
# warm-up (the 1M run within 10% + 2 MB of the 100k run) and every event must
# get its output line. TAP lines, figures as "# measure".
#   sh tools/longrun.sh            (make longrun)
cd "$(dirname "$0")/.." || exit 2
n=${LONGRUN_EVENTS:-1000000}
peers=${LONGRUN_PEERS:-10000}
CHECK=${ETQ_CHECK:-build/etiquette-check}
dir=build/longrun
mkdir -p "$dir"
[ -x "$CHECK" ] || make -s --no-print-directory all >/dev/null 2>&1
if [ ! -x /usr/bin/time ]; then
	sh mk/deps.sh time || { echo "not ok 1 longrun needs /usr/bin/time (Debian package time)"; exit 1; }
fi
events=$dir/events.jsonl
# Texts: the corpus's, with a few that make the detectors fire.
sed -n 's/.*"text": *\("[^"\\]*"\).*/\1/p' tests/corpus/regression/*.jsonl >"$dir/texts"
cat >>"$dir/texts" <<'EOF'
"what time is it?"
"alex, are you there?"
"hi"
"Could you review my CV?"
"the same long message goes everywhere now, please share it"
EOF
awk -v n="$n" -v peers="$peers" -v texts="$dir/texts" 'BEGIN {
	srand(6)
	while ((getline line < texts) > 0) t[nt++] = line
	for (i = 0; i < n; i++) {
		now = int(i / 20)             # 20 events a second
		p = int(rand() * peers)
		if (i % 97 == 0) { printf "{\"tick\": true, \"t\": %d}\n", now; continue }
		text = t[int(rand() * nt)]
		if (i % 13 == 0) text = t[nt - 1]   # the cross-post
		dir = rand() < 0.5 ? "in" : "out"
		if (rand() < 0.3)
			printf "{\"text\": %s, \"dir\": \"%s\", \"chat\": \"group\", \"conv\": \"#room%d\", \"peer\": \"peer%d\", \"me\": \"alex\", \"t\": %d}\n", text, dir, p, p, now
		else
			printf "{\"text\": %s, \"dir\": \"%s\", \"chat\": \"im\", \"peer\": \"peer%d\", \"me\": \"alex\", \"t\": %d}\n", text, dir, p, now
	}
}' >"$events"

i=0
failed=0
for size in 10000 100000 "$n"; do
	[ "$size" -le "$n" ] || continue
	i=$((i + 1))
	head -n "$size" "$events" >"$dir/part.jsonl"
	start=$(date +%s%N)
	/usr/bin/time -f "%M" -o "$dir/rss.$size" "$CHECK" "$dir/part.jsonl" >"$dir/out.jsonl" 2>"$dir/err"
	status=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	rss=$(tail -1 "$dir/rss.$size")
	lines=$(wc -l <"$dir/out.jsonl")
	found=$(grep -c '"category"' "$dir/out.jsonl")
	echo "# measure $size events: peak RSS $((rss / 1024)) MB ($rss KB), $ms ms, $found lines with findings"
	if [ "$status" -eq 0 ] && [ "$lines" -eq "$size" ]; then
		echo "ok $i longrun $size events: every event answered"
	else
		echo "not ok $i longrun $size events: exit $status, $lines output lines"
		failed=$((failed + 1))
	fi
	eval "rss_$i=$rss"
done
i=$((i + 1))
if [ -n "$rss_3" ] && [ "$rss_3" -le $((rss_2 + rss_2 / 10 + 2048)) ]; then
	echo "ok $i longrun memory flat after warm-up: ${rss_2} KB at 100k, ${rss_3} KB at $n"
else
	echo "not ok $i longrun memory flat after warm-up: ${rss_2:-?} KB at 100k, ${rss_3:-?} KB at $n"
	failed=$((failed + 1))
fi
grep -c '"category":"unanswered"' "$dir/out.jsonl" | sed 's/^/# measure unanswered findings in the longest run: /'
grep -c '"category":"cross-post"' "$dir/out.jsonl" | sed 's/^/# measure cross-post findings in the longest run: /'
echo "1..$i"
[ "$failed" -eq 0 ]
