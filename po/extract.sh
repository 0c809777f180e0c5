#!/bin/sh
# Writes a fresh gettext template of everything translatable in the tree (see
# po/POTFILES): the marked strings of the C sources (xgettext) and the hint
# texts of the shipped rules (tools/rules-messages.sh), merged with msgcat.
#
#   sh po/extract.sh OUT.pot        (run from the repository root)
set -e
out=${1:?usage: sh po/extract.sh OUT.pot}
cd "$(dirname "$0")/.."

c_files=""
rule_files=""
while read -r kind glob; do
	case "$kind" in ''|\#*) continue ;; esac
	for f in $glob; do
		[ -f "$f" ] || continue
		case "$kind" in
		c) c_files="$c_files $f" ;;
		rules) rule_files="$rule_files $f" ;;
		*) echo "po/POTFILES: unknown kind '$kind'" >&2; exit 1 ;;
		esac
	done
done <po/POTFILES

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# xgettext warns about the empty bug address (there is no mailing list): keep
# its other messages.
status=0
# shellcheck disable=SC2086
xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS \
	--keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
	--package-name=purple-etiquette --copyright-holder="the purple-etiquette authors" \
	--msgid-bugs-address="" --force-po -o "$tmp/c.pot" $c_files 2>"$tmp/err" || status=$?
grep -v -e 'msgid-bugs-address' -e "'Makevars' file" -e 'MSGID_BUGS_ADDRESS' \
	-e 'specify an --msgid' "$tmp/err" >&2 || :
[ "$status" -eq 0 ] || exit "$status"
sed -i -e '1s/.*/# Translations of purple-etiquette: chat etiquette hints for Pidgin and Finch./' \
	-e "2s/YEAR/$(date +%Y)/" -e '4d' "$tmp/c.pot"

# shellcheck disable=SC2086
sh tools/rules-messages.sh $rule_files >"$tmp/rules.pot"

# The C template first: its header (project, charset) is the one kept.
msgcat --use-first -o "$tmp/all.pot" "$tmp/c.pot" "$tmp/rules.pot"
# Keep OUT as it is when only the creation date would change.
if [ -f "$out" ] &&
	grep -v '^"POT-Creation-Date:' "$out" >"$tmp/old" &&
	grep -v '^"POT-Creation-Date:' "$tmp/all.pot" >"$tmp/new" &&
	cmp -s "$tmp/old" "$tmp/new"; then
	exit 0
fi
cp "$tmp/all.pot" "$out"
