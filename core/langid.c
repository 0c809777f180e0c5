/* langid.c — which language a short chat line is in.
 *
 * Chat lines are short, so character n-gram models (libexttextcat) have
 * little to go on; the function words of a language ("ich", "non", "ikke")
 * and its letters (ß, æ, è) are what a reader goes by too. Everything
 * comes from the language profiles (rules/languages/xx.json): each of
 * their stopwords scores two points, each typical letter two, each other
 * telling word ("langid"/"words": "ciao", "moin") what the profile gives.
 * Then every word that is not a nick, path or acronym adds what its
 * spelling gives away: an ending (-ung, -zione, -het, -ing), a beginning
 * (wh-, hv-, kj-, l') or a letter group inside (th, sch, gli, kj), one
 * point for a hint, two for a sure sign (n't, -cht, -zione), at most two
 * per word and language. That is what carries the short lines with no
 * stopword ("Tom sembra imbarazzato", "Gullprisen varierer daglig").
 *
 * The conversation's language (of its last message that told one) gets two
 * points more: a short "ok", "ja" or "hallo" stays in it, while a line
 * with more to say switches. The best language wins if it has at least two
 * points and beats the next, or ties with the conversation's; otherwise the
 * line is "und", and every language's rules apply to it: better than a
 * wrong language, whose rules would replace the right ones.
 *
 * `make langid-eval` measures the scorer against libexttextcat;
 * tests/langid/run.sh holds it to labelled samples. */
#include <string.h>
#include "internal.h"

#define W_STOPWORD 2
#define W_LETTER 2
#define W_WORD_MAX 2   /* spelling points per word and language */
#define MIN_SCORE 2    /* below this the line is "und" */
#define W_PRIOR 2      /* for the conversation's language: "ok" or "ja" stays in it */
#define MAX_WORDS 256  /* words looked up: a long message has stopwords enough */
#define MAX_SPELT 64   /* words whose spelling is looked at */
#define SPELT_BYTES 48 /* of a word, where letter groups are looked for */

/* One sign of one language; text points into its profile. */
typedef struct {
	const char *text;
	guint16 lang;
	guint8 len, points;
	gboolean stopword;
} Sign;

struct EtqLangModel {
	guint n_langs;
	GHashTable *words;              /* normalised word -> GArray of Sign */
	GHashTable *letters;            /* lowercase gunichar -> GArray of Sign */
	GArray *endings[256];           /* Sign, by the ending's last byte */
	GArray *beginnings[256];        /* Sign, by the beginning's first byte */
	GArray *inside[26 * 26];        /* Sign, by the group's first two letters a-z */
};

#define PAIR(a, b) (((a) - 'a') * 26 + ((b) - 'a'))

static GArray *
signs_new(void)
{
	return g_array_new(FALSE, FALSE, sizeof(Sign));
}

/* Adds a sign to a list; one per language: the highest points count. */
static void
add_sign(GArray *list, Sign sign)
{
	for (guint i = 0; i < list->len; i++) {
		Sign *s = &g_array_index(list, Sign, i);
		if (s->lang == sign.lang && s->len == sign.len && (!s->len || memcmp(s->text, sign.text, s->len) == 0)) {
			s->points = MAX(s->points, sign.points);
			s->stopword |= sign.stopword;
			return;
		}
	}
	g_array_append_val(list, sign);
}

static void
add_to_table(GHashTable *table, gpointer key, Sign sign)
{
	GArray *list = g_hash_table_lookup(table, key);
	if (!list) {
		list = signs_new();
		g_hash_table_insert(table, key, list);
	}
	add_sign(list, sign);
}

static void
add_to_index(GArray **index, guint slot, Sign sign)
{
	if (!index[slot])
		index[slot] = signs_new();
	add_sign(index[slot], sign);
}

static void
add_profile(EtqLangModel *m, guint16 lang, const EtqProfile *p)
{
	for (guint i = 0; i < p->stopwords->len; i++) {
		const char *w = g_ptr_array_index(p->stopwords, i);
		add_to_table(m->words, (gpointer)w, (Sign){ w, lang, 0, W_STOPWORD, TRUE });
	}
	for (guint i = 0; i < p->words->len; i++) {
		const EtqLangSign *w = &g_array_index(p->words, EtqLangSign, i);
		add_to_table(m->words, w->text, (Sign){ w->text, lang, 0, w->points, FALSE });
	}
	for (guint i = 0; i < p->letters->len; i++) {
		gunichar c = g_array_index(p->letters, gunichar, i);
		add_to_table(m->letters, GUINT_TO_POINTER(c), (Sign){ NULL, lang, 0, W_LETTER, FALSE });
	}
	for (guint i = 0; i < p->endings->len; i++) {
		const EtqLangSign *e = &g_array_index(p->endings, EtqLangSign, i);
		gsize n = strlen(e->text);
		add_to_index(m->endings, (guchar)e->text[n - 1], (Sign){ e->text, lang, MIN(n, 255), e->points, FALSE });
	}
	for (guint i = 0; i < p->beginnings->len; i++) {
		const EtqLangSign *b = &g_array_index(p->beginnings, EtqLangSign, i);
		gsize n = strlen(b->text);
		add_to_index(m->beginnings, (guchar)b->text[0], (Sign){ b->text, lang, MIN(n, 255), b->points, FALSE });
	}
	for (guint i = 0; i < p->inside->len; i++) {
		const EtqLangSign *g = &g_array_index(p->inside, EtqLangSign, i);
		add_to_index(m->inside, PAIR(g->text[0], g->text[1]),
		             (Sign){ g->text, lang, strlen(g->text), g->points, FALSE });
	}
}

static void
signs_free(gpointer list)
{
	g_array_free(list, TRUE);
}

EtqLangModel *
etq_langid_build(const EtqRules *rules)
{
	EtqLangModel *m = g_new0(EtqLangModel, 1);
	m->n_langs = rules->profiles->len;
	m->words = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, signs_free);
	m->letters = g_hash_table_new_full(NULL, NULL, NULL, signs_free);
	for (guint l = 0; l < m->n_langs; l++)
		add_profile(m, l, g_ptr_array_index(rules->profiles, l));
	return m;
}

void
etq_langid_free(EtqLangModel *m)
{
	if (!m)
		return;
	g_hash_table_destroy(m->words);
	g_hash_table_destroy(m->letters);
	for (guint i = 0; i < 256; i++) {
		if (m->endings[i])
			g_array_free(m->endings[i], TRUE);
		if (m->beginnings[i])
			g_array_free(m->beginnings[i], TRUE);
	}
	for (guint i = 0; i < 26 * 26; i++)
		if (m->inside[i])
			g_array_free(m->inside[i], TRUE);
	g_free(m);
}

gboolean
etq_is_stopword(const EtqRules *rules, const char *norm)
{
	const GArray *list = g_hash_table_lookup(rules->langid->words, norm);
	for (guint i = 0; list && i < list->len; i++)
		if (g_array_index(list, Sign, i).stopword)
			return TRUE;
	return FALSE;
}

static void
add_points(const GArray *list, guint *score)
{
	for (guint i = 0; list && i < list->len; i++) {
		const Sign *s = &g_array_index(list, Sign, i);
		score[s->lang] += s->points;
	}
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
	const GArray *list = m->endings[(guchar)w[n - 1]];
	for (guint i = 0; list && i < list->len; i++) {
		const Sign *s = &g_array_index(list, Sign, i);
		if (n > s->len && memcmp(w + n - s->len, s->text, s->len) == 0)
			points[s->lang] += s->points;
	}
	list = m->beginnings[(guchar)w[0]];
	for (guint i = 0; list && i < list->len; i++) {
		const Sign *s = &g_array_index(list, Sign, i);
		if (n >= s->len + 2u && memcmp(w, s->text, s->len) == 0)
			points[s->lang] += s->points;
	}
	for (gsize i = 0; i + 1 < spelt; i++) {
		guchar a = w[i], b = w[i + 1];
		if (a < 'a' || a > 'z' || b < 'a' || b > 'z')
			continue;
		list = m->inside[PAIR(a, b)];
		for (guint k = 0; list && k < list->len; k++) {
			const Sign *s = &g_array_index(list, Sign, k);
			if (i + s->len <= spelt && memcmp(w + i + 2, s->text + 2, s->len - 2) == 0)
				points[s->lang] += s->points;
		}
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
	while (p < end) {
		if ((guchar)*p < 0x80) {
			p++;
			continue;
		}
		gunichar c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			p++;
			continue;
		}
		add_points(g_hash_table_lookup(m->letters, GUINT_TO_POINTER(g_unichar_tolower(c))), score);
		p = g_utf8_next_char(p);
	}
}

void
etq_langid_score(const EtqRules *rules, const EtqText *text, guint *score)
{
	const EtqLangModel *m = rules->langid;
	if (!m->n_langs)
		return; /* no profile: no language */
	memset(score, 0, m->n_langs * sizeof *score);
	guint n = MIN(text->n_tokens, MAX_WORDS);
	for (guint i = 0; i < n; i++) {
		const EtqToken *tok = etq_text_token(text, i);
		if (!tok->link)
			add_points(g_hash_table_lookup(m->words, etq_token_norm(text, tok)), score);
	}
	if (!text->ascii)
		letter_points(m, text, score);
	guint *points = g_newa(guint, m->n_langs);
	memset(points, 0, m->n_langs * sizeof *points);
	n = MIN(text->n_tokens, MAX_SPELT);
	for (guint i = 0; i < n; i++)
		if (telling_word(text, i)) {
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
