/* langid.c — which language a short chat line is in.
 *
 * Chat lines are short, so character n-gram models (libexttextcat) have
 * little to go on; the function words of a language ("ich", "non", "ikke")
 * and its letters (ß, æ, è) are what a reader goes by too. Each stopword
 * of a profile scores one point, each typical letter two; the best language
 * wins if it beats the next, else the line is "und". The matcher has
 * already counted the stopwords while reading the message. */
#include "internal.h"

static guint
letter_hits(const EtqProfile *prof, const EtqText *t)
{
	guint hits = 0;
	for (const char *p = t->text; *p; p++) {
		if ((guchar)*p < 0x80)
			continue;
		gunichar c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2)
			continue;
		c = g_unichar_tolower(c);
		for (guint i = 0; i < prof->letters->len; i++)
			hits += g_array_index(prof->letters, gunichar, i) == c;
		p = g_utf8_next_char(p) - 1;
	}
	return hits;
}

int
etq_langid(const EtqRules *rules, const EtqText *text, const EtqMatch *mt)
{
	guint score[ETQ_N_LANGS] = { 0 };
	gboolean non_ascii = FALSE;
	for (gsize i = 0; i < text->len && !non_ascii && i < 4096; i++)
		non_ascii = (guchar)text->text[i] >= 0x80;
	for (int l = 0; l < ETQ_N_LANGS; l++) {
		score[l] = mt->stop_hits[l];
		if (non_ascii && rules->profiles[l] && text->len <= 4096)
			score[l] += 2 * letter_hits(rules->profiles[l], text);
	}
	int best = ETQ_LANG_UND;
	guint best_score = 0, second = 0;
	for (int l = 0; l < ETQ_N_LANGS; l++) {
		if (score[l] > best_score) {
			second = best_score;
			best_score = score[l];
			best = l;
		} else if (score[l] > second) {
			second = score[l];
		}
	}
	return best_score > second ? best : ETQ_LANG_UND;
}

const char *
etq_rules_language(const EtqRules *rules, const char *text)
{
	EtqScratch s;
	EtqEvent ev = { .text = text };
	etq_scratch_init(&s);
	int lang = etq_analyse((EtqRules *)rules, &s, &ev);
	etq_scratch_clear(&s);
	return etq_lang_codes[lang];
}
