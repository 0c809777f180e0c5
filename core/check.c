/* check.c — one message against the text rules.
 *
 * A message is scanned and matched once (matcher.c); then only the rules
 * with a phrase hit, and the few with a pattern, are looked at, and their
 * conditions decide. */
#include <string.h>
#include "internal.h"

#define REGEX_WINDOW 4096 /* patterns see the first 4 KB of a message */

void
etq_scratch_init(EtqScratch *s)
{
	memset(s, 0, sizeof *s);
	etq_text_init(&s->text);
	etq_match_init(&s->match);
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
	etq_matcher_run(rules->matcher, &s->text, &s->match);
	return etq_langid(rules, &s->text, &s->match);
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

/* The word a message is addressed to (@maria, "anna: …", "hey Tom, …"), or -1. */
static int
addressee(const EtqRules *rules, const EtqScratch *s)
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
	/* "per: …" names someone even when the name is also a word; "so, …" does not */
	if ((tok->next != ':' && tok->next != ',') || tok->link || g_ascii_isdigit(norm[0]) ||
	    (tok->next == ',' && etq_matcher_is_stopword(rules->matcher, norm)))
		return -1;
	return i;
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
etq_addressed_to_other(const EtqRules *rules, EtqScratch *s, const char *me)
{
	int a = addressee(rules, s);
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
	for (int l = 0; l < ETQ_N_LANGS; l++)
		if ((lang == ETQ_LANG_UND || lang == l) && s->match.question_start[l] >= 0 &&
		    (guint)s->match.question_start[l] <= start)
			return TRUE;
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
		case WHEN_ADDRESSED: v = addressee(rules, s) >= 0; break;
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

static gboolean
slot_hit(const EtqScratch *s, const EtqRule *rule, EtqSlot slot)
{
	guint f = rule->flags[slot];
	if (slot < N_SLOTS && s->match.hits->len > rule->index &&
	    g_array_index(s->match.hits, EtqRuleHit, rule->index).hit[slot])
		return TRUE;
	return ((f & SLOT_QMARK) && s->text.question_mark) || ((f & SLOT_LINK) && s->text.has_link);
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

static gboolean
applies(const EtqRules *rules, const EtqRule *rule, int lang, const EtqEvent *ev)
{
	if (rules->only && rules->only != rule)
		return FALSE;
	guint8 dir = ev->dir == ETQ_DIR_OUT ? DIR_OUT : DIR_IN;
	guint8 chat = ev->chat == ETQ_CHAT_IM ? CHAT_IM : CHAT_GROUP;
	return (rule->set->enabled || rules->only) && !rule->detector && (rule->dirs & dir) && (rule->chats & chat) &&
	       (rule->lang == ETQ_LANG_ANY || lang == ETQ_LANG_UND || rule->lang == lang);
}

static gboolean
has_category(GPtrArray *out, guint from, const char *category)
{
	for (guint i = from; i < out->len; i++)
		if (strcmp(((EtqFinding *)g_ptr_array_index(out, i))->category, category) == 0)
			return TRUE;
	return FALSE;
}

static void
try_rule(EtqRules *rules, EtqScratch *s, const EtqRule *rule, int lang, const EtqEvent *ev,
         const EtqContext *ctx, const char *conv, GPtrArray *out, guint first_out)
{
	if (!applies(rules, rule, lang, ev) || has_category(out, first_out, rule->category))
		return;
	gssize start = -1, end = -1;
	const EtqRuleHit *h = &g_array_index(s->match.hits, EtqRuleHit, rule->index);
	if (h->hit[SLOT_MATCH]) {
		start = etq_text_token(&s->text, h->tok_start)->start;
		end = etq_text_token(&s->text, h->tok_end - 1)->end;
	} else if (!(rule->regex && regex_hit(rule, &s->text, &start, &end)) &&
	           !slot_hit(s, rule, SLOT_MATCH)) {
		return;
	}
	gboolean need_also = rule->phrases[SLOT_ALSO]->len || rule->flags[SLOT_ALSO];
	if ((need_also && !slot_hit(s, rule, SLOT_ALSO)) || slot_hit(s, rule, SLOT_UNLESS))
		return;
	if (!when_holds(rules, s, rule, lang, ev, ctx))
		return;
	EtqFinding *f = etq_finding_new(rule, conv, ev->peer, ev->me, 0, 0);
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
	    etq_addressed_to_other(rules, s, ev->me))
		return;
	guint first_out = out->len;
	const GArray *hit_rules = s->match.hit_rules;
	for (guint i = 0; i < rules->scan_rules->len; i++)
		try_rule(rules, s, g_ptr_array_index(rules->scan_rules, i), lang, ev, ctx, conv, out, first_out);
	for (guint i = 0; i < hit_rules->len; i++) {
		const EtqRule *rule = g_ptr_array_index(rules->all_rules, g_array_index(hit_rules, guint, i));
		if (!rule->regex && !rule->flags[SLOT_MATCH])
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
etq_finding_new(const EtqRule *rule, const char *conv, const char *peer, const char *me,
                gint64 minutes, gint64 count)
{
	EtqFinding *f = g_new0(EtqFinding, 1);
	f->category = rule->category;
	f->rule = rule->id;
	f->severity = rule->severity;
	f->conv = g_strdup(conv);
	f->span_start = f->span_end = -1;
	f->message = fill(rule->message_text, conv, peer, me, minutes, count);
	f->suggestion = fill(rule->suggestion_text, conv, peer, me, minutes, count);
	return f;
}

void
etq_finding_free(EtqFinding *f)
{
	if (!f)
		return;
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
