/* langid.c — which language a short chat line is in.
 *
 * Chat lines are short, so character n-gram models (libexttextcat) have
 * little to go on; the function words of a language ("ich", "non", "ikke")
 * and its letters (ß, æ, è) are what a reader goes by too. Everything
 * comes from the language profiles (rules/languages/xx.json): each of
 * their stopwords scores two points (three when no other language has a
 * sign of it: "ich", "ikke", not the shared "du"), each typical letter two, each other
 * telling word ("langid"/"words": "ciao", "moin") what the profile gives,
 * and a word that only one language's rules and lists use one point (its
 * own vocabulary: "lebenslauf", "hallaien"). A drawn-out word ("hallooo")
 * is looked up with the run cut short; one spelt with a letter only one
 * language has ("nå", "für") counts for that language alone. Then every word that is not known,
 * a nick, path or acronym adds what its spelling gives away: an ending
 * (-ung, -zione, -het, -ing), a beginning (wh-, hv-, kj-, l') or a letter
 * group inside (th, sch, gli, kj), one point for a hint, two for a sure
 * sign (n't, -cht, -zione), at most two per word and language. That is
 * what carries the short lines with no stopword ("Tom sembra
 * imbarazzato", "Gullprisen varierer daglig"). Words in code or in a
 * template slot ({first_name}) are nobody's language and do not count.
 *
 * The conversation's language (of its last message that told one) gets two
 * points more: a short "ok", "ja" or "hallo" stays in it, while a line
 * with more to say switches. The best language wins if it has a point and
 * beats the next, or ties with the conversation's; otherwise the line is
 * "und", and every language's rules apply to it: better than a wrong
 * language, whose rules would replace the right ones.
 *
 * `make langid-eval` measures the scorer against libexttextcat;
 * tests/langid/run.sh holds it to labelled samples. */
#include <string.h>
#include "internal.h"
#include "table.h"

#define W_STOPWORD 2
#define W_OWN_STOPWORD 3 /* a stopword no other language has a sign of */
#define W_LETTER 2
#define W_WORD_MAX 2   /* spelling points per word and language */
#define MIN_SCORE 1    /* below this the line is "und" */
#define W_RULE_WORD 1  /* a word only one language's rules and lists use */
#define W_PRIOR 2      /* for the conversation's language: "ok" or "ja" stays in it */
#define MAX_WORDS 256  /* words looked up: a long message has stopwords enough */
#define MAX_SPELT 64   /* words whose spelling is looked at */
#define SPELT_BYTES 48 /* of a word, where letter groups are looked for */

/* One sign of one language; text points into its profile. */
typedef struct {
	const char *text;
	guint next;             /* the next sign of its list + 1, 0: the last */
	guint16 lang;
	guint8 len, points;
	gboolean stopword;
} Sign;

/* A list of signs is a chain through EtqLangModel.signs, named by its
 * first sign + 1 (0: no sign): one array for all, not one per word. */
struct EtqLangModel {
	guint n_langs;
	GStringChunk *rule_words;       /* the texts of the words from rules and lists */
	GArray *signs;                  /* Sign */
	EtqTexts words;                 /* normalised word -> its first sign */
	EtqTable letters;               /* lowercase gunichar -> its first sign */
	guint endings[256];             /* by the ending's last byte */
	guint beginnings[256];          /* by the beginning's first byte */
	guint inside[26 * 26];          /* by the group's first two letters a-z */
};

#define PAIR(a, b) (((a) - 'a') * 26 + ((b) - 'a'))

/* The sign of a list's head or a sign's next, or NULL at the end. */
static inline const Sign *
sign_at(const EtqLangModel *m, guint head)
{
	return head ? &g_array_index(m->signs, Sign, head - 1) : NULL;
}

/* Adds a sign to the list at *head; one per language: the highest points count. */
static void
add_sign(EtqLangModel *m, guint *head, Sign sign)
{
	for (guint k = *head; k;) {
		Sign *s = &g_array_index(m->signs, Sign, k - 1);
		if (s->lang == sign.lang && s->len == sign.len && (!s->len || memcmp(s->text, sign.text, s->len) == 0)) {
			s->points = MAX(s->points, sign.points);
			s->stopword |= sign.stopword;
			return;
		}
		k = s->next;
	}
	sign.next = *head;
	g_array_append_val(m->signs, sign);
	*head = m->signs->len;
}

/* word: kept by the table. */
static void
add_word_sign(EtqLangModel *m, const char *word, Sign sign)
{
	gsize n = strlen(word);
	guint head = etq_texts_get(&m->words, word, n);
	add_sign(m, &head, sign);
	etq_texts_put(&m->words, word, n, head - 1);
}

static void
add_letter_sign(EtqLangModel *m, gunichar c, Sign sign)
{
	guint head = etq_table_get(&m->letters, c);
	add_sign(m, &head, sign);
	etq_table_put(&m->letters, c, head - 1);
}

static void
add_profile(EtqLangModel *m, guint16 lang, const EtqProfile *p)
{
	for (guint i = 0; i < p->stopwords->len; i++) {
		const char *w = g_ptr_array_index(p->stopwords, i);
		add_word_sign(m, w, (Sign){ w, 0, lang, 0, W_STOPWORD, TRUE });
	}
	for (guint i = 0; i < p->words->len; i++) {
		const EtqLangSign *w = &g_array_index(p->words, EtqLangSign, i);
		add_word_sign(m, w->text, (Sign){ w->text, 0, lang, 0, w->points, FALSE });
	}
	for (guint i = 0; i < p->letters->len; i++) {
		gunichar c = g_array_index(p->letters, gunichar, i);
		add_letter_sign(m, c, (Sign){ NULL, 0, lang, 0, W_LETTER, FALSE });
	}
	for (guint i = 0; i < p->endings->len; i++) {
		const EtqLangSign *e = &g_array_index(p->endings, EtqLangSign, i);
		gsize n = strlen(e->text);
		add_sign(m, &m->endings[(guchar)e->text[n - 1]], (Sign){ e->text, 0, lang, MIN(n, 255), e->points, FALSE });
	}
	for (guint i = 0; i < p->beginnings->len; i++) {
		const EtqLangSign *b = &g_array_index(p->beginnings, EtqLangSign, i);
		gsize n = strlen(b->text);
		add_sign(m, &m->beginnings[(guchar)b->text[0]], (Sign){ b->text, 0, lang, MIN(n, 255), b->points, FALSE });
	}
	for (guint i = 0; i < p->inside->len; i++) {
		const EtqLangSign *g = &g_array_index(p->inside, EtqLangSign, i);
		add_sign(m, &m->inside[PAIR(g->text[0], g->text[1])],
		         (Sign){ g->text, 0, lang, strlen(g->text), g->points, FALSE });
	}
}

/* What owns a word of the rules: a language, or two or more. */
#define SHARED (G_MAXUINT - 1)

/* Notes word w (n bytes) of language lang in owners (word -> lang, or
 * SHARED once two languages use it; the words' texts in chunk). Words
 * of letters only, of 3 to 63 bytes: no wildcards, stems or numbers. */
static void
note_word(EtqTexts *owners, GStringChunk *chunk, const char *w, gsize n, guint lang)
{
	gboolean letters = n >= 3 && n < 64;
	for (gsize k = 0; letters && k < n; k++)
		letters = g_ascii_islower(w[k]) || (guchar)w[k] >= 0x80 || w[k] == '\'';
	if (!letters)
		return;
	guint slot = etq_texts_slot(owners, w, n);
	if (!owners->vals[slot])
		etq_texts_put(owners, g_string_chunk_insert_len(chunk, w, n), n, lang);
	else if (owners->vals[slot] - 1 != lang)
		owners->vals[slot] = SHARED + 1;
}

/* The words of a rule's phrase, as written (split at spaces). */
static void
note_phrase_words(EtqTexts *owners, GStringChunk *chunk, const char *phrase, guint lang)
{
	for (const char *p = phrase; *p;) {
		gsize n = strcspn(p, " ");
		note_word(owners, chunk, p, n, lang);
		p += n + (p[n] == ' ');
	}
}

/* The rules' phrases: a rule takes its lists' phrases by pointer, so one
 * text is often in many rules; it is noted once per language. */
static void
note_rule_phrases(EtqTexts *owners, GStringChunk *chunk, const EtqRules *rules, guint entries)
{
	EtqTable noted; /* phrase -> lang */
	/* the shipped rules take a phrase into six rules on average: sized so
	 * that the table does not grow (each step is new memory) */
	etq_table_init(&noted, entries / 6);
	for (guint r = 0; rules->all_rules && r < rules->all_rules->len; r++) {
		const EtqRule *rule = g_ptr_array_index(rules->all_rules, r);
		for (int slot = 0; rule->lang >= 0 && slot < N_SLOTS; slot++)
			for (guint i = 0; rule->phrases[slot] && i < rule->phrases[slot]->len; i++) {
				const char *phrase = g_ptr_array_index(rule->phrases[slot], i);
				guint64 key = GPOINTER_TO_SIZE(phrase);
				if (etq_table_get(&noted, key) == (guint)rule->lang + 1)
					continue;
				etq_table_put(&noted, key, rule->lang);
				note_phrase_words(owners, chunk, phrase, rule->lang);
			}
	}
	etq_table_clear(&noted);
}

/* The profiles' lists, with their words normalised (one tokeniser reused). */
static void
note_profile_lists(EtqTexts *owners, GStringChunk *chunk, const EtqRules *rules)
{
	EtqText scan;
	etq_text_init(&scan);
	for (guint l = 0; l < rules->profiles->len; l++) {
		const EtqProfile *p = g_ptr_array_index(rules->profiles, l);
		GHashTableIter it;
		gpointer list;
		g_hash_table_iter_init(&it, p->lists);
		while (g_hash_table_iter_next(&it, NULL, &list))
			for (guint i = 0; i < ((GPtrArray *)list)->len; i++) {
				etq_text_scan(&scan, g_ptr_array_index((GPtrArray *)list, i));
				for (guint t = 0; t < scan.n_tokens; t++) {
					const EtqToken *tok = etq_text_token(&scan, t);
					note_word(owners, chunk, etq_token_norm(&scan, tok), tok->norm_len, l);
				}
			}
	}
	etq_text_clear(&scan);
}

/* A language's own vocabulary is in its rules and lists: a word that the
 * phrases of one language only use tells that language a little. The
 * words are noted before the model's tables are made, to size them. */
static void
note_rule_words(EtqTexts *owners, GStringChunk *chunk, const EtqRules *rules)
{
	guint entries = etq_rules_n_phrase_entries(rules);
	/* the shipped rules have a distinct word per nine phrase entries */
	etq_texts_init(owners, entries / 9);
	note_rule_phrases(owners, chunk, rules, entries);
	note_profile_lists(owners, chunk, rules);
}

static void
add_rule_words(EtqLangModel *m, const EtqTexts *owners)
{
	for (guint i = 0; i <= owners->mask; i++) {
		const char *word = owners->keys[i];
		guint lang = owners->vals[i] - 1;
		if (!owners->vals[i] || lang == SHARED || etq_texts_get(&m->words, word, strlen(word)))
			continue; /* shared, or a sign of its own already */
		add_word_sign(m, word, (Sign){ word, 0, lang, 0, W_RULE_WORD, FALSE });
	}
}

/* A stopword of one language that no other language has any sign of
 * ("ich", "ikke", "the") tells more than one several share ("du", "es"). */
static void
own_stopwords(EtqLangModel *m)
{
	for (guint i = 0; i <= m->words.mask; i++) {
		Sign *s = m->words.vals[i] ? &g_array_index(m->signs, Sign, m->words.vals[i] - 1) : NULL;
		if (s && !s->next && s->stopword)
			s->points = W_OWN_STOPWORD;
	}
}

/* Words with signs from the profiles (some are also rule words). */
static guint
n_profile_words(const EtqRules *rules)
{
	guint n = 0;
	for (guint l = 0; l < rules->profiles->len; l++) {
		const EtqProfile *p = g_ptr_array_index(rules->profiles, l);
		n += p->stopwords->len + p->words->len;
	}
	return n;
}

EtqLangModel *
etq_langid_build(const EtqRules *rules)
{
	EtqLangModel *m = g_new0(EtqLangModel, 1);
	EtqTexts owners;
	m->n_langs = rules->profiles->len;
	m->rule_words = g_string_chunk_new(16 * 1024);
	note_rule_words(&owners, m->rule_words, rules);
	/* sized so that neither grows: each step would be new memory */
	guint n_words = n_profile_words(rules) + owners.n;
	m->signs = g_array_sized_new(FALSE, FALSE, sizeof(Sign), n_words + n_words / 4);
	etq_texts_init(&m->words, n_words);
	etq_table_init(&m->letters, 0);
	for (guint l = 0; l < m->n_langs; l++)
		add_profile(m, l, g_ptr_array_index(rules->profiles, l));
	add_rule_words(m, &owners);
	etq_texts_clear(&owners);
	own_stopwords(m);
	return m;
}

void
etq_langid_free(EtqLangModel *m)
{
	if (!m)
		return;
	g_array_free(m->signs, TRUE);
	etq_texts_clear(&m->words);
	etq_table_clear(&m->letters);
	g_string_chunk_free(m->rule_words);
	g_free(m);
}

gboolean
etq_is_stopword(const EtqRules *rules, const char *norm)
{
	const EtqLangModel *m = rules->langid;
	for (const Sign *s = sign_at(m, etq_texts_get(&m->words, norm, strlen(norm))); s; s = sign_at(m, s->next))
		if (s->stopword)
			return TRUE;
	return FALSE;
}

/* The signs of a normalised word; a word drawn out ("hallooo", "heyyy",
 * "ciaooo") is looked up with the run of letters cut to one, then two. */
static const Sign *
word_signs(const EtqLangModel *m, const char *w, gsize n)
{
	const Sign *list = sign_at(m, etq_texts_get(&m->words, w, n));
	if (list || n < 3 || n > 64)
		return list;
	gboolean drawn_out = FALSE;
	for (gsize i = 2; i < n && !drawn_out; i++)
		drawn_out = w[i] == w[i - 1] && w[i] == w[i - 2];
	for (gsize keep = 1; drawn_out && !list && keep <= 2; keep++) {
		char cut[65];
		gsize k = 0;
		for (gsize i = 0, run; i < n; i += run) {
			for (run = 1; i + run < n && w[i + run] == w[i]; run++)
				;
			for (gsize r = 0; r < (run >= 3 ? keep : run); r++)
				cut[k++] = w[i];
		}
		list = sign_at(m, etq_texts_get(&m->words, cut, k));
	}
	return list;
}

static void
add_points(const EtqLangModel *m, const Sign *s, guint *score)
{
	for (; s; s = sign_at(m, s->next))
		score[s->lang] += s->points;
}

/* The signs of the next typical letter from *p on (NULL when none is left),
 * *p moved past it. */
static const Sign *
next_letter(const EtqLangModel *m, const char **p, const char *end)
{
	while (*p < end) {
		const char *at = *p;
		gunichar c = (guchar)*at < 0x80 ? (gunichar)-1 : g_utf8_get_char_validated(at, end - at);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			(*p)++;
			continue;
		}
		*p = g_utf8_next_char(at);
		const Sign *list = sign_at(m, etq_table_get(&m->letters, g_unichar_tolower(c)));
		if (list)
			return list;
	}
	return NULL;
}

/* Marks in `theirs` the languages the word is spelt as: those with a
 * letter typical of that language alone (å, ß, ò; not é, which French and
 * Italian share and Norwegian writes in "én"); FALSE when it has none.
 * Words are compared with their accents removed, but "nå" is not the
 * German "na", nor "må" the Italian "ma". */
static gboolean
spelt_with_letters(const EtqLangModel *m, const char *p, const char *end, gboolean *theirs)
{
	gboolean any = FALSE;
	for (const Sign *list; (list = next_letter(m, &p, end));) {
		if (list->next)
			continue;
		if (!any)
			memset(theirs, 0, m->n_langs * sizeof *theirs);
		theirs[list->lang] = TRUE;
		any = TRUE;
	}
	return any;
}

/* Adds what the spelling of one normalised word says (points: scratch of
 * n_langs, zero on entry and on return). */
static void
word_points(const EtqLangModel *m, const char *w, gsize n, guint *points, guint *score)
{
	if (n == 0)
		return;
	gsize spelt = MIN(n, SPELT_BYTES);
	for (gsize i = 0; i < spelt; i++)
		if (g_ascii_isdigit(w[i]))
			return; /* "a828", "hdb1": no word of any language */
	for (const Sign *s = sign_at(m, m->endings[(guchar)w[n - 1]]); s; s = sign_at(m, s->next))
		if (n > s->len && memcmp(w + n - s->len, s->text, s->len) == 0)
			points[s->lang] += s->points;
	for (const Sign *s = sign_at(m, m->beginnings[(guchar)w[0]]); s; s = sign_at(m, s->next))
		if (n >= s->len + 2u && memcmp(w, s->text, s->len) == 0)
			points[s->lang] += s->points;
	for (gsize i = 0; i + 1 < spelt; i++) {
		guchar a = w[i], b = w[i + 1];
		if (a < 'a' || a > 'z' || b < 'a' || b > 'z')
			continue;
		for (const Sign *s = sign_at(m, m->inside[PAIR(a, b)]); s; s = sign_at(m, s->next))
			if (i + s->len <= spelt && memcmp(w + i + 2, s->text + 2, s->len - 2) == 0)
				points[s->lang] += s->points;
	}
	for (guint l = 0; l < m->n_langs; l++) {
		score[l] += MIN(points[l], W_WORD_MAX);
		points[l] = 0;
	}
}

static gboolean
path_char(char c, gboolean before)
{
	switch (c) {
	case '/': case '_': case '@': case '~': case '$': case '=': case '\\': case '-':
	case '[': case '|': case '*':
		return TRUE;
	case '.': case '#': case ':': case '<':
		return before;
	default:
		return FALSE;
	}
}

/* Words whose spelling says nothing of the language: the nick a line is
 * addressed to ("jowi: positive"), paths and hosts ("/var/cache",
 * "wiki.ubuntu.com", "xserver-xorg"), acronyms and shouting, words of one or
 * two letters. (Words with digits: word_points.) */
static gboolean
telling_word(const EtqText *t, guint i)
{
	const EtqToken *tok = etq_text_token(t, i);
	if (tok->link || tok->at || tok->norm_len < 3)
		return FALSE;
	if (i == 0 && (tok->next == ':' || tok->next == ',') && t->n_tokens > 1)
		return FALSE; /* "nick: …" */
	const char *text = t->text;
	char after = text[tok->end];
	if ((tok->start > 0 && path_char(text[tok->start - 1], TRUE)) || path_char(after, FALSE))
		return FALSE;
	if ((after == '.' || after == ':') && g_ascii_isalnum(text[tok->end + 1]))
		return FALSE;
	if (!g_ascii_isupper(text[tok->start]))
		return TRUE;
	/* ALL CAPS (an acronym, or shouting: the letters are no help) */
	for (gsize k = tok->start + 1; k < tok->end; k++)
		if (g_ascii_islower(text[k]) || (guchar)text[k] >= 0x80)
			return TRUE;
	return FALSE;
}

/* Adds the points of each typical letter (ß, æ, è). */
static void
letter_points(const EtqLangModel *m, const EtqText *t, guint *score)
{
	const char *p = t->text, *end = t->text + MIN(t->len, 4096);
	for (const Sign *list; (list = next_letter(m, &p, end));)
		add_points(m, list, score);
}

/* Marks which of the first n tokens lie in code or a template slot. */
static void
mark_aside(const EtqSpans *spans, const EtqText *text, guint n, gboolean *aside)
{
	for (guint i = 0; i < n; i++)
		aside[i] = spans && (spans->skip[i] & IGNORE_CODE);
	for (guint k = 0; spans && k < spans->placeholders->len; k++) {
		const EtqSpan *s = &g_array_index(spans->placeholders, EtqSpan, k);
		guint lo = 0, hi = n; /* the first token from the slot's start on: tokens are in order */
		while (lo < hi) {
			guint mid = lo + (hi - lo) / 2;
			if (etq_text_token(text, mid)->start < s->start)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n && etq_text_token(text, lo)->start < s->end; lo++)
			aside[lo] = TRUE;
	}
}

void
etq_langid_score(const EtqRules *rules, const EtqText *text, const EtqSpans *spans, guint *score)
{
	const EtqLangModel *m = rules->langid;
	if (!m->n_langs)
		return; /* no profile: no language */
	memset(score, 0, m->n_langs * sizeof *score);
	/* A word known as a stopword or telling word says what it is; its
	 * spelling says no more. */
	gboolean known[MAX_SPELT] = { FALSE }, aside[MAX_WORDS];
	gboolean *theirs = g_newa(gboolean, m->n_langs);
	guint n = MIN(text->n_tokens, MAX_WORDS);
	mark_aside(spans, text, n, aside);
	for (guint i = 0; i < n; i++) {
		const EtqToken *tok = etq_text_token(text, i);
		if (aside[i]) {
			if (i < MAX_SPELT)
				known[i] = TRUE; /* nor its spelling */
			continue;
		}
		const Sign *signs = tok->link ? NULL : word_signs(m, etq_token_norm(text, tok), tok->norm_len);
		gboolean lettered = signs && !text->ascii &&
		                    spelt_with_letters(m, text->text + tok->start, text->text + tok->end, theirs);
		for (const Sign *s = signs; s; s = sign_at(m, s->next)) {
			if (lettered && !theirs[s->lang])
				continue;
			score[s->lang] += s->points;
			if (i < MAX_SPELT)
				known[i] |= s->points >= W_STOPWORD;
		}
	}
	if (!text->ascii)
		letter_points(m, text, score);
	guint *points = g_newa(guint, m->n_langs);
	memset(points, 0, m->n_langs * sizeof *points);
	n = MIN(text->n_tokens, MAX_SPELT);
	for (guint i = 0; i < n; i++)
		if (!known[i] && telling_word(text, i)) {
			const EtqToken *tok = etq_text_token(text, i);
			word_points(m, etq_token_norm(text, tok), tok->norm_len, points, score);
		}
}

int
etq_langid_decide(const EtqRules *rules, const guint *score, int prior)
{
	guint n = rules->langid->n_langs;
	gboolean known_prior = prior >= 0 && (guint)prior < n;
	int best = ETQ_LANG_UND;
	guint best_score = 0, second = 0;
	for (guint l = 0; l < n; l++) {
		/* the conversation's language counts as one stopword more */
		guint points = score[l] + ((int)l == prior ? W_PRIOR : 0);
		if (points > best_score) {
			second = best_score;
			best_score = points;
			best = l;
		} else if (points > second) {
			second = points;
		}
	}
	if (best_score >= MIN_SCORE && best_score > second)
		return best;
	/* a tie the conversation's language is in */
	if (known_prior && score[prior] + W_PRIOR == best_score)
		return prior;
	return ETQ_LANG_UND;
}

const char *
etq_rules_language(const EtqRules *rules, const char *text)
{
	EtqScratch s;
	EtqEvent ev = { .text = text };
	etq_scratch_init(&s);
	int lang = etq_analyse((EtqRules *)rules, &s, &ev);
	etq_scratch_clear(&s);
	return etq_lang_code(rules, lang);
}
