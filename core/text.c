/* text.c — cutting a message into normalised words.
 *
 * Rules compare words, not bytes: case folded, accents removed (people type
 * "perche" for "perché"), apostrophes unified. Every word keeps its byte
 * span in the original text so a finding can point at it. Invalid UTF-8 is
 * skipped byte by byte, never rejected: a message is checked, not judged. */
#include <string.h>
#include "text.h"

void
etq_text_init(EtqText *t)
{
	memset(t, 0, sizeof *t);
	t->norm = g_string_sized_new(256);
}

void
etq_text_clear(EtqText *t)
{
	g_free(t->tokens);
	g_string_free(t->norm, TRUE);
}

static gboolean
is_apostrophe(gunichar c)
{
	return c == '\'' || c == 0x2019;
}

static gboolean
is_word_char(gunichar c)
{
	if (c < 0x80)
		return g_ascii_isalnum(c);
	return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

/* A word starts with a letter or digit; marks only go on one (accents,
 * vowel signs). Emoji sequences carry marks of their own, the variation
 * selector of "☀️" and the keycap of "1️⃣": those are no words. */
static gboolean
starts_word(gunichar c)
{
	return c < 0x80 ? g_ascii_isalnum(c) : g_unichar_isalnum(c);
}

/* The character at p, or (gunichar)-1 for an invalid byte. */
static gunichar
char_at(const char *p, const char *end)
{
	if ((guchar)*p < 0x80)
		return (guchar)*p;
	return g_utf8_get_char_validated(p, end - p);
}

static const char *
next_char(const char *p, const char *end)
{
	gunichar c = char_at(p, end);
	if (c == (gunichar)-1 || c == (gunichar)-2)
		return p + 1;
	return g_utf8_next_char(p);
}

static void normalise_slow(GString *out, const char *word, gsize len);

/* U+00C0..U+00FF (à, ä, é, ß, ø …) folded once by the slow path: most
 * non-ASCII letters in en, de, it and nb chat are among these. */
static const char *
latin1_fold(gunichar c)
{
	static char table[64][8];
	static gsize ready = 0;
	if (g_once_init_enter(&ready)) {
		for (gunichar u = 0xC0; u <= 0xFF; u++) {
			char utf8[8];
			GString *f = g_string_new(NULL);
			normalise_slow(f, utf8, g_unichar_to_utf8(u, utf8));
			g_strlcpy(table[u - 0xC0], f->str, sizeof table[0]);
			g_string_free(f, TRUE);
		}
		g_once_init_leave(&ready, 1);
	}
	return table[c - 0xC0];
}

void
etq_normalise_word(GString *out, const char *word, gsize len)
{
	gsize start = out->len;
	for (gsize i = 0; i < len;) {
		guchar b = word[i];
		if (b < 0x80) {
			g_string_append_c(out, b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
			i++;
		} else if ((b == 0xC3) && i + 1 < len && (guchar)word[i + 1] >= 0x80 && (guchar)word[i + 1] < 0xC0) {
			g_string_append(out, latin1_fold(0xC0 + ((guchar)word[i + 1] & 0x3F)));
			i += 2;
		} else { /* anything else: the whole word the slow way */
			g_string_truncate(out, start);
			normalise_slow(out, word, len);
			return;
		}
	}
}

static void
normalise_slow(GString *out, const char *word, gsize len)
{
	char *folded = g_utf8_casefold(word, len);
	char *nfd = g_utf8_normalize(folded, -1, G_NORMALIZE_NFD);
	for (const char *p = nfd ? nfd : ""; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (is_apostrophe(c))
			g_string_append_c(out, '\'');
		else if (!g_unichar_ismark(c))
			g_string_append_unichar(out, c);
	}
	g_free(nfd);
	g_free(folded);
}

static gboolean
starts_link(const char *p, const char *end)
{
	gsize n = end - p;
	return (n > 7 && g_ascii_strncasecmp(p, "http://", 7) == 0) ||
	       (n > 8 && g_ascii_strncasecmp(p, "https://", 8) == 0) ||
	       (n > 4 && g_ascii_strncasecmp(p, "www.", 4) == 0);
}

/* An emoji that marks a line as a joke, the way "haha" does:
 * 😁 😂 😄 😆 😛 😜 😝 😹 🤣 🤪 (not 😅, a nervous "sorry", nor 😉 and 😏,
 * which wink at a demand as often as at a joke). */
static gboolean
laughing(gunichar c)
{
	static const gunichar laughs[] = { 0x1F601, 0x1F602, 0x1F604, 0x1F606, 0x1F61B,
	                                   0x1F61C, 0x1F61D, 0x1F639, 0x1F923, 0x1F92A };
	for (gsize i = 0; c >= 0x1F600 && i < G_N_ELEMENTS(laughs); i++)
		if (laughs[i] == c)
			return TRUE;
	return FALSE;
}

static gboolean
is_space(gunichar c)
{
	return c < 0x80 ? g_ascii_isspace(c) : g_unichar_isspace(c);
}

static gunichar
next_visible(const char *p, const char *end)
{
	while (p < end && g_ascii_isspace(*p)) /* ASCII spaces without a call each */
		p++;
	if (p < end && (guchar)*p < 0x80)
		return (guchar)*p;
	while (p < end) {
		gunichar c = char_at(p, end);
		if (!is_space(c))
			return c == (gunichar)-1 || c == (gunichar)-2 ? 0 : c;
		p = next_char(p, end);
	}
	return 0;
}

static void
add_token(EtqText *t, const EtqToken *tok)
{
	if (t->n_tokens == t->tokens_cap) {
		t->tokens_cap = MAX(2 * t->tokens_cap, 32);
		t->tokens = g_renew(EtqToken, t->tokens, t->tokens_cap);
	}
	t->tokens[t->n_tokens++] = *tok;
}

static const char *
scan_link(EtqText *t, const char *p, const char *end)
{
	const char *start = p;
	while (p < end) {
		t->ascii &= (guchar)*p < 0x80;
		gunichar c = char_at(p, end);
		if ((c == (gunichar)-1 || c == (gunichar)-2) && t->valid_len == t->len)
			t->valid_len = p - t->text; /* patterns must not see it */
		else if (is_space(c))
			break;
		p = next_char(p, end);
	}
	EtqToken tok = { .start = start - t->text, .end = p - t->text,
	                 .norm = t->norm->len, .link = TRUE };
	g_string_append(t->norm, "<link>");
	tok.norm_len = t->norm->len - tok.norm;
	g_string_append_c(t->norm, '\0');
	add_token(t, &tok);
	t->has_link = TRUE;
	return p;
}

/* An ASCII word followed by ASCII: lowercased in one go, the common case. */
static gboolean
ascii_word(GString *norm, const char *start, const char *p, const char *end)
{
	if (p < end && ((guchar)*p >= 0x80 || *p == '\''))
		return FALSE;
	gsize from = norm->len, n = p - start;
	g_string_set_size(norm, from + n);
	for (gsize i = 0; i < n; i++)
		norm->str[from + i] = start[i] >= 'A' && start[i] <= 'Z' ? start[i] + ('a' - 'A') : start[i];
	return TRUE;
}

static const char *
scan_word(EtqText *t, const char *p, const char *end)
{
	const char *start = p;
	while (p < end && (guchar)*p < 0x80 && g_ascii_isalnum(*p))
		p++;
	gboolean ascii = ascii_word(t->norm, start, p, end);
	while (!ascii && p < end) {
		t->ascii &= (guchar)*p < 0x80;
		gunichar c = char_at(p, end);
		if (is_word_char(c)) {
			p = next_char(p, end);
		} else if (is_apostrophe(c)) {
			const char *after = next_char(p, end);
			if (after >= end || !starts_word(char_at(after, end)))
				break;
			p = after;
		} else {
			break;
		}
	}
	EtqToken tok = { .start = start - t->text, .end = p - t->text,
	                 .norm = t->norm->len,
	                 .at = start > t->text && start[-1] == '@',
	                 .next = next_visible(p, end) };
	if (ascii)
		tok.norm -= p - start;
	else
		etq_normalise_word(t->norm, start, p - start);
	tok.norm_len = t->norm->len - tok.norm;
	g_string_append_c(t->norm, '\0');
	add_token(t, &tok);
	t->n_words++;
	return p;
}

void
etq_text_scan(EtqText *t, const char *text)
{
	t->n_tokens = 0;
	g_string_truncate(t->norm, 0);
	t->text = text ? text : "";
	t->len = strnlen(t->text, ETQ_TEXT_MAX + 1);
	if (t->len > ETQ_TEXT_MAX) {
		const char *cut = g_utf8_find_prev_char(t->text, t->text + ETQ_TEXT_MAX);
		t->len = cut ? (gsize)(cut - t->text) : 0;
	}
	t->n_words = 0;
	t->question_mark = FALSE;
	t->has_link = FALSE;
	t->laugh = FALSE;
	t->valid_len = t->len;
	t->ascii = TRUE;

	const char *p = t->text, *end = t->text + t->len;
	gboolean after_space = TRUE;
	while (p < end) {
		if (after_space && ((*p | 0x20) == 'h' || (*p | 0x20) == 'w') && starts_link(p, end)) {
			p = scan_link(t, p, end);
			continue;
		}
		if ((guchar)*p < 0x80) { /* ASCII without a call per byte */
			guchar b = *p;
			if (g_ascii_isalnum(b)) {
				p = scan_word(t, p, end);
				after_space = FALSE;
				continue;
			}
			t->question_mark |= b == '?';
			after_space = g_ascii_isspace(b) || b == '(' || b == '<' || b == '"';
			p++;
			continue;
		}
		t->ascii = FALSE;
		gunichar c = char_at(p, end);
		if (starts_word(c)) {
			p = scan_word(t, p, end);
			after_space = FALSE;
			continue;
		}
		if (c == '?' || c == 0xFF1F)
			t->question_mark = TRUE;
		else if (laughing(c))
			t->laugh = TRUE;
		else if ((c == (gunichar)-1 || c == (gunichar)-2) && t->valid_len == t->len)
			t->valid_len = p - t->text;
		after_space = is_space(c) || c == '(' || c == '<' || c == '"';
		p = next_char(p, end);
	}
}

char *
etq_normalise_phrase_with(EtqText *t, const char *phrase)
{
	etq_text_scan(t, phrase);
	gsize len = 1;
	for (guint i = 0; i < t->n_tokens; i++)
		len += t->tokens[i].norm_len + 1;
	char *out = g_malloc(len), *p = out;
	for (guint i = 0; i < t->n_tokens; i++) {
		if (i)
			*p++ = ' ';
		memcpy(p, etq_token_norm(t, &t->tokens[i]), t->tokens[i].norm_len);
		p += t->tokens[i].norm_len;
	}
	*p = '\0';
	return out;
}

char *
etq_normalise_phrase(const char *phrase)
{
	EtqText t;
	etq_text_init(&t);
	char *norm = etq_normalise_phrase_with(&t, phrase);
	etq_text_clear(&t);
	return norm;
}
