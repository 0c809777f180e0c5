#!/bin/sh
# Language identification of short chat lines: our scorer (core/langid.c)
# on a fixed labelled sample (see ATTRIBUTION), one TAP line per file, ok
# when at least 93% of the lines get the right language ("und" counts as
# wrong; today 95-99%), and at most 2% of all lines a wrong one. The
# "# measure" lines give the figures of our scorer and, when built with it,
# of libexttextcat (all its languages, and only the languages we have).
# Run from anywhere; needs build/langid-eval (`make build/langid-eval`).
cd "$(dirname "$0")/../.." || exit 2
eval=build/langid-eval
[ -x "$eval" ] || make --no-print-directory -s "$eval" >/dev/null 2>&1
if [ ! -x "$eval" ]; then
	echo "not ok 1 langid: $eval is not built (make build/langid-eval)"
	exit 1
fi
"$eval" --rules rules --tap 0.93 \
	tests/langid/sample.en.txt tests/langid/sample.de.txt \
	tests/langid/sample.it.txt tests/langid/sample.nb.txt tests/langid/sample.fr.txt tests/langid/chat.en.txt
