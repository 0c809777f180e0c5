/* reference.c — see reference.h. Nothing here is fast, and nothing is
 * shared with core/matcher.c but the phrase parser and the tokeniser. */
#include <string.h>
#include <libstemmer.h>
#include "reference.h"
#include "phrase.h"

#define REF_WINDOW 4096

struct RefMatcher {
	EtqRules *rules;
	guint n_langs;
	struct sb_stemmer **stemmers;    /* per language */
	GHashTable *parsed; /* phrase text -> EtqSeq */
};

RefMatcher *
ref_matcher_new(EtqRules *rules)
{
	RefMatcher *r = g_new0(RefMatcher, 1);
	r->rules = rules;
	r->n_langs = rules->profiles->len;
	r->stemmers = g_new0(struct sb_stemmer *, r->n_langs);
	for (guint l = 0; l < r->n_langs; l++) {
		const EtqProfile *prof = g_ptr_array_index(rules->profiles, l);
		if (prof->stemmer)
			r->stemmers[l] = sb_stemmer_new(prof->stemmer, "UTF_8");
	}
	r->parsed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)etq_phrase_free);
	return r;
}

void
ref_matcher_free(RefMatcher *r)
{
	for (guint l = 0; l < r->n_langs; l++)
		if (r->stemmers[l])
			sb_stemmer_delete(r->stemmers[l]);
	g_free(r->stemmers);
	g_hash_table_destroy(r->parsed);
	g_free(r);
}

static const EtqSeq *
parsed(RefMatcher *r, const char *phrase)
{
	EtqSeq *seq = g_hash_table_lookup(r->parsed, phrase);
	if (!seq) {
		const char *error;
		seq = etq_phrase_parse(phrase, &error);
		g_assert(seq); /* the loader took it */
		g_hash_table_insert(r->parsed, g_strdup(phrase), seq);
	}
	return seq;
}

static char *
stem_of(RefMatcher *r, int l, const char *word)
{
	const sb_symbol *s = sb_stemmer_stem(r->stemmers[l], (const sb_symbol *)word, strlen(word));
	return g_strdup(s ? (const char *)s : "");
}

/* Does token t stand for piece p, in the phrase's language lang? */
static gboolean
piece_fits(RefMatcher *r, const EtqPiece *p, const EtqText *text, guint t, int lang)
{
	const EtqToken *tok = etq_text_token(text, t);
	const char *w = etq_token_norm(text, tok);
	if (tok->link)
		return FALSE;
	if (p->kind == PIECE_WORD)
		return strcmp(w, p->word) == 0;
	if (p->kind == PIECE_PREFIX)
		return g_str_has_prefix(w, p->word);
	for (guint l = 0; l < r->n_langs; l++) { /* a stem: rules for any language take every stemmer */
		if (!r->stemmers[l] || (lang != ETQ_LANG_ANY && lang != (int)l))
			continue;
		char *want = stem_of(r, l, p->word), *got = stem_of(r, l, w);
		/* documented: the word starts with the stem's first two bytes */
		gboolean fits = strncmp(w, want, MIN(strlen(want), 2)) == 0 && strcmp(want, got) == 0;
		g_free(want);
		g_free(got);
		if (fits)
			return TRUE;
	}
	return FALSE;
}

static void seq_ends(RefMatcher *r, const EtqSeq *seq, const EtqText *text, int lang,
                     const gboolean *from, gboolean *to);

/* to: every token position a piece can end at, starting from any of from. */
static void
piece_ends(RefMatcher *r, const EtqPiece *p, const EtqText *text, int lang, const gboolean *from, gboolean *to)
{
	guint n = text->n_tokens;
	memset(to, 0, (n + 1) * sizeof *to);
	for (guint pos = 0; pos <= n; pos++) {
		if (!from[pos])
			continue;
		switch (p->kind) {
		case PIECE_WORD:
		case PIECE_PREFIX:
		case PIECE_STEM:
			if (pos < n && piece_fits(r, p, text, pos, lang))
				to[pos + 1] = TRUE;
			break;
		case PIECE_GAP:
			for (guint k = 0; k <= p->max && pos + k <= n; k++) {
				if (k && etq_text_token(text, pos + k - 1)->link)
					break;
				if (k >= p->min)
					to[pos + k] = TRUE;
			}
			break;
		case PIECE_GROUP: {
			gboolean *one = g_new0(gboolean, n + 1), *alt = g_new(gboolean, n + 1);
			one[pos] = TRUE;
			to[pos] |= p->optional;
			for (guint a = 0; a < p->n_alts; a++) {
				seq_ends(r, &p->alts[a], text, lang, one, alt);
				for (guint k = 0; k <= n; k++)
					to[k] |= alt[k];
			}
			g_free(one);
			g_free(alt);
			break;
		}
		}
	}
}

static void
seq_ends(RefMatcher *r, const EtqSeq *seq, const EtqText *text, int lang, const gboolean *from, gboolean *to)
{
	guint n = text->n_tokens;
	gboolean *cur = g_memdup2(from, (n + 1) * sizeof *cur);
	for (guint i = 0; i < seq->n; i++) {
		piece_ends(r, &seq->pieces[i], text, lang, cur, to);
		memcpy(cur, to, (n + 1) * sizeof *cur);
	}
	memcpy(to, cur, (n + 1) * sizeof *cur);
	g_free(cur);
}

/* The end of the longest match of phrase at token start, or -1. */
static int
longest(RefMatcher *r, const char *phrase, const EtqText *text, guint start, int lang)
{
	guint n = text->n_tokens;
	gboolean *from = g_new0(gboolean, n + 1), *to = g_new0(gboolean, n + 1);
	from[start] = TRUE;
	seq_ends(r, parsed(r, phrase), text, lang, from, to);
	int end = -1;
	for (guint k = start + 1; k <= n; k++)
		if (to[k])
			end = k;
	g_free(from);
	g_free(to);
	return end;
}

void
ref_match(RefMatcher *r, const EtqText *text, RefMatch *out)
{
	EtqRules *rules = r->rules;
	guint n = text->n_tokens;
	out->hits = g_new0(EtqRuleHit, rules->all_rules->len);
	out->greeting_tok = g_new0(guint8, n + 1);
	out->title_len = g_new0(guint8, n + 1);
	for (guint ri = 0; ri < rules->all_rules->len; ri++) {
		const EtqRule *rule = g_ptr_array_index(rules->all_rules, ri);
		EtqRuleHit *h = &out->hits[ri];
		for (int s = 0; s < N_SLOTS; s++) {
			GPtrArray *list = rule->phrases[s];
			for (guint start = 0; list && start < n; start++) {
				for (guint p = 0; p < list->len; p++) {
					int end = longest(r, g_ptr_array_index(list, p), text, start, rule->lang);
					if (end < 0)
						continue;
					if (s == SLOT_MATCH && (!h->hit[s] || (h->tok_start == start && (guint)end > h->tok_end))) {
						h->tok_start = start;
						h->tok_end = end;
					}
					h->hit[s] = 1;
				}
			}
		}
	}
	out->question_start = g_new(int, r->n_langs);
	for (guint l = 0; l < r->n_langs; l++) {
		out->question_start[l] = -1;
		const EtqProfile *prof = g_ptr_array_index(rules->profiles, l);
		GPtrArray *greetings = g_hash_table_lookup(prof->lists, "greeting");
		GPtrArray *questions = g_hash_table_lookup(prof->lists, "question");
		GPtrArray *titles = g_hash_table_lookup(prof->lists, "titles");
		for (guint start = 0; start < n; start++) {
			for (guint p = 0; greetings && p < greetings->len; p++) {
				int end = longest(r, g_ptr_array_index(greetings, p), text, start, l);
				if (end >= 0)
					memset(out->greeting_tok + start, 1, end - start);
			}
			for (guint p = 0; titles && p < titles->len; p++) {
				int end = longest(r, g_ptr_array_index(titles, p), text, start, l);
				if (end >= 0)
					out->title_len[start] = MAX(out->title_len[start], MIN(end - (int)start, 255));
			}
			for (guint p = 0; questions && p < questions->len && out->question_start[l] < 0; p++)
				if (longest(r, g_ptr_array_index(questions, p), text, start, l) >= 0)
					out->question_start[l] = start;
		}
	}
}

void
ref_match_clear(RefMatch *m)
{
	g_free(m->hits);
	g_free(m->greeting_tok);
	g_free(m->title_len);
	g_free(m->question_start);
}

gsize
ref_window(const EtqText *text)
{
	gsize len = text->len;
	if (len > REF_WINDOW) {
		const char *cut = g_utf8_find_prev_char(text->text, text->text + REF_WINDOW);
		len = cut ? (gsize)(cut - text->text) : 0;
	}
	return MIN(len, text->valid_len);
}

gboolean
ref_regex(const char *re, const EtqText *text, gssize *start, gssize *end)
{
	int code;
	PCRE2_SIZE offset;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
	                              PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C,
	                              &code, &offset, NULL);
	g_assert(c); /* the loader took it */
	gsize len = ref_window(text);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
	int rc = pcre2_match(c, (PCRE2_SPTR)text->text, len, 0, 0, md, NULL);
	if (rc >= 0) {
		*start = pcre2_get_ovector_pointer(md)[0];
		*end = pcre2_get_ovector_pointer(md)[1];
	}
	pcre2_match_data_free(md);
	pcre2_code_free(c);
	return rc >= 0;
}

static gboolean
flag_hit(const EtqRule *rule, EtqSlot slot, const EtqText *text)
{
	return ((rule->flags[slot] & SLOT_QMARK) && text->question_mark) ||
	       ((rule->flags[slot] & SLOT_LINK) && text->has_link) || ((rule->flags[slot] & SLOT_LAUGH) && text->laugh);
}

static void
try_rule(EtqRules *rules, const EtqRule *rule, const RefMatch *m, const EtqText *text, int lang,
         const char *re, GArray *out)
{
	(void)rules;
	if (!rule->set->enabled || rule->detector || !(rule->dirs & DIR_OUT) ||
	    !(rule->lang == ETQ_LANG_ANY || lang == ETQ_LANG_UND || rule->lang == lang))
		return;
	for (guint i = 0; i < out->len; i++)
		if (strcmp(g_array_index(out, RefFinding, i).category, rule->category) == 0)
			return;
	const EtqRuleHit *h = &m->hits[rule->index];
	RefFinding f = { rule->category, rule->id, 0, text->len };
	if (h->hit[SLOT_MATCH]) {
		f.start = etq_text_token(text, h->tok_start)->start;
		f.end = etq_text_token(text, h->tok_end - 1)->end;
	} else if (!(re && ref_regex(re, text, &f.start, &f.end)) && !flag_hit(rule, SLOT_MATCH, text)) {
		return;
	}
	gboolean need_also = rule->phrases[SLOT_ALSO]->len || rule->flags[SLOT_ALSO];
	if ((need_also && !h->hit[SLOT_ALSO] && !flag_hit(rule, SLOT_ALSO, text)) ||
	    h->hit[SLOT_UNLESS] || flag_hit(rule, SLOT_UNLESS, text))
		return;
	g_array_append_val(out, f);
}

GArray *
ref_findings(EtqRules *rules, const RefMatch *m, const EtqText *text, int lang, const char *const *regexes)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(RefFinding));
	for (guint i = 0; i < rules->all_rules->len; i++)
		try_rule(rules, g_ptr_array_index(rules->all_rules, i), m, text, lang, regexes[i], out);
	return out;
}
