#!/bin/sh
# `make bench`: throughput, time per message, rule-load time and peak RSS of
# build/etiquette-check on varied events with every rule set enabled.
# BENCH_EVENTS sets the number of events (default 200000).
set -e
n=${BENCH_EVENTS:-200000}
events=build/bench-events.jsonl
build/bench generate "$n" tests/corpus/regression/*.jsonl $(ls tests/langid/sample.*.txt 2>/dev/null) >"$events"
echo "events: $n ($(wc -c <"$events") bytes, $(build/etiquette-check --list | grep -c '^[a-z]') rule sets enabled)"
build/bench load rules
# The same with malloc keeping what a load frees (glibc gives it back to the
# kernel otherwise, and the next load's new pages fault one by one, ~10 us
# each on a VM): the difference is page faults, the rest the load's own work.
GLIBC_TUNABLES=glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=268435456:glibc.malloc.top_pad=67108864 \
	build/bench load rules | sed 's/^rule load:/rule load, freed memory kept by malloc:/'
# Pidgin starting: the first load of a process, all of its memory new.
for run in 1 2 3 4 5; do build/bench load-first rules; done | sort -n |
	awk 'NR == 3 { printf "rule load, the first of a process: %.2f ms median (5 processes)\n", $1 }'
# What the plugin's rule loads cost the UI thread now that they run in a
# thread of their own (plugin/loader.c): the longest dispatch of libpurple's
# main loop at plugin load and at reloads, with and without the user set of
# `bench hostile` (tests/plugin/uithread.c).
big=$(build/bench user-set)
GST_REGISTRY=build/bench-gst-registry.bin build/test-plugin --ui-thread "$big" | sed -n 's/^# //p'
rm -rf "$big" build/bench-gst-registry.bin
# The Pidgin companion's live line: what one check of a draft costs. The
# companion checks at most every 300 ms (pidgin/live.c), whatever the typing
# speed; a keystroke in between only tests whether a check is pending.
build/bench draft rules

# best_of CMD: the shortest of three wall times in ns (output to build/bench-out.jsonl)
best_of() {
	best=""
	for run in 1 2 3; do
		start=$(date +%s%N)
		/usr/bin/time -f "%M" -o build/bench-rss sh -c "$1" >build/bench-out.jsonl
		end=$(date +%s%N)
		ns=$((end - start))
		if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
	done
	lines=$(wc -l <build/bench-out.jsonl)
	[ "$lines" -eq "$n" ] || { echo "lost output: $lines lines for $n events"; exit 1; }
	echo "$best"
}

# A file, read line by line.
ahead=$(best_of "build/etiquette-check $events")
rss=$(cat build/bench-rss)
findings=$(grep -c '"category"' build/bench-out.jsonl || true)
# A pipe: line by line on one core, as for a client that waits for each answer.
lines=$(best_of "cat $events | build/etiquette-check")
awk -v n="$n" -v ns="$ahead" -v ns1="$lines" -v rss="$rss" -v f="$findings" 'BEGIN {
	printf "end to end: %.0f messages/s, %.2f us/message (best of 3, JSON in and out, from a file)\n", n / (ns / 1e9), ns / 1e3 / n
	printf "end to end, from a pipe: %.0f messages/s, %.2f us/message (best of 3, line by line)\n", n / (ns1 / 1e9), ns1 / 1e3 / n
	printf "peak RSS: %.1f MB\n", rss / 1024
	printf "lines with findings: %d of %d\n", f, n
}'

# Instructions per message, counted by callgrind (the same count on a busy
# machine), with PCRE2's JIT on as for users: the core (etq_state_feed) and
# the whole CLI (JSON in and out). The difference of a run of K + N events and
# one of K leaves out loading the rules and compiling the first messages'
# patterns. Typical messages, then messages of 4 KB and of 1 MB (the first
# event of each file is a tick).
instructions() { # LABEL K N: the events of build/bench-count.jsonl
	for k in "$2" $(($2 + $3)); do
		head -n "$k" build/bench-count.jsonl >build/bench-part.jsonl
		valgrind --tool=callgrind --callgrind-out-file=build/bench-callgrind.out \
			build/etiquette-check-jit build/bench-part.jsonl >/dev/null 2>build/bench-callgrind.log
		callgrind_annotate --inclusive=yes build/bench-callgrind.out |
			awk '/PROGRAM TOTALS/ { t = $1 } /core\/state.c:etq_state_feed \[/ { f = $1 }
			     END { gsub(",", "", t); gsub(",", "", f); print f + 0, t + 0 }'
	done | awk -v label="$1" -v n="$3" 'NR == 1 { f = $1; t = $2 } NR == 2 {
		printf "instructions per message, %s: %.0f in the core, %.0f end to end (callgrind, %d messages)\n",
		       label, ($1 - f) / n, ($2 - t) / n, n }'
}
cp "$events" build/bench-count.jsonl
instructions "typical" 2000 20000
BENCH_BYTES=4096 build/bench generate 220 tests/corpus/regression/*.jsonl >build/bench-count.jsonl
instructions "4 KB" 20 200
BENCH_BYTES=1048576 build/bench generate 4 tests/corpus/regression/*.jsonl >build/bench-count.jsonl
instructions "1 MB" 2 2
rm -f build/bench-count.jsonl build/bench-part.jsonl build/bench-callgrind.out build/bench-callgrind.log

# A hostile peer: the slowest message it can send, and peak RSS meanwhile.
/usr/bin/time -f "%M" -o build/bench-rss build/bench hostile rules
awk -v rss="$(cat build/bench-rss)" 'BEGIN { printf "hostile peer: peak RSS %.1f MB (rules, the user set and all the cases)\n", rss / 1024 }'

# Long run: 1,000,000 events among 10,000 peers and 1,000 channels; the
# state is bounded, so peak RSS must stay flat after warm-up.
if [ -z "$BENCH_SKIP_LONG" ]; then
	long=build/bench-long.jsonl
	BENCH_PEERS=10000 build/bench generate 1000000 tests/corpus/regression/*.jsonl >"$long"
	for k in 10000 100000 1000000; do
		head -n "$k" "$long" >build/bench-part.jsonl
		/usr/bin/time -f "%M" -o build/bench-rss build/etiquette-check build/bench-part.jsonl >build/bench-out.jsonl
		lines=$(wc -l <build/bench-out.jsonl)
		[ "$lines" -eq "$k" ] || { echo "lost output: $lines lines for $k events"; exit 1; }
		awk -v k="$k" -v rss="$(cat build/bench-rss)" 'BEGIN { printf "long run: peak RSS %.1f MB after %d events (10000 peers)\n", rss / 1024, k }'
	done
	rm -f build/bench-part.jsonl
fi
