/* matcher.c — every phrase of every rule in one trie.
 *
 * Each phrase (phrase.c) is read in all its ways — alternatives and
 * optional parts spelled out — and each way is a path in one trie whose
 * edges are words, prefixes, stems or gaps; after a group (but the first
 * word's) the ways meet again at one node, through a gap of no words. A
 * message is read once: every token is turned into the symbols it stands
 * for (itself, the prefixes it starts with, its stem in each language that
 * has stems), and from every token the trie is walked along them. A lookup
 * never scans a list of phrases: each step is one table lookup per symbol
 * of the token.
 *
 * A phrase may belong to many rules (and to the greeting, question and
 * title lists of the language profiles); per phrase and start token, the
 * longest match counts. tests/fuzz/reference.c is the plain version of all
 * this, and the differential fuzzer holds the two to the same answers. */
#include <string.h>
#include <libstemmer.h>
#include "internal.h"
#include "phrase.h"
#include "table.h"

/* Owners above the rules: internal lists of the language profiles. */
enum { OWN_GREETING, OWN_QUESTION, OWN_TITLE, N_OWN };

/* Words up to this many bytes remember their symbols between messages;
 * all that memory is cleared once it exceeds SEEN_BYTES. */
#define SEEN_WORD_MAX 32
#define SEEN_BYTES (256 * 1024)
#define RUN_KEEP 1024 /* tokens: a longer message's buffers are not kept */

/* A trie node: the phrases ending there and its gap edges, as lists, and
 * its first word edge in place: most nodes have one (a phrase's next
 * word), and a table of every edge would be most of a matcher's memory. */
typedef struct {
	guint ends;   /* index + 1 in EtqMatcher.ends, 0: none */
	guint gaps;   /* index + 1 in EtqMatcher.gaps */
	guint sym;    /* of the first word edge */
	guint child;  /* its node (0: none, the root is nobody's child) */
	/* Bit sym % 32 of each other word edge, which is in EtqMatcher.edges:
	 * most look-ups there would miss, and a miss probes further than a hit. */
	guint more;
} Node;

/* A child with no node: only where phrases end (most phrases' last word),
 * LEAF | index + 1 of the first End, or LEAF | ONE | the phrase if it is
 * one (most are): no node of 20 bytes, no End of 8. Nodes, Ends and
 * phrases number below 2^30: memory runs out long before. */
#define LEAF 0x80000000u
#define ONE 0x40000000u

typedef struct {
	guint phrase, next;
} End;

typedef struct {
	guint child, next;
	guint8 min, max;     /* at most ETQ_GAP_MAX */
} Gap;

typedef struct {
	guint member, next;  /* owner << 2 | slot */
} Member;

struct EtqMatcher {
	EtqTexts words, prefixes;             /* text -> symbol */
	GStringChunk *texts;                  /* of words, prefixes and stems */
	guint n_langs;                        /* language profiles; per language: */
	EtqTexts *stems;                      /* stem -> symbol; keys NULL: no stems */
	struct sb_stemmer **stemmers;
	guint8 **stem_heads;                  /* bit: a stem starts with these two bytes */
	GArray *prefix_lens;                  /* guint, ascending */
	guint n_syms;
	Node *nodes;                          /* plain arrays: the build appends to them for every way */
	End *ends;                            /* of every phrase, a run reads them at every token */
	Member *members;
	guint n_nodes, nodes_cap, n_ends, ends_cap, n_members, members_cap;
	GArray *gaps;                         /* Gap */
	guint *phrase_members;                /* per phrase: its first Member + 1 */
	guint n_phrases, phrases_cap;
	EtqTable edges;                          /* node << 32 | symbol -> child, but a node's first */
	guint *root, root_cap;                /* per symbol: the root's child, 0: none */
	guint n_rules;
	/* Words seen -> their symbols: hash of the word -> offset in seen_words
	 * of {length, n, symbols…, the word's bytes}; bounded in bytes. */
	EtqTable seen;
	GByteArray *seen_words;
	/* One message: each token's symbols, and what was found (copied into
	 * its EtqMatch at the end: cheaper than a GArray append each). */
	guint *tok_syms, n_syms_run, syms_cap;
	guint *tok_off, off_cap;
	EtqOccurrence *found, *occ;
	guint n_found, found_cap, n_occ, occ_cap;
	guint *hit_rules, n_hit;              /* room for every rule */
	guint64 *hit_bits;                    /* a bit per rule: hit by this message */
};

/* Makes room for element `len` of a growing array. */
static gpointer
reserve(gpointer data, guint len, guint *cap, gsize size)
{
	if (len < *cap)
		return data;
	*cap = MAX(*cap * 2, MAX(len + 1, 64));
	return g_realloc_n(data, *cap, size);
}

/* ---- building ---- */

static guint
intern_len(EtqMatcher *m, EtqTexts *table, const char *text, gsize len)
{
	guint v = etq_texts_get(table, text, len);
	if (v)
		return v - 1;
	guint sym = m->n_syms++;
	etq_texts_put(table, g_string_chunk_insert_len(m->texts, text, len), len, sym);
	return sym;
}

static guint
intern(EtqMatcher *m, EtqTexts *table, const char *text)
{
	return intern_len(m, table, text, strlen(text));
}

static guint
new_node(EtqMatcher *m)
{
	Node n = { 0, 0, 0, 0, 0 };
	m->nodes = reserve(m->nodes, m->n_nodes, &m->nodes_cap, sizeof *m->nodes);
	m->nodes[m->n_nodes] = n;
	return m->n_nodes++;
}

/* The child (a node or a LEAF) the word edge sym leads to from nd (node,
 * not the root), or 0 (the root) if none. */
static inline guint
word_child(const EtqMatcher *m, const Node *nd, guint node, guint sym)
{
	if (nd->sym == sym && nd->child)
		return nd->child;
	if (!(nd->more >> (sym & 31) & 1))
		return 0;
	guint c = etq_table_get(&m->edges, (guint64)node << 32 | sym);
	return c ? c - 1 : 0;
}

/* The root's child by sym, or 0: every message looks up every word there. */
static inline guint
root_child(const EtqMatcher *m, guint sym)
{
	return sym < m->root_cap ? m->root[sym] : 0;
}

static inline guint
edge(const EtqMatcher *m, guint node, guint sym)
{
	return node ? word_child(m, &m->nodes[node], node, sym) : root_child(m, sym);
}

/* The word edge sym from node leads to c now. */
static inline void
set_edge(EtqMatcher *m, guint node, guint sym, guint c)
{
	Node *nd = &m->nodes[node];
	if (node == 0) {
		if (sym >= m->root_cap) {
			guint cap = MAX(2 * m->root_cap, MAX(sym + 1, 1024));
			m->root = g_renew(guint, m->root, cap);
			memset(m->root + m->root_cap, 0, (cap - m->root_cap) * sizeof *m->root);
			m->root_cap = cap;
		}
		m->root[sym] = c;
	} else if (!nd->child || nd->sym == sym) {
		nd->sym = sym;
		nd->child = c;
	} else {
		etq_table_put(&m->edges, (guint64)node << 32 | sym, c);
		nd->more |= 1u << (sym & 31);
	}
}

/* A phrase ending before the ends from index + 1 next on: its index + 1. */
static guint
push_end(EtqMatcher *m, guint phrase, guint next)
{
	m->ends = reserve(m->ends, m->n_ends, &m->ends_cap, sizeof *m->ends);
	m->ends[m->n_ends++] = (End){ phrase, next };
	return m->n_ends;
}

/* The ends of a leaf (or none) as a list: index + 1 of the first End. */
static guint
leaf_ends(EtqMatcher *m, guint c)
{
	return c & ONE ? push_end(m, c & ~(LEAF | ONE), 0) : c & ~LEAF;
}

/* The node the word edge sym leads to from node, made if need be (a leaf
 * there becomes a node with its ends). */
static guint
child(EtqMatcher *m, guint node, guint sym)
{
	guint c = edge(m, node, sym);
	if (c && !(c & LEAF))
		return c;
	guint n = new_node(m);
	m->nodes[n].ends = leaf_ends(m, c);
	set_edge(m, node, sym, n);
	return n;
}

static guint
add_gap(EtqMatcher *m, guint node, guint min, guint max, guint child)
{
	Gap gap = { child, m->nodes[node].gaps, min, max };
	g_array_append_val(m->gaps, gap);
	m->nodes[node].gaps = m->gaps->len;
	return child;
}

static guint
gap_child(EtqMatcher *m, guint node, guint min, guint max)
{
	for (guint g = m->nodes[node].gaps; g; g = g_array_index(m->gaps, Gap, g - 1).next) {
		const Gap *gap = &g_array_index(m->gaps, Gap, g - 1);
		if (gap->min == min && gap->max == max)
			return gap->child;
	}
	return add_gap(m, node, min, max, new_node(m));
}

/* A gap of no words from node to the node join, where the ways of a group
 * meet again (a gap the grammar has spans at least one word). */
static void
add_join(EtqMatcher *m, guint node, guint join)
{
	for (guint g = m->nodes[node].gaps; g; g = g_array_index(m->gaps, Gap, g - 1).next)
		if (g_array_index(m->gaps, Gap, g - 1).child == join)
			return;
	add_gap(m, node, 0, 0, join);
}

static void
add_prefix_len(EtqMatcher *m, guint len)
{
	guint i = 0;
	while (i < m->prefix_lens->len && g_array_index(m->prefix_lens, guint, i) < len)
		i++;
	if (i == m->prefix_lens->len || g_array_index(m->prefix_lens, guint, i) != len)
		g_array_insert_val(m->prefix_lens, i, len);
}

/* The stem of a normalised word in language l (owned by the stemmer). */
static const char *
stem(const EtqMatcher *m, int l, const char *word, gsize len)
{
	const sb_symbol *s = sb_stemmer_stem(m->stemmers[l], (const sb_symbol *)word, len);
	return s ? (const char *)s : "";
}

static guint
stem_symbol(EtqMatcher *m, int l, const char *word)
{
	const char *s = stem(m, l, word, strlen(word));
	if (!m->stems[l].keys) {
		etq_texts_init(&m->stems[l], 0);
		m->stem_heads[l] = g_malloc0(65536 / 8);
	}
	/* A word is stemmed only if it starts with a stem's first two bytes. */
	guint lo = (guchar)s[0] << 8, hi = s[0] && s[1] ? lo + (guchar)s[1] : lo + 255;
	for (guint h = s[0] && s[1] ? hi : lo; h <= hi; h++)
		m->stem_heads[l][h >> 3] |= 1u << (h & 7);
	return intern(m, &m->stems[l], s);
}

/* Phrase ends at node. */
static void
add_end(EtqMatcher *m, guint node, guint phrase)
{
	m->nodes[node].ends = push_end(m, phrase, m->nodes[node].ends);
}

/* Phrase ends after the word edge sym from node: at a leaf, unless a node
 * is there. */
static void
add_end_after(EtqMatcher *m, guint node, guint sym, guint phrase)
{
	guint c = edge(m, node, sym);
	if (c && !(c & LEAF))
		add_end(m, c, phrase);
	else
		set_edge(m, node, sym, c ? LEAF | push_end(m, phrase, leaf_ends(m, c)) : LEAF | ONE | phrase);
}

typedef struct {
	EtqMatcher *m;
	guint phrase;
	int lang;          /* of the phrase's owner, or ETQ_LANG_ANY */
} Insert;

/* Where filing goes on once a sequence is done: its parents, innermost
 * first. One without seq is where the ways of a group meet: node i. */
typedef struct Rest {
	const EtqSeq *seq;
	guint i;
	const struct Rest *up;
} Rest;

/* The symbol of each word and prefix of a phrase, looked up once (each of
 * its ways would look them up again). */
static void
intern_pieces(EtqMatcher *m, EtqSeq *seq)
{
	for (guint i = 0; i < seq->n; i++) {
		EtqPiece *p = &seq->pieces[i];
		if (p->kind == PIECE_WORD) {
			p->sym = intern(m, &m->words, p->word);
		} else if (p->kind == PIECE_PREFIX) {
			add_prefix_len(m, strlen(p->word));
			p->sym = intern(m, &m->prefixes, p->word);
		}
		for (guint a = 0; a < p->n_alts; a++)
			intern_pieces(m, &p->alts[a]);
	}
}

/* The rest of a phrase from r on, past the sequences done. */
static const Rest *
rest_from(const Rest *r)
{
	while (r && r->seq && r->i == r->seq->n)
		r = r->up;
	return r;
}

static void file_rest(Insert *in, const Rest *r, guint node);

/* The rest of a phrase past the word edge sym from node. */
static void
file_word(Insert *in, const Rest *next, guint node, guint sym)
{
	const Rest *r = rest_from(next);
	if (r)
		file_rest(in, r, child(in->m, node, sym));
	else
		add_end_after(in->m, node, sym, in->phrase);
}

/* Files every way of reading the rest of a phrase below node: the same
 * ways as etq_phrase_variants spells out. The ways of a group share the
 * path before it, and meet again after it at a node of their own, so
 * what follows the group is filed once, not once per way. */
static void
file_rest(Insert *in, const Rest *r, guint node)
{
	EtqMatcher *m = in->m;
	r = rest_from(r);
	if (!r) {
		add_end(m, node, in->phrase);
		return;
	}
	if (!r->seq) { /* never at the root: ways meet only after a word */
		add_join(m, node, r->i);
		return;
	}
	const EtqPiece *p = &r->seq->pieces[r->i];
	Rest next = { r->seq, r->i + 1, r->up };
	switch (p->kind) {
	case PIECE_WORD:
	case PIECE_PREFIX:
		file_word(in, &next, node, p->sym);
		break;
	case PIECE_STEM: /* a rule for any language: a stem in each language that has them */
		for (guint l = 0; l < m->n_langs; l++)
			if (m->stemmers[l] && (in->lang == ETQ_LANG_ANY || in->lang == (int)l))
				file_word(in, &next, node, stem_symbol(m, l, p->word));
		break;
	case PIECE_GAP:
		file_rest(in, &next, gap_child(m, node, p->min, p->max));
		break;
	case PIECE_GROUP: {
		const Rest *after = rest_from(&next);
		Rest join = { NULL, 0, NULL };
		/* the root has no gaps, and there the ways share no path to save */
		if (node && after && after->seq && p->n_alts + p->optional > 1) {
			join.i = new_node(m);
			after = &join;
		} else {
			after = &next;
		}
		for (guint a = 0; a < p->n_alts; a++) {
			Rest alt = { &p->alts[a], 0, after };
			file_rest(in, &alt, node);
		}
		if (p->optional)
			file_rest(in, after, node);
		if (join.i)
			file_rest(in, &next, join.i);
		break;
	}
	}
}

/* A phrase filed lately, by the address of its text: a table of every
 * address would cost more, in new memory, than it saves for a user's
 * 250k phrases that no two rules share. */
typedef struct {
	const char *text;
	int lang;
	guint id;
} Recent;

/* A power of two: more than the phrases of a shipped rules file's lists
 * (about 1,100), which its rules take again and again. 8,192 hit as often,
 * and a table of 128 KB is one malloc maps and unmaps: all new pages. */
#define N_RECENT 4096

typedef struct {
	EtqMatcher *m;
	Recent *recent;                     /* N_RECENT, by address */
	EtqTexts *texts;                    /* per language + 1: phrase text -> id + 1 */
	GHashTable *parsed;                 /* EtqRules.parsed, or NULL */
	EtqText scan;                       /* for the parser */
} Build;

/* Most phrases are words only, and many others words ending in a prefix
 * ("mentor*", "co-op*"): their path is the tokeniser's words, with no tree
 * to build (the differential fuzzer holds this to the parser). */
typedef enum { WORDS, WORDS_PREFIX, GRAMMAR } Shape;

static Shape
shape(const char *text)
{
	const char *sign = strpbrk(text, "()|*~");
	if (!sign)
		return WORDS;
	/* the only sign is a * right after the last word */
	if (*sign == '*' && !sign[1] && sign > text && sign[-1] != ' ' && sign[-1] != '\t')
		return WORDS_PREFIX;
	return GRAMMAR;
}

/* The last token with a word, or G_MAXUINT if none. */
static guint
last_word(const EtqText *scan)
{
	guint i = scan->n_tokens;
	while (i > 0 && !etq_text_token(scan, i - 1)->norm_len)
		i--;
	return i ? i - 1 : G_MAXUINT;
}

static void
insert_words(Build *b, const char *text, Shape sh, guint phrase)
{
	EtqMatcher *m = b->m;
	etq_text_scan(&b->scan, text);
	guint node = 0, sym = G_MAXUINT, prefix = sh == WORDS_PREFIX ? last_word(&b->scan) : G_MAXUINT;
	for (guint i = 0; i < b->scan.n_tokens; i++) {
		const EtqToken *tok = etq_text_token(&b->scan, i);
		if (!tok->norm_len)
			continue;
		if (i == prefix)
			add_prefix_len(m, tok->norm_len);
		if (sym != G_MAXUINT)
			node = child(m, node, sym);
		sym = intern_len(m, i == prefix ? &m->prefixes : &m->words, etq_token_norm(&b->scan, tok), tok->norm_len);
	}
	if (sym != G_MAXUINT)
		add_end_after(m, node, sym, phrase);
	else
		add_end(m, node, phrase);
}

/* The id + 1 of a phrase, filed if it is new (0: it cannot be read). A
 * rule takes its lists' phrases by address: most are found among the
 * addresses seen last, without reading the text. */
static guint
phrase_id(Build *b, const char *text, int lang)
{
	EtqMatcher *m = b->m;
	Recent *seen = &b->recent[(GPOINTER_TO_SIZE(text) >> 3 ^ (guint)lang) & (N_RECENT - 1)];
	if (seen->text == text && seen->lang == lang)
		return seen->id;
	Shape sh = shape(text);
	EtqTexts *texts = &b->texts[sh != GRAMMAR ? 0 : lang + 1]; /* only stems depend on the language */
	gsize len = strlen(text);
	guint id = etq_texts_get(texts, text, len);
	id = id ? id - 1 : 0;
	if (!id && sh != GRAMMAR) {
		insert_words(b, text, sh, m->n_phrases);
	} else if (!id) {
		const char *error;
		/* a kept tree is taken: its memory serves what is built next (a
		 * rare other language parses the phrase again) */
		gpointer key = NULL, seq = NULL;
		if (!b->parsed || !g_hash_table_steal_extended(b->parsed, text, &key, &seq))
			seq = etq_phrase_parse_with(&b->scan, text, &error);
		if (!seq) /* refused when the rules were read */
			return 0;
		Insert in = { m, m->n_phrases, lang };
		Rest all = { seq, 0, NULL };
		intern_pieces(m, seq);
		file_rest(&in, &all, 0);
		g_free(key);
		etq_phrase_free(seq);
	}
	if (!id) {
		m->phrase_members = reserve(m->phrase_members, m->n_phrases, &m->phrases_cap, sizeof *m->phrase_members);
		m->phrase_members[m->n_phrases] = 0;
		id = ++m->n_phrases;
		etq_texts_put(texts, text, len, id);
	}
	*seen = (Recent){ text, lang, id };
	return id;
}

static void
add_phrase(Build *b, const char *text, int lang, guint owner, EtqSlot slot)
{
	EtqMatcher *m = b->m;
	guint id = phrase_id(b, text, lang);
	if (!id) /* refused when the rules were read */
		return;
	guint phrase = id - 1, member = owner << 2 | slot;
	guint *head = &m->phrase_members[phrase];
	/* The phrases of one slot of one owner are filed one after another: a
	 * phrase it has twice there has that member at its head already. */
	if (*head && m->members[*head - 1].member == member)
		return;
	Member mb = { member, *head };
	m->members = reserve(m->members, m->n_members, &m->members_cap, sizeof *m->members);
	m->members[m->n_members++] = mb;
	*head = m->n_members;
}

static GPtrArray *
profile_list(const EtqProfile *prof, int k)
{
	static const char *const lists[N_OWN] = { "greeting", "question", "titles" };
	return g_hash_table_lookup(prof->lists, lists[k]);
}

static void
add_profile(Build *b, int lang, const EtqProfile *prof)
{
	EtqMatcher *m = b->m;
	for (int k = 0; k < N_OWN; k++) {
		GPtrArray *l = profile_list(prof, k);
		for (guint i = 0; l && i < l->len; i++)
			add_phrase(b, g_ptr_array_index(l, i), lang, m->n_rules + lang * N_OWN + k, SLOT_MATCH);
	}
}

/* The phrases of the rules and lists the matcher files, each time it does. */
static guint
count_phrases(const EtqRules *rules)
{
	guint n = etq_rules_n_phrase_entries(rules);
	for (guint l = 0; l < rules->profiles->len; l++)
		for (int k = 0; k < N_OWN; k++) {
			GPtrArray *list = profile_list(g_ptr_array_index(rules->profiles, l), k);
			n += list ? list->len : 0;
		}
	return MIN(n, G_MAXUINT / 4);
}

EtqMatcher *
etq_matcher_build(EtqRules *rules)
{
	EtqMatcher *m = g_new0(EtqMatcher, 1);
	/* Sized for the shipped rules' shape, so that neither the arrays nor
	 * the tables grow (each step copies, and new memory costs page faults):
	 * per phrase filed about a member, 0.6 nodes, 0.1 ends (most are in
	 * leaves) and 0.7 edges in the table (a table that grows holds both
	 * copies at once), and a new word every 5. */
	guint n_phrases = count_phrases(rules);
	etq_texts_init(&m->words, n_phrases / 4);
	etq_texts_init(&m->prefixes, 0);
	m->texts = g_string_chunk_new(16 * 1024);
	m->prefix_lens = g_array_new(FALSE, FALSE, sizeof(guint));
	m->nodes = reserve(NULL, n_phrases, &m->nodes_cap, sizeof *m->nodes);
	m->ends = reserve(NULL, n_phrases / 8, &m->ends_cap, sizeof *m->ends);
	m->gaps = g_array_new(FALSE, FALSE, sizeof(Gap));
	m->members = reserve(NULL, n_phrases, &m->members_cap, sizeof *m->members);
	m->phrase_members = reserve(NULL, n_phrases, &m->phrases_cap, sizeof *m->phrase_members);
	etq_table_init(&m->edges, n_phrases / 4 * 3);
	etq_table_init(&m->seen, 0);
	m->seen_words = g_byte_array_new();
	m->n_rules = rules->all_rules->len;
	m->hit_rules = g_new(guint, m->n_rules + 1);
	m->hit_bits = g_new0(guint64, m->n_rules / 64 + 1);
	new_node(m); /* the root */
	m->n_langs = rules->profiles->len;
	m->stems = g_new0(EtqTexts, m->n_langs);
	m->stemmers = g_new0(struct sb_stemmer *, m->n_langs);
	m->stem_heads = g_new0(guint8 *, m->n_langs);
	for (guint l = 0; l < m->n_langs; l++) {
		const EtqProfile *prof = g_ptr_array_index(rules->profiles, l);
		if (prof->stemmer)
			m->stemmers[l] = sb_stemmer_new(prof->stemmer, "UTF_8");
	}

	Build b = { .m = m, .texts = g_new(EtqTexts, m->n_langs + 1), .parsed = rules->parsed };
	etq_text_init(&b.scan);
	b.recent = g_new0(Recent, N_RECENT);
	for (guint l = 0; l <= m->n_langs; l++)
		etq_texts_init(&b.texts[l], 0);
	for (guint r = 0; r < rules->all_rules->len; r++) {
		EtqRule *rule = g_ptr_array_index(rules->all_rules, r);
		for (int s = 0; s < N_SLOTS; s++)
			for (guint i = 0; rule->phrases[s] && i < rule->phrases[s]->len; i++)
				add_phrase(&b, g_ptr_array_index(rule->phrases[s], i), rule->lang, r, s);
	}
	for (guint l = 0; l < m->n_langs; l++)
		add_profile(&b, l, g_ptr_array_index(rules->profiles, l));
	for (guint l = 0; l <= m->n_langs; l++)
		etq_texts_clear(&b.texts[l]);
	g_free(b.texts);
	g_free(b.recent);
	etq_text_clear(&b.scan);
	g_clear_pointer(&rules->parsed, g_hash_table_destroy); /* taken */
	return m;
}

void
etq_matcher_free(EtqMatcher *m)
{
	if (!m)
		return;
	etq_texts_clear(&m->words);
	etq_texts_clear(&m->prefixes);
	g_string_chunk_free(m->texts);
	for (guint l = 0; l < m->n_langs; l++) {
		if (m->stems[l].keys)
			etq_texts_clear(&m->stems[l]);
		if (m->stemmers[l])
			sb_stemmer_delete(m->stemmers[l]);
		g_free(m->stem_heads[l]);
	}
	g_free(m->stems);
	g_free(m->stemmers);
	g_free(m->stem_heads);
	g_array_free(m->prefix_lens, TRUE);
	g_free(m->nodes);
	g_free(m->root);
	g_free(m->ends);
	g_array_free(m->gaps, TRUE);
	g_free(m->members);
	g_free(m->phrase_members);
	etq_table_clear(&m->edges);
	etq_table_clear(&m->seen);
	g_byte_array_free(m->seen_words, TRUE);
	g_free(m->tok_syms);
	g_free(m->tok_off);
	g_free(m->found);
	g_free(m->occ);
	g_free(m->hit_rules);
	g_free(m->hit_bits);
	g_free(m);
}

gboolean
etq_matcher_phrase_in(const EtqMatcher *m, guint phrase, guint rule, EtqSlot slot)
{
	/* owners are filed in order, each at the head of the chain: the
	 * members of a phrase come in descending order */
	guint want = rule << 2 | slot;
	for (guint b = m->phrase_members[phrase]; b; b = m->members[b - 1].next)
		if (m->members[b - 1].member <= want)
			return m->members[b - 1].member == want;
	return FALSE;
}

gsize
etq_matcher_memory(const EtqMatcher *m)
{
	return m->seen_words->len + m->seen.size * (sizeof *m->seen.keys + sizeof *m->seen.vals) +
	       m->syms_cap * sizeof *m->tok_syms + m->off_cap * sizeof *m->tok_off +
	       (m->found_cap + m->occ_cap) * sizeof(EtqOccurrence);
}

void
etq_match_init(EtqMatch *mt)
{
	memset(mt, 0, sizeof *mt);
	mt->hits = g_array_new(FALSE, TRUE, sizeof(EtqRuleHit));
	mt->hit_rules = g_array_new(FALSE, FALSE, sizeof(guint));
	mt->occurrences = g_array_new(FALSE, FALSE, sizeof(EtqOccurrence));
	mt->question_start = g_array_new(FALSE, FALSE, sizeof(int));
}

void
etq_match_clear(EtqMatch *mt)
{
	g_array_free(mt->hits, TRUE);
	g_array_free(mt->hit_rules, TRUE);
	g_array_free(mt->occurrences, TRUE);
	g_array_free(mt->question_start, TRUE);
	g_free(mt->greeting_tok);
	g_free(mt->title_len);
}

/* ---- matching ---- */

static void
add_sym(EtqMatcher *m, guint v)
{
	if (v) {
		m->tok_syms = reserve(m->tok_syms, m->n_syms_run, &m->syms_cap, sizeof *m->tok_syms);
		m->tok_syms[m->n_syms_run++] = v - 1;
	}
}

/* Appends the symbols a word stands for: itself, its prefixes, its stems. */
static void
word_symbols(EtqMatcher *m, const char *w, guint len)
{
	add_sym(m, etq_texts_get(&m->words, w, len));
	for (guint i = 0; i < m->prefix_lens->len; i++) {
		guint k = g_array_index(m->prefix_lens, guint, i);
		if (k > len)
			break;
		add_sym(m, etq_texts_get(&m->prefixes, w, k));
	}
	guint head = (guchar)w[0] << 8 | (len > 1 ? (guchar)w[1] : 0);
	for (guint l = 0; l < m->n_langs; l++)
		if (m->stems[l].keys && (m->stem_heads[l][head >> 3] >> (head & 7) & 1)) {
			const char *s = stem(m, l, w, len);
			add_sym(m, etq_texts_get(&m->stems[l], s, strlen(s)));
		}
}

static guint64
hash_word(const char *w, guint len)
{
	guint64 h = len;
	for (guint i = 0; i < len; i++)
		h = (h ^ (guchar)w[i]) * G_GUINT64_CONSTANT(0x100000001B3);
	return h;
}

static void
token_symbols(EtqMatcher *m, const char *w, guint len)
{
	if (len > SEEN_WORD_MAX) {
		word_symbols(m, w, len);
		return;
	}
	guint64 h = hash_word(w, len);
	guint at = etq_table_get(&m->seen, h);
	if (at) {
		const guint *e = (const guint *)(m->seen_words->data + at - 1);
		if (e[0] == len && memcmp(e + 2 + e[1], w, len) == 0) {
			for (guint i = 0; i < e[1]; i++)
				add_sym(m, e[2 + i] + 1);
			return;
		}
	}
	guint from = m->n_syms_run;
	word_symbols(m, w, len);
	if (at) /* another word with the same hash: not remembered */
		return;
	guint n = m->n_syms_run - from;
	if (m->seen_words->len > SEEN_BYTES) { /* full: start again */
		memset(m->seen.vals, 0, m->seen.size * sizeof *m->seen.vals);
		m->seen.n = 0;
		g_byte_array_set_size(m->seen_words, 0);
	}
	guint head[2] = { len, n };
	guint off = m->seen_words->len;
	g_byte_array_append(m->seen_words, (const guint8 *)head, sizeof head);
	if (n)
		g_byte_array_append(m->seen_words, (const guint8 *)(m->tok_syms + from), n * sizeof *m->tok_syms);
	g_byte_array_append(m->seen_words, (const guint8 *)w, len);
	/* keep the next entry's integers aligned */
	g_byte_array_set_size(m->seen_words, (m->seen_words->len + 3) & ~3u);
	etq_table_put(&m->seen, h, off);
}

/* One message being matched. */
typedef struct {
	EtqMatcher *m;
	const EtqText *text;
	guint n;                 /* tokens */
	guint start;             /* token the phrases being walked start at */
} Run;

static inline void
found(Run *r, guint phrase, guint pos)
{
	EtqMatcher *m = r->m;
	m->found = reserve(m->found, m->n_found, &m->found_cap, sizeof *m->found);
	m->found[m->n_found++] = (EtqOccurrence){ phrase, r->start, pos };
}

/* The phrases of the ends from index + 1 e on, found up to token pos. */
static inline void
found_ends(Run *r, guint e, guint pos)
{
	for (; e; e = r->m->ends[e - 1].next)
		found(r, r->m->ends[e - 1].phrase, pos);
}

static void walk(Run *r, guint node, guint pos);

/* Every phrase below child c (a node or a LEAF), reading from token pos on. */
static inline void
step(Run *r, guint c, guint pos)
{
	if ((c & (LEAF | ONE)) == (LEAF | ONE))
		found(r, c & ~(LEAF | ONE), pos);
	else if (c & LEAF)
		found_ends(r, c & ~LEAF, pos);
	else if (c)
		walk(r, c, pos);
}

/* Every phrase of the trie below node, reading from token pos on. */
static void
walk(Run *r, guint node, guint pos)
{
	EtqMatcher *m = r->m;
	const Node *nd = &m->nodes[node];
	found_ends(r, nd->ends, pos);
	for (guint g = nd->gaps; g; g = g_array_index(m->gaps, Gap, g - 1).next) {
		const Gap gap = g_array_index(m->gaps, Gap, g - 1);
		for (guint k = 0; k <= gap.max; k++) {
			if (k >= gap.min)
				walk(r, gap.child, pos + k);
			if (pos + k >= r->n || etq_text_token(r->text, pos + k)->link)
				break; /* a gap skips words, not links */
		}
	}
	if (pos >= r->n)
		return;
	for (guint s = m->tok_off[pos]; s < m->tok_off[pos + 1]; s++)
		step(r, word_child(m, nd, node, m->tok_syms[s]), pos + 1);
}

/* By phrase, the longest first. */
static int
cmp_found(const void *a, const void *b)
{
	const EtqOccurrence *x = a, *y = b;
	if (x->phrase != y->phrase)
		return x->phrase < y->phrase ? -1 : 1;
	return (y->tok_end > x->tok_end) - (y->tok_end < x->tok_end);
}

/* The rules hit, in file order, from their bits (which it clears). */
static guint
hit_rules_in_order(EtqMatcher *m)
{
	guint n = 0;
	for (guint w = 0; n < m->n_hit; w++)
		for (; m->hit_bits[w]; m->hit_bits[w] &= m->hit_bits[w] - 1)
			m->hit_rules[n++] = w * 64 + (guint)__builtin_ctzll(m->hit_bits[w]);
	return n;
}

static void
record_member(EtqMatcher *m, EtqMatch *mt, guint member, const EtqOccurrence *o)
{
	guint owner = member >> 2, slot = member & 3;
	if (owner >= m->n_rules) {
		guint lang = (owner - m->n_rules) / N_OWN, len = o->tok_end - o->tok_start;
		switch ((owner - m->n_rules) % N_OWN) {
		case OWN_GREETING:
			memset(mt->greeting_tok + o->tok_start, 1, len);
			break;
		case OWN_QUESTION:
			if (g_array_index(mt->question_start, int, lang) < 0)
				g_array_index(mt->question_start, int, lang) = o->tok_start;
			break;
		case OWN_TITLE:
			mt->title_len[o->tok_start] = MAX(mt->title_len[o->tok_start], MIN(len, 255));
			break;
		}
		return;
	}
	EtqRuleHit *h = &g_array_index(mt->hits, EtqRuleHit, owner);
	guint64 bit = G_GUINT64_CONSTANT(1) << (owner % 64);
	if (!(m->hit_bits[owner / 64] & bit)) {
		m->hit_bits[owner / 64] |= bit;
		m->n_hit++;
	}
	/* the earliest match, and the longest there */
	if (slot == SLOT_MATCH && (!h->hit[SLOT_MATCH] || (h->tok_start == o->tok_start && o->tok_end > h->tok_end))) {
		h->tok_start = o->tok_start;
		h->tok_end = o->tok_end;
	}
	h->hit[slot] = 1;
}

/* The phrases found from one start token: each once, its longest match. */
static void
record_found(EtqMatcher *m, EtqMatch *mt)
{
	if (m->n_found > 16)
		qsort(m->found, m->n_found, sizeof *m->found, cmp_found);
	for (guint k = 1; m->n_found <= 16 && k < m->n_found; k++) /* most: one or two */
		for (guint j = k; j > 0 && cmp_found(&m->found[j - 1], &m->found[j]) > 0; j--) {
			EtqOccurrence x = m->found[j];
			m->found[j] = m->found[j - 1];
			m->found[j - 1] = x;
		}
	for (guint k = 0; k < m->n_found; k++) {
		const EtqOccurrence *o = &m->found[k];
		if (k && o->phrase == m->found[k - 1].phrase)
			continue; /* a shorter way to read the same phrase here */
		m->occ = reserve(m->occ, m->n_occ, &m->occ_cap, sizeof *m->occ);
		m->occ[m->n_occ++] = *o;
		for (guint b = m->phrase_members[o->phrase]; b;
		     b = m->members[b - 1].next)
			record_member(m, mt, m->members[b - 1].member, o);
	}
}

static void
set_array(GArray *a, gconstpointer data, guint n, gsize size)
{
	g_array_set_size(a, n);
	if (n)
		memcpy(a->data, data, n * size);
}

static void
reset(const EtqMatcher *m, EtqMatch *mt, guint n_tokens)
{
	for (guint i = 0; i < mt->hit_rules->len; i++)
		memset(&g_array_index(mt->hits, EtqRuleHit, g_array_index(mt->hit_rules, guint, i)),
		       0, sizeof(EtqRuleHit));
	if (mt->hits->len != m->n_rules) {
		g_array_set_size(mt->hits, 0);
		g_array_set_size(mt->hits, m->n_rules);
	}
	if (mt->tok_cap < n_tokens + 1) {
		mt->tok_cap = n_tokens + 1;
		mt->greeting_tok = g_realloc(mt->greeting_tok, mt->tok_cap);
		mt->title_len = g_realloc(mt->title_len, mt->tok_cap);
	}
	memset(mt->greeting_tok, 0, n_tokens + 1);
	memset(mt->title_len, 0, n_tokens + 1);
	g_array_set_size(mt->question_start, m->n_langs);
	for (guint l = 0; l < m->n_langs; l++)
		g_array_index(mt->question_start, int, l) = -1;
}

void
etq_matcher_run(EtqMatcher *m, const EtqText *text, EtqMatch *mt)
{
	guint n = text->n_tokens;
	reset(m, mt, n);
	m->n_syms_run = m->n_occ = m->n_hit = 0;
	m->tok_off = reserve(m->tok_off, n, &m->off_cap, sizeof *m->tok_off);
	for (guint i = 0; i < n; i++) {
		const EtqToken *tok = etq_text_token(text, i);
		m->tok_off[i] = m->n_syms_run;
		if (!tok->link)
			token_symbols(m, etq_token_norm(text, tok), tok->norm_len);
	}
	m->tok_off[n] = m->n_syms_run;
	Run r = { m, text, n, 0 };
	for (guint i = 0; i < n; i++) {
		m->n_found = 0;
		r.start = i;
		for (guint s = m->tok_off[i]; s < m->tok_off[i + 1]; s++) /* the root: no ends, no gaps */
			step(&r, root_child(m, m->tok_syms[s]), i + 1);
		if (m->n_found)
			record_found(m, mt);
	}
	set_array(mt->hit_rules, m->hit_rules, hit_rules_in_order(m), sizeof *m->hit_rules);
	set_array(mt->occurrences, m->occ, m->n_occ, sizeof *m->occ);
	if (n > RUN_KEEP) { /* a long message: its buffers go back */
		g_clear_pointer(&m->tok_syms, g_free);
		g_clear_pointer(&m->tok_off, g_free);
		g_clear_pointer(&m->found, g_free);
		g_clear_pointer(&m->occ, g_free);
		m->syms_cap = m->off_cap = m->found_cap = m->occ_cap = 0;
	}
}
