#!/bin/sh
# The shipped rule sets load without error and pass their own examples.
echo "1..1"
out=$(build/etiquette-check --validate 2>&1)
if [ $? -eq 0 ]; then
	echo "ok 1 shipped rules validate: $(echo "$out" | tail -1)"
else
	echo "$out" | sed 's/^/# /'
	echo "not ok 1 shipped rules validate"
fi
