/* check.c — one message against the text rules.
 *
 * A message is scanned and matched once (matcher.c); then only the rules
 * with a phrase hit, and the few with a pattern, are looked at, and their
 * conditions decide. */
#include <string.h>
#include "internal.h"

#define REGEX_WINDOW 4096 /* patterns see the first 4 KB of a message */

/* Where a phrase of a rule's slot occurs in the message. */
typedef struct {
	int tok_start, tok_end;  /* -1: the whole message (?, <link>) */
	gssize start, end;       /* bytes */
} Place;

void
etq_scratch_init(EtqScratch *s)
{
	memset(s, 0, sizeof *s);
	etq_text_init(&s->text);
	etq_match_init(&s->match);
	etq_spans_init(&s->spans);
	s->lang_scores = g_array_new(FALSE, TRUE, sizeof(guint));
	for (int k = 0; k < N_SLOTS; k++)
		s->places[k] = g_array_new(FALSE, FALSE, sizeof(Place));
	s->may_have_slot = -1;
}

void
etq_scratch_clear(EtqScratch *s)
{
	g_free(s->me.raw);
	g_free(s->me.norm);
	g_free(s->peer.raw);
	g_free(s->peer.norm);
	etq_text_clear(&s->text);
	etq_match_clear(&s->match);
	etq_spans_clear(&s->spans);
	g_array_free(s->lang_scores, TRUE);
	for (int k = 0; k < N_SLOTS; k++)
		g_array_free(s->places[k], TRUE);
}

/* After a long message the buffers are given back rather than kept. */
#define SCRATCH_KEEP 4096

int
etq_analyse(EtqRules *rules, EtqScratch *s, const EtqEvent *ev)
{
	etq_rules_prepare(rules);
	if (s->text.len > SCRATCH_KEEP) {
		etq_scratch_clear(s);
		etq_scratch_init(s);
	}
	etq_text_scan(&s->text, ev->text);
	s->spans.ready = FALSE;
	s->may_have_slot = -1;
	etq_matcher_run(rules->matcher, &s->text, &s->match);
	g_array_set_size(s->lang_scores, rules->profiles->len);
	/* code and template slots ({first_name}) are not the message's language
	 * (looked for in a message of up to 4 KB: a longer one has words enough) */
	if (s->text.len <= 4096 && strpbrk(s->text.text, "`{[<%$"))
		etq_spans_find(rules, &s->text, &s->spans);
	etq_langid_score(rules, &s->text, s->spans.ready ? &s->spans : NULL, (guint *)s->lang_scores->data);
	return etq_langid_decide(rules, (guint *)s->lang_scores->data, ETQ_LANG_UND);
}

/* ---- conditions ---- */

static guint
after_greeting(const EtqScratch *s)
{
	guint i = 0, n = s->text.n_tokens;
	while (i < n && s->match.greeting_tok[i])
		i++;
	return i;
}

/* A stopword of the message's language (of any language when it is not known). */
static gboolean
stopword_of(const EtqRules *rules, int lang, const char *norm)
{
	if (lang < 0 || (guint)lang >= rules->profiles->len)
		return etq_is_stopword(rules, norm);
	const GPtrArray *words = ((const EtqProfile *)g_ptr_array_index(rules->profiles, lang))->stopwords;
	for (guint i = 0; words && i < words->len; i++)
		if (strcmp(g_ptr_array_index(words, i), norm) == 0)
			return TRUE;
	return FALSE;
}

/* A word written with a capital that is no word of the language nor a
 * greeting: it may be a name. */
static gboolean
capitalised_name(const EtqRules *rules, const EtqScratch *s, int lang, guint i)
{
	const EtqText *t = &s->text;
	const EtqToken *tok = etq_text_token(t, i);
	const char *norm = etq_token_norm(t, tok);
	gunichar first = g_utf8_get_char_validated(t->text + tok->start, tok->end - tok->start);
	return lang >= 0 && !tok->link && first != (gunichar)-1 && first != (gunichar)-2 && g_unichar_isupper(first) &&
	       !s->match.greeting_tok[i] && !stopword_of(rules, lang, norm);
}

/* Does the message open with a capitalised name and go on straight to the
 * point, "Chiara come va?", "Nico mi anticiperesti …?": a name no word of
 * the language, before a question or request word of the language? */
static gboolean
bare_name(const EtqRules *rules, const EtqScratch *s, int lang, guint i)
{
	const EtqText *t = &s->text;
	if (!g_unichar_isalnum(etq_text_token(t, i)->next) || !capitalised_name(rules, s, lang, i))
		return FALSE;
	const GArray *q = s->match.question_start;
	int question = q && (guint)lang < q->len ? g_array_index(q, int, lang) : -1;
	/* "Kennt jemand …?" opens a question itself */
	if (question == (int)i)
		return FALSE;
	if (question == (int)i + 1)
		return TRUE;
	/* "Nico mi presti …?", "Lisa du, kannst …?" */
	return s->text.question_mark && i + 1 < t->n_tokens &&
	       stopword_of(rules, lang, etq_token_norm(t, etq_text_token(t, i + 1)));
}

/* A capitalised name after a last comma, ending the message: "kannst du mir
 * 50 Euro leihen, Anna?", "how's your mum doing, Tom?" (not "…, ok?"). */
static gboolean
trailing_name(const EtqRules *rules, const EtqScratch *s, int lang, guint i)
{
	const EtqText *t = &s->text;
	return i >= 2 && etq_text_token(t, i - 1)->next == ',' && !g_unichar_isalnum(etq_text_token(t, i)->next) &&
	       capitalised_name(rules, s, lang, i);
}

/* A title (a phrase of any language's list "titles": "Frau", "Monsieur",
 * "Frau Dr") at token i, then a capitalised name that ends the address:
 * "Frau Weber, …", "Frau Dr. Weber, …", "Monsieur Dubois : …". The name's
 * token, or -1. */
static int
titled_name(const EtqRules *rules, const EtqScratch *s, int lang, guint i)
{
	const EtqText *t = &s->text;
	guint name = i + s->match.title_len[i];
	if (name == i || name + 1 >= t->n_tokens)
		return -1;
	gunichar after = etq_text_token(t, name)->next;
	return (after == ',' || after == ':') && capitalised_name(rules, s, lang, name) ? (int)name : -1;
}

/* The word a message is addressed to (@maria, "anna: …", "hey Tom, …",
 * "Chiara come va?", "Frau Weber, …", "…, Anna?"), or -1. */
static int
addressee(const EtqRules *rules, const EtqScratch *s, int lang)
{
	const EtqText *t = &s->text;
	guint n = t->n_tokens;
	for (guint i = 0; i < n; i++)
		if (etq_text_token(t, i)->at)
			return i;
	guint i = after_greeting(s);
	if (i + 1 >= n)
		return -1;
	const EtqToken *tok = etq_text_token(t, i);
	const char *norm = etq_token_norm(t, tok);
	if (!tok->link && !g_ascii_isdigit(norm[0])) {
		/* "per: …" names someone even when the name is also a word; "so, …" does not */
		if (tok->next == ':' || (tok->next == ',' && !stopword_of(rules, lang, norm)))
			return i;
		if (bare_name(rules, s, lang, i))
			return i;
		/* "Hei Sigrid! …" */
		if (i > 0 && (tok->next == '!' || tok->next == '.') && capitalised_name(rules, s, lang, i))
			return i;
		int name = titled_name(rules, s, lang, i);
		if (name >= 0)
			return name;
	}
	return trailing_name(rules, s, lang, n - 1) ? (int)n - 1 : -1;
}

static gboolean
same_name(const EtqText *t, guint from, const char *name_norm, guint *end)
{
	/* name_norm: normalised words joined by spaces */
	const char *p = name_norm;
	guint i = from;
	while (*p && i < t->n_tokens) {
		const EtqToken *tok = etq_text_token(t, i);
		if (strncmp(p, etq_token_norm(t, tok), tok->norm_len) != 0)
			return FALSE;
		p += tok->norm_len;
		if (*p && *p != ' ')
			return FALSE;
		p += *p == ' ';
		i++;
	}
	if (end)
		*end = i;
	return *p == '\0' && i > from;
}

static gboolean
mentions_norm(const EtqText *t, const char *name_norm)
{
	if (!name_norm || !*name_norm)
		return FALSE;
	for (guint i = 0; i < t->n_tokens; i++)
		if (same_name(t, i, name_norm, NULL))
			return TRUE;
	return FALSE;
}

/* A name normalised like message words, remembered while it stays the same
 * (the user's own nick nearly always does). */
const char *
etq_name_norm(EtqName *cache, const char *raw)
{
	raw = raw ? raw : "";
	if (!cache->raw || strcmp(cache->raw, raw) != 0) {
		g_free(cache->raw);
		g_free(cache->norm);
		cache->raw = g_strdup(raw);
		cache->norm = etq_normalise_phrase(raw);
	}
	return cache->norm;
}

gboolean
etq_mentions(EtqScratch *s, const char *name)
{
	return name && *name && mentions_norm(&s->text, etq_name_norm(&s->me, name));
}

gboolean
etq_addressed_to_other(const EtqRules *rules, EtqScratch *s, int lang, const char *me)
{
	int a = addressee(rules, s, lang);
	if (a < 0 || !me)
		return FALSE;
	return !same_name(&s->text, a, etq_name_norm(&s->me, me), NULL);
}

gboolean
etq_is_question(const EtqScratch *s, int lang)
{
	if (s->text.question_mark)
		return TRUE;
	guint start = after_greeting(s);
	const GArray *opener = s->match.question_start;
	for (guint l = 0; l < opener->len; l++) {
		int at = g_array_index(opener, int, l);
		if ((lang == ETQ_LANG_UND || lang == (int)l) && at >= 0 && (guint)at <= start)
			return TRUE;
	}
	return FALSE;
}

/* Nothing but the rule's own phrases, the two names, punctuation and emoji. */
static gboolean
only_rule_words(const EtqRules *rules, EtqScratch *s, const EtqRule *rule, const EtqEvent *ev)
{
	const EtqText *t = &s->text;
	guint n = t->n_tokens;
	guint8 *covered = g_malloc0(n + 1);
	const GArray *occ = s->match.occurrences;
	for (guint i = 0; i < occ->len; i++) {
		const EtqOccurrence *o = &g_array_index(occ, EtqOccurrence, i);
		if (etq_matcher_phrase_in(rules->matcher, o->phrase, rule->index, SLOT_MATCH) ||
		    etq_matcher_phrase_in(rules->matcher, o->phrase, rule->index, SLOT_ALSO))
			memset(covered + o->tok_start, 1, o->tok_end - o->tok_start);
	}
	const char *names[2] = { etq_name_norm(&s->peer, ev->peer), etq_name_norm(&s->me, ev->me) };
	gboolean only = TRUE;
	for (guint i = 0; i < n && only; i++) {
		if (covered[i])
			continue;
		guint end = i;
		if (*names[0] && same_name(t, i, names[0], &end))
			i = end - 1;
		else if (*names[1] && same_name(t, i, names[1], &end))
			i = end - 1;
		else
			only = FALSE;
	}
	g_free(covered);
	return only;
}

static gboolean
when_holds(const EtqRules *rules, EtqScratch *s, const EtqRule *rule, int lang,
           const EtqEvent *ev, const EtqContext *ctx)
{
	for (int w = 0; w < N_WHEN; w++) {
		if (rule->when[w] < 0)
			continue;
		gboolean v = FALSE;
		switch (w) {
		case WHEN_ENGAGED: v = ctx->engaged; break;
		case WHEN_ADDRESSED: v = addressee(rules, s, lang) >= 0; break;
		case WHEN_MENTIONS_ME: v = etq_mentions(s, ev->me); break;
		case WHEN_QUESTION: v = etq_is_question(s, lang); break;
		case WHEN_LINK: v = s->text.has_link; break;
		case WHEN_ONLY: v = only_rule_words(rules, s, rule, ev); break;
		case WHEN_FIRST: v = ctx->first; break;
		}
		if (v != rule->when[w])
			return FALSE;
	}
	return TRUE;
}

/* ---- slots ---- */

/* Does a whole-message sign of the flags hold (?, <link>, <laugh>)? */
static gboolean
message_flag(const EtqText *t, guint flags)
{
	return ((flags & SLOT_QMARK) && t->question_mark) || ((flags & SLOT_LINK) && t->has_link) ||
	       ((flags & SLOT_LAUGH) && t->laugh);
}

static gboolean
slot_hit(const EtqScratch *s, const EtqRule *rule, EtqSlot slot)
{
	guint f = rule->flags[slot];
	if (slot < N_SLOTS && s->match.hits->len > rule->index &&
	    g_array_index(s->match.hits, EtqRuleHit, rule->index).hit[slot])
		return TRUE;
	return message_flag(&s->text, f);
}

static gboolean
regex_hit(const EtqRule *rule, const EtqText *t, gssize *start, gssize *end)
{
	gsize len = t->len;
	if (len > REGEX_WINDOW) {
		const char *cut = g_utf8_find_prev_char(t->text, t->text + REGEX_WINDOW);
		len = cut ? (gsize)(cut - t->text) : 0;
	}
	len = MIN(len, t->valid_len); /* PCRE2 reads UTF-8 unchecked */
	return etq_pattern_match(rule->regex, t->text, len, start, end);
}

/* ---- rules that read with care: near, ignore, exclude, <placeholder> ----
 * Their slots are decided from where each phrase occurs, not only whether. */

static gboolean
careful(const EtqRule *rule)
{
	return rule->ignore || rule->near[SLOT_ALSO] || rule->near[SLOT_UNLESS] ||
	       rule->phrases[SLOT_EXCLUDE]->len || ((rule->flags[SLOT_MATCH] | rule->flags[SLOT_ALSO] |
	       rule->flags[SLOT_UNLESS]) & SLOT_PLACEHOLDER);
}

/* The places of a slot's phrases that the rule reads, into s->places[slot]. */
static GArray *
places(const EtqRules *rules, EtqScratch *s, const EtqRule *rule, EtqSlot slot)
{
	GArray *out = s->places[slot];
	g_array_set_size(out, 0);
	const GArray *occ = s->match.occurrences;
	for (guint i = 0; i < occ->len; i++) {
		const EtqOccurrence *o = &g_array_index(occ, EtqOccurrence, i);
		if (!(rule->ignore && (s->spans.skip[o->tok_start] & rule->ignore)) &&
		    etq_matcher_phrase_in(rules->matcher, o->phrase, rule->index, slot)) {
			Place p = { o->tok_start, o->tok_end, etq_text_token(&s->text, o->tok_start)->start,
			            etq_text_token(&s->text, o->tok_end - 1)->end };
			g_array_append_val(out, p);
		}
	}
	const GArray *slots = s->spans.placeholders;
	for (guint i = 0; (rule->flags[slot] & SLOT_PLACEHOLDER) && i < slots->len; i++) {
		const EtqSpan *sp = &g_array_index(slots, EtqSpan, i);
		if (etq_spans_kind_at(&s->spans, sp->start) & rule->ignore)
			continue;
		guint t = 0; /* the first word at or after it */
		while (t + 1 < s->text.n_tokens && etq_text_token(&s->text, t)->end <= sp->start)
			t++;
		Place p = { t, t + 1, sp->start, sp->end };
		g_array_append_val(out, p);
	}
	guint f = rule->flags[slot];
	if (message_flag(&s->text, f)) {
		Place p = { -1, -1, 0, s->text.len };
		g_array_append_val(out, p);
	}
	return out;
}

static gboolean
near(const EtqScratch *s, int how, const Place *a, const Place *b)
{
	if (how == NEAR_ANYWHERE || a->tok_start < 0 || b->tok_start < 0 || !s->text.n_tokens)
		return TRUE;
	if (how == NEAR_SENTENCE)
		return s->spans.sentence[a->tok_start] == s->spans.sentence[b->tok_start] ||
		       s->spans.sentence[a->tok_end - 1] == s->spans.sentence[b->tok_start] ||
		       s->spans.sentence[a->tok_start] == s->spans.sentence[b->tok_end - 1];
	int gap = a->tok_start >= b->tok_end ? a->tok_start - b->tok_end
	        : b->tok_start >= a->tok_end ? b->tok_start - a->tok_end : 0;
	return gap <= how;
}

static gboolean
any_near(const EtqScratch *s, int how, const GArray *from, const Place *m)
{
	for (guint i = 0; i < from->len; i++)
		if (near(s, how, &g_array_index(from, Place, i), m))
			return TRUE;
	return FALSE;
}

/* After a negation or reported speech, in the same sentence. */
static gboolean
excluded(const EtqScratch *s, const GArray *exclude, const Place *m)
{
	for (guint i = 0; m->tok_start >= 0 && i < exclude->len; i++) {
		const Place *x = &g_array_index(exclude, Place, i);
		if (x->tok_start < m->tok_start && s->spans.sentence[x->tok_start] == s->spans.sentence[m->tok_start])
			return TRUE;
	}
	return FALSE;
}

/* Quotes, code, slots and sentences: what ignore, <placeholder>, a phrase
 * to exclude that occurs, and near "sentence" read. */
static gboolean
needs_spans(const EtqScratch *s, const EtqRule *rule)
{
	guint8 slots = 0;
	for (int k = 0; k < N_SLOTS; k++)
		slots |= rule->flags[k];
	return rule->ignore || (slots & SLOT_PLACEHOLDER) || slot_hit(s, rule, SLOT_EXCLUDE) ||
	       rule->near[SLOT_ALSO] == NEAR_SENTENCE || rule->near[SLOT_UNLESS] == NEAR_SENTENCE;
}

/* The first match that counts, with its also near and no unless near; or -1. */
static gboolean
careful_hit(const EtqRules *rules, EtqScratch *s, const EtqRule *rule, gssize *start, gssize *end)
{
	/* Spans are worked out only for a message with something to match. */
	gssize rx_start, rx_end;
	gboolean rx = rule->regex && regex_hit(rule, &s->text, &rx_start, &rx_end);
	if ((rule->flags[SLOT_MATCH] & SLOT_PLACEHOLDER) && s->may_have_slot < 0)
		s->may_have_slot = etq_spans_may_have_slot(&s->text);
	if (!rx && !slot_hit(s, rule, SLOT_MATCH) &&
	    !((rule->flags[SLOT_MATCH] & SLOT_PLACEHOLDER) && s->may_have_slot))
		return FALSE;
	if (needs_spans(s, rule))
		etq_spans_find(rules, &s->text, &s->spans);
	GArray *slot[N_SLOTS];
	for (int k = 0; k < N_SLOTS; k++)
		slot[k] = places(rules, s, rule, k);
	if (rx && !(rule->ignore && (etq_spans_kind_at(&s->spans, rx_start) & rule->ignore))) {
		Place p = { -1, -1, rx_start, rx_end };
		g_array_append_val(slot[SLOT_MATCH], p);
	}
	gboolean need_also = rule->phrases[SLOT_ALSO]->len || rule->flags[SLOT_ALSO];
	gboolean hit = FALSE;
	for (guint i = 0; i < slot[SLOT_MATCH]->len && !hit; i++) {
		const Place *m = &g_array_index(slot[SLOT_MATCH], Place, i);
		hit = !excluded(s, slot[SLOT_EXCLUDE], m) &&
		      (!need_also || any_near(s, rule->near[SLOT_ALSO], slot[SLOT_ALSO], m)) &&
		      !any_near(s, rule->near[SLOT_UNLESS], slot[SLOT_UNLESS], m);
		if (hit)
			*start = m->start, *end = m->end;
	}
	return hit;
}

/* A rule of the message's language, or of any (every rule when it is not known). */
static inline gboolean
in_language(const EtqRule *rule, int lang)
{
	return rule->lang == ETQ_LANG_ANY || lang == ETQ_LANG_UND || rule->lang == lang;
}

static gboolean
applies(const EtqRules *rules, const EtqRule *rule, int lang, const EtqEvent *ev)
{
	if (rules->only && rules->only != rule)
		return FALSE;
	guint8 dir = ev->dir == ETQ_DIR_OUT ? DIR_OUT : DIR_IN;
	guint8 chat = ev->chat == ETQ_CHAT_IM ? CHAT_IM : CHAT_GROUP;
	return (rule->set->enabled || rules->only) && !rule->detector && (rule->dirs & dir) && (rule->chats & chat) &&
	       in_language(rule, lang);
}

static gboolean
has_category(GPtrArray *out, guint from, const char *category)
{
	for (guint i = from; i < out->len; i++)
		if (strcmp(((EtqFinding *)g_ptr_array_index(out, i))->category, category) == 0)
			return TRUE;
	return FALSE;
}

/* Could a slot hold at all? Phrases anywhere, ?, <link> (a placeholder is
 * only known from the spans). */
static gboolean
may_hit(const EtqScratch *s, const EtqRule *rule, EtqSlot slot)
{
	return (rule->flags[slot] & SLOT_PLACEHOLDER) || slot_hit(s, rule, slot);
}

/* The conditions that do not depend on where the rule matches come first:
 * they are cheap, and a pattern then runs only where it can decide. */
static void
try_rule(EtqRules *rules, EtqScratch *s, const EtqRule *rule, int lang, const EtqEvent *ev,
         const EtqContext *ctx, const char *conv, GPtrArray *out, guint first_out)
{
	if (!applies(rules, rule, lang, ev) || has_category(out, first_out, rule->category))
		return;
	gboolean need_also = rule->phrases[SLOT_ALSO]->len || rule->flags[SLOT_ALSO];
	if ((need_also && !may_hit(s, rule, SLOT_ALSO)) || s->text.n_words < rule->min_words ||
	    (rule->max_words && s->text.n_words > rule->max_words) ||
	    !when_holds(rules, s, rule, lang, ev, ctx))
		return;
	gssize start = -1, end = -1;
	const EtqRuleHit *h = &g_array_index(s->match.hits, EtqRuleHit, rule->index);
	if (careful(rule)) {
		if (!careful_hit(rules, s, rule, &start, &end))
			return;
	} else if (slot_hit(s, rule, SLOT_UNLESS)) {
		return;
	} else if (h->hit[SLOT_MATCH]) {
		start = etq_text_token(&s->text, h->tok_start)->start;
		end = etq_text_token(&s->text, h->tok_end - 1)->end;
	} else if (!(rule->regex && regex_hit(rule, &s->text, &start, &end)) &&
	           !slot_hit(s, rule, SLOT_MATCH)) {
		return;
	}
	EtqFinding *f = etq_finding_new(rule, ev->dir, conv, ev->peer, ev->me, 0, 0);
	if (start < 0)
		start = 0, end = s->text.len;
	f->span_start = start;
	f->span_end = end;
	if (ev->dir == ETQ_DIR_IN)
		f->severity = ETQ_SEVERITY_HINT;
	g_ptr_array_add(out, f);
}

void
etq_check_text(EtqRules *rules, EtqScratch *s, int lang, const EtqEvent *ev,
               const EtqContext *ctx, const char *conv, GPtrArray *out)
{
	/* In a group, what others say to someone else is not the user's business. */
	if (ev->dir == ETQ_DIR_IN && ev->chat == ETQ_CHAT_GROUP &&
	    etq_addressed_to_other(rules, s, lang, ev->me))
		return;
	guint first_out = out->len;
	/* In file order, so a category reports the first of its rules that
	 * fires: the rules that scan every message (patterns, `?`, <link>)
	 * merged with those a phrase hit (both lists are by index). */
	const GPtrArray *scan = rules->scan_rules;
	const GArray *hits = s->match.hit_rules;
	for (guint a = 0, b = 0; a < scan->len || b < hits->len;) {
		const EtqRule *next_scan = a < scan->len ? g_ptr_array_index(scan, a) : NULL;
		guint next_hit = b < hits->len ? g_array_index(hits, guint, b) : G_MAXUINT;
		if (next_scan && next_scan->index <= next_hit) {
			a++;
			if (in_language(next_scan, lang)) /* most are another language's */
				try_rule(rules, s, next_scan, lang, ev, ctx, conv, out, first_out);
			continue;
		}
		b++;
		const EtqRule *rule = g_ptr_array_index(rules->all_rules, next_hit);
		if (!rule->regex && !rule->flags[SLOT_MATCH]) /* a scanning rule's turn is above */
			try_rule(rules, s, rule, lang, ev, ctx, conv, out, first_out);
	}
}

/* ---- findings ---- */

/* The hint with {peer}, {conv}, {me}, {minutes} and {count} filled in. */
static char *
fill(const char *tmpl, const char *conv, const char *peer, const char *me, gint64 minutes, gint64 count)
{
	if (!tmpl)
		return NULL;
	GString *out = g_string_sized_new(strlen(tmpl) + 32);
	const char *p = tmpl, *open;
	while ((open = strchr(p, '{'))) {
		g_string_append_len(out, p, open - p);
		const char *close = strchr(open, '}');
		gsize n = close ? (gsize)(close - open - 1) : 0;
		if (n == 4 && strncmp(open + 1, "peer", 4) == 0)
			g_string_append(out, peer ? peer : "");
		else if (n == 4 && strncmp(open + 1, "conv", 4) == 0)
			g_string_append(out, conv ? conv : "");
		else if (n == 2 && strncmp(open + 1, "me", 2) == 0)
			g_string_append(out, me ? me : "");
		else if (n == 7 && strncmp(open + 1, "minutes", 7) == 0)
			g_string_append_printf(out, "%" G_GINT64_FORMAT, minutes);
		else if (n == 5 && strncmp(open + 1, "count", 5) == 0)
			g_string_append_printf(out, "%" G_GINT64_FORMAT, count);
		else { /* not a placeholder: keep the brace */
			g_string_append_c(out, '{');
			p = open + 1;
			continue;
		}
		p = close + 1;
	}
	g_string_append(out, p);
	return g_string_free(out, FALSE);
}

EtqFinding *
etq_finding_new(const EtqRule *rule, EtqDirection dir, const char *conv, const char *peer, const char *me,
                gint64 minutes, gint64 count)
{
	EtqFinding *f = g_new0(EtqFinding, 1);
	f->category = g_strdup(rule->category);
	f->rule = g_strdup(rule->id);
	f->severity = rule->severity;
	f->conv = g_strdup(conv);
	f->span_start = f->span_end = -1;
	f->message = fill(rule->message_text[dir], conv, peer, me, minutes, count);
	f->suggestion = fill(rule->suggestion_text[dir], conv, peer, me, minutes, count);
	return f;
}

void
etq_finding_free(EtqFinding *f)
{
	if (!f)
		return;
	g_free(f->category);
	g_free(f->rule);
	g_free(f->message);
	g_free(f->suggestion);
	g_free(f->conv);
	g_free(f);
}

const char *
etq_severity_name(EtqSeverity severity)
{
	return severity == ETQ_SEVERITY_WARN ? "warn" : "hint";
}
