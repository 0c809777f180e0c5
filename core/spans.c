/* spans.c — the structure of a message that words alone do not show:
 * quoted text and code (which a rule may choose not to read), sentences
 * (for "near"), and the slots of a template (<placeholder>).
 *
 * Worked out only when a rule that needs it has a hit, once per message.
 * The text is read as bytes: every delimiter looked for is ASCII or a whole
 * UTF-8 sequence, so invalid bytes elsewhere do no harm. */
#include <string.h>
#include "internal.h"

#define MAX_SLOT_BYTES 48   /* "[your company name]" fits; a bracketed sentence does not */
#define MAX_SLOT_WORDS 4

enum { SLOT_NOUN = 1, SLOT_MODIFIER = 2, SLOT_BARE = 4 };

/* ---- the slot words of every profile ---- */

static void
add_slot_words(GHashTable *words, GPtrArray *list, guint kind)
{
	for (guint i = 0; list && i < list->len; i++) {
		char *norm = etq_normalise_phrase(g_ptr_array_index(list, i));
		char **parts = g_strsplit(norm, " ", -1);
		for (char **p = parts; *p; p++) {
			if (!**p)
				continue;
			/* "first name": the last word names the slot, the others qualify it */
			guint k = p[1] ? SLOT_MODIFIER : kind;
			guint old = GPOINTER_TO_UINT(g_hash_table_lookup(words, *p));
			g_hash_table_insert(words, g_strdup(*p), GUINT_TO_POINTER(old | k));
		}
		g_strfreev(parts);
		g_free(norm);
	}
}

/* Slots are recognised in any language: a template's language is often
 * not the one its words are detected as. */
GHashTable *
etq_slot_words_new(const EtqRules *rules)
{
	GHashTable *words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint l = 0; l < rules->profiles->len; l++) {
		const EtqProfile *p = g_ptr_array_index(rules->profiles, l);
		add_slot_words(words, g_hash_table_lookup(p->lists, "slot"), SLOT_NOUN);
		add_slot_words(words, g_hash_table_lookup(p->lists, "slot_modifier"), SLOT_MODIFIER);
		add_slot_words(words, g_hash_table_lookup(p->lists, "slot_bare"), SLOT_BARE | SLOT_NOUN);
	}
	return words;
}

/* Does this text read like a slot: one to four words, each a slot word or a
 * modifier ("your", "first"), at least one of them a slot noun? With
 * `bare`, the nouns must be ones that stand for a slot even unbracketed. */
static gboolean
reads_like_slot(GHashTable *words, const char *text, gsize len, gboolean bare)
{
	char *piece = g_strndup(text, len);
	char *norm = etq_normalise_phrase(piece);
	char **parts = g_strsplit(norm, " ", -1);
	guint n = 0, nouns = 0;
	gboolean ok = TRUE;
	for (char **p = parts; *p && ok; p++) {
		if (!**p)
			continue;
		guint kind = GPOINTER_TO_UINT(g_hash_table_lookup(words, *p));
		ok = kind != 0 && ++n <= MAX_SLOT_WORDS;
		nouns += bare ? (kind & SLOT_BARE) != 0 : (kind & SLOT_NOUN) != 0;
	}
	g_strfreev(parts);
	g_free(norm);
	g_free(piece);
	return ok && nouns > 0;
}

/* ---- spans ---- */

void
etq_spans_init(EtqSpans *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->skipped = g_array_new(FALSE, FALSE, sizeof(EtqSpan));
	sp->placeholders = g_array_new(FALSE, FALSE, sizeof(EtqSpan));
}

void
etq_spans_clear(EtqSpans *sp)
{
	g_array_free(sp->skipped, TRUE);
	g_array_free(sp->placeholders, TRUE);
	g_free(sp->sentence);
	g_free(sp->skip);
}

static void
add_span(GArray *to, gsize start, gsize end, guint8 kind)
{
	EtqSpan s = { start, end, kind };
	g_array_append_val(to, s);
}

/* Inside a span of kinds `kinds` already found? */
static gboolean
inside(const GArray *spans, gsize at, guint8 kinds)
{
	for (guint i = 0; i < spans->len; i++) {
		const EtqSpan *s = &g_array_index(spans, EtqSpan, i);
		if ((s->kind & kinds) && at >= s->start && at < s->end)
			return TRUE;
	}
	return FALSE;
}

static gboolean
is_word_byte(char c)
{
	return g_ascii_isalnum(c) || c == '_' || (guchar)c >= 0x80;
}

static const char *
find_from(const char *p, const char *end, const char *what)
{
	gsize n = strlen(what);
	for (; p + n <= end; p++)
		if (memcmp(p, what, n) == 0)
			return p;
	return NULL;
}

/* Code: ```blocks```, `inline code`, ${…}, f"…{…}…", printf-style %s and
 * %(name)d, and a call whose arguments hold a string, e.g. printf("%s", x). */
static void
find_code(const char *text, gsize len, GArray *out)
{
	const char *end = text + len, *p = text;
	while ((p = find_from(p, end, "```"))) {
		const char *close = find_from(p + 3, end, "```");
		const char *stop = close ? close + 3 : end;
		add_span(out, p - text, stop - text, IGNORE_CODE);
		p = stop;
	}
	for (p = text; p < end; p++) {
		if (inside(out, p - text, IGNORE_CODE))
			continue;
		const char *close = NULL;
		if (*p == '`') {
			close = memchr(p + 1, '`', end - p - 1);
		} else if (*p == '$' && p + 1 < end && p[1] == '{') {
			close = memchr(p + 2, '}', end - p - 2);
		} else if ((*p == 'f' || *p == 'F') && p + 1 < end && (p[1] == '"' || p[1] == '\'') &&
		           (p == text || !is_word_byte(p[-1]))) {
			close = memchr(p + 2, p[1], end - p - 2);
		} else if (*p == '%' && p + 1 < end && (p == text || !g_ascii_isalnum(p[-1]))) {
			const char *q = p + 1;
			if (*q == '(') { /* %(name)s */
				const char *rp = memchr(q, ')', MIN(end - q, 32));
				q = rp ? rp + 1 : q;
			}
			while (q < end && *q && strchr("-+ #0123456789.", *q) && q - p < 8)
				q++;
			if (q < end && *q && strchr("sdifuxXeEgGcr", *q) && (q + 1 == end || !g_ascii_isalpha(q[1])))
				close = q;
		} else if (*p == '(' && p > text && is_word_byte(p[-1])) {
			const char *rp = memchr(p, ')', end - p);
			gboolean has_string = FALSE;
			for (const char *q = p; rp && q < rp; q++)
				has_string |= *q == '"' || *q == '\'' || *q == '%' || *q == '{';
			if (rp && has_string) {
				const char *start = p;
				while (start > text && (is_word_byte(start[-1]) || start[-1] == '.'))
					start--;
				add_span(out, start - text, rp + 1 - text, IGNORE_CODE);
				p = rp;
				continue;
			}
		}
		if (close) {
			add_span(out, p - text, close + 1 - text, IGNORE_CODE);
			p = close;
		}
	}
}

/* Typographic quote pairs, as UTF-8: opening, closing. */
static const char *const quote_pairs[][2] = {
	{ "\xe2\x80\x9c", "\xe2\x80\x9d" },  /* “ ” */
	{ "\xe2\x80\x9e", "\xe2\x80\x9c" },  /* „ “ */
	{ "\xe2\x80\x9e", "\xe2\x80\x9d" },  /* „ ” */
	{ "\xc2\xab", "\xc2\xbb" },          /* « » */
	{ "\xc2\xbb", "\xc2\xab" },          /* » « */
	{ "\xe2\x80\xb9", "\xe2\x80\xba" },  /* ‹ › */
	{ "\xe2\x80\x98", "\xe2\x80\x99" },  /* ‘ ’ */
};

/* A straight ' that opens a quote: after a space or the start, before a non-space. */
static gboolean
opens_single(const char *text, const char *p, const char *end)
{
	return (p == text || strchr(" \t\n([{:", p[-1])) && p + 1 < end && !strchr(" \t\n'", p[1]);
}

/* …and one that closes it: after a non-space, before the end, a space or punctuation. */
static gboolean
closes_single(const char *p, const char *end)
{
	return !strchr(" \t\n", p[-1]) && (p + 1 == end || !is_word_byte(p[1]));
}

static void
find_quotes(const char *text, gsize len, GArray *out)
{
	const char *end = text + len;
	for (const char *p = text; p < end; p++) {
		if (inside(out, p - text, IGNORE_CODE))
			continue;
		const char *close = NULL;
		gsize close_len = 1;
		if (*p == '"') {
			close = memchr(p + 1, '"', end - p - 1);
		} else if (*p == '\'' && opens_single(text, p, end)) {
			for (const char *q = p + 2; q < end && !close; q++)
				if (*q == '\'' && closes_single(q, end))
					close = q;
		} else if ((guchar)*p >= 0x80) {
			for (guint k = 0; k < G_N_ELEMENTS(quote_pairs) && !close; k++) {
				gsize n = strlen(quote_pairs[k][0]);
				if ((gsize)(end - p) >= n && memcmp(p, quote_pairs[k][0], n) == 0) {
					close = find_from(p + n, end, quote_pairs[k][1]);
					close_len = strlen(quote_pairs[k][1]);
				}
			}
		}
		if (close) {
			add_span(out, p - text, close + close_len - text, IGNORE_QUOTES);
			p = close + close_len - 1;
		}
	}
}

/* ---- placeholders ---- */

static gboolean
has_upper(const char *s, gsize len)
{
	for (const char *p = s; p < s + len; p = g_utf8_next_char(p))
		if (g_unichar_isupper(g_utf8_get_char(p)))
			return TRUE;
	return FALSE;
}

static void
find_bracketed(GHashTable *words, const char *text, gsize len, const GArray *code, GArray *out)
{
	static const char open[] = "{[<(%";
	static const char close[] = "}]>)%";
	const char *end = text + len;
	for (const char *p = text; p < end; p++) {
		/* a slot stands apart: Array(Date) and list[name] are code */
		const char *o = *p && (p == text || !is_word_byte(p[-1])) ? strchr(open, *p) : NULL;
		if (o && !inside(code, p - text, IGNORE_CODE)) {
			char want = close[o - open];
			const char *start = p + 1;
			while (start < end && *start == *p) /* {{…}}, <<…>> */
				start++;
			const char *q = start;
			while (q < end && q - start <= MAX_SLOT_BYTES && *q != want && *q != '\n' && *q != *p)
				q++;
			/* <name> is how commands write an argument; <NAME>, <Name> or a
			 * <name> that ends a greeting ("Ciao <nome>, …") is a slot */
			gboolean argument = *p == '<' && !has_upper(start, q - start) &&
			                    !(q + 1 < end && strchr(",!:", q[1]));
			if (q < end && *q == want && q > start && !argument && reads_like_slot(words, start, q - start, FALSE)) {
				const char *stop = q;
				while (stop < end && *stop == want)
					stop++;
				add_span(out, p - text, stop - text, 0);
				p = stop - 1;
			}
		} else if (*p == '$' && p + 1 < end && (g_ascii_isalpha(p[1]) || p[1] == '_') &&
		           !inside(code, p - text, IGNORE_CODE)) {
			const char *q = p + 1;
			while (q < end && (g_ascii_isalnum(*q) || *q == '_'))
				q++;
			if (reads_like_slot(words, p + 1, q - p - 1, FALSE))
				add_span(out, p - text, q - text, 0);
			p = q - 1;
		} else if (*p == '_' && p + 2 < end && p[1] == '_' && p[2] == '_') {
			const char *q = p;
			while (q < end && *q == '_')
				q++;
			/* a blank stands apart; -_- and ^___^ are faces */
			gboolean apart = (p == text || strchr(" \t\n([{:\"'", p[-1])) &&
			                 (q == end || strchr(" \t\n,.;:!?)]}\"'", *q));
			if (apart && !inside(code, p - text, IGNORE_CODE))
				add_span(out, p - text, q - text, 0);
			p = q - 1;
		}
	}
}

static gboolean
all_caps(const char *s, gsize len, guint *letters)
{
	*letters = 0;
	if (len && g_ascii_islower(*s)) /* most words, without decoding */
		return FALSE;
	for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_islower(c))
			return FALSE;
		*letters += g_unichar_isupper(c);
	}
	return *letters > 0;
}

/* NAME, FORNAVN, FIRST_NAME written in capitals in a message that is not
 * itself shouted. */
static void
find_capitals(GHashTable *words, const EtqText *t, gsize len, const GArray *code, GArray *out)
{
	guint units = 0, caps_units = 0;
	GArray *found = g_array_new(FALSE, FALSE, sizeof(EtqSpan));
	for (guint i = 0; i < t->n_tokens && etq_text_token(t, i)->start < len; i++) {
		const EtqToken *tok = etq_text_token(t, i);
		guint letters;
		units++;
		if (tok->link || !all_caps(t->text + tok->start, tok->end - tok->start, &letters) || letters < 2)
			continue;
		/* FIRST_NAME is one unit */
		guint j = i;
		while (j + 1 < t->n_tokens && etq_text_token(t, j + 1)->start == etq_text_token(t, j)->end + 1 &&
		       t->text[etq_text_token(t, j)->end] == '_' &&
		       all_caps(t->text + etq_text_token(t, j + 1)->start,
		                etq_text_token(t, j + 1)->end - etq_text_token(t, j + 1)->start, &letters))
			j++;
		caps_units++;
		gsize start = tok->start, stop = etq_text_token(t, j)->end;
		if (reads_like_slot(words, t->text + start, stop - start, TRUE) && !inside(code, start, IGNORE_CODE))
			add_span(found, start, stop, 0);
		i = j;
	}
	if (found->len && caps_units * 2 <= units)
		g_array_append_vals(out, found->data, found->len);
	g_array_free(found, TRUE);
}

/* ---- per message ---- */

/* Could the text hold a slot at all: a bracket, %, $, ___ or two capitals in
 * a row? Most messages have none, and need no spans for <placeholder>. */
gboolean
etq_spans_may_have_slot(const EtqText *t)
{
	const char *p = t->text, *end = t->text + t->valid_len;
	for (; p < end; p++) {
		guchar c = *p;
		if (g_ascii_isupper(c) && p + 1 < end && g_ascii_isupper(p[1]))
			return TRUE;
		if (g_ascii_isalnum(c) || c == ' ')
			continue;
		if (c >= 0x80 || (c && strchr("{[<(%$_", c)))
			return TRUE; /* beyond ASCII: capitals there are for the full search */
	}
	return FALSE;
}

/* A new sentence starts after . ! ? ; … or a line break between two words. */
static gboolean
sentence_break(const char *s, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if (strchr(".!?;\n", s[i]) || (i + 2 < len && memcmp(s + i, "\xe2\x80\xa6", 3) == 0))
			return TRUE;
	return FALSE;
}

void
etq_spans_find(const EtqRules *rules, const EtqText *t, EtqSpans *sp)
{
	if (sp->ready)
		return;
	sp->ready = TRUE;
	g_array_set_size(sp->skipped, 0);
	g_array_set_size(sp->placeholders, 0);
	/* the first 4 KB, as for patterns: a longer text has shown its template
	 * by then, and a peer's huge message costs no more */
	gsize len = MIN(t->valid_len, SPAN_TEXT_MAX);
	find_code(t->text, len, sp->skipped);
	find_quotes(t->text, len, sp->skipped);
	find_bracketed(rules->slot_words, t->text, len, sp->skipped, sp->placeholders);
	find_capitals(rules->slot_words, t, len, sp->skipped, sp->placeholders);
	/* the kinds of span every byte lies in, so that a token asks once */
	sp->marked = len;
	memset(sp->marks, 0, len);
	for (guint k = 0; k < sp->skipped->len; k++) {
		const EtqSpan *s = &g_array_index(sp->skipped, EtqSpan, k);
		for (gsize b = s->start; b < MIN(s->end, len); b++)
			sp->marks[b] |= s->kind;
	}
	if (sp->cap < t->n_tokens + 1) {
		sp->cap = t->n_tokens + 1;
		sp->sentence = g_renew(guint, sp->sentence, sp->cap);
		sp->skip = g_renew(guint8, sp->skip, sp->cap);
	}
	for (guint i = 0; i < t->n_tokens; i++) {
		const EtqToken *tok = etq_text_token(t, i);
		const EtqToken *prev = i ? etq_text_token(t, i - 1) : NULL;
		sp->sentence[i] = !prev ? 0 : sp->sentence[i - 1] + sentence_break(t->text + prev->end, tok->start - prev->end);
		sp->skip[i] = etq_spans_kind_at(sp, tok->start);
	}
}

guint8
etq_spans_kind_at(const EtqSpans *sp, gsize at)
{
	return at < sp->marked ? sp->marks[at] : 0;
}
