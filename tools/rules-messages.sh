#!/bin/sh
# Prints a gettext template (.pot) of the hint texts in rule files: every
# string "message" and "suggestion" of a rule (and their _in/_out forms), and every string "description"
# of a rule set (set.json, or the top level of a one-file rule set).
# Texts given as an object per language ({"en": "…", "de": "…"}) are a user's
# own translations and are left out; so are the language profiles.
#
#   sh tools/rules-messages.sh rules/*/*.json > rules.pot
#
# One entry per distinct text, with every FILE:LINE that uses it. Texts with
# {placeholders} are flagged python-brace-format, so that msgfmt --check
# verifies that a translation keeps them. Needs jq.
set -e
command -v jq >/dev/null 2>&1 || { echo "rules-messages.sh: needs jq (apt-get install jq)" >&2; exit 1; }

files=""
for f in "$@"; do
	case "$f" in */languages/*) ;; *) files="$files $f" ;; esac
done

cat <<'HEAD'
# Hint texts of the shipped rule sets (rules/), extracted by tools/rules-messages.sh.
#, fuzzy
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
HEAD
[ -n "$files" ] || exit 0

tab=$(printf '\t')
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
# Rows "FILE<TAB>COMMENT<TAB>JSON-STRING-LITERAL", in file order; a literal
# (from tojson) never holds a raw tab or newline.
# shellcheck disable=SC2086
jq -nr '
	inputs as $doc | input_filename as $f
	| ( if ($doc | type) == "object" then $doc else {} end ) as $top
	| ( $f | split("/") | .[-2] ) as $dir
	| ( ( $top.description | strings
	      | [$f, "description of the rule set " + ($top.name // $dir | tostring), tojson] ),
	    ( $top.rules[]? | objects
	      | ( .detector // .category // "?" | tostring ) as $what
	      | ( (.message | strings | [$f, "message: " + $what, tojson]),
	          (.message_in | strings | [$f, "message to an incoming message: " + $what, tojson]),
	          (.message_out | strings | [$f, "message to an outgoing message: " + $what, tojson]),
	          (.suggestion | strings | [$f, "suggestion: " + $what, tojson]),
	          (.suggestion_in | strings | [$f, "suggestion to an incoming message: " + $what, tojson]),
	          (.suggestion_out | strings | [$f, "suggestion to an outgoing message: " + $what, tojson]) ) ) )
	| join("\t")' $files >"$rows" || {
	echo "rules-messages.sh: jq could not read the rule files above" >&2
	exit 1
}
while IFS="$tab" read -r f what lit; do
	line=$(grep -nF -- "$lit" "$f" | head -n 1 | cut -d: -f1) || line=""
	printf '%s\t%s\t%s\n' "$f${line:+:$line}" "$what" "$lit"
done <"$rows" |
awk -F '\t' '
	!($3 in seen) { seen[$3] = 1; order[++n] = $3 }
	{
		if (index(" " refs[$3] " ", " " $1 " ") == 0)
			refs[$3] = refs[$3] (refs[$3] == "" ? "" : " ") $1
		if (index("\n" notes[$3] "\n", "\n" $2 "\n") == 0)
			notes[$3] = notes[$3] (notes[$3] == "" ? "" : "\n") $2
	}
	END {
		for (i = 1; i <= n; i++) {
			lit = order[i]
			k = split(notes[lit], c, "\n")
			printf "\n"
			for (j = 1; j <= k; j++)
				printf "#. %s\n", c[j]
			printf "#: %s\n", refs[lit]
			if (lit ~ /\{[a-z_]+\}/)
				printf "#, python-brace-format\n"
			printf "msgid %s\nmsgstr \"\"\n", lit
		}
	}'
