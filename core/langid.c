/* langid.c — which language a short chat line is in.
 *
 * Chat lines are short, so character n-gram models (libexttextcat) have
 * little to go on; the function words of a language ("ich", "non", "ikke")
 * and its letters (ß, æ, è) are what a reader goes by too. Each stopword
 * of a profile (rules/languages/) scores two points, each typical letter
 * two. Then every word that is not a nick, path or acronym adds what its
 * spelling gives away: an ending (-ung, -zione, -het, -ing), a beginning
 * (wh-, hv-, kj-, l') or a letter group inside (th, sch, gli, kj) is worth
 * one point, a sure sign (n't, -cht, -zione) two, at most two per word and
 * language. That is what carries the short lines with no stopword ("Tom
 * sembra imbarazzato", "Gullprisen varierer daglig"). The best language
 * wins if it has at least two points and beats the next; otherwise the line
 * is "und", and every language's rules apply to it: better than a wrong
 * language, whose rules would replace the right ones.
 *
 * The affixes were chosen for being frequent in one language and rare in
 * the other three, and checked on Tatoeba sentences and IRC lines that are
 * not in tests/langid/. `make langid-eval` measures the scorer against
 * libexttextcat; tests/langid/run.sh holds it to a labelled sample.
 *
 * The matcher has already counted the stopwords while reading the message;
 * the rest is one pass over the words, without allocation. */
#include <string.h>
#include "internal.h"

/* Languages as bits, in the order of etq_lang_codes. */
enum { EN = 1 << 0, DE = 1 << 1, IT = 1 << 2, NB = 1 << 3 };

#define W_STOPWORD 2
#define W_LETTER 2
#define W_WORD_MAX 2   /* spelling points per word and language */
#define MIN_SCORE 2    /* below this the line is "und" */

/* TWICE: a sure sign, worth two points (the most a word gives). */
enum { TWICE = 1 << 5, TRI = 1 << 4 };

/* An affix packed into an integer, so that a word is compared with it by
 * one mask and compare: TAIL_("ing") holds g, n, i from the lowest byte
 * up, HEAD_("wh") w, h. (GCC folds the indexing of the literal.) Each list
 * holds the affixes of one letter (the last of an ending, the first of a
 * beginning) and ends with an empty entry. */
typedef struct {
	guint64 bytes, mask;
	guint8 len;
	guint8 langs;
} Affix;

#define TAIL_(s, i) ((guint64)(guchar)((i) < sizeof(s) - 1 ? (s)[sizeof(s) - 2 - (i)] : 0) << (8 * (i)))
#define HEAD_(s, i) ((guint64)(guchar)((i) < sizeof(s) - 1 ? (s)[(i)] : 0) << (8 * (i)))
#define PACK_(m, s) (m(s, 0) | m(s, 1) | m(s, 2) | m(s, 3) | m(s, 4) | m(s, 5) | m(s, 6) | m(s, 7))
#define MASK_(s) (sizeof(s) - 1 >= 8 ? G_MAXUINT64 : (G_GUINT64_CONSTANT(1) << (8 * (sizeof(s) - 1))) - 1)
#define E(str, langs) { PACK_(TAIL_, str), MASK_(str), sizeof str - 1, langs }
#define B(str, langs) { PACK_(HEAD_, str), MASK_(str), sizeof str - 1, langs }
#define END { 0, 0, 0, 0 }

/* Endings (at most 8 bytes), by their last letter: the word must be at
 * least one letter longer. Chosen for being common in one of the four
 * languages and rare in the other three. */
static const Affix end_a[] = { E("ta", IT), E("na", IT), E("la", IT), E("ava", IT), END };
static const Affix end_d[] = { E("'d", EN | TWICE), E("ed", EN), END };
static const Affix end_e[] = { E("zione", IT | TWICE), E("mente", IT | TWICE), E("are", IT), E("ire", IT),
                               E("'re", EN | TWICE), E("'ve", EN | TWICE),
                               E("else", NB), E("ene", NB), E("nne", NB), E("dde", NB), END };
static const Affix end_g[] = { E("ing", EN), E("ung", DE), E("lig", NB), E("eg", NB), END };
static const Affix end_h[] = { E("ch", DE), END };
static const Affix end_i[] = { E("zioni", IT | TWICE), E("i", IT), END };
static const Affix end_k[] = { E("isk", NB), E("kk", NB), END };
static const Affix end_l[] = { E("ful", EN), E("'ll", EN | TWICE), E("il", NB), END };
static const Affix end_m[] = { E("'m", EN | TWICE), END };
static const Affix end_n[] = { E("ion", EN), E("chen", DE), E("sjon", NB | TWICE), END };
static const Affix end_o[] = { E("ato", IT | TWICE), E("ito", IT), E("uto", IT), E("ano", IT), E("ndo", IT),
                               E("o", IT), END };
static const Affix end_r[] = { E("ir", DE), E("ker", NB), END };
static const Affix end_s[] = { E("ness", EN), E("less", EN), E("ous", EN), E("'s", EN), END };
static const Affix end_t[] = { E("ght", EN | TWICE), E("n't", EN | TWICE), E("keit", DE), E("heit", DE),
                               E("schaft", DE), E("cht", DE | TWICE), E("het", NB), E("tt", NB),
                               E("et", NB), END };
static const Affix end_y[] = { E("ly", EN), E("ry", EN), END };
static const Affix *const endings[26] = {
	['a' - 'a'] = end_a, ['d' - 'a'] = end_d, ['e' - 'a'] = end_e, ['g' - 'a'] = end_g,
	['h' - 'a'] = end_h, ['i' - 'a'] = end_i, ['k' - 'a'] = end_k, ['l' - 'a'] = end_l,
	['m' - 'a'] = end_m, ['n' - 'a'] = end_n, ['o' - 'a'] = end_o, ['r' - 'a'] = end_r,
	['s' - 'a'] = end_s, ['t' - 'a'] = end_t, ['y' - 'a'] = end_y,
};

/* Beginnings (at most 8 bytes), by their first letter: the word must be at
 * least two letters longer. Italian elisions (l'amico, dell'anno) are
 * beginnings too. */
static const Affix begin_a[] = { B("all'", IT | TWICE), END };
static const Affix begin_c[] = { B("c'", IT), B("com'", IT), END };
static const Affix begin_d[] = { B("d'", IT), B("dell'", IT | TWICE), B("dall'", IT | TWICE), END };
static const Affix begin_g[] = { B("ge", DE), B("gj", NB | TWICE), END };
static const Affix begin_h[] = { B("hv", NB | TWICE), B("hj", NB), END };
static const Affix begin_i[] = { B("i'", EN), END };
static const Affix begin_k[] = { B("kj", NB | TWICE), B("kv", NB), B("kn", EN), END };
static const Affix begin_l[] = { B("l'", IT | TWICE), END };
static const Affix begin_n[] = { B("nell'", IT | TWICE), END };
static const Affix begin_q[] = { B("quest'", IT | TWICE), B("quell'", IT | TWICE), END };
static const Affix begin_s[] = { B("sull'", IT | TWICE), B("sj", NB), B("sk", NB), END };
static const Affix begin_t[] = { B("th", EN | TWICE), END };
static const Affix begin_u[] = { B("un'", IT), END };
static const Affix begin_w[] = { B("wh", EN | TWICE), END };
static const Affix begin_z[] = { B("zu", DE), END };
static const Affix *const beginnings[26] = {
	['a' - 'a'] = begin_a, ['c' - 'a'] = begin_c, ['d' - 'a'] = begin_d, ['g' - 'a'] = begin_g,
	['h' - 'a'] = begin_h, ['i' - 'a'] = begin_i, ['k' - 'a'] = begin_k, ['l' - 'a'] = begin_l,
	['n' - 'a'] = begin_n, ['q' - 'a'] = begin_q, ['s' - 'a'] = begin_s, ['t' - 'a'] = begin_t,
	['u' - 'a'] = begin_u, ['w' - 'a'] = begin_w, ['z' - 'a'] = begin_z,
};

/* Letter pairs anywhere in a word; TRI: look at the third letter. */
#define BI(a, b) (((a) - 'a') * 26 + ((b) - 'a'))
static const guint8 pairs[26 * 26] = {
	[BI('t', 'h')] = EN, [BI('o', 'u')] = EN, [BI('e', 'a')] = EN, [BI('e', 'e')] = EN,
	[BI('o', 'o')] = EN, [BI('s', 'h')] = EN, [BI('a', 'w')] = EN, [BI('o', 'w')] = EN,
	[BI('a', 'y')] = EN, [BI('e', 'y')] = EN, [BI('g', 'h')] = EN, [BI('c', 't')] = EN,
	[BI('t', 'z')] = DE, [BI('e', 'i')] = DE, [BI('a', 'u')] = DE, [BI('e', 'u')] = DE,
	[BI('i', 'e')] = DE, [BI('h', 'r')] = DE, [BI('h', 'l')] = DE, [BI('h', 'n')] = DE,
	[BI('i', 'h')] = DE, [BI('u', 'f')] = DE,
	[BI('z', 'z')] = IT, [BI('u', 'o')] = IT, [BI('i', 'u')] = IT,
	[BI('k', 'j')] = NB, [BI('s', 'j')] = NB, [BI('k', 'k')] = NB, [BI('j', 'e')] = NB,
	[BI('s', 'k')] = NB,
	[BI('s', 'c')] = TRI, [BI('c', 'h')] = TRI, [BI('g', 'l')] = TRI, [BI('c', 'c')] = TRI,
};

static guint8
triple(char a, char b, char c)
{
	if (a == 's' && b == 'c')
		return c == 'h' ? DE : 0;
	if (a == 'c' && b == 'h')
		return c == 't' ? DE : 0;
	if (a == 'g' && b == 'l')
		return c == 'i' ? IT : 0;
	if (a == 'c' && b == 'c')
		return c == 'h' ? IT : 0;
	return 0;
}

/* Points are counted in the four bytes of one integer, a byte per
 * language: SPREAD(langs) adds one to the byte of each language in langs. */
#define SPREAD_(langs) (((langs) & 1u) | ((langs) & 2u) << 7 | ((langs) & 4u) << 14 | ((langs) & 8u) << 21)
#define SPREAD(langs) (SPREAD_(langs) << !!((langs) & TWICE))

static guint32
affix_points(const Affix *const *by_letter, guint64 packed, gsize n, gsize longer)
{
	guint32 points = 0;
	guchar c = packed & 0xff;
	if (c < 'a' || c > 'z')
		return 0;
	for (const Affix *a = by_letter[c - 'a']; a && a->len; a++)
		if ((packed & a->mask) == a->bytes && n >= a->len + longer)
			points += SPREAD(a->langs);
	return points;
}

/* Adds what the spelling of one normalised word says. */
static void
word_points(const char *w, gsize n, guint *score)
{
	/* The first and the last 8 bytes, as HEAD_ and TAIL_ pack them. */
	guint64 head = 0, tail;
	if (n == 0)
		return;
	if (n >= 8) {
		memcpy(&head, w, 8);
		memcpy(&tail, w + n - 8, 8);
		head = GUINT64_FROM_LE(head);
		tail = GUINT64_FROM_BE(tail);
	} else {
		memcpy(&head, w, n);
		head = GUINT64_FROM_LE(head);
		tail = GUINT64_SWAP_LE_BE(head) >> (8 * (8 - n));
	}
	guint32 points = affix_points(endings, tail, n, 1) + affix_points(beginnings, head, n, 2);
	n = MIN(n, 48); /* no byte overflows */
	for (gsize i = 0; i + 1 < n; i++) {
		guchar a = w[i], b = w[i + 1];
		if (a < 'a' || a > 'z' || b < 'a' || b > 'z') {
			if (g_ascii_isdigit(a) || g_ascii_isdigit(b))
				return; /* "a828", "hdb1": no word of any language */
			continue;
		}
		guint8 langs = pairs[BI(a, b)];
		if (G_LIKELY(!langs))
			continue;
		if (langs & TRI)
			langs = i + 2 < n ? triple(a, b, w[i + 2]) : 0;
		points += SPREAD(langs);
	}
	if (!points)
		return;
	for (int l = 0; l < ETQ_N_LANGS; l++)
		score[l] += MIN((points >> (8 * l)) & 0xff, W_WORD_MAX);
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

/* Adds two points per typical letter (ß, æ, è) to each language. */
static void
letter_points(const EtqRules *rules, const EtqText *t, guint *score)
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
		c = g_unichar_tolower(c);
		for (int l = 0; l < ETQ_N_LANGS; l++) {
			const EtqProfile *prof = rules->profiles[l];
			for (guint i = 0; prof && i < prof->letters->len; i++)
				score[l] += W_LETTER * (g_array_index(prof->letters, gunichar, i) == c);
		}
		p = g_utf8_next_char(p);
	}
}

int
etq_langid(const EtqRules *rules, const EtqText *text, const EtqMatch *mt)
{
	guint score[ETQ_N_LANGS];
	for (int l = 0; l < ETQ_N_LANGS; l++)
		score[l] = W_STOPWORD * mt->stop_hits[l];
	if (text->len <= 4096 && !text->ascii)
		letter_points(rules, text, score);
	/* A long message has stopwords enough: 64 words are plenty. */
	guint n = MIN(text->n_tokens, 64);
	for (guint i = 0; i < n; i++)
		if (telling_word(text, i)) {
			const EtqToken *tok = etq_text_token(text, i);
			word_points(etq_token_norm(text, tok), tok->norm_len, score);
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
	return best_score > second && best_score >= MIN_SCORE ? best : ETQ_LANG_UND;
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
