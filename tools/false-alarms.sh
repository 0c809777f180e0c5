#!/bin/sh
# False alarms on real text nobody wrote for the rules (by hand, not a test):
# every line of each file as an outgoing IM to a known peer and as an
# incoming IM; prints the share of lines that raise anything, per file.
#   sh tools/false-alarms.sh [DIR]          (default ../shared/corpus)
#   VERBOSE=1 sh tools/false-alarms.sh      also each alarm with its rule
# The bar (issue 10) is at most 0.1% per file.
cd "$(dirname "$0")/.." || exit 2
dir=${1:-../shared/corpus}
[ -x build/score-corpus ] || make --no-print-directory -s build/score-corpus || exit 2
build/score-corpus --false-alarms "$dir"/*.txt
