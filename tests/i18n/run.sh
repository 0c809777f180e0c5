#!/bin/sh
# Translation tests (TAP lines): every po/<lang>.po translates every text of a
# freshly extracted template — the marked C strings and every hint text of the
# shipped rules — with nothing fuzzy, keeps the {placeholders}, compiles with
# msgfmt --check, and build/etiquette-check speaks the UI language.
#
#   sh tests/i18n/run.sh        (from anywhere; `make` first, for build/)
# Needs gettext and jq (make check installs them).
cd "$(dirname "$0")/../.." || exit 2
DOMAIN=purple-etiquette
CLI=build/etiquette-check
LANGS=$(cat po/LINGUAS)
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# diag FILE: its lines as TAP comments (at most 20)
diag() { head -n 20 "$1" | sed 's/^/#   /'; }
# msgids FILE.po: every msgid but the header's, one per line (unwrapped)
msgids() { msgattrib --no-wrap --no-location --no-obsolete "$1" | sed -n 's/^msgid "\(.\+\)"$/\1/p' | sort -u; }

# 1. A fresh template.
if sh po/extract.sh "$tmp/fresh.pot" 2>"$tmp/err"; then
	total=$(msgids "$tmp/fresh.pot" | wc -l)
	ok "template extracted from the C sources and the rules: $total texts"
else
	not_ok "po/extract.sh failed"
	diag "$tmp/err"
	echo "1..$n"
	exit 1
fi

msgids "$tmp/fresh.pot" >"$tmp/fresh.ids"
msgids po/$DOMAIN.pot >"$tmp/repo.ids"
if cmp -s "$tmp/fresh.ids" "$tmp/repo.ids"; then
	ok "po/$DOMAIN.pot is up to date"
else
	not_ok "po/$DOMAIN.pot is out of date: run make pot (+ new, - gone)"
	diff "$tmp/repo.ids" "$tmp/fresh.ids" | sed -n 's/^> /+ /p; s/^< /- /p' >"$tmp/d"
	diag "$tmp/d"
fi

for lang in $LANGS; do
	po=po/$lang.po
	if [ ! -f "$po" ]; then
		not_ok "$po missing (listed in po/LINGUAS)"
		continue
	fi
	merged=$tmp/$lang.po
	# What the translation would be after `make pot`.
	if ! msgmerge --quiet --previous -o "$merged" "$po" "$tmp/fresh.pot" 2>"$tmp/err"; then
		not_ok "$lang: msgmerge failed"
		diag "$tmp/err"
		continue
	fi

	# 2. Complete: nothing untranslated, nothing fuzzy.
	msgattrib --untranslated --no-obsolete --no-wrap "$merged" | sed -n 's/^msgid "\(.\+\)"$/untranslated: \1/p' >"$tmp/missing"
	msgattrib --only-fuzzy --no-obsolete --no-wrap "$merged" | sed -n 's/^msgid "\(.\+\)"$/fuzzy: \1/p' >"$tmp/fuzzy"
	u=$(wc -l <"$tmp/missing")
	f=$(wc -l <"$tmp/fuzzy")
	if [ "$u" -eq 0 ] && [ "$f" -eq 0 ]; then
		ok "$lang: all $total texts translated, none fuzzy"
	else
		not_ok "$lang: $u untranslated, $f fuzzy (translate them in $po after make pot)"
		cat "$tmp/missing" "$tmp/fuzzy" >"$tmp/d"
		diag "$tmp/d"
	fi

	# 3. Compiles with every check (header, format strings, mnemonics).
	if msgfmt --check --check-accelerators=_ -o /dev/null "$merged" 2>"$tmp/err"; then
		ok "$lang: msgfmt --check"
	else
		not_ok "$lang: msgfmt --check"
		sed "s|$merged|$po (merged with the fresh template)|" "$tmp/err" >"$tmp/d"
		diag "$tmp/d"
	fi

	# 4. Same {placeholders} in every translation as in its msgid.
	# msgexec warns on stderr under a non-UTF-8 locale (env -i, CI): give it one
	# shellcheck disable=SC2016
	LC_ALL=C.UTF-8 msgexec -i "$merged" sh -c '
		[ -n "$MSGEXEC_MSGID" ] || exit 0
		want=$(printf "%s" "$MSGEXEC_MSGID" | grep -o "{[a-z_]*}" | sort | tr -d "\n")
		have=$(grep -o "{[a-z_]*}" | sort | tr -d "\n")
		[ -z "$have$want" ] || [ "$have" = "$want" ] ||
			printf "%s: wants %s, has %s\n" "$MSGEXEC_MSGID" "${want:-none}" "${have:-none}"
		:' >"$tmp/ph" 2>&1
	if [ ! -s "$tmp/ph" ]; then
		ok "$lang: placeholders kept"
	else
		not_ok "$lang: placeholders differ"
		diag "$tmp/ph"
	fi

	# 5. The compiled catalogue next to the CLI is there and current.
	mo=build/locale/$lang/LC_MESSAGES/$DOMAIN.mo
	if [ -f "$mo" ] && [ -z "$(find "$po" -newer "$mo")" ]; then
		ok "$lang: $mo built"
	else
		not_ok "$lang: $mo missing or older than $po (run make)"
	fi
done

# 6. etiquette-check writes its hints in the UI language (LANGUAGE), whatever
#    the language of the message; {peer} is filled in.
printf '%s\n' \
	'{"text": "Dear Sir/Madam, I would like to offer you our services.", "dir": "out", "chat": "im", "peer": "pat", "me": "alex", "t": 0}' \
	'{"text": "Hi, could you review my CV please?", "dir": "out", "chat": "im", "peer": "kim", "me": "alex", "t": 5}' \
	>"$tmp/in.jsonl"
if [ ! -x "$CLI" ]; then
	not_ok "$CLI missing (run make)"
else
	LC_ALL=C LANGUAGE='' "$CLI" --format json "$tmp/in.jsonl" >"$tmp/en.out" 2>"$tmp/err"
	en1=$(jq -r '.findings[0].message // empty' "$tmp/en.out" | sed -n 1p)
	en2=$(jq -r '.findings[0].message // empty' "$tmp/en.out" | sed -n 2p)
	if [ -z "$en1" ] || [ -z "$en2" ]; then
		not_ok "the shipped rules flag a template and a cold ask (English output)"
		diag "$tmp/en.out"
	else
		ok "the shipped rules flag a template and a cold ask: \"$en1\""
		# The cold-ask text as a msgid: the English message with the peer put back.
		id2=$(printf '%s' "$en2" | sed 's/\bkim\b/{peer}/')
		for lang in $LANGS; do
			want1=$(LC_ALL=C.UTF-8 LANGUAGE=$lang TEXTDOMAINDIR=build/locale gettext -d $DOMAIN "$en1")
			want2=$(LC_ALL=C.UTF-8 LANGUAGE=$lang TEXTDOMAINDIR=build/locale gettext -d $DOMAIN "$id2" | sed 's/{peer}/kim/g')
			LC_ALL=C.UTF-8 LANGUAGE=$lang "$CLI" --format json "$tmp/in.jsonl" >"$tmp/$lang.out" 2>"$tmp/err"
			got1=$(jq -r '.findings[0].message // empty' "$tmp/$lang.out" | sed -n 1p)
			got2=$(jq -r '.findings[0].message // empty' "$tmp/$lang.out" | sed -n 2p)
			if [ "$got1" != "$en1" ] && [ "$got1" = "$want1" ]; then
				ok "LANGUAGE=$lang $CLI: \"$got1\""
			else
				not_ok "LANGUAGE=$lang $CLI: got \"$got1\", want \"$want1\""
			fi
			if [ "$got2" != "$en2" ] && [ "$got2" = "$want2" ] && ! printf '%s' "$got2" | grep -q '[{}]'; then
				ok "LANGUAGE=$lang $CLI, {peer} filled in: \"$got2\""
			else
				not_ok "LANGUAGE=$lang $CLI, {peer} filled in: got \"$got2\", want \"$want2\""
			fi
		done
	fi
	# Rule set descriptions in --list, too.
	en_desc=$(jq -r '.description' rules/networking/set.json)
	for lang in $LANGS; do
		desc=$(LC_ALL=C.UTF-8 LANGUAGE=$lang TEXTDOMAINDIR=build/locale gettext -d $DOMAIN "$en_desc")
		if [ "$desc" != "$en_desc" ] && LC_ALL=C.UTF-8 LANGUAGE=$lang "$CLI" --list 2>&1 | grep -qF -- "$desc"; then
			ok "LANGUAGE=$lang $CLI --list: \"$desc\""
		else
			not_ok "LANGUAGE=$lang $CLI --list does not show \"$desc\""
		fi
	done
fi

echo "1..$n"
[ "$failed" -eq 0 ]
